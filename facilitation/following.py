"""Following a hashtag from afar: a daily catch-up of what its sources posted.

A facilitator's `/follow #tag [at 18:00]` in a course group, or anyone's in private who takes
part in a course Flock runs, asks for one catch-up a day at that time (course time; default the
course's digest time) of the posts collected under #tag (facilitation/sharing.py) since the last
one: most reactions and replies first, the links shared listed apart, the first ten in the
message and all of them in a Markdown file when there are more. Nothing is sent on a day with
nothing new. A private catch-up holds only posts from chats its reader can read: public ones,
and those Flock has seen them in.

The tick claims the follows due (`FOR UPDATE SKIP LOCKED`) and queues the catch-up in the same
transaction that moves the follow to its next day: a restart sends nothing twice and loses
nothing collected meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from facilitation import parsing
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Course, Follow, SharedPost
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import course_for_command, require_facilitator

SHOWN = 10  # posts, and links, in the message; all of them go in the file when there are more
EXCERPT = 280  # characters of a post's text in the message
DUE_AT_ONCE = 20  # follows claimed per tick; the rest at the next
KEPT = timedelta(days=14)  # a collected post, for follows that missed days (Flock down, a new follow)
DEFAULT_AT = time(8, 0)  # when a course has no digest time, or a private follower no course
AT_WORDS = frozenset({"at", "à", "a"})
USAGE = N_("Name the hashtag to follow, like /follow #devcon26 or /follow #devcon26 at 18:00.")
UNFOLLOW_USAGE = N_("Name the hashtag to stop following, like /unfollow #devcon26.")
NOT_FOLLOWED = N_("#{tag} isn't followed here.")
FACILITATORS_FOLLOW = N_(
    "Only facilitators of {course} can follow a hashtag for this group. To get the catch-up of "
    "#{tag} yourself, send me /follow #{tag} in a private chat."
)
NOT_A_COURSE = N_(
    "Hashtags are followed into a course's group, by its facilitators. To follow #{tag} yourself, "
    "send me /follow #{tag} in a private chat."
)
STRANGERS = N_(
    "Following a hashtag is for the people of a course Flock runs: post in your course's group "
    "first, then try again."
)


@dataclass(frozen=True)
class Followed:
    """The follow as it now is, the course it is for (or, in private, the follower's), and how
    many chats share its hashtag so far."""

    follow: Follow
    course: Course
    sources: int


@dataclass(frozen=True)
class Request:
    """`/follow #tag [#course] [at 18:00]`, as typed."""

    hashtag: str
    course_tags: list[str]
    at: time | None


def read_request(words: list[str]) -> Request:
    tags = [tag for word in words for tag in parsing.hashtags(word)]
    if not tags:
        raise ParseError(USAGE)
    rest = [w for w in words if not w.startswith("#") and w.lower() not in AT_WORDS]
    at = parsing.clock_time(rest[0]) if rest else None
    return Request(tags[0], tags[1:], at)


def next_time(at: time, timezone: str, after: datetime) -> datetime:
    """The first moment after `after` when it is `at` in that zone."""
    day = after.astimezone(ZoneInfo(timezone)).date()
    while True:
        moment = parsing.local_moment(day, at, timezone)
        if moment > after:
            return moment
        day += timedelta(days=1)


def _when(course: Course, at: time | None) -> time:
    return at or course.settings.digest_at or DEFAULT_AT


async def follow(
    uow: UnitOfWork,
    chat_id: int | None,
    thread_id: int | None,
    person_id: int,
    request: Request,
    now: datetime,
) -> Followed:
    """In a course group (`chat_id`): for the course, by a facilitator. In private: for the person,
    at the time of their course (the first they take part in)."""
    async with uow:
        if chat_id is not None:
            if not await uow.courses.attachments(chat_id):  # an event's group, say
                raise NotAllowed(NOT_A_COURSE, tag=request.hashtag)
            course = await course_for_command(uow, chat_id, request.course_tags)
            if not await uow.courses.is_facilitator(course.id, person_id):
                raise NotAllowed(FACILITATORS_FOLLOW, course=course.tag, tag=request.hashtag)
            at, zone = _when(course, request.at), course.settings.timezone
            destination, owner = chat_id, None
        else:
            courses = [
                *await uow.courses.facilitated_by(person_id),
                *await uow.learners.courses_of(person_id),
            ]
            if not courses:
                raise NotAllowed(STRANGERS)
            course = courses[0]
            at, zone = _when(course, request.at), course.settings.timezone
            destination, owner, thread_id = person_id, person_id, None
        wanted = Follow(
            0,
            request.hashtag,
            destination,
            thread_id,
            course.id if owner is None else None,
            owner,
            at,
            zone,
            now,
            next_time(at, zone, now),
        )
        found = await uow.follows.add(wanted, person_id, now)
        sources = await uow.shares.sources(request.hashtag)
        await uow.commit()
    return Followed(found, course, sources)


async def unfollow(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> str:
    if not tags:
        raise ParseError(UNFOLLOW_USAGE)
    tag = tags[0]
    async with uow:
        if chat_id is not None:
            if not await uow.courses.attachments(chat_id):  # nothing is ever followed into it
                raise NotFound(NOT_FOLLOWED, tag=tag)
            course = await course_for_command(uow, chat_id, tags[1:])
            await require_facilitator(uow, course, person_id)
        if not await uow.follows.remove(chat_id if chat_id is not None else person_id, tag):
            raise NotFound(NOT_FOLLOWED, tag=tag)
        await uow.commit()
    return tag


async def listed(uow: UnitOfWork, chat_id: int) -> list[Follow]:
    """/following: what the chat (a group, or a person's private chat) follows."""
    async with uow:
        return await uow.follows.of_chat(chat_id)


def ranked(posts: list[SharedPost]) -> list[SharedPost]:
    """Most reactions and replies first; among equals, the earliest."""
    return sorted(posts, key=lambda p: (-p.reactions - p.replies, p.posted_at, p.chat_id, p.message_id))


def _source(post: SharedPost) -> dict[str, Any]:
    """Who posted it where, and what links to it."""
    return {
        "author": post.author_name,
        "chat": post.chat_title,
        "username": post.chat_username,
        "chat_id": post.chat_id,
        "message_id": post.message_id,
        "thread_id": post.thread_id,
    }


def excerpt(text: str) -> str:
    """A post's text as the catch-up message quotes it."""
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def post_data(post: SharedPost) -> dict[str, Any]:
    return {
        **_source(post),
        "text": excerpt(post.text),
        "links": list(post.links),
        "reactions": post.reactions,
        "replies": post.replies,
    }


# The file's posts, a row each in this order (thousands: no key repeated in each).
FILE_COLUMNS = (
    "author",
    "chat",
    "username",
    "chat_id",
    "message_id",
    "thread_id",
    "text",
    "links",
    "reactions",
    "replies",
    "at",
)


def _file_row(p: SharedPost) -> list[Any]:
    return [
        p.author_name,
        p.chat_title,
        p.chat_username,
        p.chat_id,
        p.message_id,
        p.thread_id,
        p.text,
        p.links,
        p.reactions,
        p.replies,
        int(p.posted_at.timestamp()),
    ]


def catch_up(
    tag: str, posts: list[SharedPost], since: datetime, until: datetime, timezone: str = "UTC"
) -> list[tuple[NoticeKind, dict[str, Any]]]:
    """The catch-up message, and the file of all posts when there are more than SHOWN; `since`
    is told in the follow's time zone."""
    order = ranked(posts)
    links: dict[str, SharedPost] = {}
    for post in order:
        for url in post.links:
            links.setdefault(url, post)
    shown_links = list(links.items())[:SHOWN]
    message = {
        "tag": tag,
        "total": len(order),
        "posts": [post_data(p) for p in order[:SHOWN]],
        "links": [{"url": url, **_source(p)} for url, p in shown_links],
        "more_links": max(0, len(links) - SHOWN),
        "since": since.isoformat(),
        "until": until.isoformat(),
        "timezone": timezone,
    }
    notices = [(NoticeKind.CATCH_UP, message)]
    if len(order) > SHOWN:
        rows = [_file_row(p) for p in order]
        told = {"tag": tag, "since": message["since"], "until": message["until"], "timezone": timezone}
        notices.append((NoticeKind.CATCH_UP_FILE, {**told, "posts": rows}))
    return notices


async def send_due(uow: UnitOfWork, now: datetime) -> int:
    """Each follow due gets its catch-up queued, unless nothing new was collected, and moves to
    its next day; returns how many messages were queued."""
    queued = 0
    async with uow:
        for follow in await uow.follows.due(now, DUE_AT_ONCE):
            posts = await uow.follows.catch_up(follow, now)
            if posts:
                for kind, data in catch_up(follow.hashtag, posts, follow.since, now, follow.timezone):
                    await uow.outbox.put(Notice(follow.chat_id, kind, data, follow.thread_id), now)
                    queued += 1
            await uow.follows.caught_up(follow.id, now, next_time(follow.at, follow.timezone, now))
        await uow.commit()
    return queued


async def prune(uow: UnitOfWork, now: datetime) -> int:
    """The tick's: posts collected more than KEPT ago are deleted; every daily catch-up has
    long had them (a follow is due every day)."""
    async with uow:
        await uow.shares.prune(now - KEPT)
        await uow.commit()
    return 0  # nothing queued for the outbox
