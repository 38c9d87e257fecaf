"""Faults: `flock run` as a real process under Telegram errors, dropped connections, SIGKILL and a
database outage, and the outbox sender under SQLite lock contention.

Each test prints its figures (run with -s to see them): what was sent, processed, lost and
duplicated.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sender import OutboxSender
from storage.database import create_engine, session_factory
from storage.outbox import OutboxStore
from tests.builders import JSON, group, user
from tests.support.bot_api_server import FakeTelegram
from tests.support.flock_process import (
    ADMIN,
    GROUP,
    LEARNERS,
    FlockProcess,
    control,
    message,
    private,
    questions,
    rows,
    safe,
    scalar,
    stream,
    traffic,
    wait,
)
from tests.support.harness import Harness
from tests.support.postgres import Cluster


@pytest.fixture
def flock_process(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> Iterator[FlockProcess]:
    process = FlockProcess(telegram[1], database_url, tmp_path / "flock.log", tick_seconds=0.5)
    yield process
    process.ensure_stopped()


def _figures(title: str, **figures: object) -> None:
    print(f"\n[faults] {title}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in figures.items()))


def _question(text: str) -> str:
    found = re.search(r"Question number \d+", text)
    return found.group(0) if found else ""


def _backend(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


GROUPS = [{"id": -1005560000 - g, "type": "supergroup", "title": f"Fault group {g}"} for g in range(4)]
# Each fault hits the calls of its method in turn: `every` n-th call it sees, `times` times.
FAULTS = [
    {"kind": "429", "method": "getUpdates", "times": 2, "retry_after": 1},
    {"kind": "500", "method": "getUpdates", "every": 2, "times": 1},
    {"kind": "drop", "method": "getUpdates", "every": 2, "times": 1},
    {"kind": "429", "method": "sendMessage", "every": 3, "times": 4, "retry_after": 1},
    {"kind": "500", "method": "sendMessage", "every": 3, "times": 4},
    {"kind": "drop", "method": "sendMessage", "every": 4, "times": 3},
    {"kind": "timeout", "method": "sendMessage", "every": 12, "times": 2, "delay": 6},
    {"kind": "429", "method": "setMessageReaction", "every": 3, "times": 4, "retry_after": 1},
    {"kind": "500", "method": "setMessageReaction", "every": 3, "times": 4},
    {"kind": "drop", "method": "setMessageReaction", "every": 4, "times": 3},
    {"kind": "timeout", "method": "setMessageReaction", "every": 5, "times": 1, "delay": 6},
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_flock_run_rides_out_429s_500s_timeouts_and_dropped_connections(
    telegram: tuple[FakeTelegram, str], database_url: str, flock_process: FlockProcess
) -> None:
    fake, api_url = telegram
    per_group = 8
    updates = [message(1, learner, "/start", private(learner)) for learner in LEARNERS]
    for g, chat in enumerate(GROUPS):
        fake.answers.admins.add((chat["id"], ADMIN["id"]))
        updates.append(message(1, ADMIN, f"/setup #fault{g} Fault course {g}", chat))
        updates += questions(per_group, chat, first=g * per_group)
    asked = [u["message"] for u in updates if u["message"]["text"].startswith("Question")]
    count = lambda sql: safe(lambda q: scalar(database_url, q), sql)  # noqa: E731
    pending = "select count(*) from outbox where sent_at is null and failed_at is null"
    control(api_url, "faults", FAULTS)
    fake.inject(updates)

    flock_process.start()
    wait(
        lambda: count("select count(*) from inbox where processed_at is not null") == len(updates),
        seconds=45,
        what=f"every update processed\n{flock_process.tail()}",
    )
    wait(lambda: count(pending) == 0, seconds=45, what="the outbox drained")
    wait(lambda: fake.updates == [], what="the last offset confirmed")
    exit_code = flock_process.stop()

    faults = control(api_url, "faults")
    delivered = [d for d in fake.deliveries if d.method in ("setMessageReaction", "sendMessage")]
    reactions = [(d.chat_id, d.message_id) for d in delivered if d.method == "setMessageReaction"]
    followups = [d for d in delivered if "Did this answer your question?" in d.text]
    identities = [d.identity for d in delivered]
    queued = count("select count(*) from outbox")
    _figures(
        "429/500/timeouts/dropped connections",
        faults_injected=sum(f["hits"] for f in faults),
        updates_sent=len(updates),
        processed=count("select count(*) from inbox where processed_at is not null"),
        messages_queued=queued,
        delivered=count("select count(*) from outbox where sent_at is not null"),
        failed=count("select count(*) from outbox where failed_at is not null"),
        duplicated=len(identities) - len(set(identities)),
    )
    assert exit_code == 0
    assert [f["hits"] for f in faults] == [f["times"] for f in faults]
    assert count("select count(*) from questions") == count("select count(*) from answers") == len(asked)
    assert queued == 2 * len(asked)  # a reaction and an asker's follow-up for each question
    assert count("select count(*) from outbox where sent_at is not null") == queued
    assert sorted(reactions) == sorted((q["chat"]["id"], q["message_id"]) for q in asked)
    assert sorted((d.chat_id, _question(d.text)) for d in followups) == sorted(
        (q["from"]["id"], _question(q["text"])) for q in asked
    )
    assert len(identities) == len(set(identities))


def test_sigkill_at_random_points_while_updates_stream_in_loses_and_repeats_nothing(
    telegram: tuple[FakeTelegram, str], database_url: str, flock_process: FlockProcess
) -> None:
    fake, _ = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    rounds, seed = 120, random.randrange(10**6)
    chance = random.Random(seed)
    updates = traffic(rounds)
    count = lambda sql: safe(lambda q: scalar(database_url, q), sql)  # noqa: E731
    processed = lambda: count("select count(*) from inbox where processed_at is not null")  # noqa: E731

    flock_process.start()
    feeder = stream(fake.inject, updates, seconds=8)
    kills = 0
    for _ in range(3):
        before = max(processed(), 0)
        flock_process.wait_until_up(fake)  # each kill hits a process that got going
        # Processing goes on (or, on a slow start, finished while this process was starting).
        wait(lambda n=before: processed() > n or processed() == len(updates), what="processing to go on")
        time.sleep(chance.uniform(0.05, 1.0))
        flock_process.kill()
        kills += 1
        flock_process.start()
    feeder.join()
    wait(lambda: processed() == len(updates), what=f"every update processed\n{flock_process.tail()}")
    wait(lambda: fake.updates == [], what="the last offset confirmed")
    flock_process.wait_until_up(fake)
    exit_code = flock_process.stop()

    stored, done = count("select count(*) from inbox"), processed()
    questions, answers = count("select count(*) from questions"), count("select count(*) from answers")
    _figures(
        f"SIGKILL while updates stream in ({_backend(database_url)}, seed {seed})",
        kills=kills,
        updates_sent=len(updates),
        stored=stored,
        processed=done,
        lost=len(updates) - done,
        duplicated=questions + answers - 2 * rounds,
    )
    assert exit_code == 0
    assert stored == done == len(updates)
    assert (questions, answers) == (rounds, rounds)
    assert count("select count(*) from questions where state = 'answered'") == rounds


ALERT_ID = re.compile(r"al:c:(\d+)")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sigkill_while_the_outbox_drains_delivers_every_message_and_each_alert_once_per_period(
    telegram: tuple[FakeTelegram, str], database_url: str, flock_process: FlockProcess
) -> None:
    fake, _ = telegram
    courses, per_course, seed = 12, 5, random.randrange(10**6)  # five due at once stay single alerts
    chance = random.Random(seed)
    chats = [
        {"id": -1005570000 - c, "type": "supergroup", "title": f"Kill group {c}"} for c in range(courses)
    ]
    updates = [message(1, ADMIN, "/start", private(ADMIN))]
    for c, chat in enumerate(chats):
        fake.answers.admins.add((chat["id"], ADMIN["id"]))
        updates.append(message(1, ADMIN, f"/setup #kill{c} Kill course {c}", chat))
        updates.append(message(2, ADMIN, "/settings sla 10s", chat))
        updates += questions(per_course, chat, first=c * per_course)[::2]  # questions, no answers
    count = lambda sql: safe(lambda q: scalar(database_url, q), sql)  # noqa: E731
    alerts_out = lambda: sum(bool(ALERT_ID.search(" ".join(d.callback_data))) for d in fake.deliveries)  # noqa: E731

    fake.inject(updates)
    flock_process.start()
    kills: list[float] = []  # when, by time.monotonic(), as the server dates deliveries
    for _ in range(3):
        before = alerts_out()
        wait(lambda n=before: alerts_out() > n, seconds=30, what=f"alerts going out\n{flock_process.tail()}")
        time.sleep(chance.uniform(0, 0.6))
        flock_process.kill()
        kills.append(time.monotonic())  # after it died: everything it delivered is dated before
        flock_process.start()
    answers = [
        u for c, chat in enumerate(chats) for u in questions(per_course, chat, first=c * per_course)[1::2]
    ]
    fake.inject(answers)  # answered questions are alerted no more; their alerts are edited to say so
    total = len(updates) + len(answers)
    wait(
        lambda: count("select count(*) from inbox where processed_at is not null") == total, what="processing"
    )
    wait(
        lambda: count("select count(*) from outbox where sent_at is null and failed_at is null") == 0,
        seconds=30,
        what="the outbox drained",
    )
    wait(lambda: fake.updates == [], what="the last offset confirmed")
    flock_process.wait_until_up(fake)
    exit_code = flock_process.stop()

    queued = rows(database_url, "select kind, subject, sent_at is not null from outbox")
    alert_rows = [int(subject.split(":")[1]) for kind, subject, _ in queued if kind == "alert"]
    alert_deliveries = [
        (int(m.group(1)), d.at) for d in fake.deliveries if (m := ALERT_ID.search(" ".join(d.callback_data)))
    ]
    delivered = Counter(alert_id for alert_id, _ in alert_deliveries)
    first_at = {alert_id: at for alert_id, at in reversed(alert_deliveries)}
    everything = Counter(
        d.identity
        for d in fake.deliveries
        if d.method in ("sendMessage", "setMessageReaction", "editMessageText")
    )
    periods = count("select count(distinct period) from alerts")
    _figures(
        f"SIGKILL while the outbox drains (seed {seed})",
        kills=len(kills),
        messages_queued=len(queued),
        marked_sent=sum(sent for _, _, sent in queued),
        calls_delivered_with_direct_replies=sum(everything.values()),
        duplicated=sum(n - 1 for n in everything.values()),
        alerts=len(alert_rows),
        alert_periods=periods,
        alerts_delivered=len(delivered),
        alerts_lost=len(set(alert_rows) - set(delivered)),
        alerts_duplicated=sum(n - 1 for n in delivered.values()),
    )
    assert exit_code == 0
    assert all(sent for _, _, sent in queued)
    assert len(alert_rows) == len(set(alert_rows)) == count("select count(*) from alerts")  # one row each
    assert set(delivered) == set(alert_rows)  # every alert delivered, none unknown
    # SIGKILL can land between Telegram taking a message and its sent mark: that one message (one
    # per chat; the alerts share one) goes again at restart. A chat's messages go one after another,
    # each marked before the next is sent, so a repeat must be the chat's last delivery before a kill.
    repeated = [alert_id for alert_id, n in delivered.items() if n > 1]
    to_admin = [d.at for d in fake.deliveries if d.chat_id == ADMIN["id"]]
    last_before = {max((at for at in to_admin if at < kill), default=0.0) for kill in kills}
    assert sum(delivered[alert_id] - 1 for alert_id in repeated) <= len(kills)
    assert all(first_at[a] in last_before for a in repeated), (kills, {a: first_at[a] for a in repeated})


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_outage_under_load_is_ridden_out_without_losing_updates(
    telegram: tuple[FakeTelegram, str], database_url: str, flock_process: FlockProcess, postgres: Cluster
) -> None:
    fake, _ = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    rounds = 120
    updates = traffic(rounds)
    count = lambda sql: safe(lambda q: scalar(database_url, q), sql)  # noqa: E731
    processed = lambda: count("select count(*) from inbox where processed_at is not null")  # noqa: E731

    flock_process.start()
    feeder = stream(fake.inject, updates, seconds=8)
    wait(lambda: processed() > 20, what="processing to start")
    postgres.restart(down_seconds=3)
    feeder.join()
    wait(lambda: processed() == len(updates) or not flock_process.running(), seconds=60, what="processing")
    assert flock_process.running(), flock_process.tail()
    wait(lambda: fake.updates == [], seconds=30, what="the last offset confirmed")
    exit_code = flock_process.stop()

    done = processed()
    questions, answers = count("select count(*) from questions"), count("select count(*) from answers")
    _figures(
        "PostgreSQL stopped for 3 s under load",
        updates_sent=len(updates),
        processed=done,
        lost=len(updates) - done,
        duplicated=questions + answers - 2 * rounds,
    )
    assert exit_code == 0
    assert done == len(updates)
    assert (questions, answers) == (rounds, rounds)


CHAT = group(-1001700, "Lock test")
ANA, BEN = user(11, "Ana", "ana_f"), user(12, "Ben")


async def _store_questions(flock: Harness, questions: int) -> list[JSON]:
    """A course, and that many questions stored in the inbox but not processed (each queues a reaction)."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #lock26 Lock course"))
    asked = [flock.telegram.post(CHAT, BEN, f"#q how does lock step {n} work") for n in range(questions)]
    await flock.flock.poller.store(asked)
    return asked


