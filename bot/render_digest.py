"""The digest as one Telegram message: HTML, user text escaped, lists shortened to fit."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape as _escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.links import message_link
from bot.texts import age, escape, excerpt, plural, question_excerpt
from facilitation.digest_content import Digest, Entry, Opening, Participation
from facilitation.model import Listed
from facilitation.parsing import format_duration

SOLVED = {
    Opening.LAST_DIGEST: "✅ Solved since the last digest",
    Opening.SETUP: "✅ Solved since the course was set up",
    Opening.DAY_AGO: "✅ Solved in the last 24 hours",
}
MAX_LENGTH = 4096  # Telegram's limit, counted here on the HTML: longer than the text it shows
ITEM_LIMITS = (10, 5, 3, 1)  # tried in turn until the digest fits


def digest(d: Digest) -> str:
    text = ""
    for limit in ITEM_LIMITS:
        text = _render(d, limit)
        if len(text) <= MAX_LENGTH:
            return text
    return _cut(text)


def _render(d: Digest, limit: int) -> str:
    since = d.since.astimezone(ZoneInfo(d.timezone))
    head = (
        f"📋 <b>Digest: {escape(d.title)}</b> (#{d.hashtag})\n"
        f"Since {since:%a %d %b %H:%M} ({escape(d.timezone)})"
    )
    sections = [
        _questions("⏳ Unanswered", d.unanswered, d, limit, with_age=True),
        _questions("🔁 Not solved yet, says the asker", d.follow_up, d, limit, with_age=True),
        _questions("💬 Answered, not yet solved", d.unresolved, d, limit, with_age=True),
        _questions(SOLVED[d.opened_by], d.resolved, d, limit, with_age=False),
        _introductions(d.introductions, limit),
        _names("🙈 Posted but never introduced", d.silent, limit * 3),
        _helpers(d),
        _numbers(d),
        _learners(d.learners, d.at, limit * 3),
    ]
    present = [s for s in sections if s]
    if not present:
        return f"{head}\n\nNothing waiting and nothing new. 🌿"
    return "\n\n".join([head, *present])


def _title(label: str, total: int) -> str:
    return f"<b>{label}</b> ({total})"


def _more(listed: Listed[Any], shown: int) -> list[str]:
    hidden = listed.total - shown
    return [f"• …and {hidden} more"] if hidden > 0 else []


def _link(label: str, entry: Entry) -> str:
    url = message_link(entry.ref) if entry.ref else None
    return f'<a href="{_escape(url)}">{label}</a>' if url else label


def _questions(label: str, listed: Listed[Entry], d: Digest, limit: int, with_age: bool) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    lines = [
        f"• {_link(question_excerpt(e.text, [d.hashtag], 70), e)} — {escape(e.name)}"
        + (f", {age(e.at, d.at)}" if with_age else "")
        for e in shown
    ]
    return "\n".join([_title(label, listed.total), *lines, *_more(listed, len(shown))])


def _introductions(listed: Listed[Entry], limit: int) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    lines = [f"• {_link(escape(e.name), e)}: {excerpt(e.text, 60)}" for e in shown]
    return "\n".join([_title("🤗 New introductions", listed.total), *lines, *_more(listed, len(shown))])


def _names(label: str, listed: Listed[str], limit: int) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    hidden = listed.total - len(shown)
    names = ", ".join(escape(n) for n in shown) + (f" and {hidden} more" if hidden > 0 else "")
    return f"{_title(label, listed.total)}\n{names}"


def _helpers(d: Digest) -> str:
    if not d.helpers:
        return ""
    return "<b>🏅 Peer helpers</b>\n" + ", ".join(f"{escape(name)} ({n})" for name, n in d.helpers)


def _numbers(d: Digest) -> str:
    if not d.asked:
        return ""
    parts = [f"{plural(d.asked, 'question')} asked", f"{d.answered} answered"]
    if d.median_first_answer is not None:
        parts.append(f"median first answer {_duration(d.median_first_answer)}")
    if d.answered:
        parts.append(f"{d.by_peers} of {d.answered} first answered by peers")
    return "<b>📈 Numbers</b>\n" + " · ".join(parts)


def _duration(value: timedelta) -> str:
    """Whole minutes, or seconds under a minute."""
    seconds = round(value.total_seconds())
    return format_duration(timedelta(seconds=seconds if seconds < 60 else round(seconds / 60) * 60))


def _learners(listed: Listed[Participation], now: datetime, limit: int) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    lines = [
        f"• {escape(p.name)} — {'intro ✓' if p.introduced else 'no intro'} · asked {p.asked} · "
        f"answered {p.answered} · seen {age(p.last_seen, now)} ago"
        for p in shown
    ]
    return "\n".join([_title("👥 Learners", listed.total), *lines, *_more(listed, len(shown))])


def _cut(text: str) -> str:
    """Last resort: whole lines up to the limit (each line closes its own tags)."""
    head = text[: MAX_LENGTH - 2]
    return head[: head.rfind("\n")] + "\n…"
