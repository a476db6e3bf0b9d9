"""
billhelpers.rules.checks
~~~~~~~~~~~~~~~~~~~~~

Client-side checks run before a request is sent, each naming the field and the fix.

Why check what BILL checks anyway: a rejected payment costs a round trip, a rate-limit slot
and, for a learner, a cryptic message; a typo in a routing number caught here costs nothing and
creates nothing. Each ``check_*`` returns a normalised *copy* of the body (amounts as exact
``Decimal``, dates as ``yyyy-MM-dd``) and raises :class:`~billhelpers.exceptions.InputError`.
What needs BILL's data (unknown vendor, unverified bank) is left to BILL.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from collections.abc import Callable, Mapping

from billhelpers.exceptions import InputError
from billhelpers.rules import credits
from billhelpers.rules.money import to_amount

# ISO 3166-1 alpha-2 (BILL's address.country).
_COUNTRY_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
)
COUNTRIES = frozenset(_COUNTRY_CODES.split())
_ORG_ID = re.compile(r"^008[0-9A-Za-z]{17}$")
ID_PREFIXES = {"vendorId": "009", "billId": "00n", "fundingAccount.id": "bac"}
FUNDING_TYPES = ("BANK_ACCOUNT", "CARD_ACCOUNT", "WALLET", "AP_CARD")
#: The kit's own limit (BILL documents none): what fits a check memo / bank descriptor.
PAYMENT_DESCRIPTION_MAX = 70
#: BILL: a payment's transactionNumber holds at most 50 characters.
TRANSACTION_NUMBER_MAX = 50
#: BILL's today, or a function that asks for it (``client.today``) when a date needs it.
Today = _dt.date | Callable[[], _dt.date]


def _fail(field: str, message: str, hint: str):
    raise InputError(message, field=field, hint=hint)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_credentials(*, username, password, organization_id, dev_key) -> None:
    """Blank or malformed sign-in values, caught before a login attempt counts against the
    200-logins-an-hour limit."""
    if _blank(username):
        _fail(
            "BILL_USERNAME", "is blank", "set it in .env or pass username=... (your sign-in e-mail)"
        )
    if "@" not in str(username):
        _fail(
            "BILL_USERNAME", "is not an e-mail address", "use the e-mail you sign in to BILL with"
        )
    if _blank(password):
        _fail("BILL_PASSWORD", "is blank", "set it in .env or pass password=...")
    if _blank(organization_id):
        _fail("BILL_ORGANIZATION_ID", "is blank", "copy it from Settings > Manage Developer Keys")
    if not _ORG_ID.match(str(organization_id).strip()):
        _fail(
            "BILL_ORGANIZATION_ID",
            f"{_preview(organization_id)} is not an organization id",
            "organization ids are 20 characters and begin with 008",
        )
    if _blank(dev_key):
        _fail("BILL_DEV_KEY", "is blank", "copy your developer key from Manage Developer Keys")
    if not re.fullmatch(r"[0-9A-Za-z]+", str(dev_key).strip()):
        _fail(
            "BILL_DEV_KEY",
            "contains spaces or symbols",
            "paste the key again without quotes or spaces",
        )


def _preview(value) -> str:
    """A pasted value shown without giving it away (a devKey pasted into the wrong field must
    not be quoted in full): its first 3 characters and its length."""
    text = str(value).strip()
    return f"{text[:3]!r}… ({len(text)} characters)" if len(text) > 3 else repr(text)


def _check_object(value, field: str) -> dict:
    """``value`` when it is a dict (the nested objects of BILL's bodies), else InputError."""
    if not isinstance(value, dict):
        _fail(
            field,
            f"must be an object (a dict), not {type(value).__name__}",
            "give it as a dict shaped like BILL's example",
        )
    return value


def check_token(token) -> str:
    """The 6-digit MFA token from the text message (spaces allowed, e.g. ``'123 456'``)."""
    text = re.sub(r"\s", "", str(token if token is not None else ""))
    if not re.fullmatch(r"[0-9]{6}", text):  # ASCII: '١٢٣٤٥٦' is \d too
        _fail("token", "must be exactly 6 digits", "type the 6-digit code from the text message")
    return text


def check_routing_number(value, field: str = "routingNumber") -> str:
    """A 9-digit ABA routing number whose checksum (3-7-1 weights) adds up to a multiple of 10."""
    text = str(value or "").strip()
    if not re.fullmatch(r"[0-9]{9}", text):  # ASCII only: int() reads other digits too
        _fail(field, "must be 9 digits", "US routing numbers (ABA) have exactly 9 digits")
    digits = [int(c) for c in text]
    total = sum(w * d for w, d in zip((3, 7, 1) * 3, digits, strict=True))
    if total % 10:
        _fail(
            field,
            "fails the ABA checksum (a digit is wrong or swapped)",
            "copy the routing number again from a check or the bank's site",
        )
    return text


def check_account_number(value, field: str = "accountNumber") -> str:
    """Digits only, 4 to 17 long (US bank accounts)."""
    text = str(value or "").strip()
    if not re.fullmatch(r"[0-9]+", text):  # not isdigit(): '١٢٣٤' and '²' pass it
        _fail(field, "must contain digits only", "remove letters, spaces and dashes")
    if not 4 <= len(text) <= 17:
        _fail(field, "must have 4 to 17 digits", "check the account number on a statement")
    return text


def check_date(value, field: str, *, not_before: _dt.date | None = None) -> str:
    """A ``yyyy-MM-dd`` date (or a ``date``); optionally not before ``not_before``."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        day = value
    else:
        try:
            day = _dt.date.fromisoformat(str(value).strip())
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
                raise ValueError
        except ValueError:
            _fail(field, f"{value!r} is not a date", "write it as yyyy-MM-dd, e.g. 2026-12-31")
    if not_before and day < not_before:
        _fail(
            field,
            f"{day.isoformat()} is in the past",
            f"use {not_before.isoformat()} or later (or leave it out for the next payment day)",
        )
    return day.isoformat()


def check_process_date(value, field: str) -> str:
    """A ``processDate``: a ``yyyy-MM-dd`` business day (BILL refuses weekends and US bank
    holidays with BDC_1152). Whether it is past is :func:`check_not_past`'s, once BILL's today
    is known."""
    from billhelpers.rules import business_days  # noqa: PLC0415 - loads the holiday calendar

    text = check_date(value, field)
    day = _dt.date.fromisoformat(text)
    if not business_days.is_business_day(day):
        why = business_days.holiday_name(day) or day.strftime("%A")
        _fail(
            field,
            f"{text} is not a business day ({why}): BILL processes payments on business days",
            f"use {business_days.next_business_day(day).isoformat()}, the next business day",
        )
    return text


def check_not_past(text: str, field: str, today: Today) -> None:
    """A date already checked by :func:`check_date` is not before ``today`` (BILL's today, or a
    function that asks for it: called only now)."""
    check_date(text, field, not_before=today() if callable(today) else today)


def check_vendor_wait(body: dict, vendor: dict, *, today: _dt.date) -> None:
    """BILL's 2-business-day wait after a vendor bank account is added (its create-vendor
    page; BDC_1402): refuse a ``processDate`` (or the default, the next business day) before
    the first one BILL can allow, naming that date."""
    from billhelpers.rules import business_days  # noqa: PLC0415 - loads the holiday calendar

    wait = business_days.bank_account_wait_until(vendor)
    if wait is None:
        return
    if body.get("processDate"):
        day = _dt.date.fromisoformat(body["processDate"])
        given = f"{day.isoformat()} is too soon"
    else:
        day = business_days.next_business_day(today)
        given = f"left out, BILL would use {day.isoformat()}, too soon"
    if day < wait:
        _fail(
            "processDate",
            f"{given}: vendor {vendor.get('id')}'s bank account is new, and BILL takes "
            f"{business_days.VENDOR_BANK_WAIT} business days to verify it; the earliest valid "
            f"processDate is {wait.isoformat()}",
            f"set processDate to {wait.isoformat()} or later",
        )


def check_length(value, field: str, maximum: int, *, minimum: int = 0) -> None:
    text = "" if value is None else str(value)
    if len(text) < minimum:
        _fail(field, "is required", f"give a value of 1 to {maximum} characters")
    if len(text) > maximum:
        _fail(field, f"is {len(text)} characters; the limit is {maximum}", "shorten it")


def check_line_item(line, where: str, *, may_omit_amount: Callable[[Mapping], bool]) -> None:
    """One line item of a bill or a vendor credit: an object whose amount is exact money (required
    unless ``may_omit_amount`` says otherwise) and whose description fits BILL's 4,000."""
    _check_object(line, where)
    if line.get("amount") is None and not may_omit_amount(line):
        _fail(where + ".amount", "is required", "give each line an amount")
    if line.get("amount") is not None:
        line["amount"] = to_amount(line["amount"], field=where + ".amount")
    if line.get("description") is not None:
        check_length(line["description"], where + ".description", 4000)


