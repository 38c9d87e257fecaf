"""The week's highlights: what went well in a course's past Monday–Sunday (course time), for its
facilitators on Monday — the stories told (consented ones marked), the questions that drew the
most answers, new voices, peer helpers.

When: with the course's first digest of the week (`digests.send_due`), so at its digest time on
Monday (later only if Flock was down), to the digest's recipients, in the transaction that
claims the course row and marks the digest's day: once across restarts and processes. None for
a course without a digest time or with `highlights off`, nor for a week that ended before the
course was set up. Unlike the digest, an empty week is still told, in one line.

Like the digest, highlights are frozen when queued (`to_data`) and rendered when sent. Each
section is one list here and one block in bot/render_highlights.py.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from facilitation.model import Course, Listed, MessageRef, Person, Question, Story
from facilitation.ports import UnitOfWork

STORIES = 5  # the week's stories shown, the rest counted
QUESTIONS = 5  # the most answered questions shown
LEAST_ANSWERS = 2  # a question drew answers when it got at least this many in the week
VOICES = 10  # new voices named, the rest counted
HELPERS = 10  # peer helpers asked, named
ANSWERERS = 5  # learners who answered most questions, named
TEXT = 300  # characters of a question or a story kept; the renderer shortens further

T = TypeVar("T")


@dataclass(frozen=True)
class FirstPost:
    """Someone's first post in a course: when, and where (None: from before it was kept)."""

    person: Person
    at: datetime
    ref: MessageRef | None


@dataclass(frozen=True, slots=True)
class Answered:
    """The answers one person gave one question in the week (to someone else's question of the
    course, dismissed ones aside, as the digest counts answers)."""

    question_id: int
    answerer_id: int
    by_facilitator: bool
    answers: int


class HighlightsReader(Protocol):
    """What the highlights read, each bounded by one course and the week [start, end)."""

    # The week's answers, counted per question and answerer: one read serves two sections.
    async def answered(self, course_id: int, start: datetime, end: datetime) -> list[Answered]: ...
    async def questions(self, ids: Sequence[int]) -> list[Question]: ...
    async def people(self, ids: Sequence[int]) -> list[Person]: ...
    # The stories posted in the course in the week, earliest first, with their showcase posts.
    async def stories(self, course_id: int, start: datetime, end: datetime, limit: int) -> Listed[Story]: ...
    # People, facilitators aside, whose first post in the course came in the week, earliest first.
    async def new_voices(
        self, course_id: int, start: datetime, end: datetime, limit: int
    ) -> Listed[FirstPost]: ...
    # Peer helpers asked about a question in the week: (helper, asks, of those the answered),
    # the most answered first.
    async def helpers_asked(
        self, course_id: int, start: datetime, end: datetime, limit: int
    ) -> list[tuple[Person, int, int]]: ...


@dataclass(frozen=True)
class Told:
    """A story of the week: its author, its first line, where it was posted, what its author said
    about sharing it (a Consent value), and its showcase post once sent."""

    author: str
    text: str
    ref: MessageRef | None
    consent: str
    showcase: MessageRef | None = None  # its post in the showcase, once sent
    showcase_username: str | None = None  # the showcase's public name, for the post's link


@dataclass(frozen=True)
class Drawn:
    """A question that drew answers in the week: how many, from how many people."""

    text: str
    asker: str
    answers: int
    people: int
    ref: MessageRef | None


@dataclass(frozen=True)
class Voice:
    name: str
    at: datetime
    ref: MessageRef | None  # their first post


@dataclass(frozen=True)
class Helper:
    name: str
    asked: int  # questions they were pointed at in the week
    answered: int  # …of which they answered


@dataclass(frozen=True)
class Answerer:
    name: str
    questions: int  # answered in the week


