"""Peer helpers: asked once after their introduction, /helper, and the questions pointed at them."""

from __future__ import annotations

import asyncio

import pytest

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")  # asks
CLEO = user(13, "Cleo", "cleo_p")  # knows Python and pandas
DAN = user(14, "Dan")  # a designer
EVE = user(15, "Eve")  # knows some Python
FRED = user(16, "Fred")  # knows some Python too
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001600, "Leadership 2026")
INTROS = {
    CLEO["id"]: "#intro Hi, I'm Cleo, a data engineer: Python, pandas and dataframes all day.",
    DAN["id"]: "#intro Hello! Dan, a designer: Figma, colour palettes and typography.",
    EVE["id"]: "#intro Eve here, I teach Python to beginners.",
    FRED["id"]: "#intro Fred, backend developer, mostly Python services.",
}
PANDAS = "How do I merge two pandas dataframes in Python?"


def to(calls: list[Call], person: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == person["id"]]


def labels(message: Call) -> list[str]:
    return [b["text"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    return flock.telegram.press(
        person, message.result, next(b["callback_data"] for b in buttons if b["text"] == label)
    )


def toasts(calls: list[Call]) -> list[str | None]:
    return [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]


async def course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


async def introduce(flock: Harness, person: JSON, *, started: bool = True) -> list[Call]:
    """The introduction, and the next tick (which invites)."""
    if started:
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    return await flock.send(flock.telegram.post(CHAT, person, INTROS[person["id"]])) + await flock.tick()


async def opted_in(flock: Harness, *people: JSON) -> None:
    for person in people:
        [invite] = to(await introduce(flock, person), person)
        await flock.send(press(flock, person, invite, "Yes, ping me"))


async def ask(flock: Harness, text: str = PANDAS, asker: JSON = BEN) -> JSON:
    question = flock.telegram.post(CHAT, asker, text)
    await flock.send(question)
    return question


def asks(calls: list[Call]) -> dict[int, Call]:
    """The questions pointed at helpers, by helper."""
    return {c.chat_id: c for c in calls if c.method == "sendMessage" and "nobody has answered yet" in c.text}


# The invitation ------------------------------------------------------------------------------


async def test_an_introduction_asks_a_started_learner_once_whether_they_would_help(flock: Harness) -> None:
    await course(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))

    posted = await flock.send(flock.telegram.post(CHAT, CLEO, INTROS[CLEO["id"]]))
    first = await flock.tick()
    again = await flock.send(flock.telegram.post(CHAT, CLEO, "#intro Cleo again: Python, pandas, SQL."))
    again += await flock.tick()

    assert to(posted, CLEO) == []  # the next tick asks
    [invite] = to(first, CLEO)
    assert "Thanks for introducing yourself in #onb26!" in invite.text
    assert "may I ping you privately?" in invite.text
    assert labels(invite) == ["Yes, ping me", "No thanks"]
    assert to(again, CLEO) == []
    assert await flock.rows("select person_id, choice from helpers") == [(CLEO["id"], "asked")]


async def test_no_invitation_to_one_who_never_started_the_bot_nor_to_a_facilitator(flock: Harness) -> None:
    await course(flock)

    silent = await introduce(flock, DAN, started=False)
    running = await flock.send(flock.telegram.post(CHAT, ANA, "/intro I run this course."))
    running += await flock.tick()

    assert to(silent, DAN) == []
    assert to(running, ANA) == []
    assert await flock.rows("select person_id from helpers") == []


async def test_the_invitation_buttons_record_the_choice_once_and_only_for_the_one_invited(
    flock: Harness,
) -> None:
    await course(flock)
    [invite] = to(await introduce(flock, CLEO), CLEO)

    stranger = await flock.send(press(flock, BEN, invite, "Yes, ping me"))
    unchanged = await flock.rows("select choice from helpers")
    yes = await flock.send(press(flock, CLEO, invite, "Yes, ping me"))
    on = await flock.rows("select choice from helpers")
    no = await flock.send(press(flock, CLEO, invite, "No thanks"))

    assert toasts(stranger) == ["That button isn't valid any more."]
    assert unchanged == [("asked",)]
    assert [c.text for c in yes if c.method == "editMessageText"] == [
        "👍 Thanks! I'll ping you now and then about a question you may know (at most 3 a day)."
    ]
    assert on == [("on",)]
    assert [c.text for c in no if c.method == "editMessageText"] == [
        "No problem: I won't ping you. /helper on changes your mind."
    ]
    assert await flock.rows("select choice from helpers") == [("off",)]


# /helper -------------------------------------------------------------------------------------


async def test_helper_on_off_and_topics_change_the_choice_in_private(flock: Harness) -> None:
    await course(flock)
    await introduce(flock, CLEO)
    me = private(CLEO)

    off = await flock.replies(flock.telegram.post(me, CLEO, "/helper off"))
    on = await flock.replies(flock.telegram.post(me, CLEO, "/helper on"))
    topics = await flock.replies(flock.telegram.post(me, CLEO, "/helper topics Docker, <Kubernetes>"))
    shown = await flock.replies(flock.telegram.post(me, CLEO, "/helper"))

    assert off == ["OK: I won't ping you about questions in #onb26. /helper on changes it back."]
    assert on[0].startswith("👍 I may ping you about questions in #onb26 that match your introduction")
    assert topics == [
        "👍 I may ping you about questions in #onb26 that match your introduction, your answers or your "
        "topics: Docker, &lt;Kubernetes&gt;."
    ]
    assert "• #onb26: I may ping you about its questions\n  Topics: Docker, &lt;Kubernetes&gt;" in shown[0]
    assert await flock.rows("select choice, topics from helpers") == [("on", "Docker, <Kubernetes>")]


async def test_helper_asks_which_course_when_the_learner_is_in_several(flock: Harness) -> None:
    await course(flock)
    flock.make_admin(OTHER, ANA)
    await flock.send(flock.telegram.post(OTHER, ANA, "/setup #lead26 Leadership 2026"))
    await introduce(flock, CLEO)
    await flock.send(flock.telegram.post(OTHER, CLEO, "Hello leaders"))
    me = private(CLEO)

    unnamed = await flock.replies(flock.telegram.post(me, CLEO, "/helper on"))
    named = await flock.replies(flock.telegram.post(me, CLEO, "/helper on #lead26"))
    not_hers = await flock.replies(flock.telegram.post(me, CLEO, "/helper on #dat26"))

    assert unnamed == ["Which course? Add its hashtag: #lead26, #onb26."]
    assert not_hers == [
        "Which course? #dat26 isn't one of your courses: add the hashtag of one that is, #lead26, #onb26."
    ]
    assert named[0].startswith("👍 I may ping you about questions in #lead26")
    chosen = await flock.rows(
        "select c.hashtag, h.choice from helpers h join courses c on c.id = h.course_id"
    )
    assert sorted(chosen) == [("lead26", "on"), ("onb26", "asked")]


async def test_helper_in_a_group_or_mistyped_is_refused_and_changes_nothing(flock: Harness) -> None:
    await course(flock)
    await introduce(flock, CLEO)

    in_group = await flock.replies(flock.telegram.post(CHAT, CLEO, "/helper on"))
    typo = await flock.replies(flock.telegram.post(private(CLEO), CLEO, "/helper maybe"))
    empty = await flock.replies(flock.telegram.post(private(CLEO), CLEO, "/helper topics"))
    stranger = await flock.replies(flock.telegram.post(private(BEN), BEN, "/helper on"))

    assert in_group == ["Send /helper to me in a private chat: it's about you alone."]
    assert typo[0].startswith(
        "I don't know “maybe” after /helper. You can write:\n"
        "<code>/helper on</code> — I may ping you about questions you may know"
    )
    assert empty == ["Write your topics after the command: /helper topics Python, SQL, Git"]
    assert stranger == ["I haven't seen you in a course chat yet. Introduce yourself there."]
    assert await flock.rows("select person_id, choice, topics from helpers") == [(CLEO["id"], "asked", None)]


# The nudge setting ---------------------------------------------------------------------------


async def test_nudge_setting_is_validated_shown_and_off(flock: Harness) -> None:
    await course(flock)

    set_ = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings nudge 20m"))
    bad = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings nudge soon"))
    short = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings nudge 30s"))
    zero = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings nudge 0m"))
    long = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings nudge 61d"))
    kept = await flock.rows("select nudge_seconds from courses")
    off = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings nudge off"))
    learner = await flock.replies(flock.telegram.post(CHAT, BEN, "/settings nudge 5m"))

    assert set_[0].startswith("Updated #onb26: nudge changed.")
    assert "nudge 20m" in set_[0]
    assert bad == ["I couldn't read “soon” as a nudge time: from a minute to 60 days, like 20m, or off."]
    assert short == ["A nudge waits from a minute to 60 days, like 20m, or off."]  # the README's bounds
    assert zero == short  # the nudge's own bounds, not a duration's
    assert long == short
    assert kept == [(1200,)]
    assert "nudge off" in off[0]
    assert learner == ["Only facilitators of #onb26 can do that."]
    assert await flock.rows("select nudge_seconds from courses") == [(0,)]


async def test_helpers_are_asked_after_half_the_sla_by_default_once(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    question = await ask(flock)

    flock.clock.advance(minutes=59)
    early = await flock.tick()
    flock.clock.advance(minutes=1)
    due = await flock.tick()
    flock.clock.advance(minutes=5)
    later = await flock.tick()

    assert asks(early) == {}
    [pinged] = asks(due).values()
    assert pinged.chat_id == CLEO["id"]
    assert "🙋 Ben asked in #onb26 and nobody has answered yet — you may know:" in pinged.text
    assert PANDAS in pinged.text
    assert f"https://t.me/c/1500/{question['message']['message_id']}" in pinged.text
    assert labels(pinged) == ["I'll answer", "Not for me"]
    assert asks(later) == {}


async def test_a_course_nudge_time_and_off_are_followed(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings relance 20m"))
    await ask(flock)
    flock.clock.advance(minutes=20)
    twenty = await flock.tick()
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings nudge off"))
    await ask(flock, "Can pandas read a Python pickle of dataframes?")
    flock.clock.advance(hours=3)
    never = await flock.tick()

    assert list(asks(twenty)) == [CLEO["id"]]
    assert asks(never) == {}


async def test_a_new_nudge_time_applies_to_questions_already_waiting(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await ask(flock)
    flock.clock.advance(minutes=10)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings nudge 20m"))

    flock.clock.advance(minutes=10)  # 20m after it was asked, not the hour it was due at first
    sooner = await flock.tick()
    await ask(flock, "Can pandas read a Python pickle of dataframes?")
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings nudge off"))
    flock.clock.advance(hours=2)
    off = await flock.tick()

    assert [PANDAS in c.text for c in asks(sooner).values()] == [True]
    assert asks(off) == {}


async def test_an_answered_question_is_not_pointed_at_anyone(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    question = await ask(flock)
    await flock.send(flock.telegram.post(CHAT, DAN, "Use merge().", reply_to=question["message"]))

    flock.clock.advance(hours=1)

    assert asks(await flock.tick()) == {}


# Who is asked ----------------------------------------------------------------------------------


async def test_the_two_best_matching_helpers_are_asked_and_one_sharing_nothing_never(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO, DAN, EVE, FRED)

    await ask(flock)
    flock.clock.advance(hours=1)
    asked = asks(await flock.tick())

    # Cleo shares python, pandas, dataframes; Eve and Fred python alone (Eve asked first: the
    # lower id breaks the tie); Dan nothing.
    assert sorted(asked) == [CLEO["id"], EVE["id"]]
    assert await flock.rows("select person_id from helper_asks order by person_id") == [
        (CLEO["id"],),
        (EVE["id"],),
    ]


async def test_topics_and_past_answers_count_towards_a_match(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, DAN)
    await flock.send(flock.telegram.post(private(DAN), DAN, "/helper topics Kubernetes, Helm"))
    first = await ask(flock, "Where do I find the invoices archive?", asker=EVE)
    await flock.send(
        flock.telegram.post(
            CHAT, DAN, "The invoices archive is in the shared drive.", reply_to=first["message"]
        )
    )

    await ask(flock, "How do I install a Helm chart?")
    await ask(flock, "Which folder holds the invoices archive for 2025?")
    flock.clock.advance(hours=1)
    asked = [c.text for c in await flock.tick() if c.chat_id == DAN["id"] and "nobody has answered" in c.text]

    assert len(asked) == 2
    assert "Helm chart" in asked[0]
    assert "invoices archive for 2025" in asked[1]


async def test_nobody_is_asked_when_no_profile_shares_anything_with_the_question(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO, DAN)

    await ask(flock, "Where is the coffee machine on the third floor?")
    flock.clock.advance(hours=1)

    assert asks(await flock.tick()) == {}
    assert await flock.rows("select helpers_due_at from questions") == [(None,)]  # considered
    assert await flock.rows("select count(*) from helper_asks") == [(0,)]


async def test_never_the_asker_nor_a_facilitator(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await flock.send(flock.telegram.post(CHAT, ANA, "I know Python and pandas dataframes too."))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/helper on"))

    await ask(flock, PANDAS, asker=CLEO)
    flock.clock.advance(hours=1)

    assert asks(await flock.tick()) == {}


async def test_a_helper_is_asked_at_most_three_times_a_day(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    for n in range(4):
        await ask(flock, f"Question {n}: how do pandas dataframes handle Python dates?")
        flock.clock.advance(minutes=1)

    flock.clock.advance(hours=1)
    today = asks_to(await flock.tick(), CLEO)
    flock.clock.advance(hours=24)
    await ask(flock, "Tomorrow: can pandas dataframes read Python parquet files?")
    flock.clock.advance(hours=1)
    tomorrow = asks_to(await flock.tick(), CLEO)

    assert len(today) == 3
    assert all("Question 3" not in text for text in today)
    assert len(tomorrow) == 1


def asks_to(calls: list[Call], person: JSON) -> list[str]:
    return [c.text for c in calls if c.chat_id == person["id"] and "nobody has answered yet" in c.text]


async def test_in_quiet_hours_the_ask_waits_until_they_end(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings quiet 22:00-07:00"))
    flock.clock.current = flock.clock.current.replace(hour=21, minute=30)
    await ask(flock)

    flock.clock.advance(hours=1)  # 22:30, due but quiet
    night = await flock.tick()
    flock.clock.advance(hours=8, minutes=29)  # 06:59
    dawn = await flock.tick()
    flock.clock.advance(minutes=1)  # 07:00
    morning = await flock.tick()

    assert asks(night) == {}
    assert asks(dawn) == {}
    assert list(asks(morning)) == [CLEO["id"]]


# The buttons -----------------------------------------------------------------------------------


async def test_ill_answer_shows_on_the_facilitators_alert(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    question = await ask(flock)
    flock.clock.advance(hours=1)
    [pinged] = asks(await flock.tick()).values()

    stranger = await flock.send(press(flock, BEN, pinged, "I'll answer"))
    pressed = await flock.send(press(flock, CLEO, pinged, "I'll answer"))
    flock.clock.advance(hours=1)
    [alert] = to(await flock.tick(), ANA)

    assert toasts(stranger) == ["That button isn't valid any more."]
    assert toasts(pressed) == ["🙌 Thanks! The facilitators can see you're on it."]
    # The ask keeps its question, linked, and what she said; its buttons go.
    link = f"https://t.me/c/1500/{question['message']['message_id']}"
    [kept] = [c for c in pressed if c.method == "editMessageText" and c.chat_id == CLEO["id"]]
    assert kept.params["message_id"] == pinged.result["message_id"]
    assert kept.text == (
        f'🙋 You said you\'ll answer <a href="{link}">“{PANDAS}”</a>: reply to it in the group when you can.'
    )
    assert "reply_markup" not in kept.params
    assert alert.text.endswith("\n🙋 Cleo said they'll answer (peer helper).")
    assert "I'll take it" in labels(alert)
    assert await flock.rows("select response from helper_asks") == [("answering",)]


async def test_ill_answer_after_the_alert_edits_it_and_keeps_its_buttons(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings nudge 3h"))
    await ask(flock)
    flock.clock.advance(hours=2)
    [alert] = to(await flock.tick(), ANA)
    flock.clock.advance(hours=1)
    [pinged] = asks(await flock.tick()).values()

    pressed = await flock.send(press(flock, CLEO, pinged, "I'll answer"))

    [edit] = [c for c in pressed if c.method == "editMessageText" and c.chat_id == ANA["id"]]
    assert edit.params["message_id"] == alert.result["message_id"]
    assert edit.text.startswith("⏰ <b>Unanswered in #onb26</b>")
    assert edit.text.endswith("🙋 Cleo said they'll answer (peer helper).")
    assert "I'll take it" in labels(edit)


async def test_not_for_me_records_it_and_the_alert_says_nothing(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    question = await ask(flock)
    flock.clock.advance(hours=1)
    [pinged] = asks(await flock.tick()).values()

    pressed = await flock.send(press(flock, CLEO, pinged, "Not for me"))
    flock.clock.advance(hours=1)
    [alert] = to(await flock.tick(), ANA)

    assert toasts(pressed) == ["No problem, I'll ask someone else next time."]
    link = f"https://t.me/c/1500/{question['message']['message_id']}"
    assert [c.text for c in pressed if c.method == "editMessageText" and c.chat_id == CLEO["id"]] == [
        f'You said this one isn\'t for you: <a href="{link}">“{PANDAS}”</a>.'
    ]
    assert "peer helper" not in alert.text
    assert await flock.rows("select response from helper_asks") == [("declined",)]


# The digest, privacy ---------------------------------------------------------------------------


async def test_the_digest_counts_helpers_asked_and_the_answers_that_followed(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO, EVE)
    question = await ask(flock)
    flock.clock.advance(hours=1)
    await flock.tick()
    flock.clock.advance(minutes=5)
    await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use pd.merge(a, b, on='id').", reply_to=question["message"])
    )

    digest = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    assert "🙋 Peers pointed at waiting questions: 2 asks · 1 answered" in digest[0]


async def test_privacy_names_helper_topics_and_forget_me_removes_them(flock: Harness) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/helper topics zebrafish genetics"))
    await ask(flock, "Who knows zebrafish genetics?")
    flock.clock.advance(hours=1)
    await flock.tick()

    explained = await flock.replies(flock.telegram.post(private(CLEO), CLEO, "/privacy"))
    [asked] = to(await flock.send(flock.telegram.post(private(CLEO), CLEO, "/forget_me")), CLEO)
    await flock.send(press(flock, CLEO, asked, "Forget me"))

    assert "the topics you gave" in explained[0]
    assert "helper topics" in explained[0]
    assert await flock.rows("select count(*) from helpers") == [(0,)]
    assert await flock.rows("select count(*) from helper_asks") == [(0,)]
    assert await flock.rows(
        "select count(*) from inbox where payload like '%zebrafish genetics%' and payload like '%helper%'"
    ) == [(0,)]


# Several processes -----------------------------------------------------------------------------


async def test_two_processes_ticking_at_once_ask_each_helper_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    await course(flock)
    await opted_in(flock, CLEO, EVE)
    await ask(flock)
    await ask(flock, "Does pandas need Python 3.11?")
    clock.advance(hours=1)

    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids  # one Telegram: message ids don't collide
        await asyncio.gather(flock.flock.ticker.tick(), other.flock.ticker.tick())
        await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
        failed = flock.flock.ticker.failed + other.flock.ticker.failed
        calls = flock.api.take() + other.api.take()

    assert failed == []
    assert sorted(await flock.rows("select question_id, person_id from helper_asks")) == sorted(
        (q, p) for (q,) in await flock.rows("select id from questions") for p in (CLEO["id"], EVE["id"])
    )
    pinged = [c for c in calls if c.method == "sendMessage" and "nobody has answered yet" in c.text]
    assert len(pinged) == 4
    assert len({(c.chat_id, c.text) for c in pinged}) == 4


async def test_a_restart_asks_nothing_twice(flock: Harness, database_url: str, clock: FrozenClock) -> None:
    await course(flock)
    await opted_in(flock, CLEO)
    await ask(flock)
    clock.advance(hours=1)
    first = await flock.tick()

    async with Harness(database_url, clock) as restarted:
        clock.advance(minutes=1)
        again = await restarted.tick()

    assert list(asks(first)) == [CLEO["id"]]
    assert asks(again) == {}
