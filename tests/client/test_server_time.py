"""BILL's today comes from the server (the ``Date`` header of its answers), not this computer.

Why: a laptop in a US evening is a day behind BILL's UTC date, and the emulator's test clock can
be days ahead of the wall; a processDate counted from the wrong day is refused (BDC_1152).
"""

from __future__ import annotations

import datetime as dt

import pytest
from client_bodies import pay_date, payment_body
from world_clock import TEST_TODAY

import billhelpers as bh
from billhelpers.http.server_time import ServerClock
from billhelpers.rules.business_days import add_business_days


class Ticks:
    """A monotonic timer the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_newest_date_header_sets_the_day_and_time_counts_on_from_it():
    ticks = Ticks()
    clock = ServerClock(monotonic=ticks, wall=lambda: 0.0)
    clock.observe("Thu, 31 Dec 2026 23:59:00 GMT")
    assert clock.today() == dt.date(2026, 12, 31)
    ticks.now += 120  # two minutes later, with no new answer
    assert clock.today() == dt.date(2027, 1, 1)
    clock.observe("Mon, 01 Mar 2027 09:00:00 GMT")  # the test clock moved
    assert clock.now() == dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize("header", [None, "", "yesterday", "Thu, 99 Foo 2026 25:61:00 GMT"])
def test_a_missing_or_malformed_date_header_is_ignored(header):
    clock = ServerClock(monotonic=Ticks(), wall=lambda: 0.0)
    clock.observe("Thu, 24 Dec 2026 12:00:00 GMT")
    clock.observe(header)
    assert clock.today() == dt.date(2026, 12, 24)


def test_before_any_answer_the_wall_clock_in_utc_stands_in():
    evening_in_new_york = dt.datetime(
        2026, 12, 24, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )
    clock = ServerClock(wall=evening_in_new_york.timestamp)
    assert not clock.seen
    assert clock.today() == dt.date(2026, 12, 25)  # UTC, as BILL counts, not the local date


def test_client_today_is_the_emulators_even_after_the_clock_moves(client):
    assert client.today() == TEST_TODAY  # the test world's pinned day, whatever the wall says
    client.emulator.advance_business_days(2)
    assert client.today() == add_business_days(TEST_TODAY, 2)
    assert client.today().isoformat() == client.emulator.clock()["today"]


def test_a_new_demo_client_asks_the_emulator_before_its_first_answer(make_client):
    fresh = make_client()
    assert not fresh.server_clock.seen
    assert fresh.today() == TEST_TODAY
    assert fresh.calls_sent == 0  # the emulator's clock control is not a BILL call


def test_a_processdate_valid_on_the_wall_but_past_for_bill_is_refused_before_sending(
    trusted, unpaid_bill
):
    trusted.emulator.move_clock_to(add_business_days(TEST_TODAY, 10))
    trusted.bills.get(unpaid_bill["id"])  # a new session: the old one expired on the way
    body = payment_body(unpaid_bill["id"], "25.00", processDate=pay_date())
    sent = trusted.calls_sent
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(body, check_bill=False)
    assert info.value.field == "processDate" and "in the past" in str(info.value)
    assert trusted.calls_sent == sent


def test_retry_after_as_a_date_counts_from_the_servers_clock():
    from billhelpers.http.exchange import retry_after as _retry_after

    clock = ServerClock(monotonic=Ticks(), wall=lambda: 0.0)  # the local wall says 1970
    clock.observe("Thu, 24 Dec 2026 12:00:00 GMT")
    assert _retry_after("Thu, 24 Dec 2026 12:00:30 GMT", clock) == 30.0
    assert _retry_after("Thu, 24 Dec 2026 11:00:00 GMT", clock) == 0.0
    assert _retry_after("7", clock) == 7.0
    assert _retry_after("soon", clock) is None


def test_outside_demo_the_first_today_asks_bill_not_the_computer(make_client):
    from billhelpers.config import DEMO_CREDENTIALS

    sandbox = make_client(environment="sandbox", **DEMO_CREDENTIALS)  # pointed at the emulator
    assert sandbox.today() == TEST_TODAY  # the emulator's pinned day, not the wall's
    assert [(c["method"], c["path"]) for c in sandbox.history][-1] == (
        "GET",
        "/v3/login/session",
    )
    sent = sandbox.calls_sent
    assert sandbox.today() == TEST_TODAY and sandbox.calls_sent == sent  # asked once
