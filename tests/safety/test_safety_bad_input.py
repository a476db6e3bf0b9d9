"""Bad input, end to end through the client and the emulator over real HTTP.

Each test asserts three things: the error class (and BILL's code when the emulator answered),
that the message names the field and the hint says how to fix it, and that nothing was created
(the emulator's request log shows that no POST reached it when the client caught the input,
and a listing afterwards shows no new object when the emulator refused it).
``docs/bad-input.md`` lists every row with its test; ``test_bad_input_table.py`` keeps them in step.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from client_bodies import VERIFIED_BANK, bill_body, pay_date, payment_body, vendor_body
from kit_helpers import bill_calls, payments_for, posts

import billhelpers as bh
from bill_emulator import seed
from billhelpers.rules.business_days import first_business_day

# -- sign-in ---------------------------------------------------------------------------------


def _sandbox_env_creds(**change):
    """Credentials for environment="sandbox" (no demo defaults fill the gaps), pointed at the
    emulator by the make_client fixture's base_url."""
    creds = {
        "environment": "sandbox",
        "username": seed.USERNAME,
        "password": seed.PASSWORD,
        "organization_id": seed.ORGANIZATION_ID,
        "dev_key": seed.DEV_KEY,
    }
    return {**creds, **change}


@pytest.mark.parametrize(
    ("override", "field", "fix"),
    [
        pytest.param(_sandbox_env_creds(username=""), "BILL_USERNAME", "sign-in e-mail", id="user"),
        pytest.param(_sandbox_env_creds(password=""), "BILL_PASSWORD", ".env", id="password"),
        pytest.param(
            _sandbox_env_creds(organization_id=""), "BILL_ORGANIZATION_ID", "Developer", id="org"
        ),
        pytest.param(_sandbox_env_creds(dev_key=""), "BILL_DEV_KEY", "developer key", id="devkey"),
    ],
)
def test_blank_credentials_caught_before_sending(client, make_client, override, field, fix):
    client.emulator.clear_requests()  # `client` (valid demo devKey) reads the emulator's log
    bad = make_client(**override)
    with pytest.raises(bh.InputError) as info:
        bad.login()
    err = info.value
    assert err.field == field and str(err).startswith(f"{field}: is blank")
    assert fix in err.hint
    assert bill_calls(client) == []
    assert not bad.is_logged_in and "sessionId" not in bad.cache.get(bad.session.key)


@pytest.mark.parametrize(
    ("override", "field", "fix"),
    [
        pytest.param({"username": "demo.example.com"}, "BILL_USERNAME", "e-mail", id="user"),
        pytest.param(
            {"organization_id": "00801DEMOORG"}, "BILL_ORGANIZATION_ID", "20 characters", id="len"
        ),
        pytest.param(
            {"dev_key": '"01DEMODEVKEY0000000000000000000000"'},
            "BILL_DEV_KEY",
            "without quotes",
            id="quoted-devkey",
        ),
    ],
)
def test_malformed_credentials_caught_before_sending(client, make_client, override, field, fix):
    client.emulator.clear_requests()
    bad = make_client(**override)
    with pytest.raises(bh.InputError) as info:
        bad.login()
    err = info.value
    assert err.field == field and field in str(err)
    assert fix in err.hint
    assert bill_calls(client) == []
    assert not bad.is_logged_in


def _refused_login(client, bad) -> bh.SessionError:
    client.emulator.clear_requests()
    with pytest.raises(bh.SessionError) as info:
        bad.login()
    assert bill_calls(client) == [("POST", "/v3/login", 401)]  # one attempt, not repeated
    assert not bad.is_logged_in and "sessionId" not in bad.cache.get(bad.session.key)
    return info.value


def test_wrong_password_opens_no_session(client, make_client):
    err = _refused_login(client, make_client(password="not-the-password"))
    assert (err.code, err.http_status) == ("BDC_1101", 401)
    assert "password" in err.message and "BILL_PASSWORD" in err.hint


