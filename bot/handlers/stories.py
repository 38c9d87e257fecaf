"""/showcase_here, /showcase, /stories, and the buttons under the question to a story's author."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, i18n, render_stories, texts
from bot.context import FlockContext
from bot.fit import toast
from bot.handlers.common import (
    Refusal,
    argument_text,
    command,
    in_group,
    reply,
    require_sender,
    send_privately,
    tags,
)
from bot.i18n import _
from facilitation import parsing, stories
from facilitation.errors import FlockError
from facilitation.model import Chat, Consent

_ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def showcase_here(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if not in_group(message):
        raise Refusal(_(render_stories.HERE_IN_GROUP))
    person = require_sender(message)
    found = await stories.set_showcase(
        context.uow(),
        person.id,
        tags(argument_text(message)),
        convert.chat(message.chat),
        may_post=True,  # it is where the command was typed
        theirs=True,
        now=context.now(),
    )
    with i18n.speaking(found.course.settings.language):  # the group may be no course's
        text = render_stories.set_reply(found)
    await reply(update, text)


async def _channel(context: FlockContext, name: str, person_id: int) -> tuple[Chat, bool, bool]:
    """The channel named, whether Flock may post there, whether the person is one of its admins."""
    try:
        found = await context.bot.get_chat(name)
        mine = await context.bot.get_chat_member(found.id, context.bot.id)
        theirs = await context.bot.get_chat_member(found.id, person_id)
    except TelegramError as error:
        raise Refusal(_(render_stories.NO_CHANNEL, channel=texts.escape(name))) from error
    chat = Chat(found.id, found.title or name, found.type, username=found.username)
    may_post = mine.status in _ADMINS and (
        found.type != ChatType.CHANNEL or bool(getattr(mine, "can_post_messages", False))
    )
    return chat, may_post, theirs.status in _ADMINS


async def showcase(update: Update, context: FlockContext) -> None:
    """`/showcase #course @channel`, `/showcase off #course`, `/showcase` (where)."""
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    words = argument_text(message).split()
    named = tags(" ".join(words))
    channels = [w for w in words if w.startswith("@") and len(w) > 1]
    if words and parsing.is_off(words[0]):
        course = await stories.remove_showcase(context.uow(), person.id, named)
        await reply(update, render_stories.removed(course))
    elif channels:
        chat, may_post, theirs = await _channel(context, channels[0], person.id)
        found = await stories.set_showcase(
            context.uow(), person.id, named, chat, may_post, theirs, context.now()
        )
        await reply(update, render_stories.set_reply(found))
    elif words and not named:
        raise Refusal(_(render_stories.SHOWCASE_USAGE))
    else:
        await reply(update, render_stories.where(await stories.showcases(context.uow(), person.id, named)))


async def listed(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    chat_id = message.chat_id if in_group(message) else None
    course, found = await stories.listed(context.uow(), chat_id, person.id, tags(argument_text(message)))
    with i18n.personally():
        text = render_stories.listed(course, found)
    await send_privately(update, context, person.id, text)


async def button(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_story_button(query.data)
    if pressed is None:
        await query.answer(_(texts.BUTTON_GONE))
        return
    chosen, story_id = pressed
    try:
        found = await stories.answer(
            context.uow(), story_id, convert.person(query.from_user), Consent(chosen), context.now()
        )
    except FlockError as error:
        with i18n.personally():
            await query.answer(toast(_(error.template, **error.params)), show_alert=True)
        return
    if not found.changed:
        await query.answer(toast(_(render_stories.ALREADY, choice=render_stories.choice(found.story))))
        return
    await query.answer()
    await query.edit_message_text(render_stories.answered(found.story))


HANDLERS = [
    command("showcase_here", showcase_here),
    command("showcase", showcase),
    command("stories", listed),
    CallbackQueryHandler(button, pattern=r"^st:"),
]
