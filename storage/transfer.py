"""Moving a chat's history to its new id when a group becomes a supergroup."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AnswerRow,
    AttachmentRow,
    GreetingRow,
    IntroductionRow,
    OutboxRow,
    QuestionRow,
)


async def move_chat(session: AsyncSession, old: int, new: int) -> None:
    # An attachment already made under the new id wins over the old one.
    taken = select(AttachmentRow.course_id).where(AttachmentRow.chat_id == new)
    await session.execute(
        delete(AttachmentRow).where(AttachmentRow.chat_id == old, AttachmentRow.course_id.in_(taken))
    )
    greeted = select(GreetingRow.person_id).where(GreetingRow.chat_id == new)
    await session.execute(
        delete(GreetingRow).where(GreetingRow.chat_id == old, GreetingRow.person_id.in_(greeted))
    )
    for table in (AttachmentRow, GreetingRow, QuestionRow, AnswerRow, IntroductionRow):
        await session.execute(update(table).where(table.chat_id == old).values(chat_id=new))
    await session.execute(
        update(OutboxRow).where(OutboxRow.chat_id == old, OutboxRow.sent_at.is_(None)).values(chat_id=new)
    )
