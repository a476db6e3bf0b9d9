"""
billhelpers.resources
~~~~~~~~~~~~~~~~~~~~~

Helpers for the recipe's BILL resources: they take the JSON bodies BILL's docs show.

Why thin classes over :meth:`Client.request`: each helper adds only what the raw call lacks
(client-side checks, paging, the payment safety net), so a learner can always read the exact
request the helper sent in the rendered :class:`~billhelpers.http.response.ApiResponse`.
"""

from billhelpers.resources.base import Bills, FundingAccounts, Vendors
from billhelpers.resources.classifications import Classifications
from billhelpers.resources.documents import Attachments, Documents
from billhelpers.resources.emulator import Emulator
from billhelpers.resources.mfa import Mfa
from billhelpers.resources.payments import Payments
from billhelpers.resources.vendor_credits import VendorCredits
from billhelpers.resources.webhooks import Webhooks

__all__ = (
    "Attachments",
    "Bills",
    "Classifications",
    "Documents",
    "Emulator",
    "FundingAccounts",
    "Mfa",
    "Payments",
    "VendorCredits",
    "Vendors",
    "Webhooks",
)
