"""Overdue questions: alerting facilitators once per SLA period, claims, snoozes, closing the loop.

A question's `next_alert_at` is when it next becomes overdue: its SLA after it was asked, again
one SLA after each alert or claim, or the end of a snooze. The tick asks only for questions whose
time has come, so its cost grows with what is due, not with what is stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from facilitation.acks import take_back_if_dismissed
from facilitation.errors import NotAllowed, NotFound
from facilitation.languages import N_
from facilitation.model import (
    Alert,
    Course,
    CourseSettings,
    MessageRef,
    Person,
    Question,
    QuestionState,
    Recipients,
)
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import course_facilitated, courses_run_by, require_facilitator

COMBINE_ABOVE = 5  # more due at once for a course: one combined message instead
SNOOZE = timedelta(hours=1)
BATCH = 200  # questions per transaction: a long write transaction stalls every other writer
MAX_BATCHES = 10  # per tick; whatever is left is still due at the next one
BUTTON_GONE = N_("That button isn't valid any more.")
# Why an alert's button does nothing: the alert's outcome, else its question's state.
SETTLED = {
    "open": N_("Nothing to do: that question is open."),
    "answered": N_("Nothing to do: that question is answered."),
    "resolved": N_("Nothing to do: that question is resolved."),
    "dismissed": N_("Nothing to do: that question is dismissed."),
    "withdrawn": N_("Nothing to do: that question is withdrawn."),
}


def in_quiet_hours(settings: CourseSettings, now: datetime) -> bool:
    if settings.quiet is None:
        return False
    return settings.quiet.contains(now.astimezone(ZoneInfo(settings.timezone)).time())


def quiet_hours_end(settings: CourseSettings, now: datetime) -> datetime | None:
    """When the quiet hours `now` falls in end, or None outside them."""
    if settings.quiet is None or not in_quiet_hours(settings, now):
        return None
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    end = datetime.combine(local.date(), settings.quiet.end, tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), settings.quiet.end, tzinfo=zone)
    return end.astimezone(now.tzinfo)


def question_data(question: Question, course: Course) -> dict[str, object]:
    """What an alert shows of a question, frozen when the alert is written."""
    return {
        "question_id": question.id,
        "course": course.tag,
        "asker": question.asker.name,
        "text": question.text[:300],
        "asked_at": question.asked_at.isoformat(),
        "chat_id": question.ref.chat_id,
        "message_id": question.ref.message_id,
        "thread_id": question.ref.thread_id,
        "not_yet": question.needs_follow_up,
    }


async def _alert_data(
    uow: UnitOfWork, question: Question, course: Course, helping: dict[int, list[Person]] | None = None
) -> dict[str, object]:
    """question_data; for a question the asker said is not solved, who answered it; and the peer
    helpers who said they'll answer it."""
    data = question_data(question, course)
    if question.needs_follow_up:
        data["answerers"] = [p.name for p in await uow.alerts.answerers(question.id)]
    on_it = (helping if helping is not None else await uow.helpers.on_it([question.id])).get(question.id)
    if on_it:
        data["helping"] = [p.name for p in on_it]
    return data


async def send_due(uow: UnitOfWork, now: datetime) -> int:
    """Alert every question that became overdue. Questions of a course in its quiet hours are
    held until those hours end, so they leave the due set and can't crowd out other courses."""
    sent = 0
    for _ in range(MAX_BATCHES):
        async with uow:
            due = await uow.alerts.due(now, BATCH)
            by_course: defaultdict[int, list[Question]] = defaultdict(list)
            for question in due:
                by_course[question.course_id].append(question)
            for course_id, questions in by_course.items():
                course = await uow.courses.get(course_id)
                if course is None:
                    continue
                held_until = quiet_hours_end(course.settings, now)
                if held_until is not None:
                    for question in questions:
                        await uow.alerts.defer(question.id, held_until)
                    continue
                sent += await _alert(uow, course, questions, now)
            await uow.commit()
        if len(due) < BATCH:
            break
    return sent


