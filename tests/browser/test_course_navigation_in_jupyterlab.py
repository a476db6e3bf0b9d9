"""The course's navigation in JupyterLab, in a real Chromium: from chapter 00 a learner clicks
to a later chapter and to a reference page, and each opens inside the lab (no 404, no "File Load
Error"), as ``tests/test_course_links.py`` says it should from the files alone.

Waits for what the page shows (Playwright's expect); nothing sleeps. Runs no cell.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

START = "00_welcome_and_setup.ipynb"


def _tab(lab, name: str):
    return lab.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)


def test_chapter_00_opens_a_later_chapter_and_the_reference_pages(jupyter_lab, lab):
    lab.open_notebook(START, clear_outputs=False)
    page = lab.page

    # The chapter table: chapter 8 (which nothing linked to before) opens in the lab.
    lab.notebook.get_by_role("link", name="Chapter 8: Pay a batch of bills").first.click()
    expect(_tab(lab, "08_pay_a_batch_of_bills.ipynb")).to_be_visible()
    eight = page.locator(".jp-NotebookPanel:visible").first
    expect(eight.get_by_role("heading", name="Pay a batch of bills").first).to_be_visible()

    # Back to chapter 00, then a reference page from the same table's note.
    _tab(lab, START).click()
    lab.notebook.get_by_role("link", name="error codes").first.click()
    expect(_tab(lab, "error-codes.md")).to_be_visible()
    main = page.locator("#jp-main-dock-panel")
    expect(main.get_by_text("BDC_1402").first).to_be_visible()
    expect(page.locator(".jp-Dialog", has_text="File Load Error")).to_have_count(0)
