"""bill_emulator.backend.bills
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Bills: create, list, get, update (PATCH), archive, restore; and the bookkeeping payments do.

Rules: ``vendorId`` must name an active vendor of the organization; ``dueDate`` and
``invoice.invoiceDate`` are ``yyyy-MM-dd``; at least one line item; each line's ``amount`` (or
``quantity`` x ``price`` when no amount is given) is > 0 with at most two decimals; the bill's
``amount`` is the sum of its lines. An invoice number may be used once per vendor (assumed).

``dueAmount`` and ``paymentStatus`` follow the payments: ``UNPAID`` with none, ``PARTIAL`` while
scheduled payments cover part of the amount, ``SCHEDULED`` once they cover all of it. ``PAID``
would follow clearing, which the emulator does not do (see the backend's gaps).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import InvalidState, ValidationFailed

MAX_LINES = 200
_TEXT = 4000
#: Bounds on a line's quantity (the kit's choice; BILL documents none): arithmetic on a
#: ``1e999999`` quantity would overflow, and more decimals than this are never a real count.
_MAX_QUANTITY = 1_000_000_000
_QUANTITY_PLACES = 6


def _line(item: object, index: int) -> dict:
    path = f"billLineItems[{index}]"
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
    return line


def _lines(body: dict) -> list[dict]:
    items = body.get("billLineItems")
    if items is None:
        raise ValidationFailed("billLineItems", "must not be null")
    if not isinstance(items, list) or not items:
        raise ValidationFailed("billLineItems", "must contain at least one line item")
    if len(items) > MAX_LINES:
        raise ValidationFailed("billLineItems", f"must contain at most {MAX_LINES} line items")
    return [_line(item, i) for i, item in enumerate(items)]


def _invoice(body: dict, *, required: bool) -> dict | None:
    invoice = v.sub_object(body, "invoice", "invoice", required=required)
    if invoice is None:
        return None
    number = v.string(invoice, "invoiceNumber", "invoice.invoiceNumber", required=True, max_len=100)
    day = v.date_field(invoice, "invoiceDate", "invoice.invoiceDate", required=True)
    return {"invoiceNumber": number, "invoiceDate": day.isoformat()}


def payment_status(amount: int, due: int) -> str:
    if due == amount:
        return "UNPAID"
    return "SCHEDULED" if due == 0 else "PARTIAL"


class BillsMixin(BackendBase):
    def _active_vendor(self, caller: Caller, vendor_id: str, path: str = "vendorId") -> dict:
        vendor = self.store.get_object("vendor", caller.org_id, vendor_id)
        if vendor is None:
            raise ValidationFailed(path, f"no vendor {vendor_id} in this organization")
        if vendor["archived"]:
            raise ValidationFailed(path, f"vendor {vendor_id} is archived; restore it first")
        return vendor

    def _check_invoice_unique(self, caller: Caller, vendor_id: str, number: str, own_id=None):
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
                "invoice.invoiceNumber", f"{number} is already used by a bill of this vendor"
            )

    def create_bill(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        vendor_id = v.object_id(body, "vendorId", "009")
        due_date = v.date_field(body, "dueDate", required=True)
        invoice = _invoice(body, required=True)
        lines = _lines(body)
        doc: dict = {
            "vendorId": vendor_id,
            "invoice": invoice,
            "dueDate": due_date.isoformat(),
            "billLineItems": lines,
        }
        for key in ("description", "purchaseOrderNumber"):
            text = v.string(body, key, max_len=_TEXT if key == "description" else 100)
            if text is not None:
                doc[key] = text
        amount = sum(line["amount"] for line in lines)
        if amount > v.MAX_CENTS:
            raise ValidationFailed("billLineItems", "total amount is too large")
        doc.update(
            amount=amount,
            dueAmount=amount,
            paymentStatus="UNPAID",
            approvalStatus="UNASSIGNED",
            _payments={},
        )
        with self.store.write():
            self._active_vendor(caller, vendor_id)
            self._check_invoice_unique(caller, vendor_id, invoice["invoiceNumber"])
            doc = self._insert("bill", caller.org_id, doc)
        return public(doc)

    def get_bill(self, caller: Caller, bill_id: str) -> dict:
        return public(self._load("bill", caller, bill_id))

    def list_bills(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list("bill", caller, params)

    def update_bill(self, caller: Caller, bill_id: str, body: object) -> dict:
        body = v.body_object(body)
        with self.store.write():
            doc = self._load("bill", caller, bill_id)
            if doc["archived"]:
                raise InvalidState(f"Bill {bill_id} is archived; restore it before editing.")
            paid = doc["amount"] - doc["dueAmount"]
            if paid and ("billLineItems" in body or "vendorId" in body):
                raise InvalidState(
                    f"Bill {bill_id} has scheduled payments; its vendor and lines cannot change."
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
                doc["billLineItems"] = _lines(body)
                doc["amount"] = doc["dueAmount"] = sum(i["amount"] for i in doc["billLineItems"])
            doc = self._save(doc)
        return public(doc)

    def archive_bill(self, caller: Caller, bill_id: str) -> dict:
        return self._set_archived("bill", caller, bill_id, True)

    def restore_bill(self, caller: Caller, bill_id: str) -> dict:
        return self._set_archived("bill", caller, bill_id, False)

    def _before_archive(self, kind: str, doc: dict, archived: bool) -> None:
        if kind == "bill" and archived and doc["dueAmount"] != doc["amount"]:
            raise InvalidState(
                f"Bill {doc['id']} has scheduled payments; cancel them before archiving."
            )

    def _apply_payment(self, bill: dict, payment_id: str, cents: int) -> dict:
        """Book (``cents`` > 0) or release (``cents`` < 0) a payment against a bill."""
        payments = bill.setdefault("_payments", {})
        if cents > 0:
            payments[payment_id] = cents
        else:
            payments.pop(payment_id, None)
        bill["dueAmount"] -= cents
        bill["paymentStatus"] = payment_status(bill["amount"], bill["dueAmount"])
        return self._save(bill)
