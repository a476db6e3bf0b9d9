"""bill_emulator.backend.clock
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's clock: real time, plus the world's start (a pinned date, or none), plus an offset
that ``POST /_emulator/clock`` moves forward.

Why an offset in the store rather than a fake time source: every process serving the same data
directory must agree on "now", so a session that one process expired is expired for all. The
real-time source is injectable so backend tests can freeze it.

Why a pinned start: a world made with ``start`` (``--start``, ``BILL_EMULATOR_START``) begins at
that instant and then runs at real speed, so a run of the chapters makes the same dates whatever
the day it runs (nbval compares them with the committed outputs). The base is fixed when the world
is first seeded; a reset keeps it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day

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
        """How far the test clock was moved forward (0 after a reset)."""
        return int(min(max(self._store.clock_offset_ms(), 0), MAX_OFFSET_MS))

    def now_ms(self) -> int:
        return int(self._time() * 1000) + self._store.clock_base_ms() + self.offset_ms()

    def pin(self, start: datetime) -> None:
        """Start this world at ``start`` from now on (call inside a write transaction)."""
        self._store.set_clock_base(int(start.timestamp() * 1000) - int(self._time() * 1000))

    def advance(self, seconds) -> int:
        """Move forward ``seconds`` (checked by the caller); call inside a write transaction."""
        self._store.advance_clock(int(seconds * 1000))
        return self.now_ms()

    def reset(self) -> None:
        """Back to the world's own time: real time, or the pinned start's timeline (call inside
        a write transaction)."""
        self._store.advance_clock(-self._store.clock_offset_ms())

    def today(self) -> date:
        return datetime.fromtimestamp(self.now_ms() / 1000, UTC).date()

    def room_ms(self) -> int:
        """How much further the clock may move now (0 at the 10-year cap)."""
        return max(MAX_OFFSET_MS - self.offset_ms(), 0)

    def last_day(self) -> date:
        """The last (UTC) day the clock can ever show: now plus the room left (a date after it
        can never come, so nothing may wait for it)."""
        return datetime.fromtimestamp((self.now_ms() + self.room_ms()) / 1000, UTC).date()


def parse_start(text: str) -> datetime:
    """A world's start from ``yyyy-MM-dd`` (12:00 UTC that day: hours of running stay on it)
    or an ISO-8601 instant with its offset; ``ValueError`` says what is wrong."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time_of_day(12), UTC)
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"start {text!r} is neither yyyy-MM-dd nor an ISO-8601 instant such as"
            " 2026-06-18T12:00:00+00:00"
        ) from None
    if start.tzinfo is None:
        raise ValueError(f"start {text!r} needs its UTC offset, e.g. {text}+00:00")
    return start.astimezone(UTC)


def iso(ms: int) -> str:
    """BILL's timestamp form: ISO-8601 with milliseconds and ``+00:00``."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


class _FederalReserveHolidays(type(holidays.financial_holidays("XFED"))):
    """The Federal Reserve's holidays (``holidays``' ``XFED``: a Sunday holiday closes the
    Monday after, a Saturday one closes nothing), for every year a date can name: the library
    stops at 2100 by default, and a day it does not know must not pass for a business day."""

    end_year = 9999


@functools.lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    """One year's bank holidays, computed once (server threads then only read them)."""
    return frozenset(_FederalReserveHolidays(years=year))


def is_business_day(day: date) -> bool:
    """A weekday on which the Federal Reserve's ACH runs (the days BILL pays on)."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


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
