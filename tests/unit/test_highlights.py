"""The highlights' week in course time, and their outbox form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from facilitation.highlights import (
    Answered,
    Answerer,
    Drawn,
    Helper,
    Highlights,
    Told,
    Voice,
    most_answered,
    most_answering,
    past_week,
)
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
        stories=Listed(
            [
                Told(
                    "Ben", "My first PR", MessageRef(-1001500, 5), "name", MessageRef(-1001900, 9), "ourwins"
                ),
                Told("Cleo", "Passed!", MessageRef(-1001500, 6, 3), "not_started"),
            ],
            7,
        ),
        questions=[Drawn("Where?", "Ben", 3, 2, MessageRef(-1001500, 7, 3))],
        voices=Listed([Voice("Cleo", datetime(2026, 11, 2, 9, tzinfo=UTC), None)], 4),
        helpers=[Helper("Dan", 2, 1)],
        answerers=[Answerer("Eve", 5)],
    )

    assert Highlights.from_data(week.to_data()) == week
    assert not week.is_quiet
    assert Highlights("onb26", "Onboarding", "UTC", week.start, week.end).is_quiet
    only_a_story = Highlights("onb26", "Onboarding", "UTC", week.start, week.end, stories=week.stories)
    assert not only_a_story.is_quiet


def test_highlights_queued_before_stories_were_in_them_read_back_without_any() -> None:
    week = Highlights(
        "onb26", "Onboarding", "UTC", datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)
    )
    queued = week.to_data()
    del queued["stories"]

    assert Highlights.from_data(queued) == week


def test_questions_rank_by_answers_then_people_and_need_two() -> None:
    answered = [
        Answered(1, 20, False, 3),  # question 1: 3 answers from one person
        Answered(2, 20, False, 1),  # question 2: 3 answers from three people
        Answered(2, 21, False, 1),
        Answered(2, 22, True, 1),
        Answered(3, 23, False, 1),  # question 3: one answer, not "the most"
        Answered(4, 20, False, 2),  # question 4: 2 answers
        Answered(5, 21, False, 2),  # question 5: as many as 4, asked later
    ]

    assert most_answered(answered) == [(2, 3, 3), (1, 3, 1), (4, 2, 1), (5, 2, 1)]
    assert most_answered(answered, limit=2) == [(2, 3, 3), (1, 3, 1)]


def test_answerers_count_questions_not_answers_and_leave_facilitators_out() -> None:
    answered = [
        Answered(1, 20, False, 5),  # five answers to one question
        Answered(1, 21, False, 1),
        Answered(2, 21, False, 1),
        Answered(3, 22, True, 1),  # a facilitator
        Answered(3, 23, False, 1),
    ]

    assert most_answering(answered) == [(21, 2), (20, 1), (23, 1)]
    assert most_answering(answered, limit=1) == [(21, 2)]
