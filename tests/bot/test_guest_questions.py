"""Collecting questions for a guest: asking, merging, the board, votes, hiding, anonymity."""

from __future__ import annotations

import re

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
CHAT = group(-1001500, "Onboarding 2026")


async def set_up(flock: Harness, sessions: int = 1) -> Call:
    """A course with a session collecting questions; returns the board message as sent."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    boards = []
    for n in range(sessions):
        calls = await flock.send(
            flock.telegram.post(CHAT, ANA, f'/guest @ada_expert "Careers {n + 1}" tomorrow 15:00')
        )
        boards += [c for c in calls if c.method == "sendMessage" and c.text.startswith("🎤")]
    return boards[0]


def edits(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "editMessageText"]


def replies(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage"]


def vote(flock: Harness, person: JSON, board: Call, number: int, latest: Call) -> JSON:
    buttons = [b for row in latest.params["reply_markup"]["inline_keyboard"] for b in row]
    data = next(b["callback_data"] for b in buttons if b["text"].startswith(f"Q{number} · "))
    return flock.telegram.press(person, board.result, data)


async def test_askguest_puts_the_question_on_the_board(flock: Harness) -> None:
    board = await set_up(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))

    assert replies(calls) == ["Added to the board for “Careers 1”. Others can upvote it."]
    (edit,) = edits(calls)
    assert edit.params["message_id"] == board.result["message_id"]
    assert "<b>Q1.</b> How did you get your first data job? — Ben · 👍 0" in edit.text
    assert edit.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Q1 · 👍 0"


async def test_a_reply_to_the_board_is_a_question_for_the_guest(flock: Harness) -> None:
    board = await set_up(flock)
    board_message = {**board.result, "chat": CHAT}

    calls = await flock.send(
        flock.telegram.post(CHAT, CLEO, "Which courses helped you most?", reply_to=board_message)
    )

    assert replies(calls) == ["Added to the board for “Careers 1”. Others can upvote it."]
    assert await flock.rows("select text, asker_id, chat_id from session_questions") == [
        ("Which courses helped you most?", CLEO["id"], CHAT["id"])
    ]
    assert await flock.rows("select count(*) from questions") == [(0,)]  # not a course question


async def test_near_duplicates_merge_and_keep_both_askers(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))

    calls = await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest how did you get your FIRST data job"))

    assert replies(calls) == ["Someone asked that already for “Careers 1”, so I've added you to it."]
    assert await flock.rows("select count(*) from session_questions") == [(1,)]
    assert await flock.rows("select person_id from session_askers order by person_id") == [(12,), (13,)]


async def test_upvote_toggles_one_vote_per_person(flock: Harness) -> None:
    board = await set_up(flock)
    asked = await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))
    latest = edits(asked)[0]

    first = await flock.send(vote(flock, CLEO, board, 1, latest))
    second = await flock.send(vote(flock, CLEO, board, 1, latest))
    other = await flock.send(vote(flock, ANA, board, 1, latest))

    toasts = [c.params.get("text") for c in first + second + other if c.method == "answerCallbackQuery"]
    assert toasts == ["Upvoted 👍", "Vote withdrawn", "Upvoted 👍"]
    assert await flock.rows("select person_id from session_votes") == [(ANA["id"],)]
    assert "👍 1" in edits(other)[0].text


async def test_the_board_ranks_by_votes_then_age(flock: Harness) -> None:
    board = await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest First question about careers?"))
    asked = await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest Second question about salaries?"))

    calls = await flock.send(vote(flock, ANA, board, 2, edits(asked)[0]))

    text = edits(calls)[0].text
    assert text.index("Second question") < text.index("First question")


async def test_the_board_sorts_by_votes_but_each_question_keeps_its_number(flock: Harness) -> None:
    board = await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest First question about careers?"))
    await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest Second question about salaries?"))
    asked = await flock.send(flock.telegram.post(CHAT, ANA, "/askguest Third question about tools?"))
    await flock.send(vote(flock, BEN, board, 3, edits(asked)[0]))
    await flock.send(vote(flock, CLEO, board, 3, edits(asked)[0]))
    calls = await flock.send(vote(flock, BEN, board, 2, edits(asked)[0]))

    latest = edits(calls)[0]
    lines = [line for line in latest.text.splitlines() if re.match(r"<b>Q\d", line)]
    labels = [b["text"] for row in latest.params["reply_markup"]["inline_keyboard"] for b in row]
    assert lines == [
        "<b>Q3.</b> Third question about tools? — Ana · 👍 2",
        "<b>Q2.</b> Second question about salaries? — Cleo · 👍 1",
        "<b>Q1.</b> First question about careers? — Ben · 👍 0",
    ]
    # The buttons keep their places (by number) while votes move the lines: no tap lands elsewhere.
    assert labels == ["Q1 · 👍 0", "Q2 · 👍 1", "Q3 · 👍 2"]


async def test_a_vote_from_another_message_is_refused(flock: Harness) -> None:
    board = await set_up(flock)
    asked = await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))
    data = edits(asked)[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    elsewhere = {**board.result, "message_id": board.result["message_id"] + 50}

    calls = await flock.send(flock.telegram.press(CLEO, elsewhere, data))

    assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == [
        "That button isn't valid any more."
    ]
    assert await flock.rows("select count(*) from session_votes") == [(0,)]


async def test_a_facilitator_hides_a_question_and_a_learner_cannot(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest Something off topic here?"))

    refused = replies(await flock.send(flock.telegram.post(CHAT, CLEO, "/session_hide 1 1")))
    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/session_hide 1 1"))

    assert refused == ["Only facilitators of #onb26 can do that."]
    assert replies(calls) == ["Hidden: question 1 of session 1 is off the board."]
    assert "Something off topic" not in edits(calls)[0].text
    assert await flock.rows("select hidden from session_questions") == [(True,)]


async def test_anonymous_private_question_shows_no_name(flock: Harness) -> None:
    await set_up(flock)

    link = replies(await flock.send(flock.telegram.post(private(BEN), BEN, "/start ask_1")))
    calls = await flock.send(
        flock.telegram.post(private(BEN), BEN, "/askguest 1 anon Is the pay really that good?")
    )

    assert "<code>/askguest 1 anon your question</code>" in link[0]
    assert "Is the pay really that good? — anonymous" in edits(calls)[0].text
    assert await flock.rows("select asker_id, anonymous, chat_id from session_questions") == [
        (BEN["id"], True, BEN["id"])  # the private message, so an edit finds it
    ]


async def test_two_sessions_collecting_need_the_number(flock: Harness) -> None:
    await set_up(flock, sessions=2)

    unclear = replies(await flock.send(flock.telegram.post(CHAT, BEN, "/askguest Which one is this for?")))
    clear = replies(await flock.send(flock.telegram.post(CHAT, BEN, "/askguest 2 Which one is this for?")))

    assert unclear == ["Several sessions are taking questions (1, 2). Add the number: /askguest 1 …"]
    assert clear == ["Added to the board for “Careers 2”. Others can upvote it."]


async def test_no_session_collecting_says_so(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "/askguest Anyone there?"))

    assert replies(calls) == [
        "No guest session is taking questions right now. /sessions shows what's coming."
    ]


def buttons(calls: list[Call]) -> dict[str, str]:
    """The inline buttons of the messages sent, by their text."""
    found = [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]
    return {
        b["text"]: b["callback_data"]
        for c in found
        for row in c.params["reply_markup"]["inline_keyboard"]
        for b in row
    }


async def test_after_the_ask_link_the_next_private_message_is_the_question(flock: Harness) -> None:
    await set_up(flock)

    opened = await flock.send(flock.telegram.post(private(BEN), BEN, "/start ask_1"))
    calls = await flock.send(flock.telegram.post(private(BEN), BEN, "What was your first data job like?"))
    after = replies(await flock.send(flock.telegram.post(private(BEN), BEN, "Thanks!")))

    assert "type it as your next message" in replies(opened)[0]
    assert set(buttons(opened)) == {"Ask with my name", "Ask anonymously"}
    assert replies(calls) == ["Added to the board for “Careers 1”. Others can upvote it."]
    assert "What was your first data job like? — Ben · 👍 0" in edits(calls)[0].text
    assert await flock.rows("select asker_id, anonymous, chat_id from session_questions") == [
        (BEN["id"], False, BEN["id"])
    ]
    assert after[0].startswith("I work mostly in course groups")  # one question per opening


async def test_ask_anonymously_then_type_the_question(flock: Harness) -> None:
    await set_up(flock)
    opened = await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start ask_1"))
    link = next(c for c in opened if c.method == "sendMessage")

    pressed = await flock.send(flock.telegram.press(CLEO, link.result, buttons(opened)["Ask anonymously"]))
    calls = await flock.send(flock.telegram.post(private(CLEO), CLEO, "Is the pay really that good?"))

    (toast,) = [c for c in pressed if c.method == "answerCallbackQuery"]
    assert "anonymously" in toast.params["text"]
    assert "Is the pay really that good? — anonymous" in edits(calls)[0].text
    assert await flock.rows("select asker_id, anonymous from session_questions") == [(CLEO["id"], True)]


async def test_the_ask_link_waits_an_hour_for_the_question(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start ask_1"))

    flock.clock.advance(minutes=61)
    late = replies(await flock.send(flock.telegram.post(private(BEN), BEN, "Still there?")))

    assert late[0].startswith("I work mostly in course groups")
    assert await flock.rows("select count(*) from session_questions") == [(0,)]


async def test_asking_privately_without_a_number_shows_a_real_session_in_the_example(flock: Harness) -> None:
    await set_up(flock, sessions=2)
    await flock.send(flock.telegram.post(CHAT, ANA, "/session_cancel 1"))
    await flock.send(flock.telegram.post(CHAT, BEN, "Hello everyone, glad to be here"))

    known = replies(await flock.send(flock.telegram.post(private(BEN), BEN, "/askguest Is it paid?")))
    stranger = replies(await flock.send(flock.telegram.post(private(CLEO), CLEO, "/askguest Is it paid?")))

    assert known == ["Say which session: /askguest 2 your question (/sessions lists them)."]
    assert stranger == [
        "Say which session: /askguest, the session's number from /sessions, then your question."
    ]


async def test_askers_cannot_upvote_their_own_question(flock: Harness) -> None:
    board = await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))
    asked = await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest how did you get your FIRST data job"))

    own = await flock.send(vote(flock, BEN, board, 1, edits(asked)[0]))
    joined = await flock.send(vote(flock, CLEO, board, 1, edits(asked)[0]))

    toasts = [c.params.get("text") for c in own + joined if c.method == "answerCallbackQuery"]
    assert toasts == ["That's your own question: the others can upvote it."] * 2
    assert edits(own + joined) == []
    assert await flock.rows("select count(*) from session_votes") == [(0,)]


async def test_an_edited_askguest_corrects_the_question_on_the_board(flock: Harness) -> None:
    await set_up(flock)
    asked = flock.telegram.post(CHAT, BEN, "/askguest How did you get your frist job?")
    await flock.send(asked)
    in_private = flock.telegram.post(private(CLEO), CLEO, "/askguest 1 anon Is the pay godo?")
    await flock.send(in_private)

    calls = await flock.send(flock.telegram.edit(asked, "/askguest How did you get your first data job?"))
    privately = await flock.send(flock.telegram.edit(in_private, "/askguest 1 anon Is the pay good?"))

    assert replies(calls + privately) == []  # corrected quietly, like any edit
    assert "<b>Q1.</b> How did you get your first data job? — Ben · 👍 0" in edits(calls)[-1].text
    assert "frist" not in edits(calls)[-1].text
    assert "<b>Q2.</b> Is the pay good? — anonymous · 👍 0" in edits(privately)[-1].text
    assert await flock.rows("select number, text from session_questions order by number") == [
        (1, "How did you get your first data job?"),
        (2, "Is the pay good?"),
    ]


async def test_an_edited_reply_to_the_board_corrects_the_question(flock: Harness) -> None:
    board = await set_up(flock)
    asked = flock.telegram.post(
        CHAT, CLEO, "Which coruses helped you most?", reply_to={**board.result, "chat": CHAT}
    )
    await flock.send(asked)

    calls = await flock.send(flock.telegram.edit(asked, "Which courses helped you most?"))

    assert "<b>Q1.</b> Which courses helped you most? — Cleo · 👍 0" in edits(calls)[-1].text
    assert await flock.rows("select text from session_questions") == [("Which courses helped you most?",)]
    assert await flock.rows("select count(*) from questions") == [(0,)]
