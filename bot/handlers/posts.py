"""Ordinary messages and edits in course chats: the heart of tracking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot import convert, render_sessions
from bot.context import FlockContext
from bot.handlers import questions
from bot.handlers.common import Callback, argument_text, reply
from facilitation import guest_questions, posts


async def message(update: Update, context: FlockContext) -> None:
    post = convert.post(update.effective_message) if update.effective_message else None
    if post is None or post.author.id == context.bot.id:
        return
    # A reply to a guest session's board is a question for the guest.
    if post.reply_to is not None and _replies_to(update, context.bot.id):
        asked = await guest_questions.reply_to_board(
            context.uow(), post.chat.id, post.reply_to, post.author, post.text, post.ref, post.at
        )
        if asked is not None:
            await reply(update, render_sessions.asked_reply(asked.merged, asked.session.title))
            return
    outcome = await posts.receive(context.uow(), post, now=context.now())
    if outcome.which_solved:
        await questions.ask_which_solved(update, outcome.which_solved)


def _replies_to(update: Update, bot_id: int) -> bool:
    """Boards are the bot's own messages: a reply to anyone else's needs no look for one."""
    message = update.effective_message
    replied = message.reply_to_message if message else None
    author = replied.from_user if replied else None
    return author is not None and author.id == bot_id


async def edited(update: Update, context: FlockContext) -> None:
    post = convert.post(update.edited_message) if update.edited_message else None
    if post is None:
        return
    # A reply to a guest session's board asked the guest: the edit corrects that question.
    if (
        post.reply_to is not None
        and _replies_to(update, context.bot.id)
        and await guest_questions.edited(context.uow(), post.ref, post.text, post.at)
    ):
        return
    await posts.edited(context.uow(), post)


async def edited_command(update: Update, context: FlockContext) -> None:
    """An edited /ask or /intro corrects the stored text; it is never run as a second command."""
    message = update.edited_message
    post = convert.post(message) if message else None
    text = argument_text(message).strip() if message else ""
    if post is None or not text:
        return
    await posts.edited(context.uow(), replace(post, text=text), by_command=True)


class _NotAServiceMessage(filters.UpdateFilter):
    """~filters.StatusUpdate.ALL, asking its thirty questions only of a message without text (a
    service message never has any): on the busy path, that check was a fifth of a handler's time."""

    __slots__ = ()

    def filter(self, update: Update) -> bool:
        message = update.effective_message
        if message is None:
            return False
        return message.text is not None or not filters.StatusUpdate.ALL.check_update(update)


# Cheapest first: each update meets these filters whatever it is.
_GROUP_POSTS = (
    filters.ChatType.GROUPS & ~filters.COMMAND & _NotAServiceMessage() & ~filters.IS_AUTOMATIC_FORWARD
)


def _final(callback: Callable[[Update, FlockContext], Awaitable[None]]) -> Callback:
    """No other handler is asked about an update once this one has taken it (bot/app.py)."""

    async def handle(update: Update, context: FlockContext) -> None:
        await callback(update, context)
        raise ApplicationHandlerStop

    return handle


HANDLERS = [
    MessageHandler(filters.UpdateType.MESSAGE & _GROUP_POSTS, _final(message)),
    MessageHandler(filters.UpdateType.EDITED_MESSAGE & _GROUP_POSTS, _final(edited)),
    MessageHandler(
        filters.ChatType.GROUPS
        & filters.UpdateType.EDITED_MESSAGE
        & filters.Regex(r"^/(ask|intro)(@\w+)?\s"),
        _final(edited_command),
    ),
]
