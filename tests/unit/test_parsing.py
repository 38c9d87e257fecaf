"""Readers for what people type: each returns a value or raises ParseError, nothing else."""

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from facilitation import guest_sessions, parsing
from facilitation.errors import ParseError
from facilitation.model import Detection, QuietHours


def test_hashtags_are_found_lower_case_in_order() -> None:
    assert parsing.hashtags("#Q about #ONB26, and #q again") == ["q", "onb26", "q"]


def test_hashtags_inside_words_or_doubled_are_ignored() -> None:
    assert parsing.hashtags("a#b c#q ##q # 1#") == []


def test_hashtags_may_use_letters_of_any_script() -> None:
    assert parsing.hashtags("#вопрос и #frage_1") == ["вопрос", "frage_1"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("#onb26", "onb26"), ("#ONB26", "onb26"), ("#a_1", "a_1"), ("#" + "x" * 64, "x" * 64)],
)
def test_course_tag_accepts_hash_and_two_to_sixty_four_word_characters(typed: str, stored: str) -> None:
    assert parsing.course_tag(typed) == stored


@pytest.mark.parametrize(
    "typed", ["onb26", "#", "#a", "#" + "x" * 65, "#onb-26", "#курс", "#onb 26", "##onb"]
)
def test_course_tag_rejects_other_forms_with_an_example(typed: str) -> None:
    with pytest.raises(ParseError, match="#onb26"):
        parsing.course_tag(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("45m", timedelta(minutes=45)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 1H 30M ", timedelta(hours=1, minutes=30)),
        ("10s", timedelta(seconds=10)),
        ("60d", timedelta(days=60)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("90m", timedelta(minutes=90)),
    ],
)
def test_duration_reads_documented_forms(typed: str, expected: timedelta) -> None:
    assert parsing.duration(typed) == expected


@pytest.mark.parametrize("typed", ["", "2", "h", "1.5h", "2 hours", "-2h", "2h-", "1w", "h2", "two hours"])
def test_unreadable_duration_names_the_accepted_forms(typed: str) -> None:
    with pytest.raises(ParseError, match="1h30m"):
        parsing.duration(typed)


@pytest.mark.parametrize("typed", ["1h1h", "30m30m", "30m1h", "1s1m", "1h 30m 1h", "2d1h1d"])
def test_duration_with_a_unit_repeated_or_out_of_order_is_refused(typed: str) -> None:
    with pytest.raises(ParseError, match="each unit once, largest first"):
        parsing.duration(typed)


@pytest.mark.parametrize("typed", ["9s", "0m", "61d", "1440h1s"])
def test_duration_outside_ten_seconds_to_sixty_days_is_refused(typed: str) -> None:
    with pytest.raises(ParseError, match="between 10 seconds and 60 days"):
        parsing.duration(typed)


def test_duration_with_huge_repeated_parts_is_refused_not_overflowing() -> None:
    with pytest.raises(ParseError):
        parsing.duration("999999d" * 1001)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("08:00", time(8)),
        ("8:05", time(8, 5)),
        ("23:59", time(23, 59)),
        ("00:00", time(0)),
        ("7.30", time(7, 30)),
    ],
)
def test_clock_time_reads_hours_and_minutes(typed: str, expected: time) -> None:
    assert parsing.clock_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "12:60", "0800", "8", "8am", "", "12:5", "-1:00"])
def test_unreadable_clock_time_shows_an_example(typed: str) -> None:
    with pytest.raises(ParseError, match="08:00"):
        parsing.clock_time(typed)


