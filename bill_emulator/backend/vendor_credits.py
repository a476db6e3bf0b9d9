"""bill_emulator.backend.vendor_credits
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Vendor credits (``/v3/vendor-credits``): create, list, get, update (PATCH), replace (PUT),
archive, their bulk forms; and applying a credit to a bill.

Why a credit is money the way a payment is: a vendor credit lowers what is owed to its vendor, so
applying one lowers a bill's ``dueAmount`` exactly as a payment does, and the never-pay-twice
rules (the kit's and the emulator's) must count it. Every application is kept twice, on the credit
(``appliedAmount``, its ``usage``: bill, payment, amount) and on the bill (``creditAmount``), in
one store transaction, so the two never disagree.

Rules (BILL's collection and its create page): ``vendorId`` an active vendor of the organization;
``referenceNumber`` 1-100 characters; ``creditDate`` ``yyyy-MM-dd``; at least one line item, each
with an ``amount`` > 0 (two decimals) and optional ``description`` and ``classifications``;
``applyToChartOfAccountId`` (``0ca``) or ``applyToBankAccountId`` (``bac``), not both; the
credit's ``amount`` is the sum of its lines. A PATCH changes the lines it names by ``id``; a PUT
replaces the credit: lines without ``id`` are new, lines left out are removed. An archived credit
cannot be restored (BILL's archive page), edited or applied. Bulk calls take at most 50 credits
(BILL's bulk create page) and succeed or fail as a whole.

Applying (``vendorCredits: [{id, amount}]`` on a bill, a payment or a recorded payment): each
credit must exist, be unarchived and belong to the bill's vendor; its ``amount`` is > 0 and at most
what the credit has left; together with the payment's own amount, never more than the bill's
``dueAmount``. A canceled, voided or failed payment gives its credits back. ``status`` follows
``appliedAmount``: ``NOT_APPLIED`` (none), ``IN_PROCESS`` (part), ``FULLY_APPLIED`` (all): BILL's
spellings, the meaning of ``IN_PROCESS`` assumed.

Public-ish helpers other mixins call: :meth:`VendorCreditsMixin.parse_credits`,
:meth:`~VendorCreditsMixin.apply_credits` and :meth:`~VendorCreditsMixin.release_credits`
(bills, payments and recorded payments use them; see their modules).
"""

from __future__ import annotations

from bill_emulator.backend import credit_entries, ids, listing
from bill_emulator.backend import validation as v
from bill_emulator.backend.bills import classifications_of
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import InvalidState, MalformedRequest, ValidationFailed

BULK_MAX = 50
MAX_LINES = 200
_TEXT = 4000
_LINE_PREFIX = "vcl"  # BILL's prefix for vendor credit line ids is not published (assumed)


def credit_status(amount: int, applied: int) -> str:
    if applied == 0:
        return "NOT_APPLIED"
    return "FULLY_APPLIED" if applied >= amount else "IN_PROCESS"


def _line(item: object, path: str) -> dict:
    if not isinstance(item, dict):
        raise ValidationFailed(path, "must be an object")
    line: dict = {"amount": v.money(item.get("amount"), f"{path}.amount")}
    description = v.string(item, "description", f"{path}.description", max_len=_TEXT)
    if description is not None:
        line["description"] = description
    classes = classifications_of(item, f"{path}.classifications")
    if classes is not None:
        line["classifications"] = classes
    return line


def _lines(body: dict, prefix: str) -> list[tuple[str | None, dict]]:
    """``(id or None, checked line)`` for each line sent."""
    path = f"{prefix}vendorCreditLineItems"
    items = body.get("vendorCreditLineItems")
    if not isinstance(items, list) or not items:
        raise ValidationFailed(path, "must contain at least one line item")
    if len(items) > MAX_LINES:
        raise ValidationFailed(path, f"must contain at most {MAX_LINES} line items")
    out = []
    for i, item in enumerate(items):
        line = _line(item, f"{path}[{i}]")
        line_id = v.string(item, "id", f"{path}[{i}].id", max_len=100)
        out.append((line_id, line))
    return out


