"""The digest as one Telegram message: HTML, user text escaped, lists shortened to fit."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape as _escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.fit import shortened
from bot.i18n import N_, _, age, ago, dated, ngettext
from bot.i18n import compact_length as duration
from bot.links import message_link
from bot.texts import escape, excerpt, question_excerpt, shown_name
from facilitation.digest_content import Digest, Entry, Opening, Participation
from facilitation.model import Listed

SOLVED = {
    Opening.LAST_DIGEST: N_("✅ Solved since the last digest"),
    Opening.SETUP: N_("✅ Solved since the course was set up"),
    Opening.DAY_AGO: N_("✅ Solved in the last 24 hours"),
}
# The digest's opening moment as a CLDR pattern: each language writes its own.
SINCE = N_("EEE dd MMM HH:mm")
ITEM_LIMITS = (10, 5, 3, 1)  # tried in turn until the digest fits


def digest(d: Digest) -> str:
    return shortened(lambda limit: _render(d, limit), ITEM_LIMITS)


def _render(d: Digest, limit: int) -> str:
    since = d.since.astimezone(ZoneInfo(d.timezone))
    head = _(
        "📋 <b>Digest: {title}</b> (#{hashtag})\nSince {since} ({timezone})",
        title=escape(d.title),
        hashtag=d.hashtag,
        since=dated(since, _(SINCE)),
        timezone=escape(d.timezone),
    )
    sections = [
        _questions(_("⏳ Unanswered"), d.unanswered, d, limit, with_age=True),
        _questions(_("🔁 Not solved yet, says the asker"), d.follow_up, d, limit, with_age=True),
        _questions(_("💬 Answered, not yet solved"), d.unresolved, d, limit, with_age=True),
        _questions(_(SOLVED[d.opened_by]), d.resolved, d, limit, with_age=False),
        _introductions(d.introductions, limit),
        _names(_("🙈 Posted but never introduced"), d.silent, limit * 3),
        _helpers(d),
        _pinged(d),
        _discussions(d),
        _numbers(d),
        _learners(d.learners, d.at, limit * 3),
    ]
    present = [s for s in sections if s]
    if not present:
        return f"{head}\n\n" + _("Nothing waiting and nothing new. 🌿")
    return "\n\n".join([head, *present])


def _title(label: str, total: int) -> str:
    return f"<b>{label}</b> ({total})"


def _more(listed: Listed[Any], shown: int) -> list[str]:
    hidden = listed.total - shown
    return [ngettext("• …and {count} more", "• …and {count} more", hidden)] if hidden > 0 else []


def _link(label: str, entry: Entry) -> str:
    url = message_link(entry.ref) if entry.ref else None
    return f'<a href="{_escape(url)}">{label}</a>' if url else label


def _questions(label: str, listed: Listed[Entry], d: Digest, limit: int, with_age: bool) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    lines = [
        f"• {_link(question_excerpt(e.text, [d.hashtag], 70), e)} — {shown_name(e.name)}"
        + (f", {age(e.at, d.at)}" if with_age else "")
        for e in shown
    ]
    return "\n".join([_title(label, listed.total), *lines, *_more(listed, len(shown))])


def _introductions(listed: Listed[Entry], limit: int) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    lines = [
        _("• {name}: {text}", name=_link(shown_name(e.name), e), text=excerpt(e.text, 60)) for e in shown
    ]
    return "\n".join([_title(_("🤗 New introductions"), listed.total), *lines, *_more(listed, len(shown))])


def _names(label: str, listed: Listed[str], limit: int) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    hidden = listed.total - len(shown)
    names = ", ".join(shown_name(n) for n in shown)
    if hidden > 0:
        names = ngettext("{names} and {count} more", "{names} and {count} more", hidden, names=names)
    return f"{_title(label, listed.total)}\n{names}"


def _helpers(d: Digest) -> str:
    if not d.helpers:
        return ""
    return (
        _("<b>🏅 Peer helpers</b>") + "\n" + ", ".join(f"{shown_name(name)} ({n})" for name, n in d.helpers)
    )


def _pinged(d: Digest) -> str:
    """Peers pointed at waiting questions, and how many of those questions they then answered."""
    if not d.pinged:
        return ""
    asked = ngettext(
        "🙋 Peers pointed at waiting questions: {count} ask",
        "🙋 Peers pointed at waiting questions: {count} asks",
        d.pinged,
    )
    answered = ngettext("{count} answered", "{count} answered", d.pinged_answered)
    return f"{asked} · {answered}"


def _discussions(d: Digest) -> str:
    """A line per discussion that ended in the window: who took part, and who for the first time."""
    if not d.discussions:
        return ""
    lines = [_("<b>💬 Discussions</b>")]
    for ended in d.discussions:
        parts = [
            ngettext("{count} took part", "{count} took part", ended.participants),
            ngettext("{count} answer", "{count} answers", ended.answers),
            ngettext("{count} first-time voice", "{count} first-time voices", ended.first_voices),
        ]
        lines.append(_("• “{title}”: {figures}", title=escape(ended.title), figures=" · ".join(parts)))
    return "\n".join(lines)


def _numbers(d: Digest) -> str:
    if not d.asked:
        return ""
    parts = [
        ngettext("{count} question asked", "{count} questions asked", d.asked),
        ngettext("{count} answered", "{count} answered", d.answered),
    ]
    if d.median_first_answer is not None:
        parts.append(_("median first answer {wait}", wait=_duration(d.median_first_answer)))
    if d.answered:
        parts.append(
            ngettext(
                "{peers} of {count} first answered by peers",
                "{peers} of {count} first answered by peers",
                d.answered,
                peers=d.by_peers,
            )
        )
    if d.from_archive:
        parts.append(
            ngettext(
                "{count} answered from earlier answers",
                "{count} answered from earlier answers",
                d.from_archive,
            )
        )
    return _("<b>📈 Numbers</b>") + "\n" + " · ".join(parts)


def _duration(value: timedelta) -> str:
    """Whole minutes, or seconds under a minute."""
    seconds = round(value.total_seconds())
    return duration(timedelta(seconds=seconds if seconds < 60 else round(seconds / 60) * 60))


def _learners(listed: Listed[Participation], now: datetime, limit: int) -> str:
    if not listed.total:
        return ""
    shown = listed.items[:limit]
    lines = [
        _(
            "• {name} — {intro} · asked {asked} · answered {answered} · seen {ago}",
            name=shown_name(p.name),
            intro=_("intro ✓") if p.introduced else _("no intro"),
            asked=p.asked,
            answered=p.answered,
            ago=ago(p.last_seen, now),
        )
        for p in shown
    ]
    return "\n".join([_title(_("👥 Learners"), listed.total), *lines, *_more(listed, len(shown))])
