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


def _mixins() -> list[type]:
    from bill_emulator.backend import EmulatorBackend
    from bill_emulator.backend.core import BackendBase

    return [
        cls
        for cls in EmulatorBackend.__mro__
        if cls.__module__.startswith("bill_emulator.backend.")
        and issubclass(cls, BackendBase)
        and cls is not BackendBase
    ]


def _own_methods(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items() if callable(value)}


def _self_attributes(cls: type) -> set[str]:
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def test_cross_mixin_calls_are_declared():
    """The mixins share one ``self``, so a call into a sibling mixin shows in no import: each
    module says which siblings' methods it calls in its ``USES`` (and uses nothing else)."""
    import sys

    mixins = _mixins()
    owner = {name: cls.__name__ for cls in mixins for name in _own_methods(cls)}
    for cls in mixins:
        called = {
            (owner[name], name)
            for name in _self_attributes(cls) - _own_methods(cls)
            if name in owner and owner[name] != cls.__name__
        }
        declared = {
            (sibling, name)
            for sibling, names in getattr(sys.modules[cls.__module__], "USES", {}).items()
            for name in names
        }
        assert called == declared, (
            f"{cls.__module__}.USES for {cls.__name__}: "
            f"undeclared {sorted(called - declared)}, unused {sorted(declared - called)}"
        )
