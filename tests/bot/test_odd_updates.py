"""Updates with parts missing or unusual: no sender, channel posts, service messages, media
without text, edits of messages never seen, buttons with no message or unknown data, huge update
ids. Each is handled or ignored cleanly: nothing logged as an error, no reply where none is due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot import texts
from bot.recording import Call
from tests.builders import ANONYMOUS_ADMIN_BOT, JSON, Telegram, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
BEN = user(12, "Ben")
CHAT = group(-1001500, "Onboarding 2026")
CHANNEL = {"id": -1002700, "type": "channel", "title": "Onboarding news"}
ANONYMOUS_GROUP = {**CHAT}  # anonymous admins post as the group itself


def message(t: Telegram, chat: JSON, sender: JSON | None, **fields: object) -> JSON:
    return t.message(chat, sender, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Odd:
    name: str
    build: Callable[[Telegram], JSON]
    replies: int = 0  # sendMessage calls expected (a command still answers)
    button_answer: str | None = None  # the callback answer expected, if any


PHOTO = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]
INLINE_PRESS = {"id": "77", "from": BEN, "chat_instance": "ci", "inline_message_id": "AAAA"}
STALE = texts.BUTTON_GONE

ODD_UPDATES = [
    Odd(
        "channel post",
        lambda t: t.update("channel_post", message(t, CHANNEL, None, sender_chat=CHANNEL, text="News?")),
    ),
    Odd(
        "edited channel post",
        lambda t: t.update(
            "edited_channel_post",
            {**message(t, CHANNEL, None, sender_chat=CHANNEL, text="News!"), "edit_date": 1},
        ),
    ),
    Odd(
        "channel post carrying a command",
        lambda t: t.update(
            "channel_post", message(t, CHANNEL, None, sender_chat=CHANNEL, text="/settings sla 1h")
        ),
    ),
    Odd(
        "anonymous admin's question",
        lambda t: t.post(
            CHAT, ANONYMOUS_ADMIN_BOT, "How do we reset the portal password?", sender_chat=ANONYMOUS_GROUP
        ),
    ),
    Odd(
        "anonymous admin's command",
        lambda t: t.post(CHAT, ANONYMOUS_ADMIN_BOT, "/settings sla 1h", sender_chat=ANONYMOUS_GROUP),
        replies=1,
    ),
    Odd("message with no sender at all", lambda t: t.post(CHAT, None, "Where is the handout for today?")),
    Odd(
        "automatic forward from the linked channel",
        lambda t: t.post(CHAT, None, "News?", sender_chat=CHANNEL, is_automatic_forward=True),
    ),
    Odd("new members", lambda t: t.joined(CHAT, user(30, "Cleo"), user(31, "Bot", is_bot=True))),
    Odd("member left", lambda t: t.post(CHAT, BEN, left_chat_member=BEN)),
    Odd(
        "pinned message",
        lambda t: t.post(CHAT, ANA, pinned_message={"message_id": 5, "date": 0, "chat": CHAT}),
    ),
    Odd(
        "forum topic created",
        lambda t: t.post(CHAT, ANA, forum_topic_created={"name": "Week 1", "icon_color": 7322096}),
    ),
    Odd("new chat title", lambda t: t.post(CHAT, ANA, new_chat_title="<b>Renamed</b>")),
    Odd("group created", lambda t: t.post(group(-1500, "Basic", kind="group"), ANA, group_chat_created=True)),
    Odd(
        "auto-delete timer",
        lambda t: t.post(CHAT, ANA, message_auto_delete_timer_changed={"message_auto_delete_time": 86400}),
    ),
    Odd("video chat started", lambda t: t.post(CHAT, ANA, video_chat_started={})),
    Odd("photo without caption", lambda t: t.post(CHAT, BEN, photo=PHOTO)),
    Odd("photo with a question caption", lambda t: t.post(CHAT, BEN, caption="#q what is this diagram?")),
    Odd("sticker", lambda t: t.sticker(CHAT, BEN)),
    Odd("sticker in private", lambda t: t.sticker(private(BEN), BEN), replies=1),
    Odd(
        "edit of a message never seen",
        lambda t: t.update("edited_message", {**message(t, CHAT, BEN, text="#q edited?"), "edit_date": 1}),
    ),
    Odd(
        "edit of a private message",
        lambda t: t.update("edited_message", {**message(t, private(BEN), BEN, text="hi"), "edit_date": 1}),
    ),
    Odd(
        "edited command",
        lambda t: t.update(
            "edited_message", {**message(t, CHAT, ANA, text="/settings sla 1h"), "edit_date": 1}
        ),
    ),
    Odd(
        "forwarded message",
        lambda t: t.post(
            CHAT,
            BEN,
            "How do I reset it?",
            forward_origin={"type": "hidden_user", "sender_user_name": "X", "date": 0},
        ),
    ),
    Odd(
        "message via a bot",
        lambda t: t.post(
            CHAT, BEN, "Is this a question or not?", via_bot=user(99, "Inline", "inline_bot", is_bot=True)
        ),
    ),
    Odd(
        "message from another bot",
        lambda t: t.post(CHAT, user(98, "Other", "other_bot", is_bot=True), "#q What now?"),
    ),
    Odd(
        "reaction",
        lambda t: t.update(
            "message_reaction",
            {
                "chat": CHAT,
                "message_id": 5,
                "user": BEN,
                "date": 0,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        ),
    ),
    Odd(
        "inline button: alert",
        lambda t: t.update("callback_query", {**INLINE_PRESS, "data": "al:c:1"}),
        button_answer=STALE,
    ),
    Odd(
        "inline button: follow-up",
        lambda t: t.update("callback_query", {**INLINE_PRESS, "data": "fu:y:1"}),
        button_answer="?",
    ),
    Odd(
        "inline button: vote",
        lambda t: t.update("callback_query", {**INLINE_PRESS, "data": "gv:1"}),
        button_answer=STALE,
    ),
    Odd(
        "button with unknown data",
        lambda t: t.press(BEN, {"message_id": 5, "date": 0, "chat": CHAT}, "zz:9"),
        button_answer=STALE,
    ),
    Odd(
        "button with no data (a game)",
        lambda t: t.update("callback_query", {**INLINE_PRESS, "game_short_name": "g"}),
        button_answer=STALE,
    ),
    Odd(
        "button under an inaccessible message",
        lambda t: t.press(BEN, {"message_id": 5, "date": 0, "chat": CHAT}, "al:c:1"),
        button_answer="?",
    ),
    Odd(
        "huge update id", lambda t: {"update_id": 2**53, "message": message(t, CHAT, BEN, text="#q Big ids?")}
    ),
    Odd(
        "update of a kind Flock never asked for",
        lambda t: {
            "update_id": 2**31 + 7,
            "chat_boost": {
                "chat": CHANNEL,
                "boost": {
                    "boost_id": "1",
                    "add_date": 0,
                    "expiration_date": 0,
                    "source": {"source": "premium", "user": BEN},
                },
            },
        },
    ),
    Odd("update with nothing in it", lambda t: {"update_id": 2**31 + 8}),
]


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


def said(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage"]


@pytest.mark.parametrize("odd", ODD_UPDATES, ids=[o.name for o in ODD_UPDATES])
async def test_odd_update_is_handled_or_ignored_cleanly(
    flock: Harness, caplog: pytest.LogCaptureFixture, odd: Odd
) -> None:
    await set_up(flock)
    caplog.clear()

    calls = await flock.send(odd.build(flock.telegram))

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert texts.SOMETHING_WRONG not in said(calls)
    assert len(said(calls)) == odd.replies
    answers = [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]
    if odd.button_answer is None:
        assert answers == []
    else:
        assert len(answers) == 1
        assert odd.button_answer == "?" or answers == [odd.button_answer]
    assert await flock.rows("select count(*) from inbox where processed_at is null") == [(0,)]
