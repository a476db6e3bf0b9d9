"""Client-side checks before sending: each names the field and the fix."""

import datetime as dt
from decimal import Decimal

import pytest
from client_bodies import vendor_body
from world_clock import TEST_TODAY

import billhelpers as bh
from billhelpers.rules import checks as v

VENDOR = vendor_body()
BILL = {
    "vendorId": "00901DEMOVENDOR00001",
    "dueDate": "2026-12-31",
    "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-11-01"},
    "billLineItems": [{"amount": Decimal("100.00"), "description": "Paper"}],
}
PAYMENT = {
    "billId": "00n01DEMOBILL0000001",
    "amount": Decimal("100.00"),
    "fundingAccount": {"type": "BANK_ACCOUNT", "id": "bac01DEMOVERIFIED001"},
    "processingOptions": {"requestPayFaster": False},
}


def _field(fn, *args, **kwargs):
    with pytest.raises(bh.InputError) as info:
        fn(*args, **kwargs)
    assert info.value.hint
    return info.value.field


def _with(base, path, value):
    import copy

    body = copy.deepcopy(base)
    node = body
    *parents, last = path.split(".")
    for p in parents:
        node = node[p]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return body


_DELETE = object()


def test_check_vendor_accepts_good_body_and_copies_it():
    out = v.check_vendor(VENDOR)
    assert out == VENDOR and out is not VENDOR


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            "paymentInformation.bankAccount.routingNumber",
            "021000022",
            "paymentInformation.bankAccount.routingNumber",
        ),
        (
            "paymentInformation.bankAccount.routingNumber",
            "12345",
            "paymentInformation.bankAccount.routingNumber",
        ),
        (
            "paymentInformation.bankAccount.accountNumber",
            "12AB5678",
            "paymentInformation.bankAccount.accountNumber",
        ),
        ("paymentInformation.payeeName", _DELETE, "paymentInformation.payeeName"),
        (
            "paymentInformation.bankAccount.nameOnAccount",
            "",
            "paymentInformation.bankAccount.nameOnAccount",
        ),
        ("address", _DELETE, "address"),
        ("address.country", "XX", "address.country"),
        ("name", "", "name"),
        ("name", "x" * 101, "name"),
        ("accountType", "COMPANY", "accountType"),
        ("email", "not-an-email", "email"),
    ],
)
def test_check_vendor_rejects(path, value, field):
    assert _field(v.check_vendor, _with(VENDOR, path, value)) == field


@pytest.mark.parametrize("country", ["us", "Us", "gb"])
def test_check_vendor_refuses_lower_case_country_with_the_capitals_hint(country):
    # Refused rather than corrected: the body is the learner's and BILL takes capitals only.
    with pytest.raises(bh.InputError) as info:
        v.check_vendor(_with(VENDOR, "address.country", country))
    err = info.value
    assert err.field == "address.country" and "capitals" in err.message
    assert repr(country.upper()) in err.hint


def test_check_vendor_keeps_the_country_as_written():
    assert v.check_vendor(VENDOR)["address"]["country"] == "US"


def test_check_vendor_partial_allows_missing_address():
    assert v.check_vendor({"email": "x@y.example"}, partial=True) == {"email": "x@y.example"}


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("billLineItems", [], "billLineItems"),
        ("billLineItems", [{"amount": Decimal("-5.00")}], "billLineItems[0].amount"),
        ("billLineItems", [{"amount": Decimal("1.005")}], "billLineItems[0].amount"),
        ("dueDate", "31/12/2026", "dueDate"),
        ("dueDate", "2026-02-30", "dueDate"),
        ("vendorId", "12345", "vendorId"),
        ("invoice.invoiceNumber", "", "invoice.invoiceNumber"),
    ],
)
def test_check_bill_rejects(path, value, field):
    assert _field(v.check_bill, _with(BILL, path, value)) == field


def test_check_bill_normalises_amounts_and_dates():
    out = v.check_bill(_with(BILL, "dueDate", dt.date(2026, 12, 31)))
    assert out["dueDate"] == "2026-12-31"
    assert out["billLineItems"][0]["amount"] == Decimal("100.00")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("amount", 0, "amount"),
        ("amount", 0.1 + 0.2, "amount"),
        ("amount", "-1", "amount"),
        ("description", "x" * 71, "description"),
        ("processDate", "2000-01-01", "processDate"),
        ("billId", "bill-1", "billId"),
        ("fundingAccount", {"type": "CASH"}, "fundingAccount.type"),
        ("fundingAccount", {"type": "BANK_ACCOUNT", "id": "x"}, "fundingAccount.id"),
        ("transactionNumber", "x" * 51, "transactionNumber"),
        ("processingOptions", _DELETE, "processingOptions"),
    ],
)
def test_check_payment_rejects(path, value, field):
    assert _field(v.check_payment, _with(PAYMENT, path, value), today=TEST_TODAY) == field


def test_check_payment_allows_70_character_description():
    checked = v.check_payment(_with(PAYMENT, "description", "x" * 70), today=TEST_TODAY)
    assert checked["description"] == "x" * 70


@pytest.mark.parametrize("token", ["12345", "1234567", "12a456", "", None])
def test_check_token_rejects(token):
    assert _field(v.check_token, token) == "token"


def test_check_token_strips_spaces():
    assert v.check_token(" 123 456 ") == "123456"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": ""}, "BILL_USERNAME"),
        ({"username": "demo"}, "BILL_USERNAME"),
        ({"password": "  "}, "BILL_PASSWORD"),
        ({"organization_id": "12345678901234567890"}, "BILL_ORGANIZATION_ID"),
        ({"organization_id": None}, "BILL_ORGANIZATION_ID"),
        ({"dev_key": ""}, "BILL_DEV_KEY"),
        ({"dev_key": "01 DEMO"}, "BILL_DEV_KEY"),
    ],
)
def test_check_credentials_rejects(kwargs, field):
    good = {
        "username": "demo@example.com",
        "password": "pw",
        "organization_id": "00801DEMOORG00000001",
        "dev_key": "01DEMODEVKEY0000000000000000000000",
    }
    assert _field(v.check_credentials, **{**good, **kwargs}) == field
