"""A guest session live: batches to the guest, answers relayed back, the end and its transcript.

Every step runs from the tick or from a guest's reply, and writes what it sends to the outbox in
the same transaction as the state change: a restart resumes any phase and sends nothing twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from facilitation import guest_questions
from facilitation.errors import FlockError, NotFound, ParseError
from facilitation.guest_sessions import session_data
from facilitation.languages import N_, written_in
from facilitation.model import GuestSession, Person, Phase, SessionQuestion
from facilitation.notices import NoticeKind
from facilitation.ports import ChatMembership, Notice, UnitOfWork
from facilitation.redaction import REMOVED
from facilitation.scope import require_attached, require_course_member, require_facilitator

BATCH_EVERY = timedelta(minutes=10)
MAX_BATCH = 20

# How long after its end a session still takes its guest's answers (relayed, added late to the
# transcript) and thanks them for anything else they write.
LATE_ANSWERS = timedelta(days=7)

ALREADY = {
    "answered": N_("You've already answered question {number}."),
    "skipped": N_("You've already skipped question {number}."),
}
# /session_end on a session that isn't live, by its phase.
NOT_LIVE = {
    Phase.COLLECTING: N_("Session {number} isn't live: it hasn't started yet."),
    Phase.ENDED: N_("Session {number} isn't live: it has already ended."),
    Phase.CANCELLED: N_("Session {number} isn't live: it was already cancelled."),
}


def _question_data(session: GuestSession, q: SessionQuestion) -> dict[str, object]:
    return {**session_data(session), "question_id": q.id, "n": q.number, "text": q.text, "asker": q.asker}


async def advance(uow: UnitOfWork, now: datetime) -> int:
    """Start what is due, send the next batches, end what is over; returns messages queued."""
    queued = 0
    async with uow:
        sessions, batches = uow.guest_sessions, uow.guest_batches
        for session in await sessions.in_phase(Phase.COLLECTING, now):
            await sessions.set_phase(session.id, Phase.LIVE, now)
            queued += await _batch(uow, session, now)
        for session in await sessions.in_phase(Phase.LIVE, None):
            if session.ends_at <= now:
                queued += await _end(uow, session, now)
                continue
            last = await batches.last_batch_at(session.id)
            if await batches.outstanding(session.id) == 0 or last is None or last <= now - BATCH_EVERY:
                queued += await _batch(uow, session, now)
        await uow.commit()
    return queued


async def _batch(uow: UnitOfWork, session: GuestSession, now: datetime) -> int:
    if session.guest_id is None:
        return 0  # the guest never opened the invite: questions wait, facilitators were warned
    batch = await uow.guest_batches.next_batch(session.id, await uow.guest_batches.batch_size(session.id))
    if not batch:
        return 0
    for q in batch:
        notice = Notice(
            session.guest_id, NoticeKind.GUEST_QUESTION, _question_data(session, q), subject=f"gq:{q.id}"
        )
        await uow.outbox.put(notice, now)
    await uow.guest_batches.mark_sent([q.id for q in batch], session.id, now)
    return len(batch)


# What Markdown would read as markup in a text: emphasis, code, links, HTML and autolinks,
# headings, quotes, tables, strikethrough, backslashes, and entities ("&amp;").
_MARKUP = re.compile(r"[\\`*_\[\]<>#|~]|&(?=#?\w+;)")


def markdown_text(text: str) -> str:
    """The text as typed, for a Markdown document: every character that would be read as markup
    escaped. The same wherever it stands, so a copy of someone's words is found by it (privacy)."""
    if text == REMOVED:
        return text  # reads as typed: no link follows it
    return _MARKUP.sub(lambda found: "\\" + found.group(0), text)


def markdown_line(text: str) -> str:
    """markdown_text on one line (a heading ends at the first line break)."""
    return " ".join(markdown_text(text).split())


def transcript_copies(words: Iterable[str]) -> list[str]:
    """How the words appear in a transcript, where that differs from the words themselves."""
    return sorted({form for w in words for form in (markdown_text(w), markdown_line(w)) if form != w})


