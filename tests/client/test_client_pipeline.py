"""The request pipeline with a scripted transport: retries, re-login, secrets in headers."""

import logging

import pytest
import requests
from fake_bill import EXPIRED, LOGIN_OK, FakeBill, error

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config


@pytest.fixture
def fake():
    return FakeBill()


@pytest.fixture
def make_client(fake, tmp_path):
    sleeps = []

    def make(**overrides):
        http = requests.Session()
        http.mount("http://fake", fake)
        config = Config(base_url="http://fake", cache_dir=tmp_path / "cache", **overrides)
        client = Client(config, transport=http, sleep=sleeps.append)
        client.sleeps = sleeps
        return client

    return make


def test_request_sends_dev_key_and_session_headers_never_in_url(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK).on("GET", "/v3/vendors", (200, {"results": []}))
    client = make_client()
    client.vendors.list(max=5)
    method, url, headers, _ = fake.calls[-1]
    assert headers["devKey"] == "01DEMODEVKEY0000000000000000000000"
    assert headers["sessionId"] == "sess-one-0123456789"
    assert "sess-one" not in url and "DEVKEY" not in url
    assert url == "/v3/vendors?max=5"


def test_request_default_timeout_is_connect_and_read(fake, make_client, monkeypatch):
    seen = {}
    original = fake.send

    def spy(request, **kwargs):
        seen.update(kwargs)
        return original(request, **kwargs)

    monkeypatch.setattr(fake, "send", spy)
    fake.on("POST", "/v3/login", LOGIN_OK)
    make_client().login()
    assert seen["timeout"] == (5.0, 30.0)


def test_get_retried_on_rate_limit_with_exponential_backoff(fake, make_client):
    limited = error("BDC_1322", "Max number of concurrent requests per organization reached.", 429)
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", "/v3/vendors", limited, limited, limited, (200, {"results": [{"id": "v"}]}))
    client = make_client()
    assert client.vendors.list().results == [{"id": "v"}]
    assert client.sleeps == [1.0, 2.0, 4.0]


def test_get_gives_up_after_max_retries(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on(
        "GET",
        "/v3/vendors",
        error("BDC_1144", "Max number of allowed requests per hour reached: 20000.", 429),
    )
    client = make_client(max_retries=3)
    with pytest.raises(bh.RateLimitError) as info:
        client.vendors.list()
    assert info.value.code == "BDC_1144"
    assert client.sleeps == [1.0, 2.0, 4.0]


def test_backoff_is_capped(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", "/v3/bills", (503, None))
    client = make_client(max_retries=6, backoff_cap=5)
    with pytest.raises(bh.ServerError):
        client.bills.list()
    assert client.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_get_retried_after_connection_error(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", "/v3/vendors/x", requests.ConnectionError("reset"), (200, {"id": "x"}))
    assert make_client().vendors.get("x")["id"] == "x"


def test_create_vendor_not_retried_after_timeout(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("POST", "/v3/vendors", requests.ReadTimeout("slow"), (200, {"id": "009"}))
    client = make_client()
    body = {"name": "A", "address": {"country": "US"}}
    with pytest.raises(bh.ConnectionProblem) as info:
        client.vendors.create(body)
    assert "may or may not" in str(info.value)
    assert [c[0] for c in fake.calls].count("POST") == 2  # login + one vendor POST
    assert client.sleeps == []


def test_create_vendor_not_retried_on_rate_limit(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("POST", "/v3/vendors", error("BDC_1322", "Max concurrent.", 429))
    with pytest.raises(bh.RateLimitError):
        make_client().vendors.create({"name": "A", "address": {"country": "US"}})


def test_session_expired_relogs_once_and_repeats(fake, make_client):
    second = (200, {**LOGIN_OK[1], "sessionId": "sess-two-0123456789"})
    fake.on("POST", "/v3/login", LOGIN_OK, second)

    def vendors(request):
        if request.headers["sessionId"] == "sess-one-0123456789":
            return EXPIRED
        return (200, {"results": []})

    fake.on("GET", "/v3/vendors", vendors)
    client = make_client()
    client.vendors.list()
    assert [c[1].split("?")[0] for c in fake.calls] == [
        "/v3/login",
        "/v3/vendors",
        "/v3/login",
        "/v3/vendors",
    ]


def test_session_expired_twice_raises(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", "/v3/vendors", EXPIRED)
    with pytest.raises(bh.SessionError) as info:
        make_client().vendors.list()
    assert info.value.message == "Session is invalid.  Please log in."


def test_login_reuses_cached_session_across_clients(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on(
        "GET",
        "/v3/login/session",
        (200, {"organizationId": "00801DEMOORG00000001", "userId": "006", "mfaStatus": "COMPLETE"}),
    )
    make_client().login()
    second = make_client()
    resp = second.login()
    assert resp.note == "reused the cached session"
    assert second.is_trusted
    assert [c[1] for c in fake.calls].count("/v3/login") == 1


@pytest.fixture
def production_client(make_client):
    """A client for BILL production (its transport is the scripted fake: nothing leaves)."""
    return make_client(
        environment="production",
        username="me@example.com",
        password="pw",
        organization_id="00801ABCDEFGHIJKLMNO",
        dev_key="01KEY",
    )


def test_production_payment_guard(fake, production_client):
    client = production_client
    with pytest.raises(bh.ProductionGuardError):
        client.payments.create({"billId": "00n01DEMOBILL0000001", "amount": "1.00"})
    with pytest.raises(bh.ProductionGuardError):
        client.payments.bulk_create({"payments": [{"billId": "00n01DEMOBILL0000001"}]})
    assert fake.calls == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v3/payments"),
        ("post", "/v3/payments/bulk"),
        ("POST", "/v3/payments/"),
        ("POST", "//v3/Payments?x=1"),
        ("PUT", "/v3/payments/bulk/"),
    ],
)
def test_production_guard_covers_raw_requests(fake, production_client, method, path):
    client = production_client
    fake.on("POST", "/v3/login", LOGIN_OK)
    with pytest.raises(bh.ProductionGuardError) as info:
        client.request(method, path, json={"billId": "00n01DEMOBILL0000001", "amount": "1.00"})
    assert "Nothing was sent" in str(info.value)
    assert fake.calls == []  # not even a login


def test_production_guard_lets_reads_cancels_and_opted_in_payments_through(fake, production_client):
    client = production_client
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    fake.on("POST", "/v3/payments/stp01DEMOPAYMENT0001/cancel", (200, {"id": "stp01"}))
    fake.on("POST", "/v3/payments", (200, {"id": "stp02"}))
    assert client.request("GET", "/v3/payments").ok
    assert client.payments.cancel("stp01DEMOPAYMENT0001").ok  # stops money, moves none
    client.allow_production_payments()
    assert client.request("POST", "/v3/payments", json={"amount": "1.00"})["id"] == "stp02"


def test_demo_and_sandbox_raw_payments_are_not_guarded(fake, make_client):
    fake.on("POST", "/v3/login", LOGIN_OK).on("POST", "/v3/payments", (200, {"id": "stp03"}))
    assert make_client().request("POST", "/v3/payments", json={})["id"] == "stp03"


def test_logs_and_reprs_hold_no_secrets(fake, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", "/v3/vendors", error("BDC_1322", "busy", 429), (200, {"results": []}))
    client = make_client()
    client.vendors.list()
    text = caplog.text + repr(client) + repr(client.config) + repr(client.last_response)
    for secret in ("demo-password-1", "01DEMODEVKEY0000000000000000000000", "sess-one-0123456789"):
        assert secret not in text
    assert "sess…" in repr(client)
