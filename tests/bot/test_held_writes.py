"""An inbox batch holds the busy path's writes to its end and reads what its updates need once
(storage/held.py). Whatever arrives, the database must end as it would with every write made at
once: these tests process the same traffic both ways and compare, and check the failure paths."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from benchmarks.traffic import Cohorts
from bot import texts
from bot.inbox import InboxProcessor
from tests.builders import JSON, Telegram, group, user
from tests.builders import private as private_chat
from tests.conftest import _create, _names
from tests.support.clock import FrozenClock
from tests.support.harness import Harness
from tests.support.postgres import Cluster

ANA = user(11, "Ana", "ana_f")
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
CHAT = group(-1001500, "Onboarding 2026")
NOW = datetime(2026, 11, 9, 12, 0, tzinfo=UTC)  # after the traffic: the clock of both replays

# What the busy path writes, by natural keys (ids differ with the order rows are numbered in).
STATE = {
    "questions": "select q.course_id, q.chat_id, q.message_id, q.asker_id, q.text, q.state, q.asked_at,"
    " q.first_answered_at, q.resolved_at, q.closed_by, q.followup_sent_at, q.needs_follow_up"
    " from questions q order by q.chat_id, q.message_id, q.course_id",
    "answers": "select a.chat_id, a.message_id, q.chat_id, q.message_id, a.answerer_id, a.text,"
    " a.by_facilitator, a.answered_at, a.accepted from answers a join questions q on q.id = a.question_id"
    " order by a.chat_id, a.message_id, q.message_id",
    "learners": "select course_id, person_id, posts, first_seen_at, last_seen_at from learners order by 1, 2",
    "people": "select id, name, username, started_at from people order by id",
    "introductions": "select course_id, person_id, chat_id, message_id, text, posted_at, replaced_at"
    " from introductions order by course_id, person_id, posted_at",
    # Each chat's messages in the order they will be sent.
    "outbox": "select chat_id, kind, payload, subject from outbox order by chat_id, id",
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def twin_urls(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres: Cluster | None
) -> AsyncIterator[tuple[str, str]]:
    """Two fresh databases of one backend."""
    if request.param == "sqlite":
        urls = []
        for name in ("held", "direct"):
            shutil.copy(sqlite_template, tmp_path / f"{name}.db")
            urls.append(f"sqlite+aiosqlite:///{tmp_path / name}.db")
        yield urls[0], urls[1]
        return
    if postgres is None:
        pytest.skip("PostgreSQL binaries not found")
    names = [f"test_twin_{next(_names)}" for _ in range(2)]
    for name in names:
        await _create(postgres, name, "flock_template")
    yield postgres.url(names[0]), postgres.url(names[1])


def without_holding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write at once, each update in its own SAVEPOINT: the reference behaviour."""

    async def direct(self: InboxProcessor) -> int:
        return await self._run_batch(hold_writes=False)

    monkeypatch.setattr(InboxProcessor, "_process_batch", direct)


async def replay(url: str, cohorts: Cohorts, updates: list[JSON]) -> dict[str, list[Any]]:
    """The updates in batches of 100, as polling delivers them."""
    async with Harness(url, FrozenClock(NOW)) as flock:
        flock.api.admins |= cohorts.admins
        for start in range(0, len(updates), 100):
            await flock.send(*updates[start : start + 100])
        state = {table: await flock.rows(sql) for table, sql in STATE.items()}
    # Question ids differ (a PostgreSQL sequence hands them out in blocks); the rest must not.
    state["outbox"] = [
        (chat, kind, _without_ids(payload), subject) for chat, kind, payload, subject in state["outbox"]
    ]
    return state


def _without_ids(payload: str) -> dict[str, Any]:
    data = json.loads(payload)
    data.pop("question_id", None)
    return dict(data)


