from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from facilitation.model import Alert, Person, Question, QuestionState, Recipients
from storage import mapping
from storage.models import AlertRow, AnswerRow, CourseRow, FacilitatorRow, OutboxRow, PersonRow, QuestionRow
from storage.repositories.base import Repository

_OPEN = QuestionState.OPEN.value
_ALERT_KINDS = ("alert",)


def _subject(alert_id: int) -> str:
    return f"alert:{alert_id}"


class SqlAlerts(Repository):
    async def due(self, now: datetime, limit: int) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(QuestionRow.state == _OPEN, QuestionRow.next_alert_at <= now)
            .order_by(QuestionRow.next_alert_at, QuestionRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=QuestionRow)  # another process has these
        )
        return [mapping.question(q, p) for q, p in rows]

    async def open(self, question: Question, now: datetime, next_alert_at: datetime) -> tuple[int, int]:
        """The new alert's id and period (1 for the first, 2 for the first reminder…)."""
        row = await self.session.get_one(QuestionRow, question.id, with_for_update=True)
        row.alerts_sent += 1
        row.next_alert_at = next_alert_at
        alert = AlertRow(
            question_id=question.id, course_id=question.course_id, period=row.alerts_sent, created_at=now
        )
        self.session.add(alert)
        await self.session.flush()
        return alert.id, alert.period

    async def get(self, alert_id: int) -> Alert | None:
        found = (
            await self.session.execute(
                select(AlertRow, QuestionRow, CourseRow, PersonRow)
                .join(QuestionRow, QuestionRow.id == AlertRow.question_id)
                .join(CourseRow, CourseRow.id == AlertRow.course_id)
                .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
                .where(AlertRow.id == alert_id)
            )
        ).first()
        if found is None:
            return None
        alert, question, course, asker = found
        claimer = None
        if alert.claimed_by is not None:
            claimer = mapping.person(await self.session.get(PersonRow, alert.claimed_by), alert.claimed_by)
        return Alert(
            alert.id,
            mapping.course(course),
            mapping.question(question, asker),
            claimer,
            alert.outcome,
            alert.period,
        )

    async def delivered_to(self, alert_id: int, chat_id: int, message_id: int) -> bool:
        found = await self.session.scalar(
            select(OutboxRow.id).where(
                OutboxRow.subject == _subject(alert_id),
                OutboxRow.chat_id == chat_id,
                OutboxRow.message_id == message_id,
            )
        )
        return found is not None

    async def deliveries(self, alert_ids: Sequence[int]) -> list[tuple[int, int, int]]:
        """(alert id, chat id, message id) of every alert message that reached a chat."""
        if not alert_ids:
            return []
        rows = await self.session.execute(
            select(OutboxRow.subject, OutboxRow.chat_id, OutboxRow.message_id).where(
                OutboxRow.subject.in_([_subject(a) for a in alert_ids]),
                OutboxRow.kind.in_(_ALERT_KINDS),
                OutboxRow.message_id.is_not(None),
            )
        )
        return [
            (int(str(subject).split(":")[1]), chat, message)
            for subject, chat, message in rows
            if subject is not None and message is not None
        ]

    async def claim(self, alert: Alert, person_id: int, now: datetime, next_alert_at: datetime) -> list[int]:
        """The alerts now taken: the pressed one and the question's other open, unclaimed ones
        (a repeat sent before anyone pressed). Empty when someone else claimed it first (two
        presses racing in two processes)."""
        result = await self.session.execute(
            update(AlertRow)
            .where(AlertRow.id == alert.id, AlertRow.claimed_by.is_(None))
            .values(claimed_by=person_id, claimed_at=now)
        )
        if not getattr(result, "rowcount", 0):
            return []
        others = list(
            await self.session.scalars(
                select(AlertRow.id).where(
                    AlertRow.question_id == alert.question.id,
                    AlertRow.id != alert.id,
                    AlertRow.outcome.is_(None),
                    AlertRow.claimed_by.is_(None),
                )
            )
        )
        if others:
            await self.session.execute(
                update(AlertRow)
                .where(AlertRow.id.in_(others), AlertRow.claimed_by.is_(None))
                .values(claimed_by=person_id, claimed_at=now)
            )
        await self.session.execute(
            update(QuestionRow)
            .where(QuestionRow.id == alert.question.id)
            .values(claimed_by=person_id, claimed_at=now, next_alert_at=next_alert_at)
        )
        return sorted([alert.id, *others])

    async def defer(self, question_id: int, until: datetime) -> None:
        await self.session.execute(
            update(QuestionRow).where(QuestionRow.id == question_id).values(next_alert_at=until)
        )

    async def close(self, question_id: int, outcome: str) -> list[int]:
        ids = list(
            await self.session.scalars(
                select(AlertRow.id).where(AlertRow.question_id == question_id, AlertRow.outcome.is_(None))
            )
        )
        if ids:
            await self.session.execute(update(AlertRow).where(AlertRow.id.in_(ids)).values(outcome=outcome))
        return ids

    async def open_of(self, question_id: int) -> list[int]:
        found = await self.session.scalars(
            select(AlertRow.id).where(
                AlertRow.question_id == question_id, AlertRow.outcome.is_(None), AlertRow.claimed_by.is_(None)
            )
        )
        return list(found)

    async def recipients(self, course_id: int) -> Recipients:
        routed = (
            await self.session.execute(
                select(CourseRow.alerts_chat_id, CourseRow.alerts_thread_id).where(CourseRow.id == course_id)
            )
        ).first()
        chat_id, thread_id = routed if routed is not None else (None, None)
        rows = await self.session.execute(
            select(FacilitatorRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == FacilitatorRow.person_id)
            .where(FacilitatorRow.course_id == course_id)
            .order_by(FacilitatorRow.added_at)
        )
        started: list[Person] = []
        to_nudge: list[Person] = []
        for facilitator, person in rows:
            who = mapping.person(person, facilitator.person_id)
            if person is not None and person.started_at is not None:
                started.append(who)
            elif facilitator.nudged_at is None:
                to_nudge.append(who)
        return Recipients(chat_id, started, to_nudge, thread_id)

    async def mark_nudged(self, course_id: int, person_ids: Sequence[int], now: datetime) -> None:
        await self.session.execute(
            update(FacilitatorRow)
            .where(FacilitatorRow.course_id == course_id, FacilitatorRow.person_id.in_(person_ids))
            .values(nudged_at=now)
        )

    async def route(self, course_id: int, chat_id: int | None, thread_id: int | None) -> None:
        await self.session.execute(
            update(CourseRow)
            .where(CourseRow.id == course_id)
            .values(alerts_chat_id=chat_id, alerts_thread_id=thread_id)
        )

    async def reschedule(self, course_id: int, sla: timedelta) -> None:
        """A new SLA applies to every open question: one SLA after it was asked, or after its last
        alert or claim, whichever came last, so a shorter SLA is not held back by the old one."""
        last_alert = (
            select(AlertRow.question_id, func.max(AlertRow.created_at).label("at"))
            .where(AlertRow.course_id == course_id)
            .group_by(AlertRow.question_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(QuestionRow.id, QuestionRow.asked_at, QuestionRow.claimed_at, last_alert.c.at)
            .outerjoin(last_alert, last_alert.c.question_id == QuestionRow.id)
            .where(QuestionRow.course_id == course_id, QuestionRow.state == _OPEN)
        )
        for question_id, asked_at, claimed_at, alerted_at in rows.all():
            since = max(t for t in (asked_at, claimed_at, alerted_at) if t is not None)
            await self.session.execute(
                update(QuestionRow).where(QuestionRow.id == question_id).values(next_alert_at=since + sla)
            )

    async def unanswered(self, course_ids: Sequence[int], limit: int) -> list[Question]:
        rows = await self.session.execute(
            select(QuestionRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(QuestionRow.course_id.in_(course_ids), QuestionRow.state == _OPEN)
            .order_by(QuestionRow.asked_at, QuestionRow.id)
            .limit(limit)
        )
        return [mapping.question(q, p) for q, p in rows]

    async def answerers(self, question_id: int) -> list[Person]:
        rows = await self.session.execute(
            select(AnswerRow.answerer_id, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == AnswerRow.answerer_id)
            .where(AnswerRow.question_id == question_id)
            .order_by(AnswerRow.answered_at, AnswerRow.id)
        )
        found: dict[int, Person] = {}
        for answerer_id, person in rows:
            found.setdefault(answerer_id, mapping.person(person, answerer_id))
        return list(found.values())

    async def claimer(self, question_id: int) -> Person | None:
        claimed_by = await self.session.scalar(
            select(QuestionRow.claimed_by).where(QuestionRow.id == question_id)
        )
        if claimed_by is None:
            return None
        return mapping.person(await self.session.get(PersonRow, claimed_by), claimed_by)

    async def claim_question(
        self, question_id: int, person_id: int, now: datetime, next_alert_at: datetime
    ) -> bool:
        result = await self.session.execute(
            update(QuestionRow)
            .where(QuestionRow.id == question_id, QuestionRow.claimed_by.is_(None))
            .values(claimed_by=person_id, claimed_at=now, next_alert_at=next_alert_at)
        )
        return bool(getattr(result, "rowcount", 0))
