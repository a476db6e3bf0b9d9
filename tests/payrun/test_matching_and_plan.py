"""Vendor matching and the dry run, on data shaped like BILL's (no HTTP needed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billhelpers.payrun import build_plan, match_vendor, normalise_name, read_export

DATA = Path(__file__).resolve().parents[2] / "notebooks" / "data"
VENDORS = [
    {"id": "00901A", "name": "Happy Paper Co.", "archived": False},
    {"id": "00901B", "name": "Cedar Office Supply", "archived": False},
    {"id": "00901C", "name": "Northwind Logistics", "archived": False},
    {"id": "00901D", "name": "Lakeside Print and Signs", "archived": False},
    {"id": "00901E", "name": "Granite IT Services", "archived": False},
    {"id": "00901F", "name": "Granite IT Services LLC", "archived": False},
    {"id": "00901G", "name": "Orchard Water Co", "archived": True},
]
BILLS = [
    {
        "id": "00n01A",
        "vendorId": "00901A",
        "invoice": {"invoiceNumber": "HP-2001"},
        "amount": Decimal("1250.00"),
        "dueDate": "2026-12-02",
    },
    {
        "id": "00n01B",
        "vendorId": "00901B",
        "invoice": {"invoiceNumber": "CED-91"},
        "amount": Decimal("2000.00"),
        "dueDate": "2026-12-10",
    },
]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Cedar Office Supply, Inc.", "cedar office supply"),
        ("Lakeside Print & Signs", "LAKESIDE PRINT AND SIGNS"),
        ("Café Noir LLC", "cafe noir"),
    ],
)
def test_names_that_differ_only_in_form_normalise_alike(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_match_statuses():
    assert match_vendor("Cedar Office Supply, Inc.", VENDORS).status == "matched"
    typo = match_vendor("Northwind Logistcs", VENDORS)
    assert typo.status == "fuzzy" and typo.vendor["id"] == "00901C" and typo.score >= 85
    assert "confirm" in typo.reason
    assert match_vendor("Granite IT Services", VENDORS).status == "ambiguous"
    assert match_vendor("Orchard Water Co", VENDORS).status == "new"  # archived is not a match
    assert match_vendor("Completely Different Ltd", VENDORS).status == "new"


def test_dry_run_on_the_sample_export():
    plan = build_plan(read_export(DATA / "qbo_unpaid_bills.csv"), VENDORS, BILLS)
    by_invoice = {}
    for row in plan:
        by_invoice.setdefault(row.invoice_number, []).append(row)
    assert by_invoice["HP-2001"][0].bill_status == "in BILL"
    assert by_invoice["HP-2001"][0].bill_id == "00n01A"
    assert [r.bill_status for r in by_invoice["HP-2002"]] == ["new", "duplicate"]
    changed = by_invoice["CED-91"][0]
    assert changed.bill_status == "changed" and "amount 2000.00 in BILL" in changed.bill_reason
    assert by_invoice["NW-5001"][0].vendor_status == "fuzzy"
    assert by_invoice["NW-5001"][0].bill_status == "blocked"
    assert by_invoice["GIT-4410"][0].vendor_status == "ambiguous"
    assert by_invoice["SCR-1140"][0].vendor_status == "new"
    assert by_invoice["SCR-1140"][0].bill_status == "new"


def test_a_confirmed_match_unblocks_its_bills():
    rows = read_export(DATA / "qbo_unpaid_bills.csv")
    plan = build_plan(rows, VENDORS, BILLS, confirmed={"Northwind Logistcs": "00901C"})
    northwind = [p for p in plan if p.vendor_name == "Northwind Logistcs"]
    assert {p.vendor_status for p in northwind} == {"matched"}
    assert {p.bill_status for p in northwind} == {"new"}


def test_plan_frame_shows_each_row_and_why():
    from billhelpers.payrun.plan import plan_frame

    frame = plan_frame(build_plan(read_export(DATA / "xero_aged_payables.csv"), VENDORS, BILLS))
    assert list(frame["bill status"]) == ["in BILL", "new", "changed", "new"]
    assert frame.loc[2, "why"].startswith("amount 2000.00 in BILL")


# -- issue 23: names outside ASCII, and names that share nothing ---------------------------------

FOREIGN = ["ООО Ромашка", "北京纸业有限公司", "Αθηνά Χαρτικά", "Müller Papier GmbH"]


@pytest.mark.parametrize("name", FOREIGN)
def test_names_in_any_script_keep_their_letters(name):
    assert normalise_name(name)  # never the empty string
    assert normalise_name(name) == normalise_name(name.upper())


@pytest.mark.parametrize("name", FOREIGN[:3])
def test_a_name_in_another_script_is_never_matched_to_an_unrelated_vendor(name):
    for other in ("ООО Лютик", "大", "Ωμέγα"):  # one unrelated vendor in a script of its own
        match = match_vendor(name, VENDORS + [{"id": "00901X", "name": other}])
        assert match.status == "new", (other, match)


def test_the_same_name_in_another_script_still_matches_exactly():
    vendors = VENDORS + [{"id": "00901X", "name": "ООО Ромашка"}]
    match = match_vendor("ооо ромашка", vendors)
    assert (match.status, match.vendor["id"]) == ("matched", "00901X")


@pytest.mark.parametrize("name", ["!!!", "---", "…"])
def test_a_name_without_letters_or_digits_needs_a_person(name):
    vendors = VENDORS + [{"id": "00901Z", "name": "???"}]
    match = match_vendor(name, vendors)
    assert match.status not in ("matched", "new")
    rows = read_export(
        "\n,Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
        f'"{name}",,,,,,,\n,11/01/2026,Bill,Q-1,12/01/2026,0,1.00,1.00\n'
    )
    (row,) = build_plan(rows, vendors, [])
    assert row.bill_status == "blocked" and row.vendor_id is None
