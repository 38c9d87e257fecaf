from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from facilitation.model import Course, Person, RosterEntry
from storage import mapping
from storage.models import CourseRow, IntroductionRow, LearnerRow, PersonRow
from storage.repositories.base import Repository


class SqlPeople(Repository):
    async def seen(self, person: Person, now: datetime) -> None:
        current = {"name": person.name[:256], "username": person.username, "last_seen_at": now}
        await self.upsert(PersonRow, {"id": person.id, **current}, keys=("id",), update=current)

    async def get(self, person_id: int) -> Person | None:
        row = await self.session.get(PersonRow, person_id)
        return mapping.person(row, person_id) if row else None

    async def by_username(self, username: str) -> Person | None:
        row = await self.session.scalar(
            select(PersonRow)
            .where(func.lower(PersonRow.username) == username.lower())
            .order_by(PersonRow.last_seen_at.desc())
            .limit(1)
        )
        return mapping.person(row, row.id) if row else None

    async def mark_started(self, person_id: int, now: datetime) -> None:
        await self.session.execute(
            update(PersonRow)
            .where(PersonRow.id == person_id, PersonRow.started_at.is_(None))
            .values(started_at=now)
        )


class SqlLearners(Repository):
    async def record_post(self, course_id: int, person_id: int, now: datetime) -> None:
        await self.upsert(
            LearnerRow,
            {
                "course_id": course_id,
                "person_id": person_id,
                "posts": 1,
                "first_seen_at": now,
                "last_seen_at": now,
            },
            keys=("course_id", "person_id"),
            update={
                "posts": LearnerRow.posts + 1,
                "last_seen_at": now,
            },
        )

    async def roster(self, course_id: int) -> list[RosterEntry]:
        rows = await self.session.execute(
            select(LearnerRow, PersonRow, IntroductionRow.text)
            .outerjoin(PersonRow, PersonRow.id == LearnerRow.person_id)
            .outerjoin(
                IntroductionRow,
                (IntroductionRow.course_id == LearnerRow.course_id)
                & (IntroductionRow.person_id == LearnerRow.person_id)
                & IntroductionRow.replaced_at.is_(None),
            )
            .where(LearnerRow.course_id == course_id)
            .order_by(PersonRow.name, LearnerRow.person_id)
        )
        return [
            RosterEntry(mapping.person(p, learner.person_id), intro, learner.posts, learner.last_seen_at)
            for learner, p, intro in rows
        ]

    async def courses_of(self, person_id: int) -> list[Course]:
        rows = await self.session.scalars(
            select(CourseRow)
            .join(LearnerRow, LearnerRow.course_id == CourseRow.id)
            .where(LearnerRow.person_id == person_id)
            .order_by(CourseRow.hashtag)
        )
        return [mapping.course(row) for row in rows]
