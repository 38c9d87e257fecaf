"""Readers for what people type: hashtags, durations, clock times, settings values.

Each reader returns a value or raises ParseError with a message fit to show the person.
Each reads English and French whatever language is spoken (README, Languages): `demain 15h`
beside `tomorrow 15:00`, `45 min` beside `45m`, `non` beside `off`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from facilitation.errors import ParseError
from facilitation.languages import N_
from facilitation.model import Detection, QuietHours, Scope

# Not after a word, "#" or "/": "https://x.org/#intro" is a link, not a hashtag.
_HASHTAG = re.compile(r"(?<![\w#/])#(\w+)", re.UNICODE)
_COURSE_TAG = re.compile(r"[A-Za-z0-9_]{2,64}")
_NUMBER = re.compile(r"[0-9]{1,12}")
# A unit as typed, longest first: "min" before "m"; "j", "jour(s)" are French days.
_UNIT = r"(jours|jour|min|[smhdj])"
_DURATION_PART = re.compile(r"(\d{1,6})" + _UNIT)
_DURATION = re.compile(r"(?:\d{1,6}" + _UNIT + r")+")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_SAME_UNIT = {"min": "m", "j": "d", "jour": "d", "jours": "d"}
_HOURS_AND_MINUTES = re.compile(r"(\d{1,6}h)(\d{1,2})$")  # French "1h30": an hour and a half
# 15:00, 7.30, and the French 15h, 15h00, 15 h 30
_CLOCK = re.compile(r"([01]?\d|2[0-3])(?:[:.]([0-5]\d)|\s?h(?:\s?([0-5]\d))?)")

_UNIT_ORDER = "dhms"  # a compound duration gives each unit once, largest first
MAX_DURATION = timedelta(days=60)

# Command keywords, in both languages.
OFF = frozenset({"off", "non", "désactivé", "désactivée", "desactive", "desactivee", "aucun", "aucune"})
_TAGGED = frozenset({Scope.TAGGED.value, "étiquetées", "étiquetés", "etiquetees", "etiquetes"})
_AUTO = frozenset({Detection.AUTO.value, "automatique"})
_FACILITATOR_ACTIONS = {"add": "add", "ajouter": "add", "ajoute": "add", "remove": "remove"} | {
    "retirer": "remove",
    "retire": "remove",
    "enlever": "remove",
}


def is_off(word: str) -> bool:
    """`off` or `non`, `désactivé`: a setting or a routing turned off."""
    return word.strip().lower() in OFF


def is_tagged(word: str) -> bool:
    """`tagged` (`étiquetées`): a course that reads only the messages carrying its hashtag."""
    return word.strip().lower() in _TAGGED


def facilitator_action(word: str) -> str | None:
    """`/facilitator add|remove` (`ajouter|retirer`) as "add" or "remove"; None otherwise."""
    return _FACILITATOR_ACTIONS.get(word.strip().lower())


# /settings keys as French says them, beside the English ones.
_SETTING_KEYS = {
    "délai": "sla",
    "delai": "sla",
    "fuseau": "timezone",
    "silence": "quiet",
    "résumé": "digest",
    "resume": "digest",
    "détection": "detect",
    "detection": "detect",
    "conservation": "retention",
    "langue": "language",
    "début": "start",
    "debut": "start",
    "relance": "nudge",
    "moments": "highlights",
}


def setting_key(word: str) -> str:
    """A /settings key as typed, in English (`quiet`) or French (`silence`), as its English key."""
    key = word.strip().lower()
    return _SETTING_KEYS.get(key, key)


def hashtags(text: str) -> list[str]:
    """Every hashtag in the text, lower case, without '#', in order of appearance. Accented
    letters count as typed, composed or not: "#pre\u0301sentation" is #présentation."""
    if "#" not in text:  # most messages: nothing to normalise or scan
        return []
    return [tag.lower() for tag in _HASHTAG.findall(unicodedata.normalize("NFC", text))]


