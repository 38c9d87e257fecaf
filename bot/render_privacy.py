"""/privacy, /forget_me and /forget: what Flock says, and the confirm buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import forget_button
from bot.links import deep_link
from bot.texts import name
from bot.tick import INBOX_RETENTION
from facilitation.model import Footprint
from facilitation.privacy import FORMER_LEARNER, REMOVED, Forgetting

INBOX_DAYS = INBOX_RETENTION.days

EXPLAINED = (
    "<b>Your data in Flock</b>\n\n"
    "<b>What I store</b>\n"
    "• Your name and @username as Telegram shows them, and when you last posted.\n"
    "• Introductions (<code>#intro</code>, /intro), with their text.\n"
    "• Questions and answers in course chats, with their text and time; whether a question was "
    "solved, claimed by a facilitator (“I'll take it”) or dismissed, and what you answered to "
    "“Did this answer your question?”. I react with 👀 or 🤗 but keep no other reactions.\n"
    "• Questions for guest experts (also those asked anonymously: facilitators see who asked), "
    "upvotes, the guest's answers and the session transcript.\n"
    f"• Every update Telegram sends me, as it arrived, for {INBOX_DAYS} days, so that nothing is "
    "lost if I restart; then it is deleted.\n\n"
    "<b>For how long</b>\n"
    "As long as the course exists, unless its facilitators set a retention "
    "(<code>/settings retention 90d</code>): message texts older than that are then replaced "
    f"with “{REMOVED}”. Raw updates: {INBOX_DAYS} days.\n\n"
    "<b>Who can see it</b>\n"
    "The facilitators of the course you posted in: in alerts, digests, /roster, /stats and "
    "/export (a zip of CSV files they can download). A guest sees the questions of their "
    "session, without the names of anonymous askers. Other learners see only what you posted "
    "in the group.\n\n"
    "<b>How to remove it</b>\n"
    f"• /forget_me (here): deletes your introductions, replaces the text of your questions and "
    f"answers in every course with “{REMOVED}” and drops your name and username (you appear as "
    f"“{FORMER_LEARNER}”). Counts stay, so a course's numbers still add up.\n"
    "• A facilitator can /forget a learner's words in their course.\n"
    "• A course's retention removes old texts for everyone."
)


def in_group(bot_username: str) -> str:
    return (
        "Flock stores introductions, questions and answers posted in course chats (with their "
        "text), names and usernames, and raw updates for a week; the course's facilitators can "
        f'see and export them. <a href="{deep_link(bot_username)}">Open a private chat with me</a> '
        "and send /privacy for the details, or /forget_me to remove your words."
    )


def forget_me_in_group(bot_username: str) -> str:
    return (
        "Let's do that privately: "
        f'<a href="{deep_link(bot_username)}">open a chat with me</a> and send /forget_me there. '
        "Nothing was changed."
    )


def _listed(footprint: Footprint) -> str:
    counts = [
        (footprint.introductions, "introduction", "introductions"),
        (footprint.questions, "question", "questions"),
        (footprint.answers, "answer", "answers"),
        (footprint.guest_questions, "guest-session question", "guest-session questions"),
        (footprint.guest_answers, "answer given as a guest", "answers given as a guest"),
    ]
    # "1 question", not "0 introductions, 1 question and 0 answers"
    items = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    if not items:
        return "no introductions, questions or answers"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def forget_me_prompt(footprint: Footprint) -> str:
    return (
        "<b>Forget me?</b>\n"
        f"In every course, this deletes your introductions and replaces the text of your questions "
        f"and answers with “{REMOVED}” ({_listed(footprint)}). The counts stay, so each course's "
        f"numbers still add up. Your name and username go too: you'll appear as “{FORMER_LEARNER}”. "
        f"Your words also leave the updates I keep for {INBOX_DAYS} days.\n\n"
        "This can't be undone."
    )


def forgotten_me(footprint: Footprint) -> str:
    return (
        f"Done. Removed {_listed(footprint)}. You now appear as “{FORMER_LEARNER}”. "
        "If you post in a course again, I'll store that like anything new."
    )


def forget_prompt(found: Forgetting) -> str:
    who, tag = name(found.person), found.course.tag
    return (
        f"<b>Forget {who} in {tag}?</b>\n"
        f"This deletes their introduction and replaces the text of their questions and answers in "
        f"{tag} with “{REMOVED}” ({_listed(found.footprint)}); the counts stay. Other courses are "
        "not touched.\n\nThis can't be undone."
    )


def forgotten(found: Forgetting) -> str:
    return f"Done. Removed {name(found.person)}'s words from {found.course.tag}: {_listed(found.footprint)}."


def nothing_to_forget(found: Forgetting) -> str:
    return f"I have no introductions, questions or answers of {name(found.person)} in {found.course.tag}."


FORGET_USAGE = (
    "Reply to a learner's message with /forget, or name them: <code>/forget @username</code> "
    "(in private, add the course: <code>/forget @username #tag</code>)."
)
CANNOT_FORGET_BOT = "That's a bot's message. Reply to a learner's message instead."
CANCELLED = "Cancelled. Nothing was removed."
NOT_YOURS = "This button isn't for you."


def keyboard(person_id: int, course_id: int | None, label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=forget_button(True, person_id, course_id)),
                InlineKeyboardButton("Cancel", callback_data=forget_button(False, person_id, course_id)),
            ]
        ]
    )


def forget_label(found: Forgetting) -> str:
    return f"Forget {found.person.name[:40]}"
