"""
billhelpers.http.server_time
~~~~~~~~~~~~~~~~~~~~~~~

:class:`ServerClock`: what time it is for BILL, read from the ``Date`` header of its answers.

Why not this computer's clock: BILL decides whether a ``processDate`` is in the past by its own
today, the UTC date. A laptop in a US evening is already a day behind it, and in demo mode the
emulator's test clock may be days ahead of the wall (chapter 07 moves it). Every HTTP answer
carries the server's time in its ``Date`` header (RFC 9110, section 6.6.1), so the client keeps
the newest one it saw and counts on from it with a monotonic timer: one rule for BILL and the
emulator, and no extra call. Before the first answer, the wall clock's UTC date is all there is.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import time
from collections.abc import Callable

__all__ = ("ServerClock",)


class ServerClock:
    """The server's time, as of the newest ``Date`` header seen, counted on since."""

    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._monotonic = monotonic
        self._wall = wall
        #: (server time, monotonic reading when it arrived), or None before the first answer.
        self._seen: tuple[_dt.datetime, float] | None = None

    @property
    def seen(self) -> bool:
        """Whether an answer has told the server's time yet."""
        return self._seen is not None

    def observe(self, header: str | None) -> None:
        """Note an answer's ``Date`` header (a missing or malformed one is ignored)."""
        if not header:
            return
        try:
            stamp = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if stamp.tzinfo is None:  # RFC 9110: an HTTP date is always in GMT
            stamp = stamp.replace(tzinfo=_dt.UTC)
        self._seen = (stamp.astimezone(_dt.UTC), self._monotonic())

    def now(self) -> _dt.datetime:
        """The server's time now (UTC); the wall clock's before any answer."""
        if self._seen is None:
            return _dt.datetime.fromtimestamp(self._wall(), _dt.UTC)
        stamp, at = self._seen
        return stamp + _dt.timedelta(seconds=self._monotonic() - at)

    def today(self) -> _dt.date:
        """The server's UTC date: the day BILL counts a ``processDate`` from."""
        return self.now().date()

    def seconds_until(self, moment: _dt.datetime) -> float:
        """Seconds from the server's now to ``moment`` (a ``Retry-After`` date), at least 0."""
        return max(0.0, (moment - self.now()).total_seconds())
