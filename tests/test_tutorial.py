"""The notebooks' flow helpers (billhelpers.notebook.tutorial) against the emulator, chapter
by chapter.

Each "chapter" below starts like a new notebook kernel: the tutorial's per-kernel client is
dropped and a new one is built from the environment, sharing the emulator data folder and the
session cache, exactly as the notebooks do. The emulator's request log then shows how many BILL
calls the tutorial made.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from kit_helpers import call_counts

from billhelpers.notebook import harness, tutorial
from billhelpers.notebook.forms import MfaForm, PaymentConfirmation
from billhelpers.rules.business_days import add_business_days

# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def demo_world(tmp_path, monkeypatch):
    """A fresh demo world (emulator data + session cache) for this test, as in the notebooks."""
    for name, value in harness.demo_environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    for name in harness.DEMO_CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(tutorial._state, "client", None)
    yield tmp_path
    client = tutorial._state.get("client")
    if client is not None:
        client.close()


def new_kernel():
    """What starting a new chapter notebook does to the tutorial's state."""
    old = tutorial._state.get("client")
    if old is not None:
        old.close()
    tutorial._state["client"] = None
    return tutorial.connect()


def payment_body(client, bill, vendor, bank, days=3):
    return {
        "billId": bill["id"],
        "vendorId": vendor["id"],
        "amount": bill["amount"],
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank["id"]},
        "processDate": add_business_days(client.today(), days).isoformat(),
        "processingOptions": {"requestPayFaster": False},
        "description": "Invoice TUTORIAL-0001",
        "transactionNumber": f"tutorial-{bill['id']}",
    }


def chapters_1_to_5(capsys=None):
    """The notebooks' calls in order, each chapter in a 'new kernel'."""
    client = new_kernel()  # chapter 1
    client.login()
    client.session_info()
    client = new_kernel()  # chapter 2
    tutorial.ensure_signed_in()
    challenge = tutorial.send_mfa_challenge(client)
    form = tutorial.mfa_form(client, challenge)
    tutorial.demo_autofill(form, client)
    tutorial.step_up(client, challenge)
    client = new_kernel()  # chapter 3
    tutorial.ensure_signed_in()
    vendor = tutorial.create_vendor_once(client, tutorial.vendor_body())
    client = new_kernel()  # chapter 4
    tutorial.ensure_signed_in()
    vendor = tutorial.ensure_vendor(client)
    bill = tutorial.create_bill_once(client, tutorial.bill_body(vendor["id"], client.today()))
    client = new_kernel()  # chapter 5
    tutorial.ensure_signed_in()
    tutorial.ensure_trusted(client)
    vendor = tutorial.ensure_vendor(client)
    bill = tutorial.ensure_bill(client, vendor)
    bank = tutorial.verified_banks(client).results[0]
    confirmation = tutorial.payment_confirmation(
        client, payment_body(client, bill, vendor, bank), vendor=vendor, bank=bank
    )
    payment = tutorial.confirm_payment(confirmation, client)
    return client, vendor, bill, payment


# -- the whole tutorial -------------------------------------------------------------------------


def test_tutorial_uses_one_login_and_one_mfa_round(demo_world):
    client, vendor, bill, payment = chapters_1_to_5()
    calls = call_counts(client)
    assert calls["POST /v3/login"] == 1
    assert calls["POST /v3/mfa/challenge"] == 1
    assert calls["POST /v3/mfa/challenge/validate"] == 1
    assert calls["POST /v3/mfa/step-up"] == 1  # the recipe's third MFA call
    assert calls["POST /v3/vendors"] == 1
    assert calls["POST /v3/bills"] == 1
    assert calls["POST /v3/payments"] == 1
    assert payment["status"] == "SCHEDULED"
    assert client.is_trusted


def test_later_chapters_reuse_the_session_without_a_call(demo_world):
    client, *_ = chapters_1_to_5()
    client.emulator.clear_requests()
    client = new_kernel()  # chapter 6 starts like any later chapter
    tutorial.ensure_signed_in()
    assert client.is_trusted
    assert call_counts(client) == Counter()


def test_session_expired_between_chapters_signs_in_again_trusted(demo_world):
    client = new_kernel()  # chapters 1 and 2: one login, one MFA round, device remembered
    tutorial.ensure_signed_in()
    challenge = tutorial.send_mfa_challenge(client)
    tutorial.demo_autofill(tutorial.mfa_form(client, challenge), client)
    client.emulator.advance_clock(36 * 60)  # past BILL's 35 minutes of inactivity
    client = new_kernel()  # chapter 3, a coffee later: the cached session is dead
    tutorial.ensure_signed_in()
    vendor = tutorial.ensure_vendor(client)
    assert vendor["id"].startswith("009")
    assert client.is_trusted  # the re-login was trusted by the remembered device
    calls = call_counts(client)
    assert calls["POST /v3/login"] == 2
    assert calls["POST /v3/mfa/challenge"] == 1  # no second text message


