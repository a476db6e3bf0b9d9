"""bill_emulator.backend.payment_options
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``GET /v3/payments/options?vendorId=...&amount=...``: how this organization could pay a vendor.

BILL's "Vendor payment options" page: both query parameters are required; the answer names the
vendor and amount and lists ``fundingOptions.banks`` and ``fundingOptions.cards``, each option
``available`` or not (with a ``reason``), with the ``processDate`` it would start on and the
``deliveryDate`` it would reach the vendor. The emulator answers from its own rules, so the
options agree with what ``POST /v3/payments`` would then accept: a bank account is available when
it is VERIFIED, unarchived and the caller is its VERIFIED bank account user, and the vendor can be
paid (a bank account, or what a check needs); ``processDate`` is the first business day a payment
may start (today or later, and 2 business days after a vendor bank account was added);
``deliveryDate`` is when the emulator's payment life would clear it (4 business days on). Card
accounts are not emulated, so ``cards`` is empty; no fee is invented. ``amount`` is answered as a
number, as BILL's collection does (its guide's sample shows a string; assumed).

Calls the payments and banks mixins' helpers (``_bank_user``) and their module functions.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bill_emulator.backend import validation as v
from bill_emulator.backend.clock import add_business_days, is_business_day, next_business_day
from bill_emulator.backend.core import BackendBase, Caller
from bill_emulator.backend.errors import MalformedRequest, ValidationFailed
from bill_emulator.backend.payments import earliest_for_vendor
from bill_emulator.backend.vendors import check_payment_gaps

_PARAMS = ("vendorId", "amount")
_DELIVERY_DAYS = 4  # FUNDING_STARTED -> PROCESSED -> SENT -> DELIVERED -> CLEARED (lifecycle.py)
_MAX_BANKS = 100


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name)
    if not values or not values[0].strip():
        raise ValidationFailed(name, "is required")
    if len(values) > 1:
        raise MalformedRequest(f"{name}: give it once")
    return values[0].strip()


def _amount(text: str) -> int:
    if len(text) > 20:
        raise ValidationFailed("amount", "is too large")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed("amount", f"must be a number, not {text!r}") from None
    return v.money(value, "amount")


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "BanksMixin": ("_bank_user",),
}


class PaymentOptionsMixin(BackendBase):
    def payment_options(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        unknown = sorted(set(params) - set(_PARAMS))
        if unknown:
            raise MalformedRequest(f"{unknown[0]}: unknown parameter")
        vendor_id = _one(params, "vendorId")
        cents = _amount(_one(params, "amount"))
        if not vendor_id.startswith("009"):
            raise ValidationFailed("vendorId", "must be an id beginning with 009")
        vendor = self.store.get_object("vendor", caller.org_id, vendor_id)
        if vendor is None:
            raise ValidationFailed("vendorId", f"no vendor {vendor_id} in this organization")
        today = self.clock.today()
        start = today if is_business_day(today) else next_business_day(today)
        electronic = "bankAccount" in vendor.get("paymentInformation", {})
        first = max(start, earliest_for_vendor(vendor, today)) if electronic else start
        if not is_business_day(first):
            first = next_business_day(first)
        gaps = [] if electronic else check_payment_gaps(vendor)
        banks = self.store.list_objects(
            "bank",
            caller.org_id,
            conditions=[("$.archived", "eq", False)],
            sort=[],
            limit=_MAX_BANKS,
        )
        options = []
        for bank in banks:
            option = {"id": bank["id"], "name": bank.get("bankName") or bank["id"]}
            reason = self._unavailable(caller, bank, vendor, gaps)
            option["available"] = reason is None
            if reason is not None:
                option["reason"] = reason
            option["processDate"] = first.isoformat()
            option["deliveryDate"] = add_business_days(first, _DELIVERY_DAYS).isoformat()
            options.append(option)
        return {
            "vendorId": vendor_id,
            "amount": v.to_decimal(cents),
            "fundingOptions": {"banks": options, "cards": []},
        }

    def _unavailable(self, caller: Caller, bank: dict, vendor: dict, gaps: list) -> str | None:
        """Why this bank account cannot pay this vendor now (None: it can)."""
        if vendor["archived"]:
            return f"vendor {vendor['id']} is archived"
        if bank["status"] != "VERIFIED":
            return f"bank account is {bank['status']}; payments need a VERIFIED account"
        user = self._bank_user(caller.org_id, bank["id"], caller.user_id)  # banks.py
        if user is None or user["verificationStatus"] != "VERIFIED":
            return "you are not a VERIFIED bank account user of this account"
        if gaps:
            return f"the vendor has no bank account, and a check needs {', '.join(gaps)}"
        return None
