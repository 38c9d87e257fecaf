"""The bot joining and leaving groups, newcomers being greeted, group migration, /start and /help."""

from __future__ import annotations

import html
from typing import Any

import pytest

from bot.recording import BOT_ID, BOT_USERNAME, Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # chat admin and facilitator
BEN = user(12, "Ben", "ben_k")
DANA = user(21, "Dana", last_name="Ruiz")
ELI = user(22, "Eli")
FAY = user(23, "Fay")
GUS = user(24, "Gus")
HELPER_BOT = user(31, "Helper", "helper_bot", is_bot=True)
FLOCK = user(BOT_ID, "Flock", BOT_USERNAME, is_bot=True)
CHAT = group(-1001500, "Onboarding 2026")
LOUNGE = group(-1001800, "Lounge")  # never attached
OLD_GROUP = group(-4001, "Onboarding 2026", kind="group")
NEW_ID = -1004001

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
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}
HELLO = (
    "Hi! I'm Flock. I collect this group's introductions and questions and make sure no "
    "question is left hanging.\nA chat admin can attach the group to a course with "
    "<code>/setup #tag Course title</code>, or let courses follow a hashtag posted here with "
    "<code>/share #tag</code>."
)
GREETING_TAIL = (
    "Tell us a little about yourself: who you are, where you're joining from and what you "
    "hope to get out of the course. Add #intro to your message (or use /intro)."
)


