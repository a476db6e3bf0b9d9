"""The report card's checks (bill_emulator/backend/report.py) as pure functions over call
records: for each, a run that breaks it, one that passes it, and one with nothing to judge."""

from __future__ import annotations

import pytest

from bill_emulator.backend import report, report_calls
from bill_emulator.backend.report_calls import Call

BILL = "00n01SBX000000000001"


def run(*calls: Call) -> list[Call]:
    return report_calls.numbered(calls)


def call(method, path, status, at, *, done=None, **kw) -> Call:
    return Call(method=method, path=path, status=status, arrival_ms=at, done_ms=done or at, **kw)


def login(at, status=200, **kw) -> Call:
    return call("POST", "/v3/login", status, at, **kw)


def pay(at, status, *, paid=None, txn="T1", bill=BILL, code=None) -> Call:
    created = [paid] if paid else []
    facts = {
        "endpoint": "create_payment",
        "billIds": [bill],
        "txns": [txn],
        "paid": [[bill, p] for p in created],
        "created": created,
    }
    return call("POST", "/v3/payments", status, at, facts=facts, code=code)


def look_up(at, filters) -> Call:
    return call(
        "GET", "/v3/payments", 200, at, facts={"endpoint": "list_payments", "filters": filters}
    )


def vendor(at, status, name, created=None) -> Call:
    facts = {"endpoint": "create_vendor", "names": [name], "created": [created] if created else []}
    return call("POST", "/v3/vendors", status, at, facts=facts)


def bill(at, status, fingerprint, created=None) -> Call:
    facts = {
        "endpoint": "create_bill",
        "bills": [fingerprint],
        "created": [created] if created else [],
    }
    return call("POST", "/v3/bills", status, at, facts=facts)


def verdict(card_id, calls, live=frozenset()):
    [check] = report.grade(calls, set(live), [card_id])
    return check["passed"], check["evidence"]


# -- paid-twice ---------------------------------------------------------------------------------


def test_paid_twice_after_a_lost_answer_fails():
    calls = run(login(0), pay(10, 0, paid="stp1"), pay(20, 201, paid="stp2", txn="T2"))
    passed, evidence = verdict("paid-twice", calls, {"stp1", "stp2"})
    assert passed is False and "stp1" in evidence[0] and "stp2" in evidence[0]


def test_paid_twice_passes_when_the_first_was_canceled_or_never_recorded():
    calls = run(login(0), pay(10, 0, paid="stp1"), pay(20, 201, paid="stp2"))
    assert verdict("paid-twice", calls, {"stp2"})[0] is True  # stp1 canceled since
    calls = run(login(0), pay(10, 0), pay(20, 201, paid="stp2"))  # dropped before the write
    assert verdict("paid-twice", calls, {"stp2"})[0] is True


def test_two_payments_for_one_bill_with_certain_answers_are_not_paid_twice():
    calls = run(pay(10, 201, paid="stp1"), pay(20, 201, paid="stp2", txn="T2"))
    assert verdict("paid-twice", calls, {"stp1", "stp2"})[0] is True  # two intents, both known


def test_paid_twice_has_nothing_to_judge_without_a_payment():
    assert verdict("paid-twice", run(login(0)))[0] is None


# -- blind-payment-retry ------------------------------------------------------------------------


def test_a_payment_sent_again_after_a_5xx_without_a_look_up_fails_even_when_refused():
    calls = run(pay(10, 503), pay(20, 400, code="BDC_1000"))
    passed, evidence = verdict("blind-payment-retry", calls)
    assert passed is False and "no look-up" in evidence[0]


def test_a_look_up_by_transaction_number_or_bill_in_between_passes():
    for filters in ('transactionNumber:eq:"T1"', f'billId:eq:"{BILL}"', ""):
        calls = run(pay(10, 0), look_up(15, filters), pay(20, 201, paid="stp2"))
        assert verdict("blind-payment-retry", calls)[0] is True, filters
    calls = run(pay(10, 0), call("GET", f"/v3/bills/{BILL}", 200, 15), pay(20, 201))
    assert verdict("blind-payment-retry", calls)[0] is True


