"""
billhelpers.resources.payments
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Payments, with the safety net that keeps a bill from being paid twice.

Why: BILL has no idempotency key, so a payment POST that is repeated after a timeout is a
second payment. Every payment therefore carries a ``transactionNumber`` (generated when the
caller gave none) and is never repeated blindly: after an uncertain outcome (timeout, dropped
connection, 5xx, rate limit, expired session) the client looks the transactionNumber up in
``GET /v3/payments`` *before* repeating or giving up, and either returns the payment BILL
recorded or raises saying what happened and whether a retry is safe (see
:class:`~billhelpers.resources.payment_recovery.PaymentRecovery`, which the client's one
request pipeline applies). Before sending, it also refuses a bill that has nothing due.

The transactionNumber the client makes is *deterministic* for one intended payment (this
organization paying this bill this amount, the n-th time: see
:mod:`billhelpers.rules.payment_identity`, the one scheme single payments, bulk payments and
the payment run share). So re-running a cell, or retrying after
``UncertainPaymentError(recorded=None)``, asks BILL for that number first and returns the
payment already made instead of paying again; a second payment of the same bill and amount is a
deliberate act (``again=True`` or ``payment_number=2``). A payment found under a
transactionNumber counts only when it is for the same bill, vendor and amount and still live
(``payment_identity.is_live``: only canceled or voided payments are not); a caller's own
transactionNumber that already belongs to another payment is refused before sending.

After an uncertain outcome (the POST reached BILL, no answer came back, and the look-up found
nothing *yet*), the client remembers that transactionNumber with the time: the same intent is
not sent again until the first request can no longer be in flight (``config.total_timeout``
seconds after it was sent, the deadline the client gives any call) *and* a look-up made after
that finds nothing. Before then a re-send raises :class:`UncertainPaymentError` and sends
nothing; a look-up that finds the payment returns it as always. The memory is the client's
(one kernel): a new kernel starts without it, and relies on the look-up alone.
"""

from __future__ import annotations

import copy
import functools
from decimal import Decimal

from billhelpers.exceptions import (
    AlreadyPaidError,
    InputError,
    UncertainPaymentError,
    ValidationError,
)
from billhelpers.http import paging
from billhelpers.http.response import ApiResponse
from billhelpers.resources import inflight
from billhelpers.resources.base import Resource, _id
from billhelpers.resources.inflight import InFlightHolds
from billhelpers.resources.payment_options import PaymentOptionsMixin
from billhelpers.resources.payment_recovery import PaymentRecovery
from billhelpers.rules import approvals as approval_rules
from billhelpers.rules import checks
from billhelpers.rules import filters as _filters
from billhelpers.rules import payment_identity as identity

#: BILL's page on bulk payments: at most 50 bills per request.
BULK_MAX = 50
#: How many recent pages the look-up scans (newest first) before concluding "not recorded".
LOOKUP_PAGES = 20
#: How many payment numbers ``again=True`` tries before giving up (a loop guard).
MAX_PAYMENT_NUMBER = 100


