"""Small helpers shared by handlers: replying, command text, admin checks, friendly errors."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from html import escape
from typing import Any, TypeAlias

from telegram import ChatMemberRestricted, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CommandHandler, filters

from bot import convert, texts
from bot.context import FlockContext
from bot.fit import fit
from bot.i18n import _
from facilitation import parsing
from facilitation.errors import FlockError
from facilitation.model import Person

log = logging.getLogger(__name__)


class Refusal(Exception):
    """Stops a handler with a reply already written in HTML (usage help, wrong chat)."""

    def __init__(self, html: str) -> None:
        super().__init__(html)
        self.html = html


Callback: TypeAlias = Callable[[Update, FlockContext], Coroutine[Any, Any, None]]
ANONYMOUS_ADMIN_BOT = 1087968824  # Telegram's "Group" user behind anonymous admin posts


async def reply(update: Update, text: str) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_html(fit(text), do_quote=message.chat.type != "private")


def friendly(callback: Callback) -> Callback:
    """Refusals and domain errors become the reply; both carry text written for the person."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: FlockContext) -> None:
        try:
            await callback(update, context)
        except Refusal as refusal:
            await reply(update, refusal.html)
        except FlockError as error:
            await reply(update, escape(said(error), quote=False))

    return wrapper


def said(error: FlockError) -> str:
    """A domain error's text in the language spoken (plain text: escape it for HTML)."""
    return _(error.template, **error.params)


def command(name: str, callback: Callback) -> CommandHandler[FlockContext, None]:
    """New messages only: an edited command is not a second command."""
    return CommandHandler(name, friendly(callback), filters=filters.UpdateType.MESSAGE)


def argument_text(message: Message) -> str:
    """Everything after the command word, newlines kept."""
    text = convert.text(message)
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def tags(text: str) -> list[str]:
    return parsing.hashtags(text)


def in_group(message: Message) -> bool:
    return message.chat.type in convert.GROUP_TYPES


def sender(message: Message) -> Person | None:
    """The person behind a command; None for anonymous admins and channels."""
    if message.sender_chat is not None or message.from_user is None:
        return None
    if message.from_user.id == ANONYMOUS_ADMIN_BOT:
        return None
    return convert.person(message.from_user)


def require_sender(message: Message) -> Person:
    person = sender(message)
    if person is None:
        raise Refusal(_(texts.ANONYMOUS_ADMIN))
    return person


def named_or_replied(message: Message, words: list[str], not_a_bot: str) -> Person | str | None:
    """Whom a command is about: an `@username` among its words, else the author of the message it
    replies to (a bot's message is refused with `not_a_bot`), else None."""
    named = next((w for w in words if w.startswith("@") and len(w) > 1), None)
    if named:
        return named
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    if replied.sender_chat is None and replied.from_user is not None and replied.from_user.is_bot:
        raise Refusal(not_a_bot)
    return convert.author(replied)


def require_group(message: Message) -> None:
    if not in_group(message):
        raise Refusal(_(texts.GROUP_ONLY))


async def is_chat_admin(context: FlockContext, chat_id: int, user_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        log.warning("getChatMember failed for chat %s: %s", chat_id, error)
        return False
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


class ChatMembers:
    """The domain's ChatMembership port: Telegram says who is in a chat (getChatMember)."""

    def __init__(self, context: FlockContext) -> None:
        self._context = context

    async def is_member(self, chat_id: int, person_id: int) -> bool:
        try:
            member = await self._context.bot.get_chat_member(chat_id, person_id)
        except TelegramError as error:  # can't tell: the caller refuses, politely
            log.warning("getChatMember failed for chat %s: %s", chat_id, error)
            return False
        if isinstance(member, ChatMemberRestricted):
            return member.is_member
        return member.status in (
            ChatMemberStatus.OWNER,
            ChatMemberStatus.ADMINISTRATOR,
            ChatMemberStatus.MEMBER,
        )


async def send_privately(update: Update, context: FlockContext, user_id: int, text: str) -> None:
    """Facilitator material goes to the facilitator, not the group: asked for in private it is
    the reply; asked for in a group it comes as a private message, and the group hears only that.
    Render `text` inside `i18n.personally()`: it is the asker's alone."""
    message = update.effective_message
    if message is None or not in_group(message):
        await reply(update, text)
        return
    try:
        await context.bot.send_message(user_id, fit(text))
    except (Forbidden, BadRequest):  # blocked, or never started: "chat not found"
        await reply(update, texts.start_me_first(context.bot.username))
        return
    await reply(update, _(texts.SENT_PRIVATELY))
