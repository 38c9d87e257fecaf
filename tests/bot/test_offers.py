"""Earlier answers offered to a new question's asker, once, and a facilitator's /duplicate."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from bot.recording import Call
from storage.repositories.search import EARLIER as READS_EARLIER
from tests.builders import JSON, group, message_link, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitates #onb26
BEN = user(12, "Ben", "ben_b")  # asks a new question
CLEO = user(13, "Cleo", "cleo_p")  # asked the earlier one
DAN = user(14, "Dan", "dan_d")  # answered it
ZOE = user(15, "Zoe", "zoe_z")  # facilitates #lead26
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001800, "Leadership 2026")
FORUM = group(-1001600, "Onboarding forum", forum=True)
EARLIER = "How do I reset my VPN password?"
ANSWER = "Use the self-service portal.\nThen wait five minutes."
NEW = "How can I reset the VPN password?"


async def say(flock: Harness, chat: JSON, person: JSON, text: str, **kw: object) -> tuple[JSON, list[Call]]:
    update = flock.telegram.post(chat, person, text, **kw)
    return update, await flock.send(update)


async def set_up(
    flock: Harness, chat: JSON = CHAT, *, ben_started: bool = True, topic: int | None = None
) -> JSON:
    """#onb26 in the chat, with an earlier question answered; returns the earlier question."""
    flock.make_admin(chat, ANA)
    await flock.send(flock.telegram.post(chat, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    if ben_started:
        await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    asked, _ = await say(flock, chat, CLEO, EARLIER, topic=topic)
    await say(flock, chat, DAN, ANSWER, reply_to=asked["message"], topic=topic)
    return asked


def watch(flock: Harness) -> list[str]:
    """The statements sent from now on (for the test's lifetime)."""
    statements: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", seen)
    return statements


def is_match(statement: str) -> bool:
    """A match of the index: a read of what was settled before the batch, by stems."""
    return READS_EARLIER in statement and "question_stems" in statement


def offers(calls: list[Call]) -> list[Call]:
    return [
        c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params and "before" in c.text
    ]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    row = message.params["reply_markup"]["inline_keyboard"][0]
    data = next(b["callback_data"] for b in row if b["text"] == label)
    return flock.telegram.press(person, message.result, data)


def toasts(calls: list[Call]) -> list[str]:
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


async def state_of(flock: Harness, message: JSON) -> str:
    [(state,)] = await flock.rows(
        "select state from questions where message_id = :m", m=message["message"]["message_id"]
    )
    return str(state)


async def test_an_asker_who_started_the_bot_is_offered_the_earlier_answer_privately(flock: Harness) -> None:
    earlier = await set_up(flock)

    new, calls = await say(flock, CHAT, BEN, NEW)

    [offer] = offers(calls)
    link = message_link(CHAT, earlier)
    asked = message_link(CHAT, new)
    assert offer.chat_id == BEN["id"]
    assert offer.text == (
        f'About your question <a href="{asked}">“{NEW}”</a> in #onb26: it was asked before, '
        f'<a href="{link}">“{EARLIER}”</a>, and answered:\n'
        "<blockquote>Use the self-service portal.</blockquote>\nDoes that answer it?"
    )
    assert [b["text"] for b in offer.params["reply_markup"]["inline_keyboard"][0]] == [
        "That answers it",
        "Not quite",
    ]
    assert [c for c in calls if c.method == "sendMessage" and c.chat_id == CHAT["id"]] == []


async def test_without_a_private_chat_the_offer_is_one_reply_in_the_thread(flock: Harness) -> None:
    await set_up(flock, ben_started=False)

    new, calls = await say(flock, CHAT, BEN, NEW)

    [offer] = offers(calls)
    assert offer.chat_id == CHAT["id"]
    assert offer.params["reply_parameters"]["message_id"] == new["message"]["message_id"]
    assert offer.text.startswith("This was asked before: ")
    assert offer.text.endswith("Does that answer it? (Only the person who asked can say.)")


async def test_in_a_forum_the_offer_goes_to_the_question_s_topic(flock: Harness) -> None:
    await set_up(flock, FORUM, ben_started=False, topic=77)

    _, calls = await say(flock, FORUM, BEN, NEW, topic=77)

    [offer] = offers(calls)
    assert offer.chat_id == FORUM["id"]
    assert offer.params["message_thread_id"] == 77


async def test_that_answers_it_resolves_the_question_from_the_archive(flock: Harness) -> None:
    await set_up(flock)
    new, calls = await say(flock, CHAT, BEN, NEW)
    [offer] = offers(calls)

    pressed = await flock.send(press(flock, BEN, offer, "That answers it"))

    asked = message_link(CHAT, new)
    assert [c.params["text"] for c in pressed if c.method == "editMessageText"] == [
        f'✅ Glad it helped — your question <a href="{asked}">“{NEW}”</a> is marked as solved.'
    ]
    assert await state_of(flock, new) == "resolved"
    assert await flock.rows("select outcome from offers") == [("accepted",)]


async def test_in_the_group_the_settled_offer_says_who_decided_and_keeps_the_earlier_question(
    flock: Harness,
) -> None:
    earlier = await set_up(flock, ben_started=False)
    _, calls = await say(flock, CHAT, BEN, NEW)
    [offer] = offers(calls)
    _, calls = await say(flock, CHAT, user(21, "Eli"), "How do I get the VPN password reset?")
    [other] = offers(calls)

    accepted = await flock.send(press(flock, BEN, offer, "That answers it"))
    declined = await flock.send(press(flock, user(21, "Eli"), other, "Not quite"))

    # Everyone in the group reads these: who pressed, and where the earlier answer still is.
    link = message_link(CHAT, earlier)
    assert [c.params["text"] for c in accepted if c.method == "editMessageText"] == [
        f'✅ Glad it helped, Ben: the answer to <a href="{link}">“{EARLIER}”</a> settles it, '
        "and the question is marked as solved."
    ]
    assert [c.params["text"] for c in declined if c.method == "editMessageText"] == [
        f'Got it, Eli: the answer to <a href="{link}">“{EARLIER}”</a> isn\'t quite it, '
        "so the question stays open for the course."
    ]


async def test_accepted_after_its_alert_the_alert_links_the_earlier_question(flock: Harness) -> None:
    earlier = await set_up(flock, ben_started=False)
    _, calls = await say(flock, CHAT, BEN, NEW)
    [offer] = offers(calls)
    flock.clock.advance(hours=2, minutes=1)
    [alert] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]

    pressed = await flock.send(press(flock, BEN, offer, "That answers it"))

    link = message_link(CHAT, earlier)
    [edited] = [c for c in pressed if c.method == "editMessageText" and c.chat_id == ANA["id"]]
    assert edited.params["message_id"] == alert.result["message_id"]
    assert edited.text == (
        f"{alert.text}\n\n"
        f'<b>✅ Solved by the answer to <a href="{link}">an earlier question</a> (Ben said so)</b>'
    )


async def test_answers_from_the_archive_are_counted_in_the_digest_and_stats(flock: Harness) -> None:
    earlier = await set_up(flock)
    _, calls = await say(flock, CHAT, BEN, NEW)
    await flock.send(press(flock, BEN, offers(calls)[0], "That answers it"))
    other, _ = await say(flock, CHAT, CLEO, "My VPN says my password expired, what now?")
    link = message_link(CHAT, earlier)
    await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=other["message"])

    stats = "\n".join(c.text for c in await flock.send(flock.telegram.post(private(ANA), ANA, "/stats")))
    digest = "\n".join(c.text for c in await flock.send(flock.telegram.post(private(ANA), ANA, "/digest")))

    assert "Answered from earlier answers: 2" in stats
    assert "2 answered from earlier answers" in digest


