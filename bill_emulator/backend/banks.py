"""bill_emulator.backend.banks
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The organization's bank accounts (``/v3/funding-accounts/banks``) and their users.

BILL's bank account set-up page has three steps, each emulated with its rule:

1. ``POST /v3/funding-accounts/banks`` (MFA-trusted session) adds an account ``PENDING``, not
   a default for payables or receivables.
2. ``POST .../banks/{id}/verify`` with the test deposit; BILL's sandbox takes ``0.50``
   (BILL's changelog 2024-05-31). A wrong amount answers ``{"verified": false}``; after three
   wrong amounts the account is ``INVALID`` for good (BILL's verify reference).
3. The paying user must be a ``VERIFIED`` bank account user: ``POST .../banks/users/nominate``
   (the account must be ``VERIFIED``) makes them ``NOMINATED``; BILL then has them verify their
   identity in its web app, which the emulator stands in for with
   ``POST /_emulator/bank-account-users/{id}/verify``.

Account numbers are stored masked: the emulator never needs the full number.
"""

from __future__ import annotations

from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import (
    InvalidState,
    MalformedRequest,
    ObjectNotFound,
    UntrustedSession,
    ValidationFailed,
)

BANK_TYPES = ("CHECKING", "SAVINGS")
OWNER_TYPES = ("BUSINESS", "PERSONAL")
#: The test deposit BILL's sandbox accepts (developer.bill.com changelog 2024-05-31).
SANDBOX_DEPOSIT_CENTS = 50
#: Wrong deposit amounts before the account is unusable (BILL's verify reference: three).
VERIFY_TRIES = 3