async def stored(flock: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Everything Flock keeps about courses and people (the inbox aside)."""
    return {table: await flock.rows(f"select * from {table} order by 1, 2") for table in DOMAIN_TABLES}


async def say(flock: Harness, chat: JSON, person: JSON | None, text: str, **kw: Any) -> list[str]:
    return [html.unescape(r) for r in await flock.replies(flock.telegram.post(chat, person, text, **kw))]


async def set_up(flock: Harness, chat: JSON = CHAT, args: str = "#onb26 Onboarding 2026") -> None:
    flock.make_admin(chat, ANA)
    replies = await say(flock, chat, ANA, f"/setup {args}")
    assert len(replies) == 1, replies
    assert replies[0].startswith(("Created", "Attached")), replies


def messages(calls: list[Call]) -> list[tuple[int, str]]:
    return [(c.chat_id, c.text) for c in calls if c.method == "sendMessage"]


def greeting(names: str, course: str = "Onboarding 2026") -> str:
    return f"Welcome to {course}, {names}! 👋\n{GREETING_TAIL}"


def as_admin(change: JSON) -> JSON:
    """A chat_member/my_chat_member update whose new status is administrator, fully formed."""
    payload = next(v for k, v in change.items() if k != "update_id")
    payload["new_chat_member"] = {**payload["new_chat_member"], "status": "administrator", **ADMIN_RIGHTS}
    return change


# The bot joining and leaving


async def test_bot_added_to_a_group_says_hello(flock: Harness) -> None:
    calls = await flock.send(flock.telegram.member_change(CHAT, FLOCK, "left", "member", mine=True, by=ANA))

    assert messages(calls) == [(CHAT["id"], HELLO)]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_bot_added_as_admin_says_hello(flock: Harness) -> None:
    change = as_admin(flock.telegram.member_change(CHAT, FLOCK, "left", "member", mine=True, by=ANA))

    calls = await flock.send(change)

    assert messages(calls) == [(CHAT["id"], HELLO)]


async def test_bot_added_to_a_basic_group_says_hello(flock: Harness) -> None:
    calls = await flock.send(
        flock.telegram.member_change(OLD_GROUP, FLOCK, "left", "member", mine=True, by=ANA)
    )

    assert messages(calls) == [(OLD_GROUP["id"], HELLO)]


async def test_bot_promoted_to_admin_does_not_say_hello_again(flock: Harness) -> None:
    change = as_admin(flock.telegram.member_change(CHAT, FLOCK, "member", "member", mine=True, by=ANA))

    calls = await flock.send(change)

    assert messages(calls) == []


async def test_person_blocking_the_bot_in_private_changes_nothing(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    calls = await flock.send(
        flock.telegram.member_change(private(BEN), FLOCK, "member", "kicked", mine=True, by=BEN)
    )

    assert messages(calls) == []
    assert await stored(flock) == before


@pytest.mark.parametrize("status", ["left", "kicked"])
async def test_bot_removed_from_a_group_detaches_it_and_keeps_what_was_collected(
    flock: Harness, status: str
) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "Where do I find the onboarding slides? #question")
    await say(flock, CHAT, BEN, "#intro Hi, I'm Ben from Lisbon")

    calls = await flock.send(flock.telegram.member_change(CHAT, FLOCK, "member", status, mine=True, by=ANA))

    assert messages(calls) == []
    assert await flock.rows("select chat_id, active from attachments") == [(CHAT["id"], False)]
    assert await flock.rows("select hashtag from courses") == [("onb26",)]
    assert await flock.rows("select person_id from facilitators") == [(ANA["id"],)]
    assert await flock.rows("select chat_id, asker_id, state from questions") == [
        (CHAT["id"], BEN["id"], "open")
    ]
    assert await flock.rows("select person_id from introductions") == [(BEN["id"],)]


async def test_bot_removed_from_a_shared_group_detaches_every_course(flock: Harness) -> None:
    await set_up(flock, args="#onb26 tagged")
    await set_up(flock, args="#sales26 tagged")

    await flock.send(flock.telegram.member_change(CHAT, FLOCK, "member", "left", mine=True, by=ANA))

    assert await flock.rows("select chat_id, active from attachments order by course_id") == [
        (CHAT["id"], False),
        (CHAT["id"], False),
    ]


async def test_bot_removed_from_one_group_keeps_the_course_attached_elsewhere(flock: Harness) -> None:
    other = group(-1001400, "Breakout")
    await set_up(flock)
    await set_up(flock, chat=other, args="#onb26")

    await flock.send(flock.telegram.member_change(other, FLOCK, "member", "kicked", mine=True, by=ANA))

    assert await flock.rows("select chat_id, active from attachments order by chat_id") == [
        (CHAT["id"], True),
        (other["id"], False),
    ]


async def test_bot_re_added_after_removal_says_hello_and_waits_for_setup(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.member_change(CHAT, FLOCK, "member", "left", mine=True, by=ANA))

    calls = await flock.send(flock.telegram.member_change(CHAT, FLOCK, "left", "member", mine=True, by=ANA))

    assert messages(calls) == [(CHAT["id"], HELLO)]
    assert await flock.rows("select active from attachments") == [(False,)]


async def test_newcomers_to_a_group_the_bot_left_are_not_greeted(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.member_change(CHAT, FLOCK, "member", "left", mine=True, by=ANA))

    await flock.send(flock.telegram.joined(CHAT, DANA))

    assert messages(await flock.tick()) == []
    assert await flock.rows("select * from greetings") == []


# Greeting newcomers


async def test_newcomers_are_greeted_together_on_the_next_tick(flock: Harness) -> None:
    await set_up(flock)

    on_join = await flock.send(flock.telegram.joined(CHAT, DANA, ELI, FAY))
    on_tick = await flock.tick()

    assert messages(on_join) == []
    assert messages(on_tick) == [(CHAT["id"], greeting("Dana Ruiz, Eli and Fay"))]
    assert await flock.rows("select person_id, greeted_at is not null from greetings order by person_id") == [
        (DANA["id"], True),
        (ELI["id"], True),
        (FAY["id"], True),
    ]


async def test_separate_joins_before_a_tick_share_one_greeting(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, DANA))
    flock.clock.advance(seconds=5)
    await flock.send(flock.telegram.joined(CHAT, ELI))

    calls = await flock.tick()

    assert messages(calls) == [(CHAT["id"], greeting("Dana Ruiz and Eli"))]


async def test_a_single_newcomer_is_greeted_by_name(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, ELI))

    calls = await flock.tick()

    assert messages(calls) == [(CHAT["id"], greeting("Eli"))]


async def test_newcomers_are_greeted_once(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, DANA))
    await flock.tick()
    flock.clock.advance(minutes=10)

    calls = await flock.tick()

    assert messages(calls) == []
    assert await flock.rows("select count(*) from outbox") == [(1,)]


async def test_a_second_join_soon_after_a_greeting_waits_five_minutes_from_it(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, DANA))
    first = await flock.tick()
    flock.clock.advance(minutes=2)
    await flock.send(flock.telegram.joined(CHAT, ELI))

    right_after = await flock.tick()
    flock.clock.advance(minutes=2, seconds=59)
    just_before = await flock.tick()
    flock.clock.advance(seconds=1)
    five_minutes_after = await flock.tick()

    assert messages(first) == [(CHAT["id"], greeting("Dana Ruiz"))]
    assert messages(right_after) == []
    assert messages(just_before) == []
    assert messages(five_minutes_after) == [(CHAT["id"], greeting("Eli"))]


async def test_newcomers_waiting_for_the_spacing_are_greeted_together(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, DANA))
    await flock.tick()
    flock.clock.advance(minutes=1)
    await flock.send(flock.telegram.joined(CHAT, ELI))
    await flock.tick()
    flock.clock.advance(minutes=1)
    await flock.send(flock.telegram.joined(CHAT, FAY, GUS))
    await flock.tick()
    flock.clock.advance(minutes=3)

    calls = await flock.tick()

    assert messages(calls) == [(CHAT["id"], greeting("Eli, Fay and Gus"))]


async def test_greeting_spacing_is_per_chat(flock: Harness) -> None:
    other = group(-1001400, "Sales 2026")
    await set_up(flock)
    await set_up(flock, chat=other, args="#sales26 Sales 2026")
    await flock.send(flock.telegram.joined(CHAT, DANA))
    await flock.tick()
    flock.clock.advance(minutes=1)
    await flock.send(flock.telegram.joined(other, ELI))

    calls = await flock.tick()

    assert messages(calls) == [(other["id"], greeting("Eli", "Sales 2026"))]


async def test_chat_member_join_updates_greet_too(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.member_change(CHAT, DANA, "left", "member"))
    await flock.send(flock.telegram.member_change(CHAT, ELI, "kicked", "member", by=ANA))

    calls = await flock.tick()

    assert messages(calls) == [(CHAT["id"], greeting("Dana Ruiz and Eli"))]


async def test_join_seen_as_both_message_and_chat_member_update_is_greeted_once(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(
        flock.telegram.joined(CHAT, DANA),
        flock.telegram.member_change(CHAT, DANA, "left", "member"),
    )

    calls = await flock.tick()

    assert messages(calls) == [(CHAT["id"], greeting("Dana Ruiz"))]


async def test_chat_member_changes_that_are_not_joins_are_not_greeted(flock: Harness) -> None:
    await set_up(flock)

    await flock.send(
        as_admin(flock.telegram.member_change(CHAT, BEN, "member", "member", by=ANA)),
        flock.telegram.member_change(CHAT, DANA, "member", "left"),
        flock.telegram.member_change(CHAT, ELI, "member", "kicked", by=ANA),
    )

    assert messages(await flock.tick()) == []
    assert await flock.rows("select * from greetings") == []


async def test_bots_are_not_greeted(flock: Harness) -> None:
    await set_up(flock)

    await flock.send(
        flock.telegram.joined(CHAT, HELPER_BOT),
        flock.telegram.member_change(CHAT, HELPER_BOT, "left", "member", by=ANA),
    )

    assert messages(await flock.tick()) == []
    assert await flock.rows("select * from greetings") == []


async def test_people_joining_with_a_bot_are_greeted_without_it(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, DANA, HELPER_BOT, ELI))

    calls = await flock.tick()

    assert messages(calls) == [(CHAT["id"], greeting("Dana Ruiz and Eli"))]


async def test_flock_joining_is_not_greeted(flock: Harness) -> None:
    await set_up(flock)

    await flock.send(flock.telegram.joined(CHAT, FLOCK))

    assert messages(await flock.tick()) == []
    assert await flock.rows("select * from greetings") == []


async def test_newcomers_to_an_unattached_chat_are_not_greeted(flock: Harness) -> None:
    await set_up(flock)

    await flock.send(
        flock.telegram.joined(LOUNGE, DANA),
        flock.telegram.member_change(LOUNGE, ELI, "left", "member"),
    )

    assert messages(await flock.tick()) == []
    assert await flock.rows("select * from greetings") == []
    assert await flock.rows("select id from people where id in (:a, :b)", a=DANA["id"], b=ELI["id"]) == []


async def test_newcomers_to_a_detached_chat_are_not_greeted(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/detach")

    await flock.send(flock.telegram.joined(CHAT, DANA))

    assert messages(await flock.tick()) == []
    assert await flock.rows("select * from greetings") == []


async def test_newcomer_names_are_escaped_in_the_greeting(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.joined(CHAT, user(25, "<i>Ivy</i> & Co")))

    calls = await flock.tick()

    assert messages(calls)[0][1].startswith("Welcome to Onboarding 2026, &lt;i&gt;Ivy&lt;/i&gt; &amp; Co! 👋")


# Group becoming a supergroup


async def test_migration_moves_attachments_and_leaves_messages_in_the_old_chat(flock: Harness) -> None:
    await set_up(flock, chat=OLD_GROUP)
    await say(flock, OLD_GROUP, BEN, "Where do I find the onboarding slides? #question")
    await say(flock, OLD_GROUP, BEN, "#intro Hi, I'm Ben")

    calls = await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))

    assert messages(calls) == []
    assert await flock.rows("select chat_id, scope, active from attachments") == [(NEW_ID, "all", True)]
    assert await flock.rows("select chat_id, asker_id, state from questions") == [
        (OLD_GROUP["id"], BEN["id"], "open")
    ]
    assert await flock.rows("select chat_id from introductions") == [(OLD_GROUP["id"],)]


async def test_migration_moves_pending_greetings_and_leaves_answers_in_the_old_chat(flock: Harness) -> None:
    await set_up(flock, chat=OLD_GROUP)
    asked = flock.telegram.post(OLD_GROUP, BEN, "Where do I find the onboarding slides? #question")
    await flock.send(asked)
    await say(flock, OLD_GROUP, ANA, "In the shared drive, folder Week 1", reply_to=asked["message"])
    await flock.send(flock.telegram.joined(OLD_GROUP, DANA))

    await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))
    calls = await flock.tick()

    assert await flock.rows("select chat_id, answerer_id from answers") == [(OLD_GROUP["id"], ANA["id"])]
    assert await flock.rows("select chat_id, person_id from greetings") == [(NEW_ID, DANA["id"])]
    assert messages(calls) == [(NEW_ID, greeting("Dana Ruiz"))]


async def test_after_migration_the_supergroup_belongs_to_the_course(flock: Harness) -> None:
    supergroup = group(NEW_ID, "Onboarding 2026")
    await set_up(flock, chat=OLD_GROUP)
    await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))

    course = await say(flock, supergroup, BEN, "/course")
    await say(flock, supergroup, BEN, "How do I request a laptop? #question")

    assert course[0].startswith("<b>Onboarding 2026</b> (#onb26) — whole chat")
    assert await flock.rows("select chat_id from questions") == [(NEW_ID,)]
    assert await say(flock, OLD_GROUP, BEN, "/course") == [
        "This chat isn't attached to a course. A chat admin can run <code>/setup #tag</code>."
    ]


async def test_migration_keeps_an_attachment_already_made_in_the_supergroup(flock: Harness) -> None:
    supergroup = group(NEW_ID, "Onboarding 2026")
    await set_up(flock, chat=OLD_GROUP)
    await say(flock, OLD_GROUP, BEN, "Where do I find the onboarding slides? #question")
    await set_up(flock, chat=supergroup, args="#onb26 tagged")

    await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))

    assert await flock.rows("select chat_id, scope, active from attachments") == [(NEW_ID, "tagged", True)]
    assert await flock.rows("select chat_id from questions") == [(OLD_GROUP["id"],)]


async def test_migration_of_an_unattached_group_changes_nothing(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    calls = await flock.send(flock.telegram.migrated(group(-4002, "Lounge", kind="group"), -1004002))

    assert messages(calls) == []
    assert await stored(flock) == before


async def test_migrate_from_message_in_the_new_supergroup_is_harmless(flock: Harness) -> None:
    supergroup = group(NEW_ID, "Onboarding 2026")
    await set_up(flock, chat=OLD_GROUP)
    await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))
    before = await stored(flock)

    calls = await flock.send(
        flock.telegram.post(supergroup, None, migrate_from_chat_id=OLD_GROUP["id"], sender_chat=supergroup)
    )

    assert messages(calls) == []
    assert await stored(flock) == before


async def test_after_an_upgrade_each_message_stays_tied_to_the_chat_it_was_written_in(flock: Harness) -> None:
    supergroup = group(NEW_ID, "Onboarding 2026")
    await set_up(flock, chat=OLD_GROUP)
    await flock.send(flock.telegram.post(OLD_GROUP, BEN, "Where do I find the onboarding slides? #question"))
    await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))
    await flock.send(
        flock.telegram.post(supergroup, None, migrate_from_chat_id=OLD_GROUP["id"], sender_chat=supergroup)
    )

    # The supergroup numbers its messages afresh: Dana's question has the number Ben's had.
    asked = flock.telegram.post(supergroup, DANA, "How do I request a laptop? #question")
    assert await flock.replies(asked) == []
    await say(flock, supergroup, ELI, "Ask IT in the #it channel", reply_to=asked["message"])
    listed = await say(flock, supergroup, BEN, "/questions")
    calls = await flock.tick()

    assert await flock.rows("select chat_id, message_id, asker_id, state from questions order by id") == [
        (OLD_GROUP["id"], 101, BEN["id"], "open"),
        (NEW_ID, 101, DANA["id"], "answered"),
    ]
    assert await flock.rows("select chat_id, message_id, answerer_id from answers") == [
        (NEW_ID, 102, ELI["id"])
    ]
    # The old group's question is listed without a link (basic groups have none), the new one
    # links to its own message in the supergroup.
    assert listed == [
        "<b>Waiting for an answer</b>\n• Where do I find the onboarding slides? — Ben, 0m ago\n\n"
        "<b>Answered, not yet solved</b>\n"
        '• <a href="https://t.me/c/4001/101">How do I request a laptop?</a> — Dana Ruiz, 0m ago'
    ]
    assert [c for c in calls if c.chat_id == BEN["id"]] == []


async def test_an_alerts_chat_that_becomes_a_supergroup_keeps_getting_the_alerts(flock: Harness) -> None:
    staff = group(-4003, "Facilitators", kind="group")
    await set_up(flock)
    await say(flock, staff, ANA, "/alerts_here")
    await flock.send(flock.telegram.migrated(staff, -1004003))

    await say(flock, CHAT, BEN, "Where do I find the onboarding slides? #question")
    flock.clock.advance(hours=2)
    calls = await flock.tick()

    assert await flock.rows("select alerts_chat_id from courses") == [(-1004003,)]
    assert [c.chat_id for c in calls if c.method == "sendMessage"] == [-1004003]


def upgraded(new_id: int) -> JSON:
    """Telegram's answer to a call aimed at a group that has become a supergroup."""
    return {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new_id},
    }


