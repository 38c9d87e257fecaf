"""Scheduled announcements: what a facilitator wrote, when it next goes out, where."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, time

from sqlalchemy import Select, select, update

from facilitation.model import Announcement, AnnouncementContent, Course
from storage import mapping
from storage.models import AnnouncementRow, CourseRow
from storage.repositories.base import Repository


def _announcement(row: AnnouncementRow, course: Course) -> Announcement:
    return Announcement(
        row.id,
        course,
        AnnouncementContent(row.kind, row.html, row.file_id),
        row.next_at,
        time.fromisoformat(row.local_time),
        row.every_days,
        row.pin,
        row.chat_id,
        row.thread_id,
        tuple((int(chat), str(title)) for chat, title in json.loads(row.chats)),
        frozenset(json.loads(row.warned)),
    )


class SqlAnnouncements(Repository):
    async def add(self, announcement: Announcement, created_by: int, now: datetime) -> Announcement:
        a = announcement
        row = AnnouncementRow(
            course_id=a.course.id,
            kind=a.content.kind,
            html=a.content.html,
            file_id=a.content.file_id,
            pin=a.pin,
            chat_id=a.chat_id,
            thread_id=a.thread_id,
            chats=json.dumps([list(chat) for chat in a.chats]),
            next_at=a.next_at,
            local_time=a.local_time.isoformat(),
            every_days=a.every_days,
            posted=0,
            warned="[]",
            created_by=created_by,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _announcement(row, a.course)

    def _query(self) -> Select[AnnouncementRow, CourseRow]:
        return select(AnnouncementRow, CourseRow).join(CourseRow, CourseRow.id == AnnouncementRow.course_id)

    async def get(self, announcement_id: int, lock: bool = False) -> Announcement | None:
        query = self._query().where(AnnouncementRow.id == announcement_id)
        if lock:
            query = query.with_for_update(of=AnnouncementRow)
        found = (await self.session.execute(query)).first()
        return _announcement(found[0], mapping.course(found[1])) if found else None

    async def pending(self, course_ids: Sequence[int]) -> list[Announcement]:
        rows = await self.session.execute(
            self._query()
            .where(AnnouncementRow.course_id.in_(course_ids), AnnouncementRow.next_at.is_not(None))
            .order_by(AnnouncementRow.next_at, AnnouncementRow.id)
        )
        return [_announcement(a, mapping.course(c)) for a, c in rows]

    async def due(self, now: datetime, limit: int) -> list[Announcement]:
        rows = await self.session.execute(
            self._query()
            .where(AnnouncementRow.next_at <= now)
            .order_by(AnnouncementRow.next_at, AnnouncementRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=AnnouncementRow)  # another process posts these
        )
        return [_announcement(a, mapping.course(c)) for a, c in rows]

    async def posted(
        self, announcement_id: int, next_at: datetime | None, warned: frozenset[str], now: datetime
    ) -> None:
        await self.session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == announcement_id)
            .values(
                next_at=next_at,
                posted=AnnouncementRow.posted + 1,
                last_posted_at=now,
                warned=json.dumps(sorted(warned)),
            )
        )

    async def warned(self, announcement_id: int, warned: frozenset[str]) -> None:
        await self.session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == announcement_id)
            .values(warned=json.dumps(sorted(warned)))
        )

    async def cancel(self, announcement_id: int, now: datetime) -> None:
        await self.session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == announcement_id)
            .values(next_at=None, cancelled_at=now)
        )
