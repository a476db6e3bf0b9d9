"""No committed notebook contains a secret: passwords, devKeys, sessionIds, MFA tokens,
rememberMeIds or full bank numbers, in its cells' code, outputs or metadata.

The scan reads each ``.ipynb`` under ``notebooks/`` as it is committed. The checks themselves are
tested on notebooks made to fail, so a scan that silently finds nothing would be noticed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from billhelpers.config import DEMO_CREDENTIALS
from billhelpers.notebook import tutorial

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

#: Fields whose value must only ever appear masked (at most 4 characters, then "…").
SECRET_KEYS = ("sessionId", "rememberMeId", "mfaId", "devKey", "password", "token", "dev_key")
_SECRET_FIELD = re.compile(
    r"""\b(?P<key>"""
    + "|".join(SECRET_KEYS)
    + r""")\b(?:&quot;|["'])?\s*[:=]\s*(?:&quot;|["'])(?P<value>[^"'…&<\n]*)"""
)
#: Bank numbers: anything more than the last four digits is a full number.
_BANK_FIELD = re.compile(
    r"""\b(?P<key>accountNumber|routingNumber|account_number|routing_number)\b(?:&quot;|["'])?"""
    r"""\s*[:=]\s*(?:&quot;|["'])(?P<value>[^"'&<\n]*)"""
)
#: The demo phone's message, should it ever be printed instead of shown in the widget.
_PHONE_CODE = re.compile(r"code is\s*(?:<[^>]*>)?\s*\d{6}")


def _known_secrets() -> dict[str, str]:
    """Literal values that must appear nowhere: the demo secrets, the test bank numbers, and the
    secrets of whoever runs the test (from their environment), when long enough to be real."""
    known = {
        "demo password": DEMO_CREDENTIALS["password"],
        "demo devKey": DEMO_CREDENTIALS["dev_key"],
        "test account number": tutorial.TEST_ACCOUNT_NUMBER,
    }
    for var in ("BILL_PASSWORD", "BILL_DEV_KEY"):
        value = os.environ.get(var, "")
        if len(value) >= 6:
            known[f"${var}"] = value
    return known


def _strings(value) -> list[str]:
    """Every string inside a JSON-like value (keys included), unescaped."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _texts(notebook) -> list[tuple[str, str]]:
    """(where, text) for every piece of the notebook a secret could hide in."""
    out = [("metadata", text) for text in _strings(dict(notebook.get("metadata", {})))]
    for number, cell in enumerate(notebook.cells):
        out.append((f"cell {number} source", cell.source))
        out += [(f"cell {number} metadata", t) for t in _strings(dict(cell.get("metadata", {})))]
        for output in cell.get("outputs", []):
            out += [(f"cell {number} output", t) for t in _strings(dict(output))]
    return out


def scan_text(text: str, *, where: str = "") -> list[str]:
    """The secret-like things found in ``text`` (empty when clean)."""
    problems = []
    prefix = f"{where}: " if where else ""
    for label, value in _known_secrets().items():
        if value and value in text:
            problems.append(f"{prefix}the {label}")
    for match in _SECRET_FIELD.finditer(text):
        value = match["value"].strip()
        if match["key"].lower() in ("password", "token") and value.strip("*•.…"):
            # a typed secret: any character shown is a character given away
            problems.append(f"{prefix}a partly shown {match['key']}")
        elif len(value.strip("*•.")) > 4:
            problems.append(f"{prefix}an unmasked {match['key']} ({value[:4]}…)")
    for match in _BANK_FIELD.finditer(text):
        digits = re.sub(r"\D", "", match["value"])
        if len(digits) > 4:
            problems.append(f"{prefix}a full {match['key']} (…{digits[-4:]})")
    if _PHONE_CODE.search(text):
        problems.append(f"{prefix}an MFA code from the demo phone")
    return problems


def findings(path: Path) -> list[str]:
    """Everything secret-like in one notebook file, as readable sentences."""
    notebook = nbformat.read(path, as_version=4)
    problems = []
    if "widgets" in notebook.metadata:
        problems.append(f"{path.name}: saved widget state (it can hold typed values)")
    for where, text in _texts(notebook):
        problems += scan_text(text, where=f"{path.name} {where}")
    return problems


NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks_to_scan():
    assert len(NOTEBOOK_FILES) >= 7


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_committed_notebook_has_no_secrets(path):
    assert findings(path) == []


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_committed_notebook_was_executed(path):
    """nbval compares only cells that were run: every code cell must have been."""
    notebook = nbformat.read(path, as_version=4)
    unrun = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.execution_count is None
    ]
    assert unrun == []


#: Ways a cell could read this computer's clock. BILL's today is ``client.today()`` (or, in plain
#: ``requests``, the ``Date`` header of BILL's answer): the outputs must not change with the day.
WALL_CLOCK = re.compile(
    r"\b(?:date|datetime)\.today\(|\.now\(|\.utcnow\(|\btime\.time\(|\blocaltime\("
)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_cells_never_read_the_wall_clock(path):
    notebook = nbformat.read(path, as_version=4)
    reads = [
        (i, line.strip())
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if WALL_CLOCK.search(line)
    ]
    assert reads == []


def test_the_wall_clock_pattern_finds_each_way():
    for line in ("dt.date.today()", "datetime.now(UTC)", "time.time() - t0", "date.today()"):
        assert WALL_CLOCK.search(line), line
    assert not WALL_CLOCK.search("client.today()")


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_committed_notebook_has_no_dead_widget_views(path):
    """A saved widget view shows "Error displaying widget: model not found" until the cell is
    run; scripts/run_notebooks.py drops them and keeps the form's text summary."""
    notebook = nbformat.read(path, as_version=4)
    views = [
        i
        for i, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert views == []


# -- the scan can fail ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"password": "demo-password-1"',
        "devKey 01DEMODEVKEY0000000000000000000000",
        '"sessionId": "a8f3kQ2mZ7xY"',
        "{'sessionId': 'a8f3kQ2mZ7xY'}",
        "&quot;rememberMeId&quot;: &quot;rm01abcdef&quot;",
        '"token": "123456"',
        '"password": "demo…"',
        '"token": "1234…"',
        '"accountNumber": "000123454321"',
        '"routingNumber": "011000015"',
        '"accountNumber": "99887766554433"',
        "📱 Demo phone: your code is <b class='bh-mfa-phone-code'>123456</b>",
    ],
)
def test_scan_finds_secrets(text):
    assert scan_text(text)


@pytest.mark.parametrize(
    "text",
    [
        '"password": "********"',
        '"sessionId": "a8f3…"',
        '"token": "********"',
        '"devKey": "01DE…"',
        '"accountNumber": "…6789"',
        '"accountNumber": "****6789"',
        '"routingNumber": "…0015"',
        "password='***'",
        "the 6-digit code from your phone",
    ],
)
def test_scan_accepts_masked_values(text):
    assert scan_text(text) == []


def test_scan_reports_saved_widget_state_and_leaky_outputs(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    cell = nbformat.v4.new_code_cell("client.login()")
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": '{"sessionId": "s3cr3tSESSIONid"}'},
            execution_count=1,
        )
    ]
    notebook.cells.append(cell)
    path = tmp_path / "leaky.ipynb"
    nbformat.write(notebook, path)
    problems = findings(path)
    assert any("widget state" in p for p in problems)
    assert any("unmasked sessionId" in p and "output" in p for p in problems)
