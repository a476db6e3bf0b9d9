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


@handler
def session_info(backend, req):
    req.no_params()
    return 200, backend.session_info(_signed_in(backend, req))


@handler
def mfa_challenge(backend, req):
    req.no_params()
    return 200, backend.mfa_challenge(_signed_in(backend, req), req.json())


@handler
def mfa_validate(backend, req):
    req.no_params()
    return 200, backend.mfa_validate(_signed_in(backend, req), req.json())


@handler
def mfa_step_up(backend, req):
    req.no_params()
    return 200, backend.mfa_step_up(_signed_in(backend, req), req.json())


@handler
def mfa_setup(backend, req):
    req.no_params()
    return 200, backend.mfa_setup(_signed_in(backend, req), req.json())


@handler
def mfa_setup_validate(backend, req):
    req.no_params()
    return 200, backend.mfa_setup_validate(_signed_in(backend, req), req.json())


@handler
def mfa_phones(backend, req):
    req.no_params()
    return 200, backend.mfa_phones(_signed_in(backend, req))


# -- vendors, bills, banks, payments ------------------------------------------------------------


def _resource_handlers(kind: str, id_arg: str, *, plural: str) -> None:
    """Register list/create/get/update/archive/restore handlers for one resource."""

    def list_(backend, req):
        caller = _signed_in(backend, req)
        return 200, getattr(backend, f"list_{plural}")(caller, req.params())

    def create(backend, req):
        req.no_params()
        caller = _signed_in(backend, req)
        return CREATED, getattr(backend, f"create_{kind}")(caller, req.json())

    def bulk_create(backend, req):
        req.no_params()
        caller = _signed_in(backend, req)
        return CREATED, getattr(backend, f"bulk_create_{plural}")(caller, req.json())

    def get(backend, req, **args):
        req.no_params()
        return 200, getattr(backend, f"get_{kind}")(_signed_in(backend, req), args[id_arg])

    def update(backend, req, **args):
        req.no_params()
        caller = _signed_in(backend, req)
        return 200, getattr(backend, f"update_{kind}")(caller, args[id_arg], req.json())

    def archive(backend, req, **args):
        req.no_params()
        return 200, getattr(backend, f"archive_{kind}")(_signed_in(backend, req), args[id_arg])

    def restore(backend, req, **args):
        req.no_params()
        return 200, getattr(backend, f"restore_{kind}")(_signed_in(backend, req), args[id_arg])

    HANDLERS.update(
        {
            f"list_{plural}": list_,
            f"create_{kind}": create,
            f"bulk_create_{plural}": bulk_create,
            f"get_{kind}": get,
            f"update_{kind}": update,
            f"archive_{kind}": archive,
            f"restore_{kind}": restore,
        }
    )


_resource_handlers("vendor", "vendor_id", plural="vendors")
_resource_handlers("bill", "bill_id", plural="bills")


@handler
def get_vendor_bank_account(backend, req, vendor_id):
    req.no_params()
    return 200, backend.get_vendor_bank_account(_signed_in(backend, req), vendor_id)


@handler
def create_vendor_bank_account(backend, req, vendor_id):
    req.no_params()
    caller = _signed_in(backend, req)
    return 200, backend.create_vendor_bank_account(caller, vendor_id, req.json())


@handler
def delete_vendor_bank_account(backend, req, vendor_id):
    req.no_params()
    backend.delete_vendor_bank_account(_signed_in(backend, req), vendor_id)
    return NO_CONTENT, NO_BODY


@handler
def list_banks(backend, req):
    return 200, backend.list_banks(_signed_in(backend, req), req.params())


@handler
def get_bank(backend, req, bank_id):
    req.no_params()
    return 200, backend.get_bank(_signed_in(backend, req), bank_id)


@handler
def create_bank(backend, req):
    req.no_params()
    return 201, backend.create_bank(_signed_in(backend, req), req.json())


@handler
def verify_bank(backend, req, bank_id):
    req.no_params()
    return 200, backend.verify_bank(_signed_in(backend, req), bank_id, req.json())


@handler
def list_bank_users(backend, req):
    return 200, backend.list_bank_users(_signed_in(backend, req), req.params())


@handler
def nominate_bank_user(backend, req):
    req.no_params()
    return 200, backend.nominate_bank_user(_signed_in(backend, req), req.json())


@handler
def list_payments(backend, req):
    return 200, backend.list_payments(_signed_in(backend, req), req.params())


@handler
def create_payment(backend, req):
    req.no_params()
    caller = _signed_in(backend, req)
    return CREATED, backend.create_payment(caller, req.json())


@handler
def bulk_create_payments(backend, req):
    req.no_params()
    caller = _signed_in(backend, req)
    return CREATED, backend.bulk_create_payments(caller, req.json())


@handler
def get_payment(backend, req, payment_id):
    req.no_params()
    return 200, backend.get_payment(_signed_in(backend, req), payment_id)


@handler
def cancel_payment(backend, req, payment_id):
    req.no_params()
    return 200, backend.cancel_payment(_signed_in(backend, req), payment_id)


# -- vendor credits, bill replace and record-payment, payment options (issue 25) ------------------


def _body_call(name: str, status: int = 200, *, with_id: str | None = None) -> None:
    """A handler: no query parameters, the signed-in caller, the JSON body (and a path id)."""

    def call(backend, req, **args):
        req.no_params()
        caller = _signed_in(backend, req)
        extra = (args[with_id],) if with_id else ()
        return status, getattr(backend, name)(caller, *extra, req.json())

    HANDLERS[name] = call


@handler
def list_vendor_credits(backend, req):
    return 200, backend.list_vendor_credits(_signed_in(backend, req), req.params())


@handler
def get_vendor_credit(backend, req, credit_id):
    req.no_params()
    return 200, backend.get_vendor_credit(_signed_in(backend, req), credit_id)


@handler
def archive_vendor_credit(backend, req, credit_id):
    req.no_params()
    return 200, backend.archive_vendor_credit(_signed_in(backend, req), credit_id)


@handler
def bulk_archive_vendor_credits(backend, req):
    caller = _signed_in(backend, req)
    if req.body.strip():
        raise MalformedRequest("Request body must be empty: name the credits in ?ids=...")
    return 200, backend.bulk_archive_vendor_credits(caller, req.params())


@handler
def payment_options(backend, req):
    return 200, backend.payment_options(_signed_in(backend, req), req.params())


_body_call("create_vendor_credit", CREATED)
_body_call("bulk_create_vendor_credits", CREATED)
_body_call("bulk_replace_vendor_credits")
_body_call("bulk_update_vendor_credits")
_body_call("replace_vendor_credit", with_id="credit_id")
_body_call("update_vendor_credit", with_id="credit_id")
_body_call("replace_bill", with_id="bill_id")
_body_call("record_payment")


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
