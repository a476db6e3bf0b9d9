"""billhelpers.notebook.signin
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Sign-in and MFA for chapters 1, 2 and every later chapter: sign in once, get trusted once (the
demo phone supplies the code in demo mode; against BILL, Run All stops for a person). Re-exported
by :mod:`~billhelpers.notebook.tutorial`.
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.notebook.flow import PersonNeeded, _is_demo, _yes_no, connect


# -- sign-in and MFA (chapters 1, 2 and every later chapter) ---------------------------------
def ensure_signed_in(client=None):
    """Sign in, reusing the session an earlier chapter cached (no second login, no call)."""
    client = client or connect()
    if client.resume():
        how = "reusing the session from an earlier chapter"
    else:
        response = client.login()
        how = {
            "reused the cached session": "reusing the session from an earlier chapter",
            "trusted through the remembered MFA device": "new session, trusted by the "
            "remembered device",
        }.get(response.note or "", "new session")
    print(
        f"Signed in to {client.config.environment} as {client.config.username} ({how}) "
        f"— session trusted: {_yes_no(client.is_trusted)}"
    )
    return client


def send_mfa_challenge(client):
    """``POST /v3/mfa/challenge`` unless the session is trusted already (then None)."""
    if client.is_trusted:
        print("✅ This session is trusted already: no code needed, no text message sent.")
        return None
    return client.mfa.challenge()


def demo_phone_code(client, challenge_id: str | None = None) -> str | None:
    """Demo only: the code the simulated phone received (``GET /_emulator/outbox``)."""
    if not _is_demo(client):
        return None
    try:
        return client.emulator.latest_token(challenge_id)
    except InputError:
        return None


def mfa_form(client, challenge=None):
    """The MFA form for ``challenge`` (the challenge response, or None when trusted)."""
    from billhelpers.notebook.forms import MfaForm

    def resend():
        response = client.mfa.challenge()
        return response["challengeId"], response

    return MfaForm(
        challenge["challengeId"] if challenge is not None else None,
        validate=lambda cid, token, remember: client.mfa.validate(cid, token, remember),
        resend=resend,
        phone=(lambda cid: demo_phone_code(client, cid)) if _is_demo(client) else None,
        is_trusted=lambda: client.is_trusted,
        device=client.config.mfa_device,
    )


def demo_autofill(form, client):
    """After the MFA form: in demo, type the demo phone's code and press Submit — unless the
    session is trusted already (a person typed it). Against BILL, stop Run All here."""
    if form.verified or client.is_trusted:
        form.submit()  # refreshes the form's status line; makes no call
        print("✅ The session is trusted already: nothing to fill in.")
        return None
    if not _is_demo(client):
        raise PersonNeeded(
            "Run All stops here on purpose: type the 6-digit code BILL texted to your phone "
            "into the form above and press Submit, then run the cells below "
            "(Run > Run Selected Cell and All Below)."
        )
    if form.challenge_id is None:
        form.send_new_code()
    code = demo_phone_code(client, form.challenge_id)
    if code is None:
        raise RuntimeError(
            "The demo phone has no code for this challenge; press “Send a new code”."
        )
    form.token.value = code
    response = form.submit()
    if not form.verified:
        raise RuntimeError(f"The demo code was refused: {form.status.text}")
    print("Demo mode: the code from the demo phone was typed into the form and Submit pressed.")
    return response


def step_up(client, challenge):
    """Step 3 of the recipe: ``POST /v3/mfa/step-up`` with the ``rememberMeId`` that validate
    returned. Skipped (None, with the reason) when this chapter sent no challenge (the session
    was trusted already, e.g. by a remembered device at login) or no device was remembered."""
    if challenge is None:
        print("✅ The session was trusted before this chapter: no step-up needed.")
        return None
    if not client.mfa.remembered_device:
        print(
            "ℹ️ “Remember this device” was off, so there is no rememberMeId to step up with; "
            "validating the code already trusted this session."
        )
        return None
    return client.mfa.step_up()


def ensure_trusted(client, *, quiet: bool = False):
    """Make sure the session is MFA-trusted: already → nothing; a remembered device → step-up;
    demo → one MFA round with the demo phone; BILL → stop and send the learner to chapter 2."""
    if client.is_trusted:
        if not quiet:
            print("✅ The session is MFA-trusted: payments are allowed.")
        return client
    if client.mfa.remembered_device:
        response = client.mfa.step_up()
        if response.get("trusted"):
            print("✅ Trusted through step-up with this remembered device (no code needed).")
            return client
    if not _is_demo(client):
        raise PersonNeeded(
            "This chapter needs an MFA-trusted session. Run chapter 2 (02_mfa.ipynb) and type "
            "the code BILL texts you; then come back and run this cell again."
        )
    challenge = client.mfa.challenge()
    code = client.emulator.latest_token(challenge["challengeId"])
    client.mfa.validate(challenge["challengeId"], code, True)
    print(
        "Demo mode: chapter 2's MFA round was done for you (challenge → demo phone → validate, "
        "device remembered) — session trusted: yes"
    )
    return client
