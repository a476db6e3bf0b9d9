"""Issue 15, the emulator as a server: framing, extreme values, the clock, file permissions.

Each case once gave a 500 ``BDC_1001``, a dropped connection, a smuggled request or readable
secrets. Framing is tested over a raw socket (only the server reads it); values through the WSGI
app (werkzeug's test client), with raw bodies no JSON library would write.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import stat

import pytest
from emulator_helpers import Api
from wsgi_helpers import Wsgi, assert_bill_error

from bill_emulator import EmulatorServer

ARABIC_8 = "١٢٣٤٥٦٧٨"  # 12345678 in Arabic-Indic digits: str.isdigit() says True
VENDOR = {
    "name": "Acme",
    "accountType": "BUSINESS",
    "address": {
        "line1": "1 Market St",
        "city": "San Francisco",
        "stateOrProvince": "CA",
        "zipOrPostalCode": "94105",
        "country": "US",
    },
}


@pytest.fixture
def wsgi(tmp_path):
    w = Wsgi(tmp_path / "data")
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def vendor_id(wsgi):
    resp = wsgi.call("POST", "/v3/vendors", VENDOR)
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _bill_raw(vendor_id: str, line: str) -> bytes:
    return (
        f'{{"vendorId":"{vendor_id}","dueDate":"2026-04-01",'
        f'"invoice":{{"invoiceNumber":"X-1","invoiceDate":"2026-03-01"}},'
        f'"billLineItems":[{line}]}}'
    ).encode()


# -- framing: refused and the connection closed, nothing smuggled -------------------------------

_SMUGGLED = b"POST /_emulator/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"


def _exchange(url: str, data: bytes) -> bytes:
    """Send ``data`` on one connection and read until the server closes it (5 s at most)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize(
    "framing",
    [
        pytest.param(b"Content-Length: abc", id="letters"),
        pytest.param(b"Content-Length: 5, 6", id="two-values-in-one"),
        pytest.param(b"Content-Length: 5\r\nContent-Length: 6", id="two-values-twice"),
        pytest.param(b"Content-Length: -5", id="negative"),
        pytest.param(b"Content-Length: +5", id="plus"),
        pytest.param("Content-Length: ٥".encode(), id="arabic-digit"),
        pytest.param(b"Content-Length : 5", id="space-before-colon"),
        pytest.param(b"Transfer-Encoding: xchunked", id="te-xchunked"),
        pytest.param(b"Transfer-Encoding: gzip, chunked", id="te-gzip-chunked"),
        pytest.param(b"Transfer-Encoding: chunked\r\nContent-Length: 5", id="te-and-length"),
    ],
)
def test_bad_framing_is_refused_and_the_connection_closed(signed_in, framing):
    """Before: a 400 on an open connection, whose unread bytes ran as the next request."""
    created = signed_in.post("/v3/vendors", VENDOR).json()["id"]
    head = b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n\r\n"
    received = _exchange(signed_in.url, head + _SMUGGLED)
    assert received.startswith(b"HTTP/1.1 400 ")
    assert received.count(b"HTTP/1.1 ") == 1, received  # one answer; the rest was not read
    assert b"reset" not in received
    assert signed_in.get(f"/v3/vendors/{created}").status_code == 200  # no reset ran


def test_malformed_chunked_body_is_refused_and_closed(signed_in):
    head = b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    received = _exchange(signed_in.url, head + b"zz\r\nhello\r\n0\r\n\r\n" + _SMUGGLED)
    assert received.startswith(b"HTTP/1.1 400 ") and received.count(b"HTTP/1.1 ") == 1


@pytest.mark.parametrize(
    "framing",
    [
        pytest.param(b"Content-Length: 2, 2", id="one-value-listed-twice"),
        pytest.param(b"Content-Length: 2\r\ncontent-length: 2", id="one-value-given-twice"),
    ],
)
def test_one_length_repeated_is_framed_once(server, framing):
    """RFC 9110 8.6 lets a server read ``2, 2`` as 2 (h11 does): the body is the next 2 bytes
    and the request after it is read whole, so nothing is smuggled."""
    first = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n\r\n{}"
    last = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    received = _exchange(server.url, first + last)
    assert received.count(b"HTTP/1.1 200 OK") == 2, received
    assert received.count(b"HTTP/1.1 ") == 2, received


def test_good_framing_still_keeps_the_connection_alive(server):
    one = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    last = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    received = _exchange(server.url, one + one + last)
    assert received.count(b"HTTP/1.1 200 OK") == 3


