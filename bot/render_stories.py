"""Stories' texts: the question to a story's author, the showcase post, /showcase, /stories."""

from __future__ import annotations

from html import escape as _escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import i18n
from bot.callbacks import story_button
from bot.i18n import N_, _, ngettext, when
from bot.links import message_link, post_link
from bot.texts import escape, excerpt
from facilitation.model import Consent, Course, MessageRef, Showcase, Story
from facilitation.stories import ShowcaseSet, first_name

HERE_IN_GROUP = N_("Run /showcase_here in the group that should show the stories.")
SHOWCASE_USAGE = N_(
    "<code>/showcase_here #course</code> in a group — the course's stories are posted there\n"
    "<code>/showcase #course @channel</code> — in a channel where I'm an admin\n"
    "<code>/showcase off #course</code> — stop posting them\n"
    "<code>/showcase</code> — where they go"
)
NO_CHANNEL = N_("I can't find {channel}. Add me to it as an admin who may post, then try again.")
A_LEARNER = N_("a learner")
ALREADY = N_("You've answered already: {choice}.")


def _a(url: str | None, label: str) -> str:
    return f'<a href="{url}">{label}</a>' if url else label


def _link(ref: MessageRef, label: str) -> str:
    return _a(message_link(ref), label)


def ask(data: dict[str, Any]) -> str:
    ref = MessageRef(data["chat_id"], data["message_id"], data.get("thread_id"))
    quoted = _link(ref, _("“{text}”", text=excerpt(data["text"], 300)))
    return _(
        "🎉 Thanks for sharing your story in {course}!\n{story}\n\n"
        "May we share this beyond the group? With your first name, or as “a learner”.",
        course=data["course"],
        story=quoted,
    )


def ask_keyboard(data: dict[str, Any]) -> InlineKeyboardMarkup:
    story_id = data["story_id"]
    name = data["first_name"]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("Yes, as {name}", name=name), callback_data=story_button("n", story_id))],
            [InlineKeyboardButton(_("Yes, as “a learner”"), callback_data=story_button("l", story_id))],
            [InlineKeyboardButton(_("Keep it in the group"), callback_data=story_button("k", story_id))],
        ]
    )


def choice(story: Story) -> str:
    """What its author chose, as /stories and the answered question say it."""
    if story.consent is Consent.NAME:
        return _("yes, as {name}", name=escape(first_name(story.author)))
    if story.consent is Consent.LEARNER:
        return _("yes, as “a learner”")
    if story.consent is Consent.KEPT:
        return _("kept in the group")
    if story.consent is Consent.NOT_STARTED:
        return _("not asked: hasn't started the bot")
    return _("asked, no answer yet")


def answered(story: Story) -> str:
    """The question, edited once answered."""
    if story.consent.shared:
        return _("🎉 Thank you! Your story may be shared beyond the group ({choice}).", choice=choice(story))
    return _("👍 Understood: your story stays in the group.")


def showcase_post(data: dict[str, Any]) -> str:
    """In the course's language: a showcase may be a chat no course is attached to."""
    with i18n.speaking(data.get("language") or i18n.spoken()):
        name = escape(data["name"]) if data.get("name") else _(A_LEARNER)
        return _(
            "🎉 <b>A story from {title}</b>\n\n{text}\n\n— {name}",
            title=escape(data["title"]),
            text=_escape(data["text"], quote=False),
            name=name,
        )


def undeletable(data: dict[str, Any]) -> str:
    url = post_link(data["chat_id"], data["message_id"], None, data.get("username"))
    where = _a(url, _("this post")) if url else _("a post in the showcase")
    return _(
        "🗑 Someone asked Flock to forget them, and one of their stories of {course} is in the showcase: "
        "Telegram no longer lets me delete {post} (over 48 hours old). Please delete it by hand.",
        course=data["course"],
        post=where,
    )


def _where(showcase: Showcase) -> str:
    chat = showcase.chat
    name = f"@{chat.username}" if chat.username else escape(chat.title)
    return name


def set_reply(found: ShowcaseSet) -> str:
    text = _(
        "🎉 Stories of {course} that their authors let go beyond the group will be posted in {chat}.",
        course=found.course.tag,
        chat=_where(found.showcase),
    )
    if found.waiting:
        text += "\n" + ngettext(
            "{count} story said yes to earlier goes there now.",
            "{count} stories said yes to earlier go there now.",
            found.waiting,
        )
    return text


def removed(course: Course) -> str:
    return _("OK: stories of {course} aren't posted anywhere any more. Those posted stay.", course=course.tag)


def where(found: list[tuple[Course, Showcase | None]]) -> str:
    lines = []
    for course, showcase in found:
        if showcase is None:
            lines.append(_("{course}: no showcase", course=course.tag))
        else:
            lines.append(_("{course}: posted in {chat}", course=course.tag, chat=_where(showcase)))
    return "\n".join(lines) + "\n\n" + _(SHOWCASE_USAGE)


def listed(course: Course, stories: list[Story]) -> str:
    if not stories:
        return _(
            "No stories in {course} yet. A post tagged #story or #win in the group becomes one.",
            course=course.tag,
        )
    lines = [_("<b>Stories of {course}</b>, newest first", course=course.tag)]
    for story in stories:
        text = story.text.splitlines()[0] if story.text.strip() else ""
        line = "• " + _(
            "{author}, {day}: {story} — {choice}",
            author=escape(story.author.name),
            day=when(story.posted_at, ZoneInfo(course.settings.timezone)),
            story=_link(story.ref, _("“{text}”", text=excerpt(text, 80))),
            choice=choice(story),
        )
        if story.showcase_ref is not None:
            url = post_link(
                story.showcase_ref.chat_id, story.showcase_ref.message_id, None, story.showcase_username
            )
            if url:
                line += " · " + _a(url, _("in the showcase"))
        lines.append(line)
    return "\n".join(lines)
