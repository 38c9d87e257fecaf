"""The bot joining or leaving groups, members joining, groups becoming supergroups, /start."""

from __future__ import annotations

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, MessageHandler, filters

from bot import convert, i18n, texts
from bot.context import FlockContext
from bot.handlers import guests
from bot.handlers.common import argument_text, command, in_group, reply, require_sender
from facilitation import courses, greetings, people

_GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
_ADMIN = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def bot_membership(update: Update, context: FlockContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type not in convert.GROUP_TYPES:
        return
    was, now = change.old_chat_member.status, change.new_chat_member.status
    if now in _GONE:
        await courses.bot_removed(context.uow(), change.chat.id)
        return
    if (was in _ADMIN) != (now in _ADMIN):  # it sees reactions only as an admin
        await courses.bot_admin_changed(context.uow(), change.chat.id, now in _ADMIN)
    if was in _GONE:
        await context.bot.send_message(change.chat.id, texts.bot_added())


async def member_update(update: Update, context: FlockContext) -> None:
    change = update.chat_member
    if change is None or not _joined(change) or change.new_chat_member.user.is_bot:
        return
    await greetings.member_joined(
        context.uow(), change.chat.id, [convert.person(change.new_chat_member.user)], context.now()
    )


def _joined(change: ChatMemberUpdated) -> bool:
    result = change.difference().get("status")
    if result is None:
        return False
    before, after = result
    return before in _GONE and after not in _GONE


async def new_members(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    if message is None:
        return
    people_joined = [convert.person(u) for u in message.new_chat_members if not u.is_bot]
    if people_joined:
        await greetings.member_joined(context.uow(), message.chat_id, people_joined, context.now())


async def migrated(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        await courses.chat_migrated(context.uow(), message.chat_id, message.migrate_to_chat_id, context.now())


async def start(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if in_group(message):
        await reply(update, texts.help_in_group())
        return
    person = require_sender(message)
    payload = argument_text(message).strip()
    if payload.startswith("guest_"):  # the invite deep link t.me/<bot>?start=guest_<token>
        await guests.open_invite(update, context, person, payload.removeprefix("guest_"))
        return
    if payload.startswith("ask_"):  # t.me/<bot>?start=ask_<session>: asking privately
        await guests.open_ask_link(update, context, person, payload.removeprefix("ask_"))
        return
    if payload.startswith("transcript_"):  # the ended board's link to its transcript
        await guests.open_transcript_link(update, context, person, payload.removeprefix("transcript_"))
        return
    facilitated = await people.started(context.uow(), person, context.now())
    await reply(update, texts.welcome_private(person, facilitated))


async def help_command(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    await reply(update, texts.help_in_group() if in_group(message) else texts.help_in_private())


async def stale_button(update: Update, context: FlockContext) -> None:
    """A button no handler claims (old, foreign or forged data, a game): stop its spinner."""
    if update.callback_query is not None:
        with i18n.personally():  # a toast: the presser's alone
            await update.callback_query.answer(i18n._(texts.BUTTON_GONE))


async def private_fallback(update: Update, context: FlockContext) -> None:
    await reply(update, i18n._(texts.PRIVATE_FALLBACK))


HANDLERS: list[object] = [
    ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ChatMemberHandler(member_update, ChatMemberHandler.CHAT_MEMBER),
    MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, new_members),
    MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
    command("start", start),
    command("help", help_command),
]
# Registered after every command: whatever else reaches Flock in private gets a pointer to /help.
FALLBACK = MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, private_fallback)
STALE_BUTTONS = CallbackQueryHandler(stale_button)
