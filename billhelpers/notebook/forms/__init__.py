"""billhelpers.notebook.forms
~~~~~~~~~~~~~~~~~

Provides the tutorial's ipywidgets forms: sign-in credentials, the MFA token, the payment
confirmation, and the confirmation of a batch of payments (a run, a bulk call, a few singles).

The forms only collect input and show status. They know nothing of HTTP or of BILL's rules: each
form is given the functions to call (``sign_in``, ``validate``, ``resend``, ``pay``), normally
built by :mod:`billhelpers.notebook.tutorial` from a client's methods, and shows what those
return or
raise. That keeps the widgets testable without a server (``tests/test_forms.py`` drives them
through their Python API: set ``.value``, call ``.click()``) and keeps BILL's rules in one place.

Secrets never leave the kernel. The password and devKey boxes start empty (their placeholder
says that the value from ``.env`` is used when left blank), the password box is cleared after a
sign-in, and each form's ``repr`` (the ``text/plain`` that Jupyter stores in a notebook) shows
no field values, so no secret reaches a saved notebook or the browser unless the learner types it.

CSS classes (stable selectors for the real-browser test and for styling). ipywidgets puts the
class on the widget's outer element; the ``<input>``/``<select>``/``<button>`` is inside it
(for buttons, the element itself is the ``<button>``):

============================  =====================================================
selector                      what it is
============================  =====================================================
``.bh-credentials``           the whole credentials form
``.bh-cred-environment``      environment dropdown (``select`` inside)
``.bh-cred-username``         username / e-mail (``input`` inside)
``.bh-cred-password``         password (``input[type=password]`` inside)
``.bh-cred-org``              organization id (``input`` inside)
``.bh-cred-devkey``           developer key (``input[type=password]`` inside)
``.bh-cred-signin``           the "Sign in" ``button``
``.bh-cred-status``           status line, e.g. "Signed in to demo as demo@example.com
                              — session trusted: no"
``.bh-cred-output``           the login request and response after a sign-in
``.bh-mfa``                   the whole MFA form
``.bh-mfa-phone``             demo only: "📱 Demo phone: your code is 123456"
``.bh-mfa-phone-code``        inside it, the 6 digits alone (a ``<b>``)
``.bh-mfa-token``             6-digit token (``input`` inside)
``.bh-mfa-remember``          "Remember this device" checkbox (``input`` inside)
``.bh-mfa-submit``            the "Submit" ``button``
``.bh-mfa-resend``            the "Send a new code" ``button``
``.bh-mfa-status``            status line, e.g. "✅ Verified — session trusted: yes"
``.bh-mfa-output``            the validate request and response after a submit
``.bh-payment``               the whole payment confirmation
``.bh-pay-summary``           amount, vendor, funding account, process date
``.bh-pay-confirm``           the "Confirm payment" ``button``
``.bh-pay-status``            status line, e.g. "✅ Payment stp… created — status: SCHEDULED"
``.bh-pay-output``            the payment request and response after a confirm
``.bh-batch``                 the whole batch confirmation
``.bh-batch-summary``         what, count, total, process date, environment
``.bh-batch-confirm``         the "Confirm N payments" ``button``
``.bh-batch-status``          status line, e.g. "✅ Sent: 15 payments, $12,345.00 (sandbox)"
``.bh-batch-output``          what the confirmed sending printed
============================  =====================================================

Every status line also carries a state class: ``bh-state-idle``, ``bh-state-busy``,
``bh-state-ok`` or ``bh-state-error``, so a test can wait for ``.bh-mfa-status.bh-state-ok``.

In the chapters, the cell that shows a form names its class in a comment (``bh.CredentialsForm``
in chapter 0, ``bh.MfaForm`` in chapter 2, ``bh.PaymentConfirmation`` in chapter 5), so a test
can find that cell by its source.

The package: ``_base`` (the status line and what every form shares), ``sign_in``
(:class:`CredentialsForm`), ``mfa`` (:class:`MfaForm`) and ``payments``
(:class:`PaymentConfirmation` for one payment, :class:`BatchConfirmation` for several).
"""

from __future__ import annotations

from billhelpers.notebook.forms.mfa import MfaForm
from billhelpers.notebook.forms.payments import BatchConfirmation, PaymentConfirmation
from billhelpers.notebook.forms.sign_in import CredentialsForm

__all__ = ("BatchConfirmation", "CredentialsForm", "MfaForm", "PaymentConfirmation")
