"""bill_emulator.app
~~~~~~~~~~~~~~~~~~~~~~~~

The WSGI application: route, apply faults and the concurrency limit, call the handler, answer
in BILL's envelope, log the call.

Each :class:`EmulatorApp` owns its backend (no process-global state), so tests can run several
emulators side by side. A handler's payload ``None`` is an answer with no body (BILL's 204 on
``DELETE .../bank-account`` and its empty 200 on logout). Errors become BILL's JSON array of
error objects with the error's HTTP status; anything unexpected becomes ``BDC_1001`` with HTTP
500, as on BILL.
"""

from __future__ import annotations

import os
import re
import time
import traceback
from datetime import datetime
from http import HTTPStatus
from pathlib import Path

from werkzeug.exceptions import HTTPException

from bill_emulator import _json, webhook_responses  # noqa: F401 - registers its handlers
from bill_emulator.backend import EmulatorBackend
from bill_emulator.backend.errors import (
    ApiNotSupported,
    EmulatorError,
    MalformedRequest,
    injected,
)
from bill_emulator.delivery import Deliverer
from bill_emulator.responses import HANDLERS, Request
from bill_emulator.urls import url_map

#: Set in the WSGI environ when the response must be a dropped connection; the emulator's
#: server honours it (other servers see an empty 502 with ``X-Emulator-Dropped: 1``).
DROP_KEY = "bill_emulator.drop"
#: Set by the emulator's server when the request's framing (Content-Length, Transfer-Encoding) is
#: unusable: the app answers 400 with this message and the server closes the connection.
FRAMING_KEY = "bill_emulator.framing"
MAX_BODY = 1_000_000
_LENGTH = re.compile(r"[0-9]{1,19}")


class _Dropped(Exception):
    """Internal: answer with a dropped connection."""


class EmulatorApp:
    """WSGI callable serving one data directory."""

    def __init__(
        self, backend: EmulatorBackend, *, instance: str = "", deliver: bool = True
    ) -> None:
        self.backend = backend
        self.instance = instance
        self._adapter = url_map.bind("emulator")
        #: Posts webhook events in the background (bill_emulator/delivery.py).
        self.deliverer = Deliverer(backend).start() if deliver else None

    def close(self) -> None:
        if self.deliverer is not None:
            self.deliverer.stop()
        self.backend.close()

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        is_bill = path.startswith(("/v3/", "/connect-events/v3/"))
        try:
            if is_bill:  # one read of the control row (clock, limits, faults) per BILL call
                with self.backend.store.snapshot():
                    status, payload = self._serve(environ, method, path, is_bill)
                    self._log(method, path, status)
            else:
                status, payload = self._serve(environ, method, path, is_bill)
        except _Dropped:
            if is_bill:
                self._log(method, path, 0)
            environ[DROP_KEY] = True
            start_response(
                "502 Bad Gateway", [("X-Emulator-Dropped", "1"), ("Content-Length", "0")]
            )
            return [b""]
        reason = f"{status} {_reason(status)}"
        if payload is None:  # BILL's empty answers: 204 on deletes, an empty 200 on logout
            start_response(reason, [("Content-Length", "0")])
            return [b""]
        body = _json.dumps(payload)
        start_response(
            reason, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    # -- internals ------------------------------------------------------------------------------

    def _serve(self, environ, method: str, path: str, is_bill: bool) -> tuple[int, object]:
        fault = None
        gate_key = None
        try:
            req = _request(environ, method, path)
            try:
                endpoint, args = self._adapter.match(path, method)
            except HTTPException:
                raise ApiNotSupported() from None
            if endpoint == "health":
                return 200, {"status": "ok", "pid": os.getpid(), "instance": self.instance}
            control = self.backend.store.control()
            if is_bill:  # a slow (faulted) call holds its concurrency slot, as on BILL
                key = req.dev_key or _body_dev_key(req) or "-"
                self.backend.gate.enter(key, control["concurrent_requests"])
                gate_key = key
            if is_bill and control["faults_pending"]:
                fault = self.backend.take_fault(method, path)
                if fault is not None and not fault["afterProcessing"]:
                    self._apply(fault)
            result = HANDLERS[endpoint](self.backend, req, **args)
        except EmulatorError as err:
            result = err.http_status, [err.to_json(self.backend.now_iso())]
        except _Dropped:
            raise
        except Exception:  # BILL answers unexpected failures with BDC_1001
            traceback.print_exc()
            err = EmulatorError()
            result = 500, [err.to_json(self.backend.now_iso())]
        finally:
            if gate_key is not None:
                self.backend.gate.leave(gate_key)
        if fault is not None and fault["afterProcessing"]:
            try:
                self._apply(fault)
            except EmulatorError as err:
                result = err.http_status, [err.to_json(self.backend.now_iso())]
        return result

    def _apply(self, fault: dict) -> None:
        """Carry out a fault: sleep, drop, or raise the injected error."""
        if fault["delaySeconds"]:
            time.sleep(fault["delaySeconds"])
        elif fault["drop"]:
            raise _Dropped()
        elif fault["status"]:
            raise injected(fault["status"], fault["code"])

    def _log(self, method: str, path: str, status: int) -> None:
        try:
            self.backend.log_request(method, path, status)
        except Exception:  # logging must never turn a served call into a failure
            traceback.print_exc()


def _reason(status: int) -> str:
    """The status line's reason phrase (the standard library's table; a status it does not
    know, which BILL's error catalogue could hold, is just "Error")."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _request(environ, method: str, path: str) -> Request:
    if environ.get(FRAMING_KEY):
        raise MalformedRequest(environ[FRAMING_KEY])
    raw = (environ.get("CONTENT_LENGTH") or "0").strip()
    if not _LENGTH.fullmatch(raw):  # not int(): it takes "-5", "+5", "5_0" and any script's digits
        raise MalformedRequest("Content-Length is not a number.")
    length = int(raw)
    if length > MAX_BODY:
        raise MalformedRequest("Request body is too large.")
    body = environ["wsgi.input"].read(length) if length else b""
    return Request(
        method=method,
        path=path,
        query_string=environ.get("QUERY_STRING", ""),
        body=body,
        dev_key=environ.get("HTTP_DEVKEY"),
        session_id=environ.get("HTTP_SESSIONID"),
        idempotent_key=environ.get("HTTP_X_IDEMPOTENT_KEY"),
    )


def _body_dev_key(req: Request) -> str | None:
    try:
        body = req.json()
    except EmulatorError:
        return None
    key = body.get("devKey") if isinstance(body, dict) else None
    return key if isinstance(key, str) else None  # fuzzing: a list here was a 500


def make_app(
    data_dir: str | Path, *, instance: str = "", start: datetime | None = None
) -> EmulatorApp:
    """A WSGI app for ``data_dir`` (seeded with the demo organization on first use, its clock
    starting at ``start`` when given)."""
    return EmulatorApp(EmulatorBackend(data_dir, start=start), instance=instance)