def _head(body: dict, doc: dict, prefix: str, *, creating: bool) -> None:
    """The credit's own fields (all of them for create/PUT; those present for PATCH)."""

    def given(key: str) -> bool:
        return creating or key in body

    if given("vendorId"):
        doc["vendorId"] = v.object_id(body, "vendorId", "009", f"{prefix}vendorId")
    if given("referenceNumber"):
        doc["referenceNumber"] = v.string(
            body, "referenceNumber", f"{prefix}referenceNumber", required=True, max_len=100
        )
    if given("creditDate"):
        day = v.date_field(body, "creditDate", f"{prefix}creditDate", required=True)
        doc["creditDate"] = day.isoformat()
    for key, prefix_id in (("applyToChartOfAccountId", "0ca"), ("applyToBankAccountId", "bac")):
        if given(key):
            value = v.object_id(body, key, prefix_id, f"{prefix}{key}", required=False)
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
    if "applyToChartOfAccountId" in doc and "applyToBankAccountId" in doc:
        raise ValidationFailed(
            f"{prefix}applyToBankAccountId",
            "set only one of applyToChartOfAccountId or applyToBankAccountId",
        )
    if given("description"):
        text = v.string(body, "description", f"{prefix}description", max_len=_TEXT)
        if text is None:
            doc.pop("description", None)
        else:
            doc["description"] = text


def _bulk(body: object) -> list:
    if not isinstance(body, list) or not body:
        raise MalformedRequest("Request body must be a JSON array of at least one vendor credit.")
    if len(body) > BULK_MAX:
        raise ValidationFailed("[]", f"must hold at most {BULK_MAX} vendor credits")
    return body


def _item(body: object, prefix: str) -> dict:
    if prefix and not isinstance(body, dict):
        raise ValidationFailed(prefix.rstrip("."), "must be an object")
    return v.body_object(body)


def shown(doc: dict, *, usage: bool = False) -> dict:
    """The API view; ``usage`` only where BILL's collection shows it (get and list)."""
    out = public(doc)
    if usage:
        out["usage"] = [public(u) for u in doc.get("_usage", [])]
    return out


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "BillsMixin": ("_active_vendor",),
}


