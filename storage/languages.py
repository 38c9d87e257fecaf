"""The language each chat is written to in: a private chat its person's, a group its course's.

Read for the outbox's rows at claim time and for an update whose batch snapshot doesn't know.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitation.languages import DEFAULT, group_language, private_language
from storage.models import AttachmentRow, CourseRow, PersonRow


async def of_chats(session: AsyncSession, chat_ids: Iterable[int]) -> dict[int, str]:
    """Private chats (positive ids, the person's own) and groups (negative ids) alike."""
    chats = set(chat_ids)
    people = [chat for chat in chats if chat > 0]
    found = dict.fromkeys(chats, DEFAULT)
    if people:
        rows = await session.execute(
            select(PersonRow.id, PersonRow.language, PersonRow.app_language).where(PersonRow.id.in_(people))
        )
        found.update({row.id: private_language(row.language, row.app_language) for row in rows})
    groups = [chat for chat in chats if chat < 0]
    if groups:
        found.update(await of_groups(session, groups))
    return found


async def of_groups(session: AsyncSession, chats: list[int]) -> dict[int, str]:
    """Attached chats speak their (oldest attachment's) course's language; a facilitators'
    group that alerts come to (/alerts_here) speaks its course's."""
    spoken: dict[int, list[str]] = {}
    attached = await session.execute(
        select(AttachmentRow.chat_id, CourseRow.language)
        .join(CourseRow, CourseRow.id == AttachmentRow.course_id)
        .where(AttachmentRow.chat_id.in_(chats), AttachmentRow.active)
        .order_by(AttachmentRow.attached_at, AttachmentRow.course_id)
    )
    for row in attached:
        spoken.setdefault(row.chat_id, []).append(row.language)
    rest = [chat for chat in chats if chat not in spoken]
    if rest:
        alerted = await session.execute(
            select(CourseRow.alerts_chat_id, CourseRow.language)
            .where(CourseRow.alerts_chat_id.in_(rest))
            .order_by(CourseRow.id)
        )
        for chat, language in alerted:
            if chat is not None:
                spoken.setdefault(chat, []).append(language)
    return {chat: group_language(spoken.get(chat, [])) for chat in chats}


# A person's /language choice is written by a plain repository only (the batch sends what it
# holds before one runs): no held write changes it, so a batch reads it without sending first,
# and says so for the batch's watchers. A person the batch holds as new has none yet, as read.
NEVER_HELD = "/* never held */"
_CHOSEN = select(PersonRow.language).where(PersonRow.id == bindparam("person")).prefix_with(NEVER_HELD)


async def chosen(session: AsyncSession, person_id: int) -> str | None:
    """What the person chose with /language; None: follow their app."""
    return await session.scalar(_CHOSEN, {"person": person_id})
