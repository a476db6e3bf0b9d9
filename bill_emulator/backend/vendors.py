"""bill_emulator.backend.vendors
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Vendors: create, list, get, update (PATCH), archive, restore.

Rules: ``name`` 1-100 characters; ``address`` required on create (its ``country``, when given,
an ISO 3166-1 alpha-2 code); bank details need a payee name, a digits-only account number and a
routing number that passes the ABA checksum. As on BILL, a full address (``line1``, ``city``,
``zipOrPostalCode``, ``country``) and ``payeeName`` are needed only to pay by check, so that is
checked when a check payment is made (see ``CHECK_FIELDS``). Responses show only the last four
digits of the account number; the full number is kept in a private field that never leaves the
backend.
Bank details cannot be changed with PATCH: as on BILL, they are deleted and re-created through
``/v3/vendors/{id}/bank-account``.

``POST /v3/vendors/bulk`` takes a JSON array of vendors (at most ``BULK_MAX``, BILL's limit in its
collection) and answers ``{"vendors": [...]}``; one bad vendor rejects the whole request.
"""

from __future__ import annotations

from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import (
    InvalidState,
    MalformedRequest,
    ObjectNotFound,
    ValidationFailed,
)

ACCOUNT_TYPES = ("BUSINESS", "PERSON", "NONE")
BANK_TYPES = ("CHECKING", "SAVINGS")
OWNER_TYPES = ("BUSINESS", "PERSONAL")
CURRENCIES = ("USD",)
BULK_MAX = 20
#: What BILL needs to pay a vendor by check (developer.bill.com/reference/createvendor).
CHECK_FIELDS = ("line1", "city", "zipOrPostalCode", "country")
_ADDRESS_FIELDS = ("line1", "line2", "city", "stateOrProvince", "zipOrPostalCode", "country")


def _address(value: dict, prefix: str = "") -> dict:
    address = {}
    for key in _ADDRESS_FIELDS:
        text = v.string(value, key, f"{prefix}address.{key}", max_len=100)
        if text is not None:
            address[key] = text
    v.country(address.get("country"), f"{prefix}address.country")
    return address


def check_payment_gaps(vendor: dict) -> list[str]:
    """Fields a vendor lacks for a check payment (empty when it can be paid by check)."""
    address = vendor.get("address", {})
    gaps = [f"address.{key}" for key in CHECK_FIELDS if not address.get(key)]
    if not vendor.get("paymentInformation", {}).get("payeeName"):
        gaps.append("paymentInformation.payeeName")
    return gaps


def _payment_information(value: dict, prefix: str = "") -> tuple[dict, str | None]:
    """Checked ``paymentInformation`` (account number masked) and the full account number."""
    path = f"{prefix}paymentInformation"
    payee = v.string(value, "payeeName", f"{path}.payeeName", max_len=100)
    info: dict = {}
    full_number = None
    bank = v.sub_object(value, "bankAccount", f"{path}.bankAccount", required=False)
    if bank is not None:
        if payee is None or not payee.strip():
            raise ValidationFailed(
                f"{path}.payeeName", "must not be blank for electronic (ACH) payments"
            )
        info["bankAccount"], full_number = _bank_account(bank, f"{path}.bankAccount")
    if payee is not None:
        info = {"payeeName": payee, **info}
    return info, full_number


def _bank_account(bank: dict, path: str) -> tuple[dict, str]:
    """Checked bank details (account number masked) and the full account number."""
    name = v.string(bank, "nameOnAccount", f"{path}.nameOnAccount", required=True, max_len=100)
    full_number = v.account_number(
        v.string(bank, "accountNumber", f"{path}.accountNumber", required=True),
        f"{path}.accountNumber",
    )
    routing = v.routing_number(
        v.string(bank, "routingNumber", f"{path}.routingNumber", required=True),
        f"{path}.routingNumber",
    )
    account = {
        "nameOnAccount": name,
        "accountNumber": v.mask(full_number),
        "routingNumber": routing,
        "type": v.enum(bank, "type", BANK_TYPES, f"{path}.type", default="CHECKING"),
        "ownerType": v.enum(
            bank, "ownerType", OWNER_TYPES, f"{path}.ownerType", default="BUSINESS"
        ),
        "paymentCurrency": v.enum(
            bank, "paymentCurrency", CURRENCIES, f"{path}.paymentCurrency", default="USD"
        ),
    }
    return account, full_number


def _common(body: dict, doc: dict, *, creating: bool, prefix: str = "") -> None:
    """Fields that create and PATCH check the same way (PATCH only those present)."""

    def present(key: str) -> bool:
        return creating or key in body

    p = prefix
    if present("name"):
        doc["name"] = v.string(body, "name", f"{p}name", required=True, max_len=100)
    if present("shortName"):
        doc["shortName"] = v.string(body, "shortName", f"{p}shortName", max_len=40)
    if present("accountType"):
        doc["accountType"] = v.enum(
            body,
            "accountType",
            ACCOUNT_TYPES,
            f"{p}accountType",
            default="BUSINESS",
            required=not creating,
        )
    if present("email"):
        doc["email"] = v.email(v.string(body, "email", f"{p}email", max_len=255), f"{p}email")
    if present("phone"):
        doc["phone"] = v.string(body, "phone", f"{p}phone", max_len=30)
    if present("billCurrency"):
        doc["billCurrency"] = v.enum(
            body,
            "billCurrency",
            CURRENCIES,
            f"{p}billCurrency",
            default="USD",
            required=not creating,
        )
    if present("address"):
        address = v.sub_object(body, "address", f"{p}address", required=True)
        doc["address"] = _address(address, p)
    for key in [k for k, val in doc.items() if val is None]:
        del doc[key]


