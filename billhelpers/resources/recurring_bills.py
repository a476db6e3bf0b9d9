"""
billhelpers.resources.recurring_bills
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``client.recurring_bills``: BILL's recurring bills (``/v3/recurringbills``), templates from which
BILL makes a bill for each due date of their ``schedule``, ``daysInAdvance`` days early.

``update`` is BILL's PATCH (lines named by ``id`` keep it), ``replace`` its PUT (a line without
an ``id`` is new, a line left out is removed). The bills a template makes are ordinary bills
(``client.bills``), with the due date as invoice number; they are paid as any other.
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.http import paging
from billhelpers.http.response import ApiResponse
from billhelpers.resources.base import _Crud, _id
from billhelpers.rules import approvals as rules

#: The fields a recurring bill list filters and sorts on (BILL's example filters on ``id`` and
#: sorts on ``archived``; the others mirror the emulator, row RB2 of docs/api-fidelity.md).
FIELDS = ("id", "archived", "vendorId", "schedule.nextDueDate", "createdTime", "updatedTime")


def _terms(text: str | None, what: str) -> str | None:
    """Each ``field:...`` term of a filters or sort string must name one of :data:`FIELDS`."""
    if text is None:
        return None
    for term in str(text).split(","):
        field = term.split(":", 1)[0].strip()
        if field not in FIELDS:
            raise InputError(
                f"{field!r} is not a field recurring bills {what} on",
                field=what,
                hint=f"use one of {', '.join(FIELDS)}",
            )
    return str(text)


class RecurringBills(_Crud):
    """``/v3/recurringbills``: create, get, list, update (PATCH), replace (PUT), archive,
    restore."""

    path, kind = "/v3/recurringbills", "recurringBills"

    def _check(self, body, *, partial=False):
        return rules.check_recurring_bill(body, partial=partial)

    def list(self, max: int = 100, page: str | None = None, filters=None, sort=None):
        """One page; ``filters`` and ``sort`` as BILL's strings (``'archived:eq:false'``),
        checked against :data:`FIELDS`."""
        params = {"max": paging.check_max(max), "page": page}
        params["filters"] = _terms(filters, "filters")
        params["sort"] = _terms(sort, "sort")
        return self.client.request("GET", self.path, params=params)

    def iter_all(self, filters=None, sort=None, *, progress: bool = False, max: int = 100):
        """Every recurring bill, page after page (a generator; ``progress`` is ignored)."""
        page = None
        while True:
            resp = self.list(max=max, page=page, filters=filters, sort=sort)
            yield from resp.data.get("results", [])
            page = resp.data.get("nextPage")
            if not page:
                return

    def bulk_create(self, bodies):  # BILL has no bulk call for recurring bills
        raise InputError(
            "BILL has no bulk create for recurring bills",
            field="recurringBills",
            hint="create them one by one",
        )

    def replace(self, id: str, body: dict) -> ApiResponse:
        """``PUT``: every field again (lines without an ``id`` are added, lines left out are
        removed)."""
        return self.client.request("PUT", f"{self.path}/{_id(id)}", json=self._check(body))
