"""Alert messages for facilitators: texts and buttons, from the data frozen in the outbox.

Rendered in the reader's language: a facilitator's own in private, the course's in a
facilitators' group (the sender speaks the row's chat's language)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import render_helpers
from bot.callbacks import alert_button, followup_button
from bot.i18n import N_, _, ago, ngettext
from bot.links import deep_link, message_link
from bot.texts import question_excerpt, shown_name
from facilitation.model import MessageRef

STATUS = {
    "claimed": N_("🙋 Taken by {by}"),
    "answered": N_("✅ Answered by {by}"),
    "resolved": N_("✅ Solved (marked by {by})"),
    "duplicate": N_("✅ Solved as a duplicate of an earlier question (marked by {by})"),
    "dismissed": N_("🚫 Not a question (dismissed by {by})"),
    "withdrawn": N_("↩️ Withdrawn by {by}: edited, it no longer asks anything"),
}


# Compact lengths of time, as the language abbreviates them: "2h" / "2 h".
def _question_line(item: dict[str, Any], now: datetime, course: str, limit: int = 200) -> str:
    asked = datetime.fromisoformat(item["asked_at"])
    url = message_link(MessageRef(item["chat_id"], item["message_id"], item.get("thread_id")))
    quoted = _("“{text}”", text=question_excerpt(item["text"], [course], limit))
    where = f'<a href="{url}">{quoted}</a>' if url else quoted
    return _(
        "{asker} asked {ago}: {question}",
        asker=shown_name(item["asker"]),
        ago=ago(asked, now),
        question=where,
    )


def alert_text(item: dict[str, Any], now: datetime) -> str:
    text = _alert_text(item, now)
    if item.get("helping"):  # peers who said they'll answer it
        text += "\n" + render_helpers.helping_line(item)
    return text


def _alert_text(item: dict[str, Any], now: datetime) -> str:
    line = _question_line(item, now, item["course"])
    if not item.get("not_yet"):
        if item.get("period", 1) > 1:  # alerted before, one SLA ago or more
            return _(
                "⏰ <b>Reminder: still unanswered in {course}</b>\n{question}",
                course=item["course"],
                question=line,
            )
        return _("⏰ <b>Unanswered in {course}</b>\n{question}", course=item["course"], question=line)
    text = _("🙋 <b>Still needs help in {course}</b>\n{question}", course=item["course"], question=line)
    if item.get("answerers"):  # absent from alerts queued before answerers were named
        names = _names([shown_name(n) for n in item["answerers"]])
        text += "\n" + _(
            "{asker} says the answers from {names} didn't help.", asker=shown_name(item["asker"]), names=names
        )
    return text


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("{names} and {last}", names=", ".join(names[:-1]), last=names[-1])


def alert_keyboard(alert_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("I'll take it"), callback_data=alert_button("claim", alert_id))],
            [
                InlineKeyboardButton(_("Snooze 1h"), callback_data=alert_button("snooze", alert_id)),
                InlineKeyboardButton(_("Not a question"), callback_data=alert_button("dismiss", alert_id)),
            ],
        ]
    )


def edited_alert_text(item: dict[str, Any], now: datetime) -> str:
    if item["status"] == "helping":  # still open: the text names them, the buttons stay
        return alert_text(item, now)
    by = shown_name(item["by"]) if item.get("by") else _("someone")
    earlier = _earlier_link(item) if item["status"] in ("duplicate", "resolved") else None
    if earlier and item["status"] == "duplicate":
        status = _(
            '✅ Solved as a duplicate of <a href="{url}">an earlier question</a> (marked by {by})',
            url=earlier,
            by=by,
        )
    elif earlier:  # the asker accepted the earlier answer offered
        status = _(
            '✅ Solved by the answer to <a href="{url}">an earlier question</a> ({by} said so)',
            url=earlier,
            by=by,
        )
    else:
        status = _(STATUS[item["status"]], by=by) if item["status"] in STATUS else by
    return f"{alert_text(item, now)}\n\n<b>{status}</b>"


def _earlier_link(item: dict[str, Any]) -> str | None:
    """The question a duplicate repeats, when its chat has message links."""
    if item.get("earlier_message_id") is None:
        return None
    ref = MessageRef(item["earlier_chat_id"], item["earlier_message_id"], item.get("earlier_thread_id"))
    return message_link(ref)


def batch_text(data: dict[str, Any], now: datetime) -> str:
    items, course = data["items"], data["course"]
    lines = [
        ngettext(
            "⏰ <b>{count} question unanswered in {course}</b>",
            "⏰ <b>{count} questions unanswered in {course}</b>",
            len(items),
            course=course,
        )
    ]
    for n, item in enumerate(items, 1):
        line = _question_line(item, now, course, 90)
        if item.get("not_yet"):
            line = _("{question} (still needs help)", question=line)
        lines.append(f"{n}. {line}")
    lines.append("\n" + _("/unanswered lists every open question."))
    return "\n".join(lines)


def nudge_text(data: dict[str, Any], bot_username: str) -> str:
    names = ", ".join(shown_name(n) for n in data["names"])
    link = deep_link(bot_username, "facilitator")
    return _(
        "{names}: you facilitate {course}, but I can't message you yet. "
        '<a href="{link}">Start a chat with me</a> so I can tell you about unanswered questions.',
        names=names,
        course=data["course"],
        link=link,
    )


def followup_text(item: dict[str, Any]) -> str:
    url = message_link(MessageRef(item["chat_id"], item["message_id"], item.get("thread_id")))
    quoted = _("“{text}”", text=question_excerpt(item["text"], [item["course"]], 200))
    question = f'<a href="{url}">{quoted}</a>' if url else quoted
    if item.get("reminder"):
        return _(
            "Still wondering: did the answers solve your question {question} in {course}?",
            question=question,
            course=item["course"],
        )
    return _(
        "{answerer} answered your question {question} in {course}.\n\nDid this answer your question?",
        answerer=shown_name(item["answerer"]),
        question=question,
        course=item["course"],
    )


def followup_keyboard(question_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Yes, solved"), callback_data=followup_button(True, question_id)),
                InlineKeyboardButton(_("Not yet"), callback_data=followup_button(False, question_id)),
            ]
        ]
    )


FOLLOWUP_THANKS = N_("✅ Great — marked as solved, and the answer is credited. Thanks!")
FOLLOWUP_NOT_YET = N_("Got it — I've told the facilitators it still needs help.")
