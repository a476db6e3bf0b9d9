"""bill_emulator.ap_responses
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Thin handlers for classifications, vendor attachments and bill documents (issue 25), registered
into :data:`bill_emulator.responses.HANDLERS` (a module of its own so this area stays apart).

Statuses are BILL's, per its collection (``tests/contract/bill_contract.json``): ``201`` for the
classification creates (single and bulk), ``200`` otherwise, uploads included. A download answers
the file's own bytes (:class:`FileBody`), not JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from bill_emulator import uploads
from bill_emulator.responses import CREATED, HANDLERS, _signed_in, call, handler


@dataclass(frozen=True)
class FileBody:
    """A download: the bytes, their type and the file's name."""

    data: bytes
    content_type: str
    name: str

    def headers(self) -> list[tuple[str, str]]:
        return [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.data))),
            ("Content-Disposition", f"attachment; filename*=UTF-8''{quote(self.name)}"),
            ("X-Content-Type-Options", "nosniff"),
        ]


# -- classifications ------------------------------------------------------------------------------


call("list_classifications", ids=("segment",), query=True)
call("create_classification", CREATED, ids=("segment",), body=True)
call("bulk_create_classifications", CREATED, ids=("segment",), body=True)
call("bulk_update_classifications", ids=("segment",), body=True)
call("get_classification", ids=("segment", "obj_id"))
call("update_classification", ids=("segment", "obj_id"), body=True)
call("archive_classification", ids=("segment", "obj_id"))
call("restore_classification", ids=("segment", "obj_id"))


def _bulk_archive(archived: bool):
    def serve(backend, req, segment):
        caller = _signed_in(backend, req)
        return 200, backend.bulk_archive_classifications(caller, segment, req.params(), archived)

    return serve


HANDLERS["bulk_archive_classifications"] = _bulk_archive(True)
HANDLERS["bulk_restore_classifications"] = _bulk_archive(False)


# -- attachments and documents ------------------------------------------------------------------


def _linked(req, answer):
    """The answer with its ``downloadLink`` made absolute on this server (lists too)."""
    if isinstance(answer, dict) and "results" in answer:
        answer["results"] = [_linked(req, item) for item in answer["results"]]
    elif isinstance(answer, dict) and str(answer.get("downloadLink", "")).startswith("/"):
        answer["downloadLink"] = req.base_url + answer["downloadLink"]
    return answer


def _file(req) -> bytes:
    return uploads.file_bytes(req.content_type, req.body)


@handler
def upload_vendor_attachment(backend, req, vendor_id):
    caller = _signed_in(backend, req)
    answer = backend.upload_vendor_attachment(caller, vendor_id, req.params(), _file(req))
    return 200, _linked(req, answer)


@handler
def list_vendor_attachments(backend, req, vendor_id):
    answer = backend.list_vendor_attachments(_signed_in(backend, req), vendor_id, req.params())
    return 200, _linked(req, answer)


@handler
def get_attachment(backend, req, attachment_id):
    req.no_params()
    return 200, _linked(req, backend.get_attachment(_signed_in(backend, req), attachment_id))


@handler
def delete_attachment(backend, req, attachment_id):
    req.no_params()
    return 200, backend.delete_attachment(_signed_in(backend, req), attachment_id)


@handler
def upload_bill_document(backend, req, bill_id):
    caller = _signed_in(backend, req)
    return 200, backend.upload_bill_document(caller, bill_id, req.params(), _file(req))


@handler
def list_bill_documents(backend, req, bill_id):
    answer = backend.list_bill_documents(_signed_in(backend, req), bill_id, req.params())
    return 200, _linked(req, answer)


@handler
def document_upload_status(backend, req):
    return 200, backend.document_upload_status(_signed_in(backend, req), req.params())


@handler
def get_document(backend, req, document_id):
    req.no_params()
    return 200, _linked(req, backend.get_document(_signed_in(backend, req), document_id))


@handler
def download_file(backend, req, file_id):
    req.no_params()
    data, content_type, name = backend.download_file(_signed_in(backend, req), file_id)
    return 200, FileBody(data, content_type, name)
