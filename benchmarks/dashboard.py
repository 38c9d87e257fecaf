"""The dashboard's server time at scale: each page as Telegram's webview asks for it (signed init
data checked, the domain read, the page rendered), through the ASGI app `flock run` serves,
beside `/healthz` (the same stack and one database round trip) measured in the same run."""

from __future__ import annotations

import time

import httpx
from starlette.applications import Starlette

from benchmarks import bulk
from benchmarks.report import Figure, Report, percentile
from bot.runner import Flock
from bot.web.app import HEADER, Dashboard
from bot.web.init_data import sign
from bot.webhook import create_app

REQUESTS = 60  # per page, after 5 to warm up


async def measure(report: Report, section: str, flock: Flock, token: str, course: bulk.Course) -> None:
    now = flock.runtime.clock.now()
    pages = Dashboard(flock.runtime.uow, flock.runtime.clock, token, "/dashboard").routes()
    clock = flock.runtime.clock
    app: Starlette = create_app(
        flock.sessions, clock, path="/telegram", secret="bench", on_stored=lambda: None, extra=pages
    )
    signed = {HEADER: sign({"id": course.facilitator, "first_name": "Fay"}, token, now)}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock") as client:

        async def timed(method: str, path: str, headers: dict[str, str]) -> list[float]:
            times = []
            for n in range(REQUESTS + 5):
                started = time.perf_counter()
                response = await client.request(method, path, headers=headers)
                elapsed = time.perf_counter() - started
                if response.status_code not in (200, 409):
                    raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:200]}")
                if n >= 5:
                    times.append(elapsed)
            return times

        health = percentile(await timed("GET", "/healthz", {}), 0.95) * 1000
        measured = [
            ("Your courses", "GET", "/dashboard/view/courses"),
            (
                f"Today, largest course ({course.questions:,} questions)",
                "GET",
                f"/dashboard/view/{course.id}/today",
            ),
            (
                f"Learners by posts, largest course ({course.learners:,} learners)",
                "GET",
                f"/dashboard/view/{course.id}/learners?sort=posts",
            ),
            (
                "Learners by posts, the next 100 (Show more)",
                "GET",
                f"/dashboard/view/{course.id}/learners?sort=posts&offset=100",
            ),
            (
                "Learners by answers given, largest course",
                "GET",
                f"/dashboard/view/{course.id}/learners?sort=answers",
            ),
            ("Trends 7 days (its default), largest", "GET", f"/dashboard/view/{course.id}/trends"),
            ("Trends 30 days, largest course", "GET", f"/dashboard/view/{course.id}/trends?window=30d"),
            ("Trends since the start, largest", "GET", f"/dashboard/view/{course.id}/trends?window=all"),
            ("Sessions, largest course", "GET", f"/dashboard/view/{course.id}/sessions"),
            ("Stories (the first 50), largest course", "GET", f"/dashboard/view/{course.id}/stories"),
            ("Stories, the next 50 (Show more)", "GET", f"/dashboard/view/{course.id}/stories?offset=50"),
            (
                "Stories' highlights, this week so far, largest",
                "GET",
                f"/dashboard/view/{course.id}/highlights",
            ),
            (
                "Stories' highlights, last week, largest",
                "GET",
                f"/dashboard/view/{course.id}/highlights?week=last",
            ),
            ("Settings, largest course", "GET", f"/dashboard/view/{course.id}/settings"),
        ]
        for name, method, path in measured:
            p95 = percentile(await timed(method, path, signed), 0.95) * 1000
            report.add(
                Figure(
                    section,
                    f"dashboard {name}: server time p95",
                    p95,
                    "ms",
                    "< 150",
                    health,
                    "GET /healthz p95",
                    note=f"{REQUESTS} requests through the ASGI app: init data checked, read, rendered",
                )
            )
