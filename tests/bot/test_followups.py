"""After a first answer, the asker is asked privately whether it solved the question."""

from __future__ import annotations

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")  # asker
CLEO = user(13, "Cleo", "cleo_p")  # peer who answers
DAN = user(14, "Dan")  # another peer who answers
CHAT = group(-1001500, "Onboarding 2026")
STAFF = group(-1001900, "Facilitators")


async def set_up(flock: Harness, *, asker_started: bool = True) -> JSON:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    if asker_started:
        await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    question = flock.telegram.post(CHAT, BEN, "How do I reset my portal password?")
    await flock.send(question)
    return question


async def answer(flock: Harness, question: JSON, text: str = "Use the link on the login page.") -> list[Call]:
    return await flock.send(flock.telegram.post(CHAT, CLEO, text, reply_to=question["message"]))


def asks(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == BEN["id"]]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    row = message.params["reply_markup"]["inline_keyboard"][0]
    data = next(b["callback_data"] for b in row if b["text"] == label)
    return flock.telegram.press(person, message.result, data)


async def test_first_answer_asks_the_asker_privately_once(flock: Harness) -> None:
    question = await set_up(flock)

    first = await answer(flock, question)
    second = await answer(flock, question, "Or ask IT on the help desk.")

    assert len(asks(first)) == 1
    assert "Cleo answered your question" in asks(first)[0].text
    assert "Did this answer your question?" in asks(first)[0].text
    assert [b["text"] for b in asks(first)[0].params["reply_markup"]["inline_keyboard"][0]] == [
        "Yes, solved",
        "Not yet",
    ]
    assert asks(second) == []


async def test_an_asker_who_never_started_the_bot_is_not_asked(flock: Harness) -> None:
    question = await set_up(flock, asker_started=False)

    calls = await answer(flock, question)

    assert asks(calls) == []


async def test_yes_resolves_the_question_and_credits_the_answer(flock: Harness) -> None:
    question = await set_up(flock)
    ask = asks(await answer(flock, question))[0]

    calls = await flock.send(press(flock, BEN, ask, "Yes, solved"))

    assert await flock.rows("select state, closed_by from questions") == [("resolved", BEN["id"])]
    assert await flock.rows("select answerer_id, accepted from answers") == [(CLEO["id"], True)]
    assert [c.text for c in calls if c.method == "editMessageText"] == [
        "✅ Great — marked as solved, and the answer is credited. Thanks!"
    ]


