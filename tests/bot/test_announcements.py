"""Scheduled announcements: /announce, /announcements, /announce_cancel, and the tick posting them
at their time in course time, once, to the chats still attached, pinned if asked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.recording import Call, api_error
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")  # learner
CHAT = group(-1001500, "Onboarding 2026")
SECOND = group(-1001501, "Onboarding, evening group")


async def set_up(flock: Harness, *chats: JSON) -> None:
    for chat in chats or (CHAT,):
        flock.make_admin(chat, ANA)
        await flock.send(flock.telegram.post(chat, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


async def say(flock: Harness, chat: JSON, text: str, person: JSON = ANA, **kw: object) -> list[str]:
    return await flock.replies(flock.telegram.post(chat, person, text, **kw))


def sent(calls: list[Call], method: str = "sendMessage", chat: JSON | None = None) -> list[Call]:
    return [c for c in calls if c.method == method and (chat is None or c.chat_id == chat["id"])]


def texts(calls: list[Call], chat: JSON | None = None) -> list[str]:
    return [c.text for c in sent(calls, chat=chat)]


async def at(flock: Harness, **delta: float) -> list[Call]:
    flock.clock.advance(**delta)
    return await flock.tick()


async def told(flock: Harness) -> list[Call]:
    """What the sender's next round delivers (in `flock run` it starts at once when woken)."""
    await flock.flock.sender.flush()
    return flock.api.take()


async def test_the_lines_after_the_command_go_out_at_their_time_to_the_course_chat(flock: Harness) -> None:
    await set_up(flock)

    reply = await say(flock, CHAT, "/announce tomorrow 09:00\nWeek 2 starts now.\nBring your notes!")

    assert reply == [
        "Scheduled announcement <b>1</b> for #onb26: Tue 3 Nov, 09:00 (UTC), once, to 1 chat of the course.\n"
        "“Week 2 starts now. Bring your notes!”\n"
        "/announcements lists what is waiting; <code>/announce_cancel 1</code> cancels it."
    ]
    assert texts(await at(flock, hours=23, minutes=59)) == []
    posted = await at(flock, minutes=1)
    assert texts(posted, CHAT) == ["Week 2 starts now.\nBring your notes!"]
    assert sent(posted, "pinChatMessage") == []
    assert texts(await at(flock, days=1)) == []  # once
    assert await flock.rows("select next_at, posted from announcements") == [(None, 1)]


async def test_a_reply_to_the_facilitators_own_message_keeps_its_formatting(flock: Harness) -> None:
    await set_up(flock)
    original = flock.telegram.post(
        CHAT, ANA, "Week 2 starts now", entities=[{"type": "bold", "offset": 14, "length": 3}]
    )
    await flock.send(original)

    reply = await say(flock, CHAT, "/announce in 2h", reply_to=original["message"])
    # The stored copy is the content, not a pointer: it goes out as written, whatever happens to it.
    posted = await at(flock, hours=2)

    assert reply[0].startswith("Scheduled announcement <b>1</b> for #onb26: Mon 2 Nov, 11:00 (UTC), once")
    assert texts(posted, CHAT) == ["Week 2 starts <b>now</b>"]


async def test_a_photo_is_announced_by_its_file_and_pinned(flock: Harness) -> None:
    await set_up(flock)
    photo = flock.telegram.post(CHAT, ANA, caption="Slides for week 2")
    await flock.send(photo)

    reply = await say(flock, CHAT, "/announce in 1h pin", reply_to=photo["message"])
    posted = await at(flock, hours=1)

    assert "It will be pinned." in reply[0]
    assert "“Slides for week 2”" in reply[0]
    [picture] = sent(posted, "sendPhoto", CHAT)
    assert picture.params["photo"] == "AgAD"
    assert picture.params["caption"] == "Slides for week 2"
    [pin] = sent(posted, "pinChatMessage")
    assert pin.params["message_id"] == picture.result["message_id"]


async def test_a_document_is_announced_by_its_file(flock: Harness) -> None:
    await set_up(flock)
    document = {"file_id": "BQAC", "file_unique_id": "AgAE", "file_name": "syllabus.pdf"}
    original = flock.telegram.post(CHAT, ANA, document=document)
    original["message"]["caption"] = "The syllabus"  # the builder's caption comes with a photo
    await flock.send(original)

    await say(flock, CHAT, "/announce in 1h", reply_to=original["message"])
    [file] = sent(await at(flock, hours=1), "sendDocument", CHAT)

    assert (file.params["document"], file.params["caption"]) == ("BQAC", "The syllabus")


async def test_only_the_facilitators_own_messages_are_announced(flock: Harness) -> None:
    await set_up(flock)
    bens = flock.telegram.post(CHAT, BEN, "Great course so far")
    await flock.send(bens)

    reply = await say(flock, CHAT, "/announce in 1h", reply_to=bens["message"])

    assert reply == ["Reply to a message you wrote yourself: I announce facilitators' own words."]
    assert await flock.rows("select count(*) from announcements") == [(0,)]


