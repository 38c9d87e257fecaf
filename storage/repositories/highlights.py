"""What the week's highlights read: one course's week of stories, answers, first posts and
helpers' asks.

The week's answers are read once, from the course's own (answers keep their question's course),
counted per question and answerer by the database (a few thousand rows at the largest course),
and ranked by the domain; then only the rows shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, cast, func, literal, select

from facilitation.highlights import Answered, FirstPost
from facilitation.model import Listed, MessageRef, Person, Question, QuestionState, Story
from facilitation.notices import NoticeKind
from storage import mapping
from storage.models import (
    AnswerRow,
    FacilitatorRow,
    HelperAskRow,
    LearnerRow,
    OutboxRow,
    PersonRow,
    QuestionRow,
    ShowcaseRow,
    StoryRow,
)
from storage.repositories.base import Repository
from storage.repositories.helpers import asks_answered

# Every state but dismissed, named.
_QUESTIONS = tuple(s.value for s in QuestionState if s is not QuestionState.DISMISSED)


class SqlHighlights(Repository):
    async def answered(self, course_id: int, start: datetime, end: datetime) -> list[Answered]:
        # Through the connection: plain rows, without the ORM's row processing (thousands here).
        connection = await self.session.connection()
        rows = await connection.execute(
            select(AnswerRow.question_id, AnswerRow.answerer_id, AnswerRow.by_facilitator, func.count())
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(
                # The course's week of answers by ix_answers_course_answered, not every course's.
                AnswerRow.course_id == course_id,
                AnswerRow.answered_at >= start,
                AnswerRow.answered_at < end,
                # Said of the questions too: PostgreSQL then reads the course's questions by index
                # for the join, not every course's in parallel workers.
                QuestionRow.course_id == course_id,
                QuestionRow.state.in_(_QUESTIONS),
                QuestionRow.asker_id != AnswerRow.answerer_id,
            )
            .group_by(AnswerRow.question_id, AnswerRow.answerer_id, AnswerRow.by_facilitator)
        )
        return [Answered(q, p, bool(f), int(n)) for q, p, f, n in rows]

    async def stories(self, course_id: int, start: datetime, end: datetime, limit: int) -> Listed[Story]:
        # One statement: the week's stories by the (course_id, posted_at) index, the week's count
        # beside each row, and each one's showcase post (the sent outbox row `story:<id>`, found
        # by its subject's index) with the showcase's public name for its link.
        posted = (
            select(OutboxRow.message_id)
            .where(
                OutboxRow.subject == literal("story:") + cast(StoryRow.id, String),
                OutboxRow.kind == NoticeKind.SHOWCASE_POST.value,
                OutboxRow.sent_at.is_not(None),
            )
            .limit(1)
            .scalar_subquery()
        )
        username = (
            select(ShowcaseRow.chat_username)
            .where(ShowcaseRow.chat_id == StoryRow.showcase_chat_id)
            .limit(1)
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(StoryRow, posted, username, func.count().over())
            .where(StoryRow.course_id == course_id, StoryRow.posted_at >= start, StoryRow.posted_at < end)
            .order_by(StoryRow.posted_at, StoryRow.id)
            .limit(limit)
        )
        found, counted = [], [0]
        for row, message_id, public, total in rows:
            counted[0] = total  # the same on every row: the week's count before the limit
            showcase = None
            if message_id is not None and row.showcase_chat_id is not None:
                showcase = MessageRef(row.showcase_chat_id, message_id)
            found.append(mapping.story(row, showcase, public))
        return Listed(found, int(counted[0]))

    async def questions(self, ids: Sequence[int]) -> list[Question]:
        if not ids:
            return []
        # The askers apart: joined, PostgreSQL may hash every person for a handful of questions.
        rows = list(await self.session.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids))))
        askers = {q.asker_id for q in rows}
        found = await self.session.scalars(select(PersonRow).where(PersonRow.id.in_(askers)))
        people = {p.id: p for p in found}
        return [mapping.question(q, people.get(q.asker_id)) for q in rows]

    async def people(self, ids: Sequence[int]) -> list[Person]:
        if not ids:
            return []
        rows = await self.session.scalars(select(PersonRow).where(PersonRow.id.in_(ids)))
        return [mapping.person(row, row.id) for row in rows]

    async def new_voices(
        self, course_id: int, start: datetime, end: datetime, limit: int
    ) -> Listed[FirstPost]:
        where = (
            LearnerRow.course_id == course_id,
            LearnerRow.first_seen_at >= start,
            LearnerRow.first_seen_at < end,
            LearnerRow.forgotten_at.is_(None),  # their first post isn't pointed at any more
            ~select(FacilitatorRow.person_id)
            .where(FacilitatorRow.course_id == course_id, FacilitatorRow.person_id == LearnerRow.person_id)
            .exists(),
        )
        total = int(
            await self.session.scalar(select(func.count()).select_from(LearnerRow).where(*where)) or 0
        )
        if not total:
            return Listed([], 0)
        rows = await self.session.execute(
            select(LearnerRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == LearnerRow.person_id)
            .where(*where)
            .order_by(LearnerRow.first_seen_at, LearnerRow.person_id)
            .limit(limit)
        )
        found = []
        for learner, person in rows:
            ref = None
            if learner.first_chat_id is not None and learner.first_message_id is not None:
                ref = MessageRef(learner.first_chat_id, learner.first_message_id, learner.first_thread_id)
            found.append(FirstPost(mapping.person(person, learner.person_id), learner.first_seen_at, ref))
        return Listed(found, total)

    async def helpers_asked(
        self, course_id: int, start: datetime, end: datetime, limit: int
    ) -> list[tuple[Person, int, int]]:
        asks, answers = func.count(), asks_answered()  # as the digest counts them
        rows = await self.session.execute(
            select(HelperAskRow.person_id, PersonRow, asks, answers)
            .outerjoin(PersonRow, PersonRow.id == HelperAskRow.person_id)
            .where(
                HelperAskRow.course_id == course_id,
                HelperAskRow.asked_at >= start,
                HelperAskRow.asked_at < end,
            )
            .group_by(HelperAskRow.person_id, PersonRow.id)
            .order_by(answers.desc(), asks.desc(), PersonRow.name, HelperAskRow.person_id)
            .limit(limit)
        )
        return [(mapping.person(p, person_id), int(n), int(k or 0)) for person_id, p, n, k in rows]
