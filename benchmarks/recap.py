"""A discussion's recap at scale: 500 people answering three prompts in two attached chats, with
reactions and replies; the end step's recap built (what is read, the figures, each chat's recap
and the transcript queued) and each chat's recap rendered, beside a plain read of the same rows."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from benchmarks.report import Figure, Report, median
from bot import render_discussions
from facilitation import discussion_recap
from facilitation.model import RoundState
from facilitation.notices import NoticeKind
from storage.models import (
    DiscussionAnswerRow,
    DiscussionPromptRow,
    DiscussionReactionRow,
    DiscussionReplyRow,
    DiscussionRoundRow,
    LearnerRow,
    PersonRow,
    table_of,
)
from tests.builders import group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
CHATS = (group(-1001500, "Onboarding"), group(-1001700, "Onboarding (evening)"))
PROMPTS = 3
ROUNDS = 5  # timed runs, after one to warm up


async def _timed(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def _fill(flock: Harness, people: int) -> None:
    """Everyone answers every prompt (in one chat or the other); each answer has three reactions
    and every fifth a reply; a tenth of the people had posted in the course before."""
    async with flock.flock.sessions() as session, session.begin():
        round_id, course_id = (
            await session.execute(
                select(DiscussionRoundRow.id, DiscussionRoundRow.course_id).where(
                    DiscussionRoundRow.state == RoundState.LIVE.value
                )
            )
        ).one()
        numbers = list(
            await session.scalars(
                select(DiscussionPromptRow.id)
                .where(DiscussionPromptRow.round_id == round_id)
                .order_by(DiscussionPromptRow.number)
            )
        )
        now = flock.clock.now()
        base = 1_000_000
        await session.execute(
            insert(table_of(PersonRow)),
            [{"id": base + p, "name": f"Learner {p}", "last_seen_at": now} for p in range(people)],
        )
        await session.execute(
            insert(table_of(LearnerRow)),
            [
                {
                    "course_id": course_id,
                    "person_id": base + p,
                    "posts": PROMPTS,
                    "first_seen_at": now - timedelta(days=3) if p % 10 == 0 else now,
                    "last_seen_at": now,
                }
                for p in range(people)
            ],
        )
        answers, message = [], 10_000
        for p in range(people):
            for number, prompt_id in enumerate(numbers, 1):
                message += 1
                answers.append(
                    {
                        "id": message,
                        "prompt_id": prompt_id,
                        "round_id": round_id,
                        "course_id": course_id,
                        "chat_id": CHATS[p % 2]["id"],
                        "message_id": message,
                        "thread_id": None,
                        "author_id": base + p,
                        "text": f"A{number} an answer of some length, as people write them ({p})",
                        "answered_at": now,
                        "anonymous_reactions": 0,
                    }
                )
        await session.execute(insert(table_of(DiscussionAnswerRow)), answers)
        reactions = [
            {
                "answer_id": a["id"],
                "person_id": base + (a["author_id"] - base + k) % people,
                "emojis": json.dumps(["👍"]),
                "count": 1 + (a["id"] % 3 == 0),
            }
            for a in answers
            for k in (1, 2, 3)
        ]
        await session.execute(insert(table_of(DiscussionReactionRow)), reactions)
        replies = [
            {
                "chat_id": a["chat_id"],
                "message_id": a["message_id"] + 1_000_000,
                "answer_id": a["id"],
                "author_id": base + (a["author_id"] - base + 1) % people,
                "text": "A reply, with a thought of its own",
                "replied_at": now,
            }
            for a in answers[::5]
        ]
        await session.execute(insert(table_of(DiscussionReplyRow)), replies)


async def measure(report: Report, backend: str, fresh: Callable[[str], Awaitable[str]], people: int) -> None:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    section = f"recap {name}"
    url = await fresh("recap")
    clock = FrozenClock()
    async with Harness(url, clock) as flock:
        for chat in CHATS:
            flock.make_admin(chat, ANA)
            flock.make_admin(chat, user(7000000001, "Flock", "flock_bot", is_bot=True))
            await flock.send(flock.telegram.post(chat, ANA, "/setup #onb26 Onboarding"))
        await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
        prompts = "\n".join(f"Question {n}?" for n in range(1, PROMPTS + 1))
        await flock.send(flock.telegram.post(CHATS[0], ANA, f'/discussion "Weekly" in 1m gap 1m\n{prompts}'))
        clock.advance(minutes=PROMPTS)
        await flock.tick()  # live, every prompt posted
        await _fill(flock, people)
        uow = flock.flock.runtime.uow
        [round] = await _live(uow)
        chats: list[tuple[int, int | None]] = [(int(chat["id"]), None) for chat in CHATS]
        rendered: list[str] = []

        async def build() -> None:
            """The end step (discussion_recap.post) as the tick runs it, and each chat's recap
            rendered as the sender will; rolled back, so each run builds the same."""
            async with uow() as work:
                record = await work.discussions.record(round)
                queued = discussion_recap.notices(round, record, chats)
                for notice in queued:
                    await work.outbox.put(notice, clock.now())
                rendered[:] = [
                    render_discussions.recap(n.data) for n in queued if n.kind is NoticeKind.DISCUSSION_RECAP
                ]

        async def plain_read() -> None:
            async with flock.flock.sessions() as session:
                for model in (DiscussionAnswerRow, DiscussionReactionRow, DiscussionReplyRow):
                    list(await session.execute(select(table_of(model))))

        await build()
        built = [await _timed(build) for _ in range(ROUNDS)]
        await plain_read()
        floor = [await _timed(plain_read) for _ in range(ROUNDS)]
        report.add(
            Figure(
                section,
                f"recap of a discussion, {people:,} participants",
                median(built) * 1000,
                "ms",
                "< 1000",
                median(floor) * 1000,
                "reading its rows, plainly",
                note=f"{people * PROMPTS:,} answers, {people * PROMPTS * 3:,} reactions, 2 chats; "
                f"the end step (read, recap and transcript queued) plus rendering, median of {ROUNDS}; "
                f"recap {len(rendered[0]):,} characters",
            )
        )


async def _live(uow: Callable[[], Any]) -> list[Any]:
    async with uow() as work:
        return [r for r in await work.discussions.upcoming([1]) if r.state is RoundState.LIVE]
