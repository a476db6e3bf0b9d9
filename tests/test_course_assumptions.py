"""The chapters say what is BILL's and what is the emulator's guess.

``docs/api-fidelity.md`` has one row per emulated behaviour; a row whose source column says
**assumed** is the kit's choice where BILL documents nothing. The lab serves only ``notebooks/``,
so the learner's copy of those rows is ``notebooks/reference/what-is-assumed.md``: one
``### <row id>`` heading per assumed row (plus the rules BILL says hold only in production). A
chapter marks an assumed answer with a link to that heading,
``[M6](reference/what-is-assumed.md#M6)``.

What "a chapter shows an assumed row" means here, simply, from the chapter's committed outputs:

- an error ``"code": "BDC_…"`` whose row in the table's error summary is assumed (``BDC_1000``,
  ``BDC_1004``, ``BDC_1145``, ``BDC_1355``); a marked row whose text names the code covers it
  too (``M6`` covers ``BDC_1355``);
- the message of an assumed row, the text in backticks right after a ``BDC_`` code in the row
  (``M6``: `Invalid MFA token.`);
- a few assumed values, listed in ``VALUES`` below (``"mfaStatus": "CHALLENGE"`` is ``S12``).

The tests: the page lists exactly the assumed rows (and the production-only ones); every marker
names a row on the page; every assumed row a chapter shows is marked in that chapter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIDELITY = ROOT / "docs" / "api-fidelity.md"
PAGE = NOTEBOOKS / "reference" / "what-is-assumed.md"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

ROW = re.compile(r"^\|\s*`?([A-Z]{1,2}\d+|BDC_\d+)`?\s*\|(.*)\|\s*$")
HEADING = re.compile(r"^###\s+([A-Z]{1,2}\d+|BDC_\d+)\s*$", re.MULTILINE)
MARKER = re.compile(r"what-is-assumed\.md#([A-Z]{1,2}\d+|BDC_\d+)\b")
CODE_SHOWN = re.compile(r"""["']code["']:\s*["'](BDC_\d+)["']""")
MESSAGE = re.compile(r"`BDC_\d+`\s+`([^`]+)`")
PLACEHOLDER = re.compile(r"<[^>]*>|\.\.\.|…")
#: Rules BILL's own page says hold only in production; the emulator applies them everywhere.
PRODUCTION_ONLY = {"SU12"}
#: Assumed values a chapter can print, and the row each belongs to.
VALUES = {
    "S12": re.compile(r"""["']mfaStatus["']:\s*["']CHALLENGE["']"""),
    "B1": re.compile(r"""["']approvalStatus["']:\s*["']UNASSIGNED["']"""),
    "P1": re.compile(r"""["']disbursementType["']:\s*["'](?:ACH|CHECK)["']"""),
    "B11": re.compile(r"""["']paymentStatus["']:\s*["']PARTIAL["']"""),
}


def fidelity_rows(text: str | None = None) -> dict[str, dict]:
    """Every row of the table: its section, its cells and whether it is (partly) assumed."""
    rows: dict[str, dict] = {}
    section = ""
    for line in (FIDELITY.read_text(encoding="utf-8") if text is None else text).splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = ROW.match(line)
        if match:
            cells = [c.strip() for c in match.group(2).split(" | ")]
            rows[match.group(1)] = {
                "section": section,
                "cells": cells,
                "assumed": "assumed" in cells[-1].lower(),
                "production": "production" in cells[-1].lower(),
            }
    return rows


