"""Greeting newcomers: one batched message per chat, at most every few minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from facilitation.model import Person
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork

SPACING = timedelta(minutes=5)


async def member_joined(uow: UnitOfWork, chat_id: int, people: list[Person], now: datetime) -> None:
    async with uow:
        if not await uow.courses.attachments(chat_id):
            return
        for person in people:
            await uow.people.seen(person, now)
            await uow.greetings.add_pending(chat_id, person, now)
        await uow.commit()


async def send_due(uow: UnitOfWork, now: datetime) -> int:
    """Queue one greeting per chat whose newcomers wait and whose last greeting is old enough."""
    async with uow:
        due = await uow.greetings.due(last_greeting_before=now - SPACING)
        for chat_id, people in due.items():
            attachments = await uow.courses.attachments(chat_id)
            if attachments:
                await uow.outbox.put(
                    Notice(
                        chat_id,
                        NoticeKind.GREETING,
                        {
                            "people": [[p.id, p.name] for p in people],
                            "courses": [a.course.title for a in attachments],
                        },
                    ),
                    now,
                )
            await uow.greetings.mark_greeted(chat_id, [p.id for p in people], now)
        await uow.commit()
    return len(due)