async def test_not_quite_changes_nothing_and_is_not_asked_again(flock: Harness) -> None:
    await set_up(flock)
    new, calls = await say(flock, CHAT, BEN, NEW)
    [offer] = offers(calls)

    pressed = await flock.send(press(flock, BEN, offer, "Not quite"))
    again = await flock.send(press(flock, BEN, offer, "That answers it"))
    edited = flock.telegram.edit(new, NEW + " (on my laptop)")
    after_edit = await flock.send(edited)

    asked = message_link(CHAT, new)
    assert [c.params["text"] for c in pressed if c.method == "editMessageText"] == [
        f'Got it — your question <a href="{asked}">“{NEW}”</a> stays open for the course.'
    ]
    assert toasts(again) == ["You've already answered this."]
    assert offers(after_edit) == []
    assert await state_of(flock, new) == "open"
    assert await flock.rows("select outcome from offers") == [("declined",)]


async def test_only_the_asker_may_press_and_others_get_a_polite_toast(flock: Harness) -> None:
    await set_up(flock, ben_started=False)
    new, calls = await say(flock, CHAT, BEN, NEW)
    [offer] = offers(calls)

    pressed = await flock.send(press(flock, CLEO, offer, "That answers it"))

    assert toasts(pressed) == ["Only the person who asked can answer this."]
    assert await state_of(flock, new) == "open"
    assert await flock.rows("select outcome from offers") == [(None,)]


