"""Figure 1: group updates per second through Flock's real path, beside two ceilings.

- Flock: `bot.runner.assemble` with the recording Bot API (no network, no rate limiter), each
  batch of 100 as polling delivers it: `Poller.store` (the inbox write, committed), then
  `InboxProcessor.drain` (Update.de_json, Application.process_update, the services, the outbox
  rows, the processed marks: one transaction per batch).
- Framework ceiling: the same Application set-up with one no-op handler, fed the same JSON
  (json.loads, Update.de_json, process_update).
- Database ceiling: the rows Flock writes for the same updates (inbox, people, learners,
  questions, answers, introductions, reactions in the outbox, edits, state changes, processed
  marks) written with one executemany per table and one commit per batch of 100.
- Flock with a live discussion (benchmarks/discussions.py): the same traffic with 500 participants
  answering a discussion's prompts within one minute of it, beside Flock on the plain traffic.
  Its cost is a few percent, below the noise of one wall-clock run on a shared machine, so plain
  and live runs alternate and their best CPU time per update is compared (the process's CPU time
  counts SQLite's thread too); the statements per update and the answers' own latency, timed
  among the other updates of the same runs, say the same without the noise.

- Search index: Flock with the index's writes and the match of new questions beside Flock
  without either, on the same traffic with its questions worded like a course's (a quarter
  repeat earlier ones: `worded`), and on the traffic's own templated questions (a stress). The
  two Flocks run in one process and take the same batches in turn (`index_cost`), so a slow
  moment of the machine slows both; the ratio is the median of a few such rounds.

Latency per update: for Flock and the framework ceiling, each update's own processing is timed
inside its batch, and Flock's per-batch work around it (inbox write, fetch, marks, commit) is
shared out evenly over the batch's updates. The database ceiling has no per-update work, so its
latency is its batch time divided by the batch size.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import aiosqlite
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults, TypeHandler

from benchmarks import discussions
from benchmarks.report import Figure, Report, median, percentile
from benchmarks.traffic import Cohorts, Generated
from benchmarks.wording import Wording
from bot.context import FlockContext
from bot.recording import RecordingRequest
from bot.runner import Flock, assemble, settle
from bot.settings import Settings
from facilitation import matching
from facilitation.notices import NoticeKind
from storage.batch.unit_of_work import BatchUnitOfWork
from storage.database import create_engine, session_factory
from storage.models import (
    AnswerRow,
    AttachmentRow,
    CourseRow,
    FacilitatorRow,
    InboxRow,
    IntroductionRow,
    LearnerRow,
    OutboxRow,
    PersonRow,
    QuestionRow,
)
from storage.search_index import IndexWrites
from tests.support.clock import FrozenClock

TOKEN = "123456:BENCH-token"
BATCH = 100  # what one getUpdates answers at most
DISCUSSION_REPEATS = 3  # plain and live-discussion runs, alternating (the first plain one is Flock's figure)
WARM_BATCHES = 3  # processed first and not counted: imports, caches, the query compiler
SHARED = ("intro", "solved")  # about 7% of the traffic carries one


@dataclass
class Run:
    """Timings of one path over the same updates."""

    seconds: float = 0.0
    updates: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds per update
    statements: int = 0  # SQL statements sent to the database, over the counted batches
    cpu_seconds: float = 0.0  # this process's CPU time (all threads: SQLite's too) over them
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # own seconds

    @property
    def cpu_rate(self) -> float:
        """Updates per CPU second: what a machine shared with other work still measures steadily."""
        return self.updates / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def ms(self, share: float) -> float:
        return percentile(self.latencies, share) * 1000


def workload(count: int, seed: int = 7) -> tuple[Cohorts, list[dict[str, Any]], list[Generated]]:
    cohorts = Cohorts(groups=20, learners=60, seed=seed)
    setup = cohorts.setup()
    return cohorts, setup, list(cohorts.traffic(count + WARM_BATCHES * BATCH))


def _batches(items: Sequence[Generated]) -> list[Sequence[Generated]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


Join = Callable[[Flock, FrozenClock, RecordingRequest, Cohorts, list[Generated]], Awaitable[list[Generated]]]


class Taking:
    """One Flock taking in generated traffic batch by batch, each counted batch timed into `run`
    (flock_path's steps, for a measure that takes two Flocks in turn)."""

    def __init__(self, url: str, cohorts: Cohorts) -> None:
        self.clock = FrozenClock(cohorts.now())
        self.api = RecordingRequest(admins=cohorts.admins)
        self.flock = assemble(
            Settings(database_url=url), TOKEN, self.clock, request=self.api, rate_limited=False
        )
        self.processor = self.flock.poller.processor
        self.run = Run()
        self._own: list[float] = []
        self._sent = 0
        process = self.processor._process  # timed per update, inside its batch

        async def timed(
            update_id: int, payload: str, batch: BatchUnitOfWork, raw: dict[str, Any] | None = None
        ) -> None:
            started = time.perf_counter()
            await process(update_id, payload, batch, raw)
            self._own.append(time.perf_counter() - started)

        self.processor._process = timed  # type: ignore[method-assign]
        event.listen(self.flock.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_: object) -> None:
        self._sent += 1

    async def start(self, setup: list[dict[str, Any]], sharing: list[dict[str, Any]] | None = None) -> None:
        await self.flock.app.initialize()
        await self.flock.poller.store(setup)
        await self.processor.drain()
        if sharing:
            await self.flock.poller.store(sharing)
            await self.processor.drain()

    async def ingest(self, chunk: Sequence[Generated], counts: bool) -> None:
        run, own = self.run, self._own
        self.clock.current = chunk[-1].at
        raw = [g.update for g in chunk]
        own.clear()
        before = self._sent
        started, cpu = time.perf_counter(), time.process_time()
        await self.flock.poller.store(raw)
        await self.processor.drain()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        self.api.calls.clear()
        if not counts:
            return
        around = (elapsed - sum(own)) / len(own)  # the batch's own cost, spread over its updates
        run.latencies += [t + around for t in own]
        for g, t in zip(chunk, own, strict=True):  # processed in update_id order, as generated
            run.by_kind[g.kind].append(t + around)
        run.seconds += elapsed
        run.cpu_seconds += cpu
        run.updates += len(chunk)
        run.statements += self._sent - before

    async def close(self) -> None:
        await self.flock.app.shutdown()
        await self.flock.close()


async def flock_path(
    url: str,
    cohorts: Cohorts,
    setup: list[dict[str, Any]],
    items: list[Generated],
    join: Join | None = None,
    shared: Sequence[str] = (),
) -> Run:
    """`join`: what happens after the warm-up batches, outside the timing (a discussion opening),
    and the counted updates it returns instead (with its answers among them). `shared`: hashtags
    every group shares (/share) before the traffic, so its posts carrying them are collected and
    the replies and reactions to them counted."""
    taking = Taking(url, cohorts)
    try:
        await taking.start(setup, cohorts.sharing(shared) if shared else None)
        warm, counted = items[: WARM_BATCHES * BATCH], items[WARM_BATCHES * BATCH :]
        for chunk in _batches(warm):
            await taking.ingest(chunk, counts=False)
        if join is not None:
            counted = await join(taking.flock, taking.clock, taking.api, cohorts, counted)
        settle()  # as `flock run` does once started: the traffic generated here is no server's heap
        for chunk in _batches(counted):
            await taking.ingest(chunk, counts=True)
    finally:
        await taking.close()
    return taking.run


async def statement_cost(url: str, count: int = 400) -> float:
    """Seconds for one small statement through an AsyncSession (an ORM select by primary key, in
    an open transaction), the unit that Flock's per-update work is made of."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            times = []
            for n in range(count):
                started = time.perf_counter()
                await session.execute(select(CourseRow).where(CourseRow.id == 1 + n % 5))
                times.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    return median(times[count // 4 :])


async def plain_statement_cost(url: str, count: int = 400) -> float:
    """The reference for `statement_cost` on SQLite: the same select, compiled once, straight
    through aiosqlite (`execute_fetchall`: one trip to its thread, no SQLAlchemy), in an open
    transaction as well."""
    path = make_url(url).database
    assert path is not None
    sql = str(select(CourseRow).where(CourseRow.id == bindparam("id")).compile(dialect=sqlite.dialect()))
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        await connection.execute("BEGIN IMMEDIATE")
        times = []
        for n in range(count):
            started = time.perf_counter()
            await connection.execute_fetchall(sql, (1 + n % 5,))
            times.append(time.perf_counter() - started)
        await connection.rollback()
    return median(times[count // 4 :])


async def framework_ceiling(items: list[Generated]) -> Run:
    """Flock's Application set-up (defaults, context type, no updater) with a single no-op handler."""

    async def nothing(update: Update, context: FlockContext) -> None:
        return None

    api = RecordingRequest()
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(api)
        .get_updates_request(api)
        .updater(None)
        .context_types(ContextTypes(context=FlockContext))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .build()
    )
    app.add_handler(TypeHandler(Update, nothing))
    payloads = [json.dumps(g.update, ensure_ascii=False) for g in items]
    run = Run()
    await app.initialize()
    try:
        for number, start in enumerate(range(0, len(payloads), BATCH)):
            times = []
            batch_started = time.perf_counter()
            for payload in payloads[start : start + BATCH]:
                started = time.perf_counter()
                await app.process_update(Update.de_json(json.loads(payload), app.bot))
                times.append(time.perf_counter() - started)
            elapsed = time.perf_counter() - batch_started
            if number < WARM_BATCHES:
                continue
            run.latencies += times
            run.seconds += elapsed
            run.updates += len(times)
    finally:
        await app.shutdown()
    return run


