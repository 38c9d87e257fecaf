"""Figure 2: the tick, /digest, the week's highlights, /stats, /export and a followed hashtag's
catch-up on a deployment at scale, live traffic taken in beside it, and the query plans of every
statement a tick or an ingestion batch runs (each must use an index: its cost grows with what is
due or arrives, not with what is stored)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks import answers_course, bulk, dashboard, following, search_index
from benchmarks.report import Figure, Report, median, percentile
from benchmarks.traffic import Cohorts
from bot import render_digest, render_highlights, render_stats
from bot.recording import RecordingRequest
from bot.runner import Flock, assemble, settle
from bot.settings import Settings
from facilitation import digests, highlights, stats
from facilitation.stats import Window
from storage.models import OutboxRow, QuestionRow
from tests.support.clock import FrozenClock

TOKEN = "123456:BENCH-token"
TICKS = 15  # idle ticks timed (after 3 to warm up)
LIVE = 1_000  # group updates taken in on the full database
_IN_LIST = re.compile(r"\((?:\?|\$\d+(?:::\w+)?)(?:, (?:\?|\$\d+(?:::\w+)?))*\)")


@dataclass
class Statement:
    sql: str
    parameters: Any
    count: int = 1


@dataclass
class StatementLog:
    """The SQL a piece of work runs, as the driver received it."""

    engine: AsyncEngine
    statements: dict[str, Statement] = field(default_factory=dict)
    active: bool = False

    def __post_init__(self) -> None:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if not self.active:
            return
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb not in ("SELECT", "UPDATE", "DELETE", "WITH"):
            return  # inserts read nothing; BEGIN, SAVEPOINT and RELEASE plan nothing
        shape = _IN_LIST.sub("(…)", statement)  # IN lists of any length: one statement
        found = self.statements.get(shape)
        if found:
            found.count += 1
        else:  # an executemany's plan is that of one of its rows
            self.statements[shape] = Statement(statement, parameters[0] if many else parameters)

    @contextmanager
    def capture(self) -> Iterator[None]:
        self.active = True
        try:
            yield
        finally:
            self.active = False


async def _timed(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


Plan = tuple[Statement, list[str], list[tuple[str, int]]]  # statement, plan lines, (table, rows) read whole
SMALL = 1_000  # rows: a table this small may be read whole (PostgreSQL prefers to)


async def explain(engine: AsyncEngine, statements: list[Statement]) -> list[Plan]:
    """Each statement's plan, and the tables it reads whole (with their sizes). SQLite's plan is
    EXPLAIN QUERY PLAN; PostgreSQL's is EXPLAIN ANALYZE, in a transaction rolled back after."""
    sqlite = engine.dialect.name == "sqlite"
    sizes: dict[str, int] = {}
    results = []
    async with engine.connect() as connection:
        listed = "SELECT name FROM sqlite_master" if sqlite else "SELECT tablename FROM pg_tables"
        stored = set((await connection.exec_driver_sql(listed)).scalars())
        for statement in statements:
            # PostgreSQL: run it (rolled back below), so a node the executor skipped says so;
            # not one that inserts too (the search index's, as one statement): it would again.
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
            if not sqlite and "INSERT INTO" in statement.sql:
                prefix = "EXPLAIN (COSTS OFF) "
            rows = (await connection.exec_driver_sql(prefix + statement.sql, statement.parameters)).all()
            lines = [str(row[-1]) for row in rows]
            scans = []
            for line in lines:
                table = _scanned(line, sqlite)
                if table is None or table not in stored:  # or rows of a parameter (json_each's)
                    continue
                if table not in sizes:
                    sizes[table] = int(
                        (await connection.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar_one()
                    )
                scans.append((table, sizes[table]))
            results.append((statement, lines, scans))
        await connection.rollback()
    return results


def _scanned(line: str, sqlite: bool) -> str | None:
    """The table a plan line reads whole, if it does."""
    words = line.strip().lstrip("->").split()
    if sqlite:
        # "SCAN t", or "SCAN t USING [COVERING] INDEX i": every row, or every index entry, of t
        constant = "CONSTANT" in words[1:3]  # "SCAN CONSTANT ROW": a SELECT of no table
        # "SCAN t VIRTUAL TABLE INDEX 0:=M3": a virtual table (the search index) reads by the
        # constraints after the colon (FTS5: = rowid, M match); nothing after it is every row.
        if "VIRTUAL" in words and not line.rstrip().endswith(":"):
            return None
        if len(words) >= 2 and words[0] == "SCAN" and not words[1].startswith("(") and not constant:
            return words[1]
        return None
    if "Seq" in words and "Scan" in words and "on" in words and "(never executed)" not in line:
        return words[words.index("on") + 1]
    return None


def _overdue_pick(generated: bulk.Generated, count: int) -> list[int]:
    by_course: dict[int, list[int]] = {}
    for course_id, question_id in generated.open_questions:
        by_course.setdefault(course_id, []).append(question_id)
    picked: list[int] = []
    for round_ in range(4):
        for questions in by_course.values():
            if len(questions) > round_ and len(picked) < count:
                picked.append(questions[round_])
    return picked


async def _outbox_count(flock: Flock) -> int:
    async with flock.sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
            )
            or 0
        )