async def test_at_most_five_offers_an_hour_in_a_group_but_private_ones_are_not_capped(flock: Harness) -> None:
    await set_up(flock, ben_started=False)
    made = []
    for n in range(6):
        _, calls = await say(flock, CHAT, user(100 + n, f"Learner {n}"), NEW)
        made.append(len(offers(calls)))
    await flock.send(flock.telegram.post(private(DAN), DAN, "/start"))
    _, dans = await say(flock, CHAT, DAN, "Where do I reset the VPN password?")
    flock.clock.advance(hours=1, minutes=1)
    _, later = await say(flock, CHAT, user(120, "Learner 20"), NEW)

    assert made == [1, 1, 1, 1, 1, 0]
    assert [c.chat_id for c in offers(dans)] == [DAN["id"]]
    assert len(offers(later)) == 1


async def test_the_hourly_cap_counts_the_offers_of_one_batch(flock: Harness) -> None:
    await set_up(flock, ben_started=False)
    await say(flock, CHAT, user(100, "Learner 0"), NEW)
    asked = [flock.telegram.post(CHAT, user(101 + n, f"Learner {n + 1}"), NEW) for n in range(6)]

    calls = await flock.send(*asked)

    assert len(offers(calls)) == 4
    assert await flock.rows("select count(*) from offers where group_chat_id is not null") == [(5,)]


