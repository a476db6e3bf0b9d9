"""
billhelpers.payrun.exports
~~~~~~~~~~~~~~~~~~~~~~~~~~

Read an accounting system's unpaid-bills CSV into :class:`ExportRow` objects, exactly.

Two shapes are understood, both as their "export to CSV" buttons write them: a few title lines,
a header row, then one section per vendor (a row holding only the vendor's name, its bills, a
"Total for …" line) and a grand total.

- QuickBooks Online, report *Unpaid Bills*: columns ``Date, Transaction type, Num, Due date,
  Past due, Amount, Open balance``; dates ``MM/DD/YYYY``; money like ``"1,250.00"``.
- Xero, report *Aged Payables Detail*: columns ``Invoice Date, Invoice Number, Invoice
  Reference, Due Date, Overdue, Total, Paid, Credited, Due``; dates like ``3 Nov 2026``.

Why refuse instead of guess: a payment run moves money, so a cell that does not parse stops the
whole file, and the error names every bad cell by row and column. Money is ``Decimal`` from the
digits written; a float never sees it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from billhelpers.exceptions import InputError

#: The most bills one run reads: a larger export is almost always the wrong report (all bills,
#: not the unpaid ones), and a run of that size should be split anyway.
MAX_ROWS = 10_000
#: How many bad cells one error lists before it says "and N more".
MAX_LISTED = 10


@dataclasses.dataclass(frozen=True)
class ExportFormat:
    """Which header names mean what in one accounting system's export."""

    name: str
    columns: dict[str, str]  # our field -> the export's column title
    date_formats: tuple[str, ...]
    date_hint: str


QUICKBOOKS = ExportFormat(
    name="QuickBooks Online (Unpaid Bills)",
    columns={
        "invoice_date": "Date",
        "kind": "Transaction type",
        "invoice_number": "Num",
        "due_date": "Due date",
        "amount": "Amount",
        "open_amount": "Open balance",
    },
    date_formats=("%m/%d/%Y",),
    date_hint="MM/DD/YYYY, e.g. 11/03/2026",
)
XERO = ExportFormat(
    name="Xero (Aged Payables Detail)",
    columns={
        "invoice_date": "Invoice Date",
        "invoice_number": "Invoice Number",
        "due_date": "Due Date",
        "amount": "Total",
        "open_amount": "Due",
    },
    date_formats=("%d %b %Y", "%d %B %Y"),
    date_hint="day month year, e.g. 3 Nov 2026",
)
FORMATS = (QUICKBOOKS, XERO)


@dataclasses.dataclass(frozen=True)
class ExportRow:
    """One unpaid bill from the export. ``line`` is the file's line number (1-based)."""

    line: int
    vendor: str
    invoice_number: str
    invoice_date: _dt.date
    due_date: _dt.date
    amount: Decimal
    open_amount: Decimal
    source: str


class ExportError(InputError):
    """The export cannot be read as it is; ``problems`` lists ``(line, column, message)``."""

    def __init__(self, message: str, *, problems=(), hint: str | None = None):
        self.problems = list(problems)
        super().__init__(message, field="file", hint=hint)


