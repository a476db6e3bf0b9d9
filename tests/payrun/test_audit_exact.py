"""The reconciliation and the audit file with exact answers: each outcome's words, which of two
payments under one transactionNumber counts, every audit cell, and every refusal to write
(``payrun/audit.py`` in the mutation run). The clock is pinned with time-machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import time_machine
from test_audit import _verdict  # the same verdict of 10.00 for line 7, Acme A-1

from billhelpers.exceptions import InputError
from billhelpers.payrun.audit import (
    AUDIT_COLUMNS,
    Reconciled,
    reconcile,
    reconciliation_frame,
    safe_cell,
    write_audit,
)

REFUSED_HINT = "remove it (someone else may have put it there) or write the audit to another path"


PAID = {"id": "stp1", "transactionNumber": "t1", "billId": "00n01A", "amount": "10.00"}


@pytest.mark.parametrize(
    ("payment", "outcome"),
    [
        (None, "missing: not in BILL (re-run the batch)"),
        ({**PAID, "singleStatus": "CANCELED"}, "not paying: CANCELED (re-run the batch)"),
        ({**PAID, "amount": "9.99", "status": "SCHEDULED"}, "amount differs: BILL has 9.99"),
        ({**PAID, "billId": "00n01B", "status": "SCHEDULED"}, "bill differs"),
        ({**PAID, "billId": None, "status": "SCHEDULED"}, "ok: SCHEDULED"),
        ({**PAID, "singleStatus": "PAID", "status": "SCHEDULED"}, "ok: PAID"),
        ({**PAID, "amount": 10, "status": "SCHEDULED"}, "ok: SCHEDULED"),
    ],
    ids=["missing", "canceled", "amount", "bill", "no-bill", "single", "int-amount"],
)
def test_outcomes_are_exact(payment, outcome):
    assert Reconciled(_verdict(), "t1", payment).outcome == outcome


def test_the_live_payment_of_a_number_counts_whatever_the_order():
    canceled = {**PAID, "id": "stp0", "singleStatus": "CANCELED"}
    live = {**PAID, "id": "stp2", "status": "SCHEDULED"}
    other = {**PAID, "id": "stp3", "transactionNumber": "t9"}
    expected = {"t1": _verdict(), "t2": _verdict()}
    for payments in ([canceled, live, other], [live, canceled, other]):
        rows = reconcile(expected, payments)
        assert [(r.transaction_number, (r.payment or {}).get("id")) for r in rows] == [
            ("t1", "stp2"),
            ("t2", None),
        ]
    later_dead = {**PAID, "id": "stp4", "status": "VOID"}
    first_dead = reconcile({"t1": _verdict()}, [canceled, later_dead])
    assert first_dead[0].payment["id"] == "stp0"  # neither live: the first one stays


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-12.50", "-12.50"),
        ("-7", "-7"),
        ("-x", "'-x"),
        ("-1.", "'-1."),
        ("@a", "'@a"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (Decimal("12.5"), "12.5"),
    ],
)
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


@time_machine.travel(dt.datetime(2026, 12, 8, 15, 30, 5, 123456, tzinfo=dt.UTC), tick=False)
def test_the_audit_file_holds_every_column_exactly(tmp_path):
    rows = reconcile(
        {"t1": _verdict(), "t2": _verdict(amount="5.00")},
        [{**PAID, "status": "SCHEDULED", "singleStatus": "SCHEDULED"}],
    )
    path = write_audit(str(tmp_path / "audit.csv"), rows, run_by="=clerk")
    assert path == tmp_path / "audit.csv" and isinstance(path, Path)
    with open(path, newline="") as f:
        lines = list(csv.reader(f))
    assert lines == [
        list(AUDIT_COLUMNS),
        [
            "'=clerk",
            "2026-12-08T15:30:05+00:00",
            "7",
            "00n01A",
            "A-1",
            "00901A",
            "Acme",
            "10.00",
            "t1",
            "stp1",
            "SCHEDULED",
            "SCHEDULED",
        ],
        [
            "'=clerk",
            "2026-12-08T15:30:05+00:00",
            "7",
            "00n01A",
            "A-1",
            "00901A",
            "Acme",
            "5.00",
            "t2",
            "",
            "NOT FOUND",
            "",
        ],
    ]


def test_an_older_longer_file_is_replaced_not_overwritten_in_part(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text("x" * 5000 + "\n")
    write_audit(path, [], run_by="x")
    assert path.read_bytes() == (",".join(AUDIT_COLUMNS) + "\r\n").encode()


def test_refusals_name_the_path_and_the_fix(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "link.csv"
    os.symlink(target, link)
    with pytest.raises(InputError) as info:
        write_audit(link, [], run_by="x")
    assert (info.value.field, info.value.message, info.value.hint) == (
        "path",
        f"{link} is a symbolic link: the audit file is not written through it; nothing was written",
        REFUSED_HINT,
    )
    hard = tmp_path / "hard.csv"
    os.link(target, hard)
    with pytest.raises(InputError) as info:
        write_audit(hard, [], run_by="x")
    assert info.value.message == (
        f"{hard} is not a plain file of its own (a device, or a hard link): the audit file is "
        "not written through it; nothing was written"
    )
    assert target.read_text() == "keep me\n"
    with pytest.raises(InputError) as info:
        write_audit(Path(os.devnull), [], run_by="x")
    assert info.value.message.startswith(f"{os.devnull} is not a plain file of its own")
    with pytest.raises(InputError) as info:
        write_audit(tmp_path, [], run_by="x")
    assert (info.value.field, info.value.message, info.value.hint) == (
        "path",
        f"{tmp_path} cannot be written (Is a directory)",
        "choose a folder you can write to",
    )


def test_a_link_planted_after_the_check_is_refused_by_name(tmp_path, monkeypatch):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "audit.csv"
    os.symlink(target, link)
    looks = iter([False, True])  # not a link when looked at, one when the open failed
    monkeypatch.setattr("pathlib.Path.is_symlink", lambda self: next(looks))
    with pytest.raises(InputError) as info:
        write_audit(link, [], run_by="x")
    assert info.value.message == (
        f"{link} is a symbolic link: the audit file is not written through it; nothing was written"
    )
    assert target.read_text() == "keep me\n"


def test_reconciliation_frame_rows():
    verdicts = {"t1": _verdict(), "t2": _verdict(amount="5.00")}
    rows = reconcile(verdicts, [{**PAID, "status": "PAID"}])
    first, second = reconciliation_frame(rows).to_dict("records")
    assert first == {
        "invoice": "A-1",
        "vendor": "Acme",
        "expected": Decimal("10.00"),
        "BILL amount": "10.00",
        "payment": "stp1",
        "outcome": "ok: PAID",
    }
    assert (second["invoice"], second["expected"], second["outcome"]) == (
        "A-1",
        Decimal("5.00"),
        "missing: not in BILL (re-run the batch)",
    )
    assert pd.isna(second["BILL amount"]) and pd.isna(second["payment"])  # none in BILL
