"""A fresh organization's set-up on the backend: MFA phone, bank account, bank account user,
and the business-day rules of a payment's processDate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from emulator_helpers import FROZEN, bill_body, login_body, payment_body, vendor_body

from bill_emulator import seed
from bill_emulator.backend import EmulatorBackend
from bill_emulator.backend.clock import add_business_days, is_business_day, next_business_day
from bill_emulator.backend.errors import (
    ExpiredMfaToken,
    InvalidProcessDate,
    InvalidState,
    MfaNotSetUp,
    ProcessDateTooSoon,
    UntrustedSession,
    ValidationFailed,
    WrongMfaToken,
)

BANK = {
    "nameOnAccount": "Fresh Books LLC",
    "routingNumber": "074000010",
    "accountNumber": "111222333",
    "type": "CHECKING",
    "ownerType": "BUSINESS",
    "bankName": "Chase",
}  # BILL's own example body of "Create a bank account"


# -- business days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "business"),
    [
        ("2026-12-25", False),  # Christmas Day, a Friday
        ("2026-12-26", False),  # Saturday
        ("2026-12-28", True),  # Monday
        ("2026-07-03", True),  # Friday before Independence Day on a Saturday: banks open
        ("2027-07-05", False),  # Monday after Independence Day on a Sunday: banks closed
        ("2026-11-26", False),  # Thanksgiving
        ("2026-03-04", True),
    ],
)
def test_business_days_skip_weekends_and_us_bank_holidays(day, business):
    assert is_business_day(date.fromisoformat(day)) is business


def test_next_and_added_business_days_skip_holidays():
    assert next_business_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert add_business_days(date(2026, 12, 23), 2) == date(2026, 12, 28)


# -- a fresh organization ----------------------------------------------------------------------


@pytest.fixture
def fresh(backend):
    """A fresh organization's credentials and its signed-in (untrusted) caller."""
    org = backend.fresh_organization({"fresh": True})
    login = backend.login(
        {
            "username": org["username"],
            "password": org["password"],
            "organizationId": org["organizationId"],
            "devKey": org["devKey"],
        }
    )
    return org, backend.authenticate(org["devKey"], login["sessionId"]), login["sessionId"]


def _set_up_phone(backend, caller) -> None:
    setup_id = backend.mfa_setup(caller, {"phone": "4085550123", "type": "TEXT", "primary": True})
    token = backend.outbox()[0]["token"]
    result = backend.mfa_setup_validate(
        caller, {"setupId": setup_id["setupId"], "type": "TEXT", "token": token}
    )
    assert result == {"status": "SUCCESS"}


def _trusted(backend, org, caller, session_id):
    challenge = backend.mfa_challenge(caller, {})["challengeId"]
    token = backend.outbox()[0]["token"]
    backend.mfa_validate(caller, {"challengeId": challenge, "token": token})
    return backend.authenticate(org["devKey"], session_id)


def test_fresh_organization_has_a_user_and_no_phone_or_bank(backend, fresh):
    org, caller, _ = fresh
    assert org["organizationId"].startswith("008") and len(org["organizationId"]) == 20
    assert org["organizationId"] != seed.ORGANIZATION_ID
    assert backend.mfa_phones(caller) == {"results": []}
    assert backend.list_banks(caller, {})["results"] == []
    assert backend.session_info(caller)["mfaStatus"] == "SETUP"


def test_fresh_organization_control_wants_fresh_true(backend):
    with pytest.raises(ValidationFailed):
        backend.fresh_organization({"fresh": False})


def test_no_phone_means_no_challenge(backend, fresh):
    _, caller, _ = fresh
    with pytest.raises(MfaNotSetUp) as err:
        backend.mfa_challenge(caller, {})
    assert "POST /v3/mfa/setup" in err.value.message
    assert backend.outbox() == []  # nothing was texted


def test_phone_setup_then_challenge_works(backend, fresh):
    org, caller, session_id = fresh
    _set_up_phone(backend, caller)
    assert backend.mfa_phones(caller) == {
        "results": [{"type": "MOBILE", "last4digits": "0123", "primary": True}]
    }
    assert backend.session_info(caller)["mfaStatus"] == "CHALLENGE"
    assert _trusted(backend, org, caller, session_id).trusted


