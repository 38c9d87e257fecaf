"""/discussion, /discussions, /discussion_prompts, /discussion_move, /discussion_cancel."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler

from bot import convert, render_discussions
from bot.context import FlockContext
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender, said, tags
from bot.i18n import _
from bot.texts import escape
from facilitation import discussions, parsing
from facilitation.errors import ParseError

_HASHTAG = re.compile(r"(?<![\w#/])#\w+")
_ALL = frozenset({"all", "tout", "toutes", "tous"})


async def schedule(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    request = discussions.split(argument_text(message))
    first_line = _HASHTAG.sub("", request.first_line).strip()
    if not first_line:
        raise Refusal(escape(_(discussions.USAGE)))
    try:
        round = await discussions.schedule(
            context.uow(),
            convert.ref(message) if in_group(message) else None,
            person,
            tags(request.first_line),
            discussions.Request(first_line, request.prompts),
            context.now(),
        )
    except ParseError as error:  # what is wrong, then the forms it takes
        raise Refusal(escape(said(error)) + "\n\n" + escape(_(discussions.USAGE))) from None
    await reply(update, render_discussions.scheduled(round))


async def listing(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    found = await discussions.listed(
        context.uow(), message.chat_id if in_group(message) else None, person.id, tags(argument_text(message))
    )
    await reply(update, render_discussions.listing(found))


def _discussion_id(update: Update, usage: str, name: str) -> tuple[int, str]:
    """The number after the command, and the rest (other words of the first line, then lines)."""
    message = update.effective_message
    assert message is not None
    first, newline, lines = argument_text(message).partition("\n")
    words = first.split(maxsplit=1)
    discussion_id = parsing.number(words[0]) if words else None
    if discussion_id is None:
        raise Refusal(_(usage, command=name))
    rest = words[1] if len(words) > 1 else ""
    return discussion_id, rest + newline + lines


async def prompts(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    usage = render_discussions.PROMPTS_USAGE
    discussion_id, rest = _discussion_id(update, usage, "/discussion_prompts")
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    if not lines:
        raise Refusal(_(usage, command="/discussion_prompts"))
    person = require_sender(update.effective_message)
    round = await discussions.replace_prompts(context.uow(), discussion_id, person, lines, context.now())
    await reply(update, render_discussions.prompts_replaced(round))


async def move(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    usage = render_discussions.MOVE_USAGE
    discussion_id, when = _discussion_id(update, usage, "/discussion_move")
    if not when.strip():
        raise Refusal(_(usage, command="/discussion_move"))
    person = require_sender(update.effective_message)
    round = await discussions.move(context.uow(), discussion_id, person, when.strip(), context.now())
    await reply(update, render_discussions.moved(round))


async def cancel(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    usage = render_discussions.DISCUSSION_ID_USAGE
    discussion_id, rest = _discussion_id(update, usage, "/discussion_cancel")
    everything = rest.strip().lower() in _ALL
    person = require_sender(update.effective_message)
    done = await discussions.cancel(context.uow(), discussion_id, person, everything, context.now())
    await reply(update, render_discussions.cancelled(done.round, done.whole_series, done.next_start))


HANDLERS: list[BaseHandler[Update, FlockContext, None]] = [
    command("discussion", schedule),
    command("discussions", listing),
    command("discussion_prompts", prompts),
    command("discussion_move", move),
    command("discussion_cancel", cancel),
]
