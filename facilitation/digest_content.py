"""What a digest says, assembled from plain rows, and its JSON form for the outbox.

A digest is frozen when it is queued: the outbox row carries `Digest.to_data()` and the bot
renders `Digest.from_data(...)` when it sends it, so a retry says the same thing. Lists keep
their first few items and their length (storage reads no more than that); the renderer may show
fewer to fit one message.
The numbers follow /stats (facilitation/stats.py), so both say the same about the same days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from facilitation import stats
from facilitation.model import (
    Answer,
    Course,
    Introduction,
    Listed,
    MessageRef,
    Person,
    Question,
    Recapped,
    RosterEntry,
)

ITEMS = 10  # questions or introductions per list
NAMES = 30
LEARNERS = 40
TEXT = 300  # characters of a question or introduction kept; the renderer shortens further

T = TypeVar("T")
U = TypeVar("U")


class Opening(StrEnum):
    """What the digest's window starts at, so the digest can say so."""

    LAST_DIGEST = "last_digest"  # the previous digest moment
    SETUP = "setup"  # no digest yet: the course's creation, less than a day ago
    DAY_AGO = "day_ago"  # no digest yet, the course older than a day: one day back


@dataclass(frozen=True)
class Entry:
    """A question (when asked) or an introduction (when posted), with where to find it."""

    name: str
    text: str
    at: datetime
    ref: MessageRef | None


@dataclass(frozen=True)
class Participation:
    name: str
    introduced: bool
    asked: int
    answered: int
    last_seen: datetime


