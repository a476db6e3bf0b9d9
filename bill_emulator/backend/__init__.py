"""bill_emulator.backend
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's rules: one ``EmulatorBackend`` per app, assembled from one module per resource.

The backend knows nothing of HTTP or werkzeug: methods take plain values (the parsed JSON body,
query parameters as ``{name: [values]}``), return JSON-ready dicts (money as ``Decimal``) and
raise :class:`~bill_emulator.backend.errors.EmulatorError` subclasses carrying BILL's codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bill_emulator import datadir
from bill_emulator.backend.approvals import ApprovalsMixin
from bill_emulator.backend.bank_admin import BankAdminMixin
from bill_emulator.backend.banks import BanksMixin
from bill_emulator.backend.bill_records import BillRecordsMixin
from bill_emulator.backend.bills import BillsMixin
from bill_emulator.backend.classifications import ClassificationsMixin
from bill_emulator.backend.clock import Clock
from bill_emulator.backend.controls import ControlsMixin
from bill_emulator.backend.core import DEFAULT_LIMITS, Caller
from bill_emulator.backend.documents import DocumentsMixin
from bill_emulator.backend.errors import EmulatorError
from bill_emulator.backend.lifecycle import LifecycleMixin
from bill_emulator.backend.mfa import MfaMixin
from bill_emulator.backend.organization import OrganizationMixin
from bill_emulator.backend.payment_options import PaymentOptionsMixin
from bill_emulator.backend.payments import PaymentsMixin
from bill_emulator.backend.recurring import RecurringBillsMixin
from bill_emulator.backend.seeding import SeedingMixin
from bill_emulator.backend.sessions import SessionsMixin
from bill_emulator.backend.vendor_credits import VendorCreditsMixin
from bill_emulator.backend.vendors import VendorsMixin
from bill_emulator.backend.webhooks import WebhooksMixin
from bill_emulator.store import Store

__all__ = ("Caller", "EmulatorBackend", "EmulatorError")


class EmulatorBackend(
    ApprovalsMixin,  # first: its _insert, _save and _schedule hooks wrap the others'
    RecurringBillsMixin,  # before LifecycleMixin: a clock move also makes recurring bills
    OrganizationMixin,
    BankAdminMixin,
    SessionsMixin,
    MfaMixin,
    VendorsMixin,
    BillsMixin,
    BanksMixin,
    PaymentsMixin,
    LifecycleMixin,  # before ControlsMixin: its advance_clock adds the date moves
    ControlsMixin,
    SeedingMixin,
    WebhooksMixin,
    # vendor credits, bill replace/record-payment, payment options (issue 25)
    VendorCreditsMixin,
    BillRecordsMixin,
    PaymentOptionsMixin,
    ClassificationsMixin,  # issue 25: classifications, checked where bill lines name them
    DocumentsMixin,  # issue 25: vendor attachments and bill documents
):
    """BILL's AP workflow for one organization store (a data directory).

    Emulated: sign-in and 35-minute idle sessions; MFA challenge/validate/step-up with remembered
    devices, and the phone set-up before it; classifications (the seven kinds' CRUD); vendor
    attachments and bill documents (upload, list, get, download); vendors, bills and payments
    (single and bulk) with
    BILL's validation, fields and business days (``tests/contract`` holds the emulator to BILL's
    collection); bank accounts with their set-up (create, verify, nominate) and upkeep (update,
    archive, archive a bank account user); vendor credits (CRUD, bulk, applied to bills,
    payments and recorded payments), replacing a bill, recording a payment made outside BILL,
    vendor payment options; bill approval policies and decisions (an unapproved bill is not
    paid); recurring bills made on the test clock; organization details; lists with
    ``max``/``page``/``filters``/``sort``; BILL's rate limits and error envelope.

    Not emulated (gaps), moto-style:

    - Payments move past ``SCHEDULED`` only when the test clock moves (see
      :mod:`~bill_emulator.backend.lifecycle`); real time crossing midnight changes nothing
      until the next ``POST /_emulator/clock``. Webhooks deliver to loopback URLs only.
    - ``processingOptions.createBill`` (pay a vendor with no bill), card/wallet funding accounts,
      approval user groups (policies name users; an emulated organization has one),
      bill-level classifications (line-item ``classifications`` are kept, and checked against
      the organization's classifications except ``customerId``: customers are BILL's AR side),
      autopay (recurring bills keep ``autoPayment`` but the bills they make are never paid by
      themselves), international payments and currencies other than USD.
    - Recurring bills make their bills, and approval policies apply, only through the API and
      the test clock: bills seeded by ``POST /_emulator/seed/bills`` skip the policies, and real
      time crossing midnight makes no recurring bill until the next clock move. One run makes at
      most 1,000 recurring bills; the rest follow on the next move.
    - Attachments and documents are processed at once (BILL takes minutes); customer and invoice
      attachments (AR); the web app's document preview; BILL's list of supported file types
      (the emulator's own list, see ``backend/file_rules.py``).
    - Mass payments (``/v3/payments/mass``, BILL's 404 ``BDC_1121``). Payment options never
      offer cards; no fee is quoted.
    - A bill's ``paidAmount`` counts payments recorded as made outside BILL, not cleared ones
      (a cleared payment stays in ``scheduledAmount``). A vendor credit applied to a bill
      directly cannot be taken back (one applied with a payment is, when the payment ends).
    - Fields of BILL's schema with no emulated value are left out, never invented
      (``disbursementStatus`` until a disbursement starts, ``disbursementInfo``, ``voidInfo``...).
    - Vendor network/e-payment features, vendor invites, check addresses validated by the USPS.
    - BILL's time zone and cut-off times: business days are counted on the UTC date.
    - The concurrent-request limit is counted per server process, not across processes that
      share a data directory. The hourly limits are shared, but each process writes its counts
      (and request-log rows) in batches, so other processes see them about a second late.
    - The 35-minute idle timer is stored with one-second resolution (a session may end up to a
      second early).
    - BILL's limit on wrong MFA tokens is undocumented; the emulator allows 5 per challenge.
    - Token-based sign-in, partner login-as-user, users and roles other than the demo user.
    - Error codes BILL does not document are the kit's choice (see ``docs/api-fidelity.md``).
    """

    def __init__(
        self,
        data_dir: str | Path,
        *,
        seed: bool = True,
        time_source: Callable[[], float] = time.time,
        start: datetime | None = None,
    ) -> None:
        store = Store(datadir.prepare(data_dir), defaults=DEFAULT_LIMITS)  # owner-only files
        super().__init__(store, Clock(store, time_source))
        if seed:
            self.ensure_seeded(start)

    def ensure_seeded(self, start: datetime | None = None) -> None:
        """Seed the demo organization on first use of a data directory (idempotent); a new
        world begins at ``start`` when given (a world already seeded keeps its own time)."""
        from bill_emulator import seed

        if self.store.control()["seeded"]:
            seed.upgrade_demo(self)
            return
        with self.store.write():
            if not self.store.control()["seeded"]:
                if start is not None:
                    self.clock.pin(start)
                seed.seed_demo(self)

    def close(self) -> None:
        self.books.flush()
        self.store.close()
