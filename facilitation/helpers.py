"""Peer helpers: learners who agreed to be pointed at questions they may know about.

After their introduction (at the next tick) a learner who has started the bot is asked once,
privately, whether Flock may ping them ("Yes, ping me" / "No thanks"); `/helper on|off|topics`
changes it later.
When a question has waited the course's nudge time unanswered (`/settings nudge`, half the SLA
unless set), the tick asks up to two opted-in helpers whose introduction, topics or past answers
share the most words with it. Nobody who shares nothing, never the asker or a facilitator (they
get the alert), at most DAILY_ASKS a helper a day. In the course's quiet hours the ask waits
until they end. Each question carries the time its helpers are due (`helpers_due_at`, set when
it is stored), so the tick's cost grows with what is due, not with what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from facilitation import alerts
from facilitation.alerts import quiet_hours_end
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.matching import stems
from facilitation.model import Course, Helper, HelperProfile, Person, Question, QuestionState
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import learner_course

PER_QUESTION = 2
DAILY_ASKS = 3  # per helper, over the last 24 hours, every course together
DAY = timedelta(days=1)
WINDOW = timedelta(days=1)  # an introduction this recent gets its invitation
BATCH = 100
MAX_TOPICS = 300
HELPER_USAGE = N_(
    "<code>/helper on</code> — I may ping you about questions you may know\n"
    "<code>/helper off</code> — I won't\n"
    "<code>/helper topics Python, SQL, Git</code> — what you'd like to be asked about"
)


def _match(question: str, profile: HelperProfile) -> int:
    """How many of the question's stems the helper's introduction, topics or answers share."""
    said = " ".join(filter(None, [profile.introduction, profile.topics, *profile.answers]))
    return len(stems(question) & stems(said))


def best(question: str, profiles: list[HelperProfile], limit: int = PER_QUESTION) -> list[HelperProfile]:
    """The helpers whose profile shares most with the question, those with asks left today; one
    that shares nothing is never chosen. Ties go to the one asked least today."""
    scored = [(_match(question, p), p) for p in profiles if p.asks_today < DAILY_ASKS]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1].asks_today, s[1].person.id))
    return [p for _, p in ranked[:limit]]


async def invite_due(uow: UnitOfWork, now: datetime) -> int:
    """The tick: ask each learner who introduced themselves lately, and has started the bot (Flock
    can't write first to anyone else), once per course whether they'd help. Read here rather
    than when the introduction is stored, to keep the inbox batch free of this lookup."""
    async with uow:
        found = await uow.helpers.uninvited(now - WINDOW, BATCH)
        for course, person_id in found:
            await uow.helpers.invite(course.id, person_id, now)
            data = {"course_id": course.id, "course": course.tag, "title": course.title}
            await uow.outbox.put(Notice(person_id, NoticeKind.HELPER_INVITE, data), now)
        await uow.commit()
    return len(found)


async def answer_invite(uow: UnitOfWork, course_id: int, person: Person, yes: bool, now: datetime) -> Course:
    """ "Yes, ping me" / "No thanks" under the invitation: only the person invited can answer."""
    async with uow:
        course = await uow.courses.get(course_id)
        if course is None or await uow.helpers.get(course_id, person.id) is None:
            raise NotAllowed(alerts.BUTTON_GONE)
        await uow.helpers.choose(course_id, person.id, yes, now)
        await uow.commit()
    return course


@dataclass(frozen=True)
class Change:
    action: str  # on, off, topics
    topics: str | None = None


async def change(uow: UnitOfWork, person: Person, wanted: Change, tags: list[str], now: datetime) -> Helper:
    """/helper on|off|topics, in private: for the course named, or the only one they are in."""
    topics = (wanted.topics or "").strip()[:MAX_TOPICS] or None
    if wanted.action == "topics" and topics is None:
        raise ParseError(N_("Write your topics after the command: /helper topics Python, SQL, Git"))
    async with uow:
        course = await learner_course(uow, person.id, tags)
        await uow.people.mark_started(person.id, now)  # they wrote to Flock: it can write back
        if wanted.action == "topics":  # naming topics says yes, too
            await uow.helpers.set_topics(course.id, person.id, topics, now)
        else:
            await uow.helpers.choose(course.id, person.id, wanted.action == "on", now)
        helper = await uow.helpers.get(course.id, person.id)
        await uow.commit()
    assert helper is not None
    return helper


async def mine(uow: UnitOfWork, person_id: int) -> list[Helper]:
    async with uow:
        return await uow.helpers.of_person(person_id)


async def ask_due(uow: UnitOfWork, now: datetime) -> int:
    """The tick: invitations first, then each question that has waited its course's nudge time
    unanswered is pointed at its best helpers; in its course's quiet hours it waits until they end."""
    asked = await invite_due(uow, now)
    async with uow:
        courses: dict[int, Course | None] = {}
        for question in await uow.helpers.due(now, BATCH):
            if question.course_id not in courses:
                courses[question.course_id] = await uow.courses.get(question.course_id)
            course = courses[question.course_id]
            held_until = quiet_hours_end(course.settings, now) if course else None
            if held_until is not None:
                await uow.helpers.defer(question.id, held_until)
            elif course is not None:
                asked += await _ask(uow, course, question, now)
        await uow.commit()
    return asked


async def _ask(uow: UnitOfWork, course: Course, question: Question, now: datetime) -> int:
    await uow.helpers.considered(question.id)
    running = [p.id for p in await uow.courses.facilitators(course.id)]
    profiles = await uow.helpers.candidates(course.id, [question.asker.id, *running], now - DAY)
    chosen = best(question.text, profiles)
    for helper in chosen:
        await uow.helpers.ask(question.id, helper.person.id, now)
        data = {**alerts.question_data(question, course), "title": course.title}
        notice = Notice(helper.person.id, NoticeKind.HELPER_ASK, data, subject=f"helper:{question.id}")
        await uow.outbox.put(notice, now)
    return len(chosen)


async def respond(
    uow: UnitOfWork, question_id: int, person: Person, answering: bool, now: datetime
) -> Question:
    """ "I'll answer" / "Not for me" under an ask: only the helper asked can press them. "I'll
    answer" shows on the facilitators' open alerts for the question."""
    async with uow:
        found = await uow.followups.get(question_id)
        if found is None or not await uow.helpers.respond(
            question_id, person.id, "answering" if answering else "declined", now
        ):
            raise NotAllowed(alerts.BUTTON_GONE)
        question = found[0]
        if answering and question.state in (QuestionState.RESOLVED, QuestionState.DISMISSED):
            raise NotFound(alerts.SETTLED[question.state.value])
        if answering:
            await alerts.show_helpers(uow, question_id, now)
        await uow.commit()
    return question
