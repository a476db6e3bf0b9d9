"""Fixtures and helpers for the real-browser test of the tutorial in JupyterLab.

What is here:

- ``lab_root``: a temporary copy of ``notebooks/`` (the test never rewrites committed notebooks).
- ``jupyter_lab``: JupyterLab started headless on a free loopback port with a random token, rooted
  at ``lab_root``, in demo mode (``BILL_ENVIRONMENT=demo``, fresh ``BILL_EMULATOR_DATA_DIR`` and
  ``BILL_CACHE_DIR``), quiet (no news, no update check, read-only extension manager, settings and
  workspaces in the temporary folder). It is waited for by polling ``/api/status`` with a deadline
  and is shut down, with its kernels, in a finalizer even when the test fails.
- ``chromium``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright for Python. Never a
  downloaded browser. When it is missing the test FAILS and says what to install.
- ``lab``: a :class:`Lab` bound to the running server and the browser, with helpers to open a
  notebook, run cells, wait for output, type into widgets, click buttons and take screenshots
  (``artifacts/browser/<name>.png``).

Everything is waited for by what the page shows (Playwright's ``expect``/``wait_for``), never by
fixed sleeps.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LAB_START_TIMEOUT_S = 60
# Generous upper bounds: a deadline for what the page must show, not a sleep.
KERNEL_TIMEOUT_MS = 60_000
CELL_TIMEOUT_MS = 60_000
UI_TIMEOUT_MS = 20_000

# Settings a learner would not notice but a test needs: every cell in the DOM (no windowing),
# no news or update toasts.
LAB_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def pytest_collection_modifyitems(items):
    """Everything in tests/browser/ is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------------------------