def test_rerunning_every_chapter_creates_nothing_twice(demo_world, capsys):
    chapters_1_to_5()
    client, vendor, bill, payment = chapters_1_to_5()
    out = capsys.readouterr().out
    assert "not creating a second one" in out
    assert "Already paid in an earlier run" not in out  # that is the widget's status line
    calls = call_counts(client)
    assert calls["POST /v3/login"] == 1
    assert calls["POST /v3/mfa/challenge"] == 1
    assert calls["POST /v3/mfa/step-up"] == 1
    assert calls["POST /v3/vendors"] == 1
    assert calls["POST /v3/bills"] == 1
    assert calls["POST /v3/payments"] == 1
    vendors = client.vendors.list_all(progress=False)
    assert [v["name"] for v in vendors].count(tutorial.VENDOR_NAME) == 1


def test_confirmation_of_a_paid_bill_is_done_and_never_pays(demo_world):
    client, vendor, bill, payment = chapters_1_to_5()
    bank = tutorial.verified_banks(client).results[0]
    box = tutorial.payment_confirmation(
        client, payment_body(client, bill, vendor, bank), vendor=vendor, bank=bank
    )
    assert box.confirmed
    assert box.payment["id"] == payment["id"]
    assert box.confirm_button.disabled
    assert "Already paid in an earlier run" in box.status.text
    box.confirm_button.click()
    assert call_counts(client)["POST /v3/payments"] == 1


# -- chapters on their own ----------------------------------------------------------------------


def test_chapter_5_alone_creates_what_is_missing(demo_world, capsys):
    client = new_kernel()
    tutorial.ensure_signed_in()
    tutorial.ensure_trusted(client)
    vendor = tutorial.ensure_vendor(client)
    bill = tutorial.ensure_bill(client, vendor)
    out = capsys.readouterr().out
    assert "Demo mode: chapter 2's MFA round was done for you" in out
    assert "Chapter 3's vendor is not there yet: creating it now" in out
    assert "Chapter 4's bill is not there yet: creating it now" in out
    assert client.is_trusted
    assert bill["vendorId"] == vendor["id"]


def test_later_chapter_is_trusted_by_the_cached_session(demo_world, capsys):
    chapters_1_to_5()
    client = new_kernel()
    tutorial.ensure_signed_in()
    assert client.is_trusted
    assert "reusing the session from an earlier chapter" in capsys.readouterr().out


def test_typed_mfa_code_is_not_disturbed_by_the_autofill_cell(demo_world, capsys):
    client = new_kernel()
    tutorial.ensure_signed_in()
    challenge = tutorial.send_mfa_challenge(client)
    form = tutorial.mfa_form(client, challenge)
    assert "📱 Demo phone: your code is" in form.phone.value
    form.token.value = client.emulator.latest_token(challenge["challengeId"])
    form.submit_button.click()
    assert form.verified
    assert tutorial.demo_autofill(form, client) is None
    assert "nothing to fill in" in capsys.readouterr().out
    assert call_counts(client)["POST /v3/mfa/challenge/validate"] == 1


def test_trusted_session_sends_no_challenge(demo_world, capsys):
    client = new_kernel()
    tutorial.ensure_signed_in()
    tutorial.ensure_trusted(client)
    assert tutorial.send_mfa_challenge(client) is None
    form = tutorial.mfa_form(client, None)
    assert form.verified
    assert call_counts(client)["POST /v3/mfa/challenge"] == 1


# -- chapter 0 ----------------------------------------------------------------------------------


def test_credentials_form_signs_in_and_shows_login(demo_world):
    form = tutorial.credentials_form()
    assert form.username.value == "demo@example.com"
    assert form.password.value == ""
    form.sign_in_button.click()
    assert form.status.text == "Signed in to demo as demo@example.com — session trusted: no"
    assert form.last_response.path == "/v3/login"
    assert tutorial._state["client"] is form.client


def test_credentials_form_wrong_password_says_so(demo_world):
    form = tutorial.credentials_form()
    form.password.value = "not-the-password"
    form.submit()
    assert not form.signed_in
    assert form.status.text.startswith("❌ Sign-in failed:")
    assert "not-the-password" not in form.status.text


