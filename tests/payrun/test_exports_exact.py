"""Reading an export, every refusal exact: the message, the hint and each ``(line, column,
what)`` problem, as the person who must fix the file reads them.

A payment run pays what the export says, so a cell read wrongly is a wrong payment: these pin
what is read and what is refused, down to the line numbers (the mutation run's tests for
``payrun/exports.py``).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from billhelpers.payrun import ExportError, read_export

HEAD = ",Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
TITLE = "Unpaid Bills\nDemo Org\n\n"
VENDOR = "Acme,,,,,,,\n"
BILL = ",11/03/2026,Bill,A-1,12/03/2026,0,100.00,100.00\n"
TOTAL = "TOTAL,,,,,,100.00,100.00\n"
FIX_HINT = (
    "fix those cells in the accounting system (or the file) and read it again; nothing was created"
)
NEITHER = (
    "expected the columns of QuickBooks Online (Unpaid Bills): Date, Transaction type, Num, "
    "Due date, Amount, Open balance or Xero (Aged Payables Detail): Invoice Date, Invoice "
    "Number, Due Date, Total, Due"
)


def _qbo(*rows: str, title: str = TITLE) -> str:
    return title + HEAD + VENDOR + "".join(rows) + TOTAL


def _error(source, **kwargs) -> ExportError:
    with pytest.raises(ExportError) as info:
        read_export(source, **kwargs)
    assert info.value.field == "file"
    return info.value


def _problems(source) -> list[tuple[int, str, str]]:
    err = _error(source)
    assert err.hint == FIX_HINT
    return err.problems


def test_a_bill_is_read_exactly_with_its_line_and_source():
    [row] = read_export(_qbo(BILL))
    assert (row.line, row.vendor, row.invoice_number, row.source) == (
        6,
        "Acme",
        "A-1",
        "the export",
    )
    assert (row.amount, row.open_amount) == (Decimal("100.00"), Decimal("100.00"))
    assert row.invoice_date.isoformat() == "2026-11-03" and row.due_date.isoformat() == "2026-12-03"


def test_blank_kind_is_a_bill_and_credits_are_skipped():
    blank_kind = ",11/03/2026,,A-2,12/03/2026,0,5.00,5.00\n"
    credit = ",11/03/2026,Vendor Credit,C-1,,0,-5.00,-5.00\n"
    rows = read_export(_qbo(BILL, blank_kind, credit))
    assert [r.invoice_number for r in rows] == ["A-1", "A-2"]


def test_spaces_in_amounts_and_the_footer_after_the_total():
    spaced = ",11/03/2026,Bill,A-3,12/03/2026,0,1 250.00,1 250.00\n"
    [row] = read_export(_qbo(spaced) + '"Friday, December 4, 2026"\n')
    assert row.amount == Decimal("1250.00")
    assert _problems(_qbo(BILL) + "x,y,,,,,,\n") == [
        (
            8,
            "row",
            "a row after the report's grand total line: remove it or export the report again",
        )
    ]


def test_sources_name_themselves(tmp_path):
    path = tmp_path / "bills.csv"
    path.write_text(_qbo(BILL), encoding="utf-8")
    assert read_export(path)[0].source == "bills.csv"
    assert read_export(str(path))[0].source == "bills.csv"
    with open(path, encoding="utf-8") as handle:
        assert read_export(handle)[0].source == str(path)
    assert read_export(io.StringIO(_qbo(BILL)))[0].source == "the export"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + HEAD.encode() + (VENDOR + BILL + TOTAL).encode())
    assert read_export(bom)[0].invoice_number == "A-1"


def test_files_that_cannot_be_read(tmp_path):
    err = _error(tmp_path / "missing.csv")
    assert (err.message, err.hint) == (f"no file {tmp_path / 'missing.csv'}", "check the path")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Caf\xe9,,\n".encode("latin-1"))
    err = _error(latin)
    assert (err.message, err.hint) == ("latin.csv is not UTF-8 text", "export it as CSV")
    err = _error(io.StringIO(" , \n\n"))
    assert (err.message, err.hint) == (
        "the export is empty",
        "export the unpaid bills report again",
    )
    err = _error(io.StringIO("a,b\nc,d\n"))
    assert (err.message, err.hint) == ("the export is neither export this kit reads", NEITHER)
    err = _error(TITLE + HEAD + "TOTAL,,,,,,0,0\n")
    assert (err.message, err.hint) == (
        "the export lists no unpaid bills",
        "check the report's date range",
    )


def test_the_header_is_looked_for_in_the_first_twenty_lines_only():
    nineteen = "title\n" * 19
    assert len(read_export(_qbo(BILL, title=nineteen))) == 1  # the header is line 20
    err = _error(_qbo(BILL, title="title\n" * 20))  # line 21
    assert err.message == "the export is neither export this kit reads"


def test_one_missing_column_is_named_two_are_another_report():
    one = HEAD.replace(",Open balance", ",Balance")
    err = _error(TITLE + one + VENDOR + BILL)
    assert (err.message, err.hint) == (
        "the export looks like QuickBooks Online (Unpaid Bills) but has no column 'Open balance'",
        "export the report with its default columns",
    )
    two = one.replace(",Amount", ",Sum")
    assert (
        _error(TITLE + two + VENDOR + BILL).message == "the export is neither export this kit reads"
    )


def test_xero_missing_two_of_its_columns_names_both():
    head = ",Invoice Date,Invoice Number,Invoice Reference,Due Date,Overdue,Total,Paid,Credited\n"
    err = _error("Aged Payables\n" + head)
    assert (
        err.message == "the export looks like Xero (Aged Payables Detail) but has no column 'Due'"
    )


def test_a_header_without_a_blank_column_reads_the_first_column():
    head = "Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
    text = TITLE + head + "Acme,,,,,,\n" + "11/03/2026,Bill,A-1,12/03/2026,0,1.00,1.00\n"
    assert _problems(text) == [
        (
            6,
            "Date",
            "'11/03/2026' stands beside a bill: a vendor's name goes on its own heading row above "
            "its bills",
        )
    ]


def test_rows_refused_by_their_shape():
    text = (
        TITLE + HEAD + BILL + VENDOR + ",1,2\n" + ',11/03/2026,Bill,"A\r1",12/03/2026,0,1.00,1.00\n'
    )
    assert _problems(text + TOTAL) == [
        (5, "row", "a bill before any vendor heading"),
        (
            7,
            "row",
            'has 3 cells, the header has 8: a cell holds an unquoted comma (write "1,250.00" in '
            "quotes) or a cell is missing or extra; fix the row",
        ),
        (
            8,
            "row",
            "a cell spans several lines: a quote opened here is closed rows later; remove the "
            "stray quote (or quote the whole cell) and export again",
        ),
    ]


def test_bad_cells_are_each_named():
    rows = [
        ",2026-11-03,Bill,A-1,12/03/2026,0,100.00,100.00\n",
        ",11/03/2026,Bill,,12/03/2026,0,100.00,100.00\n",
        ",11/03/2026,Bill,A-3,12/03/2026,0,100.00,0.00\n",
        ",11/03/2026,Bill,A-4,12/03/2026,0,100.00,100.01\n",
        ',11/03/2026,Bill,A-5,12/03/2026,0,"12,50",1.00\n',
        ",11/03/2026,Bill,A-6,12/03/2026,0,abc,1.00\n",
        ",11/03/2026,Bill,A-7,12/03/2026,0,(-5.00),1.00\n",
        ",11/03/2026,Bill,A-8,12/03/2026,0,12345678901234.00,1.00\n",
        ',11/03/2026,Bill,A-9,12/03/2026,0,"1,250",1.00\n',
        ",11/03/2026,Bill,A-10,12/03/2026,0,١٢.٠٠,1.00\n",
    ]
    ambiguous = (
        "has an ambiguous separator: a comma is read only as a thousands separator (1,250.00); "
        "write the amount with a dot and 2 decimals, e.g. 12.50 or 1,250.00"
    )
    assert _problems(_qbo(*rows)) == [
        (6, "Date", "'2026-11-03' is not a date (MM/DD/YYYY, e.g. 11/03/2026)"),
        (7, "Num", "no invoice number"),
        (8, "Open balance", "0.00 is not owed"),
        (
            9,
            "Open balance",
            "100.01 is more than the bill's amount 100.00 (column 'Amount'): a bill never owes "
            "more than it is for; fix one",
        ),
        (10, "Amount", f"'12,50' {ambiguous}"),
        (11, "Amount", "'abc' is not an amount (digits, an optional dot and 2 decimals)"),
        (12, "Amount", "'(-5.00)' is negative twice (parentheses and a minus sign)"),
        (13, "Amount", "'12345678901234.00' has more digits than any bill's amount"),
        (14, "Amount", f"'1,250' {ambiguous}"),
        (15, "Amount", "'١٢.٠٠' is not an amount (digits, an optional dot and 2 decimals)"),
    ]


def test_the_error_lists_ten_problems_and_counts_the_rest():
    bad = ",11/03/2026,Bill,,12/03/2026,0,1.00,1.00\n"
    err = _error(_qbo(*[bad] * 10))
    assert err.message == "the export: 10 cell(s) cannot be read: " + "; ".join(
        f"line {n}, column 'Num': no invoice number" for n in range(6, 16)
    )
    err = _error(_qbo(*[bad] * 11))
    assert err.message.endswith("line 15, column 'Num': no invoice number; and 1 more")
    assert len(err.problems) == 11


def test_at_most_max_rows_bills():
    assert len(read_export(_qbo(BILL, BILL.replace("A-1", "A-2")), max_rows=2)) == 2
    err = _error(_qbo(BILL, BILL.replace("A-1", "A-2"), BILL.replace("A-1", "A-3")), max_rows=2)
    assert (err.message, err.hint) == (
        "the export holds more than 2 bills",
        "a run takes at most that many: export one vendor group or due-date range at a time "
        "(or pass max_rows=...)",
    )


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        (
            'x\n,"never closed\n',
            2,
            "a quote opened on this row is never closed: the rest of the file would be one cell",
        ),
        (
            '"title"x\n',
            1,
            "a quote in the middle of a cell (',' expected after '\"'); quote the whole cell or "
            "remove it",
        ),
        (
            'x\ny\n"' + "a" * 200_000 + '"\n',
            3,
            "a cell is longer than 128 KiB, far more than any export writes (a quote never "
            "closed, or not an export)",
        ),
    ],
    ids=["unclosed", "mid-cell", "huge"],
)
def test_csv_errors_name_their_line(text, line, what):
    err = _error(text)
    assert (err.message, err.problems, err.hint) == (
        f"the export: line {line}: {what}",
        [(line, "row", what)],
        "fix that line in the file (or export it again) and read it again; nothing was created",
    )


def test_thirteen_digits_are_still_an_amount():
    big = ",11/03/2026,Bill,A-1,12/03/2026,0,1234567890123.00,1.00\n"
    assert read_export(_qbo(big))[0].amount == Decimal("1234567890123.00")


def test_xero_dates_with_the_month_written_out():
    head = (
        ",Invoice Date,Invoice Number,Invoice Reference,Due Date,Overdue,Total,Paid,Credited,Due\n"
    )
    bill = ",3 November 2026,INV-7,,3 Dec 2026,0,50.00,0.00,0.00,50.00\n"
    [row] = read_export("Aged Payables Detail\n" + head + "Acme,,,,,,,,,\n" + bill)
    assert (row.invoice_date.isoformat(), row.due_date.isoformat()) == ("2026-11-03", "2026-12-03")


def test_whole_dollar_amounts_are_read():
    whole = ",11/03/2026,Bill,A-1,12/03/2026,0,1250,1250\n"
    row = read_export(_qbo(whole))[0]
    assert (row.amount, row.open_amount) == (Decimal("1250.0"), Decimal("1250.0"))


def test_a_byte_order_mark_is_not_part_of_the_first_title(tmp_path):
    head = "Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
    path = tmp_path / "bom.csv"
    body = head + "Acme,,,,,,\n" + "11/03/2026,Bill,A-1,12/03/2026,0,1.00,1.00\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert _problems(path) == [
        (
            3,
            "Date",
            "'11/03/2026' stands beside a bill: a vendor's name goes on its own heading row above "
            "its bills",
        )
    ]
