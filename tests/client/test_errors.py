"""Every exception class, raised by a real call to the emulator (code and message)."""

import pytest
from client_bodies import payment_body, vendor_body

import billhelpers as bh


def test_session_error_expired_session_code_message_and_str(client):
    client.login()
    client.emulator.advance_clock(36 * 60)
    with pytest.raises(bh.SessionError) as info:
        client.request("GET", "/v3/vendors", params={"max": 1}, relogin=False)
    err = info.value
    assert (err.code, err.message, err.http_status) == (
        "BDC_1109",
        "Session is invalid.  Please log in.",
        401,
    )
    assert str(err).startswith("BDC_1109: Session is invalid.  Please log in. — hint: ")
    assert (err.method, err.path) == ("GET", "/v3/vendors")


def test_mfa_error_wrong_token(client):
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    with pytest.raises(bh.MFAError) as info:
        client.mfa.validate(challenge["challengeId"], "000000" if token != "000000" else "111111")
    assert (info.value.code, info.value.message) == ("BDC_1355", "Invalid MFA token.")


def test_mfa_error_used_challenge(client):
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    client.mfa.validate(challenge["challengeId"], token, remember_me=False)
    with pytest.raises(bh.MFAError) as info:
        client.mfa.validate(challenge["challengeId"], token, remember_me=False)
    assert info.value.code == "BDC_1356"


def test_validation_error_from_emulator_names_field(client):
    with pytest.raises(bh.ValidationError) as info:
        client.request("POST", "/v3/vendors", json={"name": "x", "address": {"country": "ZZ"}})
    assert info.value.code == "BDC_1000"
    assert info.value.message.startswith("address")
    assert isinstance(info.value, ValueError)


def test_not_found_error_unknown_id(client):
    with pytest.raises(bh.NotFoundError) as info:
        client.bills.get("00n01NOSUCHBILL00001")
    assert (info.value.code, info.value.http_status) == ("BDC_1004", 404)


def test_not_found_error_unknown_path(client):
    with pytest.raises(bh.NotFoundError) as info:
        client.request("GET", "/v3/invoices")
    assert (info.value.code, info.value.message) == ("BDC_1121", "API not supported.")


def test_rate_limit_error_on_unsafe_call(client):
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="POST", count=1, status=429, code="BDC_1144"
    )
    with pytest.raises(bh.RateLimitError) as info:
        client.vendors.create(vendor_body())
    assert info.value.code == "BDC_1144"
    assert info.value.message == "Max number of allowed requests per hour reached: 20000."


def test_server_error(client):
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="POST", count=1, status=500)
    with pytest.raises(bh.ServerError) as info:
        client.vendors.create(vendor_body())
    assert (info.value.code, info.value.message) == ("BDC_1001", "System error occurred.")


def test_connection_problem_on_dropped_create(client):
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="POST", count=1, drop=True)
    with pytest.raises(bh.ConnectionProblem) as info:
        client.vendors.create(vendor_body())
    assert "may or may not have processed it" in str(info.value)
    assert isinstance(info.value, ConnectionError)


def test_uncertain_payment_error_and_input_error(trusted):
    vendor = trusted.vendors.create(vendor_body())
    from client_bodies import bill_body

    bill = trusted.bills.create(bill_body(vendor["id"], "5.00")).data
    trusted.emulator.add_fault(path="/v3/payments", method="POST", count=1, status=503)
    with pytest.raises(bh.UncertainPaymentError) as info:
        trusted.payments.create(payment_body(bill["id"], "5.00"))
    assert info.value.recorded is False
    with pytest.raises(bh.InputError):
        trusted.payments.create(payment_body(bill["id"], "5.001"))


def test_production_guard_error_blocks_before_any_call(make_client):
    client = make_client(
        environment="production",
        username="me@example.com",
        password="pw",
        organization_id="00801DEMOORG00000001",
        dev_key="01KEY",
    )
    with pytest.raises(bh.ProductionGuardError):
        client.payments.create(payment_body("00n01DEMOBILL0000001", "1.00"))
    assert client.last_response is None


def test_every_error_is_a_bill_error():
    for cls in (
        bh.InputError,
        bh.AlreadyPaidError,
        bh.ProductionGuardError,
        bh.ConnectionProblem,
        bh.UncertainPaymentError,
        bh.BillAPIError,
        bh.SessionError,
        bh.MFAError,
        bh.ValidationError,
        bh.NotFoundError,
        bh.RateLimitError,
        bh.ServerError,
    ):
        assert issubclass(cls, bh.BillError)


def test_allow_production_payments_lifts_the_guard(make_client):
    from billhelpers.config import DEMO_CREDENTIALS

    client = make_client(environment="production", **DEMO_CREDENTIALS)  # pointed at the emulator
    client.allow_production_payments()
    with pytest.raises(bh.NotFoundError):  # the call now reaches "BILL"
        client.payments.create(payment_body("00n01NOSUCHBILL00001", "1.00"))