def test_wrong_dev_key_opens_no_session(client, make_client):
    err = _refused_login(client, make_client(dev_key="01WRONGKEY000000000000000000000000"))
    assert (err.code, err.http_status) == ("BDC_1102", 401)
    assert "Developer key" in err.message and "BILL_DEV_KEY" in err.hint


def test_unknown_organization_id_opens_no_session(client, make_client):
    err = _refused_login(client, make_client(organization_id="00801NOSUCHORG000001"))
    # BILL answers a well-formed but unknown organization like a wrong password (fidelity S4)
    assert (err.code, err.http_status) == ("BDC_1101", 401)
    assert err.message == "User name and/or password do not match our records."


def test_unknown_organization_id_hint_names_the_field(make_client):
    with pytest.raises(bh.SessionError) as info:
        make_client(organization_id="00801NOSUCHORG000001").login()
    assert "BILL_ORGANIZATION_ID" in info.value.hint


# -- MFA -------------------------------------------------------------------------------------


def test_wrong_mfa_token_trusts_and_remembers_nothing(client):
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    wrong = f"{(int(token) + 1) % 1_000_000:06d}"
    with pytest.raises(bh.MFAError) as info:
        client.mfa.validate(challenge["challengeId"], wrong, remember_me=True)
    err = info.value
    assert (err.code, err.message, err.http_status) == ("BDC_1355", "Invalid MFA token.", 400)
    assert "6 digits" in err.hint
    assert not client.is_trusted and not client.mfa.remembered_device
    assert client.session_info()["mfaStatus"] == "CHALLENGE"
    client.mfa.validate(challenge["challengeId"], token)  # the right code still works
    assert client.is_trusted


def test_expired_mfa_token_trusts_nothing(client):
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    client.emulator.advance_clock(11 * 60)  # tokens live 10 minutes; the session 35
    with pytest.raises(bh.MFAError) as info:
        client.mfa.validate(challenge["challengeId"], token, remember_me=True)
    assert info.value.code == "BDC_1356"
    assert "client.mfa.challenge()" in info.value.hint
    assert not client.is_trusted and not client.mfa.remembered_device


def test_blank_mfa_challenge_id_caught_before_sending(client):
    client.mfa.challenge()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.mfa.validate(" ", "123456")
    err = info.value
    assert err.field == "challengeId" and str(err).startswith("challengeId: is blank")
    assert "client.mfa.challenge()" in err.hint
    assert bill_calls(client) == []
    assert not client.is_trusted


# -- vendors ---------------------------------------------------------------------------------


def _vendor(path: str, value):
    body = vendor_body()
    node = body
    *parents, last = path.split(".")
    for part in parents:
        node = node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return body


_BANK = "paymentInformation.bankAccount."


@pytest.mark.parametrize(
    ("path", "value", "field", "fix"),
    [
        pytest.param(_BANK + "routingNumber", "02100002", None, "9 digits", id="routing-8"),
        pytest.param(_BANK + "accountNumber", "0001234AB789", None, "remove letters", id="letters"),
        pytest.param(_BANK + "accountNumber", "123", None, "statement", id="account-short"),
        pytest.param("paymentInformation.payeeName", None, None, "made out to", id="payee"),
        pytest.param(_BANK + "nameOnAccount", " ", None, "holder", id="name-on-account"),
        pytest.param("address", None, None, "line1", id="address"),
        pytest.param("address.country", "XX", None, "ISO", id="country-xx"),
        pytest.param("address.country", "USA", "address.country", "e.g. US", id="country-usa"),
        pytest.param("name", "", None, "1 to 100", id="name"),
    ],
)
def test_bad_vendor_caught_before_sending(client, path, value, field, fix):
    client.login()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.vendors.create(_vendor(path, value))
    err = info.value
    assert err.field == (field or path)
    assert str(err).startswith(err.field + ": ") and fix in err.hint
    if path.endswith("Number"):  # a bank number is never echoed back
        assert str(value) not in str(err) + repr(err)
    assert bill_calls(client) == []  # nothing reached the emulator
    assert client.vendors.list(max=1)["results"] == []


