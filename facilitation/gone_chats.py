"""Chats a scheduled post was meant for that are gone: detached from the course, or they removed
Flock (either way the attachment is no longer active). Announcements and discussions skip them
and tell the course's facilitators once per chat, keeping what they told in a `warned` set."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork

Chat = tuple[int, str]  # id, title


def key(chat_id: int) -> str:
    return f"gone:{chat_id}"


def untold(meant: Iterable[Chat], attached: set[int], warned: frozenset[str]) -> list[Chat]:
    """The chats meant that are no longer attached and the facilitators were not told about."""
    return [(chat, title) for chat, title in meant if chat not in attached and key(chat) not in warned]


async def tell(
    uow: UnitOfWork,
    course_id: int,
    kind: NoticeKind,
    data: dict[str, Any],
    gone: list[Chat],
    now: datetime,
) -> int:
    """The notice, naming the chats gone, to the facilitators' destinations; how many were queued."""
    told = {**data, "chats": [title for _, title in gone]}
    return await tell_facilitators(uow, course_id, kind, told, now)


async def tell_facilitators(
    uow: UnitOfWork, course_id: int, kind: NoticeKind, told: dict[str, Any], now: datetime
) -> int:
    destinations = (await uow.alerts.recipients(course_id)).destinations
    for chat, thread in destinations:
        await uow.outbox.put(Notice(chat, kind, told, thread), now)
    return len(destinations)
