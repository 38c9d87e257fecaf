"""SQLite statements in one trip to the database's thread.

aiosqlite runs a sqlite3 connection in a thread of its own, and every call is a trip there and
back through a queue and the event loop. SQLAlchemy's aiosqlite adapter makes four per statement
(make a cursor, execute, fetch the rows, close), each costing more than a small statement itself,
and the busy path runs thousands of them. This adapter makes, runs, fetches and closes the cursor
in one trip, then keeps the rows, description, rowcount and last row id it brought back.

Only the plain cursor changes: SQLAlchemy's dialect, events, pool, transactions, error
translation and streaming (server-side) cursor are its own aiosqlite ones, untouched.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Sequence[Any], Any, int, int | None]  # rows, description, rowcount, lastrowid


def _run(connection: aiosqlite.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In the connection's thread: the whole life of one sqlite3 cursor."""
    cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        # Read after the rows: a statement with RETURNING counts its rows as they are fetched.
        rows = cursor.fetchall() if cursor.description and not many else ()
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A DBAPI cursor whose execute is one trip to aiosqlite's thread.

    Relies on two non-public parts of aiosqlite, alike from before 0.20 (the oldest pyproject
    allows) to 0.22: `Connection._execute(fn, *args)`, which queues a callable to the
    connection's thread and awaits its result, and `Connection._conn`, the sqlite3 connection,
    read only inside that thread (it raises "no active connection" once closed). No cursor lives
    between statements, so no lock is needed either: the queue runs each trip whole, in order.
    """

    __slots__ = ("_description", "_lastrowid", "_rowcount", "_size")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # Not the base's __init__: it makes an aiosqlite cursor, a trip of its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # the base's close() then has nothing to close
        self._soft_closed_memoized = EMPTY_DICT
        self._rows: collections.deque[Any] = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._size = 1  # sqlite3's default arraysize

    def _trip(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            rows, description, rowcount, lastrowid = await_(
                self._connection._execute(_run, self._connection, operation, parameters, many)
            )
        except Exception as error:  # "no active connection" and the like become DBAPI errors
            self._adapt_connection._handle_exception(error)
        self._rows = collections.deque(rows)
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._trip(operation, seq_of_parameters, many=True)

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]  # None before an INSERT, as sqlite3's

    @property
    def arraysize(self) -> int:
        return self._size

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._size = value

    async def _async_soft_close(self) -> None:
        """Nothing to close: the sqlite3 cursor was closed in its trip, its description kept."""


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, whose connections make one-trip cursors: pass it to
    the engine as `module=` (the URL stays `sqlite+aiosqlite://`)."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection)


def dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
