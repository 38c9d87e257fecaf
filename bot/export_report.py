"""report.md in the /export zip: the course, its counts and its unresolved questions."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.i18n import N_, _
from bot.links import message_link
from facilitation.export import ExportSummary
from facilitation.model import Person, Question, QuestionState

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
STATES = {
    QuestionState.OPEN: N_("open"),
    QuestionState.ANSWERED: N_("answered, not yet solved"),
    QuestionState.RESOLVED: N_("resolved"),
    QuestionState.DISMISSED: N_("dismissed (not a question)"),
}
FILES = N_(
    "\n## Files\n\n"
    "- `questions.csv`: one row per answer; a question nobody answered has one row with empty "
    "answer columns.\n"
    "- `introductions.csv`: every introduction, `current` = yes for the one in force.\n"
    "- `learners.csv`: everyone who posted, with posts, first and last seen, and whether they "
    "introduced themselves.\n"
    "- `stories.csv`: the `#story` and `#win` posts, with what their authors said about sharing "
    "them and their showcase post.\n\n"
    "Times are in the course time zone.\n"
)


def md(text: str) -> str:
    """User text on one line, Markdown's special characters escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _who(person: Person) -> str:
    return md(person.name) + (f" (@{md(person.username)})" if person.username else "")


def head(summary: ExportSummary, zone: ZoneInfo) -> str:
    course, counts = summary.course, summary.counts
    unresolved = counts.questions[QuestionState.OPEN] + counts.questions[QuestionState.ANSWERED]
    rows = [
        (_("questions"), sum(counts.questions.values())),
        *((f"· {_(STATES[state])}", count) for state, count in counts.questions.items()),
        (_("answers"), counts.answers),
        (_("learners"), counts.learners),
        (_("learners introduced"), counts.introduced),
        (_("introductions, replaced ones included"), counts.introductions),
    ]
    table = "\n".join(f"| {what} | {count} |" for what, count in rows)
    # Times stay numeric (2026-11-03 12:00), as in the CSV files, whatever the language.
    made = summary.made_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return (
        f"# {md(course.title)} ({course.tag})\n\n"
        + _(
            "Exported by Flock on {moment} ({zone}).",
            moment=made,
            zone=zone.key,
        )
        + "\n"
        + _("Facilitators: {names}.", names=", ".join(_who(p) for p in summary.facilitators) or _("none"))
        + "\n\n"
        + _("## Counts\n\n| what | count |")
        + f"\n| --- | ---: |\n{table}\n\n"
        + _("## Unresolved questions ({count})", count=unresolved)
        + "\n\n"
        + ("" if unresolved else _("None.") + "\n")
    )


def question(q: Question, zone: ZoneInfo) -> str:
    link = message_link(q.ref)
    where = " " + _("([message]({link}))", link=link) if link else ""
    when = f"{q.asked_at.astimezone(zone):%Y-%m-%d %H:%M}"
    return f"- {when} · {_who(q.asker)} · {_(STATES[q.state])}: {md(q.text)}{where}\n"
