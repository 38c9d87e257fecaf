"""The /stats numbers: median wait, peer share, windows and course-local days."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from facilitation.errors import ParseError
from facilitation.model import Course, CourseSettings, Person, QuestionState
from facilitation.stats import (
    QuestionFacts,
    Window,
    days,
    median,
    peer_firsts,
    summarise,
    top_helpers,
    window,
    window_start,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def asked(
    at: datetime,
    state: QuestionState = QuestionState.OPEN,
    wait: timedelta | None = None,
    by_facilitator: bool = False,
) -> QuestionFacts:
    if wait is None:
        return QuestionFacts(at, state)
    return QuestionFacts(at, state, at + wait, by_facilitator)


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median([timedelta(minutes=30), timedelta(minutes=5), timedelta(hours=2)]) == timedelta(minutes=30)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([timedelta(minutes=10), timedelta(minutes=20)]) == timedelta(minutes=15)


def test_median_of_nothing_is_none() -> None:
    assert median([]) is None


def test_peer_share_counts_only_first_answers_and_ignores_dismissed_questions() -> None:
    facts = [
        asked(NOW, QuestionState.ANSWERED, timedelta(minutes=5), by_facilitator=False),
        asked(NOW, QuestionState.RESOLVED, timedelta(minutes=9), by_facilitator=False),
        asked(NOW, QuestionState.ANSWERED, timedelta(minutes=7), by_facilitator=True),
        asked(NOW, QuestionState.DISMISSED, timedelta(minutes=1), by_facilitator=False),
        asked(NOW, QuestionState.OPEN),
        asked(NOW, QuestionState.RESOLVED),  # the asker solved it alone
    ]

    assert peer_firsts(facts) == (2, 3)


def test_window_defaults_to_seven_days_and_ignores_hashtags() -> None:
    assert window([]) is Window.WEEK
    assert window(["#onb26"]) is Window.WEEK
    assert window(["#onb26", "30D"]) is Window.MONTH
    assert window(["all"]) is Window.ALL


def test_window_reads_french_forms() -> None:
    assert window(["7j"]) is Window.WEEK
    assert window(["#onb26", "30J"]) is Window.MONTH
    assert window(["tout"]) is Window.ALL


def test_unknown_window_explains_the_forms() -> None:
    with pytest.raises(ParseError, match=r"7d\|30d\|all"):
        window(["fortnight"])


def test_seven_day_window_starts_at_course_midnight_six_days_back() -> None:
    late_evening = datetime(2026, 11, 5, 23, 30, tzinfo=UTC)  # already 6 November in Berlin

    start = window_start(Window.WEEK, late_evening, BERLIN)

    assert start == datetime(2026, 10, 31, 0, 0, tzinfo=BERLIN)
    assert window_start(Window.ALL, late_evening, BERLIN) is None


def test_questions_fall_on_the_course_local_day_across_midnight() -> None:
    before_midnight = datetime(2026, 11, 3, 22, 30, tzinfo=UTC)  # 23:30 on the 3rd in Berlin
    after_midnight = datetime(2026, 11, 3, 23, 30, tzinfo=UTC)  # 00:30 on the 4th in Berlin
    facts = [
        asked(before_midnight, QuestionState.OPEN),
        asked(after_midnight, QuestionState.ANSWERED, timedelta(minutes=20)),
        asked(after_midnight, QuestionState.RESOLVED, timedelta(minutes=40)),
    ]

    found = days(facts, BERLIN, date(2026, 11, 2), date(2026, 11, 5))

    assert [(d.day.day, d.asked) for d in found] == [(2, 0), (3, 1), (4, 2), (5, 0)]
    assert found[1].counts[QuestionState.OPEN] == 1
    assert found[2].counts[QuestionState.ANSWERED] == 1
    assert found[2].counts[QuestionState.RESOLVED] == 1
    assert [d.median_first_answer for d in found] == [None, None, timedelta(minutes=30), None]


def test_same_moments_fall_on_one_utc_day() -> None:
    facts = [
        asked(datetime(2026, 11, 3, 22, 30, tzinfo=UTC)),
        asked(datetime(2026, 11, 3, 23, 30, tzinfo=UTC)),
    ]

    found = days(facts, ZoneInfo("UTC"), None, date(2026, 11, 4))

    assert [(d.day.day, d.asked) for d in found] == [(3, 2), (4, 0)]


def test_top_helpers_rank_by_answers_then_name() -> None:
    cleo, dan, eve = Person(13, "Cleo"), Person(14, "dan"), Person(15, "Eve")

    assert top_helpers([(eve, 1), (dan, 3), (cleo, 3)], limit=2) == [(cleo, 3), (dan, 3)]


def test_summary_counts_states_waits_and_days_of_the_window() -> None:
    course = Course(1, "onb26", "Onboarding", CourseSettings(timezone="Europe/Berlin"))
    facts = [
        asked(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), QuestionState.RESOLVED, timedelta(minutes=10)),
        asked(datetime(2026, 11, 4, 9, 0, tzinfo=UTC), QuestionState.ANSWERED, timedelta(hours=1), True),
        asked(datetime(2026, 11, 5, 9, 0, tzinfo=UTC), QuestionState.OPEN),
    ]

    stats = summarise(course, Window.WEEK, facts, [(Person(13, "Cleo"), 2)], NOW)

    assert stats.asked == 3
    assert stats.counts[QuestionState.OPEN] == 1
    assert stats.median_first_answer == timedelta(minutes=35)
    assert (stats.peer_first, stats.answered, stats.peer_share) == (1, 2, 0.5)
    assert [d.day for d in stats.days] == [date(2026, 10, 30) + timedelta(days=n) for n in range(7)]
    assert [d.asked for d in stats.days] == [0, 0, 0, 1, 0, 1, 1]