@dataclass(frozen=True)
class Highlights:
    hashtag: str
    title: str
    timezone: str
    start: datetime  # Monday 00:00, course time
    end: datetime  # the next Monday 00:00
    stories: Listed[Told] = field(default_factory=lambda: Listed([], 0))
    questions: list[Drawn] = field(default_factory=list)
    voices: Listed[Voice] = field(default_factory=lambda: Listed([], 0))
    helpers: list[Helper] = field(default_factory=list)
    answerers: list[Answerer] = field(default_factory=list)

    @property
    def is_quiet(self) -> bool:
        sections = (self.stories.total, self.questions, self.voices.total, self.helpers, self.answerers)
        return not any(sections)

    def to_data(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(asdict(self))
        return plain

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Highlights:
        voices = data.get("voices") or {"items": [], "total": 0}
        stories = data.get("stories") or {"items": [], "total": 0}  # none in highlights queued before
        return cls(
            hashtag=data["hashtag"],
            title=data["title"],
            timezone=data["timezone"],
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            stories=Listed(
                [
                    Told(
                        t["author"],
                        t["text"],
                        _ref(t["ref"]),
                        t["consent"],
                        _ref(t.get("showcase")),
                        t.get("showcase_username"),
                    )
                    for t in stories["items"]
                ],
                int(stories["total"]),
            ),
            questions=[
                Drawn(d["text"], d["asker"], int(d["answers"]), int(d["people"]), _ref(d["ref"]))
                for d in data.get("questions", [])
            ],
            voices=Listed(
                [Voice(v["name"], datetime.fromisoformat(v["at"]), _ref(v["ref"])) for v in voices["items"]],
                int(voices["total"]),
            ),
            helpers=[Helper(h["name"], int(h["asked"]), int(h["answered"])) for h in data.get("helpers", [])],
            answerers=[Answerer(a["name"], int(a["questions"])) for a in data.get("answerers", [])],
        )


def past_week(timezone: str, day: date) -> tuple[datetime, datetime]:
    """The course-local Monday–Sunday before the week of `day`, as [Monday 00:00, next Monday
    00:00) in UTC: 167 or 169 hours long when daylight saving time starts or ends in it."""
    zone = ZoneInfo(timezone)
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday - timedelta(days=7), time(0), tzinfo=zone)
    end = datetime.combine(monday, time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


async def compose(uow: UnitOfWork, course: Course, start: datetime, end: datetime) -> Highlights:
    """The highlights of one course's week, inside an open unit of work."""
    reader = uow.highlights
    stories = await reader.stories(course.id, start, end, STORIES)
    answered = await reader.answered(course.id, start, end)
    drawn, answerers = most_answered(answered), most_answering(answered)
    questions = {q.id: q for q in await reader.questions([q for q, _, _ in drawn])}
    people = {p.id: p for p in await reader.people([p for p, _ in answerers])}
    voices = await reader.new_voices(course.id, start, end, VOICES)
    helpers = await reader.helpers_asked(course.id, start, end, HELPERS)
    return Highlights(
        hashtag=course.hashtag,
        title=course.title,
        timezone=course.settings.timezone,
        start=start,
        end=end,
        stories=_listed_as(stories, _told),
        questions=[_drawn(questions[q], n, k) for q, n, k in drawn if q in questions],
        voices=_listed_as(voices, lambda f: Voice(f.person.name, f.at, f.ref)),
        helpers=[Helper(p.name, asked, answered) for p, asked, answered in helpers],
        answerers=[Answerer(people[p].name if p in people else f"user {p}", n) for p, n in answerers],
    )


def most_answered(answered: Iterable[Answered], limit: int = QUESTIONS) -> list[tuple[int, int, int]]:
    """(question id, answers, people) of the questions with at least LEAST_ANSWERS, the most
    answers first, then the most people, then the earliest question."""
    answers: Counter[int] = Counter()
    people: dict[int, set[int]] = {}
    for row in answered:
        answers[row.question_id] += row.answers
        people.setdefault(row.question_id, set()).add(row.answerer_id)
    drew = [(-n, -len(people[q]), q) for q, n in answers.items() if n >= LEAST_ANSWERS]
    return [(q, -n, -k) for n, k, q in heapq.nsmallest(limit, drew)]


def most_answering(answered: Iterable[Answered], limit: int = ANSWERERS) -> list[tuple[int, int]]:
    """(person id, questions answered) of the answerers who were not facilitators, the most first
    (then the first to join Telegram: a stable order for a tie)."""
    questions: dict[int, set[int]] = {}
    for row in answered:
        if not row.by_facilitator:
            questions.setdefault(row.answerer_id, set()).add(row.question_id)
    ranked = heapq.nsmallest(limit, ((-len(q), p) for p, q in questions.items()))
    return [(p, -n) for n, p in ranked]


def _told(story: Story) -> Told:
    lines = story.text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    return Told(
        story.author.name,
        first[:TEXT],
        story.ref,
        story.consent.value,
        story.showcase_ref,
        story.showcase_username,
    )


def _drawn(question: Question, answers: int, people: int) -> Drawn:
    return Drawn(question.text[:TEXT], question.asker.name, answers, people, question.ref)


def _listed_as(listed: Listed[Any], convert: Callable[[Any], T]) -> Listed[T]:
    return Listed([convert(item) for item in listed.items], listed.total)


def _ref(data: dict[str, Any] | None) -> MessageRef | None:
    return MessageRef(**data) if data else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
