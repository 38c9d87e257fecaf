"""What a match must look for: the stems of a new question, and how many an earlier one must share."""

from __future__ import annotations

from itertools import combinations

from facilitation.matching import STRONG, needed, similarity, sizes, stems


def test_the_stems_a_match_counts() -> None:
    assert stems("How do I reset my passwords? Password resets!") == {"reset", "password"}


def test_an_earlier_question_outside_the_sizes_can_never_reach_a_strong_match() -> None:
    for count in range(2, 17):
        low, high = sizes(count)
        # m stems sharing all they can (min(count, m)): the similarity is min / max
        assert all(min(count, m) / max(count, m) < STRONG for m in (low - 1, high + 1) if m >= 2)
        assert all(min(count, m) / max(count, m) >= STRONG - 1e-9 for m in (low, high))


def test_a_strong_match_holds_one_of_any_n_minus_k_plus_1_stems() -> None:
    new = ["vpn", "password", "reset", "portal", "expired", "laptop"]
    least = needed(len(new))
    looked_for = new[: len(new) - least + 1]  # any such subset: the storage takes the rarest
    for shared in combinations(new, least):
        assert set(shared) & set(looked_for)


def test_fewer_shared_stems_than_needed_can_never_reach_a_strong_match() -> None:
    for count in range(2, 17):
        least = needed(count)
        # sharing least - 1 of count stems: even with nothing else, the similarity stays below
        assert (least - 1) / count < STRONG
        assert least / count >= STRONG - 1e-9


def test_similarity_of_a_rephrased_question() -> None:
    assert similarity("How can I reset the VPN password?", "How do I reset my VPN password?") == 1.0


def test_questions_naming_different_numbers_are_different_questions() -> None:
    assert similarity("How does step 3 work?", "How does step 2 work?") == 0.0
    assert similarity("When is the week 4 quiz due?", "When is the week 1 quiz due?") == 0.0
    # The same number, or a number on one side only, leaves the words to judge.
    assert similarity("How does step 3 work?", "How does step 3 work again?") >= STRONG
    assert similarity("How do I submit assignment 2?", "How do I submit my assignment?") > 0
