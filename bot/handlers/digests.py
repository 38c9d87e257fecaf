"""/digest: the facilitators' digest on demand, always in a private chat."""

from __future__ import annotations

from telegram import Update

from bot import i18n, render_digest
from bot.context import FlockContext
from bot.handlers.common import argument_text, command, in_group, require_sender, send_privately, tags
from facilitation import digests


async def digest(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    group = in_group(message)
    found = await digests.on_demand(
        context.uow(),
        message.chat_id if group else None,
        person.id,
        tags(argument_text(message)),
        context.now(),
    )
    with i18n.personally():  # for the facilitator alone: their language, also asked for in a group
        rendered = [render_digest.digest(d) for d in found]  # in a group: its one course
    for text in rendered:
        await send_privately(update, context, person.id, text)


HANDLERS = [command("digest", digest)]
