"""The catalogues are complete: every text in the sources has its French, with the same
placeholders; `make translations` brings a catalogue up to date after texts change."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [("bot/**.py", "python"), ("facilitation/**.py", "python")]
TRANSLATED = [language for language in ("fr",)]


def _source_texts() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(language: str) -> Catalog:
    with (i18n.LOCALES / language / "LC_MESSAGES" / "flock.po").open("rb") as po:
        return read_po(po, locale=language, domain="flock")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_in_the_sources_is_in_the_catalogue(language: str) -> None:
    catalogue = _catalogue(language)
    missing = sorted(text for text in _source_texts() if text not in catalogue)
    assert not missing, f"run `make translations`, then translate: {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_has_a_translation_with_the_same_placeholders(language: str) -> None:
    untranslated, mismatched = [], []
    for message in _catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(forms):
            untranslated.append(ids[0])
            continue
        expected = set().union(*(_placeholders(i) for i in ids))
        for form in forms:
            # a singular form may say "one" instead of {count}
            if _placeholders(form) not in (expected, expected - {"count"}):
                mismatched.append((ids[0], form))
    assert not untranslated, f"without a translation: {untranslated[:10]}"
    assert not mismatched, f"placeholders differ: {mismatched[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_html_tags_balanced(language: str) -> None:
    tag = re.compile(r"</?([a-z]+)[^>]*>")
    differs = []
    for message in _catalogue(language):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and sorted(tag.findall(ids[-1])) != sorted(tag.findall(forms[-1] or "")):
            differs.append(ids[0])
    assert not differs, f"HTML tags differ: {differs[:10]}"


def test_plural_forms_follow_each_language() -> None:
    with i18n.speaking("en"):
        english = [i18n.ngettext("{count} question", "{count} questions", n) for n in (0, 1, 2)]
    with i18n.speaking("fr"):
        french = [i18n.ngettext("{count} question", "{count} questions", n) for n in (0, 1, 2)]
    assert english == ["0 questions", "1 question", "2 questions"]
    assert french == ["0 question", "1 question", "2 questions"]
