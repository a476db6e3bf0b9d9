"""Listings against the emulator: paging across pages, filters, sorting."""

import pytest
from client_bodies import vendor_body

import billhelpers as bh


def test_list_sends_max_and_returns_next_page(client):
    client.emulator.seed_vendors(5, name_prefix="Paged")
    page = client.vendors.list(max=2, filters=bh.where("name", "sw", "Paged"))
    assert len(page.results) == 2 and page.get("nextPage")
    assert "max=2" in page.request_line()


def test_list_all_follows_every_page(client):
    client.emulator.seed_vendors(250, name_prefix="Bulk")
    rows = client.vendors.list_all(bh.where("name", "sw", "Bulk"), progress=False)
    assert len(rows) == 250
    assert len({r["id"] for r in rows}) == 250
    gets = [r for r in client.emulator.requests() if r["path"] == "/v3/vendors"]
    assert len(gets) == 3


def test_list_all_small_page_size(client):
    client.emulator.seed_vendors(7, name_prefix="Small")
    rows = client.vendors.list_all(bh.where("name", "sw", "Small"), max=3, progress=False)
    assert len(rows) == 7


def test_filter_on_banks_status_verified(client):
    banks = client.funding_accounts.banks(filters=bh.where("status", "eq", "VERIFIED"))
    assert banks.results and all(b["status"] == "VERIFIED" for b in banks.results)
    assert [b["id"] for b in client.funding_accounts.verified_banks()] == [
        b["id"] for b in banks.results
    ]


def test_filter_name_starts_with(client):
    client.vendors.create(vendor_body("Acme Tools"))
    client.vendors.create(vendor_body("Zenith Supplies"))
    rows = client.vendors.list_all(bh.where("name", "sw", "Acme"), progress=False)
    assert [r["name"] for r in rows] == ["Acme Tools"]


def test_filter_archived(client):
    vendor_id = client.vendors.create(vendor_body("Gone Ltd"))["id"]
    client.vendors.archive(vendor_id)
    rows = client.vendors.list_all([("archived", "eq", True)], progress=False)
    assert vendor_id in {r["id"] for r in rows}


def test_sort_by_name_desc(client):
    for name in ("Sort B", "Sort A", "Sort C"):
        client.vendors.create(vendor_body(name))
    rows = client.vendors.list_all(bh.where("name", "sw", "Sort"), sort="name:desc", progress=False)
    assert [r["name"] for r in rows] == ["Sort C", "Sort B", "Sort A"]


def test_filter_typo_caught_before_sending(client):
    client.login()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError):
        client.vendors.list(filters='nmae:eq:"Acme"')
    assert client.emulator.requests() == []


def test_filter_typo_rejected_by_emulator_when_sent_raw(client):
    with pytest.raises(bh.BillAPIError) as info:
        client.request("GET", "/v3/vendors", params={"max": 10, "filters": 'nmae:eq:"Acme"'})
    assert info.value.http_status == 400


def test_max_out_of_range_caught(client):
    with pytest.raises(bh.InputError):
        client.vendors.list(max=101)
