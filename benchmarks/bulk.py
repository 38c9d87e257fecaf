"""A deployment at scale, written straight into the tables (not through the bot).

500 courses, 20,000 learners, 300,000 questions with their answers, introductions, stories (one
per eight learners, with showcases and their posts), alerts, the outbox's history and a week of
inbox, and 1,000,000 messages: the posts counted in `learners`
(questions, answers and chatter). Course sizes follow a Zipf-like curve, so the largest course
is a big one (about 8% of everything). Nothing is due at `NOW`: every course had today's digest,
open questions are next due later, greetings are sent, follow-ups are reminded.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import Table, text
from sqlalchemy.engine import make_url

from benchmarks.wording import Wording
from facilitation.notices import NoticeKind
from storage import search_index
from storage.database import create_engine, session_factory
from storage.models import Base

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # a Friday morning
ZONES = ["UTC"] * 8 + ["Europe/Berlin", "America/New_York"]
STATES = [("resolved", 0.60), ("answered", 0.22), ("open", 0.10), ("dismissed", 0.08)]
CONSENTS = [("name", 0.30), ("learner", 0.15), ("kept", 0.15), ("not_started", 0.25), ("asked", 0.15)]
CHUNK = 50_000
ROWS = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Plan:
    courses: int = 500
    learners: int = 20_000
    questions: int = 300_000
    messages: int = 1_000_000

    def scaled(self, share: float) -> Plan:
        return Plan(
            max(10, int(self.courses * share)),
            int(self.learners * share),
            int(self.questions * share),
            int(self.messages * share),
        )


@dataclass(frozen=True)
class Course:
    """What the measurements need to know of a generated course."""

    id: int
    hashtag: str
    chat_id: int
    facilitator: int
    questions: int
    learners: int


@dataclass
class Generated:
    largest: Course
    counts: dict[str, int]
    open_questions: list[tuple[int, int]]  # (course id, question id), a few per course, for overdue


def _weights(n: int) -> list[float]:
    return [1 / (i + 1) ** 0.8 for i in range(n)]


def _split(total: int, weights: list[float], floor: int) -> list[int]:
    scale = sum(weights)
    shares = [max(floor, int(total * w / scale)) for w in weights]
    shares[-1] += total - sum(shares)  # the rounding goes to the smallest course
    if shares[-1] < floor:
        shares[0] -= floor - shares[-1]
        shares[-1] = floor
    return shares


def _local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


class Generator:
    def __init__(self, plan: Plan, now: datetime = NOW, seed: int = 11) -> None:
        self.plan = plan
        self.now = now
        self.random = random.Random(seed)
        self.wording = Wording(random.Random(seed + 1))  # its own draws: the rest stays as it was
        self.story_random = random.Random(seed + 2)  # the stories' own draws, likewise
        self.story_wording = Wording(random.Random(seed + 3))
        self.ids: defaultdict[str, int] = defaultdict(int)
        self.counts: defaultdict[str, int] = defaultdict(int)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def courses(self) -> Iterator[tuple[Course | None, ROWS]]:
        """Each course's rows in turn (the first item: rows shared by all, with no course)."""
        plan, rnd = self.plan, self.random
        weights = _weights(plan.courses)
        learners = _split(plan.learners, weights, 5)
        questions = _split(plan.questions, weights, 5)
        person_ids = iter(range(10_000_001, 10_000_001 + plan.learners))
        yield None, {}
        for n in range(plan.courses):
            course_id = n + 1
            zone = ZONES[n % len(ZONES)]
            chat_id = -1002000000000 - n
            rows: ROWS = defaultdict(list)
            created = self.now - timedelta(days=60)
            quiet = zone != "America/New_York" and n % 4 == 1  # 22:00-07:00, never at self.now
            rows["courses"].append(
                {
                    "id": course_id,
                    "hashtag": f"scale{n}",
                    "title": f"Scale course {n}",
                    "timezone": zone,
                    "sla_seconds": 7200,
                    "quiet_start": "22:00" if quiet else None,
                    "quiet_end": "07:00" if quiet else None,
                    "digest_at": "08:00",
                    "detect": "auto",
                    "created_at": created,
                    "alerts_chat_id": None,
                    "last_digest_on": (
                        _local_today(zone, self.now)
                        - timedelta(days=1 if _before_digest(zone, self.now) else 0)
                    ).isoformat(),
                }
            )
            rows["attachments"].append(
                {
                    "course_id": course_id,
                    "chat_id": chat_id,
                    "scope": "all",
                    "chat_title": f"Scale course {n}",
                    "chat_kind": "supergroup",
                    "is_forum": False,
                    "active": True,
                    "attached_at": created,
                }
            )
            facilitators = [20_000_000 + course_id * 10 + k for k in range(1 + (n % 3 == 0))]
            for person in facilitators:
                rows["people"].append(
                    {
                        "id": person,
                        "name": f"Facilitator {person}",
                        "username": f"fac{person}",
                        "started_at": created,
                        "last_seen_at": self.now - timedelta(hours=3),
                    }
                )
                rows["facilitators"].append(
                    {"course_id": course_id, "person_id": person, "added_at": created, "nudged_at": None}
                )
            members = [next(person_ids) for _ in range(learners[n])]
            posts = dict.fromkeys(members, 0)
            for person in members:
                rows["people"].append(
                    {
                        "id": person,
                        "name": f"Learner {person}",
                        "username": f"l{person}" if person % 2 else None,
                        "started_at": created if person % 5 == 0 else None,
                        "last_seen_at": self.now - timedelta(hours=1),
                    }
                )
                rows["greetings"].append(
                    {"chat_id": chat_id, "person_id": person, "joined_at": created, "greeted_at": created}
                )
            self._introductions(rows, course_id, chat_id, members)
            message_ids = iter(range(1000, 10**9))
            open_ids = self._questions(
                rows, course_id, chat_id, members, facilitators, questions[n], posts, message_ids
            )
            rows["open"] = [{"course_id": course_id, "question_id": q} for q in open_ids]
            self._learners(rows, course_id, posts)
            self._stories(rows, n, course_id, chat_id, members)
            course = Course(course_id, f"scale{n}", chat_id, facilitators[0], questions[n], learners[n])
            rnd.shuffle(rows["open"])
            yield course, rows

    def _introductions(self, rows: ROWS, course_id: int, chat_id: int, members: list[int]) -> None:
        for k, person in enumerate(members):
            if k % 10 >= 7:
                continue  # three in ten never introduce themselves
            posted = self.now - timedelta(days=self.random.uniform(1, 59))
            if k % 10 == 0:  # and one in ten rewrote theirs
                earlier = posted - timedelta(days=1)
                rows["introductions"].append(
                    {
                        "id": self.next_id("introductions"),
                        "course_id": course_id,
                        "person_id": person,
                        "chat_id": chat_id,
                        "message_id": 10**8 + k,
                        "text": "#intro first version",
                        "posted_at": earlier,
                        "replaced_at": posted,
                    }
                )
            intro_id = self.next_id("introductions")
            rows["introductions"].append(
                {
                    "id": intro_id,
                    "course_id": course_id,
                    "person_id": person,
                    "chat_id": chat_id,
                    "message_id": 2 * 10**8 + k,
                    "text": self.wording.introduction(person),
                    "posted_at": posted,
                    "replaced_at": None,
                }
            )
            self._outbox_sent(
                rows,
                chat_id,
                NoticeKind.REACTION,
                {"message_id": 2 * 10**8 + k, "ack": "introduction"},
                posted,
            )

    def _questions(
        self,
        rows: ROWS,
        course_id: int,
        chat_id: int,
        members: list[int],
        facilitators: list[int],
        count: int,
        posts: dict[int, int],
        message_ids: Iterator[int],
    ) -> list[int]:
        rnd = self.random
        states, weights = zip(*STATES, strict=True)
        open_ids: list[int] = []
        for _ in range(count):
            question_id = self.next_id("questions")
            asker = rnd.choice(members)
            posts[asker] += 1
            asked = self.now - timedelta(hours=3) - timedelta(seconds=rnd.uniform(0, 57 * 86400))
            state = rnd.choices(states, weights)[0]
            message_id = next(message_ids)
            row: dict[str, Any] = {
                "id": question_id,
                "course_id": course_id,
                "chat_id": chat_id,
                "message_id": message_id,
                "thread_id": None,
                "asker_id": asker,
                "text": self.wording.question(),
                "state": state,
                "asked_at": asked,
                "first_answered_at": None,
                "first_by_facilitator": None,
                "resolved_at": None,
                "closed_by": None,
                "next_alert_at": asked + timedelta(hours=2),
                "alerts_sent": 0,
                "claimed_by": None,
                "claimed_at": None,
                "needs_follow_up": False,
                "followup_sent_at": None,
                "followup_reminded_at": None,
            }
            self._outbox_sent(
                rows, chat_id, NoticeKind.REACTION, {"message_id": message_id, "ack": "question"}, asked
            )
            if state == "open":  # alerted before; next due later today
                row["alerts_sent"] = rnd.randint(1, 3)
                row["next_alert_at"] = self.now + timedelta(seconds=rnd.uniform(300, 7200))
                open_ids.append(question_id)
                for period in range(1, row["alerts_sent"] + 1):
                    self._alert(
                        rows,
                        question_id,
                        course_id,
                        period,
                        asked + timedelta(hours=2 * period),
                        None,
                        facilitators,
                    )
            elif state == "dismissed":
                row["closed_by"] = facilitators[0]
            else:
                first = asked + timedelta(seconds=rnd.uniform(60, 6 * 3600))
                row["first_answered_at"] = first
                for k in range(rnd.choice((1, 1, 1, 2, 2, 3))):
                    by_facilitator = rnd.random() < 0.1
                    answerer = facilitators[0] if by_facilitator else rnd.choice(members)
                    if answerer == asker:
                        answerer = members[(members.index(asker) + 1) % len(members)]
                    if not by_facilitator:
                        posts[answerer] += 1
                    if k == 0:
                        row["first_by_facilitator"] = by_facilitator
                    rows["answers"].append(
                        {
                            "id": self.next_id("answers"),
                            "question_id": question_id,
                            "course_id": course_id,
                            "chat_id": chat_id,
                            "message_id": next(message_ids),
                            "thread_id": None,
                            "answerer_id": answerer,
                            "text": self.wording.answer(),
                            "by_facilitator": by_facilitator,
                            "answered_at": first + timedelta(minutes=20 * k),
                            "accepted": state == "resolved" and k == 0,
                        }
                    )
                if state == "resolved":
                    row["resolved_at"] = first + timedelta(hours=1)
                    row["closed_by"] = asker
                elif rnd.random() < 0.3 and asker % 5 == 0:  # asked privately whether it helped
                    row["followup_sent_at"] = first
                    row["followup_reminded_at"] = first + timedelta(days=1)
                if rnd.random() < 0.15:  # it was overdue once before someone answered
                    row["alerts_sent"] = 1
                    self._alert(
                        rows, question_id, course_id, 1, asked + timedelta(hours=2), "answered", facilitators
                    )
            rows["questions"].append(row)
        return open_ids

    def _alert(
        self,
        rows: ROWS,
        question_id: int,
        course_id: int,
        period: int,
        at: datetime,
        outcome: str | None,
        facilitators: list[int],
    ) -> None:
        alert_id = self.next_id("alerts")
        rows["alerts"].append(
            {
                "id": alert_id,
                "question_id": question_id,
                "course_id": course_id,
                "period": period,
                "created_at": at,
                "claimed_by": None,
                "claimed_at": None,
                "outcome": outcome,
            }
        )
        for person in facilitators:
            self._outbox_sent(
                rows,
                person,
                NoticeKind.ALERT,
                {"alert_id": alert_id, "question_id": question_id},
                at,
                subject=f"alert:{alert_id}",
            )

    def _outbox_sent(
        self,
        rows: ROWS,
        chat_id: int,
        kind: NoticeKind,
        data: dict[str, Any],
        at: datetime,
        subject: str | None = None,
    ) -> None:
        outbox_id = self.next_id("outbox")
        rows["outbox"].append(
            {
                "id": outbox_id,
                "chat_id": chat_id,
                "thread_id": None,
                "kind": kind.value,
                "payload": json.dumps(data),
                "created_at": at,
                "due_at": at,
                "attempts": 1,
                "sent_at": at,
                "failed_at": None,
                "last_error": None,
                "subject": subject,
                "message_id": 5_000_000 + outbox_id,
            }
        )

    def _stories(self, rows: ROWS, n: int, course_id: int, chat_id: int, members: list[int]) -> None:
        """One story per eight learners over the last 59 days; every other course has a showcase,
        where the stories said yes to were posted."""
        rnd = self.story_random
        showcase = -1003000000000 - n if n % 2 == 0 else None
        if showcase is not None:
            rows["showcases"].append(
                {
                    "course_id": course_id,
                    "chat_id": showcase,
                    "chat_title": f"Wins of course {n}",
                    "chat_username": f"wins{n}" if n % 4 == 0 else None,
                    "chat_kind": "supergroup",
                    "set_by": 20_000_000 + course_id * 10,
                    "set_at": self.now - timedelta(days=59),
                }
            )
        consents, weights = zip(*CONSENTS, strict=True)
        for _ in range(max(1, len(members) // 8)):
            story_id = self.next_id("stories")
            author = rnd.choice(members)
            posted = self.now - timedelta(seconds=rnd.uniform(600, 59 * 86400))
            consent = rnd.choices(consents, weights)[0]
            shared = consent in ("name", "learner") and showcase is not None
            terms = self.story_wording.term(), self.story_wording.term()
            rows["stories"].append(
                {
                    "id": story_id,
                    "course_id": course_id,
                    "chat_id": chat_id,
                    "message_id": 900_000_000 + story_id,
                    "thread_id": None,
                    "author_id": author,
                    "author_name": f"Learner {author}",
                    "text": f"#win I got {terms[0]} and {terms[1]} working at last!\nThanks, everyone.",
                    "posted_at": posted,
                    "consent": consent,
                    "consent_at": posted + timedelta(minutes=5)
                    if consent in ("name", "learner", "kept")
                    else None,
                    "showcase_chat_id": showcase if shared else None,
                }
            )
            if shared and showcase is not None:
                self._outbox_sent(
                    rows,
                    showcase,
                    NoticeKind.SHOWCASE_POST,
                    {"story_id": story_id},
                    posted + timedelta(minutes=5),
                    subject=f"story:{story_id}",
                )

    def _learners(self, rows: ROWS, course_id: int, posts: dict[int, int]) -> None:
        for person, count in posts.items():
            rows["learners"].append(
                {
                    "course_id": course_id,
                    "person_id": person,
                    "posts": count,
                    "first_seen_at": self.now - timedelta(days=59),
                    "last_seen_at": self.now - timedelta(hours=1),
                }
            )

    def chatter(self, learner_rows: list[dict[str, Any]], total_posts: int) -> None:
        """Add chatter to the learners' post counts until they add up to the plan's messages."""
        missing = self.plan.messages - total_posts
        if missing <= 0 or not learner_rows:
            return
        for _ in range(missing):
            self.random.choice(learner_rows)["posts"] += 1


def _before_digest(zone: str, now: datetime) -> bool:
    """Whether the course-local day is still before its 08:00 digest (yesterday's was the last)."""
    return now.astimezone(ZoneInfo(zone)).hour < 8


def inbox_rows(count: int, now: datetime) -> Iterator[dict[str, Any]]:
    """A week of processed updates, as the inbox keeps them until pruning."""
    for n in range(count):
        at = now - timedelta(seconds=n * 6 * 86400 / max(1, count))
        payload = json.dumps({"update_id": n + 1, "message": {"message_id": n, "text": "ok thanks"}})
        yield {"update_id": n + 1, "payload": payload, "received_at": at, "processed_at": at}


# --- loading -----------------------------------------------------------------------------------

ORDER = [
    "courses",
    "attachments",
    "people",
    "facilitators",
    "learners",
    "greetings",
    "introductions",
    "showcases",
    "stories",
    "questions",
    "answers",
    "alerts",
    "outbox",
    "inbox",
]


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _tuples(
    table: Table, rows: list[dict[str, Any]], sqlite_mode: bool
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every column of the table, filled from the row, else its Python default (columns added
    to the models later get their defaults), ready for the driver."""
    columns = [c.name for c in table.columns]
    defaults = {}
    for column in table.columns:
        default = column.default
        defaults[column.name] = (
            getattr(default, "arg", None) if default is not None and default.is_scalar else None
        )
    out = []
    for row in rows:
        values = []
        for name in columns:
            value = row.get(name, defaults[name])
            if sqlite_mode:
                if isinstance(value, datetime):
                    value = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                elif isinstance(value, bool):
                    value = int(value)
            values.append(value)
        out.append(tuple(values))
    return columns, out


class Loader:
    """Buffers rows per table and writes them in large chunks straight through the driver."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self.buffers: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.written: defaultdict[str, int] = defaultdict(int)
        self._sqlite: sqlite3.Connection | None = None
        self._pg: asyncpg.Connection | None = None

    async def open(self) -> None:
        if self.sqlite:
            database = make_url(self.url).database
            assert database is not None
            self._sqlite = sqlite3.connect(Path(database))
            self._sqlite.execute("PRAGMA journal_mode=WAL")
            self._sqlite.execute("PRAGMA synchronous=OFF")
            self._sqlite.execute("PRAGMA foreign_keys=OFF")
        else:
            dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            self._pg = await asyncpg.connect(dsn)

    async def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.buffers[table].extend(rows)
        if len(self.buffers[table]) >= CHUNK:
            for name in ORDER:  # parents first: the rows written always satisfy foreign keys
                await self.flush(name)

    async def flush(self, table: str) -> None:
        rows = self.buffers.pop(table, [])
        if not rows:
            return
        columns, tuples = _tuples(_table(table), rows, self.sqlite)
        if self._sqlite is not None:
            marks = ", ".join("?" for _ in columns)
            self._sqlite.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", tuples)
            self._sqlite.commit()
        else:
            assert self._pg is not None
            await self._pg.copy_records_to_table(table, records=tuples, columns=columns)
        self.written[table] += len(rows)

    async def close(self) -> None:
        for table in ORDER:
            await self.flush(table)
        if self._sqlite is not None:
            self._sqlite.commit()
            self._sqlite.close()
        if self._pg is not None:
            for table in ("courses", "introductions", "stories", "questions", "answers", "alerts", "outbox"):
                await self._pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            # As autovacuum leaves a deployment's tables after a load like this: planner statistics,
            # and the visibility maps index-only scans need (Learners by answers, from the index).
            await self._pg.execute("VACUUM ANALYZE")
            await self._pg.close()


async def _index(url: str) -> None:
    """The search index, built from the rows written around the repositories (as migration 0019
    builds it for a database that had rows)."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await search_index.rebuild(session)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execute(text("ANALYZE question_search, introduction_search"))
                await connection.commit()
            # Autovacuum vacuums a table after this many inserts: the stems' index is read by
            # index-only scans, which need the visibility map that vacuum sets.
            async with engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE question_stems"))
    finally:
        await engine.dispose()


async def generate(url: str, plan: Plan, now: datetime = NOW) -> Generated:
    """Write the whole deployment as it is at `now`; returns the largest course and the row counts."""
    generator = Generator(plan, now)
    loader = Loader(url)
    await loader.open()
    largest: Course | None = None
    open_questions: list[tuple[int, int]] = []
    held: dict[str, list[dict[str, Any]]] = {"learners": []}
    for course, rows in generator.courses():
        if course is None:
            continue
        if largest is None or course.questions > largest.questions:
            largest = course
        open_questions += [(r["course_id"], r["question_id"]) for r in rows.pop("open", [])[:4]]
        held["learners"] += rows.pop("learners")  # written last: chatter is added to their counts
        for table in ORDER:
            if rows.get(table):
                await loader.add(table, rows[table])
    total_posts = sum(r["posts"] for r in held["learners"])
    generator.chatter(held["learners"], total_posts)
    for start in range(0, len(held["learners"]), CHUNK):
        await loader.add("learners", held["learners"][start : start + CHUNK])
    inbox: list[dict[str, Any]] = []
    for row in inbox_rows(plan.messages // 10, now):
        inbox.append(row)
        if len(inbox) >= CHUNK:
            await loader.add("inbox", inbox)
            inbox = []
    await loader.add("inbox", inbox)
    await loader.close()
    await _index(url)
    assert largest is not None
    counts = dict(loader.written)
    counts["messages"] = sum(r["posts"] for r in held["learners"])
    return Generated(largest, counts, open_questions)
