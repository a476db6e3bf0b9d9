"""The one payment identity (billhelpers.rules.payment_identity), as pure functions: the
transaction number of one intended payment, and what "live", "matches" and "due" mean.

Why these tests matter: single payments, bulk payments, the payment run and the tutorial
helpers decide "already paid?" with these functions only; a wrong answer here pays a bill twice.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bill_emulator.backend import lifecycle
from billhelpers.rules import payment_identity as identity
from billhelpers.rules.checks import TRANSACTION_NUMBER_MAX

CONTRACT = Path(__file__).resolve().parents[1] / "contract" / "bill_contract.json"
ORG = "00801DEMOORG00000001"
BILL = "00n01SBX000000000001"

ids = st.text(alphabet="0123456789ABCDEFabcdefSBX", min_size=1, max_size=40)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2)
purposes = st.from_regex(r"\A[a-z0-9]{1,6}(-[a-z0-9]{1,5})?\Z")


# -- the transaction number ------------------------------------------------------------------
@given(org=ids, bill=ids, amount=amounts, number=st.integers(1, 100), purpose=purposes | st.none())
def test_every_number_fits_bill_limit_and_is_deterministic(org, bill, amount, number, purpose):
    made = identity.transaction_number(org, bill, amount, number, purpose=purpose)
    assert len(made) <= TRANSACTION_NUMBER_MAX
    assert made.startswith(identity.PREFIX)
    assert made == identity.transaction_number(org, bill, amount, number, purpose=purpose)


@given(amount=amounts)
def test_the_same_amount_written_differently_is_the_same_payment(amount):
    written = [amount, str(amount), amount.quantize(Decimal("0.0001")), f"{amount:.2f}"]
    if amount == amount.to_integral_value():
        written += [int(amount), str(int(amount))]
    assert len({identity.transaction_number(ORG, BILL, a) for a in written}) == 1


@given(
    a=st.tuples(ids, ids, amounts, st.integers(1, 5)),
    b=st.tuples(ids, ids, amounts, st.integers(1, 5)),
)
def test_another_org_bill_amount_or_number_is_another_payment(a, b):
    if a != b:
        assert identity.transaction_number(*a) != identity.transaction_number(*b)


@given(
    vendor=ids,
    day=st.dates().map(str),
    position=st.integers(0, 49),
)
def test_vendor_process_date_and_bulk_position_do_not_change_the_number(vendor, day, position):
    """A re-run another day, a body with or without vendorId, and the same bill paid inside a
    bulk request are one intended payment."""
    alone = identity.transaction_number(ORG, BILL, "10.00")
    item = {"billId": BILL, "amount": "10.00", "vendorId": vendor, "processDate": day}
    assert identity.transaction_number_for(ORG, item) == alone
    others = [{"billId": f"00n{i:017d}", "amount": "5.00"} for i in range(position)]
    assert identity.number_items(ORG, [*others, item])[-1] == alone


def test_the_payment_number_and_the_purpose_make_another_payment():
    first = identity.transaction_number(ORG, BILL, "10.00")
    assert identity.transaction_number(ORG, BILL, "10.00", 2) != first
    tutorial = identity.transaction_number(ORG, BILL, "10.00", purpose="tutorial")
    assert tutorial.startswith("bh-tutorial-") and tutorial != first
    longest = "a" * identity.PURPOSE_MAX
    assert len(identity.transaction_number(ORG, BILL, 1, purpose=longest)) == 50


@pytest.mark.parametrize("purpose", ["", "Tutorial", "a b", "-x", "x-", "a" * 15, "bh_"])
def test_a_purpose_that_would_break_the_number_is_refused(purpose):
    with pytest.raises(ValueError):
        identity.transaction_number(ORG, BILL, "1.00", purpose=purpose)


@pytest.mark.parametrize("amount", ["1.001", "abc", None, "NaN", "Infinity"])
def test_an_amount_that_is_not_cents_is_refused_never_rounded(amount):
    with pytest.raises(ValueError):
        identity.transaction_number(ORG, BILL, amount)


@pytest.mark.parametrize("number", [0, -1, True, 1.0, "1"])
def test_a_payment_number_is_a_positive_int(number):
    with pytest.raises(ValueError):
        identity.transaction_number(ORG, BILL, "1.00", number)


def test_a_payment_without_a_bill_is_identified_by_its_vendor():
    one = identity.transaction_number_for(ORG, {"vendorId": "00901A", "amount": "5.00"})
    other = identity.transaction_number_for(ORG, {"vendorId": "00901B", "amount": "5.00"})
    assert one != other


@given(st.lists(st.sampled_from(["00n1", "00n2", "00n3"]), min_size=1, max_size=50))
def test_items_of_one_request_are_numbered_per_bill_and_amount(bills):
    items = [{"billId": b, "amount": "10.00"} for b in bills]
    numbers = identity.number_items(ORG, items)
    assert len(set(numbers)) == len(numbers)  # every item its own payment
    for bill in set(bills):  # the k-th item of a bill is that bill's payment number k
        mine = [n for b, n in zip(bills, numbers, strict=True) if b == bill]
        assert mine == [
            identity.transaction_number(ORG, bill, "10.00", k + 1) for k in range(len(mine))
        ]


def test_an_item_with_its_own_number_keeps_it():
    items = [
        {"billId": BILL, "amount": 1, "transactionNumber": "mine"},
        {"billId": BILL, "amount": 1},
    ]
    assert identity.number_items(ORG, items) == [
        "mine",
        identity.transaction_number(ORG, BILL, 1),
    ]


# -- live --------------------------------------------------------------------------------------
#: Every singleStatus BILL documents (the contract fixture's table) and those seen in samples,
#: with the kit's decision: dead only when the payment provably never moves money.
DEAD = {"CANCELED", "VOIDED", "FUNDING_FAILED_VOIDED"}


def _documented_single_statuses() -> set[str]:
    """BILL's documented singleStatus table, and every value its saved examples show."""
    data = json.loads(CONTRACT.read_text())
    found = set(data["documentedEnums"]["payment.singleStatus"]["values"])

    def walk(node):
        if isinstance(node, dict):
            values = node.get("singleStatus")
            if isinstance(values, list) and all(isinstance(v, str) for v in values):
                found.update(values)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data["endpoints"])
    return found


