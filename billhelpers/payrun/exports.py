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
digits written; a float never sees it. Columns are found by their header names, and every row
must be as wide as the header: a stray comma would otherwise shift an amount into the next
column. A vendor heading is a row with only its first cell filled, whatever the name says (a
vendor may be called "Total Wine & More"); a total line is one that also carries amounts.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import io
import re
from decimal import Decimal
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
    lines = _csv_rows(text, name)
    if not any(any(cell.strip() for cell in row) for _, row in lines):
        raise ExportError(f"{name} is empty", hint="export the unpaid bills report again")
    header_at, fmt = _find_header([row for _, row in lines], name)
    header = [cell.strip() for cell in lines[header_at][1]]
    index = {title: i for i, title in enumerate(header) if title}
    missing = [title for title in fmt.columns.values() if title not in index]
    if missing:
        raise ExportError(
            f"{name} looks like {fmt.name} but has no column {', '.join(map(repr, missing))}",
            hint="export the report with its default columns",
        )
    first_col = next((i for i, title in enumerate(header) if not title), 0)
    rows, problems, vendor, ended = [], [], None, False
    for number, raw in lines[header_at + 1 :]:
        cells = [c.strip() for c in raw]
        kind, detail = _classify(cells, first_col, len(header), ended)
        if kind == "problem":
            problems.append((number, header[first_col] or "row", detail))
        elif kind == "grand total":
            ended = True
        elif kind == "heading":
            vendor = detail  # the bills below are this vendor's
        elif kind == "bill" and vendor is None:
            problems.append(
                (number, header[first_col] or "row", "a bill before any vendor heading")
            )
        elif kind == "bill":
            row = _parse_row(number, cells, index, fmt, vendor, name, problems)
            rows += [row] if row is not None else []
        if len(rows) > max_rows:
            raise ExportError(
                f"{name} holds more than {max_rows:,} bills",
                hint="a run takes at most that many: export one vendor group or due-date range "
                "at a time (or pass max_rows=...)",
            )
    if problems:
        raise _problems_error(name, problems)
    if not rows:
        raise ExportError(f"{name} lists no unpaid bills", hint="check the report's date range")
    return rows


def _classify(cells: list[str], first_col: int, width: int, ended: bool) -> tuple[str, str]:
    """What one row is: ``skip`` (blank, a section's total, the footer), ``grand total``,
    ``heading`` (detail: the vendor), ``bill`` or ``problem`` (detail: what to fix). A heading
    is told by its shape (only the first cell filled), never by its words: a vendor may be
    called "Total Wine & More"."""
    lead = cells[first_col] if first_col < len(cells) else ""
    if not any(cells):
        return "skip", ""
    if ended:  # after the grand total only a one-cell footer (the export's date) may follow
        return ("skip", "") if len(cells) == 1 else ("problem", _AFTER_TOTAL)
    if lead.casefold() == "total":
        return "grand total", ""  # "TOTAL" (QuickBooks), "Total" (Xero): the last line
    if len(cells) != width:
        return "problem", _width_problem(len(cells), width)
    if any("\n" in c or "\r" in c for c in cells):
        return "problem", _MULTILINE
    if lead and not any(c for i, c in enumerate(cells) if i != first_col):
        return "heading", lead
    if lead.casefold().startswith("total"):
        return "skip", ""  # "Total for X" (QuickBooks), "Total X" (Xero): a section's sums
    if lead:  # a name beside a bill: whose bill it is would be a guess
        return "problem", _NAME_ON_BILL.format(lead)
    return "bill", ""


_AFTER_TOTAL = "a row after the report's grand total line: remove it or export the report again"
_NAME_ON_BILL = (
    "{!r} stands beside a bill: a vendor's name goes on its own heading row above its bills"
)
_MULTILINE = (
    "a cell spans several lines: a quote opened here is closed rows later; "
    "remove the stray quote (or quote the whole cell) and export again"
)


