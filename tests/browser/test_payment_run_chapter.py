"""Chapter 8 (Pay a batch of bills) in JupyterLab, in a real Chromium: Run All on its own, the
pre-flight table shows "no-go" rows with their reasons, and the run's last line says a re-run of
the same file created and paid nothing. Waits for what the page shows; nothing sleeps."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHAPTER = "08_pay_a_batch_of_bills.ipynb"
FINAL_LINE = "Re-run: 0 new vendors, 0 new bills, 0 new payments."
RUN_ALL_TIMEOUT_MS = 180_000


def _cell_index(root, source_start: str) -> int:
    cells = json.loads((root / CHAPTER).read_text())["cells"]
    found = [i for i, c in enumerate(cells) if "".join(c["source"]).startswith(source_start)]
    assert found, f"no cell of {CHAPTER} starts with {source_start!r}"
    return found[0]


def test_chapter_8_runs_all_and_shows_the_traps_and_the_rerun(jupyter_lab, lab):
    root = jupyter_lab.root
    preflight_cell = _cell_index(root, "day = run.run_date()")
    last_cell = _cell_index(root, "again = PaymentRun(")

    lab.open_notebook(CHAPTER)
    lab.run_all(timeout=RUN_ALL_TIMEOUT_MS)

    table = lab.output(preflight_cell).locator("table.dataframe")
    expect(table).to_contain_text("no-go", timeout=RUN_ALL_TIMEOUT_MS)
    expect(table).to_contain_text("duplicate invoice")
    expect(table).to_contain_text("already paid or scheduled")
    expect(table).to_contain_text("vendor has no payment details")
    lab.wait_for_text(FINAL_LINE, scope=lab.output(last_cell))
    lab.screenshot("08-payment-run")
