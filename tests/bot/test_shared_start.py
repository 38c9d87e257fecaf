"""Black-box: three `flock run --webhook` processes started at the same moment on one empty
PostgreSQL database all come up, migrate it once between them, and serve updates."""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from storage import migrations
from tests.support.bot_api_server import FakeTelegram
from tests.support.flock_process import ADMIN, GROUP, LEARNERS, FlockProcess, message, rows, scalar, wait
from tests.support.postgres import Cluster

pytestmark = pytest.mark.process

SECRET = "start-secret"
PROCESSES = 3
_names = itertools.count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _empty_database(cluster: Cluster) -> str:
    """A database nothing has migrated yet: no template, no tables."""
    name = f"start_{os.getpid()}_{next(_names)}"

    async def create() -> None:
        connection = await asyncpg.connect(cluster.url("postgres").replace("+asyncpg", ""))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return cluster.url(name)


def _status(
    port: int, method: str = "GET", path: str = "/healthz", body: dict[str, Any] | None = None
) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        connection.request(method, path, body=json.dumps(body).encode() if body else None, headers=headers)
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


def _up_or_dead(nodes: list[tuple[FlockProcess, int]]) -> bool:
    """Every process serves its health check, or one of them has already ended."""
    return all(not node.running() or _status(port) == 200 for node, port in nodes)


def test_processes_started_together_on_an_empty_database_all_come_up(
    telegram: tuple[FakeTelegram, str], postgres: Cluster | None, tmp_path: Path
) -> None:
    if postgres is None:
        pytest.skip("PostgreSQL binaries not found")
    fake, api_url = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    database_url = _empty_database(postgres)
    nodes = []
    for n in range(PROCESSES):
        port = _free_port()
        webhook = {
            "FLOCK_WEBHOOK_URL": "https://flock.example/telegram",
            "FLOCK_WEBHOOK_SECRET": SECRET,
            "FLOCK_WEBHOOK_PORT": str(port),
        }
        node = FlockProcess(
            api_url, database_url, tmp_path / f"flock-{n}.log", args=("--webhook",), env=webhook
        )
        nodes.append((node, port))
    setup = {"update_id": 1, **message(1, ADMIN, "/setup #start26 Start-up course")}
    asked = [
        {"update_id": 2 + n, **message(10 + n, LEARNERS[n], f"Question number {n}: where do we start?")}
        for n in range(PROCESSES)
    ]
    try:
        for node, _ in nodes:
            node.start()
        wait(lambda: _up_or_dead(nodes), seconds=120, what="all processes to come up or one to end")
        logs = "\n\n".join(node.tail() for node, _ in nodes)
        assert all(node.running() for node, _ in nodes), logs

        assert _status(nodes[0][1], "POST", "/telegram", setup) == 200
        wait(lambda: scalar(database_url, "select count(*) from courses") == 1, 60, "the course")
        for (_, port), update in zip(nodes, asked, strict=True):
            update["message"]["date"] = int(time.time())
            assert _status(port, "POST", "/telegram", update) == 200
        processed = "select count(*) from inbox where processed_at is not null"
        wait(lambda: scalar(database_url, processed) == 1 + PROCESSES, 60, "every update processed")
        exit_codes = [node.stop() for node, _ in nodes]
    finally:
        for node, _ in nodes:
            node.ensure_stopped()

    assert exit_codes == [0] * PROCESSES
    assert rows(database_url, "select version_num from alembic_version") == [(migrations.head(),)]
    assert scalar(database_url, "select count(*) from questions") == PROCESSES
