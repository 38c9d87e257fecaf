from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update

from facilitation.model import Person, Question, QuestionState
from storage import mapping
from storage.models import AnswerRow, PersonRow, QuestionRow, table_of
from storage.repositories.base import Repository

_questions = table_of(QuestionRow)
_SENT = (
    update(_questions).where(_questions.c.id == bindparam("b_id")).values(followup_sent_at=bindparam("b_at"))
)


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
        await self.writes.execute(_SENT, {"b_id": question_id, "b_at": now}, [("questions", question_id)])

    async def due_reminders(self, sent_before: datetime, limit: int) -> list[Question]:
        due = list(
            await self.session.scalars(
                select(QuestionRow)
                .where(
                    QuestionRow.state == QuestionState.ANSWERED.value,
                    QuestionRow.followup_sent_at <= sent_before,
                    QuestionRow.followup_reminded_at.is_(None),
                    QuestionRow.asker_id > 0,  # a forgotten asker's questions belong to no chat
                )
                .order_by(QuestionRow.followup_sent_at)
                .limit(limit)
                .with_for_update(skip_locked=True)  # another process has these
            )
        )
        # The askers by id, not joined: joined, PostgreSQL may hash all of people for a few rows.
        by_id: dict[int, PersonRow] = {}
        if due:
            askers = await self.session.scalars(
                select(PersonRow).where(PersonRow.id.in_({q.asker_id for q in due}))
            )
            by_id = {person.id: person for person in askers}
        return [mapping.question(q, by_id.get(q.asker_id)) for q in due]

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
        await self.index.question(question_id)  # the accepted answer is its best
        return mapping.person(await self.session.get(PersonRow, first.answerer_id), first.answerer_id)

    async def reopen(self, question_id: int, next_alert_at: datetime) -> None:
        await self.session.execute(
            update(QuestionRow)
            .where(QuestionRow.id == question_id)
            .values(state=QuestionState.OPEN.value, needs_follow_up=True, next_alert_at=next_alert_at)
        )
