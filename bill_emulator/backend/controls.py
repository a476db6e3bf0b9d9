"""bill_emulator.backend.controls
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's own controls (not BILL's): clock, request log, faults, limits, reset, bulk seeding.

They exist so tutorials and tests can make time pass, see what was called, and provoke the
failures a client must survive (rate limits, 5xx, slow or dropped responses, even a response lost
after the payment was recorded) without waiting or touching BILL.
"""

from __future__ import annotations

import fnmatch
from datetime import timedelta
from decimal import Decimal

from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.clock import iso, next_business_day
from bill_emulator.backend.core import BackendBase
from bill_emulator.backend.errors import ValidationFailed

_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def _whole(body: dict, key: str, *, low: int, high: int, required: bool = True) -> int | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(key, f"must be a whole number from {low} to {high}")
    return value


class ControlsMixin(BackendBase):
    def advance_clock(self, body: object) -> dict:
        body = v.body_object(body)
        seconds = body.get("advanceSeconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | Decimal)
            or not 0 <= seconds <= 10 * 365 * 86400
        ):
            raise ValidationFailed(
                "advanceSeconds", "must be a number of seconds from 0 to 10 years"
            )
        with self.store.write():
            now = self.clock.advance(seconds)
        return {"now": iso(now)}

    def clock_now(self) -> dict:
        return {"now": self.now_iso()}

    def log_request(self, method: str, path: str, status: int) -> None:
        """Note one served BILL call for the log (no bodies, no headers, so no secrets)."""
        self.books.log((method, path, status, self.clock.now_ms()))
        if self.books.due():
            self.books.flush()

    def request_log(self, limit: int = 1000) -> list[dict]:
        self.flush_request_log()
        return [
            {"method": m, "path": p, "status": s, "time": iso(t)}
            for m, p, s, t in self.store.request_log(limit)
        ]

    def clear_request_log(self) -> dict:
        with self.store.write():
            self.flush_request_log()
            self.store.clear_request_log()
        return {}

    def add_fault(self, body: object) -> dict:
        """Queue a fault for the next ``count`` matching BILL calls (``path`` may use ``*``)."""
        body = v.body_object(body)
        path = v.string(body, "path", required=True)
        if not path.startswith("/v3/"):
            raise ValidationFailed("path", "must be a BILL path beginning with /v3/")
        method = v.string(body, "method")
        if method is not None and method.upper() not in _METHODS:
            raise ValidationFailed("method", f"must be one of {', '.join(_METHODS)}")
        fault = {
            "path": path,
            "method": method.upper() if method else None,
            "count": _whole(body, "count", low=1, high=10_000, required=False) or 1,
            "status": _whole(body, "status", low=400, high=599, required=False),
            "code": v.string(body, "code"),
            "delaySeconds": None,
            "drop": v.boolean(body, "drop"),
            "afterProcessing": v.boolean(body, "afterProcessing"),
        }
        delay = body.get("delaySeconds")
        if delay is not None:
            seconds = v.money(delay, "delaySeconds", allow_zero=True) / 100
            if seconds > 120:
                raise ValidationFailed("delaySeconds", "must be at most 120")
            fault["delaySeconds"] = seconds
        kinds = [fault["status"] is not None, fault["delaySeconds"] is not None, fault["drop"]]
        if sum(kinds) != 1:
            raise ValidationFailed("status", "give exactly one of status, delaySeconds or drop")
        if fault["code"] is not None and fault["status"] is None:
            raise ValidationFailed("code", "goes with status")
        with self.store.write():
            fault["id"] = self.store.insert_fault(fault)
        return fault

    def faults(self) -> list[dict]:
        return [
            {**f, "drop": bool(f["drop"]), "afterProcessing": bool(f["afterProcessing"])}
            for f in self.store.faults()
        ]

    def take_fault(self, method: str, path: str) -> dict | None:
        """The first pending fault matching this call, consumed; ``None`` when none match."""
        with self.store.write():
            for fault in self.store.faults():
                if fault["method"] not in (None, method):
                    continue
                if fault["path"] != path and not fnmatch.fnmatchcase(path, fault["path"]):
                    continue
                self.store.consume_fault(fault["id"])
                return fault
        return None

    def clear_faults(self) -> dict:
        with self.store.write():
            self.store.clear_faults()
        return {}

    def limits(self) -> dict:
        c = self.store.control()
        return {
            "requestsPerHour": c["requests_per_hour"],
            "loginsPerHour": c["logins_per_hour"],
            "concurrentRequests": c["concurrent_requests"],
        }

    def set_limits(self, body: object) -> dict:
        body = v.body_object(body)
        current = self.limits()
        for key in current:
            if key in body:
                current[key] = _whole(body, key, low=1, high=100_000_000)
        with self.store.write():
            self.store.set_limits(
                requests_per_hour=current["requestsPerHour"],
                logins_per_hour=current["loginsPerHour"],
                concurrent=current["concurrentRequests"],
            )
        return current

    def reset(self) -> dict:
        """Back to the freshly seeded organization (clock offset and limits are kept)."""
        from bill_emulator import seed

        with self.store.write():
            self.store.wipe()
            seed.seed_demo(self)
        self.books.forget()
        self._dev_keys.clear()
        return {"status": "reset"}

    def seed_vendors(self, body: object) -> dict:
        """Add ``count`` simple vendors (benchmarks and paging demos), in one statement."""
        from bill_emulator import seed

        body = v.body_object(body)
        count = _whole(body, "count", low=1, high=SEED_MAX)
        prefix = v.string(body, "namePrefix", max_len=80) or "Demo Vendor"
        with self.store.write():
            first = self.store.reserve_seqs("vendor", count)
            docs = _stamped(
                "vendor",
                first,
                [seed.vendor_doc(f"{prefix} {i:05d}") for i in range(1, count + 1)],
                self.clock.now_ms(),
            )
            self.store.insert_objects("vendor", seed.ORGANIZATION_ID, docs)
        return {"created": count, "firstId": docs[0][0], "lastId": docs[-1][0]}

    def seed_bills(self, body: object) -> dict:
        """Add ``count`` one-line UNPAID bills for one vendor, each optionally paid in full by a
        SCHEDULED payment (``"payments": true``), in one transaction (benchmarks, big lists).

        Invoice numbers are ``<invoicePrefix><bill sequence, 12 digits>``; they are refused if
        the vendor already has a bill numbered within that range. Without ``vendorId`` a vendor
        payable by check ("Seed Vendor") is created for them.
        """
        from bill_emulator import seed
        from bill_emulator.backend.vendors import check_payment_gaps

        body = v.body_object(body)
        count = _whole(body, "count", low=1, high=SEED_MAX)
        prefix = v.string(body, "invoicePrefix", max_len=80) or "SEED-"
        vendor_id = v.object_id(body, "vendorId", "009", required=False)
        cents = v.money(body.get("amount"), "amount", required=False) or 10_000
        with_payments = v.boolean(body, "payments")
        org = seed.ORGANIZATION_ID
        now_ms = self.clock.now_ms()
        today = self.clock.today()
        with self.store.write():
            if vendor_id is None:
                doc = seed.vendor_doc("Seed Vendor")
                doc["paymentInformation"] = {"payeeName": "Seed Vendor"}
                vendor = self._insert("vendor", org, doc)
            else:
                vendor = self.store.get_object("vendor", org, vendor_id)
                if vendor is None or vendor["archived"]:
                    raise ValidationFailed("vendorId", f"no active vendor {vendor_id} here")
            ach = "bankAccount" in vendor.get("paymentInformation", {})
            if with_payments and not ach and check_payment_gaps(vendor):
                gaps = ", ".join(check_payment_gaps(vendor))
                raise ValidationFailed("vendorId", f"cannot be paid by check: it lacks {gaps}")
            first = self.store.reserve_seqs("bill", count)
            numbers = [f"{prefix}{seq:012d}" for seq in range(first, first + count)]
            clash = self.store.list_objects(
                "bill",
                org,
                conditions=[
                    ("$.vendorId", "eq", vendor["id"]),
                    ("$.invoice.invoiceNumber", "gte", numbers[0]),
                    ("$.invoice.invoiceNumber", "lte", numbers[-1]),
                ],
                sort=[],
                limit=1,
                offset=0,
            )
            if clash:
                raise ValidationFailed(
                    "invoicePrefix", f"{clash[0]['invoice']['invoiceNumber']} is already used"
                )
            dates = [(today + timedelta(days=d)).isoformat() for d in range(365)]
            bills = _stamped(
                "bill",
                first,
                [
                    seed.bill_doc(
                        vendor["id"], number, today=dates[0], due=dates[i % 365], cents=cents
                    )
                    for i, number in enumerate(numbers)
                ],
                now_ms,
            )
            result = {"created": count, "firstId": bills[0][0], "lastId": bills[-1][0]}
            if with_payments:
                pay_first = self.store.reserve_seqs("payment", count)
                process = next_business_day(today).isoformat()
                payments = []
                for offset, (_, _, bill) in enumerate(bills):
                    seq = pay_first + offset
                    payment_id = ids.object_id("payment", seq)
                    pay = seed.payment_doc(payment_id, seq, bill, process_date=process, ach=ach)
                    times = {k: bill[k] for k in ("createdTime", "updatedTime")}
                    payments.append((payment_id, seq, {"id": payment_id, **pay, **times}))
                    bill.update(dueAmount=0, paymentStatus="SCHEDULED")
                    bill["_payments"] = {payment_id: cents}
                result["payments"] = count
            self.store.insert_objects("bill", org, bills)
            if with_payments:
                self.store.insert_objects("payment", org, payments)
        return {**result, "vendorId": vendor["id"]}


#: The most objects one seeding call adds.
SEED_MAX = 100_000


def _stamped(kind: str, first: int, docs: list[dict], now_ms: int) -> list[tuple[str, int, dict]]:
    """``(id, seq, doc)`` rows as ``_insert`` would make them, created one millisecond apart and
    ending now (a real organization grows over time; equal times would make every sort a tie)."""
    rows = []
    last = len(docs) - 1
    for offset, doc in enumerate(docs):
        seq = first + offset
        obj_id = ids.object_id(kind, seq)
        stamp = iso(now_ms - (last - offset))
        full = {"id": obj_id, **doc, "archived": False, "createdTime": stamp, "updatedTime": stamp}
        rows.append((obj_id, seq, full))
    return rows
