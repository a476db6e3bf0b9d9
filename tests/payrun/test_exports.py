"""Reading the accounting exports: both shapes, exact money, and every bad cell named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from billhelpers.payrun import ExportError, read_export

DATA = Path(__file__).resolve().parents[2] / "notebooks" / "data"
QBO_HEAD = (
    "Unpaid Bills\nDemo\n\n,Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
)
XERO_HEAD = (
    "Aged Payables Detail\n\n,Invoice Date,Invoice Number,Invoice Reference,Due Date,Overdue,"
    "Total,Paid,Credited,Due\n"
)


def test_quickbooks_sample_reads_every_bill_exactly():
    rows = read_export(DATA / "qbo_unpaid_bills.csv")
    assert len(rows) == 20  # the vendor credit and the total lines are not bills
    first = rows[0]
    assert (first.vendor, first.invoice_number) == ("Happy Paper Co.", "HP-2001")
    assert first.open_amount == Decimal("1250.00") and isinstance(first.open_amount, Decimal)
    assert first.due_date == dt.date(2026, 12, 2)
    assert sum(r.open_amount for r in rows) == Decimal("23233.84")  # 23,183.84 + the 50 credit


def test_xero_sample_pays_what_is_due_not_the_total():
    rows = read_export(DATA / "xero_aged_payables.csv")
    partly_paid = next(r for r in rows if r.invoice_number == "HP-2010")
    assert (partly_paid.amount, partly_paid.open_amount) == (Decimal("300.00"), Decimal("200.00"))
    assert partly_paid.due_date == dt.date(2026, 12, 23)


def test_every_bad_cell_is_named_by_line_and_column():
    text = QBO_HEAD + "Acme,,,,,,,\n,13/45/2026,Bill,A-1,12/01/2026,0,10.00,10.00\n"
    text += ",11/01/2026,Bill,A-2,12/01/2026,0,12.5x,12.50\n"
    with pytest.raises(ExportError) as info:
        read_export(text)
    assert [(n, c) for n, c, _ in info.value.problems] == [(6, "Date"), (7, "Amount")]
    assert "line 6, column 'Date'" in str(info.value) and "MM/DD/YYYY" in str(info.value)
    assert "nothing was created" in str(info.value)


@pytest.mark.parametrize("cell", ["1e3", "NaN", "١٢٣.٠٠", "12.345", "", "$", "1,2.3.4", "Infinity"])
def test_amounts_that_are_not_plain_money_are_refused(cell):
    text = QBO_HEAD + f'Acme,,,,,,,\n,11/01/2026,Bill,A-1,12/01/2026,0,10.00,"{cell}"\n'
    with pytest.raises(ExportError, match="Open balance"):
        read_export(text)


def test_a_file_in_neither_format_names_both():
    with pytest.raises(ExportError) as info:
        read_export("name,amount\nAcme,10\n")
    assert "QuickBooks" in info.value.hint and "Xero" in info.value.hint


def test_a_missing_column_is_named():
    text = "x\n,Date,Transaction type,Num,Due date,Amount\nAcme,,,,,\n"
    with pytest.raises(ExportError, match="'Open balance'"):
        read_export(text)


def test_an_empty_file_and_a_file_with_no_bills(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n")
    with pytest.raises(ExportError, match="is empty"):
        read_export(empty)
    with pytest.raises(ExportError, match="no unpaid bills"):
        read_export(QBO_HEAD + "TOTAL,,,,,,0,0\n")


def test_too_many_rows_is_refused_before_anything_else(tmp_path):
    lines = [f",11/01/2026,Bill,A-{i},12/01/2026,0,1.00,1.00" for i in range(30)]
    with pytest.raises(ExportError, match="more than 25 bills"):
        read_export(QBO_HEAD + "Acme,,,,,,,\n" + "\n".join(lines) + "\n", max_rows=25)


def test_a_bill_before_any_vendor_heading_is_refused():
    with pytest.raises(ExportError, match="before any vendor"):
        read_export(XERO_HEAD + ",2 Nov 2026,X-1,,2 Dec 2026,,1.00,0.00,0.00,1.00\n")


def test_generator_output_reads_back(tmp_path):
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_payrun_export.py"
    for fmt in ("qbo", "xero"):
        out = tmp_path / f"{fmt}.csv"
        subprocess.run(
            [
                sys.executable,
                str(script),
                str(out),
                "--format",
                fmt,
                "--bills",
                "50",
                "--vendors",
                "7",
            ],
            check=True,
            capture_output=True,
        )
        rows = read_export(out)
        assert len(rows) == 50 and len({r.vendor for r in rows}) == 7


# -- issue 23: an export must never pay the wrong vendor or the wrong amount -------------------

BILL_ROW = ",11/01/2026,Bill,{num},12/01/2026,0,{amount},{open}\n"


def _qbo(*sections: tuple[str, list[str]]) -> str:
    """A QuickBooks export: each section a vendor heading, its bill rows and its total line."""
    text = QBO_HEAD
    for vendor, rows in sections:
        text += f'"{vendor}",,,,,,,\n' + "".join(rows) + f'"Total for {vendor}",,,,,,1.00,1.00\n'
    return text + 'TOTAL,,,,,,1.00,1.00\n\n"Tuesday, December 1, 2026 08:00 AM GMT-05:00"\n'


def test_a_vendor_named_total_is_a_heading_not_a_total_line():
    text = _qbo(
        ("Happy Paper Co.", [BILL_ROW.format(num="HP-1", amount="10.00", open="10.00")]),
        ("Total Wine & More", [BILL_ROW.format(num="TW-1", amount="20.00", open="20.00")]),
    )
    vendors = {r.invoice_number: r.vendor for r in read_export(text)}
    assert vendors == {"HP-1": "Happy Paper Co.", "TW-1": "Total Wine & More"}


def test_a_row_wider_than_the_header_is_refused_not_shifted():
    # an unquoted thousands separator: "1,250.00",1,250.00 would be read as open balance 1
    row = ',11/01/2026,Bill,HP-1,12/01/2026,0,"1,250.00",1,250.00\n'
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Happy Paper Co.", [row])))
    ((line, column, message),) = info.value.problems
    assert line == 6 and "9 cells" in message and "8" in message
    assert "line 6" in str(info.value)


def test_columns_are_read_by_their_header_names_in_any_order():
    head = "Unpaid Bills\n\nOpen balance,Amount,Past due,Due date,Num,Transaction type,Date,\n"
    text = head + ",,,,,,,Acme\n1.50,2.00,0,12/01/2026,A-1,Bill,11/01/2026,\n"
    (row,) = read_export(text)
    assert (row.vendor, row.amount, row.open_amount) == ("Acme", Decimal("2.00"), Decimal("1.50"))


@pytest.mark.parametrize("cell", ["12,50", "1.250,00", "1,25", "1,250", "12,5000", "1,2345.00"])
def test_an_ambiguous_separator_is_refused_naming_line_and_cell(cell):
    row = BILL_ROW.format(num="A-1", amount="1250.00", open=f'"{cell}"')
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", [row])))
    ((line, column, message),) = info.value.problems
    assert (line, column) == (6, "Open balance") and "separator" in message
    assert repr(cell) in message


def test_an_open_balance_above_the_bills_amount_is_refused():
    row = BILL_ROW.format(num="A-1", amount="100.00", open="150.00")
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", [row])))
    ((line, column, message),) = info.value.problems
    assert (line, column) == (6, "Open balance") and "150.00" in message and "100.00" in message


def test_an_unterminated_quote_is_reported_not_swallowed():
    rows = [
        ',11/01/2026,Bill,"A-1,12/01/2026,0,10.00,10.00\n',  # the quote is never closed
        BILL_ROW.format(num="A-2", amount="20.00", open="20.00"),
    ]
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", rows)))
    assert "quote" in str(info.value) and "line 6" in str(info.value)


def test_a_quote_closed_rows_later_is_reported_not_merged():
    rows = [
        ',11/01/2026,Bill,"A-1,12/01/2026,0,10.00,10.00\n',
        BILL_ROW.format(num="A-2", amount="20.00", open="20.00"),
        ',11/01/2026,Bill,A-3",12/01/2026,0,30.00,30.00\n',
    ]
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", rows)))
    assert info.value.problems and info.value.problems[0][0] == 6


def test_a_huge_cell_is_a_clear_export_error():
    row = BILL_ROW.format(num="A" * 200_000, amount="1.00", open="1.00")
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", [row])))
    assert "line 6" in str(info.value) and "KiB" in str(info.value)


def test_every_unreadable_row_is_reported_at_once():
    rows = [
        BILL_ROW.format(num="A-1", amount="10.00", open='"12,50"'),
        ',11/01/2026,Bill,A-2,12/01/2026,0,"1,250.00",1,250.00\n',
        BILL_ROW.format(num="A-3", amount="10.00", open="20.00"),
        BILL_ROW.format(num="A-4", amount="10.00", open="10.00"),
    ]
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", rows)))
    assert [p[0] for p in info.value.problems] == [6, 7, 8]


def test_a_name_beside_a_bill_row_is_refused_not_given_to_the_previous_vendor():
    rows = [
        BILL_ROW.format(num="A-1", amount="10.00", open="10.00"),
        "Other Vendor" + BILL_ROW.format(num="O-1", amount="20.00", open="20.00"),
    ]
    with pytest.raises(ExportError) as info:
        read_export(_qbo(("Acme", rows)))
    ((line, _, message),) = info.value.problems
    assert line == 7 and "'Other Vendor'" in message and "heading row" in message
