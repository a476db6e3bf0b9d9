"""
bill_emulator.store.bookkeeping
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's own books: rate-limit usage, faults, the request log, the report card's calls.
"""

from __future__ import annotations

from bill_emulator.store.base import StoreBase
from bill_emulator.store.schema import CALLS_KEEP, REQUEST_LOG_KEEP


class BookkeepingTables(StoreBase):
    """The emulator's own books: rate-limit usage, faults, the request log, the report card's
    calls."""

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
