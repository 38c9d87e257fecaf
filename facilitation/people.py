"""Use cases about the people Flock talks to in private."""

from __future__ import annotations

from datetime import datetime

from facilitation import languages
from facilitation.errors import FlockError, NotFound
from facilitation.languages import N_
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


async def choose_language(uow: UnitOfWork, person: Person, typed: str, now: datetime) -> str | None:
    """/language fr|en|auto in private; returns the choice (None: the app's language)."""
    chosen = languages.choice(typed)
    async with uow:
        await uow.people.seen(person, now)
        await uow.people.choose_language(person.id, chosen)
        await uow.commit()
    return chosen


async def language_chosen(uow: UnitOfWork, person: Person) -> str | None:
    async with uow:
        return await uow.people.language_chosen(person.id)


async def named(
    uow: UnitOfWork, target: Person | str, command: str | None, now: datetime | None = None
) -> Person:
    """The person a command is about: the author of the message it replied to (recorded as seen
    when `now` is given), or someone Flock has seen under the given @username. `command`: the
    one to reply with instead (None: "the command")."""
    if isinstance(target, Person):
        if target.id <= 0:
            raise FlockError(N_("That message was sent anonymously; I can't tell who wrote it."))
        if now is not None:
            await uow.people.seen(target, now)
        return target
    person = await uow.people.by_username(target.lstrip("@"))
    if person is None:
        username = target.lstrip("@")[:32]
        if command is None:
            raise NotFound(
                N_(
                    "I haven't seen @{username} yet. Reply to one of their messages with the command instead."
                ),
                username=username,
            )
        raise NotFound(
            N_("I haven't seen @{username} yet. Reply to one of their messages with {command} instead."),
            username=username,
            command=command,
        )
    return person
