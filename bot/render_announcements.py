"""What Flock says about scheduled announcements: the facilitator's confirmations and list, and
what the facilitators are told when a post could not go everywhere as asked."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from bot.i18n import _, ngettext
from bot.render_sessions import when
from facilitation.languages import N_
from facilitation.model import Announcement

EXCERPT = 60
_TAG = re.compile(r"<[^>]+>")
NOT_YOURS = N_("Reply to a message you wrote yourself: I announce facilitators' own words.")
UNSUPPORTED = N_("I can announce a text, a photo or a document. Reply to one of those.")
ID_USAGE = N_("Give the announcement's number, like <code>{command} 3</code>. /announcements lists them.")
NONE_PENDING = N_("No announcements waiting to go out. Schedule one with /announce.")


def excerpt(data_html: str, kind: str) -> str:
    """A short plain-text start of the announcement, escaped for HTML."""
    plain = " ".join(html.unescape(_TAG.sub("", data_html)).split())
    if not plain:
        plain = _("(a photo)") if kind == "photo" else _("(a document)")
    elif len(plain) > EXCERPT:
        plain = plain[: EXCERPT - 1].rstrip() + "…"
    return html.escape(plain, quote=False)


RHYTHMS = {None: N_("once"), 1: N_("every day"), 7: N_("every week"), 14: N_("every 2 weeks")}


def rhythm(announcement: Announcement) -> str:
    return _(RHYTHMS.get(announcement.every_days, RHYTHMS[7]))


def _where(announcement: Announcement) -> str:
    if announcement.chat_id is not None:
        return _("this chat only")
    count = len(announcement.chats)
    return ngettext("{count} chat of the course", "all {count} chats of the course", count)


def _next(announcement: Announcement) -> str:
    assert announcement.next_at is not None
    return when(announcement.next_at, announcement.course.settings.timezone)


def scheduled(announcement: Announcement) -> str:
    pinned = _(" It will be pinned.") if announcement.pin else ""
    return _(
        "Scheduled announcement <b>{number}</b> for {course}: {start}, {rhythm}, to {where}.{pinned}\n"
        "“{excerpt}”\n"
        "/announcements lists what is waiting; <code>/announce_cancel {number}</code> cancels it.",
        number=announcement.id,
        course=announcement.course.tag,
        start=_next(announcement),
        rhythm=rhythm(announcement),
        where=_where(announcement),
        pinned=pinned,
        excerpt=excerpt(announcement.content.html, announcement.content.kind),
    )


def pending(found: list[Announcement]) -> str:
    if not found:
        return _(NONE_PENDING)
    lines = [
        ngettext("<b>{count} announcement waiting</b>", "<b>{count} announcements waiting</b>", len(found))
    ]
    for a in found:
        pin = " 📌" if a.pin else ""
        lines.append(
            _(
                "<b>{number}</b> · {course} · {start} · {rhythm} · {where}{pin}\n    “{excerpt}”",
                number=a.id,
                course=a.course.tag,
                start=_next(a),
                rhythm=rhythm(a),
                where=_where(a),
                pin=pin,
                excerpt=excerpt(a.content.html, a.content.kind),
            )
        )
    return "\n".join(lines)


def cancelled(announcement: Announcement) -> str:
    return _(
        "Cancelled announcement {number} (“{excerpt}”). It won't go out again.",
        number=announcement.id,
        excerpt=excerpt(announcement.content.html, announcement.content.kind),
    )


def _chats(data: dict[str, Any]) -> str:
    return ", ".join(html.escape(str(title), quote=False) for title in data["chats"])


def skipped(data: dict[str, Any]) -> str:
    return _(
        "Announcement {number} of {course} (“{excerpt}”) was not posted in {chats}: "
        "the chat is no longer attached to the course, or it removed me. "
        "I won't mention it again for this announcement.",
        number=data["announcement_id"],
        course=data["course"],
        excerpt=excerpt(data["html"], data["kind"]),
        chats=_chats(data),
    )


def not_pinned(data: dict[str, Any]) -> str:
    return _(
        "Announcement {number} of {course} (“{excerpt}”) was posted in {chats} but I couldn't pin it. "
        "Make me an admin allowed to pin messages there.",
        number=data["announcement_id"],
        course=data["course"],
        excerpt=excerpt(data["html"], data["kind"]),
        chats=_chats(data),
    )


def moment(value: datetime, timezone: str) -> str:
    return when(value, timezone)
