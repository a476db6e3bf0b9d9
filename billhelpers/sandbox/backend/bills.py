"""billhelpers.sandbox.backend.bills (work in progress)."""

from __future__ import annotations

from billhelpers.sandbox.backend.core import BackendBase


class BillsMixin(BackendBase):
    pass
