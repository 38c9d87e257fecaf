"""Fresh, migrated databases for each measurement: SQLite files in a scratch folder, and PostgreSQL
databases on the server named by --database-url or on a throwaway cluster started for the run."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.migrations import upgrade
from tests.support.postgres import throwaway_cluster

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class Databases:
    def __init__(self, folder: Path, postgres_server: str | None) -> None:
        self.folder = folder
        self.postgres_server = postgres_server  # a postgresql+asyncpg URL whose server we may use
        self._names = itertools.count()
        self._sqlite_template: Path | None = None
        self._pg_template: str | None = None
        self._created: list[str] = []

    @property
    def backends(self) -> list[str]:
        return [SQLITE, POSTGRESQL] if self.postgres_server else [SQLITE]

    async def fresh(self, backend: str, label: str) -> str:
        """The URL of a new database with Flock's schema."""
        if backend == SQLITE:
            return await self._fresh_sqlite(label)
        return await self._fresh_postgres(label)

    def sqlite_path(self, url: str) -> Path:
        database = make_url(url).database
        assert database is not None
        return Path(database)

    async def _fresh_sqlite(self, label: str) -> str:
        if self._sqlite_template is None:
            self._sqlite_template = self.folder / "template.db"
            await upgrade(f"sqlite+aiosqlite:///{self._sqlite_template}")
        target = self.folder / f"{label}-{next(self._names)}.db"
        shutil.copy(self._sqlite_template, target)
        return f"sqlite+aiosqlite:///{target}"

    async def _fresh_postgres(self, label: str) -> str:
        assert self.postgres_server is not None
        if self._pg_template is None:
            self._pg_template = f"flock_bench_template_{os.getpid()}"
            await self._execute(f'CREATE DATABASE "{self._pg_template}"')
            self._created.append(self._pg_template)
            await upgrade(self._url(self._pg_template))
        name = f"flock_bench_{label}_{os.getpid()}_{next(self._names)}"
        await self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._pg_template}"')
        self._created.append(name)
        return self._url(name)

    def _url(self, database: str) -> str:
        assert self.postgres_server is not None
        return make_url(self.postgres_server).set(database=database).render_as_string(hide_password=False)

    async def _execute(self, sql: str) -> None:
        assert self.postgres_server is not None
        dsn = (
            make_url(self.postgres_server).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def drop_all(self) -> None:
        """Scratch databases on a server we were given are removed again (a throwaway cluster goes whole)."""
        for name in reversed(self._created):
            with contextlib.suppress(asyncpg.PostgresError, OSError):
                await self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._created.clear()


@contextlib.contextmanager
def databases(database_url: str | None, *, postgres: bool = True) -> Iterator[Databases]:
    """SQLite always; PostgreSQL on the given server, else a throwaway cluster if initdb is installed."""
    folder = Path(tempfile.mkdtemp(prefix="flock-bench-"))
    try:
        if database_url or not postgres:
            yield Databases(folder, database_url)
            return
        with throwaway_cluster() as cluster:
            yield Databases(folder, cluster.url("postgres") if cluster else None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
