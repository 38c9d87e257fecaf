"""Figure 3: alerts delivered through the outbox by `OutboxSender` with PTB's AIORateLimiter,
against a loopback Bot API that enforces Telegram's flood limits (benchmarks/limited_api.py).

A quarter of the chats are facilitators' groups (negative ids, 20 a minute each), getting
twice the alerts of a private chat, and one group in twenty is busy: more than 20 alerts, so
that its own limit needs most of the time the overall one does. The rest are facilitators'
private chats. Rows are queued in random order, as alerts arrive over time.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from benchmarks.limited_api import OVERALL, PER_GROUP, Delivery, RemoteTelegram, minimum_seconds
from benchmarks.report import Figure, Report
from bot.context import SystemClock
from bot.runner import Flock, assemble
from bot.settings import Settings
from facilitation.notices import NoticeKind
from storage.models import OutboxRow

TOKEN = "123456:BENCH-token"


def chat_plan(alerts: int, chats: int) -> dict[int, int]:
    """How many alerts each chat gets: a quarter of the chats are groups, and one group in twenty
    is busy enough that its own limit needs most of the time the overall one does."""
    groups = max(1, chats // 4)
    busy = max(1, groups // 20)
    limit, period = OVERALL
    overall_seconds = max(0, alerts - limit) * period / limit
    group_limit, group_period = PER_GROUP
    busy_size = group_limit + int(0.6 * overall_seconds / (group_period / group_limit))
    plan: dict[int, int] = {-1003000000000 - n: busy_size for n in range(busy)}
    rest = alerts - busy * busy_size
    per_group = min(group_limit // 2, max(1, 2 * rest // (chats - busy + groups - busy)))
    for n in range(busy, groups):
        plan[-1003000000000 - n] = per_group
    rest -= (groups - busy) * per_group
    private = chats - groups
    for n in range(private):
        plan[700_000_000 + n] = rest // private + (1 if n < rest % private else 0)
    return {chat: count for chat, count in plan.items() if count}


async def _sent(flock: Flock) -> int:
    async with flock.sessions() as session:
        return int(await session.scalar(select(func.count()).where(OutboxRow.sent_at.is_not(None))) or 0)


def _alert(alert_id: int, chat_id: int, now: datetime) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "question_id": alert_id,
        "course": "#bench",
        "asker": "Learner",
        "text": f"How do I get step {alert_id} of the exercise working?",
        "asked_at": (now - timedelta(hours=2, minutes=5)).isoformat(),
        "chat_id": -1002000000001,
        "message_id": 1000 + alert_id,
        "thread_id": None,
    }


async def measure(report: Report, url: str, alerts: int, chats: int, seed: int = 5) -> None:
    section = "outbound"
    plan = chat_plan(alerts, chats)
    order = [chat for chat, count in plan.items() for _ in range(count)]
    random.Random(seed).shuffle(order)
    now = datetime.now(UTC)
    telegram = RemoteTelegram()
    flock = assemble(Settings(database_url=url, telegram_api_url=telegram.url), TOKEN, SystemClock())
    try:
        async with flock.sessions() as session, session.begin():
            await session.execute(
                insert(OutboxRow),
                [
                    {
                        "chat_id": chat,
                        "kind": NoticeKind.ALERT.value,
                        "subject": f"alert:{n + 1}",
                        "created_at": now,
                        "due_at": now,
                        "payload": json.dumps(_alert(n + 1, chat, now)),
                    }
                    for n, chat in enumerate(order)
                ],
            )
        await flock.app.initialize()
        stop = asyncio.Event()
        minimum = minimum_seconds(plan)
        settings = Settings()
        started = time.monotonic()
        sender = asyncio.create_task(flock.sender.run(stop, settings.tick_seconds))
        deadline = started + max(120.0, 4 * minimum)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            if await _sent(flock) >= alerts:
                break
        stop.set()
        await sender
        sent = await _sent(flock)
        async with flock.sessions() as session:
            retried = (
                await session.execute(
                    select(OutboxRow.last_error, func.count())
                    .where(OutboxRow.last_error.is_not(None))
                    .group_by(OutboxRow.last_error)
                )
            ).all()
    finally:
        await flock.app.shutdown()
        await flock.close()
        stats = telegram.stats()
        telegram.close()
    delivered = [Delivery(**d) for d in stats["delivered"] if d["method"] == "sendMessage"]
    rejected = [Delivery(**d) for d in stats["rejected"]]
    elapsed = (delivered[-1].at if delivered else time.monotonic()) - started
    groups = sum(1 for chat in plan if chat < 0)
    busiest = max(plan.values())
    described = (
        f"{alerts:,} alerts to {len(plan)} chats ({groups} groups, the busiest {busiest}); "
        f"{sent:,} marked sent; the sender flushes every {settings.tick_seconds:.0f} s unless woken"
    )
    report.add(Figure(section, "429 answers", len(rejected), "", "== 0", note=described))
    report.add(
        Figure(
            section,
            "delivery time",
            elapsed,
            "s",
            f"<= {minimum * 1.1:.1f}",
            minimum,
            "minimum the limits allow",
            note=described,
        )
    )
    first = delivered[0].at - started if delivered else float("nan")
    report.note(
        f"[{section}] {described}. Minimum {minimum:.1f} s (overall {OVERALL[0]} a second with a burst of "
        f"{OVERALL[0]}, each group {PER_GROUP[0]} a minute with a burst of {PER_GROUP[0]}); first message "
        f"after {first:.2f} s, last after {elapsed:.1f} s; {len(rejected)} answered 429"
        + (f" (first at {rejected[0].at - started:.1f} s, chat {rejected[0].chat_id})" if rejected else "")
        + "."
        + (" Retried after: " + "; ".join(f"{error} (x{n})" for error, n in retried) if retried else "")
    )
