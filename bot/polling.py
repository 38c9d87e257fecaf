"""Long polling that acknowledges an update only after it is stored (docs/ARCHITECTURE.md, "Updates in").

PTB's Updater moves the offset before handlers run; here getUpdates is called with a new offset
only once the previous batch is committed to the inbox, so a crash can lose nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.app import FlockApp
from bot.inbox import InboxProcessor
from bot.metrics import Metrics
from bot.sanitize import storable_json
from bot.update_chat import chat_of
from facilitation.ports import Clock
from storage import inbox

log = logging.getLogger("flock.polling")

ALLOWED_UPDATES = [
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "chat_member",
    "message_reaction",  # a person's reactions: on discussion answers, on followed posts
    "message_reaction_count",  # the totals where reactions are anonymous
    "channel_post",  # a channel's /share, and the posts it shares
    "edited_channel_post",  # those posts as they now read
]
LONG_POLL_SECONDS = 50


class Poller:
    def __init__(
        self,
        app: FlockApp,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        poll_seconds: int = LONG_POLL_SECONDS,
        after_batch: Callable[[], None] = lambda: None,
        metrics: Metrics | None = None,
        turns: contextlib.AbstractAsyncContextManager[None] | None = None,
    ) -> None:
        self._after_batch = after_batch
        self._app = app
        self._sessions = sessions
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._metrics = metrics or Metrics()
        self.processor = InboxProcessor(app, sessions, clock, self._metrics, turns)

    async def run(self, stop: asyncio.Event) -> None:
        processed = await self._persist(stop, [])  # what a previous run stored but never processed
        self._after_batch()
        if processed:
            log.info("processed %d updates left over from the last run", processed)
        # No stored offset: Telegram resends what it hasn't seen acknowledged, the inbox ignores
        # ids it already holds, and an update_id sequence Telegram restarted can't strand us.
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                raw = await _unless_stopped(stop, self._get_updates(offset))
                failures = 0
            except RetryAfter as error:
                wait = error.retry_after
                await _sleep(stop, wait.total_seconds() if isinstance(wait, timedelta) else wait)
                continue
            except (InvalidToken, Conflict):
                raise
            except (NetworkError, TelegramError) as error:
                failures += 1
                log.warning("getUpdates failed (%s); retrying", error)
                await _sleep(stop, min(60, 2 ** min(failures, 6)))
                continue
            if raw and (stored := await self._persist(stop, raw)) is not None:
                offset = max(int(item["update_id"]) for item in raw) + 1
                self._after_batch()
                log.debug("stored and processed %d updates", stored)

    async def _persist(self, stop: asyncio.Event, raw: list[dict[str, Any]]) -> int | None:
        """Store a batch and process the inbox, riding out a database outage: until the batch is
        stored the offset stays put, so Telegram keeps every update for us. Returns how many were
        processed, or None when stopped first."""
        failures = 0
        while not stop.is_set():
            try:
                if raw:
                    await self.store(raw)
                return await self.processor.drain()
            except Exception as error:  # the database is down or locked: wait for it, lose nothing
                failures += 1
                delay = min(30.0, 0.5 * 2**failures)
                log.warning(
                    "the database failed (%s); retrying in %.0fs", error, delay, exc_info=failures == 1
                )
                await _sleep(stop, delay)
        return None

    async def store(self, raw: list[dict[str, Any]]) -> int:
        """Commit raw updates to the inbox; returns the next offset."""
        rows = [(int(item["update_id"]), chat_of(item), storable_json(item)) for item in raw]
        await inbox.store(self._sessions, rows, self._clock.now())
        self._metrics.updates_stored.inc(len(rows))
        return max(update_id for update_id, _, _ in rows) + 1

    async def _get_updates(self, offset: int | None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"timeout": self._poll_seconds, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            params["offset"] = offset
        with warnings.catch_warnings():
            # The raw JSON is what the inbox stores, so the typed get_updates() won't do.
            warnings.simplefilter("ignore", PTBUserWarning)
            result = await self._app.bot.do_api_request(
                "getUpdates", api_kwargs=params, read_timeout=self._poll_seconds + 10
            )
        return list(result or [])


async def _unless_stopped(
    stop: asyncio.Event, call: Coroutine[Any, Any, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """A long poll ends early on stop (nothing is lost: the offset has not moved); processing
    is never interrupted that way, so a stop between updates doesn't replay a half batch."""
    poll = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait([poll, stopped], return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not poll.done():
        poll.cancel()
        return []
    return poll.result()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