def test_a_look_up_of_something_else_or_one_that_failed_does_not_count():
    other = look_up(15, 'transactionNumber:eq:"T9"')
    assert verdict("blind-payment-retry", run(pay(10, 0), other, pay(20, 201)))[0] is False
    lost = call("GET", "/v3/payments", 0, 15, facts={"endpoint": "list_payments"})
    assert verdict("blind-payment-retry", run(pay(10, 0), lost, pay(20, 201)))[0] is False


def test_a_refusal_is_not_uncertain():
    calls = run(pay(10, 429, code="BDC_1322"), pay(2000, 201, paid="stp1"))
    assert verdict("blind-payment-retry", calls)[0] is True


# -- duplicate-create ---------------------------------------------------------------------------


def test_a_vendor_created_again_after_a_lost_answer_fails():
    calls = run(vendor(10, 0, "paper co", "009A"), vendor(20, 201, "paper co", "009B"))
    passed, evidence = verdict("duplicate-create", calls)
    assert passed is False and "009A" in evidence[0]


def test_a_vendor_found_or_archived_first_passes():
    found = call("GET", "/v3/vendors", 200, 15)
    calls = run(vendor(10, 0, "paper co", "009A"), found, vendor(20, 201, "ink co", "009B"))
    assert verdict("duplicate-create", calls)[0] is True
    archive = call("POST", "/v3/vendors/009A/archive", 200, 15)
    calls = run(vendor(10, 201, "paper co", "009A"), archive, vendor(20, 201, "paper co", "009B"))
    assert verdict("duplicate-create", calls)[0] is True
    calls = run(vendor(10, 0, "paper co"), vendor(20, 201, "paper co", "009B"))  # never made
    assert verdict("duplicate-create", calls)[0] is True


def test_a_bill_created_again_after_its_answer_was_lost_fails():
    calls = run(bill(10, 502, "fp1", "00nA"), bill(20, 201, "fp1", "00nB"))
    assert verdict("duplicate-create", calls)[0] is False
    calls = run(bill(10, 0, "fp1"), bill(20, 201, "fp1", "00nB"))  # dropped before the write
    assert verdict("duplicate-create", calls)[0] is True
    calls = run(bill(10, 201, "fp1", "00nA"), bill(20, 201, "fp1", "00nB"))  # two bills meant
    assert verdict("duplicate-create", calls)[0] is True


def test_duplicate_create_has_nothing_to_judge_without_a_create():
    assert verdict("duplicate-create", run(login(0)))[0] is None


# -- backoff ------------------------------------------------------------------------------------


def test_a_call_before_retry_after_has_passed_fails():
    calls = run(
        call("GET", "/v3/vendors", 429, 0, done=5, retry_after=2, code="BDC_1322"),
        call("GET", "/v3/bills", 200, 1005),
    )
    passed, evidence = verdict("backoff", calls)
    assert passed is False and "asked for 2 s" in evidence[0]


def test_a_rate_limit_without_retry_after_asks_for_one_second():
    refused = call("GET", "/v3/vendors", 429, 0, done=5, code="BDC_1322")
    assert verdict("backoff", run(refused, call("GET", "/v3/vendors", 200, 500)))[0] is False
    assert verdict("backoff", run(refused, call("GET", "/v3/vendors", 200, 1010)))[0] is True


def test_calls_already_in_flight_when_the_rate_limit_answered_do_not_count():
    calls = run(
        call("GET", "/v3/bills", 200, 1, done=30),
        call("GET", "/v3/vendors", 429, 2, done=5, retry_after=1),
    )
    assert verdict("backoff", calls)[0] is True


