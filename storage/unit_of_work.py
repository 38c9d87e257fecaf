"""Units of work: a transaction of their own (SqlUnitOfWork), or one update's share of an inbox
batch (storage/batch/unit_of_work.py). `units(sessions)` is the factory handlers and the tick
are given: inside an open batch it hands out that batch's units.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitation.ports import UnitOfWork, UnitOfWorkFactory
from storage.batch.unit_of_work import current_batch
from storage.repositories.plain import PlainRepositories


class SqlUnitOfWork(PlainRepositories):
    """One transaction; rolls back on exit unless committed."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._committed = False

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self._committed = False
        self.bind(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is None:
            return
        if not self._committed:
            await self._session.rollback()
        await self._session.close()
        self._session = None

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "unit of work used outside 'async with'"
        return self._session

    async def commit(self) -> None:
        await self.session.commit()
        self._committed = True


def units(sessions: async_sessionmaker[AsyncSession]) -> UnitOfWorkFactory:
    def unit() -> UnitOfWork:
        batch = current_batch()
        return batch.unit() if batch is not None else SqlUnitOfWork(sessions)

    return unit
