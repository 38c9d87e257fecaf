"""The week's highlights: with the course's first digest of the week, to the digest's recipients,
about the past Monday–Sunday in course time; once across restarts and processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
DAN = user(14, "Dan")
EVE = user(15, "Eve <3")
FRED = user(16, "Fred")
GUS = user(17, "Gus")
CHAT = group(-1001500, "Onboarding 2026")
STAFF = group(-1001900, "Facilitators")
HEAD = "🌟 <b>Highlights of the week: Onboarding 2026</b> (#onb26)"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def highlights(calls: list[Call]) -> list[tuple[int, str]]:
    return [(c.chat_id, c.text) for c in calls if c.method == "sendMessage" and c.text.startswith("🌟")]


def link(update: JSON) -> str:
    return f"https://t.me/c/1500/{update['message']['message_id']}"


async def set_up(flock: Harness, *, berlin: bool = False) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    if berlin:
        await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone Europe/Berlin"))


async def say(flock: Harness, person: JSON, words: str, **kw: object) -> JSON:
    update = flock.telegram.post(CHAT, person, words, **kw)
    await flock.send(update)
    return update


async def helper_asked_and_answering(flock: Harness) -> JSON:
    """Cleo, a peer helper, is pointed at Fred's question and answers it."""
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    await say(flock, CLEO, "#intro Hi, I'm Cleo, a data engineer: Python, pandas and dataframes all day.")
    [invite] = [c for c in await flock.tick() if c.chat_id == CLEO["id"] and c.method == "sendMessage"]
    buttons = [b for row in invite.params["reply_markup"]["inline_keyboard"] for b in row]
    yes = next(b["callback_data"] for b in buttons if b["text"] == "Yes, ping me")
    await flock.send(flock.telegram.press(CLEO, invite.result, yes))
    pandas = await say(flock, FRED, "How do I merge two pandas dataframes in Python?")
    flock.clock.advance(hours=1)
    await flock.tick()
    await say(flock, CLEO, "pd.merge(left, right, on='id')", reply_to=pandas["message"])
    return pandas


async def test_the_weeks_highlights_rank_questions_and_name_new_voices_and_helpers(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)  # the course's week before
    await set_up(flock)
    await say(flock, GUS, "Hello, I'm here since the start")
    flock.clock.current = at(2026, 11, 2, 9, 0)  # Monday: the week highlighted
    await say(flock, GUS, "Back again this week")  # an old voice, not a new one
    await say(flock, ANA, "Welcome to week 2!")  # a facilitator's: never a new voice
    vpn = await say(flock, BEN, "How do I reset my VPN password?")
    flock.clock.advance(minutes=10)
    cleo = await say(flock, CLEO, "In the portal, under Security", reply_to=vpn["message"])
    dan = await say(flock, DAN, "Or ask the helpdesk", reply_to=vpn["message"])
    await say(flock, CLEO, "And then restart the client", reply_to=vpn["message"])
    await say(flock, BEN, "Thanks both!", reply_to=vpn["message"])  # the asker's own: no answer
    slides = await say(flock, CLEO, "#q Where are the slides from day one?")
    await say(flock, ANA, "In the shared drive", reply_to=slides["message"])
    await say(flock, BEN, "Folder Day 1", reply_to=slides["message"])
    lunch = await say(flock, DAN, "#q Is lunch included on Friday?")  # one answer: not "most"
    eve = await say(flock, EVE, "Yes it is", reply_to=lunch["message"])
    fred = await helper_asked_and_answering(flock)
    flock.clock.current = at(2026, 11, 9, 7, 0)  # Monday morning: the next week already
    await say(flock, BEN, "I think so too", reply_to=lunch["message"])

    flock.clock.current = at(2026, 11, 9, 8, 0)
    sent = highlights(await flock.tick())

    assert sent == [
        (
            ANA["id"],
            f"{HEAD}\nMon 2 Nov – Sun 8 Nov\n\n"
            "<b>🔥 Questions that drew the most answers</b>\n"
            f'• <a href="{link(vpn)}">How do I reset my VPN password?</a> — Ben · '
            "3 answers from 2 people\n"
            f'• <a href="{link(slides)}">Where are the slides from day one?</a> — Cleo · '
            "2 answers from 2 people\n\n"
            "<b>👋 New voices</b>\n"
            f'<a href="{link(vpn)}">Ben</a>, <a href="{link(cleo)}">Cleo</a>, <a href="{link(dan)}">Dan</a>, '
            f'<a href="{link(eve)}">Eve &lt;3</a>, <a href="{link(fred)}">Fred</a> '
            "posted for the first time. A welcome goes a long way!\n\n"
            "<b>🤝 Peer helpers</b>\n"
            "Asked to help with waiting questions: Cleo (1 of 1 answered)\n"
            "Learners who answered the most questions: Cleo (2), Ben (1), Dan (1), Eve &lt;3 (1)",
        )
    ]


