"""What a Flock process remembers between units of work, so that the busy path (every message in
a course group) need not read or write again what has not changed: the courses attached to a
chat, and the name each person was last stored under.

Kept per database engine. Learned only from committed transactions: a batch that rolls back
(a crash, a failing update) teaches nothing. A transaction that changes attachments or course
settings reads past the cache and empties it when it commits. Entries expire, so a change made
by another Flock process sharing the database is seen within the expiry (see the callers for
what each expiry means).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from facilitation.model import Attachment

CHATS_TTL = 10.0  # seconds an attachment list is used for messages before it is read again
PEOPLE_TTL = 60.0  # seconds a person's stored name (and last seen time) is trusted

_PENDING = "flock_cache_pending"  # session.info: what to learn when the transaction commits
_CHANGED = "flock_courses_changed"  # session.info: attachments or settings changed in it


@dataclass
class ProcessCache:
    attachments: dict[int, tuple[float, list[Attachment]]] = field(default_factory=dict)
    people: dict[int, tuple[float, str, str | None]] = field(default_factory=dict)


_caches: WeakKeyDictionary[Any, ProcessCache] = WeakKeyDictionary()


def cache_of(session: AsyncSession) -> ProcessCache:
    engine = session.bind
    found = _caches.get(engine)
    if found is None:
        found = _caches[engine] = ProcessCache()
    return found


def now() -> float:
    return time.monotonic()


def attachments(session: AsyncSession, chat_id: int) -> list[Attachment] | None:
    """The chat's attachments as last learned, unless too old or changed in this transaction."""
    if session.info.get(_CHANGED):
        return None
    entry = cache_of(session).attachments.get(chat_id)
    if entry is None or now() - entry[0] > CHATS_TTL:
        return None
    return entry[1]


def learn_attachments(session: AsyncSession, chat_id: int, found: list[Attachment]) -> None:
    if session.info.get(_CHANGED):
        return
    cache, at = cache_of(session), now()
    _on_commit(session, lambda: cache.attachments.__setitem__(chat_id, (at, found)))


def forget_attachments(session: AsyncSession, chat_id: int) -> None:
    cache_of(session).attachments.pop(chat_id, None)


def courses_changed(session: AsyncSession) -> None:
    """Attachments or course settings change in this transaction: nothing cached is used in it,
    and once it commits the whole list is read again."""
    session.info[_CHANGED] = True
    cache = cache_of(session)
    _on_commit(session, cache.attachments.clear)


def person_unchanged(session: AsyncSession, person_id: int, name: str, username: str | None) -> bool:
    entry = cache_of(session).people.get(person_id)
    return entry is not None and now() - entry[0] <= PEOPLE_TTL and entry[1:] == (name, username)


def learn_person(session: AsyncSession, person_id: int, name: str, username: str | None) -> None:
    cache, at = cache_of(session), now()
    _on_commit(session, lambda: cache.people.__setitem__(person_id, (at, name, username)))


def _on_commit(session: AsyncSession, learn: Callable[[], None]) -> None:
    session.info.setdefault(_PENDING, []).append(learn)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for learn in session.info.pop(_PENDING, []):
        learn()
    session.info.pop(_CHANGED, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: Any) -> None:
    # Also a savepoint's rollback: forgetting what the others learned only costs a read later.
    session.info.pop(_PENDING, None)
    if not session.in_transaction():
        session.info.pop(_CHANGED, None)
