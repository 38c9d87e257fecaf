"""Black-box: `flock run` as a real process against the loopback Bot API server, killed mid-stream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bot_api_server import FakeTelegram
from tests.support.flock_process import ADMIN, GROUP, FlockProcess, safe, scalar, traffic, wait


@pytest.fixture
def flock_process(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> Iterator[FlockProcess]:
    process = FlockProcess(telegram[1], database_url, tmp_path / "flock.log")
    yield process
    process.ensure_stopped()


def test_killed_process_resumes_without_losing_or_repeating_updates(
    telegram: tuple[FakeTelegram, str], database_url: str, flock_process: FlockProcess
) -> None:
    fake, _ = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    updates = traffic(rounds=150)
    count = lambda sql: scalar(database_url, sql)  # noqa: E731

    flock_process.start()
    fake.inject(updates)
    wait(lambda: safe(count, "select count(*) from answers") > 20)
    flock_process.kill()
    flock_process.start()
    wait(lambda: safe(count, "select count(*) from inbox where processed_at is not null") == len(updates))
    # Telegram learns an update arrived from the next getUpdates offset: wait for that poll.
    wait(lambda: fake.updates == [])
    exit_code = flock_process.stop()

    assert exit_code == 0
    assert count("select count(*) from inbox") == len(updates)
    assert count("select count(*) from questions") == 150
    assert count("select count(*) from answers") == 150
    assert count("select count(*) from questions where state = 'answered'") == 150


def test_start_says_hello_to_telegram_and_publishes_command_menus(
    telegram: tuple[FakeTelegram, str], flock_process: FlockProcess
) -> None:
    fake, _ = telegram

    flock_process.start()
    wait(lambda: any(c.method == "getUpdates" for c in fake.answers.calls))
    exit_code = flock_process.stop()

    methods = [c.method for c in fake.answers.calls]
    menus = [c.params for c in fake.answers.calls if c.method == "setMyCommands"]
    scopes = [(m["scope"]["type"], m.get("language_code")) for m in menus]
    assert exit_code == 0
    assert methods[:2] == ["getMe", "deleteWebhook"]
    kinds = ["all_chat_administrators", "all_group_chats", "all_private_chats"]
    assert sorted(scopes, key=str) == sorted(
        [(kind, language) for kind in kinds for language in (None, "fr")], key=str
    )
    polls = [c.params for c in fake.answers.calls if c.method == "getUpdates"]
    assert set(polls[0]["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "chat_member",
        "message_reaction",
        "message_reaction_count",
        "channel_post",
        "edited_channel_post",
    }
