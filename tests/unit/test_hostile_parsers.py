"""Every reader of typed text, fed arbitrary text: a value or its documented ParseError, never
anything else, and never an error message that repeats a huge input back."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import callbacks, sanitize
from facilitation import detection, guest_sessions, parsing, scope, stats
from facilitation.errors import ParseError
from facilitation.model import Attachment, Course, Detection, Scope
from tests.support.corpus import entries
from tests.unit.test_parsing import READERS as settings_readers

# Pieces that make parsers work hard: near-misses of every form, markup, invisible characters.
FRAGMENTS = [
    "#",
    "#q",
    "#intro",
    "#solved",
    "#onb26",
    "@",
    "@ada",
    "/",
    "?",
    "？",
    ":",
    ".",
    "-",
    " ",
    "\n",
    "1",
    "12",
    "99999999999999",
    "²",
    "①",
    "١٢",
    "h",
    "m",
    "s",
    "d",
    "1h30m",
    "22:00",
    "24:00",
    "2026-12-01",
    "9999-12-31",
    "0001-01-01",
    "tomorrow",
    "in",
    "off",
    "auto",
    "tagged",
    "UTC",
    "Europe/Berlin",
    "/..",
    "\x00",
    "\u202e",
    "\u200b",
    "\u0301",
    "\ufeff",
    "\ud800",
    "\udfff",
    "<b>",
    "</a>",
    "&amp;",
    "*_[]",
    "🙂",
    "👨‍👩‍👧",
    "“",
    "”",
    '"',
    "anon",
    "al:c:",
    "fu:y:",
    "gv:",
]
# Any code point, lone surrogates included: JSON may carry "\ud800" and Python will hold it.
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=200),
    st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHARACTER, max_size=3)), max_size=40).map(
        " ".join
    ),
)
NOW = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))
ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "Pacific/Niue"])
LONGEST_ERROR = 300
MANY = settings(max_examples=300, deadline=None)


def value_or_parse_error(read: Callable[..., Any], *args: Any) -> Any:
    try:
        return read(*args)
    except ParseError as error:
        refusal = error.message
    assert 0 < len(refusal) <= LONGEST_ERROR, refusal
    return None


NAMES = ["course_tag", "duration", "clock", "zone", "quiet", "detect", "digest", "window"]
READERS: list[Callable[[str], Any]] = [*settings_readers, lambda text: stats.window(text.split())]


@pytest.mark.parametrize("read", READERS, ids=NAMES)
@MANY
@given(text=TEXT)
def test_readers_return_a_value_or_a_parse_error(read: Callable[[str], Any], text: str) -> None:
    value_or_parse_error(read, text)


@MANY
@given(text=TEXT)
def test_a_time_zone_that_is_accepted_fits_its_column(text: str) -> None:
    zone = value_or_parse_error(parsing.timezone, text)

    assert zone is None or 0 < len(zone) <= 64


@pytest.mark.parametrize("read", READERS, ids=NAMES)
def test_readers_survive_the_corpus(read: Callable[[str], Any]) -> None:
    for text in entries():
        value_or_parse_error(read, text)


@MANY
@given(text=TEXT, now=NOW, zone=ZONES)
def test_moment_is_an_aware_time_within_reach_or_a_parse_error(text: str, now: datetime, zone: str) -> None:
    found = value_or_parse_error(parsing.moment, text, now, zone)

    if found is not None:
        assert found.tzinfo is not None
        assert found - now <= parsing.MAX_AHEAD


@MANY
@given(text=TEXT, now=NOW, zone=ZONES)
def test_a_sessions_start_and_length_can_always_be_added(text: str, now: datetime, zone: str) -> None:
    found = value_or_parse_error(guest_sessions.read_when, text, now, zone)

    if found is not None:
        start, length = found
        assert start + length > start


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "UTC"])
@pytest.mark.parametrize("text", ["9999-12-31 23:59", "0001-01-01 00:00", "2099-01-01 10:00 90m"])
def test_dates_at_the_calendars_edges_are_refused_kindly(zone: str, text: str) -> None:
    now = datetime(2026, 11, 2, 12, tzinfo=UTC)

    try:
        start, _ = guest_sessions.read_when(text, now, zone)
    except ParseError as error:
        refusal = error.message
    else:
        refusal = "already passed" if start < now else "accepted"

    assert "too far ahead" in refusal or "already passed" in refusal


@pytest.mark.parametrize("text", ["2031-11-01 10:00", "in 60d", "tomorrow 15:00"])
def test_dates_within_five_years_are_read(text: str) -> None:
    now = datetime(2026, 11, 2, 12, tzinfo=UTC)

    assert parsing.moment(text, now, "Europe/Berlin") > now


def test_every_corpus_entry_reads_as_a_moment_or_a_parse_error() -> None:
    now = datetime(2026, 11, 2, 12, tzinfo=UTC)
    for text in entries():
        for zone in ("America/New_York", "Europe/Berlin"):
            value_or_parse_error(guest_sessions.read_when, text, now, zone)


@MANY
@given(text=TEXT)
def test_numbers_are_ascii_digits_that_fit_the_database(text: str) -> None:
    found = parsing.number(text)

    if found is not None:
        assert 0 <= found < 10**12
        assert text.strip() == str(found) or text.strip().lstrip("0") == str(found).lstrip("0")


@pytest.mark.parametrize("typed", ["²", "①", "١٢", "𝟗", "1²", "9999999999999", "-1", "1.0", "", " "])
def test_numbers_in_other_forms_are_not_numbers(typed: str) -> None:
    assert parsing.number(typed) is None


@MANY
@given(text=TEXT)
def test_hashtags_are_lower_case_words_found_in_the_text(text: str) -> None:
    found = parsing.hashtags(text)

    for tag in found:
        assert tag
        assert tag == tag.lower()
        assert "#" in text


@MANY
@given(text=TEXT, mode=st.sampled_from(list(Detection)), replying=st.booleans())
def test_detection_and_tag_stripping_take_any_text(text: str, mode: Detection, replying: bool) -> None:
    tags = parsing.hashtags(text)

    detection.is_question(text, tags, mode, replying)
    detection.is_introduction(tags)
    detection.marks_solved(tags)
    stripped = detection.strip_tags(text, frozenset(tags))

    assert len(stripped) <= len(text)


def test_detection_takes_the_corpus_in_reasonable_time() -> None:
    for text in entries():
        tags = parsing.hashtags(text)
        detection.is_question(text, tags, Detection.AUTO, False)
        detection.strip_tags(text, frozenset(tags))


@MANY
@given(text=TEXT)
def test_scope_of_any_text_is_among_the_chats_courses(text: str) -> None:
    courses = [Course(1, "onb26", "Onboarding"), Course(2, "q", "Q")]
    attachments = [Attachment(courses[0], -1, Scope.TAGGED), Attachment(courses[1], -1, Scope.TAGGED)]

    found = scope.courses_in_scope(attachments, parsing.hashtags(text))

    assert set(found) <= set(courses)


def test_the_longest_duration_is_sixty_days_whatever_is_typed() -> None:
    assert parsing.duration("60d") == timedelta(days=60)
    assert value_or_parse_error(parsing.duration, "1" * 100_000 + "d") is None


DECODERS = [callbacks.parse_alert_button, callbacks.parse_followup_button, callbacks.parse_vote_button]


@pytest.mark.parametrize("decode", DECODERS, ids=["alert", "followup", "vote"])
@MANY
@given(data=st.one_of(TEXT, st.none()))
def test_button_data_decodes_to_a_button_or_none(
    decode: Callable[[str | None], Any], data: str | None
) -> None:
    found = decode(data)

    if found is not None:  # only what Flock itself writes: ASCII, short, ids that fit the database
        assert data is not None
        assert data.isascii()
        assert len(data.encode()) <= 64


@MANY
@given(
    ident=st.integers(0, 10**12 - 1),
    solved=st.booleans(),
    action=st.sampled_from(["claim", "snooze", "dismiss"]),
)
def test_button_data_round_trips_within_telegrams_64_bytes(ident: int, solved: bool, action: str) -> None:
    written = [
        callbacks.alert_button(action, ident),
        callbacks.followup_button(solved, ident),
        callbacks.vote_button(ident),
    ]

    assert all(len(data.encode()) <= 64 for data in written)
    assert callbacks.parse_alert_button(written[0]) == callbacks.AlertButton(action, ident)
    assert callbacks.parse_followup_button(written[1]) == callbacks.FollowupButton(solved, ident)
    assert callbacks.parse_vote_button(written[2]) == ident


@pytest.mark.parametrize(
    "data", ["al:c:١٢", "gv:²", "fu:y:𝟗", "al:c:1\n", "gv:1 ", "al:x:1", "gv:" + "9" * 13]
)
def test_forged_button_data_is_refused(data: str) -> None:
    assert all(decode(data) is None for decode in DECODERS)


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value.keys(), *(s for v in value.values() for s in strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(ANY_CHARACTER)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(ANY_CHARACTER), inner, max_size=4)
    ),
    max_leaves=20,
)


@MANY
@given(update=st.dictionaries(st.text(ANY_CHARACTER, max_size=8), JSON_VALUES, max_size=5))
def test_any_update_json_becomes_storable_text(update: dict[str, Any]) -> None:
    stored = sanitize.storable_json(update)

    stored.encode("utf-8")  # would raise on a lone surrogate
    assert not any("\x00" in text for text in strings(json.loads(stored)))
    if sanitize.clean(update) == update:
        assert json.loads(stored) == update