def read_export(source: str | Path | io.TextIOBase, *, max_rows: int = MAX_ROWS) -> list[ExportRow]:
    """Every unpaid bill in a QuickBooks Online or Xero CSV export (a path, text or file)."""
    text, name = _text_of(source)
    lines = list(csv.reader(io.StringIO(text)))
    if not any(any(cell.strip() for cell in row) for row in lines):
        raise ExportError(f"{name} is empty", hint="export the unpaid bills report again")
    header_at, fmt = _find_header(lines, name)
    header = [cell.strip() for cell in lines[header_at]]
    index = {title: i for i, title in enumerate(header) if title}
    missing = [title for title in fmt.columns.values() if title not in index]
    if missing:
        raise ExportError(
            f"{name} looks like {fmt.name} but has no column {', '.join(map(repr, missing))}",
            hint="export the report with its default columns",
        )
    rows, problems, vendor = [], [], None
    for number, cells in enumerate(lines[header_at + 1 :], start=header_at + 2):
        cells = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
        first, rest = cells[0], cells[1:]
        if not any(cells) or first.lower().startswith("total"):
            continue
        if first and not any(rest):
            vendor = first  # a section heading: the bills below are this vendor's
            continue
        if vendor is None:
            problems.append((number, header[0] or "vendor", "a bill before any vendor heading"))
            continue
        row = _parse_row(number, cells, index, fmt, vendor, name, problems)
        if row is not None:
            rows.append(row)
        if len(rows) > max_rows:
            raise ExportError(
                f"{name} holds more than {max_rows:,} bills",
                hint="a run takes at most that many: export one vendor group or due-date range "
                "at a time (or pass max_rows=...)",
            )
    if problems:
        listed = "; ".join(f"line {n}, column {c!r}: {m}" for n, c, m in problems[:MAX_LISTED])
        more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise ExportError(
            f"{name}: {len(problems)} cell(s) cannot be read: {listed}{more}",
            problems=problems,
            hint="fix those cells in the accounting system (or the file) and read it again; "
            "nothing was created",
        )
    if not rows:
        raise ExportError(f"{name} lists no unpaid bills", hint="check the report's date range")
    return rows


def _text_of(source) -> tuple[str, str]:
    if isinstance(source, io.TextIOBase):
        return source.read(), getattr(source, "name", "the export")
    if isinstance(source, str) and "\n" in source:
        return source, "the export"  # the CSV's text itself
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig"), path.name
    except FileNotFoundError:
        raise ExportError(f"no file {path}", hint="check the path") from None
    except UnicodeDecodeError:
        raise ExportError(f"{path.name} is not UTF-8 text", hint="export it as CSV") from None


def _find_header(lines: list[list[str]], name: str) -> tuple[int, ExportFormat]:
    for at, row in enumerate(lines[:20]):
        titles = {cell.strip() for cell in row}
        for fmt in FORMATS:
            wanted = set(fmt.columns.values())
            if len(titles & wanted) >= len(wanted) - 1:  # one missing is named, not guessed
                return at, fmt
    expected = " or ".join(f"{f.name}: {', '.join(f.columns.values())}" for f in FORMATS)
    raise ExportError(
        f"{name} is neither export this kit reads", hint=f"expected the columns of {expected}"
    )


def _parse_row(number, cells, index, fmt, vendor, name, problems) -> ExportRow | None:
    cols = fmt.columns
    if "kind" in cols and cells[index[cols["kind"]]] not in ("Bill", ""):
        return None  # QuickBooks lists vendor credits too; a run pays bills only
    values, ok = {}, True
    for field, title in cols.items():
        cell = cells[index[title]]
        try:
            if field.endswith("_date"):
                values[field] = _date(cell, fmt)
            elif field.endswith("amount"):
                values[field] = _money(cell)
            else:
                values[field] = cell
        except ValueError as err:
            problems.append((number, title, str(err)))
            ok = False
    if not ok:
        return None
    if not values["invoice_number"]:
        problems.append((number, cols["invoice_number"], "no invoice number"))
        return None
    if values["open_amount"] <= 0:
        problems.append((number, cols["open_amount"], f"{values['open_amount']} is not owed"))
        return None
    values.pop("kind", None)
    return ExportRow(line=number, vendor=vendor, source=name, **values)


def _date(cell: str, fmt: ExportFormat) -> _dt.date:
    for pattern in fmt.date_formats:
        try:
            return _dt.datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{cell!r} is not a date ({fmt.date_hint})")


_MONEY = re.compile(r"^\(?-?\$?\s*[0-9][0-9,]*(\.[0-9]{1,2})?\)?$")


def _money(cell: str) -> Decimal:
    """``"$1,250.00"``, ``"1250"``, ``"(12.50)"`` → exact Decimal; anything else refused."""
    text = cell.replace(" ", "")
    if not text.isascii() or not _MONEY.match(text):
        raise ValueError(f"{cell!r} is not an amount (digits, an optional dot and 2 decimals)")
    negative = text.startswith("(") or "-" in text
    try:
        value = Decimal(text.strip("()").replace("$", "").replace(",", "").replace("-", ""))
    except InvalidOperation:
        raise ValueError(f"{cell!r} is not an amount") from None
    return -value if negative else value