@pytest.mark.parametrize(
    "request_head",
    [
        pytest.param(b"POST /_emulator/faults HTTP/2.0\r\nHost: x\r\n", id="http-2.0"),
        pytest.param(b"POST /_emulator/faults HTTP/1.2\r\nHost: x\r\n", id="http-1.2"),
        pytest.param(
            b"POST /_emulator/faults HTTP/1.0\r\nTransfer-Encoding: chunked\r\n", id="te-http-1.0"
        ),
        pytest.param(b"POST /_emulator/faults HTTP/1.1\r\n", id="no-host"),
        pytest.param(b"POST /_emulator/faults\r\nHost: x\r\n", id="no-version"),
        pytest.param(b"POST  /_emulator/faults HTTP/1.1\r\nHost: x\r\n", id="two-spaces"),
        pytest.param(b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nBad\r\n", id="no-colon"),
        pytest.param(
            b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Transfer-Encoding: chunked\r\n",
            id="te-twice",
        ),
        pytest.param(
            b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\ncontent-LENGTH: 5\r\n"
            b"Content-Length: 6\r\n",
            id="two-lengths-mixed-case",
        ),
    ],
)
def test_unusable_request_heads_are_400_in_bills_envelope_and_closed(signed_in, request_head):
    """Issue 22: h11 reads the head; what it or the emulator refuses is one 400, then close."""
    created = signed_in.post("/v3/vendors", VENDOR).json()["id"]
    received = _exchange(signed_in.url, request_head + b"\r\n" + _SMUGGLED)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), received
    assert b"\r\nConnection: close" in head
    assert received.count(b"HTTP/1.1 ") == 1, received
    assert json.loads(body)[0]["code"] == "BDC_1001"
    assert signed_in.get(f"/v3/vendors/{created}").status_code == 200  # no reset ran


def test_an_oversized_request_head_is_431_and_closed(server):
    """A head still unfinished after 64 KiB is refused, not buffered further."""
    head = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000
    received = _exchange(server.url, head)
    assert received.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), received
    assert received.count(b"HTTP/1.1 ") == 1


def test_a_body_cut_short_is_refused(server):
    """Content-Length promises more than arrives before the client stops sending."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 400 "), received
    assert b"ended before its Content-Length" in received


def test_an_oversized_chunked_body_is_refused_and_closed(server):
    """The limit holds without a Content-Length: reading stops past MAX_BODY."""
    head = b"POST /v3/vendors HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n" % 100_000 + b"a" * 100_000 + b"\r\n"
    received = _exchange(server.url, head + chunk * 11 + b"0\r\n\r\n" + _SMUGGLED)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in head
    assert json.loads(body)[0]["message"] == "Request body is too large."
    assert received.count(b"HTTP/1.1 ") == 1


def test_negative_content_length_refused_by_the_app(wsgi):
    """Another server's environ: ``int("-5")`` passed, and an empty-bodied reset ran."""
    wsgi.call("POST", "/v3/vendors", VENDOR)
    before = wsgi.counts()
    resp = wsgi.call("POST", "/_emulator/reset", environ={"CONTENT_LENGTH": "-5"})
    assert assert_bill_error(resp)["message"] == "Content-Length is not a number."
    assert wsgi.counts() == before


# -- extreme values: BILL's 4xx naming the field, nothing created -------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param('{"amount":1e999999}', "billLineItems[0].amount: is too large", id="1e999999"),
        pytest.param(
            '{"amount":-1e999999}', "billLineItems[0].amount: must be greater than 0", id="neg"
        ),
        pytest.param(
            '{"amount":' + "9" * 5000 + "}",
            "billLineItems[0].amount: is too large",
            id="5000-digits",
        ),
        pytest.param(
            '{"amount":1e-999999}',
            "billLineItems[0].amount: must have at most 2 decimal places",
            id="tiny",
        ),
        pytest.param(
            '{"quantity":1e999999,"price":5}', "billLineItems[0].quantity: ", id="quantity-huge"
        ),
        pytest.param(
            '{"amount":5,"description":"\\ud800"}',
            "billLineItems[0].description: holds a lone UTF-16 surrogate",
            id="lone-surrogate",
        ),
        pytest.param(
            '{"amount":5,"\\udfff":1}', "billLineItems[0]: has a key holding", id="surrogate-key"
        ),
        pytest.param('{"amount":NaN}', "Request body is not valid JSON (NaN", id="nan"),
        pytest.param('{"amount":Infinity}', "Request body is not valid JSON (Inf", id="infinity"),
        pytest.param("[" * 50_000 + "]" * 50_000, "Request body is nested more", id="deep-50000"),
        pytest.param("[" * 500 + "]" * 500, "billLineItems[0]", id="deep-500"),
    ],
)
def test_extreme_bill_values_are_4xx_naming_the_field(wsgi, vendor_id, line, message):
    before = wsgi.counts()
    resp = wsgi.call("POST", "/v3/bills", raw=_bill_raw(vendor_id, line))
    err = assert_bill_error(resp)
    assert err["message"].startswith(message), err
    assert wsgi.counts() == before


