"""bill_emulator.store
~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's SQLite store: schema, connections, transactions, and every SQL statement.

Why SQLite: every notebook kernel, test process and benchmark shares one organization through
the data directory, so state must live on disk and be safe under concurrent writers. WAL mode lets
readers run while one writer commits; writes take ``BEGIN IMMEDIATE`` so two processes never
deadlock upgrading a read lock; a busy timeout absorbs short waits. Within one process a lock
serialises writers first, so threads never spin in SQLite's busy handler (which sleeps in
milliseconds and would cost throughput).

Resources (vendors, bills, bank accounts, payments) are JSON documents in one ``objects`` table.
List filters and sorts run in SQL through ``json_extract``, so the backend expresses them as
abstract conditions and this module alone turns them into SQL. Money inside documents is integer
cents, never floats.

Indexed queries (issue 19: a call must cost the same in an organization of 100,000 objects as in
an empty one). ``_INDEXED`` lists partial indexes on ``(org_id, json_extract(doc, path)..., seq)``
``WHERE kind = '<kind>'``, one per field BILL documents as filterable and the kit filters on:

- vendor ``name`` (the tutorial looks its vendor up by name before creating it), ``archived``;
- bill ``vendorId`` + ``invoice.invoiceNumber`` (the invoice-number uniqueness check on every
  bill create and PATCH), ``vendorId`` alone (the composite index would leave a vendor's bills
  out of creation order, so the planner would rather scan), ``invoice.invoiceNumber``,
  ``paymentStatus``, ``dueDate``, ``archived``;
- payment ``billId`` (``billPayments[0].billId``), ``vendorId``, ``status`` and
  ``transactionNumber`` (how a client finds a payment after an uncertain POST);
- bank account ``status``;
- every kind's ``createdTime`` and ``updatedTime`` (sorted lists).

Partial, so inserting a bill maintains only the bill indexes; ``seq`` last, so an equality filter
comes back already in the default order (creation order) and a page stops after ``max + 1`` rows;
for a sort field the index order is the sort order. The planner matches an index only to the very
same expression, so paths and kinds are written into the SQL as literals (checked against a strict
pattern; they come from the backend's field tables, never from a request) and values are bound.
``sw`` is a range on the index plus the exact ``substr`` test. ``ne``/``nin`` and filters on other
fields scan the kind's rows, as before. Get by id uses the primary key; ids and sequence numbers
come from ``counters``.

Paging is by key, not ``OFFSET``: a page token carries the sort values and ``seq`` of the row
before its page (see ``backend.listing``), and the next page is "rows after that key", a range on
the same index, so page 1,000 costs what page 1 does. The key comparison is exact for missing
(NULL) values; a redundant range bound on the first sort column lets the planner use the index.
Tokens with only an offset (made before schema 2) still work, by ``OFFSET``.

Schema versions: 1 had no field indexes; opening a version-1 data directory builds them (once, in
the opening transaction) and records version 2. A data directory of a newer version is refused
with a message rather than used by code that does not know its schema.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bill_emulator import _json

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
"""

#: Tables emptied by a reset (the control row is kept, then re-seeded).
_STATE_TABLE_NAMES = """orgs dev_keys users sessions challenges remembered objects counters usage
    faults request_log calls payment_life subscriptions idempotency events"""
_STATE_TABLES = tuple(_STATE_TABLE_NAMES.split())

#: How many request-log rows are kept; older ones are pruned as new ones arrive.
REQUEST_LOG_KEEP = 5000
#: How many report-card call records are kept (issue 26: a run of 10,000 calls and more).
CALLS_KEEP = 100_000

