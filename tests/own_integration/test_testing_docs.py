"""docs/testing-your-integration.md says what the fixture and the command really offer."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bill_emulator.testing import Clock, Faults, Organization

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "testing-your-integration.md"


def test_readme_links_the_page():
    assert "docs/testing-your-integration.md" in (ROOT / "README.md").read_text()


def test_the_handles_in_the_table_exist():
    text = DOC.read_text()
    handles = set(re.findall(r"`\.([a-z_]+)", text))
    assert {"url", "env", "mfa_code", "clock", "faults", "requests"} <= handles
    fields = set(Organization.__dataclass_fields__) | set(dir(Organization))
    for name in handles - {"today", "now", "advance", "add", "list", "clear"}:
        assert name in fields, name
    for name in ("today", "now", "advance"):
        assert hasattr(Clock, name)
    for name in ("add", "list", "clear"):
        assert hasattr(Faults, name)


def test_the_ci_snippets_are_valid_yaml():
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    assert blocks
    workflow = yaml.safe_load(blocks[0])
    steps = workflow["jobs"]["test"]["steps"]
    assert any("pytest" in step.get("run", "") for step in steps)
    assert yaml.safe_load(blocks[1].replace("      - run:", "- run:", 1))


def test_the_page_uses_the_real_options_and_commands():
    """Every ``bill-emulator ...`` example of the page parses with the real command line."""
    import shlex

    from bill_emulator.cli import build_parser

    text = DOC.read_text()
    for option in ("--bill-emulator-start", "bill_emulator_start", "ready_to_pay=False"):
        assert option in text
    examples = []
    for line in re.findall(r"^\s*(bill-emulator .*)$", text, re.M):
        line = line.split("#")[0].rstrip(" &")
        if "[" in line or "|" in line:  # the synopsis, not an example
            continue
        examples.append(line)
    assert len(examples) >= 4
    seen = set()
    for line in examples:
        args = build_parser().parse_args(shlex.split(line)[1:])
        seen.add((args.command, getattr(args, "action", None)))
    assert {("serve", None), ("snapshot", "save"), ("snapshot", "restore")} <= seen
