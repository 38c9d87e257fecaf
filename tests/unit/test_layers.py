"""Imports point inward (docs/ARCHITECTURE.md, Layers): the domain imports only the standard
library and itself; in bot/, only the composition root, the runners and the operator commands
reach into storage/."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "facilitation"
# bot/ modules that may import storage/: the composition root, the runners, the operator commands.
WIRING = {
    "app.py",
    "runner.py",
    "inbox.py",
    "polling.py",
    "webhook.py",
    "tick.py",
    "sender.py",
    "cli.py",
    "doctor.py",
    "demo.py",
    "outbox_report.py",
}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_facilitation_imports_only_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"facilitation", "__future__"}

    foreign = {
        f"{path.name}: {root}" for path in DOMAIN.glob("*.py") for root in _imported_roots(path) - allowed
    }

    assert foreign == set()


def test_only_the_wiring_of_bot_reaches_into_storage() -> None:
    reaching = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if "storage" in _imported_roots(path) and str(path.relative_to(ROOT / "bot")) not in WIRING
    }

    assert reaching == set()
