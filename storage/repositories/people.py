from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from facilitation.model import Course, MessageRef, Person, RosterEntry
from storage import mapping
from storage.models import CourseRow, IntroductionRow, LearnerRow, PersonRow, table_of
from storage.repositories.base import Repository, dialect_of

_people = table_of(PersonRow)
_STARTED = (
    update(_people)
    .where(_people.c.id == bindparam("b_id"), _people.c.started_at.is_(None))
    .values(started_at=bindparam("b_at"))
)


@cache
def _person_upsert(dialect: str) -> Insert:
    """Sent for many people at once: the values come with each row."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table_of(PersonRow))
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["id"],
        set_={
            "name": new.name,
            "username": new.username,
            "last_seen_at": new.last_seen_at,
            # someone named, not seen, says nothing of their app's language
            "app_language": func.coalesce(new.app_language, statement.table.c.app_language),
        },
    )


@cache
def _post_counted(dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table_of(LearnerRow))
    return statement.on_conflict_do_update(
        index_elements=["course_id", "person_id"],
        set_={"posts": statement.table.c.posts + 1, "last_seen_at": statement.excluded.last_seen_at},
    )


class SqlPeople(Repository):
    async def seen(self, person: Person, now: datetime) -> None:
        name = person.name[:256]
        values = {
            "id": person.id,
            "name": name,
            "username": person.username,
            "last_seen_at": now,
            "app_language": person.language,
        }
        upsert = _person_upsert(dialect_of(self.session))
        await self.writes.execute(upsert, values, [("people", person.id)])

    async def choose_language(self, person_id: int, language: str | None) -> None:
        chosen = update(PersonRow).where(PersonRow.id == person_id).values(language=language)
        await self.session.execute(chosen)

    async def language_chosen(self, person_id: int) -> str | None:
        return await self.session.scalar(select(PersonRow.language).where(PersonRow.id == person_id))

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
        await self.writes.execute(_STARTED, {"b_id": person_id, "b_at": now}, [("people", person_id)])


class SqlLearners(Repository):
    async def record_post(
        self, course_id: int, person_id: int, now: datetime, ref: MessageRef | None
    ) -> None:
        values = {
            "course_id": course_id,
            "person_id": person_id,
            "posts": 1,
            "first_seen_at": now,
            "last_seen_at": now,
            # Written by the insert only: the first post's place stays.
            "first_chat_id": ref.chat_id if ref else None,
            "first_message_id": ref.message_id if ref else None,
            "first_thread_id": ref.thread_id if ref else None,
        }
        counted = _post_counted(dialect_of(self.session))
        await self.writes.execute(counted, values, [("learners", course_id, person_id)])

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