async def test_nothing_is_offered_during_a_live_guest_session(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers in data" in 30m'))
    flock.clock.advance(minutes=31)
    await flock.tick()
    [(phase,)] = await flock.rows("select phase from guest_sessions")

    _, calls = await say(flock, CHAT, BEN, NEW)

    assert phase == "live"
    assert offers(calls) == []
    assert await flock.rows("select count(*) from offers") == [(0,)]


async def test_nothing_is_offered_during_a_live_discussion(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(
        flock.telegram.post(
            CHAT,
            ANA,
            '/discussion "Remote work" in 10m gap 10m\nWhat tool helped you most?\nWhat will you try next?',
        )
    )
    flock.clock.advance(minutes=11)
    await flock.tick()
    [(state,)] = await flock.rows("select state from discussion_rounds")

    _, calls = await say(flock, CHAT, BEN, NEW)

    assert state == "live"
    assert offers(calls) == []


async def test_a_forgotten_question_is_never_offered(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    calls = await flock.send(flock.telegram.post(private(CLEO), CLEO, "/forget_me"))
    [asked] = [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]
    await flock.send(press(flock, CLEO, asked, "Forget me"))

    _, calls = await say(flock, CHAT, BEN, NEW)

    assert offers(calls) == []


async def stems_at(flock: Harness, message: JSON) -> list[tuple[str, int]]:
    """The rows of the stems table (what a match reads) of the question asked at it: each stem,
    with the question's count of stems."""
    rows = await flock.rows(
        "select s.stem, s.size from question_stems s join questions q on q.id = s.question_id"
        " where q.message_id = :m order by s.stem",
        m=message["message"]["message_id"],
    )
    return [(str(stem), int(size)) for stem, size in rows]


async def stems_of(flock: Harness, message: JSON) -> int:
    """How many rows of the stems table the question asked at it has."""
    return len(await stems_at(flock, message))


async def test_an_edited_earlier_question_is_matched_by_its_new_words_only(flock: Harness) -> None:
    asked = await set_up(flock)

    await flock.send(flock.telegram.edit(asked, "How do I renew my laptop certificate?"))

    _, calls = await say(flock, CHAT, BEN, NEW)
    assert offers(calls) == []
    _, calls = await say(flock, CHAT, BEN, "Where can I renew the laptop certificate?")
    assert ["renew my laptop certificate" in c.text for c in offers(calls)] == [True]


async def test_an_edit_leaves_the_stems_a_match_reads_as_the_question_now_reads(
    flock: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    asked = await set_up(flock)
    edit = flock.telegram.edit(asked, "How do I reset the laptop password for eduroam?")
    other = flock.telegram.post(CHAT, BEN, "Where is the campus library?")

    await flock.send(edit, other)  # the edit's stems out, and both questions' in, in one batch

    assert await stems_at(flock, asked) == [("eduroam", 4), ("laptop", 4), ("password", 4), ("reset", 4)]
    assert await stems_of(flock, other) == 2  # campu, library
    assert "held writes failed" not in caplog.text  # sent as the batch held them


@pytest.mark.parametrize(
    ("asked_as", "edited_to", "kept"),
    [
        # its stems in, out, then in again, with another's
        (
            "How do I book the music room?",
            "How do I book the studio room?",
            [("book", 3), ("room", 3), ("studio", 3)],
        ),
        # its stems in, then out with none to put back
        ("#q How do I book the music room?", "#q Help?", []),
    ],
    ids=["new words", "no words"],
)
async def test_a_question_edited_in_the_batch_that_asked_it_keeps_the_stems_it_now_has(
    flock: Harness,
    caplog: pytest.LogCaptureFixture,
    asked_as: str,
    edited_to: str,
    kept: list[tuple[str, int]],
) -> None:
    await set_up(flock)
    asked = flock.telegram.post(CHAT, BEN, asked_as)
    edit = flock.telegram.edit(asked, edited_to)
    other = flock.telegram.post(CHAT, CLEO, "Where is the campus library?")

    await flock.send(asked, edit, other)

    assert await stems_at(flock, asked) == kept
    assert await stems_of(flock, other) == 2
    assert "held writes failed" not in caplog.text  # in order, as the batch held them


async def test_a_question_purged_by_retention_is_never_offered(flock: Harness) -> None:
    asked = await set_up(flock)
    assert await stems_of(flock, asked) == 3  # reset, vpn, password
    flock.clock.advance(days=31)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings retention 30d"))

    await flock.tick()

    assert await stems_of(flock, asked) == 0
    _, calls = await say(flock, CHAT, BEN, NEW)
    assert offers(calls) == []


async def test_a_forgotten_question_leaves_nothing_a_match_reads(flock: Harness) -> None:
    asked = await set_up(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    calls = await flock.send(flock.telegram.post(private(CLEO), CLEO, "/forget_me"))
    [confirm] = [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]

    await flock.send(press(flock, CLEO, confirm, "Forget me"))

    assert await stems_of(flock, asked) == 0


async def test_a_question_asked_and_answered_in_one_batch_is_offered_to_the_next(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    asked = flock.telegram.post(CHAT, CLEO, EARLIER)
    answered = flock.telegram.post(CHAT, DAN, ANSWER, reply_to=asked["message"])

    calls = await flock.send(asked, answered, flock.telegram.post(CHAT, BEN, NEW))

    assert [EARLIER in c.text for c in offers(calls)] == [True]


async def test_a_question_answered_in_the_batch_of_a_new_one_like_it_is_offered_to_it(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    asked, _ = await say(flock, CHAT, CLEO, EARLIER)
    answered = flock.telegram.post(CHAT, DAN, ANSWER, reply_to=asked["message"])
    unrelated = flock.telegram.post(CHAT, DAN, "Where are the slides from day one?")
    statements = watch(flock)

    calls = await flock.send(answered, unrelated, flock.telegram.post(CHAT, BEN, NEW))

    assert [EARLIER in c.text for c in offers(calls)] == [True]
    assert "Use the self-service portal." in offers(calls)[0].text
    # Its only answer is the batch's: the batch knows it whole, and sends nothing early for it.
    assert not [s for s in statements if "SAVEPOINT" in s]


async def test_an_answer_given_in_the_batch_is_quoted_if_it_is_the_best_one(flock: Harness) -> None:
    earlier = await set_up(flock)  # answered by Dan, a peer
    eve = user(16, "Eve", "eve_e")
    by_a_peer = flock.telegram.post(CHAT, eve, "Or call the IT desk.", reply_to=earlier["message"])

    calls = await flock.send(by_a_peer, flock.telegram.post(CHAT, BEN, NEW))

    # A peer's later answer never goes before the first one.
    [offer] = offers(calls)
    assert "Use the self-service portal." in offer.text
    assert "IT desk" not in offer.text

    by_a_facilitator = flock.telegram.post(CHAT, ANA, "Ask Sam at the IT desk.", reply_to=earlier["message"])
    calls = await flock.send(
        by_a_facilitator, flock.telegram.post(CHAT, CLEO, "How can I reset a VPN password?")
    )

    # A facilitator's answer goes first, even given in the batch of the question offered it.
    [offer] = offers(calls)
    assert "Ask Sam at the IT desk." in offer.text


async def test_an_earlier_question_edited_in_the_batch_of_a_new_one_is_matched_as_edited(
    flock: Harness,
) -> None:
    earlier = await set_up(flock)
    edit = flock.telegram.edit(earlier, "How do I renew my library card?")

    calls = await flock.send(edit, flock.telegram.post(CHAT, BEN, "How can I renew the library card?"))

    assert ["library card" in c.text for c in offers(calls)] == [True]


async def test_a_batch_judges_the_questions_it_changed_itself_and_sends_nothing_early(flock: Harness) -> None:
    """An earlier question edited in the batch, then asked about in its old words and its new
    ones: the match made ahead stands for the rest, the edited question is judged as it now reads,
    and the batch's writes go once, at its end."""
    earlier = await set_up(flock)
    edit = flock.telegram.edit(earlier, "How do I renew my library card?")
    old_words = flock.telegram.post(CHAT, BEN, NEW)
    new_words = flock.telegram.post(CHAT, CLEO, "How can I renew the library card?")
    seen_statements: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen_statements.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", seen)
    calls = await flock.send(edit, old_words, new_words)
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", seen)

    assert ["library card" in c.text for c in offers(calls)] == [True]
    matches = [s for s in seen_statements if is_match(s)]
    assert len(matches) == 1, "\n\n".join(matches)  # made ahead; no match of its own
    assert not [s for s in seen_statements if "SAVEPOINT" in s]  # nothing sent before the end


async def test_the_questions_of_a_batch_are_matched_in_one_statement(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(OTHER, ZOE)
    await flock.send(flock.telegram.post(OTHER, ZOE, "/setup #lead26 Leadership 2026"))
    here = [flock.telegram.post(CHAT, BEN, f"Where do I book room {n} for lunch?") for n in range(4)]
    there = [flock.telegram.post(OTHER, CLEO, f"Who reviews the module {n} essay?") for n in range(4)]
    reads: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if is_match(statement):
            reads.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", seen)
    calls = await flock.send(*here, *there)
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", seen)

    assert offers(calls) == []
    # Every message that may ask, in both courses, matched ahead as the batch begins.
    assert len(reads) == 1, "\n\n".join(reads)
    assert await flock.rows("select count(*) from questions") == [(9,)]


async def test_a_batch_reads_what_its_offers_need_ahead_not_once_per_question(flock: Harness) -> None:
    await set_up(flock, ben_started=False)
    asked = [flock.telegram.post(CHAT, user(100 + n, f"Learner {n}"), NEW) for n in range(3)]
    asked.append(flock.telegram.post(CHAT, user(110, "Learner 10"), "Who reviews the module 2 essay?"))
    reads: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if READS_EARLIER in statement or "FROM offers" in statement or "guest_sessions" in statement:
            reads.append(statement)

    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", seen)
    calls = await flock.send(*asked)
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", seen)

    assert len(offers(calls)) == 3
    # The batch's matches with their candidates whole, then whether their chat is live and its
    # offers of the past hour: once each for the batch, not once a question.
    [matched] = [r for r in reads if READS_EARLIER in r]
    assert is_match(matched), matched
    [live_and_offered] = [r for r in reads if READS_EARLIER not in r]
    assert "FROM offers" in live_and_offered
    assert "guest_sessions" in live_and_offered


async def test_nothing_is_offered_from_another_course(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(OTHER, ZOE)
    await flock.send(flock.telegram.post(OTHER, ZOE, "/setup #lead26 Leadership 2026"))

    _, calls = await say(flock, OTHER, BEN, NEW)

    assert offers(calls) == []


async def test_an_unrelated_question_is_offered_nothing(flock: Harness) -> None:
    await set_up(flock)

    _, calls = await say(flock, CHAT, BEN, "Where are the slides from day one?")

    assert offers(calls) == []


async def test_a_facilitator_marks_a_duplicate_and_the_asker_is_pointed_there(flock: Harness) -> None:
    earlier = await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")
    link = message_link(CHAT, earlier)

    _, refused_calls = await say(flock, CHAT, CLEO, f"/duplicate {link}", reply_to=new["message"])
    state_after_refusal = await state_of(flock, new)
    _, calls = await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=new["message"])

    assert [c.text for c in refused_calls if c.method == "sendMessage"] == [
        "Only a facilitator of this course can mark a duplicate."
    ]
    assert state_after_refusal == "open"
    [pointer] = [c for c in calls if c.method == "sendMessage"]
    assert pointer.chat_id == CHAT["id"]
    assert pointer.params["reply_parameters"]["message_id"] == new["message"]["message_id"]
    assert (
        pointer.text
        == f'Ben, this was asked and answered before: <a href="{link}">“{EARLIER}”</a>. Have a look there.'
    )
    assert await state_of(flock, new) == "resolved"
    assert await flock.rows("select outcome from offers") == [("duplicate",)]


async def test_duplicate_as_a_reply_to_the_alert_in_private(flock: Harness) -> None:
    earlier = await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")
    flock.clock.advance(hours=2, minutes=1)
    [alert] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    link = message_link(CHAT, earlier)

    _, calls = await say(flock, private(ANA), ANA, f"/duplicate {link}", reply_to=alert.result)

    asked = message_link(CHAT, new)
    assert [c.text for c in calls if c.method == "sendMessage" and c.chat_id == ANA["id"]] == [
        f'Marked as a duplicate: <a href="{asked}">“My VPN says my password expired, what now?”</a> is '
        f'resolved, and Ben is pointed to <a href="{link}">“{EARLIER}”</a>.'
    ]
    assert await state_of(flock, new) == "resolved"


async def test_a_duplicates_alert_says_so_and_links_the_earlier_question(flock: Harness) -> None:
    earlier = await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")
    flock.clock.advance(hours=2, minutes=1)
    [alert] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    link = message_link(CHAT, earlier)

    _, calls = await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=new["message"])

    [edited] = [c for c in calls if c.method == "editMessageText"]
    assert (edited.chat_id, edited.params["message_id"]) == (ANA["id"], alert.result["message_id"])
    assert edited.text == (
        f"{alert.text}\n\n"
        f'<b>✅ Solved as a duplicate of <a href="{link}">an earlier question</a> (marked by Ana)</b>'
    )
    assert "reply_markup" not in edited.params  # nothing left to act on


async def test_duplicate_without_a_link_says_how(flock: Harness) -> None:
    earlier = await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")
    link = message_link(CHAT, earlier)

    _, calls = await say(flock, CHAT, ANA, "/duplicate", reply_to=new["message"])
    _, unreplied = await say(flock, CHAT, ANA, f"/duplicate {link}")

    # She replied to the question: what is missing is the link, and where to copy it.
    assert [c.text for c in calls if c.method == "sendMessage"] == [
        "Add the earlier question's link after /duplicate: in Telegram, copy it from that question "
        "(Copy Message Link)."
    ]
    assert [c.text for c in unreplied if c.method == "sendMessage"] == [
        "Reply to the question (or its alert) with /duplicate and a link to the earlier question."
    ]
    assert await state_of(flock, new) == "open"


async def test_a_question_already_marked_a_duplicate_is_not_pointed_there_twice(flock: Harness) -> None:
    earlier = await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")
    link = message_link(CHAT, earlier)
    _, first = await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=new["message"])

    _, again = await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=new["message"])

    assert len([c for c in first if c.method == "sendMessage"]) == 1  # the pointer
    assert [(c.chat_id, c.text) for c in again if c.method == "sendMessage"] == [
        (CHAT["id"], "That question is already marked as a duplicate: its asker was pointed there.")
    ]
    assert await flock.rows("select outcome from offers") == [("duplicate",)]


async def test_a_duplicate_of_a_later_question_is_not_said_to_be_asked_before(flock: Harness) -> None:
    await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "Will Friday's session have a recording?")
    flock.clock.advance(minutes=5)
    later, _ = await say(flock, CHAT, CLEO, "Is the Friday session recorded?")
    await say(flock, CHAT, DAN, "Yes, on the course drive.", reply_to=later["message"])
    link = message_link(CHAT, later)

    _, calls = await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=new["message"])

    [pointer] = [c for c in calls if c.method == "sendMessage"]
    assert pointer.text == (
        f'Ben, this question is followed in another thread: <a href="{link}">“Is the Friday session '
        "recorded?”</a>. Have a look there."
    )


async def test_a_duplicate_of_a_question_still_waiting_is_not_called_answered(flock: Harness) -> None:
    await set_up(flock)
    waiting, _ = await say(flock, CHAT, CLEO, "Is the Friday session recorded?")
    new, _ = await say(flock, CHAT, BEN, "Will Friday's session have a recording?")
    link = message_link(CHAT, waiting)

    _, calls = await say(flock, CHAT, ANA, f"/duplicate {link}", reply_to=new["message"])

    [pointer] = [c for c in calls if c.method == "sendMessage"]
    assert pointer.text == (
        f'Ben, this was asked before: <a href="{link}">“Is the Friday session recorded?”</a>. '
        "Follow it there for the answer."
    )
    assert await state_of(flock, new) == "resolved"


async def test_duplicate_with_something_that_is_not_a_link_says_how_to_get_one(flock: Harness) -> None:
    await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")

    _, calls = await say(flock, CHAT, ANA, "/duplicate the VPN one", reply_to=new["message"])

    assert [c.text for c in calls if c.method == "sendMessage"] == [
        "I couldn't read “the VPN one” as a link to a message. In Telegram, copy the earlier "
        "question's link (Copy Message Link) and paste it after /duplicate."
    ]
    assert await state_of(flock, new) == "open"


async def test_duplicate_linking_the_question_to_itself_says_so(flock: Harness) -> None:
    await set_up(flock)
    new, _ = await say(flock, CHAT, BEN, "My VPN says my password expired, what now?")
    itself = message_link(CHAT, new)

    _, calls = await say(flock, CHAT, ANA, f"/duplicate {itself}", reply_to=new["message"])

    assert [c.text for c in calls if c.method == "sendMessage"] == [
        "That link is to this same question: link to the earlier one it repeats."
    ]
    assert await state_of(flock, new) == "open"
    assert await flock.rows("select count(*) from offers") == [(0,)]