def upgrade_answered(flock: Harness, *methods: str) -> None:
    """Telegram has upgraded OLD_GROUP; its service message has not come yet."""
    for method in methods:
        flock.api.failures[method] = lambda p: (
            (400, upgraded(NEW_ID)) if p["chat_id"] == OLD_GROUP["id"] else None
        )


async def test_a_message_owed_to_an_upgraded_group_is_sent_to_the_supergroup(flock: Harness) -> None:
    await set_up(flock, chat=OLD_GROUP)
    upgrade_answered(flock, "sendMessage")
    await flock.send(flock.telegram.joined(OLD_GROUP, DANA))

    calls = await flock.tick() + await flock.tick()

    assert messages(calls) == [(OLD_GROUP["id"], greeting("Dana Ruiz")), (NEW_ID, greeting("Dana Ruiz"))]
    assert await flock.rows(
        "select kind, chat_id, sent_at is not null, failed_at is not null from outbox"
    ) == [("greeting", NEW_ID, True, False)]
    assert await flock.rows("select chat_id from attachments") == [(NEW_ID,)]
    assert await flock.rows("select old_chat_id, new_chat_id from chat_moves") == [(OLD_GROUP["id"], NEW_ID)]


async def test_a_reaction_in_an_upgraded_group_stays_behind_and_later_messages_go_to_the_supergroup(
    flock: Harness,
) -> None:
    await set_up(flock, chat=OLD_GROUP)
    upgrade_answered(flock, "sendMessage", "setMessageReaction")
    await flock.send(flock.telegram.joined(OLD_GROUP, DANA))
    calls = await flock.send(
        flock.telegram.post(OLD_GROUP, BEN, "Where do I find the onboarding slides? #question")
    )

    calls += await flock.tick() + await flock.tick()

    assert [(c.method, c.chat_id) for c in calls] == [
        ("setMessageReaction", OLD_GROUP["id"]),  # answered 400: the group is now a supergroup
        ("sendMessage", NEW_ID),
    ]
    assert await flock.rows(
        "select kind, chat_id, sent_at is not null, last_error from outbox order by id"
    ) == [
        ("reaction", OLD_GROUP["id"], False, "the group became a supergroup; its old messages stay behind"),
        ("greeting", NEW_ID, True, None),
    ]
    # Its service message, coming late, changes nothing more.
    await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))
    assert await flock.rows("select chat_id from attachments") == [(NEW_ID,)]
    assert await flock.rows("select old_chat_id, new_chat_id from chat_moves") == [(OLD_GROUP["id"], NEW_ID)]


