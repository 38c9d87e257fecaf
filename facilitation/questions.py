"""Use cases for questions asked by command, resolved, dismissed and listed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from facilitation import alerts, offers
from facilitation.acks import Ack, react, take_back_if_dismissed
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Course, MessageRef, Person, Question, QuestionState
from facilitation.ports import UnitOfWork
from facilitation.scope import course_for_command

LIST_LIMIT = 30
MAX_QUESTION = 4000


@dataclass(frozen=True)
class ChatQuestions:
    open: list[Question]
    answered: list[Question]
    hashtags: list[str]  # the chat's courses', left out of the excerpts


async def ask(
    uow: UnitOfWork,
    chat_id: int,
    asker: Person,
    text: str,
    tags: list[str],
    ref: MessageRef,
    now: datetime,
) -> Question:
    """/ask <text>: track a question even when it doesn't read like one."""
    if not text.strip():
        raise ParseError(N_("Write your question after the command: /ask How do I …?"))
    async with uow:
        course = await course_for_command(uow, chat_id, tags)
        await uow.people.seen(asker, now)
        await uow.learners.record_post(course.id, asker.id, now, ref)
        existing = [
            q for q in await uow.questions.asked_at(chat_id, ref.message_id) if q.course_id == course.id
        ]
        if existing:
            question = existing[0]
        else:
            question = await uow.questions.add(
                course.id,
                asker,
                text.strip()[:MAX_QUESTION],
                ref,
                now,
                now + course.settings.sla,
                course.settings.helpers_due(now),
            )
            await react(uow, ref, Ack.QUESTION, now)
            await offers.offer(uow, course, question, now)
        await uow.commit()
    return question


async def solve(
    uow: UnitOfWork, chat_id: int, person: Person, replied_to: int | None, now: datetime
) -> list[Question]:
    """/solved as a reply to a question or one of its answers: by the asker or a facilitator."""
    async with uow:
        questions = await _thread(uow, chat_id, replied_to, "/solved")
        solvable = [q for q in questions if await _may_close(uow, q, person.id)]
        if not solvable:
            raise NotAllowed(N_("Only the person who asked, or a facilitator, can mark it solved."))
        if all(q.state is QuestionState.RESOLVED for q in solvable):
            raise NotFound(N_("That question is already marked solved."))
        for question in solvable:  # also a dismissed one: the asker or a facilitator says otherwise
            if question.state is not QuestionState.RESOLVED:
                await uow.questions.set_state(question.id, QuestionState.RESOLVED, person.id, now)
                await alerts.close(uow, question.id, "resolved", person, now)
        await uow.commit()
    return solvable


async def dismiss(
    uow: UnitOfWork, chat_id: int, person: Person, replied_to: int | None, now: datetime
) -> list[Question]:
    """/dismiss as a reply: a facilitator says the tracked message is not a question."""
    async with uow:
        questions = await _thread(uow, chat_id, replied_to, "/dismiss")
        allowed = [q for q in questions if await uow.courses.is_facilitator(q.course_id, person.id)]
        if not allowed:
            raise NotAllowed(N_("Only a facilitator of this course can dismiss a question."))
        for question in allowed:
            await uow.questions.set_state(question.id, QuestionState.DISMISSED, person.id, now)
            await alerts.close(uow, question.id, "dismissed", person, now)
        await take_back_if_dismissed(uow, [q.ref for q in allowed], now)
        await uow.commit()
    return allowed


async def _thread(uow: UnitOfWork, chat_id: int, replied_to: int | None, command: str) -> list[Question]:
    if replied_to is None:
        raise ParseError(N_("Reply to the question (or one of its answers) with {command}."), command=command)
    questions = await uow.questions.thread_of(chat_id, replied_to)
    if not questions:
        raise NotFound(N_("That message isn't a question I'm tracking."))
    return questions


async def _may_close(uow: UnitOfWork, question: Question, person_id: int) -> bool:
    return person_id == question.asker.id or await uow.courses.is_facilitator(question.course_id, person_id)


async def in_chat(
    uow: UnitOfWork, chat_id: int, thread_id: int | None = None, tags: Sequence[str] = ()
) -> ChatQuestions:
    """/questions: the chat's unresolved questions, or one forum topic's, or only those of the
    courses it names."""
    async with uow:
        attachments = await uow.courses.attachments(chat_id)
        if not attachments:
            raise NotFound(N_("This chat isn't attached to a course yet. A chat admin can run /setup #tag."))
        named = [a.course.id for a in attachments if a.course.hashtag in tags]
        if tags and not named:
            listed = ", ".join(a.course.tag for a in attachments)
            raise NotFound(
                N_("This chat doesn't carry #{tag}. Its courses: {listed}."), tag=tags[0][:64], listed=listed
            )
        found = await uow.questions.unresolved_in_chat(chat_id, LIST_LIMIT, thread_id, named or None)
    questions = one_per_message(found)
    return ChatQuestions(
        open=[q for q in questions if q.state is QuestionState.OPEN],
        answered=[q for q in questions if q.state is QuestionState.ANSWERED],
        hashtags=[a.course.hashtag for a in attachments],
    )


def one_per_message(questions: Iterable[Question]) -> list[Question]:
    """A message naming several tagged courses is stored once per course; people see it once."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for question in questions:
        at = (question.ref.chat_id, question.ref.message_id)
        if at not in seen:
            seen.add(at)
            kept.append(question)
    return kept


async def asked_by(uow: UnitOfWork, person_id: int) -> list[tuple[list[Course], Question]]:
    """/mine: each question once, with every course its message names."""
    async with uow:
        found = await uow.questions.asked_by(person_id, LIST_LIMIT)
    by_message: dict[tuple[int, int], tuple[list[Course], Question]] = {}
    for course, question in found:
        courses, _ = by_message.setdefault((question.ref.chat_id, question.ref.message_id), ([], question))
        courses.append(course)
    return [(sorted(courses, key=lambda c: c.id), q) for courses, q in by_message.values()]
