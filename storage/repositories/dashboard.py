"""What the dashboard reads: a course's open questions with who took them and their open alert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from facilitation.dashboard import Waiting
from facilitation.model import Course, GuestSession, QuestionState
from facilitation.stats import QuestionFacts
from storage import mapping
from storage.models import AlertRow, AnswerRow, GuestSessionRow, PersonRow, QuestionRow
from storage.repositories.base import Repository
from storage.repositories.guest_sessions import guest_session

_OPEN = QuestionState.OPEN.value


class SqlDashboard(Repository):
    async def waiting(self, course_id: int, limit: int) -> list[Waiting]:
        ids = list(
            await self.session.scalars(
                select(QuestionRow.id)
                .where(QuestionRow.course_id == course_id, QuestionRow.state == _OPEN)
                .order_by(QuestionRow.asked_at, QuestionRow.id)
                .limit(limit)
            )
        )
        return await self._read(ids)

    async def count_waiting(self, course_id: int) -> int:
        counted = await self.session.scalar(
            select(func.count())
            .select_from(QuestionRow)
            .where(QuestionRow.course_id == course_id, QuestionRow.state == _OPEN)
        )
        return int(counted or 0)

    async def question_facts(self, course_id: int, since: datetime | None) -> list[QuestionFacts]:
        """As SqlStats.questions, but the first answer is found by its moment (the question's
        first_answered_at) rather than by sorting each question's answers: half the time."""
        first_by_facilitator = (
            select(AnswerRow.by_facilitator)
            .where(
                AnswerRow.question_id == QuestionRow.id,
                AnswerRow.answered_at == QuestionRow.first_answered_at,
            )
            .order_by(AnswerRow.id)
            .limit(1)
            .correlate(QuestionRow)
            .scalar_subquery()
        )
        query = select(
            QuestionRow.asked_at, QuestionRow.state, QuestionRow.first_answered_at, first_by_facilitator
        ).where(QuestionRow.course_id == course_id)
        if since is not None:
            query = query.where(QuestionRow.asked_at >= since)
        rows = await self.session.execute(query)
        return [
            QuestionFacts(asked, QuestionState(state), first, None if first is None else bool(by_facilitator))
            for asked, state, first, by_facilitator in rows
        ]

    async def sessions(self, course: Course, limit: int) -> list[GuestSession]:
        rows = await self.session.scalars(
            select(GuestSessionRow)
            .where(GuestSessionRow.course_id == course.id)
            .order_by(GuestSessionRow.starts_at.desc(), GuestSessionRow.id.desc())
            .limit(limit)
        )
        return [guest_session(row, course) for row in rows]

    async def one(self, question_id: int) -> Waiting | None:
        found = await self._read([question_id])
        return found[0] if found else None

    async def _read(self, ids: Sequence[int]) -> list[Waiting]:
        """The questions (in the order given), their askers and claimers, and each one's latest
        alert still open: three statements, whatever the number."""
        if not ids:
            return []
        asker, claimer = aliased(PersonRow), aliased(PersonRow)
        rows = await self.session.execute(
            select(QuestionRow, asker, claimer)
            .outerjoin(asker, asker.id == QuestionRow.asker_id)
            .outerjoin(claimer, claimer.id == QuestionRow.claimed_by)
            .where(QuestionRow.id.in_(ids))
        )
        latest = await self.session.execute(
            select(AlertRow.question_id, func.max(AlertRow.id))
            .where(AlertRow.question_id.in_(ids), AlertRow.outcome.is_(None))
            .group_by(AlertRow.question_id)
        )
        alerts = {question_id: alert_id for question_id, alert_id in latest}
        found = {
            q.id: Waiting(
                mapping.question(q, a),
                mapping.person(c, q.claimed_by) if q.claimed_by is not None else None,
                alerts.get(q.id),
            )
            for q, a, c in rows
        }
        return [found[i] for i in ids if i in found]
