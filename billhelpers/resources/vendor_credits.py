"""
billhelpers.resources.vendor_credits
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``/v3/vendor-credits``: what a vendor owes you back, applied to lower what you pay.

Why a resource of its own: a vendor credit is money. Applied to a bill (``vendorCredits:
[{id, amount}]`` on a bill, a payment or a recorded payment) it lowers the bill's
``dueAmount``, and the payment checks (:mod:`billhelpers.rules.payment_identity`) count it, so
a bill a credit reduced is never paid in full. The checks here are shape checks made before
sending (BILL's required fields, exact money, 50 a bulk call); what needs BILL's data (another
vendor's credit, one already used up) is BILL's to refuse. Archiving is final on BILL (no
restore); archiving twice changes nothing, so it is retried like the other archives.
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.http.response import ApiResponse
from billhelpers.resources.base import Resource, _id
from billhelpers.rules import credit_checks as checks
from billhelpers.rules import credits

#: BILL's "Create multiple vendor credits" page: at most 50 a request (the kit's bound for the
#: other bulk calls too).
BULK_MAX = 50


def _bulk(bodies, check) -> list:
    if not isinstance(bodies, list) or not bodies:
        raise InputError("needs a non-empty list", field="vendorCredits", hint="pass [body, ...]")
    if len(bodies) > BULK_MAX:
        raise InputError(
            f"holds {len(bodies)} vendor credits; BILL takes at most {BULK_MAX} a call",
            field="vendorCredits",
            hint=f"send batches of {BULK_MAX} or fewer",
        )
    out = []
    for i, body in enumerate(bodies):
        try:
            out.append(check(body))
        except InputError as err:
            field = f"[{i}].{err.field}" if err.field else f"[{i}]"
            raise InputError(err.message, field=field, hint=err.hint) from None
    return out


class VendorCredits(Resource):
    """``client.vendor_credits``: ``create``, ``get``, ``list``/``list_all``, ``update`` (PATCH),
    ``replace`` (PUT), ``archive`` and the bulk calls."""

    path, kind = "/v3/vendor-credits", "vendorCredits"

    def create(self, body: dict) -> ApiResponse:
        return self.client.request("POST", self.path, json=checks.check_vendor_credit(body))

    def update(self, id: str, body: dict) -> ApiResponse:
        """PATCH: the lines named by ``id`` change, the others stay."""
        body = checks.check_vendor_credit(body, partial=True)
        return self.client.request("PATCH", f"{self.path}/{_id(id)}", json=body)

    def replace(self, id: str, body: dict) -> ApiResponse:
        """PUT: the whole credit; lines without ``id`` are added, lines left out removed."""
        body = checks.check_vendor_credit(body)
        return self.client.request("PUT", f"{self.path}/{_id(id)}", json=body)

    def archive(self, id: str) -> ApiResponse:
        """Archive (final on BILL: an archived credit cannot be restored or applied)."""
        return self.client.request("POST", f"{self.path}/{_id(id)}/archive", safe=True)

    def bulk_create(self, bodies: list[dict]) -> ApiResponse:
        return self.client.request(
            "POST", self.path + "/bulk", json=_bulk(bodies, checks.check_vendor_credit)
        )

    def bulk_update(self, bodies: list[dict]) -> ApiResponse:
        """PATCH several credits; each body names its credit by ``id``."""
        checked = _bulk(bodies, lambda b: _with_id(checks.check_vendor_credit(b, partial=True)))
        return self.client.request("PATCH", self.path + "/bulk", json=checked)

    def bulk_replace(self, bodies: list[dict]) -> ApiResponse:
        """PUT several credits; each body names its credit by ``id``."""
        checked = _bulk(bodies, lambda b: _with_id(checks.check_vendor_credit(b)))
        return self.client.request("PUT", self.path + "/bulk", json=checked)

    def bulk_archive(self, ids: list[str]) -> ApiResponse:
        """``POST /v3/vendor-credits/bulk/archive?ids=...``: BILL names them in the query."""
        if isinstance(ids, str) or not ids or len(ids) > BULK_MAX:
            raise InputError(
                f"needs a list of 1 to {BULK_MAX} vendor credit ids",
                field="ids",
                hint="pass ['vcr...', 'vcr...']",
            )
        joined = ",".join(credits.check_credit_id(i, "ids") for i in ids)
        return self.client.request(
            "POST", self.path + "/bulk/archive", params={"ids": joined}, safe=True
        )


def _with_id(body: dict) -> dict:
    body["id"] = credits.check_credit_id(body.get("id"), "id")
    return body