def transcript(session: GuestSession, answered: list[SessionQuestion], ended_at: datetime) -> str:
    language = session.course.settings.language  # it is posted to the course's chats
    zone = session.course.settings.timezone

    def say(message: str, **params: object) -> str:
        return written_in(language, message, **params)

    lines = [
        f"# {markdown_line(session.title)}",
        "",
        say(  # in the course's time, as every other message about the session
            N_("Guest Q&A with @{guest} for {course}, {start} ({timezone})."),
            guest=markdown_text(session.guest_username),
            course=markdown_text(session.course.tag),
            start=f"{session.starts_at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}",
            timezone=markdown_text(zone),
        ),
        "",
    ]
    if not answered:
        lines.append(say(N_("No questions were answered.")))
    for q in answered:  # in the order answered, each under the number it had on the board
        asked = (
            say(N_("*Asked by {name}*"), name=markdown_text(q.asker))
            if q.asker
            else say(N_("*Asked by an anonymous learner*"))
        )
        lines += [
            "## " + say(N_("Q{number}. {text}"), number=q.number, text=markdown_line(q.text)),
            "",
            asked,
            "",
            markdown_text(q.answer or ""),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


async def _post_transcript(uow: UnitOfWork, session: GuestSession, now: datetime, late: bool) -> int:
    """Save the transcript and post it to every course chat; again, marked, after a late answer."""
    answered = await uow.guest_batches.answered(session.id)
    text = transcript(session, answered, now)
    await uow.guest_sessions.save_transcript(session.id, text)
    chats = await uow.courses.chats_of(session.course.id)
    data = {**session_data(session), "markdown": text, "late": late}
    for chat in chats:
        await uow.outbox.put(Notice(chat.id, NoticeKind.TRANSCRIPT, data), now)
    return len(chats)


def _leftovers_data(session: GuestSession, leftovers: list[SessionQuestion]) -> dict[str, object]:
    return {
        **session_data(session),
        # Facilitators see who asked, even anonymously; the guest and the group don't.
        "questions": [
            {
                "n": q.number,
                "text": q.text,
                "asker": q.asker,
                "asked_by": q.asked_by,
                "late": q.answer is not None,
            }
            for q in leftovers
        ],
    }


async def _end(uow: UnitOfWork, session: GuestSession, now: datetime) -> int:
    await uow.guest_sessions.set_phase(session.id, Phase.ENDED, now)
    queued = await _post_transcript(uow, session, now, late=False)
    await guest_questions.refresh_boards(uow, session, now, ended=True)
    if session.guest_id is not None:
        data = {**session_data(session), "answered": len(await uow.guest_batches.answered(session.id))}
        await uow.outbox.put(Notice(session.guest_id, NoticeKind.GUEST_THANKS, data), now)
        queued += 1
    leftovers = await uow.guest_batches.unanswered(session.id)
    if leftovers:
        recipients = await uow.alerts.recipients(session.course.id)
        data = _leftovers_data(session, leftovers)
        for chat_id, thread_id in recipients.destinations:
            # Its id is kept: a late answer marks the question on it.
            notice = Notice(
                chat_id, NoticeKind.SESSION_LEFTOVERS, data, thread_id, subject=f"leftovers:{session.id}"
            )
            await uow.outbox.put(notice, now)
            queued += 1
    return queued


async def _answered_late(uow: UnitOfWork, session: GuestSession, now: datetime) -> None:
    """After the end: a new transcript posted, the board's count and the leftovers list updated."""
    await _post_transcript(uow, session, now, late=True)
    await guest_questions.refresh_boards(uow, session, now)
    ended_at = session.ended_at or now
    late = [
        q for q in await uow.guest_batches.answered(session.id) if q.answered_at and q.answered_at >= ended_at
    ]
    leftovers = sorted(late + await uow.guest_batches.unanswered(session.id), key=lambda q: q.number)
    data = _leftovers_data(session, leftovers)
    for chat_id, message_id in await uow.guest_sessions.sent_leftovers(session.id):
        notice = Notice(
            chat_id,
            NoticeKind.LEFTOVERS_EDIT,
            {**data, "message_id_to_edit": message_id},
            subject=f"leftovers_edit:{session.id}",
        )
        await uow.outbox.put_latest(notice, now)


async def reply_from_guest(
    uow: UnitOfWork, guest: Person, replied_to: int | None, text: str, now: datetime
) -> SessionQuestion | None:
    """A private message from someone: an answer (or /skip) when they are a session's guest
    replying to a question; None when they aren't a guest at all."""
    async with uow:
        # The question replied to names its session, so a guest of two sessions is never confused.
        q = await uow.guest_batches.sent_to_guest(guest.id, replied_to) if replied_to else None
        session = await uow.guest_sessions.get(q.session_id) if q else None
        if session is None or session.guest_id != guest.id:
            live = await uow.guest_sessions.live_as_guest(guest.id, now - LATE_ANSWERS)
            if live is None:
                return None  # not a guest: the caller shows the usual help
            if live.phase is Phase.ENDED:  # "Thanks all!": no instructions once it is over
                raise FlockError(
                    N_("🙏 Thank you! “{title}” has ended; the transcript is in the course chat."),
                    title=live.title,
                )
            if replied_to is None:
                raise FlockError(
                    N_("To answer, reply to one of the questions I sent you. /skip as a reply passes.")
                )
            raise NotFound(
                N_("That isn't one of the questions I sent you. Reply to a question to answer it.")
            )
        assert q is not None
        if q.state in ("answered", "skipped"):
            raise NotFound(ALREADY[q.state], number=q.number)
        skipping = text.strip().lower().split("@")[0] == "/skip"
        if not skipping and not text.strip():
            raise ParseError(N_("Write your answer as text, replying to the question."))
        await uow.guest_batches.settle(
            q.id, "skipped" if skipping else "answered", None if skipping else text, now
        )
        if not skipping:
            await _relay(uow, session, q, text, now)
            if session.phase is Phase.ENDED:  # a late answer still joins the transcript
                await _answered_late(uow, session, now)
        await uow.commit()
    return q


async def _relay(
    uow: UnitOfWork, session: GuestSession, q: SessionQuestion, answer: str, now: datetime
) -> None:
    data = {**_question_data(session, q), "answer": answer}
    boards = dict(await uow.guest_sessions.boards(session.id))
    for chat in await uow.courses.chats_of(session.course.id):
        reply_to: int | None
        thread: int | None
        if q.ref is not None and q.ref.chat_id == chat.id:
            reply_to, thread = q.ref.message_id, q.ref.thread_id
        else:  # asked privately, anonymously or in another chat: answer under the board
            reply_to, thread = boards.get(chat.id), None
        await uow.outbox.put(
            Notice(chat.id, NoticeKind.GUEST_ANSWER, {**data, "reply_to": reply_to}, thread_id=thread), now
        )
    for person_id, _anonymous, started in await uow.guest_batches.askers(q.id):
        if started:
            await uow.outbox.put(Notice(person_id, NoticeKind.GUEST_ANSWER_PRIVATE, data), now)


async def end_now(uow: UnitOfWork, session_id: int, person: Person, now: datetime) -> GuestSession:
    async with uow:
        session = await uow.guest_sessions.get(session_id)
        if session is None:
            raise NotFound(N_("There is no session {number}."), number=session_id)
        await require_facilitator(uow, session.course, person.id)
        if session.phase is not Phase.LIVE:
            raise NotFound(NOT_LIVE[session.phase], number=session_id)
        await _end(uow, session, now)
        await uow.commit()
    return session


async def set_batch(uow: UnitOfWork, session_id: int, person: Person, size: int) -> GuestSession:
    if not 1 <= size <= MAX_BATCH:
        raise ParseError(N_("A batch has 1 to {most} questions."), most=MAX_BATCH)
    async with uow:
        session = await uow.guest_sessions.get(session_id)
        if session is None:
            raise NotFound(N_("There is no session {number}."), number=session_id)
        await require_facilitator(uow, session.course, person.id)
        await uow.guest_batches.set_batch_size(session.id, size)
        await uow.commit()
    return session


async def stored_transcript(
    uow: UnitOfWork, session_id: int, person_id: int, chat_id: int | None, members: ChatMembership
) -> tuple[GuestSession, str]:
    """/transcript: in the course's own chats, or privately for its members."""
    async with uow:
        session = await uow.guest_sessions.get(session_id)
        text = await uow.guest_sessions.transcript(session_id) if session else None
        if session is None or text is None:
            raise NotFound(
                N_("Session {number} has no transcript yet: it appears when the session ends."),
                number=session_id,
            )
        if chat_id is not None:
            await require_attached(uow, chat_id, session.course, session_id)
        else:
            await require_course_member(uow, session.course, person_id, members, session.guest_id)
    return session, text
