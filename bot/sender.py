"""Delivering the outbox: render each row, send it, settle it (sent, retry later, or failed).

Chats are served concurrently and each chat's rows in order, so one busy group waiting on its
rate limit (AIORateLimiter: 20 a minute per group, 30 a second overall) holds up no one else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InputFile, ReactionTypeEmoji, ReplyParameters
from telegram.constants import ReactionEmoji
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import render_alerts, render_digest, render_sessions, render_stats, texts
from bot.fit import CAPTION, fit
from bot.metrics import Metrics
from facilitation import stats_data
from facilitation.acks import Ack
from facilitation.digest_content import Digest
from facilitation.ports import Clock
from storage.outbox import Envelope, OutboxStore, backoff

log = logging.getLogger("flock.outbox")

REACTIONS = {
    Ack.QUESTION: ReactionEmoji.EYES,
    Ack.INTRODUCTION: ReactionEmoji.HUGGING_FACE,
    Ack.RESOLVED: ReactionEmoji.PARTY_POPPER,
}
SESSION_TEXTS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "session_cancelled": lambda data, _: render_sessions.cancelled(data),
    "guest_answer_private": lambda data, _: render_sessions.guest_answer_private(data),
    "session_leftovers": lambda data, _: render_sessions.leftovers(data),
    "session_moved": lambda data, _: render_sessions.moved(data),
    "session_reminder": lambda data, _: render_sessions.reminder(data),
    "guest_not_ready": lambda data, _: render_sessions.guest_not_ready(data),
}
# Telegram's answers that no retry will change.
PERMANENT = (Forbidden, BadRequest)
CHATS_AT_ONCE = 50
ROUND = 1000  # rows claimed for one round of delivery
LEASE_MARGIN = timedelta(seconds=30)  # stop sending this long before a claim's lease ends
RECORD_AGAIN_SECONDS = 1.0  # a delivery not yet marked sent: try to record it again after this


class OutboxSender:
    def __init__(self, bot: Bot, store: OutboxStore, clock: Clock, metrics: Metrics | None = None) -> None:
        self._bot = bot
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
        """Deliver one row; returns the id of the message it became, where there is one."""
        data, now = envelope.data, self._clock.now()
        if envelope.kind == "alert":
            message = await self._bot.send_message(
                envelope.chat_id,
                fit(render_alerts.alert_text(data, now)),
                reply_markup=render_alerts.alert_keyboard(data["alert_id"]),
            )
            return message.message_id
        if envelope.kind == "session_announced":  # also the chat's question board: keep its id
            message = await self._bot.send_message(
                envelope.chat_id,
                fit(render_sessions.board(data, self._bot.username)),
                message_thread_id=envelope.thread_id,
            )
            return message.message_id
        if envelope.kind == "guest_question":  # the guest replies to it: keep its id
            text = fit(render_sessions.guest_question(data))
            message = await self._bot.send_message(envelope.chat_id, text)
            return message.message_id
        if envelope.kind == "guest_answer":
            reply = (
                ReplyParameters(data["reply_to"], allow_sending_without_reply=True)
                if data["reply_to"]
                else None
            )
            await self._bot.send_message(
                envelope.chat_id,
                fit(render_sessions.guest_answer(data)),
                reply_parameters=reply,
                message_thread_id=envelope.thread_id,
            )
        elif envelope.kind == "transcript":
            document = InputFile(
                data["markdown"].encode("utf-8"), filename=f"session-{data['session_id']}.md"
            )
            await self._bot.send_document(
                envelope.chat_id,
                document,
                caption=fit(render_sessions.transcript_caption(data), CAPTION),
                message_thread_id=envelope.thread_id,
            )
        elif envelope.kind == "board_edit":
            await self._bot.edit_message_text(
                fit(render_sessions.board(data, self._bot.username)),
                envelope.chat_id,
                data["message_id_to_edit"],
                reply_markup=render_sessions.board_keyboard(data),
            )
        elif envelope.kind == "followup":
            await self._bot.send_message(
                envelope.chat_id,
                fit(render_alerts.followup_text(data)),
                reply_markup=render_alerts.followup_keyboard(data["question_id"]),
            )
        elif envelope.kind == "alert_edit":
            await self._edit(
                envelope.chat_id, data["message_id_to_edit"], fit(render_alerts.edited_alert_text(data, now))
            )
        elif envelope.kind == "alert_batch":
            await self._bot.send_message(envelope.chat_id, fit(render_alerts.batch_text(data, now)))
        elif envelope.kind == "nudge":
            text = fit(render_alerts.nudge_text(data, self._bot.username))
            await self._bot.send_message(envelope.chat_id, text, message_thread_id=envelope.thread_id)
        elif envelope.kind == "reaction":
            emoji = REACTIONS[Ack(data["ack"])]
            await self._bot.set_message_reaction(
                envelope.chat_id, data["message_id"], [ReactionTypeEmoji(emoji)]
            )
        elif envelope.kind == "greeting":
            names = [name for _, name in data["people"]]
            text = fit(texts.greeting(names, data.get("courses", [])))
            await self._bot.send_message(envelope.chat_id, text, message_thread_id=envelope.thread_id)
        elif envelope.kind == "weekly_chart":
            from bot import stats_chart  # matplotlib is heavy: loaded on the first chart, not at start

            stats = stats_data.from_data(data)
            chart = await asyncio.to_thread(stats_chart.render, stats)
            await self._bot.send_photo(
                envelope.chat_id,
                chart,
                caption=fit(render_stats.chart_caption(stats), CAPTION),
                filename=f"{stats.course.hashtag}-week.png",
            )
        elif envelope.kind in SESSION_TEXTS:
            text = fit(SESSION_TEXTS[envelope.kind](data, self._bot.username))
            await self._bot.send_message(envelope.chat_id, text, message_thread_id=envelope.thread_id)
        elif envelope.kind == "digest":
            await self._bot.send_message(envelope.chat_id, fit(render_digest.digest(Digest.from_data(data))))
        else:
            raise ValueError(f"no renderer for outbox kind {envelope.kind!r}")
        return None

    async def _edit(self, chat_id: int, message_id: int, text: str) -> None:
        try:
            await self._bot.edit_message_text(text, chat_id, message_id, reply_markup=None)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
