"""One invoice spelled two ways is one invoice (red team, issue 25).

The plan keyed a bill on its vendor and its invoice number *as written*: an export listing
``HP-2001`` and ``hp-2001`` made two bills and the run paid both, and a re-export whose
accounting system wrote ``hp-2001`` for the ``HP-2001`` already in BILL (and paid) made a second
bill and paid the invoice again. Letter case, outer and repeated spaces and Unicode forms no
longer make a new invoice; BILL holding several bills that read alike stops the row for a person.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billhelpers.payrun.exports import ExportRow
from billhelpers.payrun.plan import build_plan

DUE = dt.date(2026, 12, 2)
VENDORS = [{"id": "00901A", "name": "Happy Paper Co."}]


def _row(line: int, number: str) -> ExportRow:
    return ExportRow(
        line=line,
        vendor="Happy Paper Co.",
        invoice_number=number,
        invoice_date=dt.date(2026, 11, 2),
        due_date=DUE,
        amount=Decimal("1250.00"),
        open_amount=Decimal("1250.00"),
        source="the export",
    )


def _bill(bill_id: str, number: str) -> dict:
    return {
        "id": bill_id,
        "vendorId": "00901A",
        "invoice": {"invoiceNumber": number},
        "amount": Decimal("1250.00"),
        "dueDate": DUE.isoformat(),
    }


def test_the_same_invoice_in_another_case_or_spacing_is_a_duplicate_of_the_file():
    rows = [_row(6, "HP-2001"), _row(7, "hp-2001"), _row(8, " HP-2001  "), _row(9, "ＨＰ-2001")]
    plan = build_plan(rows, VENDORS, [])
    assert [(p.bill_status, p.bill_reason) for p in plan] == [
        ("new", "not in BILL yet: it will be created"),
        *[("duplicate", "line 6 has the same vendor and invoice number")] * 3,
    ]


def test_the_invoice_already_in_bill_is_found_whatever_its_case():
    [row] = build_plan([_row(6, "hp-2001")], VENDORS, [_bill("00n01A", "HP-2001")])
    assert (row.bill_status, row.bill_id) == ("in BILL", "00n01A")


def test_bill_holding_the_invoice_twice_stops_the_row():
    bills = [_bill("00n01A", "HP-2001"), _bill("00n01B", "hp-2001")]
    [row] = build_plan([_row(6, "HP-2001")], VENDORS, bills)
    assert (row.bill_status, row.bill_id) == ("changed", None)
    assert row.bill_reason == (
        "BILL holds 2 bills of this vendor whose invoice numbers read as HP-2001 "
        "(00n01A HP-2001, 00n01B hp-2001); archive the extra one by hand"
    )


def test_other_numbers_stay_apart():
    rows = [_row(6, "HP-2001"), _row(7, "HP-20010"), _row(8, "HP 2001"), _row(9, "HP-2OO1")]
    assert [p.bill_status for p in build_plan(rows, VENDORS, [])] == ["new"] * 4
