"""The kit's payment run (billhelpers/payrun) is the model answer too: an export of unpaid bills
from CSV to scheduled payments, run against the ``bill_emulator`` fixture under every fault
profile, pays every bill exactly once and passes every check of the report card.

The run is driven as a person would drive it (``billhelpers.payrun.until_done``): each step reads
BILL's state and does only what is missing, so after an uncertain outcome or a refusal the whole
run is started again from the file (after waiting as BILL asked); it never repeats one call."""

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
from billhelpers.exceptions import BillError, InputError, RateLimitError, ValidationError
from billhelpers.payrun import read_export
from billhelpers.payrun.until_done import run_until_done, worth_another_run

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
    """MFA with the code "texted" to the organization's phone (the fixture reads it). A session
    ended between the challenge and the validation takes its challenge with it: start over."""
    wait = 1.0
    for _ in range(6):
        try:
            challenge = client.mfa.challenge()
            client.mfa.validate(challenge["challengeId"], bill.mfa_code(), remember_me=True)
            return
        except BillError as err:
            if not (worth_another_run(err) or "challenge" in str(err)):
                raise
            time.sleep(max(wait, getattr(err, "retry_after", None) or 0.0))  # as BILL asked
            wait *= 2
    raise AssertionError("could not trust the session")


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
        done = run_until_done(
            client,
            rows,
            vendor_details=details(rows),
            trust=lambda: trust(client, bill_emulator),
        )
        card = bill_emulator.report()
        bill_emulator.clear_fault_profile()  # the checks below are not part of the run
        paid = live_payments(client)
    finally:
        client.close()
    assert card.passed is True, f"{profile} seed {seed}\n{card.table}\n{card['checks']}"
    assert len(paid) == len(rows) and set(paid.values()) == {1}  # every bill, once
    assert all(v.reason for v in done["verdicts"])  # nothing left "go": each says why


def test_run_until_done_refuses_outside_demo_and_gives_up_on_what_waiting_cannot_fix():
    class Sandbox:
        base_url = "https://gateway.stage.bill.com/connect"

        class config:  # noqa: N801 - stands in for a Config
            environment = "sandbox"

    with pytest.raises(InputError, match="emulator only"):
        run_until_done(Sandbox(), [], vendor_details={}, trust=lambda: None)
    assert not worth_another_run(ValidationError("bad", code="BDC_1000", http_status=400))
    assert worth_another_run(RateLimitError("later", code="BDC_1322", http_status=429))
