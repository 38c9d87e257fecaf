"""The last line of defence: log with the update id, apologise, never leak details to a chat."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.context import FlockContext
from storage.database import unavailable

log = logging.getLogger("flock.errors")


async def on_error(update: object, context: FlockContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    if unavailable(context.error):  # not the person's doing: the update is processed again later
        log.warning("update %s: the database is unavailable (%s)", update_id, context.error)
        return
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, TelegramError):
        return  # talking to Telegram is what failed; don't try again from here
    message = update.effective_message
    topic = message.message_thread_id if message is not None and message.is_topic_message else None
    try:
        await context.bot.send_message(
            update.effective_chat.id, texts.SOMETHING_WRONG, message_thread_id=topic
        )
    except TelegramError:
        log.warning("could not apologise in chat %s", update.effective_chat.id)
