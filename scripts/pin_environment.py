"""Rewrite environment.yml's pins of the runtime dependencies from requirements-runtime.lock.

Binder installs everything from that lock (environment.yml's `-r` line); the `name==version`
lines above it only repeat the lock's versions of pyproject.toml's runtime dependencies so a
reader sees them. `make lock` runs this after re-resolving, so the two never need editing by
hand; tests/test_packaging.py checks the result. Standard library only: `make lock` runs it in
a .venv that may hold nothing but uv.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN_INDENT = "      - "
LOCK_LINE = f"{PIN_INDENT}-r requirements-runtime.lock"
NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"


def canonicalize_name(name: str) -> str:
    """PEP 503's normalized name, as packaging.utils.canonicalize_name spells it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_versions(path: Path) -> dict[str, str]:
    """Unconditional `name==version` lines of a uv/pip-compile lock, by canonical name."""
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(rf"^({NAME})==([^\s;#]+)\s*(;)?", line)
        if match and not match.group(3):
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def runtime_names() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [re.match(NAME, spec.strip()).group(0) for spec in data["project"]["dependencies"]]


def pinned_environment(text: str, pins: dict[str, str], names: list[str]) -> str:
    """environment.yml with its pip section's pin lines replaced, the `-r` line kept last."""
    missing = [name for name in names if canonicalize_name(name) not in pins]
    if missing:
        raise SystemExit(f"requirements-runtime.lock has no unconditional pin for {missing}")
    lines = text.splitlines()
    if LOCK_LINE not in lines:
        raise SystemExit(f"environment.yml: expected the line {LOCK_LINE.strip()!r}")
    end = lines.index(LOCK_LINE)
    start = end
    while start > 0 and lines[start - 1].startswith(PIN_INDENT):
        start -= 1
    new_pins = [f"{PIN_INDENT}{name}=={pins[canonicalize_name(name)]}" for name in names]
    return "\n".join(lines[:start] + new_pins + lines[end:]) + "\n"


def main() -> int:
    env_path = ROOT / "environment.yml"
    pins = lock_versions(ROOT / "requirements-runtime.lock")
    old = env_path.read_text()
    new = pinned_environment(old, pins, runtime_names())
    if new != old:
        env_path.write_text(new)
        print("environment.yml: pins updated from requirements-runtime.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
