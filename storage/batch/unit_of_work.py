"""An inbox batch as a unit of work: one transaction for all the updates the inbox claimed.

    BatchUnitOfWork.open(sessions, hold=True)     the batch: its session and transaction
      ├── snapshot   what the batch read once for all its updates (snapshot.py)
      ├── buffer     the writes it holds to its end (buffer.py)
      └── unit()     one update's unit of work; each handler's `async with uow` is one
            ├── batch-aware repositories (repositories.py): buffer and snapshot
            └── every other repository, plain: the buffer is sent before it runs

A unit's writes are its own until it commits: a failing update's are dropped, and what they
changed in the snapshot with them (the whole snapshot is forgotten, then read again as needed).
A plain repository may read what the buffer holds and change what the snapshot knows, so before
one runs the buffer is sent (inside the unit's savepoint) and the snapshot forgotten.

Without holding (hold=False, the way a batch is redone when its held writes fail), each unit is
a SAVEPOINT with plain repositories.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from facilitation.languages import private_language
from storage import languages
from storage.batch import repositories as aware
from storage.batch import snapshot
from storage.batch.buffer import Unit, WriteBuffer, roll_back
from storage.batch.snapshot import Message, Snapshot
from storage.errors import HeldWritesFailed, is_transient
from storage.repositories.plain import PlainRepositories, Repositories
from storage.transfer import move_chat

_current: ContextVar[BatchUnitOfWork | None] = ContextVar("flock_batch", default=None)
_BATCH_AWARE = {
    "courses": aware.BatchCourses,
    "people": aware.BatchPeople,
    "learners": aware.BatchLearners,
    "questions": aware.BatchQuestions,
    "introductions": aware.BatchIntroductions,
    "followups": aware.BatchFollowups,
    "alerts": aware.BatchAlerts,
    "outbox": aware.BatchOutbox,
    "discussions": aware.BatchDiscussions,
    "search": aware.BatchSearch,
    "offers": aware.BatchOffers,
    "shares": aware.BatchShares,
    "stories": aware.BatchStories,
}


def current_batch() -> BatchUnitOfWork | None:
    return _current.get()


class BatchUnitOfWork:
    def __init__(self, session: AsyncSession, hold: bool) -> None:
        self.session = session
        self.buffer = WriteBuffer(session) if hold else None
        self.snapshot = Snapshot()
        self._repositories: dict[str, Any] | None = None

    @classmethod
    @asynccontextmanager
    async def open(cls, sessions: async_sessionmaker[AsyncSession], hold: bool) -> AsyncIterator[Self]:
        """The batch; every unit of work handed out meanwhile (storage.unit_of_work.units) is
        one of its units. Commits at the end, the buffer sent first."""
        async with sessions() as session, session.begin():
            batch = cls(session, hold)
            token = _current.set(batch)
            try:
                yield batch
                if batch.buffer is not None:
                    await batch.buffer.send(before_write=False)
            finally:
                _current.reset(token)

    async def read(
        self,
        chats: set[int],
        replies: set[Message],
        senders: set[int],
        edited: set[Message],
        to_bots: set[Message] | None = None,
        reacted: set[Message] | None = None,
        sourcing: set[int] | None = None,
        asking: dict[int, list[str]] | None = None,
        asked_from: datetime | None = None,
    ) -> None:
        """Reads the snapshot: what the batch's updates will read (snapshot.read says what).
        `to_bots`: the replies to a bot's message (None: any reply may be); `reacted`: the
        messages whose reactions changed; `sourcing`: the chats whose updates may be collected
        for a followed hashtag; `asking`: by chat, the texts of new messages that may ask
        questions (matched ahead), the earliest sent at `asked_from`."""
        if self.buffer is not None:
            self.snapshot = await snapshot.read(
                self.session, chats, replies, senders, edited, to_bots, reacted, sourcing, asking, asked_from
            )
            self._repositories = None

    def unit(self) -> UpdateUnitOfWork:
        if self._repositories is None:
            self._repositories = self._build()
        return UpdateUnitOfWork(self, self._repositories)

    async def person_language(self, person_id: int, app: str | None) -> str:
        """What is written to a person alone: their /language choice, else their app's language
        (`app`, as their update says). From the snapshot when it knows, else read."""
        stored = self.snapshot.people.get(person_id)
        if stored is not None and stored.languages_read:
            return private_language(stored.language, app)
        # Nothing sent first: no held write changes a /language choice (languages.NEVER_HELD).
        return private_language(await languages.chosen(self.session, person_id), app)

    async def group_language(self, chat_id: int) -> str:
        """What is written to a group: its course's language."""
        known = self.snapshot.chat_languages.get(chat_id)
        if known is None:  # courses and attachments are written by plain repositories only
            known = (await languages.of_groups(self.session, [chat_id]))[chat_id]
            self.snapshot.chat_languages[chat_id] = known
        return known

    async def before_plain(self) -> None:
        """A plain repository is about to run in this batch."""
        assert self.buffer is not None
        await self.buffer.send()
        self.snapshot.forget()
        self.buffer.renumber()  # it may insert rows: SQLite numbers after them

    def _build(self) -> dict[str, Any]:
        plain = PlainRepositories()
        plain.bind(self.session)
        found: dict[str, Any] = {}
        for name, repository in vars(plain).items():
            if name.startswith("_"):
                continue
            if self.buffer is None:
                found[name] = repository
            elif name in _BATCH_AWARE:
                batch_aware = _BATCH_AWARE[name](self.session, self.buffer, self.snapshot)
                found[name] = _SendsFirst(batch_aware, self, batch_aware.BATCH_AWARE)
            else:
                found[name] = _SendsFirst(repository, self, frozenset())
        return found


