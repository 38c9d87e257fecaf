"""/helper, and the buttons under the invitation to help and under a question pointed at a helper."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, i18n, render_helpers, texts
from bot.context import FlockContext
from bot.fit import toast
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender, tags
from bot.i18n import _
from facilitation import helpers
from facilitation.errors import FlockError

_ACTIONS = {"on": "on", "oui": "on", "off": "off", "non": "off", "topics": "topics", "sujets": "topics"}


async def helper(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if in_group(message):
        raise Refusal(_(render_helpers.IN_GROUP))
    person = require_sender(message)
    text = argument_text(message)
    words = [w for w in text.split() if not w.startswith("#")]
    if not words:
        await reply(update, render_helpers.status(await helpers.mine(context.uow(), person.id)))
        return
    action = _ACTIONS.get(words[0].lower())
    if action is None:
        raise Refusal(_(helpers.HELPER_USAGE))
    wanted = helpers.Change(action, " ".join(words[1:]) if action == "topics" else None)
    found = await helpers.change(context.uow(), person, wanted, tags(text), context.now())
    await reply(update, render_helpers.changed(found))


async def _refused(query: CallbackQuery, error: FlockError) -> None:
    with i18n.personally():
        await query.answer(toast(_(error.template, **error.params)), show_alert=True)


async def invite_button(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_helper_invite_button(query.data)
    if pressed is None:
        await query.answer(_(texts.BUTTON_GONE))
        return
    yes, course_id = pressed
    try:
        await helpers.answer_invite(
            context.uow(), course_id, convert.person(query.from_user), yes, context.now()
        )
    except FlockError as error:
        await _refused(query, error)
        return
    await query.answer()
    await query.edit_message_text(_(render_helpers.INVITE_YES if yes else render_helpers.INVITE_NO))


async def ask_button(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_helper_ask_button(query.data)
    if pressed is None:
        await query.answer(_(texts.BUTTON_GONE))
        return
    answering, question_id = pressed
    try:
        await helpers.respond(
            context.uow(), question_id, convert.person(query.from_user), answering, context.now()
        )
    except FlockError as error:
        await _refused(query, error)
        return
    await query.answer(_(render_helpers.ASK_ANSWERING if answering else render_helpers.ASK_DECLINED))
    await query.edit_message_reply_markup(None)  # answered once: the buttons go


HANDLERS = [
    command("helper", helper),
    CallbackQueryHandler(invite_button, pattern=r"^hi:"),
    CallbackQueryHandler(ask_button, pattern=r"^hq:"),
]
