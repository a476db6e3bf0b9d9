"""The client's classifications, attachments and documents against the emulator: a learner
classifies a bill's lines, uploads a file and downloads the same bytes back; bad files fail
before anything is sent, and the session id never follows a link to another host."""

from __future__ import annotations

import pytest
from client_bodies import bill_body

import billhelpers as bh
from billhelpers.rules.files import MAX_FILE_BYTES

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_each_kind_has_the_collections_verbs(client):
    departments = client.classifications.departments
    made = departments.create({"name": "Sales"})
    assert made.status_code == 201 and made["id"].startswith("0de")
    assert departments.get(made["id"])["name"] == "Sales"
    assert departments.update(made["id"], {"description": "West"})["description"] == "West"
    found = departments.list(filters='name:eq:"Sales"')
    assert [row["id"] for row in found.results] == [made["id"]]
    assert departments.archive(made["id"])["archived"] is True
    assert departments.restore(made["id"])["archived"] is False
    bulk = client.classifications.jobs.bulk_create([{"name": "A"}, {"name": "B"}])
    ids = [job["id"] for job in bulk["jobs"]]
    archived = client.classifications.jobs.bulk_archive(ids)
    assert all(job["archived"] for job in archived["jobs"])
    restored = client.classifications.jobs.bulk_restore(ids)
    assert not any(job["archived"] for job in restored["jobs"])


def test_bulk_update_of_an_archived_object_is_refused_by_bill(client):
    jobs = client.classifications.jobs
    job = jobs.create({"name": "Old"})["id"]
    jobs.archive(job)
    with pytest.raises(bh.BillAPIError):
        jobs.bulk_update([{"id": job, "name": "New"}])
    jobs.restore(job)
    assert jobs.bulk_update([{"id": job, "name": "New"}])["jobs"][0]["name"] == "New"


def test_bulk_limits_are_checked_before_sending(client):
    with pytest.raises(bh.InputError):
        client.classifications.items.bulk_create([{"name": "x"}] * 51)
    with pytest.raises(bh.InputError):
        client.classifications.items.bulk_update([{"name": "no id"}])


def test_a_bills_line_names_an_active_classification(client, vendor):
    account = client.classifications.chart_of_accounts.create(
        {"name": "Supplies", "account": {"type": "EXPENSE", "number": "6100"}}
    )["id"]
    body = bill_body(vendor["id"])
    body["billLineItems"][0]["classifications"] = {"chartOfAccountId": account}
    bill = client.bills.create(body)
    assert bill["billLineItems"][0]["classifications"]["chartOfAccountId"] == account
    client.classifications.chart_of_accounts.archive(account)
    body = bill_body(vendor["id"], invoice="INV-2")
    body["billLineItems"][0]["classifications"] = {"chartOfAccountId": account}
    with pytest.raises(bh.ValidationError) as err:
        client.bills.create(body)
    assert "classifications.chartOfAccountId" in str(err.value)


def test_upload_a_file_and_download_it_back(client, vendor, tmp_path):
    path = tmp_path / "w9.pdf"
    path.write_bytes(PDF)
    made = client.attachments.upload(vendor["id"], path)
    assert made["id"].startswith("att") and made["name"] == "w9.pdf"
    assert "bytes of a file" in repr(made)  # the notebook shows the size, not the bytes
    assert client.attachments.download(made) == PDF
    listed = client.attachments.list(vendor["id"]).results
    assert [row["id"] for row in listed] == [made["id"]]
    assert client.attachments.delete(made["id"])["status"] == "SUCCESS"
    with pytest.raises(bh.NotFoundError):
        client.attachments.get(made["id"])


def test_a_bill_document_goes_through_its_upload_status(client, bill):
    upload = client.documents.upload(bill["id"], PDF, name="invoice.pdf")
    status = client.documents.status(upload["id"]).data[0]
    assert status["status"] == "UPLOADED"
    document = client.documents.get(status["documentId"])
    assert client.documents.download(document["downloadLink"]) == PDF
    assert [row["id"] for row in client.documents.list(bill["id"]).results] == [document["id"]]


@pytest.mark.parametrize(
    "file,name,field",
    [
        (b"", "a.pdf", "file"),
        (b"x" * (MAX_FILE_BYTES + 1), "a.pdf", "file"),
        (PDF, "no-extension", "name"),
        (PDF, "../a.pdf", "name"),
        (PDF, None, "name"),
        (12, "a.pdf", "file"),
    ],
    ids=["empty", "over-6mb", "no-extension", "folder", "bytes-without-name", "not-a-file"],
)
def test_bad_uploads_fail_before_sending(client, vendor, file, name, field):
    before = len(client.history) if hasattr(client, "history") else None
    with pytest.raises(bh.InputError) as err:
        client.attachments.upload(vendor["id"], file, name=name)
    assert err.value.field == field
    if before is not None:
        assert len(client.history) == before


def test_a_wrong_type_is_bills_answer(client, vendor):
    with pytest.raises(bh.ValidationError) as err:
        client.attachments.upload(vendor["id"], b"not a pdf", name="a.pdf")
    assert "is not a .pdf file" in str(err.value)


def test_a_link_to_another_host_never_gets_the_session(client):
    for link in ("https://evil.example/v3/files/att01SBX000000000001", "", None):
        with pytest.raises(bh.InputError):
            client.attachments.download(link)
