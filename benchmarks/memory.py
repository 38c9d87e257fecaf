"""Figure 4: the resident memory of `flock run`, a real process polling the loopback Bot API.

Its SQLite database holds a deployment of 1,000,000 messages (bulk-loaded, as in figure 2,
dated now); the process is measured idle after start, then while it ingests live group traffic
over HTTP (getUpdates, the inbox, the handlers, the outbox sender and the tick all running).
RSS is sampled as it goes: the growth per 100,000 updates over the last third of the run
shows whether memory keeps growing with what was ingested once the caches are warm. (A million
live updates would take hours at the measured rate; the stored million is bulk-loaded.)
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import bulk
from benchmarks.limited_api import LimitedTelegram, serve
from benchmarks.report import Figure, Report
from benchmarks.traffic import Cohorts

TOKEN = "123456:BENCH-memory"
FIRST_UPDATE = 100_000_000  # above the update ids of the stored inbox


def _status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _slope(samples: list[tuple[int, float]]) -> float:
    """MB per 100,000 updates, least squares over the last third of the samples (past the
    warm-up: caches filling, the connection pool growing)."""
    tail = samples[len(samples) * 2 // 3 :]
    if len(tail) < 3:
        return float("nan")
    xs, ys = [x for x, _ in tail], [y for _, y in tail]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return float("nan")
    return sum((x - mean_x) * (y - mean_y) for x, y in tail) / spread * 100_000


def _shown(samples: list[tuple[int, float]]) -> list[tuple[int, float]]:
    shown = samples[:: max(1, len(samples) // 12)]
    return shown if shown[-1] == samples[-1] else [*shown, samples[-1]]


@dataclass
class _Run:
    idle: float
    after: float
    peak: float
    updates: int
    seconds: float
    samples: list[tuple[int, float]]


def _run(folder: Path, url: str, live: int) -> _Run:
    """Start `flock run`, measure it idle, feed it `live` updates, measure again, stop it."""
    telegram = LimitedTelegram(limits=False)
    cohorts = Cohorts(groups=20, learners=60, seed=3, first_update=FIRST_UPDATE)
    telegram.answers.admins.update(cohorts.admins)
    server, api_url = serve(telegram)
    env = {
        **os.environ,
        "FLOCK_BOT_TOKEN": TOKEN,
        "FLOCK_TELEGRAM_API_URL": api_url,
        "FLOCK_DATABASE_URL": url,
        "FLOCK_LOG_LEVEL": "WARNING",
    }
    with (folder / "memory-flock.log").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        if not _wait(lambda: telegram.get_updates_calls > 0, 120):
            raise RuntimeError("flock run never polled")
        time.sleep(3)  # the first tick and the sender's first round are done
        idle = _status_mb(process.pid, "VmRSS")
        setup = cohorts.setup()
        updates = itertools.chain(setup, (g.update for g in cohorts.traffic(live)))
        last = len(setup) + live
        started = time.monotonic()
        telegram.feed(updates, FIRST_UPDATE + last - 1)
        samples: list[tuple[int, float]] = []
        deadline = started + max(120.0, live / 20)
        while not telegram.all_confirmed.wait(2.0):
            done = max(0, telegram.confirmed_up_to - FIRST_UPDATE)
            samples.append((done, _status_mb(process.pid, "VmRSS")))
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"flock run ingested {done} of {last} updates in time")
        elapsed = time.monotonic() - started
        after = _status_mb(process.pid, "VmRSS")
        peak = _status_mb(process.pid, "VmHWM")
        samples.append((last, after))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.shutdown()
    return _Run(idle, after, peak, last, elapsed, samples)


async def measure(report: Report, folder: Path, plan: bulk.Plan, live: int) -> None:
    section = "memory"
    database = folder / "memory.db"
    url = f"sqlite+aiosqlite:///{database}"
    from storage.migrations import upgrade

    await upgrade(url)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    generated = await bulk.generate(url, plan, now)
    run = await asyncio.to_thread(_run, folder, url, live)
    idle, after, peak, last, elapsed, samples = (
        run.idle,
        run.after,
        run.peak,
        run.updates,
        run.seconds,
        run.samples,
    )
    errors = (folder / "memory-flock.log").read_text(encoding="utf-8", errors="replace").strip()
    growth = _slope(samples)
    stored = generated.counts.get("messages", 0)
    report.add(
        Figure(section, f"flock run idle after start ({stored:,} messages stored)", idle, "MB", "< 150")
    )
    report.add(
        Figure(
            section,
            f"flock run after ingesting {last:,} live updates",
            after,
            "MB",
            "< 150",
            idle,
            "idle RSS",
            note=f"{last / elapsed:.0f} updates/s end to end over HTTP",
        )
    )
    report.add(Figure(section, "flock run peak RSS (VmHWM)", peak, "MB", "< 150"))
    report.add(
        Figure(
            section,
            "RSS growth per 100,000 updates (last third)",
            growth,
            "MB",
            note="linear over the last third of the samples; the curve flattens as caches fill",
        )
    )
    report.add(
        Figure(
            section,
            "flock run end-to-end ingestion",
            last / elapsed,
            "upd/s",
            note="getUpdates over loopback HTTP, everything else running",
        )
    )
    report.note(
        f"[{section}] RSS samples (updates confirmed, MB): "
        + ", ".join(f"{n:,}: {mb:.0f}" for n, mb in _shown(samples))
        + (f"\n  flock run's log (last lines): {errors[-1500:]}" if errors else "")
    )
