"""
billhelpers.resources.classifications
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's classifications: ``client.classifications.departments.create({"name": "Sales"})`` and the
same verbs for ``chart_of_accounts``, ``accounting_classes``, ``employees``, ``items``, ``jobs``
and ``locations``.

Why one class for seven: BILL's calls are the same for each kind (``/v3/classifications/<kind>``
with list, get, create, PATCH, archive, restore and their bulk forms); only the fields differ, and
BILL checks those. A bill line item names them in its ``classifications``
(``{"chartOfAccountId": ..., "departmentId": ...}``); BILL refuses an unknown or archived one.
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.http import paging
from billhelpers.http.response import ApiResponse
from billhelpers.resources.base import _id

#: BILL's most objects in one bulk call (its "Create multiple ..." pages).
BULK_MAX = 50
#: attribute name -> BILL's path segment.
KINDS = {
    "chart_of_accounts": "chart-of-accounts",
    "accounting_classes": "accounting-classes",
    "departments": "departments",
    "employees": "employees",
    "items": "items",
    "jobs": "jobs",
    "locations": "locations",
}


def _bulk(bodies, what: str) -> list:
    if not isinstance(bodies, list) or not bodies:
        raise InputError("needs a non-empty list", field=what, hint="pass [body, body, ...]")
    if len(bodies) > BULK_MAX:
        raise InputError(
            f"holds {len(bodies)}; BILL takes at most {BULK_MAX} a call",
            field=what,
            hint=f"send batches of {BULK_MAX} or fewer",
        )
    return bodies


class ClassificationKind:
    """One kind: ``/v3/classifications/<segment>``."""

    def __init__(self, client, segment: str):
        self.client = client
        self.segment = segment
        self.path = f"/v3/classifications/{segment}"

    def __repr__(self) -> str:
        return f"<ClassificationKind {self.path}>"

    def list(self, max: int = 100, page: str | None = None, filters=None, sort=None):
        """One page; ``filters`` as BILL writes them (``'name:sw:"Sales"'``), checked by BILL."""
        if isinstance(filters, list | tuple):
            filters = ",".join(str(f) for f in filters)
        params = {"max": paging.check_max(max), "page": page, "filters": filters, "sort": sort}
        return self.client.request("GET", self.path, params=params)

    def list_all(self, filters=None, sort=None, *, progress: bool = False) -> list[dict]:
        def fetch(*, max, page):
            return self.list(max=max, page=page, filters=filters, sort=sort)

        return list(paging.iter_results(fetch, max=100, progress=progress, desc=self.segment))

    def get(self, id: str) -> ApiResponse:
        return self.client.request("GET", f"{self.path}/{_id(id)}")

    def create(self, body: dict) -> ApiResponse:
        return self.client.request("POST", self.path, json=body)

    def update(self, id: str, body: dict) -> ApiResponse:
        return self.client.request("PATCH", f"{self.path}/{_id(id)}", json=body)

    def archive(self, id: str) -> ApiResponse:
        return self.client.request("POST", f"{self.path}/{_id(id)}/archive", safe=True)

    def restore(self, id: str) -> ApiResponse:
        return self.client.request("POST", f"{self.path}/{_id(id)}/restore", safe=True)

    def bulk_create(self, bodies: list[dict]) -> ApiResponse:
        """All created or none (BILL checks the whole array first)."""
        return self.client.request("POST", self.path + "/bulk", json=_bulk(bodies, self.segment))

    def bulk_update(self, bodies: list[dict]) -> ApiResponse:
        """Each body names its object by ``id``; all changed or none."""
        bodies = _bulk(bodies, self.segment)
        for i, body in enumerate(bodies):
            if not isinstance(body, dict) or not body.get("id"):
                raise InputError("needs the id of the object to change", field=f"[{i}].id")
        return self.client.request("PATCH", self.path + "/bulk", json=bodies)

    def bulk_archive(self, ids: list[str]) -> ApiResponse:
        return self._bulk_state("archive", ids)

    def bulk_restore(self, ids: list[str]) -> ApiResponse:
        return self._bulk_state("restore", ids)

    def _bulk_state(self, verb: str, ids: list[str]) -> ApiResponse:
        ids = _bulk(list(ids), "ids")
        joined = ",".join(_id(i) for i in ids)
        path = f"{self.path}/bulk/{verb}"
        return self.client.request("POST", path, params={"ids": joined}, safe=True)


class Classifications:
    """The seven kinds as attributes (see the module docstring)."""

    def __init__(self, client):
        for attribute, segment in KINDS.items():
            setattr(self, attribute, ClassificationKind(client, segment))

    def __repr__(self) -> str:
        return f"<Classifications {', '.join(KINDS)}>"
