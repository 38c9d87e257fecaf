"""Scheduled discussions: the series, their occurrences (rounds), prompts and answers.

A prompt's message is found through the outbox row it was sent as (its subject names the
prompt, its message_id is what Telegram gave it), as a guest session's board is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from facilitation.discussions import REMINDER_BEFORE, first_step
from facilitation.model import (
    AnswerAt,
    Course,
    Discussion,
    GivenAnswer,
    MessageRef,
    Person,
    Prompt,
    PromptAt,
    Recapped,
    Reply,
    Round,
    RoundRecord,
    RoundState,
)
from facilitation.notices import NoticeKind
from storage import mapping
from storage.models import (
    AttachmentRow,
    CourseRow,
    DiscussionAnswerRow,
    DiscussionPromptRow,
    DiscussionReactionRow,
    DiscussionReplyRow,
    DiscussionRoundRow,
    DiscussionRow,
    LearnerRow,
    OutboxRow,
    PersonRow,
    table_of,
)
from storage.repositories.base import Repository, dialect_of

_SUBJECT = "dprompt:"
_ADD_ANSWER = insert(table_of(DiscussionAnswerRow))
_OPEN = (
    select(
        DiscussionPromptRow.id,
        DiscussionPromptRow.number,
        DiscussionRoundRow.id.label("round_id"),
        DiscussionRoundRow.course_id,
    )
    .join(DiscussionRoundRow, DiscussionRoundRow.id == DiscussionPromptRow.round_id)
    .where(
        DiscussionRoundRow.course_id.in_(bindparam("courses", expanding=True)),
        DiscussionRoundRow.answers_until > bindparam("now"),
        DiscussionRoundRow.state.in_([RoundState.LIVE.value, RoundState.ENDED.value]),
        DiscussionPromptRow.number < DiscussionRoundRow.step,  # posted: Qk at step k+1
    )
    .order_by(DiscussionRoundRow.starts_at.desc(), DiscussionPromptRow.number)
)
_PROMPT_MESSAGES = select(OutboxRow.chat_id, OutboxRow.message_id, OutboxRow.subject).where(
    OutboxRow.chat_id.in_(bindparam("chats", expanding=True)),
    OutboxRow.message_id.in_(bindparam("messages", expanding=True)),
    OutboxRow.kind == NoticeKind.DISCUSSION_PROMPT.value,
)
_PROMPTS = (
    select(
        DiscussionPromptRow.id,
        DiscussionPromptRow.number,
        DiscussionRoundRow.id,
        DiscussionRoundRow.course_id,
    )
    .join(DiscussionRoundRow, DiscussionRoundRow.id == DiscussionPromptRow.round_id)
    .where(DiscussionPromptRow.id.in_(bindparam("prompts", expanding=True)))
)

_ANSWERS_AT = select(
    DiscussionAnswerRow.id,
    DiscussionAnswerRow.chat_id,
    DiscussionAnswerRow.message_id,
    DiscussionAnswerRow.author_id,
    DiscussionAnswerRow.course_id,
    DiscussionAnswerRow.round_id,
).where(
    DiscussionAnswerRow.chat_id.in_(bindparam("chats", expanding=True)),
    DiscussionAnswerRow.message_id.in_(bindparam("messages", expanding=True)),
)
_ANONYMOUS = (
    update(DiscussionAnswerRow)
    .where(DiscussionAnswerRow.id == bindparam("answer_id"))
    .values(anonymous_reactions=bindparam("total"))
)

Message = tuple[int, int]


async def answers_at(session: Any, messages: set[Message]) -> dict[Message, AnswerAt]:
    """The discussion answers posted as these messages (one statement; none for no messages)."""
    if not messages:
        return {}
    located = {"chats": list({c for c, _ in messages}), "messages": list({m for _, m in messages})}
    found: dict[Message, AnswerAt] = {}
    for row in await session.execute(_ANSWERS_AT, located):
        message = (row.chat_id, row.message_id)
        if message in messages:  # a message answering in two courses: the first answer stands for it
            found.setdefault(message, AnswerAt(row.id, row.author_id, row.course_id, row.round_id))
    return found


@cache
def _reactions_set(dialect: str) -> Any:
    """A person's reactions to an answer, as their latest update left them (an empty list too)."""
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_of(table_of(DiscussionReactionRow))
    return statement.on_conflict_do_update(
        index_elements=["answer_id", "person_id"],
        set_={"emojis": statement.excluded.emojis, "count": statement.excluded.count},
    )


