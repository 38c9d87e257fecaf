"""/search: earlier questions and their answers, from the courses the person is part of."""

from __future__ import annotations

from dataclasses import dataclass

from facilitation.errors import NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Course, Found, Person
from facilitation.ports import UnitOfWork
from facilitation.questions import one_per_message
from facilitation.search_terms import terms

IN_PRIVATE = 10  # results for a person alone
IN_GROUP = 3  # a reply everyone in the group reads: short
USAGE = N_("Write what to look for after the command, for example: /search vpn password")
COMMON = N_("“{text}” is only common words: try more specific ones, for example /search vpn password")


@dataclass(frozen=True)
class Results:
    words: list[str]
    courses: list[Course]  # where it looked
    found: list[Found]


async def search(uow: UnitOfWork, chat_id: int, person: Person, text: str, private: bool) -> Results:
    """In private, every course the person learns in or facilitates; in a group, the group's
    courses (everyone in it reads them already)."""
    words = terms(text)
    if not words and any(c.isalnum() for c in text):  # words, all too common to tell anything apart
        raise ParseError(COMMON, text=text.strip()[:40])
    if not words:
        raise ParseError(USAGE)
    async with uow:
        if private:
            courses = await _courses_of(uow, person.id)
            if not courses:
                raise NotFound(
                    N_("You aren't part of a course yet: once you post in one, /search looks there.")
                )
        else:
            courses = [a.course for a in await uow.courses.attachments(chat_id)]
            if not courses:
                raise NotFound(
                    N_("This chat isn't attached to a course yet. A chat admin can run /setup #tag.")
                )
        limit = IN_PRIVATE if private else IN_GROUP
        # A message naming several courses is stored once per course: shown once.
        found = await uow.search.search(courses, words, limit * 2)
    unique = {q.id for q in one_per_message(f.question for f in found)}
    return Results(words, courses, [f for f in found if f.question.id in unique][:limit])


async def _courses_of(uow: UnitOfWork, person_id: int) -> list[Course]:
    courses = {c.id: c for c in await uow.learners.courses_of(person_id)}
    courses.update({c.id: c for c in await uow.courses.facilitated_by(person_id)})
    return sorted(courses.values(), key=lambda c: c.hashtag)
