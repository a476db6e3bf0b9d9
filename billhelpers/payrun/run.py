"""
billhelpers.payrun.run
~~~~~~~~~~~~~~~~~~~~~~

:class:`PaymentRun`: the steps of a run against BILL, each one call-efficient and re-runnable.

Why every step starts from BILL's state: a run can stop anywhere (a crash, a lost answer, a
closed laptop). Each step reads what BILL holds, does only what is still missing, and sends in
BILL's bulk sizes (vendors 20, bills 100, payments 50; each call all or nothing), so running the
same file again finishes the job and creates nothing twice. Payments carry the transaction number
of their bill and amount (:mod:`billhelpers.rules.payment_identity`, the same a single payment of
that bill and amount gets), so a re-run finds a payment BILL already recorded.

Why it keeps what it created instead of listing again: BILL's bulk answers are the created
objects, so the run adds them to its state and rebuilds the plan locally; the calls a run makes
stay close to the bulk minimum (vendors/20 + bills/100 + 2 × payments/50, the second being the
one look-up per payment call that keeps a bill from being paid twice; plus one listing of vendor
credits when a bill of the run shows a credit, so the pre-flight can tell a gap a credit made
from any other). That look-up is never
skipped: the run's copy of a bill is stale as soon as the run has paid it, so a re-run of the
pay step must ask BILL, not its own memory.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Iterator

from billhelpers.payrun.audit import reconcile
from billhelpers.payrun.exports import ExportRow
from billhelpers.payrun.go_no_go import Verdict, check_run
from billhelpers.payrun.plan import PlanRow, build_plan
from billhelpers.rules import business_days as _bd
from billhelpers.rules import filters as _filters
from billhelpers.rules import payment_identity as identity

#: BILL's bulk limits (its "Create multiple vendors/bills" and "Create a bulk payment" pages).
VENDOR_BATCH, BILL_BATCH, PAYMENT_BATCH = 20, 100, 50


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PaymentRun:
    """One export's run. ``vendor_details`` maps an exported vendor name to the extra fields
    a new vendor needs (address, paymentInformation); the export itself carries none."""

    def __init__(
        self,
        client,
        rows: list[ExportRow],
        *,
        vendor_details: dict[str, dict] | None = None,
        confirmed: dict[str, str] | None = None,
        progress: bool = True,
    ):
        self.client = client
        self.rows = rows
        self.vendor_details = vendor_details or {}
        self.confirmed = dict(confirmed or {})
        self.progress = progress
        self.vendors: list[dict] = []
        self.bills: list[dict] = []
        self.plan: list[PlanRow] = []
        #: Every payment BILL answered with during :meth:`pay`, by transactionNumber.
        self.recorded: dict[str, dict] = {}
        self._funding: str | None = None
        #: Bills this run has sent payments for since it last read them: its copy is stale.
        self._paid_since_read: set[str] = set()
        #: One row per vendor or bill :meth:`create_missing` handled (its per-row result).
        self.results: list[dict] = []

    # -- reading BILL ------------------------------------------------------------------------
    def refresh(self) -> list[PlanRow]:
        """Read the organization's vendors and bills (paged, with progress) and rebuild the
        dry-run plan from them."""
        live = _filters.where("archived", "eq", False)
        self.vendors = self.client.vendors.list_all(live, progress=self.progress)
        self.bills = self.client.bills.list_all(live, progress=self.progress)
        self._paid_since_read.clear()
        self.plan = build_plan(self.rows, self.vendors, self.bills, confirmed=self.confirmed)
        return self.plan

    # -- creating what is missing ------------------------------------------------------------
    def create_missing(self) -> dict[str, int]:
        """Create the new vendors (with their details) and then the new bills, in bulk; returns
        how many of each were created. Vendors without details are left for a person."""
        if not self.plan:
            self.refresh()
        names = list(dict.fromkeys(p.vendor_name for p in self.plan if p.vendor_status == "new"))
        bodies = [{"name": n, **self.vendor_details[n]} for n in names if n in self.vendor_details]
        made_vendors = 0
        self.results: list[dict] = []
        for chunk in self._bar(list(batches(bodies, VENDOR_BATCH)), "vendors"):
            resp = self.client.vendors.bulk_create(chunk)
            for vendor in _created(resp.data, "vendors"):
                self.confirmed[vendor["name"]] = vendor["id"]
                self.vendors.append(vendor)
                self.results.append({"vendor": vendor["name"], "created": vendor["id"]})
                made_vendors += 1
        for name in names:
            if name not in self.vendor_details:
                self.results.append({"vendor": name, "created": "not created: no details given"})
        self._replan()
        new_bills = [p for p in self.plan if p.bill_status == "new" and p.vendor_id]
        made_bills = 0
        for chunk in self._bar(list(batches(new_bills, BILL_BATCH)), "bills"):
            resp = self.client.bills.bulk_create([_bill_body(p) for p in chunk])
            for row, bill in zip(chunk, _created(resp.data, "bills"), strict=False):
                self.bills.append(bill)
                self.results.append(
                    {
                        "vendor": row.vendor_name,
                        "invoice": row.invoice_number,
                        "created": bill["id"],
                    }
                )
                made_bills += 1
        self._replan()
        return {"vendors": made_vendors, "bills": made_bills}

    def _replan(self) -> None:
        """The plan again from the run's state (no call): after a bulk create added to it."""
        self.plan = build_plan(self.rows, self.vendors, self.bills, confirmed=self.confirmed)

    def results_frame(self):
        """One row per vendor or bill :meth:`create_missing` handled (pandas imported here)."""
        import pandas as pd

        return pd.DataFrame(self.results, columns=["vendor", "invoice", "created"]).fillna("")

    # -- the run's date ------------------------------------------------------------------------
    def run_date(self, today: _dt.date | None = None) -> _dt.date:
        """The earliest processDate BILL accepts for every vendor the run pays: a business day,
        not before BILL's today (``client.today()`` unless given), and 2 business days after
        any vendor's new bank account
        (:func:`billhelpers.rules.business_days.earliest_process_date`).
        """
        today = today or self.client.today()
        ids = {p.vendor_id for p in self.plan if p.vendor_id and p.bill_status != "duplicate"}
        vendors = [v for v in self.vendors if v["id"] in ids]
        dates = [_bd.earliest_process_date(v, today=today) for v in vendors]
        return max(dates, default=_bd.earliest_process_date(today=today))

    # -- go / no-go and paying ----------------------------------------------------------------
    def preflight(
        self,
        process_date: _dt.date | None = None,
        *,
        is_business_day: Callable[[_dt.date], bool] = _bd.is_business_day,
        earliest_for_vendor: Callable[[dict], _dt.date] | None = None,
        banks: list[dict] | None = None,
    ) -> list[Verdict]:
        """Every bill's verdict (see :func:`billhelpers.payrun.go_no_go.check_run`) for
        ``process_date`` (default :meth:`run_date`). BILL's rules are the defaults: business
        days and the two-business-day wait after a vendor's new bank account. ``banks``: the
        verified funding accounts (read from BILL when not given). The vendor credits applied
        to the run's bills are read when a bill shows one (:meth:`applied_credits`)."""
        if earliest_for_vendor is None:
            today = self.client.today()
            earliest_for_vendor = functools.partial(_bd.earliest_process_date, today=today)
        if process_date is None:
            process_date = self.run_date()
        if banks is None:
            banks = self.client.funding_accounts.verified_banks()
        if banks:  # the account the "go" rows will draw on
            self._funding = banks[0]["id"]
        return check_run(
            self.plan,
            bills={b["id"]: b for b in self.bills},
            vendors={v["id"]: v for v in self.vendors},
            verified_banks=banks,
            trusted=self.client.is_trusted,
            process_date=process_date,
            is_business_day=is_business_day,
            earliest_for_vendor=earliest_for_vendor,
            applied_credits=self.applied_credits(),
        )

    def applied_credits(self) -> dict[str, list[dict]]:
        """Bill id → the vendor credits applied to it (``[{id, referenceNumber, amount}]``,
        from each credit's ``usage``), for the run's bills whose ``creditAmount`` is above 0:
        one listing of those vendors' credits (50 vendors a filter); no call when none shows a
        credit."""
        planned = {p.bill_id for p in self.plan if p.bill_id}
        credited = [b for b in self.bills if b["id"] in planned and _shows_credit(b)]
        vendor_ids = sorted({b["vendorId"] for b in credited})
        out: dict[str, list[dict]] = {}
        unreadable: set[str] = set()  # a usage amount that is not a number: credits unknown
        for chunk in batches(vendor_ids, 50):
            flt = _filters.where("vendorId", "in", chunk, resource="vendorCredits")
            for credit in self.client.vendor_credits.list_all(flt, progress=False):
                for use in credit.get("usage") or ():
                    if use.get("billId") not in planned:
                        continue
                    amount = identity.money_value(use.get("amount"))
                    if amount is None:
                        unreadable.add(use["billId"])
                        continue
                    out.setdefault(use["billId"], []).append(
                        {
                            "id": credit["id"],
                            "referenceNumber": credit.get("referenceNumber"),
                            "amount": amount,
                        }
                    )
        return {bill_id: used for bill_id, used in out.items() if bill_id not in unreadable}

    def pay(self, verdicts: list[Verdict], process_date: _dt.date) -> dict[str, Verdict]:
        """Pay the "go" bills in bulk calls of at most 50; returns transaction number → verdict
        of every payment the run meant to make (for :meth:`reconcile`). The bills read since
        the run last paid them are handed to the client (``known_bills``) to spare a GET each;
        a bill it already paid is left out (its ``dueAmount`` here predates that payment), and
        the client looks every transaction number up in BILL before sending either way."""
        go = [v for v in verdicts if v.go]
        items = [{"billId": v.bill_id, "amount": v.amount} for v in go]
        numbers = identity.number_items(self.client.config.organization_id, items)
        for item, txn in zip(items, numbers, strict=True):
            item["transactionNumber"] = txn
        expected = dict(zip(numbers, go, strict=True))
        known = {b["id"]: b for b in self.bills if b["id"] not in self._paid_since_read}
        for chunk in self._bar(list(batches(items, PAYMENT_BATCH)), "payments"):
            try:
                resp = self.client.payments.bulk_create(
                    {
                        "processDate": process_date,
                        "fundingAccount": {"type": "BANK_ACCOUNT", "id": self._funding},
                        "processingOptions": {},  # BILL requires it; {} is its defaults
                        "payments": chunk,
                    },
                    known_bills=known,
                )
            finally:  # sent, refused or lost: either way the copies may no longer hold
                self._forget(known, [item["billId"] for item in chunk])
            for payment in _created(resp.data, "payments"):
                self.recorded[payment.get("transactionNumber")] = payment
        return expected

    def _forget(self, known: dict[str, dict], bill_ids: list[str]) -> None:
        """After a bulk call these bills' copies no longer show what BILL holds."""
        self._paid_since_read.update(bill_ids)
        for bill_id in bill_ids:
            known.pop(bill_id, None)

    def reconcile(self, expected: dict[str, Verdict]):
        """What the run meant against BILL's payments (see ``audit``). BILL's answers to the
        bulk calls are its record of those payments; what no answer showed (a crash, a lost
        answer) is looked up by bill, 100 bills a listing."""
        found = [p for t, p in self.recorded.items() if t in expected]
        seen = {p.get("transactionNumber") for p in found}
        missing = sorted({v.bill_id for t, v in expected.items() if t not in seen and v.bill_id})
        for chunk in batches(missing, 100):
            flt = _filters.where("billId", "in", chunk, resource="payments")
            found += self.client.payments.list_all(
                flt, sort=_filters.sort_by("createdTime", "desc"), progress=False
            )
        return reconcile(expected, found)

    def _bar(self, chunks: list, what: str):
        if not self.progress or len(chunks) < 2:
            return chunks
        from tqdm.auto import tqdm  # lazy: the client's core stays free of widgets

        return tqdm(chunks, desc=f"{what} (bulk calls)", unit="call")


def _shows_credit(bill: dict) -> bool:
    """Whether a bill shows vendor credits applied: a ``creditAmount`` above 0, or one that is
    not a number (then its credits are read, and can only explain a gap to the cent)."""
    value = bill.get("creditAmount")
    amount = identity.money_value(value)
    return bool(amount) if amount is not None else value not in (None, "")


def _bill_body(row: PlanRow) -> dict:
    return {
        "vendorId": row.vendor_id,
        "dueDate": row.due_date,
        "invoice": {"invoiceNumber": row.invoice_number, "invoiceDate": row.invoice_date},
        "billLineItems": [
            {"amount": row.open_amount, "description": f"{row.invoice_number} (from the export)"}
        ],
    }


def _created(data, key: str) -> list[dict]:
    """BILL's bulk answers differ: ``{"vendors": [...]}`` but a bare array of bills."""
    if isinstance(data, dict):
        return list(data.get(key) or [])
    return list(data or [])
