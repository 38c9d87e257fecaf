"""/privacy, /forget_me and /forget: what Flock says, and the confirm buttons.

REMOVED and FORMER_LEARNER are what forgetting stores in place of words and names, in English;
they are shown, and quoted here, in the reader's language (texts.excerpt, texts.name).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import forget_button
from bot.i18n import N_, _, ngettext
from bot.links import deep_link
from bot.texts import name
from bot.tick import INBOX_RETENTION
from facilitation import following
from facilitation.model import Footprint
from facilitation.privacy import FORMER_LEARNER, REMOVED, Forgetting

INBOX_DAYS = INBOX_RETENTION.days

_EXPLAINED = N_(
    "<b>Your data in Flock</b>\n\n"
    "<b>What I store</b>\n"
    "• Your name and @username as Telegram shows them, and when you last posted.\n"
    "• Introductions (<code>#intro</code>, /intro), with their text.\n"
    "• Questions and answers in course chats, with their text and time; whether a question was "
    "solved, claimed by a facilitator (“I'll take it”) or dismissed, and what you answered to "
    "“Did this answer your question?”. I react with 👀, 🤗 or ✍.\n"
    "• Answers to scheduled discussions, the replies to them and the reactions they get (who "
    "reacted, with what), for the discussion's recap and transcript. I keep no other reactions.\n"
    "• Questions for guest experts (also those asked anonymously: facilitators see who asked), "
    "upvotes, the guest's answers and the session transcript.\n"
    "• If you said I may ping you about questions (/helper): that choice in each course, the "
    "topics you gave, and the questions I pointed at you, with whether you said you'd answer.\n"
    "• Every update Telegram sends me, as it arrived, for {days} days, so that nothing is "
    "lost if I restart; then it is deleted.\n\n"
    "<b>For how long</b>\n"
    "As long as the course exists, unless its facilitators set a retention "
    "(<code>/settings retention 90d</code>): message texts older than that are then replaced "
    "with “{removed}”. Raw updates: {days} days.\n\n"
    "<b>Who can see it</b>\n"
    "The facilitators of the course you posted in: in alerts, digests, /roster, /stats and "
    "/export (a zip of CSV files they can download). A guest sees the questions of their "
    "session, without the names of anonymous askers. Other learners see only what you posted "
    "in the group.\n\n"
    "<b>How to remove it</b>\n"
    "• /forget_me (here): deletes your introductions, helper topics and discussion answers, replies and "
    "reactions, replaces the text of your questions and "
    "answers in every course with “{removed}” and drops your name and username (you appear as "
    "“{former}”). Counts stay, so a course's numbers still add up.\n"
    "• A facilitator can /forget a learner's words in their course.\n"
    "• A course's retention removes old texts for everyone."
)


_FOLLOWING = N_(
    "<b>Following a hashtag</b>\n"
    "In a group or channel whose admin ran <code>/share #tag</code>, I keep each post carrying "
    "that hashtag: its author's name, the chat's name, a link to it, its text and links, and "
    "how many reactions and replies it got. Once a day I send what is new to those who "
    "<code>/follow #tag</code>: course groups whose facilitators follow it, and people who "
    "follow it privately (only posts from chats they can read). Nothing is kept from chats "
    "that did not share the hashtag.\n"
    "• <code>/share off #tag</code> deletes what was kept under it.\n"
    "• /forget_me deletes your posts kept this way, and none of yours is kept again; a "
    "facilitator's /forget deletes those posted in their course's chats.\n"
    "• A catch-up already sent stays in the chats it was sent to."
)

_STORIES = N_(
    "<b>Stories</b>\n"
    "A post with <code>#story</code> or <code>#win</code> in a course chat is kept as a story: "
    "your name, its text, a link to it, and what you said when I asked privately whether it may "
    "be shared beyond the group (as your first name, as “a learner”, or not at all). I never ask "
    "if you haven't started me, and then it stays in the group. The course's facilitators see "
    "its stories (/stories, /export). Only a story you said yes to is posted, once, to the "
    "course's showcase (a group or channel its facilitators chose), with the name you chose.\n"
    "• /forget_me deletes your stories, and a facilitator's /forget those of their course; "
    "their showcase posts are deleted too. Telegram lets me delete a message only for 48 "
    "hours: an older one is sent to the course's facilitators to delete by hand."
)


def explained() -> str:
    return (
        _(_EXPLAINED, days=INBOX_DAYS, removed=_(REMOVED), former=_(FORMER_LEARNER))
        + "\n\n"
        + _(_FOLLOWING)
        + "\n"
        + _("• What is kept this way is deleted after {days} days.", days=following.KEPT.days)
        + "\n\n"
        + _(_STORIES)
    )


def in_group(bot_username: str) -> str:
    return _(
        "Flock stores introductions, questions and answers posted in course chats (with their "
        "text), names and usernames, and raw updates for a week; the course's facilitators can "
        'see and export them. <a href="{link}">Open a private chat with me</a> '
        "and send /privacy for the details, or /forget_me to remove your words.",
        link=deep_link(bot_username),
    )


def forget_me_in_group(bot_username: str) -> str:
    return _(
        "Let's do that privately: "
        '<a href="{link}">open a chat with me</a> and send /forget_me there. '
        "Nothing was changed.",
        link=deep_link(bot_username),
    )


def _listed(footprint: Footprint) -> str:
    f = footprint
    # "1 question", not "0 introductions, 1 question and 0 answers"
    items = [
        text
        for n, text in (
            (f.introductions, ngettext("{count} introduction", "{count} introductions", f.introductions)),
            (f.questions, ngettext("{count} question", "{count} questions", f.questions)),
            (f.answers, ngettext("{count} answer", "{count} answers", f.answers)),
            (
                f.guest_questions,
                ngettext(
                    "{count} guest-session question", "{count} guest-session questions", f.guest_questions
                ),
            ),
            (
                f.guest_answers,
                ngettext(
                    "{count} answer given as a guest", "{count} answers given as a guest", f.guest_answers
                ),
            ),
            (f.stories, ngettext("{count} story", "{count} stories", f.stories)),
        )
        if n
    ]
    if not items:
        return _("no introductions, questions or answers")
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def forget_me_prompt(footprint: Footprint) -> str:
    return _(
        "<b>Forget me?</b>\n"
        "In every course, this deletes your introductions and replaces the text of your questions "
        "and answers with “{removed}” ({listed}). The counts stay, so each course's "
        "numbers still add up. Your name and username go too: you'll appear as “{former}”. "
        "Your words also leave the updates I keep for {days} days.\n\n"
        "This can't be undone.",
        removed=_(REMOVED),
        listed=_listed(footprint),
        former=_(FORMER_LEARNER),
        days=INBOX_DAYS,
    ) + _("\nPosts of yours kept for those following a hashtag are deleted too, and none is kept again.")


def forgotten_me(footprint: Footprint) -> str:
    return _(
        "Done. Removed {listed}. You now appear as “{former}”. "
        "If you post in a course again, I'll store that like anything new.",
        listed=_listed(footprint),
        former=_(FORMER_LEARNER),
    )


def forget_prompt(found: Forgetting) -> str:
    return _(
        "<b>Forget {who} in {tag}?</b>\n"
        "This deletes their introduction and replaces the text of their questions and answers in "
        "{tag} with “{removed}” ({listed}); the counts stay. Other courses are "
        "not touched.\n\nThis can't be undone.",
        who=name(found.person),
        tag=found.course.tag,
        removed=_(REMOVED),
        listed=_listed(found.footprint),
    )


def forgotten(found: Forgetting) -> str:
    return _(
        "Done. Removed {who}'s words from {tag}: {listed}.",
        who=name(found.person),
        tag=found.course.tag,
        listed=_listed(found.footprint),
    )


def nothing_to_forget(found: Forgetting) -> str:
    return _(
        "I have no introductions, questions or answers of {who} in {tag}.",
        who=name(found.person),
        tag=found.course.tag,
    )


FORGET_USAGE = N_(
    "Reply to a learner's message with /forget, or name them: <code>/forget @username</code> "
    "(in private, add the course: <code>/forget @username #tag</code>)."
)
CANNOT_FORGET_BOT = N_("That's a bot's message. Reply to a learner's message instead.")
CANCELLED = N_("Cancelled. Nothing was removed.")
NOT_YOURS = N_("This button isn't for you.")
NOT_VALID = N_("That button isn't valid any more.")
FORGET_ME = N_("Forget me")


def keyboard(person_id: int, course_id: int | None, label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=forget_button(True, person_id, course_id)),
                InlineKeyboardButton(_("Cancel"), callback_data=forget_button(False, person_id, course_id)),
            ]
        ]
    )


def forget_label(found: Forgetting) -> str:
    return _("Forget {name}", name=found.person.name[:40])
