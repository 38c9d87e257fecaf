"""Engine and session factory, built at start and disposed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver


def create_engine(url: str, *, busy_seconds: float = 30, **kwargs: Any) -> AsyncEngine:
    """busy_seconds: how long a SQLite writer waits for the write lock before "database is locked"."""
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_seconds, **kwargs)
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def write_turns(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[None]:
    """Turns at SQLite's single write lock, first come first served, for writers that would
    otherwise starve one another. SQLite's busy wait polls with growing sleeps, so a writer that
    commits and begins again at once (the inbox, batch after batch) can keep another (the outbox
    marking a message sent) waiting past its busy timeout. PostgreSQL locks rows: no turns."""
    if engine.dialect.name == "sqlite":
        return asyncio.Lock()
    return contextlib.nullcontext()


def _sqlite_engine(url: str, busy_seconds: float, **kwargs: Any) -> AsyncEngine:
    if make_url(url).get_driver_name() == "aiosqlite":
        # SQLAlchemy's aiosqlite dialect with cursors that run a statement in one trip to the
        # database's thread (storage/sqlite_driver.py); the URL stays sqlite+aiosqlite.
        kwargs.setdefault("module", sqlite_driver.dbapi())
    engine = create_async_engine(url, connect_args={"timeout": busy_seconds}, **kwargs)

    # pysqlite's own transaction handling breaks SAVEPOINT; take it over, as SQLAlchemy's docs
    # advise. BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait for it
    # (busy timeout) instead of failing halfway with "database is locked".
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