def test_phone_setup_refuses_secondary_phone_and_bad_numbers(backend, fresh):
    _, caller, _ = fresh
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_setup(caller, {"phone": "4085550123", "primary": False})
    assert err.value.field == "primary"
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_setup(caller, {"phone": "555"})
    assert err.value.field == "phone"


def test_phone_setup_wrong_token_then_used_setup(backend, fresh):
    _, caller, _ = fresh
    setup_id = backend.mfa_setup(caller, {"phone": "4085550123"})["setupId"]
    token = backend.outbox()[0]["token"]
    wrong = "000000" if token != "000000" else "111111"
    with pytest.raises(WrongMfaToken):
        backend.mfa_setup_validate(caller, {"setupId": setup_id, "token": wrong})
    assert backend.mfa_phones(caller) == {"results": []}
    backend.mfa_setup_validate(caller, {"setupId": setup_id, "token": token})
    with pytest.raises(ExpiredMfaToken):
        backend.mfa_setup_validate(caller, {"setupId": setup_id, "token": token})


def test_setup_id_is_not_a_challenge_id(backend, fresh):
    _, caller, _ = fresh
    setup_id = backend.mfa_setup(caller, {"phone": "4085550123"})["setupId"]
    token = backend.outbox()[0]["token"]
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_validate(caller, {"challengeId": setup_id, "token": token})
    assert err.value.field == "challengeId"


def test_replacing_a_phone_is_an_mfa_reset_and_needs_trust(backend, caller):
    with pytest.raises(UntrustedSession):  # the demo user has a phone already
        backend.mfa_setup(caller, {"phone": "4085550199"})


def test_bank_account_set_up_then_payment(backend, fresh):
    org, caller, session_id = fresh
    with pytest.raises(UntrustedSession):
        backend.create_bank(caller, BANK)
    _set_up_phone(backend, caller)
    trusted = _trusted(backend, org, caller, session_id)
    bank = backend.create_bank(trusted, BANK)
    assert (bank["status"], bank["accountNumber"], bank["createdBy"]) == (
        "PENDING",
        "*****2333",
        caller.user_id,
    )
    assert bank["default"] == {"payables": False, "receivables": False}
    assert not any(key.startswith("_") for key in bank)

    vendor = backend.create_vendor(trusted, vendor_body())
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    body = payment_body(bill["id"], fundingAccount={"type": "BANK_ACCOUNT", "id": bank["id"]})
    with pytest.raises(ValidationFailed, match="PENDING"):
        backend.create_payment(trusted, body)
    with pytest.raises(InvalidState):  # only a VERIFIED account takes nominations
        backend.nominate_bank_user(trusted, {"bankAccountId": bank["id"], "userId": caller.user_id})

    assert backend.verify_bank(trusted, bank["id"], {"depositAmount": Decimal("0.5")}) == {
        "verified": True
    }
    with pytest.raises(ValidationFailed, match="not nominated"):
        backend.create_payment(trusted, body)
    nominate = {"bankAccountId": bank["id"], "userId": caller.user_id}
    assert backend.nominate_bank_user(trusted, nominate) == {"status": "SUCCESS"}
    (user,) = backend.list_bank_users(trusted, {"currentUser": ["true"]})["results"]
    assert (user["bankAccountId"], user["verificationStatus"]) == (bank["id"], "NOMINATED")
    with pytest.raises(ValidationFailed, match="NOMINATED"):
        backend.create_payment(trusted, body)
    backend.verify_bank_user_identity(org["devKey"], user["id"])
    assert backend.create_payment(trusted, body)["status"] == "SCHEDULED"


def test_three_wrong_deposits_make_the_account_invalid(backend, fresh):
    org, caller, session_id = fresh
    _set_up_phone(backend, caller)
    trusted = _trusted(backend, org, caller, session_id)
    bank = backend.create_bank(trusted, BANK)
    for _ in range(3):
        assert backend.verify_bank(trusted, bank["id"], {"depositAmount": Decimal("1")}) == {
            "verified": False
        }
    assert backend.get_bank(trusted, bank["id"])["status"] == "INVALID"
    with pytest.raises(InvalidState):
        backend.verify_bank(trusted, bank["id"], {"depositAmount": Decimal("0.5")})


