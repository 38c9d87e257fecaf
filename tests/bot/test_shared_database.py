"""Several Flock processes share one database: what one process remembers between messages must
not outlive a change another process made."""

from __future__ import annotations

from sqlalchemy import text

from tests.builders import group, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
BEN = user(12, "Ben")
CHAT = group(-1001500, "Onboarding 2026")


async def elsewhere(flock: Harness, sql: str) -> None:
    """A change made by another process: straight to the database, past this one's memory."""
    async with flock.flock.sessions() as session, session.begin():
        await session.execute(text(sql))


async def test_a_course_detached_by_another_process_no_longer_tracks_the_chat(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHAT, BEN, "Good morning all"))  # the chat's courses, read
    await elsewhere(flock, "update attachments set active = false")

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "#q Where are the slides from day one?"))

    assert calls == []  # no reaction
    assert await flock.rows("select count(*) from questions") == [(0,)]
    assert await flock.rows("select posts from learners where person_id = 12") == [(1,)]


async def test_a_new_name_is_stored_with_the_next_message(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHAT, BEN, "Good morning all"))
    renamed = {**BEN, "first_name": "Benjamin"}
    await flock.send(flock.telegram.post(CHAT, renamed, "I go by Benjamin now"))

    assert await flock.rows("select name from people where id = 12") == [("Benjamin",)]
