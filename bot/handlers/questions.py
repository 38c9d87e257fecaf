"""/ask, /solved, /dismiss, /questions, /mine."""

from __future__ import annotations

from telegram import Update

from bot import convert, texts
from bot.context import FlockContext
from bot.handlers.common import (
    Refusal,
    argument_text,
    command,
    reply,
    require_group,
    require_sender,
    tags,
)
from facilitation import questions


async def ask(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    text = argument_text(message)
    if not text.strip():
        raise Refusal(texts.ASK_USAGE)
    writer = convert.author(message)
    assert writer is not None
    await questions.ask(
        context.uow(),
        message.chat_id,
        writer,
        text,
        tags(text),
        convert.ref(message),
        convert.moment(message),
    )


async def solved(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    closed = await questions.solve(
        context.uow(),
        message.chat_id,
        require_sender(message),
        convert.replied_to(message),
        context.now(),
    )
    await reply(update, texts.solved(closed))


async def dismiss(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    closed = await questions.dismiss(
        context.uow(),
        message.chat_id,
        require_sender(message),
        convert.replied_to(message),
        context.now(),
    )
    await reply(update, texts.dismissed(closed))


async def chat_questions(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    found = await questions.in_chat(context.uow(), message.chat_id, tags(argument_text(message)))
    await reply(update, texts.chat_questions(found, context.now()))


async def mine(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    if message.chat.type != "private":
        raise Refusal(texts.PRIVATE_ONLY)
    await reply(
        update,
        texts.my_questions(await questions.asked_by(context.uow(), person.id), context.now()),
    )


HANDLERS = [
    command("ask", ask),
    command("solved", solved),
    command("dismiss", dismiss),
    command("questions", chat_questions),
    command("mine", mine),
]
