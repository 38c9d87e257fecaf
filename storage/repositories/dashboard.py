"""What the dashboard reads: a course's open questions with who took them and their open alert."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from facilitation.dashboard import LearnerCounts, TrendCounts, Waiting
from facilitation.model import Course, Follow, GuestSession, QuestionState, RosterEntry
from storage import mapping
from storage.models import (
    AlertRow,
    AnswerRow,
    FacilitatorRow,
    FollowRow,
    GuestSessionRow,
    HelperRow,
    IntroductionRow,
    LearnerRow,
    PersonRow,
    QuestionRow,
)
from storage.repositories.base import Repository
from storage.repositories.following import read_follow
from storage.repositories.guest_sessions import guest_session

_OPEN = QuestionState.OPEN.value
_DISMISSED = QuestionState.DISMISSED.value


def _middle(rank: ColumnElement[Any], count: ColumnElement[Any]) -> ColumnElement[bool]:
    """The middle one of `count` values ranked from 1, or the middle two when `count` is even."""
    return or_(rank == (count + 1) // 2, rank == (count + 2) // 2)


def _middle_of(ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The middle one of values sorted, or the middle two when their number is even."""
    count = len(ranked)
    return ranked[(count - 1) // 2 : count // 2 + 1]


def _sqlite_days(bounds: list[datetime]) -> str:
    """[[start, stop], …] as SQLite stores moments (UTC, text), so they compare as stored."""
    stored = [moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") for moment in bounds]
    return json.dumps(list(itertools.pairwise(stored)))


class SqlDashboard(Repository):
    async def waiting(self, course_id: int, limit: int) -> list[Waiting]:
        ids = list(
            await self.session.scalars(
                select(QuestionRow.id)
                .where(QuestionRow.course_id == course_id, QuestionRow.state == _OPEN)
                .order_by(QuestionRow.asked_at, QuestionRow.id)
                .limit(limit)
            )
        )
        return await self._read(ids)

    async def count_waiting(self, course_id: int) -> int:
        counted = await self.session.scalar(
            select(func.count())
            .select_from(QuestionRow)
            .where(QuestionRow.course_id == course_id, QuestionRow.state == _OPEN)
        )
        return int(counted or 0)

    async def first_asked(self, course_id: int) -> datetime | None:
        found: datetime | None = await self.session.scalar(
            select(func.min(QuestionRow.asked_at)).where(QuestionRow.course_id == course_id)
        )
        return found

    async def trend(self, course_id: int, bounds: list[datetime]) -> TrendCounts:
        """Two walks of the course's index: the counts by day and state (answered and first
        answered by peers with them), then the waits for a first answer, whose middle ones make
        the medians. PostgreSQL ranks them itself and returns a few rows a day; SQLite's window
        functions cost more than reading three numbers per answered question and ranking here."""
        if self.session.get_bind().dialect.name == "sqlite":
            # SQLite walks the course's index once per day of a small table of bounds, read from
            # one JSON parameter: the statement's text stays the same, so it is compiled once.
            each = func.json_each(bindparam("days", _sqlite_days(bounds), type_=String)).table_valued(
                "key", "value"
            )
            days = (
                select(
                    cast(each.c.key, Integer).label("n"),
                    func.json_extract(each.c.value, "$[0]").label("start"),
                    func.json_extract(each.c.value, "$[1]").label("stop"),
                )
                .cte("days")
                .prefix_with("MATERIALIZED")
            )
            bucketed = (
                select(
                    days.c.n,
                    QuestionRow.id,
                    QuestionRow.asked_at,
                    QuestionRow.state,
                    QuestionRow.first_answered_at,
                    QuestionRow.first_by_facilitator,
                )
                .select_from(days)
                .join(
                    QuestionRow,
                    and_(
                        QuestionRow.course_id == course_id,
                        QuestionRow.asked_at >= days.c.start,
                        QuestionRow.asked_at < days.c.stop,
                    ),
                )
                .subquery()
            )
        else:
            # PostgreSQL's planner joins such a table badly (every question against every day):
            # width_bucket finds each one's day by a binary search of the bounds instead.
            edges = bindparam("bounds", list(bounds), type_=ARRAY(DateTime(timezone=True)))
            bucketed = (
                select(
                    (func.width_bucket(QuestionRow.asked_at, edges) - 1).label("n"),
                    QuestionRow.asked_at,
                    QuestionRow.state,
                    QuestionRow.first_answered_at,
                    QuestionRow.first_by_facilitator,
                )
                .where(
                    QuestionRow.course_id == course_id,
                    QuestionRow.asked_at >= bounds[0],
                    QuestionRow.asked_at < bounds[-1],
                )
                .subquery()
            )
        q = bucketed.c
        counts = TrendCounts()
        # Who gave each first answer is kept on the question (set with first_answered_at), so the
        # same pass counts them; none recorded counts as a peer's, as /stats has it.
        peer = case((q.first_by_facilitator.is_(true()), 0), (q.first_answered_at.is_not(None), 1), else_=0)
        answered_count = peer_first = 0
        for n, state, count, firsts, peers in await self.session.execute(
            select(q.n, q.state, func.count(), func.count(q.first_answered_at), func.sum(peer)).group_by(
                q.n, q.state
            )
        ):
            counts.per_day.setdefault(n, {})[QuestionState(state)] = count
            if state != _DISMISSED:
                answered_count += int(firsts or 0)
                peer_first += int(peers or 0)
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        if sqlite:
            wait: ColumnElement[Any] = func.julianday(q.first_answered_at) - func.julianday(q.asked_at)
        else:
            wait = q.first_answered_at - q.asked_at
        answered = [q.first_answered_at.is_not(None), q.state != _DISMISSED]
        if sqlite:
            await self._sqlite_middles(counts, select(q.n, q.id, wait).where(*answered))
            return replace(counts, answered=answered_count, peer_first=peer_first)
        waits = select(q.n, q.asked_at, q.first_answered_at, wait.label("wait")).where(*answered).subquery()
        w = waits.c
        ranked = select(
            w.n,
            w.asked_at,
            w.first_answered_at,
            func.row_number().over(partition_by=w.n, order_by=w.wait).label("rank"),
            func.count().over(partition_by=w.n).label("count"),
        ).subquery()
        r = ranked.c
        for n, asked, first in await self.session.execute(
            select(r.n, r.asked_at, r.first_answered_at).where(_middle(r.rank, r.count))
        ):
            counts.middle_waits.setdefault(n, []).append(max(first - asked, timedelta(0)))
        if answered_count:  # the window's median: its middle one or two waits, by rank
            middle = await self.session.execute(
                select(w.asked_at, w.first_answered_at)
                .order_by(w.wait)
                .offset((answered_count - 1) // 2)
                .limit(2 - answered_count % 2)
            )
            counts.middle_wait_all.extend(max(first - asked, timedelta(0)) for asked, first in middle)
        return replace(counts, answered=answered_count, peer_first=peer_first)

    async def _sqlite_middles(self, counts: TrendCounts, waits: Select[int, int, float]) -> None:
        """Each answered question's day, id and wait (numbers read from the index) ranked here,
        where sorting them is cheaper than SQLite's window functions; only the middle ones'
        moments are read back, so the medians are exact."""
        days: dict[int | None, list[tuple[float, int]]] = {}
        connection = await self.session.connection()  # Core rows: no ORM bookkeeping per row
        for day, question_id, wait in await connection.execute(waits):
            days.setdefault(day, []).append((wait, question_id))
        days[None] = list(itertools.chain.from_iterable(days.values()))  # None: the whole window
        wanted: dict[int, list[int | None]] = {}  # question id: the days it is the middle one of
        for n, ranked in days.items():
            ranked.sort()
            for _, question_id in _middle_of(ranked):
                wanted.setdefault(question_id, []).append(n)
        if not wanted:
            return
        moments: list[tuple[Any, Any, Any]] = list(
            await self.session.execute(
                select(QuestionRow.id, QuestionRow.asked_at, QuestionRow.first_answered_at).where(
                    QuestionRow.id.in_(list(wanted))
                )
            )
        )
        for question_id, asked, first in moments:
            for n in wanted[question_id]:
                found = counts.middle_wait_all if n is None else counts.middle_waits.setdefault(n, [])
                found.append(max(first - asked, timedelta(0)))

    def _learners_where(self, course_id: int) -> list[ColumnElement[bool]]:
        return [
            LearnerRow.course_id == course_id,
            ~select(FacilitatorRow.person_id)
            .where(FacilitatorRow.course_id == course_id, FacilitatorRow.person_id == LearnerRow.person_id)
            .exists(),
        ]

    async def learner_counts(self, course_id: int, seen_before: datetime) -> LearnerCounts:
        introduced = (
            select(IntroductionRow.id)
            .where(
                IntroductionRow.course_id == course_id,
                IntroductionRow.person_id == LearnerRow.person_id,
                IntroductionRow.replaced_at.is_(None),
            )
            .exists()
        )
        found = (
            await self.session.execute(
                select(
                    func.count(),
                    func.sum(case((introduced, 0), else_=1)),
                    func.sum(case((LearnerRow.last_seen_at <= seen_before, 1), else_=0)),
                ).where(*self._learners_where(course_id))
            )
        ).one()
        return LearnerCounts(int(found[0] or 0), int(found[1] or 0), int(found[2] or 0))

    async def learners(self, course_id: int, sort: str, offset: int, limit: int) -> list[RosterEntry]:
        """The database orders them, so a large course's page shows its top, not its first
        names, and the next page carries on where this one stopped."""
        query = select(LearnerRow.person_id, LearnerRow.posts, LearnerRow.last_seen_at).where(
            *self._learners_where(course_id)
        )
        name = func.lower(PersonRow.name)
        if sort == "questions":
            asked = (
                select(QuestionRow.asker_id.label("person_id"), func.count().label("n"))
                .where(QuestionRow.course_id == course_id, QuestionRow.state != _DISMISSED)
                .group_by(QuestionRow.asker_id)
                .subquery()
            )
            query = query.outerjoin(asked, asked.c.person_id == LearnerRow.person_id)
            first: list[ColumnElement[Any]] = [func.coalesce(asked.c.n, 0).desc()]
        elif sort == "answers":
            given = (
                select(AnswerRow.answerer_id.label("person_id"), func.count().label("n"))
                .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
                .where(QuestionRow.course_id == course_id, QuestionRow.state != _DISMISSED)
                .group_by(AnswerRow.answerer_id)
                .subquery()
            )
            query = query.outerjoin(given, given.c.person_id == LearnerRow.person_id)
            first = [func.coalesce(given.c.n, 0).desc()]
        elif sort == "posts":
            first = [LearnerRow.posts.desc()]
        elif sort == "seen":
            first = [LearnerRow.last_seen_at.desc()]
        else:
            first = []
        query = query.outerjoin(PersonRow, PersonRow.id == LearnerRow.person_id)  # names break ties
        page = (
            await self.session.execute(
                query.order_by(*first, name, LearnerRow.person_id).offset(offset).limit(limit)
            )
        ).all()
        if not page:
            return []
        ids = [person_id for person_id, _, _ in page]
        people = {
            row.id: row for row in await self.session.scalars(select(PersonRow).where(PersonRow.id.in_(ids)))
        }
        intros = dict(
            (
                await self.session.execute(
                    select(IntroductionRow.person_id, IntroductionRow.text).where(
                        IntroductionRow.course_id == course_id,
                        IntroductionRow.person_id.in_(ids),
                        IntroductionRow.replaced_at.is_(None),
                    )
                )
            ).all()
        )
        return [
            RosterEntry(mapping.person(people.get(person_id), person_id), intros.get(person_id), posts, seen)
            for person_id, posts, seen in page
        ]

    async def helpers_among(self, course_id: int, person_ids: Sequence[int]) -> set[int]:
        if not person_ids:
            return set()
        found = await self.session.scalars(
            select(HelperRow.person_id).where(
                HelperRow.course_id == course_id,
                HelperRow.person_id.in_(list(person_ids)),
                HelperRow.choice == "on",
            )
        )
        return set(found)

    async def follows(self, course_id: int) -> list[Follow]:
        rows = await self.session.scalars(
            select(FollowRow).where(FollowRow.course_id == course_id).order_by(FollowRow.hashtag)
        )
        return [read_follow(row) for row in rows]

    async def contributions(self, course_id: int, person_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(questions asked, answers given) in the course, per person shown: each person's own
        rows through the covering indexes (asker_id, course_id, state), (answerer_id, question_id)."""
        if not person_ids:
            return {}
        # SQLite would start from the course's index (its whole history) were the course id
        # indexable here; PostgreSQL plans by its statistics, and reads all questions without it.
        course = (
            QuestionRow.course_id + 0
            if self.session.get_bind().dialect.name == "sqlite"
            else QuestionRow.course_id
        )
        asked = await self.session.execute(
            select(QuestionRow.asker_id, func.count())
            .where(
                QuestionRow.asker_id.in_(person_ids),
                course == course_id,
                QuestionRow.state != _DISMISSED,
            )
            .group_by(QuestionRow.asker_id)
        )
        given = await self.session.execute(
            select(AnswerRow.answerer_id, func.count())
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(
                AnswerRow.answerer_id.in_(person_ids),
                course == course_id,
                QuestionRow.state != _DISMISSED,
            )
            .group_by(AnswerRow.answerer_id)
        )
        counts = {person_id: (count, 0) for person_id, count in asked}
        for person_id, count in given:
            counts[person_id] = (counts.get(person_id, (0, 0))[0], count)
        return counts

    async def sessions(self, course: Course, limit: int) -> list[GuestSession]:
        rows = await self.session.scalars(
            select(GuestSessionRow)
            .where(GuestSessionRow.course_id == course.id)
            .order_by(GuestSessionRow.starts_at.desc(), GuestSessionRow.id.desc())
            .limit(limit)
        )
        return [guest_session(row, course) for row in rows]

    async def one(self, question_id: int) -> Waiting | None:
        found = await self._read([question_id])
        return found[0] if found else None

    async def _read(self, ids: Sequence[int]) -> list[Waiting]:
        """The questions (in the order given), their askers and claimers, and each one's latest
        alert still open: three statements, whatever the number."""
        if not ids:
            return []
        asker, claimer = aliased(PersonRow), aliased(PersonRow)
        rows = await self.session.execute(
            select(QuestionRow, asker, claimer)
            .outerjoin(asker, asker.id == QuestionRow.asker_id)
            .outerjoin(claimer, claimer.id == QuestionRow.claimed_by)
            .where(QuestionRow.id.in_(ids))
        )
        latest = await self.session.execute(
            select(AlertRow.question_id, func.max(AlertRow.id))
            .where(AlertRow.question_id.in_(ids), AlertRow.outcome.is_(None))
            .group_by(AlertRow.question_id)
        )
        alerts = {question_id: alert_id for question_id, alert_id in latest}
        found = {
            q.id: Waiting(
                mapping.question(q, a),
                mapping.person(c, q.claimed_by) if q.claimed_by is not None else None,
                alerts.get(q.id),
            )
            for q, a, c in rows
        }
        return [found[i] for i in ids if i in found]
