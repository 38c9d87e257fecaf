"""Processing stored updates through the Application, a batch per transaction."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot import errors, i18n, logs
from bot.app import FlockApp
from bot.metrics import Metrics, update_kind
from bot.update_chat import (
    chat_of,
    edited_message_of,
    group_post,
    reacted_to,
    replied_to,
    replied_to_bot,
    sourcing,
    speaker_of,
)
from facilitation import matching
from facilitation.languages import DEFAULT, supported
from facilitation.ports import Clock
from storage import inbox
from storage.batch.unit_of_work import BatchUnitOfWork
from storage.errors import HeldWritesFailed, is_transient, redone

log = logging.getLogger("flock.inbox")

BATCH = 100
T = TypeVar("T")


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
        try:
            return await self._run_batch(hold_writes=True)
        except HeldWritesFailed as error:  # rare: done again the slow way, each update on its own
            log.warning("a batch's held writes failed (%s); processing it again without holding", error)
            return await self._run_batch(hold_writes=False)

    async def _run_batch(self, hold_writes: bool) -> int:
        async with self._turns, BatchUnitOfWork.open(self._sessions, hold_writes) as batch:
            session = batch.session
            rows = await inbox.claim(session, BATCH)
            if not rows:
                return 0
            raws = [_read(row.payload) for row in rows]
            await _read_once(batch, raws)
            for row, raw in zip(rows, raws, strict=True):
                waited = self._clock.now() - row.received_at
                self._metrics.inbox_lag.observe(max(0.0, waited.total_seconds()))
                await self._process(row.update_id, row.payload, batch, raw)
            await inbox.mark_processed(session, [row.update_id for row in rows], self._clock.now())
        return len(rows)

    async def _process(
        self, update_id: int, payload: str, batch: BatchUnitOfWork, raw: dict[str, Any] | None = None
    ) -> None:
        """raw: the payload read already, if it was."""
        with logs.context(update_id=update_id):  # every line logged while handling it says which
            try:
                if raw is None:
                    raw = json.loads(payload)
                update = Update.de_json(raw, self._app.bot)
            except (ValueError, TypeError, KeyError, AttributeError):
                log.exception("update %s is not a readable update; skipped", update_id)
                self._metrics.updates_processed.labels("other", "error").inc()
                return
            seen: list[BaseException] = []

            def failed() -> bool:  # an outage is not the update's failure: it is processed again
                return any(not redone(e) for e in seen)

            chat, personal = await _languages(batch, raw)
            with (
                i18n.speaking(chat, personal),
                logs.context(chat_id=chat_of(raw)),
                errors.watch(seen),
                self._metrics.processing(update_kind(raw), failed),
            ):
                await self._app.process_update(update)
        unsent = next((e for e in seen if isinstance(e, HeldWritesFailed)), None)
        if unsent is not None:  # the batch is done again without holding writes
            raise unsent
        outage = next((e for e in seen if is_transient(e)), None)
        if outage is not None:  # the rest would fail too: roll back, try it all later
            raise DatabaseUnavailable(f"update {update_id}: {outage}") from outage


async def _languages(batch: BatchUnitOfWork, raw: dict[str, Any]) -> tuple[str, str | None]:
    """What the update's chat is written to in, and what its sender alone is."""
    speaker = speaker_of(raw)
    personal = None
    if speaker is not None:
        personal = await batch.person_language(speaker.id, supported(speaker.language_code))
    chat = chat_of(raw)
    if chat is None or chat > 0:  # a private chat: the person's own
        return personal or DEFAULT, personal
    return await batch.group_language(chat), personal


def _read(payload: str) -> dict[str, Any] | None:
    try:
        raw = json.loads(payload)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) else None


async def _read_once(batch: BatchUnitOfWork, raws: list[dict[str, Any] | None]) -> None:
    """What the batch's updates will read, read once: their chats' attachments and facilitators,
    the threads their messages reply to or edit, their senders (and buttons' pressers) as stored,
    what the chats of their hashtags, replies and reactions share, and the earlier answers of
    the questions their group messages may ask."""
    readable = [raw for raw in raws if raw is not None]

    def found(read: Callable[[dict[str, Any]], T | None]) -> set[T]:
        return {value for raw in readable if (value := read(raw)) is not None}

    senders = {speaker.id for speaker in found(speaker_of)}
    asking: dict[int, list[str]] = {}
    dates: list[int] = []
    for chat, text, date in found(group_post):
        if (asked := matching.asked_as(text)) is not None:
            asking.setdefault(chat, []).append(asked)
            dates.append(date)
    await batch.read(
        found(chat_of),
        found(replied_to),
        senders,
        found(edited_message_of),
        found(replied_to_bot),
        found(reacted_to),
        found(sourcing),
        asking,
        datetime.fromtimestamp(min(dates), UTC) if dates else None,
    )
