"""bill_emulator.backend.recurring
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Recurring bills (``/v3/recurringbills``): create, list, get, replace (PUT), update (PATCH),
archive, restore; and the bills they make on the emulator's test clock.

A recurring bill is a template: ``schedule`` says when its bills fall due, and each bill is made
``daysInAdvance`` days before its due date with the template's lines, the due date as its
invoice number (BILL's recurring bills page) and the day it was made as its invoice date. Bills
are made:

- when the recurring bill is created, replaced, updated or restored (every bill whose day has
  already come, as BILL's page says), and
- when the test clock moves (``POST /_emulator/clock``, any mode), for every organization.

Both happen inside the store's write transaction that makes the change or moves the clock, and
each bill made moves the schedule's ``nextDueDate`` on in that same transaction: a clock moved
twice, or two emulator processes on one data folder, never make a bill twice; nor does a schedule
started again (a PUT, a PATCH of ``nextDueDate``) on a due date this template has billed: that
bill is passed over, not made again. Real time crossing
midnight makes nothing until the next clock move (as for payments).

Bounded work (issue 23): one run makes at most :data:`MAX_BILLS_PER_RUN` bills; the others stay
due and are made by the next run (the next clock move or change). A ``nextDueDate`` may be at
most a year in the past, so a new template's catch-up is bounded too.

Not emulated: ``autoPayment`` is kept (it needs an MFA-trusted session, as BILL's reference
says) but the emulator never pays the bills it makes; pay them with ``POST /v3/payments``.

Uses other mixins' public-ish helpers: ``_active_vendor`` and ``_store_bill`` (bills: a made bill
passes the same checks and approval policies as ``POST /v3/bills``) and the lifecycle's
``_run_lifecycle`` (extended here: a clock move also makes the bills that came due).
"""

from __future__ import annotations

from bill_emulator.backend import classification_kinds as ck
from bill_emulator.backend import ids, listing
from bill_emulator.backend import recurring_rules as rr
from bill_emulator.backend import validation as v
from bill_emulator.backend.bills import _bill_doc
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import (
    InvalidState,
    ObjectNotFound,
    UntrustedSession,
    ValidationFailed,
)

KIND = "recurringBill"
#: Most bills one run makes, over all recurring bills (about a second of work under the lock).
MAX_BILLS_PER_RUN = 1000
_SCAN = 50

# ``GET /v3/recurringbills``: BILL's example filters on ``id`` and sorts on ``archived``; the
# other fields are the kit's choice (row RB2).
listing.OTHER_FIELDS.setdefault(
    KIND,
    {
        "id": listing.Field("$.id", "str", ("eq", "ne", "in")),
        "archived": listing.Field("$.archived", "bool", ("eq", "ne")),
        "vendorId": listing.Field("$.vendorId", "str", ("eq", "in")),
        "schedule.nextDueDate": listing.Field(
            "$.schedule.nextDueDate", "date", ("eq", "gt", "gte", "lt", "lte")
        ),
        "createdTime": listing.Field("$.createdTime", "time", ("gt", "gte", "lt", "lte")),
        "updatedTime": listing.Field("$.updatedTime", "time", ("gt", "gte", "lt", "lte")),
    },
)


#: Sibling mixins' methods this one calls (tests/emulator/test_layering.py keeps it true).
USES = {"BillsMixin": ("_active_vendor", "_store_bill")}


def _system(org_id: str) -> Caller:
    """The organization acting for itself: bills made on the clock have no session."""
    return Caller(org_id=org_id, user_id="", dev_key="", session_hash="", trusted=False)


