"""The sample invoice chapter 4 attaches (``notebooks/data/tutorial-invoice.pdf``) is the file
``scripts/make_invoice_pdf.py`` writes, and a well-formed PDF: its cross-reference table points
at every object, ``startxref`` at the table, and it is far below BILL's 6 MB."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from billhelpers.rules import files

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "notebooks" / "data" / "tutorial-invoice.pdf"


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_invoice_pdf", ROOT / "scripts" / "make_invoice_pdf.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_invoice_is_what_the_script_writes():
    assert PDF.read_bytes() == _script().invoice_pdf()


def test_the_invoice_is_a_well_formed_pdf():
    data = PDF.read_bytes()
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[start:].startswith(b"xref\n0 6\n")
    offsets = [int(o) for o in re.findall(rb"^(\d{10}) 00000 n $", data[start:], re.MULTILINE)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj\n" % number), number
    stream = re.search(rb"/Length (\d+) >>\nstream\n(.*?)\nendstream", data, re.DOTALL)
    assert int(stream.group(1)) == len(stream.group(2))
    assert b"INVOICE TUTORIAL-0001" in stream.group(2)
    assert 0 < len(data) < 8 * 1024 < files.MAX_FILE_BYTES
