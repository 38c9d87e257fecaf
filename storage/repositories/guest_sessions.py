"""Guest sessions themselves: scheduling, the guest's invite, phases, reminders, the board
messages announcing them and their transcripts. Their questions are in guest_questions.py, the
batches sent to the guest in guest_batches.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from facilitation.model import Course, GuestSession, Phase
from storage import mapping
from storage.models import CourseRow, GuestSessionRow, OutboxRow
from storage.repositories.base import Repository

REMINDERS = ("warned_24h_at", "warned_1h_at", "reminded_24h_at", "reminded_15m_at")


def guest_session(row: GuestSessionRow, course: Course) -> GuestSession:
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
        row.ended_at,
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
        return guest_session(row, course)

    async def _one(self, *conditions: object) -> GuestSession | None:
        found = (
            await self.session.execute(
                select(GuestSessionRow, CourseRow)
                .join(CourseRow, CourseRow.id == GuestSessionRow.course_id)
                .where(*conditions)  # type: ignore[arg-type]
            )
        ).first()
        return guest_session(found[0], mapping.course(found[1])) if found else None

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
        return [guest_session(s, mapping.course(c)) for s, c in rows]

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
            (guest_session(s, mapping.course(c)), {r for r in REMINDERS if getattr(s, r) is not None})
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
        return await self._sent(board_subject(session_id), "session_announced")

    async def sent_leftovers(self, session_id: int) -> list[tuple[int, int]]:
        return await self._sent(leftovers_subject(session_id), "session_leftovers")

    async def sent_question(self, question_id: int) -> tuple[int, int] | None:
        sent = await self._sent(f"gq:{question_id}", "guest_question")
        return sent[0] if sent else None

    async def _sent(self, subject: str, kind: str) -> list[tuple[int, int]]:
        """(chat, message) of each message sent for the subject, to edit it."""
        rows = await self.session.execute(
            select(OutboxRow.chat_id, OutboxRow.message_id).where(
                OutboxRow.subject == subject,
                OutboxRow.kind == kind,
                OutboxRow.message_id.is_not(None),
            )
        )
        return [(chat, message) for chat, message in rows if message is not None]

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
        return [guest_session(s, mapping.course(c)) for s, c in await self.session.execute(query)]

    async def save_transcript(self, session_id: int, text: str) -> None:
        await self.session.execute(
            update(GuestSessionRow).where(GuestSessionRow.id == session_id).values(transcript=text)
        )

    async def transcript(self, session_id: int) -> str | None:
        return await self.session.scalar(
            select(GuestSessionRow.transcript).where(GuestSessionRow.id == session_id)
        )

    async def live_as_guest(self, person_id: int, ended_since: datetime) -> GuestSession | None:
        """The live session this person is the guest of, else one that ended since then."""
        live = GuestSessionRow.phase == Phase.LIVE.value
        ended = (GuestSessionRow.phase == Phase.ENDED.value) & (GuestSessionRow.ends_at >= ended_since)
        found = (
            await self.session.execute(
                select(GuestSessionRow, CourseRow)
                .join(CourseRow, CourseRow.id == GuestSessionRow.course_id)
                .where(GuestSessionRow.guest_id == person_id, live | ended)
                .order_by(live.desc(), GuestSessionRow.starts_at.desc())
                .limit(1)
            )
        ).first()
        return guest_session(found[0], mapping.course(found[1])) if found else None


def board_subject(session_id: int) -> str:
    return f"board:{session_id}"


def leftovers_subject(session_id: int) -> str:
    return f"leftovers:{session_id}"