class BanksMixin(BackendBase):
    def list_banks(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list("bank", caller, params)

    def get_bank(self, caller: Caller, bank_id: str) -> dict:
        return public(self._load("bank", caller, bank_id))

    def add_bank_account(self, org_id: str, doc: dict, *, obj_id: str) -> dict:
        """Seeding only: store a bank account document under a fixed id."""
        with self.store.write():
            return self._insert("bank", org_id, doc, obj_id=obj_id)

    # -- set-up --------------------------------------------------------------------------------

    def create_bank(self, caller: Caller, body: object) -> dict:
        """Step 1: a new account, ``PENDING`` until verified."""
        if not caller.trusted:
            raise UntrustedSession()
        body = v.body_object(body)
        name = v.string(body, "nameOnAccount", required=True, max_len=100)
        number = v.account_number(v.string(body, "accountNumber", required=True), "accountNumber")
        routing = v.routing_number(v.string(body, "routingNumber", required=True), "routingNumber")
        doc = {
            "bankName": v.string(body, "bankName", max_len=100),
            "nameOnAccount": name,
            "routingNumber": routing,
            "accountNumber": v.mask(number),
            "type": v.enum(body, "type", BANK_TYPES, default="CHECKING"),
            "ownerType": v.enum(body, "ownerType", OWNER_TYPES, default="BUSINESS"),
            "status": "PENDING",
            "default": {"payables": False, "receivables": False},
            "accessToAdmins": False,
            "createdBy": caller.user_id,
            "_wrongDeposits": 0,
        }
        doc = {key: val for key, val in doc.items() if val is not None}
        with self.store.write():
            doc = self._insert("bank", caller.org_id, doc)
        return public(doc)

    def verify_bank(self, caller: Caller, bank_id: str, body: object) -> dict:
        """Step 2: the test deposit amount; ``{"verified": bool}``."""
        body = v.body_object(body)
        cents = v.money(body.get("depositAmount"), "depositAmount")
        with self.store.write():
            bank = self._load("bank", caller, bank_id)
            if bank["status"] == "VERIFIED":
                if cents != SANDBOX_DEPOSIT_CENTS:  # a wrong amount is never "verified"
                    raise InvalidState(
                        f"Bank account {bank_id} is already verified, and "
                        f"{v.to_decimal(cents)} is not its test deposit."
                    )
                return {"verified": True}  # the right amount again: idempotent
            if bank["status"] == "INVALID" or bank["archived"]:
                raise InvalidState(
                    f"Bank account {bank_id} cannot be verified any more (three wrong deposit "
                    "amounts, or archived); add another with POST /v3/funding-accounts/banks."
                )
            if bank.get("createdBy") not in (None, caller.user_id):
                raise InvalidState(f"Only the user who added bank account {bank_id} can verify it.")
            verified = cents == SANDBOX_DEPOSIT_CENTS
            status = bank["status"]
            if verified:
                bank["status"] = "VERIFIED"
            else:
                bank["_wrongDeposits"] = bank.get("_wrongDeposits", 0) + 1
                if bank["_wrongDeposits"] >= VERIFY_TRIES:
                    bank["status"] = "INVALID"
            if bank["status"] != status:
                self._save(bank)  # a status change: bank-account.updated
            else:  # only the count of wrong amounts: no field BILL shows changed, no event
                self.store.update_object(bank["id"], bank)
        return {"verified": verified}

    def list_bank_users(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        """``GET /v3/funding-accounts/banks/users``: BILL's collection lists ``max``, ``sort``,
        ``filters``, ``page`` (read as for every list) and ``currentUser`` (this user's only)."""
        params = dict(params)
        current = params.pop("currentUser", ["false"])
        if len(current) > 1:
            raise MalformedRequest("currentUser: give it once")
        if current[0] not in ("true", "false"):
            raise ValidationFailed("currentUser", "must be true or false")
        if current[0] == "true":
            mine = f'userId:eq:"{caller.user_id}"'
            given = params.get("filters", [""])
            params["filters"] = [f"{given[0]},{mine}" if given[0] else mine, *given[1:]]
        return self._list("bankUser", caller, params)

    def nominate_bank_user(self, caller: Caller, body: object) -> dict:
        """Step 3: the user becomes ``NOMINATED`` for the (``VERIFIED``) account."""
        body = v.body_object(body)
        bank_id = v.object_id(body, "bankAccountId", "bac")
        user_id = v.object_id(body, "userId", "006")
        if user_id != caller.user_id:  # an emulated organization has one user
            raise ValidationFailed("userId", f"no user {user_id} in this organization")
        with self.store.write():
            bank = self._load("bank", caller, bank_id)
            if bank["status"] != "VERIFIED" or bank["archived"]:
                raise InvalidState(
                    f"Bank account {bank_id} is {bank['status']}; verify it "
                    "(POST /v3/funding-accounts/banks/{id}/verify) before nominating users."
                )
            existing = self._bank_user(caller.org_id, bank_id, user_id, active_only=False)
            if existing is None:
                doc = {
                    "bankAccountId": bank_id,
                    "userId": user_id,
                    "archived": False,
                    "verificationStatus": "NOMINATED",
                }
                self._insert("bankUser", caller.org_id, doc)
            elif existing["archived"] or existing["verificationStatus"] != "VERIFIED":
                existing.update(archived=False, verificationStatus="NOMINATED")
                self._save(existing)
        return {"status": "SUCCESS"}

    def verify_bank_user_identity(self, dev_key: str, bank_user_id: str) -> dict:
        """The emulator's stand-in for BILL's web-app identity check (not BILL's API)."""
        org_id = self.dev_key_org(dev_key)
        with self.store.write():
            doc = self.store.get_object("bankUser", org_id, bank_user_id)
            if doc is None:
                raise ObjectNotFound("Bank account user", bank_user_id)
            if doc["archived"] or doc["verificationStatus"] not in ("NOMINATED", "VERIFIED"):
                raise InvalidState(
                    f"Bank account user {bank_user_id} is not NOMINATED; nominate it first."
                )
            doc["verificationStatus"] = "VERIFIED"
            doc = self._save(doc)
        return public(doc)

    # -- the payment rule ----------------------------------------------------------------------

    def _bank_user(self, org_id: str, bank_id: str, user_id: str, *, active_only: bool = True):
        conditions = [("$.bankAccountId", "eq", bank_id), ("$.userId", "eq", user_id)]
        if active_only:
            conditions.append(("$.archived", "eq", False))
        rows = self.store.list_objects(
            "bankUser", org_id, conditions=conditions, sort=[], limit=1, offset=0
        )
        return rows[0] if rows else None

    def _check_bank_user(self, caller: Caller, bank_id: str, path: str) -> None:
        """A payment's user must be a VERIFIED bank account user of its account (BILL's bank
        account set-up page; the error's code is assumed)."""
        user = self._bank_user(caller.org_id, bank_id, caller.user_id)
        if user is None or user["verificationStatus"] != "VERIFIED":
            state = user["verificationStatus"] if user else "not nominated"
            raise ValidationFailed(
                path,
                f"user {caller.user_id} cannot pay from bank account {bank_id}: its bank "
                f"account user is {state}; nominate the user with POST "
                "/v3/funding-accounts/banks/users/nominate and complete identity verification",
            )
