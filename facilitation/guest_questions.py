"""Learners' questions for a guest session: asking (also anonymously), merging near-duplicates,
upvoting, hiding, and the question board every course chat shows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.guest_sessions import session_data
from facilitation.languages import N_
from facilitation.model import GuestSession, MessageRef, Person, Phase
from facilitation.notices import NoticeKind
from facilitation.ports import ChatMembership, Notice, UnitOfWork
from facilitation.redaction import REMOVED
from facilitation.scope import (
    course_for_command,
    require_attached,
    require_course_member,
    require_facilitator,
)

MAX_TEXT = 1000
BOARD_SIZE = 15  # questions shown on the board, best first
PRIVATE_ASK_WAIT = timedelta(hours=1)  # after opening the private link, how long the next message counts


def normalise(text: str) -> str:
    """Same words after normalising: case, accents, punctuation and spacing don't count."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", letters))


@dataclass(frozen=True)
class Asked:
    session: GuestSession
    merged: bool  # the same question was already there: the asker joined it


async def _session_for(
    uow: UnitOfWork, chat_id: int | None, session_id: int | None, person_id: int, tags: list[str]
) -> GuestSession:
    if session_id is not None:
        session = await uow.guest_sessions.get(session_id)
        if session is None or not session.is_upcoming_or_live:
            raise NotFound(N_("Session {number} isn't taking questions."), number=session_id)
        if chat_id is not None:
            await require_attached(uow, chat_id, session.course, session_id)
        return session
    if chat_id is None:  # the example names a session the person could ask in, if any
        courses = await uow.courses.facilitated_by(person_id) + await uow.learners.courses_of(person_id)
        taking = await uow.guest_sessions.of_courses(sorted({c.id for c in courses}))
        if not taking:
            raise ParseError(
                N_("Say which session: /askguest, the session's number from /sessions, then your question.")
            )
        raise ParseError(
            N_("Say which session: /askguest {number} your question (/sessions lists them)."),
            number=taking[0].id,
        )
    course = await course_for_command(uow, chat_id, tags)
    open_now = await uow.guest_sessions.collecting_in(course.id)
    if not open_now:
        raise NotFound(N_("No guest session is taking questions right now. /sessions shows what's coming."))
    if len(open_now) > 1:
        numbers = ", ".join(str(s.id) for s in open_now)
        raise ParseError(
            N_("Several sessions are taking questions ({numbers}). Add the number: /askguest {number} …"),
            numbers=numbers,
            number=open_now[0].id,
        )
    return open_now[0]


async def ask(
    uow: UnitOfWork,
    chat_id: int | None,
    session_id: int | None,
    person: Person,
    text: str,
    anonymous: bool,
    tags: list[str],
    ref: MessageRef | None,
    now: datetime,
    members: ChatMembership | None = None,  # asked for privately: who may
) -> Asked:
    text = text.strip()[:MAX_TEXT]
    if not text:
        raise ParseError(N_("Write your question after the command."))
    async with uow:
        session = await _session_for(uow, chat_id, session_id, person.id, tags)
        if chat_id is None:
            await require_course_member(uow, session.course, person.id, members, session.guest_id)
        await uow.people.seen(person, now)
        key = normalise(text)
        existing = await uow.guest_questions.question_by_text(session.id, key)
        if existing is not None:
            await uow.guest_questions.add_asker(existing, person.id, anonymous)
            asked = Asked(session, merged=True)
        else:
            await uow.guest_questions.add_question(session.id, person, anonymous, text, key, ref, now)
            asked = Asked(session, merged=False)
        await refresh_boards(uow, session, now)
        await uow.commit()
    return asked


async def vote(
    uow: UnitOfWork, question_id: int, person: Person, chat_id: int, message_id: int, now: datetime
) -> bool:
    """Toggle the person's vote; only from a board message of the question's own session."""
    async with uow:
        found = await uow.guest_questions.question(question_id)
        board = await uow.guest_sessions.board_at(chat_id, message_id)
        if found is None or board is None or board.id != found[0] or found[1]:
            raise NotAllowed(N_("That button isn't valid any more."))
        if not board.is_upcoming_or_live:
            raise NotFound(N_("This session is over: votes are closed."))
        if any(
            asker == person.id for asker, _anonymous, _started in await uow.guest_batches.askers(question_id)
        ):
            raise NotAllowed(N_("That's your own question: the others can upvote it."))
        cast = await uow.guest_questions.toggle_vote(question_id, person.id)
        await refresh_boards(uow, board, now)
        await uow.commit()
    return cast


async def hide(uow: UnitOfWork, session_id: int, number: int, person: Person, now: datetime) -> GuestSession:
    async with uow:
        session = await uow.guest_sessions.get(session_id)
        if session is None:
            raise NotFound(N_("There is no session {number}."), number=session_id)
        await require_facilitator(uow, session.course, person.id)
        if not await uow.guest_questions.hide(session.id, number):
            raise NotFound(
                N_("Session {session} has no question {number}."), session=session_id, number=number
            )
        await refresh_boards(uow, session, now)
        await uow.commit()
    return session


