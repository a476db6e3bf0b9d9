"""Property-based fuzzing of every emulator endpoint (issue 15), through the WSGI app.

Generated JSON bodies (random, and valid bodies with one field swapped for an extreme value),
query strings and headers go to every rule of ``bill_emulator.urls.url_map``. Every answer must
be a 2xx or BILL's 4xx error object: no 5xx, no traceback, nothing created by a refused call, and
none of the caller's secrets (devKey, password, sessionId) echoed in an error message.

The budget is fixed (``max_examples``, ``derandomize=True``, no example database), so the suite
is repeatable and runs in well under a minute.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from world_clock import TEST_TODAY
from wsgi_helpers import Wsgi, assert_bill_error

from bill_emulator import seed
from bill_emulator.backend.clock import add_business_days
from bill_emulator.backend.listing import FIELDS, OPERATORS
from bill_emulator.urls import url_map

#: Many seconds: `make test` and CI run it, `make unit` skips it (the fast inner loop).
pytestmark = pytest.mark.slow

#: Calls that end the session or move the clock: fuzzed in tests of their own below.
_SESSION_ENDING = {"logout", "reset", "advance_clock"}
RULES = sorted(
    (r for r in url_map.iter_rules() if r.endpoint not in _SESSION_ENDING),
    key=lambda r: (r.rule, sorted(r.methods)),
)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Raw(str):
    """JSON text inserted as it is (``NaN``, ``1e999999``, deep nesting)."""


def to_json(value) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)  # ensure_ascii: a lone surrogate goes out as \ud800


EXTREMES = st.sampled_from(
    [
        Raw("1e999999"),
        Raw("-1e999999"),
        Raw("1e-999999"),
        Raw("9" * 5000),
        Raw("NaN"),
        Raw("-Infinity"),
        Raw("[" * 2000 + "]" * 2000),
        "\ud800",
        "x\udfffy",
        "١٢٣٤٥٦٧٨",
        "٠١١٠٠٠٠١٥",
        "١٢٣٤٥٦",
        "2026-13-45",
        "9999-12-31",
        "0000-00-00",
        "",
        " ",
        "x" * 5000,
        -1,
        0,
        2**64,
        Decimal("0.001"),
        True,
        None,
        [],
        {},
        [5],
        seed.DEV_KEY,
        seed.PASSWORD,
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | EXTREMES
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)

_VENDOR = {
    "name": "Fuzz Vendor",
    "accountType": "BUSINESS",
    "email": "ap@fuzz.example",
    "address": {
        "line1": "1 Market St",
        "city": "San Francisco",
        "stateOrProvince": "CA",
        "zipOrPostalCode": "94105",
        "country": "US",
    },
    "paymentInformation": {
        "payeeName": "Fuzz",
        "bankAccount": {
            "nameOnAccount": "Fuzz",
            "accountNumber": "000123456789",
            "routingNumber": "011000015",
            "type": "CHECKING",
            "ownerType": "BUSINESS",
        },
    },
}


def _templates(vendor_id: str, bill_id: str) -> dict[str, dict]:
    """A valid body per endpoint; the fuzz replaces one leaf of it."""
    bill = {
        "vendorId": vendor_id,
        "dueDate": "2026-04-01",
        "invoice": {"invoiceNumber": "F-1", "invoiceDate": "2026-03-01"},
        "billLineItems": [{"amount": Decimal("10.00"), "description": "x"}],
    }
    payment = {
        "billId": bill_id,
        "amount": Decimal("1.00"),
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": seed.VERIFIED_BANK_ID},
        "processingOptions": {"requestPayFaster": False},
        # past BILL's 2-business-day wait for the vendor's bank account, just added
        "processDate": add_business_days(TEST_TODAY, 3).isoformat(),
    }
    return {
        "login": {
            "username": seed.USERNAME,
            "password": "wrong-" + seed.PASSWORD,
            "organizationId": seed.ORGANIZATION_ID,
            "devKey": seed.DEV_KEY,
        },
        "mfa_validate": {"challengeId": "x", "token": "123456", "rememberMe": True, "device": "d"},
        "mfa_step_up": {"rememberMeId": "x", "device": "d"},
        "mfa_challenge": {"useBackup": False},
        "create_vendor": _VENDOR,
        "update_vendor": {"name": "Renamed"},
        "create_vendor_bank_account": _VENDOR["paymentInformation"]["bankAccount"],
        "create_bill": bill,
        "update_bill": {"dueDate": "2026-05-01"},
        "create_payment": payment,
        "bulk_create_payments": {"payments": [payment]},
        "add_fault": {"path": "/v3/vendors", "status": 503, "count": 1},
        "set_limits": {"concurrentRequests": 3},
        "seed_vendors": {"count": 1, "namePrefix": "Fz"},
        **_issue25_templates(vendor_id, bill_id),
    }


def _issue25_templates(vendor_id: str, bill_id: str) -> dict[str, object]:
    """Approvals, recurring bills, organization and bank upkeep (issue 25)."""
    policy = {
        "policyName": "Fuzz policy",
        "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["1000"]}],
        "approvers": [seed.USER_ID],
    }
    recurring = {
        "vendorId": vendor_id,
        "schedule": {"period": "MONTHLY", "frequency": 1, "nextDueDate": "2026-04-01"},
        "recurringBillLineItems": [{"amount": Decimal("19.99"), "description": "x"}],
    }
    return {
        "create_approval_policy": policy,
        "replace_approval_policy": policy,
        "bill_approval_actions": [{"billId": bill_id, "action": "APPROVE", "comment": "ok"}],
        "create_recurring_bill": recurring,
        "replace_recurring_bill": recurring,
        "update_recurring_bill": {"description": "Renamed"},
        "update_organization": {"address": {"zipOrPostalCode": "95002"}},
        "update_bank": {"ownerType": "PERSONAL"},
    }


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    yield path


def _replace(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


@st.composite
def bodies(draw, template):
    """Random JSON, or the endpoint's valid body with one leaf (or the whole) replaced."""
    if template is None or draw(st.booleans()):
        return draw(JSON)
    path = draw(st.sampled_from(list(_leaves(template))))
    return _replace(template, path, draw(EXTREMES | JSON))


