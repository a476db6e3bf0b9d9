"""
billhelpers.resources.documents
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Vendor attachments (``/v3/attachments``) and bill documents (``/v3/documents``): upload a file,
list, get, download it back, delete an attachment, follow a document's upload.

An upload sends the file's bytes as the body with its name in ``?name=``, as BILL's guide does.
It moves no money and is not repeated after an unclear failure (a second attachment would be a
duplicate): look at the list first. A download follows BILL's ``downloadLink`` only on the host
this client talks to, so the session id never goes anywhere else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from billhelpers.exceptions import InputError
from billhelpers.http import paging
from billhelpers.http.response import ApiResponse
from billhelpers.resources.base import _id
from billhelpers.rules import files


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _Files:
    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _upload(self, path: str, file, name: str | None) -> ApiResponse:
        name, data = files.read_upload(file, name)
        return self.client.request("POST", path, params={"name": name}, content=data)

    def _list(self, path: str, max: int, page: str | None) -> ApiResponse:
        params = {"max": paging.check_max(max), "page": page}
        return self.client.request("GET", path, params=params)

    def download(self, link_or_answer) -> bytes:
        """The file's bytes, from a ``downloadLink`` (or an answer that carries one)."""
        link = link_or_answer
        if not isinstance(link, str):
            link = link_or_answer.get("downloadLink") if link_or_answer is not None else None
        if not isinstance(link, str) or not link:
            raise InputError(
                "no downloadLink", field="downloadLink", hint="pass get(...)['downloadLink']"
            )
        origin = _origin(self.client.base_url)
        if _origin(link) != origin:
            raise InputError(
                "the link is not on the host this client talks to",
                field="downloadLink",
                hint="the session id is only ever sent to BILL's own host",
            )
        parts = urlsplit(link)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        resp = self.client.request("GET", path, base=origin, binary=True)
        return resp.content or b""


class Attachments(_Files):
    """A vendor's attachments: ``upload(vendor_id, "w9.pdf")``, ``list(vendor_id)``,
    ``get(id)``, ``download(answer)``, ``delete(id)``."""

    def upload(self, vendor_id: str, file, name: str | None = None) -> ApiResponse:
        return self._upload(f"/v3/attachments/vendors/{_id(vendor_id)}", file, name)

    def list(self, vendor_id: str, max: int = 100, page: str | None = None) -> ApiResponse:
        return self._list(f"/v3/attachments/vendors/{_id(vendor_id)}", max, page)

    def get(self, attachment_id: str) -> ApiResponse:
        return self.client.request("GET", f"/v3/attachments/{_id(attachment_id)}")

    def delete(self, attachment_id: str) -> ApiResponse:
        """For good (BILL cannot restore it); deleting twice answers "not found"."""
        return self.client.request("DELETE", f"/v3/attachments/{_id(attachment_id)}")


class Documents(_Files):
    """A bill's documents: ``upload(bill_id, "invoice.pdf")`` answers the upload's id (``0du``);
    ``status(upload_id)`` gives the document's id (``00h``) once BILL has processed it;
    ``list(bill_id)``, ``get(id)``, ``download(answer)``."""

    def upload(self, bill_id: str, file, name: str | None = None) -> ApiResponse:
        return self._upload(f"/v3/documents/bills/{_id(bill_id)}", file, name)

    def status(self, *upload_ids: str) -> ApiResponse:
        if not upload_ids:
            raise InputError("needs an upload id", field="ids", hint="pass upload(...)['id']")
        ids = ",".join(str(i).strip() for i in upload_ids)
        return self.client.request("GET", "/v3/documents/upload-status", params={"ids": ids})

    def list(self, bill_id: str, max: int = 100, page: str | None = None) -> ApiResponse:
        return self._list(f"/v3/documents/bills/{_id(bill_id)}", max, page)

    def get(self, document_id: str) -> ApiResponse:
        return self.client.request("GET", f"/v3/documents/{_id(document_id)}")