@cache
def _reply_added(dialect: str) -> Any:
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert_of(table_of(DiscussionReplyRow)).on_conflict_do_nothing(
        index_elements=["chat_id", "message_id"]
    )


def _discussion(row: DiscussionRow, course: Course) -> Discussion:
    return Discussion(
        row.id,
        course,
        row.title,
        timedelta(seconds=row.gap_seconds),
        timedelta(days=row.every_days) if row.every_days else None,
        tuple(json.loads(row.prompts)),
        row.chat_id,
        row.thread_id,
        row.cancelled_at is not None,
        tuple((int(chat), str(title)) for chat, title in json.loads(row.chats)),
        frozenset(json.loads(row.warned)),
    )


async def prompts_at(session: Any, messages: set[Message]) -> dict[Message, PromptAt]:
    """The prompts posted as these messages (two statements, the second only on a hit)."""
    if not messages:
        return {}
    located = {"chats": list({c for c, _ in messages}), "messages": list({m for _, m in messages})}
    sent: dict[int, list[Message]] = {}
    for chat_id, message_id, subject in await session.execute(_PROMPT_MESSAGES, located):
        if (chat_id, message_id) in messages and subject and subject.startswith(_SUBJECT):
            sent.setdefault(int(subject[len(_SUBJECT) :]), []).append((chat_id, message_id))
    if not sent:
        return {}
    found: dict[Message, PromptAt] = {}
    for prompt_id, number, round_id, course_id in await session.execute(_PROMPTS, {"prompts": list(sent)}):
        for message in sent[prompt_id]:
            found[message] = PromptAt(prompt_id, number, round_id, course_id)
    return found


