from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from facilitation.model import Course, GuestSession, Phase
from storage import mapping
from storage.models import CourseRow, GuestSessionRow
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
