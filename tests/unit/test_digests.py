"""When a course's digest is due, which window it covers, and what it is made of."""

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

import pytest

from bot.render_digest import digest as render
from facilitation.digest_content import DigestFacts, Opening, assemble
from facilitation.digests import due_day, latest_local_day, opened_by, window_start
from facilitation.model import (
    Answer,
    Course,
    CourseSettings,
    Introduction,
    Listed,
    MessageRef,
    Person,
    Question,
    QuestionState,
    RosterEntry,
)
from facilitation.ports import DigestSchedule

T = TypeVar("T")

BERLIN = CourseSettings(timezone="Europe/Berlin", digest_at=time(8, 0))
CREATED = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def schedule(
    settings: CourseSettings = BERLIN, last: date | None = None, created: datetime = CREATED
) -> DigestSchedule:
    return DigestSchedule(Course(1, "onb26", "Onboarding 2026", settings), created, last)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Due-ness


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (utc(2026, 11, 3, 6, 59), None),  # 07:59 in Berlin (CET, UTC+1)
        (utc(2026, 11, 3, 7, 0), date(2026, 11, 3)),
        (utc(2026, 11, 3, 22, 59), date(2026, 11, 3)),  # later that day, still not sent
        (utc(2026, 11, 3, 23, 0), None),  # midnight in Berlin: the 4th, before 08:00
    ],
)
def test_digest_is_due_from_the_digest_time_of_a_new_local_day(now: datetime, due: date | None) -> None:
    assert due_day(schedule(last=date(2026, 11, 2)), now) == due


def test_digest_sent_today_is_not_due_again_today() -> None:
    assert due_day(schedule(last=date(2026, 11, 3)), utc(2026, 11, 3, 20, 0)) is None


def test_a_missed_week_is_one_digest_for_today() -> None:
    assert due_day(schedule(last=date(2026, 10, 27)), utc(2026, 11, 3, 9, 0)) == date(2026, 11, 3)


@pytest.mark.parametrize(
    ("last", "before", "at"),
    [
        # Summer time ends on 25 October 2026: 08:00 moves from 06:00 to 07:00 UTC.
        (date(2026, 10, 24), utc(2026, 10, 25, 6, 59), utc(2026, 10, 25, 7, 0)),
        (date(2026, 10, 23), utc(2026, 10, 24, 5, 59), utc(2026, 10, 24, 6, 0)),
        # Summer time starts on 29 March 2026: 08:00 moves from 07:00 to 06:00 UTC.
        (date(2026, 3, 28), utc(2026, 3, 29, 5, 59), utc(2026, 3, 29, 6, 0)),
        (date(2026, 3, 27), utc(2026, 3, 28, 6, 59), utc(2026, 3, 28, 7, 0)),
    ],
)
def test_digest_time_is_local_time_across_daylight_saving_changes(
    last: date, before: datetime, at: datetime
) -> None:
    assert due_day(schedule(last=last), before) is None
    assert due_day(schedule(last=last), at) == at.date()


def test_digest_time_skipped_by_the_clock_change_is_due_right_after_it() -> None:
    settings = CourseSettings(timezone="Europe/Berlin", digest_at=time(2, 30))
    last = date(2026, 3, 28)

    assert due_day(schedule(settings, last), utc(2026, 3, 29, 0, 59)) is None  # 01:59 CET
    assert due_day(schedule(settings, last), utc(2026, 3, 29, 1, 0)) == date(2026, 3, 29)  # 03:00 CEST


def test_first_digest_is_the_first_digest_time_after_the_course_was_created() -> None:
    created = utc(2026, 11, 3, 8, 30)  # 09:30 in Berlin, after that day's digest time

    assert due_day(schedule(created=created), utc(2026, 11, 3, 12, 0)) is None
    assert due_day(schedule(created=created), utc(2026, 11, 4, 7, 0)) == date(2026, 11, 4)


def test_course_created_before_the_digest_time_gets_its_first_digest_that_day() -> None:
    created = utc(2026, 11, 3, 5, 0)  # 06:00 in Berlin

    assert due_day(schedule(created=created), utc(2026, 11, 3, 7, 0)) == date(2026, 11, 3)