class _SendsFirst:
    """A repository in a holding batch: its batch-aware methods run as they are; any other runs
    after the batch's before_plain, and its ORM changes are flushed as it returns, so that they
    reach the database inside the update's savepoint and in order with the buffer."""

    def __init__(self, repository: Any, batch: BatchUnitOfWork, batch_aware: frozenset[str]) -> None:
        self._repository, self._batch, self._batch_aware = repository, batch, batch_aware

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._repository, name)
        if name in self._batch_aware:
            setattr(self, name, found)  # looked up once
            return found
        return self._plain(found)

    def _plain(self, method: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isasyncgenfunction(method):  # a reader that streams its rows (the export)

            async def streamed(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
                await self._batch.before_plain()
                async for item in method(*args, **kwargs):
                    yield item

            return streamed

        async def after_sending(*args: Any, **kwargs: Any) -> Any:
            await self._batch.before_plain()
            result = await method(*args, **kwargs)
            await self._batch.session.flush()
            return result

        return after_sending


class UpdateUnitOfWork(Repositories):
    """One update's unit of work in the batch (facilitation.ports.UnitOfWork)."""

    def __init__(self, batch: BatchUnitOfWork, repositories: dict[str, Any]) -> None:
        self.__dict__.update(repositories)
        self._batch = batch
        self._held: Unit | None = None
        self._savepoint: AsyncSessionTransaction | None = None
        self._committed = False

    async def __aenter__(self) -> Self:
        self._committed = False
        if self._batch.buffer is not None:
            self._held = self._batch.buffer.begin()
        else:
            self._savepoint = await self._batch.session.begin_nested()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._committed:
            return
        buffer = self._batch.buffer
        if buffer is not None and self._held is not None:
            outside_savepoint = self._held.savepoint is None
            if await buffer.rollback(self._held):
                self._batch.snapshot.forget()  # it may hold what this unit wrote
            if outside_savepoint and isinstance(exc, DBAPIError) and not is_transient(exc):
                # A statement failed with no savepoint to roll back to (PostgreSQL has aborted the
                # batch's transaction): the batch is done again without holding, this update alone
                # in its savepoint.
                raise HeldWritesFailed(f"a statement failed in a holding batch: {exc}") from exc
        elif self._savepoint is not None and self._savepoint.sync_transaction is not None:
            await roll_back(self._batch.session, self._savepoint.sync_transaction)

    async def commit(self) -> None:
        if self._committed:
            return
        if self._held is not None and self._batch.buffer is not None:
            await self._batch.buffer.commit(self._held)
        elif self._savepoint is not None:
            await self._savepoint.commit()
        self._committed = True

    async def move_chat(self, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        if self._batch.buffer is not None:
            await self._batch.before_plain()
        await move_chat(self._batch.session, old_chat_id, new_chat_id, now)
