"""
billhelpers.rules.credit_checks
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Client-side checks of the bodies that apply vendor credits, before they are sent: a recorded
payment (:func:`check_record_payment`) and a vendor credit itself (``POST``/``PUT``, and
``PATCH`` with ``partial=True``): BILL's required fields (its create page: ``vendorId``,
``referenceNumber`` of 1-100 characters, ``creditDate``, at least one line with an ``amount``),
exact money, and only one of the two ``applyTo`` ids. A module of its own so
:mod:`billhelpers.rules.checks` stays one screenful per resource.
"""

from __future__ import annotations

from billhelpers.rules import credits
from billhelpers.rules.checks import (
    _check_object,
    _fail,
    _need_dict,
    check_date,
    check_id,
    check_length,
    check_line_item,
)
from billhelpers.rules.money import to_amount


def check_vendor_credit(body, *, partial: bool = False) -> dict:
    """A normalised copy of a vendor credit body, or :class:`InputError` naming the field."""
    body = _need_dict(body, "vendor credit")
    if not partial or "vendorId" in body:
        body["vendorId"] = check_id(body.get("vendorId"), "vendorId")
    if not partial or "referenceNumber" in body:
        check_length(body.get("referenceNumber"), "referenceNumber", 100, minimum=1)
    if not partial or "creditDate" in body:
        if body.get("creditDate") is None:
            _fail("creditDate", "is required", "give the credit's date as yyyy-MM-dd")
        body["creditDate"] = check_date(body["creditDate"], "creditDate")
    if body.get("applyToChartOfAccountId") and body.get("applyToBankAccountId"):
        _fail(
            "applyToBankAccountId",
            "cannot be set with applyToChartOfAccountId",
            "BILL takes only one of the two; leave one out",
        )
    lines = body.get("vendorCreditLineItems")
    if (lines is None and not partial) or (lines is not None and not isinstance(lines, list)):
        _fail(
            "vendorCreditLineItems",
            "needs a list of at least one line",
            "add vendorCreditLineItems [{'amount': Decimal('10.00'), 'description': '...'}]",
        )
    if lines is not None and not lines:
        _fail("vendorCreditLineItems", "needs at least one line", "add a line with an amount")
    for i, line in enumerate(lines or []):
        check_line_item(
            line,
            f"vendorCreditLineItems[{i}]",
            may_omit_amount=lambda line: bool(partial and line.get("id")),
        )
    if body.get("description") is not None:
        check_length(body["description"], "description", 4000)
    return body


#: The kit's bound on the bills one recorded payment names (BILL documents none).
RECORD_MAX = 50


def check_record_payment(body) -> dict:
    """``POST /v3/bills/record-payment`` (BILL's "Record AP payments" page): ``vendorId``,
    ``processDate``, ``toPrintCheck`` and 1..50 ``payments`` of ``{billId, amount}``, each with
    the ``vendorCredits`` it applies."""
    body = _need_dict(body, "recorded payment")
    body["vendorId"] = check_id(body.get("vendorId"), "vendorId")
    if body.get("processDate") is None:
        _fail("processDate", "is required", "give the day the payment was made, yyyy-MM-dd")
    body["processDate"] = check_date(body["processDate"], "processDate")
    if not isinstance(body.get("toPrintCheck"), bool):
        _fail("toPrintCheck", "is required (true or false)", "use False unless it was a check")
    items = body.get("payments")
    if not isinstance(items, list) or not 1 <= len(items) <= RECORD_MAX:
        _fail(
            "payments",
            f"needs a list of 1 to {RECORD_MAX} bill payments",
            "pass [{'billId': '00n...', 'amount': Decimal('70.00')}]",
        )
    for i, item in enumerate(items):
        where = f"payments[{i}]"
        _check_object(item, where)
        item["billId"] = check_id(item.get("billId"), "billId")
        item["amount"] = to_amount(item.get("amount"), field=where + ".amount")
        credits.check_applied(item, where + ".")
    return body
