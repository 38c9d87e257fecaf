"""How the busy path's repositories write: one statement per kind of write, sent either at once
(DirectWrites) or, inside an inbox batch, held to the batch's end (storage/batch/buffer.py).

Each write names the rows it touches (`keys`) so that held writes can be regrouped without
changing the order of two writes to the same row.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert, UpdateBase

Keys = Iterable[Hashable]


class Writes(Protocol):
    async def insert(self, statement: Insert, values: Mapping[str, Any], keys: Keys = ()) -> int:
        """Inserts one row; returns its id."""
        ...

    async def execute(self, statement: UpdateBase, values: Mapping[str, Any], keys: Keys = ()) -> None: ...


class DirectWrites:
    """Every write at once, in the session's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, statement: Insert, values: Mapping[str, Any], keys: Keys = ()) -> int:
        result = await self.session.execute(_returning_id(statement), dict(values))
        row_id: int = result.scalar_one()
        return row_id

    async def execute(self, statement: UpdateBase, values: Mapping[str, Any], keys: Keys = ()) -> None:
        await self.session.execute(statement, dict(values))


@cache
def _returning_id(statement: Insert) -> ReturningInsert[int]:
    return statement.returning(statement.table.c.id)
