"""Guest-expert Q&A sessions: scheduling, the guest's invite, moving, cancelling, reminders.

A session collects questions from the moment it is scheduled until it starts. The invite link
carries an unguessable token that binds exactly one Telegram account as the session's guest.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from facilitation import parsing
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import GuestSession, Person, Phase
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import (
    course_facilitated,
    course_for_command,
    require_facilitator,
)

DEFAULT_LENGTH = timedelta(minutes=60)
MIN_LENGTH, MAX_LENGTH = timedelta(minutes=10), timedelta(hours=8)
LENGTH_RANGE = N_("A session lasts from 10 minutes to 8 hours, like 45m, 90m or 2h.")
MAX_TITLE = 200
# (field marking it sent, how long before the start, who is told)
REMINDERS = (
    ("warned_24h_at", timedelta(hours=24), "facilitators"),
    ("warned_1h_at", timedelta(hours=1), "facilitators"),
    ("reminded_24h_at", timedelta(hours=24), "guest"),
    ("reminded_15m_at", timedelta(minutes=15), "guest"),
)


# Why a session can't be changed any more, by its phase: "Session 3 was already cancelled."
PHASE_SAID = {
    Phase.ENDED: N_("Session {number} has already ended."),
    Phase.CANCELLED: N_("Session {number} was already cancelled."),
}
PAST = N_("That time has already passed. Pick a start in the future.")


@dataclass(frozen=True)
class Request:
    """/guest @username "Title" <start> [duration], as typed."""

    guest_username: str
    title: str
    when: str  # the start, possibly followed by a duration


def session_data(session: GuestSession) -> dict[str, object]:
    return {
        "session_id": session.id,
        "title": session.title,
        "guest": session.guest_username,
        "course": session.course.tag,
        "timezone": session.course.settings.timezone,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
    }


def read_when(text: str, now: datetime, timezone: str) -> tuple[datetime, timedelta]:
    """The start and the length: "tomorrow 15:00 90m" or just "in 1m"."""
    words = text.split()
    specific: ParseError | None = None  # a start that reads as a time but is refused, and why
    # A last word shaped like a duration is the length, whatever its size: "in 1m 0m" is a start
    # in a minute lasting nothing, refused, not a start in a minute lasting the default hour.
    if len(words) > 1 and parsing.is_duration(words[-1]):
        try:
            starts_at = parsing.moment(" ".join(words[:-1]), now, timezone)
        except ParseError as error:
            specific = None if error.message.startswith(parsing.UNREADABLE_TIME) else error
        else:
            return starts_at, _length(words[-1])
    try:
        return parsing.moment(text, now, timezone), DEFAULT_LENGTH
    except ParseError:
        if specific is not None:
            raise specific from None
        raise


def _length(word: str) -> timedelta:
    try:
        length = parsing.duration(word)
    except ParseError:
        raise ParseError(LENGTH_RANGE) from None
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ParseError(LENGTH_RANGE)
    return length


async def schedule(
    uow: UnitOfWork, chat_id: int | None, person: Person, tags: list[str], request: Request, now: datetime
) -> GuestSession:
    title = request.title.strip()[:MAX_TITLE]
    if not title:
        raise ParseError(N_("Give the session a title in quotes."))
    async with uow:
        course = await (
            course_for_command(uow, chat_id, tags)
            if chat_id is not None
            else course_facilitated(uow, person.id, tags)
        )
        await require_facilitator(uow, course, person.id)
        starts_at, length = read_when(request.when, now, course.settings.timezone)
        if starts_at <= now:
            raise ParseError(PAST)
        token = secrets.token_urlsafe(18)
        session = await uow.guest_sessions.add(
            course,
            title,
            request.guest_username.lstrip("@"),
            token,
            starts_at,
            starts_at + length,
            person.id,
            now,
        )
        await _skip_reminders_past(uow, session.id, starts_at, now)
        for chat in await uow.courses.chats_of(course.id):
            # The announcement is also the chat's question board: its id is kept to edit it.
            notice = Notice(
                chat.id, NoticeKind.SESSION_ANNOUNCED, session_data(session), subject=f"board:{session.id}"
            )
            await uow.outbox.put(notice, now)
        await uow.commit()
    return session


async def _skip_reminders_past(uow: UnitOfWork, session_id: int, starts_at: datetime, now: datetime) -> None:
    """A reminder whose moment had already come when the session was scheduled (or moved) is
    marked done, not sent at the next tick: a session a few hours away gets no "a day before"
    warning the moment it is made, only the reminders that fall due after that."""
    for field, before, _who in REMINDERS:
        if now >= starts_at - before:
            await uow.guest_sessions.mark(session_id, field, now)


async def listed(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> list[GuestSession]:
    """/sessions: the chat's course, or in private the courses the person runs or learns in."""
    async with uow:
        if chat_id is not None:
            courses = [await course_for_command(uow, chat_id, tags)]
        else:
            courses = await uow.courses.facilitated_by(person_id) + await uow.learners.courses_of(person_id)
        return await uow.guest_sessions.of_courses(sorted({c.id for c in courses}))


