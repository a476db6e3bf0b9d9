"""
billhelpers.http.retry
~~~~~~~~~~~~~~~~~

The request pipeline's one decision: after a failed call, is it safe to send it again?

Why one place: BILL has no idempotency key, so repeating a call that may have been processed
can create a second vendor, bill or payment. :meth:`Client.request
<billhelpers.client.Client.request>` runs the only retry loop and asks :func:`may_repeat`; a
call whose outcome can be checked (a payment's ``transactionNumber``) brings a
:class:`Recovery` that looks the outcome up before the decision is made.
"""

from __future__ import annotations

from typing import Protocol

from billhelpers.exceptions import BillAPIError, BillError, ConnectionProblem, ServerError
from billhelpers.http import _errormap
from billhelpers.http.response import ApiResponse

#: Calls that change nothing when repeated, beyond GET: a second login just opens another
#: session, step-up and logout are idempotent.
SAFE_POSTS = frozenset({"/v3/login", "/v3/logout", "/v3/mfa/step-up"})


def safe_by_default(method: str, path: str) -> bool:
    """Whether ``method path`` may be repeated after a transient failure unless told otherwise."""
    return method.upper() in ("GET", "HEAD") or path in SAFE_POSTS


def session_expired(err: BillError) -> bool:
    """BDC_1109: BILL refused the call for its session, before doing anything with it."""
    return isinstance(err, BillAPIError) and err.code == _errormap.SESSION_EXPIRED_CODE


def rate_limited(err: BillError) -> bool:
    return isinstance(err, BillAPIError) and _errormap.is_rate_limited(err)


def transient(err: BillError) -> bool:
    """Rate limit, 5xx or a connection problem: the same call may work a moment later. Not a
    host whose name does not resolve or that refuses connections (``unreachable``): a moment
    later it is just as unreachable, and the learner waits for nothing."""
    if isinstance(err, ConnectionProblem):
        return not err.unreachable
    return isinstance(err, ServerError) or rate_limited(err)


def may_hide_a_result(err: BillError) -> bool:
    """Whether BILL may have recorded the call despite ``err``, so a :class:`Recovery` looks."""
    return session_expired(err) or transient(err)


def may_repeat(
    err: BillError, *, safe: bool, checked: bool, attempt: int, retries: int, renewed: bool
) -> bool:
    """Whether a call that failed with ``err`` may be sent again: the one place that decides.

    BDC_1109: BILL refused the call for its session, so it is repeated once on a new session
    (unless ``renewed`` already, or the caller asked for no re-login). Otherwise ``safe``:
    repeating it changes nothing; ``checked``: a :class:`Recovery` looked the outcome up and
    found nothing recorded. A rate limit is BILL refusing the call unprocessed, so once checked
    it may be repeated too; a 5xx or a lost answer of an unsafe call is not, because the server
    may still be processing it.
    """
    if session_expired(err):
        return not renewed
    if attempt >= retries or not transient(err):
        return False
    return safe or (checked and rate_limited(err))


def backoff(attempt: int, retry_after: float | None, cap: float) -> float:
    """1, 2, 4, … seconds, at least BILL's ``Retry-After``, never more than ``cap``."""
    delay = min(cap, float(2**attempt))
    if retry_after is not None:
        delay = min(cap, max(delay, retry_after))
    return delay


class Recovery(Protocol):
    """How the pipeline checks the outcome of a call that must never be repeated blindly."""

    def look_up(self, err: BillError) -> ApiResponse | None:
        """What BILL recorded despite ``err`` (returned as the call's answer), or ``None``."""

    def give_up(self, err: BillError) -> BillError:
        """The error to raise when the call is not repeated (``err`` or one explaining it)."""
