"""The recap's rules: who took part and for the first time, and the order answers are shown in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from facilitation import discussion_recap
from facilitation.model import (
    Course,
    Discussion,
    GivenAnswer,
    MessageRef,
    Person,
    Prompt,
    Reply,
    Round,
    RoundRecord,
    RoundState,
)

START = datetime(2026, 11, 3, 19, 0, tzinfo=UTC)
COURSE = Course(1, "onb26", "Onboarding")
ROUND = Round(
    1,
    Discussion(1, COURSE, "Tips", timedelta(minutes=10), None, ("Q?",)),
    START,
    START,
    (Prompt(1, 1, "Q?"),),
    RoundState.ENDED,
    3,
)
BEN, LEO, MIA, ZOE = (Person(n, name) for n, name in ((12, "Ben"), (13, "Leo"), (14, "Mia"), (15, "Zoe")))
HERE, THERE = -1001500, -1001700


def given(n: int, author: Person, reactions: int, *repliers: Person, chat: int = HERE) -> GivenAnswer:
    at = START + timedelta(minutes=n)
    replies = tuple(Reply(p, "…", at) for p in repliers)
    return GivenAnswer(n, 1, MessageRef(chat, 100 + n), author, f"answer {n}", at, reactions, replies)


def test_reactions_then_replies_from_others_then_the_earliest() -> None:
    answers = [
        given(1, BEN, 1, BEN, BEN),  # his own replies don't count
        given(2, LEO, 1, MIA),
        given(3, MIA, 2),
        given(4, ZOE, 1, BEN),
    ]
    record = RoundRecord(answers, {}, {HERE: True})

    assert [a.id for a in discussion_recap.ranked(answers, record)] == [3, 2, 4, 1]


def test_reactions_where_flock_cant_see_them_count_for_nothing() -> None:
    answers = [given(1, BEN, 5, chat=THERE), given(2, LEO, 1), given(3, MIA, 0, BEN)]
    record = RoundRecord(answers, {}, {HERE: True, THERE: False})

    assert [a.id for a in discussion_recap.ranked(answers, record)] == [2, 3, 1]
    assert discussion_recap.counted_reactions(answers[0], record) is None


def test_first_time_voices_first_posted_at_or_after_the_opening() -> None:
    answers = [given(1, BEN, 0, ZOE), given(2, LEO, 0)]
    first = {BEN.id: START - timedelta(days=2), LEO.id: START, ZOE.id: START + timedelta(minutes=5)}

    found = discussion_recap.figures(ROUND, RoundRecord(answers, first, {HERE: True}))

    assert (found.participants, found.answers, found.first_voices) == (3, 2, 2)  # Zoe replied: she took part


def test_a_first_post_in_the_second_a_discussion_opened_in_counts_as_first_time() -> None:
    # "in 1m" opens at a moment with a fraction of a second; Telegram dates messages to the second.
    opened = START + timedelta(seconds=3, microseconds=700_000)
    round = Round(1, ROUND.discussion, opened, opened, ROUND.prompts, RoundState.ENDED, 3)
    answers = [given(1, BEN, 0)]

    found = discussion_recap.figures(round, RoundRecord(answers, {BEN.id: START + timedelta(seconds=3)}, {}))

    assert found.first_voices == 1


def test_an_answer_is_shown_without_the_a_n_that_placed_it() -> None:
    shown = [
        discussion_recap.without_number(text)
        for text in ("A1: pivot", "a1 - seeing", "A2 asking", "A1 : les post-it", "A1", "Apple pie", "A1b")
    ]

    assert shown == ["pivot", "seeing", "asking", "les post-it", "A1", "Apple pie", "A1b"]


def test_in_a_tagged_chat_an_answer_is_shown_without_the_course_s_hashtag() -> None:
    shown = [
        discussion_recap.as_shown(text, "onb26") for text in ("A1 #onb26 the whiteboard", "#ONB26 A2: yes")
    ]

    assert shown == ["the whiteboard", "yes"]
