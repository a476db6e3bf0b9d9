"""The Binder environment and the package metadata must name the same dependencies.

Binder builds from environment.yml, pip users from pyproject.toml; if the two drift, one of them
runs the notebooks with a missing or different package.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from PyPI's.
CONDA_TO_PYPI: dict[str, str] = {}


def _name_and_bound(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, f"cannot parse dependency {spec!r}"
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject_runtime() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(_name_and_bound(spec) for spec in data["project"]["dependencies"])


def _environment_yml() -> dict[str, str]:
    deps = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and line.startswith("  - "):
            name, bound = _name_and_bound(line[4:])
            deps[CONDA_TO_PYPI.get(name, name)] = bound
        elif in_deps and line and not line.startswith(" "):
            break
    # The interpreter and pip are Binder's plumbing, not the kit's dependencies.
    deps.pop("python", None)
    deps.pop("pip", None)
    return deps


def test_environment_yml_matches_pyproject_dependencies():
    assert _environment_yml() == _pyproject_runtime()


def test_pyproject_has_lower_bounds_and_no_exact_pins():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    for spec in specs:
        _, bound = _name_and_bound(spec)
        assert bound.startswith(">="), f"{spec}: give a lower bound"
        assert "==" not in bound, f"{spec}: no exact pins in package metadata"


def test_test_extra_has_the_tools_make_test_runs():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {_name_and_bound(s)[0] for s in data["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "playwright", "ruff"} <= names


def test_env_file_is_git_ignored():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make test" in ci
