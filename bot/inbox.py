"""Processing stored updates through the Application, a batch per transaction."""

from __future__ import annotations

import contextlib
import json
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.app import FlockApp
from bot.context import FlockContext
from facilitation.ports import Clock
from storage import inbox
from storage.database import unavailable
from storage.unit_of_work import batch

log = logging.getLogger("flock.inbox")

BATCH = 100


class DatabaseUnavailable(Exception):
    """The batch's transaction was lost to a database outage; the batch is processed again."""


class InboxProcessor:
    def __init__(
        self,
        app: FlockApp,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        turns: contextlib.AbstractAsyncContextManager[None] | None = None,
    ):
        self._app = app
        self._sessions = sessions
        self._clock = clock
        # A batch holds SQLite's write lock: waiting its turn lets the outbox's marks in between.
        self._turns = turns if turns is not None else contextlib.nullcontext()
        self._outage: BaseException | None = None
        app.add_error_handler(self._note_outage)

    async def drain(self) -> int:
        """Process every stored, unprocessed update in order; returns how many."""
        total = 0
        while count := await self._process_batch():
            total += count
        return total

    async def _process_batch(self) -> int:
        async with self._turns, batch(self._sessions) as session:
            rows = await inbox.unprocessed(session, BATCH)
            self._outage = None
            for update_id, payload in rows:
                await self._process(update_id, payload)
                if self._outage is not None:  # the rest would fail too: roll back, try it all later
                    raise DatabaseUnavailable(f"update {update_id}: {self._outage}") from self._outage
            await inbox.mark_processed(session, [update_id for update_id, _ in rows], self._clock.now())
        return len(rows)

    async def _process(self, update_id: int, payload: str) -> None:
        try:
            update = Update.de_json(json.loads(payload), self._app.bot)
        except (ValueError, TypeError, KeyError):
            log.exception("update %s is not a readable update; skipped", update_id)
            return
        await self._app.process_update(update)

    async def _note_outage(self, update: object, context: FlockContext) -> None:
        """A handler's error, as PTB reports it (it never reaches the caller of process_update)."""
        if unavailable(context.error):
            self._outage = context.error
