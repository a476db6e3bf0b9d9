"""bill_emulator.approval_responses
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Thin handlers for bill approvals, recurring bills, organization details and the bank account
upkeep calls (issue 25), registered into :data:`bill_emulator.responses.HANDLERS` (a module of
its own so that area's handlers stay together). Statuses are BILL's (its collection): ``201`` for
creating a policy or a recurring bill, ``200`` with JSON otherwise (``DELETE`` of a policy
included: ``{"status": "SUCCESS"}``).
"""

from __future__ import annotations

from bill_emulator.responses import CREATED, _signed_in, handler

# -- bill approvals -------------------------------------------------------------------------------


@handler
def list_approval_policies(backend, req):
    req.no_params()
    return 200, backend.list_approval_policies(_signed_in(backend, req))


@handler
def create_approval_policy(backend, req):
    req.no_params()
    caller = _signed_in(backend, req)
    return CREATED, backend.create_approval_policy(caller, req.json())


@handler
def replace_approval_policy(backend, req, policy_id):
    req.no_params()
    caller = _signed_in(backend, req)
    return 200, backend.replace_approval_policy(caller, policy_id, req.json())


@handler
def delete_approval_policy(backend, req, policy_id):
    req.no_params()
    return 200, backend.delete_approval_policy(_signed_in(backend, req), policy_id)


@handler
def pending_user_approvals(backend, req):
    req.no_params()
    return 200, backend.pending_user_approvals(_signed_in(backend, req))


@handler
def bill_approval_actions(backend, req):
    req.no_params()
    caller = _signed_in(backend, req)
    return 200, backend.bill_approval_actions(caller, req.json())


# -- recurring bills ------------------------------------------------------------------------------


@handler
def list_recurring_bills(backend, req):
    return 200, backend.list_recurring_bills(_signed_in(backend, req), req.params())


@handler
def create_recurring_bill(backend, req):
    req.no_params()
    caller = _signed_in(backend, req)
    return CREATED, backend.create_recurring_bill(caller, req.json())


@handler
def get_recurring_bill(backend, req, rb_id):
    req.no_params()
    return 200, backend.get_recurring_bill(_signed_in(backend, req), rb_id)


@handler
def replace_recurring_bill(backend, req, rb_id):
    req.no_params()
    caller = _signed_in(backend, req)
    return 200, backend.replace_recurring_bill(caller, rb_id, req.json())


@handler
def update_recurring_bill(backend, req, rb_id):
    req.no_params()
    caller = _signed_in(backend, req)
    return 200, backend.update_recurring_bill(caller, rb_id, req.json())


@handler
def archive_recurring_bill(backend, req, rb_id):
    req.no_params()
    return 200, backend.archive_recurring_bill(_signed_in(backend, req), rb_id)


@handler
def restore_recurring_bill(backend, req, rb_id):
    req.no_params()
    return 200, backend.restore_recurring_bill(_signed_in(backend, req), rb_id)


# -- organization, bank account upkeep ------------------------------------------------------------


@handler
def get_organization(backend, req, org_id):
    req.no_params()
    return 200, backend.get_organization(_signed_in(backend, req), org_id)


@handler
def update_organization(backend, req, org_id):
    req.no_params()
    caller = _signed_in(backend, req)
    return 200, backend.update_organization(caller, org_id, req.json())


@handler
def update_bank(backend, req, bank_id):
    req.no_params()
    return 200, backend.update_bank(_signed_in(backend, req), bank_id, req.json())


@handler
def archive_bank(backend, req, bank_id):
    req.no_params()
    return 200, backend.archive_bank(_signed_in(backend, req), bank_id)


@handler
def archive_bank_user(backend, req, bank_user_id):
    req.no_params()
    return 200, backend.archive_bank_user(_signed_in(backend, req), bank_user_id)
