"""What Flock says about shared and followed hashtags: the confirmations, the lists, and the
daily catch-up (a message, and a Markdown file of every post when there are many)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import _, ngettext, when
from bot.links import post_link
from bot.texts import excerpt, shown_name
from facilitation.following import FILE_COLUMNS, SHOWN, Followed
from facilitation.languages import N_
from facilitation.model import Course, Follow, Share
from facilitation.redaction import FORMER_LEARNER
from facilitation.sharing import Shared

SHARE_IN_CHAT = N_("Run /share in the group or channel whose posts you want to share.")
NO_SHARES = N_("This chat shares no hashtag. An admin can run /share #tag to let other chats follow it.")
NO_FOLLOWS = N_("Nothing is followed here. /follow #tag gets a daily catch-up of a hashtag shared elsewhere.")
YOU_FOLLOW_NONE = N_("You follow no hashtag. /follow #tag gets you a daily catch-up of one shared elsewhere.")


def _tags(tags: list[str]) -> str:
    return ", ".join(f"#{tag}" for tag in tags)


def shares(found: list[Share]) -> str:
    if not found:
        return _(NO_SHARES)
    return _(
        "Shared from this chat: {tags}. Other chats follow a hashtag with <code>/follow #tag</code>; "
        "<code>/share off #tag</code> stops sharing it.",
        tags=_tags([s.hashtag for s in found]),
    )


def shared(result: Shared) -> str:
    lines = []
    if result.changed:
        lines.append(
            _(
                "Shared: posts here tagged {tags} can now be followed from other chats, each with "
                "its author's name and a link to it. Nothing else leaves this chat; "
                "<code>/share off #tag</code> stops it.",
                tags=_tags(result.changed),
            )
        )
    if result.unchanged:
        lines.append(_("Already shared: {tags}.", tags=_tags(result.unchanged)))
    return "\n".join(lines)


def unshared(result: Shared) -> str:
    lines = []
    if result.changed:
        lines.append(
            _(
                "Stopped sharing {tags}: nothing more is collected, and what was collected is deleted.",
                tags=_tags(result.changed),
            )
        )
    if result.unchanged:
        lines.append(_("Not shared here: {tags}.", tags=_tags(result.unchanged)))
    return "\n".join(lines)


def _at(follow: Follow) -> str:
    return _("{time} ({zone})", time=follow.at.strftime("%H:%M"), zone=follow.timezone)


def followed(result: Followed) -> str:
    return _confirmed(result.follow, result.course) + "\n" + _sources(result.follow.hashtag, result.sources)


def _sources(tag: str, count: int) -> str:
    if not count:
        return _(
            "No chat shares #{tag} yet: ask an admin of the event's group or channel to add me "
            "there and send /share #{tag}.",
            tag=tag,
        )
    return ngettext(
        "{count} chat shares #{tag} so far.", "{count} chats share #{tag} so far.", count, tag=tag
    )


def _confirmed(follow: Follow, course: Course) -> str:
    if follow.person_id is None:
        return _(
            "Following #{tag} for {course}: every day at {at} this group gets what was posted "
            "under #{tag} in the chats that share it, if anything was. /unfollow #{tag} stops it.",
            tag=follow.hashtag,
            course=course.tag,
            at=_at(follow),
        )
    return _(
        "Following #{tag}: every day at {at} I'll send you what was posted under #{tag} in the "
        "chats that share it and that you can read, if anything was. /unfollow #{tag} stops it.",
        tag=follow.hashtag,
        at=_at(follow),
    )


def following(found: list[Follow], group: bool) -> str:
    if not found:
        return _(NO_FOLLOWS) if group else _(YOU_FOLLOW_NONE)
    lines = [_("<b>Followed here</b>") if group else _("<b>You follow</b>")]
    lines += [_("• #{tag}, every day at {at}", tag=f.hashtag, at=_at(f)) for f in found]
    return "\n".join(lines)


def unfollowed(tag: str) -> str:
    return _("No longer following #{tag}.", tag=tag)


def _source(item: dict[str, Any]) -> str:
    """“Ana in DevCon 2026”, the chat linked to the post when it can be."""
    link = post_link(item["chat_id"], item["message_id"], item["thread_id"], item["username"])
    chat = escape(item["chat"])
    where = f'<a href="{escape(link)}">{chat}</a>' if link else chat
    if item["author"] == item["chat"]:  # a channel's post, or a group posting as itself
        return where
    return _("{author} in {chat}", author=shown_name(item["author"]), chat=where)


def _counts(item: dict[str, Any]) -> str:
    shown = []
    if item["reactions"]:
        shown.append(ngettext("{count} reaction", "{count} reactions", item["reactions"]))
    if item["replies"]:
        shown.append(ngettext("{count} reply", "{count} replies", item["replies"]))
    return ", ".join(shown)


def _weight(item: dict[str, Any]) -> str:
    counted = _counts(item)
    return f" · {counted}" if counted else ""


def catch_up(data: dict[str, Any]) -> str:
    total = data["total"]
    since = datetime.fromisoformat(data["since"])
    lines = [
        ngettext(
            "<b>#{tag}</b>: {count} new post since {since}",
            "<b>#{tag}</b>: {count} new posts since {since}",
            total,
            tag=escape(data["tag"]),
            since=when(since, ZoneInfo(data.get("timezone", "UTC"))),  # rows queued before it: UTC
        )
    ]
    for number, item in enumerate(data["posts"], 1):
        lines.append(f"\n{number}. {_source(item)}{_weight(item)}")
        if item["text"]:
            lines.append(excerpt(item["text"], len(item["text"]) + 1))
    if data["links"]:
        lines.append("\n" + _("<b>Links shared</b>"))
        for item in data["links"]:
            lines.append(f"• {escape(item['url'])} — {_source(item)}")
        if data["more_links"]:
            lines.append(ngettext("and {count} more link", "and {count} more links", data["more_links"]))
    if total > SHOWN:
        more = total - SHOWN
        lines.append(
            "\n"
            + ngettext(
                "And {count} more: every post is in the file below.",
                "And {count} more: every post is in the file below.",
                more,
            )
        )
    return "\n".join(lines)


def _markdown(text: str) -> str:
    """A post's text quoted in Markdown: each line as a quote, so its own marks stay inert."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines()) or ">"


