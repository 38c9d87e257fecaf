"""What /language says."""

from __future__ import annotations

from bot.i18n import N_, _, spoken

# Each language by its own name: read by someone looking for theirs.
NAMES = {"en": "English", "fr": "français"}

IN_GROUP = N_(
    "You choose the language I write to you in, in a private chat with me: /language fr or "
    "/language en. A course's groups read the course's language: /settings language fr."
)


def now(chosen: str | None) -> str:
    how = _("you chose it") if chosen else _("your Telegram app's language")
    return _(
        "I write to you in {language} ({how}).\n\n"
        "/language fr — en français\n"
        "/language en — in English\n"
        "/language auto — your Telegram app's language",
        language=NAMES[spoken()],
        how=how,
    )


def chosen(choice: str | None) -> str:
    if choice is None:
        return _(
            "Done: I write to you in your Telegram app's language ({language} for now).",
            language=NAMES[spoken()],
        )
    return _("Done: I write to you in {language} from now on.", language=NAMES[spoken()])
