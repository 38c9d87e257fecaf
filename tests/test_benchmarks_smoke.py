"""The benchmark harness keeps working: the quick ingestion benchmark on SQLite, tiny.

No timing is asserted (a test machine is no benchmark machine); only that every figure is
measured and the table and JSON come out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.__main__ import main


def test_quick_ingestion_benchmark_runs_and_writes_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"

    code = main(
        ["--quick", "--only", "ingest", "--no-postgres", "--ingest-count", "60", "--json", str(results)]
    )

    printed = capsys.readouterr().out
    written = json.loads(results.read_text(encoding="utf-8"))
    names = [figure["name"] for figure in written["figures"]]
    assert code == 0
    assert "ingest SQLite: Flock updates/s" in printed
    assert "Flock updates/s" in names
    assert "framework ceiling (no-op handler)" in names
    assert "database ceiling (plain inserts)" in names
    # A time added (in %) may come out below zero when the extra work is lost in the noise.
    measured = [figure for figure in written["figures"] if figure["unit"] != "%"]
    assert all(figure["value"] > 0 for figure in measured)
    assert "time per update added by a live discussion" in names
    assert "search index: ingestion kept (with / without them)" in names
    assert "search index: ingestion kept, every question a repeat" in names


def test_quick_languages_benchmark_measures_french_beside_english(tmp_path: Path) -> None:
    results = tmp_path / "results.json"

    code = main(["--quick", "--only", "languages", "--no-postgres", "--json", str(results)])

    figures = {f["name"]: f for f in json.loads(results.read_text(encoding="utf-8"))["figures"]}
    assert code == 0
    assert figures["a text in French"]["reference_name"] == "the same in English"
    assert figures["a day and time in French (Babel)"]["reference"] > 0
    assert all(figure["value"] > 0 for figure in figures.values())


def test_the_recap_benchmark_builds_a_discussions_recap_beside_a_plain_read(tmp_path: Path) -> None:
    results = tmp_path / "results.json"

    code = main(["--quick", "--only", "recap", "--no-postgres", "--json", str(results)])

    [figure] = json.loads(results.read_text(encoding="utf-8"))["figures"]
    assert code == 0
    assert figure["name"] == "recap of a discussion, 500 participants"
    assert figure["reference_name"] == "reading its rows, plainly"
    assert figure["value"] > 0
    assert figure["reference"] > 0