def test_retries_must_not_wait_less_than_the_previous_retry():
    shrinking = run(
        call("GET", "/v3/vendors", 503, 0),
        call("GET", "/v3/vendors", 503, 1000),  # waited 1 s
        call("GET", "/v3/vendors", 200, 1100),  # then 0.1 s
    )
    passed, evidence = verdict("backoff", shrinking)
    assert passed is False and "sooner than the previous retry" in evidence[0]
    growing = run(
        call("GET", "/v3/vendors", 503, 0),
        call("GET", "/v3/vendors", 503, 1000),
        call("GET", "/v3/vendors", 200, 3000),
    )
    assert verdict("backoff", growing)[0] is True


def test_a_retry_after_governs_the_wait_that_follows_it():
    calls = run(
        call("GET", "/v3/vendors", 503, 0),
        call("GET", "/v3/vendors", 429, 4000, retry_after=1),  # waited 4 s
        call("GET", "/v3/vendors", 200, 5100),  # 1.1 s: as the header said
    )
    assert verdict("backoff", calls)[0] is True


def test_backoff_has_nothing_to_judge_without_a_failure():
    assert verdict("backoff", run(login(0), call("GET", "/v3/vendors", 200, 5)))[0] is None


# -- concurrency --------------------------------------------------------------------------------


def test_a_fourth_call_in_flight_fails_refused_or_not():
    calls = run(*(call("GET", "/v3/vendors", 200, i, in_flight=i) for i in range(4)))
    passed, evidence = verdict("concurrency", calls)
    assert passed is False and "3 calls" in evidence[0]
    calls = run(*(call("GET", "/v3/vendors", 200, i, in_flight=min(i, 2)) for i in range(6)))
    assert verdict("concurrency", calls)[0] is True


# -- login-budget -------------------------------------------------------------------------------


def test_a_login_per_call_fails():
    calls = []
    for i in range(5):
        calls += [login(i * 10), call("GET", "/v3/vendors", 200, i * 10 + 5)]
    passed, evidence = verdict("login-budget", run(*calls))
    assert passed is False and "5 logins; the run needed 1" in evidence[0]


def test_logins_needed_for_ended_sessions_and_failed_logins_are_allowed():
    calls = run(
        login(0, status=0),
        login(10, status=503),
        login(20, status=429, code="BDC_1144"),
        login(1100),
        call("GET", "/v3/vendors", 401, 1200, code="BDC_1109"),
        login(1300),
        login(1400),
        login(1500),  # 6 logins: needed 1 + 1 + 3 = 5, plus 2 allowed
    )
    assert verdict("login-budget", calls)[0] is True
    assert verdict("login-budget", run(*calls, login(1600), login(1700)))[0] is False


def test_over_200_logins_in_an_hour_fails_even_when_needed():
    calls = []
    for i in range(201):
        calls += [login(i * 1000), call("GET", "/v3/vendors", 401, i * 1000 + 5, code="BDC_1109")]
    passed, evidence = verdict("login-budget", run(*calls))
    assert passed is False and "over BILL's 200 an hour" in evidence[0]


def test_login_budget_has_nothing_to_judge_without_a_login():
    assert verdict("login-budget", run(call("GET", "/v3/vendors", 401, 0)))[0] is None


# -- untrusted-payment --------------------------------------------------------------------------


def test_the_second_payment_refused_as_untrusted_fails():
    once = run(pay(10, 403, code="BDC_1361"))
    assert verdict("untrusted-payment", once)[0] is True
    twice = run(pay(10, 403, code="BDC_1361"), pay(20, 403, code="BDC_1361"))
    passed, evidence = verdict("untrusted-payment", twice)
    assert passed is False and "BDC_1361" in evidence[0]


def test_a_401_from_an_ended_session_does_not_count():
    calls = run(
        pay(10, 401, code="BDC_1109"), pay(20, 401, code="BDC_1109"), pay(30, 403, code="BDC_1361")
    )
    assert verdict("untrusted-payment", calls)[0] is True


# -- the card -----------------------------------------------------------------------------------


def test_the_card_lists_every_check_in_order_with_a_table():
    card = report.grade(run(login(0)), set())
    assert [c["id"] for c in card] == list(report.CHECK_IDS)
    assert set(card[0]) == {"id", "passed", "title", "evidence"}
    text = report.table(card)
    for check_id in report.CHECK_IDS:
        assert check_id in text
    assert report.overall(card) is True  # concurrency and login-budget judged, none failed