def _filter_text():
    kinds = sorted({name for fields in FIELDS.values() for name in fields})
    term = st.tuples(
        st.sampled_from(kinds) | st.text(max_size=8),
        st.sampled_from(OPERATORS) | st.text(max_size=4),
        st.sampled_from(["2026-13-45", '"2026-02-30T25:00"', "true", "١٢", "0001-01-01", "x"])
        | st.text(max_size=12),
    ).map(lambda t: ":".join(t))
    return st.lists(term, min_size=1, max_size=3).map(",".join)


QUERIES = st.dictionaries(
    st.sampled_from(["max", "page", "filters", "sort"]) | st.text(max_size=6),
    st.text(max_size=20) | _filter_text() | st.sampled_from(["9" * 5000, "١٠", "-1", "0"]),
    max_size=3,
)
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    w = Wsgi(tmp_path_factory.mktemp("fuzz"))
    vendor = w.call("POST", "/v3/vendors", _VENDOR).json["id"]
    bill_body = _templates(vendor, "")["create_bill"]
    bill = w.call("POST", "/v3/bills", json.loads(to_json(bill_body))).json["id"]
    w.templates = _templates(vendor, bill)
    payment_body = json.loads(to_json(w.templates["create_payment"]))
    payment = w.call("POST", "/v3/payments", payment_body).json["id"]
    w.ids = {"vendor_id": vendor, "bill_id": bill, "bank_id": seed.VERIFIED_BANK_ID}
    w.ids["payment_id"] = payment
    # webhook ids are UUIDs; unknown ones answer BILL's 404, which the properties cover too
    w.ids["sub_id"] = "0b6f2c1e-8d4a-4f3b-9c2d-5e7a1b3c4d5e"
    w.ids["event_id"] = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    w.ids["bank_user_id"] = w.call("GET", "/v3/funding-accounts/banks/users").json["results"][0][
        "id"
    ]
    credit = {"vendorId": vendor, "referenceNumber": "FUZZ", "creditDate": "2026-03-01"}
    credit["vendorCreditLineItems"] = [{"amount": 5}]  # issue 25: vendor credits
    w.ids["credit_id"] = w.call("POST", "/v3/vendor-credits", credit).json["id"]
    # classifications, attachments and documents (issue 25)
    w.ids["segment"] = "departments"
    w.ids["obj_id"] = w.call("POST", "/v3/classifications/departments", {"name": "D"}).json["id"]
    pdf = b"%PDF-1.4\n%%EOF\n"
    upload = f"/v3/attachments/vendors/{vendor}"
    attachment = w.call("POST", upload, raw=pdf, query="name=a.pdf").json["id"]
    w.ids["attachment_id"] = w.ids["file_id"] = attachment
    upload_id = w.call("POST", f"/v3/documents/bills/{bill}", raw=pdf, query="name=b.pdf").json
    status = w.call("GET", "/v3/documents/upload-status", query=f"ids={upload_id['id']}")
    w.ids["document_id"] = status.json[0]["documentId"]
    issue25 = w.templates
    w.ids["policy_id"] = w.call(
        "POST", "/v3/bill-approvals/policies", issue25["create_approval_policy"]
    ).json["id"]
    recurring = json.loads(to_json(issue25["create_recurring_bill"]))
    w.ids["rb_id"] = w.call("POST", "/v3/recurringbills", recurring).json["id"]
    w.ids["org_id"] = seed.ORGANIZATION_ID
    try:
        yield w
    finally:
        w.close()


