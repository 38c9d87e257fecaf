"""What every repository shares: the session and a portable upsert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base
from storage.search_index import IndexWrites, dialect_of
from storage.writes import DirectWrites, Writes

__all__ = ["Repository", "dialect_of"]


class Repository:
    """writes: where the busy path's writes go (at once, unless an inbox batch holds them)."""

    def __init__(self, session: AsyncSession, writes: Writes | None = None) -> None:
        self.session = session
        self.writes: Writes = writes if writes is not None else DirectWrites(session)

    @property
    def index(self) -> IndexWrites:
        """The search index's share of this repository's writes (storage/search_index.py)."""
        return IndexWrites(self.session, self.writes)

    async def upsert(
        self,
        model: type[Base],
        values: Mapping[str, Any],
        keys: Sequence[str],
        update: Mapping[str, Any] | None = None,
    ) -> None:
        """Insert a row, or on a key conflict update the given columns (or do nothing)."""
        dialect = dialect_of(self.session)
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(model).values(**values)
        if update:
            statement = statement.on_conflict_do_update(index_elements=list(keys), set_=dict(update))
        else:
            statement = statement.on_conflict_do_nothing(index_elements=list(keys))
        await self.session.execute(statement)
