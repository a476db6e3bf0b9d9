"""``billhelpers.rules.payment_identity`` with exact answers: the transactionNumber to the
character, what a bill still owes and what a payment covers to the cent.

Why pinned numbers: a transactionNumber is how the client finds a payment BILL recorded. If the
scheme drifted (another input, another separator, another order), a re-run would no longer find
the payment it made and would pay the bill again; ``_SCHEME`` is bumped only on purpose. The
expected numbers are computed here from the scheme as the module documents it.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from billhelpers.rules import payment_identity as identity


def _number(*parts: str, purpose: str = "") -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"bh-{purpose}-{digest}" if purpose else f"bh-{digest}"


# -- cents, transaction numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("10", 1000), (10.0, 1000), (Decimal("0.07"), 7), (" 12.34 ", 1234), ("-1.50", -150)],
)
def test_cents_are_exact(amount, cents):
    assert identity.cents(amount) == cents


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("ten", "'ten' is not an amount"),
        ("1.005", "'1.005' is not an amount in cents"),
        ("NaN", "'NaN' is not an amount in cents"),
    ],
)
def test_cents_refuses_what_is_not_cents(amount, message):
    with pytest.raises(ValueError) as info:
        identity.cents(amount)
    assert str(info.value) == message


def test_the_scheme_is_pinned():
    assert identity.transaction_number("008x", "00n1", "10.00") == _number(
        "v1", "008x", "bill:00n1", "1000", "1", ""
    )
    assert identity.transaction_number(None, None, 10, 2) == _number(
        "v1", "", "vendor:", "1000", "2", ""
    )
    assert identity.transaction_number("008x", None, "5", vendor_id="009v") == _number(
        "v1", "008x", "vendor:009v", "500", "1", ""
    )
    tutorial = identity.transaction_number("008x", "00n1", "10", purpose="tutorial")
    assert tutorial == _number(
        "v1", "008x", "bill:00n1", "1000", "1", "tutorial", purpose="tutorial"
    )
    assert len(tutorial) == 3 + 9 + 32
    # The vendor counts only when there is no bill.
    assert identity.transaction_number("008x", "00n1", 10, vendor_id="009v") == (
        identity.transaction_number("008x", "00n1", 10)
    )


def test_a_purpose_of_the_longest_length_fits_fifty_characters():
    assert identity.PURPOSE_MAX == 14
    longest = identity.transaction_number("008x", "00n1", 10, purpose="a" * 14)
    assert len(longest) == 50


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"payment_number": True}, "True is not a payment number"),
        ({"payment_number": 1.0}, "1.0 is not a payment number"),
        ({"payment_number": 0}, "0 is not a payment number (1, 2, …)"),
        (
            {"purpose": "Tutorial"},
            "'Tutorial' is not a purpose: lower-case letters, digits and hyphens, at most 14 "
            "characters",
        ),
        (
            {"purpose": "a" * 15},
            f"{'a' * 15!r} is not a purpose: lower-case letters, digits and hyphens, at most 14 "
            "characters",
        ),
    ],
    ids=["bool", "float", "zero", "capital", "too-long"],
)
def test_transaction_number_refusals_are_exact(kwargs, message):
    with pytest.raises(ValueError) as info:
        identity.transaction_number("008x", "00n1", 10, **kwargs)
    assert str(info.value) == message


def test_transaction_number_for_reads_the_body():
    item = {"billId": "00n1", "amount": "10.00", "vendorId": "009v"}
    assert identity.transaction_number_for("008x", item, 3) == _number(
        "v1", "008x", "bill:00n1", "1000", "3", ""
    )
    assert identity.transaction_number_for("008x", {"amount": 5, "vendorId": "009v"}) == _number(
        "v1", "008x", "vendor:009v", "500", "1", ""
    )


def test_bulk_item_fills_in_the_shared_fields_and_keeps_its_own():
    body = {"vendorId": "009shared", "processDate": "2026-12-28", "payments": []}
    assert identity.bulk_item({"billId": "00n1", "amount": 1}, body) == {
        "vendorId": "009shared",
        "processDate": "2026-12-28",
        "billId": "00n1",
        "amount": 1,
    }
    own = {"billId": "00n1", "vendorId": "009own", "processDate": "2026-12-29"}
    assert identity.bulk_item(own, body) == own
    assert identity.bulk_item({"billId": "00n1"}, {"payments": []}) == {"billId": "00n1"}
    single = {"billId": "00n1", "vendorId": "009v"}
    assert identity.bulk_item(single, single) is single


def test_number_items_counts_repeats_per_subject_and_amount():
    items = [
        {"billId": "00n1", "amount": "10"},
        {"billId": "00n1", "amount": "10.00"},  # the same bill and amount: the second payment
        {"billId": "00n1", "amount": "5"},
        {"amount": "5", "vendorId": "009a"},  # no bill: told apart by vendor
        {"amount": "5", "vendorId": "009b"},
        {"billId": "00n2", "amount": "1", "transactionNumber": 42},
    ]
    assert identity.number_items("008x", items) == [
        _number("v1", "008x", "bill:00n1", "1000", "1", ""),
        _number("v1", "008x", "bill:00n1", "1000", "2", ""),
        _number("v1", "008x", "bill:00n1", "500", "1", ""),
        _number("v1", "008x", "vendor:009a", "500", "1", ""),
        _number("v1", "008x", "vendor:009b", "500", "1", ""),
        "42",
    ]


# -- status ---------------------------------------------------------------------------------------


def test_status_of_prefers_single_status_and_is_empty_when_none():
    assert identity.status_of({}) == ""
    assert identity.status_of({"status": "scheduled"}) == "SCHEDULED"
    assert identity.status_of({"singleStatus": "canceled", "status": "SCHEDULED"}) == "CANCELED"
    assert identity.is_live({}) is True
    assert identity.is_live({"status": "void"}) is False
    assert identity.can_cancel({"singleStatus": "scheduled"}) is True
    assert identity.can_cancel({"status": "SCHEDULED"}) is False  # singleStatus decides
    assert identity.can_cancel({}) is False


# -- due, covers ----------------------------------------------------------------------------------

BILL = {
    "dueAmount": "100.00",
    "amount": "100.00",
    "creditAmount": "15.50",
    "paidAmount": "10.00",
    "scheduledAmount": "5.00",
}


def test_due_is_never_above_amount_less_what_is_covered():
    assert identity.due_amount(BILL) == Decimal("69.50")
    assert identity.due_amount({**BILL, "dueAmount": "60"}) == Decimal("60")
    # A bill that does not show every part: its dueAmount as it is.
    assert identity.due_amount({"dueAmount": "100", "amount": "100", "creditAmount": "15"}) == (
        Decimal("100")
    )


@pytest.mark.parametrize("value", [None, True, "NaN", "Infinity", "ten"])
def test_a_due_amount_that_is_not_a_number_means_nothing_is_due(value):
    due = identity.due_amount({"dueAmount": value})
    assert due == Decimal(0) and due.is_finite()
    assert identity.due_amount({**BILL, "creditAmount": value}) == Decimal("100.00")


def test_nothing_due_only_at_zero_or_when_covered():
    assert identity.nothing_due({"dueAmount": "0.50"}) is False
    assert identity.nothing_due({"dueAmount": "0"}) is True
    assert identity.nothing_due({}) is True
    assert identity.nothing_due({"dueAmount": "5", "paymentStatus": "SCHEDULED"}) is True


def test_covers_adds_the_credits_a_payment_applies():
    item = {"amount": "94.50", "vendorCredits": [{"amount": "15.50"}]}
    assert identity.covers(item) == Decimal("110.00")
    assert identity.covers({}) == Decimal(0)
    assert identity.covers({"vendorCredits": [{"amount": "2"}]}) == Decimal(2)
    assert identity.cover_text(item) == "110.00 (15.50 of it vendor credits)"
    assert identity.cover_text({"amount": "5.00"}) == "5.00"
