"""What /stats and /export say, as pure functions from their results to HTML text."""

from __future__ import annotations

from datetime import timedelta

from bot.texts import escape, name, plural
from facilitation.export import ExportSummary
from facilitation.model import QuestionState
from facilitation.parsing import format_duration
from facilitation.stats import CourseStats, Window

WINDOWS = {Window.WEEK: "last 7 days", Window.MONTH: "last 30 days", Window.ALL: "since the start"}
STATES = {
    QuestionState.OPEN: "⏳ open",
    QuestionState.ANSWERED: "💬 answered",
    QuestionState.RESOLVED: "✅ resolved",
    QuestionState.DISMISSED: "dismissed",
}
TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024  # what the Bot API accepts from a bot

EXPORT_IN_PRIVATE = (
    "/export works in a private chat with me, so the file reaches only you. "
    "Send me /export there (add the course hashtag if you run several)."
)


def wait(value: timedelta) -> str:
    """A time to answer, to the minute once it is a minute or more."""
    seconds = round(value.total_seconds())
    if seconds >= 60:
        seconds = round(seconds / 60) * 60
    return format_duration(timedelta(seconds=seconds))


def summary(stats: CourseStats) -> str:
    course = stats.course
    lines = [f"<b>{escape(course.title)}</b> ({course.tag}) · {WINDOWS[stats.window]}"]
    if stats.asked:
        lines.append(f"Questions asked: {stats.asked}")
        lines.append(" · ".join(f"{STATES[state]} {count}" for state, count in stats.counts.items()))
        median = stats.median_first_answer
        lines.append(
            f"Median time to first answer: {wait(median) if median is not None else 'no answers yet'}"
        )
        if stats.peer_share is not None:
            share = round(stats.peer_share * 100)
            lines.append(f"First answer from a peer: {stats.peer_first} of {stats.answered} ({share}%)")
    else:
        lines.append("No questions asked in this window.")
    helpers = ", ".join(f"{name(person)} ({count})" for person, count in stats.helpers)
    lines.append(f"Top peer helpers: {helpers or 'nobody yet'}")
    busiest = max(stats.days, key=lambda d: d.asked, default=None)
    if busiest is not None and busiest.asked:
        lines.append(
            f"Busiest day: {busiest.day:%a} {busiest.day.day} {busiest.day:%b}, {busiest.asked} asked"
        )
    return "\n".join(lines)


def chart_caption(stats: CourseStats) -> str:
    return f"{stats.course.tag} · questions per day by outcome, {WINDOWS[stats.window]}"


def export_caption(summary: ExportSummary) -> str:
    counts = summary.counts
    return (
        f"{summary.course.tag}: {plural(sum(counts.questions.values()), 'question')}, "
        f"{plural(counts.answers, 'answer')}, {plural(counts.learners, 'learner')}, "
        f"{plural(counts.introduced, 'introduction')}."
    )


def export_too_large(summary: ExportSummary, size: int) -> str:
    megabytes = size / (1024 * 1024)
    return (
        f"The export of {summary.course.tag} is {megabytes:.0f} MB, more than the "
        f"{TELEGRAM_UPLOAD_LIMIT // (1024 * 1024)} MB Telegram lets a bot send. Sorry!"
    )
