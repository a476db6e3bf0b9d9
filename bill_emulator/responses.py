"""bill_emulator.responses
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Thin handlers: take what the request carries (JSON body, query, ``devKey``/``sessionId``
headers), make one backend call, return ``(status, payload)``.

No rules live here (they are in :mod:`bill_emulator.backend`), so every rule can be tested
without HTTP. Handlers are looked up by the endpoint names in :mod:`bill_emulator.urls`.

The status codes are BILL's, per route, as its v3 collection's saved examples show them
(``tests/contract/bill_contract.json``): ``201 Created`` for creates (single and bulk), ``204``
with no body for deleting a vendor's bank account, an empty ``200`` for logout, ``200`` otherwise.
A payload of ``None`` means "no body".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from bill_emulator import _json
from bill_emulator.backend import EmulatorBackend
from bill_emulator.backend.errors import MalformedRequest, ValidationFailed


@dataclass
class Request:
    """The parts of an HTTP request the handlers need."""

    method: str
    path: str
    query_string: str
    body: bytes
    dev_key: str | None
    session_id: str | None
    idempotent_key: str | None = None  # X-Idempotent-Key (connect-events)
    content_type: str | None = None  # uploads: the raw file or a multipart form
    base_url: str = ""  # the server's own address (download links)
    _parsed: object = None
    _has_parsed: bool = False

    def json(self) -> object:
        """The body as JSON (``None`` when empty); malformed JSON is BILL's BDC_1001."""
        if not self._has_parsed:
            self._has_parsed = True
            if self.body.strip():
                try:
                    self._parsed = _json.loads(self.body)
                except _json.BadJson as err:  # parses, but a field cannot be served
                    if err.path:
                        raise ValidationFailed(err.path, err.problem) from None
                    raise MalformedRequest(f"Request body {err.problem}.") from None
                except (ValueError, UnicodeDecodeError) as err:
                    why = f" ({err})" if "is not a JSON number" in str(err) else ""
                    raise MalformedRequest(f"Request body is not valid JSON{why}.") from None
        return self._parsed

    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def no_params(self) -> None:
        """Calls other than lists take no query parameters (secrets never go in URLs)."""
        if self.query_string:
            name = next(iter(self.params()), self.query_string)
            raise MalformedRequest(f"{name}: unknown parameter")


Handler = Callable[..., tuple[int, object]]
HANDLERS: dict[str, Handler] = {}

#: BILL's success statuses other than 200 (see the module docstring).
CREATED = 201
NO_CONTENT = 204
#: The payload of an answer with no body.
NO_BODY = None


def handler(func: Handler) -> Handler:
    HANDLERS[func.__name__] = func
    return func


def _signed_in(backend: EmulatorBackend, req: Request):
    return backend.authenticate(req.dev_key, req.session_id)


def call(
    name: str,
    status: int = 200,
    *,
    ids: tuple[str, ...] = (),
    body: bool = False,
    query: bool = False,
    caller: Callable[[EmulatorBackend, Request], object] = _signed_in,
) -> None:
    """Register the thin handler ``name``: the backend method of the same name, called with the
    caller (signed in, by default), the path's ``ids`` in order, then the JSON ``body`` or the
    ``query``. Only a call that takes a query accepts query parameters (secrets never go in
    URLs); the caller is checked before the body is read, so a bad session wins over bad JSON.
    """

    def serve(backend, req, **args):
        if not query:
            req.no_params()
        who = caller(backend, req)
        extra = [args[one] for one in ids]
        if body:
            extra.append(req.json())
        if query:
            extra.append(req.params())
        return status, getattr(backend, name)(who, *extra)

    serve.__name__ = name
    HANDLERS[name] = serve


# -- sign-in, sessions, MFA ---------------------------------------------------------------------


@handler
def login(backend, req):
    req.no_params()
    return 200, backend.login(req.json())


@handler
def logout(backend, req):
    req.no_params()
    backend.logout(_signed_in(backend, req))
    return 200, NO_BODY


call("session_info")
for _step in ("mfa_challenge", "mfa_validate", "mfa_step_up", "mfa_setup", "mfa_setup_validate"):
    call(_step, body=True)
call("mfa_phones")


# -- vendors, bills, banks, payments ------------------------------------------------------------


