"""The domain imports only the standard library and itself (DESIGN.md, Architecture)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "facilitation"


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
