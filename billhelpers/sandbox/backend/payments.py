"""billhelpers.sandbox.backend.payments (work in progress)."""

from __future__ import annotations

from billhelpers.sandbox.backend.core import BackendBase


class PaymentsMixin(BackendBase):
    pass