def check_id(value, field: str, prefix: str | None = None) -> str:
    """A BILL id: 20 characters beginning with its kind's prefix (``prefix`` where the field's
    name does not say the kind, as in ``approvers[0]``)."""
    what = f"a {field}" if prefix is None else "an id"
    prefix = prefix or ID_PREFIXES[field]
    text = str(value or "").strip()
    if not text.startswith(prefix) or len(text) != 20:
        _fail(
            field,
            f"{value!r} is not {what} (20 characters beginning with {prefix})",
            "copy the id from the create response or a listing",
        )
    return text


def _need_dict(body, field: str) -> dict:
    if not isinstance(body, dict):
        _fail(field, "must be a JSON object (a dict)", "pass a dict shaped like BILL's example")
    return copy.deepcopy(body)


def check_vendor(body, *, partial: bool = False) -> dict:
    """``POST /v3/vendors`` (``partial=True`` for ``PATCH``)."""
    body = _need_dict(body, "vendor")
    if not partial or "name" in body:
        check_length(body.get("name"), "name", 100, minimum=1)
    if body.get("shortName") is not None:
        check_length(body["shortName"], "shortName", 40)
    if body.get("accountType") not in (None, "BUSINESS", "PERSON", "NONE"):
        _fail(
            "accountType", f"{body['accountType']!r} is not allowed", "use BUSINESS, PERSON or NONE"
        )
    if body.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(body["email"])):
        _fail("email", f"{body['email']!r} is not an e-mail address", "use name@example.com form")
    address = body.get("address")
    if address is None and not partial:
        _fail(
            "address",
            "is required when creating a vendor",
            "add address {line1, city, stateOrProvince, zipOrPostalCode, country}",
        )
    if address is not None:
        if not isinstance(address, dict):
            _fail("address", "must be an object", "give address as a dict")
        country = address.get("country")
        if _blank(country) and not partial:
            _fail("address.country", "is required", "use the 2-letter ISO code, e.g. US")
        if not _blank(country) and str(country) not in COUNTRIES:
            if str(country).upper() in COUNTRIES:
                # Refused, not corrected: the body is the learner's own and is shown as sent,
                # and BILL takes capitals only, so a silent fix here would hide what BILL needs.
                _fail(
                    "address.country",
                    f"{country!r} must be written in capitals",
                    f"write {str(country).upper()!r}: BILL takes the 2-letter ISO 3166 "
                    "code in upper case only",
                )
            _fail(
                "address.country",
                f"{country!r} is not an ISO country code",
                "use the 2-letter ISO 3166 code, e.g. US, CA, GB",
            )
    info = body.get("paymentInformation")
    if info is not None:
        _check_object(info, "paymentInformation")
    if info:
        bank = info.get("bankAccount")
        if bank is not None:
            _check_object(bank, "paymentInformation.bankAccount")
        if bank:  # electronic (ACH) payments need all four
            if _blank(info.get("payeeName")):
                _fail(
                    "paymentInformation.payeeName",
                    "is required for ACH payments",
                    "add the name the payment is made out to",
                )
            pre = "paymentInformation.bankAccount."
            if _blank(bank.get("nameOnAccount")):
                _fail(pre + "nameOnAccount", "is required", "add the account holder's name")
            bank["accountNumber"] = check_account_number(
                bank.get("accountNumber"), pre + "accountNumber"
            )
            bank["routingNumber"] = check_routing_number(
                bank.get("routingNumber"), pre + "routingNumber"
            )
            if bank.get("type") not in (None, "CHECKING", "SAVINGS"):
                _fail(pre + "type", f"{bank['type']!r} is not allowed", "use CHECKING or SAVINGS")
            if bank.get("ownerType") not in (None, "BUSINESS", "PERSONAL"):
                _fail(
                    pre + "ownerType",
                    f"{bank['ownerType']!r} is not allowed",
                    "use BUSINESS or PERSONAL (BILL's spelling)",
                )
    return body


