"""A course's rows for /export, streamed with server-side cursors a batch of rows at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVarTuple

from sqlalchemy import Select, exists, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from facilitation.export import ExportCounts, IntroductionLine, LearnerLine, QuestionLine
from facilitation.model import Question, QuestionState
from storage import mapping
from storage.models import (
    AnswerRow,
    FacilitatorRow,
    IntroductionRow,
    LearnerRow,
    PersonRow,
    QuestionRow,
)
from storage.repositories.base import Repository

YIELD_PER = 500
Ts = TypeVarTuple("Ts")
_UNRESOLVED = (QuestionState.OPEN.value, QuestionState.ANSWERED.value)


class SqlExport(Repository):
    async def _stream(self, query: Select[*Ts]) -> AsyncIterator[Row[*Ts]]:
        result = await self.session.stream(query.execution_options(yield_per=YIELD_PER))
        try:
            async for rows in result.partitions():  # a batch per await, not a row per await
                for row in rows:
                    yield row
        finally:
            await result.close()

    async def question_lines(self, course_id: int) -> AsyncIterator[QuestionLine]:
        asker, answerer = aliased(PersonRow), aliased(PersonRow)
        query = (
            select(QuestionRow, asker, AnswerRow, answerer)
            .outerjoin(asker, asker.id == QuestionRow.asker_id)
            .outerjoin(AnswerRow, AnswerRow.question_id == QuestionRow.id)
            .outerjoin(answerer, answerer.id == AnswerRow.answerer_id)
            .where(QuestionRow.course_id == course_id)
            .order_by(QuestionRow.asked_at, QuestionRow.id, AnswerRow.answered_at, AnswerRow.id)
        )
        async for q, who, a, by in self._stream(query):
            yield QuestionLine(mapping.question(q, who), mapping.answer(a, by) if a is not None else None)

    async def introductions(self, course_id: int) -> AsyncIterator[IntroductionLine]:
        query = (
            select(IntroductionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == IntroductionRow.person_id)
            .where(IntroductionRow.course_id == course_id)
            .order_by(IntroductionRow.posted_at, IntroductionRow.id)
        )
        async for intro, author in self._stream(query):
            yield IntroductionLine(mapping.introduction(intro, author), intro.replaced_at)

    async def learners(self, course_id: int) -> AsyncIterator[LearnerLine]:
        introduced = exists().where(
            IntroductionRow.course_id == course_id,
            IntroductionRow.person_id == LearnerRow.person_id,
            IntroductionRow.replaced_at.is_(None),
        )
        facilitates = exists().where(
            FacilitatorRow.course_id == course_id, FacilitatorRow.person_id == LearnerRow.person_id
        )
        query = (
            select(LearnerRow, PersonRow, introduced, facilitates)
            .outerjoin(PersonRow, PersonRow.id == LearnerRow.person_id)
            .where(LearnerRow.course_id == course_id)
            .order_by(PersonRow.name, LearnerRow.person_id)
        )
        async for learner, person, intro, facilitator in self._stream(query):
            yield LearnerLine(
                mapping.person(person, learner.person_id),
                learner.posts,
                learner.first_seen_at,
                learner.last_seen_at,
                bool(intro),
                bool(facilitator),
            )

    async def unresolved(self, course_id: int) -> AsyncIterator[Question]:
        query = (
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(QuestionRow.course_id == course_id, QuestionRow.state.in_(_UNRESOLVED))
            .order_by(QuestionRow.asked_at, QuestionRow.id)
        )
        async for question, asker in self._stream(query):
            yield mapping.question(question, asker)

    async def counts(self, course_id: int) -> ExportCounts:
        states = dict.fromkeys(QuestionState, 0)
        for state, count in await self.session.execute(
            select(QuestionRow.state, func.count())
            .where(QuestionRow.course_id == course_id)
            .group_by(QuestionRow.state)
        ):
            states[QuestionState(state)] = count
        answers = await self.session.scalar(
            select(func.count())
            .select_from(AnswerRow)
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(QuestionRow.course_id == course_id)
        )
        learners = await self.session.scalar(
            select(func.count()).select_from(LearnerRow).where(LearnerRow.course_id == course_id)
        )
        intros = IntroductionRow.course_id == course_id
        current = await self.session.scalar(
            select(func.count(func.distinct(IntroductionRow.person_id))).where(
                intros, IntroductionRow.replaced_at.is_(None)
            )
        )
        every = await self.session.scalar(select(func.count()).select_from(IntroductionRow).where(intros))
        return ExportCounts(states, answers or 0, learners or 0, current or 0, every or 0)
