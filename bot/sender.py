"""Delivering the outbox: render each row, send it, settle it (sent, retry later, or failed)."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import texts
from facilitation.ports import Clock
from storage.outbox import Envelope, OutboxStore, backoff

log = logging.getLogger("flock.outbox")

# Telegram's answers that no retry will change.
PERMANENT = (Forbidden, BadRequest)


class OutboxSender:
    def __init__(self, bot: Bot, store: OutboxStore, clock: Clock) -> None:
        self._bot = bot
        self._store = store
        self._clock = clock

    async def flush(self) -> int:
        sent = 0
        for envelope in await self._store.due(self._clock.now()):
            sent += await self._deliver(envelope)
        return sent

    async def _deliver(self, envelope: Envelope) -> int:
        try:
            text = render(envelope)
        except (KeyError, ValueError, TypeError) as error:
            log.error("outbox %s cannot be rendered: %r", envelope.id, error)
            await self._store.failed(envelope.id, f"unrenderable: {error!r}", self._clock.now())
            return 0
        try:
            await self._bot.send_message(envelope.chat_id, text, message_thread_id=envelope.thread_id)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            await self._store.retry(envelope.id, str(error), self._clock.now() + timedelta(seconds=seconds))
            return 0
        except PERMANENT as error:
            log.warning("outbox %s to chat %s failed for good: %s", envelope.id, envelope.chat_id, error)
            await self._store.failed(envelope.id, str(error), self._clock.now())
            return 0
        except (NetworkError, TimedOut) as error:
            await self._store.retry(envelope.id, str(error), self._clock.now() + backoff(envelope.attempts))
            return 0
        await self._store.sent(envelope.id, self._clock.now())
        return 1


def render(envelope: Envelope) -> str:
    if envelope.kind == "greeting":
        names = [name for _, name in envelope.data["people"]]
        return texts.greeting(names, envelope.data.get("courses", []))
    raise ValueError(f"no renderer for outbox kind {envelope.kind!r}")
