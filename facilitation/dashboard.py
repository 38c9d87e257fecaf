"""The facilitators' dashboard: what a person may see of a course, and what they may do from it.

One service per page (`today`, `learners`, `trends`, `sessions`, `stories` with its
`week_highlights`, `settings`), each refusing a
course the person doesn't facilitate (`Forbidden`) before it reads anything. The actions are
the alert buttons' (take it, snooze, not a question) and /solved's: they go through
`alerts.act`, so alert messages are edited and digests count them as the chat's would; a
setting changes through `courses.change_setting`, as /settings does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from facilitation import alerts, discussion_recap, highlights
from facilitation.courses import change_setting as change
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.highlights import Highlights
from facilitation.languages import N_, private_language
from facilitation.model import (
    BoardItem,
    Course,
    Follow,
    GuestSession,
    Person,
    Phase,
    Question,
    QuestionState,
    RosterEntry,
    Round,
    Showcase,
    Story,
)
from facilitation.ports import UnitOfWork
from facilitation.scope import courses_run_by
from facilitation.stats import CourseStats, Day, Window, median, window_start

WAITING_SHOWN = 50  # the oldest first; the page says how many more there are
ACTIONS = ("claim", "snooze", "dismiss", "solve")
LEARNERS_PAGE = 100  # a page of the sort chosen; "Show more" reads the next in the same order
SORTS = ("name", "posts", "questions", "answers", "seen")
QUIET = timedelta(days=7)  # not seen for this long: "quiet for a week"
SESSIONS_SHOWN = 20
RECAPS_SHOWN = 5  # discussions that ended, the latest first
TRANSCRIPT_SHOWN = 20_000  # characters; the whole one is /transcript's
STORIES_PAGE = 50  # the newest first; "Show more" reads the next in the same order
WEEKS = ("this", "last")  # the highlights of this week so far, or of last week (Monday's message)


@dataclass(frozen=True)
class Waiting:
    """An open question as the dashboard lists it."""

    question: Question
    claimed_by: Person | None
    alert_id: int | None  # its latest alert still open, if it was alerted


@dataclass(frozen=True)
class WaitingItem:
    waiting: Waiting
    overdue: bool
    helping: list[Person] = field(default_factory=list)  # peer helpers who said they'll answer


@dataclass(frozen=True)
class Today:
    course: Course
    waiting: list[WaitingItem]
    total: int  # open questions in all, shown or not


@dataclass(frozen=True)
class LearnerItem:
    entry: RosterEntry
    asked: int
    answered: int
    quiet: bool  # not seen for a week
    helper: bool = False  # said yes to being pointed at questions (a peer helper)

    @property
    def introduced(self) -> bool:
        return self.entry.introduction is not None


@dataclass(frozen=True)
class LearnerCounts:
    """The whole course's, whatever the page shows."""

    total: int = 0
    never_introduced: int = 0
    quiet: int = 0  # not seen for a week


@dataclass(frozen=True)
class Learners:
    course: Course
    items: list[LearnerItem]
    counts: LearnerCounts | None  # on the first page only: the rest are read to be appended
    sort: str
    offset: int = 0  # of the first item, in the sort's order
    more: bool = False  # learners after these

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.items)


@dataclass(frozen=True)
class SessionView:
    session: GuestSession
    board: list[BoardItem]  # its questions by votes (what the board in the group shows)
    transcript: str | None  # once ended


@dataclass(frozen=True)
class RecapView:
    """An ended discussion's recap, as the chats got it (the same figures and ranking)."""

    round: Round
    recap: dict[str, object]  # discussion_recap.recap_data's
    transcript: str | None  # Markdown, once anyone answered


@dataclass(frozen=True)
class Sessions:
    course: Course
    sessions: list[SessionView]
    rounds: list[Round]  # discussions live or coming up, soonest first
    recaps: list[RecapView] = field(default_factory=list)  # discussions that ended, the latest first


@dataclass(frozen=True)
class Trends:
    stats: CourseStats  # /stats' figures for the window, from_archive among them
    helpers_asked: int = 0  # peer helpers pointed at questions in the window
    helpers_answered: int = 0  # …who then answered them