async def test_learners_are_refused_and_bad_times_explained(flock: Harness) -> None:
    await set_up(flock)

    learner = await say(flock, CHAT, "/announce in 1h\nFree pizza", person=BEN)
    past = await say(flock, CHAT, "/announce 2026-01-01 09:00\nOld news")
    empty = await say(flock, CHAT, "/announce in 1h")
    rhythm = await say(flock, CHAT, "/announce in 1h every 3d\nHi")
    no_start = await say(flock, CHAT, "/announce week 3 mon 09:00\nHi")
    bare = await say(flock, CHAT, "/announce")

    assert learner == ["Only facilitators of #onb26 can do that."]
    assert past == ["That time has already passed. Pick a start in the future."]
    assert empty[0].startswith("There is nothing to announce")
    assert rhythm == ["I couldn't read “3d” as a rhythm. Use every 1d, 1w or 2w."]
    assert no_start[0].startswith("Set the course's start date first, like /settings start 2026-12-01")
    assert bare[0].startswith("Reply to a message you wrote with /announce TIME [every 1d|1w|2w]")
    assert await flock.rows("select count(*) from announcements") == [(0,)]


async def test_course_relative_times_count_from_the_course_start(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, "/settings timezone Europe/Paris")
    started = await say(flock, CHAT, "/settings start 2026-11-02")

    week = await say(flock, CHAT, "/announce week 2 wed 09:00\nMid-week check-in")
    day = await say(flock, CHAT, "/announce day 10 9:30\nDay ten")
    french = await say(flock, CHAT, "/announce semaine 3 lun à 8h chaque 1s\nLundi")

    assert "start 2026-11-02" in started[0]
    assert "Wed 11 Nov, 09:00 (Europe/Paris)" in week[0]
    assert "Wed 11 Nov, 09:30 (Europe/Paris)" in day[0]
    assert "Mon 16 Nov, 08:00 (Europe/Paris), every week" in french[0]
    posted = texts(await at(flock, days=9, hours=-1, minutes=1))  # 08:01 UTC
    assert [t for t in posted if not t.startswith("🌟")] == ["Mid-week check-in"]  # Monday's highlights aside


async def test_a_weekly_announcement_keeps_its_clock_time_across_a_clock_change(
    flock: Harness, clock: FrozenClock
) -> None:
    clock.current = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)  # Toronto leaves summer time on 1 Nov
    await set_up(flock)
    await say(flock, CHAT, "/settings timezone America/Toronto")
    await say(flock, CHAT, "/announce 2026-10-27 09:00 every 1w\nWeekly office hours at 10")

    first = await at(flock, hours=25)  # 27 Oct, 13:00 UTC: 09:00 EDT
    not_yet = await at(flock, days=7)  # 3 Nov, 13:00 UTC: 08:00 EST
    second = await at(flock, hours=1)  # 14:00 UTC: 09:00 EST

    assert texts(first, CHAT) == ["Weekly office hours at 10"]
    assert texts(not_yet, CHAT) == []
    assert texts(second, CHAT) == ["Weekly office hours at 10"]
    listed = await say(flock, CHAT, "/announcements")
    assert "Tue 10 Nov, 09:00 (America/Toronto) · every week" in listed[0]


async def test_here_posts_in_this_chat_only(flock: Harness) -> None:
    await set_up(flock, CHAT, SECOND)

    reply = await say(flock, SECOND, "/announce in 1h here\nEvening group: we start at 19:00")
    everywhere = await say(flock, CHAT, "/announce in 2h\nFor everyone")
    one = await at(flock, hours=1)
    both = await at(flock, hours=1)

    assert "to this chat only" in reply[0]
    assert "to all 2 chats of the course" in everywhere[0]
    assert [(c.chat_id, c.text) for c in sent(one)] == [(SECOND["id"], "Evening group: we start at 19:00")]
    assert sorted(c.chat_id for c in sent(both)) == sorted([CHAT["id"], SECOND["id"]])


async def test_list_and_cancel(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, "/announce in 1h pin\nFirst")
    await say(flock, CHAT, "/announce tomorrow 09:00 every 1d\nSecond, daily")

    listed = await say(flock, CHAT, "/announcements")
    by_learner = await say(flock, CHAT, "/announcements", person=BEN)
    cancelled = await say(flock, CHAT, "/announce_cancel 1")
    again = await say(flock, CHAT, "/announce_cancel 1")
    privately = await say(flock, private(ANA), "/announcements")
    posted = await at(flock, days=1)

    assert listed == [
        "<b>2 announcements waiting</b>\n"
        "<b>1</b> · #onb26 · Mon 2 Nov, 10:00 (UTC) · once · 1 chat of the course 📌\n    “First”\n"
        "<b>2</b> · #onb26 · Tue 3 Nov, 09:00 (UTC) · every day · 1 chat of the course\n    “Second, daily”"
    ]
    assert by_learner == ["Only facilitators of #onb26 can do that."]
    assert cancelled == ["Cancelled announcement 1 (“First”). It won't go out again."]
    assert again == ["There is no announcement 1 waiting to go out. /announcements lists them."]
    assert "<b>1 announcement waiting</b>" in privately[0]
    assert texts(posted, CHAT) == ["Second, daily"]


