"""Running `flock run` as a real process against the loopback Bot API server, and looking at it
from outside: its database, its log, the updates a test feeds it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.bot_api_server import FakeTelegram

GROUP = {"id": -1005550001, "type": "supergroup", "title": "Process test"}
ADMIN = {"id": 71, "is_bot": False, "first_name": "Ada", "username": "ada"}
LEARNERS = [{"id": 100 + n, "is_bot": False, "first_name": f"Learner{n}"} for n in range(10)]


class FlockProcess:
    """One `flock run` at a time on one database; its output goes to a log file, never a pipe
    nobody reads (a full pipe would stall the process)."""

    def __init__(
        self,
        api_url: str,
        database_url: str,
        log: Path,
        tick_seconds: float = 1,
        *,
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        command: tuple[str, ...] = (sys.executable, "-m", "bot.cli"),
        cwd: Path | None = None,
    ) -> None:
        self.env = {
            **os.environ,
            "FLOCK_BOT_TOKEN": "42:process-test",
            "FLOCK_TELEGRAM_API_URL": api_url,
            "FLOCK_DATABASE_URL": database_url,
            "FLOCK_TICK_SECONDS": str(tick_seconds),
            **(env or {}),
        }
        self.args = args
        self.command = command  # another install's `flock` runs that install's code
        self.cwd = cwd
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("ab") as output:
            output.write(f"--- start {self.starts + 1}\n".encode())
            output.flush()
            self.process = subprocess.Popen(
                [*self.command, "run", *self.args],
                env=self.env,
                cwd=self.cwd,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1

    def wait_until_up(self, telegram: FakeTelegram) -> None:
        """Until this start has said hello to Telegram (its signal handlers are set by then)."""
        wait(lambda: sum(c.method == "getMe" for c in telegram.answers.calls) >= self.starts, what="start-up")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_stopped(self) -> None:
        if self.running():
            self.kill()

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait(condition: Callable[[], bool], seconds: float = 120, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")


def message(
    message_id: int, sender: dict[str, Any], body: str, chat: dict[str, Any] = GROUP, **extra: Any
) -> dict[str, Any]:
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": sender,
        "text": body,
        **extra,
    }
    if body.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(body.split()[0])}]
    return {"message": message}


def private(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def traffic(rounds: int, chat: dict[str, Any] = GROUP, tag: str = "proc26") -> list[dict[str, Any]]:
    """A course set up in the chat, then `rounds` questions, each answered by another learner."""
    return [message(1, ADMIN, f"/setup #{tag} Process course", chat), *questions(rounds, chat)]


def questions(rounds: int, chat: dict[str, Any] = GROUP, first: int = 0) -> list[dict[str, Any]]:
    updates = []
    for n in range(first, first + rounds):
        asker, helper = LEARNERS[n % 10], LEARNERS[(n + 1) % 10]
        question = message(10 + 2 * n, asker, f"Question number {n}: how does step {n} work?", chat)
        updates.append(question)
        updates.append(message(11 + 2 * n, helper, f"Answer {n}", chat, reply_to_message=question["message"]))
    return updates


def scalar(database_url: str, sql: str) -> int:
    async def query() -> int:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(text(sql))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(query())


def rows(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    async def query() -> list[tuple[Any, ...]]:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(sql))]
        finally:
            await engine.dispose()

    return asyncio.run(query())


def safe(count: Callable[[str], int], sql: str) -> int:
    try:
        return count(sql)
    except Exception:  # the database may not exist, be migrated yet, or be restarting
        return -1


def control(api_url: str, path: str, body: Any = None, method: str | None = None) -> Any:
    """Talk to the test server's /_test/ endpoints over HTTP, as a person with curl would."""
    base = api_url.removesuffix("/bot")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}/_test/{path}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def stream(
    inject: Callable[[list[dict[str, Any]]], None], updates: list[dict[str, Any]], seconds: float
) -> threading.Thread:
    """Feed the updates in small chunks spread over `seconds`, from a thread, as live traffic."""
    chunks = [updates[at : at + 5] for at in range(0, len(updates), 5)]

    def feed() -> None:
        for chunk in chunks:
            inject(chunk)
            time.sleep(seconds / len(chunks))

    feeder = threading.Thread(target=feed, name="updates", daemon=True)
    feeder.start()
    return feeder
