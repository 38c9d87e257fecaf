"""The last line of defence: log with the update id, apologise, never leak details to a chat."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from telegram import Update
from telegram.error import TelegramError

from bot import i18n, texts
from bot.context import FlockContext

log = logging.getLogger("flock.errors")

_seen: ContextVar[list[BaseException] | None] = ContextVar("flock_handler_errors", default=None)


@contextmanager
def watch(seen: list[BaseException]) -> Iterator[None]:
    """Collects into `seen` the errors PTB hands the error handler while one update is processed
    (process_update never raises them): the inbox reruns the batch on a transient one, metrics
    count the rest."""
    token = _seen.set(seen)
    try:
        yield
    finally:
        _seen.reset(token)


async def on_error(update: object, context: FlockContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    watching = _seen.get()
    if watching is not None and context.error is not None:
        watching.append(context.error)
    if context.runtime.redone(context.error):  # not the person's doing: processed again later
        log.warning("update %s will be processed again: %s", update_id, context.error)
        return
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, TelegramError):
        return  # talking to Telegram is what failed; don't try again from here
    if update.callback_query is not None:  # a button: the apology stops its spinner
        try:
            with i18n.personally():  # the toast is the presser's alone
                await update.callback_query.answer(i18n._(texts.SOMETHING_WRONG))
        except TelegramError:
            log.warning("could not apologise for update %s", update_id)
        return
    if update.effective_chat is None or _unasked(update):
        return
    message = update.effective_message
    topic = message.message_thread_id if message is not None and message.is_topic_message else None
    try:
        await context.bot.send_message(
            update.effective_chat.id, i18n._(texts.SOMETHING_WRONG), message_thread_id=topic
        )
    except TelegramError:
        log.warning("could not apologise in chat %s", update.effective_chat.id)


def _unasked(update: Update) -> bool:
    """Nobody asked Flock anything: a reaction, a channel's edit, or a channel's post that is not
    a command. An apology there would be news to the whole chat (a channel's subscribers)."""
    if update.message_reaction is not None or update.message_reaction_count is not None:
        return True
    if update.edited_channel_post is not None:
        return True
    post = update.channel_post
    return post is not None and not (post.text or "").startswith("/")
