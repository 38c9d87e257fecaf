"""The `flock` command as a person runs it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs

import pytest

pytestmark = pytest.mark.process  # each test starts `python -m bot.cli`

ROOT = Path(__file__).resolve().parents[2]


def flock(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_without_a_token_says_how_to_get_one_and_exits_2(tmp_path: Path) -> None:
    result = flock("run", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "@BotFather" in result.stderr
    assert "FLOCK_BOT_TOKEN" in result.stderr


def test_a_wrong_setting_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    result = flock("run", cwd=tmp_path, FLOCK_TICK_SECONDS="soon")

    assert result.returncode == 2
    assert result.stderr.startswith("flock: FLOCK_TICK_SECONDS:")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_an_unknown_log_format_is_refused_in_one_line(tmp_path: Path) -> None:
    result = flock("outbox", cwd=tmp_path, FLOCK_LOG_FORMAT="xml")

    assert result.returncode == 2
    assert result.stderr.startswith("flock: FLOCK_LOG_FORMAT:")
    assert "'text' or 'json'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unsupported_database_url_is_refused_in_one_line(tmp_path: Path) -> None:
    result = flock("db", "upgrade", cwd=tmp_path, FLOCK_DATABASE_URL="mysql://localhost/flock")

    assert result.returncode == 2
    assert result.stderr.startswith("flock: FLOCK_DATABASE_URL:")


@pytest.mark.parametrize(
    "url", ["http://bot.example.org/dashboard", "ftp://127.0.0.1/x", "dashboard", "https://"]
)
def test_a_dashboard_url_telegram_would_not_open_is_refused_in_one_line(tmp_path: Path, url: str) -> None:
    result = flock("outbox", cwd=tmp_path, FLOCK_WEB_URL=url)

    assert result.returncode == 2
    assert result.stderr.startswith("flock: FLOCK_WEB_URL: use the dashboard's public HTTPS address")
    assert result.stderr.count("\n") == 1


def test_db_upgrade_creates_every_table(tmp_path: Path) -> None:
    result = flock("db", "upgrade", cwd=tmp_path, FLOCK_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")

    tables = {
        row[0]
        for row in sqlite3.connect(tmp_path / "x.db").execute(
            "select name from sqlite_master where type = 'table'"
        )
    }
    assert result.returncode == 0
    assert {"courses", "questions", "answers", "introductions", "inbox", "outbox"} <= tables


def test_demo_replays_the_cohort_and_tells_what_was_stored(tmp_path: Path) -> None:
    result = flock("demo", "--file", str(ROOT / "examples" / "cohort.jsonl"), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Created Data Skills — Autumn 2026 (#dsk26)" in result.stdout
    assert "Flock reacts 👀" in result.stdout
    assert "[resolved] Priya Raman" in result.stdout
    assert "[resolved] Aiko Sato" in result.stdout
    assert "Posted but never introduced (1)" in result.stdout


def test_demo_dashboard_serves_the_story_with_a_facilitator_signed_in(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")}
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "demo",
            "--file",
            str(ROOT / "examples" / "cohort.jsonl"),
            "--dashboard",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert demo.stdout is not None
        link = next(line.strip() for line in demo.stdout if "#tgWebAppData=" in line)
        address, fragment = link.split("#", 1)
        init_data = parse_qs(fragment)["tgWebAppData"][0]
        headers = {"X-Telegram-Init-Data": init_data}
        signed = urllib.request.Request(address + "/view/courses", headers=headers)
        with urllib.request.urlopen(signed, timeout=10) as response:
            courses = response.read().decode()
        with urllib.request.urlopen(address, timeout=10) as response:
            page = response.read().decode()
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)

    assert link.startswith(f"http://127.0.0.1:{port}/dashboard#tgWebAppData=")
    assert "Data Skills — Autumn 2026" in courses
    assert "/dashboard/static/dashboard.js" in page
    assert code == 0


def test_demo_with_a_missing_file_says_so(tmp_path: Path) -> None:
    result = flock("demo", "--file", "nowhere.jsonl", cwd=tmp_path)

    assert result.returncode == 2
    assert "no such file" in result.stderr
