"""bill_emulator.uploads
~~~~~~~~~~~~~~~~~~~~~~~~~~~

The file an upload request carries, and how big an upload's body may be.

BILL's collection and documents guide send the file's bytes as the whole request body
(``--data-binary``, ``Content-Type: */*`` or ``application/octet-stream``) with the file name in
the ``name`` query parameter. Clients that send a form instead (``multipart/form-data``: what
``requests``' ``files=`` makes, and what BILL's v2 upload took) are read too, with werkzeug's own
parser and strict bounds: exactly one part, a file named ``file`` (the field name BILL's guide
gives the file; assumed), no other fields. Nothing here parses multipart by hand.

Bodies are bounded before they are read: the server's cap is :func:`body_limit` (1 MB for every
call, BILL's 6 MB file limit plus room for a form's headers on the two upload routes only).
"""

from __future__ import annotations

import io
import re

from werkzeug.exceptions import HTTPException
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header

from bill_emulator.backend.errors import MalformedRequest
from bill_emulator.backend.file_rules import MAX_FILE_BYTES

#: Every other call's body cap (the emulator's, since before uploads).
MAX_BODY = 1_000_000
#: An upload's body cap: BILL's file limit, plus room for a multipart form's boundary and headers
#: (so a 6 MB file in a form reaches the backend and gets its clear "too large" message).
UPLOAD_MAX_BODY = MAX_FILE_BYTES + 64 * 1024
_UPLOAD_PATH = re.compile(r"/v3/(?:attachments/vendors|documents/bills)/[^/]+/?")
_FORM_MEMORY = 64 * 1024


def body_limit(method: str, path: str) -> int:
    """The most body bytes the server reads for ``method path``."""
    if method == "POST" and _UPLOAD_PATH.fullmatch(path):
        return UPLOAD_MAX_BODY
    return MAX_BODY


def file_bytes(content_type: str | None, body: bytes) -> bytes:
    """The uploaded file: the body itself, or the ``file`` part of a multipart form."""
    mimetype, options = parse_options_header(content_type or "")
    if mimetype != "multipart/form-data":
        return body
    parser = FormDataParser(
        stream_factory=lambda *args, **kwargs: io.BytesIO(),
        max_form_memory_size=_FORM_MEMORY,
        max_content_length=UPLOAD_MAX_BODY,
        silent=False,
        max_form_parts=2,
    )
    try:
        _, form, files = parser.parse(io.BytesIO(body), mimetype, len(body), options)
    except (HTTPException, ValueError) as err:
        raise MalformedRequest(f"The multipart form cannot be read ({err}).") from None
    parts = files.getlist("file")
    if form or len(parts) != 1 or len(files) != 1:
        raise MalformedRequest(
            "A multipart upload must hold exactly one part, the file, named file "
            "(or send the file's bytes as the whole body, as BILL's guide does)."
        )
    data = parts[0].stream.read(MAX_FILE_BYTES + 1)
    parts[0].close()
    return data
