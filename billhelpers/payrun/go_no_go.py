"""
billhelpers.payrun.go_no_go
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Go / no-go for every bill of a payment run, with the reason, before any payment is sent.

Why one verdict per bill and not an exception at the first problem: an AP clerk pays the bills
that are ready and fixes the others, so the run needs the whole list at once. Each check mirrors
a rule BILL enforces (a payment it would refuse) or a mistake BILL would let through (paying an
invoice twice because the export listed it twice). It is pure: the caller fetches the bills,
vendors and bank accounts, and passes the business-day rule in, so every reason can be tested
without a server.

A vendor credit applied in BILL lowers a bill's ``dueAmount`` below the export's open balance
(the accounting system may not know of the credit yet). That gap is the one a run may pay
through, and only when BILL's own records explain it to the cent: the credits applied to the
bill (``applied_credits``, read from the vendor credits' ``usage``) add up to exactly the gap,
and to the bill's ``creditAmount``. Then the verdict is go with BILL's ``dueAmount``, never the
export's amount; any other gap (a colleague's payment, a credit that explains only part of it)
stays no-go for a person to look at.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable
from decimal import Decimal

from billhelpers.payrun.plan import PlanRow
from billhelpers.rules import approvals as approval_rules
from billhelpers.rules import payment_identity as identity

#: What a vendor needs to be paid by check, when it has no bank account for ACH.
CHECK_FIELDS = ("line1", "city", "zipOrPostalCode", "country")


@dataclasses.dataclass
class Verdict:
    """``go`` or ``no-go`` for one bill, with the reason and the payment it would send."""

    row: PlanRow
    go: bool
    reason: str
    bill_id: str | None = None
    vendor_id: str | None = None
    amount: Decimal | None = None
    #: The vendor credits that explain why ``amount`` is below the export's open balance.
    credits: list[dict] = dataclasses.field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "go" if self.go else "no-go"


def check_run(
    plan: list[PlanRow],
    *,
    bills: dict[str, dict],
    vendors: dict[str, dict],
    verified_banks: list[dict],
    trusted: bool,
    process_date: _dt.date,
    is_business_day: Callable[[_dt.date], bool],
    earliest_for_vendor: Callable[[dict], _dt.date],
    applied_credits: dict[str, list[dict]] | None = None,
) -> list[Verdict]:
    """One :class:`Verdict` per plan row. ``bills`` and ``vendors`` are BILL's current objects
    by id (read after the bills were created); ``earliest_for_vendor`` is the first process
    date BILL allows for that vendor (two business days after a new bank account);
    ``applied_credits``: bill id → the vendor credits applied to it, ``[{id, referenceNumber,
    amount}]`` (none known when not given: a gap a credit made is then no-go)."""
    shared = _shared_problem(verified_banks, trusted, process_date, is_business_day)
    applied_credits = applied_credits or {}
    verdicts = []
    for row in plan:
        bill = bills.get(row.bill_id or "")
        vendor = vendors.get(row.vendor_id or "")
        credits = _explaining_credits(row, bill, applied_credits.get(row.bill_id or "", []))
        amount = identity.due_amount(bill) if credits else row.open_amount
        reason = shared or _row_problem(
            row, bill, vendor, process_date, earliest_for_vendor, credited=bool(credits)
        )
        verdicts.append(
            Verdict(
                row=row,
                go=reason is None,
                reason=reason or _go_reason(row, amount, process_date, credits),
                bill_id=row.bill_id,
                vendor_id=row.vendor_id,
                amount=amount,
                credits=credits,
            )
        )
    return verdicts


def _explaining_credits(row, bill, credits: list[dict]) -> list[dict]:
    """The credits applied to ``bill`` when they explain, to the cent, why its ``dueAmount`` is
    below the export's open balance (their total is the gap and the bill's ``creditAmount``);
    ``[]`` otherwise, and always when there is no gap."""
    if bill is None or not credits:
        return []
    gap = row.open_amount - identity.due_amount(bill)
    amounts = [identity.money_value(c.get("amount")) for c in credits]
    if None in amounts:  # an amount that is not a number explains nothing
        return []
    total = sum(amounts, Decimal(0))
    shown = identity.money_value(bill.get("creditAmount"))
    if gap <= 0 or total != gap:
        return []
    if shown is None or shown != total:
        return []
    return list(credits)


def _go_reason(row, amount, process_date, credits) -> str:
    if not credits:
        return f"pay {amount} on {process_date}"
    named = ", ".join(f"{c.get('referenceNumber') or c['id']} {c['amount']}" for c in credits)
    return (
        f"pay {amount} on {process_date} (dueAmount: the export's {row.open_amount} "
        f"less vendor credits {named})"
    )


def _shared_problem(banks, trusted, process_date, is_business_day) -> str | None:
    """A reason that stops every payment of the run."""
    if not trusted:
        return "session not trusted: pass MFA (chapter 2) before paying"
    if not banks:
        return "no verified funding bank account to pay from"
    if not is_business_day(process_date):
        return f"process date {process_date} is not a business day (weekend or bank holiday)"
    return None


def _row_problem(
    row, bill, vendor, process_date, earliest_for_vendor, *, credited: bool = False
) -> str | None:
    if row.bill_status == "duplicate":
        return f"duplicate invoice: {row.bill_reason}"
    if row.vendor_status not in ("matched", "new"):
        return f"vendor not settled: {row.vendor_reason}"
    if row.bill_status == "changed":
        return f"bill differs in BILL: {row.bill_reason}"
    if bill is None or vendor is None:
        return "the bill is not in BILL (create the bills first)"
    due = identity.due_amount(bill)
    if identity.nothing_due(bill):
        return f"already paid or scheduled (paymentStatus {bill.get('paymentStatus')})"
    waiting = approval_rules.unapproved(bill)
    if waiting:  # BILL pays nothing on it until its approvers approve (issue 25)
        return f"not approved: the bill {waiting}"
    if row.open_amount > due and not credited:
        return f"amount {row.open_amount} is over the bill's dueAmount {due}"
    if not _can_be_paid(vendor):
        return "vendor has no payment details (no bank account, no check address)"
    earliest = earliest_for_vendor(vendor)
    if process_date < earliest:
        return (
            f"too soon: the vendor's bank account is new; BILL needs 2 business days, "
            f"earliest process date {earliest}"
        )
    return None


def _can_be_paid(vendor: dict) -> bool:
    info = vendor.get("paymentInformation") or {}
    if info.get("bankAccount"):
        return True
    address = vendor.get("address") or {}
    return bool(info.get("payeeName")) and all(address.get(k) for k in CHECK_FIELDS)


def verdict_frame(verdicts: list[Verdict]):
    """The go/no-go table as a pandas DataFrame (pandas imported only here)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "line": v.row.line,
                "vendor": v.row.vendor_name,
                "invoice": v.row.invoice_number,
                "amount": v.amount if v.amount is not None else v.row.open_amount,
                "verdict": v.verdict,
                "reason": v.reason,
            }
            for v in verdicts
        ]
    )
