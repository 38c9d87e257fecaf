"""What a digest reads: one course's schedule, its open questions and its recent activity.

Every list is read as its length and its first rows (a digest is one message), every query
bounded by one course and, for what happened, by the digest window, through indexes: questions
course-first (by state and the asker's "not solved yet", or by when they were resolved), answers
by when they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from facilitation.model import Answer, Introduction, Listed, Question, QuestionState, RosterEntry
from facilitation.ports import DigestSchedule
from storage import mapping
from storage.models import (
    AnswerRow,
    CourseRow,
    FacilitatorRow,
    IntroductionRow,
    LearnerRow,
    PersonRow,
    QuestionRow,
)
from storage.repositories.base import Repository

_UNRESOLVED = (QuestionState.OPEN.value, QuestionState.ANSWERED.value)
# Naming the states lets (course_id, state, asked_at) serve a range on asked_at.
_QUESTIONS = (*_UNRESOLVED, QuestionState.RESOLVED.value)
_DISMISSED = QuestionState.DISMISSED.value


def _schedule(row: CourseRow) -> DigestSchedule:
    last = date.fromisoformat(row.last_digest_on) if row.last_digest_on else None
    return DigestSchedule(mapping.course(row), row.created_at, last)


class SqlDigests(Repository):
    async def undigested(self, before: date) -> list[DigestSchedule]:
        """Courses with a digest time whose last digest day is before `before`, or that never had one."""
        rows = await self.session.scalars(
            select(CourseRow)
            .where(
                CourseRow.digest_on.is_(True),
                or_(CourseRow.last_digest_on.is_(None), CourseRow.last_digest_on < before.isoformat()),
            )
            .order_by(CourseRow.id)
        )
        return [_schedule(row) for row in rows]

    async def claim(self, course_id: int) -> DigestSchedule | None:
        row = await self.session.scalar(
            select(CourseRow)
            .where(CourseRow.id == course_id)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has a single writer anyway
            .execution_options(populate_existing=True)  # the row as it is now, not as first read
        )
        return _schedule(row) if row else None

    async def schedule(self, course_id: int) -> DigestSchedule:
        return _schedule(await self.session.get_one(CourseRow, course_id))

    async def mark_sent(self, course_id: int, day: date) -> None:
        await self.session.execute(
            update(CourseRow).where(CourseRow.id == course_id).values(last_digest_on=day.isoformat())
        )

    async def unresolved_counts(self, course_id: int) -> dict[tuple[QuestionState, bool], int]:
        rows = await self.session.execute(
            select(QuestionRow.state, QuestionRow.needs_follow_up, func.count())
            .where(
                QuestionRow.course_id == course_id,
                QuestionRow.needs_follow_up.in_([False, True]),  # both named: the index narrows on state
                QuestionRow.state.in_(_UNRESOLVED),
            )
            .group_by(QuestionRow.state, QuestionRow.needs_follow_up)
        )
        return {(QuestionState(state), bool(follow_up)): count for state, follow_up, count in rows}

    async def unresolved(
        self, course_id: int, states: Sequence[QuestionState], follow_up: bool, limit: int
    ) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(
                QuestionRow.course_id == course_id,
                QuestionRow.state.in_([s.value for s in states]),
                QuestionRow.needs_follow_up == follow_up,
            )
            .order_by(QuestionRow.asked_at, QuestionRow.id)
            .limit(limit)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def resolved_since(self, course_id: int, since: datetime, limit: int) -> Listed[Question]:
        where = (
            QuestionRow.course_id == course_id,
            QuestionRow.resolved_at >= since,  # ix_questions_course_resolved
            QuestionRow.state == QuestionState.RESOLVED.value,
        )
        total = await self._count(select(func.count()).select_from(QuestionRow).where(*where))
        if not total:
            return Listed([], 0)
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(*where)
            .order_by(QuestionRow.resolved_at, QuestionRow.id)
            .limit(limit)
        )
        return Listed([mapping.question(q, p) for q, p in rows], total)

    async def introduced_since(self, course_id: int, since: datetime, limit: int) -> Listed[Introduction]:
        """Current introductions posted since then (a replaced one is history, not news)."""
        where = (
            IntroductionRow.course_id == course_id,
            IntroductionRow.replaced_at.is_(None),
            IntroductionRow.posted_at >= since,
            ~_facilitator(course_id, IntroductionRow.person_id),
        )
        total = await self._count(select(func.count()).select_from(IntroductionRow).where(*where))
        if not total:
            return Listed([], 0)
        rows = await self.session.execute(
            select(IntroductionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == IntroductionRow.person_id)
            .where(*where)
            .order_by(IntroductionRow.posted_at, IntroductionRow.id)
            .limit(limit)
        )
        return Listed([mapping.introduction(i, p) for i, p in rows], total)

    async def asked_since(self, course_id: int, since: datetime) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(
                QuestionRow.course_id == course_id,
                QuestionRow.state.in_(_QUESTIONS),
                QuestionRow.asked_at >= since,
            )
            .order_by(QuestionRow.asked_at, QuestionRow.id)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def answers_since(self, course_id: int, since: datetime) -> list[Answer]:
        """Answers given since then to the course's questions, not counting dismissed ones.

        Read from the course's answers in the window (ix_answers_course_answered) and their
        questions, not from the course's questions and all their answers: the cost follows the
        window, not the history, nor the other courses.
        """
        of_course = (
            select(QuestionRow.id)
            .where(
                QuestionRow.id == AnswerRow.question_id,
                QuestionRow.course_id == course_id,  # as in SqlHighlights.answered
                QuestionRow.state != _DISMISSED,
                QuestionRow.asker_id != AnswerRow.answerer_id,
            )
            .exists()
        )
        rows = await self.session.execute(
            select(AnswerRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == AnswerRow.answerer_id)
            .where(AnswerRow.course_id == course_id, AnswerRow.answered_at >= since, of_course)
            .order_by(AnswerRow.answered_at, AnswerRow.id)
        )
        return [mapping.answer(a, p) for a, p in rows]

    async def learners(self, course_id: int, silent: bool, limit: int) -> Listed[RosterEntry]:
        current_intro = (
            (IntroductionRow.course_id == LearnerRow.course_id)
            & (IntroductionRow.person_id == LearnerRow.person_id)
            & IntroductionRow.replaced_at.is_(None)
        )
        where = [LearnerRow.course_id == course_id, ~_facilitator(course_id, LearnerRow.person_id)]
        counted = select(func.count()).select_from(LearnerRow)
        if silent:
            where.append(IntroductionRow.id.is_(None))
            counted = counted.outerjoin(IntroductionRow, current_intro)
        total = await self._count(counted.where(*where))
        if not total:
            return Listed([], 0)
        rows = await self.session.execute(
            select(LearnerRow, PersonRow, IntroductionRow.text)
            .outerjoin(PersonRow, PersonRow.id == LearnerRow.person_id)
            .outerjoin(IntroductionRow, current_intro)
            .where(*where)
            .order_by(PersonRow.name, LearnerRow.person_id)
            .limit(limit)
        )
        entries = [
            RosterEntry(mapping.person(p, learner.person_id), intro, learner.posts, learner.last_seen_at)
            for learner, p, intro in rows
        ]
        return Listed(entries, total)

    async def contributions(self, course_id: int, person_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """Read through the people's own questions and answers: the course's index would read its
        whole history for a few dozen people."""
        if not person_ids:
            return {}
        asked = await self.session.execute(
            select(QuestionRow.asker_id, func.count())
            .where(
                QuestionRow.asker_id.in_(person_ids),
                _unindexed(QuestionRow.course_id) == course_id,
                QuestionRow.state != _DISMISSED,
            )
            .group_by(QuestionRow.asker_id)
        )
        answered = await self.session.execute(
            select(AnswerRow.answerer_id, func.count())
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(
                AnswerRow.answerer_id.in_(person_ids),
                _unindexed(QuestionRow.course_id) == course_id,
                QuestionRow.state != _DISMISSED,
            )
            .group_by(AnswerRow.answerer_id)
        )
        counts: dict[int, tuple[int, int]] = {}
        for person_id, count in asked:
            counts[person_id] = (count, 0)
        for person_id, count in answered:
            counts[person_id] = (counts.get(person_id, (0, 0))[0], count)
        return counts

    async def _count(self, statement: Select[Any]) -> int:
        return int(await self.session.scalar(statement) or 0)


def _facilitator(course_id: int, person_id: InstrumentedAttribute[int]) -> Exists:
    return (
        select(FacilitatorRow.person_id)
        .where(FacilitatorRow.course_id == course_id, FacilitatorRow.person_id == person_id)
        .exists()
    )


def _unindexed(column: InstrumentedAttribute[int]) -> ColumnElement[int]:
    """The column as an expression no index serves (`course_id + 0`), so the planner does not
    start from the course's index where far fewer rows are reached another way."""
    return column + 0
