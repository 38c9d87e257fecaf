"""/stats: how a course's questions fared over a window of course-local days.

The storage side answers two plain queries (`StatsReader`); everything counted here is pure,
so the numbers are tested without a database.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from facilitation.errors import ParseError
from facilitation.languages import N_
from facilitation.model import Course, Person, QuestionState
from facilitation.ports import UnitOfWork
from facilitation.scope import courses_run_by

TOP_HELPERS = 5


class Window(enum.StrEnum):
    WEEK = "7d"
    MONTH = "30d"
    ALL = "all"

    @property
    def days(self) -> int | None:
        return {"7d": 7, "30d": 30}.get(self.value)


@dataclass(frozen=True)
class QuestionFacts:
    """One question, reduced to what the numbers need."""

    asked_at: datetime
    state: QuestionState
    first_answered_at: datetime | None = None
    first_answer_by_facilitator: bool | None = None  # None: no answer yet


class StatsReader(Protocol):
    async def questions(self, course_id: int, since: datetime | None) -> list[QuestionFacts]: ...
    # Answers given since then by non-facilitators to someone else's question, per person.
    async def peer_answers(self, course_id: int, since: datetime | None) -> list[tuple[Person, int]]: ...


@dataclass(frozen=True)
class Day:
    day: date
    counts: dict[QuestionState, int]  # questions asked that day, by their state now
    median_first_answer: timedelta | None

    @property
    def asked(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class CourseStats:
    course: Course
    window: Window
    since: datetime | None
    counts: dict[QuestionState, int]
    median_first_answer: timedelta | None
    answered: int  # questions with a first answer (dismissed ones aside)
    peer_first: int  # …of which a peer gave the first answer
    helpers: list[tuple[Person, int]]
    days: list[Day]
    from_archive: int = 0  # resolved by an earlier answer (offered and accepted, or /duplicate)

    @property
    def asked(self) -> int:
        return sum(self.counts.values())

    @property
    def peer_share(self) -> float | None:
        return self.peer_first / self.answered if self.answered else None


# The windows as French writes them: 7j, 30j, tout.
_WINDOWS = {"7j": "7d", "30j": "30d", "tout": "all", "tous": "all"}


def window(words: Sequence[str]) -> Window:
    """The window named among the command's words; 7 days when none is."""
    named = [w.lower() for w in words if not w.startswith("#")]
    if not named:
        return Window.WEEK
    try:
        return Window(_WINDOWS.get(named[0], named[0]))
    except ValueError:
        raise ParseError(N_("Usage: /stats [7d|30d|all] [#tag] — 7d when you don't say.")) from None


def window_start(chosen: Window, now: datetime, zone: ZoneInfo) -> datetime | None:
    """Midnight, course time, of the first of the window's days (today being the last)."""
    if chosen.days is None:
        return None
    first = now.astimezone(zone).date() - timedelta(days=chosen.days - 1)
    return datetime.combine(first, time(0), tzinfo=zone)


def time_to_first_answer(fact: QuestionFacts) -> timedelta | None:
    if fact.first_answered_at is None or fact.state is QuestionState.DISMISSED:
        return None
    return max(fact.first_answered_at - fact.asked_at, timedelta(0))


def median(values: Iterable[timedelta]) -> timedelta | None:
    seconds = [v.total_seconds() for v in values]
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


def peer_firsts(facts: Iterable[QuestionFacts]) -> tuple[int, int]:
    """(first answers by a peer, questions answered at all); dismissed ones weren't questions."""
    answered = [f for f in facts if time_to_first_answer(f) is not None]
    return sum(1 for f in answered if f.first_answer_by_facilitator is False), len(answered)


def by_state(facts: Iterable[QuestionFacts]) -> dict[QuestionState, int]:
    counts = dict.fromkeys(QuestionState, 0)
    for fact in facts:
        counts[fact.state] += 1
    return counts


def days(facts: Sequence[QuestionFacts], zone: ZoneInfo, first: date | None, last: date) -> list[Day]:
    """Every course-local day from first (or the first question's) to last, empty days too."""
    buckets: dict[date, list[QuestionFacts]] = {}
    for fact in facts:
        buckets.setdefault(fact.asked_at.astimezone(zone).date(), []).append(fact)
    start = first or min(buckets, default=last)
    result = []
    for offset in range((last - start).days + 1):
        day = start + timedelta(days=offset)
        found = buckets.get(day, [])
        result.append(Day(day, by_state(found), median(_waits(found))))
    return result


def _waits(facts: Iterable[QuestionFacts]) -> list[timedelta]:
    return [t for f in facts if (t := time_to_first_answer(f)) is not None]


def top_helpers(counts: Iterable[tuple[Person, int]], limit: int = TOP_HELPERS) -> list[tuple[Person, int]]:
    ranked = sorted(counts, key=lambda pair: (-pair[1], pair[0].name.lower(), pair[0].id))
    return [pair for pair in ranked if pair[1] > 0][:limit]


def summarise(
    course: Course,
    chosen: Window,
    facts: Sequence[QuestionFacts],
    helpers: Iterable[tuple[Person, int]],
    now: datetime,
    from_archive: int = 0,
) -> CourseStats:
    zone = ZoneInfo(course.settings.timezone)
    since = window_start(chosen, now, zone)
    peer, answered = peer_firsts(facts)
    return CourseStats(
        course=course,
        window=chosen,
        since=since,
        counts=by_state(facts),
        median_first_answer=median(_waits(facts)),
        answered=answered,
        peer_first=peer,
        helpers=top_helpers(helpers),
        days=days(facts, zone, since.date() if since else None, now.astimezone(zone).date()),
        from_archive=from_archive,
    )


async def course_stats(
    uow: UnitOfWork,
    chat_id: int | None,
    person_id: int,
    tags: list[str],
    chosen: Window,
    now: datetime,
) -> list[CourseStats]:
    """In a course chat: its course; in private: every course the person runs, or the one named."""
    async with uow:
        courses = await courses_run_by(uow, chat_id, person_id, tags)
        reader = uow.stats
        found = []
        for course in courses:
            since = window_start(chosen, now, ZoneInfo(course.settings.timezone))
            facts = await reader.questions(course.id, since)
            helpers = await reader.peer_answers(course.id, since)
            from_archive = await uow.offers.from_archive(course.id, since, now)
            found.append(summarise(course, chosen, facts, helpers, now, from_archive))
    return found


async def week_stats(uow: UnitOfWork, course: Course, now: datetime) -> CourseStats:
    """The last seven days of one course, inside an open unit of work (the weekly digest's chart)."""
    reader = uow.stats
    since = window_start(Window.WEEK, now, ZoneInfo(course.settings.timezone))
    facts = await reader.questions(course.id, since)
    return summarise(course, Window.WEEK, facts, await reader.peer_answers(course.id, since), now)
