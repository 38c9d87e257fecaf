"""Delivering the outbox: render each row, send it, settle it (sent, retry later, or failed).

Chats are served concurrently and each chat's rows in order, so one busy group waiting on its
rate limit (AIORateLimiter: 20 a minute per group, 30 a second overall) holds up no one else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, assert_never

from telegram import Bot, InputFile, ReactionTypeEmoji, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot import i18n
from bot.fit import CAPTION, fit
from bot.metrics import Metrics
from bot.outbox_renderers import (
    Delete,
    Document,
    Edit,
    Message,
    Outgoing,
    Photo,
    Post,
    Reaction,
    Sending,
    renderer_for,
)
from facilitation.ports import Clock
from storage.outbox import Envelope, OutboxStore, backoff

log = logging.getLogger("flock.outbox")

# Telegram's answers that no retry will change.
PERMANENT = (Forbidden, BadRequest)
CHATS_AT_ONCE = 50
ROUND = 1000  # rows claimed for one round of delivery
LEASE_MARGIN = timedelta(seconds=30)  # stop sending this long before a claim's lease ends
RECORD_AGAIN_SECONDS = 1.0  # a delivery not yet marked sent: try to record it again after this
# Told that a post went out but could not be pinned: (chat, the row's data, Telegram's reason).
PinFailed = Callable[[int, dict[str, Any], str], Awaitable[object]]


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        store: OutboxStore,
        clock: Clock,
        metrics: Metrics | None = None,
        pin_failed: PinFailed | None = None,
    ) -> None:
        self._bot = bot
        self._pin_failed = pin_failed
        self._store = store
        self._clock = clock
        self._metrics = metrics or Metrics()
        self._wake = asyncio.Event()
        # Delivered, but the database would not take the "sent" mark (locked, down): (when, the
        # message id). Kept here, and out of every round, until it is recorded: sent once only.
        self._unrecorded: dict[int, tuple[datetime, int | None]] = {}

    def wake(self) -> None:
        """Something was just queued: deliver now rather than at the next tick."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, every: float) -> None:
        try:
            await self._store.release_own_claims(self._clock.now())
        except Exception:  # they come back when their lease ends anyway
            log.exception("could not release the claims of the last run")
        while not stop.is_set():
            try:
                await self.flush()
                self._metrics.outbox_pending.set(await self._store.pending())
            except Exception:  # a failed round must not end delivery; the next one retries
                log.exception("outbox delivery failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=every)
            self._wake.clear()

    def _wake_in(self, seconds: float) -> None:
        """A row put off for this long: deliver it then, not at the next tick."""
        asyncio.get_running_loop().call_later(seconds + 0.05, self._wake.set)

    @property
    def unrecorded(self) -> int:
        """Messages delivered whose "sent" mark is still waiting for the database."""
        return len(self._unrecorded)

    async def flush(self) -> int:
        await self._record_unrecorded()
        by_chat: defaultdict[int, list[Envelope]] = defaultdict(list)
        due, lease_until = await self._store.claim(self._clock.now(), limit=ROUND)
        for envelope in due:
            if envelope.id not in self._unrecorded:
                by_chat[envelope.chat_id].append(envelope)
        if len(due) == ROUND:
            self._wake.set()  # more are waiting: the next round starts when this one ends
        limit = asyncio.Semaphore(CHATS_AT_ONCE)
        stop_at = lease_until - LEASE_MARGIN

        async def serve(envelopes: list[Envelope]) -> int:
            delivered = 0
            async with limit:
                for envelope in envelopes:
                    if self._clock.now() >= stop_at:
                        # A chat slowed by its rate limit: leave the rest for when the lease
                        # ends rather than send what another process may take by then.
                        self._wake_in((lease_until - self._clock.now()).total_seconds())
                        break
                    delivered += await self._settle(envelope)
            return delivered

        return sum(await asyncio.gather(*(serve(rows) for rows in by_chat.values())))

    async def _settle(self, envelope: Envelope) -> int:
        """Deliver one row and record the outcome; a chat's lane never stops on an error here,
        so a round ends only when every lane has, and never leaves a send running behind it."""
        try:
            return await self._deliver(envelope)
        except Exception:  # recording a retry or a failure did not work: the row stays due
            log.exception("outbox %s: could not record the outcome; it stays due", envelope.id)
            return 0

    async def _record_sent(self, envelope_id: int, message_id: int | None) -> None:
        sent_at = self._clock.now()
        try:
            await self._store.sent(envelope_id, sent_at, message_id)
        except Exception as error:
            log.warning(
                "outbox %s was delivered but not marked sent (%s); recording it later", envelope_id, error
            )
            self._unrecorded[envelope_id] = (sent_at, message_id)
            self._wake_in(RECORD_AGAIN_SECONDS)

    async def _record_unrecorded(self) -> None:
        for envelope_id, (sent_at, message_id) in list(self._unrecorded.items()):
            try:
                await self._store.sent(envelope_id, sent_at, message_id)
            except Exception as error:
                log.warning("%d delivered messages still not marked sent (%s)", len(self._unrecorded), error)
                self._wake_in(RECORD_AGAIN_SECONDS)
                return
            del self._unrecorded[envelope_id]

    async def _deliver(self, envelope: Envelope) -> int:
        about = {"outbox_id": envelope.id, "kind": envelope.kind, "chat_id": envelope.chat_id}
        try:
            message_id = await self._send(envelope)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.debug("outbox %s: %s; retrying in %.0fs", envelope.id, error, seconds, extra=about)
            self._metrics.outbox_retried.labels(envelope.kind).inc()
            await self._store.retry(envelope.id, str(error), self._clock.now() + timedelta(seconds=seconds))
            self._wake_in(seconds)
            return 0
        except ChatMigrated as error:
            # The group is now a supergroup (its service message may come later, or never): the
            # chat moves now, and this row goes out again to the new id unless it was about a
            # message of the old group.
            log.info("outbox %s: %s", envelope.id, error, extra=about)
            await self._store.chat_moved(envelope.id, envelope.chat_id, error.new_chat_id, self._clock.now())
            self._wake.set()
            return 0
        except PERMANENT as error:
            log.info(
                "outbox %s to chat %s failed for good: %s", envelope.id, envelope.chat_id, error, extra=about
            )
            self._metrics.outbox_failed.labels(envelope.kind).inc()
            await self._store.failed(envelope.id, str(error), self._clock.now())
            return 0
        except (NetworkError, TimedOut) as error:
            delay = backoff(envelope.attempts)
            log.debug("outbox %s: %s; retrying in %s", envelope.id, error, delay, extra=about)
            self._metrics.outbox_retried.labels(envelope.kind).inc()
            await self._store.retry(envelope.id, str(error), self._clock.now() + delay)
            self._wake_in(delay.total_seconds())
            return 0
        except (KeyError, ValueError, TypeError) as error:
            log.error("outbox %s cannot be rendered: %r", envelope.id, error, extra=about)
            self._metrics.outbox_failed.labels(envelope.kind).inc()
            await self._store.failed(envelope.id, f"unrenderable: {error!r}", self._clock.now())
            return 0
        self._metrics.outbox_sent.labels(envelope.kind).inc()
        await self._record_sent(envelope.id, message_id)
        return 1

    async def _send(self, envelope: Envelope) -> int | None:
        """Deliver one row; returns the id of the message it became, where that id is kept."""
        render = renderer_for(envelope.kind)
        sending = Sending(self._clock.now(), self._bot.username, envelope.thread_id)
        with i18n.speaking(envelope.language):
            outgoing = render(envelope.data, sending)
        message_id = await self._send_out(envelope.chat_id, outgoing)
        if isinstance(outgoing, Post) and outgoing.pin and message_id is not None:
            await self._pin(envelope, message_id)
        return message_id

    async def _pin(self, envelope: Envelope, message_id: int) -> None:
        """Pin what was just posted. The post stays whatever happens here: a failure is not the
        row's (retrying would post it again); the facilitators are told instead."""
        try:
            await self._bot.pin_chat_message(envelope.chat_id, message_id)
        except TelegramError as error:
            log.info("outbox %s: posted, not pinned: %s", envelope.id, error)
            if self._pin_failed is None:
                return
            try:
                await self._pin_failed(envelope.chat_id, envelope.data, str(error))
                self._wake.set()
            except Exception:
                log.exception("outbox %s: could not tell the facilitators it was not pinned", envelope.id)

    async def _send_out(self, chat_id: int, outgoing: Outgoing) -> int | None:
        """Each kind of outgoing message goes out one way, its text fitted to Telegram's limits."""
        match outgoing:
            case Message():
                reply = (
                    ReplyParameters(outgoing.reply_to, allow_sending_without_reply=True)
                    if outgoing.reply_to
                    else None
                )
                message = await self._bot.send_message(
                    chat_id,
                    fit(outgoing.text),
                    reply_markup=outgoing.keyboard,
                    reply_parameters=reply,
                    message_thread_id=outgoing.thread_id,
                )
                return message.message_id if outgoing.keep_id else None
            case Edit():
                try:
                    await self._bot.edit_message_text(
                        fit(outgoing.text), chat_id, outgoing.message_id, reply_markup=outgoing.keyboard
                    )
                except BadRequest as error:
                    if not (outgoing.unchanged_is_done and "not modified" in str(error).lower()):
                        raise
            case Reaction():
                emoji = outgoing.emoji
                await self._bot.set_message_reaction(
                    chat_id, outgoing.message_id, [ReactionTypeEmoji(emoji)] if emoji else []
                )
            case Document():
                await self._bot.send_document(
                    chat_id,
                    InputFile(outgoing.content, filename=outgoing.filename),
                    caption=fit(outgoing.caption, CAPTION),
                    message_thread_id=outgoing.thread_id,
                )
            case Photo():
                photo = await asyncio.to_thread(outgoing.draw)
                await self._bot.send_photo(
                    chat_id,
                    photo,
                    caption=fit(outgoing.caption, CAPTION),
                    filename=outgoing.filename,
                    message_thread_id=outgoing.thread_id,
                )
            case Post():
                return await self._post(chat_id, outgoing)
            case Delete():
                await self._bot.delete_message(chat_id, outgoing.message_id)
            case _:
                assert_never(outgoing)
        return None

    async def _post(self, chat_id: int, post: Post) -> int:
        """An announcement, as its facilitator wrote it; its id is kept (to pin it, to find it)."""
        if post.kind == "photo" and post.file_id:
            sent = await self._bot.send_photo(
                chat_id,
                post.file_id,
                caption=fit(post.html, CAPTION) or None,
                message_thread_id=post.thread_id,
            )
        elif post.kind == "document" and post.file_id:
            sent = await self._bot.send_document(
                chat_id,
                post.file_id,
                caption=fit(post.html, CAPTION) or None,
                message_thread_id=post.thread_id,
            )
        else:
            sent = await self._bot.send_message(chat_id, fit(post.html), message_thread_id=post.thread_id)
        return sent.message_id
