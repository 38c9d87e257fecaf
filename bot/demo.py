"""`flock demo`: play a cohort's week through the real Application, offline, and tell the story.

Updates go through the inbox and the Application exactly as in `flock run`; the Bot API is the
in-process recording one, so every message Flock sends is shown instead of sent. The stand-in
API reports whoever runs /setup as a chat admin, and Flock and whoever promotes it once the
story makes it one.

The clock is the story's: it stands at each update's time while the update is handled, and
between updates it moves on to each moment something falls due (bot/next_due.py), where the
tick and the outbox sender run as they would have then. So the 08:00 digest is told at 08:00
and an alert when the question's SLA ran out, not when the next message happens to arrive.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from bot import i18n
from bot.demo_refs import Said, UnknownReference
from bot.demo_story import BODIES, Delivery, Narrator
from bot.recording import Call, RecordingRequest
from bot.runner import Flock, assemble
from bot.settings import Settings
from facilitation.model import Course
from storage import mapping
from storage.migrations import upgrade
from storage.models import CourseRow, OutboxRow
from storage.next_due import next_due

TOKEN = "0:demo"  # the recording Bot API takes any; the dashboard signs its demo viewer with it


class StoryClock:
    """Time as the story says it is; only the replay moves it, and only forwards."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC)

    def now(self) -> datetime:
        return self.current


def load(path: str) -> list[dict[str, Any]] | None:
    source = Path(path)
    if not source.is_file():
        print(f"flock demo: no such file: {source}", file=sys.stderr)
        return None
    return [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]


def fresh_database(database: str | None) -> Path:
    db_file = Path(database) if database else Path(tempfile.mkdtemp(prefix="flock-demo-")) / "demo.db"
    db_file.unlink(missing_ok=True)
    return db_file


def moment_of(update: dict[str, Any]) -> datetime:
    """When it happened: a message's date (an edit's), or the date the cohort file gives a press."""
    for kind in BODIES:
        if kind in update:
            body = update[kind]
            return datetime.fromtimestamp(body.get("edit_date") or body["date"], UTC)
    raise ValueError(f"update {update.get('update_id')} has no date")


async def run_demo(
    updates: list[dict[str, Any]],
    source: str,
    db_file: Path,
    language: str = "en",
    dashboard_port: int | None = None,
) -> int:
    """The story told in `language` (the account's words; Flock's own messages are in the
    language of whoever reads them, as in `flock run`); then, with `dashboard_port`, the
    dashboard served on the story's database (bot/web/demo.py)."""
    url = f"sqlite+aiosqlite:///{db_file}"
    await upgrade(url)
    clock, api = StoryClock(), RecordingRequest()
    flock = assemble(Settings(database_url=url), TOKEN, clock, request=api, rate_limited=False)
    with i18n.speaking(language):
        print(
            i18n._(
                "Replaying {count} updates from {source} into {database}",
                count=len(updates),
                source=source,
                database=db_file,
            )
        )
        print(i18n._("Times are the course's own (UTC until it sets its time zone)."))
    try:
        async with flock.app:
            api.take()
            replay = Replay(flock, api, clock, language)
            try:
                for update in updates:
                    at = moment_of(update)
                    await replay.until(at)
                    await replay.update(update, at)
                await replay.until(replay.end_of_day())
            except UnknownReference as error:
                print(f"flock demo: {source}: {error}", file=sys.stderr)
                return 1
            summary = await _summary(flock)
            with i18n.speaking(language):
                print(summary())
            if dashboard_port is not None:
                from bot.web import demo as dashboard_demo

                return await dashboard_demo.serve(flock, TOKEN, dashboard_port, language)
    finally:
        await flock.close()
    return 0


