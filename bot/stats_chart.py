"""The /stats chart: questions per day stacked by outcome, the day's median wait as a line.

Drawn with matplotlib's object API on an Agg canvas (no pyplot, so no global figure state);
callers run render() in a worker thread to keep the event loop free.
"""

from __future__ import annotations

import io
import math
import threading

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import N_, _, dated
from bot.render_stats import WINDOWS
from facilitation.model import QuestionState
from facilitation.stats import CourseStats, Day

STACK = (  # bottom to top
    (QuestionState.RESOLVED, N_("resolved"), "#4caf6a"),
    (QuestionState.ANSWERED, N_("answered"), "#4c8bd6"),
    (QuestionState.OPEN, N_("open"), "#e8833a"),
    (QuestionState.DISMISSED, N_("dismissed"), "#b8b8b8"),
)
LINE = "#6a3d9a"
MAX_LABELS = 12
_drawing = threading.Lock()  # matplotlib isn't thread-safe; charts are drawn one at a time


def render(stats: CourseStats) -> bytes:
    """The chart as PNG bytes."""
    with _drawing:
        return _draw(stats)


def _draw(stats: CourseStats) -> bytes:
    png = io.BytesIO()
    draw(stats).savefig(png, format="png")
    return png.getvalue()


def draw(stats: CourseStats) -> Figure:
    """The chart's figure, its words in the language spoken."""
    figure = Figure(figsize=(8, 4.5), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    bars = figure.add_subplot()
    positions = list(range(len(stats.days)))
    bottom = [0] * len(stats.days)
    for state, label, colour in STACK:
        heights = [day.counts[state] for day in stats.days]
        bars.bar(positions, heights, bottom=bottom, color=colour, label=_(label), width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    bars.set_ylabel(_("questions asked"))
    bars.yaxis.set_major_locator(MaxNLocator(integer=True))
    bars.set_ylim(0, max([*bottom, 1]) * 1.15)
    _label_days(bars, stats.days)
    waits = bars.twinx()
    unit, size = _unit(stats.days)
    values = [_in(day, size) for day in stats.days]
    waits.plot(positions, values, color=LINE, marker="o", linewidth=2, label=_("median time to first answer"))
    waits.set_ylabel(_("median time to first answer ({unit})", unit=_(unit)), color=LINE)
    waits.set_ylim(0, max([v for v in values if not math.isnan(v)] + [1]) * 1.15)
    handles, labels = bars.get_legend_handles_labels()
    more_handles, more_labels = waits.get_legend_handles_labels()
    figure.legend(
        handles + more_handles, labels + more_labels, loc="outside lower center", ncol=5, fontsize="small"
    )
    figure.suptitle(
        _("{tag}: questions per day, {window}", tag=stats.course.tag, window=_(WINDOWS[stats.window]))
    )
    return figure


def _label_days(axes: Axes, days: list[Day]) -> None:
    step = max(1, math.ceil(len(days) / MAX_LABELS))
    ticks = list(range(0, len(days), step))
    axes.set_xticks(ticks, [dated(days[i].day, "EEE\nd MMM") for i in ticks])
    axes.set_xlim(-0.6, len(days) - 0.4)


def _unit(days: list[Day]) -> tuple[str, float]:
    """Minutes while the longest median is under two hours, hours after that."""
    longest = max((d.median_first_answer.total_seconds() for d in days if d.median_first_answer), default=0)
    return (N_("minutes"), 60.0) if longest < 7200 else (N_("hours"), 3600.0)


def _in(day: Day, size: float) -> float:
    if day.median_first_answer is None:
        return math.nan  # a gap in the line: nobody was answered that day
    return day.median_first_answer.total_seconds() / size
