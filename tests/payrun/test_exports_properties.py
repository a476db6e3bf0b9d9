"""Property-based tests (hypothesis) for the export reader and its money parser (issue 23).

The properties say what a payment run relies on: an amount read is exactly the amount written
(or refused, never guessed), and an export written the way QuickBooks writes it reads back as
the same vendors, invoices and amounts, whatever the names hold; a shifted row or a decimal
comma anywhere is refused naming its line.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billhelpers.payrun.exports import ExportError, _money, read_export

HEADER = ["", "Date", "Transaction type", "Num", "Due date", "Past due", "Amount", "Open balance"]

cents = st.integers(min_value=-(10**14), max_value=10**14).map(lambda c: Decimal(c) / 100)
positive = st.integers(min_value=1, max_value=10**11).map(lambda c: Decimal(c) / 100)


def _written(value: Decimal, style: int) -> str:
    """``value`` as an accounting export may write it."""
    body = f"{abs(value):,.2f}" if style % 2 else f"{abs(value):.2f}"
    if style >= 2:
        body = "$" + body
    if value < 0:
        return f"({body})" if style == 3 else f"-{body}"
    return body


@given(cents, st.integers(min_value=0, max_value=3))
def test_money_reads_back_exactly_what_was_written(value, style):
    parsed = _money(_written(value, style))
    assert parsed == value and isinstance(parsed, Decimal)


@given(st.text(max_size=30))
def test_money_is_exact_or_refused(cell):
    try:
        value = _money(cell)
    except ValueError:
        return
    assert value.as_tuple().exponent >= -2  # never more than cents
    digits = re.sub(r"[^0-9.]", "", cell)
    assert abs(value) == Decimal(digits)  # no digit invented or dropped
    if "," in cell:  # a comma only ever separated thousands, before a dot and the cents
        whole = digits.split(".")[0]
        assert "." in digits and len(whole) > 3


@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["{a},{b:02d}", "{a},{b}", "$ {a},{b:02d}", "-{a},{b:02d}"]),
)
def test_a_decimal_comma_is_never_read_as_thousands(a, b, pattern):
    cell = pattern.format(a=a, b=b)
    with pytest.raises(ValueError, match="separator"):
        _money(cell)


plain_names = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=25)
    .map(str.strip)
    .filter(lambda n: n and n.casefold() != "total")
)
#: Some names begin like a total line ("Total Wine & More"): still vendor headings.
names = st.one_of(plain_names, plain_names.map(lambda n: f"Total {n}"))
invoices = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
bills = st.tuples(invoices, positive, st.integers(min_value=0, max_value=100)).map(
    lambda t: (t[0], t[1], max(Decimal("0.01"), (t[1] * t[2] / 100).quantize(Decimal("0.01"))))
)
exports = st.lists(
    st.tuples(names, st.lists(bills, min_size=1, max_size=4)), min_size=1, max_size=5
)


def _export(sections, *, mangle=None) -> tuple[str, list[int]]:
    """A QuickBooks export of ``sections`` and the line number of each bill row; ``mangle``
    may change one bill row's cells (given its index over the whole file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([["Unpaid Bills"], ["Demo"], [], HEADER])
    lines, count = [], 0
    for vendor, rows in sections:
        writer.writerow([vendor] + [""] * 7)
        for number, amount, open_ in rows:
            cells = ["", "11/01/2026", "Bill", number, "12/01/2026", "0", f"{amount:,.2f}"]
            cells.append(f"{open_:,.2f}")
            if mangle is not None:
                cells = mangle(count, cells)
            writer.writerow(cells)
            count += 1
            lines.append(out.getvalue().count("\n"))
        writer.writerow([f"Total for {vendor}", "", "", "", "", "", "1.00", "1.00"])
    writer.writerows([["TOTAL", "", "", "", "", "", "1.00", "1.00"], [], ["Tuesday, 1 Dec"]])
    return out.getvalue(), lines


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(exports)
def test_an_export_reads_back_as_written_whatever_the_names(sections):
    text, lines = _export(sections)
    rows = read_export(text)
    expected = [(v, n, a, o) for v, bs in sections for n, a, o in bs]
    assert [(r.vendor, r.invoice_number, r.amount, r.open_amount) for r in rows] == expected
    assert [r.line for r in rows] == lines


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(exports, st.data())
def test_a_shifted_row_is_refused_naming_its_line(sections, data):
    total = sum(len(bs) for _, bs in sections)
    bad = data.draw(st.integers(min_value=0, max_value=total - 1))
    at = data.draw(st.integers(min_value=1, max_value=8))
    extra = data.draw(st.sampled_from(["1", "", "250.00", "x"]))

    def shift(i, cells):
        return cells[:at] + [extra] + cells[at:] if i == bad else cells

    text, lines = _export(sections, mangle=shift)
    with pytest.raises(ExportError) as info:
        read_export(text)
    assert [p[0] for p in info.value.problems] == [lines[bad]]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(exports, st.data())
def test_a_decimal_comma_anywhere_is_refused_naming_line_and_column(sections, data):
    total = sum(len(bs) for _, bs in sections)
    bad = data.draw(st.integers(min_value=0, max_value=total - 1))
    column = data.draw(st.sampled_from([6, 7]))

    def comma(i, cells):
        if i == bad:
            cells = list(cells)
            cells[column] = cells[column].replace(",", "").replace(".", ",")
        return cells

    text, lines = _export(sections, mangle=comma)
    with pytest.raises(ExportError) as info:
        read_export(text)
    assert [(p[0], p[1]) for p in info.value.problems] == [(lines[bad], HEADER[column])]