def check_bill(body, *, partial: bool = False) -> dict:
    """``POST /v3/bills`` (``partial=True`` for ``PATCH``)."""
    body = _need_dict(body, "bill")
    if not partial or "vendorId" in body:
        body["vendorId"] = check_id(body.get("vendorId"), "vendorId")
    if not partial or "dueDate" in body:
        if _blank(body.get("dueDate")):
            _fail("dueDate", "is required", "give the due date as yyyy-MM-dd")
        body["dueDate"] = check_date(body["dueDate"], "dueDate")
    invoice = body.get("invoice")
    if invoice is None and not partial:
        _fail("invoice", "is required", "add invoice {invoiceNumber, invoiceDate}")
    if invoice is not None:
        _check_object(invoice, "invoice")
        if _blank(invoice.get("invoiceNumber")) and not partial:
            _fail("invoice.invoiceNumber", "is required", "give the vendor's invoice number")
        if invoice.get("invoiceDate") is not None or not partial:
            if _blank(invoice.get("invoiceDate")):
                _fail("invoice.invoiceDate", "is required", "give the invoice date as yyyy-MM-dd")
            invoice["invoiceDate"] = check_date(invoice["invoiceDate"], "invoice.invoiceDate")
    lines = body.get("billLineItems")
    if (lines is None and not partial) or (lines is not None and not lines):
        _fail(
            "billLineItems",
            "needs at least one line",
            "add billLineItems [{'amount': Decimal('100.00'), 'description': '...'}]",
        )
    if lines is not None and not isinstance(lines, list):
        _fail(
            "billLineItems",
            f"must be a list of lines, not {type(lines).__name__}",
            "add billLineItems [{'amount': Decimal('100.00'), 'description': '...'}]",
        )
    for i, line in enumerate(lines or []):
        check_line_item(
            line, f"billLineItems[{i}]", may_omit_amount=lambda line: line.get("price") is not None
        )
    if body.get("description") is not None:
        check_length(body["description"], "description", 4000)
    credits.check_applied(body)  # vendor credits the bill applies
    return body