async def measure(
    report: Report, backend: str, fresh: Callable[[str], Awaitable[str]], plan: bulk.Plan, overdue: int
) -> None:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    section = f"scale {name}"
    url = await fresh("scale")
    started = time.perf_counter()
    generated = await bulk.generate(url, plan)
    counts = ", ".join(f"{table} {n:,}" for table, n in sorted(generated.counts.items()))
    largest = generated.largest
    report.note(
        f"[{section}] generated in {time.perf_counter() - started:.0f} s: {counts}. Largest course: "
        f"#{largest.hashtag}, {largest.learners:,} learners, {largest.questions:,} questions."
    )
    clock = FrozenClock(bulk.NOW)
    api = RecordingRequest()
    flock = assemble(Settings(database_url=url), TOKEN, clock, request=api, rate_limited=False)
    settle()  # as `flock run` does once started (the generator's leftovers are no server's)
    log = StatementLog(flock.engine)
    ticker = flock.ticker
    try:
        for _ in range(3):
            await ticker.tick()
        idle = [await _timed(ticker.tick) for _ in range(TICKS)]
        if ticker.failed:
            report.note(f"[{section}] tick jobs failed: {ticker.failed}")
        with log.capture():
            await ticker.tick()
        report.add(
            Figure(
                section,
                "tick, nothing due (median)",
                median(idle) * 1000,
                "ms",
                "< 20",
                note=f"p90 {percentile(idle, 0.9) * 1000:.1f} ms over {TICKS} ticks",
            )
        )

        picked = _overdue_pick(generated, overdue)
        async with flock.sessions() as session, session.begin():
            await session.execute(
                update(QuestionRow)
                .where(QuestionRow.id.in_(picked))
                .values(next_alert_at=bulk.NOW - timedelta(minutes=1))
            )
        before = await _outbox_count(flock)
        ticks = []
        for _ in range(6):
            with log.capture():
                ticks.append(await _timed(ticker.tick))
            if not await _still_due(flock):
                break
        queued = await _outbox_count(flock) - before
        report.add(
            Figure(
                section,
                f"tick, {len(picked):,} newly overdue (first tick)",
                ticks[0] * 1000,
                "ms",
                note=f"{len(ticks)} ticks to alert all (500 a tick), {queued:,} messages queued",
            )
        )
        report.add(
            Figure(
                section,
                f"ticks to alert all {len(picked):,} overdue",
                sum(ticks) * 1000,
                "ms",
                note=f"{len(ticks)} ticks",
            )
        )

        await _live_batches(report, section, flock, api, log)
        await search_index.measure(report, section, flock, largest)

        uow = flock.runtime.uow
        tags = [largest.hashtag]

        async def digest() -> None:
            found = await digests.on_demand(uow(), None, largest.facilitator, tags, bulk.NOW)
            for item in found:
                render_digest.digest(item)

        await digest()
        report.add(
            Figure(
                section,
                f"/digest, largest course ({largest.questions:,} questions)",
                median([await _timed(digest) for _ in range(5)]) * 1000,
                "ms",
                "< 200",
                note="digests.on_demand + rendering, median of 5",
            )
        )

        async def week() -> None:
            async with uow() as unit:
                course = await unit.courses.by_hashtag(largest.hashtag)
                assert course is not None
                start, end = highlights.past_week(course.settings.timezone, bulk.NOW.date())
                render_highlights.highlights(await highlights.compose(unit, course, start, end))

        with log.capture():  # built by the tick on Mondays: its statements' plans are checked too
            await week()
        report.add(
            Figure(
                section,
                "week's highlights, largest course",
                median([await _timed(week) for _ in range(5)]) * 1000,
                "ms",
                "< 100",
                note="highlights.compose + rendering, median of 5; beside /digest above",
            )
        )

        await dashboard.measure(report, section, flock, TOKEN, largest)
        await answers_course.measure(report, section, flock, largest)

        from bot import stats_chart  # matplotlib is loaded once, as in a running Flock

        for window in (Window.WEEK, Window.ALL):

            async def course_stats(window: Window = window) -> None:
                found = await stats.course_stats(uow(), None, largest.facilitator, tags, window, bulk.NOW)
                for summary in found:
                    render_stats.summary(summary)
                    if summary.asked:
                        await asyncio.to_thread(stats_chart.render, summary)

            await course_stats()
            report.add(
                Figure(
                    section,
                    f"/stats {window.value} with chart, largest course",
                    median([await _timed(course_stats) for _ in range(3)]) * 1000,
                    "ms",
                    note="stats.course_stats + summary + chart PNG, median of 3",
                )
            )

        probe = _export(url, largest)
        report.add(
            Figure(
                section,
                "/export largest course: time",
                probe["seconds"],
                "s",
                "< 10",
                note=f"zip {probe['bytes'] / 1e6:.1f} MB, {probe['questions']:,} question rows",
            )
        )
        report.add(
            Figure(
                section,
                "/export largest course: peak RSS",
                probe["peak_rss_mb"],
                "MB",
                "< 200",
                probe["start_rss_mb"],
                "RSS before the export",
                note="in a process of its own: VmHWM",
            )
        )

        await following.measure(report, section, flock, largest, log.capture)

        plans = await explain(flock.engine, list(log.statements.values()))
        scanning = _plans_note(report, section, plans)
        report.add(
            Figure(
                section,
                f"tick and batch statements reading a table of > {SMALL:,} rows whole",
                scanning,
                "",
                "== 0",
                note=f"of {len(plans)} distinct statements; plans in the report below",
            )
        )
    finally:
        await flock.close()


