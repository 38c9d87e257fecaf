from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, insert, or_, select, update

from facilitation.model import Answer, Course, MessageRef, Person, Question, QuestionState
from facilitation.redaction import REMOVED
from storage import mapping
from storage.models import AnswerRow, CourseRow, PersonRow, QuestionRow, table_of
from storage.repositories.base import Repository
from storage.transfer import moved_from

_UNRESOLVED = (QuestionState.OPEN.value, QuestionState.ANSWERED.value)

# The busy path's writes: sent at once, or held to an inbox batch's end (storage/writes.py).
_questions, _answers = table_of(QuestionRow), table_of(AnswerRow)
_ADD_QUESTION = insert(_questions)
_ADD_ANSWER = insert(_answers)
_FIRST_ANSWERED = (
    update(_questions)
    .where(_questions.c.id == bindparam("b_id"), _questions.c.first_answered_at.is_(None))
    .values(first_answered_at=bindparam("b_at"), first_by_facilitator=bindparam("b_fac"))
)
_STATE = update(_questions).where(_questions.c.id == bindparam("b_id")).values(state=bindparam("b_state"))
_CLOSED = _STATE.values(closed_by=bindparam("b_by"), resolved_at=bindparam("b_resolved"))
# A text forgotten or purged stays removed: an edit of its message must not bring the words back.
_RETEXT_QUESTION = (
    update(_questions)
    .where(
        _questions.c.chat_id == bindparam("b_chat"),
        _questions.c.message_id == bindparam("b_message"),
        _questions.c.text != REMOVED,
    )
    .values(text=bindparam("b_text"))
)
_RETEXT_ANSWER = (
    update(_answers)
    .where(
        _answers.c.chat_id == bindparam("b_chat"),
        _answers.c.message_id == bindparam("b_message"),
        _answers.c.text != REMOVED,
    )
    .values(text=bindparam("b_text"))
)


def _at(ref: MessageRef) -> tuple[int, int]:
    return ref.chat_id, ref.message_id


def _with_asker() -> Select[QuestionRow, PersonRow]:
    return select(QuestionRow, PersonRow).outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)


class SqlQuestions(Repository):
    async def add(
        self,
        course_id: int,
        asker: Person,
        text: str,
        ref: MessageRef,
        now: datetime,
        overdue_at: datetime,
        helpers_at: datetime | None = None,
    ) -> Question:
        values = {
            "course_id": course_id,
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "thread_id": ref.thread_id,
            "asker_id": asker.id,
            "text": text,
            "state": QuestionState.OPEN.value,
            "asked_at": now,
            "next_alert_at": overdue_at,
            "helpers_due_at": helpers_at,
        }
        question_id = await self.writes.insert(_ADD_QUESTION, values, [("question at", *_at(ref))])
        await self.index.question(question_id)
        await self.index.stems(question_id, course_id, text)
        return Question(question_id, course_id, asker, text, QuestionState.OPEN, now, ref)

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
        values = {
            "question_id": question.id,
            "course_id": question.course_id,
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "thread_id": ref.thread_id,
            "answerer_id": answerer.id,
            "text": text,
            "by_facilitator": by_facilitator,
            "answered_at": now,
        }
        answer_id = await self.writes.insert(_ADD_ANSWER, values, [("answer at", *_at(ref))])
        first = {"b_id": question.id, "b_at": now, "b_fac": by_facilitator}
        await self.writes.execute(_FIRST_ANSWERED, first, [("questions", question.id)])
        if question.first_answered_at is None or by_facilitator:  # else the best answer stays
            await self.index.question(question.id)
        return Answer(answer_id, question.id, answerer, text, now, ref, by_facilitator)

    async def set_state(self, question_id: int, state: QuestionState, by: int | None, now: datetime) -> None:
        values: dict[str, Any] = {"b_id": question_id, "b_state": state.value}
        closes = state in (QuestionState.RESOLVED, QuestionState.DISMISSED)
        if closes:
            values.update(b_by=by, b_resolved=now if state is QuestionState.RESOLVED else None)
        await self.writes.execute(_CLOSED if closes else _STATE, values, [("questions", question_id)])

    async def edit(self, chat_id: int, message_id: int, text: str) -> bool:
        thread = await self.thread_of(chat_id, message_id)  # asked or answered here
        if not thread:
            return False  # most edits: nothing of the message is kept, so nothing is written
        values = {"b_chat": chat_id, "b_message": message_id, "b_text": text}
        await self.writes.execute(_RETEXT_QUESTION, values, [("question at", chat_id, message_id)])
        await self.writes.execute(_RETEXT_ANSWER, values, [("answer at", chat_id, message_id)])
        for question in thread:  # its text, or its best answer's, may have changed
            if question.text == REMOVED:
                continue  # forgotten: nothing of it is indexed again
            await self.index.question(question.id)
            if (question.ref.chat_id, question.ref.message_id) == (chat_id, message_id):
                await self.index.restemmed(question.id, question.course_id, text)
        return True

    async def unresolved_in_chat(
        self,
        chat_id: int,
        limit: int,
        thread_id: int | None = None,
        course_ids: Collection[int] | None = None,
    ) -> list[Question]:
        # The group the chat was before it became a supergroup: its questions too.
        here = (QuestionRow.chat_id == chat_id) | QuestionRow.chat_id.in_(moved_from(chat_id))
        where: list[ColumnElement[bool]] = [here, QuestionRow.state.in_(_UNRESOLVED)]
        if thread_id is not None:
            where.append(QuestionRow.thread_id == thread_id)
        if course_ids is not None:
            where.append(QuestionRow.course_id.in_(course_ids))
        rows = await self.session.execute(
            _with_asker().where(*where).order_by(QuestionRow.asked_at, QuestionRow.id).limit(limit)
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

    async def unresolved_asked_by(self, chat_id: int, person_id: int, limit: int) -> list[Question]:
        rows = await self.session.execute(
            _with_asker()
            .where(
                QuestionRow.chat_id == chat_id,
                QuestionRow.asker_id == person_id,
                QuestionRow.state.in_(_UNRESOLVED),
            )
            .order_by(QuestionRow.asked_at, QuestionRow.id)
            .limit(limit)
        )
        return [mapping.question(q, p) for q, p in rows]
