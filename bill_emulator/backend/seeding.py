"""bill_emulator.backend.seeding
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Bulk seeding, one of the emulator's own controls (not BILL's): ``POST /_emulator/seed/vendors``
and ``/seed/bills`` add up to 100,000 simple vendors or bills (optionally paid) in one statement,
for benchmarks and paging demos, written from a JSON template rather than object by object.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bill_emulator import _json
from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.clock import iso, next_business_day
from bill_emulator.backend.controls import _whole
from bill_emulator.backend.core import BackendBase
from bill_emulator.backend.errors import ValidationFailed
from bill_emulator.backend.lifecycle import plan_life


class SeedingMixin(BackendBase):
    """Vendors and bills by the thousand (benchmarks, big lists)."""

    def seed_vendors(self, body: object) -> dict:
        """Add ``count`` simple vendors (benchmarks and paging demos), in one statement."""
        from bill_emulator import seed

        body = v.body_object(body)
        count = _whole(body, "count", low=1, high=SEED_MAX)
        prefix = v.string(body, "namePrefix", max_len=80) or "Demo Vendor"
        vendor = _Template(_stamped(seed.vendor_doc(_hole("name"))))
        name = _json_text(prefix)
        with self.store.write():
            first = self.store.reserve_seqs("vendor", count)
            times = _Times(self.clock.now_ms() - count + 1)
            rows = [
                (
                    ids.object_id("vendor", seq),
                    seq,
                    vendor.fill(
                        id=ids.object_id("vendor", seq),
                        name=f"{name} {n:05d}",
                        time=times.at(n - 1),
                    ),
                )
                for n, seq in enumerate(range(first, first + count), start=1)
            ]
            self.store.insert_objects("vendor", seed.ORGANIZATION_ID, rows)
        return {"created": count, "firstId": rows[0][0], "lastId": rows[-1][0]}

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
            last = first + count - 1
            clash = self.store.list_objects(
                "bill",
                org,
                conditions=[
                    ("$.vendorId", "eq", vendor["id"]),
                    ("$.invoice.invoiceNumber", "gte", f"{prefix}{first:012d}"),
                    ("$.invoice.invoiceNumber", "lte", f"{prefix}{last:012d}"),
                ],
                sort=[],
                limit=1,
            )
            if clash:
                raise ValidationFailed(
                    "invoicePrefix", f"{clash[0]['invoice']['invoiceNumber']} is already used"
                )
            dates = [(today + timedelta(days=d)).isoformat() for d in range(365)]
            unpaid = seed.bill_doc(
                vendor["id"], _hole("number"), today=dates[0], due=_hole("due"), cents=cents
            )
            paid = {**unpaid, "dueAmount": 0, "paymentStatus": "SCHEDULED"}
            paid["_payments"] = {_hole("payment"): cents}
            bill = _Template(_stamped(paid if with_payments else unpaid))
            payment_doc = seed.payment_doc(
                line_id=_hole("line"),
                bill_id=_hole("bill"),
                vendor_id=vendor["id"],
                cents=cents,
                numbers=(_hole("transaction"), _hole("confirmation")),
                process_date=next_business_day(today).isoformat(),
                ach=ach,
            )
            # seeded payments live like created ones (issue 23): one plan serves them all
            first_day = plan_life(payment_doc, vendor).isoformat()
            payment = _Template(_stamped(payment_doc, archived=False))
            pay_first = self.store.reserve_seqs("payment", count) if with_payments else 0
            number = _json_text(prefix)
            times = _Times(self.clock.now_ms() - count + 1)
            bills, payments = [], []
            for n in range(count):
                seq, pay_seq, time_ = first + n, pay_first + n, times.at(n)
                bill_id = ids.object_id("bill", seq)
                payment_id = ids.object_id("payment", pay_seq) if with_payments else ""
                text = bill.fill(
                    id=bill_id,
                    number=f"{number}{seq:012d}",
                    due=dates[n % 365],
                    payment=payment_id,
                    time=time_,
                )
                bills.append((bill_id, seq, text))
                if with_payments:
                    text = payment.fill(
                        id=payment_id,
                        line=f"bpm{payment_id[3:]}",
                        bill=bill_id,
                        transaction=ids.transaction_number(pay_seq),
                        confirmation=seed.confirmation_number(pay_seq),
                        time=time_,
                    )
                    payments.append((payment_id, pay_seq, text))
            self.store.insert_objects("bill", org, bills)
            self.store.insert_objects("payment", org, payments)
            self.store.set_lives((pid, org, seq, first_day) for pid, seq, _text in payments)
        result = {"created": count, "firstId": bills[0][0], "lastId": bills[-1][0]}
        if with_payments:
            result["payments"] = count
        return {**result, "vendorId": vendor["id"]}


#: The most objects one seeding call adds.
SEED_MAX = 100_000
_HOLE = re.compile(r"@@(\w+)@@")


def _hole(name: str) -> str:
    return f"@@{name}@@"


def _json_text(text: str) -> str:
    """``text`` as it appears inside a JSON string (escaped, without the quotes)."""
    return _json.dumps(text).decode()[1:-1]


def _stamped(doc: dict, *, archived: bool = True) -> dict:
    """``doc`` as ``_insert`` stores it, with holes for the id and the times."""
    full = {"id": _hole("id"), **doc}
    if archived:
        full["archived"] = False
    return {**full, "createdTime": _hole("time"), "updatedTime": _hole("time")}


class _Template:
    """A document's JSON dumped once with ``@@name@@`` holes, then filled per row by joining
    strings: a ``json.dumps`` per row was most of the time of a 100,000-row seed. Values must be
    JSON-safe already (ids, dates, digits, and text passed through :func:`_json_text`)."""

    def __init__(self, doc: dict) -> None:
        pieces = _HOLE.split(_json.dumps(doc).decode())
        self._texts, self._names = pieces[0::2], pieces[1::2]

    def fill(self, **values: str) -> str:
        out = [self._texts[0]]
        for name, text in zip(self._names, self._texts[1:], strict=True):
            out += (values[name], text)
        return "".join(out)


class _Times:
    """BILL timestamps one millisecond apart from ``start_ms`` (seeded objects are created over
    time, ending now: equal times would make every sort a tie), formatted once per second."""

    def __init__(self, start_ms: int) -> None:
        self._start = start_ms
        self._second, self._prefix = -1, ""

    def at(self, offset: int) -> str:
        ms = self._start + offset
        second = ms // 1000
        if second != self._second:
            self._second, self._prefix = second, iso(second * 1000)[:-10]
        return f"{self._prefix}.{ms % 1000:03d}+00:00"
