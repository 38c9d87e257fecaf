"""Realistic group traffic as Telegram sends it: chatter, questions, answers as replies, threads,
introductions, edits and "#solved", in course groups set up with /setup.

Deterministic for a seed, and lazy: a million updates never sit in memory at once.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

JSON = dict[str, Any]
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
SECONDS_PER_UPDATE = 0.4  # message dates advance this much per update

# The mix of a lively cohort (shares of all updates).
MIX = (
    ("chatter", 0.40),
    ("question", 0.15),
    ("answer", 0.22),
    ("thread", 0.05),  # a reply to an answer: the conversation goes on
    ("introduction", 0.04),
    ("edit", 0.08),
    ("solved", 0.03),
    ("reply", 0.03),  # a reply to ordinary chatter
)

FIRST = ["Ana", "Ben", "Cleo", "Dan", "Eva", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena", "Mo", "Nia"]
LAST = ["Silva", "Okafor", "Novak", "Kim", "Berg", "Rossi", "Haddad", "Ito", "Meyer", "Costa"]
THINGS = [
    "the linter",
    "exercise 3",
    "the VPN",
    "the staging database",
    "our team wiki",
    "the CI job",
    "the design review",
    "the reading list",
    "the API keys",
    "the second assignment",
]
ASK = [
    "How do I set up {t} on a new laptop?",
    "Where can I find the notes for {t}?",
    "Does anyone know why {t} keeps failing for me?",
    "What is the deadline for {t}?",
    "Is there a recording of the session about {t}?",
    "Can someone explain how {t} works?",
]
SAY = [
    "Thanks, that makes sense now.",
    "I finished {t} today, on to the next one.",
    "Great session this morning, thank you all.",
    "I will be a bit late tomorrow.",
    "Here is my summary of {t} for anyone who missed it.",
    "Good morning everyone!",
    "The slides on {t} were really useful.",
    "Lunch break, back in 30 minutes.",
]
ANSWER = [
    "You can find it in the shared drive under {t}.",
    "Restart it and run the setup script again.",
    "I had the same problem with {t}; updating fixed it.",
    "It is on Friday at noon, I think.",
    "Ask in the help channel, they sorted {t} for me.",
    "Check the README of {t}, step two.",
]
INTRO = [
    "#intro Hi all, I'm {n}, a developer from Lisbon, here to learn about {t}.",
    "#intro Hello! {n} here, I work on data pipelines and I'm curious about {t}.",
    "#intro Hey, I'm {n}. New to the team, happy to be in this cohort.",
]


@dataclass(frozen=True)
class Generated:
    """One update and what it is, for the database ceiling to write the same rows."""

    update: JSON
    kind: str
    chat_id: int
    message_id: int
    author: JSON
    text: str
    at: datetime
    target: int | None = None  # the question a reply answers or solves, the message an edit changes


@dataclass
class _Chat:
    chat: JSON
    admin: JSON
    learners: list[JSON]
    message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(100))
    questions: deque[tuple[JSON, int]] = field(default_factory=lambda: deque(maxlen=40))  # msg, question id
    answers: deque[tuple[JSON, int]] = field(default_factory=lambda: deque(maxlen=40))  # msg, question msg
    recent: deque[tuple[JSON, str, int | None]] = field(default_factory=lambda: deque(maxlen=40))


class Cohorts:
    """`groups` course groups of `learners` learners each, one admin (the facilitator) per group."""

    def __init__(self, groups: int = 20, learners: int = 60, seed: int = 7, first_update: int = 1) -> None:
        self.random = random.Random(seed)
        self.chats = [
            _Chat(
                {"id": -1009000000000 - n, "type": "supergroup", "title": f"Bench cohort {n}"},
                _user(5000000 + n, n),
                [_user(6000000 + n * 10000 + k, n * 1000 + k) for k in range(learners)],
            )
            for n in range(groups)
        ]
        self._update_ids = itertools.count(first_update)
        self._sequence = itertools.count()
        self._last = 0
        self._question_ids = itertools.count(1)
        kinds, weights = zip(*MIX, strict=True)
        self._kinds: list[str] = list(kinds)
        self._weights: list[float] = list(weights)

    @property
    def admins(self) -> set[tuple[int, int]]:
        return {(c.chat["id"], c.admin["id"]) for c in self.chats}

    def now(self) -> datetime:
        """The date of the latest message generated."""
        return START + timedelta(seconds=SECONDS_PER_UPDATE * self._last)

    def setup(self) -> list[JSON]:
        """/setup in every group by its admin; admins and a tenth of learners start the bot."""
        updates: list[JSON] = []
        for n, chat in enumerate(self.chats):
            text = f"/setup #bench{n} Bench cohort {n}"
            updates.append(self._update("message", self._message(chat, chat.admin, text, command=True)))
            for person in [chat.admin, *chat.learners[::10]]:
                private = {"id": person["id"], "type": "private", "first_name": person["first_name"]}
                message = {
                    "message_id": next(chat.message_ids),
                    "date": self._date(),
                    "chat": private,
                    "from": person,
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
                updates.append(self._update("message", message))
        return updates

    def sharing(self, hashtags: Sequence[str]) -> list[JSON]:
        """/share of those hashtags in every group by its admin: other chats may follow them."""
        text = "/share " + " ".join(f"#{tag}" for tag in hashtags)
        return [
            self._update("message", self._message(chat, chat.admin, text, command=True))
            for chat in self.chats
        ]

    def traffic(self, count: int | None = None) -> Iterator[Generated]:
        """`count` updates of the mix (None: without end)."""
        produced = itertools.count() if count is None else range(count)
        for _ in produced:
            chat = self.random.choice(self.chats)
            kind = self.random.choices(self._kinds, self._weights)[0]
            yield self._generate(chat, kind)

    def _generate(self, chat: _Chat, kind: str) -> Generated:
        pick = self.random.choice
        thing = pick(THINGS)
        if kind in ("answer", "solved") and not chat.questions:
            kind = "question"
        if kind == "thread" and not chat.answers:
            kind = "answer" if chat.questions else "question"
        if kind in ("edit", "reply") and not chat.recent:
            kind = "chatter"
        if kind == "question":
            asker = pick(chat.learners)
            text = pick(ASK).format(t=thing)
            if self.random.random() < 0.25:
                text = "#q " + text.rstrip("?")
            message = self._message(chat, asker, text)
            question_id = next(self._question_ids)
            chat.questions.append((message, question_id))
            chat.recent.append((message, kind, question_id))
            return self._made(chat, "question", message, asker, text, question_id)
        if kind == "answer":
            question, question_id = pick(chat.questions)
            asker_id = question["from"]["id"]
            helper = pick([p for p in (*chat.learners[:12], chat.admin) if p["id"] != asker_id])
            text = pick(ANSWER).format(t=thing)
            message = self._message(chat, helper, text, reply_to=question)
            chat.answers.append((message, question_id))
            return self._made(chat, "answer", message, helper, text, question_id)
        if kind == "thread":
            answer, question_id = pick(chat.answers)
            person = pick(chat.learners)
            text = "Thanks! " + pick(ANSWER).format(t=thing)
            message = self._message(chat, person, text, reply_to=answer)
            return self._made(chat, "thread", message, person, text, question_id)
        if kind == "solved":
            question, question_id = pick(chat.questions)
            text = "#solved thank you, that did it."
            message = self._message(chat, question["from"], text, reply_to=question)
            return self._made(chat, "solved", message, question["from"], text, question_id)
        if kind == "introduction":
            person = pick(chat.learners)
            text = pick(INTRO).format(n=person["first_name"], t=thing)
            message = self._message(chat, person, text)
            chat.recent.append((message, kind, None))
            return self._made(chat, kind, message, person, text)
        if kind == "edit":
            original, was, tracked = pick(chat.recent)
            edited = dict(original)
            text = str(original["text"]).rstrip("?.!") + (" (edited)?" if was == "question" else " (edited).")
            edited["text"] = text
            edited["edit_date"] = self._date()
            update = self._update("edited_message", edited)
            return Generated(
                update,
                "edit",
                chat.chat["id"],
                edited["message_id"],
                edited["from"],
                text,
                self.now(),
                tracked if was == "question" else None,
            )
        if kind == "reply":
            original, _, _ = pick(chat.recent)
            person = pick(chat.learners)
            text = pick(SAY).format(t=thing)
            message = self._message(chat, person, text, reply_to=original)
            return self._made(chat, "reply", message, person, text)
        person = pick(chat.learners)
        text = pick(SAY).format(t=thing)
        message = self._message(chat, person, text)
        chat.recent.append((message, "chatter", None))
        return self._made(chat, "chatter", message, person, text)

    def _made(
        self, chat: _Chat, kind: str, message: JSON, author: JSON, text: str, target: int | None = None
    ) -> Generated:
        update = self._update("message", message)
        return Generated(
            update, kind, chat.chat["id"], message["message_id"], author, text, self.now(), target
        )

    def _date(self) -> int:
        self._last = next(self._sequence)
        return int(self.now().timestamp())

    def _update(self, kind: str, payload: JSON) -> JSON:
        return {"update_id": next(self._update_ids), kind: payload}

    def _message(
        self, chat: _Chat, sender: JSON, text: str, *, reply_to: JSON | None = None, command: bool = False
    ) -> JSON:
        message: JSON = {
            "message_id": next(chat.message_ids),
            "date": self._date(),
            "chat": chat.chat,
            "from": sender,
            "text": text,
        }
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:  # Telegram nests the replied message one level deep only
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        return message


def _user(user_id: int, n: int) -> JSON:
    person: JSON = {"id": user_id, "is_bot": False, "first_name": FIRST[n % len(FIRST)]}
    if n % 3:
        person["last_name"] = LAST[n % len(LAST)]
    if n % 2:
        person["username"] = f"user{user_id}"
    return person
