"""Peer helpers: their choice per course, the questions pointed at them, when each was considered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select, update

from facilitation.model import Course, Helper, HelperProfile, Person, Question, QuestionState
from storage import mapping
from storage.models import (
    AnswerRow,
    CourseRow,
    FacilitatorRow,
    HelperAskRow,
    HelperRow,
    IntroductionRow,
    PersonRow,
    QuestionRow,
)
from storage.repositories.base import Repository

ANSWERS_READ = 20  # a helper's latest answers in the course, to match questions against


def asks_answered() -> ColumnElement[int]:
    """How many of the helper asks counted were answered: the helper answered that question after
    being asked. The digest and the week's highlights count them the same way."""
    answered = (
        select(AnswerRow.id)
        .where(
            AnswerRow.question_id == HelperAskRow.question_id,
            AnswerRow.answerer_id == HelperAskRow.person_id,
            AnswerRow.answered_at >= HelperAskRow.asked_at,
        )
        .exists()
    )
    return func.sum(case((answered, 1), else_=0))


class SqlHelpers(Repository):
    async def uninvited(self, since: datetime, limit: int) -> list[tuple[Course, int]]:
        asked = select(HelperRow.person_id).where(
            HelperRow.course_id == IntroductionRow.course_id, HelperRow.person_id == IntroductionRow.person_id
        )
        running = select(FacilitatorRow.person_id).where(
            FacilitatorRow.course_id == IntroductionRow.course_id,
            FacilitatorRow.person_id == IntroductionRow.person_id,
        )
        rows = await self.session.execute(
            select(IntroductionRow, CourseRow)
            .join(CourseRow, CourseRow.id == IntroductionRow.course_id)
            .join(PersonRow, PersonRow.id == IntroductionRow.person_id)
            .where(
                IntroductionRow.posted_at > since,
                IntroductionRow.replaced_at.is_(None),
                PersonRow.started_at.is_not(None),
                ~asked.exists(),
                ~running.exists(),
            )
            .order_by(IntroductionRow.posted_at, IntroductionRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=IntroductionRow)  # another process has these
        )
        return [(mapping.course(c), i.person_id) for i, c in rows]

    async def invite(self, course_id: int, person_id: int, now: datetime) -> bool:
        if await self.session.get(HelperRow, (course_id, person_id)) is not None:
            return False
        values = {"course_id": course_id, "person_id": person_id, "choice": "asked"}
        await self.upsert(
            HelperRow, {**values, "invited_at": now, "changed_at": now}, ("course_id", "person_id")
        )
        return True

    async def choose(self, course_id: int, person_id: int, on: bool, now: datetime) -> None:
        choice = "on" if on else "off"
        values = {"course_id": course_id, "person_id": person_id, "choice": choice}
        await self.upsert(
            HelperRow,
            {**values, "invited_at": now, "changed_at": now},
            ("course_id", "person_id"),
            {"choice": choice, "changed_at": now},
        )

    async def set_topics(self, course_id: int, person_id: int, topics: str | None, now: datetime) -> None:
        values = {"course_id": course_id, "person_id": person_id, "choice": "on", "topics": topics}
        await self.upsert(
            HelperRow,
            {**values, "invited_at": now, "changed_at": now},
            ("course_id", "person_id"),
            {"choice": "on", "topics": topics, "changed_at": now},
        )

    async def of_person(self, person_id: int) -> list[Helper]:
        rows = await self.session.execute(
            select(HelperRow, CourseRow)
            .join(CourseRow, CourseRow.id == HelperRow.course_id)
            .where(HelperRow.person_id == person_id)
            .order_by(CourseRow.hashtag)
        )
        return [Helper(mapping.course(c), h.choice, h.topics) for h, c in rows]

    async def get(self, course_id: int, person_id: int) -> Helper | None:
        found = (
            await self.session.execute(
                select(HelperRow, CourseRow)
                .join(CourseRow, CourseRow.id == HelperRow.course_id)
                .where(HelperRow.course_id == course_id, HelperRow.person_id == person_id)
            )
        ).first()
        return Helper(mapping.course(found[1]), found[0].choice, found[0].topics) if found else None

    async def due(self, now: datetime, limit: int) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(QuestionRow.state == QuestionState.OPEN.value, QuestionRow.helpers_due_at <= now)
            .order_by(QuestionRow.helpers_due_at, QuestionRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=QuestionRow)  # another process has these
        )
        return [mapping.question(q, p) for q, p in rows]

    async def considered(self, question_id: int) -> None:
        await self._due(question_id, None)

    async def defer(self, question_id: int, until: datetime) -> None:
        await self._due(question_id, until)

    async def _due(self, question_id: int, at: datetime | None) -> None:
        await self.session.execute(
            update(QuestionRow).where(QuestionRow.id == question_id).values(helpers_due_at=at)
        )

    async def reschedule(self, course_id: int, wait: timedelta | None) -> None:
        rows = await self.session.execute(
            select(QuestionRow.id, QuestionRow.asked_at).where(
                QuestionRow.course_id == course_id,
                QuestionRow.state == QuestionState.OPEN.value,
                QuestionRow.helpers_due_at.is_not(None),
            )
        )
        for question_id, asked_at in rows.all():
            await self._due(question_id, asked_at + wait if wait is not None else None)

    async def candidates(
        self, course_id: int, leaving_out: Sequence[int], day_start: datetime
    ) -> list[HelperProfile]:
        rows = (
            await self.session.execute(
                select(HelperRow.topics, PersonRow, IntroductionRow.text)
                .join(PersonRow, PersonRow.id == HelperRow.person_id)
                .outerjoin(
                    IntroductionRow,
                    and_(
                        IntroductionRow.course_id == HelperRow.course_id,
                        IntroductionRow.person_id == HelperRow.person_id,
                        IntroductionRow.replaced_at.is_(None),
                    ),
                )
                .where(
                    HelperRow.course_id == course_id,
                    HelperRow.choice == "on",
                    PersonRow.started_at.is_not(None),
                    HelperRow.person_id.not_in(list(leaving_out)),
                )
                .order_by(HelperRow.person_id)
            )
        ).all()
        ids = [person.id for _, person, _ in rows]
        if not ids:
            return []
        answers: defaultdict[int, list[str]] = defaultdict(list)
        latest = await self.session.execute(
            select(AnswerRow.answerer_id, AnswerRow.text)
            .join(QuestionRow, QuestionRow.id == AnswerRow.question_id)
            .where(QuestionRow.course_id == course_id, AnswerRow.answerer_id.in_(ids))
            .order_by(AnswerRow.answered_at.desc())
            .limit(ANSWERS_READ * len(ids))
        )
        for person_id, text in latest:
            if len(answers[person_id]) < ANSWERS_READ:
                answers[person_id].append(text)
        counted = await self.session.execute(
            select(HelperAskRow.person_id, func.count())
            .where(HelperAskRow.person_id.in_(ids), HelperAskRow.asked_at >= day_start)
            .group_by(HelperAskRow.person_id)
        )
        asks = {person_id: count for person_id, count in counted}
        return [
            HelperProfile(
                mapping.person(person, person.id), intro, topics, answers[person.id], asks.get(person.id, 0)
            )
            for topics, person, intro in rows
        ]

    async def ask(self, question_id: int, person_id: int, now: datetime) -> None:
        course_id = await self.session.scalar(
            select(QuestionRow.course_id).where(QuestionRow.id == question_id)
        )
        values = {"question_id": question_id, "person_id": person_id, "course_id": course_id, "asked_at": now}
        await self.upsert(HelperAskRow, values, ("question_id", "person_id"))

    async def respond(self, question_id: int, person_id: int, response: str, now: datetime) -> bool:
        row = await self.session.get(HelperAskRow, (question_id, person_id))
        if row is None:
            return False
        row.response, row.responded_at = response, now
        await self.session.flush()
        return True

    async def on_it(self, question_ids: Sequence[int]) -> dict[int, list[Person]]:
        found: defaultdict[int, list[Person]] = defaultdict(list)
        if not question_ids:
            return found
        rows = await self.session.execute(
            select(HelperAskRow.question_id, HelperAskRow.person_id, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == HelperAskRow.person_id)
            .where(HelperAskRow.question_id.in_(list(question_ids)), HelperAskRow.response == "answering")
            .order_by(HelperAskRow.responded_at)
        )
        for question_id, person_id, person in rows:
            found[question_id].append(mapping.person(person, person_id))
        return dict(found)

    async def asked_between(self, course_id: int, since: datetime, until: datetime) -> tuple[int, int]:
        found = (
            await self.session.execute(
                select(func.count(), func.coalesce(asks_answered(), 0)).where(
                    HelperAskRow.course_id == course_id,
                    HelperAskRow.asked_at >= since,
                    HelperAskRow.asked_at < until,
                )
            )
        ).one()
        return int(found[0]), int(found[1])
