"""Acknowledging a post with a reaction instead of a message: Flock is quiet in groups (README).

Reactions go through the outbox like everything else Flock says because something changed: they
are retried, and a busy group's rate limit never holds up the processing of its updates.
"""

from __future__ import annotations

import enum
from datetime import datetime

from facilitation.model import MessageRef
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork


class Ack(enum.StrEnum):
    QUESTION = "question"
    INTRODUCTION = "introduction"
    RESOLVED = "resolved"


async def react(uow: UnitOfWork, ref: MessageRef, ack: Ack, now: datetime) -> None:
    notice = Notice(ref.chat_id, NoticeKind.REACTION, {"message_id": ref.message_id, "ack": ack.value})
    await uow.outbox.put(notice, now)
