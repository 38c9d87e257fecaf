"""Scheduled announcements: a facilitator's post, kept whole, goes out at its time in course time
(once, or every day, week or two weeks) to every attached chat or to one, pinned if asked.

The tick claims what is due and puts one notice per chat in the outbox in the same transaction
that moves the announcement to its next time: a restart posts nothing twice and skips nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from facilitation import gone_chats, parsing
from facilitation.errors import NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Announcement, AnnouncementContent, Person
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import course_facilitated, course_for_command, courses_run_by, require_facilitator

KINDS = ("text", "photo", "document")
DUE_AT_ONCE = 100  # claimed per tick; the rest at the next
PIN_WORDS = frozenset({"pin", "pinned", "épingler", "epingler", "épinglé", "epingle", "épingle"})
HERE_WORDS = frozenset({"here", "ici"})
EVERY_WORDS = frozenset({"every", "chaque"})
USAGE = N_(
    "Reply to a message you wrote with /announce TIME [every 1d|1w|2w] [pin] [here], "
    "or write the announcement on the lines after the command. "
    "TIME: tomorrow 09:00, 2026-12-01 09:00, in 2h, "
    "or once the course has a start date (/settings start 2026-12-01), week 3 mon 09:00 or day 10 09:00."
)
NOTHING = N_(
    "There is nothing to announce: reply to a message you wrote, or write the text after the command."
)
HERE_IN_GROUP = N_("“here” means the group you write it in: schedule it from there.")
NOT_PENDING = N_("There is no announcement {number} waiting to go out. /announcements lists them.")


@dataclass(frozen=True)
class Request:
    """`/announce <when> [every <period>] [pin] [here]`, as typed (hashtags aside)."""

    when: str
    every: str | None = None
    pin: bool = False
    here: bool = False


def read_request(words: list[str]) -> Request:
    """The words after the command: the flags wherever they are, the rest is the time."""
    when: list[str] = []
    every: str | None = None
    pin = here = False
    rest = iter(words)
    for word in rest:
        lower = word.lower()
        if lower in PIN_WORDS:
            pin = True
        elif lower in HERE_WORDS:
            here = True
        elif lower in EVERY_WORDS:
            every = next(rest, None)
            if every is None:
                raise ParseError(USAGE)
        else:
            when.append(word)
    if not when:
        raise ParseError(USAGE)
    return Request(" ".join(when), every, pin, here)


def read_when(text: str, now: datetime, course_timezone: str, starts_on: Any) -> datetime:
    if parsing.is_course_moment(text):
        return parsing.course_moment(text, course_timezone, starts_on)
    return parsing.moment(text, now, course_timezone)


def next_time(announcement: Announcement, after: datetime) -> datetime | None:
    """The next time after `after`, at the same course-time clock time (not a fixed number of
    hours later: a weekly 09:00 stays at 09:00 across a clock change); None if it was the last.
    Times missed while Flock was down are not made up: the late one goes out once."""
    if announcement.every_days is None or announcement.next_at is None:
        return None
    timezone = announcement.course.settings.timezone
    day = announcement.next_at.astimezone(ZoneInfo(timezone)).date()
    while True:
        day += timedelta(days=announcement.every_days)
        moment = parsing.local_moment(day, announcement.local_time, timezone)
        if moment > after:
            return moment


async def schedule(
    uow: UnitOfWork,
    chat_id: int | None,
    thread_id: int | None,
    person: Person,
    tags: list[str],
    request: Request,
    content: AnnouncementContent,
    now: datetime,
) -> Announcement:
    if content.kind not in KINDS or (content.kind == "text" and not content.html.strip()):
        raise ParseError(NOTHING)
    async with uow:
        course = await (
            course_for_command(uow, chat_id, tags)
            if chat_id is not None
            else course_facilitated(uow, person.id, tags)
        )
        await require_facilitator(uow, course, person.id)
        if request.here and chat_id is None:
            raise ParseError(HERE_IN_GROUP)
        settings = course.settings
        first = read_when(request.when, now, settings.timezone, settings.starts_on)
        if first <= now:
            raise ParseError(parsing.LONG_GONE)
        if first - now > parsing.MAX_AHEAD:
            raise ParseError(parsing.TOO_FAR)
        every = parsing.period_days(request.every) if request.every is not None else None
        chats = [(c.id, c.title) for c in await uow.courses.chats_of(course.id)]
        if request.here:
            chats = [(chat, title) for chat, title in chats if chat == chat_id]
        announcement = Announcement(
            0,
            course,
            content,
            first,
            first.astimezone(ZoneInfo(settings.timezone)).time().replace(microsecond=0),
            every,
            request.pin,
            chat_id if request.here else None,
            thread_id if request.here else None,
            tuple(chats),
        )
        added = await uow.announcements.add(announcement, person.id, now)
        await uow.commit()
    return added


async def listed(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> list[Announcement]:
    """/announcements: those still to go out, of the chat's course or the courses the person runs."""
    async with uow:
        courses = await courses_run_by(uow, chat_id, person_id, tags)
        return await uow.announcements.pending([c.id for c in courses])


