"""An inbox batch holds the busy path's writes to its end and reads what its updates need once
(storage/batch/). Whatever arrives, the database must end as it would with every write made at
once: these tests process the same traffic both ways and compare, and check the failure paths."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from benchmarks.traffic import Cohorts
from bot import texts
from bot.inbox import InboxProcessor
from facilitation import posts
from storage.batch.unit_of_work import current_batch
from storage.languages import NEVER_HELD
from storage.models import Base
from storage.repositories.search import EARLIER
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

# Rows the batch numbers itself are compared by where they were posted (ids differ: a
# PostgreSQL sequence hands them out in blocks); so are the columns that point at them.
NUMBERED = ("questions", "answers", "introductions", "discussion_answers")
# A person's last_seen_at is stored again only once an hour while their name is unchanged.
NOT_COMPARED = {("people", "last_seen_at")}


async def every_table(flock: Harness) -> dict[str, list[dict[str, Any]]]:
    where = {
        (table, row[0]): (row[1], row[2])
        for table in NUMBERED
        for row in await flock.rows(f"select id, chat_id, message_id from {table}")
    }
    state: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in NOT_COMPARED]
        if table.name in NUMBERED:
            columns = [c for c in columns if c.name != "id"]
        numbered = [next(iter(c.foreign_keys)).column.table.name if c.foreign_keys else None for c in columns]
        names = ", ".join(c.name for c in columns)
        rows = []
        for row in await flock.rows(
            f"select {names} from {table.name} order by id"
            if "id" in table.c
            else f"select {names} from {table.name}"
        ):
            rows.append(
                {
                    c.name: where.get((target, value), value)
                    if target in NUMBERED
                    else _comparable(table.name, value)
                    for c, target, value in zip(columns, numbered, row, strict=True)
                }
            )
        # Each chat's messages in the order they will be sent; any order for the rest.
        state[table.name] = sorted(rows, key=lambda r: r["chat_id"] if table.name == "outbox" else repr(r))
    state.update(await search_index(flock))
    return state


async def search_index(flock: Harness) -> dict[str, list[dict[str, Any]]]:
    """The search index's rows (not in the models), by the message each indexes."""
    if flock.flock.engine.dialect.name == "postgresql":
        key, indexed = "id", "s.course_id, s.document::text"
        introduced = "s.course_id, s.person_id, s.document::text"
    else:
        key, indexed, introduced = "rowid", "s.course, s.question, s.answer", "s.course, s.body"
    found = {}
    for name, rows, columns in (
        ("question_search", "questions", indexed),
        ("introduction_search", "introductions", introduced),
    ):
        sql = f"select r.chat_id, r.message_id, {columns} from {name} s join {rows} r on r.id = s.{key}"
        found[name] = [{"row": row} for row in sorted(await flock.rows(sql), key=repr)]
    return found


def _comparable(table: str, value: Any) -> Any:
    if table == "outbox" and isinstance(value, str) and value.startswith("{"):
        data = json.loads(value)
        data.pop("question_id", None)
        return data
    return value


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
    names = [f"test_twin_{os.getpid()}_{next(_names)}" for _ in range(2)]
    for name in names:
        await _create(postgres, name, "flock_template")
    yield postgres.url(names[0]), postgres.url(names[1])


def without_holding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write at once, each update in its own SAVEPOINT: the reference behaviour."""

    async def direct(self: InboxProcessor) -> int:
        return await self._run_batch(hold_writes=False)

    monkeypatch.setattr(InboxProcessor, "_process_batch", direct)


async def replay(
    url: str, cohorts: Cohorts, updates: list[JSON], watch: list[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The updates in batches of 100, as polling delivers them. `watch` collects the statements
    that touched a table while the batch held writes for it (none may)."""
    async with Harness(url, FrozenClock(NOW)) as flock:
        flock.api.admins |= cohorts.admins
        if watch is not None:
            event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", _slipping(watch))
        for start in range(0, len(updates), 100):
            await flock.send(*updates[start : start + 100])
        return await every_table(flock)


