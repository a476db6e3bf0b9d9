"""bill_emulator.backend.clock
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's clock: real time plus an offset that ``POST /_emulator/clock`` moves forward.

Why an offset in the store rather than a fake time source: every process serving the same data
directory must agree on "now", so a session that one process expired is expired for all. The
real-time source is injectable so backend tests can freeze it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import holidays

from bill_emulator.store import Store

#: The clock runs at most this far ahead of real time (issue 15: unbounded advances pushed it past
#: year 9999, after which every answer failed). Ten years leave room for any tutorial or test.
MAX_OFFSET_MS = 3653 * 86400 * 1000
#: One advance moves at most this far (a year: months at once stay possible).
MAX_ADVANCE_SECONDS = 366 * 86400


class Clock:
    """``now_ms()`` = ``time_source()`` in ms + the store's offset, kept within
    ``0..MAX_OFFSET_MS`` (an offset written outside it, by an older version, counts as the bound,
    so errors, the clock and reset still answer until reset puts it back to 0)."""

    def __init__(self, store: Store, time_source: Callable[[], float] = time.time) -> None:
        self._store = store
        self._time = time_source

    def offset_ms(self) -> int:
        return int(min(max(self._store.clock_offset_ms(), 0), MAX_OFFSET_MS))

    def now_ms(self) -> int:
        return int(self._time() * 1000) + self.offset_ms()

    def advance(self, seconds) -> int:
        """Move forward ``seconds`` (checked by the caller); call inside a write transaction."""
        self._store.advance_clock(int(seconds * 1000))
        return self.now_ms()

    def reset(self) -> None:
        """Back to real time (call inside a write transaction)."""
        self._store.advance_clock(-self._store.clock_offset_ms())

    def today(self) -> date:
        return datetime.fromtimestamp(self.now_ms() / 1000, UTC).date()


def iso(ms: int) -> str:
    """BILL's timestamp form: ISO-8601 with milliseconds and ``+00:00``."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


#: US federal holidays on their own dates; the Federal Reserve's rule is applied below.
# Years filled in up front, so server threads only read it (later years are added on use).
_US_HOLIDAYS = holidays.US(
    observed=False, years=range(date.today().year - 1, date.today().year + 11)
)


def is_business_day(day: date) -> bool:
    """A weekday on which US banks (the Federal Reserve's ACH) work.

    Why not ``holidays.US()``'s observed days: the Federal Reserve closes the Monday after a
    holiday that falls on a Sunday, but stays open the Friday before one that falls on a
    Saturday (federalreserve.gov holiday schedule).
    """
    if day.weekday() >= 5 or day in _US_HOLIDAYS:
        return False
    return not (day.weekday() == 0 and day - timedelta(days=1) in _US_HOLIDAYS)


def next_business_day(day: date) -> date:
    """The first business day after ``day``."""
    return add_business_days(day, 1)


def add_business_days(day: date, count: int) -> date:
    """``count`` business days after ``day`` (``day`` itself need not be one)."""
    for _ in range(count):
        day += timedelta(days=1)
        while not is_business_day(day):
            day += timedelta(days=1)
    return day


def first_business_day(day: date) -> date:
    """``day`` when it is a business day, else the next one."""
    return day if is_business_day(day) else next_business_day(day)
