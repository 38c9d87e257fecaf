"""Black-box: `flock run` as a real process against the loopback Bot API server, killed mid-stream."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.bot_api_server import FakeTelegram, serve

GROUP = {"id": -1005550001, "type": "supergroup", "title": "Process test"}
ADMIN = {"id": 71, "is_bot": False, "first_name": "Ada", "username": "ada"}
LEARNERS = [{"id": 100 + n, "is_bot": False, "first_name": f"Learner{n}"} for n in range(10)]


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    server, fake = serve(0)
    yield fake, f"http://127.0.0.1:{server.server_port}/bot"
    server.shutdown()


def _start(api_url: str, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FLOCK_BOT_TOKEN": "42:process-test",
        "FLOCK_TELEGRAM_API_URL": api_url,
        "FLOCK_DATABASE_URL": database_url,
        "FLOCK_TICK_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def _wait(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _message(message_id: int, sender: dict[str, Any], body: str, **extra: Any) -> dict[str, Any]:
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": GROUP,
        "from": sender,
        "text": body,
        **extra,
    }
    if body.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(body.split()[0])}]
    return {"message": message}


def _traffic(rounds: int) -> list[dict[str, Any]]:
    updates = [_message(1, ADMIN, "/setup #proc26 Process course")]
    for n in range(rounds):
        asker, helper = LEARNERS[n % 10], LEARNERS[(n + 1) % 10]
        question = _message(10 + 2 * n, asker, f"Question number {n}: how does step {n} work?")
        updates.append(question)
        updates.append(_message(11 + 2 * n, helper, f"Answer {n}", reply_to_message=question["message"]))
    return updates


def _scalar(database_url: str, sql: str) -> int:
    async def query() -> int:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(text(sql))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(query())


def test_killed_process_resumes_without_losing_or_repeating_updates(
    telegram: tuple[FakeTelegram, str], database_url: str
) -> None:
    fake, api_url = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    updates = _traffic(rounds=150)
    count = lambda sql: _scalar(database_url, sql)  # noqa: E731

    first = _start(api_url, database_url)
    fake.inject(updates)
    _wait(lambda: _safe(count, "select count(*) from answers") > 20)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = _start(api_url, database_url)
    _wait(lambda: _safe(count, "select count(*) from inbox where processed_at is not null") == len(updates))
    # Telegram learns an update arrived from the next getUpdates offset: wait for that poll.
    _wait(lambda: fake.updates == [])
    second.send_signal(signal.SIGTERM)
    exit_code = second.wait(timeout=30)

    assert exit_code == 0
    assert count("select count(*) from inbox") == len(updates)
    assert count("select count(*) from questions") == 150
    assert count("select count(*) from answers") == 150
    assert count("select count(*) from questions where state = 'answered'") == 150


def test_start_says_hello_to_telegram_and_publishes_command_menus(
    telegram: tuple[FakeTelegram, str], database_url: str
) -> None:
    fake, api_url = telegram

    process = _start(api_url, database_url)
    _wait(lambda: any(c.method == "getUpdates" for c in fake.answers.calls))
    process.send_signal(signal.SIGTERM)
    exit_code = process.wait(timeout=30)

    methods = [c.method for c in fake.answers.calls]
    scopes = [c.params["scope"]["type"] for c in fake.answers.calls if c.method == "setMyCommands"]
    assert exit_code == 0
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert sorted(scopes) == ["all_chat_administrators", "all_group_chats", "all_private_chats"]
    polls = [c.params for c in fake.answers.calls if c.method == "getUpdates"]
    assert set(polls[0]["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "chat_member",
        "message_reaction",
    }


def _safe(count: Callable[[str], int], sql: str) -> int:
    try:
        return count(sql)
    except Exception:  # the database may not exist or be migrated yet
        return -1
