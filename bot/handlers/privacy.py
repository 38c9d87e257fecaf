"""/privacy, /forget_me, /forget and their confirm buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, i18n, render_privacy
from bot.callbacks import ForgetButton
from bot.context import FlockContext
from bot.handlers.common import (
    Refusal,
    argument_text,
    command,
    in_group,
    named_or_replied,
    reply,
    require_sender,
    tags,
)
from facilitation import privacy
from facilitation.errors import FlockError, NotAllowed
from facilitation.model import Person


async def explain(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if in_group(message):
        await reply(update, render_privacy.in_group(context.bot.username))
        return
    await reply(update, render_privacy.explained())


async def forget_me(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if in_group(message):  # what someone removes is their own business: never in front of the group
        raise Refusal(render_privacy.forget_me_in_group(context.bot.username))
    person = require_sender(message)
    footprint = await privacy.preview_forget_me(context.uow(), person)
    keyboard = render_privacy.keyboard(person.id, None, i18n._(render_privacy.FORGET_ME))
    await _ask(message, render_privacy.forget_me_prompt(footprint), keyboard)


async def forget(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    target = named_or_replied(
        message, argument_text(message).split(), i18n._(render_privacy.CANNOT_FORGET_BOT)
    )
    if target is None:
        raise Refusal(i18n._(render_privacy.FORGET_USAGE))
    chat_id = message.chat_id if in_group(message) else None
    found = await privacy.preview_forget(context.uow(), chat_id, person, tags(argument_text(message)), target)
    if found.footprint.empty:
        await reply(update, render_privacy.nothing_to_forget(found))
        return
    keyboard = render_privacy.keyboard(found.person.id, found.course.id, render_privacy.forget_label(found))
    await _ask(message, render_privacy.forget_prompt(found), keyboard)


async def _ask(message: Message, text: str, keyboard: InlineKeyboardMarkup) -> None:
    await message.reply_html(text, reply_markup=keyboard, do_quote=in_group(message))


async def button(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_forget_button(query.data)
    if pressed is None or query.message is None:
        with i18n.personally():  # a toast, for the one who pressed
            await query.answer(i18n._(render_privacy.NOT_VALID))
        return
    try:
        text = await _settle(pressed, convert.person(query.from_user), update.update_id, context)
    except FlockError as error:
        with i18n.personally():
            await query.answer(i18n._(error.template, **error.params), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(text)


async def _settle(pressed: ForgetButton, presser: Person, update_id: int, context: FlockContext) -> str:
    """The confirmation or the cancel, by someone allowed to: the words' owner for /forget_me,
    a facilitator of the course for /forget."""
    uow, now = context.uow(), context.now()
    if pressed.course_id is None:
        if presser.id != pressed.person_id:
            raise NotAllowed(render_privacy.NOT_YOURS)
        if not pressed.confirmed:
            return i18n._(render_privacy.CANCELLED)
        return render_privacy.forgotten_me(await privacy.forget_me(uow, presser, update_id, now))
    if not pressed.confirmed:
        await privacy.check_cancel(uow, pressed.course_id, presser)
        return i18n._(render_privacy.CANCELLED)
    found = await privacy.forget(uow, pressed.course_id, presser, pressed.person_id, update_id, now)
    return render_privacy.forgotten(found)


HANDLERS = [
    CallbackQueryHandler(button, pattern=r"^pv:"),
    command("privacy", explain),
    command("forget_me", forget_me),
    command("forget", forget),
]
