"""
billhelpers.resources.setup
~~~~~~~~~~~~~~~~~~~~~~~~~~~

The first steps of a new BILL sandbox account, before the recipe can pay anything: an MFA
phone (``/v3/mfa/setup``) and an organization bank account that is verified and that the
paying user may use (``/v3/funding-accounts/banks``, BILL's "Bank account setup (v3 API)").

Why mixins in a module of their own: they extend :class:`~billhelpers.resources.mfa.Mfa` and
:class:`~billhelpers.resources.base.FundingAccounts` (``client.mfa.setup(...)``,
``client.funding_accounts.create_bank(...)``) without touching the recipe's calls.
None of these calls is retried automatically: a set-up texts a token, a create makes an account,
and a wrong deposit amount counts towards BILL's three tries.
"""

from __future__ import annotations

import re
from decimal import Decimal

from billhelpers.exceptions import InputError
from billhelpers.http.response import ApiResponse
from billhelpers.rules import checks, money

#: How BILL delivers a set-up token.
SETUP_TYPES = ("TEXT", "VOICE")
#: The test deposit BILL's sandbox accepts to verify a bank account (BILL changelog 2024-05-31).
SANDBOX_DEPOSIT = Decimal("0.50")
_BANK_TYPES = ("CHECKING", "SAVINGS")
_OWNER_TYPES = ("BUSINESS", "PERSONAL")


def _setup_type(value: str) -> str:
    if value not in SETUP_TYPES:
        raise InputError(
            f"{value!r} is not a set-up type", field="type", hint="use 'TEXT' (or 'VOICE')"
        )
    return value


def _prefixed(value, field: str, prefix: str) -> str:
    text = str(value or "").strip()
    if not text.startswith(prefix):
        raise InputError(
            f"{value!r} is not an id beginning with {prefix}",
            field=field,
            hint="copy the id from the create response or a listing",
        )
    return text


class MfaSetupMixin:
    """``client.mfa``: register the phone BILL texts MFA tokens to (once per user)."""

    def setup(self, phone: str, *, type: str = "TEXT") -> ApiResponse:
        """``POST /v3/mfa/setup``: BILL texts a 6-digit token to ``phone``; keep
        ``["setupId"]`` for :meth:`validate_setup`. Without a phone, no challenge can be sent.
        Replacing a registered phone is resetting MFA, which needs a trusted session."""
        text = str(phone or "").strip()
        if not re.fullmatch(r"\d{10,15}", re.sub(r"[\s().+-]", "", text)):
            raise InputError(
                f"{phone!r} is not a phone number",
                field="phone",
                hint="give the mobile number with its area code, e.g. '+1 408 555 0100'",
            )
        body = {"phone": text, "type": _setup_type(type), "primary": True}
        return self.client.request("POST", "/v3/mfa/setup", json=body, safe=False)

    def validate_setup(self, setup_id: str, token, *, type: str = "TEXT") -> ApiResponse:
        """``POST /v3/mfa/setup/validate`` with the token :meth:`setup` texted: the phone is
        registered (``{"status": "SUCCESS"}``); then :meth:`challenge` works."""
        if not str(setup_id or "").strip():
            raise InputError(
                "is blank", field="setupId", hint="use the setupId from client.mfa.setup()"
            )
        body = {
            "setupId": str(setup_id).strip(),
            "type": _setup_type(type),
            "token": checks.check_token(token),
        }
        return self.client.request("POST", "/v3/mfa/setup/validate", json=body, safe=False)

    def phones(self) -> ApiResponse:
        """``GET /v3/mfa/phones``: the registered phone(s), last four digits only."""
        return self.client.request("GET", "/v3/mfa/phones")


class BankSetupMixin:
    """``client.funding_accounts``: add, verify and get permission to pay from a bank account."""

    def create_bank(self, body: dict) -> ApiResponse:
        """``POST /v3/funding-accounts/banks`` (MFA-trusted session): the account starts
        ``PENDING``; verify it with :meth:`verify_bank`."""
        if not isinstance(body, dict):
            raise InputError(
                "must be a dict", field="bank account", hint="pass the body BILL's docs show"
            )
        body = dict(body)
        for field in ("nameOnAccount", "accountNumber", "routingNumber"):
            if not str(body.get(field) or "").strip():
                raise InputError(
                    "is required", field=field, hint="BILL needs the name, account and routing"
                )
        body["accountNumber"] = checks.check_account_number(body["accountNumber"])
        body["routingNumber"] = checks.check_routing_number(body["routingNumber"])
        for field, allowed in (("type", _BANK_TYPES), ("ownerType", _OWNER_TYPES)):
            if body.get(field) is not None and body[field] not in allowed:
                raise InputError(
                    f"{body[field]!r} is not allowed",
                    field=field,
                    hint=f"use {' or '.join(allowed)}",
                )
        return self.client.request("POST", self.path, json=body, safe=False)

    def verify_bank(self, id: str, deposit_amount=SANDBOX_DEPOSIT) -> ApiResponse:
        """``POST /v3/funding-accounts/banks/{id}/verify`` with the test deposit BILL sent
        (BILL's sandbox: always ``0.50``, the default here): ``{"verified": true}`` makes the
        account ``VERIFIED``. Three wrong amounts make it unusable, so this is never retried."""
        amount = money.to_amount(deposit_amount, field="depositAmount")
        bank_id = _prefixed(id, "id", "bac")
        return self.client.request(
            "POST", f"{self.path}/{bank_id}/verify", json={"depositAmount": amount}, safe=False
        )

    def bank_users(self, *, current_user: bool = False, max: int = 20) -> ApiResponse:
        """``GET /v3/funding-accounts/banks/users``: who may pay from which account
        (``verificationStatus`` ``VERIFIED``), optionally only the signed-in user."""
        params = {"max": max, "currentUser": "true" if current_user else "false"}
        return self.client.request("GET", f"{self.path}/users", params=params)

    def nominate_user(self, bank_account_id: str, user_id: str) -> ApiResponse:
        """``POST /v3/funding-accounts/banks/users/nominate`` for a ``VERIFIED`` account: the
        user becomes ``NOMINATED``; BILL then emails them to verify their identity in its web
        app (in the emulator: ``client.emulator.verify_identity(bank_account_user_id)``)."""
        body = {
            "bankAccountId": _prefixed(bank_account_id, "bankAccountId", "bac"),
            "userId": _prefixed(user_id, "userId", "006"),
        }
        return self.client.request("POST", f"{self.path}/users/nominate", json=body, safe=True)
