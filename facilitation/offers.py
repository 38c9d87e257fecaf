"""Earlier answers offered: a new question that an earlier answered or resolved question of its
course matches strongly (facilitation.matching) is offered that answer, once.

Privately to the asker when they have started the bot, else as one reply in the question's
thread. "That answers it" resolves the question as answered from the archive; "Not quite"
changes nothing, and nothing is offered again. Never while a guest session or a discussion is
live in the chat, and at most HOURLY offers an hour in one group (private ones are not counted).
A facilitator's /duplicate (a reply to the question or its alert, naming the earlier one by a
link) resolves it the same way and points the asker there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from facilitation import alerts, matching
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Course, MessageRef, Person, Question, QuestionState
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork

HOURLY = 5  # offers an hour in one group
WINDOW = timedelta(hours=1)  # the cap's hour
ACCEPTED, DECLINED, DUPLICATE = "accepted", "declined", "duplicate"
ANSWER_LINE = 200  # characters of the answer's first line quoted


def first_line(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line[:ANSWER_LINE] + ("…" if len(line) > ANSWER_LINE else "")


def _data(question: Question, earlier: Question, answer: str, course: Course) -> dict[str, object]:
    return {
        **alerts.question_data(question, course),
        "earlier_text": earlier.text[:300],
        "earlier_chat_id": earlier.ref.chat_id,
        "earlier_message_id": earlier.ref.message_id,
        "earlier_thread_id": earlier.ref.thread_id,
        "answer": first_line(answer),
    }


async def offer(uow: UnitOfWork, course: Course, question: Question, now: datetime) -> bool:
    """Inside the unit of work that tracks the question; True if an offer was queued."""
    best = await matching.strongest(uow, course, question.text, question.id)
    if best is None or not best[0].answer:
        return False
    found, answer = best[0], best[0].answer
    chat_id = question.ref.chat_id
    if await uow.offers.live_in(chat_id, now):
        return False  # a guest session or a discussion has the chat's attention
    private = question.asker.id > 0 and await uow.followups.started(question.asker.id)
    if not private and await uow.offers.made_in_group(chat_id, now - WINDOW) >= HOURLY:
        return False
    if not await uow.offers.add(question.id, course.id, found.question.id, None if private else chat_id, now):
        return False  # offered already
    data = _data(question, found.question, answer, course)
    if private:
        await uow.outbox.put(Notice(question.asker.id, NoticeKind.OFFER, data), now)
    else:
        data["reply_to"] = question.ref.message_id
        await uow.outbox.put(Notice(chat_id, NoticeKind.OFFER, data, thread_id=question.ref.thread_id), now)
    return True


async def respond(
    uow: UnitOfWork, question_id: int, person: Person, accepted: bool, now: datetime
) -> tuple[Question, Question | None]:
    """The asker pressed "That answers it" (accepted) or "Not quite": their question, and the
    earlier one offered (None once forgotten), for the reply to name both."""
    async with uow:
        found = await uow.offers.get(question_id)
        if found is None:
            raise NotAllowed(alerts.BUTTON_GONE)
        question, outcome = found
        if question.asker.id != person.id:
            raise NotAllowed(N_("Only the person who asked can answer this."))
        if outcome is not None:
            raise NotFound(N_("You've already answered this."))
        earlier = await uow.offers.earlier_offered(question.id)
        if accepted and question.is_unresolved:
            await uow.questions.set_state(question.id, QuestionState.RESOLVED, person.id, now)
            # The alerts link the earlier question whose answer resolved it.
            await alerts.close(uow, question.id, "resolved", person, now, earlier.ref if earlier else None)
        await uow.offers.settle(question.id, ACCEPTED if accepted else DECLINED, now)
        await uow.commit()
    return question, earlier if earlier is not None and earlier.text else None


async def duplicate(
    uow: UnitOfWork,
    chat_id: int,
    person: Person,
    replied_to: int | None,
    earlier_at: MessageRef | None,
    now: datetime,
) -> tuple[Question, Question]:
    """/duplicate <link to the earlier question>, as a reply to the new question or its alert:
    a facilitator resolves it as a duplicate, and the asker is pointed to the earlier one."""
    if replied_to is None:
        raise ParseError(
            N_("Reply to the question (or its alert) with /duplicate and a link to the earlier question.")
        )
    if earlier_at is None:
        raise ParseError(
            N_(
                "Add the earlier question's link after /duplicate: in Telegram, copy it from that "
                "question (Copy Message Link)."
            )
        )
    async with uow:
        questions = await uow.questions.thread_of(chat_id, replied_to)
        if not questions:
            alerted = await uow.offers.question_alerted_at(chat_id, replied_to)
            questions = [alerted] if alerted is not None else []
        if not questions:
            raise NotFound(N_("That message isn't a question I'm tracking."))
        question = questions[0]
        if not await uow.courses.is_facilitator(question.course_id, person.id):
            raise NotAllowed(N_("Only a facilitator of this course can mark a duplicate."))
        at_link = await uow.questions.thread_of(earlier_at.chat_id, earlier_at.message_id)
        others = [q for q in at_link if q.id != question.id]
        earlier = next((q for q in others if q.course_id == question.course_id), None)
        if earlier is None and any(q.id == question.id for q in at_link):
            raise ParseError(N_("That link is to this same question: link to the earlier one it repeats."))
        if earlier is None:
            raise NotFound(N_("That link isn't a question of this course I'm tracking."))
        marked = await uow.offers.get(question.id)
        if marked is not None and marked[1] == DUPLICATE:
            raise NotAllowed(
                N_("That question is already marked as a duplicate: its asker was pointed there.")
            )
        course = await uow.courses.get(question.course_id)
        assert course is not None
        if question.state is not QuestionState.RESOLVED:
            await uow.questions.set_state(question.id, QuestionState.RESOLVED, person.id, now)
            await alerts.close(uow, question.id, DUPLICATE, person, now, earlier.ref)
        await uow.offers.mark_duplicate(question.id, course.id, earlier.id, now)
        data = _data(question, earlier, "", course)
        data["reply_to"] = question.ref.message_id
        data["earlier_answered"] = earlier.state is not QuestionState.OPEN  # else it is only asked before
        data["earlier_later"] = earlier.asked_at > question.asked_at  # pointed to one asked after it
        await uow.outbox.put(
            Notice(question.ref.chat_id, NoticeKind.DUPLICATE, data, thread_id=question.ref.thread_id), now
        )
        await uow.commit()
    return question, earlier
