"""Peer helpers' texts: the invitation after an introduction, a question pointed at them, /helper.

All in the helper's own language (private messages)."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import helper_ask_button, helper_invite_button
from bot.i18n import N_, _
from bot.links import message_link
from bot.texts import question_excerpt, shown_name
from facilitation.helpers import HELPER_USAGE
from facilitation.model import Helper, MessageRef, Question

IN_GROUP = N_("Send /helper to me in a private chat: it's about you alone.")
INVITE_YES = N_("👍 Thanks! I'll ping you now and then about a question you may know (at most 3 a day).")
INVITE_NO = N_("No problem: I won't ping you. /helper on changes your mind.")
ASK_ANSWERING = N_("🙌 Thanks! The facilitators can see you're on it.")
ASK_DECLINED = N_("No problem, I'll ask someone else next time.")


def invite(data: dict[str, Any]) -> str:
    return _(
        "Thanks for introducing yourself in {course}! When a question there waits for an answer and "
        "it matches what you wrote, may I ping you privately? (At most 3 a day, never in quiet hours.)",
        course=data["course"],
    )


def invite_keyboard(course_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Yes, ping me"), callback_data=helper_invite_button(True, course_id)),
                InlineKeyboardButton(_("No thanks"), callback_data=helper_invite_button(False, course_id)),
            ]
        ]
    )


def ask(data: dict[str, Any]) -> str:
    url = message_link(MessageRef(data["chat_id"], data["message_id"], data.get("thread_id")))
    quoted = _("“{text}”", text=question_excerpt(data["text"], [data["course"]], 300))
    question = f'<a href="{url}">{quoted}</a>' if url else quoted
    return _(
        "🙋 {asker} asked in {course} and nobody has answered yet — you may know:\n{question}\n\n"
        "Reply to the question in the group if you can.",
        asker=shown_name(data["asker"]),
        course=data["course"],
        question=question,
    )


def asked(question: Question, answering: bool) -> str:
    """The ask once the helper pressed a button: the question still linked, and their choice."""
    url = message_link(question.ref)
    quoted = _("“{text}”", text=question_excerpt(question.text, [], 300))
    linked = f'<a href="{url}">{quoted}</a>' if url else quoted
    if answering:
        return _(
            "🙋 You said you'll answer {question}: reply to it in the group when you can.", question=linked
        )
    return _("You said this one isn't for you: {question}.", question=linked)


def ask_keyboard(question_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("I'll answer"), callback_data=helper_ask_button(True, question_id)),
                InlineKeyboardButton(_("Not for me"), callback_data=helper_ask_button(False, question_id)),
            ]
        ]
    )


def _line(helper: Helper) -> str:
    if helper.choice == "on":
        state = _("I may ping you about its questions")
    elif helper.choice == "off":
        state = _("I won't ping you")
    else:
        state = _("you haven't said yet")
    line = _("• {course}: {state}", course=helper.course.tag, state=state)  # French spaces its colon
    if helper.topics:
        line += "\n  " + _("Topics: {topics}", topics=escape(helper.topics))
    return line


def status(helpers: list[Helper]) -> str:
    """/helper alone: their choice in each course, and how to change it."""
    usage = _(HELPER_USAGE)
    if not helpers:
        return _("You haven't told me whether I may ping you about questions.") + "\n\n" + usage
    lines = [_("<b>Peer helper</b>"), *(_line(h) for h in helpers)]
    return "\n".join(lines) + "\n\n" + usage


def changed(helper: Helper) -> str:
    tag = helper.course.tag
    if helper.choice != "on":
        return _("OK: I won't ping you about questions in {course}. /helper on changes it back.", course=tag)
    if helper.topics:
        return _(
            "👍 I may ping you about questions in {course} that match your introduction, your answers "
            "or your topics: {topics}.",
            course=tag,
            topics=escape(helper.topics),
        )
    return _(
        "👍 I may ping you about questions in {course} that match your introduction or your answers. "
        "Add topics with /helper topics …",
        course=tag,
    )


def helping_line(item: dict[str, Any]) -> str:
    """Under an alert: the peers who said they'll answer."""
    names = [shown_name(n) for n in item["helping"]]
    return _("🙋 {names} said they'll answer (peer helper).", names=", ".join(names))
