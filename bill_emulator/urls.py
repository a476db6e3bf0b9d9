"""bill_emulator.urls
~~~~~~~~~~~~~~~~~~~~~~~~~

Every path the emulator serves, in one werkzeug ``Map`` with named route arguments.

BILL's paths live under ``/v3/``; the emulator's own controls under ``/_emulator/``. Endpoint names
are the handler names in :mod:`bill_emulator.responses`.
"""

from __future__ import annotations

from werkzeug.routing import Map, Rule


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
        # vendors
        _r("/v3/vendors", "list_vendors", "GET"),
        _r("/v3/vendors", "create_vendor", "POST"),
        _r("/v3/vendors/<vendor_id>", "get_vendor", "GET"),
        _r("/v3/vendors/<vendor_id>", "update_vendor", "PATCH"),
        _r("/v3/vendors/<vendor_id>/archive", "archive_vendor", "POST"),
        _r("/v3/vendors/<vendor_id>/restore", "restore_vendor", "POST"),
        _r("/v3/vendors/<vendor_id>/bank-account", "get_vendor_bank_account", "GET"),
        _r("/v3/vendors/<vendor_id>/bank-account", "create_vendor_bank_account", "POST"),
        _r("/v3/vendors/<vendor_id>/bank-account", "delete_vendor_bank_account", "DELETE"),
        # bills
        _r("/v3/bills", "list_bills", "GET"),
        _r("/v3/bills", "create_bill", "POST"),
        _r("/v3/bills/<bill_id>", "get_bill", "GET"),
        _r("/v3/bills/<bill_id>", "update_bill", "PATCH"),
        _r("/v3/bills/<bill_id>/archive", "archive_bill", "POST"),
        _r("/v3/bills/<bill_id>/restore", "restore_bill", "POST"),
        # funding accounts
        _r("/v3/funding-accounts/banks", "list_banks", "GET"),
        _r("/v3/funding-accounts/banks/<bank_id>", "get_bank", "GET"),
        # payments
        _r("/v3/payments", "list_payments", "GET"),
        _r("/v3/payments", "create_payment", "POST"),
        _r("/v3/payments/bulk", "bulk_create_payments", "POST"),
        _r("/v3/payments/<payment_id>", "get_payment", "GET"),
        _r("/v3/payments/<payment_id>/cancel", "cancel_payment", "POST"),
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
        _r("/_emulator/limits", "get_limits", "GET"),
        _r("/_emulator/limits", "set_limits", "PUT"),
        _r("/_emulator/seed/vendors", "seed_vendors", "POST"),
        _r("/_emulator/seed/bills", "seed_bills", "POST"),
    ],
    strict_slashes=False,
    merge_slashes=False,
)
