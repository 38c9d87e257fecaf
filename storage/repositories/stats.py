"""The plain facts /stats counts: one row per question, and peer answers per person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import false, func, select

from facilitation.model import Person, QuestionState
from facilitation.stats import QuestionFacts
from storage import mapping
from storage.models import AnswerRow, PersonRow, QuestionRow
from storage.repositories.base import Repository


class SqlStats(Repository):
    async def questions(self, course_id: int, since: datetime | None) -> list[QuestionFacts]:
        first_by_facilitator = (
            select(AnswerRow.by_facilitator)
            .where(AnswerRow.question_id == QuestionRow.id)
            .order_by(AnswerRow.answered_at, AnswerRow.id)
            .limit(1)
            .correlate(QuestionRow)
            .scalar_subquery()
        )
        query = select(
            QuestionRow.asked_at, QuestionRow.state, QuestionRow.first_answered_at, first_by_facilitator
        ).where(QuestionRow.course_id == course_id)
        if since is not None:
            query = query.where(QuestionRow.asked_at >= since)
        rows = await self.session.execute(query.order_by(QuestionRow.asked_at, QuestionRow.id))
        return [
            QuestionFacts(asked, QuestionState(state), first, None if first is None else bool(by_facilitator))
            for asked, state, first, by_facilitator in rows
        ]

    async def peer_answers(self, course_id: int, since: datetime | None) -> list[tuple[Person, int]]:
        counted = (
            select(AnswerRow.answerer_id, func.count().label("answers"))
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(
                QuestionRow.course_id == course_id,
                QuestionRow.state != QuestionState.DISMISSED.value,
                AnswerRow.by_facilitator.is_(false()),
                AnswerRow.answerer_id != QuestionRow.asker_id,
            )
            .group_by(AnswerRow.answerer_id)
        )
        if since is not None:  # the course's window of answers, by ix_answers_course_answered
            counted = counted.where(AnswerRow.course_id == course_id, AnswerRow.answered_at >= since)
        totals = counted.subquery()
        rows = await self.session.execute(
            select(totals.c.answerer_id, totals.c.answers, PersonRow).outerjoin(
                PersonRow, PersonRow.id == totals.c.answerer_id
            )
        )
        return [(mapping.person(person, answerer_id), answers) for answerer_id, answers, person in rows]
