"""Black-box: a conference's hashtag followed from afar, played against a real `flock run`.

Three sources share #devcon26: a public event group (its admin runs `/share`, which Flock checks
with getChatMember), a members-only backstage group, and a public channel (by a channel post).
A fourth chat posts the hashtag without ever sharing it. A course group follows it at 18:00, by
its facilitator; a learner follows it in private. Posts (some with links), reactions and replies
arrive; at 18:00 the course gets one catch-up ranked by reactions and replies, the learner one
without the backstage group they were never seen in. An author who used /forget_me is never
relayed, a revoked share stops relaying, and a day with nothing new sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.process_cohort import ANA, BEN, FLOCK, Cohort, messages, said, set_up, start

pytestmark = pytest.mark.process

COURSE = group(-1005301, "Onboarding 2026")
EVENT = {**group(-1005302, "DevCon 2026"), "username": "devcon26chat"}  # public
BACKSTAGE = group(-1005303, "DevCon backstage")  # members only
ELSEWHERE = group(-1005304, "Random chat")  # never shares anything
CHANNEL = {"id": -1005305, "type": "channel", "title": "DevCon news", "username": "devconnews"}
ERIN = user(30, "Erin", "erin_e")  # runs the event's chats
CLEO = user(31, "Cleo")  # a speaker
DAN = user(32, "Dan")  # an attendee
GIL = user(33, "Gil")  # an attendee who will use /forget_me
SLIDES = "https://example.com/slides"
SCHEDULE = "https://devcon.example/schedule"


def with_link(text: str, url: str) -> JSON:
    """The entities Telegram marks a URL in a message with."""
    return {"entities": [{"type": "url", "offset": text.index(url), "length": len(url)}]}


def channel_post(cohort: Cohort, text: str, **extra: object) -> JSON:
    message = cohort.telegram.message(CHANNEL, None, text, sender_chat=CHANNEL, **extra)
    return cohort.telegram.update("channel_post", message)


def reaction_count(cohort: Cohort, post: JSON, total: int) -> JSON:
    """A channel's reactions are anonymous: Telegram sends their totals."""
    return cohort.telegram.update(
        "message_reaction_count",
        {
            "chat": CHANNEL,
            "message_id": post["channel_post"]["message_id"],
            "date": int(cohort.clock.now().timestamp()),
            "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": total}],
        },
    )


def quietly(calls: list[Call]) -> None:
    """Taken in without a word."""
    assert [c for c in calls if c.method != "getChatMember"] == [], calls


def to(chat: JSON) -> Callable[[list[Call]], bool]:
    return lambda calls: bool(messages(calls, chat))


def t_me(chat: JSON, update: JSON) -> str:
    body = update.get("message") or update["channel_post"]
    if "username" in chat:
        return f"https://t.me/{chat['username']}/{body['message_id']}"
    return f"https://t.me/c/{str(chat['id']).removeprefix('-100')}/{body['message_id']}"


def source(author: str | None, chat: JSON, update: JSON) -> str:
    """Who posted it where, linked; a channel's own post by the channel alone."""
    where = f'<a href="{t_me(chat, update)}">{chat["title"]}</a>'
    return f"{author} in {where}" if author else where


def since(cohort: Cohort, chat: JSON) -> str:
    """Where the chat's next catch-up starts (its follow's `since`), as the heading tells it."""
    [(stored,)] = cohort.db.rows("select since from follows where chat_id = :chat", chat=chat["id"])
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)
    return moment.astimezone(UTC).strftime("%a %-d %b, %H:%M")  # the course's zone and Ben's: UTC


def forget_me(cohort: Cohort, person: JSON) -> None:
    _, calls = cohort.say(private(person), person, "/forget_me")
    [asked] = messages(calls, private(person))
    cohort.press(person, asked, "Forget me")


