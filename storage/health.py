"""Read-only questions `flock doctor` asks the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import AttachmentRow, CourseRow


@dataclass(frozen=True)
class AttachedChat:
    chat_id: int
    title: str
    hashtags: tuple[str, ...]


async def attached_chats(engine: AsyncEngine) -> list[AttachedChat]:
    """Every chat some course is attached to, with the courses' hashtags."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(AttachmentRow.chat_id, AttachmentRow.chat_title, CourseRow.hashtag)
            .join(CourseRow, CourseRow.id == AttachmentRow.course_id)
            .where(AttachmentRow.active.is_(True))
            .order_by(AttachmentRow.chat_id, CourseRow.hashtag)
        )
        chats: dict[int, AttachedChat] = {}
        for chat_id, title, hashtag in rows:
            known = chats.get(chat_id)
            hashtags = (*known.hashtags, hashtag) if known else (hashtag,)
            chats[chat_id] = AttachedChat(chat_id, title, hashtags)
        return list(chats.values())