def test_create_bank_checks_fields(backend, trusted):
    with pytest.raises(ValidationFailed) as err:
        backend.create_bank(trusted, {**BANK, "routingNumber": "123456789"})
    assert err.value.field == "routingNumber"
    with pytest.raises(ValidationFailed) as err:
        backend.create_bank(trusted, {**BANK, "ownerType": "PERSON"})
    assert err.value.field == "ownerType"
    assert backend.list_banks(trusted, {})["results"][-1]["id"] == seed.UNVERIFIED_BANK_ID


# -- the processDate rules ---------------------------------------------------------------------


@pytest.fixture
def bill(backend, trusted):
    vendor = backend.create_vendor(trusted, vendor_body())
    return backend.create_bill(trusted, bill_body(vendor["id"]))


def test_new_vendor_bank_account_needs_two_business_days(backend, trusted, bill):
    # FROZEN is Wednesday 2026-03-04: the earliest date is Friday 2026-03-06
    for early in (None, "2026-03-04", "2026-03-05"):
        with pytest.raises(ProcessDateTooSoon) as err:
            backend.create_payment(trusted, payment_body(bill["id"], processDate=early))
        assert (err.value.code, err.value.http_status) == ("BDC_1402", 400)
    assert backend.list_payments(trusted, {})["results"] == []
    payment = backend.create_payment(trusted, payment_body(bill["id"], processDate="2026-03-06"))
    assert payment["processDate"] == "2026-03-06"


def _trusted_demo(backend):
    """Sign the demo user in and trust the session (challenge + the outbox's token)."""
    session = backend.login(login_body())["sessionId"]
    caller = backend.authenticate(seed.DEV_KEY, session)
    challenge = backend.mfa_challenge(caller, {})["challengeId"]
    backend.mfa_validate(caller, {"challengeId": challenge, "token": backend.outbox()[0]["token"]})
    return backend.authenticate(seed.DEV_KEY, session)


def test_vendor_bank_account_added_later_restarts_the_wait(tmp_path):
    clock = {"now": FROZEN}
    backend = EmulatorBackend(tmp_path / "d", time_source=lambda: clock["now"])
    try:
        trusted = _trusted_demo(backend)
        vendor = backend.create_vendor(trusted, vendor_body())
        bill = backend.create_bill(trusted, bill_body(vendor["id"]))
        clock["now"] += 7 * 86400  # a week on, the account is verified: the default date works
        trusted = _trusted_demo(backend)
        backend.create_payment(trusted, payment_body(bill["id"], "10.00", processDate=None))
        backend.delete_vendor_bank_account(trusted, vendor["id"])
        bank = vendor_body()["paymentInformation"]["bankAccount"]
        backend.create_vendor_bank_account(trusted, vendor["id"], bank)
        with pytest.raises(ProcessDateTooSoon):
            backend.create_payment(trusted, payment_body(bill["id"], "10.00", processDate=None))
    finally:
        backend.close()


@pytest.mark.parametrize(
    "day",
    [
        pytest.param("2026-12-25", id="christmas"),
        pytest.param("2026-03-07", id="saturday"),
        pytest.param("2026-03-08", id="sunday"),
    ],
)
def test_process_date_on_a_holiday_or_weekend_is_bdc_1152(backend, trusted, bill, day):
    with pytest.raises(InvalidProcessDate) as err:
        backend.create_payment(trusted, payment_body(bill["id"], processDate=day))
    assert (err.value.code, err.value.http_status, err.value.message) == (
        "BDC_1152",
        422,
        f"Invalid Process Date : {day}",
    )
    assert backend.list_payments(trusted, {})["results"] == []


def test_a_demo_organization_seeded_before_phones_is_upgraded(tmp_path):
    """A data directory from an earlier version (no phone, no bank account user) still pays."""
    data = tmp_path / "old"
    old = EmulatorBackend(data, time_source=lambda: FROZEN)
    with old.store.write():  # what an earlier version's seed left: neither kind of object
        old.store._run("DELETE FROM objects WHERE kind IN ('mfaPhone', 'bankUser')")
    old.close()
    backend = EmulatorBackend(data, time_source=lambda: FROZEN)
    try:
        trusted = _trusted_demo(backend)  # a challenge needs the phone
        vendor = backend.create_vendor(trusted, vendor_body())
        bill = backend.create_bill(trusted, bill_body(vendor["id"]))
        assert backend.create_payment(trusted, payment_body(bill["id"]))["status"] == "SCHEDULED"
        assert len(backend.mfa_phones(trusted)["results"]) == 1
    finally:
        backend.close()
