from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from facilitation.model import Attachment, Chat, Course, CourseSettings, Person, Scope
from storage import mapping
from storage.models import AttachmentRow, CourseRow, FacilitatorRow, PersonRow
from storage.repositories.base import Repository


class SqlCourses(Repository):
    async def get(self, course_id: int) -> Course | None:
        row = await self.session.get(CourseRow, course_id)
        return mapping.course(row) if row else None

    async def by_hashtag(self, hashtag: str) -> Course | None:
        row = await self.session.scalar(select(CourseRow).where(CourseRow.hashtag == hashtag))
        return mapping.course(row) if row else None

    async def add(self, hashtag: str, title: str, now: datetime) -> Course:
        row = CourseRow(hashtag=hashtag, title=title[:200], created_at=now)
        mapping.write_settings(row, CourseSettings())
        self.session.add(row)
        await self.session.flush()
        return mapping.course(row)

    async def rename(self, course_id: int, title: str) -> None:
        row = await self.session.get_one(CourseRow, course_id)
        row.title = title
        await self.session.flush()

    async def save_settings(self, course_id: int, settings: CourseSettings) -> None:
        row = await self.session.get_one(CourseRow, course_id)
        mapping.write_settings(row, settings)
        await self.session.flush()

    async def attachments(self, chat_id: int) -> list[Attachment]:
        rows = await self.session.execute(
            select(AttachmentRow, CourseRow)
            .join(CourseRow, CourseRow.id == AttachmentRow.course_id)
            .where(AttachmentRow.chat_id == chat_id, AttachmentRow.active)
            .order_by(AttachmentRow.attached_at)
        )
        return [Attachment(mapping.course(c), a.chat_id, Scope(a.scope)) for a, c in rows]

    async def attach(self, course_id: int, chat: Chat, scope: Scope, now: datetime) -> None:
        values = {
            "scope": scope.value,
            "chat_title": chat.title[:256],
            "chat_kind": chat.kind,
            "is_forum": chat.is_forum,
            "active": True,
        }
        await self.upsert(
            AttachmentRow,
            {"course_id": course_id, "chat_id": chat.id, "attached_at": now, **values},
            keys=("course_id", "chat_id"),
            update=values,
        )

    async def set_bot_admin(self, chat_id: int, admin: bool) -> None:
        await self.session.execute(
            update(AttachmentRow).where(AttachmentRow.chat_id == chat_id).values(bot_admin=admin)
        )

    async def detach(self, course_id: int, chat_id: int) -> None:
        await self.session.execute(
            update(AttachmentRow)
            .where(AttachmentRow.course_id == course_id, AttachmentRow.chat_id == chat_id)
            .values(active=False)
        )

    async def chats_of(self, course_id: int) -> list[Chat]:
        rows = await self.session.scalars(
            select(AttachmentRow).where(AttachmentRow.course_id == course_id, AttachmentRow.active)
        )
        return [Chat(r.chat_id, r.chat_title, r.chat_kind, r.is_forum) for r in rows]

    async def chats_without_reactions(self, course_id: int) -> list[Chat]:
        rows = await self.session.scalars(
            select(AttachmentRow).where(
                AttachmentRow.course_id == course_id,
                AttachmentRow.active,
                AttachmentRow.bot_admin.is_not(True),
            )
        )
        return [Chat(r.chat_id, r.chat_title, r.chat_kind, r.is_forum) for r in rows]

    async def facilitators(self, course_id: int) -> list[Person]:
        rows = await self.session.execute(
            select(FacilitatorRow.person_id, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == FacilitatorRow.person_id)
            .where(FacilitatorRow.course_id == course_id)
            .order_by(FacilitatorRow.added_at)
        )
        return [mapping.person(row, person_id) for person_id, row in rows]

    async def is_facilitator(self, course_id: int, person_id: int) -> bool:
        found = await self.session.scalar(
            select(FacilitatorRow.person_id).where(
                FacilitatorRow.course_id == course_id, FacilitatorRow.person_id == person_id
            )
        )
        return found is not None

    async def add_facilitator(self, course_id: int, person_id: int, now: datetime) -> bool:
        if await self.is_facilitator(course_id, person_id):
            return False
        self.session.add(FacilitatorRow(course_id=course_id, person_id=person_id, added_at=now))
        await self.session.flush()
        return True

    async def remove_facilitator(self, course_id: int, person_id: int) -> bool:
        result = await self.session.execute(
            delete(FacilitatorRow).where(
                FacilitatorRow.course_id == course_id, FacilitatorRow.person_id == person_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def facilitated_by(self, person_id: int) -> list[Course]:
        rows = await self.session.scalars(
            select(CourseRow)
            .join(FacilitatorRow, FacilitatorRow.course_id == CourseRow.id)
            .where(FacilitatorRow.person_id == person_id)
            .order_by(CourseRow.hashtag)
        )
        return [mapping.course(row) for row in rows]
