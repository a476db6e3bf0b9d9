"""Issue 19: bulk seeding, the store's field indexes, keyset page tokens, the schema-2 migration.

The index tests read SQLite's query plan for the SQL a list call really runs, so a change that
stops an expression matching its index (a bound path, a new spelling) fails here, not only in the
benchmark.
"""

from __future__ import annotations

import sqlite3

import pytest
from emulator_helpers import bill_body, payment_body, vendor_body

from bill_emulator import seed, store
from bill_emulator.backend import EmulatorBackend, listing
from bill_emulator.backend.errors import ValidationFailed
from bill_emulator.store import schema

ORG = seed.ORGANIZATION_ID


# -- seeding ------------------------------------------------------------------------------------
def test_seed_bills_makes_unpaid_bills_for_a_new_payable_vendor(backend, caller):
    result = backend.seed_bills({"count": 3, "invoicePrefix": "B-"})
    assert result["created"] == 3
    assert (result["firstId"], result["lastId"]) == ("00n01SBX000000000001", "00n01SBX000000000003")
    vendor = backend.get_vendor(caller, result["vendorId"])
    assert vendor["paymentInformation"]["payeeName"] == "Seed Vendor"
    bills = backend.list_bills(caller, {})["results"]
    assert [b["invoice"]["invoiceNumber"] for b in bills] == [f"B-{n:012d}" for n in (1, 2, 3)]
    assert {(b["paymentStatus"], str(b["dueAmount"]), str(b["amount"])) for b in bills} == {
        ("UNPAID", "100.00", "100.00")
    }
    # created one millisecond apart, ending now; the sequence goes on from there
    assert [b["createdTime"] for b in bills] == [
        "2026-03-04T11:59:59.998+00:00",
        "2026-03-04T11:59:59.999+00:00",
        "2026-03-04T12:00:00.000+00:00",
    ]
    made = backend.create_bill(caller, bill_body(result["vendorId"]))
    assert made["id"] == "00n01SBX000000000004"


def test_seeded_bills_behave_like_created_ones(backend, trusted):
    result = backend.seed_bills({"count": 2, "amount": 50})
    backend.create_payment(trusted, payment_body(result["firstId"], amount="20.00"))
    bill = backend.get_bill(trusted, result["firstId"])
    assert (bill["paymentStatus"], str(bill["dueAmount"])) == ("PARTIAL", "30.00")
    with pytest.raises(ValidationFailed) as err:  # the invoice number is taken
        backend.create_bill(
            trusted,
            bill_body(
                result["vendorId"],
                invoice={"invoiceNumber": "SEED-000000000002", "invoiceDate": "2026-03-01"},
            ),
        )
    assert err.value.message.startswith("invoice.invoiceNumber: SEED-000000000002 is already")


def test_seed_bills_with_payments(backend, trusted):
    vendor = backend.create_vendor(trusted, vendor_body())
    result = backend.seed_bills({"count": 4, "vendorId": vendor["id"], "payments": True})
    assert result["payments"] == 4
    bill = backend.get_bill(trusted, result["lastId"])
    assert (bill["paymentStatus"], str(bill["dueAmount"])) == ("SCHEDULED", "0.00")
    found = backend.list_payments(trusted, {"filters": [f'billId:eq:"{result["lastId"]}"']})
    [payment] = found["results"]
    assert payment["id"] == "stp01SBX000000000004" and payment["disbursementType"] == "ACH"
    assert payment["createdTime"] == bill["createdTime"]
    canceled = backend.cancel_payment(trusted, payment["id"])  # a seeded payment is a real one
    assert (canceled["status"], canceled["singleStatus"]) == ("CANCELLED", "CANCELED")
    assert backend.get_bill(trusted, result["lastId"])["paymentStatus"] == "UNPAID"


def test_seed_bills_refuses_a_clash_and_leaves_nothing(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    backend.create_bill(
        caller,
        bill_body(
            vendor["id"], invoice={"invoiceNumber": "X-000000000002", "invoiceDate": "2026-03-01"}
        ),
    )
    with pytest.raises(ValidationFailed) as err:
        backend.seed_bills({"count": 5, "vendorId": vendor["id"], "invoicePrefix": "X-"})
    assert err.value.message == "invoicePrefix: X-000000000002 is already used"
    assert len(backend.list_bills(caller, {})["results"]) == 1
    assert backend.create_bill(caller, bill_body(vendor["id"]))["id"] == "00n01SBX000000000002"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"count": 0}, "count: must be a whole number from 1 to 100000"),
        ({"count": 100_001}, "count: must be a whole number from 1 to 100000"),
        ({"count": 1, "vendorId": "00901SBX000000000099"}, "vendorId: no active vendor"),
    ],
)
def test_seed_bills_bad_input(backend, body, message):
    with pytest.raises(ValidationFailed) as err:
        backend.seed_bills(body)
    assert err.value.message.startswith(message)


