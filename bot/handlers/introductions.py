"""/intro and /roster."""

from __future__ import annotations

from telegram import Update

from bot import convert, i18n, texts
from bot.context import FlockContext
from bot.handlers.common import (
    argument_text,
    command,
    in_group,
    reply,
    require_sender,
    send_privately,
    tags,
)
from facilitation import introductions


async def intro(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    text = argument_text(message)
    group = in_group(message)
    if not text.strip() and not group:
        await reply(update, texts.my_intros(await introductions.mine(context.uow(), person.id)))
        return
    course, _ = await introductions.introduce(
        context.uow(),
        message.chat_id if group else None,
        person,
        text,
        tags(text),
        convert.ref(message) if group else None,
        context.now(),
    )
    if not group:
        await reply(update, texts.intro_saved(course))


async def roster(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    found = await introductions.rosters(
        context.uow(),
        message.chat_id if in_group(message) else None,
        person.id,
        tags(argument_text(message)),
    )
    with i18n.personally():  # asked for in a group, it goes to the asker alone
        text = texts.rosters(found)
    await send_privately(update, context, person.id, text)


HANDLERS = [command("intro", intro), command("roster", roster)]
