"""Migration 0009 makes board numbers unique per session: numbers given twice before it (two
processes adding questions at once) are renumbered, the first asked keeping its own."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from alembic import command
from storage.migrations import alembic_config, upgrade
from tests.builders import group, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
CHAT = group(-1001500, "Onboarding 2026")


async def test_numbers_given_twice_are_renumbered_after_the_last(flock: Harness, database_url: str) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers" tomorrow 15:00'))
    for n in range(1, 5):
        flock.clock.advance(minutes=1)
        await flock.send(flock.telegram.post(CHAT, user(100 + n, f"Learner {n}"), f"/askguest Question {n}?"))
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0008")
    async with flock.flock.sessions() as session, session.begin():  # as the race left them
        await session.execute(text("UPDATE session_questions SET number = 1 WHERE text <> 'Question 3?'"))

    await upgrade(database_url)

    assert await flock.rows("SELECT text, number FROM session_questions ORDER BY asked_at") == [
        ("Question 1?", 1),
        ("Question 2?", 4),
        ("Question 3?", 3),
        ("Question 4?", 5),
    ]
