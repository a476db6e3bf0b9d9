"""Vendor credits on the backend: their own rules, and applying them to bills and payments.

The money rules are the point: a credit lowers a bill's ``dueAmount`` as a payment does, can
never be applied beyond what it has left, to another vendor's bill, when archived, or beyond
what the bill has due; a canceled or voided payment gives its credits back; and a bill's amounts
always add up (``amount = dueAmount + scheduledAmount + creditAmount + paidAmount``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import bill_body, payment_body, vendor_body

from bill_emulator.backend.errors import (
    InvalidState,
    MalformedRequest,
    ObjectNotFound,
    ValidationFailed,
)


def credit_body(vendor_id: str, *amounts: str, **overrides) -> dict:
    body = {
        "vendorId": vendor_id,
        "referenceNumber": "VC-1",
        "creditDate": "2026-03-01",
        "vendorCreditLineItems": [
            {"amount": Decimal(a), "description": f"line {i}"}
            for i, a in enumerate(amounts or ("10.00", "5.50"))
        ],
        "description": "Returned goods",
    }
    body.update(overrides)
    return body


@pytest.fixture
def vendor(backend, trusted):
    return backend.create_vendor(trusted, vendor_body())


@pytest.fixture
def other_vendor(backend, trusted):
    return backend.create_vendor(trusted, vendor_body(name="Other Vendor"))


@pytest.fixture
def credit(backend, trusted, vendor):
    return backend.create_vendor_credit(trusted, credit_body(vendor["id"]))


@pytest.fixture
def bill(backend, trusted, vendor):
    return backend.create_bill(trusted, bill_body(vendor["id"]))  # 125.50


def _money(doc: dict) -> tuple:
    return tuple(
        doc[k] for k in ("amount", "dueAmount", "scheduledAmount", "creditAmount", "paidAmount")
    )


def _adds_up(doc: dict) -> bool:
    amount, due, scheduled, credit, paid = _money(doc)
    return amount == due + scheduled + credit + paid and min(due, scheduled, credit, paid) >= 0


def _uses(credit_id: str, amount: str) -> list[dict]:
    return [{"id": credit_id, "amount": Decimal(amount)}]


# -- the credit itself ------------------------------------------------------------------------


def test_create_sums_its_lines_and_starts_not_applied(credit, vendor):
    assert credit["id"] == "vcr01SBX000000000001"
    assert credit["vendorId"] == vendor["id"]
    assert credit["amount"] == Decimal("15.50")
    assert (credit["appliedAmount"], credit["status"]) == (Decimal("0.00"), "NOT_APPLIED")
    assert [line["id"] for line in credit["vendorCreditLineItems"]] == [
        "vcl01SBX000000000001001",
        "vcl01SBX000000000001002",
    ]
    assert "usage" not in credit  # BILL's create answer has none; get and list do


@pytest.mark.parametrize(
    "change, field",
    [
        ({"referenceNumber": None}, "referenceNumber"),
        ({"referenceNumber": "x" * 101}, "referenceNumber"),
        ({"creditDate": "28/12/2026"}, "creditDate"),
        ({"vendorCreditLineItems": []}, "vendorCreditLineItems"),
        ({"vendorCreditLineItems": [{"amount": Decimal("1.005")}]}, "vendorCreditLineItems[0]"),
        ({"vendorCreditLineItems": [{"amount": 0}]}, "vendorCreditLineItems[0].amount"),
        ({"applyToChartOfAccountId": "0ca1", "applyToBankAccountId": "bac1"}, "applyToBank"),
        ({"applyToBankAccountId": "bac01SBX000000000999"}, "applyToBankAccountId"),
        ({"vendorId": "00901SBX000000000999"}, "vendorId"),
    ],
)
def test_create_refuses_what_bill_refuses(backend, trusted, vendor, change, field):
    with pytest.raises(ValidationFailed) as err:
        backend.create_vendor_credit(trusted, credit_body(vendor["id"], **change))
    assert err.value.message.startswith(field)
    assert backend.list_vendor_credits(trusted, {})["results"] == []


def test_get_and_list_show_usage(backend, trusted, credit, bill):
    backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(credit["id"], "4.00")})
    got = backend.get_vendor_credit(trusted, credit["id"])
    assert got["usage"] == [{"billId": bill["id"], "amount": Decimal("4.00")}]
    listed = backend.list_vendor_credits(trusted, {"filters": [f'id:eq:"{credit["id"]}"']})
    assert listed["results"] == [got]


def test_patch_changes_the_lines_it_names(backend, trusted, credit):
    first = credit["vendorCreditLineItems"][0]["id"]
    body = {"vendorCreditLineItems": [{"id": first, "amount": Decimal("19.99")}]}
    changed = backend.update_vendor_credit(trusted, credit["id"], body)
    assert changed["amount"] == Decimal("25.49")
    assert changed["vendorCreditLineItems"][0]["description"] == "line 0"  # kept
    with pytest.raises(ValidationFailed, match="vendorCreditLineItems\\[0\\].id"):
        backend.update_vendor_credit(
            trusted, credit["id"], {"vendorCreditLineItems": [{"amount": 1}]}
        )


def test_put_adds_and_removes_lines(backend, trusted, credit, vendor):
    keep = credit["vendorCreditLineItems"][1]["id"]
    body = credit_body(vendor["id"])
    body["vendorCreditLineItems"] = [
        {"amount": Decimal("2.00")},
        {"id": keep, "amount": Decimal("5.50")},
    ]
    replaced = backend.replace_vendor_credit(trusted, credit["id"], body)
    assert [line["id"] for line in replaced["vendorCreditLineItems"]] == [
        "vcl01SBX000000000001003",  # a new line, numbered after every line it ever had
        keep,
    ]
    assert replaced["amount"] == Decimal("7.50")


def test_an_applied_credit_keeps_its_vendor_and_at_least_its_applied_amount(
    backend, trusted, credit, bill, other_vendor
):
    backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(credit["id"], "12.00")})
    first = credit["vendorCreditLineItems"][0]["id"]
    with pytest.raises(InvalidState, match="cannot go below"):
        backend.update_vendor_credit(
            trusted, credit["id"], {"vendorCreditLineItems": [{"id": first, "amount": 1}]}
        )
    with pytest.raises(InvalidState, match="vendor cannot change"):
        backend.update_vendor_credit(trusted, credit["id"], {"vendorId": other_vendor["id"]})
    assert backend.get_vendor_credit(trusted, credit["id"])["amount"] == Decimal("15.50")


def test_archive_is_final(backend, trusted, credit):
    archived = backend.archive_vendor_credit(trusted, credit["id"])
    assert archived["archived"] is True
    with pytest.raises(InvalidState, match="archived"):
        backend.update_vendor_credit(trusted, credit["id"], {"description": "again"})


def test_bulk_create_is_all_or_nothing_within_50(backend, trusted, vendor):
    good = credit_body(vendor["id"])
    with pytest.raises(ValidationFailed, match=r"\[1\]\.referenceNumber"):
        backend.bulk_create_vendor_credits(trusted, [good, {**good, "referenceNumber": ""}])
    with pytest.raises(ValidationFailed, match="at most 50"):
        backend.bulk_create_vendor_credits(trusted, [good] * 51)
    assert backend.list_vendor_credits(trusted, {})["results"] == []
    made = backend.bulk_create_vendor_credits(trusted, [good] * 50)["vendorCredits"]
    assert len(made) == 50


def test_bulk_update_and_replace_name_each_credit(backend, trusted, credit, vendor):
    line = credit["vendorCreditLineItems"][0]["id"]
    patch = [{"id": credit["id"], "vendorCreditLineItems": [{"id": line, "amount": 1}]}]
    assert backend.bulk_update_vendor_credits(trusted, patch)["vendorCredits"][0]["amount"] == (
        Decimal("6.50")
    )
    with pytest.raises(ValidationFailed, match=r"\[0\]\.id"):
        backend.bulk_replace_vendor_credits(trusted, [credit_body(vendor["id"])])
    put = [{**credit_body(vendor["id"], "3.00"), "id": credit["id"]}]
    assert backend.bulk_replace_vendor_credits(trusted, put)["vendorCredits"][0]["amount"] == (
        Decimal("3.00")
    )


def test_bulk_archive_takes_ids_and_is_all_or_nothing(backend, trusted, credit):
    with pytest.raises(ObjectNotFound):
        backend.bulk_archive_vendor_credits(
            trusted, {"ids": [f"{credit['id']},vcr01SBX000000000999"]}
        )
    assert backend.get_vendor_credit(trusted, credit["id"])["archived"] is False
    with pytest.raises(MalformedRequest):
        backend.bulk_archive_vendor_credits(trusted, {"ids": [credit["id"]], "max": ["1"]})
    with pytest.raises(ValidationFailed, match="twice"):
        backend.bulk_archive_vendor_credits(trusted, {"ids": [f"{credit['id']},{credit['id']}"]})
    done = backend.bulk_archive_vendor_credits(trusted, {"ids": [credit["id"]]})
    assert [c["archived"] for c in done["vendorCredits"]] == [True]


# -- applying a credit to a bill ----------------------------------------------------------------


def test_a_credit_on_a_bill_lowers_what_is_due(backend, trusted, credit, bill):
    doc = backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(credit["id"], "15.50")})
    assert _money(doc) == tuple(Decimal(x) for x in ("125.50", "110.00", "0.00", "15.50", "0.00"))
    assert doc["paymentStatus"] == "PARTIAL"
    used = backend.get_vendor_credit(trusted, credit["id"])
    assert (used["appliedAmount"], used["status"]) == (Decimal("15.50"), "FULLY_APPLIED")


def test_a_credit_on_a_new_bill(backend, trusted, credit, vendor):
    body = bill_body(vendor["id"], vendorCredits=_uses(credit["id"], "5.00"))
    doc = backend.create_bill(trusted, body)
    assert (doc["dueAmount"], doc["creditAmount"]) == (Decimal("120.50"), Decimal("5.00"))
    assert backend.get_vendor_credit(trusted, credit["id"])["status"] == "IN_PROCESS"


@pytest.mark.parametrize(
    "uses, message",
    [
        ([("15.51",)], "has 15.50 left to apply"),
        ([("10.00",), ("5.51",)], "has 5.50 left to apply"),  # the same credit twice
    ],
)
def test_a_credit_is_never_over_applied(backend, trusted, credit, bill, uses, message):
    body = {"vendorCredits": [{"id": credit["id"], "amount": Decimal(a)} for (a,) in uses]}
    with pytest.raises(ValidationFailed, match=message):
        backend.update_bill(trusted, bill["id"], body)
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == Decimal("125.50")
    assert backend.get_vendor_credit(trusted, credit["id"])["appliedAmount"] == 0


def test_a_credit_never_covers_more_than_the_bill_has_due(backend, trusted, vendor, bill):
    big = backend.create_vendor_credit(trusted, credit_body(vendor["id"], "500.00"))
    with pytest.raises(ValidationFailed, match="dueAmount 125.50"):
        backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(big["id"], "125.51")})
    whole = backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(big["id"], "125.50")})
    assert (whole["dueAmount"], whole["paymentStatus"]) == (Decimal("0.00"), "PAID")


def test_another_vendors_credit_is_refused(backend, trusted, other_vendor, bill):
    theirs = backend.create_vendor_credit(trusted, credit_body(other_vendor["id"]))
    with pytest.raises(ValidationFailed, match="belongs to vendor"):
        backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(theirs["id"], "1.00")})


def test_an_archived_credit_is_refused(backend, trusted, credit, bill):
    backend.archive_vendor_credit(trusted, credit["id"])
    with pytest.raises(ValidationFailed, match="is archived"):
        backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(credit["id"], "1.00")})


@pytest.mark.parametrize(
    "value, field",
    [
        ({"id": "vcr01SBX000000000001", "amount": -1}, "vendorCredits[0].amount"),
        ({"id": "stp01SBX000000000001", "amount": 1}, "vendorCredits[0].id"),
        ("vcr01SBX000000000001", "vendorCredits[0]"),
    ],
)
def test_credit_entries_are_parsed_strictly(backend, trusted, credit, bill, value, field):
    with pytest.raises(ValidationFailed) as err:
        backend.update_bill(trusted, bill["id"], {"vendorCredits": [value]})
    assert err.value.message.startswith(field)


# -- applying a credit when paying --------------------------------------------------------------


def _pay(backend, caller, bill_id, amount, credit_id=None, credit_amount=None):
    body = payment_body(bill_id, amount)
    if credit_id:
        body["vendorCredits"] = _uses(credit_id, credit_amount)
    return backend.create_payment(caller, body)


def test_a_payment_applies_a_credit_and_shows_it(backend, trusted, credit, bill):
    payment = _pay(backend, trusted, bill["id"], "110.00", credit["id"], "15.50")
    assert payment["billPayments"][0]["vendorCredits"] == _uses(credit["id"], "15.50")
    assert payment["amount"] == Decimal("110.00")  # the money moved; the credit is not money
    doc = backend.get_bill(trusted, bill["id"])
    assert _money(doc) == tuple(Decimal(x) for x in ("125.50", "0.00", "110.00", "15.50", "0"))
    assert doc["paymentStatus"] == "SCHEDULED"
    assert backend.get_vendor_credit(trusted, credit["id"])["usage"] == [
        {"billId": bill["id"], "paymentId": payment["id"], "amount": Decimal("15.50")}
    ]


def test_a_credit_reduced_bill_is_never_over_paid(backend, trusted, credit, bill):
    backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(credit["id"], "15.50")})
    with pytest.raises(ValidationFailed, match="dueAmount 110.00"):
        _pay(backend, trusted, bill["id"], "125.50")  # the bill's amount: 15.50 too much
    _pay(backend, trusted, bill["id"], "110.00")
    with pytest.raises(ValidationFailed, match="nothing left to pay"):
        _pay(backend, trusted, bill["id"], "0.01")


def test_payment_plus_credit_above_due_is_refused_and_leaves_nothing(
    backend, trusted, credit, bill
):
    with pytest.raises(ValidationFailed, match="together with the vendor credits"):
        _pay(backend, trusted, bill["id"], "110.01", credit["id"], "15.50")
    assert backend.list_payments(trusted, {})["results"] == []
    assert backend.get_vendor_credit(trusted, credit["id"])["appliedAmount"] == 0


def test_canceling_a_payment_gives_its_credit_back(backend, trusted, credit, bill):
    payment = _pay(backend, trusted, bill["id"], "100.00", credit["id"], "15.50")
    backend.cancel_payment(trusted, payment["id"])
    doc = backend.get_bill(trusted, bill["id"])
    assert (doc["dueAmount"], doc["creditAmount"], doc["paymentStatus"]) == (
        Decimal("125.50"),
        Decimal("0.00"),
        "UNPAID",
    )
    again = backend.get_vendor_credit(trusted, credit["id"])
    assert (again["appliedAmount"], again["status"], again["usage"]) == (0, "NOT_APPLIED", [])


def test_voiding_a_payment_gives_its_credit_back(backend, trusted, credit, bill):
    payment = _pay(backend, trusted, bill["id"], "100.00", credit["id"], "5.00")
    backend.advance_clock({"untilPaymentStatus": {"id": payment["id"], "singleStatus": "SENT"}})
    backend.void_payment(trusted, payment["id"], {"type": "VOID_ONLY", "reason": "wrong bill"})
    doc = backend.get_bill(trusted, bill["id"])
    assert (doc["dueAmount"], doc["creditAmount"]) == (Decimal("125.50"), Decimal("0.00"))
    assert backend.get_vendor_credit(trusted, credit["id"])["appliedAmount"] == 0


def test_bulk_payments_count_each_credit_once_across_items(backend, trusted, credit, vendor):
    bills = [
        backend.create_bill(
            trusted,
            bill_body(vendor["id"], invoice={"invoiceNumber": n, "invoiceDate": "2026-03-01"}),
        )
        for n in ("A", "B")
    ]
    shared = payment_body(bills[0]["id"], "1.00")
    items = [
        {
            "billId": b["id"],
            "amount": Decimal("1.00"),
            "vendorCredits": _uses(credit["id"], "10.00"),
        }
        for b in bills
    ]
    body = {k: shared[k] for k in ("fundingAccount", "processDate", "processingOptions")}
    with pytest.raises(ValidationFailed, match=r"payments\[1\]\.vendorCredits\[0\]\.amount"):
        backend.bulk_create_payments(trusted, {**body, "payments": items})
    assert backend.get_vendor_credit(trusted, credit["id"])["appliedAmount"] == 0
    assert backend.list_payments(trusted, {})["results"] == []


def test_every_bill_adds_up_through_credits_payments_and_records(backend, trusted, credit, bill):
    seen = [backend.get_bill(trusted, bill["id"])]
    payment = _pay(backend, trusted, bill["id"], "50.00", credit["id"], "5.00")
    seen.append(backend.get_bill(trusted, bill["id"]))
    backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(credit["id"], "10.50")})
    seen.append(backend.get_bill(trusted, bill["id"]))
    backend.cancel_payment(trusted, payment["id"])
    seen.append(backend.get_bill(trusted, bill["id"]))
    assert all(_adds_up(doc) for doc in seen), [_money(d) for d in seen]
    assert seen[-1]["dueAmount"] == Decimal("115.00")


def test_credit_statuses_are_spelt_as_bills_collection_spells_them(backend, trusted, vendor, bill):
    from contract.contract_api import ENDPOINTS

    spellings = set(ENDPOINTS[("GET", "/v3/vendor-credits/{id}")]["enums"]["status"])
    seen = set()
    for cents in ("0", "5.00", "15.50"):
        doc = backend.create_vendor_credit(trusted, credit_body(vendor["id"], "15.50"))
        if cents != "0":
            backend.update_bill(trusted, bill["id"], {"vendorCredits": _uses(doc["id"], cents)})
        seen.add(backend.get_vendor_credit(trusted, doc["id"])["status"])
    assert seen == {"NOT_APPLIED", "IN_PROCESS", "FULLY_APPLIED"} <= spellings
