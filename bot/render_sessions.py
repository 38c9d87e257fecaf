"""Guest-session messages: announcements, invites, changes, reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import ask_button, vote_button
from bot.links import deep_link
from bot.texts import escape, excerpt
from facilitation.model import GuestSession


def when(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a %-d %b, %H:%M} ({escape(timezone)})"


def _when(data: dict[str, Any]) -> str:
    return when(datetime.fromisoformat(data["starts_at"]), data["timezone"])


def _minutes(data: dict[str, Any]) -> int:
    span = datetime.fromisoformat(data["ends_at"]) - datetime.fromisoformat(data["starts_at"])
    return int(span.total_seconds() // 60)


def length(minutes: int) -> str:
    """90 min, 2 h, 2 h 30 min."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours} h"
    return f"{minutes} min" if hours < 2 else f"{hours} h {rest} min"


def scheduled(session: GuestSession, bot_username: str) -> str:
    invite = deep_link(bot_username, f"guest_{session.invite_token}")
    start = when(session.starts_at, session.course.settings.timezone)
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return (
        f"Scheduled session <b>{session.id}</b>: “{escape(session.title)}” with "
        f"@{escape(session.guest_username)}, {start}, {length(minutes)}.\n\n"
        f"Send this invite link to @{escape(session.guest_username)} only — it binds the first "
        f"account that opens it as the guest:\n{invite}"
    )


def announced(data: dict[str, Any], bot_username: str) -> str:
    ask = deep_link(bot_username, f"ask_{data['session_id']}")
    return (
        f"🎤 <b>Guest Q&amp;A: {escape(data['title'])}</b> with @{escape(data['guest'])}\n"
        f"{_when(data)}, {_minutes(data)} min.\n\n"
        f"Ask your question now: <code>/askguest your question</code> here, reply to this message, "
        f'or <a href="{ask}">ask privately</a> (anonymously if you like). '
        "Upvote the questions you want answered most."
    )


def cancelled(data: dict[str, Any]) -> str:
    return f"❌ The guest Q&amp;A “{escape(data['title'])}” ({_when(data)}) is cancelled."


def moved(data: dict[str, Any]) -> str:
    return f"🕒 The guest Q&amp;A “{escape(data['title'])}” moved to {_when(data)}."


def reminder(data: dict[str, Any]) -> str:
    return (
        f"⏰ Reminder: your Q&amp;A “{escape(data['title'])}” with {data['course']} starts in "
        f"{data['before']} ({_when(data)}). I'll send you the top questions at the start."
    )


def guest_not_ready(data: dict[str, Any]) -> str:
    return (
        f"⚠️ @{escape(data['guest'])} hasn't opened the invite for “{escape(data['title'])}” yet, and it "
        f"starts in {data['before']} ({_when(data)}). /sessions shows it."
    )


def welcome_guest(session: GuestSession) -> str:
    return (
        f"Welcome! You're the guest of <b>{escape(session.title)}</b> for {session.course.tag}, "
        f"{when(session.starts_at, session.course.settings.timezone)}.\n\n"
        "How it works: learners collect and upvote questions until the start. Then I send you the "
        "top questions in small batches, each as its own message. Reply to a question to answer "
        "it — I pass every answer back to the group and to whoever asked. /skip as a reply passes "
        "on a question. More questions follow as you answer."
    )


def session_list(sessions: list[GuestSession]) -> str:
    if not sessions:
        return "No guest sessions coming up."
    lines = ["<b>Guest sessions</b>"]
    for s in sessions:
        state = "🔴 live now" if s.phase.value == "live" else when(s.starts_at, s.course.settings.timezone)
        guest = "" if s.guest_id else " · guest hasn't opened the invite yet"
        lines.append(
            f"<b>{s.id}</b> · {s.course.tag} · “{escape(s.title)}” with @{escape(s.guest_username)} "
            f"· {state}{guest}"
        )
    return "\n".join(lines)


GUEST_USAGE = (
    'Usage: <code>/guest @username "Title" start [duration]</code>, for example '
    '<code>/guest @ada "Careers in data" tomorrow 15:00 90m</code>. Start: '
    "<code>2026-12-01 15:00</code>, <code>15:00</code>, <code>tomorrow 15:00</code> or "
    "<code>in 45m</code>, in the course's time zone."
)
SESSION_ID_USAGE = "Give the session number: <code>{command} 12</code> (see /sessions)."


def board(data: dict[str, Any], bot_username: str) -> str:
    """The announcement with the questions so far, best first; once ended, the outcome."""
    if data.get("ended"):
        return final_board(data, bot_username)
    lines = [announced(data, bot_username)]
    questions = data.get("questions", [])
    if questions:
        lines.append("\n<b>Questions so far</b> (tap to upvote)")
        for q in questions:
            who = f" — {escape(q['asker'])}" if q["asker"] else " — anonymous"
            lines.append(f"<b>Q{q['n']}.</b> {excerpt(q['text'], 160)}{who} · 👍 {q['votes']}")
        if data.get("more"):
            lines.append(f"…and {data['more']} more")
    return "\n".join(lines)


