"""Board numbers stay 1, 2, 3… without gaps or repeats when Flock processes sharing one
PostgreSQL add questions to the same session at the same moment."""

from __future__ import annotations

import asyncio
import multiprocessing

import pytest

from tests.builders import group, user
from tests.support.asking import ask_many
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
CHATS = [group(-1001500, "Onboarding 2026"), group(-1001501, "Onboarding 2026, second room")]
QUESTIONS = 40  # by each process


@pytest.mark.process
async def test_two_processes_asking_at_once_number_every_question_once(
    flock: Harness, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    for chat in CHATS:  # each process its own chat: one chat's updates are handled in order
        flock.make_admin(chat, ANA)
        await flock.send(flock.telegram.post(chat, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHATS[0], ANA, '/guest @ada_expert "Careers" tomorrow 15:00'))
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(len(CHATS))
    processes = [
        spawn.Process(target=ask_many, args=(database_url, n + 1, chat, QUESTIONS, start))
        for n, chat in enumerate(CHATS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        await asyncio.to_thread(process.join, 300)

    numbers = await flock.rows("SELECT number FROM session_questions ORDER BY number, id")
    assert [n for (n,) in numbers] == list(range(1, len(CHATS) * QUESTIONS + 1))  # none lost, none twice
    assert [p.exitcode for p in processes] == [0] * len(CHATS)
