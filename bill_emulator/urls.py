"""bill_emulator.urls
~~~~~~~~~~~~~~~~~~~~~~~~~

Every path the emulator serves, in one werkzeug ``Map`` with named route arguments.

BILL's paths live under ``/v3/``; the emulator's own controls under ``/_emulator/``. Endpoint names
are the handler names in :mod:`bill_emulator.responses`.
"""

from __future__ import annotations

from werkzeug.routing import BaseConverter, Map, Rule


class IdConverter(BaseConverter):
    """An object id segment: BILL's ids always hold a digit (``009...``, ``00n...``, ``stp01...``).

    So a word such as ``options`` in ``/v3/payments/options`` is not taken for an id: BILL
    sub-paths the emulator does not serve answer BILL's 404 ``BDC_1121`` rather than a confusing
    "payment not found".
    """

    regex = r"[^/]*[0-9][^/]*"


class ClassificationConverter(BaseConverter):
    """One of BILL's seven classification kinds in ``/v3/classifications/<kind>`` (another word
    is BILL's 404 ``BDC_1121``, as for any path BILL does not serve)."""

    regex = r"(?:chart-of-accounts|accounting-classes|departments|employees|items|jobs|locations)"


#: Where the emulator serves BILL's connect-events (webhooks) API.
_EVENTS = "/connect-events/v3"


def _r(path: str, endpoint: str, *methods: str) -> Rule:
    return Rule(path, endpoint=endpoint, methods=list(methods))


