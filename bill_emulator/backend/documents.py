"""bill_emulator.backend.documents
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Vendor attachments (``/v3/attachments``) and bill documents (``/v3/documents``): upload, list,
get, delete an attachment, a document's upload status, and the download of the bytes.

What BILL's collection and pages give: an upload sends the file's bytes with its name in the
``name`` query parameter and answers ``id``, ``name``, ``createdTime``, ``downloadLink`` (an
attachment's id begins ``att``); a bill document is first an upload in progress (id ``0du``) whose
``GET /v3/documents/upload-status?ids=`` shows ``UPLOADED`` and the document's id (``00h``) once
BILL has processed it; deleting an attachment answers ``{"status": "SUCCESS"}`` and it is gone
from the list. The file rules are in :mod:`~bill_emulator.backend.file_rules`.

What the emulator chooses (assumed, ``docs/api-fidelity.md`` D*): BILL takes "a few minutes" to
process an upload; the emulator processes it at once, so an attachment downloads straight away and
a document's upload is ``UPLOADED`` at the first status read. A bill document's upload answers
with the upload's id alone (BILL fills the other fields once the upload is complete). The download
link is the emulator's own ``/v3/files/{id}``, signed-in like every call; the answers carry it as
a path and the HTTP layer makes it absolute. A vendor or bill of another organization is "not
found", as any id is.
"""

from __future__ import annotations

from bill_emulator.backend import file_rules, ids, listing
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import ObjectNotFound, ValidationFailed

#: Where a file's bytes are served (the answers' ``downloadLink``, made absolute by the handler).
DOWNLOAD_PATH = "/v3/files/"
#: The most upload ids one status call takes (assumed, as BILL's other bulk calls).
MAX_STATUS_IDS = 50
_TITLES = {"attachment": "Attachment", "document": "Document"}


def _answer(doc: dict) -> dict:
    """BILL's fields of an attachment or document."""
    return {
        **{k: doc[k] for k in ("id", "name", "createdTime")},
        "downloadLink": DOWNLOAD_PATH + doc["id"],
    }


class DocumentsMixin(BackendBase):
    # -- vendor attachments ----------------------------------------------------------------------

    def upload_vendor_attachment(
        self, caller: Caller, vendor_id: str, params: dict, data: bytes
    ) -> dict:
        name = file_rules.check_name(params)
        file_rules.check_file(name, data)
        with self.store.write():
            self._load("vendor", caller, vendor_id)
            doc = self._store_file(caller, "attachment", name, data, _vendorId=vendor_id)
        return _answer(doc)

    def list_vendor_attachments(self, caller: Caller, vendor_id: str, params: dict) -> dict:
        self._load("vendor", caller, vendor_id)
        return self._owned("attachment", caller, ("$._vendorId", "eq", vendor_id), params)

    def get_attachment(self, caller: Caller, attachment_id: str) -> dict:
        return _answer(self._file_doc("attachment", caller, attachment_id))

    def delete_attachment(self, caller: Caller, attachment_id: str) -> dict:
        """Gone for good: not listed, not found, its bytes deleted (BILL: cannot be restored)."""
        with self.store.write():
            self._file_doc("attachment", caller, attachment_id)
            self.store.delete_file(attachment_id, caller.org_id)
            self.store.delete_object(attachment_id, caller.org_id)
        return {"status": "SUCCESS"}

    # -- bill documents --------------------------------------------------------------------------

    def upload_bill_document(self, caller: Caller, bill_id: str, params: dict, data: bytes):
        """The upload's id (``0du``); the document (``00h``) exists at once (see module)."""
        name = file_rules.check_name(params)
        file_rules.check_file(name, data)
        with self.store.write():
            self._load("bill", caller, bill_id)
            doc = self._store_file(caller, "document", name, data, _billId=bill_id)
            seq = self.store.next_seq("documentUpload")
            upload = {"_documentId": doc["id"], "_billId": bill_id}
            upload_id = ids.object_id("documentUpload", seq)
            self._insert("documentUpload", caller.org_id, upload, obj_id=upload_id, seq=seq)
        return {"id": upload_id}

    def document_upload_status(self, caller: Caller, params: dict) -> list[dict]:
        """``?ids=0du...,0du...`` -> ``[{"documentId", "uploadId", "status"}]``."""
        for key, values in params.items():
            if key != "ids":
                raise ValidationFailed(key, "is not a parameter here; give ids")
            if len(values) > 1:
                raise ValidationFailed("ids", "give it once, the ids separated by commas")
        found = [p.strip() for p in (params.get("ids") or [""])[0].split(",") if p.strip()]
        if not found:
            raise ValidationFailed("ids", "must name at least one upload id (0du...)")
        if len(found) > MAX_STATUS_IDS:
            raise ValidationFailed("ids", f"must name at most {MAX_STATUS_IDS} upload ids")
        out = []
        for upload_id in found:
            upload = self.store.get_object("documentUpload", caller.org_id, upload_id)
            if upload is None:
                raise ValidationFailed("ids", f"no document upload {upload_id[:20]} here")
            out.append(
                {"documentId": upload["_documentId"], "uploadId": upload_id, "status": "UPLOADED"}
            )
        return out

    def list_bill_documents(self, caller: Caller, bill_id: str, params: dict) -> dict:
        self._load("bill", caller, bill_id)
        return self._owned("document", caller, ("$._billId", "eq", bill_id), params)

    def get_document(self, caller: Caller, document_id: str) -> dict:
        return _answer(self._file_doc("document", caller, document_id))

    # -- the bytes -------------------------------------------------------------------------------

    def download_file(self, caller: Caller, file_id: str) -> tuple[bytes, str, str]:
        """``(bytes, content type, file name)`` of an attachment or document of this
        organization."""
        kind = "attachment" if file_id.startswith(ids.PREFIXES["attachment"]) else "document"
        doc = self._file_doc(kind, caller, file_id)
        data = self.store.get_file(file_id, caller.org_id)
        if data is None:  # pragma: no cover - written in the same transaction as the document
            raise ObjectNotFound(_TITLES[kind], file_id)
        return data, file_rules.content_type(doc["name"]), doc["name"]

    # -- internals -------------------------------------------------------------------------------

    def _store_file(self, caller: Caller, kind: str, name: str, data: bytes, **owner) -> dict:
        used = self.store.org_file_bytes(caller.org_id)
        if used + len(data) > file_rules.MAX_ORG_BYTES:
            raise ValidationFailed(
                "file",
                f"the emulator keeps at most {file_rules.MAX_ORG_BYTES:,} bytes of files per"
                " organization; delete attachments or reset the emulator",
            )
        seq = self.store.next_seq(kind)
        obj_id = ids.object_id(kind, seq)
        doc = {"name": name, "_size": len(data), **owner}
        doc = self._insert(kind, caller.org_id, doc, obj_id=obj_id, seq=seq)
        self.store.put_file(obj_id, caller.org_id, data)
        return doc

    def _file_doc(self, kind: str, caller: Caller, obj_id: str) -> dict:
        doc = self.store.get_object(kind, caller.org_id, obj_id)
        if doc is None:
            raise ObjectNotFound(_TITLES[kind], obj_id)
        return doc

    def _owned(self, kind: str, caller: Caller, scope: tuple, params: dict) -> dict:
        page = listing.fetch(self.store, kind, caller.org_id, params, scope=(scope,))
        page["results"] = [_answer(public(doc)) for doc in page["results"]]
        return page
