"""The kit's payment run (billhelpers/payrun) is the model answer too: an export of unpaid bills
from CSV to scheduled payments, run against the ``bill_emulator`` fixture under every fault
profile, pays every bill exactly once and passes every check of the report card.

The run is driven as a person would drive it: each step reads BILL's state and does only what
is missing, so after an uncertain outcome or a refusal the whole run is started again from the
file (after waiting as BILL asked); it is never told to repeat one call."""

from __future__ import annotations

import datetime as dt
import importlib.util
import time
from collections import Counter
from pathlib import Path

import pytest
from client_bodies import check_vendor_body

import billhelpers as bh
from bill_emulator.backend.profiles import NAMES
from billhelpers.exceptions import (
    BillAPIError,
    ConnectionProblem,
    UncertainPaymentError,
)
from billhelpers.payrun import read_export
from billhelpers.payrun.run import PaymentRun

ROOT = Path(__file__).resolve().parents[2]


def export(tmp_path, bills: int = 12, vendors: int = 3) -> list:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "make_payrun_export.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path / "unpaid.csv"
    gen.write(path, "qbo", gen.bills(bills, vendors, 7, dt.date(2026, 11, 30)))
    return read_export(path)


def details(rows) -> dict[str, dict]:
    """Each new vendor's details: paid by check (no bank account to wait two days for)."""
    out = {}
    for name in {r.vendor for r in rows}:
        body = check_vendor_body(name)
        body.pop("name")
        out[name] = body
    return out


def trust(client, bill) -> None:
    """MFA with the code "texted" to the organization's phone (the fixture reads it)."""
    challenge = client.mfa.challenge()
    client.mfa.validate(challenge["challengeId"], bill.mfa_code(), remember_me=True)


def pay_the_export(client, bill, rows, *, attempts: int = 12) -> dict:
    """Run the payment run until nothing is left to pay; after a failure, wait (at least as
    BILL asked, and longer each time) and run it again from the file. Returns what happened."""
    vendor_details = details(rows)
    day = None
    wait, failures = 1.0, Counter()
    for _ in range(attempts):
        try:
            if not client.is_trusted:
                trust(client, bill)
            run = PaymentRun(client, rows, vendor_details=vendor_details, progress=False)
            run.refresh()
            run.create_missing()
            day = day or run.run_date()  # chosen once: the date stays valid for the whole run
            verdicts = run.preflight(day)
            if not any(v.go for v in verdicts):
                return {"verdicts": verdicts, "failures": failures}
            expected = run.pay(verdicts, day)
            run.reconcile(expected)
        except (BillAPIError, ConnectionProblem, UncertainPaymentError) as err:
            failures[type(err).__name__] += 1
            asked = getattr(err, "retry_after", None) or 0
            time.sleep(max(wait, asked))
            wait *= 2
    raise AssertionError(f"the run did not finish: {dict(failures)}")


def live_payments(client) -> Counter:
    return Counter(
        p["billId"]
        for p in client.payments.list_all(progress=False)
        if p.get("status") not in ("CANCELLED", "VOID")
    )


@pytest.mark.slow  # waits as BILL asks after each failure: about 30 s in all
@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
@pytest.mark.parametrize("profile", NAMES)
@pytest.mark.parametrize("seed", [1, 2])
def test_the_kit_payment_run_passes_every_check(
    bill_emulator, tmp_path, monkeypatch, profile, seed
):
    monkeypatch.setenv("BILL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BILL_MFA_DEVICE", "kit-payrun-device")
    for name, value in bill_emulator.env.items():
        monkeypatch.setenv(name, value)
    rows = export(tmp_path)
    bill_emulator.fault_profile(profile, seed)
    client = bh.connect(dotenv=False)
    try:
        pay_the_export(client, bill_emulator, rows)
        card = bill_emulator.report()
        bill_emulator.clear_fault_profile()  # the checks below are not part of the run
        paid = live_payments(client)
    finally:
        client.close()
    assert card.passed is True, f"{profile} seed {seed}\n{card.table}\n{card['checks']}"
    assert len(paid) == len(rows) and set(paid.values()) == {1}  # every bill, once
