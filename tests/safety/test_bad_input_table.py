"""docs/bad-input.md cannot drift: every row names tests that exist, run and pass.

The table is parsed as Markdown. Each test reference (`path::name` or `path::name[param-id]`) is
checked against the test file's syntax tree, without importing or running anything:

- the file exists and defines the function;
- a `[param-id]` is one of the ids the function's parametrize decorators declare;
- the test is not marked xfail, because a row must be backed by a passing test.

Every test in `test_safety_bad_input.py` must appear on the page, each item that issue 7 lists
must have a row, and the count the page states must match the table.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "bad-input.md"
BAD_INPUT_TESTS = Path(__file__).resolve().parent / "test_safety_bad_input.py"
_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[([^\]`]+)\])?`")

#: The bad inputs issue 7 names, each of which needs a row (matched in the "bad input" column).
ISSUE_7_ITEMS = (
    "`BILL_USERNAME` blank",
    "`BILL_PASSWORD` blank",
    "`BILL_DEV_KEY` blank",
    "`BILL_ORGANIZATION_ID` blank",
    "not an e-mail",
    "wrong password",
    "wrong devKey",
    "unknown organization id",
    "not 6 digits",
    "wrong MFA token",
    "fails the ABA checksum",
    "letters in the account number",
    "without `payeeName`",
    "without an address",
    "unknown country",
    "bill with no lines",
    "negative line amount",
    "3 decimals",
    "due date that is not a date",
    "unknown vendorId",
    "above the bill's due amount",
    "amount zero",
    "unverified funding account",
    "unknown funding account",
    "another vendor's bill",
    "process date in the past",
    "description over 70",
)


def _cells(line: str) -> list[str]:
    """The cells of one Markdown table row (no `|` appears inside the kit's cells)."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


@functools.cache
def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            cells = _cells(line)
            if cells[0].isdigit():
                rows.append(cells)
    return rows


@functools.cache
def _tests_in(path: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            found[node.name] = node
    return found


def _decorator_text(node: ast.FunctionDef) -> str:
    return " ".join(ast.unparse(d) for d in node.decorator_list)


def _param_ids(node: ast.FunctionDef) -> set[str]:
    """Ids given by ``pytest.param(..., id="x")`` or ``ids=[...]`` in the decorators."""
    ids = set()
    for deco in node.decorator_list:
        for sub in ast.walk(deco):
            if not isinstance(sub, ast.Call):
                continue
            for kw in sub.keywords:
                if kw.arg == "id" and isinstance(kw.value, ast.Constant):
                    ids.add(kw.value.value)
                if kw.arg == "ids" and isinstance(kw.value, ast.List | ast.Tuple):
                    ids |= {e.value for e in kw.value.elts if isinstance(e, ast.Constant)}
    return ids


def _problems(path: str, name: str, param: str | None) -> list[str]:
    ref = f"{path}::{name}" + (f"[{param}]" if param else "")
    if not (ROOT / path).is_file():
        return [f"{ref}: no such file"]
    node = _tests_in(path).get(name)
    if node is None:
        return [f"{ref}: no such test"]
    problems = []
    if "xfail" in _decorator_text(node):
        problems.append(f"{ref}: is marked xfail; a row needs a passing test")
    if param is not None and param not in _param_ids(node):
        problems.append(f"{ref}: the test declares no parameter id {param!r}")
    return problems


def test_table_has_at_least_30_numbered_rows():
    numbers = [int(row[0]) for row in _rows()]
    assert len(numbers) >= 30
    assert numbers == list(range(1, len(numbers) + 1)), "rows are numbered 1, 2, 3, ..."


def test_stated_count_matches_the_table():
    match = re.search(r"\*\*Counts:\*\* (\d+) rows", DOC.read_text(encoding="utf-8"))
    assert match, "the page states its row count as '**Counts:** N rows'"
    assert int(match[1]) == len(_rows())


def test_every_row_has_six_cells_and_says_where_it_is_caught():
    for row in _rows():
        assert len(row) == 6, f"row {row[0]}: expected 6 cells, found {len(row)}"
        assert row[2].startswith(("client", "emulator")), f"row {row[0]}: caught where?"
        assert row[3] and row[4], f"row {row[0]}: error and message cells are required"


def test_every_row_names_existing_passing_tests():
    problems = []
    for row in _rows():
        refs = _REF.findall(row[5])
        if not refs:
            problems.append(f"row {row[0]}: names no test")
        for path, name, param in refs:
            problems += [f"row {row[0]}: {p}" for p in _problems(path, name, param or None)]
    assert problems == []


def test_every_bad_input_test_is_in_the_table():
    text = DOC.read_text(encoding="utf-8")
    listed = {name for path, name, _ in _REF.findall(text) if path.endswith(BAD_INPUT_TESTS.name)}
    missing = set(_tests_in(str(BAD_INPUT_TESTS.relative_to(ROOT)))) - listed
    assert missing == set()


@pytest.mark.parametrize("item", ISSUE_7_ITEMS)
def test_every_item_of_issue_7_has_a_row(item):
    assert any(item.lower() in row[1].lower() for row in _rows()), f"no row for {item!r}"


def test_the_checker_catches_drift(tmp_path):
    """The reference check fails on a renamed test, an unknown parameter id and an xfail."""
    path = "tests/safety/test_safety_bad_input.py"
    marked = tmp_path / "test_marked.py"  # absolute: ROOT / marked is marked
    marked.write_text("import pytest\n\n@pytest.mark.xfail(strict=True)\ndef test_x():\n    pass\n")
    assert _problems(str(marked), "test_x", None) == [
        f"{marked}::test_x: is marked xfail; a row needs a passing test"
    ]
    assert _problems(path, "test_no_such_thing", None)
    assert _problems(path, "test_bad_vendor_caught_before_sending", "no-such-id")
    assert _problems("tests/safety/no_such_file.py", "test_x", None)
    assert _problems(path, "test_bad_vendor_caught_before_sending", "letters") == []
    assert _REF.findall("`tests/a/b.py::test_c[d-e]`") == [("tests/a/b.py", "test_c", "d-e")]
