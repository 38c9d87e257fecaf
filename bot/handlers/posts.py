"""Ordinary messages and edits in course chats: the heart of tracking."""

from __future__ import annotations

import logging

from telegram import ReactionTypeEmoji, Update
from telegram.constants import ReactionEmoji
from telegram.error import TelegramError
from telegram.ext import MessageHandler, filters

from bot import convert
from bot.context import FlockContext
from facilitation import posts
from facilitation.model import MessageRef
from facilitation.posts import Ack

log = logging.getLogger(__name__)

REACTIONS = {
    Ack.QUESTION: ReactionEmoji.EYES,
    Ack.INTRODUCTION: ReactionEmoji.HUGGING_FACE,
    Ack.RESOLVED: ReactionEmoji.PARTY_POPPER,
}


async def message(update: Update, context: FlockContext) -> None:
    post = convert.post(update.effective_message) if update.effective_message else None
    if post is None or post.author.id == context.bot.id:
        return
    outcome = await posts.receive(context.uow(), post)
    await acknowledge(context, post.ref, outcome.acks)


async def edited(update: Update, context: FlockContext) -> None:
    post = convert.post(update.edited_message) if update.edited_message else None
    if post is None:
        return
    outcome = await posts.edited(context.uow(), post)
    await acknowledge(context, post.ref, outcome.acks)


async def acknowledge(context: FlockContext, ref: MessageRef, acks: list[Ack]) -> None:
    """A reaction instead of a message; skipped quietly where the chat doesn't allow it."""
    if not acks:
        return
    try:
        await context.bot.set_message_reaction(
            ref.chat_id, ref.message_id, [ReactionTypeEmoji(REACTIONS[acks[0]])]
        )
    except TelegramError as error:
        log.debug("reaction skipped in chat %s: %s", ref.chat_id, error)


_GROUP_POSTS = (
    filters.ChatType.GROUPS & ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.IS_AUTOMATIC_FORWARD
)

HANDLERS = [
    MessageHandler(_GROUP_POSTS & filters.UpdateType.MESSAGE, message),
    MessageHandler(_GROUP_POSTS & filters.UpdateType.EDITED_MESSAGE, edited),
]
