"""Processing stored updates through the Application, a batch per transaction."""

from __future__ import annotations

import contextlib
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


class DatabaseUnavailable(Exception):
    """A handler met a database outage, a deadlock or a locked file: the batch is rolled back and
    processed again later (the caller waits and retries), so nothing is lost or apologised for."""


class InboxProcessor:
    def __init__(
        self,
        app: FlockApp,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        metrics: Metrics | None = None,
        turns: contextlib.AbstractAsyncContextManager[None] | None = None,
    ):
        self._app = app
        self._sessions = sessions
        self._clock = clock
        self._metrics = metrics or Metrics()
        # A batch holds SQLite's write lock: waiting its turn lets the outbox's marks in between.
        self._turns = turns if turns is not None else contextlib.nullcontext()

    async def drain(self) -> int:
        """Process every stored update this process may claim, in order; returns how many.
        Raises DatabaseUnavailable (or the database's own error) when the database fails."""
        total = 0
        while count := await self._process_batch():
            total += count
        return total

    async def _process_batch(self) -> int:
        async with self._turns, batch(self._sessions) as session:
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
            seen: list[BaseException] = []

            def failed() -> bool:  # an outage is not the update's failure: it is processed again
                return any(not is_transient(e) for e in seen)

            with (
                logs.context(chat_id=chat_of(raw)),
                errors.watch(seen),
                self._metrics.processing(update_kind(raw), failed),
            ):
                await self._app.process_update(update)
        outage = next((e for e in seen if is_transient(e)), None)
        if outage is not None:  # the rest would fail too: roll back, try it all later
            raise DatabaseUnavailable(f"update {update_id}: {outage}") from outage
