"""Earlier answers offered, and a facilitator's /duplicate, as the asker reads them."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import offer_button
from bot.i18n import N_, _
from bot.links import message_link
from bot.texts import question_excerpt
from facilitation.model import MessageRef, Question


def _linked(item: dict[str, Any], prefix: str, limit: int) -> str:
    """A question's excerpt, quoted, linked to its message where there is a link."""
    at = MessageRef(item[f"{prefix}chat_id"], item[f"{prefix}message_id"], item.get(f"{prefix}thread_id"))
    quoted = _("“{text}”", text=question_excerpt(item[f"{prefix}text"], [item["course"]], limit))
    url = message_link(at)
    return f'<a href="{url}">{quoted}</a>' if url else quoted


def offer_text(item: dict[str, Any], private: bool) -> str:
    earlier = _linked(item, "earlier_", 160)
    answer = escape(item["answer"])
    if private:
        return _(
            "About your question {question} in {course}: it was asked before, {earlier}, "
            "and answered:\n<blockquote>{answer}</blockquote>\nDoes that answer it?",
            question=_linked(item, "", 120),
            course=item["course"],
            earlier=earlier,
            answer=answer,
        )
    return _(
        "This was asked before: {earlier}, and answered:\n<blockquote>{answer}</blockquote>\n"
        "Does that answer it? (Only the person who asked can say.)",
        earlier=earlier,
        answer=answer,
    )


def offer_keyboard(question_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("That answers it"), callback_data=offer_button(True, question_id)),
                InlineKeyboardButton(_("Not quite"), callback_data=offer_button(False, question_id)),
            ]
        ]
    )


def duplicate_text(item: dict[str, Any]) -> str:
    asker, earlier = escape(item["asker"]), _linked(item, "earlier_", 160)
    if item.get("earlier_later"):  # not "before": the facilitator kept the later one
        return _(
            "{asker}, this question is followed in another thread: {earlier}. Have a look there.",
            asker=asker,
            earlier=earlier,
        )
    if not item.get("earlier_answered", True):  # pointers queued before this was recorded were answered
        return _(
            "{asker}, this was asked before: {earlier}. Follow it there for the answer.",
            asker=asker,
            earlier=earlier,
        )
    return _(
        "{asker}, this was asked and answered before: {earlier}. Have a look there.",
        asker=asker,
        earlier=earlier,
    )


NOT_A_LINK = N_(
    "I couldn't read “{text}” as a link to a message. In Telegram, copy the earlier question's link "
    "(Copy Message Link) and paste it after /duplicate."
)


def marked(question: Question, earlier: Question) -> str:
    """To the facilitator who marked it from an alert, in private: both questions, linked."""
    return _(
        "Marked as a duplicate: {question} is resolved, and {asker} is pointed to {earlier}.",
        question=_quoted(question, 80),
        asker=escape(question.asker.name),
        earlier=_quoted(earlier, 80),
    )


def _quoted(question: Question, limit: int = 120) -> str:
    """A question's excerpt, quoted, linked to its message where there is a link."""
    quoted = _("“{text}”", text=question_excerpt(question.text, [], limit))
    url = message_link(question.ref)
    return f'<a href="{url}">{quoted}</a>' if url else quoted


def settled(question: Question, earlier: Question | None, accepted: bool, in_group: bool) -> str:
    """The offer once its asker pressed a button: in private, which question of theirs; in the
    group, everyone reads who decided and which earlier question holds the answer."""
    if not in_group:
        if accepted:
            return _(
                "✅ Glad it helped — your question {question} is marked as solved.",
                question=_quoted(question),
            )
        return _("Got it — your question {question} stays open for the course.", question=_quoted(question))
    asker = escape(question.asker.name)
    if earlier is None:
        if accepted:
            return _("✅ Glad it helped, {asker}: the question is marked as solved.", asker=asker)
        return _("Got it, {asker}: the question stays open for the course.", asker=asker)
    if accepted:
        return _(
            "✅ Glad it helped, {asker}: the answer to {earlier} settles it, "
            "and the question is marked as solved.",
            asker=asker,
            earlier=_quoted(earlier, 80),
        )
    return _(
        "Got it, {asker}: the answer to {earlier} isn't quite it, so the question stays open for the course.",
        asker=asker,
        earlier=_quoted(earlier, 80),
    )
