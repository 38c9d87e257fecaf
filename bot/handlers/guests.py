"""/guest, /sessions, /session_cancel, /session_move, and the guest's invite link."""

from __future__ import annotations

import re

from telegram import Update

from bot import render_sessions
from bot.context import FlockContext
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender, tags
from facilitation import guest_sessions
from facilitation.model import Person

_REQUEST = re.compile(r'@(\w{3,32})\s+["“”](.+?)["“”]\s+(.+)', re.S)


async def schedule(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    text = argument_text(message)
    match = _REQUEST.fullmatch(re.sub(r"(?<![\w#/])#\w+", "", text).strip())
    if match is None:
        raise Refusal(render_sessions.GUEST_USAGE)
    request = guest_sessions.Request(match.group(1), match.group(2), match.group(3))
    session = await guest_sessions.schedule(
        context.uow(),
        message.chat_id if in_group(message) else None,
        person,
        tags(text),
        request,
        context.now(),
    )
    await reply(update, render_sessions.scheduled(session, context.bot.username))


async def sessions(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    found = await guest_sessions.listed(
        context.uow(), message.chat_id if in_group(message) else None, person.id, tags(argument_text(message))
    )
    await reply(update, render_sessions.session_list(found))


def _session_id(update: Update, name: str) -> tuple[int, str]:
    message = update.effective_message
    assert message is not None
    words = argument_text(message).split(maxsplit=1)
    if not words or not words[0].isdigit() or len(words[0]) > 12:
        raise Refusal(render_sessions.SESSION_ID_USAGE.format(command=name))
    return int(words[0]), words[1] if len(words) > 1 else ""


async def cancel(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    session_id, _ = _session_id(update, "/session_cancel")
    person = require_sender(update.effective_message)
    session = await guest_sessions.cancel(context.uow(), session_id, person, context.now())
    await reply(update, f"Cancelled session {session.id}. Everyone concerned will be told.")


async def move(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    session_id, when = _session_id(update, "/session_move")
    if not when:
        raise Refusal(
            render_sessions.SESSION_ID_USAGE.format(command="/session_move") + " Then the new start."
        )
    person = require_sender(update.effective_message)
    session = await guest_sessions.move(context.uow(), session_id, person, when, context.now())
    start = render_sessions.when(session.starts_at, session.course.settings.timezone)
    await reply(update, f"Moved session {session.id} to {start}. Everyone concerned will be told.")


async def open_invite(update: Update, context: FlockContext, person: Person, token: str) -> None:
    """/start guest_<token>, from the membership handler's /start."""
    session = await guest_sessions.open_invite(context.uow(), token, person, context.now())
    await reply(update, render_sessions.welcome_guest(session))


HANDLERS = [
    command("guest", schedule),
    command("sessions", sessions),
    command("session_cancel", cancel),
    command("session_move", move),
]