async def _alert(uow: UnitOfWork, course: Course, questions: list[Question], now: datetime) -> int:
    recipients = await uow.alerts.recipients(course.id)
    helping = await uow.helpers.on_it([q.id for q in questions])  # one read for the lot
    items = []
    for question in questions:
        alert_id, period = await uow.alerts.open(question, now, now + course.settings.sla)
        data = await _alert_data(uow, question, course, helping)
        items.append({"alert_id": alert_id, "period": period, **data})
    for chat_id, thread_id in recipients.destinations:
        if len(items) > COMBINE_ABOVE:
            data = {"course": course.tag, "items": items}
            await uow.outbox.put(Notice(chat_id, NoticeKind.ALERT_BATCH, data, thread_id), now)
            continue
        for item in items:
            notice = Notice(chat_id, NoticeKind.ALERT, item, thread_id, subject=f"alert:{item['alert_id']}")
            await uow.outbox.put(notice, now)
    await _nudge(uow, course, recipients, now)
    return len(items)


async def _nudge(uow: UnitOfWork, course: Course, recipients: Recipients, now: datetime) -> None:
    """Facilitators who never started the bot can't be messaged: say so once, in the group."""
    if recipients.alerts_chat_id or not recipients.to_nudge:
        return
    chats = await uow.courses.chats_of(course.id)
    if not chats:
        return
    names = [p.name for p in recipients.to_nudge]
    await uow.outbox.put(Notice(chats[0].id, NoticeKind.NUDGE, {"names": names, "course": course.tag}), now)
    await uow.alerts.mark_nudged(course.id, [p.id for p in recipients.to_nudge], now)


async def still_needs_help(uow: UnitOfWork, course: Course, question: Question, now: datetime) -> None:
    """The asker said the answers did not help (the question is open again): the facilitators
    hear it now, where alerts go, as an alert of its own; in quiet hours, when they end."""
    held_until = quiet_hours_end(course.settings, now)
    if held_until is not None:
        await uow.alerts.defer(question.id, held_until)
        return
    await _alert(uow, course, [question], now)


@dataclass(frozen=True)
class Pressed:
    """A facilitator pressed a button under an alert message."""

    alert_id: int
    action: str  # claim, snooze, dismiss
    person: Person
    chat_id: int
    message_id: int


async def press(uow: UnitOfWork, pressed: Pressed, now: datetime) -> Alert:
    async with uow:
        alert = await uow.alerts.get(pressed.alert_id)
        if alert is None or not await uow.alerts.delivered_to(alert.id, pressed.chat_id, pressed.message_id):
            raise NotAllowed(BUTTON_GONE)
        await require_facilitator(uow, alert.course, pressed.person.id)
        if alert.outcome or not alert.question.is_unresolved:
            settled = alert.outcome or alert.question.state.value
            raise NotFound(SETTLED.get(settled, SETTLED["answered"]))
        acted = await _act(uow, alert.course, alert.question, alert, pressed.action, pressed.person, now)
        await uow.commit()
    return acted or alert


async def act(
    uow: UnitOfWork,
    course: Course,
    question: Question,
    alert_id: int | None,
    action: str,
    person: Person,
    now: datetime,
) -> None:
    """What an alert's button does, asked for elsewhere (the dashboard), on the question's
    latest open alert when it has one; also `solve`, as /solved by a facilitator does. The
    caller has checked that the person facilitates the course."""
    if not question.is_unresolved:
        raise NotFound(SETTLED.get(question.state.value, SETTLED["answered"]))
    alert = await uow.alerts.get(alert_id) if alert_id is not None else None
    if alert is not None and alert.outcome:
        alert = None
    await _act(uow, course, question, alert, action, person, now)


async def _act(
    uow: UnitOfWork,
    course: Course,
    question: Question,
    alert: Alert | None,
    action: str,
    person: Person,
    now: datetime,
) -> Alert | None:
    if action == "claim":
        if alert is None:
            await _claim_unalerted(uow, course, question, person, now)
        else:
            alert = await _claim(uow, alert, person, now)
    elif action == "snooze":
        await uow.alerts.defer(question.id, now + SNOOZE)
    elif action == "dismiss":
        await uow.questions.set_state(question.id, QuestionState.DISMISSED, person.id, now)
        await close(uow, question.id, "dismissed", person, now)
        await take_back_if_dismissed(uow, [question.ref], now)
    elif action == "solve":
        await uow.questions.set_state(question.id, QuestionState.RESOLVED, person.id, now)
        await close(uow, question.id, "resolved", person, now)
    return alert