def catch_up_file(data: dict[str, Any]) -> bytes:
    until = datetime.fromisoformat(data["until"])
    posts = data["posts"]
    out = [
        ngettext("# #{tag}: {count} post", "# #{tag}: {count} posts", len(posts), tag=data["tag"]),
        "",
        _("Until {moment} UTC, most reactions and replies first.", moment=until.strftime("%Y-%m-%d %H:%M")),
        "",
    ]
    former = _(FORMER_LEARNER)
    said: dict[tuple[int, int], str] = {}  # the counts in words, once per pair (thousands of posts)
    for number, row in enumerate(posts, 1):
        item = dict(zip(FILE_COLUMNS, row, strict=True))
        link = post_link(item["chat_id"], item["message_id"], item["thread_id"], item["username"])
        author = former if item["author"] == FORMER_LEARNER else item["author"]
        at = datetime.fromtimestamp(item["at"], UTC).strftime("%Y-%m-%d %H:%M")
        pair = (item["reactions"], item["replies"])
        counted = said[pair] if pair in said else said.setdefault(pair, _counts(item))
        facts = [*([counted] if counted else []), at, *([link] if link else [])]
        by = (
            item["chat"]
            if author == item["chat"]
            else _("{author} in {chat}", author=author, chat=item["chat"])
        )
        out += [
            f"## {number}. {by}",
            "",
            _markdown(item["text"]),
            "",
            " · ".join(facts),
            *(f"- {url}" for url in item["links"]),
            "",
        ]
    return "\n".join(out).encode("utf-8")


def file_caption(data: dict[str, Any]) -> str:
    if "since" not in data:  # queued before files said since when
        return _("Every post under #{tag} since the last catch-up.", tag=escape(data["tag"]))
    since = when(datetime.fromisoformat(data["since"]), ZoneInfo(data["timezone"]))
    return _("Every post under #{tag} since {since}.", tag=escape(data["tag"]), since=since)


def file_name(data: dict[str, Any]) -> str:
    return f"{data['tag']}-{data['until'][:10]}.md"