@pytest.mark.parametrize(
    ("endpoint", "body", "payload", "expected"),
    [
        (
            "create_vendor",
            {
                "name": "  Paper  Co ",
                "paymentInformation": {"bankAccount": {"accountNumber": "000123456789"}},
            },
            {"id": "009X"},
            {"names": ["paper co"], "created": ["009X"]},
        ),
        (
            "bulk_create_payments",
            {
                "processDate": "2026-06-20",
                "payments": [{"billId": "00nA", "transactionNumber": "T"}],
            },
            {"payments": [{"id": "stpA", "billPayments": [{"billId": "00nA"}]}]},
            {"billIds": ["00nA"], "txns": ["T"], "paid": [["00nA", "stpA"]], "created": ["stpA"]},
        ),
    ],
)
def test_call_facts_keep_what_the_checks_need_and_no_secret(endpoint, body, payload, expected):
    facts = report_calls.call_facts(endpoint, "/v3/x", body, 201, payload)
    assert facts == {"endpoint": endpoint, **expected}
    assert "000123456789" not in str(facts)


def test_a_bill_fingerprint_ignores_the_invoice_number_and_money_spelling():
    one = {
        "vendorId": "009A",
        "invoice": {"invoiceNumber": "1"},
        "billLineItems": [{"amount": "40.0"}],
    }
    two = {"vendorId": "009A", "invoice": {"invoiceNumber": "2"}, "billLineItems": [{"amount": 40}]}
    other = {"vendorId": "009A", "billLineItems": [{"amount": 41}]}
    assert report_calls.bill_fingerprint(one) == report_calls.bill_fingerprint(two)
    assert report_calls.bill_fingerprint(one) != report_calls.bill_fingerprint(other)


def test_a_retry_in_the_same_millisecond_as_the_refusal_breaks_backoff():
    """Loopback answers in well under a millisecond: a retry stamped with the refusal's own
    millisecond still came too soon (it was flaky when only later milliseconds counted)."""
    calls = run(
        call("GET", "/v3/vendors", 429, 1000, done=1000, code="BDC_1322"),
        call("GET", "/v3/vendors", 200, 1000),
    )
    passed, evidence = report.backoff(calls)
    assert passed is False and "asked for 1 s" in evidence[0]


def test_a_call_already_in_flight_when_the_refusal_came_is_no_retry():
    calls = run(
        call("GET", "/v3/vendors", 429, 1000, done=1005, code="BDC_1322"),
        call("GET", "/v3/bills", 200, 1001, done=1004),
        call("GET", "/v3/vendors", 200, 2100),
    )
    assert report.backoff(calls)[0] is True


# -- calls logged out of order, answers never read (a client's read timeout) --------------------


def test_a_slow_call_is_judged_where_it_arrived_and_a_clock_moved_back_keeps_the_order():
    slow = call("POST", "/v3/payments", 201, 1_000, done=1_800)
    quick = call("POST", "/v3/payments", 201, 1_300, done=1_310)
    back = call("GET", "/v3/vendors", 200, 1_000 - report_calls.CLOCK_MOVED_BACK_MS - 1)
    ordered = report_calls.numbered([quick, slow, back])  # as logged: in the order they ended
    assert [(c.arrival_ms, c.n) for c in ordered] == [(1_000, 1), (1_300, 2), (back.arrival_ms, 3)]


def test_an_answer_never_read_is_uncertain():
    from dataclasses import replace

    paid = pay(1_000, 201, paid="stp1")
    assert not paid.uncertain
    unread = replace(paid, facts={**paid.facts, "unsent": True})
    assert unread.uncertain and "never read" in unread.label()
    calls = run(unread, pay(1_500, 201, paid="stp2", txn="T2"))
    assert report.paid_twice(calls, {"stp1", "stp2"})[0] is False
    assert report.blind_payment_retry(calls)[0] is False