def test_payment_amount_1e999999_is_4xx(wsgi, vendor_id):
    bill = wsgi.call("POST", "/v3/bills", raw=_bill_raw(vendor_id, '{"amount":10}')).json["id"]
    before = wsgi.counts()
    raw = (
        f'{{"billId":"{bill}","amount":1e999999,"processingOptions":{{}},'
        '"fundingAccount":{"type":"BANK_ACCOUNT","id":"bac01DEMOVERIFIED001"}}'
    ).encode()
    err = assert_bill_error(wsgi.call("POST", "/v3/payments", raw=raw))
    assert err["message"] == "amount: is too large"
    assert wsgi.counts() == before


def test_lone_surrogate_in_a_control_body_is_4xx(wsgi):
    raw = b'{"path":"/v3/\\ud800","status":500}'
    err = assert_bill_error(wsgi.call("POST", "/_emulator/faults", raw=raw))
    assert err["message"].startswith("path: holds a lone UTF-16 surrogate")
    assert wsgi.counts()["faults"] == 0


def _token(offset) -> str:
    """A forged page token of the unfiltered vendor list (its real fingerprint)."""
    fingerprint = hashlib.sha256(b"vendor||").hexdigest()[:12]
    raw = json.dumps({"o": offset, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        pytest.param("/v3/vendors", "max=" + "9" * 5000, "max", id="max-5000-digits"),
        pytest.param("/v3/vendors", "max=%D9%A1%D9%A0", "max", id="max-arabic-digits"),
        pytest.param("/v3/bills", "filters=dueDate:eq:2026-13-45", "filters", id="date-13-45"),
        pytest.param("/v3/bills", "filters=dueDate:gt:2026-02-30", "filters", id="date-02-30"),
        pytest.param(
            "/v3/bills", "filters=dueDate:eq:%D9%A2%D9%A0%D9%A2%D9%A6-01-01", "filters", id="arabic"
        ),
        pytest.param(
            "/v3/vendors",
            "filters=createdTime:gt:%222026-13-45T00:00%22",
            "filters",
            id="time-13-45",
        ),
        pytest.param(
            "/v3/vendors",
            "filters=createdTime:gt:%220001-01-01T00:00:00.000%2B05:00%22",
            "filters",
            id="time-before-year-1",
        ),
        pytest.param(
            "/v3/payments",
            "filters=createdTime:lt:%229999-12-31T23:59:59.000-05:00%22",
            "filters",
            id="time-after-9999",
        ),
        pytest.param("/v3/vendors", "page=" + _token(10**30), "page", id="page-offset-10e30"),
        pytest.param("/v3/vendors", "page=" + _token(2**63), "page", id="page-offset-2e63"),
        pytest.param("/v3/vendors", "page=eyJvIjpJbmZpbml0eSwiZiI6IngifQ", "page", id="page-inf"),
        pytest.param("/v3/vendors", "page=" + _token("12"), "page", id="page-offset-text"),
        pytest.param(
            "/v3/vendors",
            "page=" + base64.urlsafe_b64encode(b"[" * 30000).decode(),
            "page",
            id="page-deep",
        ),
    ],
)
def test_extreme_list_queries_are_400_naming_the_parameter(wsgi, path, query, field):
    err = assert_bill_error(wsgi.call("GET", path, query=query))
    assert err["message"].startswith(f"{field}: "), err


# -- non-ASCII digits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank", "field"),
    [
        pytest.param({"accountNumber": ARABIC_8}, "accountNumber", id="account-number"),
        pytest.param({"routingNumber": "٠١١٠٠٠٠١٥"}, "routingNumber", id="routing-number"),
        pytest.param({"routingNumber": "01100001٥"}, "routingNumber", id="routing-checksum"),
    ],
)
def test_non_ascii_digits_refused_in_bank_numbers(wsgi, bank, field):
    account = {
        "nameOnAccount": "Acme",
        "accountNumber": "000123456789",
        "routingNumber": "011000015",
        "type": "CHECKING",
        "ownerType": "BUSINESS",
        **bank,
    }
    body = {**VENDOR, "paymentInformation": {"payeeName": "Acme", "bankAccount": account}}
    before = wsgi.counts()
    err = assert_bill_error(wsgi.call("POST", "/v3/vendors", body))
    assert err["message"].startswith(f"paymentInformation.bankAccount.{field}: "), err
    assert wsgi.counts() == before


