"""The writes an inbox batch holds to its end, sent as one executemany per statement.

Round trips, not SQL, bound how fast messages are taken in: every statement costs a hop to the
database (aiosqlite's thread, asyncpg's socket) worth dozens of times what SQLite spends on it.

Each update's unit of work keeps its writes apart until it commits, so a failing update's are
dropped; its SAVEPOINT is begun only when something of it must reach the database before the
batch ends (the batch unit of work sends the buffer before a plain repository runs), so most
updates need none. Writes sharing a key keep their order; tables are written parents first.

The search index's writes (storage/search_index.py) are derived: each indexes its rows as they
are when it runs. A read of the rows sends the rows' writes and holds the index's back, to go
with the next send that needs them (a match of a new question, a plain repository, the batch's
end): sent that late they still index the final state, once per row however often the batch
changed it.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Insert, Table, func, select
from sqlalchemy.exc import ResourceClosedError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import UpdateBase

from storage.errors import HeldWritesFailed, is_transient
from storage.models import Base
from storage.repositories.base import dialect_of
from storage.search_index import is_index_table, joined, packed
from storage.writes import Keys

ID_BLOCK = 100  # ids a process takes from a PostgreSQL sequence at once
_ORDER = {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}
# Sequence values are a process's own until used, whatever becomes of the batch that took them.
_sequence_pools: WeakKeyDictionary[Any, dict[str, deque[int]]] = WeakKeyDictionary()  # by engine
_NUMBERED = (
    "questions",
    "answers",
    "introductions",
    "discussion_answers",
)  # the tables whose rows the batch numbers
_HIGHEST = select(*(select(func.max(Base.metadata.tables[t].c.id)).scalar_subquery() for t in _NUMBERED))


@dataclass(slots=True)
class _Write:
    statement: UpdateBase
    params: dict[str, Any]
    keys: frozenset[Hashable]
    table: str = field(init=False)
    derived: bool = field(init=False)  # the search index's: it may wait for a later send

    def __post_init__(self) -> None:
        self.table, self.derived = _written_to(self.statement)


@lru_cache(maxsize=512)  # the busy path's statements are built once each
def _written_to(statement: UpdateBase) -> tuple[str, bool]:
    """The table a statement writes, and whether it is the index's."""
    name = str(statement.table.name)  # type: ignore[union-attr]
    return name, is_index_table(name)


@dataclass
class Unit:
    """One update's writes, kept apart until its unit of work commits."""

    writes: list[_Write] = field(default_factory=list)
    savepoint: SessionTransaction | None = None


class WriteBuffer:
    """Implements storage.writes.Writes for the batch's busy-path repositories."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._done: list[_Write] = []  # of committed units of work
        self._units: list[Unit] = []  # open units of work, outermost first
        self._postgresql = dialect_of(session) == "postgresql"
        self._ids: dict[str, deque[int]] = {}  # SQLite: numbered for this batch
        self._highest: dict[str, int] = {}  # the highest id handed out, by table
        self._stored: dict[str, int] | None = None  # SQLite: the highest ids stored
        self._sending = False

    @property
    def holding(self) -> set[str]:
        """The tables that writes are held for (none while they are being sent)."""
        if self._sending:
            return set()
        held = [*self._done, *(write for unit in self._units for write in unit.writes)]
        return {write.table for write in held}

    @property
    def holding_rows(self) -> bool:
        """Writes to the models' tables are held (the index's alone can wait for a read of it)."""
        if self._sending:
            return False
        return any(not write.derived for write in chain(self._done, *(u.writes for u in self._units)))

    # Writes ------------------------------------------------------------------------------------

    async def insert(self, statement: Insert, values: Mapping[str, Any], keys: Keys = ()) -> int:
        table: Table = statement.table  # type: ignore[assignment]
        row_id = await self._new_id(table)
        self._hold(statement, {"id": row_id, **values}, [(table.name, row_id), *keys])
        return row_id

    async def execute(self, statement: UpdateBase, values: Mapping[str, Any], keys: Keys = ()) -> None:
        self._hold(statement, dict(values), keys)

    def _hold(self, statement: UpdateBase, values: dict[str, Any], keys: Keys) -> None:
        self._holding_now.append(_Write(statement, values, frozenset(keys)))

    @property
    def _holding_now(self) -> list[_Write]:
        """Where a write goes now: the innermost open unit's, else the finished ones'."""
        return self._units[-1].writes if self._units else self._done

    # Units of work -----------------------------------------------------------------------------

    def begin(self) -> Unit:
        unit = Unit()
        self._units.append(unit)
        return unit

    async def commit(self, unit: Unit) -> None:
        if unit not in self._units:
            return  # committed already
        self._units.remove(unit)
        (self._units[-1].writes if self._units else self._done).extend(unit.writes)
        savepoint = unit.savepoint
        if savepoint is not None and savepoint.is_active:
            await self._session.run_sync(lambda _: savepoint.commit())

    async def rollback(self, unit: Unit) -> bool:
        """Drops the unit's writes; True when it had changed anything."""
        if unit not in self._units:
            return False
        self._units.remove(unit)
        if unit.savepoint is not None:
            await roll_back(self._session, unit.savepoint)
        return bool(unit.writes) or unit.savepoint is not None

    # Sending -----------------------------------------------------------------------------------

    async def send(self, before_write: bool = True, index: Collection[str] | None = None) -> None:
        """Everything held, in order: the finished units' writes, then each open unit's inside its
        savepoint, begun now if need be (always before_write: what runs next must undo with its
        unit). `index`: the search index's tables whose writes go too (None: all of them); the
        others' stay held."""
        await self._session.run_sync(self._send, before_write, index)

    def _send(self, session: Session, before_write: bool, index: Collection[str] | None) -> None:
        self._sending = True
        try:
            self._send_all(session, before_write, index)
        finally:
            self._sending = False

    def _send_all(self, session: Session, before_write: bool, index: Collection[str] | None) -> None:
        writes, self._done = _sent_now(self._done, index)
        sent = bool(writes)
        if writes:
            try:
                _execute(session, writes)
            except Exception as error:
                if is_transient(error):
                    raise  # the database is away: the batch is retried as it is, later
                raise HeldWritesFailed(str(error)) from error
        for unit in self._units:
            writes, unit.writes = _sent_now(unit.writes, index)
            if unit.savepoint is None and (before_write or writes):
                unit.savepoint = session.begin_nested()
            if writes:
                _execute(session, writes)
                sent = True
        if sent:  # rows loaded earlier in the batch may be stale now: they are loaded again
            session.expire_all()

    # Ids ---------------------------------------------------------------------------------------

    def renumber(self) -> None:
        """Something outside the buffer may have inserted rows: SQLite numbers after them."""
        self._ids.clear()
        self._stored = None

    async def _new_id(self, table: Table) -> int:
        """An id for a row inserted later in the batch: from the sequence in blocks (PostgreSQL),
        or after the highest stored (SQLite: the batch holds the only write lock)."""
        pools = _sequence_pools.setdefault(self._session.bind, {}) if self._postgresql else self._ids
        free = pools.setdefault(table.name, deque())
        if not free:
            if self._postgresql:
                sequence = func.pg_get_serial_sequence(table.name, "id")
                found = await self._session.scalars(
                    select(func.nextval(sequence)).select_from(func.generate_series(1, ID_BLOCK))
                )
                free.extend(found)
            else:  # the stored rows and the batch's own held ones: no need to send those first
                if self._stored is None:  # every numbered table in one statement
                    highest = (await self._session.execute(_HIGHEST)).one()
                    self._stored = {name: value or 0 for name, value in zip(_NUMBERED, highest, strict=True)}
                start = max(self._stored.get(table.name, 0), self._highest.get(table.name, 0)) + 1
                free.extend(range(start, start + ID_BLOCK))
        handed = free.popleft()
        self._highest[table.name] = max(handed, self._highest.get(table.name, 0))
        return handed


