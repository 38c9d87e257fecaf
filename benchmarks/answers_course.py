"""The largest course's week of answers at scale, as the highlights read it: by the answers' own
course (ix_answers_course_answered) beside the same read through their questions' course (as
before migration 0029, every course's answers in the window), on one database, the rows checked
equal. Part of the scale section; alone:

    python -m benchmarks.answers_course [--database-url URL] [--no-postgres] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from benchmarks import bulk
from benchmarks.databases import databases
from benchmarks.report import Figure, Report, median, percentile
from bot.recording import RecordingRequest
from bot.runner import Flock, assemble
from bot.settings import Settings
from facilitation import dashboard
from facilitation.model import QuestionState
from storage.models import AnswerRow, QuestionRow
from storage.repositories.highlights import SqlHighlights
from tests.support.clock import FrozenClock

RUNS = 40  # per read, after 5 to warm up
_NAMED = [s.value for s in QuestionState if s is not QuestionState.DISMISSED]


def _through_questions(course_id: int, start: datetime, end: datetime) -> Any:
    """The read as it was: the window's answers of every course, kept by their question's course."""
    return (
        select(AnswerRow.question_id, AnswerRow.answerer_id, AnswerRow.by_facilitator, func.count())
        .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
        .where(
            AnswerRow.answered_at >= start,
            AnswerRow.answered_at < end,
            QuestionRow.course_id == course_id,
            QuestionRow.state.in_(_NAMED),
            QuestionRow.asker_id != AnswerRow.answerer_id,
        )
        .group_by(AnswerRow.question_id, AnswerRow.answerer_id, AnswerRow.by_facilitator)
    )


async def _times(work: Callable[[], Awaitable[object]]) -> list[float]:
    found = []
    for n in range(RUNS + 5):
        started = time.perf_counter()
        await work()
        if n >= 5:
            found.append(time.perf_counter() - started)
    return found


async def measure(report: Report, section: str, flock: Flock, course: bulk.Course) -> None:
    now = flock.runtime.clock.now()
    async with flock.runtime.uow() as unit:
        found = await unit.courses.by_hashtag(course.hashtag)
    assert found is not None
    for label, week in (("last week", "last"), ("this week so far", "this")):
        start, end = dashboard.week_bounds(found, week, now)  # as the Stories tab asks
        await _window(report, section, flock, course.id, label, start, end)


async def _window(
    report: Report, section: str, flock: Flock, course_id: int, label: str, start: datetime, end: datetime
) -> None:
    async def new() -> list[tuple[int, int, bool, int]]:
        async with flock.sessions() as session:
            found = await SqlHighlights(session).answered(course_id, start, end)
        return sorted((a.question_id, a.answerer_id, a.by_facilitator, a.answers) for a in found)

    async def old() -> list[tuple[int, int, bool, int]]:
        async with flock.sessions() as session:
            connection = await session.connection()
            rows = await connection.execute(_through_questions(course_id, start, end))
        return sorted((q, p, bool(f), int(n)) for q, p, f, n in rows)

    kept, before = await new(), await old()
    if kept != before:
        raise RuntimeError(f"{label}: the two reads differ ({len(kept)} rows against {len(before)})")
    # Alternated, so both meet the same load on a shared machine.
    old_times: list[float] = []
    new_times: list[float] = []
    for _ in range(2):
        old_times += await _times(old)
        new_times += await _times(new)
    answers = sum(n for *_, n in kept)
    report.add(
        Figure(
            section,
            f"highlights' answers read, {label}, largest course: p95",
            percentile(new_times, 0.95) * 1000,
            "ms",
            "",
            percentile(old_times, 0.95) * 1000,
            "the same read through questions' course, p95",
            note=(
                f"median {median(new_times) * 1000:.1f} ms against {median(old_times) * 1000:.1f} ms; "
                f"{answers:,} answers, {len(kept):,} rows, the same from both; {2 * RUNS} runs each"
            ),
        )
    )


async def _alone(args: argparse.Namespace) -> Report:
    report = Report(quick=args.quick, environment={})
    plan = bulk.Plan().scaled(0.05) if args.quick else bulk.Plan()
    with databases(args.database_url, postgres=not args.no_postgres) as dbs:
        try:
            for backend in dbs.backends:
                url = await dbs.fresh(backend, "answers")
                started = time.perf_counter()
                generated = await bulk.generate(url, plan)
                section = f"answers' course {backend}"
                report.note(f"[{section}] generated in {time.perf_counter() - started:.0f} s")
                clock = FrozenClock(bulk.NOW)
                settings = Settings(database_url=url)
                flock = assemble(settings, "1:bench", clock, request=RecordingRequest(), rate_limited=False)
                try:
                    await measure(report, section, flock, generated.largest)
                finally:
                    await flock.close()
        finally:
            await dbs.drop_all()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answers_course")
    parser.add_argument("--database-url", help="a PostgreSQL server for scratch databases")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--quick", action="store_true", help="a twentieth of the scale")
    report = asyncio.run(_alone(parser.parse_args()))
    print(report.table())
    for figure in report.figures:
        print(f"{figure.section}: {figure.name}: {figure.note}")
    for note in report.notes:
        print(note)


if __name__ == "__main__":
    main()
