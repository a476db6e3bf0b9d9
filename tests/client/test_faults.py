"""Faults injected by the emulator on ordinary calls: rate limits, 5xx, slow answers (the
payment scenarios are in tests/safety/test_never_pay_twice.py)."""

import pytest
from client_bodies import vendor_body

import billhelpers as bh


def test_rate_limit_on_get_retried_with_backoff(client, sleeps):
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="GET", count=2, status=429, code="BDC_1322"
    )
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0, 2.0]


def test_rate_limit_hourly_code_retried(client, sleeps):
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="GET", count=1, status=429, code="BDC_1144"
    )
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0]


def test_rate_limit_exhausted_raises_rate_limit_error(make_client, sleeps):
    client = make_client(max_retries=2)
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="GET", count=5, status=429, code="BDC_1322"
    )
    with pytest.raises(bh.RateLimitError) as info:
        client.vendors.list(max=1)
    assert info.value.code == "BDC_1322"
    assert sleeps == [1.0, 2.0]


def test_server_error_on_get_retried(client, sleeps):
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=1, status=503)
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0]


def test_server_error_on_create_vendor_not_retried(client, sleeps):
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="POST", count=1, status=500)
    with pytest.raises(bh.ServerError):
        client.vendors.create(vendor_body())
    assert sleeps == []


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_slow_answer_past_timeout_raises_connection_problem(make_client):
    client = make_client(timeout=(2.0, 0.3), max_retries=0)
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=1, delaySeconds=1)
    with pytest.raises(bh.ConnectionProblem) as info:
        client.vendors.list(max=1)
    assert "timeout" in str(info.value)


def test_slow_get_retried_after_timeout(make_client, sleeps):
    client = make_client(timeout=(2.0, 0.3))
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=1, delaySeconds=1)
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0]


def test_an_unreachable_host_fails_at_once_saying_what_to_check(isolated_env, sleeps):
    """A refused connection (or a name that does not resolve) is not retried: a moment later
    it is just as unreachable. The learner reads at once what failed and what to check."""
    import socket

    import billhelpers as bh

    with socket.socket() as probe:  # a free loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = bh.connect(
        dotenv=False, base_url=f"http://127.0.0.1:{port}", sleep=sleeps.append, max_retries=3
    )
    with pytest.raises(bh.ConnectionProblem) as info:
        client.request("GET", "/v3/vendors", auth=False)
    err = info.value
    assert err.unreachable and not err.sent
    assert sleeps == []  # no back-off: nothing to wait for
    assert "BILL_BASE_URL" in str(err) and "never reached BILL" in str(err)
    client.close()
