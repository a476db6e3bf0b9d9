"""bill_emulator.backend.banks
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The organization's bank accounts (``/v3/funding-accounts/banks``): list and get.

Accounts are seeded (one VERIFIED, one UNVERIFIED); adding and verifying accounts through the API
is not emulated. Account numbers are stored masked: the emulator never needs the full number.
"""

from __future__ import annotations

from bill_emulator.backend.core import BackendBase, Caller, public


class BanksMixin(BackendBase):
    def list_banks(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        return self._list("bank", caller, params)

    def get_bank(self, caller: Caller, bank_id: str) -> dict:
        return public(self._load("bank", caller, bank_id))

    def add_bank_account(self, org_id: str, doc: dict, *, obj_id: str) -> dict:
        """Seeding only: store a bank account document under a fixed id."""
        with self.store.write():
            return self._insert("bank", org_id, doc, obj_id=obj_id)