class _Rows:
    """The rows Flock writes for a batch of updates, for plain executemany inserts."""

    def __init__(self) -> None:
        self.questions_by_message: dict[tuple[int, int], int] = {}

    def batch(self, chunk: Sequence[Generated], now: datetime) -> dict[str, list[dict[str, Any]]]:
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for g in chunk:
            rows["inbox"].append(
                {
                    "update_id": g.update["update_id"],
                    "payload": json.dumps(g.update, ensure_ascii=False),
                    "received_at": now,
                }
            )
            if g.kind == "edit":
                rows["edits"].append({"c": g.chat_id, "m": g.message_id, "text": g.text})
                continue
            author = g.author
            name = " ".join(filter(None, [author["first_name"], author.get("last_name")]))
            rows["people"].append(
                {"id": author["id"], "name": name, "username": author.get("username"), "last_seen_at": g.at}
            )
            course_id = _course_of(g.chat_id)
            rows["learners"].append(
                {
                    "course_id": course_id,
                    "person_id": author["id"],
                    "posts": 1,
                    "first_seen_at": g.at,
                    "last_seen_at": g.at,
                }
            )
            if g.kind == "question":
                assert g.target is not None
                rows["questions"].append(
                    {
                        "id": g.target,
                        "course_id": course_id,
                        "chat_id": g.chat_id,
                        "message_id": g.message_id,
                        "asker_id": author["id"],
                        "text": g.text,
                        "state": "open",
                        "asked_at": g.at,
                        "next_alert_at": g.at + timedelta(hours=2),
                    }
                )
                rows["outbox"].append(_reaction(g, now, "question"))
            elif g.kind in ("answer", "thread"):
                rows["answers"].append(
                    {
                        "question_id": g.target,
                        "course_id": course_id,  # a reply in its question's group
                        "chat_id": g.chat_id,
                        "message_id": g.message_id,
                        "answerer_id": author["id"],
                        "text": g.text,
                        "answered_at": g.at,
                    }
                )
                rows["states"].append({"q": g.target, "state": "answered"})
            elif g.kind == "solved":
                rows["states"].append({"q": g.target, "state": "resolved"})
                rows["outbox"].append(_reaction(g, now, "resolved"))
            elif g.kind == "introduction":
                rows["introductions"].append(
                    {
                        "course_id": course_id,
                        "person_id": author["id"],
                        "chat_id": g.chat_id,
                        "message_id": g.message_id,
                        "text": g.text,
                        "posted_at": g.at,
                    }
                )
                rows["outbox"].append(_reaction(g, now, "introduction"))
        return rows


