"""The facts the client and the emulator each keep about BILL agree.

Why two copies: the emulator never imports the client (it stands in for BILL, and BILL does not
run our checks), and the client's checks must not depend on the emulator. So each package keeps
its own constants and rule code; this test imports both, separately, and compares the facts.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bill_emulator.backend import ids as emulator_ids
from bill_emulator.backend import payments as emulator_payments
from bill_emulator.backend import validation as emulator_validation
from billhelpers.resources import payments as client_payments
from billhelpers.rules import checks


def test_country_codes_agree():
    assert checks.COUNTRIES == emulator_validation.COUNTRIES
    assert "US" in checks.COUNTRIES and len(checks.COUNTRIES) == 249


def test_payment_length_limits_agree():
    assert checks.PAYMENT_DESCRIPTION_MAX == emulator_payments.DESCRIPTION_MAX == 70
    assert checks.TRANSACTION_NUMBER_MAX == emulator_payments.TRANSACTION_NUMBER_MAX == 50


def test_bulk_limit_agrees():
    assert client_payments.BULK_MAX == emulator_payments.BULK_MAX == 50


def test_generated_transaction_numbers_fit_the_limit():
    # The one scheme the kit makes numbers with (single, bulk, payment run, tutorial), at its
    # longest: the longest purpose tag and a large payment number.
    from billhelpers.rules import payment_identity

    longest = "x" * payment_identity.PURPOSE_MAX
    made = [
        payment_identity.transaction_number("00801DEMOORG00000001", "00n01SBX000000000001", n)
        for n in ("1.00", "999999999999.99")
    ] + [
        payment_identity.transaction_number(
            "00801DEMOORG00000001", "00n01SBX000000000001", "1.00", 100, purpose=longest
        )
    ]
    assert payment_identity.TRANSACTION_NUMBER_MAX == emulator_payments.TRANSACTION_NUMBER_MAX
    assert all(len(t) <= emulator_payments.TRANSACTION_NUMBER_MAX for t in made), made
    assert len(made[-1]) == emulator_payments.TRANSACTION_NUMBER_MAX  # the tag's cap is exact


def test_id_prefixes_agree():
    emulator = emulator_ids.PREFIXES
    assert {
        "vendorId": emulator["vendor"],
        "billId": emulator["bill"],
        "fundingAccount.id": emulator["bank"],
    } == checks.ID_PREFIXES


def test_funding_types_agree():
    assert tuple(checks.FUNDING_TYPES) == tuple(emulator_payments.FUNDING_TYPES)


def test_both_sides_keep_the_federal_reserve_calendar():
    """One calendar: the ``holidays`` library's Federal Reserve holidays (XFED). Both sides
    agree with it, and with each other, on every day of the years a payment can name."""
    import datetime as dt

    import holidays

    from bill_emulator.backend import clock as emulator_clock
    from billhelpers.rules import business_days

    years = [*range(2020, 2031), 2099, 2100]  # XFED's own range: the library is the reference
    reference = holidays.financial_holidays("XFED", years=years)
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            expected = day.weekday() < 5 and day not in reference
            assert business_days.is_business_day(day) is expected, day
            assert emulator_clock.is_business_day(day) is expected, day
            day += dt.timedelta(days=1)
    for far in (dt.date(2150, 12, 25), dt.date(2150, 7, 4), dt.date(9999, 1, 1)):  # past 2100
        assert not business_days.is_business_day(far) and not emulator_clock.is_business_day(far)


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_the_emulator_loads_without_the_client():
    """Imported on its own, in a fresh interpreter, the emulator pulls in no billhelpers."""
    code = (
        "import sys, bill_emulator.backend, bill_emulator.app; "
        "print(any(m.split('.')[0] == 'billhelpers' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_webhook_event_types_agree():
    from bill_emulator.backend import webhooks as emulator_webhooks
    from billhelpers.resources import webhooks as client_webhooks

    assert tuple(client_webhooks.EVENT_TYPES) == tuple(emulator_webhooks.EVENT_TYPES)
    assert "payment.updated" in client_webhooks.EVENT_TYPES


def test_filterable_and_sortable_fields_agree():
    """The client's filter checks and the emulator's listing answer the same fields and
    operators: the client names resources in the plural, the emulator its kinds singular."""
    from bill_emulator.backend import listing
    from billhelpers.rules import filters

    kinds = {"vendors": "vendor", "bills": "bill", "banks": "bank", "payments": "payment"}
    kinds["vendorCredits"] = "vendorCredit"  # issue 25
    assert set(filters.FILTERABLE) == set(kinds) and set(listing.FIELDS) == set(kinds.values())
    for resource, kind in kinds.items():
        emulated = {name: field.ops for name, field in listing.FIELDS[kind].items()}
        assert {k: tuple(v) for k, v in filters.FILTERABLE[resource].items()} == {
            k: tuple(v) for k, v in emulated.items()
        }, resource
        assert set(filters.SORTABLE[resource]) == set(emulated) | set(listing.SORT_ONLY[kind])
    assert sum(len(fields) for fields in filters.FILTERABLE.values()) >= 31
    assert {res: names for res, names in filters.ALIASES.items()} == {
        resource: listing.ALIASES[kind]
        for resource, kind in kinds.items()
        if kind in listing.ALIASES
    }


def test_webhook_signatures_agree():
    from bill_emulator import delivery
    from billhelpers.rules import signatures

    body, key = b'{"metadata": {"eventType": "payment.updated"}}', "k3y-\u00e9"
    assert signatures.sign(body, key) == delivery.sign(body, key)
    assert signatures.verify_signature(body, delivery.sign(body, key), key)
    assert not signatures.verify_signature(body + b" ", delivery.sign(body, key), key)


def test_one_loopback_rule_a_side_and_both_agree():
    """Where the emulator's controls may be called (client) and where it posts webhooks or
    reuses a running emulator (emulator): this machine only, by the same rule."""
    from bill_emulator.backend.webhooks import is_loopback_host as emulator_rule
    from billhelpers.http.guard import is_loopback_host as client_rule

    hosts = {
        "127.0.0.1": True,
        "127.8.9.10": True,
        "localhost": True,
        "LOCALHOST": True,
        "::1": True,
        "[::1]": True,
        "0.0.0.0": False,  # noqa: S104 - a host name in a test table, nothing binds
        "10.0.0.1": False,
        "localhost.example.com": False,
        "gateway.stage.bill.com": False,
        "": False,
        None: False,
    }
    for host, expected in hosts.items():
        assert client_rule(host) is expected and emulator_rule(host) is expected, host


def test_live_payments_agree():
    """The report card's ``paid-twice`` and the client's never-pay-twice mean the same by a live
    payment: the kit's client is the card's model answer."""
    from bill_emulator.backend import report
    from billhelpers.rules import payment_identity

    assert report.ENDED_STATUSES == payment_identity.ENDED_STATUSES
    statuses = [
        *report.ENDED_STATUSES,
        "SCHEDULED",
        "PROCESSED",
        "SENT",
        "CLEARED",
        "VOID_PENDING",
        "RETURNED",
        "DISBURSEMENT_FAILED_ACTION_NEEDED",
        "DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED",
        "FUNDING_FAILED_ACTION_NEEDED",
        "SOMETHING_NEW",
    ]
    for status in statuses:
        for payment in ({"singleStatus": status}, {"status": status}):
            assert report.is_live(payment) == payment_identity.is_live(payment), payment


def test_vendor_credit_limits_agree():
    """Issue 25: the bulk limit of vendor credits (BILL's 50), the most credits one bill payment
    applies, the bills one recorded payment names, and the ``vcr`` id prefix."""
    from bill_emulator.backend import bill_records, credit_entries, ids, vendor_credits
    from billhelpers.resources import vendor_credits as client_credits
    from billhelpers.rules import credit_checks, credits

    assert client_credits.BULK_MAX == vendor_credits.BULK_MAX == 50
    assert credits.MAX_APPLIED == credit_entries.MAX_APPLIED
    assert credit_checks.RECORD_MAX == bill_records.RECORD_MAX
    assert credits.CREDIT_PREFIX == ids.PREFIXES["vendorCredit"] == "vcr"


def test_upload_limits_and_classification_kinds_agree():
    """Issue 25: BILL's 6 MB file limit, the 50-object bulk limit and the seven kinds' paths."""
    from bill_emulator.backend import classification_kinds, file_rules
    from billhelpers.resources import classifications
    from billhelpers.rules import files

    assert files.MAX_FILE_BYTES == file_rules.MAX_FILE_BYTES == 6 * 1024 * 1024
    assert files.MAX_NAME == file_rules.MAX_NAME
    assert classifications.BULK_MAX == classification_kinds.BULK_MAX == 50
    assert set(classifications.KINDS.values()) == set(classification_kinds.KINDS)
