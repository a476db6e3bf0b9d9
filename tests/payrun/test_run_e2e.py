"""A payment run end to end on the emulator: the sample QuickBooks export from CSV to scheduled
payments, every trap caught by the pre-flight with its reason, a crash between two bulk calls
and a re-run that pays each bill exactly once, and a re-run of the same file that does nothing."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from client_bodies import bill_body, payment_body, vendor_body

from billhelpers.payrun import read_export
from billhelpers.payrun.audit import write_audit
from billhelpers.payrun.run import PaymentRun
from billhelpers.rules import business_days as bd

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "notebooks" / "data" / "qbo_unpaid_bills.csv"
NO_DETAILS = "Orchard Water Co"  # given an address only: no bank account, no payee name


def details(rows) -> dict[str, dict]:
    """The extra fields each new vendor needs (the export carries none)."""
    out = {}
    for name in {r.vendor for r in rows}:
        body = vendor_body(name)
        body.pop("name")
        if name == NO_DETAILS:
            body.pop("paymentInformation")
        out[name] = body
    return out


def bill_payments(client) -> Counter:
    """Bill id → how many live payments the emulator holds for it."""
    return Counter(
        p["billId"]
        for p in client.payments.list_all(progress=False)
        if p.get("status") not in ("CANCELLED", "VOID")
    )


def new_run(client, rows, **kw) -> PaymentRun:
    run = PaymentRun(client, rows, vendor_details=details(rows), progress=False, **kw)
    run.refresh()
    return run


def reasons(verdicts) -> dict[str, str]:
    return {f"{v.row.invoice_number}@{v.row.line}": v.reason for v in verdicts}


@pytest.fixture
def world(trusted):
    """Before the run: Granite IT's bill GIT-4410 is in BILL and already paid; Summit Coffee's
    SCR-1140 is in BILL with part of it paid (its dueAmount is below the export's)."""
    granite = trusted.vendors.create(vendor_body("Granite IT Services")).data
    paid = trusted.bills.create(bill_body(granite["id"], "3600.00", invoice="GIT-4410")).data
    trusted.payments.create(payment_body(paid["id"], "3600.00"))
    summit = trusted.vendors.create(vendor_body("Summit Coffee Roasters")).data
    part = trusted.bills.create(bill_body(summit["id"], "218.40", invoice="SCR-1140")).data
    trusted.payments.create(payment_body(part["id"], "100.00"))
    for bill, due in ((paid, "2026-12-07"), (part, "2026-12-04")):  # the export's due dates
        trusted.bills.update(bill["id"], {"dueDate": due})
    return trusted


def test_sample_export_from_csv_to_scheduled_payments_with_every_trap(world, make_client, tmp_path):
    client = world
    rows = read_export(SAMPLE)
    run = new_run(client, rows)
    fuzzy = {p.vendor_name for p in run.plan if p.vendor_status == "fuzzy"}
    assert fuzzy == set()  # Northwind Logistcs is new: no vendor of a like name yet
    new = {p.vendor_name for p in run.plan if p.vendor_status == "new"}
    made = run.create_missing()
    assert made["vendors"] == len(new) >= 6 and made["bills"] > 0
    assert {r["vendor"] for r in run.results} >= {"Happy Paper Co.", NO_DETAILS}

    day = run.run_date()
    verdicts = run.preflight(day)
    why = reasons(verdicts)
    assert why["HP-2002@9"].startswith("duplicate invoice: line 8")
    assert why["GIT-4410@35"].startswith("already paid or scheduled")
    assert why["SCR-1140@27"].startswith("amount 218.40 is over the bill's dueAmount 118.40")
    assert why["OWC-12@40"].startswith("vendor has no payment details")
    assert why["OWC-13@41"].startswith("vendor has no payment details")
    go = [v for v in verdicts if v.go]
    assert len(go) == len(verdicts) - 5

    # The same bills, on dates BILL would refuse, or without what paying needs.
    soon = run.preflight(bd.earliest_process_date(today=client.today()))
    assert sum(v.reason.startswith("too soon") for v in soon) >= 10
    assert all(
        v.reason.startswith("too soon")
        for v in soon
        if v.row.vendor_name == "Brightline Cleaning LLC"
    )
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    assert all("not a business day" in v.reason for v in run.preflight(saturday))
    assert all("no verified funding" in v.reason for v in run.preflight(day, banks=[]))
    untrusted = new_run(make_client(cache_dir=tmp_path / "elsewhere"), rows)
    assert not untrusted.client.is_trusted
    assert all("session not trusted" in v.reason for v in untrusted.preflight(day))

    expected = run.pay(verdicts, day)
    counts = bill_payments(client)
    assert {v.bill_id for v in go} <= set(counts)
    assert all(counts[v.bill_id] == 1 for v in go)
    recon = run.reconcile(expected)
    assert [r.outcome for r in recon] == ["ok: SCHEDULED"] * len(go)


def test_rerun_of_the_same_file_creates_and_pays_nothing(world, tmp_path):
    client = world
    rows = read_export(SAMPLE)
    first = new_run(client, rows)
    first.create_missing()
    day = first.run_date()
    first.pay(first.preflight(day), day)
    before = bill_payments(client)

    again = new_run(client, rows)
    client.emulator.clear_requests()
    assert again.create_missing() == {"vendors": 0, "bills": 0}
    verdicts = again.preflight(again.run_date())
    assert not [v for v in verdicts if v.go]
    assert again.pay(verdicts, day) == {}
    assert bill_payments(client) == before
    posts = [r for r in client.emulator.requests() if r.get("method") == "POST"]
    assert posts == []
    audit = write_audit(tmp_path / "audit.csv", again.reconcile({}), run_by="test")
    assert audit.read_text().startswith("run_by,")


def _generator():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "make_payrun_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _big_export(tmp_path, bills=120, vendors=6) -> list:
    gen = _generator()
    path = tmp_path / "big.csv"
    gen.write(path, "qbo", gen.bills(bills, vendors, 7, dt.date(2026, 11, 30)))
    return read_export(path)


def test_crash_between_two_bulk_payment_calls_and_a_rerun_pay_each_bill_once(
    trusted, monkeypatch, tmp_path
):
    rows = _big_export(tmp_path)
    run = new_run(trusted, rows)
    assert run.create_missing() == {"vendors": 6, "bills": 120}
    day = run.run_date()
    verdicts = run.preflight(day)
    assert all(v.go for v in verdicts)

    real = trusted.payments.bulk_create
    calls = []

    def crash_on_second(body, **kw):
        calls.append(len(body["payments"]))
        if len(calls) == 2:
            raise KeyboardInterrupt("the laptop closed between two bulk calls")
        return real(body, **kw)

    monkeypatch.setattr(trusted.payments, "bulk_create", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run.pay(verdicts, day)
    monkeypatch.undo()
    assert sum(bill_payments(trusted).values()) == 50

    rerun = new_run(trusted, rows)
    assert rerun.create_missing() == {"vendors": 0, "bills": 0}
    again = rerun.preflight(rerun.run_date())
    assert sum(v.go for v in again) == 70
    expected = rerun.pay(again, day)
    counts = bill_payments(trusted)
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert all(r.outcome.startswith("ok") for r in rerun.reconcile(expected))


def test_lost_answer_of_a_bulk_call_is_recovered_not_paid_twice(trusted, tmp_path):
    rows = _big_export(tmp_path, bills=60, vendors=3)
    run = new_run(trusted, rows)
    run.create_missing()
    day = run.run_date()
    verdicts = run.preflight(day)
    trusted.emulator.add_fault(
        path="/v3/payments/bulk", method="POST", count=1, drop=True, afterProcessing=True
    )
    expected = run.pay(verdicts, day)
    counts = bill_payments(trusted)
    assert len(counts) == 60 and set(counts.values()) == {1}
    recon = run.reconcile(expected)
    assert all(r.outcome.startswith("ok") for r in recon)
    assert sum(Decimal(str(r.payment["amount"])) for r in recon) == sum(v.amount for v in verdicts)


def test_pay_step_run_twice_pays_a_partly_open_bill_once(trusted, monkeypatch):
    """Re-running chapter 08's pay cell: the bill is 300.00, the export says 100.00 is open.
    The run's own copy of the bill (dueAmount 300.00) is stale after the first pay, so the
    second pay must find the first payment in BILL and send nothing."""
    vendor = trusted.vendors.create(vendor_body("Stale Copy Supplies")).data
    bill = trusted.bills.create(bill_body(vendor["id"], "300.00", invoice="SC-1")).data
    due = dt.date.fromisoformat(bill["dueDate"]).strftime("%m/%d/%Y")
    text = (
        ",Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
        "Stale Copy Supplies,,,,,,,\n"
        f",{due},Bill,SC-1,{due},0,300.00,100.00\n"
    )
    run = new_run(trusted, read_export(text))
    day = run.run_date()
    verdicts = run.preflight(day)
    assert [(v.go, v.amount) for v in verdicts] == [(True, Decimal("100.00"))]
    handed = []  # the copies of the bill the run hands the client on each pay
    real = trusted.payments.bulk_create

    def spy(body, *, known_bills=None):
        handed.append(dict(known_bills or {}).get(bill["id"]))
        return real(body, known_bills=known_bills)

    monkeypatch.setattr(trusted.payments, "bulk_create", spy)
    first = run.pay(verdicts, day)
    second = run.pay(verdicts, day)  # the learner runs the cell again
    assert first == second
    assert handed[0] is not None and handed[1] is None  # paid since read: not trusted again
    live = [p for p in trusted.payments.list_all(progress=False) if p.get("billId") == bill["id"]]
    assert [Decimal(str(p["amount"])) for p in live] == [Decimal("100.00")]
    assert trusted.bills.get(bill["id"])["dueAmount"] == Decimal("200.00")
    assert all(r.outcome.startswith("ok") for r in run.reconcile(second))
