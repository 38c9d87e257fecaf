"""Black-box: a scheduled discussion and a daily announcement played against a real `flock run`.

A facilitator (Ana) runs a course in two groups, one of them `tagged`. She schedules a discussion
`in 1m` with a one-minute gap and three prompts, and an announcement `every 1d`; the clock is
moved on (tests/support/moved_clock.py) and the process's own tick posts them. Learners answer
from both groups, by replying to a prompt and by starting with A<n>, react to answers and reply
to them. Flock is an admin of the first group only, so Telegram sends it the reactions there and
not in the lounge; the recap in each group says which it could count.
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
    documents,
    link,
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


def answered(cohort: Cohort, chat: JSON, person: JSON, words: str, **kw: object) -> JSON:
    """The message is taken as an answer: a reaction acknowledges it, and nobody is written to."""
    update, calls = cohort.say(chat, person, words, **kw)
    assert reactions(calls, chat) == [(update["message"]["message_id"], ANSWERED)], words
    assert [c for c in calls if c.method == "sendMessage"] == []
    return update


def quietly(calls: list[Call]) -> None:
    """Flock took it in without a word or a reaction."""
    assert calls == [], calls


def test_a_discussion_in_two_groups_and_a_daily_announcement(cohort: Cohort) -> None:
    start(cohort, ANA)
    set_up(cohort, MAIN, "ret26", "Retro cohort", flock_admin=True)
    set_up(cohort, LOUNGE, "ret26", "Retro cohort", tagged=True)
    # Eli and Dan have posted in the course before; the others first speak up in the discussion.
    quietly(cohort.say(MAIN, ELI, "Morning all")[1])
    quietly(cohort.say(LOUNGE, DAN, "#ret26 hello from the lounge")[1])
    schedule = '/discussion "Friday retro" in 1m gap 1m\n' + "\n".join(PROMPTS)
    _, calls = cohort.say(MAIN, ANA, schedule)
    (scheduled,) = said(calls, MAIN)
    assert scheduled.startswith("Scheduled discussion 1: “Friday retro”")
    # Flock is an admin of the first group only: the facilitator is told now, not at the recap.
    assert scheduled.endswith(
        "⚠️ I'm not an admin of Shared lounge, so I won't see reactions there: "
        "make me one to have the recap rank answers by them."
    )
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
    bens = answered(
        cohort, MAIN, BEN, "Pairing on the exercises, did that help anyone else?", reply_to=q1_main.result
    )
    dans = answered(cohort, LOUNGE, DAN, "The shorter lectures", reply_to=q1_lounge.result)
    cleos = answered(cohort, LOUNGE, CLEO, "A1 #ret26 the office hours")
    elis = answered(cohort, MAIN, ELI, "a1 - the reading list")
    # Reactions and replies to answers: taken in without a word.
    quietly(cohort.react(DAN, elis, "👍"))
    quietly(cohort.react(LENA, elis, "🔥", "👍"))
    quietly(cohort.react(CLEO, bens, "👍"))
    quietly(cohort.react(ANA, dans, "👍"))  # in the lounge: Telegram doesn't tell Flock
    quietly(cohort.say(MAIN, ELI, "Yes, it helped me too.", reply_to=bens["message"])[1])
    quietly(cohort.say(LOUNGE, BEN, "Same, office hours saved me", reply_to=cleos["message"])[1])
    _, calls = cohort.say(LOUNGE, ELI, "A1 not for the course")  # no hashtag in a tagged group
    assert calls == []

    calls = cohort.advance(has_prompt(2), "Q2 in both groups", minutes=1)
    everything += calls
    lenas = answered(cohort, MAIN, LENA, "A2: fewer meetings?")
    lounge_bens = answered(cohort, LOUNGE, BEN, "More breaks", reply_to=prompts(calls, LOUNGE)[0].result)

    quietly(cohort.react(ANA, lenas, "👍"))

    calls = cohort.advance(has_prompt(3), "Q3 in both groups", minutes=1)
    everything += calls
    busy = answered(cohort, MAIN, CLEO, "A3 busy")
    quietly(cohort.react(DAN, busy, "👍"))
    quietly(cohort.react(DAN, busy, was=("👍",)))  # taken back

    # 09:04: it ends, one gap after Q3: the recap, then the transcript, in each group.
    def recapped(calls: list[Call]) -> bool:
        return all(documents(calls, chat) for chat in (MAIN, LOUNGE))

    end = cohort.advance(recapped, "the recaps and transcripts", minutes=1)
    top = {
        "ben": f'<a href="{link(MAIN, bens)}">Ben</a>',
        "eli": f'<a href="{link(MAIN, elis)}">Eli</a>',
        "cleo": f'<a href="{link(LOUNGE, cleos)}">Cleo</a>',
        "lena": f'<a href="{link(MAIN, lenas)}">Lena</a>',
        "busy": f'<a href="{link(MAIN, busy)}">Cleo</a>',
    }
    recap = [
        "📝 <b>Recap: Friday retro</b>",
        "5 people took part, 3 of them for the first time in the course. Welcome!",  # not Eli, Dan
        "",
        "<b>Q1</b> What worked this week?",
        "4 answered.",
        # Ranked by reactions, then replies; Eli's three: Dan's 👍, Lena's 🔥 and 👍.
        f"1. {top['eli']}: the reading list (3 reactions)",
        f"2. {top['ben']}: Pairing on the exercises, did that help anyone else? (1 reaction, 1 reply)",
        f"3. {top['cleo']}: the office hours (1 reply)",  # Ana's 👍 on Dan's never reached Flock
        "",
        "<b>Q2</b> What will you change?",
        "2 answered.",
        f"1. {top['lena']}: fewer meetings? (1 reaction)",
        f'2. <a href="{link(LOUNGE, lounge_bens)}">Ben</a>: More breaks',
        "",
        "<b>Q3</b> One word for the week?",
        "1 answered.",
        f"1. {top['busy']}: busy",  # Dan took his 👍 back
    ]
    not_here = "Reactions in this chat aren't counted: Flock sees them only as an admin of the group."
    assert [c.text for c in messages(end, MAIN)] == ["\n".join(recap)]
    assert [c.text for c in messages(end, LOUNGE)] == ["\n".join([*recap, "", not_here])]
    transcript = [
        "# Friday retro",
        "",
        "Discussion for #ret26, 2026-11-02 09:01 (UTC).",
        "",
        "Took part: 5. First time in the course: 3. Answers: 7.",
        "Reactions are counted only in the chats where Flock is an admin.",
        "",
        "## Q1. What worked this week?",
        "",
        "- **Ben**: Pairing on the exercises, did that help anyone else? (reactions: 1, replies: 1)",
        "  - *Eli*: Yes, it helped me too.",
        "- **Dan**: The shorter lectures",  # in the lounge: no count shown rather than a zero
        "- **Cleo**: the office hours (replies: 1)",
        "  - *Ben*: Same, office hours saved me",
        "- **Eli**: the reading list (reactions: 3)",
        "",
        "## Q2. What will you change?",
        "",
        "- **Lena**: fewer meetings? (reactions: 1)",
        "- **Ben**: More breaks",
        "",
        "## Q3. One word for the week?",
        "",
        "- **Cleo**: busy (reactions: 0)",
    ]
    document = ("discussion-1.md", "📄 Transcript of “Friday retro”", "\n".join(transcript) + "\n")
    for chat in (MAIN, LOUNGE):
        assert documents(end, chat) == [document]
        assert len(end) == len(messages(end, MAIN)) + len(messages(end, LOUNGE)) + 2  # nothing else

    # The transcript again, on request: for the facilitator; a learner is refused.
    _, calls = cohort.say(MAIN, ANA, "/discussion_transcript 1")
    assert documents(calls, MAIN) == [document]
    _, calls = cohort.say(MAIN, BEN, "/discussion_transcript 1")
    assert documents(calls, MAIN) == []
    assert said(calls, MAIN) == ["Only facilitators of #ret26 can do that."]
    _, calls = cohort.say(MAIN, ANA, "/discussion_transcript 9")
    assert said(calls, MAIN) == ["There is no discussion 9. /discussions lists them."]
    # Flock asked Telegram for reactions.
    polled = [c for c in cohort.fake.answers.calls if c.method == "getUpdates"]
    assert "message_reaction" in polled[-1].params["allowed_updates"]
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
