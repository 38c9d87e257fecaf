"""A catch-up over 10,000 collected posts, on the scale benchmark's database: the tick's job
(claim the follow, read the posts, rank them, queue the message and the file) and the sender's
rendering of both, for a course group's follow and for a person's private one (only the chats
they can read). Beside it, as the reference, the same posts ranked and turned into the notices'
data in memory: what the database adds to the work itself."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy import delete, insert, select, update

from benchmarks import bulk
from benchmarks.report import Figure, Report, median
from bot import render_following
from bot.runner import Flock
from facilitation import following
from facilitation.model import SharedPost
from facilitation.notices import NoticeKind
from storage.models import FollowRow, OutboxRow, SharedPostRow, ShareRow

TAG = "devcon26"
POSTS = 10_000
SOURCES = 20  # chats sharing the hashtag; half public
OTHER = 10_000  # posts under other hashtags, in the same chats: what the index must skip
RUNS = 5
LEARNER = 77_000_001  # follows privately; posted in none of the sources


def _post(n: int, tag: str) -> dict[str, object]:
    chat = -1_007_000_000_000 - n % SOURCES
    return {
        "hashtag": tag,
        "chat_id": chat,
        "message_id": 1000 + n,
        "thread_id": None,
        "chat_title": f"Event room {n % SOURCES}",
        "chat_username": f"event_room_{n % SOURCES}" if n % SOURCES % 2 == 0 else None,
        "author_id": 70_000_000 + n % 900,
        "author_name": f"Attendee {n % 900}",
        "text": f"#{tag} Notes from talk {n}: " + "what we learned about testing and delivery. " * 3,
        "links": json.dumps([f"https://example.com/talks/{n}"] if n % 7 == 0 else []),
        "posted_at": bulk.NOW - timedelta(hours=20) + timedelta(seconds=n * 7),
        "collected_at": bulk.NOW - timedelta(hours=20) + timedelta(seconds=n * 7),
        "reactions": n * 37 % 23,
        "replies": n * 11 % 7,
    }


async def _store(flock: Flock, course: bulk.Course) -> None:
    async with flock.sessions() as session, session.begin():
        shares = [
            {
                "chat_id": -1_007_000_000_000 - n,
                "hashtag": tag,
                "chat_title": f"Event room {n}",
                "chat_username": f"event_room_{n}" if n % 2 == 0 else None,
                "chat_kind": "supergroup",
                "shared_by": 70_000_000,
                "shared_at": bulk.NOW - timedelta(days=2),
            }
            for n in range(SOURCES)
            for tag in (TAG, "other26")
        ]
        await session.execute(insert(ShareRow), shares)
        rows = [_post(n, TAG) for n in range(POSTS)] + [_post(n, "other26") for n in range(OTHER)]
        for start in range(0, len(rows), 2_000):
            await session.execute(insert(SharedPostRow), rows[start : start + 2_000])
        for chat, course_id, person in ((course.chat_id, course.id, None), (LEARNER, None, LEARNER)):
            session.add(
                FollowRow(
                    hashtag=TAG,
                    course_id=course_id,
                    person_id=person,
                    chat_id=chat,
                    local_time="09:30",
                    timezone="UTC",
                    since=bulk.NOW - timedelta(days=1),
                    next_at=bulk.NOW,
                    created_by=course.facilitator,
                    created_at=bulk.NOW - timedelta(days=1),
                )
            )


async def _due_again(flock: Flock, chat_id: int) -> None:
    """The chat's follow due now, covering the last day; the other's tomorrow."""
    async with flock.sessions() as session, session.begin():
        await session.execute(
            update(FollowRow).values(since=bulk.NOW - timedelta(days=1), next_at=bulk.NOW + timedelta(days=1))
        )
        await session.execute(update(FollowRow).where(FollowRow.chat_id == chat_id).values(next_at=bulk.NOW))
        await session.execute(delete(OutboxRow).where(OutboxRow.kind.like("catch_up%")))


async def _render(flock: Flock, chat_id: int) -> int:
    """What the sender renders for the chat's queued catch-up; returns how many posts it listed."""
    async with flock.sessions() as session:
        rows = (
            await session.execute(
                select(OutboxRow.kind, OutboxRow.payload).where(
                    OutboxRow.chat_id == chat_id,
                    OutboxRow.kind.in_([NoticeKind.CATCH_UP, NoticeKind.CATCH_UP_FILE]),
                )
            )
        ).all()
    listed = 0
    for kind, payload in rows:
        data = json.loads(payload)
        if kind == NoticeKind.CATCH_UP:
            render_following.catch_up(data)
            listed = data["total"]
        else:
            render_following.catch_up_file(data)
    return listed


def _in_memory() -> float:
    """The reference: the posts ranked and made into the notices' data, without a database."""
    posts = [
        SharedPost(**{name: value for name, value in _post(n, TAG).items() if name in SharedPost._fields})  # type: ignore[arg-type]
        for n in range(POSTS)
    ]
    posts = [p._replace(links=tuple(json.loads(str(p.links)))) for p in posts]
    started = time.perf_counter()
    for _, data in following.catch_up(TAG, posts, bulk.NOW - timedelta(days=1), bulk.NOW):
        json.dumps(data, ensure_ascii=False)
    return time.perf_counter() - started


async def _one(
    flock: Flock, chat_id: int, capture: Callable[[], AbstractContextManager[None]]
) -> tuple[list[float], list[float], int]:
    """Tick-job and rendering times of the chat's catch-up, and how many posts it held. Only the
    tick job's statements are captured (for their plans), not the set-up between runs."""
    queued, rendered, listed = [], [], 0
    for _ in range(RUNS + 1):  # the first warms up
        await _due_again(flock, chat_id)
        with capture():
            started = time.perf_counter()
            await following.send_due(flock.runtime.uow(), bulk.NOW)
            queued.append(time.perf_counter() - started)
        started = time.perf_counter()
        listed = await _render(flock, chat_id)
        rendered.append(time.perf_counter() - started)
    return queued[1:], rendered[1:], listed


async def measure(
    report: Report,
    section: str,
    flock: Flock,
    course: bulk.Course,
    capture: Callable[[], AbstractContextManager[None]],
) -> None:
    await _store(flock, course)
    reference = _in_memory() * 1000
    queued, rendered, listed = await _one(flock, course.chat_id, capture)
    report.add(
        Figure(
            section,
            f"catch-up over {listed:,} posts, a course's: tick job",
            median(queued) * 1000,
            "ms",
            "< 500",
            reference,
            "ranked and made into data in memory",
            note=f"median of {RUNS}: claim, read, rank, queue message and file; "
            f"{OTHER:,} posts under another hashtag in the same chats",
        )
    )
    report.add(
        Figure(
            section,
            "that catch-up rendered (message and Markdown file)",
            median(rendered) * 1000,
            "ms",
            note=f"median of {RUNS}: what the sender does before sending",
        )
    )
    queued, rendered, listed = await _one(flock, LEARNER, capture)
    report.add(
        Figure(
            section,
            f"catch-up over {listed:,} posts, a person's (chats they can read): tick job",
            median(queued) * 1000,
            "ms",
            "< 500",
            note=f"median of {RUNS}; rendered in {median(rendered) * 1000:.0f} ms",
        )
    )