def _course_of(chat_id: int) -> int:
    return -1009000000000 - chat_id + 1  # Cohorts numbers its groups from -1009000000000 down


def _reaction(g: Generated, now: datetime, ack: str) -> dict[str, Any]:
    return {
        "chat_id": g.chat_id,
        "kind": NoticeKind.REACTION.value,
        "created_at": now,
        "due_at": now,
        "payload": json.dumps({"message_id": g.message_id, "ack": ack}),
    }


async def database_ceiling(url: str, cohorts: Cohorts, items: list[Generated]) -> Run:
    engine = create_engine(url)  # Flock's engine settings: WAL, synchronous=NORMAL, BEGIN IMMEDIATE
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    people, learners = dialect.insert(PersonRow), dialect.insert(LearnerRow)
    statements: dict[str, Any] = {
        "inbox": insert(InboxRow),
        "people": people.on_conflict_do_update(
            index_elements=["id"],
            set_={
                "name": people.excluded.name,
                "username": people.excluded.username,
                "last_seen_at": people.excluded.last_seen_at,
            },
        ),
        "learners": learners.on_conflict_do_update(
            index_elements=["course_id", "person_id"],
            set_={"posts": LearnerRow.posts + 1, "last_seen_at": learners.excluded.last_seen_at},
        ),
        "questions": insert(QuestionRow),
        "answers": insert(AnswerRow),
        "introductions": insert(IntroductionRow),
        "outbox": insert(OutboxRow),
        "edits": update(QuestionRow)
        .where(QuestionRow.chat_id == bindparam("c"), QuestionRow.message_id == bindparam("m"))
        .values(text=bindparam("text")),
        "states": update(QuestionRow)
        .where(QuestionRow.id == bindparam("q"))
        .values(state=bindparam("state")),
    }
    run = Run()
    rows = _Rows()
    try:
        async with engine.begin() as connection:
            await _courses(connection, cohorts, items[0].at)
        for number, chunk in enumerate(_batches(items)):
            now = chunk[-1].at
            batch = rows.batch(chunk, now)
            started = time.perf_counter()
            async with engine.begin() as connection:
                for table, statement in statements.items():
                    if batch.get(table):
                        await connection.execute(statement, batch[table])
                ids = [r["update_id"] for r in batch["inbox"]]
                await connection.execute(
                    update(InboxRow).where(InboxRow.update_id.in_(ids)).values(processed_at=now)
                )
            elapsed = time.perf_counter() - started
            if number < WARM_BATCHES:
                continue
            run.latencies += [elapsed / len(chunk)] * len(chunk)
            run.seconds += elapsed
            run.updates += len(chunk)
    finally:
        await engine.dispose()
    return run


