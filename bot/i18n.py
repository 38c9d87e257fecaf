"""The language a text is written in, and the catalogues behind it.

Every text Flock writes is an English message id looked up in `bot/locale/<lang>/LC_MESSAGES/
flock.po` (managed with Babel: `make translations`). A text is rendered while a language is
spoken: the inbox speaks each update's language (`speaking(...)` around the update), the outbox
speaks each row's recipient's. `_` and `ngettext` read that language; message ids carry named
`{placeholders}` filled with `.format` after translation, so a translation may reorder them.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from babel import Locale, dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from facilitation import languages
from facilitation.languages import DEFAULT, N_, SUPPORTED

__all__ = ["N_", "_", "keyword", "ngettext", "personally", "speaking"]

LOCALES = Path(__file__).parent / "locale"
DOMAIN = "flock"


@functools.cache
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue (`make translations`, and at install); a checkout or wheel without
    one compiles the .po in memory, which takes milliseconds."""
    if language == DEFAULT:
        return NullTranslations()  # the message ids are the English texts
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    with po.open("rb") as source:
        buffer = io.BytesIO()
        write_mo(buffer, read_po(source, locale=language, domain=DOMAIN))
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


# What the domain writes to keep (a transcript) is looked up in the same catalogues.
languages.install(lambda language, message: catalogue(language).gettext(message))

_spoken: ContextVar[str] = ContextVar("language", default=DEFAULT)
_personal: ContextVar[str | None] = ContextVar("personal_language", default=None)


@contextlib.contextmanager
def speaking(language: str, personal: str | None = None) -> Iterator[None]:
    """Texts rendered inside are written in `language` (one of SUPPORTED): an update's chat's.
    `personal`: the language of the person behind the update, for what goes to them alone
    (`personally`) from a group, such as a button's answer or a private copy."""
    token = _spoken.set(language if language in SUPPORTED else DEFAULT)
    personal_token = _personal.set(personal)
    try:
        yield
    finally:
        _personal.reset(personal_token)
        _spoken.reset(token)


@contextlib.contextmanager
def personally() -> Iterator[None]:
    """Texts rendered inside are for the person behind the update alone: their language."""
    personal = _personal.get()
    token = _spoken.set(personal if personal in SUPPORTED else _spoken.get())
    try:
        yield
    finally:
        _spoken.reset(token)


def spoken() -> str:
    return _spoken.get()


def _(message: str, **params: object) -> str:
    """`message` in the language spoken, its `{placeholders}` filled from `params`."""
    text = catalogue(_spoken.get()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, count: int, **params: object) -> str:
    """The form for `count` by the language's plural rule, `{count}` and `params` filled in."""
    return catalogue(_spoken.get()).ngettext(singular, plural, count).format(count=count, **params)


# Command keywords as each language types them; the parsers read both (facilitation.parsing).
_KEYWORDS = {
    "fr": {
        "sla": "délai",
        "timezone": "fuseau",
        "quiet": "silence",
        "digest": "résumé",
        "detect": "détection",
        "retention": "conservation",
        "language": "langue",
        "start": "début",
        "nudge": "relance",
        "highlights": "moments",
        "on": "oui",
        "off": "non",
        "tagged": "étiquetées",
        "all": "tout",
    },
}


def keyword(word: str) -> str:
    """A command keyword (a /settings key, `off`, `tagged`) as the language spoken types it:
    `délai`, `non`, `étiquetées` in French; English ones as they are."""
    return _KEYWORDS.get(_spoken.get(), {}).get(word, word)


# Dates, times and lengths, as the language writes them ---------------------------------------


def locale() -> Locale:
    return Locale.parse(_spoken.get())


# A day and a time, one pattern per language (CLDR): "Tue 3 Nov, 15:00" / "mar. 3 nov. à 15:00".
DAY_AND_TIME = N_("EEE d MMM, HH:mm")


def when(moment: datetime, zone: tzinfo) -> str:
    """A day and time in the zone: "Tue 3 Nov, 15:00" / "mar. 3 nov. à 15:00"."""
    return dated(moment.astimezone(zone), _(DAY_AND_TIME))


def time_of_day(moment: datetime, zone: tzinfo) -> str:
    return dates.format_time(moment.astimezone(zone), "HH:mm", locale=locale())


def dated(moment: date | datetime, pattern: str) -> str:
    """A date (or a moment, as it stands) in a CLDR pattern, with the language's day and month
    names: "EEE d MMM" is "Tue 3 Nov" / "mar. 3 nov."."""
    if isinstance(moment, datetime):
        return dates.format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=locale())
    return dates.format_date(moment, pattern, locale=locale())


_UNITS = (
    (86400, N_("{count}d")),
    (3600, N_("{count}h")),
    (60, N_("{count}m")),
    (1, N_("{count}s")),
)


def compact_length(value: timedelta) -> str:
    """A length in its units, compact: "1h30m" in English (as `parsing.format_duration` writes
    it, and as people type it), "1 h 30 min" in French."""
    seconds, parts = int(value.total_seconds()), list[str]()
    for size, unit in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(_(unit, count=count))
    if not parts:
        return _("{count}s", count=0)
    return (" " if " " in parts[0] else "").join(parts)


AGO = N_("{age} ago")
JUST_NOW = N_("0m ago")  # under a minute: English keeps its compact form, French says « à l'instant »


def ago(since: datetime, now: datetime) -> str:
    """How long ago, as a phrase: "2h ago" / "il y a 2 h"; "0m ago" / "à l'instant"."""
    if now - since < timedelta(minutes=1):
        return _(JUST_NOW)
    return _(AGO, age=age(since, now))


def age(since: datetime, now: datetime) -> str:
    """How long ago, compact: minutes under an hour, hours under two days, then days."""
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return _("{count}m", count=max(minutes, 0))
    hours = minutes // 60
    return _("{count}h", count=hours) if hours < 48 else _("{count}d", count=hours // 24)
