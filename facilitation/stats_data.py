"""CourseStats as plain JSON data, for the outbox (the weekly digest's chart is drawn when sent)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from facilitation.model import Course, CourseSettings, Person, QuestionState
from facilitation.stats import CourseStats, Day, Window


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _delta(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def _counts(counts: dict[QuestionState, int]) -> dict[str, int]:
    return {state.value: n for state, n in counts.items()}


def to_data(stats: CourseStats) -> dict[str, Any]:
    course = stats.course
    return {
        "course": [course.id, course.hashtag, course.title, course.settings.timezone],
        "window": stats.window.value,
        "since": stats.since.isoformat() if stats.since else None,
        "counts": _counts(stats.counts),
        "median": _seconds(stats.median_first_answer),
        "answered": stats.answered,
        "peer_first": stats.peer_first,
        "helpers": [[p.id, p.name, p.username, n] for p, n in stats.helpers],
        "days": [[d.day.isoformat(), _counts(d.counts), _seconds(d.median_first_answer)] for d in stats.days],
    }


def from_data(data: dict[str, Any]) -> CourseStats:
    course_id, hashtag, title, timezone = data["course"]
    return CourseStats(
        course=Course(course_id, hashtag, title, CourseSettings(timezone=timezone)),
        window=Window(data["window"]),
        since=datetime.fromisoformat(data["since"]) if data["since"] else None,
        counts={QuestionState(k): n for k, n in data["counts"].items()},
        median_first_answer=_delta(data["median"]),
        answered=data["answered"],
        peer_first=data["peer_first"],
        helpers=[(Person(pid, name, username), n) for pid, name, username, n in data["helpers"]],
        days=[
            Day(date.fromisoformat(day), {QuestionState(k): n for k, n in counts.items()}, _delta(median))
            for day, counts, median in data["days"]
        ],
    )
