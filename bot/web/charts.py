"""The Trends page's charts as SVG geometry: bars in a fixed viewBox, scaled to the page by the
browser. Colours come from the stylesheet's classes (the Telegram theme), so both themes read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from facilitation.model import QuestionState
from facilitation.stats import Day

WIDTH, HEIGHT = 320, 120  # the viewBox; the bars' area leaves room for labels beneath
BASELINE = 100
ANSWERED = (QuestionState.ANSWERED, QuestionState.RESOLVED)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    title: str  # the day and its number, shown on hover and read by screen readers


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    inner: list[Bar]  # drawn over `bars` (answered of asked); may be empty
    top: str  # the value at the top of the scale
    first: str  # the first and last days' labels
    last: str


def _slots(count: int) -> tuple[float, float]:
    slot = WIDTH / max(count, 1)
    return slot, max(slot * 0.7, 1.0)


Label = Callable[[date], str]


def questions_per_day(days: list[Day], label: str, answered_label: str, day: Label) -> Chart:
    """Asked per day, with how many of them have an answer now drawn inside each bar."""
    top = max((d.asked for d in days), default=0) or 1
    slot, width = _slots(len(days))
    bars, inner = [], []
    for n, each in enumerate(days):
        x = n * slot + (slot - width) / 2
        asked = each.asked
        answered = sum(each.counts[s] for s in ANSWERED)
        height, done = BASELINE * asked / top, BASELINE * answered / top
        bars.append(Bar(x, width, BASELINE - height, height, f"{day(each.day)}: {label} {asked}"))
        inner.append(Bar(x, width, BASELINE - done, done, f"{day(each.day)}: {answered_label} {answered}"))
    return Chart(bars, inner, str(top), *_ends(days, day))


def first_answer_per_day(days: list[Day], length: Callable[[timedelta], str], day: Label) -> Chart:
    """The median time to a first answer of each day's questions."""
    waits = [d.median_first_answer for d in days]
    top = max((w for w in waits if w is not None), default=timedelta(0))
    scale = top.total_seconds() or 1
    slot, width = _slots(len(days))
    bars = []
    for n, (each, wait) in enumerate(zip(days, waits, strict=True)):
        if wait is None:
            continue
        height = BASELINE * wait.total_seconds() / scale
        x = n * slot + (slot - width) / 2
        bars.append(Bar(x, width, BASELINE - height, height, f"{day(each.day)}: {length(wait)}"))
    return Chart(bars, [], length(top) if bars else "", *_ends(days, day))


def _ends(days: list[Day], day: Label) -> tuple[str, str]:
    return (day(days[0].day), day(days[-1].day)) if days else ("", "")
