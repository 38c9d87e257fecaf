"""Hashtags followed into chats, and the posts each catch-up holds."""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update

from facilitation.model import Follow, SharedPost
from storage.models import (
    AttachmentRow,
    FacilitatorRow,
    FollowRow,
    LearnerRow,
    SharedPostRow,
    ShareRow,
    UnrelayedRow,
    table_of,
)
from storage.repositories.base import Repository

_posts = table_of(SharedPostRow)
_POST_COLUMNS = [_posts.c[name] for name in SharedPost._fields]


_LINKS = SharedPost._fields.index("links")


def _read(values: tuple[Any, ...]) -> SharedPost:
    """A row of _POST_COLUMNS, by position: thousands of them make a catch-up."""
    links = values[_LINKS]
    found = tuple(json.loads(links)) if links != "[]" else ()
    return SharedPost._make((*values[:_LINKS], found, *values[_LINKS + 1 :]))


def read_follow(row: FollowRow) -> Follow:
    return Follow(
        row.id,
        row.hashtag,
        row.chat_id,
        row.thread_id,
        row.course_id,
        row.person_id,
        time.fromisoformat(row.local_time),
        row.timezone,
        row.since,
        row.next_at,
    )


def _readable_by(person_id: int) -> ColumnElement[bool]:
    """Chats a person can read, by what Flock has seen: public ones (they have a username), those
    they posted in, and those of the courses they take part in or run."""
    posted_in = select(SharedPostRow.chat_id).where(SharedPostRow.author_id == person_id)
    courses = (
        select(LearnerRow.course_id)
        .where(LearnerRow.person_id == person_id)
        .union(select(FacilitatorRow.course_id).where(FacilitatorRow.person_id == person_id))
    )
    attached = select(AttachmentRow.chat_id).where(AttachmentRow.course_id.in_(courses), AttachmentRow.active)
    return or_(
        SharedPostRow.chat_username.is_not(None),
        SharedPostRow.chat_id.in_(posted_in),
        SharedPostRow.chat_id.in_(attached),
    )


class SqlFollows(Repository):
    async def add(self, follow: Follow, created_by: int, now: datetime) -> Follow:
        row = await self.session.scalar(
            select(FollowRow).where(FollowRow.chat_id == follow.chat_id, FollowRow.hashtag == follow.hashtag)
        )
        if row is None:
            row = FollowRow(
                hashtag=follow.hashtag,
                course_id=follow.course_id,
                person_id=follow.person_id,
                chat_id=follow.chat_id,
                since=follow.since,
                created_by=created_by,
                created_at=now,
            )
            self.session.add(row)
        # Followed again: the new time, and the window it has (nothing collected is skipped).
        row.thread_id, row.local_time = follow.thread_id, follow.at.strftime("%H:%M")
        row.timezone, row.next_at = follow.timezone, follow.next_at
        await self.session.flush()
        return read_follow(row)

    async def remove(self, chat_id: int, hashtag: str) -> bool:
        removed = await self.session.execute(
            delete(FollowRow).where(FollowRow.chat_id == chat_id, FollowRow.hashtag == hashtag)
        )
        return bool(removed.rowcount)  # type: ignore[attr-defined]

    async def of_chat(self, chat_id: int) -> list[Follow]:
        rows = await self.session.scalars(
            select(FollowRow).where(FollowRow.chat_id == chat_id).order_by(FollowRow.hashtag)
        )
        return [read_follow(row) for row in rows]

    async def due(self, now: datetime, limit: int) -> list[Follow]:
        rows = await self.session.scalars(
            select(FollowRow)
            .where(FollowRow.next_at <= now)
            .order_by(FollowRow.next_at, FollowRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # another process sends these
        )
        return [read_follow(row) for row in rows]

    async def catch_up(self, follow: Follow, until: datetime) -> list[SharedPost]:
        # The chats sharing it now, read once (a list, not a probe per post).
        still_shared = select(ShareRow.chat_id).where(ShareRow.hashtag == follow.hashtag)
        unrelayed = select(UnrelayedRow.person_id)
        # Core rows, not ORM objects: a catch-up may hold thousands (benchmarks/following.py).
        query = select(*_POST_COLUMNS).where(
            SharedPostRow.hashtag == follow.hashtag,
            SharedPostRow.collected_at >= follow.since,  # [since, until): each post once
            SharedPostRow.collected_at < until,
            SharedPostRow.chat_id != follow.chat_id,
            SharedPostRow.chat_id.in_(still_shared),
            SharedPostRow.author_id.not_in(unrelayed),
        )
        if follow.person_id is not None:
            query = query.where(_readable_by(follow.person_id))
        return [_read(tuple(row)) for row in await self.session.execute(query)]

    async def caught_up(self, follow_id: int, since: datetime, next_at: datetime) -> None:
        await self.session.execute(
            update(FollowRow).where(FollowRow.id == follow_id).values(since=since, next_at=next_at)
        )
