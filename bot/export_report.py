"""report.md in the /export zip: the course, its counts and its unresolved questions."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.links import message_link
from facilitation.export import ExportSummary
from facilitation.model import Person, Question, QuestionState

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
STATES = {
    QuestionState.OPEN: "open",
    QuestionState.ANSWERED: "answered, not yet solved",
    QuestionState.RESOLVED: "resolved",
    QuestionState.DISMISSED: "dismissed (not a question)",
}
FILES = (
    "\n## Files\n\n"
    "- `questions.csv`: one row per answer; a question nobody answered has one row with empty "
    "answer columns.\n"
    "- `introductions.csv`: every introduction, `current` = yes for the one in force.\n"
    "- `learners.csv`: everyone who posted, with posts, first and last seen, and whether they "
    "introduced themselves.\n\n"
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
        ("questions", sum(counts.questions.values())),
        *((f"· {STATES[state]}", count) for state, count in counts.questions.items()),
        ("answers", counts.answers),
        ("learners", counts.learners),
        ("learners introduced", counts.introduced),
        ("introductions, replaced ones included", counts.introductions),
    ]
    table = "\n".join(f"| {what} | {count} |" for what, count in rows)
    return (
        f"# {md(course.title)} ({course.tag})\n\n"
        f"Exported by Flock on {summary.made_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key}).\n"
        f"Facilitators: {', '.join(_who(p) for p in summary.facilitators) or 'none'}.\n\n"
        f"## Counts\n\n| what | count |\n| --- | ---: |\n{table}\n\n"
        f"## Unresolved questions ({unresolved})\n\n" + ("" if unresolved else "None.\n")
    )


def question(q: Question, zone: ZoneInfo) -> str:
    link = message_link(q.ref)
    where = f" ([message]({link}))" if link else ""
    when = f"{q.asked_at.astimezone(zone):%Y-%m-%d %H:%M}"
    return f"- {when} · {_who(q.asker)} · {STATES[q.state]}: {md(q.text)}{where}\n"
