"""A guest session's questions: asking, merging near-duplicates, votes, hiding, the board."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Subquery, delete, func, select, update

from facilitation.model import BoardItem, MessageRef, Person, SessionQuestion
from storage.models import (
    GuestPrivateAskRow,
    GuestSessionRow,
    PersonRow,
    SessionAskerRow,
    SessionQuestionRow,
    SessionVoteRow,
)
from storage.repositories.base import Repository


def vote_counts() -> Subquery:
    """(question_id, n): the votes of every question voted for."""
    return (
        select(SessionVoteRow.question_id, func.count().label("n"))
        .group_by(SessionVoteRow.question_id)
        .subquery()
    )


class SqlGuestQuestions(Repository):
    async def question_by_text(self, session_id: int, normalized: str) -> int | None:
        return await self.session.scalar(
            select(SessionQuestionRow.id).where(
                SessionQuestionRow.session_id == session_id,
                SessionQuestionRow.normalized == normalized,
                SessionQuestionRow.hidden.is_(False),
            )
        )

    async def add_question(
        self,
        session_id: int,
        asker: Person,
        anonymous: bool,
        text: str,
        normalized: str,
        ref: MessageRef | None,
        now: datetime,
    ) -> int:
        # Each session numbers its questions 1, 2, 3…: whoever numbers next holds the session's
        # row until their transaction ends, so two processes never read the same highest number
        # (SQLite has one writer; the unique index on (session_id, number) backs this up).
        await self.session.execute(
            select(GuestSessionRow.id).where(GuestSessionRow.id == session_id).with_for_update(key_share=True)
        )
        number = await self.session.scalar(
            select(func.coalesce(func.max(SessionQuestionRow.number), 0)).where(
                SessionQuestionRow.session_id == session_id
            )
        )
        row = SessionQuestionRow(
            session_id=session_id,
            number=int(number or 0) + 1,
            asker_id=asker.id,
            anonymous=anonymous,
            text=text,
            normalized=normalized,
            chat_id=ref.chat_id if ref else None,
            message_id=ref.message_id if ref else None,
            thread_id=ref.thread_id if ref else None,
            asked_at=now,
            state="queued",
        )
        self.session.add(row)
        await self.session.flush()
        await self.add_asker(row.id, asker.id, anonymous)
        return row.id

    async def add_asker(self, question_id: int, person_id: int, anonymous: bool) -> bool:
        known = await self.session.scalar(
            select(SessionAskerRow.person_id).where(
                SessionAskerRow.question_id == question_id, SessionAskerRow.person_id == person_id
            )
        )
        if known is not None:
            return False
        self.session.add(SessionAskerRow(question_id=question_id, person_id=person_id, anonymous=anonymous))
        await self.session.flush()
        return True

    async def question(self, question_id: int) -> tuple[int, bool] | None:
        """(session id, hidden) of a question."""
        found = (
            await self.session.execute(
                select(SessionQuestionRow.session_id, SessionQuestionRow.hidden).where(
                    SessionQuestionRow.id == question_id
                )
            )
        ).first()
        return (found[0], found[1]) if found else None

    async def asked_by_message(self, chat_id: int, message_id: int) -> SessionQuestion | None:
        found = (
            await self.session.execute(
                select(SessionQuestionRow, PersonRow.name)
                .outerjoin(PersonRow, PersonRow.id == SessionQuestionRow.asker_id)
                .where(SessionQuestionRow.chat_id == chat_id, SessionQuestionRow.message_id == message_id)
                .limit(1)
            )
        ).first()
        return session_question(found[0], found[1]) if found else None

    async def set_text(self, question_id: int, text: str, normalized: str) -> None:
        await self.session.execute(
            update(SessionQuestionRow)
            .where(SessionQuestionRow.id == question_id)
            .values(text=text, normalized=normalized)
        )

    async def toggle_vote(self, question_id: int, person_id: int) -> bool:
        """True when the vote was cast, False when it was withdrawn."""
        mine = (SessionVoteRow.question_id == question_id) & (SessionVoteRow.person_id == person_id)
        if await self.session.scalar(select(SessionVoteRow.person_id).where(mine)) is not None:
            await self.session.execute(delete(SessionVoteRow).where(mine))
            return False
        self.session.add(SessionVoteRow(question_id=question_id, person_id=person_id))
        await self.session.flush()
        return True

    async def hide(self, session_id: int, number: int) -> bool:
        result = await self.session.execute(
            update(SessionQuestionRow)
            .where(SessionQuestionRow.session_id == session_id, SessionQuestionRow.number == number)
            .values(hidden=True)
        )
        return bool(getattr(result, "rowcount", 0))

    async def board(self, session_id: int) -> list[BoardItem]:
        votes = vote_counts()
        rows = await self.session.execute(
            select(SessionQuestionRow, func.coalesce(votes.c.n, 0), PersonRow.name)
            .outerjoin(votes, votes.c.question_id == SessionQuestionRow.id)
            .outerjoin(PersonRow, PersonRow.id == SessionQuestionRow.asker_id)
            .where(SessionQuestionRow.session_id == session_id, SessionQuestionRow.hidden.is_(False))
            .order_by(func.coalesce(votes.c.n, 0).desc(), SessionQuestionRow.asked_at, SessionQuestionRow.id)
        )
        return [
            BoardItem(
                q.id, q.number, q.text, int(n), None if q.anonymous else (name or "someone"), q.asked_at
            )
            for q, n, name in rows
        ]

    async def await_private(self, person_id: int, session_id: int, anonymous: bool, until: datetime) -> None:
        await self.forget_private(person_id)
        self.session.add(
            GuestPrivateAskRow(
                person_id=person_id, session_id=session_id, anonymous=anonymous, expires_at=until
            )
        )
        await self.session.flush()

    async def awaited_private(self, person_id: int, now: datetime) -> tuple[int, bool] | None:
        found = (
            await self.session.execute(
                select(GuestPrivateAskRow.session_id, GuestPrivateAskRow.anonymous).where(
                    GuestPrivateAskRow.person_id == person_id, GuestPrivateAskRow.expires_at > now
                )
            )
        ).first()
        return (found[0], found[1]) if found else None

    async def forget_private(self, person_id: int) -> None:
        await self.session.execute(
            delete(GuestPrivateAskRow).where(GuestPrivateAskRow.person_id == person_id)
        )


def session_question(row: SessionQuestionRow, asker: str | None) -> SessionQuestion:
    ref = MessageRef(row.chat_id, row.message_id, row.thread_id) if row.chat_id and row.message_id else None
    return SessionQuestion(
        row.id,
        row.session_id,
        row.number,
        row.text,
        None if row.anonymous else asker or "someone",
        ref,
        row.state,
        row.answer,
        row.answered_at,
        asker or "someone",
    )
