"""bill_emulator.backend.classification_kinds
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's seven classification kinds as one table, and the pure checks of their bodies.

Why a table: BILL's ``/v3/classifications/<kind>`` calls are the same CRUD for each kind (create,
bulk create, PATCH, bulk PATCH, archive, restore, their bulk forms, get, list); only the fields
differ. Each :class:`Kind` holds its URL segment, its stored kind, its id prefix (BILL's "BILL-
generated IDs" page), the key of its bulk answers and its fields (BILL's collection: each kind's
create, update and bulk examples and answers), so one implementation serves all seven.

A field spec is ``(type, detail)``: ``text`` (max length), ``enum`` (allowed values), ``money``
(at most two decimals, >= 0, kept as integer cents), ``percent`` (0 to 100, at most 4 decimals),
``bool``, ``ref`` (the id of another classification, by URL segment; checked against the store by
the mixin) or ``object`` (nested specs). Required fields and limits BILL does not document are the
kit's choice (``docs/api-fidelity.md``, rows CL*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bill_emulator.backend import validation as v
from bill_emulator.backend.errors import MalformedRequest, ValidationFailed

#: BILL's most objects in one bulk create (each "Create multiple ..." item of its collection).
BULK_MAX = 50
_NAME = ("text", 100)
_TEXT = ("text", 4000)

#: Account types: the six BILL's collection samples show, plus the other QuickBooks account types
#: in the same spelling (assumed: BILL publishes no full list).
ACCOUNT_TYPES = (
    "ACCOUNTS_PAYABLE",
    "ACCOUNTS_RECEIVABLE",
    "BANK",
    "COST_OF_GOODS_SOLD",
    "CREDIT_CARD",
    "EQUITY",
    "EXPENSE",
    "FIXED_ASSET",
    "INCOME",
    "LONG_TERM_LIABILITY",
    "OTHER_ASSET",
    "OTHER_CURRENT_ASSET",
    "OTHER_CURRENT_LIABILITY",
    "OTHER_EXPENSE",
    "OTHER_INCOME",
)
#: Item types: the six BILL's collection samples show, plus QuickBooks' other item types
#: (assumed, as above).
ITEM_TYPES = (
    "DISCOUNT",
    "FIXED_ASSET",
    "GROUP",
    "INVENTORY",
    "NON_INVENTORY",
    "OTHER_CHARGE",
    "PAYMENT",
    "SALES_TAX",
    "SALES_TAX_GROUP",
    "SERVICE",
    "SUBTOTAL",
)


@dataclass(frozen=True)
class Kind:
    """One classification kind of BILL's API."""

    segment: str  # in the URL: /v3/classifications/<segment>
    store: str  # the stored kind (store.schema.KINDS)
    prefix: str  # BILL's id prefix
    plural: str  # the key of bulk answers: {"<plural>": [...]}
    title: str  # in messages
    line_field: str  # the bill line item's classifications key naming this kind
    required: tuple[str, ...]
    fields: dict = field(default_factory=dict)


def _named(**extra) -> dict:
    return {"name": _NAME, "shortName": ("text", 40), "description": _TEXT, **extra}


KINDS: dict[str, Kind] = {
    kind.segment: kind
    for kind in (
        Kind(
            "chart-of-accounts",
            "chartOfAccount",
            "0ca",
            "chartOfAccounts",
            "Chart of accounts",
            "chartOfAccountId",
            ("name",),
            {
                "name": _NAME,
                "description": _TEXT,
                "parentId": ("ref", "chart-of-accounts"),
                "account": (
                    "object",
                    {"type": ("enum", ACCOUNT_TYPES), "number": ("text", 40)},
                ),
            },
        ),
        Kind(
            "accounting-classes",
            "accountingClass",
            "cls",
            "accountingClasses",
            "Accounting class",
            "accountingClassId",
            ("name",),
            _named(parentId=("ref", "accounting-classes")),
        ),
        Kind(
            "departments",
            "department",
            "0de",
            "departments",
            "Department",
            "departmentId",
            ("name",),
            _named(parentId=("ref", "departments")),
        ),
        Kind(
            "employees",
            "employee",
            "emp",
            "employees",
            "Employee",
            "employeeId",
            ("firstName", "lastName"),
            {
                "firstName": _NAME,
                "lastName": _NAME,
                "shortName": ("text", 40),
                "parentId": ("ref", "employees"),
            },
        ),
        Kind(
            "items",
            "item",
            "0ii",
            "items",
            "Item",
            "itemId",
            ("name", "type"),
            _named(
                type=("enum", ITEM_TYPES),
                parentId=("ref", "items"),
                price=("money", None),
                purchaseCost=("money", None),
                purchaseDescription=_TEXT,
                chartOfAccountId=("ref", "chart-of-accounts"),
                expenseChartOfAccountId=("ref", "chart-of-accounts"),
                taxable=("bool", None),
                percentage=("percent", None),
            ),
        ),
        Kind(
            "jobs",
            "job",
            "job",
            "jobs",
            "Job",
            "jobId",
            ("name",),
            _named(parentId=("ref", "jobs")),
        ),
        Kind(
            "locations",
            "location",
            "loc",
            "locations",
            "Location",
            "locationId",
            ("name",),
            _named(parentId=("ref", "locations")),
        ),
    )
}
#: The bill line item's ``classifications`` keys that name a classification the emulator keeps
#: (``customerId`` names a customer, on BILL's AR side: not emulated, kept unchecked).
BY_LINE_FIELD: dict[str, Kind] = {kind.line_field: kind for kind in KINDS.values()}
BY_STORE: dict[str, Kind] = {kind.store: kind for kind in KINDS.values()}

