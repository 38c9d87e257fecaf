"""Closing the loop with the asker: "Did this answer your question?", privately, once.

"Yes" resolves the question and credits the answer; "Not yet" puts it back in the facilitators'
queue (open again, flagged for follow-up) and the facilitators are alerted at once. No reply
after a day: one reminder.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from facilitation import alerts
from facilitation.errors import NotAllowed, NotFound
from facilitation.languages import N_
from facilitation.model import Course, Person, Question, QuestionState
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork

REMIND_AFTER = timedelta(hours=24)
BATCH = 200
ALREADY = {
    "open": N_("That question is already open."),
    "resolved": N_("That question is already resolved."),
    "dismissed": N_("That question is already dismissed."),
}


def _data(question: Question, course_tag: str, answerer: str, reminder: bool) -> dict[str, object]:
    return {
        **alerts.question_data(question, Course(question.course_id, course_tag.lstrip("#"), "")),
        "answerer": answerer,
        "reminder": reminder,
    }


async def offer(uow: UnitOfWork, course: Course, question: Question, answerer: Person, now: datetime) -> None:
    """Called inside the unit of work that records a question's first answer."""
    if question.asker.id <= 0 or not await uow.followups.started(question.asker.id):
        return  # anonymous, or never opened a private chat: the bot can't ask
    found = await uow.followups.get(question.id)
    if found is None or found[1]:
        return  # asked once already (the asker said "not yet" and it was answered again)
    await uow.followups.mark_sent(question.id, now)
    data = _data(question, course.tag, answerer.name, reminder=False)
    await uow.outbox.put(Notice(question.asker.id, NoticeKind.FOLLOWUP, data), now)


async def remind_due(uow: UnitOfWork, now: datetime) -> int:
    async with uow:
        due = await uow.followups.due_reminders(now - REMIND_AFTER, BATCH)
        for question in due:
            course = await uow.courses.get(question.course_id)
            tag = course.tag if course else ""
            await uow.followups.mark_reminded(question.id, now)
            await uow.outbox.put(
                Notice(question.asker.id, NoticeKind.FOLLOWUP, _data(question, tag, "", True)), now
            )
        await uow.commit()
    return len(due)


async def respond(uow: UnitOfWork, question_id: int, person: Person, solved: bool, now: datetime) -> Question:
    async with uow:
        found = await uow.followups.get(question_id)
        if found is None or not found[1]:
            raise NotAllowed(alerts.BUTTON_GONE)
        question = found[0]
        if question.asker.id != person.id:
            raise NotAllowed(N_("Only the person who asked can answer this."))
        if question.state is not QuestionState.ANSWERED:
            raise NotFound(ALREADY[question.state.value])
        for same in await _per_course(uow, question):
            if solved:
                await uow.questions.set_state(same.id, QuestionState.RESOLVED, person.id, now)
                await uow.followups.accept_first_answer(same.id)
                await alerts.close(uow, same.id, "resolved", person, now)
                continue
            course = await uow.courses.get(same.course_id)
            sla = course.settings.sla if course else timedelta(hours=2)
            await uow.followups.reopen(same.id, now + sla)
            if course is not None:
                reopened = replace(same, state=QuestionState.OPEN, needs_follow_up=True)
                await alerts.still_needs_help(uow, course, reopened, now)
        await uow.commit()
    return question


async def _per_course(uow: UnitOfWork, question: Question) -> list[Question]:
    """The question as stored for each course its message names: one answer from the asker
    settles them all (they were asked once)."""
    stored = await uow.questions.asked_at(question.ref.chat_id, question.ref.message_id)
    return [q for q in stored if q.asker.id == question.asker.id and q.state is QuestionState.ANSWERED]
