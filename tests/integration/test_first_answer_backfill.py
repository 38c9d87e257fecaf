"""Migration 0027 keeps on each question whether its first answer came from a facilitator:
questions answered before it get it from their earliest answer, as /stats reads it."""

from __future__ import annotations

import asyncio

from alembic import command
from storage.migrations import alembic_config, upgrade
from tests.bot.test_dashboard_trends import both, five_weeks
from tests.support.harness import Harness


async def test_questions_answered_before_it_learn_who_answered_first(
    flock: Harness, database_url: str
) -> None:
    await five_weeks(flock)
    kept = await flock.rows("select id, first_by_facilitator from questions order by id")
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0026")

    await upgrade(database_url)

    assert await flock.rows("select id, first_by_facilitator from questions order by id") == kept
    assert [first for _, first in kept] == [True, False, True, False, False, False, None]
    assert await both(flock) == {
        "7d": ((1, 1), (1, 1)),
        "30d": ((2, 3), (2, 3)),
        "all": ((3, 5), (3, 5)),
    }