async def test_not_yet_puts_the_question_back_in_the_facilitators_queue(flock: Harness) -> None:
    question = await set_up(flock)
    ask = asks(await answer(flock, question))[0]

    await flock.send(press(flock, BEN, ask, "Not yet"))
    flock.clock.advance(hours=2)
    tick = await flock.tick()

    assert await flock.rows("select state, needs_follow_up from questions") == [("open", True)]
    alerts = [c for c in tick if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    assert len(alerts) == 1


def alerts_to(calls: list[Call], chat: JSON) -> list[Call]:
    return [
        c
        for c in calls
        if c.method == "sendMessage" and c.chat_id == chat["id"] and "reply_markup" in c.params
    ]


async def test_not_yet_tells_the_facilitators_at_once_whose_answers_did_not_help(flock: Harness) -> None:
    question = await set_up(flock)
    ask = asks(await answer(flock, question))[0]
    await answer(flock, question, "Or ask IT on the help desk.")
    await flock.send(
        flock.telegram.post(CHAT, DAN, "Same here: the link works.", reply_to=question["message"])
    )
    flock.clock.advance(minutes=10)

    calls = await flock.send(press(flock, BEN, ask, "Not yet"))

    told = alerts_to(calls, ANA)
    assert len(told) == 1
    assert told[0].text.startswith("🙋 <b>Still needs help in #onb26</b>\n")
    assert "Ben asked 10m ago" in told[0].text
    assert "https://t.me/c/1500/" in told[0].text
    assert "Ben says the answers from Cleo and Dan didn't help." in told[0].text
    assert [c.text for c in calls if c.method == "editMessageText"] == [
        "Got it — I've told the facilitators it still needs help."
    ]
    assert await flock.rows("select period from alerts") == [(1,)]


async def test_not_yet_goes_where_alerts_go_and_keeps_its_heading_when_taken(flock: Harness) -> None:
    question = await set_up(flock)
    await flock.send(flock.telegram.post(STAFF, ANA, "/alerts_here"))
    ask = asks(await answer(flock, question))[0]

    calls = await flock.send(press(flock, BEN, ask, "Not yet"))
    told = alerts_to(calls, STAFF)
    buttons = [b for row in told[0].params["reply_markup"]["inline_keyboard"] for b in row]
    claim = next(b["callback_data"] for b in buttons if b["text"] == "I'll take it")
    taken = await flock.send(flock.telegram.press(ANA, told[0].result, claim))

    assert alerts_to(calls, ANA) == []
    assert len(told) == 1
    edited = [c.text for c in taken if c.method == "editMessageText"]
    assert len(edited) == 1
    assert edited[0].startswith("🙋 <b>Still needs help in #onb26</b>")
    assert edited[0].endswith("<b>🙋 Taken by Ana</b>")


async def test_not_yet_in_quiet_hours_reaches_the_facilitators_when_they_end(flock: Harness) -> None:
    question = await set_up(flock)
    ask = asks(await answer(flock, question))[0]
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings quiet 22:00-07:00"))
    flock.clock.current = flock.clock.current.replace(hour=23, minute=0)

    night = await flock.send(press(flock, BEN, ask, "Not yet"))
    flock.clock.advance(hours=7, minutes=59)
    dawn = await flock.tick()
    flock.clock.advance(minutes=1)
    morning = await flock.tick()

    assert alerts_to(night, ANA) == []
    assert alerts_to(dawn, ANA) == []
    assert len(alerts_to(morning, ANA)) == 1
    assert "Ben says the answers from Cleo didn't help." in alerts_to(morning, ANA)[0].text


async def test_an_answer_after_not_yet_does_not_ask_again(flock: Harness) -> None:
    question = await set_up(flock)
    ask = asks(await answer(flock, question))[0]
    await flock.send(press(flock, BEN, ask, "Not yet"))

    calls = await answer(flock, question, "Try clearing your cookies first.")

    assert asks(calls) == []
    assert await flock.rows("select state from questions") == [("answered",)]


async def test_no_reply_in_a_day_gets_one_reminder(flock: Harness) -> None:
    question = await set_up(flock)
    await answer(flock, question)

    flock.clock.advance(hours=23, minutes=59)
    early = await flock.tick()
    flock.clock.advance(minutes=1)
    reminded = await flock.tick()
    flock.clock.advance(hours=24)
    later = await flock.tick()

    assert asks(early) == []
    assert len(asks(reminded)) == 1
    assert asks(reminded)[0].text.startswith("Still wondering")
    assert asks(later) == []


async def test_someone_else_pressing_the_asker_buttons_changes_nothing(flock: Harness) -> None:
    question = await set_up(flock)
    ask = asks(await answer(flock, question))[0]

    calls = await flock.send(press(flock, CLEO, ask, "Yes, solved"))

    assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == [
        "Only the person who asked can answer this."
    ]
    assert await flock.rows("select state from questions") == [("answered",)]


async def test_a_question_naming_two_courses_is_followed_up_once_and_solved_for_both(
    flock: Harness,
) -> None:
    shared = group(-1001700, "Company chat")
    flock.make_admin(shared, ANA)
    await flock.send(flock.telegram.post(shared, ANA, "/setup #onb26 tagged Onboarding 2026"))
    await flock.send(flock.telegram.post(shared, ANA, "/setup #lead26 tagged Leadership 2026"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    question = flock.telegram.post(shared, BEN, "#onb26 #lead26 Who presents on Friday afternoon?")
    await flock.send(question)

    calls = await flock.send(flock.telegram.post(shared, CLEO, "Ana does.", reply_to=question["message"]))
    await flock.send(press(flock, BEN, asks(calls)[0], "Yes, solved"))

    assert len(asks(calls)) == 1
    assert await flock.rows("select state from questions") == [("resolved",), ("resolved",)]
    assert await flock.rows("select accepted from answers") == [(True,), (True,)]