async def test_a_guest_board_is_posted_again_in_the_supergroup_and_edited_there(flock: Harness) -> None:
    supergroup = group(NEW_ID, "Onboarding 2026")
    await set_up(flock, chat=OLD_GROUP)
    await say(flock, OLD_GROUP, ANA, '/guest @ada_expert "Careers" tomorrow 15:00')
    await say(flock, OLD_GROUP, BEN, "/askguest How did you get your first data job?")

    calls = await flock.send(flock.telegram.migrated(OLD_GROUP, NEW_ID))
    (board,) = [c for c in calls if c.method == "sendMessage"]
    asked = flock.telegram.post(supergroup, DANA, "/askguest Which courses helped you most?")
    calls = await flock.send(asked)

    assert board.chat_id == NEW_ID
    assert "<b>Q1.</b> How did you get your first data job? — Ben · 👍 0" in board.text
    (edit,) = [c for c in calls if c.method == "editMessageText"]
    assert (edit.chat_id, edit.params["message_id"]) == (NEW_ID, board.result["message_id"])
    assert "<b>Q2.</b> Which courses helped you most? — Dana Ruiz · 👍 0" in edit.text


# /start, /help and the private fallback


async def test_start_in_private_marks_the_person_started_and_welcomes_them(flock: Harness) -> None:
    replies = await say(flock, private(BEN), BEN, "/start")

    assert len(replies) == 1
    assert replies[0].startswith("Hi Ben! <b>Flock</b> keeps a training cohort talking")
    assert "You facilitate" not in replies[0]
    assert await flock.rows("select id, name, username, started_at is not null from people") == [
        (BEN["id"], "Ben", "ben_k", True)
    ]


