"""A person's words and their copies, for forgetting; course retention, for purging old texts."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update

from facilitation.model import Footprint
from facilitation.ports import PurgeProgress, PurgeSchedule, Removal
from facilitation.redaction import REMOVED
from storage.models import (
    AnswerRow,
    CourseRow,
    DiscussionAnswerRow,
    DiscussionReactionRow,
    DiscussionReplyRow,
    GuestSessionRow,
    HelperAskRow,
    HelperRow,
    InboxRow,
    IntroductionRow,
    LearnerRow,
    OutboxRow,
    PersonRow,
    QuestionRow,
    SessionAskerRow,
    SessionQuestionRow,
    SessionVoteRow,
    StoryRow,
)
from storage.repositories.base import Repository
from storage.repositories.privacy_queries import Scope, purgeable
from storage.search_index import reindex_questions, unindex_introductions

_FRAGMENTS_PER_QUERY = 50
# Telegram's user and chat ids have at most 52 significant bits: below this, none can be.
_FORMER_IDS_BELOW = -(2**52)


class SqlPrivacy(Repository):
    async def footprint(self, person_id: int, course_id: int | None) -> Footprint:
        scope = Scope(person_id, course_id)
        return Footprint(
            introductions=await self._count(IntroductionRow, scope.introductions()),
            questions=await self._count(QuestionRow, scope.questions(kept_only=True)),
            # A discussion's answers are answers too.
            answers=await self._count(AnswerRow, scope.answers(kept_only=True))
            + await self._count(DiscussionAnswerRow, scope.discussion_answers(kept_only=True))
            + await self._count(DiscussionReplyRow, scope.discussion_replies(kept_only=True)),
            guest_questions=await self._count(SessionQuestionRow, scope.guest_questions(kept_only=True)),
            guest_answers=await self._count(SessionQuestionRow, scope.guest_answers(kept_only=True)),
            stories=await self._count(StoryRow, self._stories(person_id, course_id)),
        )

    @staticmethod
    def _stories(person_id: int, course_id: int | None) -> list[ColumnElement[bool]]:
        mine = [StoryRow.author_id == person_id]
        return mine if course_id is None else [*mine, StoryRow.course_id == course_id]

    async def remove_words(self, person_id: int, course_id: int | None) -> Removal:
        removed, scope = REMOVED, Scope(person_id, course_id)
        intros = list(await self.session.scalars(select(IntroductionRow.text).where(*scope.introductions())))
        questions = await self._texts(QuestionRow.text, scope.questions(kept_only=True))
        answers = await self._texts(AnswerRow.text, scope.answers(kept_only=True))
        answers += await self._texts(DiscussionAnswerRow.text, scope.discussion_answers(kept_only=True))
        answers += await self._texts(DiscussionReplyRow.text, scope.discussion_replies(kept_only=True))
        asked = await self._texts(SessionQuestionRow.text, scope.guest_questions(kept_only=True))
        given = await self._texts(SessionQuestionRow.answer, scope.guest_answers(kept_only=True))
        sessions = await self._ended_sessions(scope)
        # The search index forgets with the rows: what is gone can't be found.
        await unindex_introductions(
            self.session, await self.session.scalars(select(IntroductionRow.id).where(*scope.introductions()))
        )
        asked_here = select(QuestionRow.id).where(*scope.questions())
        answered_here = select(AnswerRow.question_id).where(*scope.answers())
        touched = list(await self.session.scalars(asked_here.union(answered_here)))
        await self.session.execute(delete(IntroductionRow).where(*scope.introductions()))
        await self._replace(QuestionRow, scope.questions(), text=removed)
        await self._replace(AnswerRow, scope.answers(), text=removed)
        await reindex_questions(self.session, touched)
        # A discussion's answers go, with the reactions and replies they drew, and so do the
        # person's replies and reactions: later recaps and transcripts are built without them.
        for model in (DiscussionReactionRow, DiscussionReplyRow):
            await self.session.execute(delete(model).where(scope.under_discussion_answers(model.answer_id)))
        await self.session.execute(delete(DiscussionReplyRow).where(*scope.discussion_replies()))
        await self.session.execute(delete(DiscussionReactionRow).where(*scope.discussion_reactions()))
        await self.session.execute(delete(DiscussionAnswerRow).where(*scope.discussion_answers()))
        await self._replace(SessionQuestionRow, scope.guest_questions(), text=removed, normalized=removed)
        await self._replace(SessionQuestionRow, scope.guest_answers(), answer=removed)
        topics = await self._forget_helper(person_id, course_id)
        footprint = Footprint(len(intros), len(questions), len(answers), len(asked), len(given))
        words = [w for w in (*intros, *questions, *answers, *asked, *given, *topics) if w]
        return Removal(footprint, words, sessions)

    async def _forget_helper(self, person_id: int, course_id: int | None) -> list[str]:
        """Their peer-helper choice and topics go, and the questions pointed at them; the topics
        are returned to be found in copies."""
        mine = [HelperRow.person_id == person_id]
        asks = [HelperAskRow.person_id == person_id]
        if course_id is not None:
            mine.append(HelperRow.course_id == course_id)
            asks.append(HelperAskRow.course_id == course_id)
        topics = [t for t in await self.session.scalars(select(HelperRow.topics).where(*mine)) if t]
        await self.session.execute(delete(HelperRow).where(*mine))
        await self.session.execute(delete(HelperAskRow).where(*asks))
        return topics

    async def forget_learner(self, person_id: int, course_id: int | None, now: datetime) -> None:
        mine = [LearnerRow.person_id == person_id]
        if course_id is not None:
            mine.append(LearnerRow.course_id == course_id)
        await self.session.execute(update(LearnerRow).where(*mine).values(forgotten_at=now))

    async def forget_name(self, person_id: int, name: str) -> None:
        await self.session.execute(
            update(PersonRow).where(PersonRow.id == person_id).values(name=name, username=None)
        )

    async def questions_of(self, person_id: int) -> list[int]:
        asked = select(QuestionRow.id).where(QuestionRow.asker_id == person_id)
        answered = select(AnswerRow.question_id).where(AnswerRow.answerer_id == person_id)
        return sorted(set(await self.session.scalars(asked.union(answered))))

    async def hand_over(self, person_id: int, name: str, now: datetime) -> int:
        # Drawn at random below every Telegram id, not read as "the lowest, minus one": two
        # processes erasing at the same moment can't pick the same one.
        former = _FORMER_IDS_BELOW - secrets.randbelow(2**60)
        self.session.add(PersonRow(id=former, name=name, username=None, started_at=None, last_seen_at=now))
        await self.session.flush()
        for model, column in (
            (QuestionRow, QuestionRow.asker_id),
            (AnswerRow, AnswerRow.answerer_id),
            (SessionQuestionRow, SessionQuestionRow.asker_id),
            (SessionAskerRow, SessionAskerRow.person_id),
            (SessionVoteRow, SessionVoteRow.person_id),
            (LearnerRow, LearnerRow.person_id),
        ):
            await self.session.execute(update(model).where(column == person_id).values({column: former}))
        return former

    async def inbox_mentioning(
        self, person_id: int, fragments: Sequence[str], up_to_update: int | None
    ) -> list[tuple[int, str]]:
        # The inbox holds at most a week of updates; their id as text narrows it to candidates.
        bound = [] if up_to_update is None else [InboxRow.update_id <= up_to_update]
        return await self._containing(
            InboxRow.update_id, InboxRow.payload, [str(person_id), *fragments], bound
        )

    async def rewrite_inbox(self, payloads: dict[int, str]) -> None:
        for update_id, payload in payloads.items():
            await self.session.execute(
                update(InboxRow).where(InboxRow.update_id == update_id).values(payload=payload)
            )

    async def outbox_containing(self, fragments: Sequence[str]) -> list[tuple[int, str]]:
        return await self._containing(OutboxRow.id, OutboxRow.payload, fragments, [])

    async def _containing(
        self, key: Any, payload: Any, fragments: Sequence[str], conditions: list[ColumnElement[bool]]
    ) -> list[tuple[int, str]]:
        found: dict[int, str] = {}
        for start in range(0, len(fragments), _FRAGMENTS_PER_QUERY):
            chunk = fragments[start : start + _FRAGMENTS_PER_QUERY]
            matches = or_(*(payload.contains(fragment, autoescape=True) for fragment in chunk))
            rows = await self.session.execute(select(key, payload).where(matches, *conditions))
            found.update({row_key: text for row_key, text in rows})
        return sorted(found.items())

    async def rewrite_outbox(self, payloads: dict[int, str]) -> None:
        for row_id, payload in payloads.items():
            await self.session.execute(
                update(OutboxRow).where(OutboxRow.id == row_id).values(payload=payload)
            )

    async def schedule_purge(self, course_id: int, at: datetime | None) -> None:
        await self.session.execute(
            update(CourseRow).where(CourseRow.id == course_id).values(next_purge_at=at)
        )

    async def purge_due(self, now: datetime, limit: int) -> list[PurgeSchedule]:
        rows = await self.session.scalars(
            select(CourseRow)
            .where(CourseRow.next_purge_at <= now, CourseRow.retention_seconds.is_not(None))
            .order_by(CourseRow.next_purge_at)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has a single writer anyway
        )
        return [
            PurgeSchedule(row.id, timedelta(seconds=row.retention_seconds or 0), row.purged_through)
            for row in rows
        ]

    async def purge_texts(
        self, course_id: int, since: datetime | None, before: datetime, limit: int
    ) -> PurgeProgress:
        """Up to `limit` rows of each kind, oldest first; resumes from the earliest kind cut short."""
        purged, cut_short = 0, []
        for model, moment, condition, values in purgeable(course_id, REMOVED):
            query = select(model.id, moment).where(moment < before, condition)
            if since is not None:
                query = query.where(moment >= since)
            rows = list(await self.session.execute(query.order_by(moment).limit(limit)))
            if rows:
                ids = [row_id for row_id, _ in rows]
                await self.session.execute(update(model).where(model.id.in_(ids)).values(**values))
                await self._unindex(model, ids)
            purged += len(rows)
            if len(rows) == limit:
                cut_short.append(rows[-1][1])
        return PurgeProgress(purged, min(cut_short) if cut_short else None)

    async def mark_purged(self, course_id: int, through: datetime | None, next_at: datetime) -> None:
        values: dict[str, Any] = {"next_purge_at": next_at}
        if through is not None:
            values["purged_through"] = through
        await self.session.execute(update(CourseRow).where(CourseRow.id == course_id).values(**values))

    async def _unindex(self, model: Any, ids: list[int]) -> None:
        """Purged texts leave the search index (a question's answers are indexed with it)."""
        if model is QuestionRow:
            await reindex_questions(self.session, ids)
        elif model is AnswerRow:
            questions = await self.session.scalars(select(AnswerRow.question_id).where(AnswerRow.id.in_(ids)))
            await reindex_questions(self.session, questions)
        elif model is IntroductionRow:
            await unindex_introductions(self.session, ids)

    async def _count(self, model: Any, conditions: list[ColumnElement[bool]]) -> int:
        return await self.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

    async def _texts(self, column: Any, conditions: list[ColumnElement[bool]]) -> list[str]:
        return [text for text in await self.session.scalars(select(column).where(*conditions)) if text]

    async def _replace(self, model: Any, conditions: list[ColumnElement[bool]], **values: str) -> None:
        await self.session.execute(update(model).where(*conditions).values(**values))

    async def _ended_sessions(self, scope: Scope) -> list[int]:
        touched = select(SessionQuestionRow.session_id).where(
            or_(and_(*scope.guest_questions(kept_only=True)), and_(*scope.guest_answers(kept_only=True)))
        )
        rows = await self.session.scalars(
            select(GuestSessionRow.id).where(
                GuestSessionRow.id.in_(touched), GuestSessionRow.transcript.is_not(None)
            )
        )
        return sorted(rows)
