"""/language: the language Flock writes to a person in, in private."""

from __future__ import annotations

from telegram import Update

from bot import i18n, render_languages
from bot.context import FlockContext
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender
from facilitation import people
from facilitation.languages import private_language


async def language(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if in_group(message):
        raise Refusal(i18n._(render_languages.IN_GROUP))
    person = require_sender(message)
    typed = argument_text(message).strip()
    if not typed:
        await reply(update, render_languages.now(await people.language_chosen(context.uow(), person)))
        return
    choice = await people.choose_language(context.uow(), person, typed, context.now())
    with i18n.speaking(private_language(choice, person.language)):  # the answer, in the new one
        await reply(update, render_languages.chosen(choice))


HANDLERS = [command("language", language)]
