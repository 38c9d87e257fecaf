"""Alert messages for facilitators: texts and buttons, from the data frozen in the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import alert_button, followup_button
from bot.links import deep_link, message_link
from bot.texts import age, escape, question_excerpt
from facilitation.model import MessageRef

STATUS = {
    "claimed": "🙋 Taken by {by}",
    "answered": "✅ Answered by {by}",
    "resolved": "✅ Solved (marked by {by})",
    "dismissed": "🚫 Not a question (dismissed by {by})",
    "withdrawn": "↩️ Withdrawn by {by}: edited, it no longer asks anything",
}


def _question_line(item: dict[str, Any], now: datetime, course: str, limit: int = 200) -> str:
    asked = datetime.fromisoformat(item["asked_at"])
    url = message_link(MessageRef(item["chat_id"], item["message_id"], item.get("thread_id")))
    quoted = f"“{question_excerpt(item['text'], [course], limit)}”"
    where = f'<a href="{url}">{quoted}</a>' if url else quoted
    return f"{escape(item['asker'])} asked {age(asked, now)} ago: {where}"


def alert_text(item: dict[str, Any], now: datetime) -> str:
    line = _question_line(item, now, item["course"])
    if not item.get("not_yet"):
        return f"⏰ <b>Unanswered in {item['course']}</b>\n{line}"
    text = f"🙋 <b>Still needs help in {item['course']}</b>\n{line}"
    if item.get("answerers"):  # absent from alerts queued before answerers were named
        names = _names([escape(n) for n in item["answerers"]])
        text += f"\n{escape(item['asker'])} says the answers from {names} didn't help."
    return text


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def alert_keyboard(alert_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("I'll take it", callback_data=alert_button("claim", alert_id))],
            [
                InlineKeyboardButton("Snooze 1h", callback_data=alert_button("snooze", alert_id)),
                InlineKeyboardButton("Not a question", callback_data=alert_button("dismiss", alert_id)),
            ],
        ]
    )


def edited_alert_text(item: dict[str, Any], now: datetime) -> str:
    status = STATUS.get(item["status"], "{by}").format(by=escape(item.get("by") or "someone"))
    return f"{alert_text(item, now)}\n\n<b>{status}</b>"


def batch_text(data: dict[str, Any], now: datetime) -> str:
    items, course = data["items"], data["course"]
    lines = [f"⏰ <b>{len(items)} questions unanswered in {course}</b>"]
    lines += [
        f"{n}. {_question_line(item, now, course, 90)}{' (still needs help)' if item.get('not_yet') else ''}"
        for n, item in enumerate(items, 1)
    ]
    lines.append("\n/unanswered lists every open question.")
    return "\n".join(lines)


def nudge_text(data: dict[str, Any], bot_username: str) -> str:
    names = ", ".join(escape(n) for n in data["names"])
    link = deep_link(bot_username, "facilitator")
    return (
        f"{names}: you facilitate {data['course']}, but I can't message you yet. "
        f'<a href="{link}">Start a chat with me</a> so I can tell you about unanswered questions.'
    )


def followup_text(item: dict[str, Any]) -> str:
    url = message_link(MessageRef(item["chat_id"], item["message_id"], item.get("thread_id")))
    quoted = f"“{question_excerpt(item['text'], [item['course']], 200)}”"
    question = f'<a href="{url}">{quoted}</a>' if url else quoted
    if item.get("reminder"):
        return f"Still wondering: did the answers solve your question {question} in {item['course']}?"
    answered = f"{escape(item['answerer'])} answered your question {question} in {item['course']}."
    return f"{answered}\n\nDid this answer your question?"


def followup_keyboard(question_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes, solved", callback_data=followup_button(True, question_id)),
                InlineKeyboardButton("Not yet", callback_data=followup_button(False, question_id)),
            ]
        ]
    )


FOLLOWUP_THANKS = "✅ Great — marked as solved, and the answer is credited. Thanks!"
FOLLOWUP_NOT_YET = "Got it — I've told the facilitators it still needs help."
