"""Helpers shared by the tests: the emulator's request log, the payments of a bill, waiting."""

from __future__ import annotations

import ast
import time
from collections import Counter
from pathlib import Path


def bill_calls(client) -> list[tuple[str, str, int]]:
    """The BILL calls in the emulator's request log, oldest first: (method, path, status).
    ``path`` has no query; the emulator's own ``/_emulator/`` controls are left out."""
    return [
        (r["method"], r["path"], r["status"])
        for r in reversed(client.emulator.requests())
        if not r["path"].startswith("/_emulator")
    ]


def call_counts(client) -> Counter:
    """:func:`bill_calls` counted by ``"METHOD path"``."""
    return Counter(f"{method} {path}" for method, path, _ in bill_calls(client))


def posts(client, path: str) -> list[tuple[str, str, int]]:
    return [c for c in bill_calls(client) if c[0] == "POST" and c[1] == path]


def payments_for(client, bill_id: str) -> list[dict]:
    """Every payment the emulator recorded against ``bill_id`` (canceled ones included)."""
    return [
        p
        for p in client.payments.list_all(progress=False)
        if any(bp.get("billId") == bill_id for bp in p.get("billPayments") or [])
        or p.get("billId") == bill_id
    ]


def wait_until(predicate, timeout: float = 5.0):
    """Poll ``predicate`` (no fixed sleep) until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the emulator"
        time.sleep(0.01)


def imported_names(path: Path, *, module_level: bool = False) -> set[str]:
    """The modules a source file imports (``from a import b`` gives ``a`` and ``a.b``), for the
    layering tests; ``module_level`` leaves out imports inside functions (lazy ones)."""
    tree = ast.parse(Path(path).read_text())
    names = set()
    for node in tree.body if module_level else ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names
