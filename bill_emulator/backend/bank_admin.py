"""bill_emulator.backend.bank_admin
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Looking after the organization's bank accounts once they are set up: update
(``PATCH /v3/funding-accounts/banks/{id}``), archive (``POST .../banks/{id}/archive``) and
archive a bank account user (``POST .../banks/users/{id}/archive``).

BILL's rules (its collection, "Update a bank account" and "Archive a bank account"): an update
needs a ``VERIFIED`` account and cannot change ``routingNumber``, ``accountNumber`` or ``type``
(add a new account instead); archiving needs a ``VERIFIED`` account whose (calling) bank account
user is ``VERIFIED``. Archiving a bank account user sets ``archived`` and makes its
``verificationStatus`` ``UNVERIFIED`` ("Archive a bank account user").

The kit's choices (assumed; BILL documents nothing): an account that still funds ``SCHEDULED``
payments is not archived (cancel them first: nothing is paid from an account the organization
has put away, and nothing is canceled behind its back); archiving twice changes nothing; an
archived account cannot be updated. An archived account funds no new payment (``payments.py``
refuses it), and neither does a user whose bank account user is archived (``banks.py``).

Uses the banks mixin's ``_bank_user`` (the caller's bank account user of an account).
"""

from __future__ import annotations

from bill_emulator.backend import validation as v
from bill_emulator.backend.banks import OWNER_TYPES
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import InvalidState, ObjectNotFound, ValidationFailed

#: Sibling mixins' methods this one calls (tests/emulator/test_layering.py keeps it true).
USES = {"BanksMixin": ("_bank_user",)}
_FIXED = ("routingNumber", "accountNumber", "type")
_READ_ONLY = ("id", "status", "archived", "createdBy", "createdTime", "updatedTime")


def apply_bank_patch(bank: dict, body: dict) -> None:
    """Change a bank account document by a PATCH body (checks first, then writes)."""
    for key in _FIXED:
        if key in body:
            raise ValidationFailed(
                key,
                "cannot be changed; add a new bank account with POST /v3/funding-accounts/banks",
            )
    for key in _READ_ONLY:
        if key in body:
            raise ValidationFailed(key, "cannot be changed")
    changes: dict = {}
    for key in ("bankName", "nameOnAccount", "chartOfAccountId"):
        if key in body:
            changes[key] = v.string(body, key, required=key == "nameOnAccount", max_len=100)
    if "ownerType" in body:
        changes["ownerType"] = v.enum(body, "ownerType", OWNER_TYPES, required=True)
    if "accessToAdmins" in body:
        changes["accessToAdmins"] = v.boolean(body, "accessToAdmins")
    if "default" in body:
        default = v.sub_object(body, "default", "default", required=True)
        kept = dict(bank.get("default", {"payables": False, "receivables": False}))
        for key in ("payables", "receivables"):
            if key in default:
                kept[key] = v.boolean(default, key, f"default.{key}")
        changes["default"] = kept
    for key, value in changes.items():
        if value is None:
            bank.pop(key, None)
        else:
            bank[key] = value


class BankAdminMixin(BackendBase):
    def update_bank(self, caller: Caller, bank_id: str, body: object) -> dict:
        body = v.body_object(body)
        with self.store.write():
            bank = self._load("bank", caller, bank_id)
            if bank["archived"]:
                raise InvalidState(f"Bank account {bank_id} is archived; it cannot be updated.")
            if bank["status"] != "VERIFIED":
                raise InvalidState(
                    f"Bank account {bank_id} is {bank['status']}; verify it (POST "
                    "/v3/funding-accounts/banks/{id}/verify) before updating it."
                )
            apply_bank_patch(bank, body)
            bank = self._save(bank)
        return public(bank)

    def archive_bank(self, caller: Caller, bank_id: str) -> dict:
        with self.store.write():
            bank = self._load("bank", caller, bank_id)
            if bank["archived"]:
                return public(bank)
            if bank["status"] != "VERIFIED":
                raise InvalidState(
                    f"Bank account {bank_id} is {bank['status']}; BILL archives only a VERIFIED "
                    "account."
                )
            user = self._bank_user(caller.org_id, bank_id, caller.user_id)
            if user is None or user["verificationStatus"] != "VERIFIED":
                raise InvalidState(
                    f"Bank account {bank_id} can be archived only by a VERIFIED bank account "
                    "user of it; nominate the user (POST /v3/funding-accounts/banks/users/"
                    "nominate) and complete identity verification."
                )
            scheduled = self.store.list_objects(
                "payment",
                caller.org_id,
                conditions=[
                    ("$.fundingAccount.id", "eq", bank_id),
                    ("$.singleStatus", "eq", "SCHEDULED"),
                ],
                sort=[],
                limit=1,
            )
            if scheduled:
                raise InvalidState(
                    f"Bank account {bank_id} funds scheduled payments (e.g. {scheduled[0]['id']});"
                    " cancel them (POST /v3/payments/{id}/cancel) before archiving the account."
                )
            bank["archived"] = True
            bank = self._save(bank, verb="archived")
        return public(bank)

    def archive_bank_user(self, caller: Caller, bank_user_id: str) -> dict:
        with self.store.write():
            doc = self.store.get_object("bankUser", caller.org_id, bank_user_id)
            if doc is None:
                raise ObjectNotFound("Bank account user", bank_user_id)
            if not doc["archived"] or doc["verificationStatus"] != "UNVERIFIED":
                doc.update(archived=True, verificationStatus="UNVERIFIED")
                doc = self._save(doc, verb="archived")
        return public(doc)
