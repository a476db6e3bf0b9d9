"""Chapter 11 (test your own integration) in JupyterLab, in a real Chromium: Run All starts the
chapter's own emulator, the first version of the integration pays a bill twice under
``lost-answers`` and the report card shows ``paid-twice`` failing, and the fixed version's card
passes every check; no Python traceback.

Waits for what the page shows (Playwright's expect); nothing sleeps. The end state is saved as
artifacts/browser/chapter-11-report-card.png (git-ignored).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHAPTER = "11_test_your_own_integration.ipynb"
CHAPTER_TIMEOUT_MS = 180_000
PASSED = re.compile(r"'paid-twice': True,\s*'blind-payment-retry': True")


def test_chapter_11_grades_the_integration_with_run_all(jupyter_lab, lab):
    lab.open_notebook(CHAPTER)
    lab.run_all(timeout=CHAPTER_TIMEOUT_MS)
    passed = lab.wait_for_text(PASSED, timeout=CHAPTER_TIMEOUT_MS)
    lab.assert_no_traceback(lab.notebook)

    first_run = lab.output(lab.index_of_cell(CHAPTER, "pay_bills_v1(first_bills)"))
    expect(first_run).to_contain_text("no answer, sending it again")
    graded = lab.output(lab.index_of_cell(CHAPTER, "def card(report):"))
    expect(graded).to_contain_text(re.compile(r"paid-twice\s+FAIL"))
    expect(graded).to_contain_text("both live")
    fixed = lab.output(lab.index_of_cell(CHAPTER, 'third_bills = prepare("C")'))
    expect(fixed).to_contain_text("not sent again")
    expect(fixed).to_contain_text(re.compile(r"paid-twice\s+pass"))
    lab.screenshot("chapter-11-report-card", scroll_to=passed)
