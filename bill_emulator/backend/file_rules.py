"""bill_emulator.backend.file_rules
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's rules for an uploaded file, as pure functions: its name, size and type.

Sources: BILL's collection and its "Upload bill document" / "Upload vendor attachment" pages set
the 6 MB limit and take the file name in the required ``name`` query parameter (with its
extension). A name must be printable (the client's rule too, ``billhelpers.rules.files``).
BILL points to a "Supported file formats" help page it does not publish with the API,
so the list of types below is the kit's choice (assumed): the common document and image formats,
each checked against the file's first bytes, so a ``.pdf`` that is not a PDF is refused rather
than stored as one. An empty file is refused (nothing to attach).
"""

from __future__ import annotations

import re

from bill_emulator.backend.errors import ValidationFailed

#: BILL's limit, "6 MB", read as 6 MiB (assumed: BILL does not say which megabyte).
MAX_FILE_BYTES = 6 * 1024 * 1024
#: The most bytes of files one organization keeps in the emulator (its own bound, assumed).
MAX_ORG_BYTES = 256 * 1024 * 1024
MAX_NAME = 255

_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ZIP = (b"PK\x03\x04",)
_TEXT = ()  # checked as text: UTF-8 without NUL bytes
#: extension -> (content type served back, the signatures the file may start with).
TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "tif": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    "tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "csv": ("text/csv", _TEXT),
    "txt": ("text/plain", _TEXT),
}
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def check_name(params: dict[str, list[str]]) -> str:
    """The ``name`` query parameter: required, once, a plain file name with a known extension.
    Upload calls take no other parameter."""
    for key, values in params.items():
        if key != "name":
            raise ValidationFailed(key, "is not a parameter of an upload; give only name")
        if len(values) > 1:
            raise ValidationFailed("name", "give it once")
    name = (params.get("name") or [""])[0].strip()
    if not name:
        raise ValidationFailed("name", "is required: the file name with its extension")
    if len(name) > MAX_NAME or _BAD_NAME.search(name) or name in (".", ".."):
        raise ValidationFailed(
            "name",
            f"must be a plain file name of at most {MAX_NAME} characters (no folders)",
        )
    if not name.isprintable():  # C1 controls, line separators, bidi overrides, zero widths
        raise ValidationFailed(
            "name",
            "must be printable: no control, line-separator or invisible formatting characters "
            "(a right-to-left override shows one file type as another)",
        )
    extension(name)
    return name


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower()
    if not dot or not stem or ext not in TYPES:
        known = ", ".join(f".{e}" for e in TYPES)
        raise ValidationFailed("name", f"must end in a supported file type ({known})")
    return ext


def content_type(name: str) -> str:
    return TYPES[extension(name)][0]


def check_file(name: str, data: bytes) -> None:
    """Refuse an empty file, one over BILL's size limit, or one whose bytes are not its type."""
    if not data:
        raise ValidationFailed("file", "is empty; send the file's bytes as the request body")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(
            "file", f"is {len(data):,} bytes; BILL takes files up to 6 MB ({MAX_FILE_BYTES:,})"
        )
    ext = extension(name)
    signatures = TYPES[ext][1]
    if signatures:
        if not data.startswith(signatures):
            raise ValidationFailed("file", f"is not a .{ext} file (its first bytes say otherwise)")
    elif b"\x00" in data or not _is_utf8(data):
        raise ValidationFailed("file", f"is not a .{ext} file (it is not UTF-8 text)")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
