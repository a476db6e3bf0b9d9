"""The calls a chapter shows equal the calls it makes.

Why: issue 16's "nothing hidden". Each chapter ends with ``tutorial.calls_made(client)``, read
from the client's own record (``client.history``). Here chapters 01-06 run through nbclient, in
order, in a fresh demo world, and what each one printed is compared with the emulator's log of
the BILL calls it served (``GET /_emulator/requests``), cleared before each chapter.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import requests
from nbclient import NotebookClient

from billhelpers.config import Config
from billhelpers.notebook import harness

#: Many seconds: `make test` and CI run it, `make unit` skips it (the fast inner loop).
pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = sorted(p for p in NOTEBOOKS.glob("0[1-6]_*.ipynb"))
LINE = re.compile(r"^\s*\d+\. (\S+)\s+(\S+)\s+→\s+(\S+)\s*$")


def _printed_calls(notebook) -> list[tuple[str, str, str]]:
    cell = next(c for c in notebook.cells if c.get("id", "").endswith("-calls"))
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    return [m.groups() for m in map(LINE.match, text.splitlines()) if m]


def _logged_calls(base_url: str, dev_key: str) -> list[tuple[str, str, str]]:
    rows = requests.get(
        f"{base_url}/_emulator/requests", headers={"devKey": dev_key}, timeout=(5, 30)
    ).json()
    return [(r["method"], r["path"], str(r["status"])) for r in reversed(rows)]


@pytest.fixture
def fresh_world(tmp_path):
    saved = harness.apply(harness.demo_environment(tmp_path))
    try:
        config = Config.from_env()
        yield config.resolve_base_url(), config.dev_key
    finally:
        harness.restore(saved)


def test_each_chapter_shows_exactly_the_calls_it_makes(fresh_world):
    base_url, dev_key = fresh_world
    totals = {}
    for path in CHAPTERS:
        requests.delete(
            f"{base_url}/_emulator/requests", headers={"devKey": dev_key}, timeout=(5, 30)
        ).raise_for_status()
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        shown, logged = _printed_calls(notebook), _logged_calls(base_url, dev_key)
        assert shown, f"{path.name} lists no calls"
        assert shown == logged, path.name
        totals[path.name] = len(shown)
    print("BILL calls per chapter:", totals, "total:", sum(totals.values()))
