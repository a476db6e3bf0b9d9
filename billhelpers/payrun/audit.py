"""
billhelpers.payrun.audit
~~~~~~~~~~~~~~~~~~~~~~~~

After the run: what was expected against what BILL shows, and an audit file of every payment.

Why reconcile against BILL and not against the answers the run received: answers can be lost
(the client recovers them, but a crash can still cut a run short), and BILL is the record.
The audit CSV is what an auditor asks for: who, when, which bill and vendor, how much, under
which transaction number, BILL's payment id and status. It is opened in a spreadsheet, so text
that a spreadsheet would run as a formula (a vendor named ``=HYPERLINK(…)``) is neutralised as
OWASP's CSV-injection guidance says; and it names vendors and amounts, so it is owner-only and
never written through a symbolic link someone planted at its path.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import os
import re
import stat
from decimal import Decimal
from pathlib import Path

from billhelpers.exceptions import InputError
from billhelpers.payrun.go_no_go import Verdict
from billhelpers.rules import payment_identity as identity

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
        if not identity.is_live(self.payment):
            return f"not paying: {identity.status_of(self.payment)} (re-run the batch)"
        if Decimal(str(self.payment.get("amount"))) != self.verdict.amount:
            return f"amount differs: BILL has {self.payment.get('amount')}"
        if self.payment.get("billId") not in (None, self.verdict.bill_id):
            return "bill differs"
        return f"ok: {self.payment.get('singleStatus') or self.payment.get('status')}"


def reconcile(expected: dict[str, Verdict], payments: list[dict]) -> list[Reconciled]:
    """Match the run's transaction numbers (``expected``) with BILL's payments; where several
    carry one number (a canceled payment and the one made after it), the live one counts."""
    by_txn: dict = {}
    for p in payments:
        txn = p.get("transactionNumber")
        if txn not in by_txn or (identity.is_live(p) and not identity.is_live(by_txn[txn])):
            by_txn[txn] = p
    return [Reconciled(v, txn, by_txn.get(txn)) for txn, v in expected.items()]


def write_audit(path: str | Path, rows: list[Reconciled], *, run_by: str) -> Path:
    """Write the audit CSV (owner-only: it names vendors and amounts) and return its path."""
    path = Path(path)
    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    with os.fdopen(_open_private(path), "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=AUDIT_COLUMNS)
        out.writeheader()
        for r in rows:
            p = r.payment or {}
            row = {
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
            out.writerow({k: safe_cell(v) for k, v in row.items()})
    return path


#: What OWASP lists as the start of a cell a spreadsheet runs: = + - @, tab and carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain decimal number (``-12.50``): a spreadsheet reads it as a number, not a formula.
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def safe_cell(value) -> str:
    """``value`` as an audit cell a spreadsheet shows and never runs: text starting like a
    formula gets a leading single quote (OWASP); plain numbers, negative ones too, stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _open_private(path: Path) -> int:
    """A descriptor for writing ``path`` afresh, owner-only whatever it was before. A symbolic
    link at ``path`` is refused, not followed (it would overwrite what it points to), and so is
    anything that is not a plain file of one name (a hard link shares its content)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    if path.is_symlink():
        raise _refused(path, "is a symbolic link")
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as err:  # ELOOP: a link planted between the check and the open
        if path.is_symlink():
            raise _refused(path, "is a symbolic link") from None
        raise InputError(
            f"{path} cannot be written ({err.strerror})",
            field="path",
            hint="choose a folder you can write to",
        ) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        os.close(fd)
        raise _refused(path, "is not a plain file of its own (a device, or a hard link)")
    os.fchmod(fd, 0o600)  # an older file keeps its mode otherwise: O_CREAT's mode is for new ones
    os.ftruncate(fd, 0)
    return fd


def _refused(path: Path, what: str) -> InputError:
    return InputError(
        f"{path} {what}: the audit file is not written through it; nothing was written",
        field="path",
        hint="remove it (someone else may have put it there) or write the audit to another path",
    )


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
