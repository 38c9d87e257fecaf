"""Buttons under alerts and follow-up questions, /alerts_here and /unanswered."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, i18n, render_alerts, texts
from bot.context import FlockContext
from bot.fit import toast
from bot.handlers.common import (
    argument_text,
    command,
    in_group,
    reply,
    require_sender,
    send_privately,
    tags,
)
from bot.i18n import N_, _
from facilitation import alerts, followups
from facilitation.errors import FlockError

TOASTS = {
    "claim": N_("It's yours. The others can see you took it."),
    "snooze": N_("Snoozed: I'll remind you in an hour if it's still unanswered."),
    "dismiss": N_("Dismissed: not tracked as a question any more."),
}


async def _toast(query: CallbackQuery, text: str | None = None, *, error: FlockError | None = None) -> None:
    """A button's answer, for the one who pressed it: in their language, also under a group's alert."""
    with i18n.personally():
        if error is not None:
            await query.answer(toast(_(error.template, **error.params)), show_alert=True)
        else:
            await query.answer(_(text) if text else None)


async def button(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_alert_button(query.data)
    message = query.message
    if pressed is None or message is None:
        await _toast(query, texts.BUTTON_GONE)
        return
    action = alerts.Pressed(
        pressed.alert_id, pressed.action, convert.person(query.from_user), message.chat.id, message.message_id
    )
    try:
        await alerts.press(context.uow(), action, context.now())
    except FlockError as error:
        await _toast(query, error=error)
        return
    await _toast(query, TOASTS[pressed.action])


async def alerts_here(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    words = argument_text(message).lower().split()
    off = "off" in words or not in_group(message)
    topic = message.message_thread_id if message.is_topic_message and not off else None
    course = await alerts.route_here(
        context.uow(), person.id, tags(argument_text(message)), None if off else message.chat_id, topic
    )
    await reply(update, texts.alerts_routed(course, here=not off, topic=topic is not None))


async def unanswered(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    found = await alerts.unanswered(
        context.uow(),
        message.chat_id if in_group(message) else None,
        person.id,
        tags(argument_text(message)),
    )
    with i18n.personally():  # for the facilitator alone, also when asked for in a group
        text = texts.unanswered(found, context.now())
    await send_privately(update, context, person.id, text)


async def followup(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_followup_button(query.data)
    if pressed is None:
        await _toast(query, texts.BUTTON_GONE)
        return
    try:
        await followups.respond(
            context.uow(), pressed.question_id, convert.person(query.from_user), pressed.solved, context.now()
        )
    except FlockError as error:
        await _toast(query, error=error)
        return
    await query.answer()
    await query.edit_message_text(  # in the asker's private chat: their language
        _(render_alerts.FOLLOWUP_THANKS if pressed.solved else render_alerts.FOLLOWUP_NOT_YET)
    )


HANDLERS = [
    CallbackQueryHandler(button, pattern=r"^al:"),
    CallbackQueryHandler(followup, pattern=r"^fu:"),
    command("alerts_here", alerts_here),
    command("unanswered", unanswered),
]
