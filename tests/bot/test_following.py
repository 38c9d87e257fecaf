"""Following a hashtag from afar: sources that allow it (/share), the daily catch-up a course or a
person gets (/follow), and what never leaves a chat or is never relayed."""

from __future__ import annotations

import asyncio

import pytest

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator of #onb26
BEN = user(12, "Ben", "ben_l")  # learner of #onb26
ERIN = user(30, "Erin", "erin_e")  # admin of the event group
CLEO = user(31, "Cleo")  # speaker at the event
DAN = user(32, "Dan")  # attendee
CHAT = group(-1001500, "Onboarding 2026")
EVENT = {**group(-1002600, "DevCon 2026"), "username": "devcon26chat"}  # public
BACKSTAGE = group(-1002700, "DevCon backstage")  # private: members only
ELSEWHERE = group(-1002800, "Random chat")  # never shared anything
CHANNEL = {"id": -1003700, "type": "channel", "title": "DevCon news", "username": "devconnews"}


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    flock.make_admin(EVENT, ERIN)
    flock.make_admin(BACKSTAGE, ERIN)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


async def say(flock: Harness, chat: JSON, person: JSON, text: str, **kw: object) -> list[str]:
    return await flock.replies(flock.telegram.post(chat, person, text, **kw))


def reaction(flock: Harness, chat: JSON, message: JSON, person: JSON, *emoji: str) -> JSON:
    return flock.telegram.update(
        "message_reaction",
        {
            "chat": chat,
            "message_id": message["message"]["message_id"],
            "user": person,
            "date": int(flock.clock.now().timestamp()),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": e} for e in emoji],
        },
    )


def channel_post(flock: Harness, text: str) -> JSON:
    message = flock.telegram.message(CHANNEL, None, text, sender_chat=CHANNEL)
    return flock.telegram.update("channel_post", message)


async def until(flock: Harness, hour: int) -> list[Call]:
    """Ticks to the next time it is `hour`:00 (UTC), and what was sent then."""
    now = flock.clock.now()
    hours = (hour - now.hour) % 24 or 24
    flock.clock.advance(hours=hours, minutes=-now.minute)
    return await flock.tick()


def messages(calls: list[Call], chat: JSON) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and c.chat_id == chat["id"]]


async def test_a_course_gets_one_ranked_catch_up_a_day_of_what_its_sources_shared(flock: Harness) -> None:
    await set_up(flock)
    shared = await say(flock, EVENT, ERIN, "/share #devcon26")
    followed = await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    slides = flock.telegram.post(
        EVENT,
        CLEO,
        "Slides of my keynote https://example.com/slides #devcon26",
        entities=[{"type": "url", "offset": 21, "length": 26}],
    )
    talk = flock.telegram.post(EVENT, DAN, "#DevCon26 The testing talk was great")
    await flock.send(slides, talk, flock.telegram.post(EVENT, DAN, "Lunch anyone?"))
    await flock.send(
        flock.telegram.post(EVENT, ERIN, "Agreed!", reply_to=talk["message"]),
        reaction(flock, EVENT, slides, ERIN, "👍"),
        reaction(flock, EVENT, slides, DAN, "🔥"),
    )

    before = await flock.tick()
    sent = await until(flock, 18)
    next_day = await until(flock, 18)

    assert shared == [
        "Shared: posts here tagged #devcon26 can now be followed from other chats, each with its "
        "author's name and a link to it. Nothing else leaves this chat; <code>/share off #tag</code> "
        "stops it."
    ]
    assert followed == [
        "Following #devcon26 for #onb26: every day at 18:00 (UTC) this group gets what was posted under "
        "#devcon26 in the chats that share it, if anything was. /unfollow #devcon26 stops it.\n"
        "1 chat shares #devcon26 so far."
    ]
    assert messages(before, CHAT) == []
    slides_link = f"https://t.me/devcon26chat/{slides['message']['message_id']}"
    talk_link = f"https://t.me/devcon26chat/{talk['message']['message_id']}"
    assert messages(sent, CHAT) == [
        "<b>#devcon26</b>: 2 new posts since Mon 2 Nov, 09:00\n"
        f'\n1. Cleo in <a href="{slides_link}">DevCon 2026</a> · 2 reactions\n'
        "Slides of my keynote https://example.com/slides #devcon26\n"
        f'\n2. Dan in <a href="{talk_link}">DevCon 2026</a> · 1 reply\n'
        "#DevCon26 The testing talk was great\n"
        "\n<b>Links shared</b>\n"
        f'• https://example.com/slides — Cleo in <a href="{slides_link}">DevCon 2026</a>'
    ]
    assert [c for c in sent if c.method == "sendDocument"] == []
    assert messages(next_day, CHAT) == []  # nothing new: nothing sent


