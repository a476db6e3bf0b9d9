"""The demo organization seeded into the emulator is the one `.env.example` describes."""

from __future__ import annotations

from pathlib import Path

from bill_emulator import seed

ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"


def _values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_env_example_matches_seeded_demo_organization():
    values = _values()
    assert values["BILL_USERNAME"] == seed.USERNAME
    assert values["BILL_PASSWORD"] == seed.PASSWORD
    assert values["BILL_ORGANIZATION_ID"] == seed.ORGANIZATION_ID
    assert values["BILL_DEV_KEY"] == seed.DEV_KEY
    assert values["BILL_MFA_DEVICE"] == seed.MFA_DEVICE


def test_env_example_defaults_to_demo():
    assert _values()["BILL_ENVIRONMENT"] == "demo"