@dataclass(frozen=True)
class Digest:
    hashtag: str
    title: str
    timezone: str
    since: datetime
    opened_by: Opening
    at: datetime
    unanswered: Listed[Entry]
    follow_up: Listed[Entry]  # the asker said it isn't solved yet
    unresolved: Listed[Entry]  # answered, not marked solved
    resolved: Listed[Entry]  # since the window start
    introductions: Listed[Entry]
    silent: Listed[str]  # learners who posted but never introduced themselves
    helpers: list[tuple[str, int]]  # peers by answers given in the window
    asked: int  # questions asked in the window
    answered: int  # …of which answered
    by_peers: int  # …of which a learner answered first
    median_first_answer: timedelta | None
    learners: Listed[Participation]
    discussions: list[Recapped] = field(default_factory=list)  # ended in the window
    from_archive: int = 0  # questions resolved by an earlier answer (offered and accepted, or /duplicate)
    pinged: int = 0  # peer helpers asked about a question in the window
    pinged_answered: int = 0  # …of those asks, the ones their helper answered

    @property
    def is_quiet(self) -> bool:
        """Nothing waits for a facilitator and nothing happened in the window."""
        waiting = self.unanswered.total + self.follow_up.total + self.unresolved.total
        news = self.resolved.total + self.introductions.total + self.asked + len(self.helpers)
        news += len(self.discussions) + self.pinged
        return waiting + news == 0

    def to_data(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(asdict(self))
        return plain

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Digest:
        seconds = data["median_first_answer"]
        return cls(
            hashtag=data["hashtag"],
            title=data["title"],
            timezone=data["timezone"],
            since=datetime.fromisoformat(data["since"]),
            opened_by=Opening(data.get("opened_by", Opening.LAST_DIGEST)),  # older rows had none
            at=datetime.fromisoformat(data["at"]),
            unanswered=_listed(data["unanswered"], _entry),
            follow_up=_listed(data["follow_up"], _entry),
            unresolved=_listed(data["unresolved"], _entry),
            resolved=_listed(data["resolved"], _entry),
            introductions=_listed(data["introductions"], _entry),
            silent=_listed(data["silent"], str),
            helpers=[(str(name), int(count)) for name, count in data["helpers"]],
            asked=int(data["asked"]),
            answered=int(data["answered"]),
            by_peers=int(data["by_peers"]),
            median_first_answer=None if seconds is None else timedelta(seconds=seconds),
            learners=_listed(data["learners"], _participation),
            discussions=[Recapped(**d) for d in data.get("discussions", [])],  # older rows had none
            from_archive=int(data.get("from_archive", 0)),
            pinged=int(data.get("pinged", 0)),
            pinged_answered=int(data.get("pinged_answered", 0)),
        )


@dataclass(frozen=True)
class DigestFacts:
    """What one digest is made from: each list as its first rows and its length, as read."""

    unanswered: Listed[Question]
    follow_up: Listed[Question]  # the asker said it isn't solved yet
    unresolved: Listed[Question]  # answered, not marked solved
    resolved: Listed[Question]
    introductions: Listed[Introduction]  # learners' (facilitators aside)
    silent: Listed[RosterEntry]
    learners: Listed[RosterEntry]  # facilitators aside
    asked: list[Question]  # in the window, whole
    answers: list[Answer]  # in the window, whole
    contributions: dict[int, tuple[int, int]]  # person id: (asked, answered), for the learners listed
    discussions: list[Recapped] = field(default_factory=list)  # ended in the window
    from_archive: int = 0
    pinged: tuple[int, int] = (0, 0)  # helpers asked in the window, and of those asks the answered


def assemble(
    course: Course, since: datetime, opened_by: Opening, now: datetime, facts: DigestFacts
) -> Digest:
    question_facts = _question_facts(facts.asked, facts.answers)
    by_peers, answered = stats.peer_firsts(question_facts)
    waits = [w for f in question_facts if (w := stats.time_to_first_answer(f)) is not None]
    return Digest(
        hashtag=course.hashtag,
        title=course.title,
        timezone=course.settings.timezone,
        since=since,
        opened_by=opened_by,
        at=now,
        unanswered=_questions(facts.unanswered),
        follow_up=_questions(facts.follow_up),
        unresolved=_questions(facts.unresolved),
        resolved=_questions(facts.resolved),
        introductions=_listed_as(
            facts.introductions, lambda i: Entry(i.person.name, i.text[:TEXT], i.posted_at, i.ref), ITEMS
        ),
        silent=_listed_as(facts.silent, lambda e: e.person.name, NAMES),
        helpers=[(p.name, n) for p, n in stats.top_helpers(_peer_answers(facts.answers))],
        asked=len(question_facts),
        answered=answered,
        by_peers=by_peers,
        median_first_answer=stats.median(waits),
        learners=_listed_as(facts.learners, lambda e: _participation_of(e, facts.contributions), LEARNERS),
        discussions=facts.discussions,
        from_archive=facts.from_archive,
        pinged=facts.pinged[0],
        pinged_answered=facts.pinged[1],
    )


def _question_facts(asked: list[Question], answers: list[Answer]) -> list[stats.QuestionFacts]:
    first_by_facilitator: dict[int, bool] = {}
    for answer in sorted(answers, key=lambda a: (a.answered_at, a.id)):
        first_by_facilitator.setdefault(answer.question_id, answer.by_facilitator)
    return [
        stats.QuestionFacts(q.asked_at, q.state, q.first_answered_at, first_by_facilitator.get(q.id))
        for q in asked
    ]


def _peer_answers(answers: list[Answer]) -> list[tuple[Person, int]]:
    peers = [a.answerer for a in answers if not a.by_facilitator]
    counts = Counter(p.id for p in peers)
    return [(person, counts[person.id]) for person in {p.id: p for p in peers}.values()]


def _participation_of(entry: RosterEntry, contributions: dict[int, tuple[int, int]]) -> Participation:
    asked, answered = contributions.get(entry.person.id, (0, 0))
    return Participation(entry.person.name, entry.introduction is not None, asked, answered, entry.last_seen)


def _questions(listed: Listed[Question]) -> Listed[Entry]:
    return _listed_as(listed, lambda q: Entry(q.asker.name, q.text[:TEXT], q.asked_at, q.ref), ITEMS)


def _listed_as(listed: Listed[U], convert: Callable[[U], T], cap: int) -> Listed[T]:
    return Listed([convert(item) for item in listed.items[:cap]], listed.total)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _listed(data: dict[str, Any], load: Callable[[Any], T]) -> Listed[T]:
    return Listed([load(item) for item in data["items"]], int(data["total"]))


def _entry(data: dict[str, Any]) -> Entry:
    ref = data["ref"]
    return Entry(
        data["name"], data["text"], datetime.fromisoformat(data["at"]), MessageRef(**ref) if ref else None
    )


def _participation(data: dict[str, Any]) -> Participation:
    return Participation(
        data["name"],
        bool(data["introduced"]),
        int(data["asked"]),
        int(data["answered"]),
        datetime.fromisoformat(data["last_seen"]),
    )