def number(word: str) -> int | None:
    """A session or question number as typed: ASCII digits, few enough for the database.
    (str.isdigit() accepts "²" and "①", which int() then refuses.)"""
    return int(word) if _NUMBER.fullmatch(word.strip()) else None


def course_tag(word: str) -> str:
    """A course hashtag as typed (`#onb26`) to its stored form (`onb26`)."""
    bare = word[1:] if word.startswith("#") else word
    if not word.startswith("#") or not _COURSE_TAG.fullmatch(bare):
        raise ParseError(N_("A course hashtag starts with # and has 2–64 letters, digits or _, like #onb26."))
    return bare.lower()


def _compact(text: str) -> str:
    """A duration without its spaces, French "1h30" as 1h30m: "1 h 30 min" is "1h30min"."""
    return _HOURS_AND_MINUTES.sub(r"\1\2m", text.strip().lower().replace(" ", ""))


def duration(text: str) -> timedelta:
    """90s, 45m (45 min), 2h (2 h), 1d (1j, 1 jour), 1h30m (1h30), from 10 seconds to 60 days."""
    total = _any_duration(text)
    if not timedelta(seconds=10) <= total <= MAX_DURATION:
        raise ParseError(N_("A duration must be between 10 seconds and 60 days."))
    return total


def _any_duration(text: str) -> timedelta:
    """A duration as written, whatever its size: each setting says what it accepts."""
    compact = _compact(text)
    parts = _DURATION_PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ParseError(
            N_("I couldn't read “{text}” as a duration. Try 90s, 45m, 2h, 1d or 1h30m."),
            text=text.strip()[:40],
        )
    units = [_SAME_UNIT.get(u, u) for _, u in parts]
    ranks = [_UNIT_ORDER.index(u) for u in units]
    if ranks != sorted(set(ranks)):  # "1h1h", "30m1h": one value, not a sum to work out
        raise ParseError(
            N_("I couldn't read “{text}” as a duration: give each unit once, largest first, like 1h30m."),
            text=text.strip()[:40],
        )
    total = sum(
        (timedelta(**{_UNITS[unit]: int(number)}) for (number, _), unit in zip(parts, units, strict=True)),
        timedelta(),
    )
    return total


def is_duration(word: str) -> bool:
    """Shaped like a duration ("90m", "1h30m", "1h30", "45min"), whether or not its size is
    acceptable."""
    return _DURATION.fullmatch(_compact(word)) is not None


def _clock(text: str) -> time | None:
    match = _CLOCK.fullmatch(text.strip().lower())
    if not match:
        return None
    hour, minute, french_minute = match.groups()
    return time(int(hour), int(minute or french_minute or 0))


def clock_time(text: str) -> time:
    """08:00, 7.30, or as French writes it, 8h, 8h00, 15h30."""
    found = _clock(text)
    if found is None:
        raise ParseError(
            N_("I couldn't read “{text}” as a time of day. Use HH:MM, like 08:00."),
            text=text.strip()[:40],
        )
    return found


# Where a zone is a place: IANA's areas. Other names ("EST", "EST5EDT", "GMT", "Etc/GMT+5",
# "US/Eastern", "Japan") are fixed offsets or old aliases, kept by IANA for compatibility.
_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic"}
    | {"Australia", "Europe", "Indian", "Pacific"}
)
_UTC = frozenset({"UTC", "Etc/UTC"})
_PLACES: dict[str, tuple[str, str | None]] = {  # the place to use, and another one it may be
    "EST": ("America/Toronto", "America/New_York"),
    "EST5EDT": ("America/Toronto", "America/New_York"),
    "CST6CDT": ("America/Chicago", "America/Winnipeg"),
    "MST": ("America/Denver", "America/Edmonton"),
    "MST7MDT": ("America/Denver", "America/Edmonton"),
    "PST8PDT": ("America/Los_Angeles", "America/Vancouver"),
    "HST": ("Pacific/Honolulu", None),
    "CET": ("Europe/Berlin", "Europe/Paris"),
    "MET": ("Europe/Berlin", "Europe/Paris"),
    "EET": ("Europe/Athens", "Europe/Helsinki"),
    "WET": ("Europe/Lisbon", None),
    "GMT": ("Europe/London", "UTC"),
}
_OLD_NAME = N_(
    "“{name}” is an old zone name, not a place. "
    "Use the place's IANA name, like {place}, so daylight saving is followed."
)
_OLD_NAME_OR = N_(
    "“{name}” is an old zone name, not a place. "
    "Use the place's IANA name, like {place} (or {other}), so daylight saving is followed."
)
_OLD_NAME_ANY = N_(
    "“{name}” is an old zone name, not a place. "
    "Use the place's IANA name, like {place} or {other}, so daylight saving is followed."
)


