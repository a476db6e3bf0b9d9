"""bill_emulator.webhook_responses
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Thin handlers for the connect-events (webhooks) API and payment void, registered into
:data:`bill_emulator.responses.HANDLERS` (a module of its own so the webhook work stays apart).
"""

from __future__ import annotations

from bill_emulator.responses import HANDLERS, _signed_in, handler


def _events_caller(backend, req):
    """A missing header is 400 on the connect-events API, an invalid one 401 (BILL's webhook
    API error responses page)."""
    return backend.events_authenticate(req.dev_key, req.session_id)


@handler
def void_payment(backend, req, payment_id):
    req.no_params()
    return 200, backend.void_payment(_signed_in(backend, req), payment_id, req.json())


@handler
def event_catalog(backend, req):
    req.no_params()
    return 200, backend.event_catalog(_events_caller(backend, req))


@handler
def list_events(backend, req, sub_id):
    return 200, backend.list_events(_events_caller(backend, req), sub_id, req.params())


@handler
def resend_event(backend, req, sub_id, event_id):
    req.no_params()
    return 200, backend.resend_event(_events_caller(backend, req), sub_id, event_id)


@handler
def list_subscriptions(backend, req):
    return 200, backend.list_subscriptions(_events_caller(backend, req), req.params())


@handler
def create_subscription(backend, req):
    req.no_params()
    caller = _events_caller(backend, req)
    return 200, backend.create_subscription(caller, req.json(), req.idempotent_key)


@handler
def get_subscription(backend, req, sub_id):
    req.no_params()
    return 200, backend.get_subscription(_events_caller(backend, req), sub_id)


@handler
def replace_subscription(backend, req, sub_id):
    req.no_params()
    return 200, backend.replace_subscription(_events_caller(backend, req), sub_id, req.json())


@handler
def update_subscription(backend, req, sub_id):
    req.no_params()
    return 200, backend.update_subscription(_events_caller(backend, req), sub_id, req.json())


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


@handler
def send_test_event(backend, req, sub_id):
    req.no_params()
    return 200, backend.send_test_event(_events_caller(backend, req), sub_id, req.json())


__all__ = ("HANDLERS",)