def test_a_course_with_the_digest_off_is_never_due_and_looks_back_one_day_on_demand() -> None:
    off = CourseSettings(timezone="Europe/Berlin", digest_at=None)
    now = utc(2026, 11, 3, 12, 0)

    assert due_day(schedule(off, last=date(2026, 10, 1)), now) is None
    assert due_day(schedule(off), now) is None
    assert window_start(schedule(off, last=date(2026, 10, 1)), now) == utc(2026, 11, 2, 12, 0)
    assert opened_by(schedule(off, last=date(2026, 10, 1)), now) is Opening.DAY_AGO


def test_a_course_ahead_of_utc_is_due_on_its_own_date() -> None:
    tokyo = CourseSettings(timezone="Asia/Tokyo", digest_at=time(8, 0))
    now = utc(2026, 11, 2, 23, 30)  # 08:30 on the 3rd in Tokyo

    assert due_day(schedule(tokyo, last=date(2026, 11, 2)), now) == date(2026, 11, 3)
    assert latest_local_day(now) > date(2026, 11, 2)  # so the 2nd's digest is still looked at


# Window


def test_window_starts_at_the_previous_scheduled_digest_moment() -> None:
    start = window_start(schedule(last=date(2026, 11, 2)), utc(2026, 11, 3, 7, 0, 10))

    assert start == utc(2026, 11, 2, 7, 0)


def test_window_after_a_missed_week_reaches_back_to_the_last_digest() -> None:
    start = window_start(schedule(last=date(2026, 10, 27)), utc(2026, 11, 3, 9, 0))

    assert start == utc(2026, 10, 27, 7, 0)


def test_first_window_starts_at_creation_but_at_most_a_day_back() -> None:
    young = schedule(created=utc(2026, 11, 3, 5, 0))

    assert window_start(young, utc(2026, 11, 3, 7, 0)) == utc(2026, 11, 3, 5, 0)
    assert window_start(schedule(), utc(2026, 11, 3, 7, 0)) == utc(2026, 11, 2, 7, 0)


def test_the_window_says_what_it_starts_at() -> None:
    young = schedule(created=utc(2026, 11, 3, 5, 0))
    now = utc(2026, 11, 3, 7, 0)

    assert opened_by(young, now) is Opening.SETUP
    assert opened_by(schedule(), now) is Opening.DAY_AGO
    assert opened_by(schedule(last=date(2026, 11, 2)), now) is Opening.LAST_DIGEST


def test_window_when_the_digest_time_moved_later_after_todays_digest() -> None:
    later = CourseSettings(timezone="Europe/Berlin", digest_at=time(20, 0))

    start = window_start(schedule(later, last=date(2026, 11, 3)), utc(2026, 11, 3, 10, 0))

    assert start == utc(2026, 11, 2, 19, 0)


# Content

ANA, BEN, CLEO, DAN = Person(11, "Ana"), Person(12, "Ben"), Person(13, "Cleo"), Person(14, "Dan")
SINCE = utc(2026, 11, 2, 7, 0)
NOW = utc(2026, 11, 3, 7, 0)


def question(
    qid: int, asker: Person, state: QuestionState, asked: datetime, answered: datetime | None = None
) -> Question:
    ref = MessageRef(-1001500, 100 + qid)
    return Question(qid, 1, asker, f"Question {qid}?", state, asked, ref, answered)


def answer(aid: int, qid: int, who: Person, at: datetime, by_facilitator: bool = False) -> Answer:
    return Answer(aid, qid, who, "An answer", at, MessageRef(-1001500, 200 + aid), by_facilitator)


def listed(items: list[T]) -> Listed[T]:
    return Listed(items, len(items))


