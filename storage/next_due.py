"""When the tick next has work: the earliest moment after a given one at which a job falls due.

`flock demo` moves its clock from one such moment to the next rather than minute by minute (a
week of minutes is ten thousand ticks). Each candidate is read from the column the job's own
query compares with the clock, plus the job's own delay. A candidate may be early — a digest
moment whose day is already done, an alert that falls in quiet hours — and the tick run then
simply finds nothing or moves the row on (a deferred alert's new time is the next candidate);
a candidate is never later than the moment the job would act.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitation import followups, greetings, guest_live, guest_sessions
from facilitation.model import Phase, QuestionState
from storage.models import (
    AnnouncementRow,
    CourseRow,
    DiscussionRoundRow,
    FollowRow,
    GreetingRow,
    GuestSessionRow,
    OutboxRow,
    QuestionRow,
)


async def next_due(sessions: async_sessionmaker[AsyncSession], after: datetime) -> datetime | None:
    """The earliest moment strictly after `after` at which a tick could have something to do."""
    async with sessions() as session:
        candidates = [
            *await _alerts(session, after),
            *await _follow_ups(session, after),
            *await _helpers(session, after),
            *await _greetings(session),
            *await _courses(session, after),
            *await _guest_sessions(session),
            *await _discussions(session, after),
            *await _outbox(session, after),
            *await _announcements(session, after),
            *await _follows(session, after),
        ]
    return min((c for c in candidates if c > after), default=None)


async def _alerts(session: AsyncSession, after: datetime) -> list[datetime]:
    """An open question falls overdue at its next_alert_at (quiet hours move it on)."""
    soonest = await session.scalar(
        select(func.min(QuestionRow.next_alert_at)).where(
            QuestionRow.state == QuestionState.OPEN.value, QuestionRow.next_alert_at > after
        )
    )
    return [soonest] if soonest is not None else []


async def _follow_ups(session: AsyncSession, after: datetime) -> list[datetime]:
    """An answered question's asker, asked and silent, is reminded a while later."""
    sent = await session.scalar(
        select(func.min(QuestionRow.followup_sent_at)).where(
            QuestionRow.state == QuestionState.ANSWERED.value,
            QuestionRow.followup_reminded_at.is_(None),
            QuestionRow.followup_sent_at > after - followups.REMIND_AFTER,
        )
    )
    return [sent + followups.REMIND_AFTER] if sent is not None else []


async def _helpers(session: AsyncSession, after: datetime) -> list[datetime]:
    """An open question is pointed at peer helpers at its helpers_due_at (quiet hours move it on)."""
    soonest = await session.scalar(
        select(func.min(QuestionRow.helpers_due_at)).where(
            QuestionRow.state == QuestionState.OPEN.value, QuestionRow.helpers_due_at > after
        )
    )
    return [soonest] if soonest is not None else []


async def _greetings(session: AsyncSession) -> list[datetime]:
    """Newcomers waiting in a chat are greeted once its last greeting is old enough."""
    waiting = select(GreetingRow.chat_id).where(GreetingRow.greeted_at.is_(None))
    rows = await session.execute(
        select(func.max(GreetingRow.greeted_at))
        .where(GreetingRow.chat_id.in_(waiting), GreetingRow.greeted_at.is_not(None))
        .group_by(GreetingRow.chat_id)
    )
    return [last + greetings.SPACING for (last,) in rows if last is not None]


async def _courses(session: AsyncSession, after: datetime) -> list[datetime]:
    """Each course's next digest moment, and its next retention purge."""
    found: list[datetime] = []
    for zone, digest_at, digest_on, purge_at in await session.execute(
        select(CourseRow.timezone, CourseRow.digest_at, CourseRow.digest_on, CourseRow.next_purge_at)
    ):
        if digest_on:
            found.append(_next_local(after, ZoneInfo(zone), time.fromisoformat(digest_at)))
        if purge_at is not None:
            found.append(purge_at)
    return found


def _next_local(after: datetime, zone: ZoneInfo, at: time) -> datetime:
    """The first moment after `after` whose time of day, in the zone, is `at`."""
    day = after.astimezone(zone).date()
    for offset in range(3):  # today, or tomorrow (a day later still where a DST gap swallowed it)
        moment = datetime.combine(day + timedelta(days=offset), at, tzinfo=zone)
        if moment > after:
            return moment.astimezone(after.tzinfo)
    raise AssertionError("unreachable: a time of day recurs within three days")


async def _guest_sessions(session: AsyncSession) -> list[datetime]:
    """Reminders before a start, the start, the next batch while live, and the end."""
    found: list[datetime] = []
    rows = await session.execute(
        select(
            GuestSessionRow.phase,
            GuestSessionRow.starts_at,
            GuestSessionRow.ends_at,
            GuestSessionRow.last_batch_at,
        ).where(GuestSessionRow.phase.in_([Phase.COLLECTING.value, Phase.LIVE.value]))
    )
    for phase, starts_at, ends_at, last_batch_at in rows:
        if phase == Phase.COLLECTING.value:
            found += [starts_at - before for _, before, _ in guest_sessions.REMINDERS]
            found.append(starts_at)
        else:
            found.append(ends_at)
            if last_batch_at is not None:
                found.append(last_batch_at + guest_live.BATCH_EVERY)
    return found


async def _discussions(session: AsyncSession, after: datetime) -> list[datetime]:
    """A discussion's next step: its reminder, opening, next prompt or end."""
    due = await session.scalar(
        select(func.min(DiscussionRoundRow.due_at)).where(DiscussionRoundRow.due_at > after)
    )
    return [due] if due is not None else []


async def _outbox(session: AsyncSession, after: datetime) -> list[datetime]:
    """A message put off (a retry, a rate limit) is delivered when it falls due."""
    due = await session.scalar(
        select(func.min(OutboxRow.due_at)).where(
            OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None), OutboxRow.due_at > after
        )
    )
    return [due] if due is not None else []


async def _announcements(session: AsyncSession, after: datetime) -> list[datetime]:
    """An announcement goes out at its next time."""
    soonest = select(func.min(AnnouncementRow.next_at)).where(AnnouncementRow.next_at > after)
    due = await session.scalar(soonest)
    return [due] if due is not None else []


async def _follows(session: AsyncSession, after: datetime) -> list[datetime]:
    """A followed hashtag's catch-up, at its next time."""
    due = await session.scalar(select(func.min(FollowRow.next_at)).where(FollowRow.next_at > after))
    return [due] if due is not None else []
