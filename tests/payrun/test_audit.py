"""The audit CSV is safe to open and stays private (issue 23): no cell a spreadsheet would run
as a formula, owner-only even when the file was there before, and never written through a
symbolic link planted at its path."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat
from decimal import Decimal

import pytest

from billhelpers.exceptions import InputError
from billhelpers.payrun.audit import reconcile, write_audit
from billhelpers.payrun.go_no_go import Verdict
from billhelpers.payrun.plan import PlanRow

#: OWASP's CSV-injection list: cells starting with these are run by spreadsheets.
DANGEROUS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\rx"]


def _verdict(vendor="Acme", invoice="A-1", amount="10.00", line=7) -> Verdict:
    row = PlanRow(
        line=line,
        vendor_name=vendor,
        invoice_number=invoice,
        amount=Decimal(amount),
        open_amount=Decimal(amount),
        invoice_date=dt.date(2026, 11, 1),
        due_date=dt.date(2026, 12, 1),
        vendor_status="matched",
        vendor_id="00901A",
        vendor_reason="",
        bill_status="in BILL",
        bill_id="00n01A",
    )
    return Verdict(row, True, "pay", "00n01A", "00901A", Decimal(amount))


def _read(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_neutralised_in_every_text_cell(tmp_path, text):
    rows = reconcile(
        {"run-1": _verdict(vendor=text, invoice=text)},
        [{"transactionNumber": "run-1", "id": text, "status": text, "amount": "10.00"}],
    )
    (out,) = _read(write_audit(tmp_path / "audit.csv", rows, run_by=text))
    for column in ("run_by", "vendor_name", "invoice_number", "payment_id", "status"):
        assert out[column] == "'" + text, column


def test_numbers_stay_numbers_even_when_negative(tmp_path):
    rows = reconcile({"run-1": _verdict(amount="-12.50")}, [])
    (out,) = _read(write_audit(tmp_path / "audit.csv", rows, run_by="ap clerk"))
    assert (out["amount"], out["line"], out["run_by"]) == ("-12.50", "7", "ap clerk")


def test_an_existing_file_ends_owner_only(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text("old\n")
    path.chmod(0o644)
    write_audit(path, reconcile({"run-1": _verdict()}, []), run_by="x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("run_by,")


def test_a_new_file_is_owner_only(tmp_path):
    path = write_audit(tmp_path / "audit.csv", reconcile({"run-1": _verdict()}, []), run_by="x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlink_at_the_audit_path_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    target.chmod(0o644)
    link = tmp_path / "audit.csv"
    os.symlink(target, link)
    with pytest.raises(InputError) as info:
        write_audit(link, reconcile({"run-1": _verdict()}, []), run_by="x")
    assert "link" in str(info.value) and info.value.hint
    assert target.read_text() == "keep me\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_symlink_planted_after_the_check_is_not_followed(tmp_path, monkeypatch):
    # the link appears between the look at the path and the open: O_NOFOLLOW refuses it
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    os.symlink(target, tmp_path / "audit.csv")
    monkeypatch.setattr("pathlib.Path.is_symlink", lambda self: False)
    with pytest.raises(InputError):
        write_audit(tmp_path / "audit.csv", reconcile({"run-1": _verdict()}, []), run_by="x")
    assert target.read_text() == "keep me\n"
