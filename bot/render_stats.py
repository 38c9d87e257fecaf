"""What /stats and /export say, as pure functions from their results to HTML text."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import N_, _, compact_length, dated, ngettext
from bot.texts import escape, name
from facilitation.export import ExportSummary
from facilitation.model import QuestionState
from facilitation.stats import CourseStats, Window

WINDOWS = {
    Window.WEEK: N_("last 7 days"),
    Window.MONTH: N_("last 30 days"),
    Window.ALL: N_("since the start"),
}
STATES = {
    QuestionState.OPEN: N_("⏳ open"),
    QuestionState.ANSWERED: N_("💬 answered"),
    QuestionState.RESOLVED: N_("✅ resolved"),
    QuestionState.DISMISSED: N_("dismissed"),
}
TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024  # what the Bot API accepts from a bot

EXPORT_IN_PRIVATE = N_(
    "/export works in a private chat with me, so the file reaches only you. "
    "Send me /export there (add the course hashtag if you run several)."
)


def wait(value: timedelta) -> str:
    """A time to answer, to the minute once it is a minute or more."""
    seconds = round(value.total_seconds())
    if seconds >= 60:
        seconds = round(seconds / 60) * 60
    return compact_length(timedelta(seconds=seconds))


def summary(stats: CourseStats) -> str:
    course = stats.course
    lines = [
        _(
            "<b>{title}</b> ({tag}) · {window}",
            title=escape(course.title),
            tag=course.tag,
            window=_(WINDOWS[stats.window]),
        )
    ]
    if stats.asked:
        lines.append(_("Questions asked: {count}", count=stats.asked))
        lines.append(" · ".join(f"{_(STATES[state])} {count}" for state, count in stats.counts.items()))
        median = stats.median_first_answer
        lines.append(
            _(
                "Median time to first answer: {wait}",
                wait=wait(median) if median is not None else _("no answers yet"),
            )
        )
        if stats.peer_share is not None:
            lines.append(
                _(
                    "First answer from a peer: {peer} of {answered} ({share}%)",
                    peer=stats.peer_first,
                    answered=stats.answered,
                    share=round(stats.peer_share * 100),
                )
            )
        if stats.from_archive:
            lines.append(_("Answered from earlier answers: {count}", count=stats.from_archive))
    else:
        lines.append(_("No questions asked in this window."))
    helpers = ", ".join(f"{name(person)} ({count})" for person, count in stats.helpers)
    lines.append(_("Top peer helpers: {helpers}", helpers=helpers or _("nobody yet")))
    busiest = max(stats.days, key=lambda d: d.asked, default=None)
    if busiest is not None and busiest.asked:
        lines.append(
            ngettext(
                "Busiest day: {day}, {count} asked",
                "Busiest day: {day}, {count} asked",
                busiest.asked,
                day=dated(busiest.day, "EEE d MMM"),
            )
        )
    return "\n".join(lines)


def chart_caption(stats: CourseStats) -> str:
    return _(
        "{tag} · questions per day by outcome, {window}",
        tag=stats.course.tag,
        window=_(WINDOWS[stats.window]),
    )


def export_caption(summary: ExportSummary) -> str:
    counts = summary.counts
    return _(
        "{tag}: {questions}, {answers}, {learners}, {introductions}.",
        tag=summary.course.tag,
        questions=ngettext("{count} question", "{count} questions", sum(counts.questions.values())),
        answers=ngettext("{count} answer", "{count} answers", counts.answers),
        learners=ngettext("{count} learner", "{count} learners", counts.learners),
        introductions=ngettext("{count} introduction", "{count} introductions", counts.introduced),
    )


def export_too_large(summary: ExportSummary, size: int) -> str:
    return _(
        "The export of {tag} is {size} MB, more than the {limit} MB Telegram lets a bot send. Sorry!",
        tag=summary.course.tag,
        size=round(size / (1024 * 1024)),
        limit=TELEGRAM_UPLOAD_LIMIT // (1024 * 1024),
    )
