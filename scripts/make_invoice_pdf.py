#!/usr/bin/env python3
"""Write the tutorial's sample invoice PDF (chapter 4 attaches it to the tutorial bill).

    .venv/bin/python scripts/make_invoice_pdf.py notebooks/data/tutorial-invoice.pdf

One A4 page in PDF 1.4 with the standard Helvetica font (nothing embedded), written by hand so
the kit needs no PDF library: a header, five objects, a cross-reference table with each object's
byte offset, a trailer. The bytes are the same on every run (no dates, no random ids), so the
committed file can be checked against this script (``tests/test_invoice_pdf.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The invoice chapter 4's bill records (its lines and total), as text lines on the page.
LINES = (
    ("Happy Paper Co.", 20, 780),
    ("123 Main Street, San Jose, CA 95113", 11, 762),
    ("INVOICE TUTORIAL-0001", 16, 720),
    ("Sample invoice for the billhelpers tutorial (not a real invoice)", 10, 702),
    ("Copy paper, 40 cases                                    1000.00", 11, 660),
    ("Delivery                                                             250.00", 11, 642),
    ("Total due                                                          1250.00", 12, 612),
    ("Payment terms: 14 days", 10, 580),
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content() -> bytes:
    ops = ["BT"]
    for text, size, y in LINES:
        ops.append(f"/F1 {size} Tf 1 0 0 1 56 {y} Tm ({_escape(text)}) Tj")
    ops.append("ET")
    return "\n".join(ops).encode("ascii")


def invoice_pdf() -> bytes:
    """The PDF's bytes."""
    content = _content()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    Path(argv[0]).write_bytes(invoice_pdf())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
