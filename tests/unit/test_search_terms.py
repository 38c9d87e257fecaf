"""What a text is searched for, and how close two questions are."""

from __future__ import annotations

from facilitation.matching import similarity, stem
from facilitation.search_terms import MAX_TERMS, terms


def test_terms_are_the_words_without_common_ones_or_query_syntax() -> None:
    assert terms('How do I reset my "VPN" password? NEAR(vpn*) -x AND') == [
        "reset",
        "vpn",
        "password",
        "near",
    ]
    assert terms("Comment changer le mot de passe du VPN ?") == ["changer", "mot", "passe", "vpn"]
    assert terms("l'installation d'Outlook") == ["installation", "outlook"]
    assert terms("how do I") == []
    assert terms("snake_case：ＶＰＮ") == ["snake", "case", "vpn"]  # full-width letters read as letters


def test_terms_stop_at_a_bound() -> None:
    assert len(terms(" ".join(f"word{n}" for n in range(100)))) == MAX_TERMS


def test_stems_cut_plurals_and_common_endings_alike() -> None:
    assert stem("passwords") == stem("password")
    assert stem("answered") == stem("answers") == "answer"
    assert stem("formations") == stem("formation")


def test_similarity_is_the_share_of_stems_both_questions_have() -> None:
    assert similarity("How do I reset my VPN password?", "VPN password reset, where?") == 1.0
    assert similarity("How do I reset my VPN password?", "How do I reset my email password?") == 0.5
    assert similarity("VPN?", "VPN password reset") == 0.0  # one word says too little
