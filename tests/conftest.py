from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from hypothesis import is_hypothesis_test

from storage.migrations import upgrade_sync
from tests.support.clock import FrozenClock
from tests.support.harness import Harness
from tests.support.postgres import Cluster, throwaway_cluster

BACKENDS = ["sqlite", "postgresql"]
_names = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster | None]:
    if os.environ.get("FLOCK_TEST_SKIP_POSTGRES"):
        yield None
        return
    with throwaway_cluster() as cluster:
        if cluster is None and os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are required in CI")
        if cluster is not None:
            asyncio.run(_create(cluster, "flock_template", None))
            upgrade_sync(cluster.url("flock_template"))
        yield cluster


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "flock.db"
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    return path


async def _create(cluster: Cluster, name: str, template: str | None) -> None:
    connection = await asyncpg.connect(cluster.url("postgres").replace("+asyncpg", ""))
    try:
        suffix = f" TEMPLATE {template}" if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await connection.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks the costs a test's parameters, fixtures or decorator already show, so a new test of
    the kind is marked without anyone remembering to (make test-fast deselects them)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)
        if "flock_process" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.process)
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.obj):
            item.add_marker(pytest.mark.property)


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres: Cluster | None,
) -> AsyncIterator[str]:
    """A freshly migrated database of each backend; PostgreSQL where the binaries exist."""
    if request.param == "sqlite":
        target = tmp_path / "flock.db"
        shutil.copy(sqlite_template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    if postgres is None:
        pytest.skip("PostgreSQL binaries not found")
    name = f"test_{os.getpid()}_{next(_names)}"
    await _create(postgres, name, "flock_template")
    yield postgres.url(name)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def flock(database_url: str, clock: FrozenClock) -> AsyncIterator[Harness]:
    async with Harness(database_url, clock) as harness:
        yield harness