class SqlDiscussions(Repository):
    async def add(
        self,
        course: Course,
        title: str,
        gap: timedelta,
        every: timedelta | None,
        prompts: Sequence[str],
        where: MessageRef | None,
        chats: Sequence[tuple[int, str]],
        created_by: int,
        now: datetime,
    ) -> Discussion:
        row = DiscussionRow(
            course_id=course.id,
            title=title,
            gap_seconds=int(gap.total_seconds()),
            every_days=every.days if every else None,
            prompts=json.dumps(list(prompts), ensure_ascii=False),
            chat_id=where.chat_id if where else None,
            thread_id=where.thread_id if where else None,
            chats=json.dumps([list(chat) for chat in chats], ensure_ascii=False),
            warned="[]",
            created_by=created_by,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _discussion(row, course)

    async def add_round(
        self,
        discussion: Discussion,
        slot_at: datetime,
        starts_at: datetime,
        prompts: Sequence[str],
        now: datetime,
    ) -> Round:
        step = first_step(starts_at, now)
        row = DiscussionRoundRow(
            discussion_id=discussion.id,
            course_id=discussion.course.id,
            slot_at=slot_at,
            starts_at=starts_at,
            state=RoundState.SCHEDULED.value,
            step=step,
            due_at=starts_at - REMINDER_BEFORE if step == 0 else starts_at,
            answers_until=starts_at + discussion.gap * (len(prompts) + 1),
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return Round(
            row.id,
            discussion,
            slot_at,
            starts_at,
            await self._set_prompts(row.id, prompts),
            RoundState.SCHEDULED,
            step,
        )

    async def _set_prompts(self, round_id: int, prompts: Sequence[str]) -> tuple[Prompt, ...]:
        rows = [DiscussionPromptRow(round_id=round_id, number=n, text=t) for n, t in enumerate(prompts, 1)]
        self.session.add_all(rows)
        await self.session.flush()
        return tuple(Prompt(r.id, r.number, r.text) for r in rows)

    async def get(self, discussion_id: int) -> Discussion | None:
        found = (
            await self.session.execute(
                select(DiscussionRow, CourseRow)
                .join(CourseRow, CourseRow.id == DiscussionRow.course_id)
                .where(DiscussionRow.id == discussion_id)
            )
        ).first()
        return _discussion(found[0], mapping.course(found[1])) if found else None

    async def _rounds(self, *conditions: Any, lock: bool = False, limit: int | None = None) -> list[Round]:
        query = (
            select(DiscussionRoundRow, DiscussionRow, CourseRow)
            .join(DiscussionRow, DiscussionRow.id == DiscussionRoundRow.discussion_id)
            .join(CourseRow, CourseRow.id == DiscussionRow.course_id)
            .where(*conditions)
            .order_by(DiscussionRoundRow.starts_at, DiscussionRoundRow.id)
        )
        if limit is not None:
            query = query.limit(limit)
        if lock:  # only the tick asks; rounds another process is advancing are its business
            query = query.with_for_update(skip_locked=True, of=DiscussionRoundRow)
        found = list(await self.session.execute(query))
        prompts: dict[int, list[Prompt]] = {r.id: [] for r, _, _ in found}
        if prompts:
            rows = await self.session.scalars(
                select(DiscussionPromptRow)
                .where(DiscussionPromptRow.round_id.in_(list(prompts)))
                .order_by(DiscussionPromptRow.number)
            )
            for p in rows:
                prompts[p.round_id].append(Prompt(p.id, p.number, p.text))
        return [
            Round(
                r.id,
                _discussion(d, mapping.course(c)),
                r.slot_at,
                r.starts_at,
                tuple(prompts[r.id]),
                RoundState(r.state),
                r.step,
            )
            for r, d, c in found
        ]

    _GOING = (RoundState.SCHEDULED.value, RoundState.LIVE.value)

    async def next_round(self, discussion_id: int, scheduled_only: bool) -> Round | None:
        states = (RoundState.SCHEDULED.value,) if scheduled_only else self._GOING
        rounds = await self._rounds(
            DiscussionRoundRow.discussion_id == discussion_id,
            DiscussionRoundRow.state.in_(states),
            limit=1,
        )
        return rounds[0] if rounds else None

    async def upcoming(self, course_ids: Sequence[int]) -> list[Round]:
        return await self._rounds(
            DiscussionRoundRow.course_id.in_(list(course_ids)), DiscussionRoundRow.state.in_(self._GOING)
        )

    async def replace_prompts(self, round: Round, prompts: Sequence[str]) -> Round:
        await self.session.execute(
            delete(DiscussionPromptRow).where(DiscussionPromptRow.round_id == round.id)
        )
        await self.session.flush()
        new = await self._set_prompts(round.id, prompts)
        until = round.starts_at + round.discussion.gap * (len(prompts) + 1)
        await self.session.execute(
            update(DiscussionRoundRow).where(DiscussionRoundRow.id == round.id).values(answers_until=until)
        )
        return Round(round.id, round.discussion, round.slot_at, round.starts_at, new, round.state, round.step)

    async def move(self, round: Round, starts_at: datetime) -> Round:
        until = starts_at + round.discussion.gap * (len(round.prompts) + 1)
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(DiscussionRoundRow.id == round.id)
            .values(starts_at=starts_at, answers_until=until)
        )
        return Round(
            round.id, round.discussion, round.slot_at, starts_at, round.prompts, round.state, round.step
        )

    async def chats_meant(
        self, discussion_id: int, chats: Sequence[tuple[int, str]], warned: frozenset[str]
    ) -> None:
        await self.session.execute(
            update(DiscussionRow)
            .where(DiscussionRow.id == discussion_id)
            .values(
                chats=json.dumps([list(chat) for chat in chats], ensure_ascii=False),
                warned=json.dumps(sorted(warned)),
            )
        )

    async def cancel_round(self, round_id: int, now: datetime) -> None:
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(DiscussionRoundRow.id == round_id)
            .values(state=RoundState.CANCELLED.value, due_at=None, ended_at=now, answers_until=now)
        )

    async def cancel_series(self, discussion_id: int, now: datetime) -> None:
        await self.session.execute(
            update(DiscussionRow).where(DiscussionRow.id == discussion_id).values(cancelled_at=now)
        )
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(
                DiscussionRoundRow.discussion_id == discussion_id, DiscussionRoundRow.state.in_(self._GOING)
            )
            .values(state=RoundState.CANCELLED.value, due_at=None, ended_at=now, answers_until=now)
        )

    async def due(self, now: datetime) -> list[Round]:
        return await self._rounds(
            DiscussionRoundRow.state.in_(self._GOING),
            DiscussionRoundRow.due_at <= now,
            lock=True,
        )

    async def advanced(
        self, round: Round, step: int, state: RoundState, due_at: datetime | None, now: datetime
    ) -> None:
        values: dict[str, Any] = {"step": step, "state": state.value, "due_at": due_at}
        if state is RoundState.ENDED:
            values["ended_at"] = now
        await self.session.execute(
            update(DiscussionRoundRow).where(DiscussionRoundRow.id == round.id).values(**values)
        )

    async def prompt_at(self, chat_id: int, message_id: int) -> PromptAt | None:
        return (await prompts_at(self.session, {(chat_id, message_id)})).get((chat_id, message_id))

    async def open_prompts(self, course_ids: Sequence[int], now: datetime) -> list[PromptAt]:
        rows = await self.session.execute(_OPEN, {"courses": list(course_ids), "now": now})
        return [PromptAt(r.id, r.number, r.round_id, r.course_id) for r in rows]

    async def add_answer(
        self, prompt: PromptAt, author: Person, text: str, ref: MessageRef, now: datetime
    ) -> int:
        values = {
            "prompt_id": prompt.prompt_id,
            "round_id": prompt.round_id,
            "course_id": prompt.course_id,
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "thread_id": ref.thread_id,
            "author_id": author.id,
            "text": text,
            "answered_at": now,
        }
        return await self.writes.insert(
            _ADD_ANSWER, values, [("discussion answer at", ref.chat_id, ref.message_id)]
        )

    # Reactions and replies to answers (the busy path too) ----------------------------------------

    async def answer_at(self, chat_id: int, message_id: int) -> AnswerAt | None:
        return (await answers_at(self.session, {(chat_id, message_id)})).get((chat_id, message_id))

    async def add_reply(
        self, answer: AnswerAt, author: Person, text: str, ref: MessageRef, now: datetime
    ) -> None:
        values = {
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "answer_id": answer.answer_id,
            "author_id": author.id,
            "text": text,
            "replied_at": now,
        }
        statement = _reply_added(dialect_of(self.session))
        await self.writes.execute(statement, values, [("discussion answer", answer.answer_id)])

    async def set_reactions(self, answer: AnswerAt, person_id: int, emojis: Sequence[str]) -> None:
        values = {
            "answer_id": answer.answer_id,
            "person_id": person_id,
            "emojis": json.dumps(list(emojis), ensure_ascii=False),
            "count": len(emojis),
        }
        statement = _reactions_set(dialect_of(self.session))
        await self.writes.execute(statement, values, [("discussion answer", answer.answer_id)])

    async def set_anonymous_reactions(self, answer: AnswerAt, total: int) -> None:
        values = {"answer_id": answer.answer_id, "total": total}
        await self.writes.execute(_ANONYMOUS, values, [("discussion answer", answer.answer_id)])

    # Recaps ------------------------------------------------------------------------------------

    async def record(self, round: Round) -> RoundRecord:
        answers = list(
            await self.session.execute(
                select(DiscussionAnswerRow, DiscussionPromptRow.number, PersonRow)
                .join(DiscussionPromptRow, DiscussionPromptRow.id == DiscussionAnswerRow.prompt_id)
                .outerjoin(PersonRow, PersonRow.id == DiscussionAnswerRow.author_id)
                .where(DiscussionAnswerRow.round_id == round.id)
                .order_by(DiscussionAnswerRow.answered_at, DiscussionAnswerRow.id)
            )
        )
        ids = [a.id for a, _, _ in answers]
        counted: dict[int, int] = {}
        replies: dict[int, list[Reply]] = {}
        if ids:
            reactions = await self.session.execute(
                select(DiscussionReactionRow.answer_id, func.sum(DiscussionReactionRow.count))
                .where(DiscussionReactionRow.answer_id.in_(ids))
                .group_by(DiscussionReactionRow.answer_id)
            )
            counted = {answer_id: int(total or 0) for answer_id, total in reactions}
            rows = await self.session.execute(
                select(DiscussionReplyRow, PersonRow)
                .outerjoin(PersonRow, PersonRow.id == DiscussionReplyRow.author_id)
                .where(DiscussionReplyRow.answer_id.in_(ids))
                .order_by(DiscussionReplyRow.replied_at, DiscussionReplyRow.id)
            )
            for reply, person in rows:
                replies.setdefault(reply.answer_id, []).append(
                    Reply(mapping.person(person, reply.author_id), reply.text, reply.replied_at)
                )
        given = [
            GivenAnswer(
                a.id,
                number,
                MessageRef(a.chat_id, a.message_id, a.thread_id),
                mapping.person(person, a.author_id),
                a.text,
                a.answered_at,
                # Where reactions are anonymous Telegram sends only totals, which include everyone.
                max(counted.get(a.id, 0), a.anonymous_reactions),
                tuple(replies.get(a.id, ())),
            )
            for a, number, person in answers
        ]
        people = {g.author.id for g in given} | {r.author.id for g in given for r in g.replies}
        first: dict[int, datetime] = {}
        if people:
            learners = await self.session.execute(
                select(LearnerRow.person_id, LearnerRow.first_seen_at).where(
                    LearnerRow.course_id == round.discussion.course.id, LearnerRow.person_id.in_(people)
                )
            )
            first = {person_id: at for person_id, at in learners}
        admins = await self.session.execute(
            select(AttachmentRow.chat_id, AttachmentRow.bot_admin).where(
                AttachmentRow.course_id == round.discussion.course.id, AttachmentRow.active
            )
        )
        seen = {chat_id: bool(admin) for chat_id, admin in admins}
        # Attached before Flock kept track: reactions that came in show it could see them.
        for answer in given:
            if answer.reactions and answer.ref.chat_id in seen:
                seen[answer.ref.chat_id] = True
        return RoundRecord(given, first, seen)

    async def recapped(self, round_id: int, participants: int, answers: int, first_voices: int) -> None:
        await self.session.execute(
            update(DiscussionRoundRow)
            .where(DiscussionRoundRow.id == round_id)
            .values(participants=participants, answer_count=answers, first_voices=first_voices)
        )

    async def recapped_between(self, course_id: int, since: datetime, until: datetime) -> list[Recapped]:
        rows = await self.session.execute(
            select(DiscussionRoundRow, DiscussionRow.title)
            .join(DiscussionRow, DiscussionRow.id == DiscussionRoundRow.discussion_id)
            .where(
                DiscussionRoundRow.course_id == course_id,
                DiscussionRoundRow.state == RoundState.ENDED.value,
                DiscussionRoundRow.ended_at > since,
                DiscussionRoundRow.ended_at <= until,
                DiscussionRoundRow.participants.is_not(None),
            )
            .order_by(DiscussionRoundRow.ended_at, DiscussionRoundRow.id)
        )
        return [
            Recapped(r.discussion_id, title, r.participants or 0, r.answer_count or 0, r.first_voices or 0)
            for r, title in rows
        ]

    async def ended(self, course_id: int, limit: int) -> list[Round]:
        latest = list(
            await self.session.scalars(
                select(DiscussionRoundRow.id)
                .where(
                    DiscussionRoundRow.course_id == course_id,
                    DiscussionRoundRow.state == RoundState.ENDED.value,
                )
                .order_by(DiscussionRoundRow.starts_at.desc(), DiscussionRoundRow.id.desc())
                .limit(limit)
            )
        )
        if not latest:
            return []
        return list(reversed(await self._rounds(DiscussionRoundRow.id.in_(latest))))

    async def latest_ended(self, discussion_id: int) -> Round | None:
        rounds = await self._rounds(
            DiscussionRoundRow.discussion_id == discussion_id,
            DiscussionRoundRow.state == RoundState.ENDED.value,
        )
        return rounds[-1] if rounds else None
