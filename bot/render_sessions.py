"""Guest-session messages: announcements, invites, changes, reminders.

Written in the reader's language: the boards, recaps and answers posted in a course's chats in
the course's, the guest's batches, reminders and thanks in the guest's (the sender speaks each
row's reader's language)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import i18n
from bot.callbacks import ask_button, vote_button
from bot.i18n import N_, _, ngettext
from bot.links import deep_link
from bot.texts import escape, excerpt, shown_name
from facilitation.model import GuestSession


def when(moment: datetime, timezone: str) -> str:
    """ "Tue 3 Nov, 15:00 (UTC)" / "mar. 3 nov. à 15:00 (UTC)"."""
    return f"{i18n.when(moment, ZoneInfo(timezone))} ({escape(timezone)})"


def _when(data: dict[str, Any]) -> str:
    return when(datetime.fromisoformat(data["starts_at"]), data["timezone"])


def _minutes(data: dict[str, Any]) -> int:
    span = datetime.fromisoformat(data["ends_at"]) - datetime.fromisoformat(data["starts_at"])
    return int(span.total_seconds() // 60)


def minutes(count: int) -> str:
    """ "90 min" / "90 minutes"."""
    return ngettext("{count} min", "{count} min", count)


def length(total: int) -> str:
    """90 min, 2 h, 2 h 30 min (90 minutes, 2 heures, 2 h 30)."""
    hours, rest = divmod(total, 60)
    if not rest:
        return ngettext("{count} h", "{count} h", hours)
    if hours < 2:
        return minutes(total)
    return _("{hours} h {minutes} min", hours=hours, minutes=rest)


def _before(data: dict[str, Any]) -> str:
    """How long until the start, as the reminder was queued: "1h", "15m" / "1 heure"."""
    if "before_minutes" not in data:  # queued by an older version: its English words
        return str(data["before"])
    return i18n.compact_length(timedelta(minutes=data["before_minutes"]))


def scheduled(session: GuestSession, bot_username: str) -> str:
    invite = deep_link(bot_username, f"guest_{session.invite_token}")
    start = when(session.starts_at, session.course.settings.timezone)
    total = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return _(
        "Scheduled session <b>{number}</b>: “{title}” with @{guest}, {start}, {length}.\n\n"
        "Send this invite link to @{guest} only — it binds the first account that opens it as the "
        "guest:\n{invite}",
        number=session.id,
        title=escape(session.title),
        guest=escape(session.guest_username),
        start=start,
        length=length(total),
        invite=invite,
    )


def _heading(data: dict[str, Any]) -> str:
    return _(
        "🎤 <b>Guest Q&amp;A: {title}</b> with @{guest}\n{start}, {length}.",
        title=escape(data["title"]),
        guest=escape(data["guest"]),
        start=_when(data),
        length=length(_minutes(data)),
    )


def announced(data: dict[str, Any], bot_username: str) -> str:
    ask = deep_link(bot_username, f"ask_{data['session_id']}")
    invitation = _(
        "Ask your question now: <code>/askguest your question</code> here, reply to this message, "
        'or <a href="{link}">ask privately</a> (anonymously if you like). '
        "Upvote the questions you want answered most.",
        link=ask,
    )
    return f"{_heading(data)}\n\n{invitation}"


def cancelled(data: dict[str, Any]) -> str:
    return _(
        "❌ The guest Q&amp;A “{title}” ({start}) is cancelled.",
        title=escape(data["title"]),
        start=_when(data),
    )


def moved(data: dict[str, Any]) -> str:
    return _(
        "🕒 The guest Q&amp;A “{title}” moved to {start}.", title=escape(data["title"]), start=_when(data)
    )


def reminder(data: dict[str, Any]) -> str:
    return _(
        "⏰ Reminder: your Q&amp;A “{title}” with {course} starts in {before} ({start}). "
        "I'll send you the top questions at the start.",
        title=escape(data["title"]),
        course=data["course"],
        before=_before(data),
        start=_when(data),
    )


def guest_not_ready(data: dict[str, Any]) -> str:
    return _(
        "⚠️ @{guest} hasn't opened the invite for “{title}” yet, and it starts in {before} ({start}). "
        "/sessions shows it.",
        guest=escape(data["guest"]),
        title=escape(data["title"]),
        before=_before(data),
        start=_when(data),
    )


def welcome_guest(session: GuestSession) -> str:
    return _(
        "Welcome! You're the guest of <b>{title}</b> for {course}, {start}.\n\n"
        "How it works: learners collect and upvote questions until the start. Then I send you the "
        "top questions in small batches, each as its own message. Reply to a question to answer "
        "it — I pass every answer back to the group and to whoever asked. /skip as a reply passes "
        "on a question. More questions follow as you answer.",
        title=escape(session.title),
        course=session.course.tag,
        start=when(session.starts_at, session.course.settings.timezone),
    )


def session_list(sessions: list[GuestSession]) -> str:
    if not sessions:
        return _("No guest sessions coming up.")
    lines = [_("<b>Guest sessions</b>")]
    for s in sessions:
        state = _("🔴 live now") if s.phase.value == "live" else when(s.starts_at, s.course.settings.timezone)
        params = {
            "number": s.id,
            "course": s.course.tag,
            "title": escape(s.title),
            "guest": escape(s.guest_username),
            "state": state,
        }
        if s.guest_id:
            lines.append(_("<b>{number}</b> · {course} · “{title}” with @{guest} · {state}", **params))
        else:
            lines.append(
                _(
                    "<b>{number}</b> · {course} · “{title}” with @{guest} · {state} · guest hasn't "
                    "opened the invite yet",
                    **params,
                )
            )
    return "\n".join(lines)


GUEST_USAGE = N_(
    'Usage: <code>/guest @username "Title" start [duration]</code>, for example '
    '<code>/guest @ada "Careers in data" tomorrow 15:00 90m</code>. Start: '
    "<code>2026-12-01 15:00</code>, <code>15:00</code>, <code>tomorrow 15:00</code> or "
    "<code>in 45m</code>, in the course's time zone."
)
SESSION_ID_USAGE = N_("Give the session number: <code>{command} 12</code> (see /sessions).")
MOVE_USAGE = N_("Give the session number: <code>{command} 12</code> (see /sessions). Then the new start.")
HIDE_USAGE = N_("Usage: <code>/session_hide 12 3</code> hides question 3 of session 12.")
BATCH_USAGE = N_("Usage: <code>/session_batch 12 3</code> sends the guest 3 questions at a time.")


def board(data: dict[str, Any], bot_username: str) -> str:
    """The announcement with the questions so far, best first; once ended, the outcome."""
    if data.get("ended"):
        return final_board(data, bot_username)
    lines = [announced(data, bot_username)]
    questions = data.get("questions", [])
    if questions:
        lines.append("\n" + _("<b>Questions so far</b> (tap to upvote)"))
        for q in questions:
            text, votes = excerpt(q["text"], 160), q["votes"]
            if q["asker"]:
                line = _(
                    "<b>Q{number}.</b> {text} — {asker} · 👍 {votes}",
                    number=q["n"],
                    text=text,
                    asker=shown_name(q["asker"]),
                    votes=votes,
                )
            else:
                line = _(
                    "<b>Q{number}.</b> {text} — anonymous · 👍 {votes}", number=q["n"], text=text, votes=votes
                )
            lines.append(line)
        if data.get("more"):
            lines.append(ngettext("…and {count} more", "…and {count} more", data["more"]))
    return "\n".join(lines)


def final_board(data: dict[str, Any], bot_username: str) -> str:
    link = deep_link(bot_username, f"transcript_{data['session_id']}")
    outcome = ngettext(
        "This session has ended: {answered} of {count} questions answered. "
        'Thank you all! <a href="{link}">Read the transcript</a>.',
        "This session has ended: {answered} of {count} questions answered. "
        'Thank you all! <a href="{link}">Read the transcript</a>.',
        data["asked"],
        answered=data["answered"],
        link=link,
    )
    return f"{_heading(data)}\n\n{outcome}"


def board_keyboard(data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    questions = data.get("questions", [])
    if not questions:
        return None
    # "Q2 · 👍 3": which question (its number for good, as on the board's line, the guest's copy
    # and the transcript), then its votes. By number, not by votes: a button stays where it was
    # while the lines above move, so a tap never lands on a question that has just moved there.
    buttons = [
        InlineKeyboardButton(
            _("Q{number} · 👍 {votes}", number=q["n"], votes=q["votes"]), callback_data=vote_button(q["id"])
        )
        for q in sorted(questions, key=lambda q: q["n"])
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def asked_reply(merged: bool, title: str) -> str:
    if merged:
        return _("Someone asked that already for “{title}”, so I've added you to it.", title=escape(title))
    return _("Added to the board for “{title}”. Others can upvote it.", title=escape(title))


def ask_privately(session: GuestSession) -> str:
    return _(
        "Your question for <b>{title}</b> ({course}): type it as your next message here. It goes "
        "with your name; tap “Ask anonymously” first to keep your name from the guest and the "
        "group (facilitators still see it).\n"
        "Or send <code>/askguest {number} your question</code> or "
        "<code>/askguest {number} anon your question</code>.",
        title=escape(session.title),
        course=session.course.tag,
        number=session.id,
    )


def ask_privately_keyboard(session: GuestSession) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Ask with my name"), callback_data=ask_button(False, session.id)),
                InlineKeyboardButton(_("Ask anonymously"), callback_data=ask_button(True, session.id)),
            ]
        ]
    )


def ask_mode_chosen(anonymous: bool) -> str:
    if anonymous:
        return _("Now type your question: it goes anonymously.")
    return _("Now type your question: it goes with your name.")


ASKGUEST_USAGE = N_(
    "Usage: <code>/askguest your question</code> (add the session number when several are running)."
)


def guest_question(data: dict[str, Any]) -> str:
    params = {"number": data["n"], "title": escape(data["title"]), "text": escape(data["text"])}
    if data.get("asker"):
        return _(
            "❓ <b>Question {number}</b> for “{title}” (asked by {asker}):\n\n{text}\n\n"
            "<i>Reply to this message to answer, or reply /skip to pass.</i>",
            asker=shown_name(data["asker"]),
            **params,
        )
    return _(
        "❓ <b>Question {number}</b> for “{title}” (asked anonymously):\n\n{text}\n\n"
        "<i>Reply to this message to answer, or reply /skip to pass.</i>",
        **params,
    )


QUOTED = 300  # a question quoted above its answer, or in a list


def guest_answer(data: dict[str, Any]) -> str:
    params = {
        "guest": escape(data["guest"]),
        "question": excerpt(data["text"], QUOTED),  # shortened: the answer is what matters
        "answer": escape(data["answer"]),
    }
    if data.get("asker"):
        return _(
            "🎤 <b>@{guest} answers</b> (asked by {asker}):\n<i>{question}</i>\n\n{answer}",
            asker=shown_name(data["asker"]),
            **params,
        )
    return _("🎤 <b>@{guest} answers</b>:\n<i>{question}</i>\n\n{answer}", **params)


def guest_answer_private(data: dict[str, Any]) -> str:
    return _(
        "🎤 @{guest} answered your question in “{title}”:\n<i>{question}</i>\n\n{answer}",
        guest=escape(data["guest"]),
        title=escape(data["title"]),
        question=excerpt(data["text"], QUOTED),
        answer=escape(data["answer"]),
    )


def transcript_caption(data: dict[str, Any]) -> str:
    params = {"title": escape(data["title"]), "guest": escape(data["guest"])}
    if data.get("late"):
        return _("📝 Transcript of “{title}” with @{guest}, updated with a late answer", **params)
    return _("📝 Transcript of “{title}” with @{guest}", **params)


def leftovers(data: dict[str, Any]) -> str:
    lines = [
        _("“{title}” has ended. These questions got no answer from the guest:", title=escape(data["title"]))
    ]
    for q in data["questions"]:
        if q["asker"]:
            who = shown_name(q["asker"])
        else:
            who = _("{name} (anonymously)", name=shown_name(q.get("asked_by", "")))
        params = {"number": q["n"], "text": excerpt(q["text"], QUOTED), "who": who}
        if q.get("late"):
            lines.append(_("Q{number}. {text} — {who} · ✅ answered late", **params))
        else:
            lines.append(_("Q{number}. {text} — {who}", **params))
    return "\n".join(lines)


def guest_thanks(data: dict[str, Any]) -> str:
    return ngettext(
        "🙏 Thank you for “{title}”! You answered {count} question; the transcript is in the course chat.",
        "🙏 Thank you for “{title}”! You answered {count} questions; the transcript is in the course chat.",
        data["answered"],
        title=escape(data["title"]),
    )


ANSWER_SENT = N_("✅ Thanks — your answer is on its way to the group and to whoever asked.")
SKIPPED = N_("Skipped.")
UPVOTED = N_("Upvoted 👍")
WITHDRAWN = N_("Vote withdrawn")
