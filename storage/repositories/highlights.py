"""What the week's highlights read: one course's week of answers, first posts and helpers' asks.

Answers are read from the week's (ix_answers_answered_at) and their questions, as the digest
reads its day's, and counted by the database: what travels is the few rows shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select

from facilitation.highlights import FirstPost
from facilitation.model import Listed, MessageRef, Person, Question, QuestionState
from storage import mapping
from storage.models import AnswerRow, FacilitatorRow, HelperAskRow, LearnerRow, PersonRow, QuestionRow
from storage.repositories.base import Repository

_DISMISSED = QuestionState.DISMISSED.value


class SqlHighlights(Repository):
    async def most_answered(
        self, course_id: int, start: datetime, end: datetime, least: int, limit: int
    ) -> list[tuple[Question, int, int]]:
        answers, people = func.count(AnswerRow.id), func.count(AnswerRow.answerer_id.distinct())
        # Grouped by the rows' keys, so the rows come whole (PostgreSQL: the columns depend on them).
        rows = await self.session.execute(
            select(QuestionRow, PersonRow, answers, people)
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(*_answered_in(course_id, start, end))
            .group_by(QuestionRow.id, PersonRow.id)
            .having(answers >= least)
            .order_by(answers.desc(), people.desc(), QuestionRow.id)
            .limit(limit)
        )
        return [(mapping.question(q, p), int(n), int(k)) for q, p, n, k in rows]

    async def new_voices(
        self, course_id: int, start: datetime, end: datetime, limit: int
    ) -> Listed[FirstPost]:
        where = (
            LearnerRow.course_id == course_id,
            LearnerRow.first_seen_at >= start,
            LearnerRow.first_seen_at < end,
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
        # As the digest counts an ask answered (SqlHelpers.asked_between): the helper answered
        # that question after being asked.
        answered = (
            select(AnswerRow.id)
            .where(
                AnswerRow.question_id == HelperAskRow.question_id,
                AnswerRow.answerer_id == HelperAskRow.person_id,
                AnswerRow.answered_at >= HelperAskRow.asked_at,
            )
            .exists()
        )
        asks, answers = func.count(), func.sum(case((answered, 1), else_=0))
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

    async def answerers(
        self, course_id: int, start: datetime, end: datetime, limit: int
    ) -> list[tuple[Person, int]]:
        questions = func.count(AnswerRow.question_id.distinct())
        rows = await self.session.execute(
            select(AnswerRow.answerer_id, PersonRow, questions)
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .outerjoin(PersonRow, PersonRow.id == AnswerRow.answerer_id)
            .where(*_answered_in(course_id, start, end), AnswerRow.by_facilitator.is_(False))
            .group_by(AnswerRow.answerer_id, PersonRow.id)
            .order_by(questions.desc(), PersonRow.name, AnswerRow.answerer_id)
            .limit(limit)
        )
        return [(mapping.person(p, person_id), int(n)) for person_id, p, n in rows]


def _answered_in(course_id: int, start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """Answers given in the week to the course's questions by others than the asker (as the
    digest counts them), dismissed questions aside."""
    return (
        AnswerRow.answered_at >= start,
        AnswerRow.answered_at < end,
        QuestionRow.course_id == course_id,
        QuestionRow.state != _DISMISSED,
        QuestionRow.asker_id != AnswerRow.answerer_id,
    )
