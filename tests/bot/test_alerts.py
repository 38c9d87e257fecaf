"""Overdue questions reach facilitators once per SLA period; claims, snoozes and answers close the loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.recording import Call, api_error
from facilitation import alerts as facilitation_alerts
from facilitation.errors import NotAllowed
from facilitation.model import Person
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator who created the course
DAN = user(14, "Dan", "dan_k")  # second facilitator
BEN = user(12, "Ben")  # learner
CLEO = user(13, "Cleo", "cleo_p")  # learner
CHAT = group(-1001500, "Onboarding 2026")
STAFF = group(-1001900, "Facilitators")
STAFF_FORUM = group(-1001901, "Facilitators", forum=True)
ALERTS_TOPIC = 7


async def set_up(flock: Harness, *, started: tuple[JSON, ...] = (ANA, DAN)) -> None:
    """A course run by Ana (and Dan, when he is among those who started the bot)."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    for person in started:
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    if DAN in started:
        await flock.send(flock.telegram.post(CHAT, ANA, "/facilitator add @dan_k"))


async def ask(flock: Harness, person: JSON = BEN, text: str = "How do I reset my portal password?") -> JSON:
    update = flock.telegram.post(CHAT, person, text)
    await flock.send(update)
    return update


def alerts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]


def press(flock: Harness, person: JSON, alert: Call, action: str) -> JSON:
    buttons = [b for row in alert.params["reply_markup"]["inline_keyboard"] for b in row]
    data = next(b["callback_data"] for b in buttons if b["text"] == action)
    return flock.telegram.press(person, alert.result, data)


def cleared_reactions(calls: list[Call]) -> list[tuple[int, int]]:
    """Where Flock took its reaction back: setMessageReaction with no reaction."""
    return [
        (c.chat_id, c.params["message_id"])
        for c in calls
        if c.method == "setMessageReaction" and not c.params.get("reaction")
    ]


def toasts(calls: list[Call]) -> list[str]:
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


def edits(calls: list[Call]) -> list[tuple[int, str]]:
    return [(c.chat_id, c.text) for c in calls if c.method == "editMessageText"]


async def test_question_is_alerted_to_every_started_facilitator_once_the_sla_passes(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock)
    flock.clock.advance(hours=1, minutes=59)
    early = await flock.tick()

    flock.clock.advance(minutes=2)
    due = await flock.tick()
    again = await flock.tick()

    assert alerts(early) == []
    assert sorted(c.chat_id for c in alerts(due)) == [ANA["id"], DAN["id"]]
    assert "Ben asked 2h ago" in alerts(due)[0].text
    assert "How do I reset my portal password?" in alerts(due)[0].text
    assert alerts(again) == []


async def test_unanswered_question_is_alerted_again_one_sla_later(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    flock.clock.advance(hours=2)
    await flock.tick()

    flock.clock.advance(hours=1, minutes=59)
    quiet = await flock.tick()
    flock.clock.advance(minutes=1)
    second = await flock.tick()

    assert alerts(quiet) == []
    assert len(alerts(second)) == 1
    assert await flock.rows("select period from alerts order by period") == [(1,), (2,)]


async def test_answered_question_is_never_alerted(flock: Harness) -> None:
    await set_up(flock)
    question = await ask(flock)
    await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the link on the login page.", reply_to=question["message"])
    )

    flock.clock.advance(hours=3)
    calls = await flock.tick()

    assert alerts(calls) == []


async def test_quiet_hours_across_midnight_hold_alerts_until_they_end(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone Europe/Berlin"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings quiet 22:00-07:00"))
    flock.clock.current = flock.clock.current.replace(hour=20, minute=30)  # 21:30 in Berlin (UTC+1)
    await ask(flock)

    flock.clock.advance(hours=2)  # 23:30 Berlin: overdue, but quiet
    night = await flock.tick()
    flock.clock.advance(hours=7, minutes=29)  # 06:59 Berlin
    dawn = await flock.tick()
    flock.clock.advance(minutes=1)  # 07:00 Berlin
    morning = await flock.tick()

    assert alerts(night) == []
    assert alerts(dawn) == []
    assert len(alerts(morning)) == 1


