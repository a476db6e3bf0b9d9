"""
billhelpers.client
~~~~~~~~~~~~~~~~~~

:class:`Client`: one BILL connection: HTTP, the session, retries and the resource helpers.

Why one ``requests.Session`` per client: keep-alive saves a TLS handshake per call, and the
headers BILL needs (``devKey``, ``sessionId``) are set in one place, never in a URL (BILL warns
that URLs end up in logs). Every call goes through :meth:`Client.request`, which applies the
timeout, turns errors into exceptions (via :mod:`billhelpers._errormap`, the only place that
reads error bodies), logs in again once on BDC_1109 and retries what is safe to repeat.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from typing import Any

import requests
import urllib3

from billhelpers import _errormap, money, validation
from billhelpers._version import __version__
from billhelpers.cache import SessionCache, cache_key
from billhelpers.config import Config
from billhelpers.display import ApiResponse
from billhelpers.exceptions import (
    BillAPIError,
    ConnectionProblem,
    InputError,
    ProductionGuardError,
    ServerError,
    SessionError,
)
from billhelpers.masking import mask_secret, scrub_text

log = logging.getLogger("billhelpers")

#: Calls that change nothing when repeated, beyond GET: a second login just opens another
#: session, step-up and logout are idempotent.
_SAFE_POSTS = frozenset({"/v3/login", "/v3/logout", "/v3/mfa/step-up"})
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
        http: requests.Session | None = None,
        sleep=time.sleep,
    ):
        from billhelpers.resources import (  # noqa: PLC0415 - resources import the client
            Bills,
            Emulator,
            FundingAccounts,
            Mfa,
            Payments,
            Vendors,
            Webhooks,
        )

        self.config = config
        #: Base URL without trailing slash (``demo``: the running emulator).
        self.base_url = (base_url or config.resolve_base_url()).rstrip("/")
        #: The keep-alive HTTP session (pluggable for tests and proxies).
        self.http = http or requests.Session()
        self.http.headers.update(
            {"Accept": "application/json", "User-Agent": f"billhelpers/{__version__}"}
        )
        #: Injected in tests so back-off does not really wait.
        self.sleep = sleep
        self.cache = SessionCache(config.cache_dir)
        self._key = cache_key(config.cache_identity(self.base_url), config.dev_key)
        self._session_id: str | None = None
        self._trusted = False
        self._production_payments_allowed = False
        self._lock = threading.RLock()
        #: The last :class:`ApiResponse` (handy in a notebook after an exception).
        self.last_response: ApiResponse | None = None
        self.mfa = Mfa(self)
        self.vendors = Vendors(self)
        self.bills = Bills(self)
        self.funding_accounts = FundingAccounts(self)
        self.payments = Payments(self)
        self.emulator = Emulator(self)
        self.webhooks = Webhooks(self)

    # -- niceties ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        state = f"session {mask_secret(self._session_id)}" if self._session_id else "not logged in"
        return (
            f"<billhelpers.Client {self.config.environment} {self.base_url} "
            f"{self.config.username!r} ({state}, trusted={self._trusted})>"
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Close pooled connections (the session stays cached for the next kernel)."""
        self.http.close()

    @property
    def is_trusted(self) -> bool:
        """Whether the current session is MFA-trusted, as last reported by BILL (login,
        validate, step-up or :meth:`session_info`). No call is made."""
        return bool(self._session_id) and self._trusted

    @property
    def is_logged_in(self) -> bool:
        return self._session_id is not None

    def allow_production_payments(self) -> None:
        """Opt in to money-moving calls in ``production`` for this client only."""
        self._production_payments_allowed = True
        log.warning("production payments enabled for this client: payments move real money")

    def _guard_production(self, method: str, path: str, what: str | None = None) -> None:
        """Refuse ``method path`` when it moves money in production without the opt-in.

        The one place the rule lives: :meth:`request` applies it to every call, so no helper
        and no raw ``client.request(...)`` can move money unguarded. ``payments.create`` also
        asks it before its bill check, so a refused payment sends nothing at all.
        """
        if not moves_money(method, path):
            return
        if self.config.environment == "production" and not self._production_payments_allowed:
            what = what or f"{method.upper()} {path}"
            raise ProductionGuardError(
                f"{what} refused: this client talks to BILL production, where payments move "
                "real money. Nothing was sent. If you really mean it, call "
                "client.allow_production_payments() first."
            )

    def _secrets(self) -> list[str]:
        c = self.config
        return [s for s in (c.password, c.dev_key, self._session_id) if s]

    # -- the session ---------------------------------------------------------------------------
    def login(self, *, force: bool = False) -> ApiResponse:
        """Open a session, or reuse the cached one while BILL still accepts it.

        Reuse is checked with ``GET /v3/login/session`` (one cheap call that also says whether
        the session is trusted). A remembered MFA device in the cache is sent along, so the new
        session is trusted without a token. ``force=True`` always opens a new session.
        """
        with self._lock:
            if not force:
                cached = self.cache.get(self._key).get("sessionId")
                for candidate in dict.fromkeys(c for c in (self._session_id, cached) if c):
                    reused = self._try_session(candidate)
                    if reused is not None:
                        return reused
            return self._login_fresh()

    def resume(self) -> bool:
        """Adopt the session an earlier kernel cached, without a call; False if none is cached.

        Why no check: it saves a ``GET /v3/login/session`` per notebook. If BILL has ended the
        session since, the next call answers BDC_1109 and :meth:`request` signs in again by
        itself (trusted again through a remembered device). Use :meth:`login` to check now.
        """
        with self._lock:
            if self._session_id:
                return True
            entry = self.cache.get(self._key)
            if not entry.get("sessionId"):
                return False
            self._session_id = entry["sessionId"]
            self._trusted = bool(entry.get("trusted"))
            return True

    def _try_session(self, session_id: str) -> ApiResponse | None:
        previous = self._session_id
        self._session_id = session_id
        try:
            resp = self.session_info(_relogin=False)
        except SessionError:
            self._session_id = previous if previous != session_id else None
            return None
        resp.note = "reused the cached session"
        return resp

    def _login_fresh(self) -> ApiResponse:
        c = self.config
        validation.check_credentials(
            username=c.username,
            password=c.password,
            organization_id=c.organization_id,
            dev_key=c.dev_key,
        )
        body = {
            "username": c.username.strip(),
            "password": c.password,
            "organizationId": c.organization_id.strip(),
            "devKey": c.dev_key.strip(),
        }
        entry = self.cache.get(self._key)
        remembered = bool(entry.get("rememberMeId") and entry.get("device"))
        if remembered:
            body["rememberMeId"], body["device"] = entry["rememberMeId"], entry["device"]
        self._session_id = None
        resp = self.request("POST", "/v3/login", json=body, auth=False)
        self._session_id = resp.get("sessionId")
        self._trusted = bool(resp.get("trusted"))
        self.cache.update(
            self._key, sessionId=self._session_id, userId=resp.get("userId"), trusted=self._trusted
        )
        if remembered and not self._trusted:  # BILL no longer honours that device
            self.cache.forget(self._key, "rememberMeId", "device")
            resp.note = "the remembered MFA device has expired; run client.mfa.challenge()"
        elif remembered:
            resp.note = "trusted through the remembered MFA device"
        log.info("logged in to %s (trusted=%s)", self.config.environment, self._trusted)
        return resp

    def _relogin(self, failed_session_id: str | None) -> None:
        """After BDC_1109: adopt a session another kernel already refreshed, else log in."""
        with self._lock:
            if self._session_id and self._session_id != failed_session_id:
                return  # another thread of this process already did it
            cached = self.cache.get(self._key).get("sessionId")
            if cached and cached != failed_session_id and self._try_session(cached):
                return
            self._login_fresh()

    def logout(self) -> ApiResponse:
        """End the session at BILL and drop it from the cache (the remembered device stays)."""
        with self._lock:
            try:
                return self.request("POST", "/v3/logout", relogin=False)
            finally:
                self._session_id, self._trusted = None, False
                self.cache.forget(self._key, "sessionId", "trusted", "userId")

    def session_info(self, *, _relogin: bool = True) -> ApiResponse:
        """``GET /v3/login/session``: organization, user and ``mfaStatus`` (COMPLETE = trusted)."""
        resp = self.request("GET", "/v3/login/session", relogin=_relogin)
        self._trusted = resp.get("mfaStatus") == "COMPLETE"
        return resp

    def _set_trusted(self, trusted: bool, **cache_fields: Any) -> None:
        self._trusted = trusted
        self.cache.update(self._key, sessionId=self._session_id, trusted=trusted, **cache_fields)

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
        base: str | None = None,
        headers: dict | None = None,
    ) -> ApiResponse:
        """Send one call and return its :class:`ApiResponse`, or raise a :class:`BillError`.

        ``safe`` (default: GET and the idempotent session calls) decides whether rate limits,
        5xx and connection errors are retried with back-off (1, 2, 4, … s, capped). BDC_1109
        is answered by logging in again and repeating the call once, when ``relogin``.
        A call that moves money in ``production`` is refused (:class:`ProductionGuardError`,
        nothing sent) until :meth:`allow_production_payments`. ``base`` replaces the base URL
        (BILL's webhooks live on ``.../connect-events``); ``headers`` are added to the call.
        """
        method = method.upper()
        self._guard_production(method, path)
        if safe is None:
            safe = method == "GET" or path in _SAFE_POSTS
        if auth and self._session_id is None:
            self.login()
        attempt, relogged = 0, False
        while True:
            session_id = self._session_id
            try:
                return self._send(method, path, params, json, auth, base, headers)
            except ConnectionProblem:
                if not safe or attempt >= self.config.max_retries:
                    raise
                delay = self._backoff(attempt, None)
            except BillAPIError as err:
                if err.code == _errormap.SESSION_EXPIRED_CODE and auth and relogin and not relogged:
                    log.info(
                        "session expired (BDC_1109); logging in again and repeating %s %s",
                        method,
                        path,
                    )
                    self._relogin(session_id)
                    relogged = True
                    continue
                retryable = _errormap.is_rate_limited(err) or isinstance(err, ServerError)
                if not (retryable and safe and attempt < self.config.max_retries):
                    raise
                delay = self._backoff(attempt, getattr(err, "retry_after", None))
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

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = min(self.config.backoff_cap, float(2**attempt))
        if retry_after is not None:
            delay = min(self.config.backoff_cap, max(delay, retry_after))
        return delay

    def _send(self, method, path, params, body, auth, base=None, extra=None) -> ApiResponse:
        headers = {"devKey": self.config.dev_key or "", **(extra or {})}
        if auth and self._session_id:
            headers["sessionId"] = self._session_id
        data = None
        if body is not None:
            data = money.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        started = time.perf_counter()
        try:
            raw = self.http.request(
                method,
                (base or self.base_url) + path,
                params=clean,
                data=data,
                headers=headers,
                timeout=self.config.timeout,
            )
        except requests.ConnectTimeout as err:
            raise ConnectionProblem(
                f"{method} {path}: BILL could not be reached within the timeout "
                f"{self.config.timeout} s ({type(err).__name__}). {_NOT_SENT}",
                method=method,
                path=path,
                sent=False,
            ) from None
        except requests.Timeout as err:
            raise ConnectionProblem(
                f"{method} {path}: no answer within the timeout {self.config.timeout} s "
                f"({type(err).__name__}). {_unknown_outcome(method, path)}",
                method=method,
                path=path,
            ) from None
        except requests.ConnectionError as err:
            if _never_sent(err):
                raise ConnectionProblem(
                    f"{method} {path}: the connection could not be opened ({_short(err)}). "
                    f"{_NOT_SENT}",
                    method=method,
                    path=path,
                    sent=False,
                ) from None
            raise ConnectionProblem(
                f"{method} {path}: the connection dropped before the answer arrived "
                f"({_short(err)}). {_unknown_outcome(method, path)}",
                method=method,
                path=path,
            ) from None
        elapsed = round((time.perf_counter() - started) * 1000)
        log.debug("%s %s -> %s (%d ms)", method, path, raw.status_code, elapsed)
        try:
            payload = money.loads(raw.content) if raw.content else None
        except ValueError:
            payload = raw.text
        if raw.status_code >= 400:
            err = _errormap.error_from_response(
                raw.status_code,
                payload,
                method=method,
                path=path,
                scrub=lambda text: scrub_text(text, self._secrets()),
            )
            err.retry_after = _retry_after(raw.headers.get("Retry-After"))
            raise err
        resp = ApiResponse(
            method=method,
            path=path,
            params=clean,
            status_code=raw.status_code,
            reason=raw.reason or "",
            data=payload,
            request_body=body,
            elapsed_ms=elapsed,
        )
        self.last_response = resp
        return resp


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _short(err: Exception) -> str:
    text = str(err.__context__ or err) if not str(err) else str(err)
    return text if len(text) < 160 else text[:157] + "..."


_NOT_SENT = "The request never reached BILL, so nothing was changed there."


def _never_sent(err: requests.ConnectionError) -> bool:
    """True when the connection could not even be opened (refused, unknown host): no byte of
    the request left. A reset or dropped connection is not that: the request may have arrived.
    """
    reason = err.args[0] if err.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _unknown_outcome(method: str, path: str) -> str:
    if method in ("GET", "HEAD") or path in _SAFE_POSTS:
        return "Nothing was changed; run the cell again."
    return (
        "BILL may or may not have processed it: check (list or get the object) before "
        "sending it again."
    )


def connect(config: Config | None = None, /, **overrides) -> Client:
    """A client from ``.env`` + environment variables + ``overrides`` (see :class:`Config`).

    ``connect()`` alone talks to the emulator (``demo``), starting it if needed. No call
    is made yet: the first request logs in (or reuses the cached session). Extra keywords
    ``base_url``, ``http`` and ``sleep`` go to :class:`Client`.
    """
    client_kwargs = {k: overrides.pop(k) for k in ("http", "sleep") if k in overrides}
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
