"""Two Flocks on one PostgreSQL tick at the same moment: each due thing is done once.

Each process claims due rows with FOR UPDATE SKIP LOCKED (alerts, follow-ups, greetings,
guest-session phases) and leases outbox rows, so running every job twice at once alerts each
question once, starts each session once, hands the guest each question once and sends each
message once.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.recording import Call
from tests.builders import group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
ADA = user(20, "Ada", "ada_expert")
LEARNERS = [user(100 + n, f"Learner{n}") for n in range(6)]
CHAT = group(-1001500, "Onboarding 2026")
QUESTIONS = 30
GUEST_QUESTIONS = 4


async def course_with_due_work(flock: Harness) -> None:
    send, t = flock.send, flock.telegram
    flock.make_admin(CHAT, ANA)
    await send(t.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await send(t.post(private(ANA), ANA, "/start"))
    for person in LEARNERS:
        await send(t.post(CHAT, person, "Hi everyone #intro"))
    calls = await send(t.post(CHAT, ANA, '/guest @ada_expert "Careers" in 1h 2h'))
    token = re.search(r"start=guest_([\w-]+)", "".join(c.text for c in calls))
    assert token is not None
    await send(t.post(private(ADA), ADA, f"/start guest_{token.group(1)}"))
    await send(t.post(CHAT, ANA, "/session_batch 1 10"))
    for n in range(GUEST_QUESTIONS):
        await send(t.post(CHAT, LEARNERS[n], f"/askguest Guest question {n}: how did you start?"))
    for n in range(QUESTIONS):
        await send(t.post(CHAT, LEARNERS[n % 6], f"Question {n}: where is the handout for part {n}?"))


def guest_questions(calls: list[Call]) -> list[str]:
    return [
        c.text
        for c in calls
        if c.method == "sendMessage" and c.chat_id == ADA["id"] and "Guest question" in c.text
    ]


async def test_two_processes_ticking_at_once_do_each_due_thing_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    await course_with_due_work(flock)
    clock.advance(hours=2, minutes=1)  # every question overdue, the session live
    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids  # one Telegram: message ids don't collide
        await asyncio.gather(flock.flock.ticker.tick(), other.flock.ticker.tick())
        await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
        failed = flock.flock.ticker.failed + other.flock.ticker.failed
        calls = flock.api.take() + other.api.take()

    alerts = await flock.rows("SELECT question_id, period FROM alerts")
    sessions = await flock.rows("SELECT phase FROM guest_sessions")
    to_guest = guest_questions(calls)
    outbox = await flock.rows("SELECT count(*), count(sent_at) FROM outbox")
    messages = [c for c in calls if c.method == "sendMessage"]

    assert failed == []
    assert sorted(period for _, period in alerts) == [1] * QUESTIONS  # once each, none twice
    assert sessions == [("live",)]
    assert len(to_guest) == GUEST_QUESTIONS
    assert len(set(to_guest)) == GUEST_QUESTIONS
    assert outbox[0][0] == outbox[0][1]  # every message sent…
    assert len(messages) == len({(c.chat_id, c.text) for c in messages})  # …and none twice