def _resource_calls(kind: str, id_arg: str, *, plural: str) -> None:
    """The list/create/bulk-create/get/update/archive/restore calls of one resource."""
    call(f"list_{plural}", query=True)
    call(f"create_{kind}", CREATED, body=True)
    call(f"bulk_create_{plural}", CREATED, body=True)
    call(f"get_{kind}", ids=(id_arg,))
    call(f"update_{kind}", ids=(id_arg,), body=True)
    call(f"archive_{kind}", ids=(id_arg,))
    call(f"restore_{kind}", ids=(id_arg,))


_resource_calls("vendor", "vendor_id", plural="vendors")
_resource_calls("bill", "bill_id", plural="bills")

call("get_vendor_bank_account", ids=("vendor_id",))
call("create_vendor_bank_account", ids=("vendor_id",), body=True)


@handler
def delete_vendor_bank_account(backend, req, vendor_id):
    req.no_params()
    backend.delete_vendor_bank_account(_signed_in(backend, req), vendor_id)
    return NO_CONTENT, NO_BODY


call("list_banks", query=True)
call("get_bank", ids=("bank_id",))
call("create_bank", CREATED, body=True)
call("verify_bank", ids=("bank_id",), body=True)
call("list_bank_users", query=True)
call("nominate_bank_user", body=True)

call("list_payments", query=True)
call("create_payment", CREATED, body=True)
call("bulk_create_payments", CREATED, body=True)
call("get_payment", ids=("payment_id",))
call("cancel_payment", ids=("payment_id",))


# -- vendor credits, bill replace and record-payment, payment options (issue 25) ------------------

call("list_vendor_credits", query=True)
call("create_vendor_credit", CREATED, body=True)
call("bulk_create_vendor_credits", CREATED, body=True)
call("bulk_replace_vendor_credits", body=True)
call("bulk_update_vendor_credits", body=True)
call("get_vendor_credit", ids=("credit_id",))
call("replace_vendor_credit", ids=("credit_id",), body=True)
call("update_vendor_credit", ids=("credit_id",), body=True)
call("archive_vendor_credit", ids=("credit_id",))
call("replace_bill", ids=("bill_id",), body=True)
call("record_payment", body=True)
call("payment_options", query=True)


@handler
def bulk_archive_vendor_credits(backend, req):
    caller = _signed_in(backend, req)
    if req.body.strip():
        raise MalformedRequest("Request body must be empty: name the credits in ?ids=...")
    return 200, backend.bulk_archive_vendor_credits(caller, req.params())


# -- the emulator's controls --------------------------------------------------------------------


def _control(name: str, call: Callable[[EmulatorBackend, Request], object], status=200) -> None:
    def control(backend, req):
        backend.check_dev_key(req.dev_key)
        return status, call(backend, req)

    HANDLERS[name] = control


_control("outbox", lambda b, r: b.outbox(b.dev_key_org(r.dev_key)))
_control("clock_now", lambda b, r: b.clock_now())
_control("advance_clock", lambda b, r: b.advance_clock(r.json()))
_control("request_log", lambda b, r: b.request_log())
_control("clear_request_log", lambda b, r: b.clear_request_log())
_control("list_faults", lambda b, r: b.faults())
_control("add_fault", lambda b, r: b.add_fault(r.json()))
_control("clear_faults", lambda b, r: b.clear_faults())
_control("reset", lambda b, r: b.reset())
_control("get_fault_profile", lambda b, r: b.fault_profile())
_control("set_fault_profile", lambda b, r: b.set_fault_profile(r.json()))
_control("clear_fault_profile", lambda b, r: b.clear_fault_profile())
_control("report", lambda b, r: b.report(r.dev_key, r.params()))
_control("get_limits", lambda b, r: b.limits())
_control("set_limits", lambda b, r: b.set_limits(r.json()))
_control("seed_vendors", lambda b, r: b.seed_vendors(r.json()))
_control("fresh_organization", lambda b, r: b.fresh_organization(r.json()), status=201)


@handler
def verify_bank_user_identity(backend, req, bank_user_id):
    return 200, backend.verify_bank_user_identity(backend.check_dev_key(req.dev_key), bank_user_id)


_control("seed_bills", lambda b, r: b.seed_bills(r.json()))
