"""bill_emulator.webhook_responses
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Thin handlers for the connect-events (webhooks) API and payment void, registered into
:data:`bill_emulator.responses.HANDLERS` (a module of its own so the webhook work stays apart).
"""

from __future__ import annotations

from bill_emulator.responses import HANDLERS, call, handler


def _events_caller(backend, req):
    """A missing header is 400 on the connect-events API, an invalid one 401 (BILL's webhook
    API error responses page)."""
    return backend.events_authenticate(req.dev_key, req.session_id)


call("void_payment", ids=("payment_id",), body=True)


call("event_catalog", caller=_events_caller)
call("list_events", ids=("sub_id",), query=True, caller=_events_caller)
call("resend_event", ids=("sub_id", "event_id"), caller=_events_caller)
call("list_subscriptions", query=True, caller=_events_caller)
call("get_subscription", ids=("sub_id",), caller=_events_caller)
call("replace_subscription", ids=("sub_id",), body=True, caller=_events_caller)
call("update_subscription", ids=("sub_id",), body=True, caller=_events_caller)
call("send_test_event", ids=("sub_id",), body=True, caller=_events_caller)


@handler
def create_subscription(backend, req):
    req.no_params()
    caller = _events_caller(backend, req)
    return 200, backend.create_subscription(caller, req.json(), req.idempotent_key)


@handler
def delete_subscription(backend, req, sub_id):
    req.no_params()
    backend.delete_subscription(_events_caller(backend, req), sub_id)
    return 200, None


@handler
def rotate_security_key(backend, req, sub_id):
    req.no_params()
    caller = _events_caller(backend, req)
    return 200, backend.rotate_security_key(caller, sub_id, req.idempotent_key)


__all__ = ("HANDLERS",)