async def test_held_batches_end_as_direct_writes_would(
    twin_urls: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cohorts = Cohorts(groups=3, learners=12, seed=11)
    setup = cohorts.setup()
    traffic = [g.update for g in cohorts.traffic(700)]
    # Followed-up askers: some learners opened a private chat with the bot first.
    starters = sorted({u["message"]["from"]["id"] for u in traffic if "message" in u})[::3]
    telegram = Telegram(FrozenClock(NOW))
    private = [
        telegram.post(private_chat(learner), learner, "/start")
        for learner in (user(person, f"Learner {person}") for person in starters)
    ]
    updates = [*setup, *private, *traffic]
    for n, update in enumerate(updates):
        update["update_id"] = 10_000 + n

    held = await replay(twin_urls[0], cohorts, updates)
    without_holding(monkeypatch)
    direct = await replay(twin_urls[1], cohorts, updates)

    assert len(held["questions"]) > 50
    assert len(held["answers"]) > 50
    assert any(row[6] for row in held["answers"]), "no answer by a facilitator"
    assert any(row[10] for row in held["questions"]), "no follow-up offered"
    assert any(row[6] for row in held["introductions"]), "no introduction replaced"
    assert {kind for _, kind, _, _ in held["outbox"]} >= {"reaction", "followup"}
    for table in STATE:
        assert held[table] == direct[table], table


async def test_a_reply_to_a_question_of_the_same_batch_answers_it(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    question = flock.telegram.post(CHAT, BEN, "How do I install the course tools?")
    answer = flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=question["message"])
    more = flock.telegram.post(CHAT, BEN, "Which one? #solved", reply_to=answer["message"])
    edit = flock.telegram.edit(question, "How do I install the course tools on Linux?")

    await flock.send(question, answer, more, edit)

    assert await flock.rows("select text, state, first_answered_at is not null from questions") == [
        ("How do I install the course tools on Linux?", "resolved", True)
    ]
    assert await flock.rows("select answerer_id from answers") == [(13,)]


async def test_a_failing_update_keeps_none_of_its_held_writes(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    from facilitation import posts

    original = posts._classify

    async def failing(uow: Any, course: Any, post: posts.Post, *args: Any) -> None:
        await original(uow, course, post, *args)  # held: people, learners, the question, the reaction
        if "explode" in post.text:
            raise RuntimeError("the handler fails after its writes")

    monkeypatch.setattr(posts, "_classify", failing)
    before = flock.telegram.post(CHAT, BEN, "#q where are the slides from day one")
    failing_update = flock.telegram.post(CHAT, CLEO, "#q what if I explode the build")

    calls = await flock.send(before, failing_update)

    assert await flock.rows("select asker_id from questions") == [(12,)]
    assert await flock.rows("select person_id from learners") == [(12,)]
    assert await flock.rows("select id from people where id = 13") == []
    assert [c.text for c in calls if c.method == "sendMessage"] == [texts.SOMETHING_WRONG]
    assert [c.params["message_id"] for c in calls if c.method == "setMessageReaction"] == [
        before["message"]["message_id"]
    ]


async def test_held_writes_that_fail_when_sent_are_redone_one_update_at_a_time(
    flock: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    first = flock.telegram.post(CHAT, BEN, "#q where are the slides from day one")
    await flock.send(first)
    # The same message again under a new update id: its question can't be stored twice, which
    # only shows when the held insert is sent at the batch's end.
    again = {**first, "update_id": first["update_id"] + 1000}
    later = flock.telegram.post(CHAT, CLEO, "#q is there a recording of the kickoff")

    with caplog.at_level(logging.WARNING):
        calls = await flock.send(again, later)

    assert await flock.rows("select asker_id from questions order by id") == [(12,), (13,)]
    assert "processing it again without holding" in caplog.text
    assert [c.text for c in calls if c.method == "sendMessage"] == [texts.SOMETHING_WRONG]
    assert [c.params["message_id"] for c in calls if c.method == "setMessageReaction"] == [
        later["message"]["message_id"]
    ]
    assert await flock.rows("select count(*) from inbox where processed_at is null") == [(0,)]


async def test_a_batch_of_chatter_costs_a_few_statements_not_a_few_per_message(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    people = [user(100 + n, f"Learner {n}") for n in range(20)]
    questions = [flock.telegram.post(CHAT, p, f"#q question number {n}") for n, p in enumerate(people)]
    answers = [
        flock.telegram.post(CHAT, people[(n + 1) % 20], "Try this.", reply_to=q["message"])
        for n, q in enumerate(questions)
    ]
    chatter = [flock.telegram.post(CHAT, p, "Good morning everyone!") for p in people]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    await flock.flock.poller.store([*questions, *answers, *chatter])
    statements.clear()
    await flock.flock.poller.processor.drain()
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", count)

    assert await flock.rows("select count(*) from answers") == [(20,)]
    assert await flock.rows("select sum(posts) from learners") == [(60,)]
    # Claim, prefetch, ids, one executemany per statement, marks, commit: not 60 × several.
    assert len(statements) <= 20, "\n".join(s.split("\n")[0][:100] for s in statements)


async def test_what_a_batch_wrote_reads_back_fresh_later_in_the_batch(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    question = flock.telegram.post(CHAT, BEN, "How do I install the course tools?")
    await flock.send(question)
    answer = flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=question["message"])
    mine = flock.telegram.post(private_chat(BEN), BEN, "/mine")

    replies = await flock.replies(answer, mine)

    assert len(replies) == 1
    assert "💬 answered" in replies[0]