async def test_a_chat_that_never_shared_is_never_relayed(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")

    await flock.send(flock.telegram.post(ELSEWHERE, DAN, "#devcon26 posted where no one shared it"))
    sent = await until(flock, 18)

    assert messages(sent, CHAT) == []
    assert await flock.rows("select count(*) from shared_posts") == [(0,)]


async def test_a_share_revoked_stops_collecting_and_drops_what_was_collected(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 before the share was revoked"))

    revoked = await say(flock, EVENT, ERIN, "/share off #devcon26")
    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 after"))
    listed = await say(flock, EVENT, DAN, "/shares")
    sent = await until(flock, 18)

    assert revoked == [
        "Stopped sharing #devcon26: nothing more is collected, and what was collected is deleted."
    ]
    assert listed == [
        "This chat shares no hashtag. An admin can run /share #tag to let other chats follow it."
    ]
    assert messages(sent, CHAT) == []
    assert await flock.rows("select count(*) from shared_posts") == [(0,)]


async def test_someone_who_used_forget_me_is_never_relayed(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    await flock.send(flock.telegram.post(EVENT, CLEO, "#devcon26 Cleo's words, soon forgotten"))
    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 Dan's words"))

    asked = next(
        c
        for c in await flock.send(flock.telegram.post(private(CLEO), CLEO, "/forget_me"))
        if c.method == "sendMessage"
    )
    confirm = asked.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await flock.send(flock.telegram.press(CLEO, asked.result, confirm))
    await flock.send(flock.telegram.post(EVENT, CLEO, "#devcon26 Cleo again, after forgetting"))
    sent = await until(flock, 18)

    [catch_up] = messages(sent, CHAT)
    assert "Dan's words" in catch_up
    assert "Cleo" not in catch_up
    assert await flock.rows("select author_name from shared_posts") == [("Dan",)]


async def test_a_learners_private_catch_up_leaves_out_a_chat_they_cannot_read(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "Hello everyone")  # Ben takes part in #onb26
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await say(flock, BACKSTAGE, ERIN, "/share #devcon26")
    followed = await say(flock, private(BEN), BEN, "/follow #devcon26")

    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 open to all"))
    await flock.send(flock.telegram.post(BACKSTAGE, CLEO, "#devcon26 backstage only"))
    sent = await until(flock, 8)  # the course's digest time

    assert followed == [
        "Following #devcon26: every day at 08:00 (UTC) I'll send you what was posted under #devcon26 "
        "in the chats that share it and that you can read, if anything was. /unfollow #devcon26 stops it."
        "\n2 chats share #devcon26 so far."
    ]
    [catch_up] = messages(sent, BEN)
    assert "open to all" in catch_up
    assert "backstage" not in catch_up


async def test_a_private_catch_up_includes_a_members_only_chat_flock_saw_them_in(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "Hello everyone")
    await say(flock, BACKSTAGE, ERIN, "/share #devcon26")
    await say(flock, private(BEN), BEN, "/follow #devcon26 at 09:30")
    await flock.send(flock.telegram.post(BACKSTAGE, BEN, "#devcon26 Ben was here"))
    await flock.send(flock.telegram.post(BACKSTAGE, CLEO, "#devcon26 backstage news"))

    flock.clock.advance(minutes=30)
    sent = await flock.tick()

    [catch_up] = messages(sent, BEN)
    assert "backstage news" in catch_up
    assert "https://t.me/c/2700/" in catch_up  # members only: a t.me/c link


async def test_a_restart_between_collection_and_catch_up_loses_nothing(
    database_url: str, clock: FrozenClock
) -> None:
    async with Harness(database_url, clock) as flock:
        await set_up(flock)
        await say(flock, EVENT, ERIN, "/share #devcon26")
        await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
        await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 collected before the restart"))
    async with Harness(database_url, clock) as restarted:
        sent = await until(restarted, 18)
        again = await restarted.tick()

    [catch_up] = messages(sent, CHAT)
    assert "collected before the restart" in catch_up
    assert messages(again, CHAT) == []  # once


async def test_a_channel_shares_by_its_own_post_and_its_posts_are_followed(flock: Harness) -> None:
    await set_up(flock)
    answered = await flock.send(channel_post(flock, "/share #devcon26"))
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    news = channel_post(flock, "#devcon26 Doors open at 9")
    await flock.send(news)
    counted = flock.telegram.update(
        "message_reaction_count",
        {
            "chat": CHANNEL,
            "message_id": news["channel_post"]["message_id"],
            "date": int(flock.clock.now().timestamp()),
            "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 7}],
        },
    )
    await flock.send(counted)
    sent = await until(flock, 18)

    assert [c.text[:7] for c in answered if c.chat_id == CHANNEL["id"]] == ["Shared:"]
    [catch_up] = messages(sent, CHAT)
    link = f"https://t.me/devconnews/{news['channel_post']['message_id']}"
    assert f'1. <a href="{link}">DevCon news</a> · 7 reactions' in catch_up  # no "DevCon news in DevCon news"


async def test_more_than_ten_posts_come_with_a_file_of_all_of_them(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    await flock.send(*(flock.telegram.post(EVENT, DAN, f"#devcon26 note {n}") for n in range(1, 13)))

    sent = await until(flock, 18)

    [catch_up] = messages(sent, CHAT)
    assert catch_up.startswith("<b>#devcon26</b>: 12 new posts since Mon 2 Nov, 09:00")
    assert "note 10" in catch_up
    assert "note 11" not in catch_up
    assert catch_up.endswith("\nAnd 2 more: every post is in the file below.")
    [document] = [c for c in sent if c.method == "sendDocument"]
    assert document.params["caption"] == "Every post under #devcon26 since Mon 2 Nov, 09:00."
    markdown = document.files["document"][1].decode()
    assert markdown.startswith("# #devcon26: 12 posts")
    assert "> #devcon26 note 12" in markdown


async def test_following_and_unfollowing(flock: Harness) -> None:
    await set_up(flock)
    followed = await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")  # before anyone shares it
    not_for_the_group = await say(flock, CHAT, BEN, "/follow #devcon26")

    listed = await say(flock, CHAT, BEN, "/following")
    refused = await say(flock, CHAT, BEN, "/unfollow #devcon26")
    stopped = await say(flock, CHAT, ANA, "/unfollow #devcon26")
    missing = await say(flock, CHAT, ANA, "/unfollow #devcon26")
    stranger = await say(flock, private(DAN), DAN, "/follow #devcon26")

    assert followed[0].endswith(
        "\nNo chat shares #devcon26 yet: ask an admin of the event's group or channel to add me there "
        "and send /share #devcon26."
    )
    assert not_for_the_group == [
        "Only facilitators of #onb26 can follow a hashtag for this group. To get the catch-up of "
        "#devcon26 yourself, send me /follow #devcon26 in a private chat."
    ]
    assert listed == ["<b>Followed here</b>\n• #devcon26, every day at 18:00 (UTC)"]
    assert refused == ["Only facilitators of #onb26 can do that."]
    assert stopped == ["No longer following #devcon26."]
    assert missing == ["#devcon26 isn't followed here."]
    assert stranger == [
        "Following a hashtag is for the people of a course Flock runs: post in your course's group "
        "first, then try again."
    ]
    assert await flock.rows("select count(*) from follows") == [(0,)]


async def test_following_from_a_chat_that_is_no_courses_group_points_to_a_private_follow(
    flock: Harness,
) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")

    followed = await say(flock, EVENT, ERIN, "/follow #devcon26")
    unfollowed = await say(flock, EVENT, ERIN, "/unfollow #devcon26")

    assert followed == [
        "Hashtags are followed into a course's group, by its facilitators. To follow #devcon26 "
        "yourself, send me /follow #devcon26 in a private chat."
    ]
    assert unfollowed == ["#devcon26 isn't followed here."]
    assert await flock.rows("select count(*) from follows") == [(0,)]


async def test_only_a_chats_admin_shares_it(flock: Harness) -> None:
    await set_up(flock)

    refused = await say(flock, EVENT, DAN, "/share #devcon26")
    in_private = await say(flock, private(ERIN), ERIN, "/share #devcon26")

    assert refused == ["Only this chat's admins can share its posts with other chats."]
    assert in_private == ["Run /share in the group or channel whose posts you want to share."]
    assert await flock.rows("select count(*) from shares") == [(0,)]


async def test_privacy_says_what_following_keeps_and_where_it_goes(flock: Harness) -> None:
    [explained] = await say(flock, private(BEN), BEN, "/privacy")

    assert "<b>Following a hashtag</b>" in explained
    assert "<code>/share off #tag</code> deletes what was kept under it." in explained
    assert "only posts from chats they can read" in explained
    assert "deleted after 14 days" in explained


async def test_two_processes_ticking_at_once_send_each_catch_up_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    chats = [group(-1001500 - n, f"Cohort {n}") for n in range(4)]
    for n, chat in enumerate(chats):
        flock.make_admin(chat, ANA)
        await flock.send(flock.telegram.post(chat, ANA, f"/setup #cohort{n} Cohort {n}"))
        await say(flock, chat, ANA, "/follow #devcon26 at 18:00")
    flock.make_admin(EVENT, ERIN)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 one post for everyone"))
    clock.advance(hours=9)

    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids  # one Telegram: message ids don't collide
        await asyncio.gather(flock.flock.ticker.tick(), other.flock.ticker.tick())
        await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
        calls = flock.api.take() + other.api.take()

    catch_ups = sorted(c.chat_id for c in calls if c.method == "sendMessage" and "one post" in c.text)
    assert catch_ups == sorted(chat["id"] for chat in chats)


async def test_a_channel_that_shares_nothing_is_left_alone(flock: Harness) -> None:
    await set_up(flock)

    calls = await flock.send(
        channel_post(flock, "#devcon26 Doors open at 9"),
        channel_post(flock, "/start"),
        channel_post(flock, "Just news"),
    )

    assert calls == []
    assert await flock.rows("select count(*) from shared_posts") == [(0,)]
    assert await flock.rows("select count(*) from inbox where processed_at is null") == [(0,)]


async def test_an_edited_post_is_relayed_as_it_now_reads_and_not_once_its_hashtag_is_gone(
    flock: Harness,
) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    kept = flock.telegram.post(EVENT, DAN, "#devcon26 Keynote at 9")
    dropped = flock.telegram.post(EVENT, CLEO, "#devcon26 my phone number is 555")
    await flock.send(kept, dropped)

    await flock.send(
        flock.telegram.edit(kept, "#devcon26 Keynote moved to 10"),
        flock.telegram.edit(dropped, "never mind"),
    )
    sent = await until(flock, 18)

    [catch_up] = messages(sent, CHAT)
    assert "Keynote moved to 10" in catch_up
    assert "Keynote at 9" not in catch_up
    assert "555" not in catch_up
    assert await flock.rows("select text from shared_posts") == [("#devcon26 Keynote moved to 10",)]


async def test_collected_posts_are_deleted_two_weeks_on(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, EVENT, ERIN, "/share #devcon26")
    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 soon gone"))

    flock.clock.advance(days=13, hours=23)
    await flock.tick()
    kept = await flock.rows("select count(*) from shared_posts")
    flock.clock.advance(hours=1, minutes=1)
    await flock.tick()

    assert kept == [(1,)]
    assert await flock.rows("select count(*) from shared_posts") == [(0,)]


async def test_a_channels_edited_post_is_relayed_as_it_now_reads(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(channel_post(flock, "/share #devcon26"))
    await say(flock, CHAT, ANA, "/follow #devcon26 at 18:00")
    news = channel_post(flock, "#devcon26 Doors open at 9")
    await flock.send(news)

    edited = {**news["channel_post"], "text": "#devcon26 Doors open at 10", "edit_date": 1}
    calls = await flock.send(flock.telegram.update("edited_channel_post", edited))
    sent = await until(flock, 18)

    assert calls == []
    [catch_up] = messages(sent, CHAT)
    assert "Doors open at 10" in catch_up
    assert "at 9" not in catch_up
