"""The highlights' week in course time, and their outbox form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from facilitation.highlights import Answerer, Drawn, Helper, Highlights, Voice, past_week
from facilitation.model import Listed, MessageRef


def test_the_past_week_is_the_course_local_monday_to_sunday_before_the_day() -> None:
    for day in (date(2026, 11, 9), date(2026, 11, 11), date(2026, 11, 15)):  # Monday, Wednesday, Sunday
        assert past_week("UTC", day) == (
            datetime(2026, 11, 2, tzinfo=UTC),
            datetime(2026, 11, 9, tzinfo=UTC),
        )


def test_a_week_in_which_summer_time_starts_is_167_hours_long() -> None:
    start, end = past_week("Europe/Berlin", date(2026, 3, 30))  # clocks went forward on 29 March

    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # Monday 23 March 00:00 CET
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # Monday 30 March 00:00 CEST
    assert end - start == timedelta(hours=167)


def test_a_week_west_of_utc_starts_at_its_own_midnight() -> None:
    start, end = past_week("America/New_York", date(2026, 11, 2))  # clocks went back on 1 November

    assert start == datetime(2026, 10, 26, 4, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)


def test_highlights_read_back_as_they_were_queued() -> None:
    week = Highlights(
        hashtag="onb26",
        title="Onboarding",
        timezone="Europe/Berlin",
        start=datetime(2026, 11, 1, 23, tzinfo=UTC),
        end=datetime(2026, 11, 8, 23, tzinfo=UTC),
        questions=[Drawn("Where?", "Ben", 3, 2, MessageRef(-1001500, 7, 3))],
        voices=Listed([Voice("Cleo", datetime(2026, 11, 2, 9, tzinfo=UTC), None)], 4),
        helpers=[Helper("Dan", 2, 1)],
        answerers=[Answerer("Eve", 5)],
    )

    assert Highlights.from_data(week.to_data()) == week
    assert not week.is_quiet
    assert Highlights("onb26", "Onboarding", "UTC", week.start, week.end).is_quiet
