"""`flock doctor` against the recording Bot API and real databases, and as a person runs it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import doctor
from bot.recording import BOT_ID, RecordingRequest, api_error
from bot.settings import Settings
from storage.migrations import head, upgrade
from tests.bot.test_cli import flock as run_flock
from tests.builders import group, user
from tests.support.bot_api_server import serve
from tests.support.harness import TOKEN, Harness

ANA = user(11, "Ana", "ana_f")
CHAT = group(-1001500, "Onboarding 2026")
BOT = {"id": BOT_ID}


class WebhookSettings(Settings):
    """Settings as they are once webhook mode is configured."""

    webhook_url: str | None = None


async def set_up(flock: Harness, *, bot_admin: bool = True) -> None:
    flock.make_admin(CHAT, ANA)
    if bot_admin:
        flock.make_admin(CHAT, BOT)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))


async def check(database_url: str, api: RecordingRequest, settings: Settings | None = None) -> str:
    findings = await doctor.diagnose(settings or Settings(database_url=database_url), TOKEN, request=api)
    report = doctor.render(findings, secrets=[TOKEN])
    assert TOKEN not in report
    return report + ("\nexit 0" if doctor.healthy(findings) else "\nexit 1")


async def test_a_healthy_set_up_is_all_ticks_and_exit_0(flock: Harness, database_url: str) -> None:
    await set_up(flock)

    report = await check(database_url, flock.api)

    lines = report.splitlines()
    assert lines[2].startswith("✓ database reachable: ")
    assert lines[:2] + lines[3:] == [
        "✓ token: Telegram knows the bot as @flock_test_bot",
        "✓ privacy mode is off: the bot reads every group message",
        f"✓ database schema is up to date ({head()})",
        "✓ no webhook set: Flock polls (0 updates waiting)",
        "✓ Onboarding 2026 (#onb26): admin, reads every message",
        "exit 0",
    ]
    assert [c.params["user_id"] for c in flock.api.take("getChatMember")] == [BOT_ID]


async def test_a_rejected_token_is_reported_and_the_database_still_checked(
    flock: Harness, database_url: str
) -> None:
    flock.api.failures["getMe"] = lambda _: (401, api_error(401, "Unauthorized"))

    report = await check(database_url, flock.api)

    assert "✗ Telegram rejected the bot token — copy it again from @BotFather" in report
    assert "✓ database schema is up to date" in report
    assert "webhook" not in report
    assert report.endswith("exit 1")


async def test_an_unreachable_database_is_reported_without_its_password() -> None:
    settings = Settings(database_url="postgresql://flock:hunter2@127.0.0.1:1/flock")

    report = await check(settings.database_url, RecordingRequest(), settings)

    assert "✗ cannot reach the database postgresql+asyncpg://flock:***@127.0.0.1:1/flock" in report
    assert "check FLOCK_DATABASE_URL" in report
    assert "hunter2" not in report
    assert "✓ token" in report
    assert report.endswith("exit 1")


async def test_a_database_behind_the_code_asks_for_flock_db_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade(url, "0004")

    report = await check(url, RecordingRequest())

    behind = f"✗ the database schema is behind: 0004, this Flock needs {head()} — run `flock db upgrade`"
    assert behind in report
    assert report.endswith("exit 1")


async def test_a_missing_database_file_is_not_created(tmp_path: Path) -> None:
    report = await check(f"sqlite+aiosqlite:///{tmp_path / 'none.db'}", RecordingRequest())

    assert f"✗ no database file at {tmp_path / 'none.db'} — run `flock db upgrade`" in report
    assert not (tmp_path / "none.db").exists()


async def test_privacy_mode_on_fails_the_chats_where_the_bot_is_not_admin(
    flock: Harness, database_url: str
) -> None:
    await set_up(flock, bot_admin=False)
    flock.api.reads_all_messages = False

    report = await check(database_url, flock.api)

    assert (
        "! privacy mode is on: where the bot isn't an admin it sees only commands — in @BotFather" in report
    )
    assert "Group Privacy → Turn off" in report
    assert (
        "✗ Onboarding 2026 (#onb26): not an admin and privacy mode is on, so it sees only commands"
        " — make @flock_test_bot an admin of the group, or turn privacy mode off"
    ) in report
    assert report.endswith("exit 1")


async def test_privacy_mode_on_is_only_a_warning_where_the_bot_is_admin(
    flock: Harness, database_url: str
) -> None:
    await set_up(flock)
    flock.api.reads_all_messages = False

    report = await check(database_url, flock.api)

    assert "! privacy mode is on" in report
    assert "✓ Onboarding 2026 (#onb26): admin, reads every message" in report
    assert report.endswith("exit 0")


async def test_a_member_bot_with_privacy_off_reads_every_message(flock: Harness, database_url: str) -> None:
    await set_up(flock, bot_admin=False)

    report = await check(database_url, flock.api)

    assert "✓ Onboarding 2026 (#onb26): member, reads every message (privacy mode off)" in report
    assert report.endswith("exit 0")


async def test_a_bot_removed_from_a_course_chat_is_reported(flock: Harness, database_url: str) -> None:
    await set_up(flock)
    flock.api.failures["getChatMember"] = lambda _: (
        403,
        api_error(403, "Forbidden: bot was kicked from the supergroup chat"),
    )

    report = await check(database_url, flock.api)

    assert "✗ Onboarding 2026 (#onb26): the bot was removed (" in report
    assert "— add @flock_test_bot back to the group" in report
    assert report.endswith("exit 1")


async def test_a_webhook_elsewhere_than_flock_webhook_url_is_reported(
    flock: Harness, database_url: str
) -> None:
    flock.api.webhook = {
        "url": "https://old.example.org/hook",
        "has_custom_certificate": False,
        "pending_update_count": 12,
        "last_error_date": int(time.time()),
        "last_error_message": "Connection refused",
    }
    settings = WebhookSettings(database_url=database_url, webhook_url="https://flock.example.org/telegram")

    report = await check(database_url, flock.api, settings)

    assert (
        "✗ Telegram sends updates to https://old.example.org/hook, not FLOCK_WEBHOOK_URL"
        " https://flock.example.org/telegram (12 updates waiting)"
    ) in report
    assert "! Telegram's last webhook delivery failed at " in report
    assert ": Connection refused — check that the URL is reachable" in report
    assert report.endswith("exit 1")


async def test_a_webhook_left_set_while_flock_polls_is_a_warning(flock: Harness, database_url: str) -> None:
    flock.api.webhook = {"url": "https://old.example.org/hook", "has_custom_certificate": False}

    report = await check(database_url, flock.api)

    assert "! webhook set to https://old.example.org/hook (0 updates waiting) — Flock polls" in report
    assert report.endswith("exit 0")


@pytest.fixture
def api_url() -> Iterator[str]:
    server, _ = serve(0)
    yield f"http://127.0.0.1:{server.server_port}/bot"
    server.shutdown()


@pytest.mark.process
def test_flock_doctor_prints_one_line_per_check_and_never_the_token(tmp_path: Path, api_url: str) -> None:
    url = f"sqlite:///{tmp_path / 'cohort.db'}"
    run_flock("db", "upgrade", cwd=tmp_path, FLOCK_DATABASE_URL=url)
    token = "42:doctor-secret"

    healthy = run_flock(
        "doctor", cwd=tmp_path, FLOCK_DATABASE_URL=url, FLOCK_BOT_TOKEN=token, FLOCK_TELEGRAM_API_URL=api_url
    )
    missing = run_flock("doctor", cwd=tmp_path, FLOCK_TELEGRAM_API_URL=api_url)

    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert [line[0] for line in healthy.stdout.splitlines()] == ["✓"] * 5
    assert token not in healthy.stdout + healthy.stderr
    assert missing.returncode == 1
    assert "✗ no bot token — set FLOCK_BOT_TOKEN" in missing.stdout
    assert "✗ no database file at flock.db" in missing.stdout
