"""Rows to domain objects and back."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from facilitation.model import (
    Answer,
    Consent,
    Course,
    CourseSettings,
    Detection,
    Introduction,
    MessageRef,
    Person,
    Question,
    QuestionState,
    QuietHours,
    Story,
)
from storage.models import AnswerRow, CourseRow, IntroductionRow, PersonRow, QuestionRow, StoryRow


def person(row: PersonRow | None, person_id: int) -> Person:
    if row is None:  # a person whose row was never written: show the id rather than fail
        return Person(person_id, f"user {person_id}")
    return Person(row.id, row.name, row.username)


def course(row: CourseRow) -> Course:
    quiet = None
    if row.quiet_start and row.quiet_end:
        quiet = QuietHours(time.fromisoformat(row.quiet_start), time.fromisoformat(row.quiet_end))
    settings = CourseSettings(
        sla=timedelta(seconds=row.sla_seconds),
        timezone=row.timezone,
        quiet=quiet,
        digest_at=time.fromisoformat(row.digest_at) if row.digest_on else None,
        detect=Detection(row.detect),
        retention=timedelta(seconds=row.retention_seconds) if row.retention_seconds else None,
        language=row.language,
        starts_on=date.fromisoformat(row.starts_on) if row.starts_on else None,
        nudge=None if row.nudge_seconds is None else timedelta(seconds=row.nudge_seconds),
        highlights=row.highlights_on,
    )
    return Course(row.id, row.hashtag, row.title, settings)


def write_settings(row: CourseRow, settings: CourseSettings) -> None:
    row.sla_seconds = int(settings.sla.total_seconds())
    row.timezone = settings.timezone
    row.quiet_start = settings.quiet.start.strftime("%H:%M") if settings.quiet else None
    row.quiet_end = settings.quiet.end.strftime("%H:%M") if settings.quiet else None
    row.digest_on = settings.digest_at is not None
    if settings.digest_at is not None:  # off keeps the time it had
        row.digest_at = settings.digest_at.strftime("%H:%M")
    row.detect = settings.detect.value
    row.retention_seconds = int(settings.retention.total_seconds()) if settings.retention else None
    row.language = settings.language
    row.starts_on = settings.starts_on.isoformat() if settings.starts_on else None
    row.nudge_seconds = None if settings.nudge is None else int(settings.nudge.total_seconds())
    row.highlights_on = settings.highlights


def question(row: QuestionRow, asker: PersonRow | None) -> Question:
    return Question(
        id=row.id,
        course_id=row.course_id,
        asker=person(asker, row.asker_id),
        text=row.text,
        state=QuestionState(row.state),
        asked_at=row.asked_at,
        ref=MessageRef(row.chat_id, row.message_id, row.thread_id),
        first_answered_at=row.first_answered_at,
        resolved_at=row.resolved_at,
        needs_follow_up=row.needs_follow_up,
    )


def answer(row: AnswerRow, answerer: PersonRow | None) -> Answer:
    return Answer(
        id=row.id,
        question_id=row.question_id,
        answerer=person(answerer, row.answerer_id),
        text=row.text,
        answered_at=row.answered_at,
        ref=MessageRef(row.chat_id, row.message_id, row.thread_id),
        by_facilitator=row.by_facilitator,
    )


def introduction(row: IntroductionRow, author: PersonRow | None) -> Introduction:
    ref = None
    if row.chat_id is not None and row.message_id is not None:
        ref = MessageRef(row.chat_id, row.message_id)
    return Introduction(row.id, row.course_id, person(author, row.person_id), row.text, row.posted_at, ref)


def story(
    row: StoryRow,
    showcase: MessageRef | None = None,
    username: str | None = None,
    sent_at: datetime | None = None,
) -> Story:
    """A story as stored; its showcase post (and the showcase's public name) when the caller read them."""
    return Story(
        row.id,
        row.course_id,
        MessageRef(row.chat_id, row.message_id, row.thread_id),
        Person(row.author_id, row.author_name),
        row.text,
        row.posted_at,
        Consent(row.consent),
        showcase,
        username,
        sent_at,
        (row.media_kind, row.file_id) if row.media_kind and row.file_id else None,
    )