class VendorCreditsMixin(BackendBase):
    # -- create, read ---------------------------------------------------------------------------

    def create_vendor_credit(self, caller: Caller, body: object) -> dict:
        with self.store.write():
            doc = self._new_credit(caller, body, "")
        return shown(doc)

    def bulk_create_vendor_credits(self, caller: Caller, body: object) -> dict:
        items = _bulk(body)
        with self.store.write():  # one transaction: all or none
            docs = [self._new_credit(caller, item, f"[{i}].") for i, item in enumerate(items)]
        return {"vendorCredits": [shown(d) for d in docs]}

    def get_vendor_credit(self, caller: Caller, credit_id: str) -> dict:
        return shown(self._load("vendorCredit", caller, credit_id), usage=True)

    def list_vendor_credits(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        page = listing.fetch(self.store, "vendorCredit", caller.org_id, params)
        page["results"] = [shown(doc, usage=True) for doc in page["results"]]
        return page

    def _new_credit(self, caller: Caller, body: object, prefix: str) -> dict:
        body = _item(body, prefix)
        doc: dict = {}
        _head(body, doc, prefix, creating=True)
        lines = _lines(body, prefix)
        self._check_credit_refs(caller, doc, prefix)
        seq = self.store.next_seq("vendorCredit")
        credit_id = ids.object_id("vendorCredit", seq)
        doc["_lineSeq"] = 0
        doc["vendorCreditLineItems"] = []
        self._set_lines(doc, credit_id, [(None, line) for _, line in lines], {}, prefix)
        doc.update(appliedAmount=0, status="NOT_APPLIED", _usage=[])
        return self._insert("vendorCredit", caller.org_id, doc, obj_id=credit_id, seq=seq)

    def _check_credit_refs(self, caller: Caller, doc: dict, prefix: str) -> None:
        self._active_vendor(caller, doc["vendorId"], f"{prefix}vendorId")  # bills.py
        bank_id = doc.get("applyToBankAccountId")
        if bank_id is not None and self.store.get_object("bank", caller.org_id, bank_id) is None:
            raise ValidationFailed(
                f"{prefix}applyToBankAccountId", f"no bank account {bank_id} in this organization"
            )

    def _set_lines(self, doc, credit_id, lines, existing: dict, prefix: str) -> None:
        """Number new lines, keep named ones, and set ``amount`` (the sum)."""
        out = []
        for i, (line_id, line) in enumerate(lines):
            if line_id is None:
                doc["_lineSeq"] += 1
                line_id = f"{_LINE_PREFIX}{credit_id[3:]}{doc['_lineSeq']:03d}"
            elif line_id not in existing:
                raise ValidationFailed(
                    f"{prefix}vendorCreditLineItems[{i}].id",
                    "must name a line of this vendor credit (leave id out to add a line)",
                )
            out.append({"id": line_id, **line})
        amount = sum(line["amount"] for line in out)
        if amount > v.MAX_CENTS:
            raise ValidationFailed(f"{prefix}vendorCreditLineItems", "total amount is too large")
        if amount < doc.get("appliedAmount", 0):
            raise InvalidState(
                f"Vendor credit {credit_id} has {v.to_decimal(doc['appliedAmount'])} applied; "
                "its amount cannot go below that."
            )
        doc["vendorCreditLineItems"] = out
        doc["amount"] = amount
        doc["status"] = credit_status(amount, doc.get("appliedAmount", 0))

    # -- change ---------------------------------------------------------------------------------

    def update_vendor_credit(self, caller: Caller, credit_id: str, body: object) -> dict:
        with self.store.write():
            doc = self._change_credit(caller, credit_id, body, "", replace=False)
        return shown(doc)

    def replace_vendor_credit(self, caller: Caller, credit_id: str, body: object) -> dict:
        with self.store.write():
            doc = self._change_credit(caller, credit_id, body, "", replace=True)
        return shown(doc)

    def bulk_update_vendor_credits(self, caller: Caller, body: object) -> dict:
        return self._bulk_change(caller, body, replace=False)

    def bulk_replace_vendor_credits(self, caller: Caller, body: object) -> dict:
        return self._bulk_change(caller, body, replace=True)

    def _bulk_change(self, caller: Caller, body: object, *, replace: bool) -> dict:
        items = _bulk(body)
        with self.store.write():
            docs = []
            for i, item in enumerate(items):
                item = _item(item, f"[{i}].")
                credit_id = v.object_id(item, "id", "vcr", f"[{i}].id")
                change = self._change_credit(caller, credit_id, item, f"[{i}].", replace=replace)
                docs.append(change)
        return {"vendorCredits": [shown(d) for d in docs]}

    def _change_credit(self, caller, credit_id: str, body: object, prefix: str, *, replace: bool):
        body = v.body_object(body)
        doc = self._load("vendorCredit", caller, credit_id)
        if doc["archived"]:
            raise InvalidState(f"Vendor credit {credit_id} is archived; it cannot be changed.")
        vendor_before = doc["vendorId"]
        _head(body, doc, prefix, creating=replace)
        if doc["vendorId"] != vendor_before and doc["appliedAmount"]:
            raise InvalidState(
                f"Vendor credit {credit_id} is applied to bills; its vendor cannot change."
            )
        self._check_credit_refs(caller, doc, prefix)
        existing = {line["id"]: line for line in doc["vendorCreditLineItems"]}
        if replace:
            self._set_lines(doc, credit_id, _lines(body, prefix), existing, prefix)
        elif "vendorCreditLineItems" in body:
            self._set_lines(doc, credit_id, self._patched(body, existing, prefix), existing, prefix)
        return self._save(doc)

    @staticmethod
    def _patched(body: dict, existing: dict, prefix: str) -> list:
        """PATCH: each line sent names a line by ``id`` and changes the fields it gives."""
        path = f"{prefix}vendorCreditLineItems"
        items = body.get("vendorCreditLineItems")
        if not isinstance(items, list) or not items:
            raise ValidationFailed(path, "must contain at least one line item")
        lines = {k: {f: x for f, x in line.items() if f != "id"} for k, line in existing.items()}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get("id") not in existing:
                raise ValidationFailed(
                    f"{path}[{i}].id",
                    "must name a line of this vendor credit (PATCH changes lines; PUT adds and "
                    "removes them)",
                )
            merged = {**public(lines[item["id"]]), **{k: x for k, x in item.items() if k != "id"}}
            lines[item["id"]] = _line(merged, f"{path}[{i}]")
        return list(lines.items())

    # -- archive --------------------------------------------------------------------------------

    def archive_vendor_credit(self, caller: Caller, credit_id: str) -> dict:
        with self.store.write():
            doc = self._archive_credit(caller, credit_id)
        return shown(doc)

    def bulk_archive_vendor_credits(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        """``?ids=vcr...,vcr...`` (BILL's example: the ``ids`` query parameter, no body)."""
        unknown = sorted(set(params) - {"ids"})
        if unknown:
            raise MalformedRequest(f"{unknown[0]}: unknown parameter")
        wanted = [i.strip() for value in params.get("ids", []) for i in value.split(",")]
        if not wanted or not all(wanted):
            raise ValidationFailed("ids", "must list the vendor credit ids, comma-separated")
        if len(wanted) > BULK_MAX:
            raise ValidationFailed("ids", f"must list at most {BULK_MAX} vendor credits")
        if len(set(wanted)) != len(wanted):
            raise ValidationFailed("ids", "names a vendor credit twice")
        with self.store.write():
            docs = [self._archive_credit(caller, credit_id) for credit_id in wanted]
        return {"vendorCredits": [shown(d) for d in docs]}

    def _archive_credit(self, caller: Caller, credit_id: str) -> dict:
        doc = self._load("vendorCredit", caller, credit_id)
        if not doc["archived"]:
            doc["archived"] = True
            doc = self._save(doc, verb="archived")
        return doc

    # -- applying credits (bills, payments, recorded payments call these) ----------------------

    #: ``vendorCredits: [{id, amount}]`` -> ``[(credit id, cents)]`` (shape only).
    parse_credits = staticmethod(credit_entries.parse_credits)

    def apply_credits(
        self, org_id: str, bill: dict, credits, *, payment_id: str | None, prefix: str
    ) -> list[dict]:
        """Apply checked ``credits`` to ``bill`` (inside a transaction; the bill is saved by the
        caller). Returns BILL's ``[{id, amount}]`` for the payment's ``billPayments``."""
        applied = []
        for i, (credit_id, cents) in enumerate(credits):
            path = f"{prefix}vendorCredits[{i}]"
            credit = self.store.get_object("vendorCredit", org_id, credit_id)
            if credit is None:
                raise ValidationFailed(f"{path}.id", f"no vendor credit {credit_id} here")
            if credit["archived"]:
                raise ValidationFailed(f"{path}.id", f"vendor credit {credit_id} is archived")
            if credit["vendorId"] != bill["vendorId"]:
                raise ValidationFailed(
                    f"{path}.id",
                    f"vendor credit {credit_id} belongs to vendor {credit['vendorId']}, not to "
                    f"the bill's vendor {bill['vendorId']}",
                )
            left = credit["amount"] - credit["appliedAmount"]
            if cents > left:
                raise ValidationFailed(
                    f"{path}.amount",
                    f"vendor credit {credit_id} has {v.to_decimal(left)} left to apply",
                )
            if cents > bill["dueAmount"]:
                raise ValidationFailed(
                    f"{path}.amount",
                    f"must not exceed the bill's dueAmount {v.to_decimal(bill['dueAmount'])}",
                )
            use = {"billId": bill["id"], "amount": cents}
            if payment_id is not None:
                use["paymentId"] = payment_id
            credit["_usage"].append(use)
            credit["appliedAmount"] += cents
            credit["status"] = credit_status(credit["amount"], credit["appliedAmount"])
            self._save(credit)
            bill.setdefault("_credits", []).append({"creditId": credit_id, **use})
            bill["dueAmount"] -= cents
            applied.append({"id": credit_id, "amount": cents})
        return applied

    def release_credits(self, org_id: str, bill: dict, payment_id: str) -> None:
        """Give back the credits a payment applied to ``bill`` (it was canceled, voided or its
        disbursement failed); the bill is saved by the caller."""
        keep = []
        for use in bill.get("_credits", []):
            if use.get("paymentId") != payment_id:
                keep.append(use)
                continue
            credit = self.store.get_object("vendorCredit", org_id, use["creditId"])
            if credit is not None:
                credit["_usage"] = [
                    u
                    for u in credit["_usage"]
                    if not (u.get("paymentId") == payment_id and u["billId"] == bill["id"])
                ]
                credit["appliedAmount"] -= use["amount"]
                credit["status"] = credit_status(credit["amount"], credit["appliedAmount"])
                self._save(credit)
            bill["dueAmount"] += use["amount"]
        bill["_credits"] = keep
