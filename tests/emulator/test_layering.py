"""The emulator's dependency rules within its layers (docs/architecture.md), checked on its
source; the direction of every import (and that the emulator never imports the client) is
import-linter's: tests/test_layers.py."""

from __future__ import annotations

from pathlib import Path

from kit_helpers import imported_names

import bill_emulator

EMULATOR = Path(bill_emulator.__file__).parent


def _imports(path: Path) -> set[str]:
    return imported_names(path)


def test_backend_knows_nothing_of_http():
    for path in (EMULATOR / "backend").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("werkzeug", "http", "requests")), path.name


def test_only_store_speaks_sql():
    store = EMULATOR / "store"
    speakers = set()
    for path in EMULATOR.rglob("*.py"):
        if "sqlite3" in _imports(path):
            speakers.add(path)
    assert speakers and all(store in path.parents for path in speakers), sorted(speakers)
