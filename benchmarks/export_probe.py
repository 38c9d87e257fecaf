"""/export's work in a process of its own, for its time and peak RSS:
`python -m benchmarks.export_probe DATABASE_URL PERSON_ID HASHTAG NOW`. Prints one JSON line."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bot.export_zip import ZipExport
from facilitation import export
from storage.database import create_engine, session_factory
from storage.unit_of_work import SqlUnitOfWork


def _status_mb(field: str) -> float:
    """From /proc/self/status: VmRSS (now) or VmHWM (peak). Unlike ru_maxrss, VmHWM starts anew
    at exec, so the parent's size (a forked child starts as a copy of it) doesn't count."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


async def main(url: str, person_id: int, hashtag: str, now: datetime) -> dict[str, float]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    start_rss = _status_mb("VmRSS")
    try:
        with tempfile.TemporaryDirectory(prefix="flock-export-") as folder:
            path = Path(folder) / "export.zip"
            started = time.perf_counter()
            with ZipExport(path) as archive:
                summary = await export.export(SqlUnitOfWork(sessions), person_id, [hashtag], archive, now)
            seconds = time.perf_counter() - started
            size = path.stat().st_size
    finally:
        await engine.dispose()
    return {
        "seconds": seconds,
        "bytes": size,
        "questions": sum(summary.counts.questions.values()),
        "answers": summary.counts.answers,
        "start_rss_mb": start_rss,
        "peak_rss_mb": _status_mb("VmHWM"),
    }


if __name__ == "__main__":
    database_url, person, tag, moment = sys.argv[1:5]
    print(json.dumps(asyncio.run(main(database_url, int(person), tag, datetime.fromisoformat(moment)))))