def digest_time(text: str) -> time | None:
    """`08:00` (`8h`) sends the daily digest then; `off` (`non`) sends none."""
    if is_off(text):
        return None
    found = _clock(text)
    if found is None:
        raise ParseError(
            N_("I couldn't read “{text}” as a time of day. Use HH:MM, like 08:00, or off."),
            text=text.strip()[:40],
        )
    return found


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
            N_("I don't know the time zone “{name}”. Use an IANA name like Europe/Berlin or UTC."),
            name=name[:40],
        ) from None
    if name not in _UTC and name.split("/")[0] not in _AREAS:
        if name.upper() not in _PLACES:
            raise ParseError(_OLD_NAME_ANY, name=name[:40], place="America/Toronto", other="Europe/Berlin")
        place, other = _PLACES[name.upper()]
        if other is None:
            raise ParseError(_OLD_NAME, name=name[:40], place=place)
        raise ParseError(_OLD_NAME_OR, name=name[:40], place=place, other=other)
    return name


def quiet_hours(text: str) -> QuietHours | None:
    """`22:00-07:00` (`22h-7h`); `off` (`non`) for none."""
    value = text.strip().lower()
    if is_off(value):
        return None
    start, sep, end = value.partition("-")
    if not sep:
        raise ParseError(N_("Quiet hours look like 22:00-07:00, or off."))
    hours = QuietHours(clock_time(start), clock_time(end))
    if hours.start == hours.end:
        raise ParseError(N_("Quiet hours need a different start and end, like 22:00-07:00."))
    return hours


def detection(text: str) -> Detection:
    """`auto` (`automatique`) or `tagged` (`étiquetées`)."""
    if text.strip().lower() in _AUTO:
        return Detection.AUTO
    if is_tagged(text):
        return Detection.TAGGED
    raise ParseError(N_("Detection is auto (questions are recognised) or tagged (#question only)."))


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


MAX_AHEAD = timedelta(days=5 * 366)
TOO_FAR = N_("That is too far ahead. Pick a time within the next five years.")
UNREADABLE_TIME = "I couldn't read"  # how every "not a time at all" template starts (English ids)
LONG_GONE = N_("That time has already passed. Pick a start in the future.")
# The words of a moment, in both languages: "in 45m"/"dans 45m", "tomorrow"/"demain", "today"/
# "aujourd'hui", and an optional "at"/"à" before the clock time ("demain à 15h").
_IN = ("in ", "dans ")
_DAYS = {"tomorrow": 1, "demain": 1, "today": 0, "aujourd'hui": 0, "aujourd’hui": 0}
_DAY_AND_CLOCK = re.compile(r"(\S+)\s+(?:(?:at|à|a)\s+)?(.+)")
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]([01]?\d|2[0-3])[:.]([0-5]\d)")


