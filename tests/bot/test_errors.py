"""The last line of defence: a handler that fails leaves the chat an apology, and the log the
update id and the traceback, never the bot token."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler, TypeHandler

from bot import texts
from bot.context import FlockContext
from bot.handlers import alerts as alerts_handlers
from tests.builders import group, user
from tests.support.harness import TOKEN, Harness

BEN = user(12, "Ben")
CHAT = group(-1001500, "Onboarding 2026")
SECRET_HALF = TOKEN.split(":")[1]


async def test_a_failing_handler_apologises_and_logs_the_update_id_but_not_the_token(
    flock: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(update: Update, context: FlockContext) -> None:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage: connection reset")

    flock.flock.app.add_handler(CommandHandler("boom", boom))
    update = flock.telegram.post(CHAT, BEN, "/boom")

    calls = await flock.send(update)

    assert [(c.chat_id, c.text) for c in calls if c.method == "sendMessage"] == [
        (CHAT["id"], texts.SOMETHING_WRONG)
    ]
    assert f"update {update['update_id']} failed" in caplog.text
    assert "RuntimeError: POST https://api.telegram.org/bot[redacted]/sendMessage" in caplog.text
    assert SECRET_HALF not in caplog.text
    assert all(SECRET_HALF not in r.getMessage() for r in caplog.records)


async def test_the_token_is_redacted_from_any_logger_and_argument(
    flock: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    logging.getLogger("httpx").info("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    logging.getLogger("anything").warning("encoded %s", TOKEN.replace(":", "%3A"))

    assert SECRET_HALF not in caplog.text
    assert "bot[redacted]/getMe" in caplog.text


async def test_a_failing_button_apologises_in_its_answer_not_in_the_chat(
    flock: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("broken button")

    monkeypatch.setattr(alerts_handlers.alerts, "press", broken)
    press = flock.telegram.press(BEN, {"message_id": 5, "date": 0, "chat": CHAT}, "al:c:1")

    calls = await flock.send(press)

    assert [(c.method, c.params.get("text")) for c in calls] == [
        ("answerCallbackQuery", texts.SOMETHING_WRONG)
    ]
    assert f"update {press['update_id']} failed" in caplog.text


async def test_a_failing_channel_post_or_reaction_is_logged_but_no_apology_is_posted(
    flock: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A channel's subscribers, or a group whose member reacted, asked Flock nothing."""

    async def boom(update: Update, context: FlockContext) -> None:
        raise RuntimeError("broken")

    flock.flock.app.add_handler(TypeHandler(Update, boom), group=-2)
    channel = {"id": -1003700, "type": "channel", "title": "DevCon news"}
    post = flock.telegram.update(
        "channel_post", flock.telegram.message(channel, None, "News", sender_chat=channel)
    )
    reaction = flock.telegram.update(
        "message_reaction",
        {"chat": CHAT, "message_id": 5, "user": BEN, "date": 0, "old_reaction": [], "new_reaction": []},
    )

    calls = await flock.send(post, reaction)

    assert calls == []
    assert f"update {post['update_id']} failed" in caplog.text
    assert f"update {reaction['update_id']} failed" in caplog.text