class RecurringBillsMixin(BackendBase):
    # -- the calls ----------------------------------------------------------------------------

    def list_recurring_bills(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list(KIND, caller, params)

    def get_recurring_bill(self, caller: Caller, rb_id: str) -> dict:
        return public(self._load_recurring(caller, rb_id))

    def create_recurring_bill(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        with self.store.write():
            doc = {"archived": False, **self._template(caller, body, old=None)}
            rr.restart(doc)
            seq = self.store.next_seq(KIND)
            doc = self._insert(KIND, caller.org_id, self._number(doc, seq), seq=seq)
            doc = self._make_due(caller.org_id, doc, budget=MAX_BILLS_PER_RUN)
        return public(doc)

    def replace_recurring_bill(self, caller: Caller, rb_id: str, body: object) -> dict:
        """``PUT``: every field again; a line with an existing ``id`` keeps it, a line without
        one is new, and lines left out are removed."""
        body = v.body_object(body)
        with self.store.write():
            doc = self._editable(caller, rb_id)
            new = self._template(caller, body, old=doc)
            for key in ("description", "processingOptions", "paymentInformation"):
                doc.pop(key, None)
            doc.update(new)
            rr.restart(doc)
            doc = self._make_due(caller.org_id, self._save(self._number(doc)), budget=None)
        return public(doc)

    def update_recurring_bill(self, caller: Caller, rb_id: str, body: object) -> dict:
        """``PATCH``: the fields given; lines are named by ``id`` and keep it."""
        body = v.body_object(body)
        with self.store.write():
            doc = self._editable(caller, rb_id)
            merged = {key: doc[key] for key in ("vendorId", "schedule") if key in doc}
            for key in ("description", "processingOptions", "paymentInformation"):
                if key in doc:
                    merged[key] = public(doc[key]) if isinstance(doc[key], dict) else doc[key]
            merged.update({k: body[k] for k in body if k != "recurringBillLineItems"})
            if isinstance(body.get("schedule"), dict):
                merged["schedule"] = {**doc["schedule"], **body["schedule"]}
            merged["recurringBillLineItems"] = self._patched_lines(doc, body)
            sent = body.get("schedule")
            given = frozenset(sent) if isinstance(sent, dict) else frozenset()
            new = self._template(caller, merged, old=doc, given=given)
            restart = any(
                new["schedule"].get(key) != doc["schedule"].get(key)
                for key in ("period", "frequency", "nextDueDate")
            )
            doc.update(new)
            if restart:
                rr.restart(doc)
            doc = self._make_due(caller.org_id, self._save(self._number(doc)), budget=None)
        return public(doc)

    def archive_recurring_bill(self, caller: Caller, rb_id: str) -> dict:
        return self._set_recurring_archived(caller, rb_id, True)

    def restore_recurring_bill(self, caller: Caller, rb_id: str) -> dict:
        return self._set_recurring_archived(caller, rb_id, False)

    # -- the template ------------------------------------------------------------------------

    def _load_recurring(self, caller: Caller, rb_id: str) -> dict:
        doc = self.store.get_object(KIND, caller.org_id, rb_id)
        if doc is None:
            raise ObjectNotFound("Recurring bill", rb_id)
        return doc

    def _editable(self, caller: Caller, rb_id: str) -> dict:
        doc = self._load_recurring(caller, rb_id)
        if doc["archived"]:
            raise InvalidState(f"Recurring bill {rb_id} is archived; restore it before editing.")
        return doc

    def _template(
        self, caller: Caller, body: dict, *, old: dict | None, given: frozenset | None = None
    ) -> dict:
        """Every field of a create or PUT body (or a PATCH merged onto the stored template;
        ``given``: the schedule keys the PATCH sent)."""
        vendor_id = v.object_id(body, "vendorId", "009")
        self._active_vendor(caller, vendor_id)
        schedule = rr.parse_schedule(
            body.get("schedule"),
            today=self.clock.today(),
            last_day=self.clock.last_day(),
            given=given,
        )
        lines = rr.parse_lines(body.get("recurringBillLineItems"))
        if sum(line["amount"] for line in lines) > v.MAX_CENTS:
            raise ValidationFailed("recurringBillLineItems", "total amount is too large")
        self._check_template_classifications(caller, lines)
        known = {line["id"] for line in (old or {}).get("recurringBillLineItems", [])}
        for i, line in enumerate(lines):
            if "id" in line and line["id"] not in known:
                raise ValidationFailed(
                    f"recurringBillLineItems[{i}].id",
                    "must name a line of this recurring bill (leave it out for a new line)",
                )
        doc: dict = {"vendorId": vendor_id, "schedule": schedule, "recurringBillLineItems": lines}
        text = v.string(body, "description", max_len=rr.TEXT_MAX)
        if text is not None:
            doc["description"] = text
        options = v.sub_object(body, "processingOptions", "processingOptions", required=False)
        auto = v.boolean(options or {}, "autoPayment", "processingOptions.autoPayment")
        doc["processingOptions"] = {"autoPayment": auto}
        info = v.sub_object(body, "paymentInformation", "paymentInformation", required=False)
        bank_id = v.object_id(
            info or {}, "bankAccountId", "bac", "paymentInformation.bankAccountId", required=auto
        )
        was_on = bool((old or {}).get("processingOptions", {}).get("autoPayment"))
        if auto and not was_on and not caller.trusted:
            raise UntrustedSession()  # BILL: turning autoPayment on needs an MFA-trusted session
        if bank_id is not None:
            bank = self.store.get_object("bank", caller.org_id, bank_id)
            if bank is None or bank["archived"] or bank["status"] != "VERIFIED":
                state = (
                    "missing"
                    if bank is None
                    else ("archived" if bank["archived"] else bank["status"])
                )
                raise ValidationFailed(
                    "paymentInformation.bankAccountId",
                    f"bank account {bank_id} is {state}; name a VERIFIED account of this "
                    "organization",
                )
            doc["paymentInformation"] = {"bankAccountId": bank_id}
        return doc

    def _check_template_classifications(self, caller: Caller, lines: list[dict]) -> None:
        """Each classification a line names is an active one of the organization, as on a bill
        (its bills are checked again when made: one archived meanwhile makes the template wait)."""
        for i, line in enumerate(lines):
            for key, ident in (line.get("classifications") or {}).items():
                kind = ck.BY_LINE_FIELD.get(key)
                if kind is None:  # pragma: no cover - the template's keys are all kinds
                    continue
                found = self.store.get_object(kind.store, caller.org_id, ident)
                if found is None or found["archived"]:
                    state = "archived" if found else "not in this organization"
                    raise ValidationFailed(
                        f"recurringBillLineItems[{i}].classifications.{key}",
                        f"{kind.segment} object {ident} is {state}",
                    )

    def _patched_lines(self, doc: dict, body: dict) -> list[dict]:
        """PATCH lines: each names a stored line by ``id``; the fields given change."""
        stored = [public(line) for line in doc["recurringBillLineItems"]]
        items = body.get("recurringBillLineItems")
        if items is None:
            return stored
        if not isinstance(items, list) or not items:
            raise ValidationFailed("recurringBillLineItems", "must contain at least one line item")
        places = {line["id"]: i for i, line in enumerate(stored)}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get("id") not in places:
                raise ValidationFailed(
                    f"recurringBillLineItems[{i}].id",
                    "must name a line of this recurring bill (PATCH changes lines; PUT adds "
                    "and removes them)",
                )
            stored[places[item["id"]]] = {**stored[places[item["id"]]], **item}
        return stored

    def _number(self, doc: dict, seq: int | None = None) -> dict:
        """Give the recurring bill (when new) and its new lines their ids."""
        if seq is not None:
            doc["id"] = ids.object_id(KIND, seq)
        count = doc.get("_lineSeq", 0)
        for line in doc["recurringBillLineItems"]:
            if "id" not in line:
                count += 1
                line["id"] = f"rbl{doc['id'][3:]}{count:03d}"
        doc["_lineSeq"] = count
        doc["recurringBillLineItems"] = [
            {"id": line["id"], **{k: val for k, val in line.items() if k != "id"}}
            for line in doc["recurringBillLineItems"]
        ]
        doc["_makeDay"] = rr.next_make_day(doc)
        return doc

    def _set_recurring_archived(self, caller: Caller, rb_id: str, archived: bool) -> dict:
        with self.store.write():
            doc = self._load_recurring(caller, rb_id)
            if doc["archived"] != archived:  # archiving twice changes nothing (BILL's page)
                doc["archived"] = archived
                doc["_makeDay"] = rr.next_make_day(doc)
                doc = self._save(doc, verb="archived" if archived else "restored")
                doc = self._make_due(caller.org_id, doc, budget=None)
        return public(doc)

    # -- making bills -----------------------------------------------------------------------

    def _run_lifecycle(self, field: str, done: int = 0) -> int:
        """A clock move (backend/lifecycle.py) also makes the recurring bills that came due."""
        count = super()._run_lifecycle(field, done)
        self.make_recurring_bills()
        return count

    def make_recurring_bills(self) -> int:
        """Every organization's due bills, at most :data:`MAX_BILLS_PER_RUN` (call inside
        ``store.write()``); returns how many were made."""
        today = self.clock.today().isoformat()
        made, after = 0, 0
        while made < MAX_BILLS_PER_RUN:
            rows = self.store.due_objects(KIND, "$._makeDay", today, after_seq=after, limit=_SCAN)
            if not rows:
                break
            for org_id, seq, doc in rows:
                after = seq
                before = doc["_series"]["k"]
                self._make_due(org_id, doc, budget=MAX_BILLS_PER_RUN - made)
                made += doc["_series"]["k"] - before
                if made >= MAX_BILLS_PER_RUN:
                    break
        return made

    def _make_due(self, org_id: str, doc: dict, *, budget: int | None) -> dict:
        """Make this template's bills whose day has come (inside ``store.write()``), then save
        its moved schedule. ``budget``: the most to make (``None``: the run's cap)."""
        budget = MAX_BILLS_PER_RUN if budget is None else budget
        today = self.clock.today().isoformat()
        made = 0
        while made < budget and doc.get("_makeDay") and doc["_makeDay"] <= today:
            vendor = self.store.get_object("vendor", org_id, doc["vendorId"])
            if vendor is None or vendor["archived"]:
                break  # waits for its vendor to be restored
            if self._make_bill(org_id, doc) is None:
                break  # stays due; a clock move never fails for it
            rr.advance(doc)
            doc["_makeDay"] = rr.next_make_day(doc)
            made += 1
        return self._save(doc) if made else doc

    def _make_bill(self, org_id: str, doc: dict) -> dict:
        due = doc["schedule"]["nextDueDate"]
        made_on = doc["_makeDay"]
        made = self.store.list_objects(
            "bill",
            org_id,
            conditions=[("$._recurringBillId", "eq", doc["id"]), ("$.dueDate", "eq", due)],
            sort=[],
            limit=1,
        )
        if made:  # a restarted schedule (PUT, or PATCH of nextDueDate) passes it again: once
            return made[0]
        number = due
        rows = self.store.list_objects(
            "bill",
            org_id,
            conditions=[
                ("$.vendorId", "eq", doc["vendorId"]),
                ("$.invoice.invoiceNumber", "eq", due),
            ],
            sort=[],
            limit=1,
        )
        if rows:  # another bill of this vendor has that number: the kit's uniqueness rule (B5)
            number = f"{due}-{doc['id']}"
        body = {
            "vendorId": doc["vendorId"],
            "dueDate": due,
            "invoice": {"invoiceNumber": number, "invoiceDate": min(made_on, due)},
            "billLineItems": [  # public(): amounts as exact decimals, as a request has them
                {k: val for k, val in line.items() if k != "id"}
                for line in public(doc)["recurringBillLineItems"]
            ],
        }
        if doc.get("description"):
            body["description"] = doc["description"]
        try:  # the checks of POST /v3/bills run before anything is written
            bill = _bill_doc(body, "")
            bill["_recurringBillId"] = doc["id"]
            return self._store_bill(_system(org_id), bill, "")
        except ValidationFailed:  # e.g. a classification archived since: the template waits
            return None
