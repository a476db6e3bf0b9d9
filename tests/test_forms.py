"""The tutorial's widgets, driven through their Python API (set values, click) with fakes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from billhelpers.notebook.forms import CredentialsForm, MfaForm, PaymentConfirmation

DEFAULTS = {
    "environment": "demo",
    "username": "demo@example.com",
    "organization_id": "00801DEMOORG00000001",
    "password_set": True,
    "dev_key_hint": "0000",
}


def fake_client(environment="demo", username="demo@example.com", trusted=False):
    return SimpleNamespace(
        config=SimpleNamespace(environment=environment, username=username),
        is_trusted=trusted,
    )


def make_credentials(sign_in=None, **kwargs):
    calls = []

    def default_sign_in(settings):
        calls.append(settings)
        return fake_client(
            environment=settings.get("environment", "demo"),
            username=settings.get("username", "demo@example.com"),
        )

    form = CredentialsForm(DEFAULTS, sign_in or default_sign_in, **kwargs)
    return form, calls


# -- CredentialsForm ---------------------------------------------------------------------------


def test_credentials_prefill_from_defaults_without_secrets():
    form, _ = make_credentials()
    assert form.environment.value == "demo"
    assert form.username.value == "demo@example.com"
    assert form.organization_id.value == "00801DEMOORG00000001"
    assert form.password.value == ""
    assert form.dev_key.value == ""
    assert "0000" in form.dev_key.placeholder
    assert "leave blank" in form.password.placeholder
    assert form.status.text == "Not signed in yet."
    assert not form.signed_in


def test_credentials_click_sign_in_calls_with_typed_values_and_shows_status():
    form, calls = make_credentials()
    form.environment.value = "sandbox"
    form.username.value = "  me@example.com "
    form.password.value = "hunter2-secret"
    form.dev_key.value = "MYDEVKEY"
    form.sign_in_button.click()
    assert calls == [
        {
            "environment": "sandbox",
            "username": "me@example.com",
            "password": "hunter2-secret",
            "organization_id": "00801DEMOORG00000001",
            "dev_key": "MYDEVKEY",
        }
    ]
    assert form.signed_in
    assert form.status.text == "Signed in to sandbox as me@example.com — session trusted: no"
    assert "bh-state-ok" in form.status._dom_classes


def test_credentials_blank_secrets_are_left_to_settings():
    form, calls = make_credentials()
    form.submit()
    assert "password" not in calls[0]
    assert "dev_key" not in calls[0]
    assert form.status.text == "Signed in to demo as demo@example.com — session trusted: no"


def test_credentials_secrets_cleared_after_sign_in_and_absent_from_repr():
    form, _ = make_credentials()
    form.password.value = "hunter2-secret"
    form.dev_key.value = "MYDEVKEY"
    assert "hunter2" not in repr(form)
    form.sign_in_button.click()
    assert form.password.value == ""
    assert form.dev_key.value == ""
    bundle = form._repr_mimebundle_()
    assert "hunter2" not in bundle["text/plain"]
    assert "MYDEVKEY" not in bundle["text/plain"]


def test_credentials_failure_shows_error_and_keeps_running():
    def failing(settings):
        raise RuntimeError("BDC_1101: User name and/or password do not match our records.")

    form, _ = make_credentials(sign_in=failing)
    form.sign_in_button.click()
    assert not form.signed_in
    assert form.status.text.startswith("❌ Sign-in failed: BDC_1101")
    assert "bh-state-error" in form.status._dom_classes
    assert not form.sign_in_button.disabled


def test_credentials_shows_login_response_and_calls_hook():
    seen = []
    client = fake_client(trusted=True)
    form = CredentialsForm(
        DEFAULTS, lambda settings: (client, {"sessionId": "•••"}), on_signed_in=seen.append
    )
    form.submit()
    assert form.last_response == {"sessionId": "•••"}
    assert len(form.output.outputs) == 1
    assert "sessionId" in form.output.outputs[0]["data"]["text/plain"]
    assert seen == [client]
    assert form.status.text.endswith("session trusted: yes")


def test_credentials_css_classes_for_the_browser_test():
    form, _ = make_credentials()
    assert "bh-credentials" in form._dom_classes
    assert "bh-cred-username" in form.username._dom_classes
    assert "bh-cred-password" in form.password._dom_classes
    assert "bh-cred-devkey" in form.dev_key._dom_classes
    assert "bh-cred-signin" in form.sign_in_button._dom_classes
    assert "bh-cred-status" in form.status._dom_classes
    assert "bh-cred-output" in form.output._dom_classes


# -- MfaForm -----------------------------------------------------------------------------------


class FakeMfa:
    def __init__(self, token="123456"):  # noqa: S107 (a fake MFA code)
        self.token = token
        self.trusted = False
        self.validated = []
        self.challenges = 0

    def validate(self, challenge_id, token, remember_me):
        self.validated.append((challenge_id, token, remember_me))
        if token != self.token:
            raise ValueError("BDC_1356: The MFA code is wrong or expired.")
        self.trusted = True
        return {"challengeId": challenge_id, "trusted": True}

    def resend(self):
        self.challenges += 1
        self.token = "654321"
        return f"challenge-{self.challenges}"

    def form(self, challenge_id="challenge-0", demo=True, **kwargs):
        return MfaForm(
            challenge_id,
            validate=self.validate,
            resend=self.resend,
            phone=(lambda cid: self.token) if demo else None,
            is_trusted=lambda: self.trusted,
            **kwargs,
        )


def test_mfa_demo_phone_shows_the_code():
    mfa = FakeMfa()
    form = mfa.form()
    assert "📱 Demo phone: your code is" in form.phone.value
    assert "123456" in form.phone.value
    assert form.phone.layout.display != "none"
    assert "bh-mfa-phone" in form.phone._dom_classes


def test_mfa_no_phone_outside_demo():
    form = FakeMfa().form(demo=False)
    assert form.phone.layout.display == "none"
    assert form.phone.value == ""


def test_mfa_type_token_and_submit_validates_with_remember():
    mfa = FakeMfa()
    form = mfa.form()
    form.token.value = "123 456"
    form.submit_button.click()
    assert mfa.validated == [("challenge-0", "123456", True)]
    assert form.verified
    assert form.status.text.startswith("✅ Verified — session trusted: yes")
    assert "bh-state-ok" in form.status._dom_classes
    assert form.submit_button.disabled


def test_mfa_remember_unticked_is_passed_on():
    mfa = FakeMfa()
    form = mfa.form()
    form.remember.value = False
    form.token.value = "123456"
    form.submit()
    assert mfa.validated == [("challenge-0", "123456", False)]
    assert "remembered" not in form.status.text


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", ""])
def test_mfa_rejects_anything_but_six_digits_without_calling(typed):
    mfa = FakeMfa()
    form = mfa.form()
    form.token.value = typed
    form.submit_button.click()
    assert mfa.validated == []
    assert form.status.text == "Please type the 6 digits of the code (numbers only)."
    assert not form.verified


def test_mfa_wrong_token_shows_error_and_allows_retry():
    mfa = FakeMfa()
    form = mfa.form()
    form.token.value = "000000"
    form.submit()
    assert form.status.text == "❌ BDC_1356: The MFA code is wrong or expired."
    assert not form.submit_button.disabled
    form.token.value = "123456"
    form.submit()
    assert form.verified


def test_mfa_submit_after_trusted_does_not_validate_again():
    mfa = FakeMfa()
    form = mfa.form()
    form.token.value = "123456"
    form.submit()
    form.submit()  # e.g. a person typed the code after Run All's auto-fill
    assert len(mfa.validated) == 1
    assert form.status.text.startswith("✅ Verified — session trusted: yes")


def test_mfa_already_trusted_session_needs_no_code():
    mfa = FakeMfa()
    mfa.trusted = True
    form = mfa.form()
    assert form.verified
    assert "trusted already" in form.status.text
    form.token.value = "123456"
    form.submit()
    assert mfa.validated == []


def test_mfa_resend_gets_new_challenge_and_refreshes_phone():
    mfa = FakeMfa()
    form = mfa.form()
    form.token.value = "123"
    form.resend_button.click()
    assert form.challenge_id == "challenge-1"
    assert form.token.value == ""
    assert "654321" in form.phone.value
    form.token.value = "654321"
    form.submit()
    assert mfa.validated == [("challenge-1", "654321", True)]


def test_mfa_without_challenge_asks_for_one():
    mfa = FakeMfa()
    form = mfa.form(challenge_id=None)
    form.token.value = "123456"
    form.submit()
    assert mfa.validated == []
    assert "Send a new code" in form.status.text


def test_mfa_css_classes_and_repr():
    form = FakeMfa().form()
    for widget, css in (
        (form, "bh-mfa"),
        (form.token, "bh-mfa-token"),
        (form.remember, "bh-mfa-remember"),
        (form.submit_button, "bh-mfa-submit"),
        (form.resend_button, "bh-mfa-resend"),
        (form.status, "bh-mfa-status"),
        (form.output, "bh-mfa-output"),
    ):
        assert css in widget._dom_classes
    assert "123456" not in repr(form)


# -- PaymentConfirmation -----------------------------------------------------------------------

SUMMARY = {
    "amount": "$1,250.00",
    "vendor": "Happy Paper Co.",
    "funding_account": "First Demo Bank …6789",
    "process_date": "2026-12-02",
    "environment": "demo",
}


def test_payment_nothing_paid_until_confirmed():
    calls = []
    form = PaymentConfirmation(SUMMARY, lambda: calls.append(1))
    assert calls == []
    assert not form.confirmed
    assert "nothing has been paid" in form.status.text
    for value in SUMMARY.values():
        assert value in form.summary_box.value


def test_payment_confirm_pays_once():
    calls = []

    def pay():
        calls.append(1)
        return {"id": "stp01PAY000000000001", "status": "SCHEDULED"}

    form = PaymentConfirmation(SUMMARY, pay)
    form.confirm_button.click()
    form.confirm_button.click()
    form.confirm()
    assert calls == [1]
    assert form.confirmed
    assert form.confirm_button.disabled
    assert form.status.text == "✅ Payment stp01PAY000000000001 created — status: SCHEDULED"
    assert "bh-state-ok" in form.status._dom_classes


def test_payment_failure_leaves_button_usable():
    def pay():
        raise RuntimeError("BDC_1361: Untrusted session.")

    form = PaymentConfirmation(SUMMARY, pay)
    form.confirm()
    assert not form.confirmed
    assert form.status.text == "❌ BDC_1361: Untrusted session."
    assert not form.confirm_button.disabled


def test_payment_css_classes():
    form = PaymentConfirmation(SUMMARY, lambda: None)
    assert "bh-payment" in form._dom_classes
    assert "bh-pay-summary" in form.summary_box._dom_classes
    assert "bh-pay-confirm" in form.confirm_button._dom_classes
    assert "bh-pay-status" in form.status._dom_classes


def test_payment_mark_done_shows_earlier_payment_and_never_pays():
    calls = []
    form = PaymentConfirmation(SUMMARY, lambda: calls.append(1))
    earlier = {"id": "stp01PAY000000000001", "status": "SCHEDULED"}
    form.mark_done(earlier, "✅ Already paid in an earlier run.")
    assert form.confirmed
    assert form.confirm() is earlier
    assert calls == []
    assert form.confirm_button.disabled