@dataclass(frozen=True)
class Stories:
    course: Course
    stories: list[Story]  # newest first, each with its showcase post once sent
    offset: int = 0  # of the first story, newest first
    more: bool = False  # stories after these
    # On the first page only (the rest are read to be appended):
    total: int | None = None
    showcase: Showcase | None = None
    week: str = "this"  # whose highlights the page loads (`week_highlights`)

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.stories)


@dataclass(frozen=True)
class WeekHighlights:
    course: Course
    highlights: Highlights  # as Monday's message tells a week
    week: str  # "this" (so far) or "last"


@dataclass(frozen=True)
class SettingsPage:
    course: Course
    follows: list[Follow]  # hashtags the course's groups follow, with their next catch-up


@dataclass(frozen=True)
class TrendCounts:
    """A window's questions as the database counts them, day by day (a day is its index among
    the days asked for): only what the charts show, never one row per question."""

    per_day: dict[int, dict[QuestionState, int]] = field(default_factory=dict)
    # The middle wait (two, when their number is even) for a first answer, each day and in all:
    # what a median needs. Dismissed questions weren't questions: not counted.
    middle_waits: dict[int, list[timedelta]] = field(default_factory=dict)
    middle_wait_all: list[timedelta] = field(default_factory=list)
    answered: int = 0
    peer_first: int = 0  # answered, the first answer by someone other than a facilitator


