"""Which opted-in helpers a waiting question is pointed at: the rules of facilitation.helpers.best."""

from __future__ import annotations

from facilitation.helpers import DAILY_ASKS, best
from facilitation.model import HelperProfile, Person


def helper(
    person_id: int,
    intro: str | None = None,
    topics: str | None = None,
    answers: list[str] | None = None,
    asks_today: int = 0,
) -> HelperProfile:
    return HelperProfile(Person(person_id, f"P{person_id}"), intro, topics, answers or [], asks_today)


QUESTION = "How do I merge two pandas dataframes in Python?"


def test_the_most_shared_words_win_and_at_most_two_are_chosen() -> None:
    chosen = best(
        QUESTION,
        [
            helper(1, "I use Python"),
            helper(2, "Data engineer: Python, pandas, dataframes"),
            helper(3, topics="pandas"),
            helper(4, "Python too"),
        ],
    )

    assert [h.person.id for h in chosen] == [2, 1]


def test_topics_and_answers_count_like_the_introduction() -> None:
    chosen = best(
        QUESTION, [helper(1, topics="merging dataframes"), helper(2, answers=["Try pandas.concat"])]
    )

    assert sorted(h.person.id for h in chosen) == [1, 2]


def test_one_sharing_nothing_is_never_chosen_even_alone() -> None:
    assert best(QUESTION, [helper(1, "Designer: Figma and colour"), helper(2)]) == []


def test_a_helper_asked_enough_today_is_left_out_and_ties_go_to_the_least_asked() -> None:
    chosen = best(
        QUESTION,
        [
            helper(1, "Python", asks_today=DAILY_ASKS),
            helper(2, "Python", asks_today=2),
            helper(3, "Python", asks_today=1),
        ],
        limit=1,
    )

    assert [h.person.id for h in chosen] == [3]
