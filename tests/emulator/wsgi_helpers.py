"""Calling the emulator's WSGI app without sockets (werkzeug's test ``Client``), with raw bodies.

Raw bytes, not ``json=``: the hardening and fuzz tests send what no JSON library writes (``NaN``,
``1e999999``, a lone ``\\ud800``, 50,000 brackets).
"""

from __future__ import annotations

import json
import sqlite3

from werkzeug.test import Client
from world_clock import TEST_START

from bill_emulator import seed
from bill_emulator.app import make_app

#: What "created" means for the nothing-created checks: rows a refused call must never add.
COUNTED_TABLES = ("objects", "sessions", "challenges", "remembered", "faults")
ERROR_KEYS = {"timestamp", "code", "severity", "category", "message"}
#: BILL adds these where they apply (a field error names the field in ``params``).
OPTIONAL_ERROR_KEYS = {"params", "detail", "help"}


class Wsgi:
    """The app of one data directory, signed in (and MFA-trusted) as the demo user."""

    def __init__(self, data_dir) -> None:
        self.app = make_app(data_dir, start=TEST_START)
        self.client = Client(self.app)
        self.session_id = ""
        self.put("/_emulator/limits", {"requestsPerHour": 10**8, "loginsPerHour": 10**8})
        self.sign_in()

    def sign_in(self) -> None:
        body = {
            "username": seed.USERNAME,
            "password": seed.PASSWORD,
            "organizationId": seed.ORGANIZATION_ID,
            "devKey": seed.DEV_KEY,
        }
        self.session_id = self.call("POST", "/v3/login", body).json["sessionId"]
        challenge = self.call("POST", "/v3/mfa/challenge", {}).json["challengeId"]
        token = self.call("GET", "/_emulator/outbox").json[0]["token"]
        self.call("POST", "/v3/mfa/challenge/validate", {"challengeId": challenge, "token": token})

    def headers(self) -> dict:
        return {"devKey": seed.DEV_KEY, "sessionId": self.session_id}

    def call(self, method, path, body=None, *, raw=None, query="", headers=None, environ=None):
        """One request; ``raw`` (bytes) is sent as the body as it is, else ``body`` as JSON."""
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        return self.client.open(
            path,
            method=method,
            data=data,
            query_string=query,
            headers=self.headers() if headers is None else headers,
            content_type="application/json",
            environ_overrides=environ or {},
        )

    def put(self, path, body):
        return self.call("PUT", path, body)

    def counts(self) -> dict[str, int]:
        """Rows per counted table, read through a connection of the test's own."""
        self.app.backend.books.flush()
        with sqlite3.connect(self.app.backend.store.path) as conn:
            return {
                t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in COUNTED_TABLES
            }

    def close(self) -> None:
        self.app.close()


def assert_bill_error(resp, status_range=range(400, 500)) -> dict:
    """A BILL error envelope (one error object) with a 4xx status; returns the error."""
    assert resp.status_code in status_range, (resp.status_code, resp.get_data()[:300])
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    body = json.loads(text)
    assert isinstance(body, list) and len(body) == 1, body
    keys = set(body[0])
    assert ERROR_KEYS <= keys <= ERROR_KEYS | OPTIONAL_ERROR_KEYS, body
    assert body[0]["code"].startswith("BDC_"), body
    return body[0]
