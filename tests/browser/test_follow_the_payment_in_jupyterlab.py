"""Chapter 07 in JupyterLab, in a real Chromium (issue 17): Run All on a fresh demo world, and
the signed events of the payment's whole life show in the events table, ending in CLEARED.

The chapter runs alone (it signs in and makes its own vendor and bill), so the test opens it
first. Everything is waited for by what the page shows; nothing sleeps.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHAPTER = "07_follow_the_payment.ipynb"
CHAPTER_TIMEOUT_MS = 120_000


def test_run_all_shows_the_payment_cleared_in_the_events_table(jupyter_lab, lab):
    lab.open_notebook(CHAPTER)
    lab.run_all(timeout=CHAPTER_TIMEOUT_MS)
    lab.assert_no_traceback(lab.notebook)

    table = lab.output(lab.index_of_cell(CHAPTER, "event_table = receiver.table()"))
    table = table.locator("table")
    expect(table).to_be_visible()
    cleared = table.locator("tr", has_text="payment.updated").filter(has_text="CLEARED")
    expect(cleared).to_have_count(1)  # once: duplicates were dropped
    expect(table.locator("tr", has_text="bill.updated").filter(has_text="PAID")).to_have_count(1)
    lab.screenshot("chapter-7-events", scroll_to=table)

    timeline = lab.output(lab.index_of_cell(CHAPTER, "timeline(receiver.wait_for(where=ours))"))
    expect(timeline).to_contain_text("FUNDING_STARTED")
    expect(timeline).to_contain_text("CLEARED")
    reconcile = lab.output(lab.index_of_cell(CHAPTER, "reconciled = bh.to_frame("))
    expect(reconcile).to_contain_text("in agreement")
    tamper = lab.output(lab.index_of_cell(CHAPTER, "tampered = original.replace("))
    expect(tamper).to_contain_text("five lines, original: True | tampered: False")
    expect(tamper).to_contain_text("verify_signature, original: True | tampered: False")
    expect(tamper).to_contain_text("the receiver answered 401")
    tidy = lab.output(lab.index_of_cell(CHAPTER, "receiver.stop()"))
    expect(tidy).to_contain_text("receiver stopped: <Receiver stopped")
    # The one-time securityKey never shows in full (the page shows it masked).
    subscribe = lab.output(
        lab.index_of_cell(CHAPTER, 'headers={"X-Idempotent-Key": idempotent_key},')
    )
    expect(subscribe).to_contain_text("securityKey")
    expect(subscribe).to_contain_text("…")
