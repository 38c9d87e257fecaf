from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from facilitation.model import BoardItem, Course, GuestSession, MessageRef, Person, Phase, SessionQuestion
from storage import mapping
from storage.models import (
    CourseRow,
    GuestSessionRow,
    OutboxRow,
    PersonRow,
    SessionAskerRow,
    SessionQuestionRow,
    SessionVoteRow,
)
from storage.repositories.base import Repository

REMINDERS = ("warned_24h_at", "warned_1h_at", "reminded_24h_at", "reminded_15m_at")


def _session(row: GuestSessionRow, course: Course) -> GuestSession:
    return GuestSession(
        row.id,
        course,
        row.title,
        row.guest_username,
        row.guest_id,
        row.invite_token,
        row.starts_at,
        row.ends_at,
        Phase(row.phase),
        row.opened_at,
    )


class SqlGuestSessions(Repository):
    async def add(
        self,
        course: Course,
        title: str,
        guest_username: str,
        token: str,
        starts_at: datetime,
        ends_at: datetime,
        created_by: int,
        now: datetime,
    ) -> GuestSession:
        row = GuestSessionRow(
            course_id=course.id,
            title=title,
            guest_username=guest_username,
            invite_token=token,
            starts_at=starts_at,
            ends_at=ends_at,
            phase=Phase.COLLECTING.value,
            created_by=created_by,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _session(row, course)

    async def _one(self, *conditions: object) -> GuestSession | None:
        found = (
            await self.session.execute(
                select(GuestSessionRow, CourseRow)
                .join(CourseRow, CourseRow.id == GuestSessionRow.course_id)
                .where(*conditions)  # type: ignore[arg-type]
            )
        ).first()
        return _session(found[0], mapping.course(found[1])) if found else None

    async def get(self, session_id: int) -> GuestSession | None:
        return await self._one(GuestSessionRow.id == session_id)

    async def by_token(self, token: str) -> GuestSession | None:
        return await self._one(GuestSessionRow.invite_token == token)

    async def bind_guest(self, session_id: int, person_id: int, now: datetime) -> None:
        await self.session.execute(
            update(GuestSessionRow)
            .where(GuestSessionRow.id == session_id)
            .values(guest_id=person_id, opened_at=now)
        )

    async def of_courses(self, course_ids: Sequence[int]) -> list[GuestSession]:
        rows = await self.session.execute(
            select(GuestSessionRow, CourseRow)
            .join(CourseRow, CourseRow.id == GuestSessionRow.course_id)
            .where(
                GuestSessionRow.course_id.in_(course_ids),
                GuestSessionRow.phase.in_([Phase.COLLECTING.value, Phase.LIVE.value]),
            )
            .order_by(GuestSessionRow.starts_at)
        )
        return [_session(s, mapping.course(c)) for s, c in rows]

    async def set_phase(self, session_id: int, phase: Phase, now: datetime) -> None:
        values: dict[str, object] = {"phase": phase.value}
        if phase in (Phase.ENDED, Phase.CANCELLED):
            values["ended_at"] = now
        await self.session.execute(
            update(GuestSessionRow).where(GuestSessionRow.id == session_id).values(**values)
        )

    async def move(self, session_id: int, starts_at: datetime, ends_at: datetime) -> None:
        """A new time: every reminder and warning is due again for it."""
        await self.session.execute(
            update(GuestSessionRow)
            .where(GuestSessionRow.id == session_id)
            .values(starts_at=starts_at, ends_at=ends_at, **dict.fromkeys(REMINDERS))
        )

    async def starting_before(self, moment: datetime) -> list[tuple[GuestSession, set[str]]]:
        """Collecting sessions starting before the moment, with the reminders already sent."""
        rows = await self.session.execute(
            select(GuestSessionRow, CourseRow)
            .join(CourseRow, CourseRow.id == GuestSessionRow.course_id)
            .where(GuestSessionRow.phase == Phase.COLLECTING.value, GuestSessionRow.starts_at <= moment)
            .order_by(GuestSessionRow.starts_at)
            .with_for_update(skip_locked=True, of=GuestSessionRow)  # another process has these
        )
        return [
            (_session(s, mapping.course(c)), {r for r in REMINDERS if getattr(s, r) is not None})
            for s, c in rows
        ]

    async def mark(self, session_id: int, reminder: str, now: datetime) -> None:
        if reminder not in REMINDERS:
            raise ValueError(reminder)
        await self.session.execute(
            update(GuestSessionRow).where(GuestSessionRow.id == session_id).values({reminder: now})
        )

    async def collecting_in(self, course_id: int) -> list[GuestSession]:
        """Sessions of the course taking questions now (collecting or live)."""
        return [s for s in await self.of_courses([course_id])]

    async def board_at(self, chat_id: int, message_id: int) -> GuestSession | None:
        subject = await self.session.scalar(
            select(OutboxRow.subject).where(
                OutboxRow.chat_id == chat_id,
                OutboxRow.message_id == message_id,
                OutboxRow.kind == "session_announced",
            )
        )
        if subject is None:
            return None
        return await self.get(int(subject.split(":")[1]))

    async def boards(self, session_id: int) -> list[tuple[int, int]]:
        rows = await self.session.execute(
            select(OutboxRow.chat_id, OutboxRow.message_id).where(
                OutboxRow.subject == board_subject(session_id),
                OutboxRow.kind == "session_announced",
                OutboxRow.message_id.is_not(None),
            )
        )
        return [(chat, message) for chat, message in rows if message is not None]

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
        votes = (
            select(SessionVoteRow.question_id, func.count().label("n"))
            .group_by(SessionVoteRow.question_id)
            .subquery()
        )
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

    async def in_phase(self, phase: Phase, before: datetime | None) -> list[GuestSession]:
        """Sessions in the phase; with `before`, only those whose next boundary has passed
        (the start for collecting ones, the end for live ones)."""
        query = (
            select(GuestSessionRow, CourseRow)
            .join(CourseRow, CourseRow.id == GuestSessionRow.course_id)
            .where(GuestSessionRow.phase == phase.value)
        )
        if before is not None:
            boundary = GuestSessionRow.starts_at if phase is Phase.COLLECTING else GuestSessionRow.ends_at
            query = query.where(boundary <= before)
        # Only the tick asks; a session another process is advancing right now is its business.
        query = query.order_by(GuestSessionRow.starts_at)
        query = query.with_for_update(skip_locked=True, of=GuestSessionRow)
        return [_session(s, mapping.course(c)) for s, c in await self.session.execute(query)]

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
        items = [i for i in await self.board(session_id)]
        queued = set(
            await self.session.scalars(
                select(SessionQuestionRow.id).where(
                    SessionQuestionRow.session_id == session_id, SessionQuestionRow.state == "queued"
                )
            )
        )
        chosen = [i.question_id for i in items if i.question_id in queued][:size]
        return [q for q in [await self._question(qid) for qid in chosen] if q is not None]

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

    async def save_transcript(self, session_id: int, text: str) -> None:
        await self.session.execute(
            update(GuestSessionRow).where(GuestSessionRow.id == session_id).values(transcript=text)
        )

    async def transcript(self, session_id: int) -> str | None:
        return await self.session.scalar(
            select(GuestSessionRow.transcript).where(GuestSessionRow.id == session_id)
        )

    async def live_as_guest(self, person_id: int) -> GuestSession | None:
        """The live (or just ended) session this person is the guest of."""
        sessions = [
            s
            for s in await self.in_phase(Phase.LIVE, None) + await self.in_phase(Phase.ENDED, None)
            if s.guest_id == person_id
        ]
        return sessions[0] if sessions else None


def board_subject(session_id: int) -> str:
    return f"board:{session_id}"


def _question(row: SessionQuestionRow, asker: str | None) -> SessionQuestion:
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