def test_check_environment_makes_no_login(demo_world, capsys):
    assert tutorial.check_environment() is True
    out = capsys.readouterr().out
    assert "✅ Settings complete for demo (user demo@example.com)." in out
    assert "✅ The local BILL emulator answers at http://127.0.0.1:" in out
    assert call_counts(tutorial.connect())["POST /v3/login"] == 0


# -- chapter 6 ----------------------------------------------------------------------------------


def test_tidy_up_cancels_archives_and_a_rerun_restores(demo_world, capsys):
    client, vendor, bill, payment = chapters_1_to_5()
    canceled = tutorial.cancel_tutorial_payment(client)
    assert canceled["id"] == payment["id"]
    assert tutorial.cancel_tutorial_payment(client) is None  # nothing left to cancel
    bill_record = tutorial.find_bill(client, vendor["id"])
    tutorial.archive_once(client.bills, bill_record, "bill")
    vendor_record = tutorial.find_vendor(client)
    tutorial.archive_once(client.vendors, vendor_record, "vendor")
    assert tutorial.find_vendor(client)["archived"] is True
    tutorial.archive_once(client.vendors, tutorial.find_vendor(client), "vendor")
    assert "is archived already" in capsys.readouterr().out
    # Chapter 3 again: the archived vendor comes back, no second one.
    restored = tutorial.create_vendor_once(client, tutorial.vendor_body())
    assert restored["id"] == vendor["id"]
    assert restored["archived"] is False
    assert call_counts(client)["POST /v3/vendors"] == 1


def test_side_by_side_shows_each_title():
    import pandas as pd

    html = tutorial.side_by_side(
        Vendors=pd.DataFrame({"ID": ["0091"]}), Bills=pd.DataFrame({"ID": []})
    ).data
    assert "<h4" in html and "Vendors" in html and "Bills" in html and "<i>none</i>" in html


# -- against BILL, Run All stops where a person is needed ---------------------------------------


def fake_bill_client(trusted=False, remembered=False):
    return SimpleNamespace(
        config=SimpleNamespace(
            environment="sandbox", username="me@example.com", mfa_device="laptop"
        ),
        is_trusted=trusted,
        mfa=SimpleNamespace(remembered_device=remembered),
    )


def test_autofill_stops_run_all_against_bill():
    client = fake_bill_client()
    form = MfaForm("challenge-1", validate=lambda *a: None, is_trusted=lambda: False)
    with pytest.raises(tutorial.PersonNeeded, match="type the 6-digit code"):
        tutorial.demo_autofill(form, client)
    assert not form.verified


def test_no_demo_phone_against_bill():
    assert tutorial.demo_phone_code(fake_bill_client(), "challenge-1") is None


def test_ensure_trusted_sends_learner_to_chapter_2_against_bill():
    with pytest.raises(tutorial.PersonNeeded, match="Run chapter 2"):
        tutorial.ensure_trusted(fake_bill_client())


def test_payment_is_not_confirmed_for_you_against_bill():
    paid = []
    box = PaymentConfirmation({"amount": "$1.00"}, lambda: paid.append(1))
    with pytest.raises(tutorial.PersonNeeded, match="Confirm payment"):
        tutorial.confirm_payment(box, fake_bill_client(trusted=True))
    assert paid == []


def test_person_needed_is_a_bill_error():
    import billhelpers as bh

    assert issubclass(tutorial.PersonNeeded, bh.BillError)


# -- choosing the bank account ------------------------------------------------------------------


def test_pick_bank_prefers_the_default_for_payables():
    banks = [
        {"id": "bac1", "status": "VERIFIED", "default": {"payables": False}},
        {"id": "bac2", "status": "VERIFIED", "default": {"payables": True}},
    ]
    assert tutorial.pick_bank(banks)["id"] == "bac2"
    assert tutorial.pick_bank(banks[:1])["id"] == "bac1"


def test_pick_bank_without_a_verified_account_says_what_to_do():
    with pytest.raises(tutorial.PersonNeeded, match="no VERIFIED bank account"):
        tutorial.pick_bank(SimpleNamespace(results=[{"id": "bac3", "status": "PENDING"}]))
    with pytest.raises(tutorial.PersonNeeded):
        tutorial.pick_bank([])


def test_pick_bank_in_the_demo_organization(demo_world):
    client = new_kernel()
    tutorial.ensure_signed_in()
    bank = tutorial.pick_bank(tutorial.verified_banks(client))
    assert bank["status"] == "VERIFIED"
    assert bank["id"].startswith("bac")


def test_person_needed_shows_as_one_plain_message_in_a_notebook():
    err = tutorial.PersonNeeded("type the code, then run the next cell")
    assert err._render_traceback_() == ["⏸  PersonNeeded: type the code, then run the next cell"]


