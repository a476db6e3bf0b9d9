"""bill_emulator.backend.bill_records
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The bill calls beyond the recipe: replace a bill (``PUT /v3/bills/{id}``) and record a payment
made outside BILL (``POST /v3/bills/record-payment``).

Replace (BILL's collection, "Replace a bill"): the body is a whole bill, as on create; a line
with an ``id`` keeps that line (the id must name a line of this bill), a line without one is new
and gets a new id, a line left out is removed; ``description`` and ``purchaseOrderNumber`` left
out are removed; ``vendorCredits`` may be applied as on create. The rules of PATCH hold: an
archived bill is refused, and a bill with payments or credits booked keeps its vendor and the
amounts of its lines (the kit's assumption: BILL's page names none).

Record a payment (BILL's "Record AP payments" page and its reference): ``vendorId``,
``processDate`` and ``toPrintCheck`` are required, ``payments`` lists 1..50 bills of that vendor
(the bound is the kit's) with an ``amount`` each and the ``vendorCredits`` applied, at most what
each bill has due. BILL moves no money; it books the amount against the bills. The emulator keeps
the record as a payment (``onlinePayment`` false, ``disbursementType`` ``OFFLINE``, ``status``
``PAID``, ``singleStatus`` ``CLEARED``: assumed), so ``GET /v3/payments`` finds it, and the bills'
``paidAmount`` grows and ``dueAmount`` shrinks: a recorded payment counts in "due" so nobody pays
the bill again. No MFA-trusted session is needed: BILL's list of MFA-trusted operations does not
name it.

Calls the bills mixin's ``_active_vendor``, ``_check_invoice_unique``, ``_apply_payment`` and the
vendor credits mixin's ``parse_credits``/``apply_credits`` (public-ish helpers of theirs).
"""

from __future__ import annotations

from bill_emulator.backend import bills as b
from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import InvalidState, ValidationFailed

RECORD_MAX = 50
DESCRIPTION_MAX = 70  # a payment's description limit (BILL's create-payment page)
_REFERENCE_MAX = 100


def _replacement_lines(existing: list[dict], body: dict) -> list[tuple[str | None, dict]]:
    """``(id or None, checked line)`` per line of a PUT body."""
    known = {line.get("id") for line in existing} - {None}
    out = []
    for i, (item, line) in enumerate(zip(body["billLineItems"], b._lines(body), strict=True)):
        line_id = item.get("id")
        if line_id is not None and line_id not in known:
            raise ValidationFailed(
                f"billLineItems[{i}].id",
                "must name a line of this bill (leave id out to add a line)",
            )
        out.append((line_id, line))
    return out


def _numbered(bill_id: str, existing: list[dict], lines) -> list[dict]:
    """Give new lines ids after the highest one this bill ever had."""
    tail = f"bli{bill_id[3:]}"
    used = [
        int(line_id[len(tail) :])
        for line_id in (line.get("id", "") for line in existing)  # seeded bills' lines have none
        if line_id.startswith(tail) and line_id[len(tail) :].isdigit()
    ]
    next_no = max(used, default=len(existing))
    out = []
    for line_id, line in lines:
        if line_id is None:
            next_no += 1
            line_id = f"bli{bill_id[3:]}{next_no:03d}"
        out.append({"id": line_id, **line})
    return out


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "BillsMixin": (
        "_active_vendor",
        "_apply_payment",
        "_check_invoice_unique",
        "credit_bill",
    ),
    "ClassificationsMixin": ("check_line_classifications",),
    "VendorCreditsMixin": (
        "apply_credits",
        "parse_credits",
    ),
}


