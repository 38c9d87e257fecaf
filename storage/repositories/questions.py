from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update

from facilitation.model import Answer, Course, MessageRef, Person, Question, QuestionState
from storage import mapping
from storage.models import AnswerRow, CourseRow, PersonRow, QuestionRow
from storage.repositories.base import Repository

_UNRESOLVED = (QuestionState.OPEN.value, QuestionState.ANSWERED.value)


def _with_asker() -> Select[QuestionRow, PersonRow]:
    return select(QuestionRow, PersonRow).outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)


class SqlQuestions(Repository):
    async def add(
        self, course_id: int, asker: Person, text: str, ref: MessageRef, now: datetime, overdue_at: datetime
    ) -> Question:
        row = QuestionRow(
            course_id=course_id,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
            thread_id=ref.thread_id,
            asker_id=asker.id,
            text=text,
            state=QuestionState.OPEN.value,
            asked_at=now,
            next_alert_at=overdue_at,
        )
        self.session.add(row)
        await self.session.flush()
        return Question(row.id, course_id, asker, text, QuestionState.OPEN, now, ref)

    async def asked_at(self, chat_id: int, message_id: int) -> list[Question]:
        rows = await self.session.execute(
            _with_asker().where(QuestionRow.chat_id == chat_id, QuestionRow.message_id == message_id)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def thread_of(self, chat_id: int, message_id: int) -> list[Question]:
        """The questions asked at this message, or answered by it."""
        answered_here = select(AnswerRow.question_id).where(
            AnswerRow.chat_id == chat_id, AnswerRow.message_id == message_id
        )
        rows = await self.session.execute(
            _with_asker()
            .where(
                or_(
                    (QuestionRow.chat_id == chat_id) & (QuestionRow.message_id == message_id),
                    QuestionRow.id.in_(answered_here),
                )
            )
            .order_by(QuestionRow.id)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def add_answer(
        self,
        question: Question,
        answerer: Person,
        text: str,
        ref: MessageRef,
        by_facilitator: bool,
        now: datetime,
    ) -> Answer:
        row = AnswerRow(
            question_id=question.id,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
            thread_id=ref.thread_id,
            answerer_id=answerer.id,
            text=text,
            by_facilitator=by_facilitator,
            answered_at=now,
        )
        self.session.add(row)
        await self.session.execute(
            update(QuestionRow)
            .where(QuestionRow.id == question.id, QuestionRow.first_answered_at.is_(None))
            .values(first_answered_at=now)
        )
        await self.session.flush()
        return Answer(row.id, question.id, answerer, text, now, ref, by_facilitator)

    async def set_state(self, question_id: int, state: QuestionState, by: int | None, now: datetime) -> None:
        values: dict[str, Any] = {"state": state.value}
        if state in (QuestionState.RESOLVED, QuestionState.DISMISSED):
            values.update(closed_by=by, resolved_at=now if state is QuestionState.RESOLVED else None)
        await self.session.execute(update(QuestionRow).where(QuestionRow.id == question_id).values(**values))

    async def edit(self, chat_id: int, message_id: int, text: str) -> bool:
        changed = 0
        for table in (QuestionRow, AnswerRow):
            result = await self.session.execute(
                update(table)
                .where(table.chat_id == chat_id, table.message_id == message_id)
                .values(text=text)
            )
            changed += getattr(result, "rowcount", 0)
        return changed > 0

    async def unresolved_in_chat(self, chat_id: int, limit: int) -> list[Question]:
        rows = await self.session.execute(
            _with_asker()
            .where(QuestionRow.chat_id == chat_id, QuestionRow.state.in_(_UNRESOLVED))
            .order_by(QuestionRow.asked_at, QuestionRow.id)
            .limit(limit)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def asked_by(self, person_id: int, limit: int) -> list[tuple[Course, Question]]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow, CourseRow)
            .join(CourseRow, CourseRow.id == QuestionRow.course_id)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(QuestionRow.asker_id == person_id)
            .order_by(QuestionRow.asked_at.desc(), QuestionRow.id.desc())
            .limit(limit)
        )
        return [(mapping.course(c), mapping.question(q, p)) for q, p, c in rows]