async def _claim_unalerted(
    uow: UnitOfWork, course: Course, question: Question, person: Person, now: datetime
) -> None:
    """Taken before it was ever alerted: no message to edit, and its first alert waits a full SLA."""
    claimer = await uow.alerts.claimer(question.id)
    if claimer is not None:
        if claimer.id == person.id:
            raise NotFound(N_("You've already taken it."))
        raise NotAllowed(N_("{name} has already taken it."), name=claimer.name)
    if not await uow.alerts.claim_question(question.id, person.id, now, now + course.settings.sla):
        raise NotAllowed(N_("Someone else has just taken it."))


async def _claim(uow: UnitOfWork, alert: Alert, person: Person, now: datetime) -> Alert:
    if alert.claimed_by is not None:
        if alert.claimed_by.id == person.id:
            raise NotFound(N_("You've already taken it."))
        raise NotAllowed(N_("{name} has already taken it."), name=alert.claimed_by.name)
    taken = await uow.alerts.claim(alert, person.id, now, now + alert.course.settings.sla)
    if not taken:
        raise NotAllowed(N_("Someone else has just taken it."))
    # Every message still offering "I'll take it" for this question says who took it.
    await _edit_messages(uow, taken, {"status": "claimed", "by": person.name}, now)
    return replace(alert, claimed_by=person, outcome=None)


async def close(
    uow: UnitOfWork,
    question_id: int,
    outcome: str,
    by: Person | None,
    now: datetime,
    earlier: MessageRef | None = None,
) -> None:
    """An answer, resolution or dismissal ends the question's alerts: every copy says so, and a
    duplicate's or an accepted earlier answer's (`earlier`: the question it repeats) links the
    earlier question."""
    closed = await uow.alerts.close(question_id, outcome)
    if closed:
        status: dict[str, object] = {"status": outcome, "by": by.name if by else None}
        if earlier is not None:
            status.update(
                earlier_chat_id=earlier.chat_id,
                earlier_message_id=earlier.message_id,
                earlier_thread_id=earlier.thread_id,
            )
        await _edit_messages(uow, closed, status, now)


async def _edit_messages(
    uow: UnitOfWork, alert_ids: list[int], status: dict[str, object], now: datetime
) -> None:
    for alert_id, chat_id, message_id in await uow.alerts.deliveries(alert_ids):
        alert = await uow.alerts.get(alert_id)
        if alert is None:
            continue
        data = {
            **await _alert_data(uow, alert.question, alert.course),
            "alert_id": alert_id,
            "period": alert.period,
            **status,
            "message_id_to_edit": message_id,
        }
        await uow.outbox.put(Notice(chat_id, NoticeKind.ALERT_EDIT, data), now)


async def show_helpers(uow: UnitOfWork, question_id: int, now: datetime) -> None:
    """A peer helper said they'll answer: the question's open alerts show who, buttons kept."""
    open_alerts = await uow.alerts.open_of(question_id)
    if open_alerts:
        await _edit_messages(uow, open_alerts, {"status": "helping"}, now)


async def route_here(
    uow: UnitOfWork, person_id: int, tags: list[str], chat_id: int | None, thread_id: int | None = None
) -> Course:
    """/alerts_here: a course's alerts and digests go to this chat (this forum topic of it, when
    given); None sends them privately."""
    async with uow:
        course = await course_facilitated(uow, person_id, tags)
        if chat_id is not None:  # alerts name learners and quote them: not for another course's chat
            for attached in await uow.courses.attachments(chat_id):
                if not await uow.courses.is_facilitator(attached.course.id, person_id):
                    raise NotAllowed(
                        N_(
                            "This chat belongs to {other}, which you don't facilitate, so "
                            "{course}'s alerts can't come here. Use a chat of your facilitators."
                        ),
                        other=attached.course.tag,
                        course=course.tag,
                    )
        await uow.alerts.route(course.id, chat_id, thread_id if chat_id is not None else None)
        await uow.commit()
    return course


async def unanswered(
    uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str], limit: int = 50
) -> list[tuple[Course, list[Question]]]:
    """/unanswered: every open question of the person's courses, oldest first."""
    async with uow:
        courses = await courses_run_by(uow, chat_id, person_id, tags)
        questions = await uow.alerts.unanswered([c.id for c in courses], limit)
    return [(c, [q for q in questions if q.course_id == c.id]) for c in courses]