def final_board(data: dict[str, Any], bot_username: str) -> str:
    link = deep_link(bot_username, f"transcript_{data['session_id']}")
    return (
        f"🎤 <b>Guest Q&amp;A: {escape(data['title'])}</b> with @{escape(data['guest'])}\n"
        f"{_when(data)}, {_minutes(data)} min.\n\n"
        f"This session has ended: {data['answered']} of {data['asked']} questions answered. "
        f'Thank you all! <a href="{link}">Read the transcript</a>.'
    )


def board_keyboard(data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    questions = data.get("questions", [])
    if not questions:
        return None
    # "Q2 · 👍 3": which question (its number for good, as on the board's line, the guest's copy
    # and the transcript), then its votes. By number, not by votes: a button stays where it was
    # while the lines above move, so a tap never lands on a question that has just moved there.
    buttons = [
        InlineKeyboardButton(f"Q{q['n']} · 👍 {q['votes']}", callback_data=vote_button(q["id"]))
        for q in sorted(questions, key=lambda q: q["n"])
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def asked_reply(merged: bool, title: str) -> str:
    if merged:
        return f"Someone asked that already for “{escape(title)}”, so I've added you to it."
    return f"Added to the board for “{escape(title)}”. Others can upvote it."


def ask_privately(session: GuestSession) -> str:
    return (
        f"Your question for <b>{escape(session.title)}</b> ({session.course.tag}): type it as your "
        "next message here. It goes with your name; tap “Ask anonymously” first to keep your name "
        "from the guest and the group (facilitators still see it).\n"
        f"Or send <code>/askguest {session.id} your question</code> or "
        f"<code>/askguest {session.id} anon your question</code>."
    )


def ask_privately_keyboard(session: GuestSession) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ask with my name", callback_data=ask_button(False, session.id)),
                InlineKeyboardButton("Ask anonymously", callback_data=ask_button(True, session.id)),
            ]
        ]
    )


def ask_mode_chosen(anonymous: bool) -> str:
    return "Now type your question: it goes " + ("anonymously." if anonymous else "with your name.")


ASKGUEST_USAGE = (
    "Usage: <code>/askguest your question</code> (add the session number when several are running)."
)


def guest_question(data: dict[str, Any]) -> str:
    who = f"asked by {escape(data['asker'])}" if data.get("asker") else "asked anonymously"
    return (
        f"❓ <b>Question {data['n']}</b> for “{escape(data['title'])}” ({who}):\n\n{escape(data['text'])}\n\n"
        "<i>Reply to this message to answer, or reply /skip to pass.</i>"
    )


QUOTED = 300  # a question quoted above its answer, or in a list


def guest_answer(data: dict[str, Any]) -> str:
    who = f" (asked by {escape(data['asker'])})" if data.get("asker") else ""
    question = f"<i>{excerpt(data['text'], QUOTED)}</i>"  # shortened: the answer is what matters
    return f"🎤 <b>@{escape(data['guest'])} answers</b>{who}:\n{question}\n\n{escape(data['answer'])}"


def guest_answer_private(data: dict[str, Any]) -> str:
    return (
        f"🎤 @{escape(data['guest'])} answered your question in “{escape(data['title'])}”:\n"
        f"<i>{excerpt(data['text'], QUOTED)}</i>\n\n{escape(data['answer'])}"
    )


def transcript_caption(data: dict[str, Any]) -> str:
    caption = f"📝 Transcript of “{escape(data['title'])}” with @{escape(data['guest'])}"
    return caption + (", updated with a late answer" if data.get("late") else "")


def leftovers(data: dict[str, Any]) -> str:
    lines = [f"“{escape(data['title'])}” has ended. These questions got no answer from the guest:"]
    for q in data["questions"]:
        who = escape(q["asker"]) if q["asker"] else f"{escape(q.get('asked_by', ''))} (anonymously)"
        late = " · ✅ answered late" if q.get("late") else ""
        lines.append(f"Q{q['n']}. {excerpt(q['text'], QUOTED)} — {who}{late}")
    return "\n".join(lines)


def guest_thanks(data: dict[str, Any]) -> str:
    answered = data["answered"]
    return (
        f"🙏 Thank you for “{escape(data['title'])}”! You answered {answered} "
        f"question{'' if answered == 1 else 's'}; the transcript is in the course chat."
    )


ANSWER_SENT = "✅ Thanks — your answer is on its way to the group and to whoever asked."
SKIPPED = "Skipped."