async def _facilitated_session(uow: UnitOfWork, session_id: int, person_id: int) -> GuestSession:
    session = await uow.guest_sessions.get(session_id)
    if session is None:
        raise NotFound(N_("There is no session {number}."), number=session_id)
    await require_facilitator(uow, session.course, person_id)
    if not session.is_upcoming_or_live:
        raise NotFound(PHASE_SAID[session.phase], number=session_id)
    return session


async def _tell_everyone(uow: UnitOfWork, session: GuestSession, kind: NoticeKind, now: datetime) -> None:
    data = session_data(session)
    for chat in await uow.courses.chats_of(session.course.id):
        await uow.outbox.put(Notice(chat.id, kind, data), now)
    if session.guest_id is not None:
        await uow.outbox.put(Notice(session.guest_id, kind, data), now)


async def cancel(uow: UnitOfWork, session_id: int, person: Person, now: datetime) -> GuestSession:
    async with uow:
        session = await _facilitated_session(uow, session_id, person.id)
        await uow.guest_sessions.set_phase(session.id, Phase.CANCELLED, now)
        await _tell_everyone(uow, session, NoticeKind.SESSION_CANCELLED, now)
        await uow.commit()
    return session


async def move(uow: UnitOfWork, session_id: int, person: Person, when: str, now: datetime) -> GuestSession:
    async with uow:
        session = await _facilitated_session(uow, session_id, person.id)
        if session.phase is not Phase.COLLECTING:
            raise NotAllowed(N_("A session that has started can't be moved."))
        starts_at = parsing.moment(when, now, session.course.settings.timezone)
        if starts_at <= now:
            raise ParseError(PAST)
        ends_at = starts_at + (session.ends_at - session.starts_at)
        await uow.guest_sessions.move(session.id, starts_at, ends_at)
        await _skip_reminders_past(uow, session.id, starts_at, now)
        moved = GuestSession(
            session.id,
            session.course,
            session.title,
            session.guest_username,
            session.guest_id,
            session.invite_token,
            starts_at,
            ends_at,
            session.phase,
            session.opened_at,
        )
        await _tell_everyone(uow, moved, NoticeKind.SESSION_MOVED, now)
        await uow.commit()
    return moved


async def open_invite(uow: UnitOfWork, token: str, person: Person, now: datetime) -> GuestSession:
    """The guest opened the invite link: bind their account, once and for one account only."""
    async with uow:
        session = await uow.guest_sessions.by_token(token)
        if session is None or not session.is_upcoming_or_live:
            raise NotFound(N_("This invite link isn't valid any more. Ask the facilitators for a new one."))
        if session.guest_id is not None and session.guest_id != person.id:
            raise NotAllowed(N_("This invite has already been used by someone else."))
        await uow.people.seen(person, now)
        await uow.people.mark_started(person.id, now)
        if session.guest_id is None:
            await uow.guest_sessions.bind_guest(session.id, person.id, now)
        await uow.commit()
    return GuestSession(
        session.id,
        session.course,
        session.title,
        session.guest_username,
        person.id,
        session.invite_token,
        session.starts_at,
        session.ends_at,
        session.phase,
        now,
    )


async def send_reminders(uow: UnitOfWork, now: datetime) -> int:
    """Warn facilitators 24 h and 1 h before a start the guest hasn't prepared for; remind the
    guest 24 h and 15 min before. Each once; a moved session gets them again (those still
    ahead of it when it was scheduled or moved)."""
    sent = 0
    async with uow:
        for session, done in await uow.guest_sessions.starting_before(now + timedelta(hours=24)):
            if now >= session.starts_at:
                continue
            # Several due at once (the tick was held up): one message, the real time left.
            minutes = round((session.starts_at - now).total_seconds() / 60)
            left = {"before": parsing.format_duration(timedelta(minutes=minutes)), "before_minutes": minutes}
            for audience in ("facilitators", "guest"):
                due = [
                    f
                    for f, before, who in REMINDERS
                    if who == audience and f not in done and now >= session.starts_at - before
                ]
                if not due:
                    continue
                if audience == "facilitators" and session.guest_id is None:
                    sent += await _warn_facilitators(uow, session, left, now)
                elif audience == "guest" and session.guest_id is not None:
                    data = {**session_data(session), **left}
                    await uow.outbox.put(Notice(session.guest_id, NoticeKind.SESSION_REMINDER, data), now)
                    sent += 1
                for field in due:
                    await uow.guest_sessions.mark(session.id, field, now)
        await uow.commit()
    return sent


async def _warn_facilitators(
    uow: UnitOfWork, session: GuestSession, left: dict[str, object], now: datetime
) -> int:
    recipients = await uow.alerts.recipients(session.course.id)
    chats = recipients.destinations
    data = {**session_data(session), **left}
    for chat_id, thread_id in chats:
        await uow.outbox.put(Notice(chat_id, NoticeKind.GUEST_NOT_READY, data, thread_id), now)
    return len(chats)
