from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from facilitation.model import Person, Question, QuestionState
from storage import mapping
from storage.models import AnswerRow, PersonRow, QuestionRow
from storage.repositories.base import Repository


class SqlFollowups(Repository):
    async def started(self, person_id: int) -> bool:
        started = await self.session.scalar(select(PersonRow.started_at).where(PersonRow.id == person_id))
        return started is not None

    async def get(self, question_id: int) -> tuple[Question, bool] | None:
        found = (
            await self.session.execute(
                select(QuestionRow, PersonRow)
                .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
                .where(QuestionRow.id == question_id)
            )
        ).first()
        if found is None:
            return None
        question, asker = found
        return mapping.question(question, asker), question.followup_sent_at is not None

    async def mark_sent(self, question_id: int, now: datetime) -> None:
        await self.session.execute(
            update(QuestionRow).where(QuestionRow.id == question_id).values(followup_sent_at=now)
        )

    async def due_reminders(self, sent_before: datetime, limit: int) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(
                QuestionRow.state == QuestionState.ANSWERED.value,
                QuestionRow.followup_sent_at <= sent_before,
                QuestionRow.followup_reminded_at.is_(None),
            )
            .order_by(QuestionRow.followup_sent_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=QuestionRow)  # another process has these
        )
        return [mapping.question(q, p) for q, p in rows]

    async def mark_reminded(self, question_id: int, now: datetime) -> None:
        await self.session.execute(
            update(QuestionRow).where(QuestionRow.id == question_id).values(followup_reminded_at=now)
        )

    async def accept_first_answer(self, question_id: int) -> Person | None:
        first = await self.session.scalar(
            select(AnswerRow)
            .where(AnswerRow.question_id == question_id)
            .order_by(AnswerRow.answered_at, AnswerRow.id)
            .limit(1)
        )
        if first is None:
            return None
        first.accepted = True
        await self.session.flush()
        return mapping.person(await self.session.get(PersonRow, first.answerer_id), first.answerer_id)

    async def reopen(self, question_id: int, next_alert_at: datetime) -> None:
        await self.session.execute(
            update(QuestionRow)
            .where(QuestionRow.id == question_id)
            .values(state=QuestionState.OPEN.value, needs_follow_up=True, next_alert_at=next_alert_at)
        )
