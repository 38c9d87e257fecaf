"""The periodic tick: ask the database what is due and act; the outbox sender delivers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import readers
from bot.context import Runtime
from bot.sender import OutboxSender
from facilitation import alerts, digests, followups, greetings
from storage import inbox

log = logging.getLogger("flock.tick")


INBOX_RETENTION = timedelta(days=7)


class Ticker:
    def __init__(
        self, runtime: Runtime, sender: OutboxSender, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self._runtime = runtime
        self._sender = sender
        self._sessions = sessions

    async def tick(self) -> None:
        now = self._runtime.clock.now()
        greeted = await greetings.send_due(self._runtime.uow(), now)
        alerted = await alerts.send_due(self._runtime.uow(), now)
        reminded = await followups.remind_due(self._runtime.uow(), now)
        digested = await digests.send_due(self._runtime.uow(), now, readers.stats)
        if greeted or alerted or reminded or digested:
            self._sender.wake()
        await inbox.prune(self._sessions, processed_before=now - INBOX_RETENTION)

    async def run(self, stop: asyncio.Event, every: float) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # a failed tick must not end the schedule; the next one retries
                log.exception("tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
