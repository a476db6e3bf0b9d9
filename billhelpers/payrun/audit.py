"""
billhelpers.payrun.audit
~~~~~~~~~~~~~~~~~~~~~~~~

After the run: what was expected against what BILL shows, and an audit file of every payment.

Why reconcile against BILL and not against the answers the run received: answers can be lost
(the client recovers them, but a crash can still cut a run short), and BILL is the record.
The audit CSV is what an auditor asks for: who, when, which bill and vendor, how much, under
which transaction number, BILL's payment id and status.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import os
from decimal import Decimal
from pathlib import Path

from billhelpers.payrun.preflight import Verdict

AUDIT_COLUMNS = (
    "run_by",
    "recorded_at",
    "line",
    "bill_id",
    "invoice_number",
    "vendor_id",
    "vendor_name",
    "amount",
    "transaction_number",
    "payment_id",
    "status",
    "single_status",
)


@dataclasses.dataclass
class Reconciled:
    """One "go" bill: the payment the run meant and the one BILL has (``None``: not found)."""

    verdict: Verdict
    transaction_number: str
    payment: dict | None

    @property
    def outcome(self) -> str:
        if self.payment is None:
            return "missing: not in BILL (re-run the batch)"
        if Decimal(str(self.payment.get("amount"))) != self.verdict.amount:
            return f"amount differs: BILL has {self.payment.get('amount')}"
        if self.payment.get("billId") not in (None, self.verdict.bill_id):
            return "bill differs"
        return f"ok: {self.payment.get('singleStatus') or self.payment.get('status')}"


def reconcile(expected: dict[str, Verdict], payments: list[dict]) -> list[Reconciled]:
    """Match the run's transaction numbers (``expected``) with BILL's payments."""
    by_txn = {p.get("transactionNumber"): p for p in payments}
    return [Reconciled(v, txn, by_txn.get(txn)) for txn, v in expected.items()]


def write_audit(path: str | Path, rows: list[Reconciled], *, run_by: str) -> Path:
    """Write the audit CSV (owner-only: it names vendors and amounts) and return its path."""
    path = Path(path)
    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=AUDIT_COLUMNS)
        out.writeheader()
        for r in rows:
            p = r.payment or {}
            out.writerow(
                {
                    "run_by": run_by,
                    "recorded_at": now,
                    "line": r.verdict.row.line,
                    "bill_id": r.verdict.bill_id,
                    "invoice_number": r.verdict.row.invoice_number,
                    "vendor_id": r.verdict.vendor_id,
                    "vendor_name": r.verdict.row.vendor_name,
                    "amount": r.verdict.amount,
                    "transaction_number": r.transaction_number,
                    "payment_id": p.get("id", ""),
                    "status": p.get("status", "NOT FOUND"),
                    "single_status": p.get("singleStatus", ""),
                }
            )
    return path


def reconciliation_frame(rows: list[Reconciled]):
    """Expected against BILL's state, one row a payment (pandas imported only here)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "invoice": r.verdict.row.invoice_number,
                "vendor": r.verdict.row.vendor_name,
                "expected": r.verdict.amount,
                "BILL amount": (r.payment or {}).get("amount"),
                "payment": (r.payment or {}).get("id"),
                "outcome": r.outcome,
            }
            for r in rows
        ]
    )
