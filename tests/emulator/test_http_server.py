"""EmulatorServer, the launcher and the command line, with real sockets on 127.0.0.1:0."""

from __future__ import annotations

import email.utils
import json
import socket
import subprocess
import sys
import threading

import pytest
import requests
from emulator_helpers import Api, vendor_body

from bill_emulator import EmulatorServer, launcher


@pytest.fixture
def launched():
    """Stop whatever the launcher started in this test."""
    try:
        yield launcher
    finally:
        launcher.stop_started()


def _health(url: str) -> dict:
    return requests.get(url + "/_emulator/health", timeout=5).json()


def test_server_listens_on_loopback_port(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert not server.url.endswith("/")
    assert _health(server.url)["status"] == "ok"


def test_server_records_server_json_and_removes_it(tmp_path):
    srv = EmulatorServer(tmp_path / "d").start()
    record = json.loads((tmp_path / "d" / "server.json").read_text())
    assert record["url"] == srv.url and record["instance"] == srv.instance
    srv.stop()
    assert not (tmp_path / "d" / "server.json").exists()


def test_server_stop_closes_keep_alive_connections(tmp_path):
    with EmulatorServer(tmp_path / "d") as srv:
        http = requests.Session()
        assert http.get(srv.url + "/_emulator/health", timeout=5).status_code == 200
        url = srv.url
    with pytest.raises(requests.ConnectionError):
        http.get(url + "/_emulator/health", timeout=5)


def test_two_servers_are_independent(tmp_path):
    with EmulatorServer(tmp_path / "a") as a, EmulatorServer(tmp_path / "b") as b:
        assert a.url != b.url
        assert _health(a.url)["instance"] != _health(b.url)["instance"]


def test_ensure_emulator_starts_one_and_reuses_it(launched, tmp_path):
    url = launched.ensure_emulator(tmp_path / "d")
    assert _health(url)["status"] == "ok"
    assert launched.ensure_emulator(tmp_path / "d") == url
    assert launched.ensure_emulator(str(tmp_path / "d") + "/") == url


def test_ensure_emulator_is_thread_safe(launched, tmp_path):
    urls = []
    threads = [
        threading.Thread(target=lambda: urls.append(launched.ensure_emulator(tmp_path / "d")))
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(urls)) == 1


def test_ensure_emulator_reuses_a_running_server(launched, server):
    assert launched.ensure_emulator(server.data_dir) == server.url


def test_ensure_emulator_ignores_a_stale_record(launched, tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    stale = {"url": "http://127.0.0.1:9", "pid": 1, "instance": "gone"}
    (data / "server.json").write_text(json.dumps(stale))
    url = launched.ensure_emulator(data)
    assert url != stale["url"]
    assert _health(url)["status"] == "ok"


def test_ensure_emulator_ignores_a_record_whose_port_now_speaks_something_else(launched, tmp_path):
    # A killed kernel leaves server.json behind; its port may since belong to a non-HTTP
    # program (a kernel's ZMQ socket greets with 0xFF bytes).
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def greet():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)  # the health request, read so the close is not a reset
            conn.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03\x00NULL\n")
            conn.recv(65536)  # stay open until the client hangs up, as a ZMQ peer would

    thread = threading.Thread(target=greet, daemon=True)
    thread.start()
    data = tmp_path / "d"
    data.mkdir()
    stale = {"url": f"http://127.0.0.1:{port}", "pid": 1, "instance": "gone"}
    (data / "server.json").write_text(json.dumps(stale))
    try:
        url = launched.ensure_emulator(data)
    finally:
        thread.join(timeout=5)
        listener.close()
    assert url != stale["url"]
    assert _health(url)["status"] == "ok"


def test_ensure_emulator_never_reuses_a_non_loopback_url(launched, tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "server.json").write_text(json.dumps({"url": "http://example.com:80"}))
    assert launched.ensure_emulator(data).startswith("http://127.0.0.1:")


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_cli_prints_the_url_and_serves(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "bill_emulator", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("BILL emulator listening on http://127.0.0.1:")
        assert _health(line.rsplit(" ", 1)[1])["status"] == "ok"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    assert not (tmp_path / "server.json").exists()


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_cli_fresh_org_writes_owner_only_credentials_and_prints_no_secret(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "bill_emulator", "--port", "0", "--data-dir", str(tmp_path)]
        + ["--fresh-org"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        line = proc.stdout.readline().strip()
        creds_file = tmp_path / "fresh-organization.json"
        assert line.startswith("Fresh organization 008") and line.endswith(str(creds_file))
        assert creds_file.stat().st_mode & 0o077 == 0
        creds = json.loads(creds_file.read_text())
        assert creds["password"] not in line and creds["devKey"] not in line
        login = {k: creds[k] for k in ("username", "password", "organizationId", "devKey")}
        resp = requests.post(url + "/v3/login", json=login, timeout=5)
        assert resp.status_code == 200
        phones = requests.get(
            url + "/v3/mfa/phones",
            headers={"devKey": creds["devKey"], "sessionId": resp.json()["sessionId"]},
            timeout=5,
        )
        assert phones.json() == {"results": []}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_cli_help_documents_the_options():
    out = subprocess.run(
        [sys.executable, "-m", "bill_emulator", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for text in ("--host", "--port", "--data-dir", "--fresh-org", "127.0.0.1", "/_emulator/"):
        assert text in out


def test_oversized_body_is_refused_unread(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            b"POST /v3/vendors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2000000\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in head
    assert json.loads(body)[0]["message"] == "Request body is too large."


def test_chunked_body_is_read_whole(signed_in):
    def chunks():
        yield b'{"name": "Chunky", '
        yield b'"address": {"country": "US"}}'

    resp = signed_in.http.post(
        signed_in.url + "/v3/vendors", data=chunks(), headers=signed_in.headers(), timeout=10
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["name"] == "Chunky"
    assert signed_in.get("/v3/login/session").status_code == 200  # the connection still works


def test_two_servers_on_one_data_dir_share_the_organization(server):
    with EmulatorServer(server.data_dir) as other:
        first, second = Api(server.url), Api(other.url)
        assert first.login().status_code == 200
        second.session_id = first.session_id  # the session lives in the shared store
        vendor = second.post("/v3/vendors", vendor_body()).json()
        assert first.get(f"/v3/vendors/{vendor['id']}").json()["name"] == vendor["name"]
        first.close()
        second.close()


# -- issue 22: h11 frames the connection; what the hand-written parser did still holds -----------


def _connect(server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_expect_100_continue_is_answered_before_the_body(signed_in):
    body = json.dumps(vendor_body()).encode()
    head = (
        "POST /v3/vendors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"devKey: {signed_in.headers()['devKey']}\r\nsessionId: {signed_in.session_id}\r\n"
        f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with _connect(signed_in) as sock:
        sock.sendall(head)
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"  # nothing else before it
        sock.sendall(body)
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n"), answer


def test_expect_100_continue_with_a_body_too_large_is_refused_without_continue(server):
    with _connect(server) as sock:
        sock.sendall(
            b"POST /v3/vendors HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 2000000\r\n\r\n"
        )
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer
    assert b"100 Continue" not in answer


def test_head_is_answered_without_a_body_and_the_connection_kept(server):
    with _connect(server) as sock:
        sock.sendall(
            b"HEAD /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        answer = _read_until_closed(sock)
    first, _, rest = answer.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200 OK\r\n") and b"Content-Length: " in first
    assert rest.startswith(b"HTTP/1.1 200 OK\r\n")  # the HEAD answer carried no body


def test_http_1_0_is_answered_and_closed(server):
    with _connect(server) as sock:
        sock.sendall(b"GET /_emulator/health HTTP/1.0\r\n\r\n")
        answer = _read_until_closed(sock)  # the server closes: HTTP/1.0 has no keep-alive here
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["status"] == "ok"


def test_date_header_follows_the_emulators_clock(signed_in):
    before = signed_in.get("/v3/login/session")
    assert signed_in.post("/_emulator/clock", {"advanceSeconds": 3 * 86400}).status_code == 200
    after = signed_in.get("/v3/login/session")
    day = email.utils.parsedate_to_datetime
    assert (day(after.headers["Date"]) - day(before.headers["Date"])).days == 3


def test_a_dropped_connection_fault_closes_without_an_answer(signed_in):
    fault = {"path": "/v3/login/session", "method": "GET", "drop": True}
    assert signed_in.post("/_emulator/faults", fault).status_code == 200
    head = (
        f"GET /v3/login/session HTTP/1.1\r\nHost: x\r\ndevKey: {signed_in.headers()['devKey']}\r\n"
        f"sessionId: {signed_in.session_id}\r\n\r\n"
    ).encode()
    with _connect(signed_in) as sock:
        sock.sendall(head)
        assert _read_until_closed(sock) == b""
