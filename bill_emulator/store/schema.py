"""
bill_emulator.store.schema
~~~~~~~~~~~~~~~~~~~~~~~~~~

The schema (tables, the field indexes of issue 19, version) and the SQL the queries share:
document paths and kinds written as literals, key ranges for keyset paging.
"""

from __future__ import annotations

import re

SCHEMA_VERSION = 2
DB_NAME = "emulator.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS control (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version INTEGER NOT NULL,
    seeded INTEGER NOT NULL DEFAULT 0,
    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
    clock_base_ms INTEGER NOT NULL DEFAULT 0,
    requests_per_hour INTEGER NOT NULL,
    logins_per_hour INTEGER NOT NULL,
    concurrent_requests INTEGER NOT NULL,
    faults_pending INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dev_keys (key TEXT PRIMARY KEY, org_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, email TEXT NOT NULL,
    password_salt BLOB NOT NULL, password_hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL,
    dev_key TEXT NOT NULL, trusted INTEGER NOT NULL, created_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL, ended INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS challenges (
    id TEXT PRIMARY KEY, session_hash TEXT NOT NULL, user_id TEXT NOT NULL,
    token TEXT NOT NULL, created_ms INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0,
    wrong_tries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS challenges_by_user ON challenges (user_id, created_ms);
CREATE TABLE IF NOT EXISTS remembered (
    id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, device TEXT NOT NULL,
    machine_name TEXT, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, org_id TEXT NOT NULL,
    seq INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_by_kind ON objects (kind, org_id, seq);
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
    dev_key TEXT NOT NULL, kind TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (dev_key, kind, bucket)
);
CREATE TABLE IF NOT EXISTS faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, method TEXT,
    remaining INTEGER NOT NULL, status INTEGER, code TEXT, delay_seconds REAL,
    drop_connection INTEGER NOT NULL DEFAULT 0, after_processing INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, method TEXT NOT NULL, path TEXT NOT NULL,
    status INTEGER NOT NULL, time_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, method TEXT NOT NULL,
    path TEXT NOT NULL, status INTEGER NOT NULL, code TEXT, arrival_ms INTEGER NOT NULL,
    done_ms INTEGER NOT NULL, in_flight INTEGER NOT NULL, retry_after REAL, facts TEXT
);
CREATE INDEX IF NOT EXISTS calls_by_org ON calls (org_id, id);
CREATE TABLE IF NOT EXISTS payment_life (
    payment_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, seq INTEGER NOT NULL,
    next_day TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_life_due ON payment_life (next_day, seq);
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
    security_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_org ON subscriptions (org_id, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    org_id TEXT NOT NULL, op TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL,
    response TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY (org_id, op, key)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    subscription_id TEXT NOT NULL, org_id TEXT NOT NULL, type TEXT NOT NULL,
    version TEXT NOT NULL, entity_id TEXT, payload BLOB NOT NULL, created_ms INTEGER NOT NULL,
    status_code INTEGER, attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER,
    lease_owner TEXT, lease_until_real INTEGER
);
CREATE INDEX IF NOT EXISTS events_due ON events (next_ms) WHERE next_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_subscription ON events (subscription_id, seq);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_org ON files (org_id);
"""

#: Tables emptied by a reset (the control row is kept, then re-seeded).
_STATE_TABLE_NAMES = """orgs dev_keys users sessions challenges remembered objects counters usage
    faults request_log calls payment_life subscriptions idempotency events files"""
_STATE_TABLES = tuple(_STATE_TABLE_NAMES.split())

#: How many request-log rows are kept; older ones are pruned as new ones arrive.
REQUEST_LOG_KEEP = 5000
#: How many report-card call records are kept (issue 26: a run of 10,000 calls and more).
CALLS_KEEP = 100_000

_SQL_OPS = {"eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}

#: The kinds of ``objects`` rows; written into SQL as literals so partial indexes apply.
KINDS = (
    *("vendor", "bill", "bank", "payment", "mfaPhone", "bankUser"),
    "vendorCredit",
    # classifications, attachments and documents (issue 25)
    *("chartOfAccount", "accountingClass", "department", "employee", "item", "job", "location"),
    *("attachment", "document", "documentUpload"),
)
#: Approvals, recurring bills and organization details (issue 25; backend/approvals.py,
#: backend/recurring.py, backend/organization.py).
KINDS += ("approvalPolicy", "recurringBill", "organization")
_TIMES = (("$.createdTime",), ("$.updatedTime",))
#: Field indexes per kind (why each: the module docstring).
_INDEXED: dict[str, tuple[tuple[str, ...], ...]] = {
    "vendor": (("$.name",), ("$.archived",), *_TIMES),
    "bill": (
        ("$.vendorId", "$.invoice.invoiceNumber"),
        ("$.vendorId",),
        ("$.invoice.invoiceNumber",),
        ("$.paymentStatus",),
        ("$.dueDate",),
        ("$.archived",),
        *_TIMES,
    ),
    "payment": (
        ("$.billPayments[0].billId",),
        ("$.vendorId",),
        ("$.status",),
        ("$.transactionNumber",),
        *_TIMES,
    ),
    "bank": (("$.status",), *_TIMES),
}
#: Paths every document has (``backend.core._insert`` sets them), so a key range on them needs
#: no ``IS NULL`` branch and can use the index in both directions.
_NEVER_NULL = frozenset({"$.id", "$.createdTime", "$.updatedTime"})
_PATH = re.compile(r"\$(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])+")


def _expr(path: str) -> str:
    """``json_extract(doc, '<path>')`` with the path as a literal (an index matches only that)."""
    if not _PATH.fullmatch(path):
        raise ValueError(f"not a document path: {path!r}")
    return f"json_extract(doc, '{path}')"


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"not a kind of object: {kind!r}")
    return f"'{kind}'"


def _index_statements() -> list[str]:
    statements = []
    for kind, indexes in _INDEXED.items():
        for paths in indexes:
            slug = "_".join(re.sub(r"\W+", "_", p[2:]).strip("_") for p in paths)
            columns = ", ".join(_expr(p) for p in paths)
            statements.append(
                f"CREATE INDEX IF NOT EXISTS objects_{kind}_{slug} ON objects"
                f" (org_id, {columns}, seq) WHERE kind = {_kind(kind)}"
            )
    return statements


def _prefix_end(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix`` (code-point order, which
    is SQLite's byte order for UTF-8), or ``None`` when there is none."""
    while prefix:
        last = ord(prefix[-1]) + 1
        if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters; skip to the next one
            last = 0xE000
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None


def _after(columns: list[tuple[str, str, bool, object]], params: list) -> str:
    """SQL for "the row's key comes after this key" in the order of ``columns``
    (``(sql, path, ascending, value)``, ``seq`` last). SQLite sorts NULL first ascending and last
    descending; the comparison is exact for NULLs."""
    sql, path, asc, value = columns[0]
    rest = columns[1:]
    if value is None:
        beyond, beyond_params = (f"{sql} IS NOT NULL", []) if asc else (None, [])
        same, same_params = f"{sql} IS NULL", []
    else:
        if asc:
            beyond = f"{sql} > ?"
        elif path in _NEVER_NULL or path == "seq":
            beyond = f"{sql} < ?"
        else:
            beyond = f"({sql} < ? OR {sql} IS NULL)"
        beyond_params, same, same_params = [value], f"{sql} = ?", [value]
    if not rest:
        if beyond is None:
            return "0"
        params += beyond_params
        return beyond
    inner_params: list = []
    inner = _after(rest, inner_params)
    if beyond is None:
        params += same_params + inner_params
        return f"({same} AND {inner})"
    params += beyond_params + same_params + inner_params
    return f"({beyond} OR ({same} AND {inner}))"
