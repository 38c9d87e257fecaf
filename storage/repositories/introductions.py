from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from facilitation.model import Course, Introduction, MessageRef, Person
from storage import mapping
from storage.models import CourseRow, IntroductionRow, PersonRow
from storage.repositories.base import Repository


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
        await self.session.execute(
            update(IntroductionRow)
            .where(
                IntroductionRow.course_id == course_id,
                IntroductionRow.person_id == person.id,
                IntroductionRow.replaced_at.is_(None),
            )
            .values(replaced_at=now)
        )
        row = IntroductionRow(
            course_id=course_id,
            person_id=person.id,
            text=text,
            posted_at=now,
            chat_id=ref.chat_id if ref else None,
            message_id=ref.message_id if ref else None,
        )
        self.session.add(row)
        await self.session.flush()
        return Introduction(row.id, course_id, person, text, now, ref)

    async def edit(self, ref: MessageRef, text: str) -> bool:
        result = await self.session.execute(
            update(IntroductionRow)
            .where(IntroductionRow.chat_id == ref.chat_id, IntroductionRow.message_id == ref.message_id)
            .values(text=text)
        )
        return bool(getattr(result, "rowcount", 0))

    async def current_of(self, person_id: int) -> list[tuple[Course, Introduction]]:
        rows = await self.session.execute(
            select(CourseRow, IntroductionRow, PersonRow)
            .join(IntroductionRow, IntroductionRow.course_id == CourseRow.id)
            .outerjoin(PersonRow, PersonRow.id == IntroductionRow.person_id)
            .where(IntroductionRow.person_id == person_id, IntroductionRow.replaced_at.is_(None))
            .order_by(CourseRow.hashtag)
        )
        return [(mapping.course(c), mapping.introduction(i, p)) for c, i, p in rows]