def test_vendor_country_in_lower_case_refused_before_sending_and_by_emulator(client):
    # BILL only takes capitals; the client says so before sending, and the emulator, sent the
    # body raw, refuses it as BILL would.
    client.login()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.vendors.create(_vendor("address.country", "us"))
    assert "address.country" in str(info.value)
    assert "'US'" in str(info.value)
    assert posts(client, "/v3/vendors") == []
    with pytest.raises(bh.ValidationError) as info:
        client.request("POST", "/v3/vendors", json=_vendor("address.country", "us"))
    err = info.value
    assert (err.code, err.http_status) == ("BDC_1000", 400)
    assert err.message == "address.country: must be an ISO 3166-1 alpha-2 country code, not 'us'"
    assert posts(client, "/v3/vendors") == [("POST", "/v3/vendors", 400)]
    assert client.vendors.list(max=1)["results"] == []


# -- bills -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "fix"),
    [
        pytest.param({"billLineItems": []}, "billLineItems", "add billLineItems", id="no-lines"),
        pytest.param(
            {"billLineItems": [{"amount": Decimal("-5.00")}]},
            "billLineItems[0].amount",
            "positive",
            id="negative",
        ),
        pytest.param(
            {"billLineItems": [{"amount": "10.005"}]},
            "billLineItems[0].amount",
            "round to cents",
            id="3-decimals",
        ),
        pytest.param({"dueDate": "31/12/2026"}, "dueDate", "yyyy-MM-dd", id="due-not-a-date"),
        pytest.param({"dueDate": "2026-02-30"}, "dueDate", "yyyy-MM-dd", id="due-impossible"),
        pytest.param({"vendorId": "Happy Paper Co"}, "vendorId", "copy the id", id="vendor-id"),
    ],
)
def test_bad_bill_caught_before_sending(client, vendor, change, field, fix):
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.bills.create({**bill_body(vendor["id"]), **change})
    err = info.value
    assert err.field == field and str(err).startswith(field + ": ")
    assert fix in err.hint
    assert bill_calls(client) == []
    assert client.bills.list(max=1)["results"] == []


def test_bill_for_unknown_vendor_refused_by_emulator(client):
    client.login()
    client.emulator.clear_requests()
    with pytest.raises(bh.ValidationError) as info:
        client.bills.create(bill_body("00901SBX999999999999"))
    err = info.value
    assert (err.code, err.http_status) == ("BDC_1000", 400)
    assert err.message == "vendorId: no vendor 00901SBX999999999999 in this organization"
    assert "field named at the start" in err.hint
    assert posts(client, "/v3/bills") == [("POST", "/v3/bills", 400)]  # sent once, not repeated
    assert client.bills.list(max=1)["results"] == []


def test_bill_for_archived_vendor_refused_by_emulator(client, vendor):
    client.vendors.archive(vendor["id"])
    with pytest.raises(bh.ValidationError) as info:
        client.bills.create(bill_body(vendor["id"]))
    assert info.value.code == "BDC_1000"
    assert info.value.message.startswith("vendorId: ") and "archived" in info.value.message
    assert client.bills.list(max=1)["results"] == []


# -- payments --------------------------------------------------------------------------------


def _assert_unpaid(client, bill, due="25.00"):
    assert client.bills.get(bill["id"])["dueAmount"] == Decimal(due)
    assert payments_for(client, bill["id"]) == []


