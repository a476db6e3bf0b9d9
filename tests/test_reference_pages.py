"""The learner's reference pages (notebooks/reference/, served by ``make lab``) follow the kit.

The error-codes page is written by hand from the kit's error map
(``billhelpers.http._errormap.CODES``): every BDC code the kit knows has a row there, naming the
exception the kit raises for it, and the page lists no code the kit does not know.
"""

from __future__ import annotations

import re
from pathlib import Path

from billhelpers.http import _errormap

REFERENCE = Path(__file__).resolve().parent.parent / "notebooks" / "reference"
ERROR_CODES = REFERENCE / "error-codes.md"
ROW = re.compile(r"^\| `(BDC_\d+)` \|(.*)$", re.MULTILINE)


def _rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for code, rest in ROW.findall(ERROR_CODES.read_text(encoding="utf-8")):
        assert code not in rows, f"{code} has two rows on {ERROR_CODES.name}"
        rows[code] = rest
    return rows


def test_every_code_of_the_error_map_has_a_row_on_the_error_codes_page():
    rows = _rows()
    missing = sorted(set(_errormap.CODES) - set(rows))
    assert not missing, f"add a row to notebooks/reference/error-codes.md for {missing}"


def test_each_row_names_the_exception_the_kit_raises():
    rows = _rows()
    wrong = {
        code: cls.__name__
        for code, (cls, _hint) in _errormap.CODES.items()
        if code in rows and f"`{cls.__name__}`" not in rows[code]
    }
    assert not wrong, f"the exception column should name {wrong}"


def test_the_page_lists_no_code_the_kit_does_not_know():
    extra = sorted(set(_rows()) - set(_errormap.CODES))
    assert not extra, f"{extra} are on error-codes.md but not in billhelpers/http/_errormap.py"


def test_the_moved_pages_are_served_and_gone_from_docs():
    for name in ("cheatsheet.md", "glossary.md", "error-codes.md"):
        assert (REFERENCE / name).is_file(), name
        assert not (REFERENCE.parent.parent / "docs" / name).exists(), f"docs/{name} came back"
