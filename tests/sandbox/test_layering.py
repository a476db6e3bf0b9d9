"""The sandbox's dependency rules (docs/architecture.md), checked on its source."""

from __future__ import annotations

import ast
from pathlib import Path

import billhelpers.sandbox

SANDBOX = Path(billhelpers.sandbox.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sandbox_imports_nothing_else_from_billhelpers():
    for path in SANDBOX.rglob("*.py"):
        for name in _imports(path):
            if name == "billhelpers" or name.startswith("billhelpers."):
                assert name.startswith("billhelpers.sandbox"), f"{path.name} imports {name}"


def test_backend_knows_nothing_of_http():
    for path in (SANDBOX / "backend").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("werkzeug", "http", "requests")), path.name


def test_only_store_speaks_sql():
    for path in SANDBOX.rglob("*.py"):
        if path.name != "store.py":
            assert "sqlite3" not in _imports(path), path.name
