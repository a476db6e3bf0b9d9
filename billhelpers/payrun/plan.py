"""
billhelpers.payrun.plan
~~~~~~~~~~~~~~~~~~~~~~~

The dry run: for every exported bill, what the run would do in BILL and why, before anything
is created.

Why a separate step: the person running the batch reads this table and decides. It is built
from data already fetched (the organization's vendors and bills), so it costs no call itself
and can be rebuilt as often as wanted.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import unicodedata
from decimal import Decimal

from billhelpers.payrun.exports import ExportRow
from billhelpers.payrun.matching import VendorIndex


@dataclasses.dataclass
class PlanRow:
    """One exported bill and its fate. ``bill_status``: ``new`` (to create), ``in BILL``
    (same vendor and invoice number, same amount and due date), ``changed`` (same key, other
    amount or due date: never overwritten by a run), ``duplicate`` (the file lists it twice)
    or ``blocked`` (its vendor is not settled)."""

    line: int
    vendor_name: str
    invoice_number: str
    amount: Decimal
    open_amount: Decimal
    invoice_date: _dt.date
    due_date: _dt.date
    vendor_status: str
    vendor_id: str | None
    vendor_reason: str
    bill_status: str = "new"
    bill_id: str | None = None
    bill_reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The kit's key for a bill: vendor and invoice number as it reads
        (:func:`invoice_key`; BILL itself keeps no such uniqueness rule across vendors; the kit
        uses it so a re-run finds what it made)."""
        return (self.vendor_id or self.vendor_name.casefold(), invoice_key(self.invoice_number))


def invoice_key(number: object) -> str:
    """An invoice number as it reads: Unicode compatibility forms, letter case and outer or
    repeated spaces do not make another invoice (``HP-2001``, ``hp-2001``, `` HP-2001 `` and a
    full-width ``ＨＰ-2001`` are one; ``HP 2001`` and ``HP-20010`` are others). Why: an export
    (or a re-export) that spells one invoice two ways would otherwise create it, and pay it,
    twice."""
    text = unicodedata.normalize("NFKC", str(number or ""))
    return " ".join(text.split()).casefold()


def build_plan(
    rows: list[ExportRow],
    vendors: list[dict],
    bills: list[dict],
    *,
    confirmed: dict[str, str] | None = None,
) -> list[PlanRow]:
    """The dry-run rows. ``confirmed`` maps an exported vendor name to the BILL vendor id a
    person accepted (for ``fuzzy`` or ``ambiguous`` matches)."""
    confirmed = confirmed or {}
    index = VendorIndex(vendors)
    by_id = {v["id"]: v for v in vendors}
    existing: dict[tuple, list[dict]] = {}
    for b in bills:
        if not b.get("archived"):
            number = (b.get("invoice") or {}).get("invoiceNumber")
            existing.setdefault((b.get("vendorId"), invoice_key(number)), []).append(b)
    plan, seen = [], {}
    for row in rows:
        match = index.match(row.vendor)
        status, vendor, reason = match.status, match.vendor, match.reason
        if row.vendor in confirmed and confirmed[row.vendor] in by_id:
            status, vendor = "matched", by_id[confirmed[row.vendor]]
            reason = f"confirmed as vendor {vendor['id']}"
        item = PlanRow(
            line=row.line,
            vendor_name=row.vendor,
            invoice_number=row.invoice_number,
            amount=row.amount,
            open_amount=row.open_amount,
            invoice_date=row.invoice_date,
            due_date=row.due_date,
            vendor_status=status,
            vendor_id=vendor["id"] if status == "matched" else None,
            vendor_reason=reason,
        )
        _judge_bill(item, seen, existing)
        plan.append(item)
    return plan


def _judge_bill(item: PlanRow, seen: dict, existing: dict) -> None:
    if item.key in seen:
        item.bill_status = "duplicate"
        item.bill_reason = f"line {seen[item.key]} has the same vendor and invoice number"
        return
    seen[item.key] = item.line
    if item.vendor_status not in ("matched", "new"):
        item.bill_status, item.bill_reason = "blocked", "settle the vendor first"
        return
    found = existing.get(item.key, []) if item.vendor_id else []
    if not found:
        item.bill_status, item.bill_reason = "new", "not in BILL yet: it will be created"
        return
    if len(found) > 1:
        named = ", ".join(
            f"{b['id']} {(b.get('invoice') or {}).get('invoiceNumber')}" for b in found
        )
        item.bill_status = "changed"
        item.bill_reason = (
            f"BILL holds {len(found)} bills of this vendor whose invoice numbers read as "
            f"{item.invoice_number} ({named}); archive the extra one by hand"
        )
        return
    bill = found[0]
    item.bill_id = bill["id"]
    differences = []
    if Decimal(str(bill.get("amount"))) not in (item.amount, item.open_amount):
        differences.append(f"amount {bill.get('amount')} in BILL, {item.amount} in the file")
    if str(bill.get("dueDate")) != item.due_date.isoformat():
        differences.append(f"due {bill.get('dueDate')} in BILL, {item.due_date} in the file")
    if differences:
        item.bill_status = "changed"
        item.bill_reason = "; ".join(differences) + " (left as BILL has it; fix by hand)"
    else:
        item.bill_status, item.bill_reason = "in BILL", f"already entered as {bill['id']}"


def plan_frame(plan: list[PlanRow]):
    """The dry run as a pandas DataFrame, one row a bill (pandas imported only here)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "line": p.line,
                "vendor": p.vendor_name,
                "vendor status": p.vendor_status,
                "invoice": p.invoice_number,
                "open amount": p.open_amount,
                "due": p.due_date,
                "bill status": p.bill_status,
                "why": p.bill_reason if p.vendor_status in ("matched", "new") else p.vendor_reason,
            }
            for p in plan
        ]
    )