def messages(row: dict) -> list[str]:
    """The literal pieces (16 characters or more) of the messages a row gives after a code."""
    pieces = []
    for message in MESSAGE.findall(" | ".join(row["cells"])):
        pieces += [p.strip() for p in PLACEHOLDER.split(message) if len(p.strip()) >= 16]
    return pieces


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def outputs_of(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    texts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append(_text(output["text"]))
            texts += [_text(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
            if output.get("output_type") == "error":
                texts.append(output.get("evalue", ""))
    return "\n".join(texts)


def markdown_of(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join(_text(c["source"]) for c in cells if c["cell_type"] == "markdown")


def shown(outputs: str, rows: dict[str, dict]) -> dict[str, str]:
    """``{row id: what showed it}`` for the assumed rows these outputs show."""
    found = {}
    for code in set(CODE_SHOWN.findall(outputs)):
        if rows.get(code, {}).get("assumed"):
            found[code] = f'"code": "{code}"'
    for key, row in rows.items():
        if not row["assumed"] or key.startswith("BDC_"):
            continue
        for piece in messages(row):
            if piece in outputs:
                found[key] = piece
    for key, pattern in VALUES.items():
        match = pattern.search(outputs)
        if match and rows.get(key, {}).get("assumed"):
            found[key] = match.group(0)
    return found


def covered(key: str, marked: set[str], rows: dict[str, dict]) -> bool:
    if key in marked:
        return True
    # an error code is covered by a marked row that names it (M6 names BDC_1355)
    return key.startswith("BDC_") and any(
        f"`{key}`" in " ".join(rows[m]["cells"]) for m in marked if m in rows
    )


ROWS = fidelity_rows()


def test_the_table_reads():
    assumed = {k for k, r in ROWS.items() if r["assumed"]}
    assert len(ROWS) > 100 and len(assumed) > 30
    assert {"M6", "BDC_1000", "BDC_1355", "S12"} <= assumed
    assert "Invalid MFA token." in messages(ROWS["M6"])


def test_the_page_lists_every_assumed_row_and_nothing_else():
    listed = HEADING.findall(PAGE.read_text(encoding="utf-8"))
    assumed = {k for k, r in ROWS.items() if r["assumed"]}
    assert len(listed) == len(set(listed)), "a row is listed twice"
    wrong = [k for k in listed if k not in assumed and k not in PRODUCTION_ONLY]
    assert not wrong, f"what-is-assumed.md lists rows the table does not mark assumed: {wrong}"
    missing = sorted(assumed - set(listed))
    assert not missing, (
        f"assumed rows of docs/api-fidelity.md missing from what-is-assumed.md: {missing} "
        "(add a '### <id>' entry with the row's behaviour and source)"
    )
    for key in PRODUCTION_ONLY:
        assert ROWS[key]["production"], f"{key}'s source no longer says production"


@pytest.mark.parametrize(
    "path",
    CHAPTERS + sorted((NOTEBOOKS / "reference").glob("*.md")),
    ids=lambda p: p.name,
)
def test_every_marker_names_a_listed_row(path):
    listed = set(HEADING.findall(PAGE.read_text(encoding="utf-8")))
    wrong = sorted(set(MARKER.findall(markdown_of(path))) - listed)
    assert not wrong, f"{path.name} marks rows that what-is-assumed.md does not list: {wrong}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_assumed_answer_a_chapter_shows_is_marked(path):
    marked = set(MARKER.findall(markdown_of(path)))
    unmarked = {
        key: why
        for key, why in shown(outputs_of(path), ROWS).items()
        if not covered(key, marked, ROWS)
    }
    assert not unmarked, (
        f"{path.name} shows assumed answers without naming their row "
        f"(add e.g. '(emulator's assumption: [row](reference/what-is-assumed.md#ID))'): {unmarked}"
    )


def test_the_detector_sees_codes_messages_and_values():
    outputs = '{"code": "BDC_1355", "message": "Invalid MFA token."}\n"mfaStatus": "CHALLENGE"'
    found = shown(outputs, ROWS)
    assert {"BDC_1355", "M6", "S12"} <= set(found)
    assert covered("BDC_1355", {"M6"}, ROWS)
    assert not covered("BDC_1000", {"M6"}, ROWS)
    assert shown('{"code": "BDC_1109"}', ROWS) == {}  # BILL documents it: nothing to mark


COUNTS = re.compile(
    r"Counts \([^)]*\): (\d+) rows; (\d+) name only sources"
    r".*?(\d+) still have an\s+\*\*assumed\*\*",
    re.DOTALL,
)


def test_the_tables_counts_line_is_true():
    """Issue 25: the table says how many rows are sourced and how many assumed, and stays true
    as rows are added (the error-code summary rows, ``BDC_…``, are not behaviours)."""
    match = COUNTS.search(FIDELITY.read_text(encoding="utf-8"))
    assert match, "docs/api-fidelity.md lost its 'Counts (...): N rows; ...' line"
    behaviours = {k: r for k, r in ROWS.items() if not k.startswith("BDC_")}
    assumed = sum(r["assumed"] for r in behaviours.values())
    said = tuple(int(n) for n in match.groups())
    assert said == (len(behaviours), len(behaviours) - assumed, assumed), (
        f"the counts line says {said}; the table has {len(behaviours)} rows, "
        f"{len(behaviours) - assumed} sourced and {assumed} assumed"
    )
