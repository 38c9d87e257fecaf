from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update

from facilitation.model import BoardItem, Course, GuestSession, MessageRef, Person, Phase
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


def board_subject(session_id: int) -> str:
    return f"board:{session_id}"
