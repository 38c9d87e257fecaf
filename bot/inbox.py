"""Processing stored updates through the Application, a batch per transaction."""

from __future__ import annotations

import asyncio
import json
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot import errors, logs
from bot.app import FlockApp
from bot.metrics import Metrics, update_kind
from bot.update_chat import chat_of
from facilitation.ports import Clock
from storage import inbox
from storage.errors import is_transient
from storage.unit_of_work import batch

log = logging.getLogger("flock.inbox")

BATCH = 100
MAX_BACKOFF_SECONDS = 30.0


class RetryBatch(Exception):
    """A handler hit a transient database error: undo the whole batch and run it again."""


class InboxProcessor:
    def __init__(
        self,
        app: FlockApp,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        metrics: Metrics | None = None,
    ):
        self._app = app
        self._sessions = sessions
        self._clock = clock
        self._metrics = metrics or Metrics()

    async def drain(self) -> int:
        """Process every stored update this process may claim, in order; returns how many.

        A transient database error (lost connection, restart, deadlock, locked file) rolls the
        batch back and runs it again after a pause, so an outage delays updates, never drops them.
        """
        total = 0
        delay = 0.5
        while True:
            try:
                count = await self._process_batch()
            except Exception as error:
                if not (isinstance(error, RetryBatch) or is_transient(error)):
                    raise
                log.warning("database unavailable (%s); retrying the batch in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
                continue
            delay = 0.5
            if not count:
                return total
            total += count

    async def _process_batch(self) -> int:
        async with batch(self._sessions) as session:
            rows = await inbox.claim(session, BATCH)
            for row in rows:
                waited = self._clock.now() - row.received_at
                self._metrics.inbox_lag.observe(max(0.0, waited.total_seconds()))
                await self._process(row.update_id, row.payload)
            await inbox.mark_processed(session, [row.update_id for row in rows], self._clock.now())
        return len(rows)

    async def _process(self, update_id: int, payload: str) -> None:
        with logs.context(update_id=update_id):  # every line logged while handling it says which
            try:
                raw = json.loads(payload)
                update = Update.de_json(raw, self._app.bot)
            except (ValueError, TypeError, KeyError, AttributeError):
                log.exception("update %s is not a readable update; skipped", update_id)
                self._metrics.updates_processed.labels("other", "error").inc()
                return
            with (
                logs.context(chat_id=chat_of(raw)),
                self._metrics.processing(update_kind(raw)),
                errors.watch_transient() as failures,
            ):
                await self._app.process_update(update)
        if failures:
            raise RetryBatch(f"update {update_id}: {failures[0]}")