# -- the notebooks and the helpers agree ---------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _cell_namespace(notebook: str, starts_with: str, namespace: dict) -> dict:
    import nbformat

    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    source = next(c.source for c in nb.cells if c.source.startswith(starts_with))
    exec(compile(source, notebook, "exec"), namespace)  # noqa: S102 - our own notebook's cell
    return namespace


def test_chapter_3_body_is_the_one_later_chapters_create():
    ns = _cell_namespace("03_vendor.ipynb", "vendor_body = {", {"tutorial": tutorial})
    assert ns["vendor_body"] == tutorial.vendor_body()


def test_chapter_4_body_is_the_one_later_chapters_create():
    from decimal import Decimal

    ns = _cell_namespace(
        "04_bill.ipynb",
        "# BILL's today",
        {
            "client": SimpleNamespace(today=lambda: dt.date(2026, 6, 18)),
            "timedelta": dt.timedelta,
            "Decimal": Decimal,
            "vendor": {"id": "00901SBX000000000001"},
        },
    )
    assert ns["bill_body"] == tutorial.bill_body("00901SBX000000000001", today=ns["today"])


def test_tutorial_after_tidy_up_restores_and_pays_again(demo_world, capsys):
    client, vendor, bill, first = chapters_1_to_5()
    tutorial.cancel_tutorial_payment(client)
    tutorial.archive_once(client.bills, tutorial.find_bill(client, vendor["id"]), "bill")
    tutorial.archive_once(client.vendors, tutorial.find_vendor(client), "vendor")
    capsys.readouterr()
    client, vendor2, bill2, second = chapters_1_to_5()
    out = capsys.readouterr().out
    assert "Restoring “Happy Paper Co. (billhelpers tutorial)”" in out
    assert "Restoring bill TUTORIAL-0001" in out
    assert (vendor2["id"], bill2["id"]) == (vendor["id"], bill["id"])
    assert second["id"] != first["id"]
    assert second["status"] == "SCHEDULED"
    calls = call_counts(client)
    assert calls["POST /v3/vendors"] == 1
    assert calls["POST /v3/bills"] == 1
    assert calls["POST /v3/payments"] == 2


def test_later_chapter_restores_what_chapter_6_archived(demo_world, capsys):
    client, vendor, bill, _ = chapters_1_to_5()
    tutorial.cancel_tutorial_payment(client)
    tutorial.archive_once(client.bills, tutorial.find_bill(client, vendor["id"]), "bill")
    tutorial.archive_once(client.vendors, tutorial.find_vendor(client), "vendor")
    capsys.readouterr()
    restored_vendor = tutorial.ensure_vendor(client)
    restored_bill = tutorial.ensure_bill(client, restored_vendor)
    out = capsys.readouterr().out
    assert f"Chapter 3's vendor ({vendor['id']}) was archived in chapter 6: restoring it." in out
    assert f"Chapter 4's bill ({bill['id']}) was archived in chapter 6: restoring it." in out
    assert restored_vendor["archived"] is False
    assert restored_bill["archived"] is False


def test_production_payment_needs_the_opt_in_in_code_not_just_a_click(demo_world):
    import billhelpers as bh

    demo = new_kernel()
    tutorial.ensure_signed_in()
    vendor = tutorial.ensure_vendor(demo)
    bill = tutorial.ensure_bill(demo, vendor)
    bank = tutorial.verified_banks(demo).results[0]
    # The same server, reached as if it were production (what a copied .env would do).
    prod = bh.connect(environment="production", base_url=demo.base_url)
    prod.login()
    demo.emulator.clear_requests()
    box = tutorial.payment_confirmation(
        prod, payment_body(demo, bill, vendor, bank), vendor=vendor, bank=bank
    )
    box.confirm_button.click()
    assert not box.confirmed
    assert "allow_production_payments()" in box.status.text
    assert "POST /v3/payments" not in call_counts(demo)


def test_demo_only_cells_run_against_bill_without_the_emulator(capsys):
    # A "when it goes wrong" cell guards its emulator control, so Run All on BILL goes on.
    on_bill = SimpleNamespace(config=SimpleNamespace(environment="sandbox"))
    assert tutorial.demo_only(on_bill, "moving the clock") is False
    assert "Skipped against BILL: moving the clock" in capsys.readouterr().out
    in_demo = SimpleNamespace(config=SimpleNamespace(environment="demo"))
    assert tutorial.demo_only(in_demo, "moving the clock") is True
    assert capsys.readouterr().out == ""
