"""
billhelpers.resources.base
~~~~~~~~~~~~~~~~~~~~~~~~~~

The list/get/create verbs shared by vendors, bills and funding accounts.

Why ``list`` returns one page and ``list_all`` every record: the notebooks teach BILL's paging
(``max``, ``nextPage``) with ``list`` and then use ``list_all`` where only the rows matter.
"""

from __future__ import annotations

from urllib.parse import quote

from billhelpers.exceptions import InputError
from billhelpers.http import paging
from billhelpers.http.response import ApiResponse
from billhelpers.resources.bank_upkeep import BankUpkeepMixin
from billhelpers.resources.setup import BankSetupMixin
from billhelpers.rules import checks, credit_checks
from billhelpers.rules import filters as _filters


def _id(value: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise InputError("an id is required", field="id", hint="pass the object's id")
    return quote(text, safe="")


class Resource:
    """One BILL collection (``path``) whose list filters are checked as ``kind``."""

    path = ""
    kind = ""

    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    def _check(self, body, *, partial: bool = False):
        return body

    def list(self, max: int = 100, page: str | None = None, filters=None, sort=None) -> ApiResponse:
        """One page: ``GET path?max=..&page=..&filters=..&sort=..`` (``max`` always sent)."""
        params = {
            "max": paging.check_max(max),
            "page": page,
            "filters": _filters.build_filters(filters, self.kind),
            "sort": _filters.build_sort(sort, self.kind),
        }
        return self.client.request("GET", self.path, params=params)

    def iter_all(self, filters=None, sort=None, *, progress: bool = True, max: int = 100):
        """Every record, page after page (a generator)."""
        flt = _filters.build_filters(filters, self.kind)
        srt = _filters.build_sort(sort, self.kind)

        def fetch(*, max, page):
            return self.client.request(
                "GET", self.path, params={"max": max, "page": page, "filters": flt, "sort": srt}
            )

        return paging.iter_results(fetch, max=max, progress=progress, desc=self.kind)

    def list_all(
        self, filters=None, sort=None, *, progress: bool = True, max: int = 100
    ) -> list[dict]:
        """Every record as a list of dicts, following ``nextPage`` (progress bar from page 2)."""
        return list(self.iter_all(filters, sort, progress=progress, max=max))

    def get(self, id: str) -> ApiResponse:
        return self.client.request("GET", f"{self.path}/{_id(id)}")


class _Crud(Resource):
    #: BILL's most objects in one bulk create (its "Create multiple ..." pages).
    bulk_max = 0

    def create(self, body: dict) -> ApiResponse:
        """``POST`` the body BILL's docs show, after the client-side checks."""
        return self.client.request("POST", self.path, json=self._check(body))

    def bulk_create(self, bodies: list[dict]) -> ApiResponse:
        """``POST path/bulk`` with a JSON array: all created or none (BILL checks the whole
        array first). Each body gets the same checks as :meth:`create`, named by its index."""
        if not isinstance(bodies, list) or not bodies:
            raise InputError(
                "needs a non-empty list", field=self.kind, hint="pass [body, body, ...]"
            )
        if len(bodies) > self.bulk_max:
            raise InputError(
                f"holds {len(bodies)} {self.kind}; BILL takes at most {self.bulk_max} a call",
                field=self.kind,
                hint=f"send batches of {self.bulk_max} or fewer",
            )
        checked = []
        for i, body in enumerate(bodies):
            try:
                checked.append(self._check(body))
            except InputError as err:
                raise InputError(
                    err.message,
                    field=f"[{i}].{err.field}" if err.field else f"[{i}]",
                    hint=err.hint,
                ) from None
        return self.client.request("POST", self.path + "/bulk", json=checked)

    def update(self, id: str, body: dict) -> ApiResponse:
        """``PATCH`` the fields given (the others keep their values)."""
        return self.client.request(
            "PATCH", f"{self.path}/{_id(id)}", json=self._check(body, partial=True)
        )

    def archive(self, id: str) -> ApiResponse:
        """Archive (BILL never deletes); archiving twice changes nothing, so it is retried."""
        return self.client.request("POST", f"{self.path}/{_id(id)}/archive", safe=True)

    def restore(self, id: str) -> ApiResponse:
        return self.client.request("POST", f"{self.path}/{_id(id)}/restore", safe=True)


class Vendors(_Crud):
    """``/v3/vendors``: ``create(body)`` checks name, address, country and ACH bank details."""

    path, kind, bulk_max = "/v3/vendors", "vendors", 20

    def _check(self, body, *, partial=False):
        return checks.check_vendor(body, partial=partial)


class Bills(_Crud):
    """``/v3/bills``: ``create(body)`` checks vendorId, dates, lines and exact amounts."""

    path, kind, bulk_max = "/v3/bills", "bills", 100

    def _check(self, body, *, partial=False):
        return checks.check_bill(body, partial=partial)

    def replace(self, id: str, body: dict) -> ApiResponse:
        """``PUT``: the whole bill; lines without ``id`` are added, lines left out removed."""
        return self.client.request("PUT", f"{self.path}/{_id(id)}", json=self._check(body))

    def record_payment(self, body: dict) -> ApiResponse:
        """``POST /v3/bills/record-payment``: a payment made outside BILL (a check you wrote,
        a wire). BILL moves no money but books it against the bills, so their ``dueAmount``
        drops and the kit never pays them again. Not repeated after an unanswered send: a
        second record would book the amount twice; look at the bill's ``paidAmount`` first."""
        body = credit_checks.check_record_payment(body)
        return self.client.request("POST", f"{self.path}/record-payment", json=body)


class FundingAccounts(BankSetupMixin, BankUpkeepMixin, Resource):
    """``/v3/funding-accounts/banks``: the organization's bank accounts (payments draw on a
    ``VERIFIED`` one)."""

    path, kind = "/v3/funding-accounts/banks", "banks"

    def banks(self, filters=None, sort=None, *, max: int = 100, page: str | None = None):
        """One page of bank accounts, e.g. ``banks(filters=bh.where("status", "eq",
        "VERIFIED"))``."""
        return self.list(max=max, page=page, filters=filters, sort=sort)

    def bank(self, id: str) -> ApiResponse:
        return self.get(id)

    def list_all_banks(self, filters=None, sort=None, *, progress: bool = True) -> list[dict]:
        return self.list_all(filters, sort, progress=progress)

    def verified_banks(self) -> list[dict]:
        """The accounts a payment may draw on."""
        return self.list_all(
            _filters.where("status", "eq", "VERIFIED", resource="banks"), progress=False
        )
