"""The vendor-credit rules, exactly: what a body applies (``rules.credits``) and the checks of
vendor credit and recorded-payment bodies (``rules.credit_checks``).

Pure functions, so every case states the exact answer: the normalised body, or the error's
field, message and hint (a learner reads all three). These tests are the mutation run's for
both modules (``make mutation``, docs/mutation-testing.md).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billhelpers.exceptions import InputError
from billhelpers.rules import credits
from billhelpers.rules.credit_checks import RECORD_MAX, check_record_payment, check_vendor_credit

VENDOR = "00901DEMOVENDOR00001"
BILL = "00n01DEMOBILL0000001"
CREDIT = "vcr01DEMOCREDIT00001"


def _error(call, *args, **kwargs) -> tuple[str | None, str, str | None]:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.field, info.value.message, info.value.hint


# -- rules.credits ------------------------------------------------------------------------------


def test_check_applied_normalises_ids_and_amounts_in_place():
    body = {"vendorCredits": [{"id": f"  {CREDIT} ", "amount": "2.50", "note": "kept"}]}
    assert credits.check_applied(body) is None
    assert body == {"vendorCredits": [{"id": CREDIT, "amount": Decimal("2.50"), "note": "kept"}]}
    assert type(body["vendorCredits"][0]["amount"]) is Decimal


def test_check_applied_without_credits_leaves_the_body_alone():
    body = {"amount": 5}
    credits.check_applied(body)
    assert body == {"amount": 5}


def test_check_applied_takes_exactly_up_to_fifty():
    assert credits.MAX_APPLIED == 50
    body = {"vendorCredits": [{"id": CREDIT, "amount": 1}] * 50}
    credits.check_applied(body)
    assert len(body["vendorCredits"]) == 50
    too_many = {"vendorCredits": [{"id": CREDIT, "amount": 1}] * 51}
    assert _error(credits.check_applied, too_many, "payments[0].") == (
        "payments[0].vendorCredits",
        "must be a list of at most 50 vendor credits",
        "pass [{'id': 'vcr...', 'amount': Decimal('10.00')}]",
    )


@pytest.mark.parametrize(
    ("credits_value", "expected"),
    [
        (
            {"id": CREDIT},
            (
                "vendorCredits",
                "must be a list of at most 50 vendor credits",
                "pass [{'id': 'vcr...', 'amount': Decimal('10.00')}]",
            ),
        ),
        (
            ["vcr"],
            ("vendorCredits[0]", "must be {id, amount}", "{'id': 'vcr...', ...}"),
        ),
        (
            [{"id": "00901DEMOVENDOR00001", "amount": 1}],
            (
                "vendorCredits[0].id",
                "'00901DEMOVENDOR00001' is not a vendor credit id",
                "copy the id from the create response (it begins with vcr)",
            ),
        ),
        (
            [{"id": CREDIT, "amount": "-1"}],
            (
                "vendorCredits[0].amount",
                "-1 must be more than zero",
                "amounts are positive; credits are not payments",
            ),
        ),
    ],
    ids=["not-a-list", "not-a-dict", "wrong-id", "negative"],
)
def test_check_applied_errors_name_the_field_and_the_fix(credits_value, expected):
    assert _error(credits.check_applied, {"vendorCredits": credits_value}) == expected


def test_check_credit_id_bounds():
    assert credits.check_credit_id(" vcr1 ", "f") == "vcr1"
    long_id = "vcr" + "0" * 97
    assert credits.check_credit_id(long_id, "f") == long_id  # 100 characters: taken
    assert _error(credits.check_credit_id, long_id + "0", "f") == (
        "f",
        f"{long_id + '0'!r} is not a vendor credit id",
        "copy the id from the create response (it begins with vcr)",
    )
    assert _error(credits.check_credit_id, None, "f")[1] == "None is not a vendor credit id"


def test_applied_total_adds_exact_amounts():
    item = {"vendorCredits": [{"amount": Decimal("0.10")}, {"amount": "0.20"}, {"amount": 1}]}
    assert credits.applied_total(item) == Decimal("1.30")
    assert credits.applied_total({}) == Decimal(0)
    assert credits.applied_total({"vendorCredits": None}) == Decimal(0)
    assert type(credits.applied_total({})) is Decimal


# -- rules.credit_checks: a vendor credit ------------------------------------------------------

CREDIT_BODY = {
    "vendorId": VENDOR,
    "referenceNumber": "CR-1",
    "creditDate": "2026-11-02",
    "vendorCreditLineItems": [{"amount": "10.00", "description": "returned goods"}],
}


def test_check_vendor_credit_normalises_a_copy():
    given = {**CREDIT_BODY, "vendorId": f" {VENDOR} ", "description": "d"}
    body = check_vendor_credit(given)
    assert body == {
        "vendorId": VENDOR,
        "referenceNumber": "CR-1",
        "creditDate": "2026-11-02",
        "vendorCreditLineItems": [{"amount": Decimal("10.00"), "description": "returned goods"}],
        "description": "d",
    }
    assert given["vendorCreditLineItems"][0]["amount"] == "10.00"  # the caller's is untouched


def test_check_vendor_credit_partial_checks_only_what_is_given():
    assert check_vendor_credit({"description": "x"}, partial=True) == {"description": "x"}
    lines = [{"id": "line-1"}]  # an existing line named by id needs no amount in a PATCH
    assert check_vendor_credit({"vendorCreditLineItems": lines}, partial=True) == {
        "vendorCreditLineItems": [{"id": "line-1"}]
    }
    assert _error(check_vendor_credit, {"vendorId": "x"}, partial=True)[0] == "vendorId"
    assert _error(check_vendor_credit, {"referenceNumber": ""}, partial=True) == (
        "referenceNumber",
        "is required",
        "give a value of 1 to 100 characters",
    )
    assert _error(check_vendor_credit, {"creditDate": None}, partial=True) == (
        "creditDate",
        "is required",
        "give the credit's date as yyyy-MM-dd",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"referenceNumber": "R" * 101},
            ("referenceNumber", "is 101 characters; the limit is 100", "shorten it"),
        ),
        (
            {"creditDate": None},
            ("creditDate", "is required", "give the credit's date as yyyy-MM-dd"),
        ),
        (
            {"creditDate": "02/11/2026"},
            ("creditDate", "'02/11/2026' is not a date", "write it as yyyy-MM-dd, e.g. 2026-12-31"),
        ),
        (
            {"applyToChartOfAccountId": "coa1", "applyToBankAccountId": "bac1"},
            (
                "applyToBankAccountId",
                "cannot be set with applyToChartOfAccountId",
                "BILL takes only one of the two; leave one out",
            ),
        ),
        (
            {"vendorCreditLineItems": None},
            (
                "vendorCreditLineItems",
                "needs a list of at least one line",
                "add vendorCreditLineItems [{'amount': Decimal('10.00'), 'description': '...'}]",
            ),
        ),
        (
            {"vendorCreditLineItems": {"amount": 1}},
            (
                "vendorCreditLineItems",
                "needs a list of at least one line",
                "add vendorCreditLineItems [{'amount': Decimal('10.00'), 'description': '...'}]",
            ),
        ),
        (
            {"vendorCreditLineItems": []},
            ("vendorCreditLineItems", "needs at least one line", "add a line with an amount"),
        ),
        (
            {"vendorCreditLineItems": [{"description": "no amount"}]},
            ("vendorCreditLineItems[0].amount", "is required", "give each line an amount"),
        ),
        (
            {"vendorCreditLineItems": [{"amount": "1.005"}]},
            (
                "vendorCreditLineItems[0].amount",
                "1.005 has more than 2 decimals",
                "round to cents, e.g. 1.00",
            ),
        ),
        (
            {"vendorCreditLineItems": [{"amount": 1, "description": "d" * 4001}]},
            (
                "vendorCreditLineItems[0].description",
                "is 4001 characters; the limit is 4000",
                "shorten it",
            ),
        ),
        (
            {"description": "d" * 4001},
            ("description", "is 4001 characters; the limit is 4000", "shorten it"),
        ),
        (
            {"vendorCreditLineItems": ["line"]},
            (
                "vendorCreditLineItems[0]",
                "must be an object (a dict), not str",
                "give it as a dict shaped like BILL's example",
            ),
        ),
    ],
    ids=[
        "reference-long",
        "no-date",
        "bad-date",
        "both-apply-to",
        "no-lines",
        "lines-not-list",
        "empty-lines",
        "line-no-amount",
        "line-3-decimals",
        "line-description-long",
        "description-long",
        "line-not-dict",
    ],
)
def test_check_vendor_credit_errors(change, expected):
    assert _error(check_vendor_credit, {**CREDIT_BODY, **change}) == expected


def test_check_vendor_credit_limits_are_inclusive():
    body = {
        **CREDIT_BODY,
        "referenceNumber": "R" * 100,
        "description": "d" * 4000,
        "vendorCreditLineItems": [{"amount": 1, "description": "d" * 4000}],
    }
    assert check_vendor_credit(body)["referenceNumber"] == "R" * 100
    assert _error(check_vendor_credit, "not a dict") == (
        "vendor credit",
        "must be a JSON object (a dict)",
        "pass a dict shaped like BILL's example",
    )


# -- rules.credit_checks: a recorded payment ----------------------------------------------------

RECORDED = {
    "vendorId": VENDOR,
    "processDate": "2026-11-02",
    "toPrintCheck": False,
    "payments": [{"billId": BILL, "amount": "70.00"}],
}


def test_check_record_payment_normalises_a_copy():
    given = {**RECORDED, "payments": [{"billId": f" {BILL}", "amount": "70.00"}]}
    given["payments"][0]["vendorCredits"] = [{"id": CREDIT, "amount": "5"}]
    assert check_record_payment(given) == {
        "vendorId": VENDOR,
        "processDate": "2026-11-02",
        "toPrintCheck": False,
        "payments": [
            {
                "billId": BILL,
                "amount": Decimal("70.00"),
                "vendorCredits": [{"id": CREDIT, "amount": Decimal("5")}],
            }
        ],
    }
    assert given["payments"][0]["amount"] == "70.00"


def test_check_record_payment_takes_one_to_fifty_bills():
    assert RECORD_MAX == 50
    fifty = {**RECORDED, "payments": [{"billId": BILL, "amount": 1} for _ in range(50)]}
    assert len(check_record_payment(fifty)["payments"]) == 50
    expected = (
        "payments",
        "needs a list of 1 to 50 bill payments",
        "pass [{'billId': '00n...', 'amount': Decimal('70.00')}]",
    )
    fifty_one = {**RECORDED, "payments": [{"billId": BILL, "amount": 1} for _ in range(51)]}
    assert _error(check_record_payment, fifty_one) == expected
    assert _error(check_record_payment, {**RECORDED, "payments": []}) == expected
    assert _error(check_record_payment, {**RECORDED, "payments": "x"}) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"processDate": None},
            ("processDate", "is required", "give the day the payment was made, yyyy-MM-dd"),
        ),
        (
            {"toPrintCheck": "no"},
            ("toPrintCheck", "is required (true or false)", "use False unless it was a check"),
        ),
        (
            {"payments": [{"billId": BILL, "amount": 0}]},
            (
                "payments[0].amount",
                "0 must be more than zero",
                "amounts are positive; credits are not payments",
            ),
        ),
        (
            {
                "payments": [
                    {"billId": BILL, "amount": 1, "vendorCredits": [{"id": "x", "amount": 1}]}
                ]
            },
            (
                "payments[0].vendorCredits[0].id",
                "'x' is not a vendor credit id",
                "copy the id from the create response (it begins with vcr)",
            ),
        ),
        (
            {"payments": [7]},
            (
                "payments[0]",
                "must be an object (a dict), not int",
                "give it as a dict shaped like BILL's example",
            ),
        ),
    ],
    ids=["no-date", "print-not-bool", "zero", "credit-id", "not-dict"],
)
def test_check_record_payment_errors(change, expected):
    assert _error(check_record_payment, {**RECORDED, **change}) == expected
    assert _error(check_record_payment, [])[0] == "recorded payment"
    assert _error(check_record_payment, {**RECORDED, "vendorId": None})[0] == "vendorId"


def test_check_vendor_credit_edges():
    one_char = check_vendor_credit({**CREDIT_BODY, "referenceNumber": "R"})
    assert one_char["referenceNumber"] == "R"
    for key in ("applyToChartOfAccountId", "applyToBankAccountId"):
        assert check_vendor_credit({**CREDIT_BODY, key: "x1"})[key] == "x1"  # one alone is fine
    named_line = {**CREDIT_BODY, "vendorCreditLineItems": [{"id": "line-1"}]}
    assert _error(check_vendor_credit, named_line) == (  # only a PATCH may leave it out
        "vendorCreditLineItems[0].amount",
        "is required",
        "give each line an amount",
    )
    unnamed = {"vendorCreditLineItems": [{"description": "new line"}]}
    assert _error(check_vendor_credit, unnamed, partial=True)[0] == (
        "vendorCreditLineItems[0].amount"
    )


def test_check_record_payment_names_a_bad_process_date():
    assert _error(check_record_payment, {**RECORDED, "processDate": "11/02/2026"}) == (
        "processDate",
        "'11/02/2026' is not a date",
        "write it as yyyy-MM-dd, e.g. 2026-12-31",
    )