def test_seed_bills_with_payments_needs_a_payable_vendor(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body(paymentInformation=None))
    with pytest.raises(ValidationFailed) as err:
        backend.seed_bills({"count": 1, "vendorId": vendor["id"], "payments": True})
    assert err.value.message == (
        "vendorId: cannot be paid by check: it lacks paymentInformation.payeeName"
    )


def test_seed_vendors_many_in_one_call(backend, caller):
    result = backend.seed_vendors({"count": 20_000})
    assert result["lastId"] == "00901SBX000000020000"
    found = backend.list_vendors(caller, {"filters": ['name:eq:"Demo Vendor 12345"']})
    assert [v["id"] for v in found["results"]] == ["00901SBX000000012345"]


# -- indexes ------------------------------------------------------------------------------------
def _plans(backend, call) -> list[str]:
    """The query plan of every statement ``call`` runs through the store."""
    seen: list[tuple[str, tuple]] = []
    run = backend.store._all_rows

    def spy(sql, params=()):
        seen.append((sql, params))
        return run(sql, params)

    backend.store._all_rows = spy
    try:
        call()
    finally:
        backend.store._all_rows = run
    conn = backend.store._conn()
    return [
        " / ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        for sql, params in seen
    ]


@pytest.mark.parametrize(
    ("kind", "params", "index"),
    [
        # a prefix is a range of the index; its matches are then put in creation order
        pytest.param("vendor", {"filters": ['name:sw:"Acme"']}, "objects_vendor_name", id="sw"),
        ("vendor", {"filters": ['name:eq:"Acme Supplies"']}, "objects_vendor_name"),
        ("vendor", {"filters": ["archived:eq:false"]}, "objects_vendor_archived"),
        ("bill", {"filters": ['vendorId:eq:"00901SBX000000000001"']}, "objects_bill_vendorId "),
        (
            "bill",
            {"filters": ['invoice.invoiceNumber:eq:"I-1"']},
            "objects_bill_invoice_invoiceNumber ",
        ),
        ("bill", {"filters": ['paymentStatus:eq:"UNPAID"']}, "objects_bill_paymentStatus"),
        ("bill", {"filters": ['dueDate:eq:"2026-04-01"']}, "objects_bill_dueDate"),
        (
            "payment",
            {"filters": ['billId:eq:"00n01SBX000000000001"']},
            "objects_payment_billPayments_0_billId",
        ),
        (
            "payment",
            {"filters": ['vendorId:eq:"00901SBX000000000001"']},
            "objects_payment_vendorId",
        ),
        ("payment", {"filters": ['status:eq:"SCHEDULED"']}, "objects_payment_status"),
        ("payment", {"filters": ['transactionNumber:eq:"T"']}, "objects_payment_transactionNumber"),
        ("bank", {"filters": ['status:eq:"VERIFIED"']}, "objects_bank_status"),
        ("bill", {"sort": ["createdTime:desc"]}, "objects_bill_createdTime"),
        ("vendor", {"sort": ["updatedTime"]}, "objects_vendor_updatedTime"),
    ],
)
def test_documented_filters_and_sorts_use_an_index(backend, kind, params, index):
    [plan] = _plans(backend, lambda: listing.fetch(backend.store, kind, ORG, params))
    assert f"USING INDEX {index}" in plan + " ", plan
    assert "SCAN" not in plan, plan
    if "sw:" not in str(params):  # the rows come in the order asked: no sort of all matches
        assert "FOR ORDER BY" not in plan.replace("RIGHT PART OF ", "#"), plan


def test_invoice_uniqueness_check_uses_its_index(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    plans = _plans(backend, lambda: backend.create_bill(caller, bill_body(vendor["id"])))
    assert plans == [
        "SEARCH objects USING INDEX objects_bill_vendorId_invoice_invoiceNumber"
        " (org_id=? AND <expr>=? AND <expr>=?)",
        # the organization's bill approval policies (issue 25): at most 100 rows, however many
        # bills there are
        "SEARCH objects USING INDEX objects_by_kind (kind=? AND org_id=?)",
    ]


def test_next_pages_read_from_their_key_not_an_offset(backend, caller):
    backend.seed_vendors({"count": 30})
    params = {"max": ["10"], "sort": ["createdTime:desc"]}
    second = backend.list_vendors(caller, params)
    for _ in range(2):
        second = backend.list_vendors(caller, {**params, "page": [second["nextPage"]]})
    assert [v["name"] for v in second["results"]] == [
        f"Demo Vendor {i:05d}" for i in range(10, 0, -1)
    ]
    params["page"] = [
        backend.list_vendors(caller, {**params, "page": [second["prevPage"]]})["nextPage"]
    ]
    plans = _plans(backend, lambda: backend.list_vendors(caller, params))
    assert len(plans) == 2  # the page, then the row before the previous page
    assert all("USING INDEX objects_vendor_createdTime" in plan for plan in plans)
    assert all("(org_id=? AND <expr>" in plan for plan in plans), plans


# -- keyset page tokens -------------------------------------------------------------------------
def _walk(backend, caller, params: dict, size: int) -> tuple[list[str], list[dict]]:
    """Every vendor id following nextPage, and each page."""
    ids, pages, page = [], [], None
    while True:
        query = {**params, "max": [str(size)], **({"page": [page]} if page else {})}
        body = backend.list_vendors(caller, query)
        pages.append(body)
        ids += [v["id"] for v in body["results"]]
        page = body.get("nextPage")
        if not page:
            return ids, pages


def _by_offset(backend, params: dict) -> list[str]:
    """The same list read by the store in one query (the order key paging must keep)."""
    query = listing.parse("vendor", params)
    rows = backend.store.list_objects(
        "vendor", ORG, conditions=query.conditions, sort=query.sort, limit=1000
    )
    return [doc["id"] for doc in rows]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": ["createdTime:desc"]},
        {"sort": ["address.country:desc,name:asc"]},  # some countries are missing (NULL)
        {"sort": ["address.country:asc"]},
        {"filters": ['name:sw:"V"'], "sort": ["name:desc"]},
        {"filters": ["archived:eq:false"], "sort": ["updatedTime:asc"]},
    ],
)
def test_keyset_pages_match_the_whole_list_forward_and_back(backend, caller, params):
    for i in range(23):
        address = {"line1": "1 St", **({"country": ["US", "CA"][i % 2]} if i % 3 else {})}
        backend.create_vendor(caller, vendor_body(name=f"V{i % 7}", address=address))
        if i % 4 == 0:
            backend.advance_clock({"advanceSeconds": 1})  # some createdTime ties, some not
    ids, pages = _walk(backend, caller, params, 5)
    assert ids == _by_offset(backend, params) and len(ids) == 23
    for before, after in zip(pages, pages[1:], strict=False):
        query = {**params, "max": ["5"], "page": [after["prevPage"]]}
        back = backend.list_vendors(caller, query)
        assert back["results"] == before["results"]


