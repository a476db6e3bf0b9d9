"""The report card sees a client that gives up: a payment whose answer came too late for the
client's read timeout is an uncertain outcome, like a dropped answer. The emulator notices that
the client closed the connection before the answer was written and grades what came next: paying
again blind (and so twice) fails ``paid-twice`` and ``blind-payment-retry``; looking the
transaction number up until the payment shows passes."""

from __future__ import annotations

import time

import pytest
import requests
from test_report_card import Client, check, ready

#: The payment is held this long before it is carried out; the client waits far less.
SLOW = 0.8
CLIENT_TIMEOUT = 0.2


def _pay_giving_up(client: Client, bill_id: str, txn: str, amount: float) -> None:
    """A payment POST whose answer the client stops waiting for (it closes the connection)."""
    slow = requests.Session()
    slow.headers.update(client.http.headers)
    original, client.http = client.http, slow
    try:
        with pytest.raises(requests.ReadTimeout):
            client.http.request(
                "POST",
                client.url + "/v3/payments",
                json=_payment(client, bill_id, txn, amount),
                timeout=(5, CLIENT_TIMEOUT),
            )
    finally:
        client.http = original
        slow.close()


def _payment(client: Client, bill_id: str, txn: str, amount: float) -> dict:
    from bill_emulator.backend.clock import add_business_days

    return {
        "billId": bill_id,
        "amount": amount,
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": client.bill.bank_account_id},
        "processingOptions": {"requestPayFaster": False},
        "processDate": add_business_days(client.bill.clock.today(), 3).isoformat(),
        "transactionNumber": txn,
    }


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_paying_again_after_a_read_timeout_pays_twice(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", delay=SLOW)
    _pay_giving_up(client, bill["id"], "T-1", 20.00)  # "no answer: it failed"
    assert client.pay(bill["id"], "T-2", 20.00).status_code == 201  # pays again at once
    card = bill_emulator.report()  # waits for the slow payment to be carried out
    assert set(card.failed()) == {"paid-twice", "blind-payment-retry"}, card.table
    evidence = card.check("paid-twice")["evidence"][0]
    assert bill["id"] in evidence and "never read" in evidence


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_looking_up_after_a_read_timeout_pays_once(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", delay=SLOW)
    _pay_giving_up(client, bill["id"], "T-1", 40.00)
    wait, found = 0.1, []
    for _ in range(8):  # the payment may still be on its way: look again, waiting longer
        found = client.find_payment("T-1")
        if found:
            break
        time.sleep(wait)
        wait *= 2
    assert len(found) == 1  # it was recorded: done, nothing paid again
    card = bill_emulator.report()
    assert card.check("paid-twice")["passed"] is True
    assert card.check("blind-payment-retry")["passed"] is True
    assert card.passed is True, card.table


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_an_answer_read_in_time_is_not_uncertain(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", delay=0.3)
    assert client.pay(bill["id"], "T-1", 20.00).status_code == 201  # waited: certain
    assert client.pay(bill["id"], "T-2", 20.00).status_code == 201  # a second, intended one
    assert check(bill_emulator, "paid-twice")["passed"] is True
    assert check(bill_emulator, "blind-payment-retry")["passed"] is True
