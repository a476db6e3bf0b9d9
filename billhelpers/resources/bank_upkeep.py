"""
billhelpers.resources.bank_upkeep
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Looking after the organization's bank accounts once they are set up (``client.funding_accounts``):
update one, archive one, archive a bank account user.

BILL's rules: only a ``VERIFIED`` account is updated or archived, and its routing number, account
number and type never change (add a new account instead); archiving needs your bank account
user to be ``VERIFIED``. An archived account funds no payment; the emulator also refuses to
archive one that still funds ``SCHEDULED`` payments (cancel them first).
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.http.response import ApiResponse
from billhelpers.resources import base  # base imports this module: read base._id at call time

_FIXED = ("routingNumber", "accountNumber", "type")


class BankUpkeepMixin:
    """``client.funding_accounts``: ``update_bank``, ``archive_bank``, ``archive_bank_user``."""

    def update_bank(self, bank_id: str, body: dict) -> ApiResponse:
        """``PATCH /v3/funding-accounts/banks/{id}`` (e.g. ``{"ownerType": "PERSONAL"}``)."""
        if not isinstance(body, dict) or not body:
            raise InputError(
                "needs the fields to change", field="bank", hint="e.g. {'bankName': ...}"
            )
        for key in _FIXED:
            if key in body:
                raise InputError(
                    "cannot be changed on an existing bank account",
                    field=key,
                    hint="add a new account with client.funding_accounts.create_bank(...)",
                )
        return self.client.request("PATCH", f"{self.path}/{base._id(bank_id)}", json=body)

    def archive_bank(self, bank_id: str) -> ApiResponse:
        """``POST /v3/funding-accounts/banks/{id}/archive``; archiving twice changes nothing,
        so it is retried."""
        return self.client.request("POST", f"{self.path}/{base._id(bank_id)}/archive", safe=True)

    def archive_bank_user(self, bank_user_id: str) -> ApiResponse:
        """``POST /v3/funding-accounts/banks/users/{id}/archive``: that user may no longer pay
        from the account (``verificationStatus`` becomes ``UNVERIFIED``)."""
        return self.client.request(
            "POST", f"{self.path}/users/{base._id(bank_user_id)}/archive", safe=True
        )