async def _live_batches(
    report: Report, section: str, flock: Flock, api: RecordingRequest, log: StatementLog
) -> None:
    """Live group traffic taken in beside everything stored: what a batch reads (its threads,
    attachments, facilitators) must come by index too. New course groups, set up first."""
    cohorts = Cohorts(groups=5, learners=40, seed=5, first_update=10**9)
    api.admins |= cohorts.admins
    await flock.app.initialize()
    try:
        await flock.poller.store(cohorts.setup())
        await flock.poller.processor.drain()
        traffic = [g.update for g in cohorts.traffic(LIVE)]
        seconds = 0.0
        with log.capture():
            for start in range(0, len(traffic), 100):
                started = time.perf_counter()
                await flock.poller.store(traffic[start : start + 100])
                await flock.poller.processor.drain()
                seconds += time.perf_counter() - started
    finally:
        await flock.app.shutdown()
    api.calls.clear()
    report.add(
        Figure(
            section,
            "ingest beside everything stored",
            len(traffic) / seconds,
            "upd/s",
            note=f"{len(traffic):,} updates of 5 new course groups, batches of 100",
        )
    )


async def _still_due(flock: Flock) -> int:
    async with flock.sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(QuestionRow)
                .where(QuestionRow.state == "open", QuestionRow.next_alert_at <= bulk.NOW)
            )
            or 0
        )


def _plans_note(report: Report, section: str, plans: list[Plan]) -> int:
    """Prints every plan into the report; returns how many statements read a large table whole."""

    def listed(chosen: list[Plan]) -> str:
        return "".join(
            f"\n    - {', '.join(f'{t} ({n:,} rows)' for t, n in scans)}: {' '.join(st.sql.split())[:150]}"
            for st, _, scans in chosen
        )

    large = [p for p in plans if any(n > SMALL for _, n in p[2])]
    small = [p for p in plans if p[2] and p not in large]
    lines = [
        f"[{section}] query plans of the {len(plans)} distinct statements a tick runs "
        f"(idle, then with overdue questions) and an ingestion batch runs: "
        + (
            f"{len(large)} read a large table whole:{listed(large)}"
            if large
            else "none reads a large table whole."
        )
        + (f"\n  Small tables (≤ {SMALL:,} rows) read whole:{listed(small)}" if small else "")
    ]
    for statement, plan, _ in plans:
        sql = " ".join(statement.sql.split())
        lines.append(f"  {sql[:300]}{' …' if len(sql) > 300 else ''}  (x{statement.count})")
        lines += [f"      {line}" for line in plan]
    report.note("\n".join(lines))
    return len(large)


def _export(url: str, course: bulk.Course) -> dict[str, Any]:
    """Run /export's work in a fresh process, so its peak RSS is the export's alone."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.export_probe",
        url,
        str(course.facilitator),
        course.hashtag,
        bulk.NOW.isoformat(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"export probe failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
