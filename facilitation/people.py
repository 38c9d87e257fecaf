"""Use cases about the people Flock talks to in private."""

from __future__ import annotations

from datetime import datetime

from facilitation.model import Course, Person
from facilitation.ports import UnitOfWork


async def started(uow: UnitOfWork, person: Person, now: datetime) -> list[Course]:
    """The person opened a private chat with the bot; returns the courses they facilitate."""
    async with uow:
        await uow.people.seen(person, now)
        await uow.people.mark_started(person.id, now)
        courses = await uow.courses.facilitated_by(person.id)
        await uow.commit()
    return courses