def _vendor_doc(body: object, prefix: str = "") -> dict:
    """A new vendor's document from its request body."""
    if prefix and not isinstance(body, dict):
        raise ValidationFailed(prefix.rstrip("."), "must be an object")
    body = v.body_object(body)
    doc: dict = {}
    _common(body, doc, creating=True, prefix=prefix)
    path = f"{prefix}paymentInformation"
    info = v.sub_object(body, "paymentInformation", path, required=False)
    if info is not None:
        doc["paymentInformation"], full_number = _payment_information(info, prefix)
        if full_number:
            doc["_accountNumber"] = full_number
    return doc


class VendorsMixin(BackendBase):
    def create_vendor(self, caller: Caller, body: object) -> dict:
        doc = _vendor_doc(body)
        if "_accountNumber" in doc:
            doc["_bankAccountAddedMs"] = self.clock.now_ms()  # the 2-business-day rule
        with self.store.write():
            doc = self._insert("vendor", caller.org_id, doc)
        return public(doc)

    def bulk_create_vendors(self, caller: Caller, body: object) -> dict:
        """A JSON array of vendors -> ``{"vendors": [...]}``; all or none."""
        if not isinstance(body, list) or not body:
            raise MalformedRequest("Request body must be a JSON array of at least one vendor.")
        if len(body) > BULK_MAX:
            raise ValidationFailed("[]", f"must hold at most {BULK_MAX} vendors")
        docs = [_vendor_doc(item, f"[{i}].") for i, item in enumerate(body)]
        now_ms = self.clock.now_ms()
        for doc in docs:
            if "_accountNumber" in doc:
                doc["_bankAccountAddedMs"] = now_ms  # the 2-business-day rule
        with self.store.write():
            created = [self._insert("vendor", caller.org_id, doc) for doc in docs]
        return {"vendors": [public(doc) for doc in created]}

    def get_vendor(self, caller: Caller, vendor_id: str) -> dict:
        return public(self._load("vendor", caller, vendor_id))

    def list_vendors(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list("vendor", caller, params)

    def update_vendor(self, caller: Caller, vendor_id: str, body: object) -> dict:
        body = v.body_object(body)
        info = v.sub_object(body, "paymentInformation", "paymentInformation", required=False)
        if info is not None and "bankAccount" in info:
            raise ValidationFailed(
                "paymentInformation.bankAccount",
                "cannot be changed with PATCH; delete and re-create the vendor's bank account",
            )
        with self.store.write():
            doc = self._load("vendor", caller, vendor_id)
            if doc["archived"]:
                raise InvalidState(f"Vendor {vendor_id} is archived; restore it before editing.")
            _common(body, doc, creating=False)
            if info is not None and "payeeName" in info:
                payee = v.string(info, "payeeName", "paymentInformation.payeeName", max_len=100)
                doc.setdefault("paymentInformation", {})["payeeName"] = payee
            doc = self._save(doc)
        return public(doc)

    def archive_vendor(self, caller: Caller, vendor_id: str) -> dict:
        return self._set_archived("vendor", caller, vendor_id, True)

    def restore_vendor(self, caller: Caller, vendor_id: str) -> dict:
        return self._set_archived("vendor", caller, vendor_id, False)

    # -- the vendor's bank account (/v3/vendors/{id}/bank-account) -------------------------------

    def get_vendor_bank_account(self, caller: Caller, vendor_id: str) -> dict:
        bank = self._load("vendor", caller, vendor_id).get("paymentInformation", {})
        if "bankAccount" not in bank:
            raise ObjectNotFound("Vendor bank account", vendor_id)
        return bank["bankAccount"]

    def create_vendor_bank_account(self, caller: Caller, vendor_id: str, body: object) -> dict:
        """Add bank details; a vendor has one account, so a second must follow a delete.

        No MFA-trusted session needed: BILL's v3 list of MFA-trusted operations (its collection,
        "Generate MFA challenge") does not name vendor bank accounts (v2's list did).
        """
        body = v.body_object(body)
        account, full_number = _bank_account(body, "bankAccount")
        payee = v.string(body, "payeeName", max_len=100)
        with self.store.write():
            doc = self._load("vendor", caller, vendor_id)
            info = doc.setdefault("paymentInformation", {})
            if "bankAccount" in info:
                raise InvalidState(
                    f"Vendor {vendor_id} already has a bank account; delete it first."
                )
            payee = payee or info.get("payeeName")
            if not payee or not payee.strip():
                raise ValidationFailed(
                    "payeeName", "must not be blank for electronic (ACH) payments"
                )
            info.update(payeeName=payee, bankAccount=account)
            doc["_accountNumber"] = full_number
            doc["_bankAccountAddedMs"] = self.clock.now_ms()  # the 2-business-day rule
            self._save(doc)
        return account

    def delete_vendor_bank_account(self, caller: Caller, vendor_id: str) -> None:
        with self.store.write():
            doc = self._load("vendor", caller, vendor_id)
            if "bankAccount" not in doc.get("paymentInformation", {}):
                raise ObjectNotFound("Vendor bank account", vendor_id)
            del doc["paymentInformation"]["bankAccount"]
            doc.pop("_accountNumber", None)
            doc.pop("_bankAccountAddedMs", None)
            self._save(doc)
