"""A scripted transport for pipeline tests that need exact control (no sockets).

Only what the real emulator cannot force deterministically lives behind this: each queued answer
is a status + JSON body, or an exception to raise (a timeout, a dropped connection). Like every
HTTP server it dates its answers (``Date``: the test world's :data:`TEST_START`), and like the
emulator it tells its clock at ``GET /_emulator/clock`` unless a test scripts that path.
"""

from __future__ import annotations

import email.utils

import requests
from requests.adapters import BaseAdapter
from world_clock import TEST_START

from billhelpers.rules import money


class FakeBill(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.script: dict[tuple[str, str], list] = {}
        self.calls: list[tuple[str, str, dict, bytes | None]] = []

    def on(self, method: str, path: str, *answers):
        self.script.setdefault((method, path), []).extend(answers)
        return self

    def send(self, request, **kwargs):
        path = request.path_url.split("?")[0]
        self.calls.append((request.method, request.path_url, dict(request.headers), request.body))
        queue = self.script.get((request.method, path))
        if not queue and (request.method, path) == ("GET", "/_emulator/clock"):
            queue = [(200, {"now": TEST_START.isoformat(), "today": TEST_START.date().isoformat()})]
        if not queue:
            answer = (404, [{"code": "BDC_1121", "message": "API not supported."}])
        else:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer(request)
        status, body = answer
        resp = requests.Response()
        resp.status_code = status
        resp.reason = {
            200: "OK",
            401: "Unauthorized",
            429: "Too Many Requests",
            500: "Internal Server Error",
            503: "Service Unavailable",
        }.get(status, "")
        resp._content = money.dumps(body).encode() if body is not None else b""
        resp.headers["Content-Type"] = "application/json"
        resp.headers["Date"] = email.utils.format_datetime(TEST_START, usegmt=True)
        resp.url = request.url
        resp.request = request
        return resp

    def close(self):
        pass


def error(code, message, status):
    return (
        status,
        [
            {
                "timestamp": "2026-01-01T00:00:00.000+00:00",
                "code": code,
                "severity": "ERROR",
                "category": "DOWNSTREAM",
                "message": message,
            }
        ],
    )


LOGIN_OK = (
    200,
    {
        "sessionId": "sess-one-0123456789",
        "organizationId": "00801DEMOORG00000001",
        "userId": "00601DEMOUSER0000001",
        "trusted": False,
    },
)
EXPIRED = error("BDC_1109", "Session is invalid.  Please log in.", 401)