def test_offset_only_tokens_still_work(backend, caller):
    backend.seed_vendors({"count": 12})
    query = listing.parse("vendor", {"max": ["5"]})
    token = listing.encode_page(5, query.fingerprint)  # a token of schema 1: no key
    page = backend.list_vendors(caller, {"max": ["5"], "page": [token]})
    assert [v["name"] for v in page["results"]] == [f"Demo Vendor {i:05d}" for i in range(6, 11)]
    again = backend.list_vendors(caller, {"max": ["5"], "page": [page["nextPage"]]})
    assert [v["name"] for v in again["results"]] == ["Demo Vendor 00011", "Demo Vendor 00012"]
    assert backend.list_vendors(caller, {"max": ["5"], "page": [page["prevPage"]]})["results"]


@pytest.mark.parametrize("key", [["x"], [1, 2], [True], "1", [{"a": 1}]])
def test_a_forged_key_is_refused(backend, caller, key):
    query = listing.parse("vendor", {})
    token = listing.encode_page(5, query.fingerprint, key)
    with pytest.raises(ValidationFailed) as err:
        backend.list_vendors(caller, {"page": [token]})
    assert err.value.message == "page: is not a page token from this list"


# -- schema versions ----------------------------------------------------------------------------
def _raw(tmp_path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "data" / store.DB_NAME, isolation_level=None)


def test_a_schema_1_data_dir_gains_the_indexes(backend, caller, tmp_path):
    vendor = backend.create_vendor(caller, vendor_body())
    backend.close()
    raw = _raw(tmp_path)
    names = raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%json_extract%'"
    ).fetchall()
    assert len(names) == sum(len(indexes) for indexes in schema._INDEXED.values())
    for (name,) in names:  # back to a schema-1 database
        raw.execute(f'DROP INDEX "{name}"')
    raw.execute("UPDATE control SET schema_version = 1")
    raw.close()
    again = EmulatorBackend(tmp_path / "data")
    try:
        version = again.store._one("SELECT schema_version FROM control")[0]
        assert version == store.SCHEMA_VERSION == 2
        page = again.list_vendors(caller, {"filters": ['name:eq:"Acme Supplies"']})
        assert [v["id"] for v in page["results"]] == [vendor["id"]]
        plans = _plans(again, lambda: again.list_vendors(caller, {"filters": ["archived:eq:true"]}))
        assert "objects_vendor_archived" in plans[0]
    finally:
        again.close()


def test_a_newer_data_dir_is_refused(backend, tmp_path):
    backend.close()
    raw = _raw(tmp_path)
    raw.execute("UPDATE control SET schema_version = 99")
    raw.close()
    with pytest.raises(RuntimeError, match="newer bill_emulator \\(schema 99"):
        EmulatorBackend(tmp_path / "data")


def test_seeded_text_is_json_escaped(backend, caller):
    odd = 'Odd "quoted" \\ é @@id@@'
    backend.seed_vendors({"count": 2, "namePrefix": odd})
    result = backend.seed_bills({"count": 1, "invoicePrefix": odd})
    names = [v["name"] for v in backend.list_vendors(caller, {})["results"]]
    assert names[:2] == [f"{odd} 00001", f"{odd} 00002"]
    bill = backend.get_bill(caller, result["firstId"])
    assert bill["invoice"]["invoiceNumber"] == f"{odd}000000000001"