async def cancel(uow: UnitOfWork, announcement_id: int, person: Person, now: datetime) -> Announcement:
    async with uow:
        found = await uow.announcements.get(announcement_id, lock=True)
        if found is None or found.next_at is None:
            raise NotFound(NOT_PENDING, number=announcement_id)
        await require_facilitator(uow, found.course, person.id)
        await uow.announcements.cancel(found.id, now)
        await uow.commit()
    return replace(found, next_at=None)


def data(announcement: Announcement) -> dict[str, Any]:
    return {
        "announcement_id": announcement.id,
        "course": announcement.course.tag,
        "kind": announcement.content.kind,
        "html": announcement.content.html,
        "file_id": announcement.content.file_id,
        "pin": announcement.pin,
    }


async def post_due(uow: UnitOfWork, now: datetime) -> int:
    """Each announcement due goes out to its chats still attached, once; a chat it was meant for
    that is gone (detached, or it removed Flock) is skipped and the facilitators told, once."""
    queued = 0
    async with uow:
        for announcement in await uow.announcements.due(now, DUE_AT_ONCE):
            attached = {chat.id for chat in await uow.courses.chats_of(announcement.course.id)}
            here = announcement.chat_id
            targets = [here] if here is not None else sorted(attached)
            posted = data(announcement)
            for chat in targets:
                if chat in attached:
                    thread = announcement.thread_id if here is not None else None
                    await uow.outbox.put(Notice(chat, NoticeKind.ANNOUNCEMENT, posted, thread), now)
                    queued += 1
            gone = gone_chats.untold(announcement.chats, attached, announcement.warned)
            warned = announcement.warned | {gone_chats.key(chat) for chat, _ in gone}
            if gone:
                queued += await gone_chats.tell(
                    uow, announcement.course.id, NoticeKind.ANNOUNCEMENT_SKIPPED, posted, gone, now
                )
            await uow.announcements.posted(announcement.id, next_time(announcement, now), warned, now)
        await uow.commit()
    return queued


async def pin_failed(uow: UnitOfWork, announcement_id: int, chat_id: int, reason: str, now: datetime) -> int:
    """Posted, but Telegram would not pin it (Flock is not an admin who may pin): the post stays,
    and the facilitators are told, once per announcement and chat."""
    async with uow:
        announcement = await uow.announcements.get(announcement_id, lock=True)
        key = f"pin:{chat_id}"
        if announcement is None or key in announcement.warned:
            return 0
        titles = dict(announcement.chats) | {
            c.id: c.title for c in await uow.courses.chats_of(announcement.course.id)
        }
        told = {**data(announcement), "chats": [titles.get(chat_id, str(chat_id))], "reason": reason[:200]}
        kind = NoticeKind.ANNOUNCEMENT_NOT_PINNED
        queued = await gone_chats.tell_facilitators(uow, announcement.course.id, kind, told, now)
        await uow.announcements.warned(announcement.id, announcement.warned | {key})
        await uow.commit()
    return queued