class BillRecordsMixin(BackendBase):
    # -- PUT /v3/bills/{id} ---------------------------------------------------------------------

    def replace_bill(self, caller: Caller, bill_id: str, body: object) -> dict:
        body = v.body_object(body)
        new = b._bill_doc(body, "")  # every check of a create
        credits = self.parse_credits(body, "")
        with self.store.write():
            doc = self._load("bill", caller, bill_id)
            if doc["archived"]:
                raise InvalidState(f"Bill {bill_id} is archived; restore it before editing.")
            old_lines = doc["billLineItems"]
            lines = _numbered(bill_id, old_lines, _replacement_lines(old_lines, body))
            booked = doc["amount"] - doc["dueAmount"]
            if booked and (
                new["vendorId"] != doc["vendorId"]
                or [(x["id"], x["amount"]) for x in lines]
                != [(x.get("id"), x["amount"]) for x in doc["billLineItems"]]
            ):
                raise InvalidState(
                    f"Bill {bill_id} has {b.booked_on(doc)}; its vendor and line amounts "
                    "cannot change."
                )
            self._active_vendor(caller, new["vendorId"])
            number = new["invoice"]["invoiceNumber"]
            self._check_invoice_unique(caller, new["vendorId"], number, own_id=bill_id)
            for key in ("vendorId", "invoice", "dueDate"):
                doc[key] = new[key]
            for key in ("description", "purchaseOrderNumber"):
                if key in new:
                    doc[key] = new[key]
                else:
                    doc.pop(key, None)
            doc["billLineItems"] = lines
            self.check_line_classifications(caller, lines, "")
            if not booked:
                doc["amount"] = doc["dueAmount"] = new["amount"]
            b._amounts(doc)
            doc = self._save(doc)
            if credits:
                doc = self.credit_bill(caller.org_id, doc, credits)
        return public(doc)

    # -- POST /v3/bills/record-payment ----------------------------------------------------------

    def record_payment(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        vendor_id = v.object_id(body, "vendorId", "009")
        process_date = v.date_field(body, "processDate", required=True)
        if process_date > self.clock.last_day():
            raise ValidationFailed("processDate", f"must be on or before {self.clock.last_day()}")
        if body.get("toPrintCheck") is None:
            raise ValidationFailed("toPrintCheck", "must not be null")
        to_print = v.boolean(body, "toPrintCheck")
        extra: dict = {}
        description = v.string(body, "description", max_len=DESCRIPTION_MAX)
        if description is not None:
            extra["description"] = description
        reference = v.string(body, "syncReference", max_len=_REFERENCE_MAX)
        if reference is not None:
            extra["syncReference"] = reference
        if body.get("allowExport") is not None:
            extra["allowExport"] = v.boolean(body, "allowExport")
        classes = v.sub_object(body, "classifications", "classifications", required=False)
        if classes is not None:
            account = v.string(
                classes, "chartOfAccountId", "classifications.chartOfAccountId", max_len=100
            )
            extra["classifications"] = {} if account is None else {"chartOfAccountId": account}
        items = body.get("payments")
        if not isinstance(items, list) or not items:
            raise ValidationFailed("payments", "must be a list of at least one bill payment")
        if len(items) > RECORD_MAX:
            raise ValidationFailed("payments", f"must hold at most {RECORD_MAX} bill payments")
        entries = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise ValidationFailed(f"payments[{i}]", "must be an object")
            bill_id = v.object_id(item, "billId", "00n", f"payments[{i}].billId")
            cents = v.money(item.get("amount"), f"payments[{i}].amount")
            if any(bill_id == seen for seen, _, _ in entries):
                raise ValidationFailed(f"payments[{i}].billId", f"names bill {bill_id} twice")
            entries.append((bill_id, cents, self.parse_credits(item, f"payments[{i}].")))
        with self.store.write():
            vendor = self._active_vendor(caller, vendor_id)
            seq = self.store.next_seq("payment")
            payment_id = ids.object_id("payment", seq)
            lines = [
                self._record_line(caller, vendor_id, payment_id, i, entry)
                for i, entry in enumerate(entries)
            ]
            doc = {
                "vendorId": vendor_id,
                "vendorName": vendor["name"],
                "billId": lines[0]["billId"],
                "billPayments": lines,
                "amount": sum(line["amount"] for line in lines),
                "processDate": process_date.isoformat(),
                "status": "PAID",
                "singleStatus": "CLEARED",
                "disbursementType": "OFFLINE",
                "onlinePayment": False,
                "toPrintCheck": to_print,
                "transactionNumber": ids.transaction_number(seq),
                "confirmationNumber": f"SBX{seq:09d}",
                "createdBy": caller.user_id,
                **extra,
            }
            payment = self._insert("payment", caller.org_id, doc, obj_id=payment_id, seq=seq)
        # BILL's record-payment answer has no vendorName (its collection); GET /v3/payments does
        return {k: val for k, val in public(payment).items() if k != "vendorName"}

    def _record_line(self, caller: Caller, vendor_id: str, payment_id: str, i: int, entry):
        bill_id, cents, credits = entry
        path = f"payments[{i}]"
        bill = self.store.get_object("bill", caller.org_id, bill_id)
        if bill is None:
            raise ValidationFailed(f"{path}.billId", f"no bill {bill_id} in this organization")
        if bill["archived"]:
            raise ValidationFailed(f"{path}.billId", f"bill {bill_id} is archived")
        if bill["vendorId"] != vendor_id:
            raise ValidationFailed(
                f"{path}.billId", f"bill {bill_id} belongs to vendor {bill['vendorId']}"
            )
        if cents + sum(c for _, c in credits) > bill["dueAmount"]:
            due = v.to_decimal(bill["dueAmount"])
            raise ValidationFailed(
                f"{path}.amount",
                f"must not exceed the bill's dueAmount {due} (with the vendor credits applied)",
            )
        line = {"id": f"bpm{payment_id[3:]}{i + 1:02d}", "billId": bill_id, "amount": cents}
        if credits:
            line["vendorCredits"] = self.apply_credits(
                caller.org_id, bill, credits, payment_id=payment_id, prefix=f"{path}."
            )
        self._apply_payment(bill, payment_id, cents, recorded=True)  # bills.py
        return line