def moment(text: str, now: datetime, timezone_name: str) -> datetime:
    """A point in time as people write it, read in the course's time zone; returned in UTC."""
    value = " ".join(text.strip().lower().split())
    zone = ZoneInfo(timezone_name)
    local_now = now.astimezone(zone)
    if value.startswith(_IN):
        return now + duration(value.split(" ", 1)[1])
    if match := _DATE_TIME.fullmatch(value):
        year, month, day, hour, minute = (int(g) for g in match.groups())
        try:
            when = datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)
        except ValueError:
            raise ParseError(N_("There is no such date: {value}."), value=value[:20]) from None
        except OverflowError:  # year 1 or 9999, pushed past the calendar's edge by the zone's offset
            raise ParseError(TOO_FAR if year > 1 else LONG_GONE) from None
        if when - now > MAX_AHEAD:  # a session's end (start + length) must still be a date
            raise ParseError(TOO_FAR)
        return when
    day_offset: int | None = None  # None: no day named
    if (match := _DAY_AND_CLOCK.fullmatch(value)) and match.group(1) in _DAYS:
        day_offset, value = _DAYS[match.group(1)], match.group(2)
    if (at := _clock(value)) is not None:
        candidate = datetime.combine(local_now.date() + timedelta(days=day_offset or 0), at, tzinfo=zone)
        if day_offset is None and candidate <= local_now:
            candidate += timedelta(days=1)  # "15:00" means the next 15:00; "today 15:00" means today's
        return candidate.astimezone(UTC)
    raise ParseError(
        N_("I couldn't read “{text}” as a time. Try 2026-12-01 15:00, 15:00, tomorrow 15:00 or in 45m."),
        text=text.strip()[:40],
    )


_RETENTION = re.compile(r"(\d{1,4})(?:d|j|jours?)")
MAX_RETENTION_DAYS = 3650


def retention(text: str) -> timedelta | None:
    """`90d` (`90j`, `90 jours`) keeps message texts 90 days; `off` (`non`) keeps them for good."""
    value = text.strip().lower()
    if is_off(value):
        return None
    match = _RETENTION.fullmatch(value.replace(" ", ""))
    if match is None or not 1 <= int(match.group(1)) <= MAX_RETENTION_DAYS:
        raise ParseError(
            N_("Retention is a number of days from 1 to {most}, like 90d, or off."), most=MAX_RETENTION_DAYS
        )
    return timedelta(days=int(match.group(1)))


# Course-relative moments, once a course has a start date: "week 3 mon 09:00" ("semaine 3 lun 9h"),
# "day 10 09:00" ("jour 10 à 9h"). Day 1 is the start date; week 1 is the seven days from it, and a
# weekday names the one of them that falls on it.
_WEEK_WORDS = frozenset({"week", "semaine", "sem"})
_DAY_WORDS = frozenset({"day", "jour", "j"})
_WEEKDAYS = {
    **{
        name: i
        for i, names in enumerate(
            (
                ("mon", "monday", "lun", "lundi"),
                ("tue", "tues", "tuesday", "mar", "mardi"),
                ("wed", "wednesday", "mer", "mercredi"),
                ("thu", "thur", "thurs", "thursday", "jeu", "jeudi"),
                ("fri", "friday", "ven", "vendredi"),
                ("sat", "saturday", "sam", "samedi"),
                ("sun", "sunday", "dim", "dimanche"),
            )
        )
        for name in names
    },
}
_AT_WORDS = frozenset({"at", "à", "a"})
MAX_COURSE_DAY = 1000
NO_START = N_(
    "Set the course's start date first, like /settings start 2026-12-01, to use week and day times."
)
COURSE_MOMENT_USAGE = N_("I couldn't read “{text}” as a course time. Try week 3 mon 09:00 or day 10 09:00.")


def is_course_moment(text: str) -> bool:
    """Starts with `week`/`semaine` or `day`/`jour`: a time counted from the course's start."""
    words = text.strip().lower().split()
    return bool(words) and words[0] in _WEEK_WORDS | _DAY_WORDS


