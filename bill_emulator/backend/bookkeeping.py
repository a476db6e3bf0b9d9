"""bill_emulator.backend.bookkeeping
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Per-call bookkeeping (hourly usage counts, the request log) kept in memory and written in
batches.

Why: every BILL call must be counted and logged, but a write transaction per call would cost
more than the call itself. Counts and log rows wait here and go to SQLite with the next write the
call path makes anyway. That is at least once a second of emulator time per active session (the
session's idle timer), or after 100 pending counts or 50 log rows, and always before the log is
read. A limit check adds the counts still waiting here to the stored total, so this process never
over-admits. Other processes on the same data directory see the counts within about a second.
"""

from __future__ import annotations

import threading

from bill_emulator.store import Store

#: Write pending counts once this many have accumulated.
USAGE_BATCH = 100
#: Write pending log rows once this many have accumulated.
LOG_BATCH = 50


class Bookkeeping:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._log: list[tuple[str, str, int, int]] = []
        self._calls: list[tuple] = []  # the report card's records (store.log_calls)
        self._usage: dict[tuple[str, str, int], int] = {}
        self._stored: dict[tuple[str, str, int], int] = {}
        self._pending_counts = 0

    def count(self, key: tuple[str, str, int]) -> int:
        """Count one call for ``(dev_key, kind, hour)``; return the total so far."""
        with self._lock:
            pending = self._usage.get(key, 0) + 1
            self._usage[key] = pending
            self._pending_counts += 1
            stored = self._stored.get(key)
        if stored is None:
            stored = self._store.usage(*key)
            with self._lock:
                stored = self._stored.setdefault(key, stored)
        return stored + pending

    def log(self, row: tuple[str, str, int, int]) -> None:
        with self._lock:
            self._log.append(row)

    def note_call(self, row: tuple) -> None:
        with self._lock:
            self._calls.append(row)

    def due(self) -> bool:
        """Enough is waiting that the caller should flush now."""
        return (
            self._pending_counts >= USAGE_BATCH
            or len(self._log) >= LOG_BATCH
            or len(self._calls) >= LOG_BATCH
        )

    def flush(self) -> None:
        """Write what is waiting (joining the caller's transaction when there is one)."""
        with self._lock:
            rows, self._log = self._log, []
            calls, self._calls = self._calls, []
            usage = dict(self._usage)
        if not rows and not usage and not calls:
            return
        with self._store.write():
            if rows:
                self._store.log_requests(rows)
            if calls:
                self._store.log_calls(calls)
            totals = {key: self._store.add_usage(*key, n) for key, n in usage.items()}
        with self._lock:  # the stored totals now include what was pending
            for key, n in usage.items():
                left = self._usage.get(key, 0) - n
                if left > 0:
                    self._usage[key] = left
                else:
                    self._usage.pop(key, None)
                self._stored[key] = totals[key]
            self._pending_counts = sum(self._usage.values())

    def forget(self) -> None:
        """Drop everything waiting and cached (after a reset wiped the store)."""
        with self._lock:
            self._log, self._usage, self._stored = [], {}, {}
            self._calls = []
            self._pending_counts = 0
