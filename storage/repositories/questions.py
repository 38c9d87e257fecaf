from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, insert, or_, select, update

from facilitation.model import Answer, Course, MessageRef, Person, Question, QuestionState
from storage import held, mapping
from storage.models import AnswerRow, CourseRow, PersonRow, QuestionRow, table_of
from storage.repositories.base import Repository

_UNRESOLVED = (QuestionState.OPEN.value, QuestionState.ANSWERED.value)

# The busy path's writes, held to the batch's end and sent together (storage/held.py).
_questions, _answers = table_of(QuestionRow), table_of(AnswerRow)
_ADD_QUESTION = insert(_questions)
_ADD_ANSWER = insert(_answers)
_FIRST_ANSWERED = (
    update(_questions)
    .where(_questions.c.id == bindparam("b_id"), _questions.c.first_answered_at.is_(None))
    .values(first_answered_at=bindparam("b_at"))
)
_STATE = update(_questions).where(_questions.c.id == bindparam("b_id")).values(state=bindparam("b_state"))
_CLOSED = _STATE.values(closed_by=bindparam("b_by"), resolved_at=bindparam("b_resolved"))
_RETEXT_QUESTION = (
    update(_questions)
    .where(_questions.c.chat_id == bindparam("b_chat"), _questions.c.message_id == bindparam("b_message"))
    .values(text=bindparam("b_text"))
)
_RETEXT_ANSWER = (
    update(_answers)
    .where(_answers.c.chat_id == bindparam("b_chat"), _answers.c.message_id == bindparam("b_message"))
    .values(text=bindparam("b_text"))
)


def _with_asker() -> Select[QuestionRow, PersonRow]:
    return select(QuestionRow, PersonRow).outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)


class SqlQuestions(Repository):
    async def add(
        self, course_id: int, asker: Person, text: str, ref: MessageRef, now: datetime, overdue_at: datetime
    ) -> Question:
        batch = held.of(self.session)
        if batch is not None:
            question_id = await held.new_id(self.session, _questions)
            values = {
                "id": question_id,
                "course_id": course_id,
                "chat_id": ref.chat_id,
                "message_id": ref.message_id,
                "thread_id": ref.thread_id,
                "asker_id": asker.id,
                "text": text,
                "state": QuestionState.OPEN.value,
                "asked_at": now,
                "next_alert_at": overdue_at,
            }
            keys = [("question", question_id), ("question at", ref.chat_id, ref.message_id)]
            batch.add(_ADD_QUESTION, values, keys)
            question = Question(question_id, course_id, asker, text, QuestionState.OPEN, now, ref)
            batch.asked(question)
            batch.alerts_known.add(question_id)  # new: no alerts yet
            return question
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
        batch = held.of(self.session)
        known = batch.thread(chat_id, message_id) if batch is not None else None
        if known is not None:
            return list(known)
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
        found = [mapping.question(q, p) for q, p in rows]
        if batch is not None:
            batch.learn_thread(chat_id, message_id, found)
        return found

    async def add_answer(
        self,
        question: Question,
        answerer: Person,
        text: str,
        ref: MessageRef,
        by_facilitator: bool,
        now: datetime,
    ) -> Answer:
        batch = held.of(self.session)
        if batch is not None:
            answer_id = await held.new_id(self.session, _answers)
            values = {
                "id": answer_id,
                "question_id": question.id,
                "chat_id": ref.chat_id,
                "message_id": ref.message_id,
                "thread_id": ref.thread_id,
                "answerer_id": answerer.id,
                "text": text,
                "by_facilitator": by_facilitator,
                "answered_at": now,
            }
            keys = [("answer", answer_id), ("answer at", ref.chat_id, ref.message_id)]
            batch.add(_ADD_ANSWER, values, keys)
            batch.add(_FIRST_ANSWERED, {"b_id": question.id, "b_at": now}, [("question", question.id)])
            batch.answered(question, ref.chat_id, ref.message_id)
            if question.first_answered_at is None:
                batch.changed(question.id, first_answered_at=now)
            return Answer(answer_id, question.id, answerer, text, now, ref, by_facilitator)
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
        values: dict[str, Any] = {"b_id": question_id, "b_state": state.value}
        closes = state in (QuestionState.RESOLVED, QuestionState.DISMISSED)
        resolved_at = now if state is QuestionState.RESOLVED else None
        if closes:
            values.update(b_by=by, b_resolved=resolved_at)
        await held.write(self.session, _CLOSED if closes else _STATE, values, [("question", question_id)])
        batch = held.of(self.session)
        if batch is not None:
            batch.changed(question_id, state=state, **({"resolved_at": resolved_at} if closes else {}))

    async def edit(self, chat_id: int, message_id: int, text: str) -> bool:
        batch = held.of(self.session)
        known = batch.thread(chat_id, message_id) if batch is not None else None
        if known is not None:  # the batch read what is stored at this message: hold the edit
            await self.retext(chat_id, message_id, text)
            return bool(known)
        changed = 0
        for table in (QuestionRow, AnswerRow):
            result = await self.session.execute(
                update(table)
                .where(table.chat_id == chat_id, table.message_id == message_id)
                .values(text=text)
                .execution_options(**{held.KEEPS_READS: True})
            )
            changed += getattr(result, "rowcount", 0)
        batch = held.of(self.session)
        if batch is not None:
            batch.retexted(chat_id, message_id, text)
        return changed > 0

    async def retext(self, chat_id: int, message_id: int, text: str) -> None:
        """edit, when whether anything changed doesn't matter (so it can wait for the batch)."""
        values = {"b_chat": chat_id, "b_message": message_id, "b_text": text}
        await held.write(self.session, _RETEXT_QUESTION, values, [("question at", chat_id, message_id)])
        await held.write(self.session, _RETEXT_ANSWER, values, [("answer at", chat_id, message_id)])
        batch = held.of(self.session)
        if batch is not None:
            batch.retexted(chat_id, message_id, text)

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