url_map = Map(
    [
        # sign-in and sessions
        _r("/v3/login", "login", "POST"),
        _r("/v3/logout", "logout", "POST"),
        _r("/v3/login/session", "session_info", "GET"),
        # MFA
        _r("/v3/mfa/challenge", "mfa_challenge", "POST"),
        _r("/v3/mfa/challenge/validate", "mfa_validate", "POST"),
        _r("/v3/mfa/step-up", "mfa_step_up", "POST"),
        _r("/v3/mfa/setup", "mfa_setup", "POST"),
        _r("/v3/mfa/setup/validate", "mfa_setup_validate", "POST"),
        _r("/v3/mfa/phones", "mfa_phones", "GET"),
        # vendors
        _r("/v3/vendors", "list_vendors", "GET"),
        _r("/v3/vendors", "create_vendor", "POST"),
        _r("/v3/vendors/bulk", "bulk_create_vendors", "POST"),
        _r("/v3/vendors/<id:vendor_id>", "get_vendor", "GET"),
        _r("/v3/vendors/<id:vendor_id>", "update_vendor", "PATCH"),
        _r("/v3/vendors/<id:vendor_id>/archive", "archive_vendor", "POST"),
        _r("/v3/vendors/<id:vendor_id>/restore", "restore_vendor", "POST"),
        _r("/v3/vendors/<id:vendor_id>/bank-account", "get_vendor_bank_account", "GET"),
        _r("/v3/vendors/<id:vendor_id>/bank-account", "create_vendor_bank_account", "POST"),
        _r("/v3/vendors/<id:vendor_id>/bank-account", "delete_vendor_bank_account", "DELETE"),
        # bills
        _r("/v3/bills", "list_bills", "GET"),
        _r("/v3/bills", "create_bill", "POST"),
        _r("/v3/bills/bulk", "bulk_create_bills", "POST"),
        _r("/v3/bills/<id:bill_id>", "get_bill", "GET"),
        _r("/v3/bills/<id:bill_id>", "update_bill", "PATCH"),
        _r("/v3/bills/<id:bill_id>/archive", "archive_bill", "POST"),
        _r("/v3/bills/<id:bill_id>/restore", "restore_bill", "POST"),
        # funding accounts
        _r("/v3/funding-accounts/banks", "list_banks", "GET"),
        _r("/v3/funding-accounts/banks", "create_bank", "POST"),
        _r("/v3/funding-accounts/banks/users", "list_bank_users", "GET"),
        _r("/v3/funding-accounts/banks/users/nominate", "nominate_bank_user", "POST"),
        _r("/v3/funding-accounts/banks/<id:bank_id>", "get_bank", "GET"),
        _r("/v3/funding-accounts/banks/<id:bank_id>/verify", "verify_bank", "POST"),
        # payments
        _r("/v3/payments", "list_payments", "GET"),
        _r("/v3/payments", "create_payment", "POST"),
        _r("/v3/payments/bulk", "bulk_create_payments", "POST"),
        _r("/v3/payments/<id:payment_id>", "get_payment", "GET"),
        _r("/v3/payments/<id:payment_id>/cancel", "cancel_payment", "POST"),
        _r("/v3/payments/<id:payment_id>/void", "void_payment", "POST"),
        # vendor credits, bill replace and record-payment, payment options (issue 25: ap-credits)
        _r("/v3/vendor-credits", "list_vendor_credits", "GET"),
        _r("/v3/vendor-credits", "create_vendor_credit", "POST"),
        _r("/v3/vendor-credits/bulk", "bulk_create_vendor_credits", "POST"),
        _r("/v3/vendor-credits/bulk", "bulk_replace_vendor_credits", "PUT"),
        _r("/v3/vendor-credits/bulk", "bulk_update_vendor_credits", "PATCH"),
        _r("/v3/vendor-credits/bulk/archive", "bulk_archive_vendor_credits", "POST"),
        _r("/v3/vendor-credits/<id:credit_id>", "get_vendor_credit", "GET"),
        _r("/v3/vendor-credits/<id:credit_id>", "replace_vendor_credit", "PUT"),
        _r("/v3/vendor-credits/<id:credit_id>", "update_vendor_credit", "PATCH"),
        _r("/v3/vendor-credits/<id:credit_id>/archive", "archive_vendor_credit", "POST"),
        _r("/v3/bills/<id:bill_id>", "replace_bill", "PUT"),
        _r("/v3/bills/record-payment", "record_payment", "POST"),
        _r("/v3/payments/options", "payment_options", "GET"),
        # classifications, attachments and documents (issue 25; backend/classifications.py,
        # backend/documents.py)
        _r("/v3/classifications/<ckind:segment>", "list_classifications", "GET"),
        _r("/v3/classifications/<ckind:segment>", "create_classification", "POST"),
        _r("/v3/classifications/<ckind:segment>/bulk", "bulk_create_classifications", "POST"),
        _r("/v3/classifications/<ckind:segment>/bulk", "bulk_update_classifications", "PATCH"),
        _r(
            "/v3/classifications/<ckind:segment>/bulk/archive",
            "bulk_archive_classifications",
            "POST",
        ),
        _r(
            "/v3/classifications/<ckind:segment>/bulk/restore",
            "bulk_restore_classifications",
            "POST",
        ),
        _r("/v3/classifications/<ckind:segment>/<id:obj_id>", "get_classification", "GET"),
        _r("/v3/classifications/<ckind:segment>/<id:obj_id>", "update_classification", "PATCH"),
        _r(
            "/v3/classifications/<ckind:segment>/<id:obj_id>/archive",
            "archive_classification",
            "POST",
        ),
        _r(
            "/v3/classifications/<ckind:segment>/<id:obj_id>/restore",
            "restore_classification",
            "POST",
        ),
        _r("/v3/attachments/vendors/<id:vendor_id>", "list_vendor_attachments", "GET"),
        _r("/v3/attachments/vendors/<id:vendor_id>", "upload_vendor_attachment", "POST"),
        _r("/v3/attachments/<id:attachment_id>", "get_attachment", "GET"),
        _r("/v3/attachments/<id:attachment_id>", "delete_attachment", "DELETE"),
        _r("/v3/documents/bills/<id:bill_id>", "list_bill_documents", "GET"),
        _r("/v3/documents/bills/<id:bill_id>", "upload_bill_document", "POST"),
        _r("/v3/documents/upload-status", "document_upload_status", "GET"),
        _r("/v3/documents/<id:document_id>", "get_document", "GET"),
        _r("/v3/files/<id:file_id>", "download_file", "GET"),
        # bill approvals, recurring bills, organization, bank account upkeep (issue 25;
        # handlers in approval_responses.py)
        _r("/v3/bill-approvals/policies", "list_approval_policies", "GET"),
        _r("/v3/bill-approvals/policies", "create_approval_policy", "POST"),
        _r("/v3/bill-approvals/policies/<id:policy_id>", "replace_approval_policy", "PUT"),
        _r("/v3/bill-approvals/policies/<id:policy_id>", "delete_approval_policy", "DELETE"),
        _r("/v3/bill-approvals/pending-user-approvals", "pending_user_approvals", "GET"),
        _r("/v3/bill-approvals/actions", "bill_approval_actions", "POST"),
        _r("/v3/recurringbills", "list_recurring_bills", "GET"),
        _r("/v3/recurringbills", "create_recurring_bill", "POST"),
        _r("/v3/recurringbills/<id:rb_id>", "get_recurring_bill", "GET"),
        _r("/v3/recurringbills/<id:rb_id>", "replace_recurring_bill", "PUT"),
        _r("/v3/recurringbills/<id:rb_id>", "update_recurring_bill", "PATCH"),
        _r("/v3/recurringbills/<id:rb_id>/archive", "archive_recurring_bill", "POST"),
        _r("/v3/recurringbills/<id:rb_id>/restore", "restore_recurring_bill", "POST"),
        _r("/v3/organizations/<id:org_id>", "get_organization", "GET"),
        _r("/v3/organizations/<id:org_id>", "update_organization", "PATCH"),
        _r("/v3/funding-accounts/banks/<id:bank_id>", "update_bank", "PATCH"),
        _r("/v3/funding-accounts/banks/<id:bank_id>/archive", "archive_bank", "POST"),
        _r(
            "/v3/funding-accounts/banks/users/<id:bank_user_id>/archive",
            "archive_bank_user",
            "POST",
        ),
        # webhooks: BILL serves them on the base .../connect-events; the emulator on its own port
        _r(f"{_EVENTS}/events/catalog", "event_catalog", "GET"),
        _r(f"{_EVENTS}/events/subscription/<sub_id>", "list_events", "GET"),
        _r(f"{_EVENTS}/events/subscription/<sub_id>/event/<event_id>", "resend_event", "POST"),
        _r(f"{_EVENTS}/subscriptions", "list_subscriptions", "GET"),
        _r(f"{_EVENTS}/subscriptions", "create_subscription", "POST"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>", "get_subscription", "GET"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>", "replace_subscription", "PUT"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>", "update_subscription", "PATCH"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>", "delete_subscription", "DELETE"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>/security_key", "rotate_security_key", "POST"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>/security-key", "rotate_security_key", "POST"),
        _r(f"{_EVENTS}/subscriptions/<sub_id>/test", "send_test_event", "POST"),
        # the emulator's controls (not BILL's)
        _r("/_emulator/health", "health", "GET"),
        _r("/_emulator/outbox", "outbox", "GET"),
        _r("/_emulator/clock", "clock_now", "GET"),
        _r("/_emulator/clock", "advance_clock", "POST"),
        _r("/_emulator/requests", "request_log", "GET"),
        _r("/_emulator/requests", "clear_request_log", "DELETE"),
        _r("/_emulator/faults", "list_faults", "GET"),
        _r("/_emulator/faults", "add_fault", "POST"),
        _r("/_emulator/faults", "clear_faults", "DELETE"),
        _r("/_emulator/reset", "reset", "POST"),
        _r("/_emulator/fault-profile", "get_fault_profile", "GET"),
        _r("/_emulator/fault-profile", "set_fault_profile", "POST"),
        _r("/_emulator/fault-profile", "clear_fault_profile", "DELETE"),
        _r("/_emulator/report", "report", "GET"),
        _r("/_emulator/limits", "get_limits", "GET"),
        _r("/_emulator/limits", "set_limits", "PUT"),
        _r("/_emulator/seed/vendors", "seed_vendors", "POST"),
        _r("/_emulator/organizations", "fresh_organization", "POST"),
        _r(
            "/_emulator/bank-account-users/<bank_user_id>/verify",
            "verify_bank_user_identity",
            "POST",
        ),
        _r("/_emulator/seed/bills", "seed_bills", "POST"),
    ],
    converters={"id": IdConverter, "ckind": ClassificationConverter},
    strict_slashes=False,
    merge_slashes=False,
)
