"""
billhelpers.client
~~~~~~~~~~~~~~~~~~

:class:`Client`: one BILL connection: HTTP, the session, retries and the resource helpers.

Why one ``requests.Session`` per client: keep-alive saves a TLS handshake per call, and the
headers BILL needs (``devKey``, ``sessionId``) are set in one place, never in a URL (BILL warns
that URLs end up in logs). Every call goes through :meth:`Client.request`, which applies the
timeout, turns errors into exceptions (via :mod:`billhelpers.http._errormap`, the only place that
reads error bodies), logs in again once on BDC_1109 and retries what :mod:`billhelpers.http.retry`
says is safe to repeat: the only retry loop of the kit.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections import deque
from typing import Any

import requests

from billhelpers._version import __version__
from billhelpers.config import Config
from billhelpers.exceptions import (
    BillAPIError,
    ConnectionProblem,
    InputError,
    ProductionGuardError,
)
from billhelpers.http import _errormap, exchange, guard, retry
from billhelpers.http.deadline import bounded, read_body
from billhelpers.http.deadline_transport import bounded_session
from billhelpers.http.response import ApiResponse
from billhelpers.http.server_time import ServerClock
from billhelpers.http.session_cache import SessionCache, cache_key
from billhelpers.http.sessions import Session
from billhelpers.masking import mask_secret, scrub_text
from billhelpers.resources import (
    Attachments,
    Bills,
    Classifications,
    Documents,
    Emulator,
    FundingAccounts,
    Mfa,
    Payments,
    VendorCredits,
    Vendors,
    Webhooks,
)
from billhelpers.resources.approvals import Approvals  # issue 25: approvals, recurring bills,
from billhelpers.resources.organization import Organization  # organization (own modules)
from billhelpers.resources.recurring_bills import RecurringBills
from billhelpers.rules import jsonsafe, money

log = logging.getLogger("billhelpers")

#: Paths where anything but a read moves money: guarded in production (see
#: :meth:`Client.request`). Cancelling a payment moves none, so it is not here.
MONEY_PATHS = frozenset({"/v3/payments", "/v3/payments/bulk"})


def moves_money(method: str, path: str) -> bool:
    """Whether ``method path`` creates a payment. Compared leniently (case, trailing slash,
    query string, doubled slashes), so a guard built on it cannot be sidestepped by spelling."""
    if method.upper() in ("GET", "HEAD", "OPTIONS"):
        return False
    bare = "/" + "/".join(p for p in path.split("?", 1)[0].split("/") if p)
    return bare.lower() in MONEY_PATHS


class Client:
    """A connection to one BILL environment; build it with :func:`connect`.

    ``client.vendors``, ``.bills``, ``.funding_accounts``, ``.payments`` and ``.mfa`` are the
    resource helpers; ``client.emulator`` drives the local emulator's controls (demo only).
    """

    def __init__(
        self,
        config: Config,
        *,
        base_url: str | None = None,
        transport: requests.Session | None = None,
        sleep=time.sleep,
    ):
        self.config = config
        #: Base URL without trailing slash (``demo``: the running emulator).
        self.base_url = (base_url or config.resolve_base_url()).rstrip("/")
        #: The keep-alive HTTP transport: a ``requests.Session`` (pluggable for tests and proxies).
        #: Not BILL's session, which is :attr:`session`. The client's own reads the status line
        #: and headers under the call's total deadline too (``http.deadline_transport``).
        self.transport = transport or bounded_session()
        self.transport.headers.update(
            {"Accept": "application/json", "User-Agent": f"billhelpers/{__version__}"}
        )
        #: Injected in tests so back-off does not really wait.
        self.sleep = sleep
        self.cache = SessionCache(config.cache_dir)
        #: The session: id, trust, cache entry, remembered MFA device.
        key = cache_key(config.cache_identity(self.base_url), config.dev_key)
        self.session = Session(self, key)
        self._production_payments_allowed = False
        #: The last :class:`ApiResponse` (handy in a notebook after an exception).
        self.last_response: ApiResponse | None = None
        #: The client's own record of its BILL calls, newest last: ``{"n", "method", "path",
        #: "status", "elapsed_ms"}`` (no bodies, no headers, so no secrets). Works against BILL
        #: too; the emulator's controls (``/_emulator/...``) are not BILL calls and not kept.
        self.history: deque[dict] = deque(maxlen=1000)
        #: How many BILL calls this client has sent (``history`` keeps the newest 1000).
        self.calls_sent = 0
        #: The server's time, from the ``Date`` header of its answers (see :meth:`today`).
        self.server_clock = ServerClock()
        self.mfa = Mfa(self)
        self.vendors = Vendors(self)
        self.bills = Bills(self)
        self.funding_accounts = FundingAccounts(self)
        self.payments = Payments(self)
        self.emulator = Emulator(self)
        self.webhooks = Webhooks(self)
        self.vendor_credits = VendorCredits(self)  # issue 25
        self.classifications = Classifications(self)  # issue 25
        self.attachments = Attachments(self)
        self.documents = Documents(self)
        self.approvals = Approvals(self)
        self.recurring_bills = RecurringBills(self)
        self.organization = Organization(self)

    # -- niceties ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        sid = self.session.id
        state = f"session {mask_secret(sid)}" if sid else "not logged in"
        return (
            f"<billhelpers.Client {self.config.environment} {self.base_url} "
            f"{self.config.username!r} ({state}, trusted={self.session.trusted})>"
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Close pooled connections (the session stays cached for the next kernel)."""
        self.transport.close()

    @property
    def is_trusted(self) -> bool:
        """Whether the current session is MFA-trusted, as last reported by BILL (login,
        validate, step-up or :meth:`session_info`). No call is made."""
        return self.session.is_trusted

    @property
    def is_logged_in(self) -> bool:
        return self.session.is_logged_in

    def today(self) -> _dt.date:
        """BILL's today: the UTC date of the server's clock, from the ``Date`` header of its
        newest answer (:mod:`billhelpers.http.server_time`). Every business-day and processDate rule
        of the kit counts from it, never from this computer's calendar. In demo mode it is the
        emulator's (test) clock. Before any answer, one is asked for: the emulator's clock in
        demo, else ``GET /v3/login/session`` (signing in first if needed: every BILL call needs
        a session anyway), never this computer's calendar."""
        if not self.server_clock.seen:
            if self.config.environment == "demo":
                self.emulator.clock()  # its answer's Date header sets the clock
            else:
                self.session_info()
        return self.server_clock.today()

    def allow_production_payments(self) -> None:
        """Opt in to money-moving calls in ``production`` for this client only."""
        self._production_payments_allowed = True
        log.warning("production payments enabled for this client: payments move real money")

    def guard_production(self, method: str, path: str, what: str | None = None) -> None:
        """Refuse ``method path`` when it moves money in production without the opt-in.

        The one place the rule lives: :meth:`request` applies it to every call, so no helper
        and no raw ``client.request(...)`` can move money unguarded. ``payments.create`` also
        asks it before its bill check, so a refused payment sends nothing at all.
        """
        if not moves_money(method, path):
            return
        if self.is_production and not self._production_payments_allowed:
            what = what or f"{method.upper()} {path}"
            raise ProductionGuardError(
                f"{what} refused: this client talks to BILL production, where payments move "
                "real money. Nothing was sent. If you really mean it, call "
                "client.allow_production_payments() first."
            )

    @property
    def is_production(self) -> bool:
        """BILL production: by the environment's name *or* by the base URL's host (a
        ``sandbox`` config pointed at ``gateway.prod.bill.com`` still moves real money)."""
        return self.config.environment == "production" or guard.is_production_url(self.base_url)

    def _guard_wire(self, prepared: requests.PreparedRequest) -> None:
        """The guard again on what goes on the wire: the prepared method and URL, decoded
        and normalised (``/v3/%70ayments``, ``/v3/x/../payments`` …), at the last moment."""
        if self._production_payments_allowed or not guard.moves_money_on_wire(
            prepared.method, prepared.url
        ):
            return
        if self.is_production or guard.is_production_url(prepared.url):
            raise ProductionGuardError(
                f"{prepared.method} {guard.wire_path(prepared.url)} refused: it creates a "
                "payment in BILL production, where payments move real money. Nothing was "
                "sent. If you really mean it, call client.allow_production_payments() first."
            )

    def _secrets(self) -> list[str]:
        c = self.config
        remembered = (self.session.remembered_device or {}).get("rememberMeId")
        return [s for s in (c.password, c.dev_key, self.session.id, remembered) if s]

    # -- the session (see billhelpers.http.sessions) ----------------------------------------------
    def login(self, *, force: bool = False) -> ApiResponse:
        """Open a session, or reuse the cached one while BILL still accepts it (see
        :meth:`Session.login <billhelpers.http.sessions.Session.login>`)."""
        return self.session.login(force=force)

    def resume(self) -> bool:
        """Adopt the session an earlier kernel cached, without a call; False if none is cached
        (see :meth:`Session.resume <billhelpers.http.sessions.Session.resume>`)."""
        return self.session.resume()

    def logout(self) -> ApiResponse:
        """End the session at BILL and drop it from the cache (the remembered device stays)."""
        return self.session.logout()

    def session_info(self) -> ApiResponse:
        """``GET /v3/login/session``: organization, user and ``mfaStatus`` (COMPLETE = trusted)."""
        return self.session.info()

    def _record(self, method: str, path: str, status, elapsed) -> None:
        """One line of :attr:`history` (a BILL call that reached the wire; controls excluded)."""
        if path.startswith("/_emulator/"):
            return
        self.calls_sent += 1
        self.history.append(
            {
                "n": self.calls_sent,
                "method": method,
                "path": path,
                "status": status,
                "elapsed_ms": elapsed,
            }
        )

    # -- the one request pipeline ---------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        safe: bool | None = None,
        relogin: bool = True,
        auth: bool = True,
        recovery: retry.Recovery | None = None,
        base: str | None = None,
        headers: dict | None = None,
        content: bytes | None = None,
        binary: bool = False,
    ) -> ApiResponse:
        """Send one call and return its :class:`ApiResponse`, or raise a :class:`BillError`.

        ``safe`` (default: GET and the idempotent session calls) decides whether rate limits,
        5xx and connection errors are retried with back-off (1, 2, 4, … s, capped). BDC_1109
        is answered by logging in again and repeating the call once, when ``relogin``.
        ``recovery`` (e.g. a payment's look-up by transactionNumber) checks the outcome of a
        failed call before anything is repeated or raised; :mod:`billhelpers.http.retry` decides.
        A call that moves money in ``production`` is refused (:class:`ProductionGuardError`,
        nothing sent) until :meth:`allow_production_payments`. ``base`` replaces the base URL
        (BILL's webhooks live on ``.../connect-events``); ``headers`` are added to the call.
        ``content`` is a raw body (an upload's file, instead of ``json``); ``binary`` keeps a
        successful answer's bytes in ``.content`` (a download) instead of parsing JSON.
        """
        method = method.upper()
        self.guard_production(method, path)
        if safe is None:
            safe = retry.safe_by_default(method, path)
        if auth and self.session.id is None:
            self.session.login()
        attempt, renewed = 0, False
        while True:
            session_id = self.session.id
            try:
                raw_body = (content, binary) if content is not None or binary else None
                return self._send(method, path, params, json, auth, base, headers, raw_body)
            except (BillAPIError, ConnectionProblem) as err:
                expired = auth and relogin and retry.session_expired(err)
                if expired and (not renewed or recovery is not None):
                    log.info("session expired (BDC_1109); logging in again for %s %s", method, path)
                    self.session.renew(session_id)  # a look-up needs a session too
                checked = recovery is not None and retry.may_hide_a_result(err)
                delay = retry.backoff(
                    attempt, getattr(err, "retry_after", None), self.config.backoff_cap
                )
                waited = checked and retry.rate_limited(err)
                if waited:  # BILL asked for a pause (Retry-After): the look-up is a call too
                    log.warning(
                        "%s %s refused (rate limit); looking it up in %.0f s", method, path, delay
                    )
                    self.sleep(delay)
                recorded = recovery.look_up(err) if checked else None
                if recorded is not None:
                    return recorded
                if not retry.may_repeat(
                    err,
                    safe=safe,
                    checked=checked,
                    attempt=attempt,
                    retries=self.config.max_retries,
                    renewed=renewed or not expired,
                ):
                    final = recovery.give_up(err) if recovery is not None else err
                    if final is err:
                        raise
                    raise final from err
                if expired:  # repeated once on the new session, without back-off
                    renewed = True
                    continue
                if waited:  # the pause came before the look-up: the call goes again now
                    attempt += 1
                    continue
            log.warning(
                "%s %s failed; retrying in %.0f s (attempt %d of %d)",
                method,
                path,
                delay,
                attempt + 1,
                self.config.max_retries,
            )
            self.sleep(delay)
            attempt += 1

    def _send(
        self, method, path, params, body, auth, base=None, extra=None, raw_body=None
    ) -> ApiResponse:
        headers = {"devKey": self.config.dev_key or "", **(extra or {})}
        if auth and self.session.id:
            headers["sessionId"] = self.session.id
        data = None
        upload, binary = raw_body or (None, False)
        if upload is not None:  # an upload: the file's bytes are the body
            data = upload
            headers.setdefault("Content-Type", "application/octet-stream")
        elif body is not None:
            jsonsafe.check_sendable(body)
            data = money.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        jsonsafe.check_sendable(clean, "params")
        prepared = self.transport.prepare_request(
            requests.Request(
                method, (base or self.base_url) + path, params=clean, data=data, headers=headers
            )
        )
        self._guard_wire(prepared)
        settings = self.transport.merge_environment_settings(prepared.url, {}, True, None, None)
        started = time.perf_counter()
        deadline = time.monotonic() + self.config.total_timeout
        try:
            with bounded(deadline):
                raw = self.transport.send(prepared, timeout=self.config.timeout, **settings)
                self.server_clock.observe(raw.headers.get("Date"))
                content = read_body(raw, deadline)
        except exchange.TRANSPORT_FAILURES as err:
            problem = exchange.connection_problem(
                err,
                method,
                path,
                timeout=self.config.timeout,
                total_timeout=self.config.total_timeout,
            )
            if problem.sent:  # it may have reached BILL: a call of the history
                self._record(method, path, None, None)
            raise problem from None
        elapsed = round((time.perf_counter() - started) * 1000)
        self._record(method, path, raw.status_code, elapsed)
        log.debug("%s %s -> %s (%d ms)", method, path, raw.status_code, elapsed)
        file_bytes = None
        if binary and raw.status_code < 400:  # a download: keep the bytes, describe them
            file_bytes = content
            payload = {"contentType": raw.headers.get("Content-Type"), "size": len(content)}
        else:
            try:
                payload = money.loads(content) if content else None
            except (ValueError, RecursionError):
                payload = raw.text
        if raw.status_code >= 400:
            err = _errormap.error_from_response(
                raw.status_code,
                payload,
                method=method,
                path=path,
                scrub=lambda text: scrub_text(text, self._secrets()),
            )
            err.retry_after = exchange.retry_after(
                raw.headers.get("Retry-After"), self.server_clock
            )
            raise err
        resp = ApiResponse(
            method=method,
            path=path,
            params=clean,
            status_code=raw.status_code,
            reason=raw.reason or "",
            data=payload,
            request_body=body if upload is None else f"({len(upload):,} bytes of a file)",
            elapsed_ms=elapsed,
            base_url=base or self.base_url,
            headers=exchange.masked_headers(headers),
            content=file_bytes,
        )
        self.last_response = resp
        return resp


def connect(config: Config | None = None, /, **overrides) -> Client:
    """A client from ``.env`` + environment variables + ``overrides`` (see :class:`Config`).

    ``connect()`` alone talks to the emulator (``demo``), starting it if needed. No call
    is made yet: the first request logs in (or reuses the cached session). Extra keywords
    ``base_url``, ``transport`` and ``sleep`` go to :class:`Client`.
    """
    client_kwargs = {k: overrides.pop(k) for k in ("transport", "sleep") if k in overrides}
    if config is None:
        config = Config.from_env(**overrides)
    elif overrides:
        config = config.replace(**overrides)
    if not isinstance(config, Config):
        raise InputError(
            "connect() takes a Config",
            field="config",
            hint="call bh.connect() or bh.connect(bh.Config(...))",
        )
    return Client(config, **client_kwargs)