@pytest.mark.parametrize(
    ("change", "field", "fix"),
    [
        pytest.param({"amount": "0"}, "amount", "positive", id="zero"),
        pytest.param({"amount": "-5.00"}, "amount", "positive", id="negative"),
        pytest.param({"amount": "5.001"}, "amount", "round to cents", id="3-decimals"),
        pytest.param({"amount": "25.01"}, "amount", "pay at most 25.00", id="above-due"),
        pytest.param({"description": "x" * 71}, "description", "shorten", id="description-71"),
        pytest.param({"processDate": "2020-01-02"}, "processDate", "or later", id="past-date"),
        pytest.param({"processDate": "next friday"}, "processDate", "yyyy-MM-dd", id="not-a-date"),
        pytest.param(
            {"fundingAccount": {"type": "BANK_ACCOUNT", "id": "First Demo Bank"}},
            "fundingAccount.id",
            "copy the id",
            id="funding-id",
        ),
        pytest.param({"transactionNumber": "T" * 51}, "transactionNumber", "shorten", id="txn-51"),
        pytest.param({"processingOptions": None}, "processingOptions", "{}", id="no-options"),
    ],
)
def test_bad_payment_caught_before_sending(trusted, unpaid_bill, change, field, fix):
    body = {**payment_body(unpaid_bill["id"], "25.00"), **change}
    if change.get("processingOptions", 0) is None:
        del body["processingOptions"]
    trusted.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(body)
    err = info.value
    assert err.field == field and str(err).startswith(field + ": ")
    assert fix in err.hint
    assert posts(trusted, "/v3/payments") == []
    _assert_unpaid(trusted, unpaid_bill)


def test_payment_for_another_vendors_bill_caught_before_sending(trusted, unpaid_bill):
    other = trusted.vendors.create(vendor_body("Other Vendor Inc")).data
    trusted.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(payment_body(unpaid_bill["id"], "25.00", vendorId=other["id"]))
    err = info.value
    assert err.field == "vendorId" and unpaid_bill["vendorId"] in str(err)
    assert "leave vendorId out" in err.hint
    assert posts(trusted, "/v3/payments") == []
    _assert_unpaid(trusted, unpaid_bill)


def _refused_by_emulator(client, bill, body, *, check_bill=True) -> bh.BillAPIError:
    client.emulator.clear_requests()
    with pytest.raises(bh.BillAPIError) as info:
        client.payments.create(body, check_bill=check_bill)
    assert [c[2] for c in posts(client, "/v3/payments")] in ([], [400], [422])  # never repeated
    _assert_unpaid(client, bill)
    return info.value


def test_payment_from_unverified_bank_refused_by_emulator(trusted, unpaid_bill):
    body = payment_body(unpaid_bill["id"], "25.00", bank=seed.UNVERIFIED_BANK_ID)
    err = _refused_by_emulator(trusted, unpaid_bill, body)
    assert isinstance(err, bh.ValidationError) and err.code == "BDC_1000"
    assert err.message == (
        f"fundingAccount.id: bank account {seed.UNVERIFIED_BANK_ID} is NOT_VERIFIED; "
        "payments need a VERIFIED account"
    )


def test_payment_from_unknown_bank_refused_by_emulator(trusted, unpaid_bill):
    body = payment_body(unpaid_bill["id"], "25.00", bank="bac01SBX999999999999")
    err = _refused_by_emulator(trusted, unpaid_bill, body)
    assert isinstance(err, bh.ValidationError) and err.code == "BDC_1000"
    assert (
        err.message
        == "fundingAccount.id: no bank account bac01SBX999999999999 in this organization"
    )


def test_payment_above_due_amount_refused_by_emulator(trusted, unpaid_bill):
    body = payment_body(unpaid_bill["id"], "25.01")
    err = _refused_by_emulator(trusted, unpaid_bill, body, check_bill=False)
    assert isinstance(err, bh.ValidationError) and err.code == "BDC_1000"
    assert err.message == "amount: must not exceed the bill's dueAmount 25.00"


def test_payment_for_another_vendors_bill_refused_by_emulator(trusted, unpaid_bill):
    other = trusted.vendors.create(vendor_body("Other Vendor Inc")).data
    body = payment_body(unpaid_bill["id"], "25.00", vendorId=other["id"])
    err = _refused_by_emulator(trusted, unpaid_bill, body, check_bill=False)
    assert isinstance(err, bh.ValidationError) and err.code == "BDC_1000"
    assert err.message == f"vendorId: does not match the bill's vendor {unpaid_bill['vendorId']}"


