"""The hostile-input corpus (tests/corpus/hostile.txt) plus the entries too large for a file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FILE = Path(__file__).parent.parent / "corpus" / "hostile.txt"
HUGE = 100_000

GENERATED = [
    "x" * HUGE,
    "how " * (HUGE // 4) + "?",
    "#q " + "a " * (HUGE // 2),
    "#" + "a" * HUGE,
    "🙂" * (HUGE // 2),
    "e" + "\u0301" * HUGE,
    "<b>" * (HUGE // 3),
    "&amp;" * (HUGE // 5),
    "\x00" * HUGE,
    "1" * HUGE,
    "1h" * (HUGE // 2),
    "@" + "a" * HUGE,
]


def _decode(line: str) -> str:
    """Python-style escapes to characters; other characters are kept as written."""
    return line.encode("latin-1", "backslashreplace").decode("unicode_escape")


@cache
def entries() -> tuple[str, ...]:
    lines = FILE.read_text(encoding="utf-8").splitlines()
    listed = [_decode(line) for line in lines if line and not line.startswith("# ")]
    return (*listed, *GENERATED)


def short_entries() -> tuple[str, ...]:
    """Without the generated giants: for loops that multiply the corpus by many commands."""
    return tuple(e for e in entries() if len(e) < 1000)


def storage_sensitive(within: tuple[str, ...]) -> tuple[str, ...]:
    """The entries a database may take badly (NUL, surrogates, other control characters, length):
    enough for a second backend, where running the whole corpus again would add little."""
    return tuple(
        e for e in within if len(e) > 200 or any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 for c in e)
    )
