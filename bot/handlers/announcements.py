"""/announce, /announcements, /announce_cancel."""

from __future__ import annotations

from html import escape

from telegram import Message, Update

from bot import convert, render_announcements
from bot.context import FlockContext
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender, tags
from bot.i18n import _
from facilitation import announcements, parsing
from facilitation.model import AnnouncementContent, Person


def _content(message: Message, person: Person) -> AnnouncementContent:
    """What is announced, kept whole: the message replied to (the facilitator's own), or the
    lines after the command, with their formatting as HTML."""
    replied = message.reply_to_message
    if replied is not None and replied.forum_topic_created is None:
        author = convert.author(replied)
        if author is None or author.id != person.id:
            raise Refusal(_(render_announcements.NOT_YOURS))
        if replied.photo:
            return AnnouncementContent("photo", replied.caption_html or "", replied.photo[-1].file_id)
        if replied.document is not None:
            return AnnouncementContent("document", replied.caption_html or "", replied.document.file_id)
        if replied.text:
            return AnnouncementContent("text", replied.text_html)
        raise Refusal(_(render_announcements.UNSUPPORTED))
    return AnnouncementContent("text", message.text_html.partition("\n")[2].strip() if message.text else "")


async def announce(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    first_line = convert.text(message).partition("\n")[0]
    words = [w for w in first_line.split()[1:] if not w.startswith("#")]
    if not words:
        raise Refusal(escape(_(announcements.USAGE), quote=False))
    request = announcements.read_request(words)
    group = in_group(message)
    found = await announcements.schedule(
        context.uow(),
        message.chat_id if group else None,
        convert.ref(message).thread_id if group else None,
        person,
        tags(first_line),
        request,
        _content(message, person),
        context.now(),
    )
    await reply(update, render_announcements.scheduled(found))


async def pending(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    chat_id = message.chat_id if in_group(message) else None
    found = await announcements.listed(context.uow(), chat_id, person.id, tags(argument_text(message)))
    await reply(update, render_announcements.pending(found))


async def cancel(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    words = argument_text(message).split()
    number = parsing.number(words[0]) if words else None
    if number is None:
        raise Refusal(_(render_announcements.ID_USAGE, command="/announce_cancel"))
    person = require_sender(message)
    found = await announcements.cancel(context.uow(), number, person, context.now())
    await reply(update, render_announcements.cancelled(found))


HANDLERS = [
    command("announce", announce),
    command("announcements", pending),
    command("announce_cancel", cancel),
]
