"""Which language a person or a course is spoken to in.

A group message is read by everyone, a private one by one person: Flock speaks the course's
language in its groups and each person's own in private. Reading stays bilingual whatever is
chosen (see `detection` and `parsing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from facilitation.errors import ParseError

DEFAULT = "en"
SUPPORTED = ("en", "fr")
AUTO = "auto"  # a person's choice: follow Telegram's language
_NAMES = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
}


def N_(message: str) -> str:
    """Marks an English text for the catalogues (`make translations` finds it); the bot renders
    it in the reader's language where it is written out."""
    return message


# The catalogues live with the bot, which installs their lookup here when it loads (bot.i18n):
# a text the domain writes to keep, such as a session's transcript, is written in the language
# of those it is for. Without the bot (the domain alone), English.
def _english(language: str, message: str) -> str:
    return message


_translate: Callable[[str, str], str] = _english


def install(translate: Callable[[str, str], str]) -> None:
    """`translate(language, message id)`: the message in that language."""
    global _translate
    _translate = translate


def written_in(language: str, message: str, **params: object) -> str:
    """A text marked with N_, in `language`, its `{placeholders}` filled from `params`."""
    text = _translate(language if language in SUPPORTED else DEFAULT, message)
    return text.format(**params) if params else text


def language(text: str) -> str:
    """A course's language as a facilitator types it: fr, en, français, English…"""
    found = _NAMES.get(text.strip().lower())
    if found is None:
        raise ParseError(N_("The language is en (English) or fr (français)."))
    return found


def choice(text: str) -> str | None:
    """A person's /language choice; None for auto (follow the Telegram app)."""
    if text.strip().lower() in (AUTO, "automatique"):
        return None
    found = _NAMES.get(text.strip().lower())
    if found is None:
        raise ParseError(N_("Choose fr (français), en (English) or auto (your Telegram app's language)."))
    return found


def supported(code: str | None) -> str | None:
    """Telegram's IETF tag ("fr", "fr-CA", "en-GB") as one Flock speaks, or None."""
    if not code:
        return None
    primary = code.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED else None


def private_language(chosen: str | None, telegram: str | None) -> str:
    """The person's choice (/language), else their Telegram app's language, else English."""
    return supported(chosen) or supported(telegram) or DEFAULT


def group_language(courses: Iterable[str]) -> str:
    """A chat speaks its first attached course's language (a shared group usually holds one
    language's courses; when it holds several, the oldest attachment decides)."""
    return next(iter(courses), DEFAULT)