async def test_a_pin_refused_keeps_the_post_and_tells_the_facilitators_once(flock: Harness) -> None:
    await set_up(flock)
    flock.api.failures["pinChatMessage"] = lambda _: (
        400,
        api_error(400, "Bad Request: not enough rights to manage pinned messages in the chat"),
    )
    await say(flock, CHAT, "/announce in 1h every 1d pin\nDaily stand-up in 10 minutes")

    first = await at(flock, hours=1) + await told(flock)
    second = await at(flock, days=1) + await told(flock)

    assert texts(first, CHAT) == texts(second, CHAT) == ["Daily stand-up in 10 minutes"]
    assert texts(first, ANA) == [
        "Announcement 1 of #onb26 (“Daily stand-up in 10 minutes”) was posted in Onboarding 2026 but I "
        "couldn't pin it. Make me an admin allowed to pin messages there."
    ]
    assert texts(second, ANA) == []
    rows = await flock.rows("select count(*), count(sent_at) from outbox where kind = 'announcement'")
    assert rows == [(2, 2)]


async def test_a_detached_chat_is_skipped_and_the_facilitators_told_once(flock: Harness) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, "/announce in 1h every 1d\nGood morning")
    await say(flock, SECOND, "/detach")

    first = await at(flock, hours=1)
    second = await at(flock, days=1)

    assert texts(first, CHAT) == texts(second, CHAT) == ["Good morning"]
    assert texts(first, SECOND) == texts(second, SECOND) == []
    assert texts(first, ANA) == [
        "Announcement 1 of #onb26 (“Good morning”) was not posted in Onboarding, evening group: the chat is "
        "no longer attached to the course, or it removed me. I won't mention it again for this announcement."
    ]
    assert texts(second, ANA) == []


async def test_a_chat_that_removed_flock_is_skipped(flock: Harness) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, SECOND, "/announce in 1h here\nEvening only")
    bot = {"id": 7000000001, "is_bot": True, "first_name": "Flock", "username": "flock_test_bot"}
    await flock.send(flock.telegram.member_change(SECOND, bot, "member", "kicked", mine=True, by=ANA))

    posted = await at(flock, hours=1)

    assert texts(posted, SECOND) == []
    assert len(texts(posted, ANA)) == 1
    assert "was not posted in Onboarding, evening group" in texts(posted, ANA)[0]


async def test_a_restart_neither_reposts_nor_skips(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    await set_up(flock)
    await say(flock, CHAT, "/announce in 1h every 1d\nDaily")
    await say(flock, CHAT, "/announce in 90m\nOnce")
    assert texts(await at(flock, hours=1)) == ["Daily"]

    async with Harness(database_url, clock) as restarted:  # the same database, a fresh process
        again = await restarted.tick()
        later = await at(restarted, minutes=30)
        tomorrow = await at(restarted, days=1)

    assert texts(again) == []
    assert texts(later) == ["Once"]
    assert texts(tomorrow) == ["Daily"]


async def test_two_processes_post_each_announcement_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    await set_up(flock, CHAT, SECOND)
    for n in range(20):
        await say(flock, CHAT, f"/announce in 1h\nAnnouncement {n}")
    clock.advance(hours=1)
    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids
        await asyncio.gather(flock.flock.ticker.tick(), other.flock.ticker.tick())
        await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
        calls = flock.api.take() + other.api.take()

    posted = sorted((c.chat_id, c.text) for c in sent(calls))
    assert len(posted) == 40
    assert len(set(posted)) == 40


async def test_a_french_course_reads_and_writes_announcements_in_french(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, "/settings language fr")
    await say(flock, CHAT, "/settings début 2026-11-02")

    weekly = await say(flock, CHAT, "/announce demain 9h chaque 1s épingler\nBonjour à toutes et à tous")
    relative = await say(flock, CHAT, "/announce jour 3 à 10h ici\nJour trois")
    listed = await say(flock, CHAT, "/announcements")
    refused = await say(flock, CHAT, "/announce semaine 2 xyz 9h\nOups")

    assert weekly[0].startswith(
        "Annonce <b>1</b> programmée pour #onb26 : mar. 3 nov. à 09:00 (UTC), chaque semaine, "
        "dans 1 groupe du cours. Elle sera épinglée.\n« Bonjour à toutes et à tous »"
    )
    assert "mer. 4 nov. à 10:00 (UTC), une fois, dans ce groupe seulement" in relative[0]
    assert listed[0].startswith("<b>2 annonces programmées</b>")
    assert refused == [
        "Je n’ai pas pu lire « semaine 2 xyz 9h » comme un moment du cours. "
        "Essayez semaine 3 lun 9h ou jour 10 9h."
    ]
