"""
billhelpers.http.exchange
~~~~~~~~~~~~~~~~~~~~~~~~~

What one exchange with BILL came to, in the client's words: the one translation of a transport
failure into :class:`~billhelpers.exceptions.ConnectionProblem`, the ``Retry-After`` of a
refusal, and the headers worth showing.

Why one place: whether a failed request may have reached BILL decides whether repeating it is
safe (a payment!). "Could not connect" means nothing was sent; a read timeout, a dropped
connection or an answer too slow for the total deadline mean BILL may have acted. Each case
says so in its message, and ``ConnectionProblem.sent`` carries it to the retry decision.
"""

from __future__ import annotations

import datetime as _dt
import email.utils

import requests
import urllib3

from billhelpers.exceptions import ConnectionProblem
from billhelpers.http import retry
from billhelpers.http.deadline import DeadlineExceeded
from billhelpers.http.server_time import ServerClock
from billhelpers.masking import mask_secret

#: What every "nothing was sent" message ends with.
NOT_SENT = "The request never reached BILL, so nothing was changed there."
#: The failures :func:`connection_problem` translates.
TRANSPORT_FAILURES = (DeadlineExceeded, requests.ConnectionError, requests.Timeout)


def connection_problem(
    err: BaseException, method: str, path: str, *, timeout, total_timeout: float
) -> ConnectionProblem:
    """The :class:`ConnectionProblem` for a failed exchange; its ``sent`` says whether any byte
    of the request may have reached BILL."""
    if isinstance(err, DeadlineExceeded):
        why = (
            f"the answer did not arrive completely within the call's total deadline of "
            f"{total_timeout:g} s (the server is sending it too slowly)"
        )
        sent = True
    elif isinstance(err, requests.ConnectTimeout):
        why = f"BILL could not be reached within the timeout {timeout} s ({type(err).__name__})"
        sent = False
    elif isinstance(err, requests.Timeout):
        why = f"no answer within the timeout {timeout} s ({type(err).__name__})"
        sent = True
    elif never_sent(err):
        why = (
            f"the connection could not be opened ({_short(err)}). {NOT_SENT} The host's name "
            "does not resolve or it refuses connections: check the environment's base URL "
            "(BILL_ENVIRONMENT, BILL_BASE_URL) and your network; trying again at once will not "
            "help"
        )
        return ConnectionProblem(
            f"{method} {path}: {why}.", method=method, path=path, sent=False, unreachable=True
        )
    else:
        why, sent = f"the connection dropped before the answer arrived ({_short(err)})", True
    outcome = unknown_outcome(method, path) if sent else NOT_SENT
    return ConnectionProblem(
        f"{method} {path}: {why}. {outcome}", method=method, path=path, sent=sent
    )


def never_sent(err: BaseException) -> bool:
    """True when the connection could not even be opened (refused, unknown host): no byte of
    the request left. A reset or dropped connection is not that: the request may have arrived.
    """
    reason = err.args[0] if err.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def unknown_outcome(method: str, path: str) -> str:
    """What to do when a request may or may not have been processed."""
    if retry.safe_by_default(method, path):
        return "Nothing was changed; run the cell again."
    return (
        "BILL may or may not have processed it: check (list or get the object) before "
        "sending it again."
    )


def retry_after(value: str | None, clock: ServerClock) -> float | None:
    """``Retry-After`` in seconds: a number, or an HTTP date counted from the server's own
    clock (its ``Date`` header), so a computer whose clock is off waits neither too little nor
    too long."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=_dt.UTC)
        return clock.seconds_until(parsed)


def masked_headers(headers: dict) -> dict:
    """The headers worth showing, as sent but with ``devKey``/``sessionId`` masked."""
    shown = {}
    for name in ("devKey", "sessionId", "Content-Type"):
        if headers.get(name):
            value = headers[name]
            shown[name] = value if name == "Content-Type" else mask_secret(value)
    return shown


def _short(err: BaseException) -> str:
    text = str(err.__context__ or err) if not str(err) else str(err)
    return text if len(text) < 160 else text[:157] + "..."
