"""Property-based: generated bodies thrown at the client's resource calls (scripted transport).

Whatever the body, the call ends in an ``InputError`` (nothing sent) or a BILL error from the
transport, never another exception, and no message holds a secret. Budget: a few hundred
examples in all, a few seconds.
"""

from __future__ import annotations

import pytest
import requests
from fake_bill import LOGIN_OK, FakeBill, error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config

SECRETS = ("pw-secret-123", "01KEYSECRET99", "sess-one-0123456789")
KEYS = st.sampled_from(
    [
        "billId",
        "vendorId",
        "amount",
        "processingOptions",
        "invoice",
        "billLineItems",
        "paymentInformation",
        "bankAccount",
        "accountNumber",
        "routingNumber",
        "name",
        "address",
        "country",
        "dueDate",
        "invoiceDate",
        "invoiceNumber",
        "fundingAccount",
        "type",
        "id",
        "processDate",
        "description",
        "transactionNumber",
        "createBill",
    ]
) | st.text(max_size=5)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=12)
    | st.sampled_from(["\ud800", "١٢٣", "1e999999", "NaN", "-0"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _client(tmp_path):
    fake = FakeBill()
    fake.on("POST", "/v3/login", LOGIN_OK)
    for method, path in [
        ("POST", "/v3/vendors"),
        ("POST", "/v3/bills"),
        ("POST", "/v3/payments"),
        ("GET", "/v3/vendors"),
        ("POST", "/v3/mfa/challenge/validate"),
    ]:
        fake.on(method, path, error("BDC_1000", "rejected pw-secret-123 000123456789", 400))
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    fake.on("GET", "/v3/bills/00n01DEMOBILL0000001", (200, {"id": "x", "dueAmount": "5.00"}))
    http = requests.Session()
    http.mount("http://fake", fake)
    cfg = Config(
        base_url="http://fake",
        cache_dir=tmp_path / "c",
        username="me@example.com",
        password=SECRETS[0],
        organization_id="00801ABCDEFGHIJKLMNO",
        dev_key=SECRETS[1],
    )
    return fake, Client(cfg, transport=http, sleep=lambda s: None)


def _check(fake, call):
    before = len(fake.calls)
    try:
        call()
    except bh.InputError as err:
        assert len([c for c in fake.calls[before:] if "login" not in c[1]]) == 0
        text = str(err) + repr(err)
    except bh.BillAPIError as err:
        text = str(err) + repr(err) + repr(err.errors)
    except bh.BillError as err:
        text = str(err) + repr(err)
    else:
        return
    for secret in (*SECRETS, "000123456789"):
        assert secret not in text


@pytest.mark.parametrize("resource", ["vendors", "bills", "payments"])
@FUZZ
@given(body=JSON)
def test_fuzzed_create_bodies(tmp_path, resource, body):
    fake, client = _client(tmp_path)
    _check(fake, lambda: getattr(client, resource).create(body))


@FUZZ
@given(filters=JSON | st.text(max_size=40))
def test_fuzzed_filters(tmp_path, filters):
    fake, client = _client(tmp_path)
    _check(fake, lambda: client.vendors.list(filters=filters))


@FUZZ
@given(challenge=SCALARS, token=SCALARS)
def test_fuzzed_mfa_validate(tmp_path, challenge, token):
    fake, client = _client(tmp_path)
    _check(fake, lambda: client.mfa.validate(challenge, token))
