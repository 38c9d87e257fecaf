"""Earlier answers offered: the asker's buttons; a facilitator's /duplicate."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, render_offers, texts
from bot.context import FlockContext
from bot.handlers.alerts import _toast
from bot.handlers.common import Refusal, argument_text, command, reply, require_sender
from bot.i18n import _
from bot.links import linked_message
from facilitation import offers
from facilitation.errors import FlockError


async def offered(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_offer_button(query.data)
    if pressed is None:
        await _toast(query, texts.BUTTON_GONE)
        return
    try:
        question, earlier = await offers.respond(
            context.uow(), pressed.question_id, convert.person(query.from_user), pressed.solved, context.now()
        )
    except FlockError as error:
        await _toast(query, error=error)
        return
    await query.answer()
    in_group = query.message is not None and query.message.chat.type != ChatType.PRIVATE
    await query.edit_message_text(render_offers.settled(question, earlier, pressed.solved, in_group))


async def duplicate(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    typed = argument_text(message).strip()
    earlier = linked_message(typed)
    if typed and earlier is None:
        raise Refusal(_(render_offers.NOT_A_LINK, text=escape(typed[:40])))
    person, replied_to = require_sender(message), convert.replied_to(message)
    question, earlier_one = await offers.duplicate(
        context.uow(), message.chat_id, person, replied_to, earlier, context.now()
    )
    if message.chat.type == "private":  # in a group, the pointer to the earlier question says it
        await reply(update, render_offers.marked(question, earlier_one))


HANDLERS = [
    CallbackQueryHandler(offered, pattern=r"^of:"),
    command("duplicate", duplicate),
]
