"""What a digest reads: one course's schedule, its open questions and its recent activity.

Every query is bounded by one course (and most by the digest window), through the course-first
indexes on questions and introductions; answers are reached through their question.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select, update

from facilitation.model import Answer, Introduction, Question, QuestionState
from facilitation.ports import DigestSchedule
from storage import mapping
from storage.models import AnswerRow, CourseRow, IntroductionRow, PersonRow, QuestionRow
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
        """Courses whose last digest day is before `before`, or that never had one."""
        rows = await self.session.scalars(
            select(CourseRow)
            .where(or_(CourseRow.last_digest_on.is_(None), CourseRow.last_digest_on < before.isoformat()))
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

    async def unresolved(self, course_id: int) -> list[tuple[Question, bool]]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(QuestionRow.course_id == course_id, QuestionRow.state.in_(_UNRESOLVED))
            .order_by(QuestionRow.asked_at, QuestionRow.id)
        )
        return [(mapping.question(q, p), q.needs_follow_up) for q, p in rows]

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

    async def resolved_since(self, course_id: int, since: datetime) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(
                QuestionRow.course_id == course_id,
                QuestionRow.state == QuestionState.RESOLVED.value,
                QuestionRow.resolved_at >= since,
            )
            .order_by(QuestionRow.resolved_at, QuestionRow.id)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def answers_since(self, course_id: int, since: datetime) -> list[Answer]:
        """Answers given since then to the course's questions, not counting dismissed ones."""
        rows = await self.session.execute(
            select(AnswerRow, PersonRow)
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .outerjoin(PersonRow, PersonRow.id == AnswerRow.answerer_id)
            .where(
                QuestionRow.course_id == course_id,
                QuestionRow.state != _DISMISSED,
                AnswerRow.answerer_id != QuestionRow.asker_id,
                AnswerRow.answered_at >= since,
            )
            .order_by(AnswerRow.answered_at, AnswerRow.id)
        )
        return [mapping.answer(a, p) for a, p in rows]

    async def introduced_since(self, course_id: int, since: datetime) -> list[Introduction]:
        """Current introductions posted since then (a replaced one is history, not news)."""
        rows = await self.session.execute(
            select(IntroductionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == IntroductionRow.person_id)
            .where(
                IntroductionRow.course_id == course_id,
                IntroductionRow.replaced_at.is_(None),
                IntroductionRow.posted_at >= since,
            )
            .order_by(IntroductionRow.posted_at, IntroductionRow.id)
        )
        return [mapping.introduction(i, p) for i, p in rows]

    async def contributions(self, course_id: int) -> dict[int, tuple[int, int]]:
        asked = await self.session.execute(
            select(QuestionRow.asker_id, func.count())
            .where(QuestionRow.course_id == course_id, QuestionRow.state != _DISMISSED)
            .group_by(QuestionRow.asker_id)
        )
        answered = await self.session.execute(
            select(AnswerRow.answerer_id, func.count())
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(QuestionRow.course_id == course_id, QuestionRow.state != _DISMISSED)
            .group_by(AnswerRow.answerer_id)
        )
        counts: dict[int, tuple[int, int]] = {}
        for person_id, count in asked:
            counts[person_id] = (count, 0)
        for person_id, count in answered:
            counts[person_id] = (counts.get(person_id, (0, 0))[0], count)
        return counts