# JupyterLab
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc); kernels run in their own sessions."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ..." -- comm may contain spaces/parentheses.
        fields = text[text.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1] == str(pid):
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    left = [p for p in pids if _alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.1)  # polling a process table, with a deadline
        left = [p for p in left if _alive(p)]
    return left


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if pytest itself is killed (Linux prctl)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LabServer:
    """A JupyterLab server process and how to reach it."""

    def __init__(self, root: Path, workdir: Path):
        self.root = root
        self.workdir = workdir
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.log_path = workdir / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- process ---------------------------------------------------------------------------

    def start(self) -> None:
        w = self.workdir
        settings_dir = w / "lab-user-settings"
        for rel, value in LAB_USER_SETTINGS.items():
            path = settings_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        for d in ("emulator-data", "bill-cache", "workspaces", "runtime", "jupyter-config", "ipy"):
            (w / d).mkdir(parents=True, exist_ok=True)

        env = {k: v for k, v in os.environ.items() if not k.startswith(("BILL_", "JUPYTER"))}
        env.update(
            BILL_ENVIRONMENT="demo",
            BILL_EMULATOR_DATA_DIR=str(w / "emulator-data"),
            BILL_CACHE_DIR=str(w / "bill-cache"),
            JUPYTER_RUNTIME_DIR=str(w / "runtime"),
            JUPYTER_CONFIG_DIR=str(w / "jupyter-config"),
            IPYTHONDIR=str(w / "ipy"),
            JUPYTER_PLATFORM_DIRS="1",
            PYTHONUNBUFFERED="1",
            # The kernels import the billhelpers of the checkout under test.
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        )
        self.env = env
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            f"--LabApp.workspaces_dir={w / 'workspaces'}",
            f"--LabApp.user_settings_dir={settings_dir}",
        ]
        if os.geteuid() == 0:  # containers and CI runners
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # only calls prctl
        )

    def wait_ready(self, timeout: float = LAB_START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        last_error: object = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                status = self.api("GET", "/api/status", timeout=2)
                if isinstance(status, dict) and "started" in status:
                    # The lab page itself must be served too (extension loaded).
                    self.api("GET", "/lab", timeout=5, raw=True)
                    return
            except (OSError, urllib.error.URLError, ValueError) as exc:
                last_error = exc
            except http.client.HTTPException as exc:
                # Not JupyterLab's answer: the free port was taken by another process (a
                # kernel's ZMQ socket, say) before Lab bound it; Lab exits (port_retries=0).
                last_error = exc
            time.sleep(0.2)  # polling a socket, with a deadline
        raise RuntimeError(
            f"JupyterLab did not answer /api/status within {timeout}s ({last_error!r}):\n"
            f"{self.log_tail()}"
        )

    def api(self, method: str, path: str, timeout: float = 5, raw: bool = False):
        req = urllib.request.Request(
            self.url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback
            body = resp.read()
        if raw:
            return body
        return json.loads(body) if body else None

    def emulator_requests(self, dev_key: str) -> list[dict]:
        """The BILL calls the demo emulator served so far (``GET /_emulator/requests``).

        The emulator runs in a notebook kernel and records its url in ``server.json`` in the
        demo data directory; this reads it without starting one.
        """
        record = json.loads((Path(self.env["BILL_EMULATOR_DATA_DIR"]) / "server.json").read_text())
        req = urllib.request.Request(
            record["url"].rstrip("/") + "/_emulator/requests", headers={"devKey": dev_key}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback
            return json.loads(resp.read())

    def kernels(self) -> list[dict]:
        return self.api("GET", "/api/kernels") or []

    def stop(self) -> None:
        """Shut down kernels and the server; escalate to SIGKILL. Never raises."""
        proc = self.proc
        if proc is None:
            return
        kernel_pids = _children(proc.pid) if proc.poll() is None else []
        if proc.poll() is None:
            with contextlib.suppress(Exception):
                for kernel in self.kernels():
                    with contextlib.suppress(Exception):
                        self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=10)
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        # Kernels live in their own sessions: make sure none outlives the server.
        for pid in _wait_gone(kernel_pids, 5):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _wait_gone(kernel_pids, 5)
        with contextlib.suppress(Exception):
            self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


@pytest.fixture
def lab_root(tmp_path: Path) -> Path:
    """A temporary copy of notebooks/ (checkpoints left behind); the server's root."""
    root = tmp_path / "notebooks"
    if NOTEBOOKS.is_dir():
        shutil.copytree(
            NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        )
    else:
        root.mkdir()
    return root


@pytest.fixture
def jupyter_lab(lab_root: Path, tmp_path: Path) -> Iterator[LabServer]:
    server = LabServer(lab_root, tmp_path / "lab")
    server.workdir.mkdir()
    try:
        for attempt in range(3):
            server.start()
            try:
                server.wait_ready()
                break
            except RuntimeError:
                # A port picked free can be taken before Lab binds it (a race with other
                # processes on the machine): then Lab exits, and a new port is tried.
                if server.proc.poll() is None or attempt == 2:
                    raise
                server.stop()
                server.port = _free_port()
        yield server
    finally:
        server.stop()
        # The server's log next to the screenshots, for whoever reads a failed CI run.
        with contextlib.suppress(OSError):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(server.log_path, ARTIFACTS / "jupyterlab.log")


# --------------------------------------------------------------------------------------------
# Chromium via Playwright
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's Chromium. "
            "Install it with:  sudo apt-get install chromium   "
            "(`make test` runs scripts/ensure-debian-packages.sh, which does this when it can).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def lab(jupyter_lab: LabServer, chromium, request) -> Iterator[Lab]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    helper = Lab(jupyter_lab, context)
    try:
        yield helper
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            for i, page in enumerate(context.pages):
                with contextlib.suppress(Exception):
                    helper.screenshot(f"FAILED-{request.node.name}-{i}", page=page)
        with contextlib.suppress(Exception):
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, "rep_" + rep.when, rep)
    return rep


# --------------------------------------------------------------------------------------------
# Driving JupyterLab
# --------------------------------------------------------------------------------------------

TRACEBACK = "Traceback (most recent call last)"


class Lab:
    """A learner's hands: opens notebooks, runs cells, types into widgets, clicks, screenshots.

    Each notebook is opened in its own browser tab with its own JupyterLab workspace, so the
    previous chapter's kernel keeps running (as it would for a learner) and selectors only see
    the notebook at hand.
    """

    def __init__(self, server: LabServer, context):
        self.server = server
        self.context = context
        self.page = None

    # -- opening -----------------------------------------------------------------------------

    def open_notebook(self, name: str, *, close_previous: bool = True, clear_outputs: bool = True):
        from playwright.sync_api import expect

        if close_previous and self.page is not None:
            # No beforeunload prompt: the previous notebook's kernel stays alive on the server.
            self.page.close()
        page = self.context.new_page()
        self.page = page
        workspace = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "ws"
        page.goto(
            f"{self.server.url}/lab/workspaces/{workspace}/tree/{name}"
            f"?reset&token={self.server.token}"
        )
        panel = self.notebook
        expect(panel).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        self.wait_kernel_idle()
        # More room for the notebook (and the screenshots): fold the file browser away.
        sidebar = page.locator("#jp-left-stack")
        if sidebar.is_visible():
            self.notebook.locator(".jp-Toolbar").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Control+b")
            expect(sidebar).to_be_hidden()
        if clear_outputs:
            # Committed notebooks carry demo outputs: clear them so that everything asserted on
            # afterwards was produced by this run (and execution counts start from [ ]).
            self.menu("Edit", "editmenu:clear-all")
            expect(panel.locator(".jp-OutputArea-output")).to_have_count(0)
        return page

    @property
    def notebook(self):
        """The visible notebook panel of the current tab."""
        return self.page.locator(".jp-NotebookPanel:visible").first

    def wait_kernel_idle(self, timeout: int = KERNEL_TIMEOUT_MS) -> None:
        from playwright.sync_api import expect

        # The toolbar's execution indicator says idle once the kernel is up and not busy.
        indicator = self.notebook.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
        # A notebook whose kernelspec this server lacks asks which kernel to use: take the
        # default it proposes (the server's own Python, where billhelpers is installed).
        dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
        expect(indicator.or_(dialog).first).to_be_visible(timeout=timeout)
        if dialog.is_visible():
            dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
            expect(indicator).to_be_visible(timeout=timeout)

    # -- cells -------------------------------------------------------------------------------

    @property
    def cells(self):
        return self.notebook.locator(".jp-Notebook .jp-Cell")

    def cell(self, index: int):
        return self.cells.nth(index)

    def select_cell(self, index: int) -> None:
        """Select a cell in command mode (click its prompt area, then Escape)."""
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputPrompt").first.click()
        self.page.keyboard.press("Escape")

    def run_cells_through(self, last_index: int, *, timeout: int = CELL_TIMEOUT_MS) -> None:
        """Run cells 0..last_index one by one with Shift+Enter, as a learner does."""
        self.select_cell(0)
        for i in range(last_index + 1):
            self.page.keyboard.press("Shift+Enter")
            self.wait_cell_done(i, timeout=timeout)
        # Shift+Enter on the last cell can enter edit mode on the next one; go back to command.
        self.page.keyboard.press("Escape")

    def run_from(self, first_index: int, *, timeout: int = CELL_TIMEOUT_MS) -> None:
        """Run the selected cell and all below (Run menu), then wait for every one to finish."""
        self.select_cell(first_index)
        if first_index == self.cells.count() - 1:
            # JupyterLab disables "…and All Below" on the last cell.
            self.menu("Run", "notebook:run-cell")
        else:
            self.menu("Run", "notebook:run-all-below")
        self.wait_all_done(timeout=timeout, start=first_index)

    def run_all(self, *, timeout: int = CELL_TIMEOUT_MS) -> None:
        """Run > Run All Cells, then wait until every code cell has run."""
        self.menu("Run", "runmenu:run-all")
        self.wait_all_done(timeout=timeout)

    def menu(self, top: str, command: str) -> None:
        """Click a top-level menu (e.g. "Run") and then the item bound to a command id."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{top}$")).click()
        self.page.locator(f'.lm-Menu-item[data-command="{command}"]').click()

    def command(self, label: str) -> None:
        """Run a command from the command palette by its label."""
        self.page.keyboard.press("Control+Shift+C")
        box = self.page.locator(".lm-CommandPalette-input")
        box.fill(label)
        self.page.locator(".lm-CommandPalette-item.lm-mod-active").click()

    # The prompts of the visible notebook's cells: "[n]" done, "[*]" queued/running, "[ ]" not
    # run (outputs are cleared on open, so every count seen was produced by this run).
    _PROMPTS_JS = """
    () => {
      const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
          .find(p => p.offsetParent !== null);
      if (!panel) return null;
      const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
      const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((c) => {
        if (!c.classList.contains('jp-CodeCell')) return null;
        const p = c.querySelector('.jp-InputPrompt');
        const t = p ? p.textContent : '';
        return /\\[\\*\\]/.test(t) ? '*' : (/\\[\\d+\\]/.test(t) ? 'done' : 'unrun');
      });
      const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')];
      return {
        cells,
        idle: !ind || ind.getAttribute('data-status') === 'idle',
        traceback: outputs.some((o) => o.textContent.includes(TRACEBACK)),
      };
    }
    """

    def _prompts_js(self, body: str) -> str:
        # A predicate over the prompts of cells[start:stop] (stop may be null: to the end).
        return (
            "([start, stop]) => { const TRACEBACK = "
            + json.dumps(TRACEBACK)
            + "; const st = ("
            + self._PROMPTS_JS
            + ")(); if (!st) return false; const sel = st.cells.slice(start, stop ?? undefined)"
            ".filter((c) => c !== null); " + body + " }"
        )

    def wait_cell_done(self, index: int, *, timeout: int = CELL_TIMEOUT_MS) -> None:
        self._wait_cells(timeout, index, index + 1)

    def wait_all_done(self, *, timeout: int = CELL_TIMEOUT_MS, start: int = 0) -> None:
        self._wait_cells(timeout, start, None)

    def _wait_cells(self, timeout: int, start: int, stop: int | None) -> None:
        """Wait until the cells in [start, stop) were picked up and then settled; fail with the
        failing cell's output when one of them did not run (an error stops "Run All")."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        deadline = time.monotonic() + timeout / 1000
        try:
            # 1. Picked up: some cell queued/running, or all done already (fast cells).
            self.page.wait_for_function(
                self._prompts_js(
                    "return st.traceback || sel.some((c) => c === '*') "
                    "|| sel.every((c) => c === 'done');"
                ),
                arg=[start, stop],
                timeout=timeout,
                polling=100,
            )
            # 2. Settled: nothing queued or running, kernel idle (or a traceback shows).
            left = max(1, int((deadline - time.monotonic()) * 1000))
            self.page.wait_for_function(
                self._prompts_js(
                    "return st.traceback || (st.idle && !sel.some((c) => c === '*'));"
                ),
                arg=[start, stop],
                timeout=left,
                polling=200,
            )
        except PlaywrightTimeout as exc:
            raise AssertionError(
                f"cells {start}..{stop if stop is not None else 'end'} did not finish within "
                f"{timeout / 1000:.0f}s\n{self.describe_cells()}"
            ) from exc
        self.assert_no_traceback(self.notebook)
        state = self.page.evaluate("(TRACEBACK) => (" + self._PROMPTS_JS + ")()", TRACEBACK)
        cells = state["cells"] if state else []
        stop_i = len(cells) if stop is None else stop
        unrun = [i for i in range(start, stop_i) if i < len(cells) and cells[i] == "unrun"]
        if unrun:
            raise AssertionError(
                f"cell {unrun[0]} (and {len(unrun) - 1} more) did not run: a cell above it "
                f"failed or stopped the run.\n{self.describe_cells()}"
            )

    def describe_cells(self, limit: int = 600) -> str:
        """Each code cell's prompt and the end of its output: for failure messages."""
        lines = []
        for i in range(self.cells.count()):
            cell = self.cell(i)
            if "jp-CodeCell" not in (cell.get_attribute("class") or ""):
                continue
            prompt = cell.locator(".jp-InputPrompt").first.inner_text().strip()
            out = " ".join(cell.locator(".jp-OutputArea").first.inner_text().split())
            lines.append(f"  cell {i} {prompt} {out[-limit:]}")
        return "\n".join(lines)

    def assert_no_traceback(self, scope) -> None:
        errors = scope.locator(".jp-OutputArea-output", has_text=TRACEBACK)
        if errors.count():
            text = errors.first.inner_text()
            raise AssertionError(f"A cell shows a Python traceback:\n{text[-3000:]}")

    def output(self, index: int):
        """The output area of cell ``index``."""
        return self.cell(index).locator(".jp-OutputArea")

    def wait_for_text(self, text: str | re.Pattern, *, scope=None, timeout: int = CELL_TIMEOUT_MS):
        """Wait until some output in ``scope`` (default: the notebook) shows ``text``."""
        from playwright.sync_api import expect

        scope = scope if scope is not None else self.notebook
        loc = scope.locator(".jp-OutputArea-output", has_text=text).first
        expect(loc).to_be_visible(timeout=timeout)
        return loc

    def index_of_cell(self, notebook_name: str, needle: str | re.Pattern) -> int:
        """Index of the first cell whose source matches ``needle`` (read from the .ipynb file)."""
        nb = json.loads((self.server.root / notebook_name).read_text())
        for i, cell in enumerate(nb["cells"]):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if needle.search(src) if isinstance(needle, re.Pattern) else needle in src:
                return i
        raise AssertionError(f"no cell of {notebook_name} matches {needle!r}")

    # -- widgets -----------------------------------------------------------------------------

    def widget(self, css_class: str, *, scope=None):
        """A widget found by its CSS class (``add_class``), e.g. ``bh-username``."""
        scope = scope if scope is not None else self.notebook
        cls = css_class if css_class.startswith(".") else "." + css_class
        loc = scope.locator(cls).first
        loc.wait_for(state="visible", timeout=CELL_TIMEOUT_MS)
        return loc

    def type_into(self, css_class: str, text: str, *, scope=None) -> None:
        """Clear a text/password/textarea widget and type ``text`` key by key, then leave it."""
        from playwright.sync_api import expect

        box = self.widget(css_class, scope=scope)
        field = box if _is_input(box) else box.locator("input, textarea").first
        field.click()
        field.fill("")
        field.press_sequentially(text, delay=10)
        field.press("Tab")  # blur: widgets with continuous_update=False sync on blur/enter
        expect(field).to_have_value(text)

    def click_button(self, css_class: str | None = None, *, label: str | None = None, scope=None):
        """Click a button widget by CSS class, or by its visible label."""
        scope = scope if scope is not None else self.notebook
        if css_class:
            loc = self.widget(css_class, scope=scope)
            if not _is_button(loc):
                loc = loc.locator("button").first
        else:
            loc = scope.locator("button.jupyter-button", has_text=label).first
        loc.scroll_into_view_if_needed()
        loc.click()

    # -- artifacts ---------------------------------------------------------------------------

    def screenshot(self, name: str, *, page=None, scroll_to=None) -> Path:
        """Save the current tab as artifacts/browser/<name>.png.

        ``scroll_to`` (a locator) is scrolled into view first, so the picture shows it.
        """
        page = page or self.page
        if scroll_to is not None:
            scroll_to.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        page.screenshot(path=str(path), full_page=False)
        return path


def _is_input(loc) -> bool:
    return loc.evaluate("e => ['INPUT', 'TEXTAREA'].includes(e.tagName)")


def _is_button(loc) -> bool:
    return loc.evaluate("e => e.tagName === 'BUTTON'")
