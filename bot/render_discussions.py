"""Scheduled discussions: the replies to facilitators' commands, and what is posted in the chats
(the reminder, the opening, the prompts), in the course's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import i18n
from bot.i18n import N_, _, ngettext
from bot.links import message_link
from bot.render_sessions import when
from bot.texts import escape, excerpt, questions, shown_name
from facilitation.model import MessageRef, Round

DISCUSSION_ID_USAGE = N_("Give the discussion's number, like {command} 3.")
MOVE_USAGE = N_("Give the discussion's number and the new start, like {command} 3 tomorrow 19:00.")
PROMPTS_USAGE = N_(
    "Give the discussion's number, then the new prompts on the lines below, one per line:\n"
    "{command} 3\nWhat surprised you this week?"
)


def rhythm(round: Round) -> str:
    every = round.discussion.every
    if every is None:
        return _("once")
    if every == timedelta(days=1):
        return _("every day")
    weeks = every.days // 7
    return _("every week") if weeks == 1 else _("every {count} weeks", count=weeks)


def _gap(round: Round) -> str:
    return i18n.compact_length(round.discussion.gap)


def _prompts(round: Round) -> str:
    return "\n".join(
        _("<b>Q{number}</b> {text}", number=p.number, text=escape(p.text)) for p in round.prompts
    )


def scheduled(round: Round, no_reactions: tuple[str, ...] = ()) -> str:
    zone = round.discussion.course.settings.timezone
    lines = [
        _(
            "Scheduled discussion <b>{number}</b>: “{title}”, {start}, {rhythm}, a prompt every {gap}.\n"
            "{prompts}\n"
            "It ends {end}.",
            number=round.discussion.id,
            title=escape(round.discussion.title),
            start=when(round.starts_at, zone),
            rhythm=rhythm(round),
            gap=_gap(round),
            prompts=_prompts(round),
            end=when(round.ends_at, zone),
        ),
        _(
            "/discussions lists what is coming up; /discussion_cancel {number} cancels it.",
            number=round.discussion.id,
        ),
    ]
    if no_reactions:  # said now, while there is time to fix it, rather than only in the recap
        lines.append(
            _(
                "⚠️ I'm not an admin of {chats}, so I won't see reactions there: "
                "make me one to have the recap rank answers by them.",
                chats=", ".join(escape(title) for title in no_reactions),
            )
        )
    return "\n".join(lines)


def prompts_replaced(round: Round) -> str:
    zone = round.discussion.course.settings.timezone
    return _(
        "New prompts for discussion <b>{number}</b> on {start} (this time only):\n{prompts}\nIt ends {end}.",
        number=round.discussion.id,
        start=when(round.starts_at, zone),
        prompts=_prompts(round),
        end=when(round.ends_at, zone),
    )


def moved(round: Round) -> str:
    zone = round.discussion.course.settings.timezone
    return _(
        "Moved discussion <b>{number}</b> to {start}. It ends {end}.",
        number=round.discussion.id,
        start=when(round.starts_at, zone),
        end=when(round.ends_at, zone),
    )


def cancelled(round: Round, whole_series: bool, next_start: datetime | None) -> str:
    zone = round.discussion.course.settings.timezone
    if whole_series:
        return _("Cancelled discussion <b>{number}</b>.", number=round.discussion.id)
    if next_start is None:
        return _(
            "Cancelled discussion <b>{number}</b> on {start}.",
            number=round.discussion.id,
            start=when(round.starts_at, zone),
        )
    return _(
        "Cancelled discussion <b>{number}</b> on {start}. The next one is {next}.",
        number=round.discussion.id,
        start=when(round.starts_at, zone),
        next=when(next_start, zone),
    )


def listing(rounds: list[Round]) -> str:
    if not rounds:
        return _("No discussions coming up. Schedule one with /discussion.")
    lines = [_("<b>Discussions</b>")]
    # A weekly discussion that is live already has its next occurrence scheduled: one line each.
    shown: dict[int, int] = {}
    for round in rounds:
        zone = round.discussion.course.settings.timezone
        start = when(round.starts_at, zone)
        if round.discussion.id in shown:
            index = shown[round.discussion.id]
            lines[index] += _("; next {start}", start=start)
            continue
        if round.state.value == "live":
            start = _("live now (started {start})", start=start)
        shown[round.discussion.id] = len(lines)
        lines.append(
            _(
                "{number}. “{title}” {tag}: {start}, {rhythm}",
                number=round.discussion.id,
                title=escape(round.discussion.title),
                tag=round.discussion.course.tag,
                start=start,
                rhythm=rhythm(round),
            )
        )
    return "\n".join(lines)


# Posted in the chats (outbox renderers) ----------------------------------------------------------


def reminder(data: dict[str, Any]) -> str:
    return _(
        "⏰ In 15 minutes: <b>{title}</b>, a discussion right here. Come and join in, or just read along.",
        title=escape(data["title"]),
    )


def opening(data: dict[str, Any]) -> str:
    count = data["prompts"]
    return "\n".join(
        (
            _("💬 <b>{title}</b> starts now!", title=escape(data["title"])),
            _("One question, right below.")
            if count == 1
            else _(
                "{questions}, one every {gap}.",
                questions=questions(count),
                gap=i18n.compact_length(timedelta(seconds=data["gap_seconds"])),
            ),
            _("To answer, reply to a question, or start your message with A1, A2… for Q1, Q2…"),
            _("React to the answers you like. Reading along is welcome too."),
        )
    )


def skipped(data: dict[str, Any]) -> str:
    return _(
        "Discussion {number} of {course} (“{title}”) is not posted in {chats}: "
        "the chat is no longer attached to the course, or it removed me. "
        "I won't mention it again for this discussion.",
        number=data["discussion_id"],
        course=data["course"],
        title=escape(data["title"]),
        chats=", ".join(escape(str(title)) for title in data["chats"]),
    )


def prompt(data: dict[str, Any]) -> str:
    return _("<b>Q{number}</b> {text}", number=data["number"], text=escape(data["text"]))


# The end: the recap in each chat, the transcript after it ----------------------------------------

MAX_LENGTH = 4096  # Telegram's limit, counted on the HTML
TOP_LIMITS = (3, 2, 1, 0)  # answers shown per prompt, tried in turn until the recap fits
NOT_COUNTED_HERE = N_("Reactions in this chat aren't counted: Flock sees them only as an admin of the group.")
NOT_COUNTED = N_("Reactions not counted: Flock sees them only as an admin of the group.")


def recap(data: dict[str, Any]) -> str:
    text = ""
    for limit in TOP_LIMITS:
        text = _recap(data, limit)
        if len(text) <= MAX_LENGTH:
            break
    return text


def _recap(data: dict[str, Any], limit: int) -> str:
    lines = [_("📝 <b>Recap: {title}</b>", title=escape(data["title"]))]
    people, first = data["participants"], data["first_voices"]
    if not people:  # the prompts are above in the chat: nothing to list under them
        lines.append(_("No one answered this time. Thank you for reading along!"))
        return "\n".join(lines)
    if first and first == people:
        lines.append(
            ngettext(
                "{count} person took part, for the first time in the course. Welcome!",
                "{count} people took part, all for the first time in the course. Welcome!",
                people,
            )
        )
    elif first:
        lines.append(
            ngettext(
                "{count} person took part, {first} of them for the first time in the course. Welcome!",
                "{count} people took part, {first} of them for the first time in the course. Welcome!",
                people,
                first=first,
            )
        )
    else:
        lines.append(ngettext("{count} person took part.", "{count} people took part.", people))
    for prompt in data["prompts"]:
        lines += [
            "",
            _("<b>Q{number}</b> {text}", number=prompt["number"], text=excerpt(prompt["text"], 120)),
        ]
        if not prompt["answered"]:
            lines.append(_("No answers."))
            continue
        lines.append(ngettext("{count} answered.", "{count} answered.", prompt["answered"]))
        for place, answer in enumerate(prompt["top"][:limit], 1):
            lines.append(_top(place, answer))
    if not data["reactions_anywhere"]:
        lines += ["", _(NOT_COUNTED)]
    elif not data["reactions_here"]:
        lines += ["", _(NOT_COUNTED_HERE)]
    return "\n".join(lines)


def _top(place: int, answer: dict[str, Any]) -> str:
    ref = MessageRef(answer["chat_id"], answer["message_id"], answer["thread_id"])
    url = message_link(ref)
    name = shown_name(answer["name"])
    who = f'<a href="{escape(url)}">{name}</a>' if url else name
    drew = []
    if answer["reactions"]:
        drew.append(ngettext("{count} reaction", "{count} reactions", answer["reactions"]))
    if answer["replies"]:
        drew.append(ngettext("{count} reply", "{count} replies", answer["replies"]))
    line = _("{place}. {name}: {text}", place=place, name=who, text=excerpt(answer["text"], 80))
    return line + (f" ({', '.join(drew)})" if drew else "")


def transcript_caption(data: dict[str, Any]) -> str:
    return _("📄 Transcript of “{title}”", title=escape(data["title"]))


def transcript_name(discussion_id: int) -> str:
    return f"discussion-{discussion_id}.md"
