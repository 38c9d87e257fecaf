"""The unit of work: one transaction, or one savepoint inside an inbox batch.

The inbox commits once per batch of updates (DESIGN.md, "Updates in"). While a batch is open,
each unit of work is a SAVEPOINT in the batch's transaction, so a failing update undoes only
its own changes and the batch's commit makes all the others durable together. A batch that
holds writes (storage/held.py) keeps each unit's writes apart until it commits instead, and
begins its SAVEPOINT only when something of it must reach the database sooner.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from facilitation.ports import (
    AlertRepository,
    CourseRepository,
    DigestRepository,
    FollowupRepository,
    GreetingRepository,
    GuestBatchRepository,
    GuestQuestionRepository,
    GuestSessionRepository,
    IntroductionRepository,
    LearnerRepository,
    Outbox,
    PersonRepository,
    PrivacyRepository,
    QuestionRepository,
)
from storage import held
from storage.repositories.alerts import SqlAlerts
from storage.repositories.courses import SqlCourses
from storage.repositories.digests import SqlDigests
from storage.repositories.followups import SqlFollowups
from storage.repositories.guest_batches import SqlGuestBatches
from storage.repositories.guest_questions import SqlGuestQuestions
from storage.repositories.guest_sessions import SqlGuestSessions
from storage.repositories.introductions import SqlIntroductions
from storage.repositories.messaging import SqlGreetings, SqlOutbox
from storage.repositories.people import SqlLearners, SqlPeople
from storage.repositories.privacy import SqlPrivacy
from storage.repositories.questions import SqlQuestions
from storage.transfer import move_chat

_batch: ContextVar[AsyncSession | None] = ContextVar("flock_batch_session", default=None)


@asynccontextmanager
async def batch(
    sessions: async_sessionmaker[AsyncSession], hold_writes: bool = False
) -> AsyncIterator[AsyncSession]:
    """One transaction shared by every unit of work opened inside; commits at the end. With
    hold_writes, the busy path's writes wait for the end and go together (storage/held.py)."""
    async with sessions() as session, session.begin():
        token = _batch.set(session)
        if hold_writes:
            held.hold(session)
        try:
            yield session
            await held.release(session)
        finally:
            held.forget(session)
            _batch.reset(token)


class SqlUnitOfWork:
    courses: CourseRepository
    people: PersonRepository
    learners: LearnerRepository
    introductions: IntroductionRepository
    questions: QuestionRepository
    greetings: GreetingRepository
    alerts: AlertRepository
    followups: FollowupRepository
    guest_sessions: GuestSessionRepository
    guest_questions: GuestQuestionRepository
    guest_batches: GuestBatchRepository
    digests: DigestRepository
    privacy: PrivacyRepository
    outbox: Outbox

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._savepoint: AsyncSessionTransaction | None = None
        self._held: held.Held | None = None
        self._unit: held.Unit | None = None
        self._committed = False

    async def __aenter__(self) -> Self:
        shared = _batch.get()
        self._held = held.of(shared) if shared is not None else None
        self._savepoint = None
        if shared is None:
            session = self._sessions()
        elif self._held is not None:
            session = shared
            self._unit = self._held.begin()
        else:
            session = shared
            self._savepoint = await shared.begin_nested()
        self._session = session
        self._committed = False
        self.courses = SqlCourses(session)
        self.people = SqlPeople(session)
        self.learners = SqlLearners(session)
        self.introductions = SqlIntroductions(session)
        self.questions = SqlQuestions(session)
        self.greetings = SqlGreetings(session)
        self.alerts = SqlAlerts(session)
        self.followups = SqlFollowups(session)
        self.guest_sessions = SqlGuestSessions(session)
        self.guest_questions = SqlGuestQuestions(session)
        self.guest_batches = SqlGuestBatches(session)
        self.digests = SqlDigests(session)
        self.privacy = SqlPrivacy(session)
        self.outbox = SqlOutbox(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._held is not None and self._unit is not None:
            if not self._committed:
                await self._held.rollback(self.session, self._unit)
        elif self._savepoint is not None:
            savepoint = self._savepoint.sync_transaction
            if not self._committed and savepoint is not None:
                await held.roll_back(self.session, savepoint)
        elif self._session is not None:
            if not self._committed:
                await self._session.rollback()
            await self._session.close()
        self._session = None

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "unit of work used outside 'async with'"
        return self._session

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        await move_chat(self.session, old_chat_id, new_chat_id)

    async def commit(self) -> None:
        if self._held is not None and self._unit is not None:
            await self._held.commit(self.session, self._unit)
        elif self._savepoint is not None:
            await self._savepoint.commit()
        else:
            await self.session.commit()
        self._committed = True
