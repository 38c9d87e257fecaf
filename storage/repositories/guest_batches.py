"""A live guest session's batches: the best queued questions sent to the guest, their answers
(or skips) settled, and what was and wasn't answered when it ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from facilitation.model import SessionQuestion
from storage.models import GuestSessionRow, OutboxRow, PersonRow, SessionAskerRow, SessionQuestionRow
from storage.repositories.base import Repository
from storage.repositories.guest_questions import session_question as _question
from storage.repositories.guest_questions import vote_counts


class SqlGuestBatches(Repository):
    async def last_batch_at(self, session_id: int) -> datetime | None:
        return await self.session.scalar(
            select(GuestSessionRow.last_batch_at).where(GuestSessionRow.id == session_id)
        )

    async def batch_size(self, session_id: int) -> int:
        return int(
            await self.session.scalar(
                select(GuestSessionRow.batch_size).where(GuestSessionRow.id == session_id)
            )
            or 5
        )

    async def set_batch_size(self, session_id: int, size: int) -> None:
        await self.session.execute(
            update(GuestSessionRow).where(GuestSessionRow.id == session_id).values(batch_size=size)
        )

    async def next_batch(self, session_id: int, size: int) -> list[SessionQuestion]:
        """The best queued questions, in the board's order: most votes, then asked first."""
        votes = vote_counts()
        rows = await self.session.execute(
            select(SessionQuestionRow, PersonRow.name)
            .outerjoin(votes, votes.c.question_id == SessionQuestionRow.id)
            .outerjoin(PersonRow, PersonRow.id == SessionQuestionRow.asker_id)
            .where(
                SessionQuestionRow.session_id == session_id,
                SessionQuestionRow.state == "queued",
                SessionQuestionRow.hidden.is_(False),
            )
            .order_by(func.coalesce(votes.c.n, 0).desc(), SessionQuestionRow.asked_at, SessionQuestionRow.id)
            .limit(size)
        )
        return [_question(q, name) for q, name in rows]

    async def _question(self, question_id: int) -> SessionQuestion | None:
        found = (
            await self.session.execute(
                select(SessionQuestionRow, PersonRow.name)
                .outerjoin(PersonRow, PersonRow.id == SessionQuestionRow.asker_id)
                .where(SessionQuestionRow.id == question_id)
            )
        ).first()
        return _question(found[0], found[1]) if found else None

    async def mark_sent(self, question_ids: Sequence[int], session_id: int, now: datetime) -> None:
        if question_ids:
            await self.session.execute(
                update(SessionQuestionRow)
                .where(SessionQuestionRow.id.in_(question_ids))
                .values(state="sent", sent_at=now)
            )
        await self.session.execute(
            update(GuestSessionRow).where(GuestSessionRow.id == session_id).values(last_batch_at=now)
        )

    async def outstanding(self, session_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).where(
                    SessionQuestionRow.session_id == session_id, SessionQuestionRow.state == "sent"
                )
            )
            or 0
        )

    async def sent_to_guest(self, guest_id: int, message_id: int) -> SessionQuestion | None:
        subject = await self.session.scalar(
            select(OutboxRow.subject).where(
                OutboxRow.chat_id == guest_id,
                OutboxRow.message_id == message_id,
                OutboxRow.kind == "guest_question",
            )
        )
        return await self._question(int(subject.split(":")[1])) if subject else None

    async def settle(self, question_id: int, state: str, answer: str | None, now: datetime) -> None:
        await self.session.execute(
            update(SessionQuestionRow)
            .where(SessionQuestionRow.id == question_id)
            .values(state=state, answer=answer, answered_at=now)
        )

    async def askers(self, question_id: int) -> list[tuple[int, bool, bool]]:
        """(person id, anonymous, has started the bot) of everyone who asked it."""
        rows = await self.session.execute(
            select(SessionAskerRow.person_id, SessionAskerRow.anonymous, PersonRow.started_at)
            .outerjoin(PersonRow, PersonRow.id == SessionAskerRow.person_id)
            .where(SessionAskerRow.question_id == question_id)
        )
        return [(person, anonymous, started is not None) for person, anonymous, started in rows]

    async def _questions(self, session_id: int, states: Sequence[str], order: Any) -> list[SessionQuestion]:
        rows = await self.session.execute(
            select(SessionQuestionRow, PersonRow.name)
            .outerjoin(PersonRow, PersonRow.id == SessionQuestionRow.asker_id)
            .where(
                SessionQuestionRow.session_id == session_id,
                SessionQuestionRow.state.in_(states),
                SessionQuestionRow.hidden.is_(False),
            )
            .order_by(order, SessionQuestionRow.id)
        )
        return [_question(q, name) for q, name in rows]

    async def answered(self, session_id: int) -> list[SessionQuestion]:
        return await self._questions(session_id, ["answered"], SessionQuestionRow.answered_at)

    async def unanswered(self, session_id: int) -> list[SessionQuestion]:
        return await self._questions(session_id, ["queued", "sent", "skipped"], SessionQuestionRow.number)