def check_payment(body, *, today: Today | None, item: str = "", shared: dict | None = None) -> dict:
    """``POST /v3/payments`` (and one entry of a bulk payment, ``item='payments[3].'``, whose
    ``shared`` top-level fields count as its own).

    ``today`` is BILL's today, or a function that asks for it (``client.today``): it is called
    last, once the body's shape is known good, so a malformed body is refused before anything
    at all is sent. ``None`` leaves the comparison with today to the caller (bulk payments
    ask once for every item)."""
    body = _need_dict(body, item + "payment" if item else "payment")
    if "processingOptions" not in body and "processingOptions" not in (shared or {}):
        _fail(
            item + "processingOptions",
            "is required",
            "add processingOptions, e.g. {'requestPayFaster': False} (or {})",
        )
    options = body.get("processingOptions")
    options = {} if options is None else _check_object(options, item + "processingOptions")
    if not options.get("createBill") or "billId" in body:
        body["billId"] = check_id(body.get("billId"), "billId")
    if body.get("vendorId") is not None:
        body["vendorId"] = check_id(body["vendorId"], "vendorId")
    if body.get("amount") is None:
        _fail(
            item + "amount", "is required", "give the amount to pay, at most the bill's dueAmount"
        )
    body["amount"] = to_amount(body["amount"], field=item + "amount")
    funding = body.get("fundingAccount")
    if funding is not None:
        if not isinstance(funding, dict) or funding.get("type") not in FUNDING_TYPES:
            _fail(
                item + "fundingAccount.type",
                "is missing or unknown",
                "use {'type': 'BANK_ACCOUNT', 'id': 'bac...'}",
            )
        if funding["type"] == "BANK_ACCOUNT":
            check_id(funding.get("id"), "fundingAccount.id")
    if body.get("processDate") is not None:
        body["processDate"] = check_process_date(body["processDate"], item + "processDate")
    if body.get("description") is not None:
        check_length(body["description"], item + "description", PAYMENT_DESCRIPTION_MAX)
    if body.get("transactionNumber") is not None:
        check_length(
            body["transactionNumber"], item + "transactionNumber", TRANSACTION_NUMBER_MAX, minimum=1
        )
    credits.check_applied(body, item)  # vendor credits the payment applies
    if body.get("processDate") is not None and today is not None:  # last: may ask the server
        check_not_past(body["processDate"], item + "processDate", today)
    return body
