"""/export: everything a course collected, streamed row by row into files a facilitator keeps.

The reader streams rows out of storage, the sink (the bot's zip writer) writes them as they
come, and nothing holds a whole course in memory. This module decides who may export what,
and in which order the parts are written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from facilitation.model import Answer, Course, Introduction, Person, Question, QuestionState, Story
from facilitation.ports import UnitOfWork
from facilitation.scope import course_facilitated

STORIES = 10_000  # a course's stories are few: read at once, newest first


@dataclass(frozen=True)
class QuestionLine:
    """A question with one of its answers, or with none when nobody answered."""

    question: Question
    answer: Answer | None


@dataclass(frozen=True)
class IntroductionLine:
    introduction: Introduction
    replaced_at: datetime | None

    @property
    def current(self) -> bool:
        return self.replaced_at is None


@dataclass(frozen=True)
class LearnerLine:
    person: Person
    posts: int
    first_seen: datetime
    last_seen: datetime
    introduced: bool
    facilitator: bool


@dataclass(frozen=True)
class ExportCounts:
    questions: dict[QuestionState, int]
    answers: int
    learners: int
    introduced: int  # learners with a current introduction
    introductions: int  # every version, replaced ones too


@dataclass(frozen=True)
class ExportSummary:
    course: Course
    facilitators: list[Person]
    counts: ExportCounts
    made_at: datetime


class ExportReader(Protocol):
    def question_lines(self, course_id: int) -> AsyncIterator[QuestionLine]: ...
    def introductions(self, course_id: int) -> AsyncIterator[IntroductionLine]: ...
    def learners(self, course_id: int) -> AsyncIterator[LearnerLine]: ...
    def unresolved(self, course_id: int) -> AsyncIterator[Question]: ...
    async def counts(self, course_id: int) -> ExportCounts: ...


class ExportSink(Protocol):
    async def begin(self, course: Course) -> None: ...
    async def questions(self, lines: AsyncIterator[QuestionLine]) -> None: ...
    async def introductions(self, lines: AsyncIterator[IntroductionLine]) -> None: ...
    async def learners(self, lines: AsyncIterator[LearnerLine]) -> None: ...
    async def stories(self, stories: list[Story]) -> None: ...
    async def report(self, summary: ExportSummary, unresolved: AsyncIterator[Question]) -> None: ...


async def export(
    uow: UnitOfWork,
    person_id: int,
    tags: list[str],
    sink: ExportSink,
    now: datetime,
) -> ExportSummary:
    """The course the facilitator names (or the only one they run), written part by part."""
    async with uow:
        course = await course_facilitated(uow, person_id, tags)
        reader = uow.export
        await sink.begin(course)
        await sink.questions(reader.question_lines(course.id))
        await sink.introductions(reader.introductions(course.id))
        await sink.learners(reader.learners(course.id))
        await sink.stories(await uow.stories.of_course(course.id, STORIES))
        summary = ExportSummary(
            course, await uow.courses.facilitators(course.id), await reader.counts(course.id), now
        )
        await sink.report(summary, reader.unresolved(course.id))
    return summary
