"""(8) A payment run: 1,000 unpaid bills for 200 vendors, from a QuickBooks CSV to scheduled
payments and an audit file, then the same file again.

Counted: the BILL calls of each run (from the emulator's request log, cleared after sign-in and
MFA), against the bulk-limit minimum (vendors/20 + bills/100 + payments/50). Timed: the whole
run, reading the CSV included. The export comes from ``scripts/make_payrun_export.py``'s
functions (deterministic), the vendors' details are the demo's ACH ones. Progress bars show when
run in a terminal (``tqdm``), never in ``--quick`` or under the test suite.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from measures.common import emulator

ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 30.0
BILLS, VENDORS = 1000, 200


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_payrun_export", ROOT / "scripts" / "make_payrun_export.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _details(name: str) -> dict:
    """A new vendor's address and ACH account: the tutorial vendor's, under ``name``."""
    from billhelpers.notebook import tutorial

    body = tutorial.vendor_body()
    for key in ("name", "shortName"):
        body.pop(key, None)
    info = body["paymentInformation"]
    info["payeeName"] = info["bankAccount"]["nameOnAccount"] = name
    return body


def minimum_calls(bills: int, vendors: int) -> int:
    return math.ceil(vendors / 20) + math.ceil(bills / 100) + math.ceil(bills / 50)


def _one_run(client, path: Path, audit: Path, progress: bool) -> dict:
    from billhelpers.payrun import read_export
    from billhelpers.payrun.audit import write_audit
    from billhelpers.payrun.run import PaymentRun

    t0 = time.perf_counter()
    rows = read_export(path)
    run = PaymentRun(
        client, rows, vendor_details={r.vendor: _details(r.vendor) for r in rows}, progress=progress
    )
    run.refresh()
    made = run.create_missing()
    day = run.run_date()
    verdicts = run.preflight(day)
    expected = run.pay(verdicts, day)
    recon = run.reconcile(expected)
    write_audit(audit, recon, run_by="benchmark")
    return {
        "seconds": time.perf_counter() - t0,
        "vendors": made["vendors"],
        "bills": made["bills"],
        "payments": len(expected),
        "ok": sum(r.outcome.startswith("ok") for r in recon),
    }


def run(opts) -> dict:
    import billhelpers as bh

    bills, vendors = (100, 20) if opts.quick else (BILLS, VENDORS)
    progress = sys.stderr.isatty() and not opts.quick
    gen = _generator()
    with emulator("payrun") as box, tempfile.TemporaryDirectory() as tmp:
        box.raise_limits()
        path = Path(tmp) / "unpaid.csv"
        gen.write(path, "qbo", gen.bills(bills, vendors, 7, _dt.date(2026, 11, 30)))
        client = bh.connect(box.config())
        challenge = client.mfa.challenge()
        client.mfa.validate(
            challenge["challengeId"], client.emulator.latest_token(challenge["challengeId"])
        )
        box.clear_log()
        first = _one_run(client, path, Path(tmp) / "audit.csv", progress)
        log = box.bill_calls()
        first["calls"] = len(log)
        calls_by_path = dict(Counter(f"{r.get('method')} {r.get('path')}" for r in log))
        box.clear_log()
        again = _one_run(client, path, Path(tmp) / "audit-2.csv", progress)
        again["calls"] = len(box.bill_calls())
        client.close()
    minimum = minimum_calls(bills, vendors)
    for res in (first, again):
        res["seconds"] = round(res["seconds"], 3)
    return {
        "status": "ok",
        "bills": bills,
        "vendors": vendors,
        "first": first,
        "rerun": again,
        "minimum_calls": minimum,
        "calls_by_path": calls_by_path,
        "target_s": TARGET_S,
        "pass": (
            first["seconds"] < TARGET_S
            and first["payments"] == bills
            and (again["vendors"], again["bills"], again["payments"]) == (0, 0, 0)
        )
        if bills >= BILLS
        else None,
    }
