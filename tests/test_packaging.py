"""pyproject.toml's ranges, the locks and Binder's environment.yml must stay in step.

pyproject.toml says which versions the kit works with; requirements.lock says the exact versions
that `make` and CI install (the committed notebook outputs were made with them, and nbval compares
them); requirements-runtime.lock is its runtime subset, which Binder installs through
environment.yml. If any of them drift, someone runs the notebooks with a missing or different
package, and a fresh clone fails with no change of ours.
"""

import fnmatch
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = "requirements.lock"
RUNTIME_LOCK = "requirements-runtime.lock"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements(specs: list[str]) -> dict[str, Requirement]:
    reqs = [Requirement(spec) for spec in specs]
    return {canonicalize_name(req.name): req for req in reqs}


def _runtime() -> dict[str, Requirement]:
    return _requirements(_pyproject()["project"]["dependencies"])


def _test_extra() -> dict[str, Requirement]:
    return _requirements(_pyproject()["project"]["optional-dependencies"]["test"])


def _lock(name: str) -> dict[str, list[Requirement]]:
    """A lock's requirements by canonical name; a name may appear once per environment marker."""
    pins: dict[str, list[Requirement]] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            pins.setdefault(canonicalize_name(req.name), []).append(req)
    return pins


def _exact(req: Requirement) -> str:
    (spec,) = req.specifier  # one `==` and nothing else: anything looser is no lock
    assert spec.operator == "==", f"{req}: a lock pins with =="
    return spec.version


def _lock_versions(name: str) -> dict[str, str]:
    """Versions that apply on this interpreter (markers evaluated), by canonical name."""
    return {
        pkg: _exact(req)
        for pkg, reqs in _lock(name).items()
        for req in reqs
        if req.marker is None or req.marker.evaluate()
    }


def _environment_yml() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _environment_pip_lines() -> list[str]:
    sections = [dep["pip"] for dep in _environment_yml()["dependencies"] if isinstance(dep, dict)]
    assert len(sections) == 1, "environment.yml: expected one `pip:` section"
    return sections[0]


def test_every_lock_line_is_an_exact_pin():
    for name in (LOCK, RUNTIME_LOCK):
        for pkg, reqs in _lock(name).items():
            for req in reqs:
                assert not req.url, f"{name}: {pkg} installs from a URL, not a version"
                _exact(req)
            markers = [req.marker for req in reqs]
            assert len(reqs) == 1 or all(markers), f"{name}: {pkg} listed twice without markers"


def test_lock_has_every_dependency_within_its_pyproject_range():
    locked = _lock_versions(LOCK)
    for pkg, req in {**_runtime(), **_test_extra()}.items():
        assert pkg in locked, f"{LOCK} lacks {req}: run `make lock`"
        assert req.specifier.contains(Version(locked[pkg]), prereleases=True), (
            f"{LOCK} pins {pkg}=={locked[pkg]}, outside pyproject.toml's {req}: run `make lock`"
        )


def test_runtime_lock_is_the_lock_at_the_same_versions():
    full, runtime = _lock_versions(LOCK), _lock_versions(RUNTIME_LOCK)
    assert set(_runtime()) <= set(runtime), f"{RUNTIME_LOCK} lacks runtime deps: run `make lock`"
    differ = {pkg: (ver, full.get(pkg)) for pkg, ver in runtime.items() if full.get(pkg) != ver}
    assert not differ, f"{RUNTIME_LOCK} vs {LOCK} (run `make lock`): {differ}"
    # The test-only tools stay out of Binder's image.
    assert not {"pytest", "playwright", "ruff", "nbval"} & set(runtime)


def test_environment_yml_pins_every_runtime_dependency_at_the_lock_version():
    locked = _lock_versions(RUNTIME_LOCK)
    pins = {}
    for line in _environment_pip_lines():
        if not line.startswith("-"):
            req = Requirement(line)
            pins[canonicalize_name(req.name)] = _exact(req)
    assert set(pins) == set(_runtime()), "environment.yml pins != pyproject.toml's runtime list"
    differ = {pkg: (ver, locked[pkg]) for pkg, ver in pins.items() if locked[pkg] != ver}
    assert not differ, f"environment.yml vs {RUNTIME_LOCK} (run `make lock`): {differ}"


def test_environment_yml_installs_the_rest_from_the_runtime_lock():
    assert _environment_pip_lines()[-1] == f"-r {RUNTIME_LOCK}"
    conda = [dep for dep in _environment_yml()["dependencies"] if isinstance(dep, str)]
    # conda-forge gives only the interpreter CI uses and pip: any Python package from it could
    # differ from the lock's, and pip would then keep conda's copy or fight over it.
    assert conda == ["python=3.11", "pip"]


def test_make_installs_from_the_lock_and_reinstalls_when_it_changes():
    makefile = (ROOT / "Makefile").read_text()
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert stamp_rule, "Makefile: no $(STAMP) rule"
    assert LOCK in stamp_rule.group(1).split(), "the stamp must depend on the lock"
    recipe = stamp_rule.group(2)
    assert f"pip install -r {LOCK}" in recipe
    assert "pip install --no-deps -e ." in recipe
    for target in ("install", "lab", "test"):
        assert re.search(rf"^{target}:.*\$\(STAMP\)", makefile, re.M), f"make {target}: no stamp"


def test_pyproject_has_lower_bounds_and_no_exact_pins():
    for req in {**_runtime(), **_test_extra()}.values():
        ops = {spec.operator for spec in req.specifier}
        assert ">=" in ops, f"{req}: give a lower bound"
        assert "==" not in ops, f"{req}: no exact pins in package metadata (they go in the lock)"


def test_test_extra_has_the_tools_make_test_runs():
    assert {"pytest", "nbval", "playwright", "ruff"} <= set(_test_extra())


def test_the_distribution_holds_every_top_level_package():
    """postBuild (Binder) installs `.` with --no-deps: both packages must be in it."""
    include = _pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = sorted(p.parent.name for p in ROOT.glob("*/__init__.py"))
    assert {"billhelpers", "bill_emulator"} <= set(packages)
    for package in packages:
        assert any(fnmatch.fnmatch(package, pattern) for pattern in include), package
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps .\n" in post_build


def test_env_file_is_git_ignored():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make test" in ci
