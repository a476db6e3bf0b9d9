"""Vendor credits through the client, and the never-pay-twice rules when credits lower what a
bill has due (the client refuses before sending; the emulator refuses too)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from client_bodies import bill_body, payment_body, vendor_body

import billhelpers as bh
from billhelpers.rules import payment_identity as identity


def credit_body(vendor_id, *amounts, reference="VC-1"):
    return {
        "vendorId": vendor_id,
        "referenceNumber": reference,
        "creditDate": "2026-03-01",
        "vendorCreditLineItems": [{"amount": Decimal(a)} for a in amounts or ("15.50",)],
    }


@pytest.fixture
def vendor_id(trusted):
    return trusted.vendors.create(vendor_body())["id"]


@pytest.fixture
def bill(trusted, vendor_id):
    return trusted.bills.create(bill_body(vendor_id, "125.50")).data


@pytest.fixture
def credit(trusted, vendor_id):
    return trusted.vendor_credits.create(credit_body(vendor_id)).data


def _uses(credit_id, amount):
    return [{"id": credit_id, "amount": Decimal(amount)}]


# -- the resource -----------------------------------------------------------------------------


def test_create_get_list_update_replace_archive(trusted, vendor_id, credit):
    assert credit["id"].startswith("vcr") and credit["status"] == "NOT_APPLIED"
    assert trusted.vendor_credits.get(credit["id"])["usage"] == []
    found = trusted.vendor_credits.list_all(bh.where("vendorId", "eq", vendor_id), progress=False)
    assert [c["id"] for c in found] == [credit["id"]]
    line = credit["vendorCreditLineItems"][0]["id"]
    patched = trusted.vendor_credits.update(
        credit["id"], {"vendorCreditLineItems": [{"id": line, "amount": Decimal("20.00")}]}
    )
    assert patched["amount"] == Decimal("20.00")
    replaced = trusted.vendor_credits.replace(credit["id"], credit_body(vendor_id, "1.00", "2.00"))
    assert replaced["amount"] == Decimal("3.00") and len(replaced["vendorCreditLineItems"]) == 2
    assert trusted.vendor_credits.archive(credit["id"])["archived"] is True


def test_bulk_calls(trusted, vendor_id):
    made = trusted.vendor_credits.bulk_create(
        [credit_body(vendor_id, reference=f"B{i}") for i in range(3)]
    )["vendorCredits"]
    ids = [c["id"] for c in made]
    patched = trusted.vendor_credits.bulk_update([{"id": ids[0], "description": "changed"}])
    assert patched["vendorCredits"][0]["description"] == "changed"
    replaced = trusted.vendor_credits.bulk_replace(
        [{**credit_body(vendor_id, "9.99"), "id": ids[1]}]
    )
    assert replaced["vendorCredits"][0]["amount"] == Decimal("9.99")
    archived = trusted.vendor_credits.bulk_archive(ids)
    assert [c["archived"] for c in archived["vendorCredits"]] == [True] * 3


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda c, v: c.vendor_credits.create({**credit_body(v), "referenceNumber": ""}), "ref"),
        (lambda c, v: c.vendor_credits.create({**credit_body(v), "creditDate": None}), "credit"),
        (
            lambda c, v: c.vendor_credits.create({**credit_body(v), "vendorCreditLineItems": []}),
            "vendorCreditLineItems",
        ),
        (lambda c, v: c.vendor_credits.create(credit_body(v, "1.001")), "vendorCreditLineItems"),
        (lambda c, v: c.vendor_credits.bulk_create([credit_body(v)] * 51), "vendorCredits"),
        (lambda c, v: c.vendor_credits.bulk_update([{"description": "x"}]), "[0].id"),
        (lambda c, v: c.vendor_credits.bulk_archive("vcr1"), "ids"),
    ],
)
def test_bad_bodies_are_refused_before_sending(trusted, vendor_id, call, field):
    sent = trusted.calls_sent
    with pytest.raises(bh.InputError) as err:
        call(trusted, vendor_id)
    assert err.value.field.startswith(field) or field in err.value.field
    assert trusted.calls_sent == sent


# -- a credit-reduced bill is never over-paid -------------------------------------------------


def test_a_credit_reduced_bill_is_not_paid_in_full(trusted, bill, credit):
    reduced = trusted.bills.update(bill["id"], {"vendorCredits": _uses(credit["id"], "15.50")})
    assert (reduced["dueAmount"], reduced["creditAmount"]) == (Decimal("110.00"), Decimal("15.50"))
    sent = trusted.calls_sent
    with pytest.raises(bh.InputError, match="dueAmount 110.00"):
        trusted.payments.create(payment_body(bill["id"], Decimal("125.50")))
    assert trusted.calls_sent == sent + 1  # only the bill was read: no payment was sent
    paid = trusted.payments.create(payment_body(bill["id"], Decimal("110.00")))
    assert paid["amount"] == Decimal("110.00")
    with pytest.raises(bh.AlreadyPaidError):
        trusted.payments.create(payment_body(bill["id"], Decimal("0.01")))


def test_a_payment_with_a_credit_counts_both_against_due(trusted, bill, credit):
    too_much = payment_body(
        bill["id"], Decimal("110.01"), vendorCredits=_uses(credit["id"], "15.50")
    )
    with pytest.raises(bh.InputError, match=r"125.51 \(15.50 of it vendor credits\)"):
        trusted.payments.create(too_much)
    with pytest.raises(bh.ValidationError):  # BILL (the emulator) refuses it as well
        trusted.payments.create(too_much, check_bill=False)
    exact = payment_body(bill["id"], Decimal("110.00"), vendorCredits=_uses(credit["id"], "15.50"))
    paid = trusted.payments.create(exact)
    assert paid["billPayments"][0]["vendorCredits"] == _uses(credit["id"], "15.50")
    assert identity.nothing_due(trusted.bills.get(bill["id"]).data)


def test_bulk_items_with_credits_are_counted_together(trusted, bill, credit):
    items = [
        {
            "billId": bill["id"],
            "amount": Decimal("60.00"),
            "vendorCredits": _uses(credit["id"], "5"),
        },
        {
            "billId": bill["id"],
            "amount": Decimal("60.00"),
            "vendorCredits": _uses(credit["id"], "1"),
        },
    ]  # 126.00 together: 0.50 more than the bill has due
    body = {**payment_body(bill["id"], Decimal("1")), "payments": items}
    for key in ("billId", "amount"):
        body.pop(key)
    sent = trusted.calls_sent
    with pytest.raises(bh.InputError, match="more than its dueAmount 125.50"):
        trusted.payments.bulk_create(body)
    assert trusted.calls_sent <= sent + 1  # the bill read; nothing paid
    assert trusted.bills.get(bill["id"])["dueAmount"] == Decimal("125.50")


def test_a_recorded_payment_counts_in_due(trusted, vendor_id, bill):
    record = {
        "vendorId": vendor_id,
        "processDate": "2026-03-02",
        "toPrintCheck": False,
        "payments": [{"billId": bill["id"], "amount": Decimal("125.50")}],
    }
    recorded = trusted.bills.record_payment(record)
    assert (recorded["status"], recorded["onlinePayment"]) == ("PAID", False)
    after = trusted.bills.get(bill["id"]).data
    assert (after["paidAmount"], after["paymentStatus"]) == (Decimal("125.50"), "PAID")
    with pytest.raises(bh.AlreadyPaidError):
        trusted.payments.create(payment_body(bill["id"], Decimal("1.00")))
    with pytest.raises(bh.InputError, match="toPrintCheck"):
        trusted.bills.record_payment({**record, "toPrintCheck": None})


def test_replace_a_bill_and_payment_options(trusted, vendor_id, bill):
    body = bill_body(vendor_id, "10.00", "20.00", invoice="INV-R")
    replaced = trusted.bills.replace(bill["id"], body)
    assert replaced["amount"] == Decimal("30.00")
    options = trusted.payments.options(vendor_id, Decimal("30"))
    assert options.params["amount"] == "30.00"
    assert any(b["available"] for b in options["fundingOptions"]["banks"])


# -- the rules alone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bill, due",
    [
        ({"dueAmount": "110.00"}, Decimal("110.00")),
        (  # a dueAmount that left the credit out is not believed: amount less what is covered
            {
                "amount": "125.50",
                "dueAmount": "125.50",
                "creditAmount": "15.50",
                "paidAmount": "0",
                "scheduledAmount": "0",
            },
            Decimal("110.00"),
        ),
        (
            {
                "amount": "125.50",
                "dueAmount": "20.00",
                "creditAmount": "15.50",
                "paidAmount": "40.00",
                "scheduledAmount": "50.00",
            },
            Decimal("20.00"),
        ),
        ({"amount": "125.50", "dueAmount": "125.50", "creditAmount": "15.50"}, Decimal("125.50")),
    ],
)
def test_due_amount_counts_credits(bill, due):
    assert identity.due_amount(bill) == due


def test_covers_is_amount_plus_credits():
    item = {"amount": Decimal("10.00"), "vendorCredits": [{"id": "vcr1", "amount": Decimal("2.5")}]}
    assert identity.covers(item) == Decimal("12.50")
    assert identity.cover_text(item) == "12.50 (2.5 of it vendor credits)"
    assert identity.covers({"amount": Decimal("3")}) == Decimal("3")
