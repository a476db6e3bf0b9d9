"""bill_emulator.approval_responses
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Thin handlers for bill approvals, recurring bills, organization details and the bank account
upkeep calls (issue 25), registered into :data:`bill_emulator.responses.HANDLERS` (a module of
its own so that area's handlers stay together). Statuses are BILL's (its collection): ``201`` for
creating a policy or a recurring bill, ``200`` with JSON otherwise (``DELETE`` of a policy
included: ``{"status": "SUCCESS"}``).
"""

from __future__ import annotations

from bill_emulator.responses import CREATED, call

# -- bill approvals -------------------------------------------------------------------------------

call("list_approval_policies")
call("create_approval_policy", CREATED, body=True)
call("replace_approval_policy", ids=("policy_id",), body=True)
call("delete_approval_policy", ids=("policy_id",))
call("pending_user_approvals")
call("bill_approval_actions", body=True)

# -- recurring bills ------------------------------------------------------------------------------

call("list_recurring_bills", query=True)
call("create_recurring_bill", CREATED, body=True)
call("get_recurring_bill", ids=("rb_id",))
call("replace_recurring_bill", ids=("rb_id",), body=True)
call("update_recurring_bill", ids=("rb_id",), body=True)
call("archive_recurring_bill", ids=("rb_id",))
call("restore_recurring_bill", ids=("rb_id",))

# -- organization, bank account upkeep ------------------------------------------------------------

call("get_organization", ids=("org_id",))
call("update_organization", ids=("org_id",), body=True)
call("update_bank", ids=("bank_id",), body=True)
call("archive_bank", ids=("bank_id",))
call("archive_bank_user", ids=("bank_user_id",))
