"""Classifications in the backend: the seven kinds' CRUD from one table, BILL's bulk limit, the
kit's strictness (required and unknown fields, parents), and bills whose line items name them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import bill_body, vendor_body

from bill_emulator.backend.classification_kinds import BULK_MAX, KINDS
from bill_emulator.backend.errors import InvalidState, ObjectNotFound, ValidationFailed

#: One valid create body per kind (BILL's own examples, from its collection).
EXAMPLES = {
    "chart-of-accounts": {
        "name": "Prepaid Expenses",
        "description": "Prepaid expenses for the upcoming quarter",
        "account": {"type": "EXPENSE", "number": "1-020"},
    },
    "accounting-classes": {"name": "Prepaid Subscriptions"},
    "departments": {"name": "Sales Department"},
    "employees": {"firstName": "James", "lastName": "Milner"},
    "items": {"type": "SALES_TAX", "percentage": 3, "name": "State Sales Tax"},
    "jobs": {"name": "Kitchen Remodel", "description": "New cabinets & countertop"},
    "locations": {"name": "123 Main St Retail Store"},
}


def _make(backend, caller, segment, **extra):
    return backend.create_classification(caller, segment, {**EXAMPLES[segment], **extra})


@pytest.mark.parametrize("segment", list(KINDS))
def test_each_kind_creates_gets_lists_patches_archives_and_restores(backend, caller, segment):
    kind = KINDS[segment]
    made = _make(backend, caller, segment)
    assert made["id"].startswith(kind.prefix) and len(made["id"]) == 20
    assert made["archived"] is False and made["createdTime"]
    assert backend.get_classification(caller, segment, made["id"]) == made
    listed = backend.list_classifications(caller, segment, {"filters": [f"id:eq:{made['id']}"]})
    assert [row["id"] for row in listed["results"]] == [made["id"]]
    text = "description" if "description" in kind.fields else "shortName"
    patched = backend.update_classification(caller, segment, made["id"], {text: "X"})
    assert patched[text] == "X" and patched["updatedTime"] >= made["updatedTime"]
    assert backend.archive_classification(caller, segment, made["id"])["archived"] is True
    with pytest.raises(InvalidState):
        backend.update_classification(caller, segment, made["id"], {text: "Y"})
    assert backend.restore_classification(caller, segment, made["id"])["archived"] is False


def test_kinds_are_kept_apart(backend, caller):
    department = _make(backend, caller, "departments")
    with pytest.raises(ObjectNotFound):
        backend.get_classification(caller, "locations", department["id"])
    assert backend.list_classifications(caller, "locations", {})["results"] == []


@pytest.mark.parametrize(
    "segment,body,field",
    [
        ("departments", {"description": "no name"}, "name"),
        ("employees", {"firstName": "James"}, "lastName"),
        ("items", {"name": "Tax"}, "type"),
        ("chart-of-accounts", {"name": "A", "account": {"type": "SPENDING"}}, "account.type"),
        ("items", {"name": "T", "type": "SERVICE", "price": Decimal("1.005")}, "price"),
        ("items", {"name": "T", "type": "SALES_TAX", "percentage": 101}, "percentage"),
        ("items", {"name": "T", "type": "SERVICE", "taxable": "yes"}, "taxable"),
        ("jobs", {"name": "J", "budget": 5}, "budget"),
        ("jobs", {"name": "x" * 101}, "name"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(backend, caller, segment, body, field):
    with pytest.raises(ValidationFailed) as err:
        backend.create_classification(caller, segment, body)
    assert err.value.field == field


def test_item_money_is_exact(backend, caller):
    body = {"name": "Widget", "type": "INVENTORY", "price": Decimal("12.50")}
    item = backend.create_classification(caller, "items", {**body, "purchaseCost": 7})
    assert item["price"] == Decimal("12.50") and item["purchaseCost"] == Decimal("7.00")


def test_bulk_create_is_all_or_none_within_bills_limit(backend, caller):
    good = {"name": "Ops"}
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_classifications(caller, "departments", [good, {"shortName": "x"}])
    assert err.value.field == "[1].name"
    assert backend.list_classifications(caller, "departments", {})["results"] == []
    with pytest.raises(ValidationFailed):
        backend.bulk_create_classifications(caller, "departments", [good] * (BULK_MAX + 1))
    made = backend.bulk_create_classifications(caller, "departments", [good] * BULK_MAX)
    assert len(made["departments"]) == BULK_MAX


def test_bulk_update_is_all_or_none(backend, caller):
    a = _make(backend, caller, "jobs")
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_update_classifications(
            caller,
            "jobs",
            [{"id": a["id"], "name": "Renamed"}, {"id": "job01SBX000000000999", "name": "Y"}],
        )
    assert err.value.field == "[1].id"
    assert backend.get_classification(caller, "jobs", a["id"])["name"] == "Kitchen Remodel"
    done = backend.bulk_update_classifications(caller, "jobs", [{"id": a["id"], "name": "New"}])
    assert done["jobs"][0]["name"] == "New"


def test_bulk_archive_and_restore_take_ids(backend, caller):
    a, b = _make(backend, caller, "locations"), _make(backend, caller, "locations")
    both = {"ids": [f"{a['id']},{b['id']}"]}
    archived = backend.bulk_archive_classifications(caller, "locations", both, True)
    assert [row["archived"] for row in archived["locations"]] == [True, True]
    restored = backend.bulk_archive_classifications(caller, "locations", both, False)
    assert [row["archived"] for row in restored["locations"]] == [False, False]
    for bad in ({}, {"ids": [a["id"] + "," + a["id"]]}, {"ids": ["0de01SBX000000000001"]}):
        with pytest.raises(ValidationFailed):
            backend.bulk_archive_classifications(caller, "locations", bad, True)
    with pytest.raises(ObjectNotFound):  # all or none: the unknown id archives nothing
        backend.bulk_archive_classifications(
            caller, "locations", {"ids": [f"{a['id']},loc01SBX000000000999"]}, True
        )
    assert backend.get_classification(caller, "locations", a["id"])["archived"] is False


def test_parents_must_be_real_active_and_not_below(backend, caller):
    top = _make(backend, caller, "departments")
    child = _make(backend, caller, "departments", parentId=top["id"])
    with pytest.raises(ValidationFailed):
        _make(backend, caller, "departments", parentId="0de01SBX000000000999")
    with pytest.raises(ValidationFailed):  # itself
        backend.update_classification(caller, "departments", top["id"], {"parentId": top["id"]})
    with pytest.raises(ValidationFailed):  # a cycle: the top under its own child
        backend.update_classification(caller, "departments", top["id"], {"parentId": child["id"]})
    backend.archive_classification(caller, "departments", top["id"])
    with pytest.raises(ValidationFailed):
        _make(backend, caller, "departments", parentId=top["id"])


def test_item_accounts_name_a_chart_of_accounts(backend, caller):
    department = _make(backend, caller, "departments")
    with pytest.raises(ValidationFailed) as err:
        _make(backend, caller, "items", chartOfAccountId=department["id"])
    assert err.value.field == "chartOfAccountId"
    account = _make(backend, caller, "chart-of-accounts")
    assert _make(backend, caller, "items", chartOfAccountId=account["id"])["chartOfAccountId"]


# -- bills whose line items name classifications ------------------------------------------------


def _bill_with(backend, caller, classifications, **extra):
    vendor = backend.create_vendor(caller, vendor_body())
    body = bill_body(vendor["id"], **extra)
    body["billLineItems"][0]["classifications"] = classifications
    return body


def test_bill_lines_must_name_real_active_classifications(backend, caller):
    account = _make(backend, caller, "chart-of-accounts")
    department = _make(backend, caller, "departments")
    good = {"chartOfAccountId": account["id"], "departmentId": department["id"]}
    bill = backend.create_bill(caller, _bill_with(backend, caller, good))
    assert bill["billLineItems"][0]["classifications"] == good
    unknown = {"chartOfAccountId": "0ca01SBX000000000999"}
    with pytest.raises(ValidationFailed) as err:
        backend.create_bill(caller, _bill_with(backend, caller, unknown))
    assert err.value.field == "billLineItems[0].classifications.chartOfAccountId"
    backend.archive_classification(caller, "departments", department["id"])
    body = _bill_with(backend, caller, {"departmentId": department["id"]})
    with pytest.raises(ValidationFailed, match="archived"):
        backend.create_bill(caller, body)
    wrong_kind = {"locationId": department["id"]}
    with pytest.raises(ValidationFailed):
        backend.create_bill(caller, _bill_with(backend, caller, wrong_kind))


def test_bill_patch_and_bulk_check_classifications_too(backend, caller):
    account = _make(backend, caller, "chart-of-accounts")
    bill = backend.create_bill(caller, _bill_with(backend, caller, {}))
    line = bill["billLineItems"][0]["id"]
    unknown = {"jobId": "job01SBX000000000999"}
    with pytest.raises(ValidationFailed) as err:
        backend.update_bill(
            caller, bill["id"], {"billLineItems": [{"id": line, "classifications": unknown}]}
        )
    assert err.value.field == "billLineItems[0].classifications.jobId"
    ok = {"chartOfAccountId": account["id"]}
    patched = backend.update_bill(
        caller, bill["id"], {"billLineItems": [{"id": line, "classifications": ok}]}
    )
    assert patched["billLineItems"][0]["classifications"] == ok
    first = _bill_with(backend, caller, ok)
    second = _bill_with(
        backend, caller, unknown, invoice={"invoiceNumber": "B-2", "invoiceDate": "2026-03-01"}
    )
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_bills(caller, [first, second])
    assert err.value.field == "[1].billLineItems[0].classifications.jobId"


def test_customer_ids_stay_unchecked(backend, caller):
    """Customers are BILL's AR side, not emulated: a customerId is kept as sent."""
    body = _bill_with(backend, caller, {"customerId": "0cu01SBX000000000001"})
    assert backend.create_bill(caller, body)["billLineItems"][0]["classifications"]


def test_bill_replace_checks_classifications_and_changes_nothing_when_refused(backend, caller):
    bill = backend.create_bill(caller, _bill_with(backend, caller, {}))
    body = _bill_with(backend, caller, {"itemId": "0ii01SBX000000000999"})
    body["vendorId"] = bill["vendorId"]
    with pytest.raises(ValidationFailed) as err:
        backend.replace_bill(caller, bill["id"], body)
    assert err.value.field == "billLineItems[0].classifications.itemId"
    assert backend.get_bill(caller, bill["id"]) == bill
