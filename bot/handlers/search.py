"""/search <words>: earlier questions and their answers."""

from __future__ import annotations

from telegram import Update

from bot import render_search
from bot.context import FlockContext
from bot.handlers.common import argument_text, command, reply, require_sender
from facilitation import search as searching


async def search(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    private = message.chat.type == "private"
    found = await searching.search(context.uow(), message.chat_id, person, argument_text(message), private)
    await reply(update, render_search.results(found))


HANDLERS = [command("search", search)]