async def test_many_new_voices_are_counted_beyond_the_first_ten(flock: Harness) -> None:
    await set_up(flock)
    newcomers = [user(200 + n, f"New {n:02}") for n in range(13)]
    await flock.send(*(flock.telegram.post(CHAT, person, "Hi all!") for person in newcomers))

    flock.clock.current = at(2026, 11, 9, 8, 0)
    [(_, sent)] = highlights(await flock.tick())

    assert "New 09</a> and 3 more posted for the first time." in sent
    assert "New 10" not in sent
    assert "Questions that drew" not in sent  # an empty section says nothing
    assert "Peer helpers" not in sent


async def test_a_quiet_week_is_told_in_one_line_even_when_the_digest_is_quiet(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)
    await set_up(flock)
    await flock.send(flock.telegram.post(STAFF, ANA, "/alerts_here #onb26"))

    flock.clock.current = at(2026, 11, 9, 8, 0)
    calls = await flock.tick()

    assert highlights(calls) == [
        (
            STAFF["id"],
            f"{HEAD}\nMon 2 Nov – Sun 8 Nov\n\n"
            "A quiet week: no stories, busy questions, new voices or peer helpers this time. 🌿",
        )
    ]
    assert [c for c in calls if c.text.startswith("📋")] == []  # nothing waits, nothing new


async def test_the_first_monday_after_set_up_highlights_nothing_before_the_course(flock: Harness) -> None:
    await set_up(flock)  # Monday 2 November, 09:00
    await say(flock, BEN, "#q Where are the slides from day one?")

    flock.clock.current = at(2026, 11, 3, 8, 0)  # the first digest: its week began before the course
    first = await flock.tick()
    flock.clock.current = at(2026, 11, 4, 8, 0)
    second = await flock.tick()
    flock.clock.current = at(2026, 11, 9, 8, 0)
    monday = await flock.tick()

    assert highlights(first) == []
    assert highlights(second) == []
    assert [chat for chat, _ in highlights(monday)] == [ANA["id"]]


def buttons(call: Call) -> dict[str, str]:
    return {
        b["text"]: b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    }


async def test_people_forgotten_are_not_new_voices_and_are_still_counted(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)
    await set_up(flock)
    flock.clock.current = at(2026, 11, 2, 9, 0)
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    await say(flock, BEN, "Hello, I'm Ben")
    cleo = await say(flock, CLEO, "Hi everyone, Cleo here")
    dan = await say(flock, DAN, "Dan from Lyon: where is the schedule?")
    # Ben forgets himself; Ana forgets Dan in her course.
    [asked] = await flock.send(flock.telegram.post(private(BEN), BEN, "/forget_me"))
    await flock.send(flock.telegram.press(BEN, asked.result, buttons(asked)["Forget me"]))
    [asked] = await flock.send(flock.telegram.post(CHAT, ANA, "/forget", reply_to=dan["message"]))
    await flock.send(flock.telegram.press(ANA, asked.result, buttons(asked)["Forget Dan"]))

    flock.clock.current = at(2026, 11, 9, 8, 0)
    [(_, sent)] = highlights(await flock.tick())

    assert sent == (
        f"{HEAD}\nMon 2 Nov – Sun 8 Nov\n\n"
        "<b>👋 New voices</b>\n"
        f'<a href="{link(cleo)}">Cleo</a> posted for the first time. A welcome goes a long way!'
    )
    counted = "select posts from learners where person_id <> :ana order by first_seen_at"
    assert await flock.rows(counted, ana=ANA["id"]) == [(1,), (1,), (1,)]  # every post still counted


