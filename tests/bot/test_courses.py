"""/setup, /detach, /course, /settings, /facilitator and /facilitators, through the real Application."""

from __future__ import annotations

import html
from typing import Any

import pytest

from bot.recording import BOT_ID, BOT_USERNAME, api_error
from tests.builders import ANONYMOUS_ADMIN_BOT, JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # chat admin who creates the course
BEN = user(12, "Ben", "ben_k")  # a learner
CARA = user(13, "Cara", "cara_m")  # another chat admin
DAN = user(14, "Dan")  # no username
CHAT = group(-1001500, "Onboarding 2026")
SECOND = group(-1001400, "Onboarding 2026 — breakout")
SHARED = group(-1001600, "Company chat")

DOMAIN_TABLES = (
    "courses",
    "facilitators",
    "attachments",
    "people",
    "learners",
    "introductions",
    "questions",
    "answers",
    "greetings",
    "outbox",
)
DEFAULTS = "sla 2h · timezone UTC · quiet off · digest 08:00 · detect auto"


async def stored(flock: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Everything Flock keeps about courses and people (the inbox aside)."""
    return {table: await flock.rows(f"select * from {table} order by 1, 2") for table in DOMAIN_TABLES}


async def say(flock: Harness, chat: JSON, person: JSON | None, text: str, **kw: Any) -> list[str]:
    """Post a message and return Flock's replies as the person reads them."""
    return [html.unescape(r) for r in await flock.replies(flock.telegram.post(chat, person, text, **kw))]


async def set_up(
    flock: Harness, args: str = "#onb26 Onboarding 2026", chat: JSON = CHAT, by: JSON = ANA
) -> None:
    flock.make_admin(chat, by)
    replies = await say(flock, chat, by, f"/setup {args}")
    assert len(replies) == 1, replies
    assert replies[0].startswith(("Created", "Attached")), replies


async def attachments(flock: Harness) -> list[tuple[Any, ...]]:
    return await flock.rows(
        "select c.hashtag, a.chat_id, a.scope, a.active from attachments a "
        "join courses c on c.id = a.course_id order by c.hashtag, a.chat_id"
    )


async def facilitators(flock: Harness, hashtag: str = "onb26") -> list[int]:
    rows = await flock.rows(
        "select f.person_id from facilitators f join courses c on c.id = f.course_id "
        "where c.hashtag = :hashtag order by f.person_id",
        hashtag=hashtag,
    )
    return [person_id for (person_id,) in rows]


async def settings_row(flock: Harness, hashtag: str = "onb26") -> tuple[Any, ...]:
    rows = await flock.rows(
        "select sla_seconds, timezone, quiet_start, quiet_end, digest_at, detect from courses "
        "where hashtag = :hashtag",
        hashtag=hashtag,
    )
    return rows[0]


# /setup


async def test_chat_admin_creates_course_and_becomes_its_first_facilitator(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup #onb26 Onboarding 2026")

    assert replies == [
        "Created <b>Onboarding 2026</b> (#onb26): every message here belongs to the course.\n"
        "Learners: introduce yourselves with #intro and ask with #question or #q.\n"
        "You're its first facilitator. /settings shows what you can adjust.\n"
        "Français : <code>/settings language fr</code>"
    ]
    assert await flock.rows("select hashtag, title from courses") == [("onb26", "Onboarding 2026")]
    assert await facilitators(flock) == [ANA["id"]]
    assert await attachments(flock) == [("onb26", CHAT["id"], "all", True)]
    assert await flock.rows("select chat_title, chat_kind from attachments") == [
        ("Onboarding 2026", "supergroup")
    ]


async def test_setup_reply_quotes_the_command_in_the_group(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    command = flock.telegram.post(CHAT, ANA, "/setup #onb26")

    calls = await flock.send(command)

    [sent] = [c for c in calls if c.method == "sendMessage"]
    assert sent.chat_id == CHAT["id"]
    assert sent.params["reply_parameters"]["message_id"] == command["message"]["message_id"]
    assert sent.params["parse_mode"] == "HTML"


async def test_setup_without_title_names_the_course_after_the_chat(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup #onb26")

    assert replies[0].startswith("Created <b>Onboarding 2026</b> (#onb26)")
    assert await flock.rows("select title from courses") == [("Onboarding 2026",)]


async def test_setup_stores_the_hashtag_in_lower_case(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup #ONB26 Onboarding")

    assert replies[0].startswith("Created <b>Onboarding</b> (#onb26)")
    assert await flock.rows("select hashtag from courses") == [("onb26",)]


async def test_setup_addressed_to_this_bot_by_name_works(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, f"/setup@{BOT_USERNAME} #onb26 Onboarding")

    assert replies[0].startswith("Created <b>Onboarding</b> (#onb26)")
    assert await flock.rows("select hashtag from courses") == [("onb26",)]


async def test_setup_addressed_to_another_bot_is_ignored(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup@some_other_bot #onb26 Onboarding")

    assert replies == []
    assert await flock.rows("select hashtag from courses") == []


async def test_facilitator_attaches_another_chat_to_an_existing_course(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(SECOND, ANA)

    replies = await say(flock, SECOND, ANA, "/setup #ONB26")

    assert replies == [
        "Attached <b>Onboarding 2026</b> (#onb26): every message here belongs to the course.\n"
        "Learners: introduce yourselves with #intro and ask with #question or #q."
    ]
    assert await flock.rows("select hashtag, title from courses") == [("onb26", "Onboarding 2026")]
    assert await attachments(flock) == [
        ("onb26", CHAT["id"], "all", True),
        ("onb26", SECOND["id"], "all", True),
    ]
    assert await facilitators(flock) == [ANA["id"]]


async def test_added_facilitator_who_is_admin_elsewhere_attaches_that_chat(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hello all")
    await say(flock, CHAT, ANA, "/facilitator add @ben_k")
    flock.make_admin(SECOND, BEN)

    replies = await say(flock, SECOND, BEN, "/setup #onb26")

    assert replies[0].startswith("Attached <b>Onboarding 2026</b> (#onb26)")
    assert ("onb26", SECOND["id"], "all", True) in await attachments(flock)


async def test_setup_tagged_follows_only_messages_carrying_the_hashtag(flock: Harness) -> None:
    flock.make_admin(SHARED, ANA)

    replies = await say(flock, SHARED, ANA, "/setup #onb26 tagged")

    assert replies[0].startswith(
        "Created <b>Company chat</b> (#onb26): only messages carrying #onb26 belong to the course."
    )
    assert await attachments(flock) == [("onb26", SHARED["id"], "tagged", True)]


async def test_setup_tagged_with_a_title_uses_the_title(flock: Harness) -> None:
    flock.make_admin(SHARED, ANA)

    replies = await say(flock, SHARED, ANA, "/setup #onb26 tagged Onboarding 2026")

    assert replies[0].startswith("Created <b>Onboarding 2026</b> (#onb26): only messages carrying #onb26")
    assert await flock.rows("select title from courses") == [("Onboarding 2026",)]
    assert await attachments(flock) == [("onb26", SHARED["id"], "tagged", True)]


async def test_tagged_chat_tracks_only_messages_carrying_the_course_hashtag(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)

    untagged = flock.telegram.post(SHARED, BEN, "How do I get a badge for the building? #question")
    tagged = flock.telegram.post(SHARED, BEN, "How do I get a badge for the building? #onb26 #question")

    await flock.send(untagged, tagged)

    assert await flock.rows("select message_id from questions") == [(tagged["message"]["message_id"],)]


async def test_several_tagged_courses_share_one_chat(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)

    replies = await say(flock, SHARED, ANA, "/setup #sales26 tagged Sales 2026")

    assert replies[0].startswith("Created <b>Sales 2026</b> (#sales26)")
    assert await attachments(flock) == [
        ("onb26", SHARED["id"], "tagged", True),
        ("sales26", SHARED["id"], "tagged", True),
    ]


async def test_running_setup_again_changes_the_scope_of_the_attachment(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, ANA, "/setup #onb26 tagged")

    assert replies[0].startswith("Attached <b>Onboarding 2026</b> (#onb26): only messages carrying #onb26")
    assert await attachments(flock) == [("onb26", CHAT["id"], "tagged", True)]
    assert await flock.rows("select title from courses") == [("Onboarding 2026",)]


async def test_setup_again_with_a_new_title_renames_the_course_and_says_so(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, ANA, "/setup #onb26 tagged Onboarding <Spring> 2026")
    course = await say(flock, CHAT, BEN, "/course")

    assert replies[0].startswith(
        "Attached <b>Onboarding <Spring> 2026</b> (#onb26): "
        "only messages carrying #onb26 belong to the course.\n"
        "Renamed from <b>Onboarding 2026</b>.\n"
    )
    assert await flock.rows("select title from courses") == [("Onboarding <Spring> 2026",)]
    assert await attachments(flock) == [("onb26", CHAT["id"], "tagged", True)]
    assert course[0].startswith("<b>Onboarding <Spring> 2026</b> (#onb26)")


async def test_setup_again_with_the_same_title_renames_nothing(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, ANA, "/setup #onb26 Onboarding 2026")

    assert replies[0].startswith("Attached <b>Onboarding 2026</b> (#onb26)")
    assert "Renamed" not in replies[0]


async def test_setup_reattaches_a_detached_chat(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/detach")

    replies = await say(flock, CHAT, ANA, "/setup #onb26")

    assert replies[0].startswith("Attached <b>Onboarding 2026</b> (#onb26)")
    assert await attachments(flock) == [("onb26", CHAT["id"], "all", True)]


async def test_tagged_course_can_join_a_chat_dedicated_to_another_course(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, ANA, "/setup #sales26 tagged Sales")

    assert replies[0].startswith("Created <b>Sales</b> (#sales26): only messages carrying #sales26")
    assert await attachments(flock) == [
        ("onb26", CHAT["id"], "all", True),
        ("sales26", CHAT["id"], "tagged", True),
    ]


async def test_second_dedicated_course_in_the_same_chat_is_refused(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, "/setup #sales26 Sales")

    assert replies == [
        "This chat is already dedicated to another course. /detach it first, "
        "or run /setup #sales26 tagged to share the chat."
    ]
    assert await stored(flock) == before
    assert await flock.rows("select hashtag from courses") == [("onb26",)]


async def test_after_detaching_another_course_may_take_the_whole_chat(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/detach")

    replies = await say(flock, CHAT, ANA, "/setup #sales26 Sales")

    assert replies[0].startswith("Created <b>Sales</b> (#sales26): every message here belongs to the course.")
    assert await attachments(flock) == [
        ("onb26", CHAT["id"], "all", False),
        ("sales26", CHAT["id"], "all", True),
    ]


async def test_setup_by_a_member_who_is_not_a_chat_admin_is_refused(flock: Harness) -> None:
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/setup #onb26 Onboarding 2026")

    assert replies == ["Only an admin of this chat can attach it to a course."]
    assert await stored(flock) == before


async def test_setup_is_refused_when_telegram_cannot_confirm_admin_rights(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    flock.api.failures["getChatMember"] = lambda params: (
        400,
        api_error(400, "Bad Request: chat not found"),
    )

    replies = await say(flock, CHAT, ANA, "/setup #onb26")

    assert replies == ["Only an admin of this chat can attach it to a course."]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_admin_who_does_not_facilitate_an_existing_hashtag_is_refused(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(SECOND, CARA)
    before = await stored(flock)

    replies = await say(flock, SECOND, CARA, "/setup #onb26 My own onboarding")

    assert replies == [
        "#onb26 already belongs to a course you don't facilitate. "
        "Ask one of its facilitators to run /setup here, or pick another hashtag."
    ]
    assert await stored(flock) == before


@pytest.mark.parametrize(
    "argument",
    ["onb26", "#o", "#on-b26", "#" + "x" * 65, "#", "##onb26", "#onb26!"],
)
async def test_setup_with_a_bad_hashtag_explains_the_form(flock: Harness, argument: str) -> None:
    flock.make_admin(CHAT, ANA)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, f"/setup {argument} Onboarding")

    assert replies == ["A course hashtag starts with # and has 2–64 letters, digits or _, like #onb26."]
    assert await stored(flock) == before


async def test_setup_accepts_a_hashtag_of_64_characters(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    tag = "a_" + "9" * 62

    replies = await say(flock, CHAT, ANA, f"/setup #{tag}")

    assert replies[0].startswith(f"Created <b>Onboarding 2026</b> (#{tag})")
    assert await flock.rows("select hashtag from courses") == [(tag,)]


async def test_setup_without_arguments_shows_usage(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup")

    assert replies == [
        "Usage: <code>/setup #tag [Title]</code> to dedicate this chat to a course, or "
        "<code>/setup #tag tagged</code> to follow only messages carrying #tag here."
    ]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_setup_in_private_says_to_run_it_in_the_group(flock: Harness) -> None:
    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/setup #onb26 Onboarding"))

    assert [(c.chat_id, c.text) for c in calls if c.method == "sendMessage"] == [
        (ANA["id"], "Run /setup in the course group, as one of its admins.")
    ]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_setup_by_an_anonymous_admin_explains_why_it_cannot_work(flock: Harness) -> None:
    flock.make_admin(CHAT, ANONYMOUS_ADMIN_BOT)

    replies = await say(flock, CHAT, ANONYMOUS_ADMIN_BOT, "/setup #onb26 Onboarding", sender_chat=CHAT)

    assert replies == [
        "You're posting anonymously, so I can't tell who you are. Turn off “Remain anonymous” "
        "in your admin rights, then run the command again."
    ]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def bot_with_privacy_mode(flock: Harness) -> None:
    """As if Group Privacy were on in @BotFather: getMe says the bot can't read all messages."""
    flock.api.reads_all_messages = False
    await flock.flock.app.bot.get_me()
    flock.api.take()


async def test_setup_warns_when_the_bot_cannot_read_ordinary_messages(flock: Harness) -> None:
    await bot_with_privacy_mode(flock)
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup #onb26")

    assert replies[0].startswith("Created <b>Onboarding 2026</b> (#onb26)")
    assert replies[0].endswith(
        "⚠️ I can't see ordinary messages here yet. Make me an admin, or turn off "
        "Group Privacy in @BotFather (Bot Settings → Group Privacy), then re-add me."
    )
    assert await attachments(flock) == [("onb26", CHAT["id"], "all", True)]


async def test_setup_does_not_warn_when_the_bot_is_an_admin_despite_privacy_mode(flock: Harness) -> None:
    await bot_with_privacy_mode(flock)
    flock.make_admin(CHAT, ANA)
    flock.api.admins.add((CHAT["id"], BOT_ID))

    replies = await say(flock, CHAT, ANA, "/setup #onb26")

    assert "⚠️" not in replies[0]


async def test_setup_does_not_warn_when_the_bot_reads_all_messages(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/setup #onb26")

    assert "⚠️" not in replies[0]


# /detach


async def test_facilitator_detaches_the_chat_and_everything_collected_is_kept(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "Where do I find the onboarding slides? #question")

    replies = await say(flock, CHAT, ANA, "/detach")

    assert replies == ["Detached #onb26 from this chat. Everything collected so far is kept."]
    assert await attachments(flock) == [("onb26", CHAT["id"], "all", False)]
    assert await flock.rows("select hashtag from courses") == [("onb26",)]
    assert await facilitators(flock) == [ANA["id"]]
    assert await flock.rows("select asker_id, state from questions") == [(BEN["id"], "open")]


async def test_detached_chat_is_no_longer_tracked(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/detach")

    await say(flock, CHAT, BEN, "Where do I find the onboarding slides? #question")

    assert await flock.rows("select * from questions") == []
    assert await say(flock, CHAT, BEN, "/course") == [
        "This chat isn't attached to a course. A chat admin can run <code>/setup #tag</code>."
    ]


async def test_chat_admin_who_does_not_facilitate_may_detach(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(CHAT, CARA)

    replies = await say(flock, CHAT, CARA, "/detach")

    assert replies == ["Detached #onb26 from this chat. Everything collected so far is kept."]
    assert await attachments(flock) == [("onb26", CHAT["id"], "all", False)]


async def test_facilitator_who_is_not_a_chat_admin_may_detach(flock: Harness) -> None:
    await set_up(flock)
    flock.api.admins.discard((CHAT["id"], ANA["id"]))

    replies = await say(flock, CHAT, ANA, "/detach")

    assert replies == ["Detached #onb26 from this chat. Everything collected so far is kept."]
    assert await attachments(flock) == [("onb26", CHAT["id"], "all", False)]


async def test_learner_cannot_detach(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/detach")

    assert replies == ["Only a chat admin or a facilitator of #onb26 can detach it."]
    assert await stored(flock) == before


async def test_detach_in_a_chat_with_several_courses_needs_the_hashtag(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)
    await set_up(flock, "#sales26 tagged", chat=SHARED)
    before = await stored(flock)

    replies = await say(flock, SHARED, ANA, "/detach")

    assert replies == ["This chat carries several courses (#onb26, #sales26). Add the course hashtag."]
    assert await stored(flock) == before


async def test_detach_with_a_hashtag_detaches_only_that_course(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)
    await set_up(flock, "#sales26 tagged", chat=SHARED)

    replies = await say(flock, SHARED, ANA, "/detach #Sales26")

    assert replies == ["Detached #sales26 from this chat. Everything collected so far is kept."]
    assert await attachments(flock) == [
        ("onb26", SHARED["id"], "tagged", True),
        ("sales26", SHARED["id"], "tagged", False),
    ]


async def test_detach_leaves_the_other_chats_of_the_course_attached(flock: Harness) -> None:
    await set_up(flock)
    await set_up(flock, "#onb26", chat=SECOND)

    await say(flock, SECOND, ANA, "/detach")

    assert await attachments(flock) == [
        ("onb26", CHAT["id"], "all", True),
        ("onb26", SECOND["id"], "all", False),
    ]


async def test_detach_in_an_unattached_chat_says_so(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await say(flock, CHAT, ANA, "/detach")

    assert replies == ["This chat isn't attached to a course yet. A chat admin can run /setup #tag."]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_detach_in_private_points_to_the_group(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, private(ANA), ANA, "/detach #onb26")

    assert replies == ["That command works in a course group."]
    assert await stored(flock) == before


async def test_detach_by_an_anonymous_admin_is_explained(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANONYMOUS_ADMIN_BOT, "/detach", sender_chat=CHAT)

    assert replies[0].startswith("You're posting anonymously, so I can't tell who you are.")
    assert await stored(flock) == before


# /course


async def test_course_shows_the_attachment_facilitators_and_settings(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, BEN, "/course")

    assert replies == [f"<b>Onboarding 2026</b> (#onb26) — whole chat\nFacilitators: Ana\n{DEFAULTS}"]


async def test_course_lists_every_course_of_a_shared_chat(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged Onboarding", chat=SHARED)
    flock.clock.advance(minutes=1)
    await set_up(flock, "#sales26 tagged Sales", chat=SHARED, by=CARA)

    replies = await say(flock, SHARED, BEN, "/course")

    assert replies == [
        f"<b>Onboarding</b> (#onb26) — messages tagged #onb26\nFacilitators: Ana\n{DEFAULTS}\n\n"
        f"<b>Sales</b> (#sales26) — messages tagged #sales26\nFacilitators: Cara\n{DEFAULTS}"
    ]


async def test_course_reflects_changed_settings(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings quiet 22:00-07:00")

    replies = await say(flock, CHAT, BEN, "/course")

    assert replies[0].endswith("sla 2h · timezone UTC · quiet 22:00-07:00 · digest 08:00 · detect auto")


async def test_course_in_an_unattached_chat_says_it_is_not_attached(flock: Harness) -> None:
    replies = await say(flock, CHAT, BEN, "/course")

    assert replies == ["This chat isn't attached to a course. A chat admin can run <code>/setup #tag</code>."]


async def test_course_in_private_points_to_the_group(flock: Harness) -> None:
    replies = await say(flock, private(BEN), BEN, "/course")

    assert replies == ["That command works in a course group."]


# /settings


async def test_facilitator_sees_the_settings_and_how_to_change_them(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, ANA, "/settings")

    assert replies[0].startswith(f"<b>Onboarding 2026</b> (#onb26)\n{DEFAULTS}\n\nChange one with")
    for example in ("sla 2h", "timezone Europe/Berlin", "quiet 22:00-07:00", "digest 08:00", "detect auto"):
        assert f"<code>{example}</code>" in replies[0]


@pytest.mark.parametrize(
    ("command", "shown", "row"),
    [
        (
            "sla 1h30m",
            "sla 1h30m · timezone UTC · quiet off · digest 08:00 · detect auto",
            (5400, "UTC", None, None, "08:00", "auto"),
        ),
        (
            "SLA 45m",
            "sla 45m · timezone UTC · quiet off · digest 08:00 · detect auto",
            (2700, "UTC", None, None, "08:00", "auto"),
        ),
        (
            "sla 1h 30m",
            "sla 1h30m · timezone UTC · quiet off · digest 08:00 · detect auto",
            (5400, "UTC", None, None, "08:00", "auto"),
        ),
        (
            "timezone Europe/Berlin",
            "sla 2h · timezone Europe/Berlin · quiet off · digest 08:00 · detect auto",
            (7200, "Europe/Berlin", None, None, "08:00", "auto"),
        ),
        (
            "quiet 22:00-07:00",
            "sla 2h · timezone UTC · quiet 22:00-07:00 · digest 08:00 · detect auto",
            (7200, "UTC", "22:00", "07:00", "08:00", "auto"),
        ),
        (
            "digest 7:30",
            "sla 2h · timezone UTC · quiet off · digest 07:30 · detect auto",
            (7200, "UTC", None, None, "07:30", "auto"),
        ),
        (
            "detect tagged",
            "sla 2h · timezone UTC · quiet off · digest 08:00 · detect tagged",
            (7200, "UTC", None, None, "08:00", "tagged"),
        ),
        (
            "digest off",
            "sla 2h · timezone UTC · quiet off · digest off · detect auto",
            (7200, "UTC", None, None, "08:00", "auto"),  # the time is kept for when it is back on
        ),
    ],
)
async def test_facilitator_changes_a_setting(
    flock: Harness, command: str, shown: str, row: tuple[Any, ...]
) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, ANA, f"/settings {command}")

    key = command.split()[0].lower()
    assert replies == [f"Updated #onb26: {key} changed.\n{shown}"]
    assert await settings_row(flock) == row


async def test_quiet_off_clears_quiet_hours(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings quiet 22:00-07:00")

    replies = await say(flock, CHAT, ANA, "/settings quiet off")

    assert replies == [f"Updated #onb26: quiet changed.\n{DEFAULTS}"]
    assert await settings_row(flock) == (7200, "UTC", None, None, "08:00", "auto")


async def test_detect_tagged_stops_recognising_plain_questions(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings detect tagged")

    plain = flock.telegram.post(CHAT, BEN, "Does anyone know where the coffee machine is?")
    tagged = flock.telegram.post(CHAT, BEN, "Does anyone know where the printer is? #q")

    await flock.send(plain, tagged)

    assert await flock.rows("select message_id from questions") == [(tagged["message"]["message_id"],)]


async def test_changed_settings_persist_together(flock: Harness) -> None:
    await set_up(flock)

    for command in (
        "sla 3h",
        "timezone America/New_York",
        "quiet 21:30-06:15",
        "digest 18:05",
        "detect tagged",
    ):
        await say(flock, CHAT, ANA, f"/settings {command}")

    assert await settings_row(flock) == (10800, "America/New_York", "21:30", "06:15", "18:05", "tagged")
    assert (await say(flock, CHAT, ANA, "/settings"))[0].startswith(
        "<b>Onboarding 2026</b> (#onb26)\n"
        "sla 3h · timezone America/New_York · quiet 21:30-06:15 · digest 18:05 · detect tagged"
    )


@pytest.mark.parametrize(
    ("command", "explanation"),
    [
        ("sla soon", "I couldn't read “soon” as a duration. Try 90s, 45m, 2h, 1d or 1h30m."),
        ("sla 2 hours", "I couldn't read “2 hours” as a duration. Try 90s, 45m, 2h, 1d or 1h30m."),
        ("sla -2h", "I couldn't read “-2h” as a duration. Try 90s, 45m, 2h, 1d or 1h30m."),
        ("sla 5s", "A duration must be between 10 seconds and 60 days."),
        ("sla 61d", "A duration must be between 10 seconds and 60 days."),
        ("sla 1h1h", "I couldn't read “1h1h” as a duration: give each unit once, largest first, like 1h30m."),
        (
            "timezone EST",
            "“EST” is an old zone name, not a place. Use the place's IANA name, like America/Toronto "
            "(or America/New_York), so daylight saving is followed.",
        ),
        (
            "timezone Mars/Olympus",
            "I don't know the time zone “Mars/Olympus”. Use an IANA name like Europe/Berlin or UTC.",
        ),
        (
            "timezone Europe",
            "I don't know the time zone “Europe”. Use an IANA name like Europe/Berlin or UTC.",
        ),
        (
            "timezone ../../etc/passwd",
            "I don't know the time zone “../../etc/passwd”. Use an IANA name like Europe/Berlin or UTC.",
        ),
        (
            "timezone /etc/localtime",
            "I don't know the time zone “/etc/localtime”. Use an IANA name like Europe/Berlin or UTC.",
        ),
        (
            "timezone " + "Z" * 300,
            f"I don't know the time zone “{'Z' * 40}”. Use an IANA name like Europe/Berlin or UTC.",
        ),
        ("quiet 22:00", "Quiet hours look like 22:00-07:00, or off."),
        ("quiet 22:00-22:00", "Quiet hours need a different start and end, like 22:00-07:00."),
        ("quiet 25:00-07:00", "I couldn't read “25:00” as a time of day. Use HH:MM, like 08:00."),
        ("quiet never", "Quiet hours look like 22:00-07:00, or off."),
        ("digest 8am", "I couldn't read “8am” as a time of day. Use HH:MM, like 08:00, or off."),
        ("digest 24:00", "I couldn't read “24:00” as a time of day. Use HH:MM, like 08:00, or off."),
        ("detect sometimes", "Detection is auto (questions are recognised) or tagged (#question only)."),
        (
            "colour red",
            "There is no setting “colour”. "
            "Settings: sla, timezone, quiet, digest, detect, retention, language, start, nudge, highlights.",
        ),
    ],
)
async def test_invalid_setting_value_is_explained_and_nothing_changes(
    flock: Harness, command: str, explanation: str
) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, f"/settings {command}")

    assert replies == [explanation]
    assert await stored(flock) == before


@pytest.mark.parametrize("key", ["sla", "timezone", "quiet", "digest", "detect"])
async def test_setting_without_a_value_asks_for_one(flock: Harness, key: str) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, f"/settings {key}")

    assert replies[0].startswith(f"Give a value too: <code>/settings {key} …</code>\n\nChange one with")
    assert await stored(flock) == before


async def test_learner_cannot_see_the_settings(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, CHAT, BEN, "/settings")

    assert replies == ["Only facilitators of #onb26 can do that."]


async def test_learner_cannot_change_a_setting(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/settings sla 10m")

    assert replies == ["Only facilitators of #onb26 can do that."]
    assert await stored(flock) == before


async def test_chat_admin_who_does_not_facilitate_cannot_change_a_setting(flock: Harness) -> None:
    await set_up(flock)
    flock.make_admin(CHAT, CARA)
    before = await stored(flock)

    replies = await say(flock, CHAT, CARA, "/settings detect tagged")

    assert replies == ["Only facilitators of #onb26 can do that."]
    assert await stored(flock) == before


async def test_settings_by_an_anonymous_admin_is_explained(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANONYMOUS_ADMIN_BOT, "/settings sla 1h", sender_chat=CHAT)

    assert replies[0].startswith("You're posting anonymously, so I can't tell who you are.")
    assert await stored(flock) == before


async def test_settings_in_an_unattached_chat_says_so(flock: Harness) -> None:
    replies = await say(flock, CHAT, ANA, "/settings sla 1h")

    assert replies == ["This chat isn't attached to a course yet. A chat admin can run /setup #tag."]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_settings_in_a_shared_chat_needs_the_hashtag(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)
    await set_up(flock, "#sales26 tagged", chat=SHARED)
    before = await stored(flock)

    replies = await say(flock, SHARED, ANA, "/settings sla 1h")

    assert replies == ["This chat carries several courses (#onb26, #sales26). Add the course hashtag."]
    assert await stored(flock) == before


async def test_settings_in_a_shared_chat_with_the_hashtag_changes_that_course(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)
    await set_up(flock, "#sales26 tagged", chat=SHARED)

    replies = await say(flock, SHARED, ANA, "/settings #sales26 sla 1h")

    assert replies == [
        "Updated #sales26: sla changed.\nsla 1h · timezone UTC · quiet off · digest 08:00 · detect auto"
    ]
    assert (await settings_row(flock, "sales26"))[0] == 3600
    assert (await settings_row(flock, "onb26"))[0] == 7200


async def test_settings_in_private_with_one_course_uses_it(flock: Harness) -> None:
    await set_up(flock)

    shown = await say(flock, private(ANA), ANA, "/settings")
    changed = await say(flock, private(ANA), ANA, "/settings timezone Asia/Tokyo")

    assert shown[0].startswith(f"<b>Onboarding 2026</b> (#onb26)\n{DEFAULTS}")
    assert changed == [
        "Updated #onb26: timezone changed.\n"
        "sla 2h · timezone Asia/Tokyo · quiet off · digest 08:00 · detect auto"
    ]
    assert (await settings_row(flock))[1] == "Asia/Tokyo"


async def test_settings_in_private_with_several_courses_needs_the_hashtag(flock: Harness) -> None:
    await set_up(flock)
    await set_up(flock, "#sales26 Sales", chat=SHARED)
    before = await stored(flock)

    replies = await say(flock, private(ANA), ANA, "/settings sla 1h")

    assert replies == ["You facilitate several courses (#onb26, #sales26). Add the course hashtag."]
    assert await stored(flock) == before


async def test_settings_in_private_with_the_hashtag_picks_that_course(flock: Harness) -> None:
    await set_up(flock)
    await set_up(flock, "#sales26 Sales", chat=SHARED)

    replies = await say(flock, private(ANA), ANA, "/settings #sales26 digest 09:15")

    assert replies == [
        "Updated #sales26: digest changed.\nsla 2h · timezone UTC · quiet off · digest 09:15 · detect auto"
    ]
    assert (await settings_row(flock, "sales26"))[4] == "09:15"
    assert (await settings_row(flock, "onb26"))[4] == "08:00"


async def test_settings_in_private_for_someone_who_facilitates_nothing(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    shown = await say(flock, private(BEN), BEN, "/settings")
    changed = await say(flock, private(BEN), BEN, "/settings sla 1h")

    assert shown == changed == ["You don't facilitate any course. Facilitators set one up with /setup."]
    assert await stored(flock) == before


async def test_settings_in_private_for_a_course_someone_else_runs(flock: Harness) -> None:
    await set_up(flock)
    await set_up(flock, "#sales26 Sales", chat=SHARED, by=CARA)
    before = await stored(flock)

    replies = await say(flock, private(ANA), ANA, "/settings #sales26 sla 1h")

    assert replies == ["You don't facilitate #sales26."]
    assert await stored(flock) == before


# /facilitator and /facilitators


async def test_facilitator_adds_someone_by_replying_to_their_message(flock: Harness) -> None:
    await set_up(flock)
    bens = flock.telegram.post(CHAT, BEN, "Happy to help with the tooling questions")
    await flock.send(bens)

    replies = await say(flock, CHAT, ANA, "/facilitator add", reply_to=bens["message"])

    assert replies == ["Ben now facilitates #onb26."]
    assert await facilitators(flock) == [ANA["id"], BEN["id"]]


async def test_facilitator_adds_someone_never_seen_by_replying_to_their_message(flock: Harness) -> None:
    await set_up(flock)
    unseen = flock.telegram.message(CHAT, DAN, "I lurk")  # never delivered to Flock

    replies = await say(flock, CHAT, ANA, "/facilitator add", reply_to=unseen)

    assert replies == ["Dan now facilitates #onb26."]
    assert await facilitators(flock) == [ANA["id"], DAN["id"]]
    assert await flock.rows("select name from people where id = :id", id=DAN["id"]) == [("Dan",)]


async def test_facilitator_adds_someone_seen_by_username(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hello everyone")

    replies = await say(flock, CHAT, ANA, "/facilitator add @BEN_K")

    assert replies == ["Ben now facilitates #onb26."]
    assert await facilitators(flock) == [ANA["id"], BEN["id"]]


async def test_facilitator_add_by_unknown_username_asks_for_a_reply_instead(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, "/facilitator add @nobody_here")

    assert replies == [
        "I haven't seen @nobody_here yet. Reply to one of their messages with the command instead."
    ]
    assert await stored(flock) == before


async def test_adding_an_existing_facilitator_changes_nothing(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, "/facilitator add @ana_f")

    assert replies == ["Ana already facilitates #onb26."]
    assert await stored(flock) == before


async def test_learner_cannot_add_a_facilitator(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, CARA, "hi")
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/facilitator add @cara_m")

    assert replies == ["Only facilitators of #onb26 can do that."]
    assert await stored(flock) == before


async def test_learner_cannot_make_themself_a_facilitator_by_replying_to_themself(flock: Harness) -> None:
    await set_up(flock)
    bens = flock.telegram.post(CHAT, BEN, "me!")
    await flock.send(bens)
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/facilitator add", reply_to=bens["message"])

    assert replies == ["Only facilitators of #onb26 can do that."]
    assert await stored(flock) == before


async def test_adding_the_author_of_an_anonymous_message_is_refused(flock: Harness) -> None:
    await set_up(flock)
    anonymous = flock.telegram.message(CHAT, ANONYMOUS_ADMIN_BOT, "posted anonymously", sender_chat=CHAT)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, "/facilitator add", reply_to=anonymous)

    assert replies == ["That message was sent anonymously; I can't tell who wrote it."]
    assert await stored(flock) == before


async def test_a_bot_cannot_be_made_a_facilitator_by_replying_to_it(flock: Harness) -> None:
    await set_up(flock)
    flocks = flock.telegram.message(CHAT, user(BOT_ID, "Flock", BOT_USERNAME, is_bot=True), "Welcome!")
    helpers = flock.telegram.message(CHAT, user(31, "Helper", "helper_bot", is_bot=True), "beep")
    before = await stored(flock)

    own = await say(flock, CHAT, ANA, "/facilitator add", reply_to=flocks)
    other = await say(flock, CHAT, ANA, "/facilitator add", reply_to=helpers)

    assert own == other == ["A bot can't facilitate a course. Reply to a person's message instead."]
    assert await stored(flock) == before


@pytest.mark.parametrize("arguments", ["", "add", "remove", "promote @ben_k", "add ben_k", "add @"])
async def test_facilitator_without_action_or_person_shows_usage(flock: Harness, arguments: str) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, f"/facilitator {arguments}".strip())

    assert replies == [
        "Reply to someone's message with <code>/facilitator add</code> (or <code>remove</code>), "
        "or name them: <code>/facilitator add @username</code>."
    ]
    assert await stored(flock) == before


async def test_facilitator_add_in_private_uses_the_course_they_run(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")

    replies = await say(flock, private(ANA), ANA, "/facilitator add @ben_k")

    assert replies == ["Ben now facilitates #onb26."]
    assert await facilitators(flock) == [ANA["id"], BEN["id"]]


async def test_facilitator_add_in_a_shared_chat_names_the_course(flock: Harness) -> None:
    await set_up(flock, "#onb26 tagged", chat=SHARED)
    await set_up(flock, "#sales26 tagged", chat=SHARED)
    await say(flock, SHARED, BEN, "hi #onb26")

    refused = await say(flock, SHARED, ANA, "/facilitator add @ben_k")
    added = await say(flock, SHARED, ANA, "/facilitator add @ben_k #sales26")

    assert refused == ["This chat carries several courses (#onb26, #sales26). Add the course hashtag."]
    assert added == ["Ben now facilitates #sales26."]
    assert await facilitators(flock, "sales26") == [ANA["id"], BEN["id"]]
    assert await facilitators(flock, "onb26") == [ANA["id"]]


async def test_added_facilitator_can_change_settings(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    await say(flock, CHAT, ANA, "/facilitator add @ben_k")

    replies = await say(flock, CHAT, BEN, "/settings sla 30m")

    assert replies[0].startswith("Updated #onb26: sla changed.")
    assert (await settings_row(flock))[0] == 1800


async def test_facilitator_removes_another_facilitator(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    await say(flock, CHAT, ANA, "/facilitator add @ben_k")

    replies = await say(flock, CHAT, ANA, "/facilitator remove @ben_k")

    assert replies == ["Ben no longer facilitates #onb26."]
    assert await facilitators(flock) == [ANA["id"]]


async def test_facilitator_removes_someone_by_replying_to_their_message(flock: Harness) -> None:
    await set_up(flock)
    bens = flock.telegram.post(CHAT, BEN, "hi")
    await flock.send(bens)
    await say(flock, CHAT, ANA, "/facilitator add", reply_to=bens["message"])

    replies = await say(flock, CHAT, ANA, "/facilitator remove", reply_to=bens["message"])

    assert replies == ["Ben no longer facilitates #onb26."]
    assert await facilitators(flock) == [ANA["id"]]


async def test_facilitator_may_step_down_while_another_remains(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    await say(flock, CHAT, ANA, "/facilitator add @ben_k")

    replies = await say(flock, CHAT, ANA, "/facilitator remove @ana_f")

    assert replies == ["Ana no longer facilitates #onb26."]
    assert await facilitators(flock) == [BEN["id"]]


async def test_the_last_facilitator_cannot_be_removed(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, "/facilitator remove @ana_f")

    assert replies == ["#onb26 needs at least one facilitator. Add another one first."]
    assert await stored(flock) == before


async def test_removing_someone_who_does_not_facilitate_says_so(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    before = await stored(flock)

    replies = await say(flock, CHAT, ANA, "/facilitator remove @ben_k")

    assert replies == ["Ben isn't a facilitator of #onb26."]
    assert await stored(flock) == before


async def test_learner_cannot_remove_a_facilitator(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, CARA, "hi")
    await say(flock, CHAT, ANA, "/facilitator add @cara_m")
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/facilitator remove @cara_m")

    assert replies == ["Only facilitators of #onb26 can do that."]
    assert await stored(flock) == before


async def test_facilitator_command_by_an_anonymous_admin_is_explained(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    before = await stored(flock)

    replies = await say(flock, CHAT, ANONYMOUS_ADMIN_BOT, "/facilitator add @ben_k", sender_chat=CHAT)

    assert replies[0].startswith("You're posting anonymously, so I can't tell who you are.")
    assert await stored(flock) == before


async def test_facilitators_lists_who_runs_the_course_in_the_order_they_joined(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "hi")
    flock.clock.advance(minutes=1)
    await say(flock, CHAT, ANA, "/facilitator add @ben_k")

    replies = await say(flock, CHAT, BEN, "/facilitators")

    assert replies == ["Facilitators of #onb26:\n• Ana\n• Ben"]


async def test_facilitators_in_private_lists_the_course_the_person_runs(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, private(ANA), ANA, "/facilitators")

    assert replies == ["Facilitators of #onb26:\n• Ana"]


async def test_facilitators_in_private_for_someone_who_runs_nothing(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, private(BEN), BEN, "/facilitators")

    assert replies == ["You don't facilitate any course. Facilitators set one up with /setup."]


async def test_facilitators_in_an_unattached_chat_says_so(flock: Harness) -> None:
    replies = await say(flock, CHAT, BEN, "/facilitators")

    assert replies == ["This chat isn't attached to a course yet. A chat admin can run /setup #tag."]


async def test_facilitator_names_are_escaped(flock: Harness) -> None:
    await set_up(flock)
    sneaky = user(15, "<b>Eve</b> & co", "eve_x")
    await say(flock, CHAT, sneaky, "hi")
    await say(flock, CHAT, ANA, "/facilitator add @eve_x")

    raw = await flock.replies(flock.telegram.post(CHAT, BEN, "/facilitators"))

    assert raw == ["Facilitators of #onb26:\n• Ana\n• &lt;b&gt;Eve&lt;/b&gt; &amp; co"]


async def test_setup_title_may_start_with_the_word_all(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #py26 All about Python"))

    assert await flock.rows("select title from courses") == [("All about Python",)]
