"""Removing a person's words from raw updates and outbox payloads."""

from __future__ import annotations

from facilitation.redaction import FORMER_LEARNER, REMOVED, probes, scrub_copies, scrub_names, scrub_update

BEN = {"id": 12, "is_bot": False, "first_name": "Ben", "last_name": "Stone", "username": "ben_b"}
CLEO = {"id": 13, "is_bot": False, "first_name": "Cleo"}
CHAT = {"id": -100, "type": "supergroup", "title": "Course"}


def test_their_message_and_its_quote_in_a_reply_lose_the_words_and_their_name() -> None:
    question = {"message_id": 1, "chat": CHAT, "from": dict(BEN), "text": "How do I start?", "entities": []}
    update = {
        "update_id": 5,
        "message": {
            "message_id": 2,
            "chat": CHAT,
            "from": CLEO,
            "text": "Like this.",
            "reply_to_message": question,
            "quote": {"text": "How do I", "position": 0},
        },
    }

    changed = scrub_update(update, 12, [])

    assert changed
    assert question["text"] == REMOVED
    assert "entities" not in question
    assert question["from"] == {"id": 12, "is_bot": False, "first_name": FORMER_LEARNER}
    assert update["message"]["quote"]["text"] == REMOVED
    assert update["message"]["text"] == "Like this."


def test_in_one_course_only_their_messages_in_its_chats_or_repeating_its_words_go() -> None:
    here = {"message_id": 1, "chat": CHAT, "from": BEN, "text": "Anything"}
    elsewhere = {"message_id": 1, "chat": {"id": -200, "type": "group"}, "from": BEN, "text": "Other course"}
    private = {"message_id": 2, "chat": {"id": 12, "type": "private"}, "from": BEN}
    private["text"] = "/intro #c Hi all"

    scrub_update([here, elsewhere, private], 12, ["Hi all"], chats={-100}, rename=False)

    assert [here["text"], elsewhere["text"], private["text"]] == [REMOVED, "Other course", REMOVED]
    assert BEN["first_name"] == "Ben"


def test_copies_are_removed_whole_cut_short_or_inside_a_longer_text_but_short_words_only_whole() -> None:
    words = ["How do I install the course tools?", "Yes"]
    payload = {
        "alert": {"text": "How do I install the course tools?"},
        "digest": ["How do I install the cou"],
        "markdown": "## 1. How do I install the course tools?\n\nYes, with pip.",
        "answer": "Yes",
    }

    scrubbed, changed = scrub_copies(payload, words)

    assert changed
    assert scrubbed == {
        "alert": {"text": REMOVED},
        "digest": [REMOVED],
        "markdown": f"## 1. {REMOVED}\n\nYes, with pip.",
        "answer": REMOVED,
    }
    assert probes(words) == ['"Yes"', "How do I ins"]


def test_a_payload_loses_their_name_where_it_names_them_and_a_namesake_keeps_theirs() -> None:
    words = ["How do I reset the VPN?"]
    payload = {
        "alerts": [
            {"question_id": 1, "asker": "Ben", "text": "How do I reset the VPN?"},  # his words
            {"question_id": 2, "asker": "Ben", "text": "Where is the form?"},  # another Ben's
            {"question_id": 3, "answerer": "Ben", "text": "Where are the slides?"},  # he answered it
        ],
        "quiet": [{"name": "Ben", "asked": 1}],  # a digest's line of him: nothing says otherwise
    }

    scrubbed, changed = scrub_names(payload, {"Ben"}, words, {1, 3})

    assert changed
    assert [a.get("asker", a.get("answerer")) for a in scrubbed["alerts"]] == [
        FORMER_LEARNER,
        "Ben",
        FORMER_LEARNER,
    ]
    assert scrubbed["quiet"] == [{"name": FORMER_LEARNER, "asked": 1}]
    assert scrub_names(scrubbed, {"Ben"}, words, {1, 3}) == (scrubbed, False)
