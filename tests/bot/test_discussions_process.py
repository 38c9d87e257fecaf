"""Black-box: a scheduled discussion and a daily announcement played against a real `flock run`.

A facilitator (Ana) runs a course in two groups, one of them `tagged`. She schedules a discussion
`in 1m` with a one-minute gap and three prompts, and an announcement `every 1d`; the clock is
moved on (tests/support/moved_clock.py) and the process's own tick posts them. Learners answer
from both groups, by replying to a prompt and by starting with A<n>.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.recording import Call
from tests.builders import JSON, group
from tests.support.process_cohort import (
    ANA,
    BEN,
    CLEO,
    DAN,
    ELI,
    LENA,
    Cohort,
    messages,
    reactions,
    said,
    set_up,
    start,
)

pytestmark = pytest.mark.process

MAIN = group(-1005101, "Retro cohort")
LOUNGE = group(-1005102, "Shared lounge")  # tagged: only #ret26 messages are the course's
PROMPTS = ("What worked this week?", "What will you change?", "One word for the week?")
ANSWERED = "✍"
DAILY = "Daily check-in: post one thing you learned today."


def prompts(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in messages(calls, chat) if c.text.startswith("<b>Q")]


def has_prompt(number: int) -> Callable[[list[Call]], bool]:
    return lambda calls: all(
        any(c.text.startswith(f"<b>Q{number}</b>") for c in prompts(calls, chat)) for chat in (MAIN, LOUNGE)
    )


def answered(cohort: Cohort, chat: JSON, person: JSON, words: str, **kw: object) -> None:
    """The message is taken as an answer: a reaction acknowledges it, and nobody is written to."""
    update, calls = cohort.say(chat, person, words, **kw)
    assert reactions(calls, chat) == [(update["message"]["message_id"], ANSWERED)], words
    assert [c for c in calls if c.method == "sendMessage"] == []


def test_a_discussion_in_two_groups_and_a_daily_announcement(cohort: Cohort) -> None:
    start(cohort, ANA)
    set_up(cohort, MAIN, "ret26", "Retro cohort")
    set_up(cohort, LOUNGE, "ret26", "Retro cohort", tagged=True)
    schedule = '/discussion "Friday retro" in 1m gap 1m\n' + "\n".join(PROMPTS)
    _, calls = cohort.say(MAIN, ANA, schedule)
    (scheduled,) = said(calls, MAIN)
    assert scheduled.startswith("Scheduled discussion 1: “Friday retro”")
    assert "Q3 One word for the week?" in scheduled
    _, calls = cohort.say(MAIN, ANA, f"/announce in 10m every 1d\n{DAILY}")
    assert said(calls, MAIN)[0].startswith("Scheduled announcement 1 for #ret26")
    everything: list[Call] = []

    # 09:01: the opening and Q1 in both groups.
    calls = cohort.advance(has_prompt(1), "Q1 in both groups", minutes=1)
    everything += calls
    for chat in (MAIN, LOUNGE):
        opening, q1 = said(calls, chat)
        assert opening.startswith("💬 Friday retro starts now!\n3 questions, one every 1m.")
        assert q1 == "Q1 What worked this week?"
    q1_main, q1_lounge = prompts(calls, MAIN)[0], prompts(calls, LOUNGE)[0]

    # Answers by reply and by A1, from both groups; in the tagged one A1 needs the hashtag.
    answered(
        cohort, MAIN, BEN, "Pairing on the exercises, did that help anyone else?", reply_to=q1_main.result
    )
    answered(cohort, LOUNGE, DAN, "The shorter lectures", reply_to=q1_lounge.result)
    answered(cohort, LOUNGE, CLEO, "A1 #ret26 the office hours")
    answered(cohort, MAIN, ELI, "a1 - the reading list")
    _, calls = cohort.say(LOUNGE, ELI, "A1 not for the course")  # no hashtag in a tagged group
    assert calls == []

    calls = cohort.advance(has_prompt(2), "Q2 in both groups", minutes=1)
    everything += calls
    answered(cohort, MAIN, LENA, "A2: fewer meetings?")
    answered(cohort, LOUNGE, BEN, "More breaks", reply_to=prompts(calls, LOUNGE)[0].result)

    calls = cohort.advance(has_prompt(3), "Q3 in both groups", minutes=1)
    everything += calls
    answered(cohort, MAIN, CLEO, "A3 busy")

    # 09:04: it ends, one gap after Q3.
    cohort.advance(
        lambda _: cohort.db.rows("select state from discussion_rounds") == [("ended",)],
        "the discussion ended",
        minutes=1,
    )
    for chat in (MAIN, LOUNGE):  # each prompt once, in order, in each group
        assert [c.text.split("</b> ", 1)[1] for c in prompts(everything, chat)] == list(PROMPTS)
    assert cohort.db.rows(
        "select p.number, a.chat_id, a.author_id from discussion_answers a"
        " join discussion_prompts p on p.id = a.prompt_id order by a.id"
    ) == [
        (1, MAIN["id"], BEN["id"]),
        (1, LOUNGE["id"], DAN["id"]),
        (1, LOUNGE["id"], CLEO["id"]),
        (1, MAIN["id"], ELI["id"]),
        (2, MAIN["id"], LENA["id"]),
        (2, LOUNGE["id"], BEN["id"]),
        (3, MAIN["id"], CLEO["id"]),
    ]
    assert cohort.db.count("select count(*) from questions") == 0  # answers are never questions

    # 09:10: the announcement in both groups; the next day at 09:10 again.
    def announced(calls: list[Call]) -> bool:
        return all(DAILY in said(calls, chat) for chat in (MAIN, LOUNGE))

    for day in (0, 1):
        moved = {"minutes": 6} if day == 0 else {"days": 1}
        calls = cohort.advance(announced, f"the announcement, day {day}", **moved)
        for chat in (MAIN, LOUNGE):
            assert said(calls, chat).count(DAILY) == 1
    assert cohort.db.rows("select posted from announcements") == [(2,)]
    cohort.stop_cleanly()
