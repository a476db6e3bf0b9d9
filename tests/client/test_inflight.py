"""The in-flight holds (billhelpers.resources.inflight): exact values, so a planted change to the
deadline, the comparison or the words fails a test."""

from __future__ import annotations

import pytest

import billhelpers as bh
from billhelpers.resources import inflight
from billhelpers.resources.inflight import InFlightHolds


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(inflight, "_now", lambda: now[0])
    return now


def test_a_hold_lasts_the_deadline_from_when_it_starts(clock):
    holds = InFlightHolds(lambda: 40.0)
    holds.hold(["t1", 7])
    assert holds == {"t1": 1040.0, "7": 1040.0}


def test_a_second_hold_keeps_the_later_deadline(clock):
    deadline = [40.0]
    holds = InFlightHolds(lambda: deadline[0])
    holds.hold(["t1"])
    deadline[0] = 10.0  # a shorter deadline later must not shorten the first hold
    clock[0] = 1005.0
    holds.hold(["t1"])
    assert holds == {"t1": 1040.0}
    clock[0] = 1050.0
    holds.hold(["t1"])
    assert holds == {"t1": 1060.0}


def test_release_forgets_only_the_numbers_named(clock):
    holds = InFlightHolds(lambda: 40.0)
    holds.hold(["t1", "t2"])
    holds.release(["t1", "t9"])
    assert holds == {"t2": 1040.0}


def test_a_look_up_before_the_hold_ends_refuses_with_what_to_do(clock):
    holds = InFlightHolds(lambda: 40.0)
    holds.hold(["t1", "t2", "t3"])
    clock[0] = 1010.0
    body = {"payments": []}
    with pytest.raises(bh.UncertainPaymentError) as err:
        holds.check("/v3/payments/bulk", body, ["t1", "t2"], looked_at=1039.9)
    assert str(err.value) == (
        "POST /v3/payments/bulk: transactionNumber t1, t2 was sent a moment ago without a clear "
        "answer, and BILL may still be processing it; nothing was sent now. Wait 30 s more (the "
        "call's total deadline of 40 s after it was sent), then call "
        "client.payments.find('t1') and client.payments.find('t2'); resend err.body (the same "
        "transactionNumber) only if it still finds nothing."
    )
    assert err.value.transaction_number == "t1,t2"
    assert err.value.recorded is None
    assert err.value.path == "/v3/payments/bulk" and err.value.body is body
    assert holds == {"t1": 1040.0, "t2": 1040.0, "t3": 1040.0}  # nothing released


def test_a_look_up_made_when_the_hold_ends_releases_it(clock):
    holds = InFlightHolds(lambda: 40.0)
    holds.hold(["t1", "t2"])
    holds.check("/v3/payments", {}, ["t1"], looked_at=1040.0)  # at the deadline: not pending
    assert holds == {"t2": 1040.0}


def test_the_wait_is_never_negative(clock):
    holds = InFlightHolds(lambda: 40.0)
    holds.hold(["t1"])
    clock[0] = 2000.0  # the clock passed the hold, but the look-up predates its end
    with pytest.raises(bh.UncertainPaymentError, match=r"Wait 0 s more"):
        holds.check("/v3/payments", {}, ["t1"], looked_at=1001.0)


def test_numbers_never_held_pass(clock):
    holds = InFlightHolds(lambda: 40.0)
    holds.check("/v3/payments", {}, ["t1"], looked_at=0.0)
    assert holds == {}
    assert (holds == ["t1"]) is False  # compares with a dict only
