"""Trends' peer vs facilitator first answers, read from what each question keeps of its first
answer, against /stats for every window: the same numbers, also after an answerer is forgotten."""

from __future__ import annotations

import re

from bot.recording import Call
from tests.bot.test_dashboard import Board, text_of
from tests.builders import JSON, private
from tests.support.cohort import ANA, BEN, CLEO, DAN, START, at, set_up
from tests.support.harness import Harness

WINDOWS = ("7d", "30d", "all")


async def answered(flock: Harness, hour: int, asker: JSON, text: str, *answerers: JSON) -> JSON:
    """A question and its answers, a few minutes apart, in the order given."""
    question = await at(flock, hour, 0, asker, text)
    for n, answerer in enumerate(answerers, start=1):
        await at(flock, hour, 10 * n, answerer, f"Answer {n} to: {text}", reply_to=question["message"])
    return question


async def five_weeks(flock: Harness) -> None:
    """Facilitator first, then peers; windows of 7 and 30 days each see fewer of them."""
    flock.clock.current = START
    await set_up(flock)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await answered(flock, 9, BEN, "How do I install the course tools?", ANA, CLEO)
    await answered(flock, 10, DAN, "Where are the slides from day one?", CLEO, ANA)
    flock.clock.advance(days=20)
    await answered(flock, 9, CLEO, "Is there a recording of the kickoff?", ANA)
    await answered(flock, 10, BEN, "When is the next workshop?", DAN, ANA)
    flock.clock.advance(days=15)
    await answered(flock, 9, BEN, "What is the deadline for the first assignment?", CLEO)
    pair = await answered(flock, 10, DAN, "Does anyone want to pair on the exercise?", CLEO)
    await at(flock, 10, 30, ANA, "/dismiss", reply_to=pair["message"])
    await at(flock, 11, 0, BEN, "Is the room booked for Friday?")


async def stats_peer_first(flock: Harness, window: str) -> tuple[int, int]:
    [reply] = await flock.replies(flock.telegram.post(private(ANA), ANA, f"/stats {window}"))
    found = re.search(r"First answer from a peer: (\d+) of (\d+)", reply)
    assert found, reply
    return int(found[1]), int(found[2])


async def trends_peer_first(board: Board, window: str) -> tuple[int, int]:
    page = text_of(await board.get(f"/view/1/trends?window={window}"))
    peers = re.search(r"peers (\d+) facilitators (\d+)", page)
    assert peers, page
    return int(peers[1]), int(peers[1]) + int(peers[2])


async def both(flock: Harness) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    board = Board(flock)
    return {w: (await trends_peer_first(board, w), await stats_peer_first(flock, w)) for w in WINDOWS}


async def test_trends_count_first_answers_by_peers_as_stats_does_in_every_window(flock: Harness) -> None:
    await five_weeks(flock)

    counted = await both(flock)

    assert counted == {
        "7d": ((1, 1), (1, 1)),
        "30d": ((2, 3), (2, 3)),
        "all": ((3, 5), (3, 5)),
    }
    assert await flock.rows("select first_by_facilitator from questions order by id") == [
        (True,),
        (False,),
        (True,),
        (False,),
        (False,),
        (False,),  # dismissed since: neither counts it
        (None,),  # not answered yet
    ]


def buttons(call: Call) -> dict[str, str]:
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in keyboard for b in row}


async def test_forgetting_an_answerer_leaves_trends_and_stats_agreeing(flock: Harness) -> None:
    await five_weeks(flock)
    before = await both(flock)
    calls = await flock.send(flock.telegram.post(private(CLEO), CLEO, "/forget_me"))
    [asked] = [c for c in calls if c.method == "sendMessage"]

    await flock.send(flock.telegram.press(CLEO, asked.result, buttons(asked)["Forget me"]))

    assert await flock.rows("select count(*) from answers where text like 'Answer%'") == [(5,)]  # not hers
    assert await flock.rows("select count(*) from answers where answerer_id = 13") == [(0,)]
    assert await both(flock) == before
