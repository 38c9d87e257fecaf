"""A live discussion inside the ingestion workload: 500 participants answering its two prompts
within one minute, half by replying to a prompt, half by starting with A1 or A2.

The discussion is scheduled in the first course group by its facilitator (a real /discussion
update) and run by the real tick and sender, outside the timed batches; the answers are spliced
into the counted traffic over one minute of it, and the whole stream renumbered as Telegram would.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from benchmarks.traffic import Cohorts, Generated
from bot.recording import RecordingRequest
from bot.runner import Flock
from storage.database import create_engine
from storage.models import DiscussionAnswerRow
from tests.support.clock import FrozenClock

PARTICIPANTS = 500
KIND = "discussion answer"  # the Generated kind of the answers
PER_MINUTE = 150  # plain updates in one minute of the generated traffic (0.4 s apart)
GAP = timedelta(minutes=10)
COMMAND = (
    '/discussion "Benchmark hour" in 1m gap 10m\nWhat helped you most this week?\nWhat will you try next?'
)
FIRST_PARTICIPANT = 8_000_000


async def join(
    flock: Flock, clock: FrozenClock, api: RecordingRequest, cohorts: Cohorts, counted: list[Generated]
) -> list[Generated]:
    """Schedule and open the discussion just before the middle of `counted`, post both prompts,
    and return `counted` with the answers spliced in over the minute that follows."""
    chat = cohorts.chats[0]
    middle = len(counted) // 2
    minute_starts = counted[middle].at
    # Q1 eleven minutes before the minute of answers, Q2 one minute before: both are out.
    clock.current = minute_starts - GAP - timedelta(minutes=2)
    command = _message(chat.chat, chat.admin, COMMAND, 1, int(clock.current.timestamp()))
    command["entities"] = [{"type": "bot_command", "offset": 0, "length": len("/discussion")}]
    after_all = counted[0].update["update_id"] + len(counted) + PARTICIPANTS  # no id of the stream
    await flock.poller.store([{"update_id": after_all, "message": command}])
    await flock.poller.processor.drain()
    prompts: list[dict[str, Any]] = []
    for moment in (clock.current + timedelta(minutes=1), clock.current + GAP + timedelta(minutes=1)):
        clock.current = moment
        await flock.ticker.tick()
        await flock.sender.flush()
        prompts += [
            c.result
            for c in api.calls
            if c.method == "sendMessage" and c.chat_id == chat.chat["id"] and c.text.startswith("<b>Q")
        ]
        api.calls.clear()
    assert len(prompts) == 2, "the discussion's two prompts were not posted"
    answers = list(_answers(chat.chat, prompts, minute_starts))
    return _spliced(counted, answers, middle)


def _answers(chat: dict[str, Any], prompts: list[dict[str, Any]], start: Any) -> Any:
    message_ids = itertools.count(9_000_000)
    for k in range(PARTICIPANTS):
        person = {"id": FIRST_PARTICIPANT + k, "is_bot": False, "first_name": f"Participant {k}"}
        number = 1 + k % 2
        at = start + timedelta(seconds=60 * k / PARTICIPANTS)
        if k % 4 < 2:  # by reply to the prompt's message
            text = f"My answer, number {k}: the shared notes helped."
            message = _message(chat, person, text, next(message_ids), int(at.timestamp()))
            message["reply_to_message"] = prompts[number - 1]
        else:  # by A<n>
            text = f"A{number}: trying pair reviews next, says participant {k}."
            message = _message(chat, person, text, next(message_ids), int(at.timestamp()))
        yield Generated({"message": message}, KIND, chat["id"], message["message_id"], person, text, at)


def _message(
    chat: dict[str, Any], sender: dict[str, Any], text: str, message_id: int, date: int
) -> dict[str, Any]:
    return {"message_id": message_id, "date": date, "chat": chat, "from": sender, "text": text}


def _spliced(counted: list[Generated], answers: list[Generated], middle: int) -> list[Generated]:
    """The answers among one minute of traffic from `middle`, then everything renumbered in order."""
    at: dict[int, list[Generated]] = {}
    for k, answer in enumerate(answers):
        at.setdefault(middle + k * PER_MINUTE // len(answers), []).append(answer)
    merged: list[Generated] = []
    for index, item in enumerate(counted):
        merged += at.get(index, [])
        merged.append(item)
    first = counted[0].update["update_id"]
    return [replace(g, update={**g.update, "update_id": first + n}) for n, g in enumerate(merged)]


async def recorded(url: str) -> int:
    """How many answers the discussion kept: the benchmark counts only if every one was taken."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(DiscussionAnswerRow)) or 0)
    finally:
        await engine.dispose()
