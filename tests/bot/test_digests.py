"""The facilitators' digest: daily at the course's digest time, and on demand with /digest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from bot import texts
from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # chat admin, creates the course: its facilitator
DAN = user(14, "Dan", "dan_k")  # a second facilitator
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
EVE = user(15, "Eve <3")
CHAT = group(-1001500, "Onboarding 2026")
STAFF = group(-1001900, "Facilitators")
HEADER = "📋 <b>Digest: Onboarding 2026</b> (#onb26)"


async def set_up(flock: Harness, *, started: tuple[JSON, ...] = (ANA,), berlin: bool = False) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    for person in started:
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    if berlin:
        await flock.send(
            flock.telegram.post(CHAT, ANA, "/settings timezone Europe/Berlin"),
            flock.telegram.post(CHAT, ANA, "/settings digest 08:00"),
        )


async def say(flock: Harness, person: JSON, words: str, **kw: Any) -> JSON:
    update = flock.telegram.post(CHAT, person, words, **kw)
    await flock.send(update)
    return update


async def execute(flock: Harness, sql: str) -> None:
    async with flock.flock.sessions() as session, session.begin():
        await session.execute(text(sql))


def digests(calls: list[Call]) -> list[tuple[int, str]]:
    return [(c.chat_id, c.text) for c in calls if c.method == "sendMessage" and c.text.startswith("📋")]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def cohort_day(flock: Harness) -> None:
    """Monday 2 November 2026 (UTC course, digest 08:00): a small cohort's first day."""
    await say(flock, BEN, "#intro Hi, I'm Ben, a designer from Lisbon")
    await say(flock, CLEO, "Hello everyone!")
    slides = await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.advance(minutes=30)
    await say(flock, CLEO, "In the shared drive, folder Day 1", reply_to=slides["message"])
    flock.clock.advance(minutes=10)
    submit = await say(flock, CLEO, "How do I submit the first assignment?")
    flock.clock.advance(hours=1)
    await say(flock, ANA, "Upload it in the portal under Assignments", reply_to=submit["message"])
    await say(flock, CLEO, "/solved", reply_to=submit["message"])
    flock.clock.advance(minutes=5)
    await say(flock, EVE, "#q Does <b>bold</b> & co work in the portal?")
    recording = await say(flock, CLEO, "#q Is there a recording of the kickoff session?")
    await say(flock, BEN, "I think so, ask Ana", reply_to=recording["message"])
    await execute(flock, "update questions set needs_follow_up = true where text like 'Where are%'")


async def test_digest_tells_facilitators_what_waits_and_what_happened(flock: Harness) -> None:
    await set_up(flock)
    await cohort_day(flock)
    flock.clock.current = at(2026, 11, 3, 8, 0)

    sent = digests(await flock.tick())

    assert [chat for chat, _ in sent] == [ANA["id"]]
    assert sent[0][1] == (
        f"{HEADER}\nSince Mon 02 Nov 09:00 (UTC)\n\n"
        "<b>⏳ Unanswered</b> (1)\n"
        '• <a href="https://t.me/c/1500/108">Does &lt;b&gt;bold&lt;/b&gt; &amp; co work in the portal?</a>'
        " — Eve &lt;3, 21h\n\n"
        "<b>🔁 Not solved yet, says the asker</b> (1)\n"
        '• <a href="https://t.me/c/1500/103">Where are the slides from day one?</a> — Ben, 23h\n\n'
        "<b>💬 Answered, not yet solved</b> (1)\n"
        '• <a href="https://t.me/c/1500/109">Is there a recording of the kickoff session?</a> — Cleo, 21h\n\n'
        "<b>✅ Solved since the course was set up</b> (1)\n"
        '• <a href="https://t.me/c/1500/105">How do I submit the first assignment?</a> — Cleo\n\n'
        "<b>🤗 New introductions</b> (1)\n"
        '• <a href="https://t.me/c/1500/101">Ben</a>: Hi, I\'m Ben, a designer from Lisbon\n\n'
        "<b>🙈 Posted but never introduced</b> (2)\nCleo, Eve &lt;3\n\n"
        "<b>🏅 Peer helpers</b>\nBen (1), Cleo (1)\n\n"
        "<b>📈 Numbers</b>\n4 questions asked · 3 answered · median first answer 30m · "
        "2 of 3 first answered by peers\n\n"
        "<b>👥 Learners</b> (3)\n"
        "• Ben — intro ✓ · asked 1 · answered 1 · seen 21h ago\n"
        "• Cleo — no intro · asked 2 · answered 1 · seen 21h ago\n"
        "• Eve &lt;3 — no intro · asked 1 · answered 0 · seen 21h ago"
    )


