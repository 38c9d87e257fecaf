"""`python -m benchmarks [--quick] [--database-url URL] [--json FILE]`: every figure beside its
reference, printed as a table, then the report (query plans, samples, caveats), and written as JSON."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import time
from collections.abc import Coroutine
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks import bulk, ingestion, languages, memory, outbound, recap, scale
from benchmarks.databases import SQLITE, Databases, databases
from benchmarks.report import Report

SECTIONS = ("ingest", "scale", "recap", "outbound", "memory", "languages")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under 2 minutes, not about 9")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (postgresql+asyncpg://user@host/db; scratch databases are created "
        "on it and dropped). Default: a throwaway cluster when initdb and pg_ctl are installed",
    )
    parser.add_argument(
        "--json", type=Path, default=Path("benchmark-results.json"), help="where to write JSON"
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated, of {', '.join(SECTIONS)}"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--ingest-count", type=int, help="updates per ingestion run (default 5,000; quick 1,000)"
    )
    return parser


def _environment() -> dict[str, str]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "python-telegram-bot": version("python-telegram-bot"),
        "SQLAlchemy": version("SQLAlchemy"),
        "commit": commit,
    }


async def run(args: argparse.Namespace) -> Report:
    report = Report(quick=args.quick, environment=_environment())
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))}")
    if args.database_url and make_url(args.database_url).get_backend_name() != "postgresql":
        raise SystemExit("--database-url must be a PostgreSQL URL (SQLite always runs on scratch files)")
    quick = args.quick
    with databases(args.database_url, postgres=not args.no_postgres) as dbs:
        if not dbs.postgres_server and not args.no_postgres:
            report.note(
                "PostgreSQL: no --database-url and no initdb/pg_ctl found; PostgreSQL figures skipped."
            )
        elif not args.database_url and not args.no_postgres:
            report.note(
                "PostgreSQL: a throwaway cluster on loopback (fsync=off, synchronous_commit=off, as the "
                "test suite runs it), so its figures are what the server allows without disk flushes."
            )
        try:
            await _sections(report, dbs, only, quick, args)
        finally:
            await dbs.drop_all()
    return report


async def _sections(
    report: Report, dbs: Databases, only: set[str], quick: bool, args: argparse.Namespace
) -> None:
    def fresh(backend: str) -> ingestion.Fresh:
        return lambda label: dbs.fresh(backend, label)

    if "ingest" in only:
        count = args.ingest_count or (1_000 if quick else 5_000)
        for backend in dbs.backends:
            await _section(
                f"ingestion on {backend}",
                ingestion.measure(report, backend, fresh(backend), count, 1 if quick else 2),
            )
    if "scale" in only:
        plan = bulk.Plan().scaled(0.05) if quick else bulk.Plan()
        for backend in dbs.backends:
            await _section(
                f"scale on {backend}",
                scale.measure(report, backend, fresh(backend), plan, 100 if quick else 1_000),
            )
    if "recap" in only:
        for backend in dbs.backends:
            await _section(f"recap on {backend}", recap.measure(report, backend, fresh(backend), 500))
    if "outbound" in only:
        alerts, chats = (300, 60) if quick else (2_000, 400)
        await _section(
            "outbound", outbound.measure(report, await dbs.fresh(SQLITE, "outbound"), alerts, chats)
        )
    if "languages" in only:
        await _section("languages", languages.measure(report, quick))
    if "memory" in only:
        plan = bulk.Plan().scaled(0.05) if quick else bulk.Plan()
        await _section("memory", memory.measure(report, dbs.folder, plan, 1_500 if quick else 25_000))


async def _section(name: str, work: Coroutine[Any, Any, None]) -> None:
    print(f"{name} …", flush=True)
    started = time.monotonic()
    await work
    print(f"{name}: {time.monotonic() - started:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    report = asyncio.run(run(args))
    print()
    print(report.table())
    print("\nReport\n------")
    for note in report.notes:
        print(note)
    report.environment["seconds"] = f"{time.monotonic() - started:.0f}"
    report.write(args.json)
    print(
        f"\n{len(report.figures)} figures in {time.monotonic() - started:.0f} s; JSON written to {args.json}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
