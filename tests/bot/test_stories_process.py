"""Black-box: a #win told in a course group, consented to by its author and posted exactly once
to the course's showcase channel by a real `flock run`."""

from __future__ import annotations

import pytest

from tests.builders import group, private
from tests.support.process_cohort import (
    ANA,
    BEN,
    FLOCK,
    Cohort,
    messages,
    mid,
    reactions,
    said,
    set_up,
    start,
)

pytestmark = pytest.mark.process

MAIN = group(-1005301, "Wins cohort")
CHANNEL = {"id": -1005309, "type": "channel", "title": "Our wins", "username": "ourwins"}
WIN = "#win My first customer call went great"


def test_a_win_with_consent_is_posted_once_to_the_showcase_channel(cohort: Cohort) -> None:
    start(cohort, ANA, BEN)
    set_up(cohort, MAIN, "win26", "Wins cohort", flock_admin=True)
    cohort.fake.answers.chats["@ourwins"] = CHANNEL
    cohort.admin(CHANNEL, ANA)
    cohort.admin(CHANNEL, FLOCK)
    _, calls = cohort.say(private(ANA), ANA, "/showcase #win26 @ourwins")
    assert said(calls, ANA) == [
        "🎉 Stories of #win26 that their authors let go beyond the group will be posted in @ourwins."
    ]

    post, calls = cohort.say(MAIN, BEN, WIN)
    assert reactions(calls, MAIN) == [(mid(post), "🎉")]
    [ask] = messages(calls, BEN)
    assert "May we share this beyond the group?" in said(calls, BEN)[0]

    yes = cohort.press(BEN, ask, "Yes, as Ben")
    again = cohort.press(BEN, ask, "Yes, as Ben")
    later = cohort.advance(lambda calls: True, "a few ticks", minutes=5)

    assert said(yes, CHANNEL) == ["🎉 A story from Wins cohort\n\nMy first customer call went great\n\n— Ben"]
    assert [c.text for c in yes if c.method == "editMessageText"] == [
        "🎉 Thank you! Your story may be shared beyond the group (yes, as Ben)."
    ]
    assert said(again, CHANNEL) == []
    assert said(later, CHANNEL) == []
    assert cohort.db.count("select count(*) from outbox where kind = 'showcase_post'") == 1
    cohort.stop_cleanly()
