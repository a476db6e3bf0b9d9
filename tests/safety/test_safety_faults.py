"""Faults the emulator injects outside payments, that tests/client/test_faults.py does not
already cover: sessions that expire between chapters (a new kernel, clock moved 36 minutes) and
mid-call (a 401 BDC_1109 on the next call), and a 5xx that outlasts the retries. Every payment
scenario lives in ``test_never_pay_twice.py``.
"""

from __future__ import annotations

import pytest
from kit_helpers import bill_calls

import billhelpers as bh

EXPIRE = 36 * 60  # BILL ends a session after 35 idle minutes


# -- session expiry, 5xx ---------------------------------------------------------------------


def test_new_chapter_after_expiry_relogs_trusted_without_new_mfa(trusted, make_client):
    trusted.vendors.list(max=1)  # the last call of the previous chapter
    trusted.close()
    trusted.emulator.advance_clock(EXPIRE)
    texts = len(trusted.emulator.outbox())
    trusted.emulator.clear_requests()
    chapter = make_client()  # the next notebook: a new kernel, the same session cache
    assert chapter.vendors.list(max=1).status_code == 200
    assert bill_calls(chapter) == [
        ("GET", "/v3/login/session", 401),  # the cached session is gone...
        ("POST", "/v3/login", 200),  # ...so one login, with the remembered device
        ("GET", "/v3/vendors", 200),
    ]
    assert chapter.is_trusted
    assert len(chapter.emulator.outbox()) == texts  # no new MFA text message
    assert chapter.cache.get(chapter.session.key)["sessionId"] == chapter.session.id


def test_session_expired_mid_call_relogs_and_repeats(client):
    client.login()
    old = client.session.id
    client.emulator.add_fault(path="/v3/vendors", method="GET", status=401, code="BDC_1109")
    client.emulator.clear_requests()
    assert client.vendors.list(max=1).status_code == 200
    assert bill_calls(client) == [
        ("GET", "/v3/vendors", 401),
        ("POST", "/v3/login", 200),
        ("GET", "/v3/vendors", 200),
    ]
    assert client.session.id != old
    assert client.cache.get(client.session.key)["sessionId"] == client.session.id


def test_server_error_outlasting_retries_raises_server_error(make_client, sleeps):
    client = make_client(max_retries=2)
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=5, status=503)
    client.emulator.clear_requests()
    with pytest.raises(bh.ServerError) as info:
        client.vendors.list(max=1)
    err = info.value
    assert (err.code, err.http_status, err.message) == ("BDC_1001", 503, "System error occurred.")
    assert "try again later" in err.hint
    assert bill_calls(client) == [("GET", "/v3/vendors", 503)] * 3
    assert sleeps == [1.0, 2.0]
