"""``billhelpers.rules.checks`` with exact answers: each check's normalised copy of the body, and
each refusal's field, message and hint (what a learner reads to fix the value).

``tests/safety/test_safety_bad_input.py`` walks the bad inputs as a learner meets them (through
the client); these call the pure functions directly and pin every answer, which the mutation
run (``make mutation``) needs to tell a changed rule from an unchanged one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billhelpers.exceptions import InputError
from billhelpers.rules import checks

VENDOR = "00901DEMOVENDOR00001"
BILL = "00n01DEMOBILL0000001"
BANK = "bac01DEMOVERIFIED001"
TODAY = dt.date(2026, 12, 24)  # a Thursday; the 25th is Christmas Day


def _error(call, *args, **kwargs) -> tuple[str | None, str, str | None]:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.field, info.value.message, info.value.hint


# -- sign-in values -------------------------------------------------------------------------------

SIGN_IN = {
    "username": "demo@example.com",
    "password": "pw",
    "organization_id": "00801DEMOORG00000001",
    "dev_key": "01DEMODEVKEY",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"username": " "},
            (
                "BILL_USERNAME",
                "is blank",
                "set it in .env or pass username=... (your sign-in e-mail)",
            ),
        ),
        (
            {"username": "demo"},
            (
                "BILL_USERNAME",
                "is not an e-mail address",
                "use the e-mail you sign in to BILL with",
            ),
        ),
        ({"password": None}, ("BILL_PASSWORD", "is blank", "set it in .env or pass password=...")),
        (
            {"organization_id": ""},
            ("BILL_ORGANIZATION_ID", "is blank", "copy it from Settings > Manage Developer Keys"),
        ),
        (
            {"organization_id": "008"},
            (
                "BILL_ORGANIZATION_ID",
                "'008' is not an organization id",
                "organization ids are 20 characters and begin with 008",
            ),
        ),
        (
            {"organization_id": " 01K2345 "},
            (
                "BILL_ORGANIZATION_ID",
                "'01K'… (7 characters) is not an organization id",
                "organization ids are 20 characters and begin with 008",
            ),
        ),
        (
            {"organization_id": "0080"},
            (
                "BILL_ORGANIZATION_ID",
                "'008'… (4 characters) is not an organization id",
                "organization ids are 20 characters and begin with 008",
            ),
        ),
        (
            {"dev_key": " "},
            ("BILL_DEV_KEY", "is blank", "copy your developer key from Manage Developer Keys"),
        ),
        (
            {"dev_key": "'01DEMO'"},
            (
                "BILL_DEV_KEY",
                "contains spaces or symbols",
                "paste the key again without quotes or spaces",
            ),
        ),
    ],
    ids=[
        "user-blank",
        "user-not-email",
        "password",
        "org-blank",
        "org-short",
        "org-preview",
        "org-four",
        "key-blank",
        "key-quoted",
    ],
)
def test_check_credentials_refusals(change, expected):
    assert _error(checks.check_credentials, **{**SIGN_IN, **change}) == expected


def test_check_credentials_takes_good_values():
    assert (
        checks.check_credentials(**{**SIGN_IN, "organization_id": " 00801DEMOORG00000001 "}) is None
    )


# -- token, bank numbers --------------------------------------------------------------------------


def test_check_token():
    assert checks.check_token(" 123 456 ") == "123456"
    assert checks.check_token(123456) == "123456"
    expected = ("token", "must be exactly 6 digits", "type the 6-digit code from the text message")
    assert _error(checks.check_token, None) == expected
    assert _error(checks.check_token, "12345") == expected
    assert _error(checks.check_token, "١٢٣٤٥٦") == expected


def test_check_routing_number_uses_the_aba_weights():
    # 121000358: 1·3 + 2·7 + 1·1 + 0·3 + 0·7 + 0·1 + 3·3 + 5·7 + 8·1 = 70
    assert checks.check_routing_number(" 121000358 ") == "121000358"
    assert checks.check_routing_number("011000015", "f") == "011000015"
    assert _error(checks.check_routing_number, "121000359", "bank.routingNumber") == (
        "bank.routingNumber",
        "fails the ABA checksum (a digit is wrong or swapped)",
        "copy the routing number again from a check or the bank's site",
    )
    assert _error(checks.check_routing_number, "211000358")[1] == (
        "fails the ABA checksum (a digit is wrong or swapped)"
    )
    for bad in (None, "12100035", "12100035a", "1210003580"):
        assert _error(checks.check_routing_number, bad) == (
            "routingNumber",
            "must be 9 digits",
            "US routing numbers (ABA) have exactly 9 digits",
        )


def test_check_account_number_takes_four_to_seventeen_digits():
    assert checks.check_account_number(" 1234 ") == "1234"
    assert checks.check_account_number("1" * 17) == "1" * 17
    for bad in ("123", "1" * 18):
        assert _error(checks.check_account_number, bad, "acct") == (
            "acct",
            "must have 4 to 17 digits",
            "check the account number on a statement",
        )
    assert _error(checks.check_account_number, "12-34") == (
        "accountNumber",
        "must contain digits only",
        "remove letters, spaces and dashes",
    )


# -- dates -------------------------------------------------------------------------------------


def test_check_date_forms_and_bounds():
    assert checks.check_date(dt.datetime(2026, 12, 24, 23, 59), "f") == "2026-12-24"
    assert checks.check_date(dt.date(2026, 12, 24), "f") == "2026-12-24"
    assert checks.check_date(" 2026-12-24 ", "f", not_before=TODAY) == "2026-12-24"
    assert _error(checks.check_date, "2026-12-23", "processDate", not_before=TODAY) == (
        "processDate",
        "2026-12-23 is in the past",
        "use 2026-12-24 or later (or leave it out for the next payment day)",
    )
    for bad in ("20261224", "2026-1-24", "24/12/2026", None):
        assert _error(checks.check_date, bad, "dueDate") == (
            "dueDate",
            f"{bad!r} is not a date",
            "write it as yyyy-MM-dd, e.g. 2026-12-31",
        )


def test_check_process_date_names_the_next_business_day():
    assert checks.check_process_date("2026-12-28", "processDate") == "2026-12-28"
    assert _error(checks.check_process_date, "2026-12-26", "p") == (
        "p",
        "2026-12-26 is not a business day (Saturday): BILL processes payments on business days",
        "use 2026-12-28, the next business day",
    )
    assert _error(checks.check_process_date, "2026-12-25", "p") == (
        "p",
        "2026-12-25 is not a business day (Christmas Day): BILL processes payments on business "
        "days",
        "use 2026-12-28, the next business day",
    )


def test_check_not_past_asks_for_today_only_when_called():
    asked = []

    def today():
        asked.append(1)
        return TODAY

    assert checks.check_not_past("2026-12-24", "p", today) is None
    assert asked == [1]
    assert _error(checks.check_not_past, "2026-12-23", "p", TODAY)[1] == "2026-12-23 is in the past"


NEW_BANK_VENDOR = {
    "id": VENDOR,
    "createdTime": "2026-12-21T15:00:00.000+00:00",
    "paymentInformation": {"bankAccount": {"accountNumber": "1234"}},
}


def test_check_vendor_wait_names_the_earliest_process_date():
    wait_hint = "set processDate to 2026-12-23 or later"
    assert (
        checks.check_vendor_wait({"processDate": "2026-12-23"}, NEW_BANK_VENDOR, today=TODAY)
        is None
    )
    assert _error(
        checks.check_vendor_wait, {"processDate": "2026-12-22"}, NEW_BANK_VENDOR, today=TODAY
    ) == (
        "processDate",
        f"2026-12-22 is too soon: vendor {VENDOR}'s bank account is new, and BILL takes 2 business "
        "days to verify it; the earliest valid processDate is 2026-12-23",
        wait_hint,
    )
    early = dt.date(2026, 12, 21)
    assert _error(checks.check_vendor_wait, {}, NEW_BANK_VENDOR, today=early) == (
        "processDate",
        f"left out, BILL would use 2026-12-22, too soon: vendor {VENDOR}'s bank account is new, "
        "and BILL takes 2 business days to verify it; the earliest valid processDate is 2026-12-23",
        wait_hint,
    )
    assert checks.check_vendor_wait({}, NEW_BANK_VENDOR, today=TODAY) is None
    assert (
        checks.check_vendor_wait({"processDate": "2026-12-21"}, {"id": VENDOR}, today=early) is None
    )


# -- lengths, ids ---------------------------------------------------------------------------------


def test_check_length_and_check_id():
    assert checks.check_length("abc", "f", 3) is None
    assert checks.check_length(None, "f", 3) is None
    assert _error(checks.check_length, "abcd", "f", 3) == (
        "f",
        "is 4 characters; the limit is 3",
        "shorten it",
    )
    assert _error(checks.check_length, "", "f", 3, minimum=1) == (
        "f",
        "is required",
        "give a value of 1 to 3 characters",
    )
    assert checks.check_id(f" {BILL} ", "billId") == BILL
    assert _error(checks.check_id, BILL + "1", "billId") == (
        "billId",
        f"{BILL + '1'!r} is not a billId (20 characters beginning with 00n)",
        "copy the id from the create response or a listing",
    )
    assert _error(checks.check_id, VENDOR, "fundingAccount.id")[1] == (
        f"{VENDOR!r} is not a fundingAccount.id (20 characters beginning with bac)"
    )


# -- vendors -----------------------------------------------------------------------------------

VENDOR_BODY = {
    "name": "Acme",
    "accountType": "BUSINESS",
    "email": "ap@acme.example",
    "address": {"line1": "1 Main St", "city": "Springfield", "country": "US"},
    "paymentInformation": {
        "payeeName": "Acme Inc",
        "bankAccount": {
            "nameOnAccount": "Acme Inc",
            "accountNumber": " 123456789 ",
            "routingNumber": " 121000358",
            "type": "CHECKING",
            "ownerType": "BUSINESS",
        },
    },
}


def test_check_vendor_normalises_bank_numbers_in_a_copy():
    body = checks.check_vendor(VENDOR_BODY)
    bank = body["paymentInformation"]["bankAccount"]
    assert (bank["accountNumber"], bank["routingNumber"]) == ("123456789", "121000358")
    assert VENDOR_BODY["paymentInformation"]["bankAccount"]["accountNumber"] == " 123456789 "
    assert checks.check_vendor({"email": "x@y.example"}, partial=True) == {"email": "x@y.example"}
    assert checks.check_vendor({"address": {"city": "x"}}, partial=True) == {
        "address": {"city": "x"}
    }
    assert (
        checks.check_vendor({**VENDOR_BODY, "paymentInformation": {}})["paymentInformation"] == {}
    )


PRE = "paymentInformation.bankAccount."


def _bank(**change):
    info = VENDOR_BODY["paymentInformation"]
    return {
        **VENDOR_BODY,
        "paymentInformation": {**info, "bankAccount": {**info["bankAccount"], **change}},
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {**VENDOR_BODY, "name": ""},
            ("name", "is required", "give a value of 1 to 100 characters"),
        ),
        (
            {**VENDOR_BODY, "name": "n" * 101},
            ("name", "is 101 characters; the limit is 100", "shorten it"),
        ),
        (
            {**VENDOR_BODY, "shortName": "s" * 41},
            ("shortName", "is 41 characters; the limit is 40", "shorten it"),
        ),
        (
            {**VENDOR_BODY, "accountType": "business"},
            ("accountType", "'business' is not allowed", "use BUSINESS, PERSON or NONE"),
        ),
        (
            {**VENDOR_BODY, "email": "ap@acme"},
            ("email", "'ap@acme' is not an e-mail address", "use name@example.com form"),
        ),
        (
            {k: v for k, v in VENDOR_BODY.items() if k != "address"},
            (
                "address",
                "is required when creating a vendor",
                "add address {line1, city, stateOrProvince, zipOrPostalCode, country}",
            ),
        ),
        (
            {**VENDOR_BODY, "address": "1 Main St"},
            ("address", "must be an object", "give address as a dict"),
        ),
        (
            {**VENDOR_BODY, "address": {"line1": "x"}},
            ("address.country", "is required", "use the 2-letter ISO code, e.g. US"),
        ),
        (
            {**VENDOR_BODY, "address": {"country": "us"}},
            (
                "address.country",
                "'us' must be written in capitals",
                "write 'US': BILL takes the 2-letter ISO 3166 code in upper case only",
            ),
        ),
        (
            {**VENDOR_BODY, "address": {"country": "USA"}},
            (
                "address.country",
                "'USA' is not an ISO country code",
                "use the 2-letter ISO 3166 code, e.g. US, CA, GB",
            ),
        ),
        (
            {**VENDOR_BODY, "paymentInformation": "bank"},
            (
                "paymentInformation",
                "must be an object (a dict), not str",
                "give it as a dict shaped like BILL's example",
            ),
        ),
        (
            {**VENDOR_BODY, "paymentInformation": {"bankAccount": ["1"]}},
            (
                "paymentInformation.bankAccount",
                "must be an object (a dict), not list",
                "give it as a dict shaped like BILL's example",
            ),
        ),
        (
            {
                **VENDOR_BODY,
                "paymentInformation": {**VENDOR_BODY["paymentInformation"], "payeeName": " "},
            },
            (
                "paymentInformation.payeeName",
                "is required for ACH payments",
                "add the name the payment is made out to",
            ),
        ),
        (
            _bank(nameOnAccount=None),
            (PRE + "nameOnAccount", "is required", "add the account holder's name"),
        ),
        (
            _bank(accountNumber="12"),
            (
                PRE + "accountNumber",
                "must have 4 to 17 digits",
                "check the account number on a statement",
            ),
        ),
        (
            _bank(routingNumber="121000359"),
            (
                PRE + "routingNumber",
                "fails the ABA checksum (a digit is wrong or swapped)",
                "copy the routing number again from a check or the bank's site",
            ),
        ),
        (
            _bank(type="checking"),
            (PRE + "type", "'checking' is not allowed", "use CHECKING or SAVINGS"),
        ),
        (
            _bank(ownerType="PERSON"),
            (
                PRE + "ownerType",
                "'PERSON' is not allowed",
                "use BUSINESS or PERSONAL (BILL's spelling)",
            ),
        ),
        (
            [],
            ("vendor", "must be a JSON object (a dict)", "pass a dict shaped like BILL's example"),
        ),
    ],
    ids=[
        "name-blank",
        "name-long",
        "short-name-long",
        "account-type",
        "email",
        "no-address",
        "address-not-dict",
        "no-country",
        "country-lower",
        "country-three",
        "info-not-dict",
        "bank-not-dict",
        "payee",
        "name-on-account",
        "account-number",
        "routing",
        "bank-type",
        "owner-type",
        "not-dict",
    ],
)
def test_check_vendor_refusals(body, expected):
    assert _error(checks.check_vendor, body) == expected


def test_check_vendor_limits_and_types_that_pass():
    body = {**VENDOR_BODY, "name": "n" * 100, "shortName": "s" * 40, "accountType": "NONE"}
    assert checks.check_vendor(body)["name"] == "n" * 100
    for account_type in ("PERSON", None):
        assert (
            checks.check_vendor({**VENDOR_BODY, "accountType": account_type})["accountType"]
            == account_type
        )
    for bank_type, owner in (("SAVINGS", "PERSONAL"), (None, None)):
        bank = checks.check_vendor(_bank(type=bank_type, ownerType=owner))["paymentInformation"][
            "bankAccount"
        ]
        assert (bank["type"], bank["ownerType"]) == (bank_type, owner)


# -- bills -------------------------------------------------------------------------------------

BILL_BODY = {
    "vendorId": VENDOR,
    "dueDate": "2027-01-15",
    "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-12-15"},
    "billLineItems": [{"amount": "100.00", "description": "widgets"}],
}


def test_check_bill_normalises_a_copy():
    given = {**BILL_BODY, "vendorId": f" {VENDOR} ", "description": "d"}
    assert checks.check_bill(given) == {
        "vendorId": VENDOR,
        "dueDate": "2027-01-15",
        "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-12-15"},
        "billLineItems": [{"amount": Decimal("100.00"), "description": "widgets"}],
        "description": "d",
    }
    assert given["billLineItems"][0]["amount"] == "100.00"
    priced = {**BILL_BODY, "billLineItems": [{"price": 5, "quantity": 2}]}
    assert checks.check_bill(priced)["billLineItems"] == [{"price": 5, "quantity": 2}]


def test_check_bill_partial_checks_only_what_is_given():
    assert checks.check_bill({"description": "x"}, partial=True) == {"description": "x"}
    assert checks.check_bill({"vendorId": f"{VENDOR} "}, partial=True) == {"vendorId": VENDOR}
    assert checks.check_bill({"dueDate": dt.date(2027, 1, 2)}, partial=True) == {
        "dueDate": "2027-01-02"
    }
    assert checks.check_bill({"invoice": {"invoiceNumber": "9"}}, partial=True) == {
        "invoice": {"invoiceNumber": "9"}
    }
    assert _error(checks.check_bill, {"vendorId": "009"}, partial=True)[0] == "vendorId"
    assert _error(checks.check_bill, {"dueDate": ""}, partial=True) == (
        "dueDate",
        "is required",
        "give the due date as yyyy-MM-dd",
    )
    assert _error(checks.check_bill, {"billLineItems": []}, partial=True)[0] == "billLineItems"


LINES_HINT = "add billLineItems [{'amount': Decimal('100.00'), 'description': '...'}]"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"vendorId": None},
            (
                "vendorId",
                "None is not a vendorId (20 characters beginning with 009)",
                "copy the id from the create response or a listing",
            ),
        ),
        ({"dueDate": None}, ("dueDate", "is required", "give the due date as yyyy-MM-dd")),
        (
            {"dueDate": "15/01/2027"},
            ("dueDate", "'15/01/2027' is not a date", "write it as yyyy-MM-dd, e.g. 2026-12-31"),
        ),
        ({"invoice": None}, ("invoice", "is required", "add invoice {invoiceNumber, invoiceDate}")),
        (
            {"invoice": "INV-1"},
            (
                "invoice",
                "must be an object (a dict), not str",
                "give it as a dict shaped like BILL's example",
            ),
        ),
        (
            {"invoice": {"invoiceDate": "2026-12-15"}},
            ("invoice.invoiceNumber", "is required", "give the vendor's invoice number"),
        ),
        (
            {"invoice": {"invoiceNumber": "1"}},
            ("invoice.invoiceDate", "is required", "give the invoice date as yyyy-MM-dd"),
        ),
        (
            {"invoice": {"invoiceNumber": "1", "invoiceDate": "Dec 15"}},
            (
                "invoice.invoiceDate",
                "'Dec 15' is not a date",
                "write it as yyyy-MM-dd, e.g. 2026-12-31",
            ),
        ),
        ({"billLineItems": None}, ("billLineItems", "needs at least one line", LINES_HINT)),
        ({"billLineItems": []}, ("billLineItems", "needs at least one line", LINES_HINT)),
        (
            {"billLineItems": {"amount": 1}},
            ("billLineItems", "must be a list of lines, not dict", LINES_HINT),
        ),
        (
            {"billLineItems": [{"description": "x"}]},
            ("billLineItems[0].amount", "is required", "give each line an amount"),
        ),
        (
            {"billLineItems": [{"amount": 1}, {"amount": "-5"}]},
            (
                "billLineItems[1].amount",
                "-5 must be more than zero",
                "amounts are positive; credits are not payments",
            ),
        ),
        (
            {"billLineItems": [{"amount": 1, "description": "d" * 4001}]},
            ("billLineItems[0].description", "is 4001 characters; the limit is 4000", "shorten it"),
        ),
        (
            {"description": "d" * 4001},
            ("description", "is 4001 characters; the limit is 4000", "shorten it"),
        ),
        (
            {"vendorCredits": [{"id": "x", "amount": 1}]},
            (
                "vendorCredits[0].id",
                "'x' is not a vendor credit id",
                "copy the id from the create response (it begins with vcr)",
            ),
        ),
    ],
    ids=[
        "vendor",
        "no-due",
        "bad-due",
        "no-invoice",
        "invoice-not-dict",
        "no-number",
        "no-invoice-date",
        "bad-invoice-date",
        "no-lines",
        "empty-lines",
        "lines-not-list",
        "line-no-amount",
        "line-negative",
        "line-description",
        "description",
        "credit",
    ],
)
def test_check_bill_refusals(change, expected):
    assert _error(checks.check_bill, {**BILL_BODY, **change}) == expected
    assert _error(checks.check_bill, "bill")[0] == "bill"


# -- payments ----------------------------------------------------------------------------------

PAYMENT = {
    "billId": BILL,
    "amount": "10.00",
    "fundingAccount": {"type": "BANK_ACCOUNT", "id": BANK},
    "processingOptions": {},
}


def test_check_payment_normalises_a_copy():
    given = {
        **PAYMENT,
        "billId": f" {BILL}",
        "vendorId": f"{VENDOR} ",
        "processDate": dt.date(2026, 12, 28),
        "description": "d" * 70,
        "transactionNumber": "t",
        "vendorCredits": [{"id": "vcr1", "amount": "1"}],
    }
    assert checks.check_payment(given, today=TODAY) == {
        "billId": BILL,
        "amount": Decimal("10.00"),
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": BANK},
        "processingOptions": {},
        "vendorId": VENDOR,
        "processDate": "2026-12-28",
        "description": "d" * 70,
        "transactionNumber": "t",
        "vendorCredits": [{"id": "vcr1", "amount": Decimal("1")}],
    }
    assert given["amount"] == "10.00"


def test_check_payment_that_creates_its_bill_needs_no_bill_id():
    body = {**PAYMENT, "processingOptions": {"createBill": True}, "vendorId": VENDOR}
    del body["billId"]
    assert "billId" not in checks.check_payment(body, today=None)
    with_bill = {**body, "billId": "00n"}  # given anyway: checked
    assert _error(checks.check_payment, with_bill, today=None)[0] == "billId"
    no_options = {k: v for k, v in PAYMENT.items() if k != "processingOptions"}
    shared = {"processingOptions": {}}
    assert (
        checks.check_payment(no_options, today=None, item="payments[0].", shared=shared)["billId"]
        == BILL
    )
    assert (
        checks.check_payment({**PAYMENT, "processingOptions": None}, today=None)["billId"] == BILL
    )
    card = {**PAYMENT, "fundingAccount": {"type": "CARD_ACCOUNT", "id": "anything"}}
    assert checks.check_payment(card, today=None)["fundingAccount"] == card["fundingAccount"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"processingOptions": "fast"},
            (
                "payments[2].processingOptions",
                "must be an object (a dict), not str",
                "give it as a dict shaped like BILL's example",
            ),
        ),
        (
            {"billId": "00n1"},
            (
                "billId",
                "'00n1' is not a billId (20 characters beginning with 00n)",
                "copy the id from the create response or a listing",
            ),
        ),
        (
            {"vendorId": "009"},
            (
                "vendorId",
                "'009' is not a vendorId (20 characters beginning with 009)",
                "copy the id from the create response or a listing",
            ),
        ),
        (
            {"amount": None},
            (
                "payments[2].amount",
                "is required",
                "give the amount to pay, at most the bill's dueAmount",
            ),
        ),
        (
            {"amount": "0"},
            (
                "payments[2].amount",
                "0 must be more than zero",
                "amounts are positive; credits are not payments",
            ),
        ),
        (
            {"fundingAccount": {"type": "CHECK"}},
            (
                "payments[2].fundingAccount.type",
                "is missing or unknown",
                "use {'type': 'BANK_ACCOUNT', 'id': 'bac...'}",
            ),
        ),
        (
            {"fundingAccount": "bac"},
            (
                "payments[2].fundingAccount.type",
                "is missing or unknown",
                "use {'type': 'BANK_ACCOUNT', 'id': 'bac...'}",
            ),
        ),
        (
            {"fundingAccount": {"type": "BANK_ACCOUNT", "id": "bac1"}},
            (
                "fundingAccount.id",
                "'bac1' is not a fundingAccount.id (20 characters beginning with bac)",
                "copy the id from the create response or a listing",
            ),
        ),
        (
            {"processDate": "2026-12-26"},
            (
                "payments[2].processDate",
                "2026-12-26 is not a business day (Saturday): BILL processes payments on "
                "business days",
                "use 2026-12-28, the next business day",
            ),
        ),
        (
            {"processDate": "2026-12-23"},
            (
                "payments[2].processDate",
                "2026-12-23 is in the past",
                "use 2026-12-24 or later (or leave it out for the next payment day)",
            ),
        ),
        (
            {"description": "d" * 71},
            ("payments[2].description", "is 71 characters; the limit is 70", "shorten it"),
        ),
        (
            {"transactionNumber": ""},
            ("payments[2].transactionNumber", "is required", "give a value of 1 to 50 characters"),
        ),
        (
            {"transactionNumber": "t" * 51},
            ("payments[2].transactionNumber", "is 51 characters; the limit is 50", "shorten it"),
        ),
        (
            {"vendorCredits": "vcr1"},
            (
                "payments[2].vendorCredits",
                "must be a list of at most 50 vendor credits",
                "pass [{'id': 'vcr...', 'amount': Decimal('10.00')}]",
            ),
        ),
    ],
    ids=[
        "options-not-dict",
        "bill",
        "vendor",
        "no-amount",
        "zero",
        "funding-type",
        "funding-not-dict",
        "funding-id",
        "weekend",
        "past",
        "description",
        "txn-empty",
        "txn-long",
        "credits",
    ],
)
def test_check_payment_refusals_name_the_item(change, expected):
    body = {**PAYMENT, **change}
    assert _error(checks.check_payment, body, today=TODAY, item="payments[2].") == expected


def test_check_payment_refusals_of_a_single_payment():
    no_options = {k: v for k, v in PAYMENT.items() if k != "processingOptions"}
    assert _error(checks.check_payment, no_options, today=None) == (
        "processingOptions",
        "is required",
        "add processingOptions, e.g. {'requestPayFaster': False} (or {})",
    )
    assert _error(checks.check_payment, no_options, today=None, item="payments[1].")[0] == (
        "payments[1].processingOptions"
    )
    assert _error(checks.check_payment, ["x"], today=None) == (
        "payment",
        "must be a JSON object (a dict)",
        "pass a dict shaped like BILL's example",
    )
    assert (
        _error(checks.check_payment, "x", today=None, item="payments[4].")[0]
        == "payments[4].payment"
    )
    # today=None leaves the past to the caller; today as a function is asked only then.
    past = {**PAYMENT, "processDate": "2026-12-23"}
    assert checks.check_payment(past, today=None)["processDate"] == "2026-12-23"
    assert (
        checks.check_payment({**PAYMENT, "transactionNumber": "t"}, today=TODAY)[
            "transactionNumber"
        ]
        == "t"
    )


def test_what_a_partial_body_gives_is_still_checked():
    assert _error(checks.check_vendor, {"name": ""}, partial=True) == (
        "name",
        "is required",
        "give a value of 1 to 100 characters",
    )
    assert checks.check_vendor({**VENDOR_BODY, "name": "A"})["name"] == "A"
    assert _error(checks.check_bill, {"invoice": {"invoiceDate": "Dec 1"}}, partial=True) == (
        "invoice.invoiceDate",
        "'Dec 1' is not a date",
        "write it as yyyy-MM-dd, e.g. 2026-12-31",
    )
    assert _error(checks.check_bill, {**BILL_BODY, "billLineItems": ["x"]}) == (
        "billLineItems[0]",
        "must be an object (a dict), not str",
        "give it as a dict shaped like BILL's example",
    )
    assert _error(checks.check_process_date, "Dec 28", "payments[0].processDate")[0] == (
        "payments[0].processDate"
    )


def test_a_dev_key_may_mix_cases():
    assert checks.check_credentials(**{**SIGN_IN, "dev_key": "01demoKEY9z"}) is None
