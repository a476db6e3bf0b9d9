"""A fresh organization's set-up over real HTTP: BILL's paths, bodies and status codes."""

from __future__ import annotations

import json

from emulator_helpers import Api, bill_body, error_of, pay_date, vendor_body

BANK = {  # BILL's own example body of "Create a bank account"
    "nameOnAccount": "Agatha Ffringe",
    "routingNumber": "074000010",
    "accountNumber": "111222333",
    "type": "CHECKING",
    "ownerType": "BUSINESS",
    "bankName": "Chase",
}


def _bill(vendor_id: str) -> dict:
    """The helpers' bill body as JSON (its Decimal amounts as numbers)."""
    return json.loads(json.dumps(bill_body(vendor_id), default=float))


class FreshApi(Api):
    """The test client, signed in to a fresh organization with its own devKey."""

    def __init__(self, url: str, org: dict) -> None:
        super().__init__(url)
        self.org = org

    def headers(self) -> dict:
        headers = {"devKey": self.org["devKey"]}
        if self.session_id:
            headers["sessionId"] = self.session_id
        return headers

    def login(self, **overrides):
        body = {
            "username": self.org["username"],
            "password": self.org["password"],
            "organizationId": self.org["organizationId"],
            "devKey": self.org["devKey"],
        }
        resp = self.post("/v3/login", {**body, **overrides})
        self.session_id = resp.json()["sessionId"]
        return resp


def _fresh(signed_in, server) -> FreshApi:
    resp = signed_in.post("/_emulator/organizations", {"fresh": True})
    assert resp.status_code == 201
    fresh = FreshApi(server.url, resp.json())
    assert fresh.login().status_code == 200
    return fresh


def test_fresh_organization_over_http_pays_only_after_set_up(signed_in, server):
    fresh = _fresh(signed_in, server)
    try:
        assert fresh.get("/v3/login/session").json()["mfaStatus"] == "SETUP"
        assert fresh.get("/v3/mfa/phones").json() == {"results": []}
        resp = fresh.post("/v3/mfa/challenge", {})
        assert error_of(resp)[:2] == (400, "BDC_1000")
        assert "/v3/mfa/setup" in error_of(resp)[2]

        setup = fresh.post(
            "/v3/mfa/setup", {"phone": "4085550123", "type": "TEXT", "primary": True}
        )
        assert setup.status_code == 200 and set(setup.json()) == {"setupId"}
        setup_id = setup.json()["setupId"]
        token = next(
            m for m in fresh.get("/_emulator/outbox").json() if m["challengeId"] == setup_id
        )
        validated = fresh.post(
            "/v3/mfa/setup/validate", {"setupId": setup_id, "type": "TEXT", "token": token["token"]}
        )
        assert (validated.status_code, validated.json()) == (200, {"status": "SUCCESS"})
        fresh.trust()

        created = fresh.post("/v3/funding-accounts/banks", BANK)
        assert created.status_code == 201
        bank = created.json()
        assert (bank["status"], bank["accountNumber"]) == ("PENDING", "*****2333")
        vendor = fresh.post("/v3/vendors", vendor_body()).json()
        bill = fresh.post("/v3/bills", _bill(vendor["id"])).json()
        pay = {
            "billId": bill["id"],
            "amount": 10,
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank["id"]},
            "processingOptions": {"requestPayFaster": False, "createBill": False},
            "processDate": pay_date(),
        }
        assert error_of(fresh.post("/v3/payments", pay))[:2] == (400, "BDC_1000")

        verified = fresh.post(
            f"/v3/funding-accounts/banks/{bank['id']}/verify", {"depositAmount": 0.5}
        )
        assert (verified.status_code, verified.json()) == (200, {"verified": True})
        user_id = fresh.get("/v3/login/session").json()["userId"]
        nominated = fresh.post(
            "/v3/funding-accounts/banks/users/nominate",
            {"bankAccountId": bank["id"], "userId": user_id},
        )
        assert nominated.json() == {"status": "SUCCESS"}
        users = fresh.get("/v3/funding-accounts/banks/users", currentUser="true").json()
        (user,) = users["results"]
        assert user["verificationStatus"] == "NOMINATED"
        assert error_of(fresh.post("/v3/payments", pay))[:2] == (400, "BDC_1000")
        identity = fresh.post(f"/_emulator/bank-account-users/{user['id']}/verify")
        assert identity.json()["verificationStatus"] == "VERIFIED"

        paid = fresh.post("/v3/payments", pay)
        assert paid.status_code in (200, 201), paid.text
        assert paid.json()["processDate"] == pay["processDate"]
    finally:
        fresh.close()


def test_fresh_organization_is_separate_from_the_demo_one(signed_in, server):
    fresh = _fresh(signed_in, server)
    try:
        signed_in.post("/v3/vendors", vendor_body())
        assert fresh.get("/v3/vendors").json()["results"] == []
        assert signed_in.get("/v3/mfa/phones").json()["results"][0]["primary"] is True
    finally:
        fresh.close()


def test_bank_users_list_refuses_unknown_parameters(signed_in):
    resp = signed_in.get("/v3/funding-accounts/banks/users", filter="x")
    assert error_of(resp)[:2] == (400, "BDC_1001")


def test_new_vendor_bank_account_payment_too_soon_is_bdc_1402(signed_in):
    signed_in.trust()
    vendor = signed_in.post("/v3/vendors", vendor_body()).json()
    bill = signed_in.post("/v3/bills", _bill(vendor["id"])).json()
    from bill_emulator import seed

    resp = signed_in.post(
        "/v3/payments",
        {
            "billId": bill["id"],
            "amount": 10,
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": seed.VERIFIED_BANK_ID},
            "processingOptions": {},
        },
    )
    assert error_of(resp) == (
        400,
        "BDC_1402",
        "Please select a payment processing date two business days out from today.",
    )
    assert signed_in.get("/v3/payments").json()["results"] == []