_TABLES = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)
# ids for held rows, a match's reads of what was settled before the batch, and reads of what no
# held write changes, by design
_NUMBERING = ("SELECT (SELECT max(", "SELECT nextval(", EARLIER, f"SELECT {NEVER_HELD}")


def _slipping(slipped: list[str]) -> Callable[..., None]:
    def check(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        batch = current_batch()
        held = batch.buffer.holding if batch is not None and batch.buffer is not None else set()
        if held:
            slipped.append("")  # the watch sees the batch: an empty entry per statement made while holding
        by_design = statement.startswith(_NUMBERING) or statement.startswith(f"SELECT {EARLIER}")
        if held & set(_TABLES.findall(statement)) and not by_design:
            slipped.append(statement)

    return check


def with_commands(cohorts: Cohorts, traffic: list[JSON]) -> list[JSON]:
    """The traffic with commands in between, whose repositories are plain: the facilitator's
    /questions and /unanswered in the group, a learner's /mine in private."""
    telegram = Telegram(FrozenClock(NOW))
    telegram.skip_ahead(1, 900_000)  # message ids of their own
    mixed: list[JSON] = []
    for n, update in enumerate(traffic):
        mixed.append(update)
        if n % 40 == 20:
            chat = cohorts.chats[n % len(cohorts.chats)]
            learner = chat.learners[n % len(chat.learners)]
            mixed.append(telegram.post(chat.chat, chat.admin, "/questions"))
            mixed.append(telegram.post(private_chat(learner), learner, "/mine"))
            mixed.append(telegram.post(chat.chat, chat.admin, "/unanswered"))
    return mixed


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
    updates = [*setup, *private, *with_commands(cohorts, traffic)]
    for n, update in enumerate(updates):
        update["update_id"] = 10_000 + n

    slipped: list[str] = []
    held = await replay(twin_urls[0], cohorts, updates, watch=slipped)
    without_holding(monkeypatch)
    direct = await replay(twin_urls[1], cohorts, updates)

    assert len(held["questions"]) > 50
    assert len(held["answers"]) > 50
    assert any(row["by_facilitator"] for row in held["answers"]), "no answer by a facilitator"
    assert any(row["followup_sent_at"] for row in held["questions"]), "no follow-up offered"
    assert any(row["replaced_at"] for row in held["introductions"]), "no introduction replaced"
    assert len(held["question_search"]) == len(held["questions"])
    # Every introduction is indexed as posted, replaced ones too (a search keeps the current one).
    assert len(held["introduction_search"]) == len(held["introductions"])
    assert {row["kind"] for row in held["outbox"]} >= {"reaction", "followup"}
    assert len(held["inbox"]) == len(updates)
    for table in held:
        assert held[table] == direct[table], table
    assert "" in slipped, "the watch never saw writes held"
    assert [s for s in slipped if s] == [], "a statement touched a table whose writes were held"


async def discussion_traffic(url: str, watch: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """A live discussion: one batch of answers by reply (to Q1 in two chats) and by A<n>, replies
    and reactions to those, among questions, replies to them and chatter; then every table."""
    second = group(-1001600, "Onboarding 2026 (evening)")
    async with Harness(url, FrozenClock(NOW)) as flock:
        t = flock.telegram
        for chat in (CHAT, second):
            flock.make_admin(chat, ANA)
            await flock.send(t.post(chat, ANA, "/setup #onb26 Onboarding 2026"))
        await flock.send(t.post(CHAT, ANA, '/discussion "Live" in 1m gap 1m\nFirst?\nSecond?'))
        flock.clock.advance(minutes=2)
        prompts = [c for c in await flock.tick() if c.text.startswith("<b>Q")]
        q1 = {c.chat_id: c.result for c in prompts if c.text.startswith("<b>Q1")}
        people = [user(100 + n, f"Learner {n}") for n in range(12)]
        updates: list[JSON] = []
        for n, person in enumerate(people):
            chat = (CHAT, second)[n % 2]
            question = t.post(chat, person, f"How do I open tool number {n}?")
            numbered = t.post(chat, person, f"A{1 + n % 2}: answer {n}?")
            neighbour = people[(n + 1) % 12]
            liked = {
                "chat": chat,
                "message_id": numbered["message"]["message_id"],
                "user": neighbour,
                "date": 0,
            }
            updates += [
                t.post(chat, person, f"Reply {n}: it depends?", reply_to=q1[chat["id"]]),
                numbered,
                # Replied to and reacted to in the batch that holds it.
                t.post(chat, neighbour, f"Nice one {n}", reply_to=numbered["message"]),
                t.update(
                    "message_reaction",
                    {**liked, "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]},
                ),
                question,
                t.post(chat, people[(n + 1) % 12], "Try the menu.", reply_to=question["message"]),
                t.post(chat, person, "Good morning!"),
            ]
        if watch is not None:
            event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", _slipping(watch))
        await flock.send(*updates)
        return await every_table(flock)


async def test_discussion_answers_held_end_as_direct_writes_would(
    twin_urls: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slipped: list[str] = []
    held = await discussion_traffic(twin_urls[0], slipped)
    without_holding(monkeypatch)
    direct = await discussion_traffic(twin_urls[1])

    assert len(held["discussion_answers"]) == 24
    assert len(held["discussion_replies"]) == len(held["discussion_reactions"]) == 12
    assert len(held["questions"]) == 12
    # The inbox's payloads carry the prompts as the recording API sent them (its wall clock), and
    # the prompts' message ids depend on which chat the sender served first: compared apart.
    for table in set(held) - {"inbox", "outbox"}:
        assert held[table] == direct[table], table
    reactions = [[r for r in tables["outbox"] if r["kind"] == "reaction"] for tables in (held, direct)]
    assert len(reactions[0]) == 36  # 24 answers, 12 questions
    assert reactions[0] == reactions[1]
    assert "" in slipped, "the watch never saw writes held"
    assert [s for s in slipped if s] == [], "a statement touched a table whose writes were held"


async def test_a_batch_answering_a_discussion_costs_a_few_statements(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, '/discussion "Live" in 1m gap 1m\nFirst?\nSecond?'))
    flock.clock.advance(minutes=2)
    [q1] = [c.result for c in await flock.tick() if c.text.startswith("<b>Q1")]
    people = [user(100 + n, f"Learner {n}") for n in range(20)]
    by_reply = [flock.telegram.post(CHAT, p, "Mine is this.", reply_to=q1) for p in people]
    by_number = [flock.telegram.post(CHAT, p, "A1 - and this?") for p in people]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    await flock.flock.poller.store([*by_reply, *by_number])
    statements.clear()
    await flock.flock.poller.processor.drain()
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", count)

    assert await flock.rows("select count(*) from discussion_answers") == [(40,)]
    assert await flock.rows("select count(*) from questions") == [(0,)]
    # The prompts replied to and the open discussions are read once for the batch.
    assert len(statements) <= 20, "\n".join(s.split("\n")[0][:100] for s in statements)


async def test_reactions_to_messages_that_are_not_answers_store_nothing_and_ask_once(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    chatter = [flock.telegram.post(CHAT, BEN, f"Morning {n}") for n in range(20)]
    await flock.send(*chatter)
    reactions = [
        flock.telegram.update(
            "message_reaction",
            {
                "chat": CHAT,
                "message_id": m["message"]["message_id"],
                "user": CLEO,
                "date": 0,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        )
        for m in chatter
    ]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    await flock.flock.poller.store(reactions)
    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    await flock.flock.poller.processor.drain()
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", count)

    assert await flock.rows("select count(*) from discussion_reactions") == [(0,)]
    assert len([s for s in statements if "discussion_answers" in s]) == 1  # the batch's one look


EVENT = {**group(-1002600, "DevCon 2026"), "username": "devcon26chat"}  # shares #devcon26


def reacted(telegram: Telegram, message: JSON, person: JSON) -> JSON:
    return telegram.update(
        "message_reaction",
        {
            "chat": message["message"]["chat"],
            "message_id": message["message"]["message_id"],
            "user": person,
            "date": int(NOW.timestamp()),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        },
    )


async def sharing_traffic(url: str, watch: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """An event group sharing #devcon26 and a course group, in the same batch: posts under the
    hashtag and not, replies, reactions and edits to them, questions and answers in the course."""
    async with Harness(url, FrozenClock(NOW)) as flock:
        t = flock.telegram
        for chat in (CHAT, EVENT):
            flock.make_admin(chat, ANA)
        await flock.send(t.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
        await flock.send(t.post(EVENT, ANA, "/share #devcon26"))
        people = [user(100 + n, f"Learner {n}") for n in range(12)]
        updates: list[JSON] = []
        for n, person in enumerate(people):
            tagged = t.post(EVENT, person, f"#devcon26 talk {n} was good")
            question = t.post(CHAT, person, f"How do I open tool number {n}? #devcon26")
            updates += [
                tagged,
                t.post(EVENT, person, f"chatter {n}"),
                t.post(EVENT, people[(n + 1) % 12], "Agreed", reply_to=tagged["message"]),
                reacted(t, tagged, people[(n + 2) % 12]),
                t.edit(tagged, f"#devcon26 talk {n} was great" if n % 3 else f"talk {n}, never mind"),
                question,
                t.post(CHAT, people[(n + 1) % 12], "Try the menu.", reply_to=question["message"]),
            ]
        if watch is not None:
            event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", _slipping(watch))
        await flock.send(*updates)
        return await every_table(flock)


async def test_collecting_shared_posts_held_ends_as_direct_writes_would(
    twin_urls: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slipped: list[str] = []
    held = await sharing_traffic(twin_urls[0], slipped)
    without_holding(monkeypatch)
    direct = await sharing_traffic(twin_urls[1])

    assert len(held["shared_posts"]) == 8  # the course chat shares nothing; 4 edited out of it
    assert {(r["replies"], r["reactions"]) for r in held["shared_posts"]} == {(1, 1)}
    assert all("was great" in r["text"] for r in held["shared_posts"])
    assert len(held["questions"]) == 12
    for table in set(held) - {"shared_posts"}:
        assert held[table] == direct[table], table
    # Their ids differ: at once, SQLite numbers a post after one its edit deleted again.
    kept = [[{k: v for k, v in r.items() if k != "id"} for r in t["shared_posts"]] for t in (held, direct)]
    assert sorted(kept[0], key=repr) == sorted(kept[1], key=repr)
    assert "" in slipped, "the watch never saw writes held"
    assert [s for s in slipped if s] == [], "a statement touched a table whose writes were held"


async def test_a_batch_with_no_shared_hashtag_reads_no_shares_per_message(flock: Harness) -> None:
    """What a chat shares is read once for the batch, and only for chats whose updates carry a
    hashtag, reply or react: plain chatter costs nothing more than before."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    people = [user(100 + n, f"Learner {n}") for n in range(20)]
    chatter = [flock.telegram.post(CHAT, p, "Good morning!") for p in people]
    tagged = [flock.telegram.post(CHAT, p, "#devcon26 was great, #onb26 too") for p in people]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    for batch in (chatter, tagged):
        await flock.flock.poller.store(batch)
        await flock.flock.poller.processor.drain()
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", count)

    shares = [s for s in statements if "FROM shares" in s]
    assert len(shares) == 1, "what the chats share is read once for the batch with hashtags"
    assert [s for s in statements if "unrelayed" in s or "shared_posts" in s] == []


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


@pytest.fixture
async def exploding(flock: Harness, monkeypatch: pytest.MonkeyPatch) -> Harness:
    """A course whose posts saying "explode" fail once they are classified: after their writes
    (people, learners, the question or introduction, the reaction)."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    original = posts._classify

    async def failing(uow: Any, course: Any, post: posts.Post, *args: Any) -> None:
        await original(uow, course, post, *args)
        if "explode" in post.text:
            raise RuntimeError("the handler fails after its writes")

    monkeypatch.setattr(posts, "_classify", failing)
    return flock


async def test_a_failing_update_keeps_none_of_its_held_writes(exploding: Harness) -> None:
    flock = exploding
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
    # Claim, prefetch, ids, one executemany per statement (the questions' stems among them),
    # marks, commit: not 60 × several.
    assert len(statements) <= 21, "\n".join(s.split("\n")[0][:100] for s in statements)


TOPICS = ["rebase a branch", "install python", "export the grades", "rotate the slides", "mount the drive"]


async def test_the_search_index_is_written_once_per_batch(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    people = [user(100 + n, f"Learner {n}") for n in range(10)]
    handbook = flock.telegram.post(CHAT, people[0], "#q How do I print the handbook?")
    await flock.send(handbook)
    answered = flock.telegram.post(CHAT, ANA, "From the library portal.", reply_to=handbook["message"])
    batch = [answered]
    for n, topic in enumerate(TOPICS):  # each answered, then another question, then a /start in private
        question = flock.telegram.post(CHAT, people[n], f"#q How do I {topic} in the lab?")
        reply = flock.telegram.post(CHAT, people[n + 5], "Ask the technician.", reply_to=question["message"])
        batch += [question, reply, flock.telegram.post(private_chat(people[n + 5]), people[n + 5], "/start")]
    batch.append(flock.telegram.edit(handbook, "#q How do I print the course handbook?"))
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    await flock.flock.poller.store(batch)
    statements.clear()
    await flock.flock.poller.processor.drain()
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", count)

    # Each new question is matched against the answered ones without sending what is held (none
    # of them is like another), and each person's language is read: the index's rows still wait
    # for the batch's end, one statement per table. The edited question is indexed by its id
    # with the others, its old stems out before everyone's go in. PostgreSQL takes them as one
    # statement, the others its WITH queries (the edit's stale stems out, the rest upserted).
    index = [
        (m[1].split()[0], m[3])
        for s in statements
        if (m := re.match(r"(INSERT (OR REPLACE )?INTO|DELETE FROM|WITH .* INSERT INTO) (question_\w+)", s))
    ]
    if flock.flock.engine.dialect.name == "postgresql":
        assert index == [("WITH", "question_stems")]
        [together] = [s for s in statements if s.startswith("WITH")]
        assert "INSERT INTO question_search" in together
        assert "DELETE FROM question_stems" in together
    else:
        assert index == [
            ("INSERT", "question_search"),
            ("DELETE", "question_stems"),
            ("INSERT", "question_stems"),
        ]
    assert len([s for s in statements if s.startswith("INSERT INTO questions")]) == 1
    await flock.tick()  # the welcomes the /starts queued
    [found] = await flock.replies(
        flock.telegram.post(private_chat(people[1]), people[1], "/search python lab")
    )
    assert "install python" in found
    [course_handbook] = await flock.replies(
        flock.telegram.post(private_chat(people[1]), people[1], "/search course handbook")
    )
    assert "print the course handbook" in course_handbook


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


async def test_an_edit_of_an_introduction_whose_update_failed_starts_it_afresh(exploding: Harness) -> None:
    flock = exploding
    introduction = flock.telegram.post(CHAT, CLEO, "#intro explode: Cleo, data engineer")
    # In the same batch, the author corrects the message: nothing of the failed update is stored,
    # so the edit is a new introduction, not a change to one the batch only thought it had.
    edit = flock.telegram.edit(introduction, "#intro Cleo, data engineer in Lyon")

    await flock.send(introduction, edit)

    assert await flock.rows("select person_id, text from introductions") == [
        (13, "Cleo, data engineer in Lyon")
    ]


async def test_rows_read_before_the_batch_changed_them_are_read_again(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    question = flock.telegram.post(CHAT, BEN, "How do I install the course tools?")
    await flock.send(question)
    before = flock.telegram.post(private_chat(BEN), BEN, "/mine")  # loads the question as it is
    answer = flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=question["message"])
    after = flock.telegram.post(private_chat(BEN), BEN, "/mine")

    replies = await flock.replies(before, answer, after)

    assert len(replies) == 2
    assert "💬 answered" not in replies[0]
    assert "💬 answered" in replies[1]