_SQL_OPS = {"eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}

#: The kinds of ``objects`` rows; written into SQL as literals so partial indexes apply.
KINDS = ("vendor", "bill", "bank", "payment", "mfaPhone", "bankUser")
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


class Store:
    """One SQLite database in ``data_dir``; one cached connection per thread.

    Methods use the calling thread's connection, so calls made inside ``with store.write():``
    belong to that transaction and roll back together on error.
    """

    def __init__(self, data_dir: str | Path, *, defaults: dict[str, int]) -> None:
        self.path = Path(data_dir).expanduser() / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._closed = False
        conn = self._conn()
        conn.execute("PRAGMA journal_mode=WAL")
        with self.write():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(control)")}
            if "clock_base_ms" not in columns:  # a data dir made before the pin
                conn.execute(
                    "ALTER TABLE control ADD COLUMN clock_base_ms INTEGER NOT NULL DEFAULT 0"
                )
            columns = {row[1] for row in conn.execute("PRAGMA table_info(challenges)")}
            if "wrong_tries" not in columns:  # a data dir made by an earlier version
                conn.execute(
                    "ALTER TABLE challenges ADD COLUMN wrong_tries INTEGER NOT NULL DEFAULT 0"
                )
            columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
            for column in ("lease_owner TEXT", "lease_until_real INTEGER"):
                if column.split()[0] not in columns:  # a data dir made before real-time leases
                    conn.execute(f"ALTER TABLE events ADD COLUMN {column}")
            conn.execute(
                "INSERT OR IGNORE INTO control (id, schema_version, requests_per_hour,"
                " logins_per_hour, concurrent_requests) VALUES (1, ?, ?, ?, ?)",
                (
                    SCHEMA_VERSION,
                    defaults["requestsPerHour"],
                    defaults["loginsPerHour"],
                    defaults["concurrentRequests"],
                ),
            )
            found = conn.execute("SELECT schema_version FROM control WHERE id = 1").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer bill_emulator (schema {found}, this one"
                    f" knows {SCHEMA_VERSION}); upgrade the kit or use another data directory"
                )
            for statement in _index_statements():  # schema 2; built once on a schema-1 dir
                conn.execute(statement)
            if found < SCHEMA_VERSION:
                conn.execute(
                    "UPDATE control SET schema_version = ? WHERE id = 1", (SCHEMA_VERSION,)
                )

    # -- connections and transactions ---------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise RuntimeError("store is closed")
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=10.0,
                cached_statements=256,
            )
            conn.row_factory = sqlite3.Row  # rows read as tuples or, via _dict, as dicts
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            # 16 MiB of pages (the default is 2): a big organization's index pages stay cached,
            # so an insert at 100,000 objects reads no more from the OS than at 1,000
            conn.execute("PRAGMA cache_size=-16384")
            self._local.conn = conn
            self._local.depth = 0
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one."""
        conn = self._conn()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.depth = 0

    def close(self) -> None:
        """Close every connection this store opened (called when a server stops)."""
        self._closed = True
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()

    @staticmethod
    def copy_database(source: str | Path, target: str | Path, *, single_file: bool = False):
        """Copy the database ``source`` onto ``target`` with SQLite's backup API.

        A consistent image even while a server writes to ``source`` (its newest pages may sit in
        the ``-wal`` file, which a file copy would miss or tear). ``single_file``: leave
        ``target`` in rollback-journal mode, one self-contained file (a snapshot). ``ValueError``
        when ``source`` is not an emulator database; ``target`` is then untouched.
        """
        src = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True, timeout=10.0)
        try:
            try:
                src.execute("SELECT schema_version FROM control WHERE id = 1").fetchone()
            except sqlite3.DatabaseError as err:
                raise ValueError(f"{source} is not an emulator database ({err})") from None
            dst = sqlite3.connect(target, timeout=10.0)
            try:
                src.backup(dst)
                if single_file:
                    dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()

    def _one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        return self._conn().execute(sql, params).fetchone()

    def _dict(self, sql: str, params: tuple = ()) -> dict | None:
        row = self._one(sql, params)
        return dict(row) if row is not None else None

    def _all_rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._conn().execute(sql, params).fetchall()

    def _run(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        return self._conn().execute(sql, params)

    # -- control row --------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read the control row once for the rest of this thread's request (the hot path reads
        the clock offset and limits several times; one query serves them all)."""
        self._local.control = None
        self._local.control = self.control()
        try:
            yield
        finally:
            self._local.control = None

    def control(self) -> dict:
        snap = getattr(self._local, "control", None)
        if snap is not None:
            return snap
        return self._dict(
            "SELECT seeded, clock_offset_ms, clock_base_ms, requests_per_hour, logins_per_hour,"
            " concurrent_requests, faults_pending FROM control WHERE id = 1"
        )

    def clock_offset_ms(self) -> int:
        snap = getattr(self._local, "control", None)
        if snap is not None:
            return snap["clock_offset_ms"]
        return self._one("SELECT clock_offset_ms FROM control WHERE id = 1")[0]

    def advance_clock(self, ms: int) -> None:
        self._run("UPDATE control SET clock_offset_ms = clock_offset_ms + ? WHERE id = 1", (ms,))

    def clock_base_ms(self) -> int:
        snap = getattr(self._local, "control", None)
        if snap is not None:
            return snap["clock_base_ms"]
        return self._one("SELECT clock_base_ms FROM control WHERE id = 1")[0]

    def set_clock_base(self, ms: int) -> None:
        self._run("UPDATE control SET clock_base_ms = ?, clock_offset_ms = 0 WHERE id = 1", (ms,))

    def set_limits(self, *, requests_per_hour: int, logins_per_hour: int, concurrent: int) -> None:
        self._run(
            "UPDATE control SET requests_per_hour = ?, logins_per_hour = ?,"
            " concurrent_requests = ? WHERE id = 1",
            (requests_per_hour, logins_per_hour, concurrent),
        )

    def set_seeded(self, seeded: bool) -> None:
        self._run("UPDATE control SET seeded = ? WHERE id = 1", (int(seeded),))

    def wipe(self) -> None:
        """Delete all organization state (the control row's clock and limits stay)."""
        for table in _STATE_TABLES:
            self._run(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self._run("UPDATE control SET seeded = 0, faults_pending = 0 WHERE id = 1")

    # -- organizations, users, dev keys -------------------------------------------------------

    def insert_org(self, org_id: str, name: str) -> None:
        self._run("INSERT INTO orgs (id, name) VALUES (?, ?)", (org_id, name))

    def org_exists(self, org_id: str) -> bool:
        return self._one("SELECT 1 FROM orgs WHERE id = ?", (org_id,)) is not None

    def insert_dev_key(self, key: str, org_id: str) -> None:
        self._run("INSERT INTO dev_keys (key, org_id) VALUES (?, ?)", (key, org_id))

    def dev_key_org(self, key: str) -> str | None:
        row = self._one("SELECT org_id FROM dev_keys WHERE key = ?", (key,))
        return row[0] if row else None

    def insert_user(self, *, user_id: str, org_id: str, email: str, salt: bytes, hash_: bytes):
        self._run(
            "INSERT INTO users (id, org_id, email, password_salt, password_hash)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, org_id, email, salt, hash_),
        )

    def user_by_email(self, org_id: str, email: str) -> dict | None:
        return self._dict(
            "SELECT id, password_salt AS salt, password_hash AS hash FROM users"
            " WHERE org_id = ? AND lower(email) = lower(?)",
            (org_id, email),
        )

    # -- sessions -----------------------------------------------------------------------------

    def insert_session(self, *, id_hash, org_id, user_id, dev_key, trusted, now_ms) -> None:
        self._run(
            "INSERT INTO sessions (id_hash, org_id, user_id, dev_key, trusted, created_ms,"
            " last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (id_hash, org_id, user_id, dev_key, int(trusted), now_ms, now_ms),
        )

    def session(self, id_hash: str) -> dict | None:
        return self._dict(
            "SELECT org_id, user_id, dev_key, trusted, last_seen_ms, ended FROM sessions"
            " WHERE id_hash = ?",
            (id_hash,),
        )

    def touch_session(self, id_hash: str, now_ms: int) -> None:
        self._run("UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ?", (now_ms, id_hash))

    def end_session(self, id_hash: str) -> None:
        self._run("UPDATE sessions SET ended = 1 WHERE id_hash = ?", (id_hash,))

    def trust_session(self, id_hash: str) -> None:
        self._run("UPDATE sessions SET trusted = 1 WHERE id_hash = ?", (id_hash,))

    # -- MFA ----------------------------------------------------------------------------------

    def insert_challenge(self, *, challenge_id, session_hash, user_id, token, now_ms) -> None:
        self._run(
            "INSERT INTO challenges (id, session_hash, user_id, token, created_ms)"
            " VALUES (?, ?, ?, ?, ?)",
            (challenge_id, session_hash, user_id, token, now_ms),
        )

    def challenges_since(self, user_id: str, since_ms: int) -> int:
        row = self._one(
            "SELECT count(*) FROM challenges WHERE user_id = ? AND created_ms > ?",
            (user_id, since_ms),
        )
        return row[0]

    def challenge(self, challenge_id: str) -> dict | None:
        return self._dict(
            "SELECT session_hash, user_id, token, created_ms, used FROM challenges WHERE id = ?",
            (challenge_id,),
        )

    def use_challenge(self, challenge_id: str) -> None:
        self._run("UPDATE challenges SET used = 1 WHERE id = ?", (challenge_id,))

    def wrong_try(self, challenge_id: str, max_tries: int) -> None:
        """Count a wrong token; the challenge is used up after ``max_tries``."""
        self._run(
            "UPDATE challenges SET wrong_tries = wrong_tries + 1,"
            " used = (wrong_tries + 1 >= ?) WHERE id = ?",
            (max_tries, challenge_id),
        )

    def outbox(self, org_id: str | None = None, limit: int = 50) -> list[tuple[str, str, int]]:
        """The newest challenges, of ``org_id``'s users only when given."""
        if org_id is None:
            return self._all_rows(
                "SELECT id, token, created_ms FROM challenges ORDER BY created_ms DESC,"
                " rowid DESC LIMIT ?",
                (limit,),
            )
        return self._all_rows(
            "SELECT c.id, c.token, c.created_ms FROM challenges c JOIN users u"
            " ON u.id = c.user_id WHERE u.org_id = ? ORDER BY c.created_ms DESC, c.rowid DESC"
            " LIMIT ?",
            (org_id, limit),
        )

    def insert_remembered(self, *, id_hash, user_id, device, machine_name, now_ms, expires_ms):
        self._run(
            "INSERT INTO remembered (id_hash, user_id, device, machine_name, created_ms,"
            " expires_ms) VALUES (?, ?, ?, ?, ?, ?)",
            (id_hash, user_id, device, machine_name, now_ms, expires_ms),
        )

    def remembered(self, id_hash: str) -> dict | None:
        return self._dict(
            "SELECT user_id, device, expires_ms FROM remembered WHERE id_hash = ?", (id_hash,)
        )

    # -- objects (vendors, bills, bank accounts, payments) ------------------------------------

    def next_seq(self, kind: str) -> int:
        """Allocate the next sequence number for ``kind`` (inside the caller's transaction)."""
        row = self._one(
            "INSERT INTO counters (kind, next) VALUES (?, 2) ON CONFLICT (kind)"
            " DO UPDATE SET next = next + 1 RETURNING next - 1",
            (kind,),
        )
        return row[0]

    def reserve_seqs(self, kind: str, count: int) -> int:
        """Allocate ``count`` consecutive sequence numbers for ``kind``; return the first."""
        row = self._one(
            "INSERT INTO counters (kind, next) VALUES (?1, ?2 + 1) ON CONFLICT (kind)"
            " DO UPDATE SET next = next + ?2 RETURNING next - ?2",
            (kind, count),
        )
        return row[0]

    def insert_objects(self, kind: str, org_id: str, rows: list[tuple[str, int, str]]) -> None:
        """Insert many ``(id, seq, doc as JSON text)`` rows at once (seeding: one
        ``executemany``)."""
        self._conn().executemany(
            "INSERT INTO objects (id, kind, org_id, seq, doc) VALUES (?, ?, ?, ?, ?)",
            ((obj_id, kind, org_id, seq, doc) for obj_id, seq, doc in rows),
        )

    def insert_object(self, *, kind: str, org_id: str, obj_id: str, seq: int, doc: dict) -> None:
        self._run(
            "INSERT INTO objects (id, kind, org_id, seq, doc) VALUES (?, ?, ?, ?, ?)",
            (obj_id, kind, org_id, seq, _json.dumps(doc).decode()),
        )

    def update_object(self, obj_id: str, doc: dict) -> None:
        self._run(
            "UPDATE objects SET doc = ? WHERE id = ?",
            (_json.dumps(doc).decode(), obj_id),
        )

    def get_object(self, kind: str, org_id: str, obj_id: str) -> dict | None:
        row = self._one(
            "SELECT doc FROM objects WHERE id = ? AND kind = ? AND org_id = ?",
            (obj_id, kind, org_id),
        )
        return _json.loads(row[0]) if row else None

    def object_owner(self, obj_id: str) -> tuple[str, str] | None:
        """``(kind, org_id)`` of a stored object (webhook events name the organization)."""
        row = self._one("SELECT kind, org_id FROM objects WHERE id = ?", (obj_id,))
        return (row[0], row[1]) if row else None

    def list_objects(
        self,
        kind: str,
        org_id: str,
        *,
        conditions: list[tuple[str, str, object]],
        sort: list[tuple[str, bool]],
        limit: int,
        offset: int = 0,
    ) -> list[dict]:
        """Documents of ``kind`` matching every condition, ordered, one page.

        ``conditions`` are ``(json_path, op, value)`` with op in eq/ne/lt/lte/gt/gte/in/nin/sw;
        ``sort`` is ``[(json_path, ascending)]``; creation order breaks ties.
        """
        rows = self.page_objects(
            kind, org_id, conditions=conditions, sort=sort, limit=limit, offset=offset
        )
        return [doc for doc, _ in rows]

    def page_objects(
        self,
        kind: str,
        org_id: str,
        *,
        conditions: list[tuple[str, str, object]],
        sort: list[tuple[str, bool]],
        limit: int,
        offset: int = 0,
        after: list | None = None,
        backwards: bool = False,
    ) -> list[tuple[dict, list]]:
        """Like :meth:`list_objects`, each document with its key (its sort values, then
        ``seq``). ``after``: only rows whose key comes after this one (keyset paging);
        ``backwards``: walk the order in reverse (rows before ``after``, nearest first)."""
        where = [f"kind = {_kind(kind)}", "org_id = ?"]
        params: list[object] = [org_id]
        for path, op, value in conditions:
            column = _expr(path)
            if op in _SQL_OPS:
                where.append(f"{column} {_SQL_OPS[op]} ?")
                params.append(value)
            elif op in ("in", "nin"):
                marks = ", ".join("?" for _ in value)
                negate = "NOT " if op == "nin" else ""
                where.append(f"{column} {negate}IN ({marks})")
                params += value
            elif op == "sw":
                where.append(f"{column} >= ?")  # the index range; substr decides
                params.append(value)
                end = _prefix_end(value)
                if end is not None:
                    where.append(f"{column} < ?")
                    params.append(end)
                where.append(f"substr({column}, 1, ?) = ?")
                params += [len(value), value]
            else:  # pragma: no cover - the backend validates operators first
                raise ValueError(op)
        keys = [(_expr(path), path, asc != backwards) for path, asc in sort]
        keys.append(("seq", "seq", not backwards))
        if after is not None:
            if len(after) != len(keys):
                raise ValueError("page key does not fit this sort")
            sql, path, asc = keys[0]
            first = after[0]
            if first is not None and (asc or path in _NEVER_NULL or path == "seq"):
                where.append(f"{sql} {'>=' if asc else '<='} ?")  # redundant: lets the index in
                params.append(first)
            columns = [(*key, value) for key, value in zip(keys, after, strict=True)]
            where.append(_after(columns, params))
        order = ", ".join(f"{sql} {'ASC' if asc else 'DESC'}" for sql, _, asc in keys)
        selected = ", ".join(sql for sql, _, _ in keys)
        sql = (
            f"SELECT doc, {selected} FROM objects"  # noqa: S608 - literals checked, values bound
            f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        params += [limit, offset]
        return [(_json.loads(row[0]), list(row[1:])) for row in self._all_rows(sql, tuple(params))]

    # -- rate limits --------------------------------------------------------------------------

    def add_usage(self, dev_key: str, kind: str, bucket: int, n: int) -> int:
        """Add ``n`` to this hour's counter and return the new count."""
        row = self._one(
            "INSERT INTO usage (dev_key, kind, bucket, count) VALUES (?1, ?2, ?3, ?4)"
            " ON CONFLICT (dev_key, kind, bucket) DO UPDATE SET count = count + ?4"
            " RETURNING count",
            (dev_key, kind, bucket, n),
        )
        return row[0]

    def usage(self, dev_key: str, kind: str, bucket: int) -> int:
        row = self._one(
            "SELECT count FROM usage WHERE dev_key = ? AND kind = ? AND bucket = ?",
            (dev_key, kind, bucket),
        )
        return row[0] if row else 0

    # -- faults -------------------------------------------------------------------------------

    def insert_fault(self, fault: dict) -> int:
        cur = self._run(
            "INSERT INTO faults (path, method, remaining, status, code, delay_seconds,"
            " drop_connection, after_processing) VALUES (:path, :method, :count, :status,"
            " :code, :delaySeconds, :drop, :afterProcessing)",
            fault,
        )
        self._run("UPDATE control SET faults_pending = 1 WHERE id = 1")
        return cur.lastrowid

    def faults(self) -> list[dict]:
        rows = self._all_rows(
            "SELECT id, path, method, remaining AS count, status, code, delay_seconds AS"
            ' "delaySeconds", drop_connection AS "drop", after_processing AS "afterProcessing"'
            " FROM faults WHERE remaining > 0 ORDER BY id"
        )
        return [dict(row) for row in rows]

    def consume_fault(self, fault_id: int) -> None:
        self._run("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", (fault_id,))
        left = self._one("SELECT count(*) FROM faults WHERE remaining > 0")[0]
        if not left:
            self.clear_faults()

    def clear_faults(self) -> None:
        self._run("DELETE FROM faults")
        self._run("UPDATE control SET faults_pending = 0 WHERE id = 1")

    # -- request log --------------------------------------------------------------------------

    def log_requests(self, rows: list[tuple[str, str, int, int]]) -> None:
        """Append ``(method, path, status, time_ms)`` rows; prune beyond ``REQUEST_LOG_KEEP``."""
        last = 0
        for row in rows:
            last = self._run(
                "INSERT INTO request_log (method, path, status, time_ms) VALUES (?, ?, ?, ?)", row
            ).lastrowid
        if last % 500 < len(rows):
            self._run("DELETE FROM request_log WHERE id <= ?", (last - REQUEST_LOG_KEEP,))

    def request_log(self, limit: int) -> list[tuple[str, str, int, int]]:
        return self._all_rows(
            "SELECT method, path, status, time_ms FROM request_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )

    def clear_request_log(self) -> None:
        self._run("DELETE FROM request_log")

    # -- the report card's call records (bill_emulator.backend.report) -------------------------

    def log_calls(self, rows: list[tuple]) -> None:
        """Append ``(org_id, method, path, status, code, arrival_ms, done_ms, in_flight,
        retry_after, facts)`` rows; prune beyond ``CALLS_KEEP``."""
        cur = self._conn().cursor()
        cur.executemany(
            "INSERT INTO calls (org_id, method, path, status, code, arrival_ms, done_ms,"
            " in_flight, retry_after, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        last = self._one("SELECT max(id) FROM calls")[0] or 0
        if last % 1000 < len(rows):
            self._run("DELETE FROM calls WHERE id <= ?", (last - CALLS_KEEP,))

    def calls(self, org_id: str) -> list[tuple]:
        """One organization's call records, oldest first (the columns of ``log_calls``)."""
        return self._all_rows(
            "SELECT org_id, method, path, status, code, arrival_ms, done_ms, in_flight,"
            " retry_after, facts FROM calls WHERE org_id = ? ORDER BY id",
            (org_id,),
        )

    def clear_calls(self) -> None:
        self._run("DELETE FROM calls")

    # -- payment life (bill_emulator.backend.lifecycle) ---------------------------------------

    def set_life(self, payment_id: str, org_id: str, seq: int, next_day: str) -> None:
        """Note the day a payment's next status change is due (replacing any earlier note)."""
        self._run(
            "INSERT INTO payment_life (payment_id, org_id, seq, next_day) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (payment_id) DO UPDATE SET next_day = excluded.next_day",
            (payment_id, org_id, seq, next_day),
        )

    def set_lives(self, rows) -> None:
        """Many new lives at once: ``(payment_id, org_id, seq, next_day)`` rows (seeding)."""
        self._conn().executemany(
            "INSERT INTO payment_life (payment_id, org_id, seq, next_day) VALUES (?, ?, ?, ?)",
            rows,
        )

    def end_life(self, payment_id: str) -> None:
        self._run("DELETE FROM payment_life WHERE payment_id = ?", (payment_id,))

    def due_lives(self, day: str, limit: int = 500) -> list[tuple[str, str, str]]:
        """``(payment_id, org_id, next_day)`` due on or before ``day``, earliest first."""
        return self._all_rows(
            "SELECT payment_id, org_id, next_day FROM payment_life WHERE next_day <= ?"
            " ORDER BY next_day, seq LIMIT ?",
            (day, limit),
        )

    def life_day(self, payment_id: str) -> str | None:
        row = self._one("SELECT next_day FROM payment_life WHERE payment_id = ?", (payment_id,))
        return row[0] if row else None

    # -- webhook subscriptions, idempotency keys, events (backend.webhooks) -------------------

    def insert_subscription(self, *, sub_id, org_id, seq, doc, security_key) -> None:
        """The key is kept in clear: the emulator must sign with it (BILL must too)."""
        self._run(
            "INSERT INTO subscriptions (id, org_id, seq, doc, security_key) VALUES (?, ?, ?, ?, ?)",
            (sub_id, org_id, seq, _json.dumps(doc).decode(), security_key),
        )

    def subscription(self, org_id: str, sub_id: str) -> dict | None:
        row = self._one(
            "SELECT doc FROM subscriptions WHERE id = ? AND org_id = ?", (sub_id, org_id)
        )
        return _json.loads(row[0]) if row else None

    def subscriptions(self, org_id: str, *, limit: int = 1000, offset: int = 0) -> list[dict]:
        rows = self._all_rows(
            "SELECT doc FROM subscriptions WHERE org_id = ? ORDER BY seq LIMIT ? OFFSET ?",
            (org_id, limit, offset),
        )
        return [_json.loads(row[0]) for row in rows]

    def has_subscriptions(self) -> bool:
        return self._one("SELECT 1 FROM subscriptions LIMIT 1") is not None

    def update_subscription(self, sub_id: str, doc: dict) -> None:
        self._run(
            "UPDATE subscriptions SET doc = ? WHERE id = ?", (_json.dumps(doc).decode(), sub_id)
        )

    def set_security_key(self, sub_id: str, security_key: str) -> None:
        self._run("UPDATE subscriptions SET security_key = ? WHERE id = ?", (security_key, sub_id))

    def security_key(self, sub_id: str) -> str | None:
        row = self._one("SELECT security_key FROM subscriptions WHERE id = ?", (sub_id,))
        return row[0] if row else None

    def delete_subscription(self, sub_id: str) -> None:
        self._run("DELETE FROM subscriptions WHERE id = ?", (sub_id,))
        self._run("UPDATE events SET next_ms = NULL WHERE subscription_id = ?", (sub_id,))

    def idempotent_answer(self, org_id: str, op: str, key: str, since_ms: int):
        """``(body_hash, response_json)`` of a key used since ``since_ms``, else ``None``."""
        row = self._one(
            "SELECT body_hash, response FROM idempotency WHERE org_id = ? AND op = ? AND key = ?"
            " AND created_ms >= ?",
            (org_id, op, key, since_ms),
        )
        return (row[0], _json.loads(row[1])) if row else None

    def save_idempotent_answer(self, *, org_id, op, key, body_hash, response, now_ms) -> None:
        self._run(
            "INSERT OR REPLACE INTO idempotency (org_id, op, key, body_hash, response,"
            " created_ms) VALUES (?, ?, ?, ?, ?, ?)",
            (org_id, op, key, body_hash, _json.dumps(response).decode(), now_ms),
        )

    def insert_event(
        self, *, event_id, sub_id, org_id, type_, version, entity_id, payload, now_ms
    ) -> None:
        self._run(
            "INSERT INTO events (id, subscription_id, org_id, type, version, entity_id, payload,"
            " created_ms, next_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, sub_id, org_id, type_, version, entity_id, payload, now_ms, now_ms),
        )

    def event(self, sub_id: str, event_id: str) -> dict | None:
        return self._dict(
            "SELECT seq, id, subscription_id, org_id, type, version, entity_id, payload,"
            " created_ms, status_code, attempts, next_ms FROM events"
            " WHERE subscription_id = ? AND id = ?",
            (sub_id, event_id),
        )

    def events(
        self,
        sub_id: str,
        *,
        entity_id=None,
        since_ms=None,
        until_ms=None,
        after_seq: int = 0,
        limit: int = 20,
        ascending: bool = True,
    ) -> list[dict]:
        where, params = ["subscription_id = ?"], [sub_id]
        for clause, value in (
            ("entity_id = ?", entity_id),
            ("created_ms >= ?", since_ms),
            ("created_ms <= ?", until_ms),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        if after_seq:
            where.append("seq > ?" if ascending else "seq < ?")
            params.append(after_seq)
        order = "ASC" if ascending else "DESC"
        clauses = " AND ".join(where)  # fixed clauses; every value is a parameter
        sql = (
            "SELECT seq, id, subscription_id, type, version, payload, created_ms, status_code"  # noqa: S608
            " FROM events WHERE " + clauses + " ORDER BY seq " + order + " LIMIT ?"
        )
        rows = self._all_rows(sql, (*params, limit))
        return [dict(row) for row in rows]

    def claim_events(
        self,
        now_ms: int,
        *,
        real_ms: int,
        lease_ms: int,
        owner: str,
        skip: tuple[str, ...] = (),
        limit: int = 200,
    ) -> list[dict]:
        """Due events of enabled subscriptions, oldest first, each leased to ``owner`` until
        ``real_ms + lease_ms`` (call inside ``write()``). The lease is on real time, not the
        emulator's clock: a clock moved during a delivery must not make a leased event due
        again for another process (issue 23: it was posted twice). Events of the subscriptions
        in ``skip`` (busy in this process) are left for later."""
        marks = ",".join("?" * len(skip))
        rows = self._all_rows(
            "SELECT e.seq, e.id, e.subscription_id, e.payload, e.attempts, e.next_ms, s.doc,"  # noqa: S608
            " s.security_key FROM events e JOIN subscriptions s ON s.id = e.subscription_id"
            " WHERE e.next_ms IS NOT NULL AND e.next_ms <= ?"
            " AND (e.lease_until_real IS NULL OR e.lease_until_real <= ?)"
            " AND json_extract(s.doc, '$.status.enabled') = 1"
            + (f" AND e.subscription_id NOT IN ({marks})" if skip else "")
            + " ORDER BY e.seq LIMIT ?",
            (now_ms, real_ms, *skip, limit),
        )
        claimed = []
        for row in rows:
            self._run(
                "UPDATE events SET lease_owner = ?, lease_until_real = ? WHERE seq = ?",
                (owner, real_ms + lease_ms, row[0]),
            )
            item = dict(row)
            item["lease_owner"], item["leased_until"] = owner, real_ms + lease_ms
            item["subscription"] = _json.loads(item.pop("doc"))
            claimed.append(item)
        return claimed

    def event_attempted(self, event: dict, *, status_code: int | None, next_ms: int | None) -> bool:
        """Record one delivery attempt of a claimed ``event``; ``next_ms`` ``None`` means no
        further attempt. Only the lease's owner records (a lease that ran out and was taken by
        another process is not overwritten); a resend queued while the attempt was in flight
        (``next_ms`` changed since the claim) is kept. True when recorded."""
        cur = self._conn().execute(
            "UPDATE events SET status_code = ?, attempts = attempts + 1,"
            " next_ms = CASE WHEN next_ms = ? THEN ? ELSE next_ms END,"
            " lease_owner = NULL, lease_until_real = NULL WHERE seq = ? AND lease_owner = ?",
            (status_code, event["next_ms"], next_ms, event["seq"], event["lease_owner"]),
        )
        return cur.rowcount == 1

    def release_events(self, seqs: list[int], owner: str) -> None:
        """Give back claimed events not attempted (their lease would run out first)."""
        self._conn().executemany(
            "UPDATE events SET lease_owner = NULL, lease_until_real = NULL"
            " WHERE seq = ? AND lease_owner = ?",
            ((seq, owner) for seq in seqs),
        )

    def stop_events(self, sub_id: str) -> None:
        """No further delivery attempts for this subscription's events (it was disabled)."""
        self._run("UPDATE events SET next_ms = NULL WHERE subscription_id = ?", (sub_id,))

    def queue_event_again(self, sub_id: str, event_id: str, now_ms: int) -> None:
        """Due again at ``now_ms`` (kept when ``next_ms`` is that already: one less than it
        then, so an attempt in flight sees the change and keeps it)."""
        self._run(
            "UPDATE events SET next_ms = CASE WHEN next_ms = ? THEN ? - 1 ELSE ? END,"
            " attempts = 0 WHERE subscription_id = ? AND id = ?",
            (now_ms, now_ms, now_ms, sub_id, event_id),
        )

    def next_event_ms(self) -> int | None:
        row = self._one("SELECT min(next_ms) FROM events WHERE next_ms IS NOT NULL")
        return row[0] if row else None