def test_payment_for_unknown_bill_refused(trusted, unpaid_bill):
    trusted.emulator.clear_requests()
    with pytest.raises(bh.NotFoundError) as info:
        trusted.payments.create(payment_body("00n01SBX999999999999", "25.00"))
    err = info.value  # the client asked BILL for the bill before paying it
    assert (err.code, err.message) == ("BDC_1004", "Bill not found: 00n01SBX999999999999")
    assert "check the id" in err.hint
    assert posts(trusted, "/v3/payments") == []
    _assert_unpaid(trusted, unpaid_bill)


def test_payment_dated_before_bills_today_refused_by_client_and_emulator(trusted, unpaid_bill):
    # BILL's own date decides, and the client learns it from the Date header of the answers.
    # Move the emulator's clock three days on: the old today is then in the past there, and the
    # client, counting from the emulator's today, refuses it before sending.
    before = trusted.today()
    day = first_business_day(before)
    trusted.emulator.advance_clock(((day - before).days + 3) * 86400)
    trusted.bills.get(unpaid_bill["id"])  # signs in again: the session expired meanwhile
    assert trusted.today() == day + dt.timedelta(days=3)
    body = payment_body(unpaid_bill["id"], Decimal("25.00"), processDate=day.isoformat())
    trusted.emulator.clear_requests()
    with pytest.raises(bh.InputError) as refused:
        trusted.payments.create(copy.deepcopy(body), check_bill=False)
    assert refused.value.field == "processDate" and "in the past" in str(refused.value)
    assert posts(trusted, "/v3/payments") == []
    # sent anyway (the raw call), the emulator refuses it with BILL's BDC_1152
    with pytest.raises(bh.ValidationError) as info:
        trusted.request("POST", "/v3/payments", json={**body, "transactionNumber": "raw-past"})
    err = info.value
    assert (err.code, err.http_status, err.category) == ("BDC_1152", 422, "APPLICATION")
    assert err.message == f"Invalid Process Date : {day.isoformat()}"
    assert "processDate" in err.hint
    _assert_unpaid(trusted, unpaid_bill)


def test_payment_pays_only_from_verified_bank_on_retry(trusted, unpaid_bill):
    """After a refusal, the corrected call goes through once (the refusals left no state)."""
    body = payment_body(unpaid_bill["id"], "25.00", bank=seed.UNVERIFIED_BANK_ID)
    with pytest.raises(bh.ValidationError):
        trusted.payments.create(body)
    trusted.payments.create(
        {**body, "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK}}
    )
    assert len(payments_for(trusted, unpaid_bill["id"])) == 1
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0


def test_bulk_paying_one_bill_twice_past_its_due_refused_before_sending_and_by_emulator(
    trusted, unpaid_bill
):
    # Each item alone fits (20.00 <= 25.00); together they pay 40.00. The client adds them up
    # per bill before sending; the emulator, sent the body raw, refuses it all or nothing.
    body = {
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
        "processingOptions": {},
        "processDate": pay_date(),
        "payments": [{"billId": unpaid_bill["id"], "amount": Decimal("20.00")}] * 2,
    }
    trusted.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        trusted.payments.bulk_create(body)
    assert "payments[1].amount" in str(info.value)
    assert posts(trusted, "/v3/payments/bulk") == []
    with pytest.raises(bh.ValidationError) as info:
        trusted.request("POST", "/v3/payments/bulk", json=body)
    err = info.value
    assert err.code == "BDC_1000"
    assert err.message == "payments[1].amount: must not exceed the bill's dueAmount 5.00"
    assert posts(trusted, "/v3/payments/bulk") == [("POST", "/v3/payments/bulk", 400)]
    _assert_unpaid(trusted, unpaid_bill)  # all or nothing: the first item was not kept either