async def _courses(connection: AsyncConnection, cohorts: Cohorts, now: datetime) -> None:
    for n, chat in enumerate(cohorts.chats):
        course_id = n + 1
        await connection.execute(
            insert(CourseRow).values(
                id=course_id,
                hashtag=f"bench{n}",
                title=f"Bench cohort {n}",
                timezone="UTC",
                sla_seconds=7200,
                digest_at="08:00",
                detect="auto",
                created_at=now,
            )
        )
        await connection.execute(
            insert(AttachmentRow).values(
                course_id=course_id,
                chat_id=chat.chat["id"],
                scope="all",
                chat_title=chat.chat["title"],
                chat_kind="supergroup",
                is_forum=False,
                active=True,
                attached_at=now,
            )
        )
        await connection.execute(
            insert(FacilitatorRow).values(course_id=course_id, person_id=chat.admin["id"], added_at=now)
        )


Fresh = Callable[[str], Awaitable[str]]  # a new migrated database's URL, for a label
_INDEX_WRITES = ("question", "stems", "restemmed", "introduction", "introductions_at")


@contextmanager
def without_search_index() -> Iterator[None]:
    """The reference for the search index's cost: the same path with its writes left out, and
    no match of a new question against earlier answers (what reads it on the busy path: the
    batch's messages that may ask are not picked out to be matched ahead, and a match on its
    own finds nothing)."""

    async def nothing(*_: object) -> None:
        return None

    def asks_nothing(text: str) -> str | None:
        return None

    kept = {name: getattr(IndexWrites, name) for name in _INDEX_WRITES}
    strongest, asked_as = matching.strongest, matching.asked_as
    for name in _INDEX_WRITES:
        setattr(IndexWrites, name, nothing)
    matching.strongest = nothing  # type: ignore[assignment]
    matching.asked_as = asks_nothing
    try:
        yield
    finally:
        for name, method in kept.items():
            setattr(IndexWrites, name, method)
        matching.strongest, matching.asked_as = strongest, asked_as


