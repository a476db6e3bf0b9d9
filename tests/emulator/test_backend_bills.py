"""Bill rules on the backend: amounts from lines, validation, dueAmount and paymentStatus."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import bill_body, payment_body, vendor_body

from bill_emulator.backend.errors import InvalidState, ValidationFailed


@pytest.fixture
def vendor(backend, caller):
    return backend.create_vendor(caller, vendor_body())


def _count(backend, caller) -> int:
    return len(backend.list_bills(caller, {"max": ["100"]})["results"])


def _bad(backend, caller, body, message) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.create_bill(caller, body)
    assert (err.value.code, err.value.message) == ("BDC_1000", message)
    assert _count(backend, caller) == 0


def test_create_bill_amount_is_sum_of_lines(backend, caller, vendor):
    bill = backend.create_bill(caller, bill_body(vendor["id"]))
    assert bill["id"] == "00n01SBX000000000001"
    assert bill["amount"] == Decimal("125.50")
    assert bill["dueAmount"] == Decimal("125.50")
    assert bill["paymentStatus"] == "UNPAID"
    assert [line["amount"] for line in bill["billLineItems"]] == [
        Decimal("100.25"),
        Decimal("25.25"),
    ]


def test_create_bill_line_from_quantity_and_price(backend, caller, vendor):
    lines = [{"quantity": Decimal("2.5"), "price": Decimal("10.10"), "description": "Ink"}]
    bill = backend.create_bill(caller, bill_body(vendor["id"], billLineItems=lines))
    assert bill["amount"] == Decimal("25.25")
    assert bill["billLineItems"][0]["quantity"] == Decimal("2.5")


def test_create_bill_amount_wins_over_quantity_and_price(backend, caller, vendor):
    lines = [{"amount": 7, "quantity": 2, "price": 5}]
    assert backend.create_bill(caller, bill_body(vendor["id"], billLineItems=lines))[
        "amount"
    ] == Decimal("7.00")


def test_create_bill_without_lines(backend, caller, vendor):
    _bad(
        backend,
        caller,
        bill_body(vendor["id"], billLineItems=[]),
        "billLineItems: must contain at least one line item",
    )


def test_create_bill_negative_amount(backend, caller, vendor):
    _bad(
        backend,
        caller,
        bill_body(vendor["id"], billLineItems=[{"amount": Decimal("-5.00")}]),
        "billLineItems[0].amount: must be greater than 0",
    )


def test_create_bill_three_decimals(backend, caller, vendor):
    _bad(
        backend,
        caller,
        bill_body(vendor["id"], billLineItems=[{"amount": Decimal("10.005")}]),
        "billLineItems[0].amount: must have at most 2 decimal places",
    )


def test_create_bill_amount_as_string(backend, caller, vendor):
    _bad(
        backend,
        caller,
        bill_body(vendor["id"], billLineItems=[{"amount": "10.00"}]),
        "billLineItems[0].amount: must be a number",
    )


@pytest.mark.parametrize("due", ["04/01/2026", "2026-4-1", "2026-02-30", "tomorrow"])
def test_create_bill_due_date_not_a_date(backend, caller, vendor, due):
    with pytest.raises(ValidationFailed) as err:
        backend.create_bill(caller, bill_body(vendor["id"], dueDate=due))
    assert err.value.message.startswith("dueDate: ")
    assert _count(backend, caller) == 0


def test_create_bill_unknown_vendor(backend, caller):
    _bad(
        backend,
        caller,
        bill_body("00901SBX000000000099"),
        "vendorId: no vendor 00901SBX000000000099 in this organization",
    )


def test_create_bill_vendor_id_with_wrong_prefix(backend, caller):
    _bad(
        backend,
        caller,
        bill_body("00n01SBX000000000001"),
        "vendorId: must be an id beginning with 009",
    )


def test_create_bill_archived_vendor(backend, caller, vendor):
    backend.archive_vendor(caller, vendor["id"])
    with pytest.raises(ValidationFailed) as err:
        backend.create_bill(caller, bill_body(vendor["id"]))
    assert "is archived" in err.value.message


def test_create_bill_missing_invoice(backend, caller, vendor):
    body = bill_body(vendor["id"])
    del body["invoice"]
    _bad(backend, caller, body, "invoice: must not be null")


def test_create_bill_duplicate_invoice_number_per_vendor(backend, caller, vendor):
    backend.create_bill(caller, bill_body(vendor["id"]))
    with pytest.raises(ValidationFailed) as err:
        backend.create_bill(caller, bill_body(vendor["id"]))
    assert (
        err.value.message
        == "invoice.invoiceNumber: INV-001 is already used by a bill of this vendor"
    )
    assert _count(backend, caller) == 1


def test_update_bill_lines_recalculate_amount(backend, caller, vendor):
    bill = backend.create_bill(caller, bill_body(vendor["id"]))
    first, second = bill["billLineItems"]
    line = {"id": first["id"], "amount": 10}
    updated = backend.update_bill(caller, bill["id"], {"billLineItems": [line]})
    # BILL's PATCH changes the line named by id; the other line stays, ids never change
    assert [(li["id"], li["amount"]) for li in updated["billLineItems"]] == [
        (first["id"], Decimal("10.00")),
        (second["id"], second["amount"]),
    ]
    assert updated["billLineItems"][0]["description"] == first["description"]
    with pytest.raises(ValidationFailed) as err:
        backend.update_bill(caller, bill["id"], {"billLineItems": [{"amount": 10}]})
    assert err.value.message.startswith("billLineItems[0].id: must name a line of this bill")
    assert (updated["amount"], updated["dueAmount"]) == (Decimal("35.25"), Decimal("35.25"))


def test_update_bill_with_payment_cannot_change_lines(backend, trusted, vendor):
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    backend.create_payment(trusted, payment_body(bill["id"]))
    with pytest.raises(InvalidState):
        line = {"id": bill["billLineItems"][0]["id"], "amount": 10}
        backend.update_bill(trusted, bill["id"], {"billLineItems": [line]})


def test_payment_status_follows_payments(backend, trusted, vendor):
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    first = backend.create_payment(trusted, payment_body(bill["id"], "100.00"))
    bill = backend.get_bill(trusted, bill["id"])
    assert (bill["dueAmount"], bill["paymentStatus"]) == (Decimal("25.50"), "PARTIAL")
    backend.create_payment(trusted, payment_body(bill["id"], "25.50"))
    bill = backend.get_bill(trusted, bill["id"])
    assert (bill["dueAmount"], bill["paymentStatus"]) == (Decimal("0.00"), "SCHEDULED")
    backend.cancel_payment(trusted, first["id"])
    bill = backend.get_bill(trusted, bill["id"])
    assert (bill["dueAmount"], bill["paymentStatus"]) == (Decimal("100.00"), "PARTIAL")


def test_archive_bill_with_scheduled_payment_is_refused(backend, trusted, vendor):
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    backend.create_payment(trusted, payment_body(bill["id"]))
    with pytest.raises(InvalidState):
        backend.archive_bill(trusted, bill["id"])
    assert backend.get_bill(trusted, bill["id"])["archived"] is False


def test_archive_and_restore_bill(backend, caller, vendor):
    bill = backend.create_bill(caller, bill_body(vendor["id"]))
    assert backend.archive_bill(caller, bill["id"])["archived"] is True
    assert backend.restore_bill(caller, bill["id"])["archived"] is False


def test_bill_carries_bills_amount_fields_as_payments_are_booked(backend, trusted, vendor):
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    amounts = ("scheduledAmount", "paidAmount", "creditAmount")
    assert tuple(bill[k] for k in amounts) == (Decimal("0.00"),) * 3
    payment = backend.create_payment(trusted, payment_body(bill["id"], "25.50"))
    booked = backend.get_bill(trusted, bill["id"])
    assert (booked["scheduledAmount"], booked["dueAmount"]) == (Decimal("25.50"), Decimal("100"))
    assert booked["paidAmount"] == Decimal("0.00")  # nothing clears on the emulator
    backend.cancel_payment(trusted, payment["id"])
    assert backend.get_bill(trusted, bill["id"])["scheduledAmount"] == Decimal("0.00")


def test_line_items_keep_an_id_and_their_classifications(backend, caller, vendor):
    account = backend.create_classification(caller, "chart-of-accounts", {"name": "Supplies"})
    body = bill_body(vendor["id"])
    body["billLineItems"][0]["classifications"] = {"chartOfAccountId": account["id"], "bogus": "x"}
    bill = backend.create_bill(caller, body)
    ids = [line["id"] for line in bill["billLineItems"]]
    assert ids == ["bli01SBX000000000001001", "bli01SBX000000000001002"]
    assert bill["billLineItems"][0]["classifications"] == {"chartOfAccountId": account["id"]}
    assert "classifications" not in bill["billLineItems"][1]


def test_bulk_bills_all_or_nothing_names_the_bad_one(backend, caller, vendor):
    good = bill_body(vendor["id"])
    bad = bill_body(vendor["id"], dueDate="31/12/2026")
    bad["invoice"] = {"invoiceNumber": "OTHER-1", "invoiceDate": "2026-12-01"}
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_bills(caller, [good, bad])
    assert err.value.message.startswith("[1].dueDate: must be a date in yyyy-MM-dd format")
    assert _count(backend, caller) == 0
    other = {**good, "invoice": {"invoiceNumber": "OTHER-2", "invoiceDate": "2026-12-01"}}
    made = backend.bulk_create_bills(caller, [good, other])
    assert [b["id"] for b in made] == ["00n01SBX000000000001", "00n01SBX000000000002"]
    with pytest.raises(ValidationFailed) as err:  # the same invoice number again: nothing made
        backend.bulk_create_bills(caller, [good])
    assert err.value.message.startswith("[0].invoice.invoiceNumber:")
    assert _count(backend, caller) == 2