def test_a_course_follows_a_conference_hashtag_from_afar(cohort: Cohort) -> None:
    start(cohort, ANA, BEN)
    set_up(cohort, COURSE, "onb26", "Onboarding 2026")
    quietly(cohort.say(COURSE, BEN, "Hello everyone")[1])  # Ben takes part in the course
    for chat in (EVENT, BACKSTAGE, CHANNEL):
        cohort.admin(chat, ERIN)
        cohort.admin(chat, FLOCK)  # so Telegram sends Flock the reactions there

    # Sources: only their admins share them; a channel shares by its own post.
    _, calls = cohort.say(EVENT, DAN, "/share #devcon26")
    assert said(calls, EVENT) == ["Only this chat's admins can share its posts with other chats."]
    _, calls = cohort.say(EVENT, ERIN, "/share #devcon26")
    asked = [c.params for c in calls if c.method == "getChatMember"]
    assert asked == [{"chat_id": EVENT["id"], "user_id": ERIN["id"]}]  # Telegram says who is an admin
    shared = (
        "Shared: posts here tagged #devcon26 can now be followed from other chats, each with its "
        "author's name and a link to it. Nothing else leaves this chat; /share off #tag stops it."
    )
    assert said(calls, EVENT) == [shared]
    _, calls = cohort.say(BACKSTAGE, ERIN, "/share #devcon26")
    assert said(calls, BACKSTAGE) == [shared]
    calls = cohort.send(channel_post(cohort, "/share #devcon26"))
    assert said(calls, CHANNEL) == [shared]

    # The course follows it by its facilitator; a learner can't do that for the group, but can
    # for themselves in private.
    _, calls = cohort.say(COURSE, BEN, "/follow #devcon26")
    assert said(calls, COURSE) == [
        "Only facilitators of #onb26 can follow a hashtag for this group. To get the catch-up of "
        "#devcon26 yourself, send me /follow #devcon26 in a private chat."
    ]
    _, calls = cohort.say(COURSE, ANA, "/follow #devcon26 at 18:00")
    assert said(calls, COURSE) == [
        "Following #devcon26 for #onb26: every day at 18:00 (UTC) this group gets what was posted under "
        "#devcon26 in the chats that share it, if anything was. /unfollow #devcon26 stops it.\n"
        "3 chats share #devcon26 so far."  # the event group, the backstage group, the channel
    ]
    _, calls = cohort.say(private(BEN), BEN, "/follow #devcon26 at 18:00")
    assert said(calls, private(BEN)) == [
        "Following #devcon26: every day at 18:00 (UTC) I'll send you what was posted under #devcon26 "
        "in the chats that share it and that you can read, if anything was. /unfollow #devcon26 stops it."
        "\n3 chats share #devcon26 so far."
    ]

    # The conference: posts with and without the hashtag, reactions and replies.
    slides_text = f"Slides of my keynote: {SLIDES} #devcon26"
    slides, calls = cohort.say(EVENT, CLEO, slides_text, **with_link(slides_text, SLIDES))
    quietly(calls)
    talk, calls = cohort.say(EVENT, DAN, "#DevCon26 The testing talk was great")
    quietly(calls)
    quietly(cohort.say(EVENT, DAN, "Lunch anyone?")[1])  # no hashtag: stays in the group
    gils, calls = cohort.say(EVENT, GIL, "#devcon26 Gil's notes from the hallway")
    quietly(calls)
    dinner, calls = cohort.say(BACKSTAGE, CLEO, "#devcon26 Speakers' dinner moves to 20:00")
    quietly(calls)
    quietly(cohort.say(ELSEWHERE, DAN, "#devcon26 posted where nobody shared it")[1])
    news_text = f"#devcon26 Doors open at 9. Schedule: {SCHEDULE}"
    news = channel_post(cohort, news_text, **with_link(news_text, SCHEDULE))
    quietly(cohort.send(news))
    quietly(cohort.send(reaction_count(cohort, news, 7)))
    quietly(cohort.react(ERIN, slides, "👍"))
    quietly(cohort.react(DAN, slides, "🔥"))
    quietly(cohort.react(BEN, slides, "👍"))
    quietly(cohort.react(DAN, gils, "👍"))
    quietly(cohort.say(EVENT, DAN, "Thanks for the slides!", reply_to=slides["message"])[1])
    quietly(cohort.say(EVENT, ERIN, "Agreed!", reply_to=talk["message"])[1])
    quietly(cohort.say(EVENT, CLEO, "Me too", reply_to=talk["message"])[1])
    # Gil asks to be forgotten: his post goes, and what he posts later is never collected.
    forget_me(cohort, GIL)
    quietly(cohort.say(EVENT, GIL, "#devcon26 Gil again, after /forget_me")[1])
    assert cohort.db.rows("select author_name from shared_posts where author_id = :gil", gil=GIL["id"]) == []

    # 18:00: one catch-up for the course, most reactions and replies first, links apart.
    course_since, bens_since = since(cohort, COURSE), since(cohort, BEN)
    assert course_since.startswith("Mon 2 Nov, 09:0")  # when Ana followed it
    both = lambda calls: bool(messages(calls, COURSE) and messages(calls, BEN))  # noqa: E731
    calls = cohort.advance(both, "18:00", hours=9)
    news_from = source(None, CHANNEL, news)
    slides_from = source("Cleo", EVENT, slides)
    talk_from = source("Dan", EVENT, talk)
    dinner_from = source("Cleo", BACKSTAGE, dinner)
    assert dinner_from.startswith('Cleo in <a href="https://t.me/c/5303/')  # members only
    assert [c.text for c in messages(calls, COURSE)] == [
        f"<b>#devcon26</b>: 4 new posts since {course_since}\n"
        f"\n1. {news_from} · 7 reactions\n"
        f"#devcon26 Doors open at 9. Schedule: {SCHEDULE}\n"
        f"\n2. {slides_from} · 3 reactions, 1 reply\n"
        f"{slides_text}\n"
        f"\n3. {talk_from} · 2 replies\n"
        "#DevCon26 The testing talk was great\n"
        f"\n4. {dinner_from}\n"
        "#devcon26 Speakers' dinner moves to 20:00\n"
        "\n<b>Links shared</b>\n"
        f"• {SCHEDULE} — {news_from}\n"
        f"• {SLIDES} — {slides_from}"
    ]
    # Ben's, in private: the backstage group is members only, and Flock never saw him there.
    assert [c.text for c in messages(calls, BEN)] == [
        f"<b>#devcon26</b>: 3 new posts since {bens_since}\n"
        f"\n1. {news_from} · 7 reactions\n"
        f"#devcon26 Doors open at 9. Schedule: {SCHEDULE}\n"
        f"\n2. {slides_from} · 3 reactions, 1 reply\n"
        f"{slides_text}\n"
        f"\n3. {talk_from} · 2 replies\n"
        "#DevCon26 The testing talk was great\n"
        "\n<b>Links shared</b>\n"
        f"• {SCHEDULE} — {news_from}\n"
        f"• {SLIDES} — {slides_from}"
    ]
    assert [c for c in calls if c.method == "sendDocument"] == []  # ten posts or fewer: no file
    assert len(calls) == 2  # nothing else, and nothing relayed to the sources

    # The event group stops sharing: what it posts from then on stays there.
    _, calls = cohort.say(EVENT, ERIN, "/share off #devcon26")
    assert said(calls, EVENT) == [
        "Stopped sharing #devcon26: nothing more is collected, and what was collected is deleted."
    ]
    quietly(cohort.say(EVENT, DAN, "#devcon26 Day two, after the share was revoked")[1])
    quietly(cohort.say(BACKSTAGE, GIL, "#devcon26 Gil in the backstage")[1])
    late, calls = cohort.say(BACKSTAGE, CLEO, "#devcon26 Day two: the closing panel is at 16:00")
    quietly(calls)
    course_since = since(cohort, COURSE)
    assert course_since.startswith("Mon 2 Nov, 18:0")  # the first catch-up
    calls = cohort.advance(to(COURSE), "the next day's catch-up", days=1)
    assert [c.text for c in messages(calls, COURSE)] == [
        f"<b>#devcon26</b>: 1 new post since {course_since}\n"
        f"\n1. {source('Cleo', BACKSTAGE, late)}\n"
        "#devcon26 Day two: the closing panel is at 16:00"
    ]
    assert messages(calls, BEN) == []  # nothing new he can read: nothing sent

    # A day with nothing new: the follows move on, and nothing is sent.
    before = cohort.db.rows("select id, next_at from follows order by id")
    cohort.clock.advance(days=1)
    cohort.wait(lambda: cohort.db.rows("select id, next_at from follows order by id") != before, "a day on")
    quiet = cohort.settled()
    assert messages(quiet, COURSE) == messages(quiet, BEN) == []
    never = "select count(*) from shared_posts where chat_id = :chat"
    assert cohort.db.count(never, chat=ELSEWHERE["id"]) == 0
    cohort.stop_cleanly()
