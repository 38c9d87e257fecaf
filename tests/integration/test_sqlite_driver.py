"""The SQLite engine's cursors (storage/sqlite_driver.py): one trip to the database's thread per
statement, and otherwise what SQLAlchemy's aiosqlite adapter does: events, rows, counts, ids,
savepoints, errors, streaming."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import event, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import create_engine, session_factory
from storage.errors import is_transient
from storage.models import CourseRow, PersonRow

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "flock.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The callables sent to aiosqlite's thread, by name, as they are sent."""
    sent: list[str] = []
    real = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return sent


def _course(n: int) -> dict[str, Any]:
    return {"hashtag": f"c{n}", "title": f"Course {n}", "created_at": NOW}


async def test_one_trip_per_statement_and_its_events_once(engine: AsyncEngine, trips: list[str]) -> None:
    statements: list[tuple[str, str]] = []
    for name in ("before_cursor_execute", "after_cursor_execute"):
        event.listen(
            engine.sync_engine,
            name,
            lambda *args, name=name: statements.append((name, args[2].split()[0])),
        )
    async with session_factory(engine)() as session, session.begin():
        session.add(CourseRow(**_course(1)))
        await session.flush()
        await session.execute(update(CourseRow).values(title="Renamed"))
        titles = (await session.scalars(select(CourseRow.title))).all()
        trips.clear()
        statements.clear()
        for _ in range(5):
            assert (await session.scalars(select(CourseRow.title))).all() == ["Renamed"]
    assert titles == ["Renamed"]
    # five selects, the commit, and the pool's reset as the connection goes back to it
    assert trips == ["_run"] * 5 + ["commit", "rollback"]
    assert statements == [("before_cursor_execute", "SELECT"), ("after_cursor_execute", "SELECT")] * 5


async def test_rows_counts_and_ids_come_back(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = await connection.execute(insert(CourseRow).values(**_course(1)))
        assert first.inserted_primary_key == (1,)
        returned = await connection.execute(
            insert(CourseRow).returning(CourseRow.id, CourseRow.hashtag), [_course(2), _course(3)]
        )
        assert sorted(returned.all()) == [(2, "c2"), (3, "c3")]
        await connection.execute(
            insert(PersonRow), [{"id": n, "name": f"P{n}", "last_seen_at": NOW} for n in (10, 11, 12)]
        )
        changed = await connection.execute(update(PersonRow).where(PersonRow.id > 10).values(name="Q"))
        assert changed.rowcount == 2
        renamed = await connection.execute(
            update(PersonRow).where(PersonRow.id == 10).values(name="R").returning(PersonRow.name)
        )
        assert renamed.scalars().all() == ["R"]
        rows = await connection.execute(text("SELECT id, name FROM people ORDER BY id"))
        assert list(rows.keys()) == ["id", "name"]
        assert rows.fetchmany(2) == [(10, "R"), (11, "Q")]
        assert rows.fetchall() == [(12, "Q")]
        nothing = await connection.execute(text("SELECT id FROM people WHERE id < 0"))
        assert nothing.first() is None


async def test_a_savepoint_undoes_an_integrity_error_alone(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as session, session.begin():
        session.add(CourseRow(**_course(1)))
        await session.flush()
        savepoint = await session.begin_nested()
        session.add(CourseRow(**_course(1)))
        with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: courses\.hashtag"):
            await session.flush()
        await savepoint.rollback()
        session.add(CourseRow(**_course(2)))
    async with session_factory(engine)() as session:
        assert (await session.scalars(select(CourseRow.hashtag).order_by(CourseRow.id))).all() == ["c1", "c2"]


async def test_a_writer_kept_waiting_is_told_the_database_is_locked(
    engine: AsyncEngine, sqlite_url: str
) -> None:
    impatient = create_engine(sqlite_url, busy_seconds=0.2)
    try:
        async with engine.begin() as holder:  # BEGIN IMMEDIATE: the write lock, held
            await holder.execute(insert(CourseRow).values(**_course(1)))
            with pytest.raises(OperationalError, match="database is locked") as caught:
                async with impatient.begin() as waiting:
                    await waiting.execute(insert(CourseRow).values(**_course(2)))
            assert is_transient(caught.value)
        async with impatient.begin() as waiting:  # the lock released, it writes
            await waiting.execute(insert(CourseRow).values(**_course(2)))
    finally:
        await impatient.dispose()
    async with engine.connect() as connection:
        assert (await connection.scalars(select(CourseRow.hashtag).order_by(CourseRow.id))).all() == [
            "c1",
            "c2",
        ]


async def test_streamed_results_still_come_in_parts(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(CourseRow), [_course(n) for n in range(25)])
    async with session_factory(engine)() as session:
        result = await session.stream(
            select(CourseRow.hashtag).order_by(CourseRow.id).execution_options(yield_per=10)
        )
        parts = [len(part) async for part in result.partitions()]
    assert parts == [10, 10, 5]


async def test_a_statement_on_a_closed_connection_is_a_database_error(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, aiosqlite.Connection)
        await driver.close()
        with pytest.raises(OperationalError):
            await connection.execute(text("SELECT 1"))
        await connection.invalidate()
    async with engine.connect() as connection:  # the pool replaced it
        assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
