from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from facilitation.model import Course, Person, RosterEntry
from storage import held, mapping, process_cache
from storage.models import AttachmentRow, CourseRow, IntroductionRow, LearnerRow, PersonRow, table_of
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
        set_={"name": new.name, "username": new.username, "last_seen_at": new.last_seen_at},
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
        """Stores the person's current name; while the stored one is known to be the same, only
        every so often (process_cache.PEOPLE_TTL), so last_seen_at is that precise. Another
        process storing a different name meanwhile is corrected here within that time."""
        name = person.name[:256]
        if process_cache.person_unchanged(self.session, person.id, name, person.username):
            return
        values = {"id": person.id, "name": name, "username": person.username, "last_seen_at": now}
        upsert = _person_upsert(dialect_of(self.session))
        await held.write(self.session, upsert, values, [("person", person.id)])
        process_cache.learn_person(self.session, person.id, name, person.username)

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
        values = {"b_id": person_id, "b_at": now}
        await held.write(self.session, _STARTED, values, [("person", person_id)])
        batch = held.of(self.session)
        if batch is not None:
            batch.started[person_id] = True


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

    async def record_post_in_chat(self, course_id: int, chat_id: int, person_id: int, now: datetime) -> bool:
        """record_post, in the same statement checking that the course is still attached to the
        chat (another process may have detached it since this one last read the chat's courses);
        False, and nothing counted, when it is not. In an inbox batch, the check is against the
        attachments the batch read when it began, and the count waits for the batch's end."""
        batch = held.of(self.session)
        if batch is not None and batch.attachments is not None and chat_id in batch.attachments:
            if all(a.course.id != course_id for a in batch.attachments[chat_id]):
                process_cache.forget_attachments(self.session, chat_id)
                return False
            values = {
                "course_id": course_id,
                "person_id": person_id,
                "posts": 1,
                "first_seen_at": now,
                "last_seen_at": now,
            }
            batch.add(_post_counted(dialect_of(self.session)), values, [("learner", course_id, person_id)])
            return True
        attached = (
            select(AttachmentRow.course_id)
            .where(
                AttachmentRow.course_id == course_id,
                AttachmentRow.chat_id == chat_id,
                AttachmentRow.active,
            )
            .exists()
        )
        stamp = literal(now, LearnerRow.last_seen_at.type)
        rows = select(literal(course_id), literal(person_id), literal(1), stamp, stamp).where(attached)
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(LearnerRow).from_select(
            ["course_id", "person_id", "posts", "first_seen_at", "last_seen_at"], rows
        )
        statement = statement.on_conflict_do_update(
            index_elements=["course_id", "person_id"],
            set_={"posts": LearnerRow.posts + 1, "last_seen_at": statement.excluded.last_seen_at},
        )
        result = await self.session.execute(statement)
        if getattr(result, "rowcount", 0):
            return True
        process_cache.forget_attachments(self.session, chat_id)
        return False

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
