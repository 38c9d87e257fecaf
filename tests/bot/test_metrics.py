"""Metrics as Prometheus scrapes them: updates, outbox, tick jobs, and the /metrics endpoint."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import httpx
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot import logs, metrics
from bot.recording import api_error
from bot.webhook import create_app
from tests.builders import JSON, group, user
from tests.support.harness import TOKEN, Harness

ANA = user(11, "Ana", "ana_f")
BEN = user(12, "Ben")
CHAT = group(-1001500, "Onboarding 2026")
QUESTION = "How do I reset my portal password?"


def scrape(flock: Harness) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The rendered registry, as {(sample name, labels): value}."""
    text = generate_latest(flock.flock.metrics.registry).decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))


def fail_replies(flock: Harness) -> None:
    flock.api.failures["sendMessage"] = lambda _: (500, api_error(500, "Internal Server Error"))


async def test_processed_updates_are_counted_by_kind_and_outcome(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, QUESTION), flock.telegram.post(CHAT, BEN, "thanks all"))
    fail_replies(flock)  # /course answers directly: its handler fails when Telegram does

    await flock.send(flock.telegram.post(CHAT, BEN, "/course"))

    samples = scrape(flock)
    assert value(samples, "flock_updates_stored_total") == 4
    assert value(samples, "flock_updates_processed_total", kind="message", outcome="ok") == 3
    assert value(samples, "flock_updates_processed_total", kind="message", outcome="error") == 1
    assert value(samples, "flock_update_seconds_count") == 4


async def test_inbox_lag_is_the_time_from_arrival_to_processing(flock: Harness) -> None:
    updates = [flock.telegram.post(CHAT, BEN, "hello"), flock.telegram.post(CHAT, BEN, "hi")]
    await flock.flock.poller.store(updates)
    flock.clock.advance(seconds=30)

    await flock.flock.poller.processor.drain()

    samples = scrape(flock)
    assert value(samples, "flock_inbox_lag_seconds_count") == 2
    assert value(samples, "flock_inbox_lag_seconds_sum") == 60
    assert value(samples, "flock_inbox_lag_seconds_bucket", le="10.0") == 0
    assert value(samples, "flock_inbox_lag_seconds_bucket", le="30.0") == 2


async def test_outbox_deliveries_are_counted_sent_retried_and_failed_by_kind(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, QUESTION))  # acknowledged with a reaction
    flock.api.failures["setMessageReaction"] = lambda _: (429, api_error(429, "Too Many Requests", 60))
    await flock.send(flock.telegram.post(CHAT, BEN, "Where is the schedule for week two?"))
    flock.api.failures["setMessageReaction"] = lambda _: (403, api_error(403, "Forbidden: bot was kicked"))

    await flock.send(flock.telegram.post(CHAT, ANA, "What is the room number for Monday?"))

    samples = scrape(flock)
    assert value(samples, "flock_outbox_sent_total", kind="reaction") == 1
    assert value(samples, "flock_outbox_retried_total", kind="reaction") == 1
    assert value(samples, "flock_outbox_failed_total", kind="reaction") == 1


async def test_the_sender_loop_keeps_the_pending_gauge_current(flock: Harness) -> None:
    await set_up(flock)
    flock.api.failures["setMessageReaction"] = lambda _: (429, api_error(429, "Too Many Requests", 60))
    await flock.send(flock.telegram.post(CHAT, BEN, QUESTION))
    stop = asyncio.Event()

    loop = asyncio.create_task(flock.flock.sender.run(stop, every=0.05))
    for _ in range(200):
        if value(scrape(flock), "flock_outbox_pending") == 1:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await loop

    assert value(scrape(flock), "flock_outbox_pending") == 1
    assert await flock.rows("select kind from outbox where sent_at is null") == [("reaction",)]


async def test_tick_jobs_are_timed_and_their_failures_counted(flock: Harness) -> None:
    await flock.tick()
    async with flock.flock.sessions() as session, session.begin():  # the greetings job now fails
        await session.execute(text("ALTER TABLE greetings RENAME TO greetings_gone"))

    await flock.flock.ticker.tick()

    samples = scrape(flock)
    assert flock.flock.ticker.failed == ["greetings"]
    assert value(samples, "flock_tick_job_failures_total", job="greetings") == 1
    assert value(samples, "flock_tick_job_failures_total", job="alerts") == 0
    assert value(samples, "flock_tick_job_seconds_count", job="greetings") == 2
    assert value(samples, "flock_tick_job_seconds_count", job="digests") == 2


async def test_the_metrics_endpoint_serves_the_registry(flock: Harness) -> None:
    await flock.send(flock.telegram.post(CHAT, BEN, "hello"))
    app = create_app(
        flock.flock.sessions, flock.clock, path="/t", secret="s", on_stored=int, metrics=flock.flock.metrics
    )

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock") as client:
        response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'flock_updates_processed_total{kind="message",outcome="ok"} 1.0' in response.text
    assert "process_resident_memory_bytes" in response.text


async def test_each_harness_has_registries_of_its_own(flock: Harness) -> None:
    await flock.send(flock.telegram.post(CHAT, BEN, "hello"))

    assert value(scrape(flock), "flock_updates_processed_total", kind="message", outcome="ok") == 1
    assert metrics.Metrics().registry.get_sample_value("flock_updates_stored_total") == 0


async def test_a_failing_update_is_logged_as_json_with_its_context_and_no_token(flock: Harness) -> None:
    stream = io.StringIO()
    handler = logs.handler("json", [TOKEN], stream)
    logging.getLogger("flock").addHandler(handler)
    await set_up(flock)
    fail_replies(flock)
    update = flock.telegram.post(CHAT, BEN, "/course")

    try:
        await flock.send(update)
    finally:
        logging.getLogger("flock").removeHandler(handler)

    records: list[JSON] = [json.loads(line) for line in stream.getvalue().splitlines()]
    failure = next(r for r in records if r["logger"] == "flock.errors")
    assert failure["level"] == "ERROR"
    assert failure["update_id"] == update["update_id"]
    assert failure["chat_id"] == CHAT["id"]
    assert "Internal Server Error" in failure["exception"]
    assert TOKEN not in stream.getvalue()
