"""The day every test world starts on: tests pin the date they need, never read the wall's.

The ``emulator`` fixture (tests/conftest.py) starts its world at :data:`TEST_START` and the
bodies the tests send are dated from :data:`TEST_TODAY`, so the suite behaves the same on any
day it runs (``faketime`` shows it: see the Makefile's ``faketime`` target). Christmas Eve, a
Thursday: three business days later cross a Friday bank holiday and a weekend.
"""

from __future__ import annotations

import datetime as dt

TEST_TODAY = dt.date(2026, 12, 24)
TEST_START = dt.datetime.combine(TEST_TODAY, dt.time(12), dt.UTC)
