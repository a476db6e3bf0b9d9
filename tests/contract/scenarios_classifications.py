"""Contract scenarios for BILL's classifications (chart of accounts, accounting classes,
departments, employees, items, jobs, locations): how each of the 70 calls is made.

BILL's examples are sent as they are, except where a value is schema-generated filler that no
real organization could hold: ``"id": "string"`` and ``"parentId": "string"`` become real ids of
this emulator, an item's chart-of-accounts ids name a real chart of accounts, and money and
percentages are brought into their ranges (``7878.445858734531`` to two decimals, a percentage of
``1207.22`` to 100). Field names, nesting and enum spellings stay BILL's.
"""

from __future__ import annotations

from decimal import Decimal

from contract.contract_api import ENDPOINTS, Bill

SEGMENTS = (
    "chart-of-accounts",
    "accounting-classes",
    "departments",
    "employees",
    "items",
    "jobs",
    "locations",
)
_BASE = "/v3/classifications/"


def create(api: Bill, segment: str) -> str:
    """A new object of ``segment`` made from BILL's own create example; its id."""
    resp = api.call(
        "POST", _BASE + segment, _fix(api, segment, api.example("POST", _BASE + segment))
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _fix(api: Bill, segment: str, body, own_id: str | None = None):
    """BILL's example with its filler values made real (see the module docstring)."""
    if isinstance(body, list):
        return [_fix(api, segment, item, own_id) for item in body]
    out = dict(body)
    if out.get("id") == "string":
        out["id"] = own_id or create(api, segment)
    if out.get("parentId") == "string":
        out["parentId"] = create(api, segment)
    for key in ("chartOfAccountId", "expenseChartOfAccountId"):
        if out.get(key) == "string":
            out[key] = create(api, "chart-of-accounts")
    for key in ("price", "purchaseCost"):
        if isinstance(out.get(key), Decimal | float | int):
            out[key] = float(Decimal(str(out[key])).quantize(Decimal("0.01")))
    if isinstance(out.get("percentage"), Decimal | float | int):
        percentage = min(Decimal(str(out["percentage"])), Decimal(100))
        out["percentage"] = float(percentage.quantize(Decimal("0.0001")))
    return out


def _scenario(method: str, path: str):
    segment = path.removeprefix(_BASE).split("/")[0]
    rest = path.removeprefix(_BASE + segment)

    def run(api: Bill, m: str, p: str):
        if rest == "" and m == "GET":
            create(api, segment)
            return api.call(m, p, params={"max": 5, "sort": "createdTime:desc"})
        if rest in ("", "/bulk"):
            body = _fix(api, segment, api.example(m, p))
            return api.call(m, p, body)
        if rest in ("/bulk/archive", "/bulk/restore"):
            obj_id = create(api, segment)
            if rest.endswith("restore"):
                api.call("POST", f"{_BASE}{segment}/bulk/archive", params={"ids": obj_id})
            return api.call(m, p, params={"ids": obj_id})
        obj_id = create(api, segment)
        if rest == "/{id}/restore":
            api.call("POST", f"{_BASE}{segment}/{obj_id}/archive")
        body = api.example(m, p) if m in ("POST", "PATCH") else None
        if body is not None:
            body = _fix(api, segment, body, obj_id)
        return api.call(m, p.replace("{id}", obj_id), body)

    return run


SCENARIOS = {
    (method, path): _scenario(method, path)
    for method, path in ENDPOINTS
    if path.startswith(_BASE) and path.removeprefix(_BASE).split("/")[0] in SEGMENTS
}
