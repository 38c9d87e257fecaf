"""Figures, the printed table and the JSON file."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured number, what it is compared with, and whether it meets its target."""

    section: str
    name: str
    value: float
    unit: str
    target: str = ""  # e.g. ">= 1500", "< 20"; empty: reported, no target
    reference: float | None = None  # the ceiling or minimum the ratio is taken against
    reference_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.reference is None or self.reference == 0:
            return None
        return self.value / self.reference

    @property
    def met(self) -> bool | None:
        if not self.target:
            return None
        op, _, bound = self.target.partition(" ")
        limit = float(bound)
        if op == ">=":
            return self.value >= limit
        if op == "<=":
            return self.value <= limit
        if op == "<":
            return self.value < limit
        if op == ">":
            return self.value > limit
        if op == "==":
            return self.value == limit
        raise ValueError(f"unknown target {self.target!r}")


@dataclass
class Report:
    quick: bool
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the report section: plans, profiles, caveats
    environment: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {figure.section}: {figure.name} = {_number(figure.value)} {figure.unit}", flush=True)
        return figure

    def note(self, text: str) -> None:
        self.notes.append(text)

    def table(self) -> str:
        header = ("figure", "value", "target", "reference", "ratio", "")
        rows = [header]
        for f in self.figures:
            reference = f"{_number(f.reference)} ({f.reference_name})" if f.reference is not None else ""
            ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
            verdict = {True: "ok", False: "MISSED", None: ""}[f.met]
            target = f"{f.target} {f.unit}" if f.target else ""
            rows.append(
                (f"{f.section}: {f.name}", f"{_number(f.value)} {f.unit}", target, reference, ratio, verdict)
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "quick": self.quick,
            "environment": self.environment,
            "figures": [{**asdict(f), "ratio": f.ratio, "met": f.met} for f in self.figures],
            "notes": self.notes,
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _number(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