async def test_more_than_five_due_at_once_become_one_combined_message(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    for n in range(6):
        await ask(flock, text=f"Question {n}: where is the handout for part {n}?")

    flock.clock.advance(hours=2)
    calls = await flock.tick()

    messages = [c for c in calls if c.method == "sendMessage"]
    assert len(messages) == 1
    assert messages[0].text.startswith("⏰ <b>6 questions unanswered in #onb26</b>")
    assert "reply_markup" not in messages[0].params
    assert await flock.rows("select count(*) from alerts") == [(6,)]


async def test_claim_edits_every_copy_and_a_second_claim_is_told_who_has_it(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock)
    flock.clock.advance(hours=2)
    sent = {c.chat_id: c for c in alerts(await flock.tick())}

    claimed = await flock.send(press(flock, ANA, sent[ANA["id"]], "I'll take it"))
    late = await flock.send(press(flock, DAN, sent[DAN["id"]], "I'll take it"))

    assert sorted(chat for chat, _ in edits(claimed)) == [ANA["id"], DAN["id"]]
    assert all("Taken by Ana" in text for _, text in edits(claimed))
    assert toasts(late) == ["Ana has already taken it."]
    assert edits(late) == []
    assert await flock.rows("select claimed_by from questions") == [(ANA["id"],)]


async def test_claimed_question_still_unanswered_is_alerted_again_after_another_sla(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    flock.clock.advance(hours=2)
    first = alerts(await flock.tick())[0]
    flock.clock.advance(minutes=30)
    await flock.send(press(flock, ANA, first, "I'll take it"))

    flock.clock.advance(hours=1, minutes=59)
    before = await flock.tick()
    flock.clock.advance(minutes=1)
    after = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(after)) == 1


async def test_claiming_one_alert_takes_the_question_on_its_earlier_and_repeated_alerts_too(
    flock: Harness,
) -> None:
    # The review's `sla 10s`: the question was alerted twice before anyone pressed a button;
    # a claim on the first left the repeat with its "I'll take it", and a second facilitator
    # could take the same question through it.
    await set_up(flock)
    await ask(flock)
    flock.clock.advance(hours=2)
    first = {c.chat_id: c for c in alerts(await flock.tick())}
    flock.clock.advance(hours=2)
    repeat = {c.chat_id: c for c in alerts(await flock.tick())}

    claimed = await flock.send(press(flock, ANA, first[ANA["id"]], "I'll take it"))
    late = await flock.send(press(flock, DAN, repeat[DAN["id"]], "I'll take it"))

    edited = sorted((c.chat_id, c.params["message_id"]) for c in claimed if c.method == "editMessageText")
    everywhere = sorted((c.chat_id, c.result["message_id"]) for c in [*first.values(), *repeat.values()])
    assert edited == everywhere
    assert all("Taken by Ana" in text for _, text in edits(claimed))
    assert toasts(late) == ["Ana has already taken it."]
    assert await flock.rows("select distinct claimed_by from alerts") == [(ANA["id"],)]


async def test_a_repeated_alert_says_it_is_a_reminder(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    flock.clock.advance(hours=2)
    first = alerts(await flock.tick())[0]
    flock.clock.advance(hours=2)
    repeat = alerts(await flock.tick())[0]

    assert first.text.startswith("⏰ <b>Unanswered in #onb26</b>")
    assert repeat.text.startswith("⏰ <b>Reminder: still unanswered in #onb26</b>")


async def test_snooze_defers_the_alert_by_an_hour(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    flock.clock.advance(hours=2)
    first = alerts(await flock.tick())[0]
    await flock.send(press(flock, ANA, first, "Snooze 1h"))

    flock.clock.advance(minutes=59)
    before = await flock.tick()
    flock.clock.advance(minutes=1)
    after = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(after)) == 1


async def test_not_a_question_dismisses_it_and_says_so_on_every_copy(flock: Harness) -> None:
    await set_up(flock)
    question = await ask(flock)
    flock.clock.advance(hours=2)
    sent = {c.chat_id: c for c in alerts(await flock.tick())}

    calls = await flock.send(press(flock, DAN, sent[DAN["id"]], "Not a question"))

    assert await flock.rows("select state, closed_by from questions") == [("dismissed", DAN["id"])]
    assert len(edits(calls)) == 2
    assert all("dismissed by Dan" in text for _, text in edits(calls))
    assert cleared_reactions(calls) == [(CHAT["id"], question["message"]["message_id"])]


async def test_an_answer_edits_the_alert_to_say_who_answered(flock: Harness) -> None:
    await set_up(flock)
    question = await ask(flock)
    flock.clock.advance(hours=2)
    await flock.tick()

    calls = await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the link on the login page.", reply_to=question["message"])
    )

    assert len(edits(calls)) == 2
    assert all("Answered by Cleo" in text for _, text in edits(calls))
    assert await flock.rows("select outcome from alerts") == [("answered",)]


async def test_a_learner_pressing_a_facilitator_button_changes_nothing(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(STAFF, ANA, "/alerts_here"))
    await ask(flock)
    flock.clock.advance(hours=2)
    alert = alerts(await flock.tick())[0]

    calls = await flock.send(press(flock, CLEO, alert, "I'll take it"))

    assert toasts(calls) == ["Only facilitators of #onb26 can do that."]
    assert edits(calls) == []
    assert await flock.rows("select claimed_by from questions") == [(None,)]


async def test_forged_button_data_is_refused(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    await ask(flock, text="Second question: is there a reading list for week 2?")
    flock.clock.advance(hours=2)
    first, second = alerts(await flock.tick())
    forged = flock.telegram.press(
        ANA, first.result, second.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    garbage = flock.telegram.press(ANA, first.result, "al:c:99999999999999")

    calls = await flock.send(forged, garbage)

    assert toasts(calls) == ["That button isn't valid any more.", "That button isn't valid any more."]
    assert await flock.rows("select claimed_by from questions") == [(None,), (None,)]


async def test_alerts_here_routes_alerts_to_the_facilitators_chat_and_off_brings_them_back(
    flock: Harness,
) -> None:
    await set_up(flock, started=(ANA,))
    routed = await flock.replies(flock.telegram.post(STAFF, ANA, "/alerts_here"))
    await ask(flock)
    flock.clock.advance(hours=2)
    to_staff = await flock.tick()

    back = await flock.replies(flock.telegram.post(STAFF, ANA, "/alerts_here off"))
    await ask(flock, text="Another question: when is the next live session?")
    flock.clock.advance(hours=2)
    to_ana = await flock.tick()

    assert routed == ["Alerts and digests for #onb26 will come to this chat."]
    assert [c.chat_id for c in alerts(to_staff)] == [STAFF["id"]]
    assert back == ["Alerts and digests for #onb26 will come to each facilitator privately."]
    assert [c.chat_id for c in alerts(to_ana)] == [ANA["id"]] * 2  # the first one is due again too


async def test_alerts_here_in_a_forum_topic_sends_alerts_and_digests_to_that_topic(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    routed = await flock.send(flock.telegram.post(STAFF_FORUM, ANA, "/alerts_here", topic=ALERTS_TOPIC))
    for n in range(6):
        await ask(flock, text=f"Question {n}: where is the handout for part {n}?")
    flock.clock.advance(hours=2)
    overdue = await flock.tick()
    flock.clock.current = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    morning = await flock.tick()

    replies = [c for c in routed if c.method == "sendMessage"]
    assert [c.text for c in replies] == ["Alerts and digests for #onb26 will come to this topic."]
    assert replies[0].params.get("message_thread_id") == ALERTS_TOPIC
    sent = [c for c in overdue + morning if c.method in ("sendMessage", "sendPhoto")]
    headings = {c.text.split("\n")[0] for c in sent if c.method == "sendMessage"}
    assert headings == {
        "⏰ <b>6 questions unanswered in #onb26</b>",
        "📋 <b>Digest: Onboarding 2026</b> (#onb26)",
    }
    assert any(c.method == "sendPhoto" for c in morning)  # the week's chart
    assert {(c.chat_id, c.params.get("message_thread_id")) for c in sent} == {
        (STAFF_FORUM["id"], ALERTS_TOPIC)
    }


async def test_a_single_alert_goes_to_the_alerts_topic(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(STAFF_FORUM, ANA, "/alerts_here", topic=ALERTS_TOPIC))
    await ask(flock)
    flock.clock.advance(hours=2)

    sent = alerts(await flock.tick())

    assert [(c.chat_id, c.params.get("message_thread_id")) for c in sent] == [
        (STAFF_FORUM["id"], ALERTS_TOPIC)
    ]


async def test_alerts_here_by_a_learner_is_refused(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))

    replies = await flock.replies(flock.telegram.post(STAFF, CLEO, "/alerts_here"))

    assert replies == ["You don't facilitate any course. Facilitators set one up with /setup."]
    assert await flock.rows("select alerts_chat_id from courses") == [(None,)]


async def test_facilitator_who_never_started_the_bot_is_told_once_in_the_group(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, DAN, "Hi all"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/facilitator add @dan_k"))
    await ask(flock)
    await ask(flock, text="And where are the recordings kept, please?")
    flock.clock.advance(hours=2)
    first = await flock.tick()
    flock.clock.advance(hours=2)
    second = await flock.tick()

    nudges = [c for c in first + second if c.method == "sendMessage" and c.chat_id == CHAT["id"]]
    assert len(nudges) == 1
    assert "Dan: you facilitate #onb26, but I can't message you yet" in nudges[0].text
    assert "https://t.me/flock_test_bot?start=facilitator" in nudges[0].text


async def test_unanswered_lists_open_questions_oldest_first(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock, text="First: where is the syllabus kept online?")
    flock.clock.advance(minutes=10)
    await ask(flock, CLEO, "Second: who grades the week one quiz?")

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/unanswered"))

    assert replies[0].startswith("<b>#onb26</b> — 2 unanswered questions")
    assert replies[0].index("First") < replies[0].index("Second")


async def test_unanswered_by_a_learner_is_refused(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)

    replies = await flock.replies(flock.telegram.post(private(CLEO), CLEO, "/unanswered"))

    assert replies == ["You don't facilitate any course. Facilitators set one up with /setup."]


async def test_a_restart_between_becoming_overdue_and_the_tick_alerts_exactly_once(
    flock: Harness, database_url: str
) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    flock.clock.advance(hours=3)  # overdue while "down"

    async with Harness(database_url, flock.clock) as restarted:
        first = await restarted.tick()
        second = await restarted.tick()

    assert len(alerts(first)) == 1
    assert alerts(second) == []


async def test_sla_edges_exactly_at_the_sla_is_due(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 20s"))
    await ask(flock)

    flock.clock.advance(seconds=19)
    before = await flock.tick()
    flock.clock.advance(seconds=1)
    at = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(at)) == 1


async def test_lowering_the_sla_brings_the_next_alert_one_new_sla_after_the_last(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 3h"))
    await ask(flock)
    flock.clock.advance(hours=3)
    assert len(alerts(await flock.tick())) == 1
    flock.clock.advance(seconds=5)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 20s"))

    flock.clock.advance(seconds=14)  # 19 s after the alert
    before = await flock.tick()
    flock.clock.advance(seconds=1)
    at = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(at)) == 1
    assert await flock.rows("select period from alerts order by period") == [(1,), (2,)]


async def test_lowering_the_sla_after_a_claim_counts_from_the_claim(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 3h"))
    await ask(flock)
    flock.clock.advance(hours=3)
    first = alerts(await flock.tick())[0]
    flock.clock.advance(minutes=10)
    await flock.send(press(flock, ANA, first, "I'll take it"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 20s"))

    flock.clock.advance(seconds=19)
    before = await flock.tick()
    flock.clock.advance(seconds=1)
    at = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(at)) == 1


async def test_raising_the_sla_after_an_alert_holds_the_next_one_back(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 20s"))
    await ask(flock)
    flock.clock.advance(seconds=20)
    assert len(alerts(await flock.tick())) == 1
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings sla 1h"))

    flock.clock.advance(minutes=59, seconds=59)
    before = await flock.tick()
    flock.clock.advance(seconds=1)
    at = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(at)) == 1


async def test_a_blocked_facilitator_fails_for_good_without_retrying(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    flock.api.failures["sendMessage"] = lambda p: (
        (403, api_error(403, "Forbidden: bot was blocked by the user")) if p["chat_id"] == ANA["id"] else None
    )
    flock.clock.advance(hours=2)
    first = await flock.tick()
    flock.clock.advance(minutes=30)
    retried = await flock.tick()

    assert [c.chat_id for c in first if c.method == "sendMessage"] == [ANA["id"]]
    assert [c for c in retried if c.method == "sendMessage"] == []
    assert await flock.rows("select last_error from outbox where failed_at is not null") == [
        ("Forbidden: bot was blocked by the user",)
    ]


async def test_quiet_hours_end_by_the_course_clock_on_the_night_summer_time_ends(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone Europe/Berlin"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings quiet 22:00-07:00"))
    flock.clock.current = datetime(2026, 10, 24, 19, 0, tzinfo=UTC)  # 21:00 in Berlin, summer time
    await ask(flock)

    flock.clock.current = datetime(2026, 10, 25, 5, 30, tzinfo=UTC)  # 06:30 Berlin, winter time now
    before = await flock.tick()
    flock.clock.current = datetime(2026, 10, 25, 6, 0, tzinfo=UTC)  # 07:00 Berlin
    after = await flock.tick()

    assert alerts(before) == []
    assert len(alerts(after)) == 1


async def test_alert_is_retried_after_telegram_answers_429_and_500(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await ask(flock)
    answers = iter(
        [
            (429, api_error(429, "Too Many Requests: retry after 5", retry_after=5)),
            (500, api_error(500, "Internal Server Error")),
        ]
    )
    flock.api.failures["sendMessage"] = lambda p: next(answers, None)
    flock.clock.advance(hours=2)

    limited = await flock.tick()
    flock.clock.advance(seconds=5)
    failed = await flock.tick()
    flock.clock.advance(seconds=2)
    delivered = await flock.tick()

    assert [c.method for c in limited + failed] == ["sendMessage", "sendMessage"]
    assert len(alerts(delivered)) == 1
    assert await flock.rows("select attempts, sent_at is not null from outbox where kind = 'alert'") == [
        (3, True)
    ]


async def test_two_facilitators_claiming_at_the_same_moment_leave_one_claim(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock)
    flock.clock.advance(hours=2)
    sent = {c.chat_id: c for c in alerts(await flock.tick())}
    runtime = flock.flock.runtime

    def pressed(person: JSON) -> facilitation_alerts.Pressed:
        result = sent[person["id"]].result
        alert_id = int(
            sent[person["id"]].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[2]
        )
        return facilitation_alerts.Pressed(
            alert_id,
            "claim",
            Person(person["id"], person["first_name"]),
            result["chat"]["id"],
            result["message_id"],
        )

    outcomes = await asyncio.gather(
        facilitation_alerts.press(runtime.uow(), pressed(ANA), flock.clock.now()),
        facilitation_alerts.press(runtime.uow(), pressed(DAN), flock.clock.now()),
        return_exceptions=True,
    )

    refused = [o for o in outcomes if isinstance(o, NotAllowed)]
    assert len(refused) == 1
    claimed = await flock.rows("select claimed_by from alerts")
    assert claimed in ([(ANA["id"],)], [(DAN["id"],)])


async def test_a_course_in_quiet_hours_does_not_hold_back_other_courses(flock: Harness) -> None:
    other = group(-1001700, "Data Skills")
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings quiet 00:00-23:59"))
    flock.make_admin(other, ANA)
    await flock.send(flock.telegram.post(other, ANA, "/setup #dsk26 Data Skills"))
    many = facilitation_alerts.BATCH + 5  # more than one tick transaction reads
    await flock.send(
        *(flock.telegram.post(CHAT, BEN, f"Quiet question {n}: where is part {n}?") for n in range(many))
    )
    flock.clock.advance(minutes=1)
    await flock.send(flock.telegram.post(other, CLEO, "Where do I upload the dataset?"))

    flock.clock.advance(hours=2, minutes=1)
    calls = await flock.tick()
    held = await flock.rows(
        "SELECT count(*) FROM questions WHERE chat_id = :chat AND next_alert_at > :now",
        chat=CHAT["id"],
        now=flock.clock.now(),
    )

    assert [c.chat_id for c in alerts(calls)] == [ANA["id"]]
    assert "Where do I upload the dataset?" in alerts(calls)[0].text
    assert held == [(many,)]  # held until the quiet hours end, out of the due set


async def test_an_edit_that_no_longer_asks_withdraws_the_question_and_its_alerts(flock: Harness) -> None:
    await set_up(flock)
    question = await ask(flock, text="#q which room is the Friday workshop in")
    flock.clock.advance(hours=2)
    assert len(alerts(await flock.tick())) == 2

    calls = await flock.send(flock.telegram.edit(question, "never mind, found it"))
    flock.clock.advance(hours=4)
    later = await flock.tick()

    assert await flock.rows("select state, closed_by, text from questions") == [
        ("dismissed", BEN["id"], "never mind, found it")
    ]
    assert await flock.rows("select distinct outcome from alerts") == [("withdrawn",)]
    assert len(edits(calls)) == 2
    assert all("Withdrawn by Ben" in text for _, text in edits(calls))
    assert cleared_reactions(calls) == [(CHAT["id"], question["message"]["message_id"])]
    assert alerts(later) == []
