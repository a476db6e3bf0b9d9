"""Chapter 10 (set up your own BILL sandbox) in JupyterLab, in a real Chromium: Run All on the
emulator's fresh organization ends with the chapter's "set up" status, BILL's refusals are shown
as BILL's error arrays (no Python traceback), and no secret of the fresh organization shows.

Waits for what the page shows (Playwright's expect); nothing sleeps. The end state is saved as
artifacts/browser/chapter-10-set-up.png (git-ignored).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHAPTER = "10_set_up_your_bill_sandbox.ipynb"
CHAPTER_TIMEOUT_MS = 120_000
READY = re.compile(r"✅ 00801FRESH\d{10} is set up: MFA phone …0123, bank account bac\w+ VERIFIED")


def test_chapter_10_sets_up_a_fresh_organization_with_run_all(jupyter_lab, lab):
    lab.open_notebook(CHAPTER)
    lab.run_all(timeout=CHAPTER_TIMEOUT_MS)
    ready = lab.wait_for_text(READY, timeout=CHAPTER_TIMEOUT_MS)
    lab.assert_no_traceback(lab.notebook)

    # The failures before set-up and the wrong set-up code: BILL's codes, shown as output.
    for code in ("BDC_1000", "BDC_1361", "BDC_1355"):
        expect(lab.notebook.locator(".jp-OutputArea-output", has_text=code).first).to_be_visible()
    wrong_deposit = lab.output(lab.index_of_cell(CHAPTER, '"0.49"'))
    expect(wrong_deposit).to_contain_text('"verified": false')

    # The fresh organization's settings are shown masked.
    settings = lab.output(lab.index_of_cell(CHAPTER, "fresh_organization()"))
    expect(settings).to_contain_text("password='***'")
    expect(settings).to_contain_text(re.compile(r"dev_key='\w{4}…'"))
    lab.screenshot("chapter-10-set-up", scroll_to=ready)
