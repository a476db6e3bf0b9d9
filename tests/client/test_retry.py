"""billhelpers.http.retry: the one decision "may this failed call be sent again?"."""

from __future__ import annotations

import pytest

from billhelpers.exceptions import (
    ConnectionProblem,
    RateLimitError,
    ServerError,
    SessionError,
    ValidationError,
)
from billhelpers.http import retry


def _rate_limit():
    return RateLimitError("slow down", code="BDC_1144", http_status=429)


def _server_error():
    return ServerError("oops", code=None, http_status=503)


@pytest.mark.parametrize(
    ("err", "safe", "checked", "expected"),
    [
        (_rate_limit(), True, False, True),
        (_rate_limit(), False, False, False),  # unsafe, nothing checked: never blindly
        (_rate_limit(), False, True, True),  # BILL refused it unprocessed and nothing recorded
        (_server_error(), True, False, True),
        (_server_error(), False, True, False),  # may still be processing: the caller decides
        (ConnectionProblem("lost", method="POST", path="/v3/x"), False, True, False),
        (ValidationError("bad", code="BDC_1000", http_status=400), True, False, False),
    ],
)
def test_may_repeat(err, safe, checked, expected):
    assert (
        retry.may_repeat(err, safe=safe, checked=checked, attempt=0, retries=3, renewed=False)
        is expected
    )


def test_no_repeat_once_the_retries_are_spent():
    assert not retry.may_repeat(
        _rate_limit(), safe=True, checked=False, attempt=3, retries=3, renewed=False
    )


def test_backoff_doubles_honours_retry_after_and_is_capped():
    assert [retry.backoff(a, None, 5) for a in range(4)] == [1, 2, 4, 5]
    assert retry.backoff(0, 3.0, 30) == 3.0
    assert retry.backoff(0, 300.0, 30) == 30


def test_safe_by_default():
    assert retry.safe_by_default("get", "/v3/vendors")
    assert retry.safe_by_default("POST", "/v3/login")
    assert not retry.safe_by_default("POST", "/v3/payments")


def test_expired_session_repeated_once_whatever_the_call():
    expired = SessionError("gone", code="BDC_1109", http_status=401)
    assert retry.may_repeat(expired, safe=False, checked=False, attempt=9, retries=0, renewed=False)
    assert not retry.may_repeat(
        expired, safe=True, checked=True, attempt=0, retries=3, renewed=True
    )
