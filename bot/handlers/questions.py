"""/ask, /solved, /dismiss, /questions, /mine."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, i18n, texts
from bot.context import FlockContext
from bot.fit import fit, toast
from bot.handlers.common import (
    Refusal,
    argument_text,
    command,
    reply,
    require_group,
    require_sender,
    said,
    tags,
)
from facilitation import questions
from facilitation.errors import FlockError
from facilitation.model import Question


async def ask(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    text = argument_text(message)
    if not text.strip():
        raise Refusal(i18n._(texts.ASK_USAGE))
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


async def ask_which_solved(update: Update, asked: list[Question]) -> None:
    """#solved outside a thread from someone with several open questions: a button for each."""
    message = update.effective_message
    assert message is not None
    buttons = [
        InlineKeyboardButton(str(n), callback_data=callbacks.which_solved_button(q.ref.message_id))
        for n, q in enumerate(asked, 1)
    ]
    await message.reply_html(
        fit(texts.which_solved(asked)), do_quote=True, reply_markup=InlineKeyboardMarkup([buttons])
    )


async def solved_chosen(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    message_id = callbacks.parse_which_solved_button(query.data)
    if message_id is None or query.message is None:
        with i18n.personally():  # a toast: the presser's alone
            await query.answer(i18n._(texts.BUTTON_GONE))
        return
    chat_id, person = query.message.chat.id, convert.person(query.from_user)
    try:
        closed = await questions.solve(context.uow(), chat_id, person, message_id, context.now())
    except FlockError as error:
        with i18n.personally():
            await query.answer(toast(said(error)), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(fit(texts.solved_one(closed[0])))


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
    topic = message.message_thread_id if message.is_topic_message else None
    found = await questions.in_chat(context.uow(), message.chat_id, topic, tags(argument_text(message)))
    await reply(update, texts.chat_questions(found, context.now()))


async def mine(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    if message.chat.type != "private":
        raise Refusal(i18n._(texts.PRIVATE_ONLY))
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
    CallbackQueryHandler(solved_chosen, pattern=r"^sv:"),
]
