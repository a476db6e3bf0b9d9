"""
billhelpers.resources.inflight
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The payment POSTs that may still be in flight, by transactionNumber.

Why: after an uncertain outcome (the POST left, no clear answer came back, and the look-up found
nothing *yet*), BILL may still be processing the first request. A look-up that finds nothing
proves nothing until it was made after that request can no longer be processed: the client's
total deadline (``config.total_timeout``) after it was sent. Until then the same intent is not
sent again. The memory is one client's (one kernel): a new kernel starts without it and relies
on the look-up alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from billhelpers.exceptions import UncertainPaymentError


def _now() -> float:
    """The clock the holds are measured on (monotonic: a changed wall clock cannot shorten a
    hold); a function so that tests can move it."""
    return time.monotonic()


class InFlightHolds:
    """transactionNumber → when a request that may still be in flight stops being so."""

    def __init__(self, deadline: Callable[[], float]):
        #: The client's total deadline for any call, in seconds (read when a hold starts).
        self._deadline = deadline
        self._until: dict[str, float] = {}

    def __eq__(self, other) -> bool:  # ``holds == {}``: nothing held
        return self._until == other if isinstance(other, dict) else NotImplemented

    __hash__ = None

    def hold(self, txns: list[str]) -> None:
        """Remember ``txns`` as possibly in flight: BILL may still record them. Measured from
        now, after the request was sent, so the hold is never shorter than the bound."""
        until = _now() + self._deadline()
        for txn in map(str, txns):
            self._until[txn] = max(until, self._until.get(txn, until))

    def release(self, txns: list[str]) -> None:
        """BILL has (or settled) these: nothing left in flight to wait for."""
        for txn in txns:
            self._until.pop(str(txn), None)

    def check(self, path: str, body: dict, txns: list[str], looked_at: float) -> None:
        """Refuse to send an intent whose earlier request may still be in flight (the look-up
        made at ``looked_at`` predates the end of its hold); past that, release it."""
        held = {t: self._until[t] for t in map(str, txns) if t in self._until}
        pending = {t: until for t, until in held.items() if looked_at < until}
        if not pending:
            self.release(list(held))
            return
        wait = max(pending.values()) - _now()
        finds = " and ".join(f"client.payments.find({t!r})" for t in pending)
        raise UncertainPaymentError(
            f"POST {path}: transactionNumber {', '.join(pending)} was sent a moment ago without a "
            "clear answer, and BILL may still be processing it; nothing was sent now. Wait "
            f"{max(wait, 0):.0f} s more (the call's total deadline of "
            f"{self._deadline():g} s after it was sent), then call {finds}; "
            "resend err.body (the same transactionNumber) only if it still finds nothing.",
            transaction_number=",".join(pending),
            recorded=None,
            path=path,
            body=body,
        )