def _sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite+aiosqlite:///")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_message_whose_sent_mark_meets_a_locked_database_is_never_sent_again(
    flock: Harness, database_url: str
) -> None:
    asked = await _store_questions(flock, questions=8)
    await flock.flock.poller.processor.drain()
    # The sender's own engine gives up on the lock after 0.2 s, as Flock's does after 30 s.
    impatient = create_engine(database_url, busy_seconds=0.2)
    sender = OutboxSender(flock.flock.app.bot, OutboxStore(session_factory(impatient)), flock.clock)
    writer = sqlite3.connect(_sqlite_path(database_url), isolation_level=None, check_same_thread=False)
    held, released = threading.Event(), threading.Event()

    def release() -> None:
        writer.execute("COMMIT")
        released.set()

    def lock_on_first_send(params: JSON) -> None:  # another writer takes the lock as it goes out
        if not held.is_set():
            writer.execute("BEGIN IMMEDIATE")
            held.set()
            threading.Timer(1.0, release).start()

    flock.api.failures["setMessageReaction"] = lock_on_first_send
    waiting: list[int] = []

    await sender.flush()
    waiting.append(sender.unrecorded)
    assert await asyncio.to_thread(released.wait, 10)
    await sender.flush()
    waiting.append(sender.unrecorded)
    await impatient.dispose()
    writer.close()

    reactions = [c.params["message_id"] for c in flock.api.take("setMessageReaction")]
    _figures(
        "sent marks meeting a held SQLite lock",
        queued=len(asked),
        delivered=len(reactions),
        marks_waiting_after_round_1=waiting[0],
        after_round_2=waiting[1],
        duplicated=len(reactions) - len(set(reactions)),
    )
    assert waiting[0] > 0  # the lock did keep some marks out
    assert waiting[1] == 0
    assert sorted(reactions) == sorted(u["message"]["message_id"] for u in asked)
    assert await flock.rows(
        "select count(*), min(attempts), max(attempts) from outbox where sent_at is not null"
    ) == [(len(asked), 1, 1)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sent_marks_get_their_turn_while_the_inbox_writes_batch_after_batch(
    flock: Harness, database_url: str
) -> None:
    asked = await _store_questions(flock, questions=600)
    impatient = create_engine(database_url, busy_seconds=0.2)
    store = OutboxStore(session_factory(impatient), flock.flock.turns)  # the inbox's turns
    sender = OutboxSender(flock.flock.app.bot, store, flock.clock)
    draining = asyncio.create_task(flock.flock.poller.processor.drain())
    rounds, waited, failed = 0, 0, 0

    while not draining.done():
        try:
            await sender.flush()
        except Exception:  # as OutboxSender.run: a failed round is retried
            failed += 1
        waited = max(waited, sender.unrecorded)
        rounds += 1
        await asyncio.sleep(0.01)
    await draining
    await sender.flush()
    await impatient.dispose()

    reactions = [c.params["message_id"] for c in flock.api.take("setMessageReaction")]
    _figures(
        "sent marks while the inbox ingests",
        updates=len(asked),
        sender_rounds=rounds,
        failed_rounds=failed,
        most_marks_waiting=waited,
        delivered=len(reactions),
        duplicated=len(reactions) - len(set(reactions)),
    )
    assert (failed, waited) == (0, 0)
    assert sorted(reactions) == sorted(u["message"]["message_id"] for u in asked)