async def test_start_tells_a_facilitator_where_alerts_will_arrive(flock: Harness) -> None:
    await set_up(flock)

    replies = await say(flock, private(ANA), ANA, "/start")

    assert replies[0].endswith("\nYou facilitate #onb26: I'll send you alerts and digests here.")
    assert await flock.rows("select started_at is not null from people where id = :id", id=ANA["id"]) == [
        (True,)
    ]


async def test_start_with_a_deep_link_payload_also_marks_the_person_started(flock: Harness) -> None:
    replies = await say(flock, private(BEN), BEN, "/start hello")

    assert replies[0].startswith("Hi Ben!")
    assert await flock.rows("select started_at is not null from people") == [(True,)]


async def test_start_again_keeps_the_first_start_time(flock: Harness) -> None:
    first = flock.clock.now()
    await say(flock, private(BEN), BEN, "/start")
    flock.clock.advance(days=1)

    await say(flock, private(BEN), BEN, "/start")

    [(started_at,)] = await flock.rows("select started_at from people")
    assert str(started_at)[:16] == first.strftime("%Y-%m-%d %H:%M")


async def test_start_in_a_group_shows_group_help_and_marks_nothing(flock: Harness) -> None:
    await set_up(flock)
    before = await stored(flock)

    replies = await say(flock, CHAT, BEN, "/start")

    assert replies[0].startswith("<b>Flock</b> keeps this course talking.")
    assert await stored(flock) == before