def test_non_ascii_digits_refused_as_mfa_token(wsgi):
    challenge = wsgi.call("POST", "/v3/mfa/challenge", {}).json["challengeId"]
    body = {"challengeId": challenge, "token": "١٢٣٤٥٦"}
    err = assert_bill_error(wsgi.call("POST", "/v3/mfa/challenge/validate", body))
    assert err["message"] == "token: must be the 6-digit code sent to your phone"


# -- the clock -------------------------------------------------------------------------------


def _advance(wsgi, seconds):
    return wsgi.call("POST", "/_emulator/clock", {"advanceSeconds": seconds})


def test_clock_takes_months_at_once_but_not_over_a_year(wsgi):
    assert _advance(wsgi, 90 * 86400).status_code == 200
    err = assert_bill_error(_advance(wsgi, 367 * 86400))
    assert err["message"].startswith("advanceSeconds: must be a number of seconds from 0 to")


def test_clock_stays_within_ten_years_and_reset_brings_it_back(wsgi):
    """Before: a few hundred advances passed year 9999, then every answer dropped."""
    for _ in range(9):
        assert _advance(wsgi, 366 * 86400).status_code == 200
    err = assert_bill_error(_advance(wsgi, 366 * 86400))
    assert err["message"].startswith("advanceSeconds: would put the clock more than 10 years")
    assert _advance(wsgi, 60).status_code == 200  # what still fits is allowed
    assert wsgi.call("POST", "/_emulator/reset").status_code == 200
    assert wsgi.app.backend.store.clock_offset_ms() == 0


def test_reset_works_with_a_clock_left_past_year_9999(wsgi):
    """An offset written by an earlier version: errors, the clock and reset still answer."""
    store = wsgi.app.backend.store
    with store.write():
        store.advance_clock(300_000 * 365 * 86400 * 1000)  # far past year 9999
    assert wsgi.call("GET", "/_emulator/clock").status_code == 200
    assert_bill_error(wsgi.call("GET", "/v3/vendors/00901SBX999999999999"))
    assert wsgi.call("POST", "/_emulator/reset").status_code == 200
    assert store.clock_offset_ms() == 0


# -- owner-only files ------------------------------------------------------------------------


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_data_dir_and_files_are_owner_only(tmp_path):
    with EmulatorServer(tmp_path / "emu") as srv:
        api = Api(srv.url)
        assert api.login().status_code == 200  # a write: the WAL and shared memory exist
        api.close()
        names = sorted(os.listdir(srv.data_dir))
        assert {"emulator.sqlite3", "emulator.sqlite3-wal", "server.json"} <= set(names)
        assert _mode(srv.data_dir) == 0o700
        assert {n: _mode(srv.data_dir / n) for n in names} == dict.fromkeys(names, 0o600)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_shared_folder_is_not_chmodded_a_private_subfolder_is_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("someone else's")
    os.chmod(shared, 0o755)  # noqa: S103 - a shared folder is the case
    with EmulatorServer(shared) as srv:
        assert srv.data_dir == shared / f"bill-emulator-{os.getuid()}"
        assert _mode(shared) == 0o755
        assert _mode(srv.data_dir) == 0o700
        from bill_emulator import datadir

        assert datadir.resolve(shared) == srv.data_dir  # what the launcher looks at


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_earlier_versions_readable_data_dir_is_tightened(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "emulator.sqlite3").touch()
    os.chmod(old / "emulator.sqlite3", 0o644)
    os.chmod(old, 0o755)  # noqa: S103 - as an earlier version left it
    from bill_emulator import datadir

    assert datadir.prepare(old) == old
    assert (_mode(old), _mode(old / "emulator.sqlite3")) == (0o700, 0o600)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_symlinked_subfolder_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "other").touch()
    os.chmod(shared, 0o755)  # noqa: S103 - a shared folder is the case
    (shared / f"bill-emulator-{os.getuid()}").symlink_to(tmp_path)
    from bill_emulator import datadir

    with pytest.raises(PermissionError):
        datadir.prepare(shared)
