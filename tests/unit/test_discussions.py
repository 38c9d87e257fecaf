"""The rules of scheduled discussions: the first line, A<n>, the series' next slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from facilitation import discussions
from facilitation.errors import ParseError

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        *[("A1", 1), ("A1: yes", 1), ("a1 - yes", 1), ("  A2. ok", 2), ("A10 x", 10), ("A1B", None)],
        *[("Ab1", None), ("A0 x", None), ("Answer 1", None), ("A1x", None), ("1A", None), ("", None)],
    ],
)
def test_an_answer_starts_with_its_number(text: str, number: int | None) -> None:
    assert discussions.answer_number(text) == number


def test_the_first_line_in_english_and_in_french() -> None:
    english = discussions.read_settings('"Tips" tomorrow 19:00 every 1w gap 5m', NOW, "UTC")
    french = discussions.read_settings("“Astuces” demain à 19h intervalle 1h30 chaque 2sem", NOW, "UTC")

    assert (english.title, english.every, english.gap) == ("Tips", timedelta(days=7), timedelta(minutes=5))
    assert english.starts_at == datetime(2026, 11, 3, 19, 0, tzinfo=UTC)
    assert (french.title, french.every, french.gap) == ("Astuces", timedelta(days=14), timedelta(minutes=90))
    assert discussions.read_settings('"T" in 45m', NOW, "UTC").gap == discussions.DEFAULT_GAP


@pytest.mark.parametrize("rhythm", ["1s", "1sem", "1semaine", "1w"])
def test_a_week_is_read_as_announcements_read_it(rhythm: str) -> None:
    settings = discussions.read_settings(f'"T" demain 19h chaque {rhythm}', NOW, "UTC")

    assert settings.every == timedelta(days=7)


@pytest.mark.parametrize("line", ['"T" tomorrow 19:00 every', '"T" tomorrow 19:00 gap 30s', '"" tomorrow'])
def test_a_bad_first_line_is_refused(line: str) -> None:
    with pytest.raises(ParseError):
        discussions.read_settings(line, NOW, "UTC")


def test_the_next_slot_keeps_the_local_time_across_a_change_of_clocks() -> None:
    summer = datetime(2026, 10, 21, 17, 0, tzinfo=UTC)  # 19:00 in Berlin (UTC+2)

    winter = discussions.next_slot(summer, timedelta(days=7), "Europe/Berlin")

    assert winter == datetime(2026, 10, 28, 18, 0, tzinfo=UTC)  # 19:00 in Berlin (UTC+1)
