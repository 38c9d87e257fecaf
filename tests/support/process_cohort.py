"""Flock as a cohort meets it, from outside: `flock run` as its own process against the loopback
Bot API (tests/support/bot_api_server.py), people acting only through Telegram-shaped updates,
and what each of them receives read where Flock's HTTP calls arrive.

Time is the wall clock plus an offset the test moves (tests/support/moved_clock.py): the process
ticks every TICK seconds and finds alerts, session phases and follow-ups due when the test has
moved the clock past them. It starts on Monday 2 November 2026, 09:00 UTC. The `cohort` fixture
(tests/bot/conftest.py) starts it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.recording import BOT_ID, BOT_USERNAME, Call
from tests.builders import JSON, Telegram, message_link, private, user
from tests.support.bot_api_server import FakeTelegram
from tests.support.flock_process import FlockProcess, wait
from tests.support.moved_clock import CLOCK_FILE, MovedClock
from tests.support.telegram_html import visible_text

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning
TICK = 0.5  # seconds between the process's ticks
PATIENCE = 30  # seconds to wait for anything Flock should do

ANA = user(11, "Ana", "ana_f")  # the facilitator: an admin of every group below
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
DAN = user(14, "Dan", "dan_d")
ELI = user(15, "Eli")
LENA = user(17, "Lena", "lena_k")
ADA = user(20, "Ada", "ada_expert")  # the guest
FLOCK = {"id": BOT_ID, "is_bot": True, "first_name": "Flock", "username": BOT_USERNAME}

PROCESSED = "select count(*) from inbox where processed_at is not null"
UNSENT = "select count(*) from outbox where sent_at is null and failed_at is null and last_error is null"


class Database:
    """The process's database, read from outside with plain SQL."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.engine = create_async_engine(url)

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        async def query() -> list[tuple[Any, ...]]:
            async with self.engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(sql), params)]

        return self.loop.run_until_complete(query())

    def count(self, sql: str, **params: Any) -> int:
        return int(self.rows(sql, **params)[0][0])

    def close(self) -> None:
        self.loop.run_until_complete(self.engine.dispose())
        self.loop.close()


class Cohort:
    """Flock as the people of a cohort meet it: their updates in, what each of them receives out."""

    def __init__(self, fake: FakeTelegram, database: Database, clock: MovedClock, process: FlockProcess):
        self.fake = fake
        self.db = database
        self.clock = clock
        self.process = process
        self.telegram = Telegram(clock)
        self.delivered = 0  # updates handed to Telegram for Flock so far
        self.seen = 0  # calls already returned by take()

    def admin(self, chat: JSON, person: JSON = ANA) -> None:
        """The person (or Flock, FLOCK) is an admin of the chat, as getChatMember answers."""
        self.fake.answers.admins.add((chat["id"], person["id"]))

    def send(self, *updates: JSON) -> list[Call]:
        """Hand updates to Telegram; once Flock has handled them and sent what they made it
        say, the calls it made since the last look."""
        self.delivered += self.fake.inject(list(updates))  # what reaches Flock (see inject)
        self.wait(lambda: self.db.count(PROCESSED) >= self.delivered, "the updates handled")
        return self.settled()

    def say(self, chat: JSON, person: JSON, words: str, **kw: Any) -> tuple[JSON, list[Call]]:
        """A message from the person; the update (to reply to, or edit) and what followed."""
        update = self.telegram.post(chat, person, words, **kw)
        return update, self.send(update)

    def react(self, person: JSON, message: JSON, *emojis: str, was: tuple[str, ...] = ()) -> list[Call]:
        """The person's reactions to a message (the update that brought it) are now `emojis`
        (none: taken back). Telegram tells Flock only where it is an admin."""
        body = message["message"]
        change = {
            "chat": body["chat"],
            "message_id": body["message_id"],
            "user": person,
            "date": int(self.clock.now().timestamp()),
            "old_reaction": [{"type": "emoji", "emoji": e} for e in was],
            "new_reaction": [{"type": "emoji", "emoji": e} for e in emojis],
        }
        return self.send(self.telegram.update("message_reaction", change))

    def press(self, person: JSON, message: Call, label: str) -> list[Call]:
        """The person taps the button so labelled under a message Flock sent."""
        buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
        data = next(b["callback_data"] for b in buttons if b["text"] == label)
        return self.send(self.telegram.press(person, message.result, data))

    def advance(self, until: Callable[[list[Call]], bool], what: str, **delta: float) -> list[Call]:
        """Move the clock on; once the ticks have done what `until` looks for (in the calls made
        since the last look) and the outbox is sent, those calls."""
        self.clock.advance(**delta)
        start = self.seen
        self.wait(lambda: until(self.calls()[start:]), what)
        return self.settled()

    def settled(self) -> list[Call]:
        self.wait(lambda: self.db.count(UNSENT) == 0, "the outbox sent")
        return self.take()

    def calls(self) -> list[Call]:
        return [c for c in self.fake.answers.calls if c.method != "getUpdates"]

    def take(self) -> list[Call]:
        calls = self.calls()[self.seen :]
        self.seen += len(calls)
        return calls

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        try:
            wait(condition, seconds=PATIENCE, what=what)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- flock log\n{self.process.tail(60)}") from None

    def stop_cleanly(self) -> None:
        """Stop as a service manager would; nothing failed on the way, and everything Flock said
        was HTML Telegram accepts."""
        assert self.process.stop() == 0
        log = self.process.log.read_text(errors="replace")
        assert " ERROR " not in log, log[-4000:]
        assert "Traceback" not in log, log[-4000:]
        for call in self.fake.answers.calls:
            if call.method in ("sendMessage", "editMessageText"):
                seen = visible_text(call.text)  # raises where Telegram would refuse it
                assert "something went wrong" not in seen, seen