def test_bill_documented_statuses_are_decided():
    statuses = _documented_single_statuses()
    assert {"VOID_PENDING", "DISBURSEMENT_FAILED_ACTION_NEEDED", "CLEARED"} <= statuses
    for status in statuses:
        assert identity.is_live({"singleStatus": status}) is (status not in DEAD), status


def test_every_status_the_emulator_walks_through_is_live():
    """A payment on its life path has moved or may move money: never dead (a return after
    clearing, a failed disbursement or funding, a hold: a person acts first, e.g. voids it)."""
    paths = [lifecycle.HAPPY, lifecycle.VENDOR_REJECTED, *lifecycle.MAGIC_CENTS.values()]
    for path in paths:
        for status in path:
            assert identity.is_live({"status": "SCHEDULED", "singleStatus": status}), status


@pytest.mark.parametrize(
    ("payment", "live"),
    [
        ({"status": "CANCELLED", "singleStatus": "CANCELED"}, False),  # the emulator's cancel
        ({"status": "VOID", "singleStatus": "VOIDED"}, False),  # the emulator's void
        ({"status": "VOID", "singleStatus": "FUNDING_FAILED_VOIDED"}, False),
        ({"status": "VOID", "singleStatus": "VOID_PENDING"}, True),  # the void may be refused
        ({"status": "PAID", "singleStatus": "RETURNED"}, True),  # money back, may be reissued
        ({"singleStatus": "RETURNED"}, True),
        ({"status": "PAID", "disbursementStatus": "FAILED"}, True),
        ({"status": "SCHEDULED", "singleStatus": "FUNDING_FAILED_ACTION_NEEDED"}, True),
        ({"status": "CANCELLED"}, False),  # no singleStatus: status decides
        ({"status": "VOID"}, False),
        ({"status": "APPROVING"}, True),
        ({}, True),  # no status at all: unsure, so live
        ({"status": "canceled"}, False),
    ],
)
def test_live_payments(payment, live):
    assert identity.is_live(payment) is live


@given(st.text(max_size=40))
def test_an_unknown_status_is_live(status):
    if status.upper() not in identity.ENDED_STATUSES:
        assert identity.is_live({"singleStatus": status})


def test_only_a_scheduled_payment_can_be_canceled():
    assert identity.can_cancel({"status": "SCHEDULED", "singleStatus": "SCHEDULED"})
    assert not identity.can_cancel({"status": "SCHEDULED", "singleStatus": "FUNDING_STARTED"})


# -- matches -----------------------------------------------------------------------------------
def test_matches_is_same_bill_same_amount_and_no_other_vendor():
    payment = {"amount": Decimal("10.00"), "billPayments": [{"billId": BILL}], "vendorId": "v1"}
    assert identity.matches(payment, {"billId": BILL, "amount": "10"})
    assert identity.matches(payment, {"billId": BILL, "amount": "10.00", "vendorId": "v1"})
    assert not identity.matches(payment, {"billId": BILL, "amount": "10.01"})
    assert not identity.matches(payment, {"billId": "other", "amount": "10.00"})
    assert not identity.matches(payment, {"billId": BILL, "amount": "10.00", "vendorId": "v2"})
    assert not identity.matches({"amount": "x"}, {"amount": "10.00"})


def test_live_match_skips_a_canceled_payment_of_the_same_bill():
    canceled = {"id": "a", "amount": 5, "billId": BILL, "singleStatus": "CANCELED"}
    live = {"id": "b", "amount": 5, "billId": BILL, "singleStatus": "SCHEDULED"}
    assert identity.live_match([canceled, live], {"billId": BILL, "amount": 5}) is live
    assert identity.live_match([canceled], {"billId": BILL, "amount": 5}) is None


# -- due ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bill", "due", "covered"),
    [
        ({"amount": 100, "dueAmount": 40, "paymentStatus": "PARTIAL"}, Decimal(40), False),
        ({"amount": 100, "dueAmount": 0, "paymentStatus": "SCHEDULED"}, Decimal(0), True),
        ({"amount": 100, "dueAmount": 100, "paymentStatus": "SCHEDULED"}, Decimal(100), True),
        ({"amount": 100, "dueAmount": 100, "paymentStatus": "PAID"}, Decimal(100), True),
        ({"amount": 100, "paymentStatus": "UNPAID"}, Decimal(0), True),  # not said: not due
        ({"amount": 100, "dueAmount": "junk"}, Decimal(0), True),
        ({"amount": 100, "dueAmount": "100.00", "paymentStatus": "UNPAID"}, Decimal(100), False),
    ],
)
def test_what_is_due(bill, due, covered):
    assert identity.due_amount(bill) == due
    assert identity.nothing_due(bill) is covered
