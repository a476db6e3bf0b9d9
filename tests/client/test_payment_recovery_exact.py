"""``PaymentRecovery`` on its own, with exact answers: what it looks up after each kind of
failure, what it returns, and every word of the errors that tell a person whether a retry is
safe (``resources/payment_recovery.py`` in the mutation run).

A stand-in for ``client.payments`` answers the look-ups, so each case is one failure and one
state of BILL; ``tests/safety/test_never_pay_twice.py`` runs the same through the pipeline.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from billhelpers.exceptions import (
    ConnectionProblem,
    RateLimitError,
    ServerError,
    SessionError,
    UncertainPaymentError,
    ValidationError,
)
from billhelpers.resources.payment_recovery import PaymentRecovery

BODY = {"billId": "00n1", "amount": "10.00", "transactionNumber": "t1"}
BULK = {
    "processDate": "2026-12-28",
    "payments": [
        {"billId": "00n1", "amount": "10.00", "transactionNumber": "t1"},
        {"billId": "00n2", "amount": "20.00", "transactionNumber": "t2"},
    ],
}
SAFE = (
    "so nothing was paid: it is safe to retry with the same body (err.body keeps the "
    "transactionNumber)."
)


class Payments:
    """The look-ups PaymentRecovery makes, answered from ``recorded`` (txn -> payment)."""

    def __init__(self, recorded=None, fail=None):
        self.recorded, self.fail, self.asked = recorded or {}, fail, []
        self.client = SimpleNamespace(config=SimpleNamespace(total_timeout=35.0))

    def recorded_match(self, txn, body):
        self.asked.append(("match", txn, body))
        if self.fail:
            raise self.fail
        return self.recorded.get(txn)

    def recorded_for_items(self, items):
        self.asked.append(("items", [i["transactionNumber"] for i in items]))
        if self.fail:
            raise self.fail
        return {
            i["transactionNumber"]: [p for p in [self.recorded.get(i["transactionNumber"])] if p]
            for i in items
        }

    def recovered(self, payments, what):
        return ("recovered", payments, what)


def _single(payments):
    return PaymentRecovery(payments, "/v3/payments", BODY, ["t1"])


def _bulk(payments):
    return PaymentRecovery(payments, "/v3/payments/bulk", BULK, ["t1", "t2"])


def _connection(sent=True):
    return ConnectionProblem("x", method="POST", path="/v3/payments", sent=sent)


PAID_1 = {
    "id": "stp1",
    "billId": "00n1",
    "amount": "10.00",
    "transactionNumber": "t1",
    "status": "SCHEDULED",
}
PAID_2 = {
    "id": "stp2",
    "billId": "00n2",
    "amount": "20.00",
    "transactionNumber": "t2",
    "status": "SCHEDULED",
}


def test_the_numbers_are_listed_for_people_and_joined_for_code():
    recovery = _bulk(Payments())
    assert (recovery.listed, recovery.number) == ("t1, t2", "t1,t2")


@pytest.mark.parametrize(
    ("err", "what"),
    [
        (ServerError("boom", code="BDC_1001", http_status=500), "BILL answered HTTP 500 BDC_1001"),
        (ServerError("boom", http_status=503), "BILL answered HTTP 503"),
        (
            RateLimitError("slow", code="BDC_1322", http_status=429),
            "BILL answered BDC_1322 (rate limit)",
        ),
        (RateLimitError("slow", http_status=429), "BILL answered 429 (rate limit)"),
        (
            SessionError("expired", code="BDC_1109", http_status=401),
            "the session had expired (BDC_1109)",
        ),
        (_connection(), "the answer never arrived (timeout or dropped connection)"),
    ],
    ids=["500", "503", "rate-code", "rate-429", "session", "lost"],
)
def test_a_recorded_payment_is_returned_with_what_happened(err, what):
    payments = Payments({"t1": PAID_1})
    assert _single(payments).look_up(err) == ("recovered", [PAID_1], what)
    assert payments.asked == [("match", "t1", BODY)]


def test_nothing_is_looked_up_for_a_request_that_never_left():
    payments = Payments({"t1": PAID_1})
    assert _single(payments).look_up(_connection(sent=False)) is None
    assert payments.asked == []


def test_nothing_recorded_is_none():
    assert _single(Payments()).look_up(_connection()) is None


def test_a_bulk_payment_is_recovered_whole_or_reported_in_part():
    payments = Payments({"t1": PAID_1, "t2": PAID_2})
    assert _bulk(payments).look_up(_connection()) == (
        "recovered",
        [PAID_1, PAID_2],
        "the answer never arrived (timeout or dropped connection)",
    )
    assert payments.asked == [("items", ["t1", "t2"])]
    with pytest.raises(UncertainPaymentError) as info:
        _bulk(Payments({"t1": PAID_1})).look_up(_connection())
    err = info.value
    assert str(err) == (
        "POST /v3/payments/bulk: the answer never arrived (timeout or dropped connection); BILL "
        "recorded only part of the bulk payment (missing transactionNumbers: t2). Check the "
        "bills before paying again."
    )
    assert (err.transaction_number, err.recorded, err.path, err.body) == (
        "t1,t2",
        None,
        "/v3/payments/bulk",
        BULK,
    )
    assert _bulk(Payments()).look_up(_connection()) is None


def test_a_bulk_item_inherits_the_shared_fields_when_matched():
    other_vendor = {**PAID_1, "vendorId": "009other"}
    body = {**BULK, "vendorId": "009mine"}
    recovery = PaymentRecovery(
        Payments({"t1": other_vendor, "t2": PAID_2}), "/v3/payments/bulk", body, ["t1", "t2"]
    )
    with pytest.raises(UncertainPaymentError) as info:
        recovery.look_up(_connection())  # t1's payment is another vendor's: not this one
    assert "missing transactionNumbers: t1)" in str(info.value)


def test_a_failed_look_up_says_do_not_retry():
    cause = _connection()
    lookup_failure = ServerError("down", code="BDC_1001", http_status=500)
    with pytest.raises(UncertainPaymentError) as info:
        _single(Payments(fail=lookup_failure)).look_up(cause)
    err = info.value
    assert str(err) == (
        "POST /v3/payments: the answer never arrived (timeout or dropped connection), and "
        "looking up transactionNumber t1 failed too (BDC_1001: down). The payment may or may not "
        "exist: do NOT retry until client.payments.find('t1') returns None."
    )
    assert (err.transaction_number, err.recorded, err.path, err.body) == (
        "t1",
        None,
        "/v3/payments",
        BODY,
    )
    assert err.__cause__ is cause


def test_giving_up_after_a_rate_limit_keeps_the_callers_error():
    err = RateLimitError("slow", code="BDC_1322", http_status=429, hint="wait a minute.")
    told = _single(Payments()).give_up(err)
    assert told is not err and type(told) is RateLimitError
    assert (told.transaction_number, told.body) == ("t1", BODY)
    assert told.hint == (
        "wait a minute. Nothing was paid: BILL has no payment with transactionNumber t1. To pay, "
        "send err.body again later (it keeps that transactionNumber), not a new body."
    )
    assert err.hint == "wait a minute." and getattr(err, "transaction_number", None) is None


@pytest.mark.parametrize(
    ("err", "message"),
    [
        (
            ServerError("boom", code="BDC_1001", http_status=500),
            f"POST /v3/payments: BILL answered HTTP 500 BDC_1001. BILL has no payment with "
            f"transactionNumber t1, {SAFE}",
        ),
        (
            _connection(sent=False),
            f"POST /v3/payments: the connection to BILL could not be opened. The request never "
            f"reached BILL, {SAFE}",
        ),
    ],
    ids=["500", "never-sent"],
)
def test_giving_up_when_nothing_was_recorded_is_safe_to_retry(err, message):
    told = _single(Payments()).give_up(err)
    assert type(told) is UncertainPaymentError and str(told) == message
    assert (told.transaction_number, told.recorded, told.safe_to_retry, told.path, told.body) == (
        "t1",
        False,
        True,
        "/v3/payments",
        BODY,
    )


@pytest.mark.parametrize(
    "err",
    [
        _connection(),
        ServerError("gateway", http_status=502),
        ServerError("gateway", http_status=504),
    ],
    ids=["lost", "502", "504"],
)
def test_giving_up_while_bill_may_still_be_processing_says_wait(err):
    told = _bulk(Payments()).give_up(err)
    what = (
        "the answer never arrived (timeout or dropped connection)"
        if isinstance(err, ConnectionProblem)
        else f"BILL answered HTTP {err.http_status}"
    )
    assert str(told) == (
        f"POST /v3/payments/bulk: {what}. The request reached BILL, which may still be processing "
        "it: BILL has no payment with transactionNumber t1, t2 yet, but that is not proof it will "
        "not be paid. Do NOT retry now: call client.payments.find('t1') and "
        "client.payments.find('t2') again in a moment, and resend err.body (the same "
        "transactionNumber) only if it still finds nothing once the request cannot be in flight "
        "any more (35 s after it was sent: the client refuses to send it again before then)."
    )
    assert (told.transaction_number, told.recorded, told.safe_to_retry) == ("t1,t2", None, False)


def test_other_errors_are_given_back_as_they_are():
    err = ValidationError("bad", code="BDC_1000", http_status=400)
    assert _single(Payments()).give_up(err) is err


def test_errors_of_a_bulk_payment_name_its_path():
    body = {
        "payments": [
            *BULK["payments"],
            {"billId": "00n3", "amount": "1.00", "transactionNumber": "t3"},
        ]
    }
    recovery = PaymentRecovery(
        Payments({"t1": PAID_1}), "/v3/payments/bulk", body, ["t1", "t2", "t3"]
    )
    with pytest.raises(UncertainPaymentError) as info:
        recovery.look_up(_connection())
    assert "(missing transactionNumbers: t2, t3)" in str(info.value)
    assert info.value.path == "/v3/payments/bulk"
    failing = PaymentRecovery(
        Payments(fail=ServerError("down", http_status=500)), "/v3/payments/bulk", BULK, ["t1", "t2"]
    )
    with pytest.raises(UncertainPaymentError) as info:
        failing.look_up(_connection())
    assert info.value.path == "/v3/payments/bulk"
    for err in (_connection(), ServerError("boom", http_status=500)):
        assert _bulk(Payments()).give_up(err).path == "/v3/payments/bulk"