class DashboardReader(Protocol):
    async def waiting(self, course_id: int, limit: int) -> list[Waiting]:
        """The course's open questions, the oldest first."""
        ...

    async def count_waiting(self, course_id: int) -> int: ...

    async def one(self, question_id: int) -> Waiting | None: ...

    async def learners(self, course_id: int, sort: str, offset: int, limit: int) -> list[RosterEntry]:
        """The course's learners, facilitators aside, by `sort` (one of SORTS): `limit` of them
        from `offset` on."""
        ...

    async def learner_counts(self, course_id: int, seen_before: datetime) -> LearnerCounts:
        """How many learners (facilitators aside), never introduced, and last seen before then."""
        ...

    async def helpers_among(self, course_id: int, person_ids: Sequence[int]) -> set[int]:
        """Those of these people who said yes to being pointed at the course's questions."""
        ...

    async def follows(self, course_id: int) -> list[Follow]:
        """The hashtags the course's groups follow, by hashtag."""
        ...

    async def contributions(self, course_id: int, person_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(questions asked, answers given) in the course, per person; those without either absent."""
        ...

    async def first_asked(self, course_id: int) -> datetime | None: ...

    async def trend(self, course_id: int, bounds: list[datetime]) -> TrendCounts:
        """The questions asked from bounds[0] to bounds[-1], day n being bounds[n] to bounds[n+1]."""
        ...

    async def sessions(self, course: Course, limit: int) -> list[GuestSession]:
        """The course's guest sessions in every phase, the latest start first."""
        ...


class Forbidden(NotAllowed):
    """A course the person does not facilitate: the web side answers 403."""


async def opening(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> list[Course]:
    """/dashboard: in private, anyone (a learner sees that nothing is theirs); in a group, only
    a facilitator of the group's course."""
    if chat_id is None:
        return await courses(uow, person_id)
    async with uow:
        return await courses_run_by(uow, chat_id, person_id, tags)


async def courses(uow: UnitOfWork, person_id: int) -> list[Course]:
    """The courses the person facilitates: all the dashboard shows them."""
    async with uow:
        return await uow.courses.facilitated_by(person_id)


async def _facilitated(uow: UnitOfWork, course_id: int, person_id: int) -> Course:
    course = await uow.courses.get(course_id)
    if course is None or not await uow.courses.is_facilitator(course_id, person_id):
        raise Forbidden(N_("You don't facilitate this course."))
    return course


async def today(uow: UnitOfWork, course_id: int, person_id: int, now: datetime) -> Today:
    """What waits for an answer, the overdue first, then the oldest."""
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        found = await uow.dashboard.waiting(course.id, WAITING_SHOWN)
        total = await uow.dashboard.count_waiting(course.id) if len(found) >= WAITING_SHOWN else len(found)
        helping = await uow.helpers.on_it([w.question.id for w in found])
    items = [
        WaitingItem(w, w.question.asked_at + course.settings.sla <= now, helping.get(w.question.id, []))
        for w in found
    ]
    items.sort(key=lambda i: (not i.overdue, i.waiting.question.asked_at, i.waiting.question.id))
    return Today(course, items, total)


async def learners(
    uow: UnitOfWork, course_id: int, person_id: int, sort: str, now: datetime, offset: int = 0
) -> Learners:
    """Everyone who posted in the course (facilitators aside): introduction, posts, questions,
    answers given, last seen, peer helpers; LEARNERS_PAGE of them by `sort` (one of SORTS, else
    by name) from `offset` on. The first page also counts the whole course."""
    sort = sort if sort in SORTS else "name"
    offset = max(offset, 0)
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        found = await uow.dashboard.learners(course.id, sort, offset, LEARNERS_PAGE + 1)
        shown = found[:LEARNERS_PAGE]
        ids = [e.person.id for e in shown]
        counts = await uow.dashboard.contributions(course.id, ids)
        helpers = await uow.dashboard.helpers_among(course.id, ids)
        whole = await uow.dashboard.learner_counts(course.id, now - QUIET) if offset == 0 else None
    items = []
    for entry in shown:
        asked, answered = counts.get(entry.person.id, (0, 0))
        quiet = now - entry.last_seen >= QUIET
        items.append(LearnerItem(entry, asked, answered, quiet, entry.person.id in helpers))
    return Learners(course, items, whole, sort, offset, more=len(found) > LEARNERS_PAGE)


async def trends(uow: UnitOfWork, course_id: int, person_id: int, chosen: str, now: datetime) -> Trends:
    """/stats's numbers for the window named (7d, 30d or all; else 7d), for the charts, with
    what earlier answers and peer helpers did in it (as the digest counts them)."""
    try:
        window = Window(chosen)
    except ValueError:
        window = Window.WEEK
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        zone = ZoneInfo(course.settings.timezone)
        since = window_start(window, now, zone)
        last = now.astimezone(zone).date()
        if since is not None:
            first = since.date()
        else:
            first_at = await uow.dashboard.first_asked(course.id)
            first = min(first_at.astimezone(zone).date(), last) if first_at else last
        dates = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        counted = await uow.dashboard.trend(course.id, day_bounds(dates, zone))
        from_archive = await uow.offers.from_archive(course.id, since, now)
        asked, answered = await uow.helpers.asked_between(course.id, since or _EPOCH, now)
    days = [
        Day(
            day,
            {state: counted.per_day.get(n, {}).get(state, 0) for state in QuestionState},
            median(counted.middle_waits.get(n, [])),
        )
        for n, day in enumerate(dates)
    ]
    totals = {state: sum(d.counts[state] for d in days) for state in QuestionState}
    # As /stats summarises the same window; the page shows no helpers, so none are read.
    stats = CourseStats(
        course,
        window,
        since,
        totals,
        median(counted.middle_wait_all),
        counted.answered,
        counted.peer_first,
        [],
        days,
        from_archive,
    )
    return Trends(stats, asked, answered)


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # before any course: "since the start"


def day_bounds(dates: list[date], zone: ZoneInfo) -> list[datetime]:
    """Each day's course-local midnight, then the one after the last day: the database buckets
    questions between them, so daylight saving time moves the bounds and not the days."""
    return [datetime.combine(d, time(0), tzinfo=zone) for d in [*dates, dates[-1] + timedelta(days=1)]]


async def sessions(uow: UnitOfWork, course_id: int, person_id: int) -> Sessions:
    """Guest sessions with their boards (votes) or transcripts; discussions coming up, and the
    recaps and transcripts of those that ended, read as the recap posted at the end reads them."""
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        views = []
        for session in await uow.dashboard.sessions(course, SESSIONS_SHOWN):
            board = await uow.guest_questions.board(session.id)
            ended = session.phase is Phase.ENDED
            transcript = await uow.guest_sessions.transcript(session.id) if ended else None
            views.append(SessionView(session, board, transcript[:TRANSCRIPT_SHOWN] if transcript else None))
        rounds = await uow.discussions.upcoming([course.id])
        recaps = []
        for occurrence in await uow.discussions.ended(course.id, RECAPS_SHOWN):
            record = await uow.discussions.record(occurrence)
            markdown = discussion_recap.transcript(occurrence, record) if record.answers else None
            recaps.append(
                RecapView(
                    occurrence,
                    discussion_recap.recap_data(occurrence, record),
                    markdown[:TRANSCRIPT_SHOWN] if markdown else None,
                )
            )
    return Sessions(course, views, rounds, recaps)


async def stories(uow: UnitOfWork, course_id: int, person_id: int, week: str, offset: int = 0) -> Stories:
    """The course's stories, newest first, STORIES_PAGE from `offset` on, each with its author's
    answer and its showcase post; the first page also says where the showcase is. Its week's
    highlights come apart (`week_highlights`): the week's answers are the costly read, and the
    stories need not wait for them."""
    week = week if week in WEEKS else "this"
    offset = max(offset, 0)
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        found = await uow.stories.of_course(course.id, STORIES_PAGE + 1, offset)
        shown, more = found[:STORIES_PAGE], len(found) > STORIES_PAGE
        if offset:
            return Stories(course, shown, offset, more)
        total = len(shown) if not more else await uow.stories.count(course.id)
        showcase = await uow.stories.showcase(course.id)
    return Stories(course, shown, 0, more, total, showcase, week)


async def week_highlights(
    uow: UnitOfWork, course_id: int, person_id: int, week: str, now: datetime
) -> WeekHighlights:
    """The highlights of this week so far, or of last week (as Monday's message told them),
    composed by the highlights' own reads."""
    week = week if week in WEEKS else "this"
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        start, end = week_bounds(course, week, now)
        told = await highlights.compose(uow, course, start, end)
    return WeekHighlights(course, told, week)


def week_bounds(course: Course, week: str, now: datetime) -> tuple[datetime, datetime]:
    """This course-local week (Monday 00:00 to the next: so far, as nothing is later than now),
    or last week."""
    today = now.astimezone(ZoneInfo(course.settings.timezone)).date()
    return highlights.past_week(course.settings.timezone, today + timedelta(days=0 if week == "last" else 7))


async def settings(uow: UnitOfWork, course_id: int, person_id: int) -> SettingsPage:
    """The course's settings, and the hashtags its groups follow (/follow) with their catch-ups."""
    async with uow:
        course = await _facilitated(uow, course_id, person_id)
        return SettingsPage(course, await uow.dashboard.follows(course.id))


async def change_setting(
    uow: UnitOfWork, course_id: int, person: Person, key: str, value: str, now: datetime
) -> Course:
    """/settings' own change, for a course the person facilitates: the same rules and messages."""
    async with uow:
        course = await _facilitated(uow, course_id, person.id)
    if not value.strip():
        raise ParseError(N_("Give “{key}” a value."), key=key[:30])
    return await change(uow, None, person, [course.hashtag], key, value.strip(), now)


async def act(
    uow: UnitOfWork, course_id: int, question_id: int, action: str, person: Person, now: datetime
) -> Question:
    """One of the alert buttons' actions (or solve), pressed on the dashboard."""
    if action not in ACTIONS:
        raise NotFound(alerts.BUTTON_GONE)
    async with uow:
        course = await _facilitated(uow, course_id, person.id)
        found = await uow.dashboard.one(question_id)
        if found is None or found.question.course_id != course.id:
            raise Forbidden(N_("That question isn't one of this course's."))
        await alerts.act(uow, course, found.question, found.alert_id, action, person, now)
        await uow.commit()
    return found.question


async def language(uow: UnitOfWork, person_id: int, telegram: str | None) -> str:
    """The viewer's language, as in a private chat: their /language choice, else their app's."""
    async with uow:
        chosen = await uow.people.language_chosen(person_id)
    return private_language(chosen, telegram)
