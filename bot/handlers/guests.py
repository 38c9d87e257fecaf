"""/guest, /sessions, /session_cancel, /session_move, and the guest's invite link."""

from __future__ import annotations

import re

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks, convert, i18n, render_sessions, texts
from bot.context import FlockContext
from bot.fit import fit, toast
from bot.handlers.common import (
    ChatMembers,
    Refusal,
    argument_text,
    command,
    friendly,
    in_group,
    reply,
    require_sender,
    tags,
)
from bot.i18n import _, ngettext
from facilitation import guest_live, guest_questions, guest_sessions, parsing
from facilitation.errors import FlockError
from facilitation.model import GuestSession, Person

# The title in quotes: "…", “…” or the French « … » (its inner spaces, often no-break, left out).
_REQUEST = re.compile(r'@(\w{3,32})\s+(?:["“”„]\s*(.+?)\s*["“”]|«\s*(.+?)\s*»)\s+(.+)', re.S)


async def schedule(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    text = argument_text(message)
    match = _REQUEST.fullmatch(re.sub(r"(?<![\w#/])#\w+", "", text).strip())
    if match is None:
        raise Refusal(_(render_sessions.GUEST_USAGE))
    title = match.group(2) if match.group(2) is not None else match.group(3)
    request = guest_sessions.Request(match.group(1), title, match.group(4))
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
    session_id = parsing.number(words[0]) if words else None
    if session_id is None:
        raise Refusal(_(render_sessions.SESSION_ID_USAGE, command=name))
    return session_id, words[1] if len(words) > 1 else ""


async def cancel(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    session_id, _rest = _session_id(update, "/session_cancel")
    person = require_sender(update.effective_message)
    session = await guest_sessions.cancel(context.uow(), session_id, person, context.now())
    await reply(update, _("Cancelled session {number}. Everyone concerned will be told.", number=session.id))


async def move(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    session_id, when = _session_id(update, "/session_move")
    if not when:
        raise Refusal(_(render_sessions.MOVE_USAGE, command="/session_move"))
    person = require_sender(update.effective_message)
    session = await guest_sessions.move(context.uow(), session_id, person, when, context.now())
    start = render_sessions.when(session.starts_at, session.course.settings.timezone)
    await reply(
        update,
        _(
            "Moved session {number} to {start}. Everyone concerned will be told.",
            number=session.id,
            start=start,
        ),
    )


async def open_invite(update: Update, context: FlockContext, person: Person, token: str) -> None:
    """/start guest_<token>, from the membership handler's /start."""
    session = await guest_sessions.open_invite(context.uow(), token, person, context.now())
    await reply(update, render_sessions.welcome_guest(session))


_ASK = re.compile(r"(?:([0-9]{1,12})\s+)?(?:(anon)\s+)?(.+)", re.S | re.I)


async def ask(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    match = _ASK.fullmatch(argument_text(message).strip())
    if match is None:
        raise Refusal(_(render_sessions.ASKGUEST_USAGE))
    session_number, anonymous, text = match.groups()
    group = in_group(message)
    asked = await guest_questions.ask(
        context.uow(),
        message.chat_id if group else None,
        int(session_number) if session_number else None,
        person,
        text,
        bool(anonymous) and not group,
        tags(text),
        convert.ref(message),  # in private too: an edit of the message finds its question
        context.now(),
        ChatMembers(context),
    )
    await reply(update, render_sessions.asked_reply(asked.merged, asked.session.title))


async def open_ask_link(update: Update, context: FlockContext, person: Person, session_id: str) -> None:
    """/start ask_<session>: the next private message is the question (or /askguest)."""
    message = update.effective_message
    assert message is not None
    session = await guest_questions.await_private(
        context.uow(), parsing.number(session_id) or 0, person, False, ChatMembers(context), context.now()
    )
    await message.reply_html(
        fit(render_sessions.ask_privately(session)),
        reply_markup=render_sessions.ask_privately_keyboard(session),
    )


async def ask_mode(update: Update, context: FlockContext) -> None:
    """The buttons "Ask with my name" and "Ask anonymously", under the private link's reply."""
    query = update.callback_query
    assert query is not None
    parsed = callbacks.parse_ask_button(query.data)
    if parsed is None:
        await query.answer(_(texts.BUTTON_GONE))
        return
    session_id, anonymous = parsed
    try:
        await guest_questions.await_private(
            context.uow(),
            session_id,
            convert.person(query.from_user),
            anonymous,
            ChatMembers(context),
            context.now(),
        )
    except FlockError as error:
        await query.answer(toast(_(error.template, **error.params)), show_alert=True)
        return
    await query.answer(render_sessions.ask_mode_chosen(anonymous))


async def vote(update: Update, context: FlockContext) -> None:
    query = update.callback_query
    assert query is not None
    question_id = callbacks.parse_vote_button(query.data)
    if question_id is None or query.message is None:
        with i18n.personally():  # a toast, for the one who pressed
            await query.answer(_(texts.BUTTON_GONE))
        return
    try:
        cast = await guest_questions.vote(
            context.uow(),
            question_id,
            convert.person(query.from_user),
            query.message.chat.id,
            query.message.message_id,
            context.now(),
        )
    except FlockError as error:
        with i18n.personally():
            await query.answer(toast(_(error.template, **error.params)), show_alert=True)
        return
    with i18n.personally():
        await query.answer(_(render_sessions.UPVOTED if cast else render_sessions.WITHDRAWN))


async def hide(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    session_id, rest = _session_id(update, "/session_hide")
    question = parsing.number(rest)
    if question is None:
        raise Refusal(_(render_sessions.HIDE_USAGE))
    await guest_questions.hide(context.uow(), session_id, question, require_sender(message), context.now())
    await reply(
        update,
        _(
            "Hidden: question {number} of session {session} is off the board.",
            number=question,
            session=session_id,
        ),
    )


async def guest_reply(update: Update, context: FlockContext) -> None:
    """Private messages: a guest's answers (and /skip), a question after the board's private
    link; anything else gets the help pointer."""
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    text = convert.text(message)
    answered = await guest_live.reply_from_guest(context.uow(), person, replied, text, context.now())
    if answered is not None:
        skipped = text.strip().startswith("/skip")
        await reply(update, _(render_sessions.SKIPPED if skipped else render_sessions.ANSWER_SENT))
        return
    # Not an answer: the question the person opened a board's private link for, if any.
    asked = await guest_questions.ask_awaited(
        context.uow(), person, text, convert.ref(message), ChatMembers(context), context.now()
    )
    if asked is None:
        await reply(update, _(texts.PRIVATE_FALLBACK))
        return
    await reply(update, render_sessions.asked_reply(asked.merged, asked.session.title))


async def edited_ask(update: Update, context: FlockContext) -> None:
    """An edited /askguest corrects its question; it is never asked a second time. Said nothing."""
    message = update.edited_message
    assert message is not None
    match = _ASK.fullmatch(argument_text(message).strip())
    if match is not None:
        await guest_questions.edited(context.uow(), convert.ref(message), match.group(3), context.now())


async def edited_private(update: Update, context: FlockContext) -> None:
    """An edited private message: the question it asked after a board's link, if it did."""
    message = update.edited_message
    assert message is not None
    await guest_questions.edited(context.uow(), convert.ref(message), convert.text(message), context.now())


async def end(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    session_id, _rest = _session_id(update, "/session_end")
    session = await guest_live.end_now(
        context.uow(), session_id, require_sender(update.effective_message), context.now()
    )
    await reply(
        update,
        _("Ended session {number}: the transcript is on its way to the course chats.", number=session.id),
    )


async def batch(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    session_id, rest = _session_id(update, "/session_batch")
    size = parsing.number(rest)
    if size is None:
        raise Refusal(_(render_sessions.BATCH_USAGE))
    person = require_sender(update.effective_message)
    await guest_live.set_batch(context.uow(), session_id, person, size)
    await reply(
        update,
        ngettext(
            "Session {session} now sends the guest {count} question at a time.",
            "Session {session} now sends the guest {count} questions at a time.",
            size,
            session=session_id,
        ),
    )


async def transcript(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    session_id, _rest = _session_id(update, "/transcript")
    person = require_sender(message)
    session, text = await guest_live.stored_transcript(
        context.uow(),
        session_id,
        person.id,
        message.chat_id if in_group(message) else None,
        ChatMembers(context),
    )
    await _send_transcript(update, session, text)


async def open_transcript_link(
    update: Update, context: FlockContext, person: Person, session_id: str
) -> None:
    """/start transcript_<session>: the ended board's link, privately for the course's members."""
    session, text = await guest_live.stored_transcript(
        context.uow(), parsing.number(session_id) or 0, person.id, None, ChatMembers(context)
    )
    await _send_transcript(update, session, text)


async def _send_transcript(update: Update, session: GuestSession, text: str) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_document(
        InputFile(text.encode("utf-8"), filename=f"session-{session.id}.md"),
        caption=render_sessions.transcript_caption({"title": session.title, "guest": session.guest_username}),
    )


HANDLERS: list[BaseHandler[Update, FlockContext, None]] = [
    command("guest", schedule),
    command("sessions", sessions),
    command("session_cancel", cancel),
    command("session_move", move),
    command("askguest", ask),
    command("session_hide", hide),
    CallbackQueryHandler(vote, pattern=r"^gv:"),
    CallbackQueryHandler(ask_mode, pattern=r"^ga:"),
    command("session_end", end),
    command("session_batch", batch),
    command("transcript", transcript),
    command("skip", guest_reply),
    MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.Regex(r"^/askguest(@\w+)?\s"), edited_ask),
    MessageHandler(
        filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE & ~filters.COMMAND, edited_private
    ),
]
# Before the private-chat fallback: a guest's replies are answers.
GUEST_REPLIES = MessageHandler(
    filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND, friendly(guest_reply)
)
