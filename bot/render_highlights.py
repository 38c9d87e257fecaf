"""The week's highlights as one Telegram message: a block per section, nothing for an empty one,
one line for a quiet week; lists shortened until it fits."""

from __future__ import annotations

from datetime import timedelta
from html import escape as _escape
from zoneinfo import ZoneInfo

from bot.fit import shortened
from bot.i18n import N_, _, dated, ngettext
from bot.links import message_link, post_link
from bot.texts import escape, excerpt, question_excerpt, shown_name
from facilitation.highlights import Highlights, Told
from facilitation.model import Consent, MessageRef

# A day of the week as a CLDR pattern: each language writes its own.
DAY = N_("EEE d MMM")
LIMITS = (10, 5, 3, 1)  # names per list, tried in turn until the message fits


def highlights(h: Highlights) -> str:
    return shortened(lambda limit: _render(h, limit), LIMITS)


def _render(h: Highlights, limit: int) -> str:
    zone = ZoneInfo(h.timezone)
    head = _(
        "🌟 <b>Highlights of the week: {title}</b> (#{hashtag})\n{first} – {last}",
        title=escape(h.title),
        hashtag=h.hashtag,
        first=dated(h.start.astimezone(zone), _(DAY)),
        last=dated((h.end - timedelta(hours=12)).astimezone(zone), _(DAY)),  # the Sunday
    )
    present = sections(h, limit)
    if not present:
        return f"{head}\n\n" + _(
            "A quiet week: no stories, busy questions, new voices or peer helpers this time. 🌿"
        )
    return "\n\n".join([head, *present])


def sections(h: Highlights, limit: int) -> list[str]:
    """The blocks of the sections that have something, in order (the dashboard shows them too)."""
    found = [_stories(h, limit), _questions(h, limit), _voices(h, limit), _helpers(h, limit)]
    return [section for section in found if section]


def _linked(label: str, ref: MessageRef | None) -> str:
    url = message_link(ref) if ref else None
    return f'<a href="{_escape(url)}">{label}</a>' if url else label


def _stories(h: Highlights, limit: int) -> str:
    if not h.stories.total:
        return ""
    lines = [_("<b>🎉 Stories</b>")]
    for story in h.stories.items[:limit]:
        line = _(
            "• {author}: {story}",
            author=shown_name(story.author),
            story=_linked(excerpt(story.text, 70) or "…", story.ref),
        )
        mark = _shared(story)
        lines.append(f"{line} — {mark}" if mark else line)
    hidden = h.stories.total - min(len(h.stories.items), limit)
    if hidden > 0:
        lines.append(ngettext("…and {count} more", "…and {count} more", hidden))
    return "\n".join(lines)


def _shared(story: Told) -> str:
    """The consented ones marked: in the showcase (linked) once posted there."""
    if story.consent not in (Consent.NAME, Consent.LEARNER):
        return ""
    if story.showcase is not None:
        ref = story.showcase
        url = post_link(ref.chat_id, ref.message_id, None, story.showcase_username)
        if url:
            return _('✓ <a href="{url}">in the showcase</a>', url=_escape(url))
        return _("✓ in the showcase")
    return _("✓ may be shared")


def _questions(h: Highlights, limit: int) -> str:
    if not h.questions:
        return ""
    lines = [_("<b>🔥 Questions that drew the most answers</b>")]
    for q in h.questions[:limit]:
        answers = ngettext("{count} answer", "{count} answers", q.answers)
        people = ngettext("from {count} person", "from {count} people", q.people)
        lines.append(
            _(
                "• {question} — {asker} · {answers} {people}",
                question=_linked(question_excerpt(q.text, [h.hashtag], 70), q.ref),
                asker=shown_name(q.asker),
                answers=answers,
                people=people,
            )
        )
    return "\n".join(lines)


def _voices(h: Highlights, limit: int) -> str:
    if not h.voices.total:
        return ""
    shown = h.voices.items[:limit]
    names = ", ".join(_linked(shown_name(v.name), v.ref) for v in shown)
    hidden = h.voices.total - len(shown)
    if hidden > 0:
        names = ngettext("{names} and {count} more", "{names} and {count} more", hidden, names=names)
    said = ngettext(
        "{names} posted for the first time. A welcome goes a long way!",
        "{names} posted for the first time. A welcome goes a long way!",
        h.voices.total,
        names=names,
    )
    return _("<b>👋 New voices</b>") + "\n" + said


def _helpers(h: Highlights, limit: int) -> str:
    lines = []
    if h.helpers:
        asked = ", ".join(
            _(
                "{name} ({answered} of {asked} answered)",
                name=shown_name(p.name),
                answered=p.answered,
                asked=p.asked,
            )
            for p in h.helpers[:limit]
        )
        lines.append(_("Asked to help with waiting questions: {helpers}", helpers=asked))
    if h.answerers:
        answered = ", ".join(f"{shown_name(a.name)} ({a.questions})" for a in h.answerers[:limit])
        lines.append(_("Learners who answered the most questions: {learners}", learners=answered))
    if not lines:
        return ""
    return "\n".join([_("<b>🤝 Peer helpers</b>"), *lines])