def _path(rule, ids, draw_id) -> str:
    path = rule.rule
    for arg in rule.arguments:  # ``<vendor_id>`` or, with a converter, ``<id:vendor_id>``
        value = quote(draw_id(ids[arg]), safe="")
        path = re.sub(rf"<(?:\w+:)?{arg}>", lambda _m, v=value: v, path)
    assert "<" not in path, path
    return path


def _check(w, resp, before) -> None:
    """The properties every answer has."""
    text = resp.get_data(as_text=True)
    assert resp.status_code < 500, (resp.status_code, text[:300])
    assert "Traceback" not in text
    if resp.status_code >= 400:
        err = assert_bill_error(resp)
        for secret in (seed.DEV_KEY, seed.PASSWORD, w.session_id):
            assert secret not in err["message"], err
        assert w.counts() == before, f"a {resp.status_code} created something: {err}"
    elif resp.status_code == 204 or not text:
        assert not text and resp.status_code in (200, 204), (resp.status_code, text[:300])
    elif resp.headers.get("Content-Disposition", "").startswith("attachment"):  # a download
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    else:
        json.loads(text)


def _restore(w) -> None:
    """Undo what a successful control call changed, so the next example starts the same."""
    w.call("DELETE", "/_emulator/faults")
    w.put("/_emulator/limits", {"concurrentRequests": 4})
    if w.call("GET", "/v3/login/session").status_code != 200:
        w.sign_in()


@pytest.mark.parametrize(
    "rule", RULES, ids=lambda r: f"{'|'.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))}-{r.endpoint}"
)
@FUZZ
@given(data=st.data())
def test_endpoint_answers_2xx_or_a_bill_4xx(fuzz, rule, data):
    method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    path = _path(
        rule,
        fuzz.ids,
        lambda real: data.draw(st.sampled_from([real]) | st.text(min_size=1, max_size=30)),
    )
    body = data.draw(bodies(fuzz.templates.get(rule.endpoint)))
    query = data.draw(QUERIES) if method == "GET" else data.draw(st.just({}) | QUERIES)
    headers = fuzz.headers()
    if data.draw(st.integers(0, 4)) == 0:  # now and then, headers of its own
        headers = data.draw(
            st.dictionaries(
                st.sampled_from(["devKey", "sessionId", "Content-Type", "X-Any"]), HEADER_TEXT
            )
        )
    before = fuzz.counts()
    resp = fuzz.call(
        method, path, raw=to_json(body).encode(), query=urlencode(query), headers=headers
    )
    _check(fuzz, resp, before)
    _restore(fuzz)


@FUZZ
@given(seconds=EXTREMES | JSON | st.integers(-(10**12), 10**12))
def test_clock_control_answers_2xx_or_4xx_and_reset_always_works(fuzz, seconds):
    before = fuzz.counts()
    resp = fuzz.call("POST", "/_emulator/clock", raw=to_json({"advanceSeconds": seconds}).encode())
    _check(fuzz, resp, before)
    assert fuzz.call("GET", "/_emulator/clock").status_code == 200
    assert fuzz.call("POST", "/_emulator/reset").status_code == 200
    assert fuzz.app.backend.store.clock_offset_ms() == 0
    fuzz.sign_in()


@FUZZ
@given(length=st.text(max_size=8) | st.sampled_from(["-5", "+5", "5_0", "١", "1" * 30]))
def test_any_content_length_is_2xx_or_a_bill_4xx(fuzz, length):
    before = fuzz.counts()
    resp = fuzz.call("POST", "/_emulator/faults", raw=b"{}", environ={"CONTENT_LENGTH": length})
    _check(fuzz, resp, before)
