"""
billhelpers.resources.payment_options
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``GET /v3/payments/options?vendorId=...&amount=...``: how your organization could pay a vendor
(which funding accounts are available, the process and delivery dates), before paying. A mixin of
:class:`~billhelpers.resources.payments.Payments`, so ``client.payments.options(...)`` reads as
BILL's path does.
"""

from __future__ import annotations

from billhelpers.http.response import ApiResponse
from billhelpers.rules import checks
from billhelpers.rules.money import to_amount


class PaymentOptionsMixin:
    client = None  # set by Payments

    def options(self, vendor_id: str, amount) -> ApiResponse:
        """The vendor's payment options for ``amount`` (exact: a ``Decimal`` or a string)."""
        params = {
            "vendorId": checks.check_id(vendor_id, "vendorId"),
            "amount": f"{to_amount(amount, field='amount'):.2f}",
        }
        return self.client.request("GET", "/v3/payments/options", params=params)