def _width_problem(width: int, expected: int) -> str:
    """Why a row of the wrong width is refused and what usually causes it."""
    return (
        f"has {width} cells, the header has {expected}: a cell holds an unquoted comma "
        '(write "1,250.00" in quotes) or a cell is missing or extra; fix the row'
    )


def _problems_error(name: str, problems: list) -> ExportError:
    """One error naming every unreadable cell (the first ``MAX_LISTED``) and what to do."""
    listed = "; ".join(f"line {n}, column {c!r}: {m}" for n, c, m in problems[:MAX_LISTED])
    more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return ExportError(
        f"{name}: {len(problems)} cell(s) cannot be read: {listed}{more}",
        problems=problems,
        hint="fix those cells in the accounting system (or the file) and read it again; "
        "nothing was created",
    )


def _csv_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """The CSV's rows with the line each starts on, read strictly: a quote never closed, or
    one in the middle of a cell, would otherwise swallow or merge rows without a word."""
    reader = csv.reader(io.StringIO(text), strict=True)
    rows, start = [], 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as err:
            raise _csv_error(name, start, err) from None
        rows.append((start, row))
        start = reader.line_num + 1


def _csv_error(name: str, line: int, err: csv.Error) -> ExportError:
    """The csv module's terse complaint as a problem on its line, with what to fix."""
    text = str(err)
    if "field larger than field limit" in text:
        what = (
            f"a cell is longer than {csv.field_size_limit() // 1024} KiB, far more than any "
            "export writes (a quote never closed, or not an export)"
        )
    elif "unexpected end of data" in text:
        what = "a quote opened on this row is never closed: the rest of the file would be one cell"
    else:
        what = f"a quote in the middle of a cell ({text}); quote the whole cell or remove it"
    return ExportError(
        f"{name}: line {line}: {what}",
        problems=[(line, "row", what)],
        hint="fix that line in the file (or export it again) and read it again; "
        "nothing was created",
    )


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
    if values["open_amount"] > values["amount"]:
        problems.append(
            (
                number,
                cols["open_amount"],
                f"{values['open_amount']} is more than the bill's amount {values['amount']} "
                f"(column {cols['amount']!r}): a bill never owes more than it is for; fix one",
            )
        )
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


#: Money as both exports write it: an optional sign or parentheses, an optional ``$``, digits
#: grouped by commas in threes (or not at all), and a dot before at most 2 decimals.
_MONEY = re.compile(
    r"^(?P<open>\()?(?P<minus>-)?\$?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.(?P<dec>[0-9]{1,2}))?(?P<close>\))?$"
)
#: More digits before the dot than any bill has: a pasted id or a run-together row.
MAX_INT_DIGITS = 13


def _money(cell: str) -> Decimal:
    """``"$1,250.00"``, ``"1250"``, ``"(12.50)"``, ``"-12.50"`` → exact Decimal; anything
    else refused. A comma is only a thousands separator, in threes before a dot and 2
    decimals: ``12,50`` (a decimal comma) or ``1,250`` (1250 or 1.25?) is refused, not guessed."""
    text = cell.replace(" ", "")
    match = _MONEY.match(text) if text.isascii() else None
    if match is None or bool(match["open"]) != bool(match["close"]):
        if "," in text:
            raise ValueError(_ambiguous(cell))
        raise ValueError(f"{cell!r} is not an amount (digits, an optional dot and 2 decimals)")
    if "," in match["int"] and match["dec"] is None:
        raise ValueError(_ambiguous(cell))
    if match["open"] and match["minus"]:
        raise ValueError(f"{cell!r} is negative twice (parentheses and a minus sign)")
    digits = match["int"].replace(",", "")
    if len(digits.lstrip("0")) > MAX_INT_DIGITS:
        raise ValueError(f"{cell!r} has more digits than any bill's amount")
    value = Decimal(f"{digits}.{match['dec'] or '0'}")
    return -value if match["open"] or match["minus"] else value


def _ambiguous(cell: str) -> str:
    return (
        f"{cell!r} has an ambiguous separator: a comma is read only as a thousands separator "
        "(1,250.00); write the amount with a dot and 2 decimals, e.g. 12.50 or 1,250.00"
    )