async def test_highlights_follow_the_course_week_when_summer_time_ends(flock: Harness) -> None:
    # Berlin: Monday 19 October 00:00 CEST is 22:00 UTC the day before; Monday 26 October 00:00
    # CET is 23:00 UTC on the 25th. The week is 169 hours long.
    flock.clock.current = at(2026, 10, 12, 9, 0)
    await set_up(flock, berlin=True)
    for person, moment in (
        (BEN, at(2026, 10, 18, 21, 30)),  # Sunday 23:30 CEST: the week before
        (CLEO, at(2026, 10, 18, 22, 30)),  # Monday 00:30 CEST: the first hour of the week
        (DAN, at(2026, 10, 25, 22, 30)),  # Sunday 23:30 CET: its last hour
        (EVE, at(2026, 10, 25, 23, 10)),  # Monday 00:10 CET: the next week
    ):
        flock.clock.current = moment
        await say(flock, person, "Hello!")

    flock.clock.current = at(2026, 10, 26, 6, 0)  # 07:00 in Berlin: before the digest time
    early = await flock.tick()
    flock.clock.current = at(2026, 10, 26, 7, 0)  # 08:00 in Berlin
    due = await flock.tick()

    assert highlights(early) == []
    [(_, sent)] = highlights(due)
    assert sent.startswith(f"{HEAD}\nMon 19 Oct – Sun 25 Oct\n\n<b>👋 New voices</b>\n")
    assert ">Cleo</a>, <a" in sent
    assert ">Dan</a> posted for the first time." in sent
    assert "Ben" not in sent
    assert "Eve" not in sent


async def test_highlights_off_in_settings_stops_them_and_the_digest_goes_on(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)
    await set_up(flock)
    await say(flock, BEN, "#q Where are the slides from day one?")
    mistyped = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings highlights maybe"))
    off = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings highlights off"))
    by_learner = await flock.replies(flock.telegram.post(CHAT, BEN, "/settings highlights on"))
    stored = await flock.rows("select highlights_on from courses")

    flock.clock.current = at(2026, 11, 2, 8, 0)
    while_off = await flock.tick()
    on = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings highlights on"))
    flock.clock.current = at(2026, 11, 9, 8, 0)
    back_on = await flock.tick()

    assert mistyped == ["I couldn't read “maybe”: use on or off."]
    assert off[0] == (
        "Updated #onb26: highlights changed.\n"
        "sla 2h · timezone UTC · quiet off · digest 08:00 · detect auto · highlights off"
    )
    assert by_learner == ["Only facilitators of #onb26 can do that."]
    assert stored == [(False,)]
    assert highlights(while_off) == []
    assert [c.chat_id for c in while_off if c.text.startswith("📋")] == [ANA["id"]]
    assert on[0].endswith("digest 08:00 · detect auto")
    assert [chat for chat, _ in highlights(back_on)] == [ANA["id"]]


async def test_no_digest_time_no_highlights(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)
    await set_up(flock)
    await say(flock, BEN, "Hello!")
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings digest off"))

    flock.clock.current = at(2026, 11, 2, 12, 0)
    assert highlights(await flock.tick()) == []


async def test_highlights_queued_before_a_restart_are_sent_once_after_it(
    database_url: str, clock: FrozenClock
) -> None:
    clock.current = at(2026, 10, 27, 9, 0)
    async with Harness(database_url, clock) as flock:
        await set_up(flock)
        await say(flock, BEN, "Hello!")
        clock.current = at(2026, 11, 2, 8, 0)
        await flock.flock.ticker.tick()  # queued; the process stops before its sender runs
    async with Harness(database_url, clock) as restarted:
        after = await restarted.tick()
        clock.advance(hours=6)
        later = await restarted.tick()
        clock.current = at(2026, 11, 3, 8, 0)
        next_day = await restarted.tick()

    assert [chat for chat, _ in highlights(after)] == [ANA["id"]]
    assert highlights(later) == []
    assert highlights(next_day) == []


