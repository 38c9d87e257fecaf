"""The periodic tick: ask the database what is due and act; the outbox sender delivers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.context import Runtime
from bot.metrics import Metrics
from bot.sender import OutboxSender
from facilitation import (
    alerts,
    announcements,
    digests,
    discussions,
    following,
    followups,
    greetings,
    guest_live,
    guest_sessions,
    helpers,
    privacy,
)
from storage import inbox

log = logging.getLogger("flock.tick")


INBOX_RETENTION = timedelta(days=7)


class Ticker:
    def __init__(
        self,
        runtime: Runtime,
        sender: OutboxSender,
        sessions: async_sessionmaker[AsyncSession],
        metrics: Metrics | None = None,
    ) -> None:
        self._runtime = runtime
        self._sender = sender
        self._sessions = sessions
        self._metrics = metrics or Metrics()
        self.failed: list[str] = []  # the jobs the last tick could not finish

    async def tick(self) -> None:
        now, uow = self._runtime.clock.now(), self._runtime.uow
        jobs: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("greetings", lambda: greetings.send_due(uow(), now)),
            ("alerts", lambda: alerts.send_due(uow(), now)),
            ("follow-ups", lambda: followups.remind_due(uow(), now)),
            ("peer helpers", lambda: helpers.ask_due(uow(), now)),
            ("session reminders", lambda: guest_sessions.send_reminders(uow(), now)),
            ("guest sessions", lambda: guest_live.advance(uow(), now)),
            ("discussions", lambda: discussions.advance(uow(), now)),
            ("digests", lambda: digests.send_due(uow(), now)),
            ("announcements", lambda: announcements.post_due(uow(), now)),
            ("catch-ups", lambda: following.send_due(uow(), now)),
            ("collected posts", lambda: following.prune(uow(), now)),
            ("retention", lambda: privacy.purge_expired(uow(), now)),
            ("inbox pruning", lambda: inbox.prune(self._sessions, processed_before=now - INBOX_RETENTION)),
        ]
        queued = False
        self.failed = []
        for name, job in jobs:
            try:  # each job its own transaction: one failing can't hold the others back
                with self._metrics.tick_job(name):
                    queued |= bool(await job())
            except Exception:
                log.exception("tick: %s failed; retrying next tick", name, extra={"job": name})
                self.failed.append(name)
        if queued:
            self._sender.wake()

    async def run(self, stop: asyncio.Event, every: float) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # a failed tick must not end the schedule; the next one retries
                log.exception("tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
