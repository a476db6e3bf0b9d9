"""bill_emulator.backend.bills
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Bills: create, list, get, update (PATCH), archive, restore; and the bookkeeping payments do.

Rules: ``vendorId`` must name an active vendor of the organization; ``dueDate`` and
``invoice.invoiceDate`` are ``yyyy-MM-dd``; at least one line item; each line's ``amount`` (or
``quantity`` x ``price`` when no amount is given) is > 0 with at most two decimals; the bill's
``amount`` is the sum of its lines. An invoice number may be used once per vendor (assumed).

``dueAmount``, ``scheduledAmount`` and ``paymentStatus`` follow the payments: ``UNPAID`` with
none, ``PARTIAL`` while payments or credits cover part of the amount, ``SCHEDULED`` once they
cover all of it, ``PAID`` once nothing is due and every payment booked on it has cleared.
``creditAmount`` is what vendor credits cover (``vendorCredits: [{id, amount}]`` on create, PUT and
PATCH: BILL's changelog of 2025-05-22; :mod:`~bill_emulator.backend.vendor_credits` applies them)
and ``paidAmount`` what payments recorded as made outside BILL cover
(:mod:`~bill_emulator.backend.bill_records`): ``amount = dueAmount + scheduledAmount +
creditAmount + paidAmount``, always. Line items get an ``id`` and keep the ``classifications``
sent, as BILL's bill schema has them, each naming an active classification of the organization
(``check_line_classifications``, from the classifications mixin; ``customerId`` unchecked); a
PATCH changes the lines it names by ``id`` and keeps the others, as BILL's does.

``POST /v3/bills/bulk`` takes a JSON array of bills (at most ``BULK_MAX``, BILL's limit in its
collection) and answers the array of created bills; one bad bill rejects the whole request.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.credit_entries import parse_credits
from bill_emulator.backend.errors import InvalidState, MalformedRequest, ValidationFailed

MAX_LINES = 200
BULK_MAX = 100
_TEXT = 4000
#: Bounds on a line's quantity (the kit's choice; BILL documents none): arithmetic on a
#: ``1e999999`` quantity would overflow, and more decimals than this are never a real count.
_MAX_QUANTITY = 1_000_000_000
_QUANTITY_PLACES = 6

#: The keys of BILL's line-item ``classifications`` object (its v3 bill schema).
CLASSIFICATION_KEYS = (
    "accountingClassId",
    "chartOfAccountId",
    "customerId",
    "departmentId",
    "employeeId",
    "itemId",
    "jobId",
    "locationId",
)


def classifications_of(item: dict, path: str) -> dict | None:
    """A line's ``classifications`` (bills and vendor credits share BILL's schema)."""
    value = v.sub_object(item, "classifications", path, required=False)
    if value is None:
        return None
    out = {}
    for key in CLASSIFICATION_KEYS:
        text = v.string(value, key, f"{path}.{key}", max_len=100)
        if text is not None:
            out[key] = text
    return out


def _line(item: object, index: int, prefix: str = "") -> dict:
    path = f"{prefix}billLineItems[{index}]"
    if not isinstance(item, dict):
        raise ValidationFailed(path, "must be an object")
    line: dict = {}
    amount = v.money(item.get("amount"), f"{path}.amount", required=False)
    quantity = item.get("quantity")
    if quantity is not None and (
        isinstance(quantity, bool)
        or not isinstance(quantity, int | Decimal)
        or not Decimal(quantity).is_finite()
        or not 0 < quantity <= _MAX_QUANTITY
        or Decimal(quantity).as_tuple().exponent < -_QUANTITY_PLACES
    ):
        raise ValidationFailed(
            f"{path}.quantity",
            f"must be a number greater than 0 and at most {_MAX_QUANTITY:,}"
            f" with at most {_QUANTITY_PLACES} decimals",
        )
    price = v.money(item.get("price"), f"{path}.price", required=False)
    if amount is None:
        if quantity is None or price is None:
            raise ValidationFailed(f"{path}.amount", "must not be null")
        with localcontext() as ctx:  # exact: 10 + 6 + 11 digits never round at 40
            ctx.prec = 40
            exact = Decimal(quantity) * price
        if exact != exact.to_integral_value():
            raise ValidationFailed(f"{path}.amount", "quantity x price must be whole cents")
        if exact > v.MAX_CENTS:
            raise ValidationFailed(f"{path}.amount", "quantity x price is too large")
        amount = int(exact)
    line["amount"] = amount
    description = v.string(item, "description", f"{path}.description", max_len=_TEXT)
    if description is not None:
        line["description"] = description
    if quantity is not None:
        line["quantity"] = quantity
    if price is not None:
        line["price"] = price
    classifications = classifications_of(item, f"{path}.classifications")
    if classifications is not None:
        line["classifications"] = classifications
    return line


def _patch_lines(existing: list[dict], body: dict) -> list[dict]:
    """BILL's PATCH: each line sent names an existing line by ``id`` and changes only the
    fields it gives; the other lines stay, and ids never change (adding or removing lines is
    BILL's ``PUT``, not emulated)."""
    items = body.get("billLineItems")
    if not isinstance(items, list) or not items:
        raise ValidationFailed("billLineItems", "must contain at least one line item")
    lines = list(existing)
    places = {line.get("id"): i for i, line in enumerate(existing) if line.get("id")}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed(f"billLineItems[{index}]", "must be an object")
        line_id = item.get("id")
        if line_id not in places:
            raise ValidationFailed(
                f"billLineItems[{index}].id",
                "must name a line of this bill (PATCH changes lines; PUT, which adds and "
                "removes them, is not emulated)",
            )
        old = {k: val for k, val in public(lines[places[line_id]]).items() if k != "id"}
        if "amount" not in item and ("quantity" in item or "price" in item):
            old.pop("amount", None)  # a new quantity or price sets the amount again
        changed = {k: val for k, val in item.items() if k != "id"}
        lines[places[line_id]] = {"id": line_id, **_line({**old, **changed}, index)}
    return lines


def _number_lines(bill_id: str, lines: list[dict]) -> list[dict]:
    """Give each line its id (stable: derived from the bill's id and the line's place)."""
    return [{"id": f"bli{bill_id[3:]}{i + 1:03d}", **line} for i, line in enumerate(lines)]


def _amounts(doc: dict) -> None:
    """BILL's amount fields and ``paymentStatus`` from ``amount``, ``dueAmount`` and what is
    booked (cents): credits applied, payments recorded as made outside BILL, the rest scheduled
    (a cleared payment keeps counting as scheduled: see the backend's gaps)."""
    credit = sum(use["amount"] for use in doc.get("_credits", []))
    paid = sum(doc.get("_recorded", {}).values())
    # in the order a new bill has always shown them (the chapters' committed outputs do)
    doc["scheduledAmount"] = doc["amount"] - doc["dueAmount"] - credit - paid
    doc["paidAmount"] = paid
    doc["creditAmount"] = credit
    doc["paymentStatus"] = bill_status(doc)


def bill_status(doc: dict) -> str:
    """``PAID`` when nothing is due and every payment booked has cleared (or was recorded as
    made outside BILL); otherwise as :func:`payment_status`."""
    if doc["dueAmount"] == 0 and set(doc.get("_payments", {})) <= set(doc.get("_cleared", {})):
        return "PAID"
    return payment_status(doc["amount"], doc["dueAmount"])


def _lines(body: dict, prefix: str = "") -> list[dict]:
    path = f"{prefix}billLineItems"
    items = body.get("billLineItems")
    if items is None:
        raise ValidationFailed(path, "must not be null")
    if not isinstance(items, list) or not items:
        raise ValidationFailed(path, "must contain at least one line item")
    if len(items) > MAX_LINES:
        raise ValidationFailed(path, f"must contain at most {MAX_LINES} line items")
    return [_line(item, i, prefix) for i, item in enumerate(items)]


def _invoice(body: dict, *, required: bool, prefix: str = "") -> dict | None:
    path = f"{prefix}invoice"
    invoice = v.sub_object(body, "invoice", path, required=required)
    if invoice is None:
        return None
    number = v.string(invoice, "invoiceNumber", f"{path}.invoiceNumber", required=True, max_len=100)
    day = v.date_field(invoice, "invoiceDate", f"{path}.invoiceDate", required=True)
    return {"invoiceNumber": number, "invoiceDate": day.isoformat()}


def payment_status(amount: int, due: int) -> str:
    if due == amount:
        return "UNPAID"
    return "SCHEDULED" if due == 0 else "PARTIAL"


def _bulk_items(body: object, limit: int) -> list:
    """A bulk body: a JSON array of 1..limit objects."""
    if not isinstance(body, list) or not body:
        raise MalformedRequest("Request body must be a JSON array of at least one object.")
    if len(body) > limit:
        raise ValidationFailed("[]", f"must hold at most {limit} objects")
    return body


def _bill_doc(body: object, prefix: str) -> dict:
    """A new bill's document from its request body (checks that need no stored state)."""
    if prefix and not isinstance(body, dict):
        raise ValidationFailed(prefix.rstrip("."), "must be an object")
    body = v.body_object(body)
    vendor_id = v.object_id(body, "vendorId", "009", f"{prefix}vendorId")
    due_date = v.date_field(body, "dueDate", f"{prefix}dueDate", required=True)
    invoice = _invoice(body, required=True, prefix=prefix)
    lines = _lines(body, prefix)
    doc: dict = {
        "vendorId": vendor_id,
        "invoice": invoice,
        "dueDate": due_date.isoformat(),
        "billLineItems": lines,
    }
    for key in ("description", "purchaseOrderNumber"):
        text = v.string(body, key, f"{prefix}{key}", max_len=_TEXT if key == "description" else 100)
        if text is not None:
            doc[key] = text
    amount = sum(line["amount"] for line in lines)
    if amount > v.MAX_CENTS:
        raise ValidationFailed(f"{prefix}billLineItems", "total amount is too large")
    doc.update(
        amount=amount,
        dueAmount=amount,
        paymentStatus="UNPAID",
        approvalStatus="UNASSIGNED",
        _payments={},
    )
    _amounts(doc)
    return doc


def _credits_of(body: object, prefix: str) -> list:
    """The ``vendorCredits`` a bill body applies (shape only; the vendor credits mixin checks
    them against the credits themselves)."""
    return parse_credits(body, prefix) if isinstance(body, dict) else []


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "ClassificationsMixin": ("check_line_classifications",),
    "VendorCreditsMixin": (
        "apply_credits",
        "release_credits",
    ),
}


