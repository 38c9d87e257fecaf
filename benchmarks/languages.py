"""What speaking two languages costs: a text looked up in French beside the same in English (the
message id itself), dates written by Babel beside strftime, and a catalogue read from its
compiled .mo beside one compiled in memory from the .po (a checkout or wheel without .mo)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from benchmarks.report import Figure, Report, median
from bot import i18n

SECTION = "languages"


def _per_call(work: Callable[[], object], calls: int, rounds: int = 5) -> float:
    """Microseconds per call, the median of `rounds`."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            work()
        times.append((time.perf_counter() - started) / calls * 1e6)
    return median(times)


def _message_ids() -> list[str]:
    po = i18n.LOCALES / "fr" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with po.open("rb") as source:
        catalogue = read_po(source, locale="fr")
    return [m.id for m in catalogue if m.id and isinstance(m.id, str)]


def _every_text(language: str, ids: list[str]) -> Callable[[], object]:
    def render() -> object:
        with i18n.speaking(language):
            return [i18n._(text) for text in ids]

    return render


async def measure(report: Report, quick: bool) -> None:
    ids = _message_ids()
    calls = 20 if quick else 200
    english = _per_call(_every_text("en", ids), calls) / len(ids)
    french = _per_call(_every_text("fr", ids), calls) / len(ids)
    report.add(
        Figure(
            SECTION,
            "a text in French",
            french,
            "µs",
            f"<= {max(english * 3, 2):.2f}",
            english,
            "the same in English",
            note=f"{len(ids)} texts of the catalogue, each looked up",
        )
    )

    moment, zone = datetime(2026, 12, 1, 15, 0, tzinfo=UTC), ZoneInfo("America/Toronto")
    strftime = _per_call(lambda: moment.astimezone(zone).strftime("%a %d %b, %H:%M"), calls * 50)
    with i18n.speaking("fr"):
        babel = _per_call(lambda: i18n.when(moment, zone), calls * 5)
        lengths = _per_call(lambda: i18n.compact_length(timedelta(minutes=45)), calls * 5)
    report.add(
        Figure(
            SECTION,
            "a day and time in French (Babel)",
            babel,
            "µs",
            "<= 200",
            strftime,
            "strftime, English only",
            note="i18n.when; a board writes one per session",
        )
    )
    report.add(Figure(SECTION, "a length in French", lengths, "µs", "<= 200", note="i18n.compact_length"))

    po = i18n.LOCALES / "fr" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    compiled = io.BytesIO()
    with po.open("rb") as source:
        write_mo(compiled, read_po(source, locale="fr", domain=i18n.DOMAIN))
    content = compiled.getvalue()

    def from_po() -> object:
        with po.open("rb") as source:
            buffer = io.BytesIO()
            write_mo(buffer, read_po(source, locale="fr", domain=i18n.DOMAIN))
        buffer.seek(0)
        return Translations(buffer)

    loaded = _per_call(lambda: Translations(io.BytesIO(content)), 20) / 1000
    in_memory = _per_call(from_po, 3, rounds=3) / 1000
    report.add(
        Figure(
            SECTION,
            "French catalogue compiled at start",
            in_memory,
            "ms",
            "<= 500",
            loaded,
            "read from its .mo",
            note="once per process, only without a built .mo",
        )
    )