def facts(**changes: object) -> DigestFacts:
    """Facts as storage reads them: facilitators (Ana) are not learners, lists come sorted."""
    asked = SINCE + timedelta(hours=1)
    learners = [
        RosterEntry(BEN, "Hi, I'm Ben", 2, NOW),
        RosterEntry(CLEO, None, 3, NOW),
        RosterEntry(DAN, None, 2, NOW),
    ]
    base: dict[str, object] = {
        "unanswered": listed([question(1, BEN, QuestionState.OPEN, asked)]),
        "follow_up": listed([question(3, DAN, QuestionState.ANSWERED, asked, asked + timedelta(hours=1))]),
        "unresolved": listed(
            [question(2, CLEO, QuestionState.ANSWERED, asked, asked + timedelta(minutes=30))]
        ),
        "resolved": listed([]),
        "introductions": listed([Introduction(1, 1, BEN, "Hi, I'm Ben", asked, MessageRef(-1001500, 99))]),
        "silent": listed([e for e in learners if e.introduction is None]),
        "learners": listed(learners),
        "asked": [
            question(1, BEN, QuestionState.OPEN, asked),
            question(2, CLEO, QuestionState.ANSWERED, asked, asked + timedelta(minutes=30)),
            question(3, DAN, QuestionState.ANSWERED, asked, asked + timedelta(hours=1)),
        ],
        "answers": [
            answer(1, 2, DAN, asked + timedelta(minutes=30)),
            answer(2, 3, ANA, asked + timedelta(hours=1), by_facilitator=True),
            answer(3, 3, CLEO, asked + timedelta(hours=2)),
        ],
        "contributions": {12: (1, 0), 13: (1, 1), 14: (1, 1)},
    }
    base.update(changes)
    return DigestFacts(**base)  # type: ignore[arg-type]


def course() -> Course:
    return schedule().course


def test_digest_sorts_questions_by_what_they_wait_for() -> None:
    digest = assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, facts())

    assert [e.text for e in digest.unanswered.items] == ["Question 1?"]
    assert [e.text for e in digest.unresolved.items] == ["Question 2?"]
    assert [e.text for e in digest.follow_up.items] == ["Question 3?"]


def test_digest_numbers_count_first_answers_by_peers_and_the_median_wait() -> None:
    digest = assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, facts())

    assert (digest.asked, digest.answered, digest.by_peers) == (3, 2, 1)
    assert digest.median_first_answer == timedelta(minutes=45)
    assert digest.helpers == [("Cleo", 1), ("Dan", 1)]


def test_facilitators_are_not_learners_in_the_digest() -> None:
    digest = assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, facts())

    assert [p.name for p in digest.learners.items] == ["Ben", "Cleo", "Dan"]
    assert digest.silent.items == ["Cleo", "Dan"]
    assert [(p.asked, p.answered, p.introduced) for p in digest.learners.items] == [
        (1, 0, True),
        (1, 1, False),
        (1, 1, False),
    ]


def test_long_lists_keep_their_first_items_and_their_length() -> None:
    many = [question(i, BEN, QuestionState.OPEN, SINCE) for i in range(1, 26)]

    digest = assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, facts(unanswered=listed(many)))

    assert len(digest.unanswered.items) == 10
    assert (digest.unanswered.total, digest.unanswered.more) == (25, 15)


def test_a_day_without_anything_to_tell_is_quiet() -> None:
    none: Listed[object] = listed([])
    quiet = facts(unanswered=none, follow_up=none, unresolved=none, introductions=none, asked=[], answers=[])

    assert assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, quiet).is_quiet
    assert not assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, facts()).is_quiet


def test_digest_survives_the_outbox_json_unchanged() -> None:
    digest = assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, facts())

    again = type(digest).from_data(json.loads(json.dumps(digest.to_data())))

    assert again == digest


def test_rendered_digest_never_exceeds_one_message() -> None:
    names = [Person(100 + n, "&" * 256) for n in range(40)]  # each "&" grows to "&amp;"
    roster = [RosterEntry(p, None, 1, NOW) for p in names]
    many = facts(learners=listed(roster), silent=listed(roster))

    text = render(assemble(course(), SINCE, Opening.LAST_DIGEST, NOW, many))

    assert len(text) <= 4096
    assert text.endswith("\n…")
