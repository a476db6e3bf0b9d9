"""The browser infrastructure itself: JupyterLab starts, a notebook opens, cells run, widgets
take typing and clicks. Uses a throwaway notebook written into the temporary lab root."""

from __future__ import annotations

import json

from playwright.sync_api import expect

SMOKE_NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    },
    "cells": [
        {
            "cell_type": "markdown",
            "id": "md-0",
            "metadata": {},
            "source": "# Smoke test\nA throwaway notebook.",
        },
        {
            "cell_type": "code",
            "id": "code-1",
            "metadata": {},
            "execution_count": 7,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "stale output\n"}],
            "source": "import os\nprint('kernel says', os.environ['BILL_ENVIRONMENT'])",
        },
        {
            "cell_type": "code",
            "id": "code-2",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": (
                "import ipywidgets as w\n"
                "name = w.Text(description='Name').add_class('smoke-name')\n"
                "secret = w.Password(description='Secret').add_class('smoke-secret')\n"
                "status = w.HTML('waiting').add_class('smoke-status')\n"
                "go = w.Button(description='Go').add_class('smoke-go')\n"
                "go.on_click(lambda b: setattr(status, 'value', "
                "f'hello {name.value} ({len(secret.value)} chars)'))\n"
                "w.VBox([name, secret, go, status])"
            ),
        },
        {
            "cell_type": "code",
            "id": "code-3",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": (
                "import pandas as pd\n"
                "pd.DataFrame({'vendor': ['Smoke Vendor'], 'status': ['SCHEDULED']})"
            ),
        },
    ],
}


def test_lab_starts_opens_a_notebook_and_drives_widgets(jupyter_lab, lab):
    status = jupyter_lab.api("GET", "/api/status")
    assert "started" in status

    (jupyter_lab.root / "smoke.ipynb").write_text(json.dumps(SMOKE_NOTEBOOK))
    lab.open_notebook("smoke.ipynb")
    # The stale committed-style output was cleared on open.
    expect(lab.notebook.get_by_text("stale output")).to_have_count(0)

    lab.run_cells_through(2)
    lab.wait_for_text("kernel says demo", scope=lab.output(1))
    lab.type_into("smoke-name", "Ada")
    lab.type_into("smoke-secret", "s3cret")
    lab.click_button("smoke-go")
    expect(lab.widget("smoke-status")).to_have_text("hello Ada (6 chars)")

    lab.run_all()
    table = lab.output(3).locator("table.dataframe")
    expect(table).to_contain_text("Smoke Vendor")
    expect(table).to_contain_text("SCHEDULED")
    lab.screenshot("00-smoke")
    assert len(jupyter_lab.kernels()) == 1
