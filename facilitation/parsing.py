"""Readers for what people type: hashtags, durations, clock times, settings values.

Each reader returns a value or raises ParseError with a message fit to show the person.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from facilitation.errors import ParseError
from facilitation.model import Detection, QuietHours

# Not after a word, "#" or "/": "https://x.org/#intro" is a link, not a hashtag.
_HASHTAG = re.compile(r"(?<![\w#/])#(\w+)", re.UNICODE)
_COURSE_TAG = re.compile(r"[A-Za-z0-9_]{2,64}")
_NUMBER = re.compile(r"[0-9]{1,12}")
_DURATION_PART = re.compile(r"(\d{1,6})([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")

DURATION_FORMS = "90s, 45m, 2h, 1d or 1h30m"
_UNIT_ORDER = "dhms"  # a compound duration gives each unit once, largest first
MAX_DURATION = timedelta(days=60)


def hashtags(text: str) -> list[str]:
    """Every hashtag in the text, lower case, without '#', in order of appearance."""
    return [tag.lower() for tag in _HASHTAG.findall(text)]


def number(word: str) -> int | None:
    """A session or question number as typed: ASCII digits, few enough for the database.
    (str.isdigit() accepts "²" and "①", which int() then refuses.)"""
    return int(word) if _NUMBER.fullmatch(word.strip()) else None


def course_tag(word: str) -> str:
    """A course hashtag as typed (`#onb26`) to its stored form (`onb26`)."""
    bare = word[1:] if word.startswith("#") else word
    if not word.startswith("#") or not _COURSE_TAG.fullmatch(bare):
        raise ParseError("A course hashtag starts with # and has 2–64 letters, digits or _, like #onb26.")
    return bare.lower()


def duration(text: str) -> timedelta:
    compact = text.strip().lower().replace(" ", "")
    parts = _DURATION_PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ParseError(f"I couldn't read “{text.strip()[:40]}” as a duration. Try {DURATION_FORMS}.")
    ranks = [_UNIT_ORDER.index(u) for _, u in parts]
    if ranks != sorted(set(ranks)):  # "1h1h", "30m1h": one value, not a sum to work out
        raise ParseError(
            f"I couldn't read “{text.strip()[:40]}” as a duration: "
            "give each unit once, largest first, like 1h30m."
        )
    total = sum((timedelta(**{_UNITS[unit]: int(number)}) for number, unit in parts), timedelta())
    if not timedelta(seconds=10) <= total <= MAX_DURATION:
        raise ParseError("A duration must be between 10 seconds and 60 days.")
    return total


def is_duration(word: str) -> bool:
    """Shaped like a duration ("90m", "1h30m"), whether or not its size is acceptable."""
    return re.fullmatch(r"(?:\d{1,6}[smhd])+", word.strip().lower()) is not None


def clock_time(text: str) -> time:
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise ParseError(f"I couldn't read “{text.strip()[:40]}” as a time of day. Use HH:MM, like 08:00.")
    return time(int(match.group(1)), int(match.group(2)))


# Where a zone is a place: IANA's areas. Other names ("EST", "EST5EDT", "GMT", "Etc/GMT+5",
# "US/Eastern", "Japan") are fixed offsets or old aliases, kept by IANA for compatibility.
_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic"}
    | {"Australia", "Europe", "Indian", "Pacific"}
)
_UTC = frozenset({"UTC", "Etc/UTC"})
_PLACES = {
    "EST": "America/Toronto (or America/New_York)",
    "EST5EDT": "America/Toronto (or America/New_York)",
    "CST6CDT": "America/Chicago (or America/Winnipeg)",
    "MST": "America/Denver (or America/Edmonton)",
    "MST7MDT": "America/Denver (or America/Edmonton)",
    "PST8PDT": "America/Los_Angeles (or America/Vancouver)",
    "HST": "Pacific/Honolulu",
    "CET": "Europe/Berlin (or Europe/Paris)",
    "MET": "Europe/Berlin (or Europe/Paris)",
    "EET": "Europe/Athens (or Europe/Helsinki)",
    "WET": "Europe/Lisbon",
    "GMT": "Europe/London (or UTC)",
}


def digest_time(text: str) -> time | None:
    """`08:00` sends the daily digest then; `off` sends none."""
    if text.strip().lower() == "off":
        return None
    if not _CLOCK.fullmatch(text.strip()):
        raise ParseError(
            f"I couldn't read “{text.strip()[:40]}” as a time of day. Use HH:MM, like 08:00, or off."
        )
    return clock_time(text)


def timezone(text: str) -> str:
    """An IANA time zone that names a place (or UTC): a place's zone follows its daylight saving,
    which a fixed offset or an abbreviation like EST does not."""
    name = text.strip()
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
        raise ParseError(
            f"I don't know the time zone “{name[:40]}”. Use an IANA name like Europe/Berlin or UTC."
        ) from None
    if name not in _UTC and name.split("/")[0] not in _AREAS:
        place = _PLACES.get(name.upper(), "America/Toronto or Europe/Berlin")
        raise ParseError(
            f"“{name[:40]}” is an old zone name, not a place. "
            f"Use the place's IANA name, like {place}, so daylight saving is followed."
        )
    return name


def quiet_hours(text: str) -> QuietHours | None:
    value = text.strip().lower()
    if value == "off":
        return None
    start, sep, end = value.partition("-")
    if not sep:
        raise ParseError("Quiet hours look like 22:00-07:00, or off.")
    hours = QuietHours(clock_time(start), clock_time(end))
    if hours.start == hours.end:
        raise ParseError("Quiet hours need a different start and end, like 22:00-07:00.")
    return hours


def detection(text: str) -> Detection:
    try:
        return Detection(text.strip().lower())
    except ValueError:
        raise ParseError("Detection is auto (questions are recognised) or tagged (#question only).") from None


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


TIME_FORMS = "2026-12-01 15:00, 15:00, tomorrow 15:00 or in 45m"
MAX_AHEAD = timedelta(days=5 * 366)
TOO_FAR = "That is too far ahead. Pick a time within the next five years."
UNREADABLE_TIME = "I couldn't read"
LONG_GONE = "That time has already passed. Pick a start in the future."
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]([01]?\d|2[0-3])[:.]([0-5]\d)")


def moment(text: str, now: datetime, timezone_name: str) -> datetime:
    """A point in time as people write it, read in the course's time zone; returned in UTC."""
    value = " ".join(text.strip().lower().split())
    zone = ZoneInfo(timezone_name)
    local_now = now.astimezone(zone)
    if value.startswith("in "):
        return now + duration(value.removeprefix("in "))
    if match := _DATE_TIME.fullmatch(value):
        year, month, day, hour, minute = (int(g) for g in match.groups())
        try:
            when = datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)
        except ValueError:
            raise ParseError(f"There is no such date: {value[:20]}.") from None
        except OverflowError:  # year 1 or 9999, pushed past the calendar's edge by the zone's offset
            raise ParseError(TOO_FAR if year > 1 else LONG_GONE) from None
        if when - now > MAX_AHEAD:  # a session's end (start + length) must still be a date
            raise ParseError(TOO_FAR)
        return when
    day_offset = 0
    if value.startswith("tomorrow "):
        day_offset, value = 1, value.removeprefix("tomorrow ")
    if _CLOCK.fullmatch(value):
        at = clock_time(value)
        candidate = datetime.combine(local_now.date() + timedelta(days=day_offset), at, tzinfo=zone)
        if day_offset == 0 and candidate <= local_now:
            candidate += timedelta(days=1)  # "15:00" means the next 15:00
        return candidate.astimezone(UTC)
    raise ParseError(f"{UNREADABLE_TIME} “{text.strip()[:40]}” as a time. Try {TIME_FORMS}.")


_RETENTION = re.compile(r"(\d{1,4})d")
MAX_RETENTION_DAYS = 3650


def retention(text: str) -> timedelta | None:
    """`90d` keeps message texts 90 days; `off` keeps them for good."""
    value = text.strip().lower()
    if value == "off":
        return None
    match = _RETENTION.fullmatch(value)
    if match is None or not 1 <= int(match.group(1)) <= MAX_RETENTION_DAYS:
        raise ParseError(f"Retention is a number of days from 1 to {MAX_RETENTION_DAYS}, like 90d, or off.")
    return timedelta(days=int(match.group(1)))
