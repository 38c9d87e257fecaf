"""Announcement times: course-relative moments, rhythms, and the next time in course time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from facilitation import parsing
from facilitation.announcements import Request, next_time, read_request
from facilitation.errors import ParseError
from facilitation.model import Announcement, AnnouncementContent, Course, CourseSettings

START = date(2026, 11, 4)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("day 1 09:00", datetime(2026, 11, 4, 9, 0)),
        ("day 10 9h30", datetime(2026, 11, 13, 9, 30)),
        ("jour 10 à 9h", datetime(2026, 11, 13, 9, 0)),
        ("week 1 wed 09:00", datetime(2026, 11, 4, 9, 0)),  # week 1 is the seven days from the start
        ("week 1 mon 09:00", datetime(2026, 11, 9, 9, 0)),  # its Monday comes after its Wednesday
        ("week 3 mon 09:00", datetime(2026, 11, 23, 9, 0)),
        ("semaine 3 lundi 9h", datetime(2026, 11, 23, 9, 0)),
        ("week 2 fri at 17:30", datetime(2026, 11, 13, 17, 30)),
    ],
)
def test_course_relative_moments_count_from_day_one(text: str, expected: datetime) -> None:
    assert parsing.course_moment(text, "UTC", START) == expected.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["week 3 09:00", "day 0 09:00", "week x mon 09:00", "day 3", "week 2 mon noon"]
)
def test_unreadable_course_moments_are_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parsing.course_moment(text, "UTC", START)


def test_a_course_moment_needs_a_start_date() -> None:
    with pytest.raises(ParseError) as error:
        parsing.course_moment("day 3 09:00", "UTC", None)
    assert error.value.template == parsing.NO_START


def test_rhythms_in_both_languages() -> None:
    assert [parsing.period_days(p) for p in ("1d", "1j", "1w", "1s", "2w", "2s", "1 sem")] == [
        1,
        1,
        7,
        7,
        14,
        14,
        7,
    ]
    with pytest.raises(ParseError):
        parsing.period_days("3d")


def test_flags_are_read_wherever_they_stand() -> None:
    assert read_request(["pin", "tomorrow", "09:00", "every", "1w", "here"]) == Request(
        "tomorrow 09:00", "1w", True, True
    )
    assert read_request(["demain", "9h", "chaque", "2s", "épingler", "ici"]) == Request(
        "demain 9h", "2s", True, True
    )
    with pytest.raises(ParseError):
        read_request(["pin"])


def weekly(next_at: datetime, timezone: str, every: int | None = 7) -> Announcement:
    course = Course(1, "onb26", "Onboarding", CourseSettings(timezone=timezone))
    local = next_at.astimezone(ZoneInfo(timezone)).time()
    return Announcement(
        1, course, AnnouncementContent("text", "Hi"), next_at, local, every, False, None, None, ()
    )


def test_the_next_time_keeps_the_course_clock_time_across_a_clock_change() -> None:
    first = datetime(2026, 10, 27, 13, 0, tzinfo=UTC)  # 09:00 in Toronto, summer time
    assert next_time(weekly(first, "America/Toronto"), first) == datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
    spring = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)  # 09:00 EST; summer time from 14 March
    assert next_time(weekly(spring, "America/Toronto"), spring) == datetime(2027, 3, 16, 13, 0, tzinfo=UTC)


def test_times_missed_while_down_are_not_made_up_and_once_means_once() -> None:
    first = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    daily = weekly(first, "UTC", every=1)
    assert next_time(daily, datetime(2026, 11, 5, 12, 0, tzinfo=UTC)) == datetime(
        2026, 11, 6, 9, 0, tzinfo=UTC
    )
    assert next_time(weekly(first, "UTC", every=None), first) is None


def test_a_time_a_clock_change_skips_comes_out_an_hour_later() -> None:
    gap = parsing.local_moment(date(2027, 3, 14), time(2, 30), "America/Toronto")
    assert gap == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # 03:30 EDT