REPEATS = 0.25  # of a course's questions, repeats of earlier ones (a course forum: about a quarter)


def worded(items: list[Generated], seed: int = 5) -> list[Generated]:
    """The same traffic with its questions worded like a course's (benchmarks/wording.py, as the
    scale deployment's): a quarter repeat one asked before in the chat, the rest are new. The
    traffic's own questions are a few templates, so each repeats several answered ones word for
    word: a stress for the match, not a course."""
    rnd = random.Random(seed)
    wording = Wording(rnd)
    texts: dict[tuple[int, int], str] = {}
    asked: dict[int, list[str]] = defaultdict(list)
    found: list[Generated] = []
    for g in items:
        key = (g.chat_id, g.message_id)
        if g.kind == "question":
            earlier = asked[g.chat_id]
            text = rnd.choice(earlier) if earlier and rnd.random() < REPEATS else wording.question()
            earlier.append(text)
            texts[key] = "#q " + text.rstrip("?") if g.text.startswith("#q ") else text
            found.append(_retexted(g, "message", texts[key]))
        elif g.kind == "edit" and key in texts:
            found.append(_retexted(g, "edited_message", texts[key].rstrip("?.!") + " (edited)?"))
        else:
            found.append(g)
    return found


def _retexted(g: Generated, kind: str, text: str) -> Generated:
    update = {**g.update, kind: {**g.update[kind], "text": text}}
    return replace(g, update=update, text=text)


@dataclass
class Paired:
    """Flock with the search index's writes and the match, and without, over the same updates."""

    indexed: Run
    unindexed: Run
    ratios: list[float]  # each round's: updates per second with them over without

    @property
    def kept(self) -> float:
        return median(self.ratios)


async def index_cost(
    fresh: Fresh, cohorts: Cohorts, setup: list[dict[str, Any]], items: list[Generated], rounds: int
) -> Paired:
    """Two Flocks in one process, one with the index's writes and the match and one without,
    taking the same batches in turn (which goes first alternates): a slow moment of a shared
    machine slows both sides, not one. Each round is one pair of runs; the ratio kept is the
    median round's."""
    indexed, unindexed, ratios = Run(), Run(), []
    warm, counted = items[: WARM_BATCHES * BATCH], items[WARM_BATCHES * BATCH :]
    for n in range(rounds):
        sides = (Taking(await fresh(f"indexed-{n}"), cohorts), Taking(await fresh(f"unindexed-{n}"), cohorts))
        with_them, without = sides
        try:
            for side in sides:
                with _measured_as(side is without):
                    await side.start(setup)
                    for chunk in _batches(warm):
                        await side.ingest(chunk, counts=False)
            settle()
            for b, chunk in enumerate(_batches(counted)):
                for side in sides if b % 2 == 0 else sides[::-1]:
                    with _measured_as(side is without):
                        await side.ingest(chunk, counts=True)
        finally:
            for side in sides:
                await side.close()
        ratios.append(with_them.run.rate / without.run.rate if without.run.rate else 0.0)
        for total, run in ((indexed, with_them.run), (unindexed, without.run)):
            total.seconds += run.seconds
            total.updates += run.updates
            total.latencies += run.latencies
            total.statements += run.statements
            total.cpu_seconds += run.cpu_seconds
    return Paired(indexed, unindexed, ratios)