def running_cohort(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path, env: dict[str, str] | None = None
) -> Iterator[Cohort]:
    fake, api_url = telegram
    clock = MovedClock(tmp_path / "clock", start=START)
    flock_process = FlockProcess(
        api_url,
        database_url,
        tmp_path / "flock.log",
        tick_seconds=TICK,
        command=(sys.executable, "-m", "tests.support.moved_clock"),
        env={CLOCK_FILE: str(clock.path), **(env or {})},
    )
    database = Database(database_url)
    flock_process.start()
    try:
        flock_process.wait_until_up(fake)
        yield Cohort(fake, database, clock, flock_process)
    finally:
        flock_process.ensure_stopped()
        database.close()


# What people receive


def messages(calls: list[Call], to: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == to["id"]]


def said(calls: list[Call], to: JSON) -> list[str]:
    """What the person (or everyone in the chat) reads, as text."""
    return [visible_text(c.text) for c in messages(calls, to)]


def edits(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.method == "editMessageText" and c.chat_id == chat["id"]]


def reactions(calls: list[Call], chat: JSON) -> list[tuple[int, str]]:
    return [
        (c.params["message_id"], c.params["reaction"][0]["emoji"])
        for c in calls
        if c.method == "setMessageReaction" and c.chat_id == chat["id"]
    ]


def documents(calls: list[Call], to: JSON) -> list[tuple[str, str, str]]:
    """The documents sent to the chat: (file name, caption as read, content)."""
    return [
        (
            c.params["_files"]["document"]["filename"],
            visible_text(str(c.params.get("caption", ""))),
            c.params["_bytes"]["document"].decode("utf-8"),
        )
        for c in calls
        if c.method == "sendDocument" and c.chat_id == to["id"]
    ]


def alerts(calls: list[Call], to: JSON, tag: str) -> list[Call]:
    """The facilitators' alerts about a course's questions (they carry buttons)."""
    return [c for c in messages(calls, to) if tag in c.text and "reply_markup" in c.params]


def mid(update: JSON) -> int:
    return int(update["message"]["message_id"])


def link(chat: JSON, update: JSON) -> str:
    return message_link(chat, update)


def set_up(
    cohort: Cohort, chat: JSON, tag: str, title: str, *, tagged: bool = False, flock_admin: bool = False
) -> None:
    """Ana attaches the chat; `flock_admin`: she has made Flock an admin of it first."""
    cohort.admin(chat)
    if flock_admin:
        cohort.admin(chat, FLOCK)
    _, calls = cohort.say(chat, ANA, f"/setup #{tag}{' tagged' if tagged else ''} {title}")
    assert said(calls, chat)[0].startswith(("Created", "Attached")), said(calls, chat)


def start(cohort: Cohort, *people: JSON) -> None:
    for person in people:
        cohort.say(private(person), person, "/start")
