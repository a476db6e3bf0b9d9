"""bill_emulator.backend.listing
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

List queries as BILL reads them: ``max``, ``page``, ``filters`` and ``sort``.

Why strict: BILL was observed to ignore misspelt parameters and answer with unfiltered rows, which
silently breaks a tutorial. The emulator refuses an unknown parameter, field or operator, a
repeated parameter, and an unquoted value with a colon, each with a 400 that says what to fix.
Page tokens are opaque (base64 of an offset, a fingerprint of the filters and sort, and the key of
the row before the page: its sort values and sequence number), and a token used with different
filters is refused rather than silently mixing two queries. The key lets the store fetch a page as
"the rows after this key" on an index, so a page deep in a long list costs what the first does
(issue 19); a token with only an offset (from an emulator before schema 2) is read by offset.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from bill_emulator.backend.errors import MalformedRequest, ValidationFailed

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "nin", "sw")
PARAMETERS = frozenset({"max", "page", "filters", "sort"})
_RANGE = ("gt", "gte", "lt", "lte")
# re.ASCII: \d must be [0-9], not any script's digits (issue 15).
_TIME_FORMS = tuple(
    re.compile(form, re.ASCII)
    for form in (
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:?\d{2})",
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}",
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}",
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
        r"\d{4}-\d{2}-\d{2}",
    )
)
#: Largest offset a page token may carry (SQLite's OFFSET is a 64-bit integer).
MAX_OFFSET = 10**9


@dataclass(frozen=True)
class Field:
    """A filterable/sortable field: where it lives in the document, its type, its operators."""

    path: str
    type: str  # "str", "bool", "time", "date"
    ops: tuple[str, ...]


def _time_fields() -> dict[str, Field]:
    return {
        "createdTime": Field("$.createdTime", "time", _RANGE),
        "updatedTime": Field("$.updatedTime", "time", _RANGE),
    }


#: BILL's "filterable fields" table (vendors, bills); banks, payments and vendor credits are the
#: kit's choice.
FIELDS: dict[str, dict[str, Field]] = {
    "vendor": {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "archived": Field("$.archived", "bool", ("eq", "ne")),
        "name": Field("$.name", "str", ("eq", "sw")),
        "accountType": Field("$.accountType", "str", ("eq", "ne", "in", "nin")),
        "address.country": Field("$.address.country", "str", ("eq", "ne")),
        "billCurrency": Field("$.billCurrency", "str", ("eq", "ne", "in", "nin")),
        **_time_fields(),
    },
    "bill": {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "archived": Field("$.archived", "bool", ("eq", "ne")),
        "vendorId": Field("$.vendorId", "str", ("eq", "in")),
        "dueDate": Field("$.dueDate", "date", ("eq", *_RANGE)),
        "paymentStatus": Field("$.paymentStatus", "str", ("eq", "ne", "in")),
        "invoice.invoiceNumber": Field("$.invoice.invoiceNumber", "str", ("eq", "sw")),
        **_time_fields(),
    },
    "bank": {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "archived": Field("$.archived", "bool", ("eq", "ne")),
        "status": Field("$.status", "str", ("eq", "ne", "in", "nin")),
        "type": Field("$.type", "str", ("eq", "ne")),
        **_time_fields(),
    },
    "payment": {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "vendorId": Field("$.vendorId", "str", ("eq", "in")),
        "billId": Field("$.billPayments[0].billId", "str", ("eq", "in")),
        "status": Field("$.status", "str", ("eq", "ne", "in", "nin")),
        "singleStatus": Field("$.singleStatus", "str", ("eq", "ne", "in", "nin")),
        "transactionNumber": Field("$.transactionNumber", "str", ("eq", "sw")),
        "processDate": Field("$.processDate", "date", ("eq", *_RANGE)),
        **_time_fields(),
    },
    # vendor credits: BILL's collection filters on id in its list example; the rest assumed
    "vendorCredit": {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "vendorId": Field("$.vendorId", "str", ("eq", "in")),
        "archived": Field("$.archived", "bool", ("eq", "ne")),
        "status": Field("$.status", "str", ("eq", "ne", "in", "nin")),
        "referenceNumber": Field("$.referenceNumber", "str", ("eq", "sw")),
        "creditDate": Field("$.creditDate", "date", ("eq", *_RANGE)),
        **_time_fields(),
    },
}

#: Other names BILL's own examples filter on: its "Get list of bank accounts" example sends
#: ``filters=bankAccountId:eq:...`` (the account's ``id``).
ALIASES: dict[str, dict[str, str]] = {"bank": {"bankAccountId": "id"}}

#: Bank account users (``GET /v3/funding-accounts/banks/users``): BILL's collection lists
#: ``filters``, ``sort`` and ``page`` for them and filters on ``id``, sorts on ``archived`` in its
#: example; the other fields and operators are the kit's choice. Kept apart from :data:`FIELDS`,
#: the kinds the client's filter table mirrors (tests/test_shared_facts.py).
OTHER_FIELDS: dict[str, dict[str, Field]] = {
    "bankUser": {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "bankAccountId": Field("$.bankAccountId", "str", ("eq", "in")),
        "userId": Field("$.userId", "str", ("eq", "in")),
        "archived": Field("$.archived", "bool", ("eq", "ne")),
        "verificationStatus": Field("$.verificationStatus", "str", ("eq", "ne", "in", "nin")),
        **_time_fields(),
    },
}


def _classification_fields(*names: str) -> dict[str, Field]:
    """A classification kind's list fields: BILL's collection filters on ``id`` and sorts on
    ``createdTime`` in each kind's list example; the others are the kit's choice."""
    fields = {
        "id": Field("$.id", "str", ("eq", "ne", "in")),
        "archived": Field("$.archived", "bool", ("eq", "ne")),
        "parentId": Field("$.parentId", "str", ("eq", "in")),
        **_time_fields(),
    }
    for name in names:
        fields[name] = Field(f"$.{name}", "str", ("eq", "sw"))
    return fields


#: Classifications (issue 25), by stored kind.
OTHER_FIELDS.update(
    {
        kind: _classification_fields(*names)
        for kind, names in (
            ("chartOfAccount", ("name",)),
            ("accountingClass", ("name", "shortName")),
            ("department", ("name", "shortName")),
            ("employee", ("firstName", "lastName", "shortName")),
            ("item", ("name", "shortName", "type")),
            ("job", ("name", "shortName")),
            ("location", ("name", "shortName")),
        )
    }
)
#: Attachments and documents are listed by their owner, with ``max`` and ``page`` only.
OTHER_FIELDS.update({"attachment": {}, "document": {}})


def fields_of(kind: str) -> dict[str, Field]:
    """The filterable (and sortable) fields of ``kind``."""
    return FIELDS[kind] if kind in FIELDS else OTHER_FIELDS[kind]


#: Extra sort-only fields per kind (amounts sort on integer cents).
SORT_ONLY: dict[str, dict[str, str]] = {
    "vendor": {},
    "bill": {"amount": "$.amount", "dueAmount": "$.dueAmount"},
    "bank": {"bankName": "$.bankName"},
    "payment": {"amount": "$.amount"},
    "vendorCredit": {"amount": "$.amount"},
}


@dataclass
class Query:
    """A parsed list request."""

    max: int
    offset: int
    #: The key of the row before this page (keyset paging); ``None``: read by ``offset``.
    after: list | None = None
    conditions: list[tuple[str, str, object]] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    fingerprint: str = ""


def parse(kind: str, params: dict[str, list[str]]) -> Query:
    """Check and parse the query parameters of a list call (``params``: name -> values)."""
    for name, values in params.items():
        if name not in PARAMETERS:
            raise MalformedRequest(
                f"{name}: unknown parameter; list calls take max, page, filters and sort"
            )
        if len(values) > 1:
            raise MalformedRequest(f"{name}: give it once (separate several filters with commas)")
    raw_max = _one(params, "max")
    size = 20 if raw_max is None else _max(raw_max)
    filters = _one(params, "filters") or ""
    sort_text = _one(params, "sort") or ""
    conditions = parse_filters(kind, filters) if filters else []
    sort = parse_sort(kind, sort_text) if sort_text else []
    fingerprint = hashlib.sha256(f"{kind}|{filters}|{sort_text}".encode()).hexdigest()[:12]
    page = _one(params, "page")
    offset, after = decode_page(page, fingerprint, len(sort) + 1) if page else (0, None)
    return Query(
        max=size,
        offset=offset,
        after=after,
        conditions=conditions,
        sort=sort,
        fingerprint=fingerprint,
    )


def fetch(
    store, kind: str, org_id: str, params: dict[str, list[str]], *, scope: tuple = ()
) -> dict:
    """One list call: ``{"results", "nextPage"?, "prevPage"?}`` (documents as stored).
    ``scope``: conditions the caller adds (e.g. a vendor's attachments), never the request."""
    query = parse(kind, params)
    ask = {"conditions": [*scope, *query.conditions], "sort": query.sort}
    rows = store.page_objects(
        kind,
        org_id,
        **ask,
        limit=query.max + 1,
        offset=query.offset if query.after is None else 0,
        after=query.after,
    )
    page: dict = {"results": [doc for doc, _ in rows[: query.max]]}
    if len(rows) > query.max:
        last_key = rows[query.max - 1][1]
        page["nextPage"] = encode_page(query.offset + query.max, query.fingerprint, last_key)
    if query.offset > 0:
        back = max(query.offset - query.max, 0)
        key = None
        if back > 0 and query.after is not None:  # the row before the previous page
            before = store.page_objects(
                kind,
                org_id,
                **ask,
                limit=1,
                offset=query.max - 1,
                after=query.after,
                backwards=True,
            )
            key = before[0][1] if before else None
        page["prevPage"] = encode_page(back, query.fingerprint, key)
    return page


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _max(raw: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,6}", raw.strip()):  # bounded: int() of 5,000 digits fails
        raise ValidationFailed("max", f"must be a whole number from 1 to 100, not {raw[:20]!r}")
    size = int(raw)
    if not 1 <= size <= 100:
        raise ValidationFailed("max", "must be between 1 and 100")
    return size


def encode_page(offset: int, fingerprint: str, key: list | None = None) -> str:
    token: dict = {"o": offset, "f": fingerprint}
    if key is not None:
        token["k"] = key
    raw = json.dumps(token, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page(token: str, fingerprint: str, key_length: int) -> tuple[int, list | None]:
    """``(offset, key or None)`` of a page token made for this list."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset, fp, key = data["o"], data["f"], data.get("k")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ValidationFailed("page", "is not a page token from this list") from None
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:  # a forged token
        raise ValidationFailed("page", "is not a page token from this list")
    if fp != fingerprint:
        raise ValidationFailed(
            "page", "belongs to a list with other filters or sort; start again without page"
        )
    if key is not None and not _key_ok(key, key_length):
        raise ValidationFailed("page", "is not a page token from this list")
    return offset, key


def _key_ok(key: object, length: int) -> bool:
    scalar = (str, int, float, type(None))
    return (
        isinstance(key, list)
        and len(key) == length
        and all(isinstance(v, scalar) and not isinstance(v, bool) for v in key)
        and isinstance(key[-1], int)
    )


def parse_filters(kind: str, text: str) -> list[tuple[str, str, object]]:
    """``name:sw:"Hap",archived:eq:false`` -> ``[(json_path, op, value), ...]``."""
    conditions = []
    pos = 0
    while pos < len(text):
        name_end = text.find(":", pos)
        op_end = text.find(":", name_end + 1) if name_end >= 0 else -1
        if name_end < 0 or op_end < 0:
            raise ValidationFailed("filters", f"expected FIELD:OPERATOR:VALUE, got {text[pos:]!r}")
        name, op = text[pos:name_end].strip(), text[name_end + 1 : op_end].strip()
        pos = op_end + 1
        if text.startswith('"', pos):
            close = text.find('"', pos + 1)
            if close < 0:
                raise ValidationFailed("filters", f"unclosed quote in the value for {name}")
            value, pos = text[pos + 1 : close], close + 1
        else:
            comma = text.find(",", pos)
            end = len(text) if comma < 0 else comma
            value, pos = text[pos:end].strip(), end
            if ":" in value:
                raise ValidationFailed(
                    "filters", f'put the value for {name} in double quotes: {name}:{op}:"{value}"'
                )
        if pos < len(text):
            if text[pos] != ",":
                raise ValidationFailed("filters", f"expected a comma after the value for {name}")
            pos += 1
        conditions.append(_condition(kind, name, op, value))
    return conditions


def _condition(kind: str, name: str, op: str, value: str) -> tuple[str, str, object]:
    fields = fields_of(kind)
    spec = fields.get(ALIASES.get(kind, {}).get(name, name))
    if spec is None:
        known = ", ".join(sorted(fields))
        raise ValidationFailed("filters", f"{name} is not a filterable field here ({known})")
    if op not in OPERATORS:
        raise ValidationFailed("filters", f"{op} is not an operator ({', '.join(OPERATORS)})")
    if op not in spec.ops:
        raise ValidationFailed(
            "filters", f"{name} does not support {op} (it supports {', '.join(spec.ops)})"
        )
    if op in ("in", "nin"):
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            raise ValidationFailed("filters", f"{name}:{op} needs at least one value")
        return spec.path, op, [_typed(spec, name, item) for item in items]
    return spec.path, op, _typed(spec, name, value)


def _typed(spec: Field, name: str, value: str) -> object:
    if spec.type == "bool":
        if value not in ("true", "false"):
            raise ValidationFailed("filters", f"{name} takes true or false")
        return 1 if value == "true" else 0  # SQLite's json_extract yields 1/0 for booleans
    if spec.type == "date":
        try:  # a real date: 2026-02-30 or 2026-13-45 would compare as text and match nothing
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                date.fromisoformat(value)
                return value
        except ValueError:
            pass
        raise ValidationFailed("filters", f"{name} takes a yyyy-MM-dd date, not {value!r}")
    if spec.type == "time":
        return normalise_time(name, value)
    return value


def normalise_time(name: str, value: str) -> str:
    """Any of BILL's accepted date-time forms -> the stored ``...T..:..:..mmm+00:00`` form.

    A date alone means midnight UTC, so ``lte`` with a date excludes that day (as on BILL).
    """
    from datetime import UTC, datetime

    if not any(form.fullmatch(value) for form in _TIME_FORMS):
        raise ValidationFailed("filters", f"{name} takes an ISO-8601 date-time, not {value!r}")
    text = value.replace("Z", "+00:00")
    if re.search(r"[+-][0-9]{4}$", text):
        text = f"{text[:-2]}:{text[-2:]}"
    try:  # 2026-13-45, hour 25, or a year 1 / 9999 moment that leaves the range in UTC
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError):
        raise ValidationFailed("filters", f"{name} is not a real date-time: {value!r}") from None


def parse_sort(kind: str, text: str) -> list[tuple[str, bool]]:
    """``name:asc,createdTime:desc`` -> ``[(json_path, ascending), ...]``."""
    result = []
    for part in text.split(","):
        name, _, direction = part.strip().partition(":")
        direction = direction or "asc"
        fields = fields_of(kind)
        path = (fields[name].path if name in fields else None) or SORT_ONLY.get(kind, {}).get(name)
        if path is None:
            raise ValidationFailed("sort", f"{name} is not a sortable field here")
        if direction not in ("asc", "desc"):
            raise ValidationFailed("sort", f"direction must be asc or desc, not {direction!r}")
        result.append((path, direction == "asc"))
    return result