@pytest.mark.parametrize(
    "name",
    ["UTC", "Etc/UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", " Asia/Tokyo ", "Pacific/Honolulu"],
)
def test_timezone_accepts_iana_names(name: str) -> None:
    assert parsing.timezone(name) == name.strip()


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Mars/Olympus",
        "europe/berlin",
        "/etc/passwd",
        "../../etc/passwd",
        "Europe",
        "Etc",
        "x" * 5000,
        "a\x00b",
    ],
    ids=lambda name: repr(name[:20]),
)
def test_unknown_timezone_is_refused_with_an_example(name: str) -> None:
    with pytest.raises(ParseError, match="Europe/Berlin"):
        parsing.timezone(name)


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("EST", "America/Toronto"),
        ("EST5EDT", "America/Toronto"),
        ("MST", "America/Denver"),
        ("HST", "Pacific/Honolulu"),
        ("CET", "Europe/Berlin"),
        ("GMT", "Europe/London"),
        ("Etc/GMT+5", "America/Toronto"),
        ("US/Eastern", "America/Toronto"),
        ("Japan", "America/Toronto"),
    ],
)
def test_a_legacy_or_fixed_offset_zone_is_refused_with_a_place_to_use(name: str, suggested: str) -> None:
    with pytest.raises(ParseError, match=f"not a place.*like {suggested}.*daylight saving"):
        parsing.timezone(name)


def test_digest_time_is_a_time_of_day_or_off() -> None:
    assert parsing.digest_time(" 7:30 ") == time(7, 30)
    assert parsing.digest_time(" OFF ") is None
    with pytest.raises(ParseError, match="like 08:00, or off"):
        parsing.digest_time("never")


def test_quiet_hours_span_midnight() -> None:
    hours = parsing.quiet_hours("22:00-07:00")

    assert hours == QuietHours(time(22), time(7))
    assert hours.contains(time(23, 30))
    assert hours.contains(time(6, 59))
    assert not hours.contains(time(7))


def test_quiet_hours_within_one_day() -> None:
    hours = parsing.quiet_hours(" 12:00 - 13:30 ")

    assert hours == QuietHours(time(12), time(13, 30))
    assert not hours.contains(time(13, 30))


def test_quiet_hours_off_turns_them_off() -> None:
    assert parsing.quiet_hours(" OFF ") is None


@pytest.mark.parametrize("typed", ["22:00", "22:00-22:00", "night", "22:00-25:00", ""])
def test_unreadable_quiet_hours_are_refused(typed: str) -> None:
    with pytest.raises(ParseError):
        parsing.quiet_hours(typed)


@pytest.mark.parametrize(("typed", "expected"), [("auto", Detection.AUTO), (" Tagged ", Detection.TAGGED)])
def test_detection_reads_auto_or_tagged(typed: str, expected: Detection) -> None:
    assert parsing.detection(typed) == expected


def test_unknown_detection_explains_both_values() -> None:
    with pytest.raises(ParseError, match=r"auto .* tagged"):
        parsing.detection("always")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (timedelta(hours=2), "2h"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=1, seconds=5), "1d5s"),
        (timedelta(0), "0s"),
    ],
)
def test_format_duration_writes_the_compact_form(value: timedelta, shown: str) -> None:
    assert parsing.format_duration(value) == shown


READERS: list[Callable[[str], Any]] = [
    parsing.course_tag,
    parsing.duration,
    parsing.clock_time,
    parsing.timezone,
    parsing.quiet_hours,
    parsing.detection,
    parsing.digest_time,
]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
@given(text=st.text())
@example(text="Europe")
@example(text="9" * 200 + "d")
@example(text="٠٨:٣٠")
def test_readers_raise_nothing_but_parse_error(reader: Callable[[str], Any], text: str) -> None:
    with contextlib.suppress(ParseError):
        reader(text)


@given(st.text(alphabet="0123456789smhd: .-#/_ofaut", max_size=40))
def test_readers_raise_nothing_but_parse_error_on_near_miss_input(text: str) -> None:
    for reader in READERS:
        with contextlib.suppress(ParseError):
            reader(text)


@given(st.text())
def test_hashtags_never_raise_and_are_lower_case_without_hash(text: str) -> None:
    for tag in parsing.hashtags(text):
        assert tag == tag.lower()
        assert tag
        assert "#" not in tag


@given(st.integers(min_value=10, max_value=60 * 86400).map(lambda s: timedelta(seconds=s)))
def test_formatted_duration_reads_back_as_the_same_duration(value: timedelta) -> None:
    assert parsing.duration(parsing.format_duration(value)) == value