_PERCENT_PLACES = 4


def kind_of(segment: str) -> Kind:
    """The kind a URL segment names (the router only passes the seven)."""
    return KINDS[segment]


def check_fields(
    kind: Kind, body: object, *, creating: bool, prefix: str = ""
) -> tuple[dict, dict[str, str]]:
    """Checked fields of a create (``creating``) or PATCH body, and the references it makes
    (``{field path: classification id}``, checked against the store by the caller).

    Unknown fields are refused, so a misspelt field is not silently dropped (as the lists do
    for misspelt parameters). ``id`` is allowed only where the caller has taken it out first.
    """
    if prefix and not isinstance(body, dict):
        raise ValidationFailed(prefix.rstrip("."), "must be an object")
    body = v.body_object(body)
    out: dict = {}
    refs: dict[str, str] = {}
    _walk(kind.fields, body, out, refs, prefix, creating=creating)
    if creating:
        for name in kind.required:
            if out.get(name) is None:
                raise ValidationFailed(f"{prefix}{name}", "must not be null")
    else:
        for name in kind.required:
            if name in body and out.get(name) is None:
                raise ValidationFailed(f"{prefix}{name}", "must not be null")
    return out, refs


def _walk(specs: dict, body: dict, out: dict, refs: dict, path: str, *, creating: bool) -> None:
    for key in body:
        if key not in specs:
            known = ", ".join(sorted(specs))
            raise ValidationFailed(f"{path}{key}", f"is not a field here ({known})")
    for key, (kind, detail) in specs.items():
        if key not in body:
            continue
        where = f"{path}{key}"
        value = body[key]
        if value is None:
            out[key] = None
            continue
        if kind == "object":
            sub = v.sub_object(body, key, where, required=False)
            inner: dict = {}
            _walk(detail, sub, inner, refs, f"{where}.", creating=creating)
            out[key] = {k: val for k, val in inner.items() if val is not None}
        elif kind == "text":
            out[key] = v.string(body, key, where, max_len=detail)
        elif kind == "enum":
            out[key] = v.enum(body, key, detail, where)
        elif kind == "ref":
            text = v.string(body, key, where, max_len=20)
            out[key] = refs[where] = text
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ValidationFailed(where, "must be true or false")
            out[key] = value
        elif kind == "money":
            out[key] = v.money(value, where, allow_zero=True)
        elif kind == "percent":
            out[key] = _percent(value, where)


def _percent(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValidationFailed(where, "must be a number")
    number = Decimal(value)
    if (
        not number.is_finite()
        or not 0 <= number <= 100
        or number.as_tuple().exponent < -_PERCENT_PLACES
    ):
        raise ValidationFailed(
            where, f"must be a percentage from 0 to 100 with at most {_PERCENT_PLACES} decimals"
        )
    return number


def bulk_items(body: object, *, limit: int = BULK_MAX) -> list:
    """A bulk body: a JSON array of 1..``limit`` objects."""
    if not isinstance(body, list) or not body:
        raise MalformedRequest("Request body must be a JSON array of at least one object.")
    if len(body) > limit:
        raise ValidationFailed("[]", f"must hold at most {limit} objects")
    return body


def parse_ids(params: dict[str, list[str]], kind: Kind) -> list[str]:
    """The ``ids`` query parameter of the bulk archive/restore calls: comma-separated ids of
    this kind, 1..``BULK_MAX`` of them, each once."""
    for name, values in params.items():
        if name != "ids":
            raise MalformedRequest(f"{name}: unknown parameter; this call takes ids")
        if len(values) > 1:
            raise MalformedRequest("ids: give it once, the ids separated by commas")
    raw = params.get("ids", [""])[0]
    found = [part.strip() for part in raw.split(",") if part.strip()]
    if not found:
        raise ValidationFailed("ids", "must name at least one id")
    if len(found) > BULK_MAX:
        raise ValidationFailed("ids", f"must name at most {BULK_MAX} ids")
    if len(set(found)) != len(found):
        raise ValidationFailed("ids", "names an id twice")
    for obj_id in found:
        if not obj_id.startswith(kind.prefix) or len(obj_id) > 20:
            raise ValidationFailed("ids", f"{obj_id[:20]!r} is not an id of {kind.segment}")
    return found
