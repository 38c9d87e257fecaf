"""A group becoming a supergroup: what follows the chat to its new id, and what stays behind.

Messages stay with the chat they were written in (the supergroup numbers its own afresh, so a
(chat, message) pair names one message for good); the chat's courses, its pending greetings,
the courses' alerts chat and the messages still owed to it follow, and the move is kept.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from facilitation.notices import NoticeKind
from storage.models import AnnouncementRow, AttachmentRow, ChatMoveRow, CourseRow, GreetingRow, OutboxRow

# Notices about a message of the old chat: that message is not in the new one.
LEFT_BEHIND = {NoticeKind.REACTION, NoticeKind.ALERT_EDIT, NoticeKind.BOARD_EDIT}
LEFT_BEHIND_ERROR = "the group became a supergroup; its old messages stay behind"


async def move_chat(session: AsyncSession, old: int, new: int, now: datetime) -> None:
    if old == new:
        return
    if await session.scalar(select(ChatMoveRow.new_chat_id).where(ChatMoveRow.old_chat_id == old)) is None:
        session.add(ChatMoveRow(old_chat_id=old, new_chat_id=new, moved_at=now))
    # An attachment already made under the new id wins over the old one.
    taken = select(AttachmentRow.course_id).where(AttachmentRow.chat_id == new)
    await session.execute(
        delete(AttachmentRow).where(AttachmentRow.chat_id == old, AttachmentRow.course_id.in_(taken))
    )
    greeted = select(GreetingRow.person_id).where(GreetingRow.chat_id == new)
    await session.execute(
        delete(GreetingRow).where(GreetingRow.chat_id == old, GreetingRow.person_id.in_(greeted))
    )
    for table in (AttachmentRow, GreetingRow):
        await session.execute(update(table).where(table.chat_id == old).values(chat_id=new))
    await session.execute(update(CourseRow).where(CourseRow.alerts_chat_id == old).values(alerts_chat_id=new))
    await move_owed(session, old, new, now)
    await _move_announcements(session, old, new)
    # The old group's boards can no longer be edited: they stop being boards.
    await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.chat_id == old,
            OutboxRow.kind == NoticeKind.SESSION_ANNOUNCED,
            OutboxRow.sent_at.is_not(None),
        )
        .values(subject=None)
    )


async def move_owed(session: AsyncSession, old: int, new: int, now: datetime) -> None:
    """The old chat's unsent rows go to the new one, less what is about an old message."""
    owed = (
        await session.scalars(
            select(OutboxRow).where(
                OutboxRow.chat_id == old, OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None)
            )
        )
    ).all()
    for row in owed:
        if row.kind in LEFT_BEHIND:
            row.failed_at, row.last_error = now, LEFT_BEHIND_ERROR
            continue
        row.chat_id = new
        data = json.loads(row.payload)
        if data.get("reply_to"):  # that number is another message in the new chat
            row.payload = json.dumps({**data, "reply_to": None})
    await session.flush()


def moved_from(chat_id: int) -> Select[int]:
    """The ids the chat had before: their messages are still its history."""
    return select(ChatMoveRow.old_chat_id).where(ChatMoveRow.new_chat_id == chat_id)


async def _move_announcements(session: AsyncSession, old: int, new: int) -> None:
    """Announcements still to go out follow the chat: `here` ones and the chats they were meant for."""
    await session.execute(update(AnnouncementRow).where(AnnouncementRow.chat_id == old).values(chat_id=new))
    rows = await session.execute(
        select(AnnouncementRow.id, AnnouncementRow.chats).where(
            AnnouncementRow.next_at.is_not(None), AnnouncementRow.chats.contains(str(old))
        )
    )
    for announcement_id, chats in rows.all():
        moved = [[new if chat == old else chat, title] for chat, title in json.loads(chats)]
        await session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == announcement_id)
            .values(chats=json.dumps(moved))
        )
