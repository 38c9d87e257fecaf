"""Use cases for introductions: introducing yourself, reading them back, the roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitation.acks import Ack, react
from facilitation.errors import ParseError
from facilitation.languages import N_
from facilitation.model import Course, Introduction, MessageRef, Person, RosterEntry
from facilitation.ports import UnitOfWork
from facilitation.scope import course_for_command, courses_run_by, learner_course

MAX_INTRO = 4000


@dataclass(frozen=True)
class Roster:
    course: Course
    entries: list[RosterEntry]

    @property
    def introduced(self) -> list[RosterEntry]:
        return [e for e in self.entries if e.introduction is not None]

    @property
    def silent(self) -> list[RosterEntry]:
        """Posted, but never introduced themselves."""
        return [e for e in self.entries if e.introduction is None]


async def introduce(
    uow: UnitOfWork,
    chat_id: int | None,
    person: Person,
    text: str,
    tags: list[str],
    ref: MessageRef | None,
    now: datetime,
) -> tuple[Course, Introduction]:
    """/intro <text>: in a course chat, or in private naming (or implying) the course."""
    text = text.strip()
    if not text:
        raise ParseError(N_("Write your introduction after the command: /intro Hi, I'm …"))
    async with uow:
        course = await (
            course_for_command(uow, chat_id, tags)
            if chat_id is not None
            else learner_course(uow, person.id, tags)
        )
        await uow.people.seen(person, now)
        await uow.learners.record_post(course.id, person.id, now, ref)
        intro = await uow.introductions.replace(course.id, person, text[:MAX_INTRO], ref, now)
        if ref is not None:
            await react(uow, ref, Ack.INTRODUCTION, now)
        await uow.commit()
    return course, intro


async def mine(uow: UnitOfWork, person_id: int) -> list[tuple[Course, Introduction]]:
    async with uow:
        return await uow.introductions.current_of(person_id)


async def rosters(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> list[Roster]:
    async with uow:
        courses = await courses_run_by(uow, chat_id, person_id, tags)
        rosters = []
        for course in courses:
            running = {p.id for p in await uow.courses.facilitators(course.id)}
            entries = await uow.learners.roster(course.id)
            rosters.append(Roster(course, [e for e in entries if e.person.id not in running]))
        return rosters