@contextmanager
def _measured_as(unindexed: bool) -> Iterator[None]:
    if unindexed:
        with without_search_index():
            yield
    else:
        yield


async def measure(report: Report, backend: str, fresh: Fresh, count: int, rounds: int = 2) -> None:
    """Flock, then its two ceilings, over the same updates on one backend; then Flock with and
    without the search index's writes and the match of new questions."""
    cohorts, setup, items = workload(count)
    flock = await flock_path(await fresh("ingest"), cohorts, setup, items)
    # The discussion's cost is a few percent, under the noise of wall-clock time on a shared
    # machine: plain and live runs alternate, and their best CPU time per update is compared.
    plain, live = [flock], []
    for repeat in range(DISCUSSION_REPEATS):
        discussion_url = await fresh(f"discussion{repeat}")
        live.append(await flock_path(discussion_url, cohorts, setup, items, discussions.join))
        recorded = await discussions.recorded(discussion_url)
        if repeat + 1 < DISCUSSION_REPEATS:
            plain.append(await flock_path(await fresh(f"plain{repeat}"), cohorts, setup, items))
    sharing = await flock_path(await fresh("ingest-shared"), cohorts, setup, items, shared=SHARED)
    framework = await framework_ceiling(items)
    ceiling_url = await fresh("ceiling")
    database = await database_ceiling(ceiling_url, cohorts, items)
    cost = await statement_cost(ceiling_url)
    plain_cost = await plain_statement_cost(ceiling_url) if backend == "sqlite" else None
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    target = ">= 1500" if backend == "sqlite" else ">= 1000"
    section = f"ingest {name}"
    report.add(
        Figure(
            section,
            "Flock updates/s",
            flock.rate,
            "upd/s",
            target,
            framework.rate,
            "framework ceiling",
            note=f"{flock.updates} updates, batches of {BATCH}",
        )
    )
    report.add(
        Figure(
            section,
            "Flock updates/s vs database ceiling",
            flock.rate,
            "upd/s",
            "",
            database.rate,
            "database ceiling",
        )
    )
    best_plain = max(r.cpu_rate for r in plain)
    best_live = max(r.cpu_rate for r in live)
    report.add(
        Figure(
            section,
            "Flock updates per CPU second with a live discussion",
            best_live,
            "upd/s",
            "",
            best_plain,
            "Flock, plain traffic",
            note=f"{discussions.PARTICIPANTS} participants answering within one minute, by reply and by "
            f"A<n>; the best of {DISCUSSION_REPEATS} runs each, alternating",
        )
    )
    report.add(
        Figure(
            section,
            "Flock updates/s with a live discussion (wall clock)",
            max(r.rate for r in live),
            "upd/s",
            "",
            max(r.rate for r in plain),
            "Flock, plain traffic",
        )
    )
    added = (best_plain / best_live - 1) * 100 if best_live else float("nan")
    report.add(Figure(section, "time per update added by a live discussion", added, "%", "<= 10"))
    report.add(
        Figure(
            section,
            "SQL statements per update with a live discussion",
            live[0].statements / max(1, live[0].updates),
            "",
            "",
            flock.statements / max(1, flock.updates),
            "plain traffic",
        )
    )
    answer = discussions.KIND
    answers = [t for r in live for t in r.by_kind.get(answer, [])]
    others = [t for r in live for kind, times in r.by_kind.items() if kind != answer for t in times]
    if answers and others:
        report.add(
            Figure(
                section,
                "discussion answer p50 latency",
                median(answers) * 1000,
                "ms",
                "",
                median(others) * 1000,
                "other updates, same runs",
                note="interleaved in the same runs: the same load on the machine for both",
            )
        )
    report.add(Figure(section, "discussion answers recorded", recorded, "", f"== {discussions.PARTICIPANTS}"))
    report.add(
        Figure(
            section,
            "Flock updates/s, every group sharing #intro and #solved",
            sharing.rate,
            "upd/s",
            "",
            flock.rate,
            "Flock, no hashtag shared",
            note="their posts collected for followers, the replies to them counted; "
            f"{sharing.statements / max(1, sharing.updates):.2f} SQL statements per update",
        )
    )
    report.add(Figure(section, "framework ceiling (no-op handler)", framework.rate, "upd/s"))
    report.add(Figure(section, "database ceiling (plain inserts)", database.rate, "upd/s"))
    report.add(
        Figure(
            section,
            "Flock p50 latency per update",
            flock.ms(0.5),
            "ms",
            "",
            framework.ms(0.5),
            "framework p50",
        )
    )
    report.add(
        Figure(
            section,
            "Flock p99 latency per update",
            flock.ms(0.99),
            "ms",
            "< 20",
            framework.ms(0.99),
            "framework p99",
        )
    )
    report.add(Figure(section, "database ceiling p99 per update", database.ms(0.99), "ms"))
    per_update = flock.statements / max(1, flock.updates)
    bound = 1 / (per_update * cost) if per_update and cost else 0.0
    report.add(Figure(section, "SQL statements per update (Flock)", per_update, ""))
    report.add(
        Figure(
            section,
            "one small statement through AsyncSession",
            cost * 1000,
            "ms",
            "",
            plain_cost * 1000 if plain_cost else None,
            "plain aiosqlite" if plain_cost else "",
            note=f"{1 / cost:,.0f} statements/s"
            + (f", {1 / plain_cost:,.0f} through plain aiosqlite" if plain_cost else ""),
        )
    )
    report.add(
        Figure(
            section,
            "Flock updates/s vs statements x statement cost",
            flock.rate,
            "upd/s",
            "",
            bound,
            "that bound",
            note="what the statements alone allow: statements per update times one statement's cost",
        )
    )
    paired = await index_cost(fresh, cohorts, setup, worded(items), rounds + 1)
    indexed, unindexed = paired.indexed, paired.unindexed
    report.add(
        Figure(
            section,
            "Flock updates/s with the search index's writes and the match",
            indexed.rate,
            "upd/s",
            "",
            unindexed.rate,
            "the same without them",
            note=f"questions worded like a course's, a quarter repeats; two Flocks taking the same "
            f"batches in turn, {len(paired.ratios)} rounds; the ratio must stay >= 0.9",
        )
    )
    report.add(
        Figure(
            section,
            "search index: ingestion kept (with / without them)",
            paired.kept,
            "",
            ">= 0.9",
            note=f"the median round's; the rounds': {', '.join(f'{r:.3f}' for r in paired.ratios)}; "
            f"p99 per update {indexed.ms(0.99):.1f} ms with, {unindexed.ms(0.99):.1f} ms without",
        )
    )
    stressed = await index_cost(fresh, cohorts, setup, items, rounds + 1)
    report.add(
        Figure(
            section,
            "search index: ingestion kept, every question a repeat",
            stressed.kept,
            "",
            "",
            note=f"the traffic's templated questions, each repeating several answered ones word for word "
            f"(an offer's reads for most): {stressed.indexed.rate:,.0f} vs "
            f"{stressed.unindexed.rate:,.0f} upd/s",
        )
    )