class BillsMixin(BackendBase):
    """Bills. Calls one helper of another mixin: ``check_line_classifications``
    (:mod:`~bill_emulator.backend.classifications`), on create, bulk create and PATCH."""

    def _active_vendor(self, caller: Caller, vendor_id: str, path: str = "vendorId") -> dict:
        vendor = self.store.get_object("vendor", caller.org_id, vendor_id)
        if vendor is None:
            raise ValidationFailed(path, f"no vendor {vendor_id} in this organization")
        if vendor["archived"]:
            raise ValidationFailed(path, f"vendor {vendor_id} is archived; restore it first")
        return vendor

    def _check_invoice_unique(
        self, caller: Caller, vendor_id: str, number: str, own_id=None, path: str = ""
    ):
        rows = self.store.list_objects(
            "bill",
            caller.org_id,
            conditions=[
                ("$.vendorId", "eq", vendor_id),
                ("$.invoice.invoiceNumber", "eq", number),
            ],
            sort=[],
            limit=2,
            offset=0,
        )
        if any(row["id"] != own_id for row in rows):
            raise ValidationFailed(
                f"{path}invoice.invoiceNumber", f"{number} is already used by a bill of this vendor"
            )

    def create_bill(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        doc = _bill_doc(body, "")
        credits = _credits_of(body, "")
        with self.store.write():
            doc = self._store_bill(caller, doc, "", credits)
        return public(doc)

    def bulk_create_bills(self, caller: Caller, body: object) -> list[dict]:
        """A JSON array of bills -> the created bills; all or none (one transaction)."""
        items = _bulk_items(body, BULK_MAX)
        docs = [_bill_doc(item, f"[{i}].") for i, item in enumerate(items)]
        credits = [_credits_of(item, f"[{i}].") for i, item in enumerate(items)]
        with self.store.write():
            created = [
                self._store_bill(caller, doc, f"[{i}].", credits[i]) for i, doc in enumerate(docs)
            ]
        return [public(doc) for doc in created]

    def _store_bill(self, caller: Caller, doc: dict, prefix: str, credits=()) -> dict:
        """Check the bill against the organization's state and insert it (in a transaction)."""
        vendor_id, number = doc["vendorId"], doc["invoice"]["invoiceNumber"]
        self._active_vendor(caller, vendor_id, f"{prefix}vendorId")
        self.check_line_classifications(caller, doc["billLineItems"], prefix)
        self._check_invoice_unique(caller, vendor_id, number, path=prefix)
        seq = self.store.next_seq("bill")
        bill_id = ids.object_id("bill", seq)
        doc = {**doc, "billLineItems": _number_lines(bill_id, doc["billLineItems"])}
        doc = self._insert("bill", caller.org_id, doc, obj_id=bill_id, seq=seq)
        if credits:
            self.credit_bill(caller.org_id, doc, credits, prefix)
        return doc

    def credit_bill(self, org_id: str, bill: dict, credits, prefix: str = "") -> dict:
        """Apply a bill body's ``vendorCredits`` to ``bill`` and save it (in a transaction)."""
        self.apply_credits(org_id, bill, credits, payment_id=None, prefix=prefix)
        _amounts(bill)
        return self._save(bill)

    def get_bill(self, caller: Caller, bill_id: str) -> dict:
        return public(self._load("bill", caller, bill_id))

    def list_bills(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list("bill", caller, params)

    def update_bill(self, caller: Caller, bill_id: str, body: object) -> dict:
        body = v.body_object(body)
        credits = _credits_of(body, "")
        with self.store.write():
            doc = self._load("bill", caller, bill_id)
            if doc["archived"]:
                raise InvalidState(f"Bill {bill_id} is archived; restore it before editing.")
            paid = doc["amount"] - doc["dueAmount"]
            if paid and ("billLineItems" in body or "vendorId" in body):
                raise InvalidState(
                    f"Bill {bill_id} has {booked_on(doc)}; its vendor and lines cannot change."
                )
            if "vendorId" in body:
                doc["vendorId"] = v.object_id(body, "vendorId", "009")
                self._active_vendor(caller, doc["vendorId"])
            if "dueDate" in body:
                doc["dueDate"] = v.date_field(body, "dueDate", required=True).isoformat()
            if "invoice" in body:
                doc["invoice"] = _invoice(body, required=True)
            if "invoice" in body or "vendorId" in body:
                number = doc["invoice"]["invoiceNumber"]
                self._check_invoice_unique(caller, doc["vendorId"], number, own_id=bill_id)
            for key in ("description", "purchaseOrderNumber"):
                if key in body:
                    doc[key] = v.string(body, key, max_len=_TEXT if key == "description" else 100)
                    if doc[key] is None:
                        del doc[key]
            if "billLineItems" in body:
                doc["billLineItems"] = _patch_lines(doc["billLineItems"], body)
                self.check_line_classifications(caller, doc["billLineItems"], "")
                doc["amount"] = doc["dueAmount"] = sum(i["amount"] for i in doc["billLineItems"])
                _amounts(doc)
            doc = self._save(doc)
            if credits:
                doc = self.credit_bill(caller.org_id, doc, credits)
        return public(doc)

    def archive_bill(self, caller: Caller, bill_id: str) -> dict:
        return self._set_archived("bill", caller, bill_id, True)

    def restore_bill(self, caller: Caller, bill_id: str) -> dict:
        return self._set_archived("bill", caller, bill_id, False)

    def _before_archive(self, kind: str, doc: dict, archived: bool) -> None:
        if kind == "bill" and archived and doc["dueAmount"] != doc["amount"]:
            raise InvalidState(
                f"Bill {doc['id']} has {booked_on(doc)}; it cannot be archived "
                "(cancel its scheduled payments first)."
            )

    def _apply_payment(
        self, bill: dict, payment_id: str, cents: int, *, recorded: bool = False
    ) -> dict:
        """Book (``cents`` > 0) or release (``cents`` < 0) a payment against a bill; a release
        also gives back the vendor credits the payment applied. ``recorded``: a payment made
        outside BILL (``POST /v3/bills/record-payment``), paid at once."""
        if cents > bill["dueAmount"]:  # the callers check first; this is the last line
            raise InvalidState(
                f"Bill {bill['id']} has {v.to_decimal(bill['dueAmount'])} due; "
                f"{v.to_decimal(cents)} would pay it twice."
            )
        payments = bill.setdefault("_payments", {})
        if cents > 0:
            payments[payment_id] = cents
            if recorded:
                bill.setdefault("_cleared", {})[payment_id] = cents
                bill.setdefault("_recorded", {})[payment_id] = cents
        else:
            payments.pop(payment_id, None)
            if any(use.get("paymentId") == payment_id for use in bill.get("_credits", [])):
                self.release_credits(self._org_of(bill), bill, payment_id)
        bill["dueAmount"] -= cents
        _amounts(bill)
        return self._save(bill)

    def _org_of(self, bill: dict) -> str:
        owner = self.store.object_owner(bill["id"])
        return owner[1] if owner else ""


def booked_on(doc: dict) -> str:
    """What a bill carries that pins it (for messages): payments and/or vendor credits."""
    parts = []
    if doc["amount"] - doc["dueAmount"] - doc.get("creditAmount", 0):
        parts.append("payments")
    if doc.get("creditAmount"):
        parts.append("vendor credits applied")
    return " and ".join(parts) or "payments"
