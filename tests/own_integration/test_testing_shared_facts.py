"""The facts bill_emulator.testing keeps about the client agree with the client's own.

The emulator never imports billhelpers (it stands in for BILL), so ``bill_emulator.testing``
copies the names of the ``BILL_*`` variables and BILL's production hosts; this test imports
both sides and compares them.
"""

from __future__ import annotations

import subprocess
import sys

from bill_emulator import launcher, testing
from billhelpers import config
from billhelpers.http import guard


def test_env_names_are_the_clients():
    for field, name in testing.ENV_NAMES.items():
        assert config.ENV_VARS[field] == name


def test_the_emulator_environment_is_the_clients_demo():
    assert testing.EMULATOR_ENVIRONMENT in config.ENVIRONMENTS
    assert config.Config(environment=testing.EMULATOR_ENVIRONMENT).environment == "demo"


def test_production_and_test_hosts_agree():
    assert testing.PRODUCTION_HOSTS == guard.PRODUCTION_HOSTS
    assert testing.TEST_HOSTS == guard.TEST_HOSTS


def test_start_variable_agrees():
    from bill_emulator import cli, pytest_plugin

    assert pytest_plugin.START_ENV == cli.START_ENV == launcher.START_ENV


def test_the_plugin_and_cli_never_import_billhelpers():
    code = (
        "import sys, bill_emulator.pytest_plugin, bill_emulator.testing, bill_emulator.cli,"
        " bill_emulator.snapshots; print(any(m.split('.')[0] == 'billhelpers' for m in"
        " sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
