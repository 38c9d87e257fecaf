"""The search index at scale (inside the scale figure, on its 300,000 questions): matching a new
question against a course's earlier ones, and /search, each beside an indexed lookup of one
question measured in the same run."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from benchmarks import bulk
from benchmarks.report import Figure, Report, median, percentile
from benchmarks.wording import Wording
from bot.runner import Flock
from facilitation import matching, search
from facilitation.model import Person
from storage.repositories.search import SqlSearch

SAMPLES = 300
NEWEST = 2**62  # match: every stored question is earlier than the new one
AHEAD = 16  # new questions in an inbox batch's match made ahead (a busy batch of 100 updates)
# Other new questions matched before the timed ones, as a running process has: each shape of the
# match's statement (one per count of stems) and the read of a winner is prepared and planned
# once per connection, which the first run's p99 would otherwise count as the match's. The cold
# figure is kept in the note.
WARM = 30


async def _times(work: Callable[[Any], Awaitable[object]], items: list[Any]) -> list[float]:
    found = []
    for item in items:
        started = time.perf_counter()
        await work(item)
        found.append(time.perf_counter() - started)
    return found


def _ms(times: list[float], share: float) -> float:
    return percentile(times, share) * 1000


async def measure(report: Report, section: str, flock: Flock, largest: bulk.Course) -> None:
    wording = Wording(random.Random(19))
    new_questions = [wording.question() for _ in range(SAMPLES)]
    searches = [f"{wording.term()} {wording.term()}" for _ in range(SAMPLES)]
    async with flock.sessions() as session:
        learner = (
            await session.execute(
                text("SELECT person_id FROM learners WHERE course_id = :course LIMIT 1"),
                {"course": largest.id},
            )
        ).scalar_one()
        messages = [
            row[0]
            for row in await session.execute(
                text("SELECT message_id FROM questions WHERE course_id = :course LIMIT :n"),
                {"course": largest.id, "n": SAMPLES},
            )
        ]
    uow = flock.runtime.uow
    async with uow() as work:  # as inside an inbox batch: one unit of work, its session open
        course = await work.courses.get(largest.id)
        assert course is not None
        others = Wording(random.Random(23))
        warm = [others.question() for _ in range(WARM)]
        cold = await _times(lambda q: matching.strongest(work, course, q, NEWEST), warm)
        matched = await _times(lambda q: matching.strongest(work, course, q, NEWEST), new_questions)
        lookups = await _times(lambda m: work.questions.asked_at(largest.chat_id, m), messages)
        candidates = []
        for q in new_questions[:50]:
            found = sorted(matching.stems(q))
            n = len(found)
            candidates.append(
                len(
                    await work.search.match(
                        course, found, matching.sizes(n), matching.needed(n), NEWEST, matching.CANDIDATES
                    )
                )
            )
    report.add(
        Figure(
            section,
            f"match a new question, largest course ({largest.questions:,} questions), p99",
            _ms(matched, 0.99),
            "ms",
            "< 5",
            _ms(lookups, 0.99),
            "one question by its message, p99",
            note=f"matching.strongest (the index's candidates, then their similarity), {SAMPLES} new "
            f"questions after {WARM} others (their slowest, cold: {max(cold) * 1000:.2f} ms); median "
            f"{_ms(matched, 0.5):.2f} ms; {median(candidates):.0f} candidates (median)",
        )
    )

    # An inbox batch matches its new questions ahead, all in one statement (SqlSearch.match_many).
    asked = [a for a in map(matching.query, new_questions) if a is not None]
    batches = [asked[i : i + AHEAD] for i in range(0, len(asked) - AHEAD + 1, AHEAD)]
    async with flock.sessions() as session:
        index = SqlSearch(session)

        def match_ahead(batch: list[matching.Query]) -> Awaitable[object]:
            many = [(largest.id, a.stems, a.sizes, a.shared) for a in batch]
            return index.match_many(many, matching.CANDIDATES)

        await match_ahead(batches[0])  # warm
        ahead = await _times(match_ahead, batches)
    per_question = [t / AHEAD for t in ahead]
    report.add(
        Figure(
            section,
            f"match ahead, {AHEAD} new questions of a batch in one statement, largest course: "
            "per question, p99",
            _ms(per_question, 0.99),
            "ms",
            "< 5",
            _ms(lookups, 0.99),
            "one question by its message, p99",
            note=f"SqlSearch.match_many, as an inbox batch matches its messages; {len(batches)} batches; "
            f"the whole batch p50 {_ms(ahead, 0.5):.2f} ms, p99 {_ms(ahead, 0.99):.2f} ms",
        )
    )

    person = Person(learner, "Bench learner")

    async def private(words: str) -> object:
        return await search.search(uow(), largest.facilitator, person, words, private=True)

    async def in_group(words: str) -> object:
        return await search.search(uow(), largest.chat_id, person, words, private=False)

    await private(searches[0])
    for name, work_ in (("in private", private), ("in the course group", in_group)):
        times = await _times(work_, searches)
        report.add(
            Figure(
                section,
                f"/search {name}, largest course, p99",
                _ms(times, 0.99),
                "ms",
                "< 50",
                _ms(lookups, 0.99),
                "one question by its message, p99",
                note=f"facilitation.search.search (its own unit of work), {SAMPLES} two-word searches; "
                f"median {_ms(times, 0.5):.2f} ms",
            )
        )
