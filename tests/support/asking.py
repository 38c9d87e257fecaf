"""One of several Flock processes asking a guest session's questions at once: a test spawns each
as a fresh interpreter running ask_many."""

from __future__ import annotations

import asyncio
from multiprocessing.synchronize import Barrier

from tests.builders import JSON, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness


def ask_many(database_url: str, process: int, chat: JSON, questions: int, start: Barrier) -> None:
    """Ask `questions` questions in the chat, one update (and so one batch) at a time."""
    asyncio.run(_ask_many(database_url, process, chat, questions, start))


async def _ask_many(database_url: str, process: int, chat: JSON, questions: int, start: Barrier) -> None:
    async with Harness(database_url, FrozenClock()) as flock:
        # Other processes' updates and messages are numbered elsewhere: one Telegram for all.
        flock.telegram.skip_ahead(updates=100_000 * process, messages=100_000 * process)
        start.wait()
        for n in range(questions):
            learner = user(1000 * process + n, f"Learner {process}.{n}")
            text = f"/askguest Question {n} from process {process}: how did you begin?"
            # Either process may handle the update (and answer it): the test reads the database.
            await flock.send(flock.telegram.post(chat, learner, text))