class Payments(PaymentOptionsMixin, Resource):
    path, kind = "/v3/payments", "payments"

    def __init__(self, client):
        super().__init__(client)
        #: The payment POSTs that may still be in flight (:mod:`.inflight`).
        self._holds = InFlightHolds(lambda: self.client.config.total_timeout)

    def create(
        self,
        body: dict,
        *,
        check_bill: bool = True,
        again: bool = False,
        payment_number: int | None = None,
    ) -> ApiResponse:
        """``POST /v3/payments`` (MFA-trusted session), never sent twice.

        Checks first (nothing is sent when they fail): the body's fields, the production
        opt-in, and, with ``check_bill``, that the bill still has a ``dueAmount`` covering
        ``amount`` and belongs to ``vendorId``, and that ``processDate`` (or BILL's default)
        is not inside the 2 business days BILL takes to verify a new vendor bank account.

        Without a ``transactionNumber`` the client makes one from the intended payment (org,
        bill, vendor, amount, processDate, ``payment_number``) and asks BILL for it first: if a
        live payment for this bill and amount is there (an earlier run, or a POST whose answer
        was lost), it is returned (``resp.recovered``) and nothing is sent. To pay the same
        bill and amount once more on purpose, pass ``again=True`` (the next free payment
        number) or ``payment_number=2`` (3, …). A ``transactionNumber`` of your own is looked
        up too: if it belongs to another payment (another bill or amount) the call is refused.
        """
        self.client.guard_production("POST", self.path, "creating a payment")
        today = functools.cache(self.client.today)  # asked once, after the shape checks
        body = checks.check_payment(body, today=today)
        if payment_number is not None and (
            isinstance(payment_number, bool)
            or not isinstance(payment_number, int)
            or not 1 <= payment_number <= MAX_PAYMENT_NUMBER
        ):
            raise InputError(
                f"{payment_number!r} is not a payment number",
                field="payment_number",
                hint=f"use 1 (the first payment), 2, … up to {MAX_PAYMENT_NUMBER}",
            )
        if payment_number is not None and body.get("transactionNumber") is not None:
            raise InputError(
                "cannot be combined with a transactionNumber of your own",
                field="payment_number",
                hint="leave one of the two out",
            )
        if check_bill and body.get("billId"):
            bill = self._check_bill(body)
            if bill.get("vendorId"):  # BILL's 2-business-day wait for a new vendor bank account
                vendor = self.client.vendors.get(bill["vendorId"]).data or {}
                checks.check_vendor_wait(body, vendor, today=today())
        looked_at = inflight._now()  # the look-up below counts only if made after any hold ended
        if body.get("transactionNumber") is not None:
            made = self._check_own_number(body)
        else:
            made = self._choose_number(body, payment_number, again)
        if made is not None:  # BILL recorded it: nothing of it is in flight any more
            self._holds.release([str((made.data or {}).get("transactionNumber"))])
            return made
        self._holds.check(self.path, body, [body["transactionNumber"]], looked_at)
        return self._post_once(self.path, body, [body["transactionNumber"]])

    def _choose_number(self, body: dict, payment_number: int | None, again: bool):
        """Set ``body["transactionNumber"]`` to the intended payment's number; the payment
        already made under it (returned, nothing sent) unless ``again``."""
        org = self.client.config.organization_id
        number = payment_number or 1
        while number <= MAX_PAYMENT_NUMBER:
            txn = identity.transaction_number_for(org, body, number)
            rows = self._find_all(txn)
            live = [p for p in rows if identity.is_live(p) and identity.matches(p, body)]
            if live and not again:
                return self.recovered(
                    live[:1],
                    f"payment {live[0].get('id')} (transactionNumber {txn}) already pays this "
                    "bill this amount, from an earlier run; to pay it once more on purpose, "
                    "call payments.create(body, again=True)",
                )
            if not live and all(identity.matches(p, body) for p in rows):
                body["transactionNumber"] = txn
                return None
            number += 1
        raise InputError(
            f"already has {MAX_PAYMENT_NUMBER} payments of this amount",
            field="payment_number",
            hint="list the bill's payments; this looks like a loop paying again and again",
        )

    def _check_own_number(self, body: dict):
        """A caller's transactionNumber: refused if it names another payment; the payment
        already made under it (returned, nothing sent) if it names this one and is live."""
        txn = str(body["transactionNumber"])
        rows = self._find_all(txn)
        others = [p for p in rows if not identity.matches(p, body)]
        if others:
            other = others[0]
            raise InputError(
                f"{txn!r} already belongs to payment {other.get('id')} (amount "
                f"{other.get('amount')}, another bill or amount); nothing was sent",
                field="transactionNumber",
                hint="leave transactionNumber out (the kit makes one per intended payment) "
                "or use a new one",
            )
        live = [p for p in rows if identity.is_live(p)]
        if live:
            return self.recovered(
                live[:1],
                f"payment {live[0].get('id')} with transactionNumber {txn} already pays this "
                "bill this amount",
            )
        return None

    def bulk_create(self, body: dict, *, known_bills: dict[str, dict] | None = None) -> ApiResponse:
        """``POST /v3/payments/bulk``: ``{"payments": [payment, ...], ...}``; each entry gets
        its own transactionNumber and the same checks and safety net as :meth:`create`.

        ``known_bills`` (bill id → the bill as just read from BILL) spares the GET per bill
        when the caller has them, e.g. a payment run that listed the bills a moment ago; a bill
        missing from it is read as usual. They only spare that read: the transactionNumber
        look-up before sending is always made (one listing of these bills' payments,
        ``billId:in:…``, not one per item), because a caller's copy can be stale (a re-run cell,
        another kernel) and only BILL knows whether this intended payment was already made."""
        self.client.guard_production("POST", self.path + "/bulk", "creating a bulk payment")
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("payments"), list)
            or not body["payments"]
        ):
            raise InputError(
                "needs a non-empty 'payments' list",
                field="payments",
                hint="pass {'payments': [{'billId': ..., 'amount': ...}, ...]}",
            )
        if len(body["payments"]) > BULK_MAX:
            raise InputError(
                f"holds {len(body['payments'])} payments; BILL takes at most "
                f"{BULK_MAX} per request",
                field="payments",
                hint=f"split the list into requests of {BULK_MAX} or fewer",
            )
        body = copy.deepcopy(body)
        if body.get("processDate") is not None:
            body["processDate"] = checks.check_process_date(body["processDate"], "processDate")
        items = [
            checks.check_payment(item, today=None, item=f"payments[{i}].", shared=body)
            for i, item in enumerate(body["payments"])
        ]
        org = self.client.config.organization_id
        numbers = identity.number_items(org, [identity.bulk_item(i, body) for i in items])
        for item, txn in zip(items, numbers, strict=True):
            item["transactionNumber"] = item.get("transactionNumber", txn)
        body["payments"] = items
        today = self.client.today()  # asked once every item's shape is known good
        for field, day in _process_dates(body):
            checks.check_not_past(day, field, today)
        self._check_bills(items, known_bills or {})
        looked_at = inflight._now()
        found = self.recorded_for_items(items)
        made = [
            identity.live_match(found[str(i["transactionNumber"])], identity.bulk_item(i, body))
            for i in items
        ]
        for i, item in enumerate(items):
            others = [
                p
                for p in found[str(item["transactionNumber"])]
                if not identity.matches(p, identity.bulk_item(item, body))
            ]
            if others:
                raise InputError(
                    f"transactionNumber {item['transactionNumber']!r} already belongs to payment "
                    f"{others[0].get('id')} (another bill or amount); nothing was sent",
                    field=f"payments[{i}].transactionNumber",
                    hint="leave transactionNumber out or use a new one",
                )
        txns = [str(i["transactionNumber"]) for i in items]
        if all(made):
            self._holds.release(txns)
            return self.recovered(made, "this bulk payment was already made (an earlier run)")
        if any(made):
            done = ", ".join(f"payments[{i}]" for i, m in enumerate(made) if m)
            raise InputError(
                f"{done} of this bulk payment were already made (an earlier run); nothing was sent",
                field="payments",
                hint="remove the items already paid and send the rest",
            )
        self._holds.check(self.path + "/bulk", body, txns, looked_at)
        return self._post_once(self.path + "/bulk", body, txns)

    def cancel(self, id: str) -> ApiResponse:
        """Cancel a payment while its ``singleStatus`` is ``SCHEDULED``; safe to repeat."""
        return self.client.request("POST", f"{self.path}/{_id(id)}/cancel", safe=True)

    def find(self, transaction_number: str) -> dict | None:
        """The payment recorded under ``transaction_number``, or ``None``.

        Asks with ``filters=transactionNumber:eq:"…"`` newest first and still checks each row,
        because BILL does not list transactionNumber as filterable: where a filter is ignored
        the answer is the unfiltered list, which is then scanned (up to ``LOOKUP_PAGES``).
        Where the filter is refused (HTTP 400), it scans without it.
        """
        rows = self._find_all(transaction_number)
        live = [p for p in rows if identity.is_live(p)]
        return (live or rows or [None])[0]

    def _find_all(self, transaction_number: str) -> list[dict]:
        """Every payment recorded under ``transaction_number``, newest first (see :meth:`find`)."""
        wanted = str(transaction_number)
        if '"' in wanted:  # cannot be written in a filter: scan without one
            return self._scan_many({wanted}, None)
        try:
            return self._scan_many({wanted}, f'transactionNumber:eq:"{wanted}"')
        except ValidationError:
            return self._scan_many({wanted}, None)

    def recorded_for_items(self, items: list[dict]) -> dict[str, list[dict]]:
        """transactionNumber → the payments recorded under it, for every bulk item, from ONE
        listing of the items' bills' payments (``billId:in:…``, newest first, checked row by
        row as :meth:`find` does). Items without a bill, or a refused filter, fall back to
        one look-up per item. No item is skipped on the strength of a bill the caller read
        earlier: that copy may predate the payment this look-up exists to find."""
        wanted = [str(i["transactionNumber"]) for i in items]
        bills = sorted({str(i.get("billId") or "") for i in items})
        if "" in bills or any('"' in b or "," in b for b in bills) or any('"' in t for t in wanted):
            return {t: self._find_all(t) for t in wanted}
        flt = str(_filters.where("billId", "in", bills, resource="payments"))
        try:
            rows = self._scan_many(set(wanted), flt)
        except ValidationError:
            return {t: self._find_all(t) for t in wanted}
        found: dict[str, list[dict]] = {t: [] for t in wanted}
        for payment in rows:
            found[payment["transactionNumber"]].append(payment)
        return found

    def recorded_match(self, transaction_number: str, item: dict) -> dict | None:
        """The live payment under ``transaction_number`` that is the one ``item`` asked for."""
        rows = self._find_all(transaction_number)
        return identity.live_match(rows, item)

    def _scan_many(self, wanted: set[str], filters: str | None) -> list[dict]:
        def fetch(*, max, page):
            params = {"max": max, "page": page, "filters": filters, "sort": "createdTime:desc"}
            return self.client.request("GET", self.path, params=params)

        return [
            payment
            for resp in paging.iter_pages(fetch, limit_pages=LOOKUP_PAGES)
            for payment in resp.get("results") or []
            if isinstance(payment, dict) and payment.get("transactionNumber") in wanted
        ]

    # -- internals -----------------------------------------------------------------------------
    def recovered(self, payments: list[dict], what: str) -> ApiResponse:
        note = f"recovered: {what}; BILL had recorded the payment, it was not sent again"
        if len(payments) == 1:
            resp = self.get(payments[0]["id"])
        else:
            resp = ApiResponse(
                method="GET",
                path=self.path,
                status_code=200,
                reason="OK",
                data={"payments": payments},
            )
        resp.recovered, resp.note = True, note
        return resp

    def _check_bills(self, items: list[dict], known: dict[str, dict]) -> None:
        """Each bulk item as :meth:`_check_bill` does, reading each bill once (not at all when
        ``known`` holds it), and then what a per-item check misses: several items for one bill
        that together pay more than its ``dueAmount`` (BILL refuses the whole request then)."""
        by_bill: dict[str, list[int]] = {}
        for i, item in enumerate(items):
            if item.get("billId"):
                by_bill.setdefault(item["billId"], []).append(i)
        for bill_id, indexes in by_bill.items():
            bill = known.get(bill_id) or self.client.bills.get(bill_id).data or {}
            for i in indexes:
                self._check_bill(items[i], bill)
            total = sum((identity.covers(items[i]) for i in indexes), Decimal(0))
            due = identity.due_amount(bill)
            if total > due:
                which = ", ".join(f"payments[{i}]" for i in indexes)
                raise InputError(
                    f"{which} pay bill {bill_id} {total} together, more than its dueAmount {due}",
                    field=f"payments[{indexes[-1]}].amount",
                    hint=f"pay at most {due} in total for this bill (one item is enough)",
                )

    def _check_bill(self, body: dict, bill: dict | None = None) -> dict:
        if bill is None:
            bill = self.client.bills.get(body["billId"]).data or {}
        due = identity.due_amount(bill)
        waiting = approval_rules.unapproved(bill)
        if waiting:  # BILL pays nothing on it until its approvers approve (issue 25)
            raise InputError(
                f"bill {body['billId']} {waiting}",
                field="billId",
                hint="its approver approves it first: client.approvals.approve(bill_id)",
            )
        if identity.nothing_due(bill):
            raise AlreadyPaidError(
                f"bill {body['billId']} has nothing left to pay (dueAmount {due}, paymentStatus "
                f"{bill.get('paymentStatus')})",
                field="billId",
                hint="it is already paid or scheduled; list its payments instead of paying again",
            )
        if identity.covers(body) > due:  # the amount and the vendor credits it applies
            raise InputError(
                f"{identity.cover_text(body)} is more than the bill's dueAmount {due}",
                field="amount",
                hint=f"pay at most {due}",
            )
        vendor = body.get("vendorId")
        if vendor and bill.get("vendorId") and vendor != bill["vendorId"]:
            raise InputError(
                f"bill {body['billId']} belongs to vendor {bill['vendorId']}, not {vendor}",
                field="vendorId",
                hint="leave vendorId out (BILL takes it from the bill) or fix it",
            )
        return bill

    def _post_once(self, path: str, body: dict, txns: list[str]) -> ApiResponse:
        """Send the payment POST once (the pipeline recovers); when its outcome stays unknown,
        hold its transactionNumbers (see :mod:`.inflight`)."""
        recovery = PaymentRecovery(self, path, body, txns)
        try:
            return self.client.request("POST", path, json=body, safe=False, recovery=recovery)
        except UncertainPaymentError as err:
            if err.recorded is None:
                self._holds.hold(txns)
            raise
        except KeyboardInterrupt:  # an interrupted cell may have sent it
            self._holds.hold(txns)
            raise


def _process_dates(body: dict):
    """(field, processDate) of a bulk body: the shared one and each item's own."""
    if body.get("processDate") is not None:
        yield "processDate", body["processDate"]
    for i, item in enumerate(body["payments"]):
        if item.get("processDate") is not None:
            yield f"payments[{i}].processDate", item["processDate"]
