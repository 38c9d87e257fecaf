from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from facilitation.model import Course, Introduction, MessageRef, Person
from facilitation.redaction import REMOVED
from storage import mapping
from storage.models import CourseRow, IntroductionRow, PersonRow, table_of
from storage.repositories.base import Repository

# The busy path's writes: sent at once, or held to an inbox batch's end (storage/writes.py).
_intros = table_of(IntroductionRow)
_ADD = insert(_intros)
_REPLACED = (
    update(_intros)
    .where(
        _intros.c.course_id == bindparam("b_course"),
        _intros.c.person_id == bindparam("b_person"),
        _intros.c.replaced_at.is_(None),
    )
    .values(replaced_at=bindparam("b_at"))
)
# A purged text stays removed: an edit of its message must not bring the words back.
_RETEXT = (
    update(_intros)
    .where(
        _intros.c.chat_id == bindparam("b_chat"),
        _intros.c.message_id == bindparam("b_message"),
        _intros.c.text != REMOVED,
    )
    .values(text=bindparam("b_text"))
)


class SqlIntroductions(Repository):
    async def current(self, course_id: int, person_id: int) -> Introduction | None:
        row = await self.session.scalar(
            select(IntroductionRow).where(
                IntroductionRow.course_id == course_id,
                IntroductionRow.person_id == person_id,
                IntroductionRow.replaced_at.is_(None),
            )
        )
        if row is None:
            return None
        return mapping.introduction(row, await self.session.get(PersonRow, person_id))

    async def replace(
        self, course_id: int, person: Person, text: str, ref: MessageRef | None, now: datetime
    ) -> Introduction:
        mine = ("introduction of", course_id, person.id)
        replaced = {"b_course": course_id, "b_person": person.id, "b_at": now}
        await self.writes.execute(_REPLACED, replaced, [mine])
        chat_id, message_id = (ref.chat_id, ref.message_id) if ref else (None, None)
        values = {
            "course_id": course_id,
            "person_id": person.id,
            "text": text,
            "posted_at": now,
            "chat_id": chat_id,
            "message_id": message_id,
        }
        intro_id = await self.writes.insert(_ADD, values, [mine, ("introduction at", chat_id, message_id)])
        await self.index.introduction(intro_id)
        return Introduction(intro_id, course_id, person, text, now, ref)

    async def edit(self, ref: MessageRef, text: str) -> bool:
        if not await self.posted_at(ref):
            return False  # not an introduction: nothing to write
        values = {"b_chat": ref.chat_id, "b_message": ref.message_id, "b_text": text}
        await self.writes.execute(_RETEXT, values, [("introduction at", ref.chat_id, ref.message_id)])
        await self.index.introductions_at(ref.chat_id, ref.message_id)
        return True

    async def posted_at(self, ref: MessageRef) -> bool:
        """Whether an introduction was posted as this message."""
        found = await self.session.scalar(
            select(IntroductionRow.id)
            .where(IntroductionRow.chat_id == ref.chat_id, IntroductionRow.message_id == ref.message_id)
            .limit(1)
        )
        return found is not None

    async def current_of(self, person_id: int) -> list[tuple[Course, Introduction]]:
        rows = await self.session.execute(
            select(CourseRow, IntroductionRow, PersonRow)
            .join(IntroductionRow, IntroductionRow.course_id == CourseRow.id)
            .outerjoin(PersonRow, PersonRow.id == IntroductionRow.person_id)
            .where(IntroductionRow.person_id == person_id, IntroductionRow.replaced_at.is_(None))
            .order_by(CourseRow.hashtag)
        )
        return [(mapping.course(c), mapping.introduction(i, p)) for c, i, p in rows]
