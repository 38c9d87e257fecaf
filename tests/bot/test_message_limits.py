"""Telegram's limits (4096 characters a message, 1024 a caption, 200 a button's answer): a huge
question, answer or name makes a shorter message, never one Telegram refuses for good."""

from __future__ import annotations

import re

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness
from tests.support.telegram_html import visible_text

ANA = user(11, "Ana", "ana_f")
DAN = user(14, "D" * 64, "dan_k", last_name="K" * 64)  # Telegram allows 64 + 64
BEN = user(12, "Ben")
ADA = user(20, "Ada", "ada_expert")
CHAT = group(-1001500, "Onboarding 2026")


async def live_session_with_a_long_question(flock: Harness) -> Call:
    """Session 1 has started; returns the question the guest got, 1000 characters long."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    calls = await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers" in 30m'))
    token = re.search(r"start=guest_([A-Za-z0-9_-]+)", "".join(c.text for c in calls))
    assert token is not None
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token.group(1)}"))
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest " + "Why <b>& " * 400 + "?"))
    flock.clock.advance(minutes=30)
    return next(c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ADA["id"])


async def test_a_long_answer_to_a_long_question_is_relayed_within_the_limit(flock: Harness) -> None:
    question = await live_session_with_a_long_question(flock)

    calls = await flock.send(
        flock.telegram.post(private(ADA), ADA, "Well & <so> " * 340, reply_to=question.result)
    )

    relayed = [c for c in calls if c.method == "sendMessage" and c.chat_id in (CHAT["id"], BEN["id"])]
    assert len(relayed) == 2
    for call in relayed:
        shown = visible_text(call.text)
        assert "Well & <so> Well" in shown
    assert await flock.rows("select count(*) from outbox where failed_at is not null") == [(0,)]


async def test_a_button_answer_naming_someone_with_a_long_name_fits(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    for person in (ANA, DAN):
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/facilitator add @dan_k"))
    await flock.send(flock.telegram.post(CHAT, BEN, "How do I reset my portal password?"))
    flock.clock.advance(hours=2)
    sent = {c.chat_id: c for c in await flock.tick() if "reply_markup" in c.params}

    def claim(person: JSON) -> JSON:
        alert = sent[person["id"]]
        data = alert.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        return flock.telegram.press(person, alert.result, data)

    await flock.send(claim(DAN))
    calls = await flock.send(claim(ANA))

    toasts = [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]
    assert len(toasts) == 1
    assert toasts[0].startswith("DDDD")
    assert len(toasts[0]) <= 200