async def roll_back(session: AsyncSession, savepoint: SessionTransaction) -> None:
    """Rolls the savepoint back, also when a failed flush left it inactive (the session refuses
    everything until then), unless it is over already."""
    with contextlib.suppress(ResourceClosedError):
        await session.run_sync(lambda _: savepoint.rollback())


def _sent_now(writes: list[_Write], index: Collection[str] | None) -> tuple[list[_Write], list[_Write]]:
    """The writes to send now, and those still held."""
    if index is None:
        return writes, []
    now: list[_Write] = []
    held: list[_Write] = []
    for write in writes:
        (held if write.derived and write.table not in index else now).append(write)
    return now, held


@dataclass
class _Group:
    statement: UpdateBase
    rows: list[dict[str, Any]]
    keys: set[Hashable]
    indexed: set[tuple[Any, ...]] = field(default_factory=set)  # the index's rows in it, once each

    def add(self, write: _Write) -> None:
        self.keys |= write.keys
        if write.derived:  # an index write indexes its row as it is when it runs: once is enough
            row = tuple(write.params.items())
            if row in self.indexed:
                return
            self.indexed.add(row)
        self.rows.append(write.params)


def _execute(session: Session, writes: list[_Write]) -> None:
    """Each table's writes in one executemany per run of one statement, parents first. A write
    moves up to join its statement's group unless a write in between shares a key with it; one
    that joins none starts a group as early as that allows (an edit's "stems out" goes before
    the batch's "stems in", and its own "stems in" joins theirs)."""
    tables: dict[str, list[_Group]] = {}
    for write in writes:
        groups = tables.setdefault(write.table, [])
        into: _Group | None = None
        at = len(groups)
        for position in range(len(groups) - 1, -1, -1):
            group = groups[position]
            if group.statement is write.statement:
                into = group
                break
            if group.keys & write.keys:
                break
            at = position
        if into is None:
            into = _Group(write.statement, [], set())
            groups.insert(at, into)
        into.add(write)
    connection = session.connection()
    dialect = connection.dialect.name
    index: list[tuple[Any, Any]] = []
    for name in sorted(tables, key=lambda t: _ORDER.get(t, len(_ORDER))):
        for group in tables[name]:
            if is_index_table(name):  # sent last: it reads the rows as they now are
                index.append(packed(group.statement, group.rows, dialect))
            else:
                connection.execute(group.statement, group.rows)
    # The index's rows of a statement go as one row, where the index can unpack them, and its
    # statements as one where the database can run them together.
    for statement, values in joined(index, dialect):
        connection.execute(statement, values)