def course_moment(text: str, timezone_name: str, starts_on: date | None) -> datetime:
    """`week 3 mon 09:00` or `day 10 09:00`, in course time, as UTC."""
    if starts_on is None:
        raise ParseError(NO_START)
    words = [w for w in text.strip().lower().replace(",", " ").split() if w not in _AT_WORDS]
    unreadable = ParseError(COURSE_MOMENT_USAGE, text=text.strip()[:40])
    if len(words) < 3 or (count := number(words[1])) is None or not 1 <= count <= MAX_COURSE_DAY:
        raise unreadable
    if words[0] in _WEEK_WORDS:
        if len(words) < 4 or (weekday := _WEEKDAYS.get(words[2].rstrip("."))) is None:
            raise unreadable
        first = starts_on + timedelta(weeks=count - 1)
        the_day = first + timedelta(days=(weekday - first.weekday()) % 7)
        clock_words = words[3:]
    else:
        the_day = starts_on + timedelta(days=count - 1)
        clock_words = words[2:]
    at = _clock(" ".join(clock_words))
    if at is None:
        raise unreadable
    return local_moment(the_day, at, timezone_name)


def local_moment(day: date, at: time, timezone_name: str) -> datetime:
    """A wall-clock time on a day in a zone, as UTC: what "09:00 every week" means across a clock
    change (a time the change skips comes out an hour later, as the clocks read then)."""
    zone = ZoneInfo(timezone_name)
    # A time in a spring-forward gap does not exist: read with the offset before the change, it
    # comes out an hour later on the clock.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def nudge(text: str) -> timedelta:
    """`/settings nudge 20m` (`relance 20 min`): how long an unanswered question waits before
    peer helpers are asked; `off` (`non`) never asks them (zero)."""
    if is_off(text):
        return timedelta(0)
    try:
        found = _any_duration(text)  # its own bounds, so "0m" is told what a nudge takes
    except ParseError:  # a duration's hint would leave out "off" and the bounds
        raise ParseError(
            N_("I couldn't read “{text}” as a nudge time: from a minute to 60 days, like 20m, or off."),
            text=text.strip()[:40],
        ) from None
    if not timedelta(minutes=1) <= found <= MAX_DURATION:
        raise ParseError(NUDGE_BOUNDS)
    return found


NUDGE_BOUNDS = N_("A nudge waits from a minute to 60 days, like 20m, or off.")


ON = frozenset({"on", "oui", "activé", "activée", "active", "activee"})


def switch(text: str) -> bool:
    """`on` (`oui`) or `off` (`non`): a setting that is either."""
    if is_off(text):
        return False
    if text.strip().lower() in ON:
        return True
    raise ParseError(N_("I couldn't read “{text}”: use on or off."), text=text.strip()[:40])


def course_start(text: str) -> date | None:
    """`/settings start 2026-12-01` (the course's day 1); `off` (`non`) for none."""
    value = text.strip()
    if is_off(value):
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ParseError(N_("A course start is a date like 2026-12-01, or off."))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParseError(N_("There is no such date: {value}."), value=value[:20]) from None


# How often a series repeats (announcements, discussions): every 1d, 1w, 2w (chaque 1j, 1s, 2s,
# 1sem, 2sem).
PERIODS = {
    "1d": 1,
    "1j": 1,
    "1jour": 1,
    "1day": 1,
    "1w": 7,
    "1s": 7,
    "1sem": 7,
    "1semaine": 7,
    "1week": 7,
    "2w": 14,
    "2s": 14,
    "2sem": 14,
    "2semaines": 14,
    "2weeks": 14,
}
EVERY_WORDS = frozenset({"every", "chaque", "tous", "toutes"})


def period_days(text: str) -> int:
    """`1d`, `1w` or `2w` (`1j`, `1s`, `2s`) as a number of days."""
    found = PERIODS.get(text.strip().lower().replace(" ", ""))
    if found is None:
        raise ParseError(
            N_("I couldn't read “{text}” as a rhythm. Use every 1d, 1w or 2w."), text=text.strip()[:20]
        )
    return found