async def edited(uow: UnitOfWork, ref: MessageRef, text: str, now: datetime) -> bool:
    """The asker edited the message that asked a guest question (an /askguest, a reply to a board,
    a private message after the board's link): the question reads as edited on the boards and, if
    the guest has it and hasn't answered, on the guest's copy. Once answered or skipped, once
    the session is over, or once its words were forgotten or purged, it stays as it was. True
    when the message asked a question."""
    text = text.strip()[:MAX_TEXT]
    async with uow:
        question = await uow.guest_questions.asked_by_message(ref.chat_id, ref.message_id)
        if question is None:
            return False
        session = await uow.guest_sessions.get(question.session_id)
        if (
            session is None
            or not session.is_upcoming_or_live
            or question.state not in ("queued", "sent")
            or question.text == REMOVED
            or not text
            or text == question.text
        ):
            return True
        await uow.guest_questions.set_text(question.id, text, normalise(text))
        await refresh_boards(uow, session, now)
        sent = await uow.guest_sessions.sent_question(question.id) if question.state == "sent" else None
        if sent is not None:
            # Not yet delivered (seconds at most), the guest's copy goes out as it was asked.
            chat_id, message_id = sent
            data = {
                **session_data(session),
                "question_id": question.id,
                "n": question.number,
                "text": text,
                "asker": question.asker,
                "message_id_to_edit": message_id,
            }
            notice = Notice(chat_id, NoticeKind.GUEST_QUESTION_EDIT, data, subject=f"gq_edit:{question.id}")
            await uow.outbox.put_latest(notice, now)
        await uow.commit()
    return True


async def board_data(uow: UnitOfWork, session: GuestSession, ended: bool = False) -> dict[str, object]:
    """What a board shows: the session and its best questions; once it has ended, only the
    outcome (no questions to vote on, the transcript's link)."""
    items = await uow.guest_questions.board(session.id)
    data: dict[str, object] = {**session_data(session)}
    if ended or session.phase is Phase.ENDED:
        return data | {
            "ended": True,
            "asked": len(items),
            "answered": len(await uow.guest_batches.answered(session.id)),
        }
    return data | {
        "questions": [
            {"id": i.question_id, "n": i.number, "text": i.text[:300], "votes": i.votes, "asker": i.asker}
            for i in items[:BOARD_SIZE]
        ],
        "more": max(0, len(items) - BOARD_SIZE),
    }


async def refresh_boards(uow: UnitOfWork, session: GuestSession, now: datetime, ended: bool = False) -> None:
    """Queue one edit per board; a later change replaces an edit not yet sent."""
    data = await board_data(uow, session, ended)
    for chat_id, message_id in await uow.guest_sessions.boards(session.id):
        notice = Notice(
            chat_id,
            NoticeKind.BOARD_EDIT,
            {**data, "message_id_to_edit": message_id},
            subject=f"board_edit:{session.id}",
        )
        await uow.outbox.put_latest(notice, now)


async def reply_to_board(
    uow: UnitOfWork, chat_id: int, replied_to: int, person: Person, text: str, ref: MessageRef, now: datetime
) -> Asked | None:
    """A reply to a session's board is a question for the guest; None when it isn't a board."""
    async with uow:
        # A discussion's prompt is the bot's too, and replies to it come by the dozen: the batch
        # knows them (the busy path need not leave it to look for a board).
        if await uow.discussions.prompt_at(chat_id, replied_to) is not None:
            return None
        session = await uow.guest_sessions.board_at(chat_id, replied_to)
    if session is None or not session.is_upcoming_or_live:
        return None
    return await ask(uow, chat_id, session.id, person, text, False, [], ref, now)


async def await_private(
    uow: UnitOfWork, session_id: int, person: Person, anonymous: bool, members: ChatMembership, now: datetime
) -> GuestSession:
    """The board's private link (or its buttons): the person's next private message is their
    question for the session, with their name or without. Stored, so a restart forgets nothing."""
    async with uow:
        session = await uow.guest_sessions.get(session_id)
        if session is None or not session.is_upcoming_or_live:
            raise NotFound(N_("That session isn't taking questions any more. /sessions shows what's coming."))
        await require_course_member(uow, session.course, person.id, members, session.guest_id)
        await uow.guest_questions.await_private(person.id, session.id, anonymous, now + PRIVATE_ASK_WAIT)
        await uow.commit()
    return session


async def ask_awaited(
    uow: UnitOfWork, person: Person, text: str, ref: MessageRef, members: ChatMembership, now: datetime
) -> Asked | None:
    """A plain private message: the question the person opened the private link for, if any."""
    async with uow:
        awaited = await uow.guest_questions.awaited_private(person.id, now)
        if awaited is None:
            return None
        if not text.strip():
            raise ParseError(N_("Type your question as a text message."))
        await uow.guest_questions.forget_private(person.id)  # one question per opening
        await uow.commit()
    session_id, anonymous = awaited
    return await ask(uow, None, session_id, person, text, anonymous, [], ref, now, members)
