"""bill_emulator.backend.payments
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Payments: create (single and bulk), list, get, cancel.

Rules: an MFA-trusted session (else 403 ``BDC_1361``); an existing, unarchived bill of the
organization; ``vendorId``, when given, equal to the bill's; ``amount`` > 0, two decimals at most,
and, with the ``vendorCredits`` it applies (``[{id, amount}]``, shown in ``billPayments``; see
:mod:`~bill_emulator.backend.vendor_credits`, whose ``parse_credits``/``apply_credits`` it calls),
not above the bill's ``dueAmount``; a ``fundingAccount`` of type ``BANK_ACCOUNT`` naming a
VERIFIED bank account of the organization whose caller is a VERIFIED bank account user (BILL's
bank account set-up page); ``processDate`` a business day (US bank holidays and weekends are
not) and not in the past (default: the next business day; else BILL's observed 422
``BDC_1152``), and, for 2 business days after a vendor's bank account was added, at least that
far out (BILL's create-vendor page; observed as 400 ``BDC_1402``); ``description`` at most 70
characters (the kit's assumption); ``transactionNumber`` at most 50 (made when absent). A payment
starts ``SCHEDULED`` (``status`` and ``singleStatus``) and can be canceled only while
``SCHEDULED``, which gives the amount back to the bill; a canceled payment has ``status``
``CANCELLED`` and ``singleStatus`` ``CANCELED`` (BILL spells the two enums differently).
``disbursementStatus`` is left out: BILL's values (``DONE``, ``FAILED``, ``HOLD``...) describe a
disbursement that has started, which no emulated payment reaches. A bulk request (at most 50
payments, as BILL's page says) succeeds or fails as a whole.

BILL has no idempotency key: a repeated POST is a second payment. Clients should send their own
``transactionNumber`` and look for it (``filters=transactionNumber:eq:"..."``) after an uncertain
POST, which is what the fault controls let tests rehearse.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.clock import add_business_days, is_business_day, next_business_day
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import (
    EmulatorError,
    InvalidProcessDate,
    InvalidState,
    ProcessDateTooSoon,
    UntrustedSession,
    ValidationFailed,
)
from bill_emulator.backend.vendors import check_payment_gaps

FUNDING_TYPES = ("BANK_ACCOUNT", "CARD_ACCOUNT", "WALLET", "AP_CARD")
DESCRIPTION_MAX = 70
TRANSACTION_NUMBER_MAX = 50
BULK_MAX = 50
_BULK_SHARED = ("vendorId", "fundingAccount", "processDate", "processingOptions")


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "BanksMixin": ("_check_bank_user",),
    "BillsMixin": ("_apply_payment",),
    "EventsMixin": ("_payment_failed",),
    "LifecycleMixin": ("_begin_life",),
    "VendorCreditsMixin": (
        "apply_credits",
        "parse_credits",
    ),
}


class PaymentsMixin(BackendBase):
    def create_payment(self, caller: Caller, body: object) -> dict:
        if not caller.trusted:
            raise UntrustedSession()
        body = v.body_object(body)
        try:
            with self.store.write():
                payment = self._schedule(caller, body, prefix="")
        except EmulatorError as err:
            self._payment_failed(caller, body, err)  # webhook payment.failed (webhooks.py)
            raise
        return public(payment)

    def bulk_create_payments(self, caller: Caller, body: object) -> dict:
        """``{"payments": [...], shared fields...}`` -> ``{"payments": [...]}``; all or none."""
        if not caller.trusted:
            raise UntrustedSession()
        body = v.body_object(body)
        items = body.get("payments")
        if not isinstance(items, list) or not items:
            raise ValidationFailed("payments", "must be a list of at least one payment")
        if len(items) > BULK_MAX:
            raise ValidationFailed("payments", f"must hold at most {BULK_MAX} payments")
        shared = {key: body[key] for key in _BULK_SHARED if key in body}
        created = []
        try:
            with self.store.write():  # one transaction: any failure leaves nothing behind
                for index, item in enumerate(items):
                    if not isinstance(item, dict):
                        raise ValidationFailed(f"payments[{index}]", "must be an object")
                    merged = {**shared, **item}
                    # BILL's own bulk example sends no processingOptions: the defaults apply
                    merged.setdefault("processingOptions", {})
                    created.append(self._schedule(caller, merged, prefix=f"payments[{index}]."))
        except EmulatorError as err:
            self._payment_failed(caller, body, err)  # webhook payment.failed (webhooks.py)
            raise
        return {"payments": [public(p) for p in created]}

    def get_payment(self, caller: Caller, payment_id: str) -> dict:
        return public(self._load("payment", caller, payment_id))

    def list_payments(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list("payment", caller, params)

    def cancel_payment(self, caller: Caller, payment_id: str) -> dict:
        with self.store.write():
            payment = self._load("payment", caller, payment_id)
            if payment["singleStatus"] != "SCHEDULED":
                raise InvalidState(
                    f"Payment {payment_id} is {payment['singleStatus']}; "
                    "only a SCHEDULED payment can be canceled."
                )
            payment["status"] = "CANCELLED"
            payment["singleStatus"] = "CANCELED"
            payment.pop("disbursementStatus", None)  # documents stored before it was left out
            payment = self._save(payment)
            for line in payment["billPayments"]:
                bill = self.store.get_object("bill", caller.org_id, line["billId"])
                if bill is not None:
                    self._apply_payment(bill, payment_id, -line["amount"])
        return public(payment)

    # -- the rules of one payment ----------------------------------------------------------------

    def _schedule(self, caller: Caller, body: dict, *, prefix: str) -> dict:
        """Check one payment against the current state and record it (inside a transaction)."""
        options = v.sub_object(
            body, "processingOptions", f"{prefix}processingOptions", required=True
        )
        v.boolean(options, "requestPayFaster", f"{prefix}processingOptions.requestPayFaster")
        if v.boolean(options, "createBill", f"{prefix}processingOptions.createBill"):
            raise ValidationFailed(
                f"{prefix}processingOptions.createBill",
                "is not emulated by the emulator; create the bill first",
            )
        bill_id = v.object_id(body, "billId", "00n", f"{prefix}billId")
        vendor_id = v.object_id(body, "vendorId", "009", f"{prefix}vendorId", required=False)
        cents = v.money(body.get("amount"), f"{prefix}amount")
        credits = self.parse_credits(body, prefix)  # vendor_credits.py
        funding = v.sub_object(body, "fundingAccount", f"{prefix}fundingAccount", required=True)
        funding_type = v.enum(
            funding, "type", FUNDING_TYPES, f"{prefix}fundingAccount.type", required=True
        )
        if funding_type != "BANK_ACCOUNT":
            raise ValidationFailed(
                f"{prefix}fundingAccount.type", "only BANK_ACCOUNT is emulated by the emulator"
            )
        bank_id = v.object_id(funding, "id", "bac", f"{prefix}fundingAccount.id")
        description = v.string(body, "description", f"{prefix}description", max_len=DESCRIPTION_MAX)
        number = v.string(
            body, "transactionNumber", f"{prefix}transactionNumber", max_len=TRANSACTION_NUMBER_MAX
        )
        today = self.clock.today()
        process_date = v.date_field(body, "processDate", f"{prefix}processDate")
        if process_date is None:
            process_date = next_business_day(today)
        elif process_date > self.clock.last_day():
            # a day the emulator's clock can never reach (it stops 10 years ahead of real
            # time): its life could never run, and past 9999 its dates overflow (issue 23)
            raise ValidationFailed(
                f"{prefix}processDate",
                f"{process_date} is after {self.clock.last_day()}, the last day the emulator's "
                "clock can reach (10 years ahead of real time)",
            )
        elif process_date < today or not is_business_day(process_date):
            raise InvalidProcessDate(process_date.isoformat())

        bill = self.store.get_object("bill", caller.org_id, bill_id)
        if bill is None:
            raise ValidationFailed(f"{prefix}billId", f"no bill {bill_id} in this organization")
        if bill["archived"]:
            raise ValidationFailed(f"{prefix}billId", f"bill {bill_id} is archived")
        if vendor_id is not None and vendor_id != bill["vendorId"]:
            raise ValidationFailed(
                f"{prefix}vendorId", f"does not match the bill's vendor {bill['vendorId']}"
            )
        vendor = self.store.get_object("vendor", caller.org_id, bill["vendorId"])
        if vendor is None or vendor["archived"]:
            raise ValidationFailed(
                f"{prefix}vendorId", f"vendor {bill['vendorId']} is archived; restore it first"
            )
        if bill["dueAmount"] == 0:
            raise ValidationFailed(
                f"{prefix}amount", f"bill {bill_id} has nothing left to pay (dueAmount 0.00)"
            )
        if cents + sum(c for _, c in credits) > bill["dueAmount"]:
            due = v.to_decimal(bill["dueAmount"])
            with_credits = " together with the vendor credits applied" if credits else ""
            raise ValidationFailed(
                f"{prefix}amount", f"must not exceed the bill's dueAmount {due}{with_credits}"
            )
        bank = self.store.get_object("bank", caller.org_id, bank_id)
        if bank is None:
            raise ValidationFailed(
                f"{prefix}fundingAccount.id", f"no bank account {bank_id} in this organization"
            )
        if bank["status"] != "VERIFIED" or bank["archived"]:
            state = "archived" if bank["archived"] else bank["status"]
            raise ValidationFailed(
                f"{prefix}fundingAccount.id",
                f"bank account {bank_id} is {state}; payments need a VERIFIED account",
            )

        self._check_bank_user(caller, bank_id, f"{prefix}fundingAccount.id")

        electronic = "bankAccount" in vendor.get("paymentInformation", {})
        if electronic and process_date < earliest_for_vendor(vendor, today):
            raise ProcessDateTooSoon()
        gaps = [] if electronic else check_payment_gaps(vendor)
        if gaps:
            raise ValidationFailed(
                f"{prefix}vendorId",
                f"vendor {vendor['id']} has no bank account, and a check payment needs "
                f"{', '.join(gaps)}",
            )
        seq = self.store.next_seq("payment")
        payment_id = ids.object_id("payment", seq)
        line = {"id": f"bpm{payment_id[3:]}", "billId": bill_id, "amount": cents}
        if credits:
            line["vendorCredits"] = self.apply_credits(
                caller.org_id, bill, credits, payment_id=payment_id, prefix=prefix
            )
        doc = {
            "vendorId": bill["vendorId"],
            "vendorName": vendor["name"],
            "billId": bill_id,
            "billPayments": [line],
            "amount": cents,
            "processDate": process_date.isoformat(),
            "fundingAccount": {"type": funding_type, "id": bank_id},
            "status": "SCHEDULED",
            "singleStatus": "SCHEDULED",
            "disbursementType": "ACH" if electronic else "CHECK",
            "onlinePayment": True,
            "transactionNumber": number or ids.transaction_number(seq),
            "confirmationNumber": f"SBX{seq:09d}",
            "processingOptions": {"requestPayFaster": bool(options.get("requestPayFaster"))},
            "createdBy": caller.user_id,
        }
        if description is not None:
            doc["description"] = description
        payment = self._insert("payment", caller.org_id, doc, obj_id=payment_id, seq=seq)
        self._begin_life(caller.org_id, payment, vendor, seq)  # backend/lifecycle.py
        self._apply_payment(bill, payment_id, cents)
        return payment


def earliest_for_vendor(vendor: dict, today):
    """The first processDate BILL allows for ``vendor``: 2 business days after its bank account
    was added (BILL verifies a new vendor bank account in that time), never before today."""
    added_ms = vendor.get("_bankAccountAddedMs")
    if added_ms is None:
        return today
    added = datetime.fromtimestamp(added_ms / 1000, UTC).date()
    return max(today, add_business_days(added, 2))