@given(st.text())
def test_read_duration_is_always_within_bounds(text: str) -> None:
    try:
        value = parsing.duration(text)
    except ParseError:
        return

    assert timedelta(seconds=10) <= value <= parsing.MAX_DURATION


@given(st.text())
def test_read_course_tag_is_always_a_valid_stored_tag(text: str) -> None:
    try:
        tag = parsing.course_tag(text)
    except ParseError:
        return

    assert 2 <= len(tag) <= 64
    assert tag == tag.lower()
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in tag)


def test_a_link_fragment_is_not_a_hashtag() -> None:
    assert parsing.hashtags("see https://example.org/#intro and #q") == ["q"]


# Reading stays bilingual: French forms beside the English ones, whatever language is spoken.
def test_french_hashtags_keep_their_accents_composed_or_not() -> None:
    assert parsing.hashtags("#Présentation Léa, de Québec #résolu") == ["présentation", "résolu"]
    assert parsing.hashtags("#pre\u0301sentation et #RE\u0301SOLU") == ["présentation", "résolu"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("45 min", timedelta(minutes=45)),
        ("45min", timedelta(minutes=45)),
        ("2 h", timedelta(hours=2)),
        ("1j", timedelta(days=1)),
        ("1 jour", timedelta(days=1)),
        ("3 jours", timedelta(days=3)),
        ("1h30", timedelta(hours=1, minutes=30)),
        ("1 h 30 min", timedelta(hours=1, minutes=30)),
        ("2j12h", timedelta(days=2, hours=12)),
    ],
)
def test_duration_reads_french_forms(typed: str, expected: timedelta) -> None:
    assert parsing.duration(typed) == expected
    assert parsing.is_duration(typed.replace(" ", ""))


@pytest.mark.parametrize("typed", ["1 semaine", "2 heures", "1h30h", "1jj", "30min1h"])
def test_other_french_words_are_refused_as_durations(typed: str) -> None:
    with pytest.raises(ParseError):
        parsing.duration(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15h", time(15)),
        ("15h00", time(15)),
        ("8h05", time(8, 5)),
        ("22 h 30", time(22, 30)),
        ("7H", time(7)),
    ],
)
def test_clock_time_reads_the_french_way_of_writing_hours(typed: str, expected: time) -> None:
    assert parsing.clock_time(typed) == expected


@pytest.mark.parametrize("typed", ["24h", "15h60", "15h5", "h15", "15hh"])
def test_french_looking_clock_times_out_of_range_are_refused(typed: str) -> None:
    with pytest.raises(ParseError, match="08:00"):
        parsing.clock_time(typed)


@pytest.mark.parametrize("word", ["off", "OFF", "non", "Non", "désactivé", "desactive", "aucune"])
def test_off_reads_in_english_or_french(word: str) -> None:
    assert parsing.quiet_hours(word) is None
    assert parsing.digest_time(word) is None
    assert parsing.retention(word) is None


def test_french_clock_times_in_settings() -> None:
    assert parsing.quiet_hours("22h-7h") == QuietHours(time(22), time(7))
    assert parsing.digest_time("8h30") == time(8, 30)
    assert parsing.retention("90j") == timedelta(days=90)
    assert parsing.retention("90 jours") == timedelta(days=90)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("automatique", Detection.AUTO), ("étiquetées", Detection.TAGGED), ("Etiquetees", Detection.TAGGED)],
)
def test_detection_reads_french_values(typed: str, expected: Detection) -> None:
    assert parsing.detection(typed) == expected


def test_command_keywords_read_in_both_languages() -> None:
    assert parsing.is_tagged("étiquetées")
    assert parsing.is_tagged("TAGGED")
    assert not parsing.is_tagged("tout")
    assert parsing.facilitator_action("ajouter") == parsing.facilitator_action("add") == "add"
    assert parsing.facilitator_action("retirer") == parsing.facilitator_action("remove") == "remove"
    assert parsing.facilitator_action("promote") is None
    assert parsing.setting_key("Silence") == "quiet"
    assert parsing.setting_key("résumé") == "digest"
    assert parsing.setting_key("langue") == "language"
    assert parsing.setting_key("sla") == "sla"


NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)  # 07:00 in Montreal


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("demain 15:00", datetime(2026, 11, 3, 20, tzinfo=UTC)),
        ("tomorrow 15:00", datetime(2026, 11, 3, 20, tzinfo=UTC)),
        ("demain 15h", datetime(2026, 11, 3, 20, tzinfo=UTC)),
        ("Demain à 15h30", datetime(2026, 11, 3, 20, 30, tzinfo=UTC)),
        ("aujourd'hui 15:00", datetime(2026, 11, 2, 20, tzinfo=UTC)),
        ("aujourd’hui 9h", datetime(2026, 11, 2, 14, tzinfo=UTC)),
        ("15h00", datetime(2026, 11, 2, 20, tzinfo=UTC)),
        ("6h", datetime(2026, 11, 3, 11, tzinfo=UTC)),  # the next 6h, as "06:00" would be
        ("dans 45m", NOW + timedelta(minutes=45)),
        ("in 45m", NOW + timedelta(minutes=45)),
        ("dans 45 min", NOW + timedelta(minutes=45)),
        ("dans 2h", NOW + timedelta(hours=2)),
        ("dans 2 h", NOW + timedelta(hours=2)),
        ("dans 1 jour", NOW + timedelta(days=1)),
    ],
)
def test_moment_reads_french_beside_english(typed: str, expected: datetime) -> None:
    assert parsing.moment(typed, NOW, "America/Montreal") == expected


def test_today_means_today_even_when_the_time_has_passed() -> None:
    assert parsing.moment("aujourd'hui 6h", NOW, "America/Montreal") < NOW
    assert parsing.moment("6h", NOW, "America/Montreal") > NOW


@pytest.mark.parametrize("typed", ["demain", "dans", "après-demain 15h", "hier 15h", "demain 25h"])
def test_unreadable_french_moments_name_the_accepted_forms(typed: str) -> None:
    with pytest.raises(ParseError, match="tomorrow 15:00") as refused:
        parsing.moment(typed, NOW, "America/Montreal")
    assert refused.value.template.startswith(parsing.UNREADABLE_TIME)


def test_parse_errors_carry_their_template_and_values_for_the_readers_language() -> None:
    with pytest.raises(ParseError) as refused:
        parsing.duration("bientôt")

    assert refused.value.template == "I couldn't read “{text}” as a duration. Try 90s, 45m, 2h, 1d or 1h30m."
    assert refused.value.params == {"text": "bientôt"}
    assert refused.value.message == "I couldn't read “bientôt” as a duration. Try 90s, 45m, 2h, 1d or 1h30m."


@pytest.mark.parametrize(
    ("typed", "start", "length"),
    [
        ("demain 15h 1h30", datetime(2026, 11, 3, 20, tzinfo=UTC), timedelta(minutes=90)),
        ("demain 15:00 2 h", datetime(2026, 11, 3, 20, tzinfo=UTC), timedelta(hours=2)),
        ("dans 2h 45 min", NOW + timedelta(hours=2), timedelta(minutes=45)),
        ("15h30 1h30", datetime(2026, 11, 2, 20, 30, tzinfo=UTC), timedelta(minutes=90)),
        ("demain 15 h", datetime(2026, 11, 3, 20, tzinfo=UTC), timedelta(hours=1)),
        ("dans 45 min", NOW + timedelta(minutes=45), timedelta(hours=1)),
        ("tomorrow 15:00 90m", datetime(2026, 11, 3, 20, tzinfo=UTC), timedelta(minutes=90)),
    ],
)
def test_a_guest_sessions_start_and_length_read_in_french(
    typed: str, start: datetime, length: timedelta
) -> None:
    assert guest_sessions.read_when(typed, NOW, "America/Montreal") == (start, length)


def test_a_guest_sessions_french_length_out_of_range_is_refused() -> None:
    with pytest.raises(ParseError, match="from 10 minutes to 8 hours"):
        guest_sessions.read_when("demain 15h 9 h", NOW, "America/Montreal")