async def test_help_in_private_explains_private_commands(flock: Harness) -> None:
    replies = await say(flock, private(BEN), BEN, "/help")

    assert len(replies) == 1
    assert replies[0].startswith("<b>Flock</b> keeps a training cohort talking")
    for command in ("/mine", "/intro", "/roster", "/settings", "<code>/setup #tag Title</code>"):
        assert command in replies[0]


async def test_help_in_a_group_explains_group_commands(flock: Harness) -> None:
    replies = await say(flock, CHAT, BEN, "/help")

    assert len(replies) == 1
    assert replies[0].startswith("<b>Flock</b> keeps this course talking.")
    for command in ("#intro", "#question", "/ask", "/solved", "/questions", "/course", "/settings"):
        assert command in replies[0]


async def test_help_addressed_to_this_bot_by_name_works(flock: Harness) -> None:
    replies = await say(flock, CHAT, BEN, f"/help@{BOT_USERNAME}")

    assert replies[0].startswith("<b>Flock</b> keeps this course talking.")


FALLBACK = (
    "I work mostly in course groups. /mine shows your questions, /intro your introduction, "
    "and /help everything else."
)


@pytest.mark.parametrize("text", ["hello?", "What is this bot for", "/frobnicate", "#question where am I?"])
async def test_unknown_private_text_gets_the_help_pointer(flock: Harness, text: str) -> None:
    calls = await flock.send(flock.telegram.post(private(BEN), BEN, text))

    assert messages(calls) == [(BEN["id"], FALLBACK)]
    assert await stored(flock) == {table: [] for table in DOMAIN_TABLES}


async def test_a_sticker_in_private_gets_the_help_pointer(flock: Harness) -> None:
    calls = await flock.send(flock.telegram.sticker(private(BEN), BEN))

    assert messages(calls) == [(BEN["id"], FALLBACK)]


async def test_ordinary_group_chatter_gets_no_reply(flock: Harness) -> None:
    await set_up(flock)

    calls = await flock.send(
        flock.telegram.post(CHAT, BEN, "good morning everyone"),
        flock.telegram.post(LOUNGE, BEN, "hello lounge"),
        flock.telegram.post(CHAT, BEN, "/frobnicate"),
    )

    assert messages(calls) == []


async def test_edited_private_message_gets_no_second_pointer(flock: Harness) -> None:
    original = flock.telegram.post(private(BEN), BEN, "hello")
    await flock.send(original)

    calls = await flock.send(flock.telegram.edit(original, "hello again"))

    assert messages(calls) == []
