"""The facilitators' digest: when it is due, which window it covers, and who receives it.

Due: once per course-local day, at or after the course's digest time. The day is stored
(`last_digest_on`) in the transaction that queues the digest, so it goes out once, also across
restarts, and any number of days missed while Flock was down add up to one digest. A course's
first digest is the first digest time after it was created.

Window: from the previous scheduled digest moment (the last digest day at the digest time) until
now; before any digest, from the course's creation but at most one day back. /digest on demand
covers the same window and leaves the schedule alone.

Off: a course with no digest time (`digest off`) is never due; /digest still answers, for the
last day. A digest time set again resumes the schedule, its first window from the last digest.

Recipients: the facilitators' chat set with /alerts_here, else each facilitator who started the
bot. A digest with nothing waiting and nothing new is not sent; its day still counts as done.

Weekly: the course's first digest of a week (Monday's, unless Flock was down) also carries the
week's chart and the past week's highlights (facilitation/highlights.py), in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from facilitation import highlights, stats_data
from facilitation.digest_content import ITEMS, LEARNERS, NAMES, Digest, DigestFacts, Opening, assemble
from facilitation.highlights import Highlights
from facilitation.model import UNRESOLVED, CourseSettings, Listed, Question, QuestionState
from facilitation.notices import NoticeKind
from facilitation.ports import DigestSchedule, Notice, UnitOfWork
from facilitation.scope import courses_run_by
from facilitation.stats import week_stats

FIRST_WINDOW = timedelta(days=1)
AHEAD_OF_UTC = timedelta(hours=14)  # the most any time zone is ahead (Pacific/Kiritimati)


def scheduled_at(settings: CourseSettings, at: time, day: date) -> datetime:
    """The digest moment of a course-local day."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.timezone))


def due_day(schedule: DigestSchedule, now: datetime) -> date | None:
    """The course-local day whose digest is due now, if one is."""
    settings = schedule.course.settings
    at = settings.digest_at
    local = now.astimezone(ZoneInfo(settings.timezone))
    today = local.date()
    if at is None or local.time() < at:
        return None
    if schedule.last_digest_on is None:
        return today if scheduled_at(settings, at, today) > schedule.created_at else None
    return today if today > schedule.last_digest_on else None


def latest_local_day(now: datetime) -> date:
    """No course's local date is later: courses digested on it or after need no look."""
    return (now + AHEAD_OF_UTC).date()


def window_start(schedule: DigestSchedule, now: datetime) -> datetime:
    settings = schedule.course.settings
    if schedule.last_digest_on is None or settings.digest_at is None:
        return max(schedule.created_at, now - FIRST_WINDOW)
    start = scheduled_at(settings, settings.digest_at, schedule.last_digest_on)
    # The digest time was moved later after today's digest: its previous moment was a day earlier.
    return start if start <= now else start - timedelta(days=1)


def opened_by(schedule: DigestSchedule, now: datetime) -> Opening:
    """What `window_start` started the window at."""
    if schedule.last_digest_on is not None and schedule.course.settings.digest_at is not None:
        return Opening.LAST_DIGEST
    return Opening.SETUP if schedule.created_at >= now - FIRST_WINDOW else Opening.DAY_AGO


async def send_due(uow: UnitOfWork, now: datetime) -> int:
    """Queue every due digest and mark its day, together; returns how many messages were queued."""
    async with uow:
        queued = 0
        for candidate in await uow.digests.undigested(before=latest_local_day(now)):
            if due_day(candidate, now) is None:
                continue
            # Read again under a lock: another Flock process may have sent it meanwhile.
            schedule = await uow.digests.claim(candidate.course.id)
            if schedule is not None and (day := due_day(schedule, now)) is not None:
                queued += await _send(uow, schedule, day, now)
        await uow.commit()
    return queued


async def on_demand(
    uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str], now: datetime
) -> list[Digest]:
    """/digest: in a course chat its course; in private every course the person runs, or the one named."""
    async with uow:
        courses = await courses_run_by(uow, chat_id, person_id, tags)
        return [await _compose(uow, await uow.digests.schedule(c.id), now) for c in courses]


async def _send(
    uow: UnitOfWork,
    schedule: DigestSchedule,
    day: date,
    now: datetime,
) -> int:
    """Mark the day, and queue the digest for the course's recipients unless it is quiet; the
    course's first digest of the week also carries the week's chart, and the past week's
    highlights (facilitation/highlights.py), told even when the digest is quiet."""
    course = schedule.course
    await uow.digests.mark_sent(course.id, day)
    digest = await _compose(uow, schedule, now)
    first_of_week = _first_of_week(schedule.last_digest_on, day)
    week = await _week_highlights(uow, schedule, day) if first_of_week else None
    if digest.is_quiet and week is None:
        return 0
    chats = (await uow.alerts.recipients(course.id)).destinations
    chart = None
    if first_of_week and not digest.is_quiet:
        chart = stats_data.to_data(await week_stats(uow, course, now))
    for chat_id, thread_id in chats:
        if not digest.is_quiet:
            await uow.outbox.put(Notice(chat_id, NoticeKind.DIGEST, digest.to_data(), thread_id), now)
        if chart is not None and chart["days"]:
            await uow.outbox.put(Notice(chat_id, NoticeKind.WEEKLY_CHART, chart, thread_id), now)
        if week is not None:
            await uow.outbox.put(Notice(chat_id, NoticeKind.HIGHLIGHTS, week.to_data(), thread_id), now)
    return len(chats)


async def _week_highlights(uow: UnitOfWork, schedule: DigestSchedule, day: date) -> Highlights | None:
    """The past Monday–Sunday's highlights, unless the course turned them off or did not exist
    before that week ended."""
    course = schedule.course
    if not course.settings.highlights:
        return None
    start, end = highlights.past_week(course.settings.timezone, day)
    if schedule.created_at >= end:
        return None
    return await highlights.compose(uow, course, start, end)


def _first_of_week(last: date | None, day: date) -> bool:
    return last is None or last.isocalendar()[:2] != day.isocalendar()[:2]


async def _compose(uow: UnitOfWork, schedule: DigestSchedule, now: datetime) -> Digest:
    course, since = schedule.course, window_start(schedule, now)
    digests = uow.digests
    counts = await digests.unresolved_counts(course.id)

    async def waiting(states: Sequence[QuestionState], follow_up: bool) -> Listed[Question]:
        total = sum(counts.get((state, follow_up), 0) for state in states)
        found = await digests.unresolved(course.id, states, follow_up, ITEMS) if total else []
        return Listed(found, total)

    learners = await digests.learners(course.id, silent=False, limit=LEARNERS)
    facts = DigestFacts(
        unanswered=await waiting([QuestionState.OPEN], follow_up=False),
        follow_up=await waiting(UNRESOLVED, follow_up=True),
        unresolved=await waiting([QuestionState.ANSWERED], follow_up=False),
        resolved=await digests.resolved_since(course.id, since, limit=ITEMS),
        introductions=await digests.introduced_since(course.id, since, limit=ITEMS),
        silent=await digests.learners(course.id, silent=True, limit=NAMES),
        learners=learners,
        asked=await digests.asked_since(course.id, since),
        answers=await digests.answers_since(course.id, since),
        contributions=await digests.contributions(course.id, [e.person.id for e in learners.items]),
        discussions=await uow.discussions.recapped_between(course.id, since, now),
        from_archive=await uow.offers.from_archive(course.id, since, now),
        pinged=await uow.helpers.asked_between(course.id, since, now),
    )
    return assemble(course, since, opened_by(schedule, now), now, facts)
