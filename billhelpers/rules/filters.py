"""
billhelpers.rules.filters
~~~~~~~~~~~~~~~~~~~

Builds BILL's ``filters=FIELD:OP:VALUE`` and ``sort=FIELD:asc|desc`` strings, checked first.

Why check here: BILL was observed to ignore what it does not understand and answer 200 with
*unfiltered* rows, so a typo in a field name would silently list everything (and a payment
loop over "unpaid bills" could then pay the wrong ones). Fields and operators are checked
against BILL's "filterable fields" table before anything is sent.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from billhelpers.exceptions import InputError
from billhelpers.rules.jsonsafe import has_lone_surrogate

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "nin", "sw")
_RANGE = ("gt", "gte", "lt", "lte")
_TIMES = {"createdTime": _RANGE, "updatedTime": _RANGE}

#: Resource → field → allowed operators. Vendors and bills: developer.bill.com "Filterable
#: fields"; banks and payments are not in BILL's table and mirror the emulator's (assumed,
#: see docs/api-fidelity.md). ``status:eq`` on banks is what BILL's payment recipe uses.
FILTERABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "vendors": {
        "id": ("eq", "ne", "in"),
        "archived": ("eq", "ne"),
        "name": ("eq", "sw"),
        "accountType": ("eq", "ne", "in", "nin"),
        "address.country": ("eq", "ne"),
        "billCurrency": ("eq", "ne", "in", "nin"),
        **_TIMES,
    },
    "bills": {
        "id": ("eq", "ne", "in"),
        "archived": ("eq", "ne"),
        "vendorId": ("eq", "in"),
        "dueDate": ("eq", *_RANGE),
        "paymentStatus": ("eq", "ne", "in"),
        "invoice.invoiceNumber": ("eq", "sw"),
        **_TIMES,
    },
    "banks": {
        "id": ("eq", "ne", "in"),
        "archived": ("eq", "ne"),
        "status": ("eq", "ne", "in", "nin"),
        "type": ("eq", "ne"),
        **_TIMES,
    },
    "payments": {
        "id": ("eq", "ne", "in"),
        "vendorId": ("eq", "in"),
        "billId": ("eq", "in"),
        "status": ("eq", "ne", "in", "nin"),
        "singleStatus": ("eq", "ne", "in", "nin"),
        "transactionNumber": ("eq", "sw"),
        "processDate": ("eq", *_RANGE),
        **_TIMES,
    },
    "vendorCredits": {
        "id": ("eq", "ne", "in"),
        "vendorId": ("eq", "in"),
        "archived": ("eq", "ne"),
        "status": ("eq", "ne", "in", "nin"),
        "referenceNumber": ("eq", "sw"),
        "creditDate": ("eq", *_RANGE),
        **_TIMES,
    },
}
#: Other names BILL takes for a field (its own example filters bank accounts by
#: ``bankAccountId``, the account's ``id``): the same operators as the field they name.
ALIASES: dict[str, dict[str, str]] = {"banks": {"bankAccountId": "id"}}
#: Sortable: the filterable fields plus a few sort-only ones (same source as above).
SORTABLE: dict[str, tuple[str, ...]] = {
    "vendors": tuple(FILTERABLE["vendors"]),
    "bills": (*FILTERABLE["bills"], "amount", "dueAmount"),
    "banks": (*FILTERABLE["banks"], "bankName"),
    "payments": (*FILTERABLE["payments"], "amount"),
    "vendorCredits": (*FILTERABLE["vendorCredits"], "amount"),
}


class Filter(str):
    """One ``FIELD:OP:VALUE`` term; a ``str``, so it can be passed anywhere a string goes."""

    field: str
    op: str

    def __new__(cls, text: str, field: str, op: str):
        obj = super().__new__(cls, text)
        obj.field, obj.op = field, op
        return obj


def quote(value: object) -> str:
    """Render a value the way BILL expects: strings, dates and times in double quotes,
    booleans and numbers bare, lists (for ``in``/``nin``) as one quoted comma list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise InputError(
                "a datetime filter value needs a timezone",
                field="value",
                hint="use datetime(..., tzinfo=timezone.utc)",
            )
        text = (
            value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{value.microsecond // 1000:03d}Z"
        )
        return f'"{text}"'
    if isinstance(value, _dt.date):
        return f'"{value.isoformat()}"'
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [str(v) for v in value]
        for p in parts:
            _check_text(p)
        return '"' + ",".join(parts) + '"'
    text = str(value)
    _check_text(text)
    return f'"{text}"'


def _check_text(text: str) -> None:
    if has_lone_surrogate(text):
        raise InputError(
            "a filter value contains an invalid character (a lone UTF-16 surrogate)",
            field="value",
            hint="type the value again",
        )
    if '"' in text:
        raise InputError(
            f"{text!r} contains a double quote",
            field="value",
            hint="BILL's filter syntax cannot carry a double quote; leave it out",
        )


def where(field: str, op: str, value: object, *, resource: str | None = None) -> Filter:
    """``where("status", "eq", "VERIFIED")`` → ``'status:eq:"VERIFIED"'``.

    Without ``resource`` the field must be filterable for *some* resource (the list helper
    re-checks it for its own); with it, for that resource.
    """
    op = str(op).strip().lower()
    if op not in OPERATORS:
        raise InputError(
            f"unknown operator {op!r}", field="op", hint=f"use one of: {', '.join(OPERATORS)}"
        )
    if not isinstance(field, str):
        raise InputError(
            f"a {type(field).__name__} is not a field name", field="filters", hint="use text"
        )
    tables = [resource] if resource else list(FILTERABLE)
    _check_field(field, op, tables)
    if op in ("in", "nin"):
        if not isinstance(value, (list, tuple, set, frozenset)):
            value = [value]
        _check_list_items(field, op, value)
    return Filter(f"{field}:{op}:{quote(value)}", field, op)


def _check_list_items(field: str, op: str, values) -> None:
    """BILL splits an ``in``/``nin`` value at every comma, so ``["009a,009b"]`` would silently
    become two values: a comma inside one item is refused, naming the field."""
    for item in values:
        text = str(item)
        if "," in text:
            raise InputError(
                f"{text!r} contains a comma; BILL splits {op!r} values at commas, so it would be "
                "read as several values",
                field=field,
                hint=f"give one value per item: where({field!r}, {op!r}, ['009a', '009b']); "
                "a single value cannot contain a comma",
            )


def _check_field(field: str, op: str, resources: list[str]) -> None:
    allowed_somewhere = False
    for res in resources:
        if res not in FILTERABLE:
            raise InputError(
                f"unknown resource {res!r}",
                field="resource",
                hint=f"use one of: {', '.join(FILTERABLE)}",
            )
        ops = FILTERABLE[res].get(ALIASES.get(res, {}).get(field, field))
        if ops is not None:
            allowed_somewhere = True
            if op in ops:
                return
    if len(resources) == 1:
        table = FILTERABLE[resources[0]]
        if not allowed_somewhere:
            fields = ", ".join(table) or "none (BILL lists no filterable fields here)"
            raise InputError(
                f"{field!r} cannot be filtered on for {resources[0]}",
                field="filters",
                hint=f"filterable fields: {fields}",
            )
        raise InputError(
            f"{field!r} does not support {op!r} for {resources[0]}",
            field="filters",
            hint=f"use one of: {', '.join(table[field])}",
        )
    if not allowed_somewhere:
        raise InputError(
            f"{field!r} is not a filterable field",
            field="filters",
            hint="check the spelling against BILL's filterable-fields table",
        )
    raise InputError(
        f"{field!r} does not support {op!r}",
        field="filters",
        hint="see BILL's filterable-fields table for the operators of this field",
    )


def build_filters(filters, resource: str) -> str | None:
    """Join and check filters for one resource: a :class:`Filter`, a raw ``"f:op:v"`` string,
    a ``(field, op, value)`` tuple, or a list of those (ANDed, comma-separated)."""
    if filters is None or filters == "" or filters == []:
        return None
    if not isinstance(filters, (str, tuple, list)):
        raise InputError(
            f"a {type(filters).__name__} is not a filter",
            field="filters",
            hint='pass a string like name:sw:"Acme", bh.where(...), or a list of them',
        )
    items = [filters] if isinstance(filters, (str, tuple)) else list(filters)
    out = []
    for item in items:
        if isinstance(item, tuple) and len(item) != 3:
            raise InputError(
                f"a tuple of {len(item)} is not (field, op, value)",
                field="filters",
                hint='write it as ("name", "sw", "Acme")',
            )
        if not isinstance(item, (str, tuple)):
            raise InputError(
                f"a {type(item).__name__} is not a filter",
                field="filters",
                hint='pass strings like name:sw:"Acme" or bh.where(...)',
            )
        if isinstance(item, tuple):
            item = where(*item, resource=resource)
        elif isinstance(item, Filter):
            _check_field(item.field, item.op, [resource])
        else:
            for term in split_terms(str(item)):
                _check_raw_term(term, resource)
        out.append(str(item))
    return ",".join(out)


def split_terms(text: str) -> list[str]:
    """``'a:eq:"x,y",b:eq:true'`` → ``['a:eq:"x,y"', 'b:eq:true']``: commas inside double
    quotes belong to the value (an ``in`` list), the others separate terms."""
    terms, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            terms.append("".join(current))
            current = []
        else:
            current.append(char)
    terms.append("".join(current))
    if quoted:
        raise InputError(
            f"{_short(text)} has an unclosed double quote",
            field="filters",
            hint='close each quoted value, e.g. name:sw:"Acme"',
        )
    return terms


def _short(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _check_raw_term(term: str, resource: str) -> None:
    """One term of a raw filter string, checked like :func:`where` checks its parts (BILL
    ignores a term it does not understand and answers with unfiltered rows)."""
    if has_lone_surrogate(term):
        raise InputError(
            "contains an invalid character (a lone UTF-16 surrogate)",
            field="filters",
            hint="type the filter again",
        )
    field, sep, rest = term.strip().partition(":")
    op, sep2, value = rest.partition(":")
    if not sep or not op or not sep2 or not value:
        raise InputError(
            f"{_short(term)} is not FIELD:OP:VALUE",
            field="filters",
            hint='write it like name:sw:"Acme" or use bh.where(...); join terms with commas',
        )
    if op not in OPERATORS:
        raise InputError(
            f"unknown operator {op!r}",
            field="filters",
            hint=f"use one of: {', '.join(OPERATORS)}",
        )
    _check_field(field, op, [resource])


def build_sort(sort, resource: str) -> str | None:
    """``"name"``, ``"name:desc"`` or ``("name", "desc")`` → ``"name:desc"`` (checked)."""
    if not sort:
        return None
    field, _, direction = (":".join(sort) if isinstance(sort, tuple) else str(sort)).partition(":")
    direction = (direction or "asc").lower()
    if direction not in ("asc", "desc"):
        raise InputError(
            f"sort direction {direction!r} is unknown", field="sort", hint="use asc or desc"
        )
    allowed = SORTABLE.get(resource, ())
    if field not in allowed:
        raise InputError(
            f"{field!r} cannot be sorted on for {resource}",
            field="sort",
            hint=f"sortable fields: {', '.join(allowed) or 'none'}",
        )
    return f"{field}:{direction}"


def sort_by(field: str, direction: str = "asc") -> str:
    """``sort_by("name", "desc")`` → ``"name:desc"`` (checked when the list call is made)."""
    return f"{field}:{direction}"
