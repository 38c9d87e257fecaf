"""/helper, and the buttons under the invitation to help and under a question pointed at a helper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape
from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks, convert, i18n, render_helpers, texts
from bot.context import FlockContext
from bot.fit import toast
from bot.handlers.common import (
    Callback,
    Refusal,
    argument_text,
    command,
    in_group,
    reply,
    require_sender,
    tags,
)
from bot.i18n import _
from facilitation import helpers
from facilitation.errors import FlockError
from facilitation.model import Person, Question
from facilitation.ports import UnitOfWork

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
        unknown = _("I don't know “{word}” after /helper. You can write:", word=escape(words[0][:30]))
        raise Refusal(unknown + "\n" + _(helpers.HELPER_USAGE))
    wanted = helpers.Change(action, " ".join(words[1:]) if action == "topics" else None)
    found = await helpers.change(context.uow(), person, wanted, tags(text), context.now())
    await reply(update, render_helpers.changed(found))


Parse = Callable[[str | None], tuple[bool, int] | None]
Act = Callable[[UnitOfWork, int, Person, bool, datetime], Awaitable[object]]
Done = Callable[[CallbackQuery, bool, Any], Awaitable[object]]  # the press, yes or no, what act returned


def _button(parse: Parse, act: Act, done: Done) -> Callback:
    """Both buttons' frame: read the press (yes or no, and what it is about), let the domain
    decide (a refusal is a toast for the one who pressed), then answer."""

    async def pressed(update: Update, context: FlockContext) -> None:
        query = update.callback_query
        assert query is not None
        read = parse(query.data)
        if read is None:
            await query.answer(_(texts.BUTTON_GONE))
            return
        yes, about = read
        try:
            acted = await act(context.uow(), about, convert.person(query.from_user), yes, context.now())
        except FlockError as error:
            with i18n.personally():
                await query.answer(toast(_(error.template, **error.params)), show_alert=True)
            return
        await done(query, yes, acted)

    return pressed


async def _invited(query: CallbackQuery, yes: bool, _course: object) -> None:
    await query.answer()
    await query.edit_message_text(_(render_helpers.INVITE_YES if yes else render_helpers.INVITE_NO))


async def _asked(query: CallbackQuery, answering: bool, question: Question) -> None:
    await query.answer(_(render_helpers.ASK_ANSWERING if answering else render_helpers.ASK_DECLINED))
    # Answered once: the buttons go, and the message keeps which question and what they said.
    await query.edit_message_text(render_helpers.asked(question, answering))


# "Yes, ping me" / "No thanks" under the invitation; "I'll answer" / "Not for me" under an ask.
invite_button = _button(callbacks.parse_helper_invite_button, helpers.answer_invite, _invited)
ask_button = _button(callbacks.parse_helper_ask_button, helpers.respond, _asked)


HANDLERS = [
    command("helper", helper),
    CallbackQueryHandler(invite_button, pattern=r"^hi:"),
    CallbackQueryHandler(ask_button, pattern=r"^hq:"),
]