async def test_digest_window_starts_at_the_previous_digest(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.current = at(2026, 11, 3, 8, 0)
    await flock.tick()
    flock.clock.advance(hours=1)
    await say(flock, CLEO, "#intro Hi, I'm Cleo")

    flock.clock.current = at(2026, 11, 4, 8, 0)
    sent = digests(await flock.tick())

    assert len(sent) == 1
    assert sent[0][1].startswith(f"{HEADER}\nSince Tue 03 Nov 08:00 (UTC)\n\n<b>⏳ Unanswered</b> (1)\n")
    assert "<b>🤗 New introductions</b> (1)\n• <a" in sent[0][1]
    assert "Ben</a>: Hi, I'm Ben" not in sent[0][1]
    assert "questions asked" not in sent[0][1]  # Ben's question was asked before the window


async def test_a_first_digest_over_a_day_after_set_up_covers_the_last_24_hours(flock: Harness) -> None:
    await set_up(flock)
    flock.clock.advance(days=2)
    submit = await say(flock, CLEO, "How do I submit the first assignment?")
    await say(flock, CLEO, "/solved", reply_to=submit["message"])

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    assert "Since Tue 03 Nov 09:00 (UTC)" in replies[0]
    assert "<b>✅ Solved in the last 24 hours</b> (1)" in replies[0]
    assert "last digest" not in replies[0]


# Schedule


async def test_digest_is_sent_at_the_digest_time_in_the_course_time_zone(flock: Harness) -> None:
    await set_up(flock, berlin=True)
    await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.current = at(2026, 11, 3, 6, 59)  # 07:59 in Berlin
    early = await flock.tick()

    flock.clock.advance(minutes=1)
    due = await flock.tick()
    flock.clock.advance(hours=15)
    later_that_day = await flock.tick()

    assert digests(early) == []
    assert [chat for chat, _ in digests(due)] == [ANA["id"]]
    assert "Since Mon 02 Nov 10:00 (Europe/Berlin)" in digests(due)[0][1]
    assert digests(later_that_day) == []
    assert await flock.rows("select last_digest_on from courses") == [("2026-11-03",)]


async def test_digest_keeps_its_local_time_when_summer_time_ends(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 23, 12, 0)
    await set_up(flock, berlin=True)
    await say(flock, BEN, "#q Where are the slides from day one?")
    sent = []

    for hour in (5, 6, 7):  # 08:00 in Berlin is 06:00 UTC on the 24th, 07:00 UTC on the 25th
        for day in (24, 25):
            flock.clock.current = at(2026, 10, day, hour, 0)
            sent += [(day, hour) for _ in digests(await flock.tick())]

    assert sorted(sent) == [(24, 6), (25, 7)]


async def test_digest_keeps_its_local_time_when_summer_time_starts(flock: Harness) -> None:
    flock.clock.current = at(2026, 3, 27, 12, 0)
    await set_up(flock, berlin=True)
    await say(flock, BEN, "#q Where are the slides from day one?")
    sent = []

    for day, hours in ((28, (6, 7)), (29, (5, 6))):  # 08:00 CET is 07:00 UTC, 08:00 CEST 06:00 UTC
        for hour in hours:
            flock.clock.current = at(2026, 3, day, hour, 0)
            sent += [(day, hour) for _ in digests(await flock.tick())]

    assert sent == [(28, 7), (29, 6)]


async def test_first_digest_waits_for_the_digest_time_after_the_course_was_set_up(flock: Harness) -> None:
    await set_up(flock)  # Monday 09:00 UTC, digest at 08:00
    await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.advance(hours=3)

    that_day = await flock.tick()
    flock.clock.current = at(2026, 11, 3, 8, 0)
    next_morning = await flock.tick()

    assert digests(that_day) == []
    assert len(digests(next_morning)) == 1


async def test_a_missed_week_sends_exactly_one_digest(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.current = at(2026, 11, 3, 8, 0)
    await flock.tick()
    flock.clock.advance(hours=2)
    submit = await say(flock, CLEO, "How do I submit the first assignment?")
    await say(flock, ANA, "In the portal", reply_to=submit["message"])
    await say(flock, CLEO, "/solved", reply_to=submit["message"])

    flock.clock.current = at(2026, 11, 10, 11, 30)  # Flock was down for a week
    back = await flock.tick()
    flock.clock.advance(minutes=15)
    again = await flock.tick()

    assert [chat for chat, _ in digests(back)] == [ANA["id"]]
    assert "Since Tue 03 Nov 08:00 (UTC)" in digests(back)[0][1]
    assert "<b>✅ Solved since the last digest</b> (1)" in digests(back)[0][1]
    assert digests(again) == []
    assert await flock.rows("select last_digest_on from courses") == [("2026-11-10",)]


async def test_digest_off_stops_the_daily_digest_until_a_time_is_set_again(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.current = at(2026, 11, 3, 8, 0)
    await flock.tick()
    off = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings digest off"))
    stored_off = await flock.rows("select digest_at, digest_on from courses")

    flock.clock.current = at(2026, 11, 4, 12, 0)
    while_off = await flock.tick()
    on_demand = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))
    shown = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings digest 09:00"))
    flock.clock.current = at(2026, 11, 5, 9, 0)
    back_on = await flock.tick()

    assert off[0].endswith("sla 2h · timezone UTC · quiet off · digest off · detect auto")
    assert stored_off == [("08:00", False)]  # the time kept for when it is back on
    assert digests(while_off) == []
    # No digest time: on demand, the last 24 hours.
    assert on_demand[0].startswith(f"{HEADER}\nSince Tue 03 Nov 12:00 (UTC)\n\n<b>⏳ Unanswered</b> (1)")
    assert "digest off" in shown[0]
    assert "<code>digest off</code>" in shown[0]
    assert [chat for chat, _ in digests(back_on)] == [ANA["id"]]
    assert "Since Tue 03 Nov 09:00 (UTC)" in digests(back_on)[0][1]  # the last digest's day
    assert await flock.rows("select digest_at, digest_on, last_digest_on from courses") == [
        ("09:00", True, "2026-11-05")
    ]


async def test_a_day_with_nothing_to_tell_sends_no_digest(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "Good morning all")

    flock.clock.current = at(2026, 11, 3, 8, 0)
    calls = await flock.tick()

    assert digests(calls) == []
    assert await flock.rows("select last_digest_on from courses") == [("2026-11-03",)]


# Recipients


async def test_digest_goes_only_to_facilitators_who_started_the_bot(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(CHAT, ANA, "/facilitator add @dan_k"))
    await say(flock, DAN, "Hi all, I'm co-facilitating")
    await say(flock, BEN, "#q Where are the slides from day one?")

    flock.clock.current = at(2026, 11, 3, 8, 0)
    sent = digests(await flock.tick())

    assert [chat for chat, _ in sent] == [ANA["id"]]


async def test_digest_goes_to_every_started_facilitator(flock: Harness) -> None:
    await set_up(flock, started=(ANA, DAN))
    await flock.send(flock.telegram.post(CHAT, ANA, "/facilitator add @dan_k"))
    await say(flock, BEN, "#q Where are the slides from day one?")

    flock.clock.current = at(2026, 11, 3, 8, 0)
    sent = digests(await flock.tick())

    assert sorted(chat for chat, _ in sent) == [ANA["id"], DAN["id"]]
    assert sent[0][1] == sent[1][1]


async def test_digest_goes_to_the_facilitators_chat_when_alerts_go_there(flock: Harness) -> None:
    await set_up(flock, started=(ANA,))
    await flock.send(flock.telegram.post(STAFF, ANA, "/alerts_here #onb26"))
    await say(flock, BEN, "#q Where are the slides from day one?")

    flock.clock.current = at(2026, 11, 3, 8, 0)
    sent = digests(await flock.tick())

    assert [chat for chat, _ in sent] == [STAFF["id"]]


# On demand


async def test_digest_command_in_private_answers_with_the_digest(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.advance(hours=2)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/digest"))

    assert [(c.method, c.chat_id) for c in calls] == [("sendMessage", ANA["id"])]
    assert calls[0].text.startswith(f"{HEADER}\nSince Mon 02 Nov 09:00 (UTC)\n\n<b>⏳ Unanswered</b> (1)")
    assert "Where are the slides from day one?</a> — Ben, 2h" in calls[0].text
    assert await flock.rows("select last_digest_on from courses") == [(None,)]


async def test_digest_command_in_private_covers_each_course_or_the_one_named(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(STAFF, ANA)
    await flock.send(flock.telegram.post(STAFF, ANA, "/setup #py101 Python 101"))

    both = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))
    named = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest #py101"))

    assert [r.split("\n")[0] for r in both] == [
        "📋 <b>Digest: Onboarding 2026</b> (#onb26)",
        "📋 <b>Digest: Python 101</b> (#py101)",
    ]
    assert [r.split("\n")[0] for r in named] == ["📋 <b>Digest: Python 101</b> (#py101)"]
    assert both[0].endswith("\n\nNothing waiting and nothing new. 🌿")


async def test_digest_command_in_the_group_is_sent_privately(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/digest"))

    assert [(c.method, c.chat_id) for c in calls] == [("sendMessage", ANA["id"]), ("sendMessage", CHAT["id"])]
    assert calls[0].text.startswith(HEADER)
    assert calls[1].text == texts.SENT_PRIVATELY


async def test_digest_command_by_a_learner_is_refused_and_sends_nothing(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")

    in_group = await flock.send(flock.telegram.post(CHAT, BEN, "/digest"))
    in_private = await flock.send(flock.telegram.post(private(BEN), BEN, "/digest"))

    assert [(c.chat_id, c.text) for c in in_group] == [
        (CHAT["id"], "Only facilitators of #onb26 can do that.")
    ]
    assert [(c.chat_id, c.text) for c in in_private] == [
        (BEN["id"], "You don't facilitate any course. Facilitators set one up with /setup.")
    ]


async def test_long_digest_is_shortened_to_one_message(flock: Harness) -> None:
    await set_up(flock)
    long = "Could someone explain " + "this rather long and winding question " * 6 + "please?"
    people = [
        user(100 + n, f"Learner {n:02} with a rather long display name, as some people have")
        for n in range(60)
    ]
    await flock.send(*(flock.telegram.post(CHAT, BEN, f"#q {n}: {long}") for n in range(40)))
    await flock.send(*(flock.telegram.post(CHAT, person, "Hi!") for person in people))

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    assert len(replies) == 1
    assert len(replies[0]) <= 4096
    assert "<b>⏳ Unanswered</b> (40)" in replies[0]
    assert "• …and 35 more" in replies[0]  # five shown: ten would not fit
    assert "<b>👥 Learners</b> (61)" in replies[0]


def photos(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendPhoto"]


async def test_the_first_digest_of_the_week_carries_the_weeks_chart(flock: Harness) -> None:
    await set_up(flock)
    await cohort_day(flock)

    flock.clock.current = at(2026, 11, 3, 8, 0)  # Tuesday: the course's first digest this week
    first = await flock.tick()
    flock.clock.current = at(2026, 11, 4, 8, 0)  # Wednesday
    await say(flock, BEN, "#q Is the Wednesday session still on?")
    second = await flock.tick()
    flock.clock.current = at(2026, 11, 9, 8, 0)  # next Monday
    next_week = await flock.tick()

    assert len(digests(first)) == 1
    assert len(photos(first)) == 1
    assert photos(first)[0].chat_id == ANA["id"]
    assert photos(first)[0].files["photo"][1].startswith(b"\x89PNG")
    assert len(digests(second)) == 1
    assert photos(second) == []
    assert len(photos(next_week)) == 1


async def test_digest_counts_everything_but_reads_and_lists_only_the_first(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, ANA, "#intro I'm Ana, your facilitator")  # facilitators are not learners
    quiet = [user(200 + n, f"Quiet {n:02}") for n in range(35)]
    introduced = [user(300 + n, f"Intro {n:02}") for n in range(12)]
    await flock.send(*(flock.telegram.post(CHAT, person, "Hi!") for person in quiet))
    await flock.send(*(flock.telegram.post(CHAT, p, f"#intro I'm {p['first_name']}") for p in introduced))
    asked = [flock.telegram.post(CHAT, BEN, f"#q Question {n:02}?") for n in range(15)]
    await flock.send(*asked)
    await flock.send(
        *(flock.telegram.post(CHAT, CLEO, "Try this", reply_to=q["message"]) for q in asked[12:]),
        flock.telegram.post(CHAT, BEN, "/solved", reply_to=asked[14]["message"]),
    )
    await execute(flock, "update questions set needs_follow_up = true where text = 'Question 13?'")

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    sections = replies[0].split("\n\n")
    assert len(replies) == 1
    assert sections[1] == "\n".join(
        ["<b>⏳ Unanswered</b> (12)"]
        + [f'• <a href="https://t.me/c/1500/{149 + n}">Question {n:02}?</a> — Ben, 0m' for n in range(10)]
        + ["• …and 2 more"]
    )
    assert sections[2:5] == [
        '<b>🔁 Not solved yet, says the asker</b> (1)\n• <a href="https://t.me/c/1500/162">Question 13?</a>'
        " — Ben, 0m",
        '<b>💬 Answered, not yet solved</b> (1)\n• <a href="https://t.me/c/1500/161">Question 12?</a>'
        " — Ben, 0m",
        "<b>✅ Solved since the course was set up</b> (1)\n"
        '• <a href="https://t.me/c/1500/163">Question 14?</a> — Ben',
    ]
    assert sections[5] == "\n".join(
        ["<b>🤗 New introductions</b> (12)"]
        + [
            f'• <a href="https://t.me/c/1500/{137 + n}">Intro {n:02}</a>: I\'m Intro {n:02}'
            for n in range(10)
        ]
        + ["• …and 2 more"]
    )
    assert (
        sections[6]
        == "<b>🙈 Posted but never introduced</b> (37)\nBen, Cleo, "
        + ", ".join(f"Quiet {n:02}" for n in range(28))
        + " and 7 more"
    )
    learners = sections[9].split("\n")
    assert learners[:3] == [
        "<b>👥 Learners</b> (49)",
        "• Ben — no intro · asked 15 · answered 0 · seen 0m ago",
        "• Cleo — no intro · asked 0 · answered 3 · seen 0m ago",
    ]
    assert learners[3:] == [
        *(f"• Intro {n:02} — intro ✓ · asked 0 · answered 0 · seen 0m ago" for n in range(12)),
        *(f"• Quiet {n:02} — no intro · asked 0 · answered 0 · seen 0m ago" for n in range(16)),
        "• …and 19 more",
    ]
    assert "Ana" not in replies[0]
