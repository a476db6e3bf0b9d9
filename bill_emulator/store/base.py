"""
bill_emulator.store.base
~~~~~~~~~~~~~~~~~~~~~~~~

The database itself: opening (schema, upgrades of older data directories), one connection a
thread, write transactions, closing and copying, and the control row (clock, limits, seeded).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bill_emulator.store.schema import (
    _SCHEMA,
    _STATE_TABLES,
    DB_NAME,
    SCHEMA_VERSION,
    _index_statements,
)


class StoreBase:
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
