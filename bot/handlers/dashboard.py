"""/dashboard: the button that opens the facilitators' dashboard (a Mini App) in Telegram.

Telegram allows `web_app` buttons in private chats only: asked for in a course group, the
button comes privately to a facilitator, and the group hears only that.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, Update, WebAppInfo
from telegram.error import BadRequest, Forbidden

from bot import i18n, texts
from bot.context import FlockContext
from bot.fit import fit
from bot.handlers.common import argument_text, command, in_group, reply, require_sender, tags
from bot.i18n import N_, _
from facilitation import dashboard

OFF = N_("The dashboard isn't switched on for this bot yet: whoever runs it sets FLOCK_WEB_URL.")
OPEN = N_("Open dashboard")
MENU = N_("Dashboard")
YOURS = N_("Your dashboard: what waits in your courses, on one page. The menu button opens it too.")
NOTHING_YOURS = N_(
    "The dashboard is for facilitators, and you don't facilitate any course yet. Facilitators set "
    "one up with /setup in its group."
)


async def open_dashboard(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    url = context.runtime.web_url
    if url is None:
        await reply(update, _(OFF))
        return
    group = in_group(message)
    found = await dashboard.opening(
        context.uow(), message.chat_id if group else None, person.id, tags(argument_text(message))
    )
    if not found:  # in private: nothing of theirs to show
        await reply(update, _(NOTHING_YOURS))
        return
    with i18n.personally():
        text, label, menu = _(YOURS), _(OPEN), _(MENU)
    button = InlineKeyboardMarkup([[InlineKeyboardButton(label, web_app=WebAppInfo(url))]])
    try:
        await context.bot.send_message(person.id, fit(text), reply_markup=button)
        await context.bot.set_chat_menu_button(person.id, MenuButtonWebApp(menu, WebAppInfo(url)))
    except (Forbidden, BadRequest):  # blocked, or never started: "chat not found"
        await reply(update, texts.start_me_first(context.bot.username))
        return
    if group:
        await reply(update, _(texts.SENT_PRIVATELY))


HANDLERS = [command("dashboard", open_dashboard)]