async def test_two_processes_ticking_at_once_send_the_highlights_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    clock.current = at(2026, 10, 27, 9, 0)
    await set_up(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/facilitator add @cleo_p"))
    await say(flock, BEN, "Hello!")
    clock.current = at(2026, 11, 2, 8, 0)
    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids  # one Telegram: message ids don't collide
        await asyncio.gather(flock.flock.ticker.tick(), other.flock.ticker.tick())
        await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
        failed = flock.flock.ticker.failed + other.flock.ticker.failed
        calls = flock.api.take() + other.api.take()

    assert failed == []
    assert sorted(chat for chat, _ in highlights(calls)) == [ANA["id"], CLEO["id"]]
    assert await flock.rows("select count(*) from outbox where kind = 'highlights'") == [(2,)]


# Stories ---------------------------------------------------------------------------------------

WINS = group(-1001950, "Wins wall")


async def told(
    flock: Harness, person: JSON, words: str, answer: str | None = None
) -> tuple[JSON, list[Call]]:
    """A story posted in the course group; its author presses `answer` under the question."""
    update = flock.telegram.post(CHAT, person, words)
    calls = await flock.send(update)
    if answer is None:
        return update, calls
    [ask] = [c for c in calls if c.method == "sendMessage" and c.chat_id == person["id"]]
    keyboard = ask.params["reply_markup"]["inline_keyboard"]
    data = next(b["callback_data"] for row in keyboard for b in row if b["text"] == answer)
    return update, await flock.send(flock.telegram.press(person, ask.result, data))


async def test_the_weeks_stories_come_first_the_consented_ones_marked(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)
    await set_up(flock)
    flock.make_admin(WINS, ANA)
    await flock.send(flock.telegram.post(WINS, ANA, "/showcase_here #onb26"))
    for person in (BEN, DAN, EVE):
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    await told(flock, GUS, "#win Last week's win")  # the week before: not this week's
    flock.clock.current = at(2026, 11, 2, 9, 0)
    ben, yes = await told(
        flock, BEN, "#win I shipped my first pull request today!\nThanks to all reviewers.", "Yes, as Ben"
    )
    flock.clock.advance(hours=1)
    cleo, _ = await told(flock, CLEO, "#story Finally passed the exam")  # never started Flock: not asked
    dan, _ = await told(flock, DAN, "#story Our demo went well", "Keep it in the group")
    await told(flock, EVE, "#win My first talk, and nobody fell asleep", "Yes, as Eve")
    [forget] = await flock.send(flock.telegram.post(private(EVE), EVE, "/forget_me"))
    keyboard = forget.params["reply_markup"]["inline_keyboard"]
    really = next(b["callback_data"] for row in keyboard for b in row if b["text"] == "Forget me")
    await flock.send(flock.telegram.press(EVE, forget.result, really))
    flock.clock.current = at(2026, 11, 9, 7, 0)
    await told(flock, GUS, "#win Next week's win")  # Monday already: next week's highlights

    flock.clock.current = at(2026, 11, 9, 8, 0)
    [(chat, sent)] = highlights(await flock.tick())

    [posted] = [c for c in yes if c.method == "sendMessage" and c.chat_id == WINS["id"]]
    showcase = f"https://t.me/c/1950/{posted.result['message_id']}"
    assert chat == ANA["id"]
    assert sent == (
        f"{HEAD}\nMon 2 Nov – Sun 8 Nov\n\n"
        "<b>🎉 Stories</b>\n"
        f'• Ben: <a href="{link(ben)}">I shipped my first pull request today!</a> — '
        f'✓ <a href="{showcase}">in the showcase</a>\n'
        f'• Cleo: <a href="{link(cleo)}">Finally passed the exam</a>\n'
        f'• Dan: <a href="{link(dan)}">Our demo went well</a>\n\n'
        "<b>👋 New voices</b>\n"  # Eve, forgotten, isn't one
        f'<a href="{link(ben)}">Ben</a>, <a href="{link(cleo)}">Cleo</a>, <a href="{link(dan)}">Dan</a> '
        "posted for the first time. A welcome goes a long way!"
    )
    # Eve, forgotten: her story is gone, from the week's highlights too.
    assert await flock.rows(f"select count(*) from stories where author_id = {EVE['id']}") == [(0,)]


async def test_many_stories_are_counted_beyond_the_first_five(flock: Harness) -> None:
    await set_up(flock)  # Monday 2 November, 09:00
    await flock.send(*(flock.telegram.post(CHAT, CLEO, f"#story Win number {n}") for n in range(1, 8)))

    flock.clock.current = at(2026, 11, 9, 8, 0)
    [(_, sent)] = highlights(await flock.tick())

    stories = sent.split("<b>🎉 Stories</b>\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(">")[1].split("<")[0] for line in stories[:5]] == [
        f"Win number {n}" for n in range(1, 6)
    ]
    assert stories[5:] == ["…and 2 more"]
