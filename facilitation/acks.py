"""Acknowledging a post with a reaction instead of a message: Flock is quiet in groups (README).

Reactions go through the outbox like everything else Flock says because something changed: they
are retried, and a busy group's rate limit never holds up the processing of its updates.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from facilitation.model import MessageRef, QuestionState
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork


class Ack(enum.StrEnum):
    QUESTION = "question"
    INTRODUCTION = "introduction"
    RESOLVED = "resolved"
    ANSWER = "answer"  # an answer to a discussion's prompt
    STORY = "story"  # a #story or #win
    NONE = "none"  # the acknowledgement taken back


async def react(uow: UnitOfWork, ref: MessageRef, ack: Ack, now: datetime) -> None:
    notice = Notice(ref.chat_id, NoticeKind.REACTION, {"message_id": ref.message_id, "ack": ack.value})
    await uow.outbox.put(notice, now)


async def take_back_if_dismissed(uow: UnitOfWork, refs: Iterable[MessageRef], now: datetime) -> None:
    """A message no longer a question (dismissed, or withdrawn by its asker's edit) loses the 👀
    it was given, once no course still tracks it (a tagged message may count for several)."""
    for chat_id, message_id in dict.fromkeys((r.chat_id, r.message_id) for r in refs):
        asked = await uow.questions.asked_at(chat_id, message_id)
        if asked and all(q.state is QuestionState.DISMISSED for q in asked):
            await react(uow, MessageRef(chat_id, message_id), Ack.NONE, now)