class Replay:
    def __init__(self, flock: Flock, api: RecordingRequest, clock: StoryClock, language: str = "en") -> None:
        self._flock, self._api, self._clock = flock, api, clock
        self._language = language
        self._said = Said()
        self._narrator = Narrator()
        self._course: Course | None = None  # as the last tick left it

    async def until(self, end: datetime) -> None:
        """Run the tick at every moment before `end` at which something falls due."""
        while (due := await next_due(self._flock.sessions, self._clock.current)) is not None and due < end:
            self._clock.current = due
            delivered = await self._tick()
            with i18n.speaking(self._language):
                self._tell(self._narrator.moment(due, delivered))

    async def update(self, update: dict[str, Any], at: datetime) -> None:
        """Handle one update at its time, then tick: the sender delivers what it caused."""
        self._clock.current = at
        update = self._said.resolve(update)
        self._narrator.learn(update)
        body = update.get("message", {})
        if str(body.get("text", "")).startswith("/setup") and "from" in body:
            self._api.admins.add((body["chat"]["id"], body["from"]["id"]))
        promoted = update.get("my_chat_member", {})
        if promoted.get("new_chat_member", {}).get("status") == "administrator":
            # From then on the stand-in API says so too, as Telegram would; and of whoever
            # promoted it, since only an admin can.
            chat_id = promoted["chat"]["id"]
            self._api.admins.add((chat_id, promoted["new_chat_member"]["user"]["id"]))
            self._api.admins.add((chat_id, promoted["from"]["id"]))
        await self._flock.poller.store([update])
        await self._flock.poller.processor.drain()
        replies = self._api.take()
        self._said.record(replies, at)
        delivered = await self._tick()
        with i18n.speaking(self._language):
            self._tell(self._narrator.update(update, at, replies, delivered))

    def end_of_day(self) -> datetime:
        """Midnight after the last moment told, in the course's time."""
        local = self._clock.current.astimezone(self._narrator.zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=self._narrator.zone)
        return midnight.astimezone(UTC)

    async def _tick(self) -> list[Delivery]:
        now = self._clock.current
        await self._flock.ticker.tick()
        await self._flock.sender.flush()
        calls = self._api.take()
        self._said.record(calls, now)
        return await self._delivered(calls, now)

    async def _delivered(self, calls: list[Call], now: datetime) -> list[Delivery]:
        """Each call paired with the outbox row it delivered, in the order Flock queued them.
        Chats are served concurrently but each chat's rows in order, so per chat they pair up."""
        by_chat: defaultdict[int, deque[Call]] = defaultdict(deque)
        for call in calls:
            if call.method != "pinChatMessage":  # part of the announcement it pins, told with it
                by_chat[call.chat_id].append(call)
        async with self._flock.sessions() as session:
            rows = await session.execute(
                select(OutboxRow.chat_id, OutboxRow.kind, OutboxRow.payload)
                .where(OutboxRow.sent_at >= now)
                .order_by(OutboxRow.id)
            )
            course = await session.scalar(select(CourseRow).order_by(CourseRow.id).limit(1))
        deliveries = [
            Delivery(kind, json.loads(payload), by_chat[chat_id].popleft())
            for chat_id, kind, payload in rows
            if by_chat[chat_id]
        ]
        deliveries += [Delivery("", {}, call) for left in by_chat.values() for call in left]
        self._course = mapping.course(course) if course is not None else None
        return deliveries

    def _tell(self, lines: list[str]) -> None:
        if lines:
            print("\n".join(lines))
        if self._course != self._narrator.course:
            zone_before = self._narrator.zone
            self._narrator.course = self._course
            if self._narrator.zone != zone_before:
                told = i18n._("(From here on, times are the course's: {zone}.)", zone=self._narrator.zone.key)
                print(" " * 12 + told)


async def _summary(flock: Flock) -> Callable[[], str]:
    """What the database holds, told (when called) in the language spoken."""
    async with flock.sessions() as session:
        courses = (await session.execute(text("select hashtag, title from courses"))).all()
        learners = (
            await session.execute(
                text(
                    "select p.name, l.posts, exists(select 1 from introductions i where i.person_id = "
                    "l.person_id and i.course_id = l.course_id and i.replaced_at is null) "
                    "from learners l join people p on p.id = l.person_id order by p.name"
                )
            )
        ).all()
        questions = (
            await session.execute(
                text(
                    "select q.text, q.state, p.name, (select count(*) from answers a where "
                    "a.question_id = q.id) from questions q join people p on p.id = q.asker_id "
                    "order by q.asked_at"
                )
            )
        ).all()

    def told() -> str:
        heading = i18n._("What Flock stored")
        lines = ["", heading, "=" * len(heading)]
        lines += [i18n._("Course #{tag}: {title}", tag=tag, title=title) for tag, title in courses]
        lines.append("\n" + i18n._("Learners ({count}):", count=len(learners)))
        for name, posts, intro in learners:
            counted = i18n.ngettext("{count} post ", "{count} posts", posts)
            said = i18n._("introduced") if intro else i18n._("no introduction yet")
            lines.append(f"  {name:<16} {counted:>8}  {said}")
        lines.append("\n" + i18n._("Questions ({count}):", count=len(questions)))
        lines += [
            f"  [{state:<8}] {name}: {q[:70]}{'…' if len(q) > 70 else ''} "
            + i18n.ngettext("({count} answer)", "({count} answers)", answers)
            for q, state, name, answers in questions
        ]
        return "\n".join(lines)

    return told
