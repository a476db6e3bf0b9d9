"""
billhelpers.rules.files
~~~~~~~~~~~~~~~~~~~~~~~

BILL's rules for a file to upload (a vendor attachment, a bill document), checked before sending.

BILL's upload pages set the 6 MB limit and take the file name, with its extension, in the
``name`` query parameter. Checking here means a learner's 8 MB scan fails at once with the fix,
not after the upload. BILL publishes no list of file types with its API; the client does not
guess one (BILL, or the emulator's own list, answers that), it only asks for an extension.
"""

from __future__ import annotations

import os
from pathlib import Path

from billhelpers.exceptions import InputError

#: BILL's limit, "6 MB", read as 6 MiB (the emulator reads it the same way).
MAX_FILE_BYTES = 6 * 1024 * 1024
MAX_NAME = 255


def check_name(name: str) -> str:
    """A plain file name with an extension (BILL's ``name`` parameter)."""
    text = str(name or "").strip()
    stem, dot, ext = text.rpartition(".")
    if not text or not dot or not stem or not ext:
        raise InputError(
            f"{text!r} has no extension",
            field="name",
            hint="name the file with its extension, e.g. invoice.pdf",
        )
    if len(text) > MAX_NAME or any(c in text for c in "/\\") or not text.isprintable():
        raise InputError(
            "must be a plain file name",
            field="name",
            hint=f"at most {MAX_NAME} characters, no folders (e.g. invoice.pdf)",
        )
    return text


def check_size(size: int) -> None:
    if size <= 0:
        raise InputError("the file is empty", field="file", hint="choose the file to upload")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"the file is {size:,} bytes; BILL takes at most 6 MB ({MAX_FILE_BYTES:,} bytes)",
            field="file",
            hint="compress or split the file",
        )


def read_upload(file, name: str | None = None) -> tuple[str, bytes]:
    """``(name, bytes)`` of a file given as a path or as bytes (then ``name`` is required).

    A path is measured before it is read, and never more than the limit is read, so a huge file
    costs no memory."""
    if isinstance(file, bytes | bytearray | memoryview):
        if name is None:
            raise InputError(
                "bytes need a name", field="name", hint="pass name='invoice.pdf' with the bytes"
            )
        data = bytes(file)
        check_size(len(data))
        return check_name(name), data
    if not isinstance(file, str | os.PathLike):
        raise InputError(
            "must be a path or bytes", field="file", hint="pass 'invoice.pdf' or its bytes"
        )
    path = Path(file)
    if not path.is_file():
        raise InputError(f"no file at {path}", field="file", hint="check the path")
    check_size(path.stat().st_size)
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    check_size(len(data))
    return check_name(name if name is not None else path.name), data
