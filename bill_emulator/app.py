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
import threading
import time
import traceback
from datetime import datetime
from http import HTTPStatus
from pathlib import Path

from werkzeug.exceptions import HTTPException

from bill_emulator import (  # noqa: F401 - registers handlers
    _json,
    ap_responses,
    approval_responses,
    webhook_responses,
)
from bill_emulator.backend import EmulatorBackend, ids, profiles, report_calls
from bill_emulator.backend.errors import (
    ApiNotSupported,
    EmulatorError,
    MalformedRequest,
    injected,
)
from bill_emulator.delivery import Deliverer
from bill_emulator.responses import HANDLERS, Request
from bill_emulator.uploads import body_limit
from bill_emulator.urls import url_map

#: Set in the WSGI environ when the response must be a dropped connection; the emulator's
#: server honours it (other servers see an empty 502 with ``X-Emulator-Dropped: 1``).
DROP_KEY = "bill_emulator.drop"
#: Set by the emulator's server to a list: a BILL call's record is then not written at once but
#: appended here as a function ``record(sent: bool)``, which the server calls once it knows
#: whether the answer reached a client still waiting for it (a client that gave up on a read
#: timeout and closed its side did not get it: an uncertain outcome, like a dropped answer).
#: Other servers leave it out and the record is written at once, as sent.
AFTER_SEND_KEY = "bill_emulator.after_send"
#: Set by the emulator's server when the request's framing (Content-Length, Transfer-Encoding) is
#: unusable: the app answers 400 with this message and the server closes the connection.
FRAMING_KEY = "bill_emulator.framing"
_LENGTH = re.compile(r"[0-9]{1,19}")
#: ``GET /_emulator/report`` waits at most this long (s) for the organization's calls in flight.
REPORT_WAIT = 10.0


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
        self._flight = _InFlight()
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
        note = _Note()
        try:
            if is_bill:  # one read of the control row (clock, limits, faults) per BILL call
                # the call stays "in flight" for its organization until it is logged, so a
                # report waiting for the organization's calls finds it (``REPORT_WAIT``)
                deferred = False
                try:
                    with self.backend.store.snapshot():
                        note.arrival_ms = self.backend.clock.now_ms()
                        try:
                            status, payload = self._serve(environ, method, path, is_bill, note)
                        except _Dropped:
                            self._log(method, path, 0, note)
                            raise
                        after_send = environ.get(AFTER_SEND_KEY)
                        if isinstance(after_send, list):  # the server tells if it was read
                            after_send.append(
                                lambda sent: self._log(method, path, status, note, payload, sent)
                            )
                            deferred = True
                        else:
                            self._log(method, path, status, note, payload)
                finally:
                    if not deferred:
                        self._landed(note)
            else:
                status, payload = self._serve(environ, method, path, is_bill, note)
        except _Dropped:
            environ[DROP_KEY] = True
            start_response(
                "502 Bad Gateway", [("X-Emulator-Dropped", "1"), ("Content-Length", "0")]
            )
            return [b""]
        reason = f"{status} {_reason(status)}"
        extra = [("Retry-After", str(note.retry_after))] if note.retry_after is not None else []
        if payload is None:  # BILL's empty answers: 204 on deletes, an empty 200 on logout
            start_response(reason, [*extra, ("Content-Length", "0")])
            return [b""]
        if isinstance(payload, ap_responses.FileBody):  # a download: the file's own bytes
            start_response(reason, [*extra, *payload.headers()])
            return [payload.data]
        body = _json.dumps(payload)
        start_response(
            reason,
            [
                *extra,
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]

    # -- internals ------------------------------------------------------------------------------

    def _serve(
        self, environ, method: str, path: str, is_bill: bool, note: _Note
    ) -> tuple[int, object]:
        fault = None
        gate_key = None
        req = None
        endpoint = None
        try:
            req = _request(environ, method, path)
            try:
                endpoint, args = self._adapter.match(path, method)
            except HTTPException:
                raise ApiNotSupported() from None
            if endpoint == "health":
                return 200, {"status": "ok", "pid": os.getpid(), "instance": self.instance}
            if endpoint == "report":  # grade a call still being served (a slow one whose client
                org = self.backend.dev_key_org(req.dev_key or "-")  # gave up) once it is done
                if org is not None:
                    self._flight.wait_idle(org, REPORT_WAIT)
            control = self.backend.store.control()
            if is_bill:  # a slow (faulted) call holds its concurrency slot, as on BILL
                key = req.dev_key or _body_dev_key(req) or "-"
                note.org = self.backend.dev_key_org(key)
                if note.org is not None:
                    note.in_flight = self._flight.enter(note.org)
                    note.flying = True  # until it is logged (``_landed``)
                self.backend.gate.enter(key, control["concurrent_requests"])
                gate_key = key
            if is_bill and control["faults_pending"]:
                fault = self.backend.take_fault(method, path)
            if is_bill and fault is None and self.backend.profile is not None and note.org:
                fault = self._profile_fault(req, endpoint, note)
            if fault is not None and not fault["afterProcessing"]:
                self._apply(fault, note)
            result = HANDLERS[endpoint](self.backend, req, **args)
        except EmulatorError as err:
            result = err.http_status, [err.to_json(self.backend.now_iso())]
            if getattr(err, "retry_after", None) is not None:
                note.retry_after = err.retry_after
        except _Dropped:
            raise
        except Exception:  # BILL answers unexpected failures with BDC_1001
            traceback.print_exc()
            err = EmulatorError()
            result = 500, [err.to_json(self.backend.now_iso())]
        finally:
            if gate_key is not None:
                self.backend.gate.leave(gate_key)
        if is_bill and note.org and endpoint in report_calls.FACT_ENDPOINTS:
            note.facts = _facts(endpoint, req, result)
        if fault is not None and fault["afterProcessing"]:
            try:
                self._apply(fault, note)
            except EmulatorError as err:
                result = err.http_status, [err.to_json(self.backend.now_iso())]
        return result

    def _profile_fault(self, req: Request, endpoint: str, note: _Note) -> dict | None:
        """The fault profile's decision for this call, as a fault (``None``: none)."""
        session = ids.digest(req.session_id) if req.session_id else None
        call = profiles.CallInfo(endpoint=endpoint, session=session, now_ms=note.arrival_ms)
        decision = self.backend.profile.decide(note.org, call)
        if decision is None:
            return None
        if decision.end_session:  # as after 35 idle minutes: the call meets BDC_1109
            self.backend.end_session(req.session_id)
            return None
        return decision.as_fault()

    def _apply(self, fault: dict, note: _Note | None = None) -> None:
        """Carry out a fault: sleep, drop, or raise the injected error."""
        if fault["delaySeconds"]:
            time.sleep(fault["delaySeconds"])
        elif fault["drop"]:
            raise _Dropped()
        elif fault["status"]:
            err = injected(fault["status"], fault["code"])
            if fault.get("message"):
                err.message = fault["message"]
            if fault.get("retryAfter") is not None:
                err.retry_after = fault["retryAfter"]
            raise err

    def _log(
        self, method: str, path: str, status: int, note: _Note, payload=None, sent: bool = True
    ) -> None:
        """Log one BILL call; ``sent`` False: its answer never reached the client (it had given
        up and closed the connection), noted as ``unsent`` for the report card."""
        if not sent:
            note.facts = {**(note.facts or {}), "unsent": True}
        try:
            self._record(method, path, status, note, payload)
        finally:
            self._landed(note)

    def _landed(self, note: _Note) -> None:
        """The call is over for its organization (logged, or never to be)."""
        if note.flying:
            note.flying = False
            self._flight.leave(note.org)

    def _record(self, method: str, path: str, status: int, note: _Note, payload) -> None:
        try:
            self.backend.log_request(method, path, status)
            if note.org is not None:
                code = None
                if status >= 400 and isinstance(payload, list) and payload:
                    code = payload[0].get("code") if isinstance(payload[0], dict) else None
                self.backend.note_call(
                    (
                        note.org,
                        method,
                        path,
                        status,
                        code,
                        note.arrival_ms,
                        self.backend.clock.now_ms(),
                        note.in_flight,
                        note.retry_after,
                        _json.dumps(note.facts).decode() if note.facts else None,
                    )
                )
        except Exception:  # logging must never turn a served call into a failure
            traceback.print_exc()


class _Note:
    """What the report card needs of one BILL call, gathered while it is served."""

    __slots__ = ("arrival_ms", "facts", "flying", "in_flight", "org", "retry_after")

    def __init__(self) -> None:
        self.org: str | None = None
        self.flying = False
        self.arrival_ms = 0
        self.in_flight = 0
        self.retry_after: int | None = None
        self.facts: dict | None = None


class _InFlight:
    """The calls of each organization in flight (the report's ``concurrency`` check)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._active: dict[str, int] = {}

    def wait_idle(self, org: str, timeout: float) -> bool:
        """Wait until none of ``org``'s calls is in flight (True), or ``timeout`` seconds."""
        with self._lock:
            return self._lock.wait_for(lambda: org not in self._active, timeout)

    def enter(self, org: str) -> int:
        """Count one more; return how many were in flight before it."""
        with self._lock:
            before = self._active.get(org, 0)
            self._active[org] = before + 1
            return before

    def leave(self, org: str) -> None:
        with self._lock:
            left = self._active[org] - 1
            if left:
                self._active[org] = left
            else:
                del self._active[org]
                self._lock.notify_all()


def _facts(endpoint: str, req: Request | None, result: tuple[int, object]) -> dict | None:
    """The report's facts of a call (``report_calls.call_facts``); ``None`` when unreadable."""
    try:
        status, payload = result
        if endpoint == "list_payments":
            filters = req.params().get("filters", [""])[0] if req is not None else ""
            return {"endpoint": endpoint, "filters": filters[:2000]}
        body = req.json() if req is not None else None
        return report_calls.call_facts(endpoint, req.path, body, status, payload)
    except Exception:  # a body the handler refused: nothing to note
        return {"endpoint": endpoint}


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
    if length > body_limit(method, path):
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
        content_type=environ.get("CONTENT_TYPE"),
        base_url=_own_address(environ),
    )


def _own_address(environ) -> str:
    """Where this server listens (download links); never the request's Host header."""
    host = environ.get("SERVER_NAME") or "127.0.0.1"
    return f"http://{host}:{environ.get('SERVER_PORT') or '80'}"


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
