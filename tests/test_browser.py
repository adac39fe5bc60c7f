"""End to end in a real browser: lectures/10_playground.ipynb in JupyterLab, in headless Chromium.

Starts JupyterLab from this virtualenv on 127.0.0.1 (a free port, a token, temporary Jupyter
directories, a copy of the notebook so that autosave never touches the repository), opens the
notebook in Debian's Chromium driven by Playwright (never a browser download), runs all cells,
checks that every widget rendered an interactive figure, moves sliders with the keyboard and
clicks on the map, and checks that the figures changed. Screenshots go to tests/artifacts/.
The servers it started are always stopped (fixture finalizers).

Skipped, with the reason in ``pytest -ra`` output, when /usr/bin/chromium is missing
(``apt-get install chromium``), except where the test must run: with ``ADAMLIB_REQUIRE_BROWSER=1``
(.ci/run sets it after installing Chromium) a missing browser or Playwright fails the test.
"""

from __future__ import annotations

import base64
import contextlib
import io
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
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "lectures" / "10_playground.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("ADAMLIB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = (
    f"browser test skipped: {CHROMIUM} not found "
    "(install Debian's chromium: apt-get install -y chromium; .ci/run does this)"
)
WIDGETS = [  # CSS class of each widget in the notebook, in order (the noisy playground, with
    # its state view, is a second "adamlib-playground": see NOISY)
    "adamlib-playground",
    "adamlib-momentum-explorer",
    "adamlib-adagrad-vs-rmsprop",
    "adamlib-epsilon-explorer",
    "adamlib-bias-correction-explorer",
]

NOISY = 1  # lecture 10's second playground (noise on, state view open) is the second one

EXPLORERS = ["MomentumExplorer", "AdagradVsRMSprop", "EpsilonExplorer", "BiasCorrectionExplorer"]

REQUIRED = os.environ.get("ADAMLIB_REQUIRE_BROWSER") == "1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not REQUIRED and not CHROMIUM.exists(), reason=SKIP_REASON),
]


# ---------------------------------------------------------------------------------------------
# JupyterLab
# ---------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (kernels run in sessions of their own)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def api(url: str, method: str = "GET", timeout: float = 5.0) -> bytes:
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=timeout) as response:  # localhost only
        return response.read()


class Lab:
    """A JupyterLab server started for one test module, stopped by :meth:`stop`."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "root"
        self.root.mkdir()
        shutil.copy(NOTEBOOK, self.root / NOTEBOOK.name)
        home = tmp / "jupyter"
        settings = home / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        # no "would you like news?" toast over the notebook, no update check
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPL"))}
        env.pop("ADAMLIB_WIDGETS", None)
        # the kernel imports this checkout's adamlib, also when the virtualenv's editable
        # install points at another checkout (a git worktree using the main .venv)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
        env.update(
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            IPYTHONDIR=str(home / "ipython"),
            PYTHONHASHSEED="0",
        )
        self.log = (tmp / "jupyterlab.log").open("w")
        self.log_path = tmp / "jupyterlab.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                "--port-retries=0",
                "--allow-root",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                f"--LabApp.user_settings_dir={home / 'settings'}",
                f"--LabApp.workspaces_dir={home / 'workspaces'}",
                "--LabApp.expose_app_in_browser=True",
                "--ServerApp.terminals_enabled=False",
            ],
            cwd=self.root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_up(timeout=60)

    def url(self, path: str) -> str:
        return f"{self.base}{path}?token={self.token}"

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {self.proc.returncode}:\n"
                    + self.log_path.read_text()[-3000:]
                )
            with contextlib.suppress(OSError):
                api(self.url("/api/status"), timeout=2)
                return
            time.sleep(0.3)
        raise RuntimeError(
            f"JupyterLab did not answer within {timeout} s:\n" + self.log_path.read_text()[-3000:]
        )

    def stop(self) -> None:
        """Shut down kernels and server; kill whatever is left (by process id)."""
        kernels = children_of(self.proc.pid)
        with contextlib.suppress(OSError):
            api(self.url("/api/shutdown"), method="POST")
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        for pid in kernels:  # each kernel leads its own process group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    if not NOTEBOOK.exists():
        pytest.fail(f"{NOTEBOOK} is missing: build it with tools/build_notebooks.py")
    if not CHROMIUM.exists():  # only reached with ADAMLIB_REQUIRE_BROWSER=1
        pytest.fail(f"ADAMLIB_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    server = Lab(tmp_path_factory.mktemp("lab"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def page(lab):
    if REQUIRED:  # CI: a missing Playwright is a failure, not a skip
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS[1:]
        )
        try:
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            pg.console_errors = []
            pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
            pg.set_default_timeout(30_000)
            yield pg
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
NOTEBOOK_JS = "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
ALL_EXECUTED_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.widgets;
  const k = w.sessionContext.session.kernel;
  return k.status === 'idle' && cells.every(
      c => c.model.type !== 'code' || c.model.sharedModel.getSource().trim() === ''
           || (c.model.executionCount !== null && c.promptNode.textContent.indexOf('*') < 0));
}"""
ERRORS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'code')
  .flatMap(c => { const o = c.model.outputs; const r = [];
                  for (let i = 0; i < o.length; i++) { const j = o.get(i).toJSON();
                    if (j.output_type === 'error') r.push(j.ename + ': ' + j.evalue); }
                  return r; })"""


KERNEL_JS = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let out = '';
  const future = k.requestExecute({code, silent: false, store_history: false});
  future.onIOPub = m => {
    if (m.header.msg_type === 'stream') out += m.content.text;
    if (m.header.msg_type === 'error') out += m.content.ename + ': ' + m.content.evalue;
  };
  await future.done;
  return out;
}"""


def kernel(page, code: str) -> str:
    """Run ``code`` in the notebook's kernel (not in a cell); return what it printed."""
    return page.evaluate(KERNEL_JS, code)


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)


def changed_pixels(a: bytes, b: bytes) -> int:
    """Pixels that differ between two pictures (best alignment within 3 px: the page may
    frame the figure with a border)."""
    pa, pb = pixels(a), pixels(b)
    h, w = min(pa.shape[0], pb.shape[0]) - 3, min(pa.shape[1], pb.shape[1]) - 3
    if h <= 0 or w <= 0:
        return pa.size
    best = h * w
    for ay, ax, by, bx in (
        (ay, ax, by, bx)
        for ay in range(4)
        for ax in range(4)
        for by in range(4)
        for bx in range(4)
        if min(ay, by) == 0 and min(ax, bx) == 0
    ):
        diff = np.abs(pa[ay : ay + h, ax : ax + w] - pb[by : by + h, bx : bx + w]).sum(axis=-1)
        best = min(best, int((diff > 30).sum()))
    return best


def wait_for_change(
    shot: Callable[[], bytes], before: bytes, what: str, timeout: float = 20.0, min_pixels: int = 50
) -> bytes:
    """Screenshots until at least ``min_pixels`` pixels differ from ``before``."""
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        after = shot()
        n = changed_pixels(before, after)
        if n >= min_pixels:
            return after
        time.sleep(0.3)
    raise AssertionError(
        f"{what}: the figure did not change within {timeout} s ({n} pixels differ)"
    )


def wait_for_layout(locator, what: str, timeout: float = 20.0) -> None:
    """Scroll to ``locator`` until it is laid out with a real size (JupyterLab renders cells
    lazily when they come into view)."""
    deadline = time.monotonic() + timeout
    box = None
    while time.monotonic() < deadline:
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        if box and box["width"] > 300 and box["height"] > 100:
            return
        time.sleep(0.3)
    raise AssertionError(f"{what}: the figure was not laid out within {timeout} s ({box})")


def shows_kernel_figure(page, canvas, expr: str, what: str, timeout: float = 20.0) -> bytes:
    """Wait until the page's figure equals the kernel's own rendering of ``expr`` (a Figure):
    the page shows the latest state, nothing stale or missing (blitting included)."""
    code = (
        "import base64, gc, io\n_b = io.BytesIO()\n"
        f"({expr}).savefig(_b, format='png', dpi='figure')\n"
        "print(base64.b64encode(_b.getvalue()).decode())"
    )
    deadline = time.monotonic() + timeout
    worst = None
    while time.monotonic() < deadline:
        want = base64.b64decode(kernel(page, code))
        got = canvas.screenshot()
        n = changed_pixels(want, got)
        if n <= 0.002 * pixels(want).shape[0] * pixels(want).shape[1]:
            return got
        worst = n
        time.sleep(0.5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "mismatch_page.png").write_bytes(got)
    (ARTIFACTS / "mismatch_kernel.png").write_bytes(want)
    raise AssertionError(
        f"{what}: the page does not show the kernel's figure after {timeout} s "
        f"({worst} pixels differ; see tests/artifacts/mismatch_*.png)"
    )


def widget(page, css: str):
    return page.locator(f".{css}").first


def canvas_of(page, css: str):
    # ipympl draws the figure into the top canvas of .jupyter-matplotlib-canvas-div
    return widget(page, css).locator(".jupyter-matplotlib-canvas-div").first


def press(page, locator, keys: list[str]) -> None:
    handle = locator.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for key in keys:
        page.keyboard.press(key)
        time.sleep(0.05)


def save(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


# ---------------------------------------------------------------------------------------------
# the test
# ---------------------------------------------------------------------------------------------
def test_playground_notebook_runs_and_responds_in_jupyterlab(lab, page):
    t0 = time.monotonic()
    page.goto(lab.url(f"/lab/tree/{NOTEBOOK.name}"))
    page.wait_for_function(NOTEBOOK_JS, timeout=60_000)
    page.locator(".jp-Notebook").first.wait_for(state="visible", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000)

    # Run > Run All Cells (the command behind the menu entry)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        page.wait_for_function(ALL_EXECUTED_JS, timeout=90_000, polling=500)
    finally:
        save(page, "browser_after_run_all.png")
    errors = page.evaluate(ERRORS_JS)
    assert errors == [], f"cells raised in JupyterLab: {errors}"
    used = kernel(page, "import adamlib; print(adamlib.__file__)").strip()
    assert Path(used).resolve().parent == ROOT / "adamlib", f"the kernel imported {used}"
    # the playground ends in the state the notebook's last cells set (no echo from the page
    # overrides a value set by a later cell)
    time.sleep(2)
    # (lecture 10's last playground cell: Rosenbrock, AdamW alone, 2000 steps, then λ = 0.1)
    state = kernel(
        page,
        "print(pg.objective.name, pg.selected, pg.steps, "
        "pg.hyper('AdamW')['weight_decay'], pg.hyper('Adam')['lr'])",
    )
    assert state.split() == ["rosenbrock", "['AdamW']", "2000", "0.1", "0.1"], state

    # every widget rendered with an interactive (ipympl) figure that has been drawn
    for css in WIDGETS:
        box = widget(page, css)
        box.wait_for(state="attached", timeout=30_000)
        assert box.locator(".widget-slider, .widget-checkbox").count() > 0, css
        canvas = canvas_of(page, css)
        canvas.wait_for(state="attached", timeout=30_000)
        wait_for_layout(canvas, css)
    assert page.locator(".adamlib-widget").count() == len(WIDGETS) + 1  # + the noisy one

    # the playground: a slider, a tab's learning-rate slider, a click on the map; after each,
    # the page must show exactly the figure the kernel holds
    pg = widget(page, "adamlib-playground")
    fig = canvas_of(page, "adamlib-playground")
    wait_for_layout(fig, "adamlib-playground")
    shot = fig.screenshot
    first = shows_kernel_figure(page, fig, "pg.fig", "the playground after Run All")
    assert pixels(first).std() > 5, "the playground's figure is blank"

    x0 = pg.locator(".adamlib-x0")
    readout = x0.locator(".widget-readout").first
    before_readout = readout.inner_text()
    press(page, x0, ["ArrowRight"] * 8)
    wait_for_change(shot, first, "start x slider")
    after_start = shows_kernel_figure(page, fig, "pg.fig", "start x slider")
    assert readout.inner_text() != before_readout

    # the notebook's last cells left only AdamW ticked: tick Adam, then move its η
    pg.locator(".adamlib-use-adam input[type=checkbox]").first.check()
    wait_for_change(shot, after_start, "ticking Adam")
    after_tick = shows_kernel_figure(page, fig, "pg.fig", "ticking Adam")
    pg.locator(".lm-TabBar-tab").filter(has_text=re.compile(r"^\s*Adam\s*$")).first.click()
    lr = pg.locator(".adamlib-adam-lr")
    lr.wait_for(state="visible")
    lr_readout = lr.locator(".widget-readout").first
    before_lr = lr_readout.inner_text()
    press(page, lr, ["ArrowLeft"] * 10)
    assert lr_readout.inner_text() != before_lr, f"η readout stayed {before_lr}"
    wait_for_change(shot, after_tick, "Adam's learning-rate slider")
    after_lr = shows_kernel_figure(page, fig, "pg.fig", "Adam's learning-rate slider")
    lr_kernel = float(kernel(page, "print(pg.hyper('Adam')['lr'])"))
    assert f"{lr_kernel:.2g}" == f"{float(lr_readout.inner_text()):.2g}", "η: page ≠ kernel"

    box = fig.bounding_box()
    status = pg.locator(".adamlib-status").first
    before_status = status.inner_text()
    # the map is the left panel: click at ~(30 %, 40 %) of the figure
    page.mouse.click(box["x"] + 0.30 * box["width"], box["y"] + 0.40 * box["height"])
    page.mouse.move(2, 2)  # away, so that ipympl's toolbar fades out of the picture
    wait_for_change(shot, after_lr, "click on the map")
    shows_kernel_figure(page, fig, "pg.fig", "click on the map")
    assert status.inner_text() != before_status, "the click did not rerun the optimizers"
    start = kernel(page, "print(*pg.start)").split()
    assert readout.inner_text() == f"{float(start[0]):.3f}", "start x: page ≠ kernel"
    pg.screenshot(path=str(ARTIFACTS / "browser_playground.png"))

    # ▶ plays the iterations (Play jslinked to the iteration slider in the page), ■ stops
    frame = pg.locator(".adamlib-frame .widget-readout").first
    assert frame.inner_text() == "2000"
    before_play = shot()
    play_buttons = pg.locator(".adamlib-play button")
    play_buttons.nth(0).click()
    deadline = time.monotonic() + 10
    while frame.inner_text() in ("2000", "0") and time.monotonic() < deadline:
        time.sleep(0.1)
    played = frame.inner_text()
    assert played not in ("2000", "0"), "▶ did not move the iteration slider"
    wait_for_change(shot, before_play, "playing")
    play_buttons.nth(1).click()  # stop
    time.sleep(0.5)
    page.mouse.move(2, 2)
    shows_kernel_figure(page, fig, "pg.fig", "after playing")
    assert int(kernel(page, "print(pg.frame)")) == int(frame.inner_text())

    # the noisy playground: σ, the noise kind, the state view's optimizer and the iteration; after
    # each, both its figures (main and state view) must be the kernel's
    noisy = page.locator(".adamlib-playground").nth(NOISY)
    main = noisy.locator(".jupyter-matplotlib-canvas-div").first
    state = noisy.locator(".adamlib-state-view .jupyter-matplotlib-canvas-div").first
    wait_for_layout(main, "noisy playground")
    wait_for_layout(state, "state view")
    figures = {"noisy.fig": main, "noisy.state_view.fig": state}

    def both_match(what: str) -> dict[str, bytes]:
        return {e: shows_kernel_figure(page, c, e, f"{what} ({e})") for e, c in figures.items()}

    shots = both_match("noisy playground after Run All")
    assert kernel(page, "print(noisy.noise.kind, noisy.controls['state'].value)").split() == [
        "additive",
        "Adam",
    ]
    sigma = noisy.locator(".adamlib-sigma")
    sigma_readout = sigma.locator(".widget-readout").first
    press(page, sigma, ["ArrowLeft"] * 3)
    wait_for_change(main.screenshot, shots["noisy.fig"], "σ slider")
    shots = both_match("σ slider")
    sigma_kernel = float(kernel(page, "print(noisy.noise.sigma)"))
    assert f"{sigma_kernel:.2g}" == f"{float(sigma_readout.inner_text()):.2g}", "σ: page ≠ kernel"
    assert sigma_kernel < 1.0

    noisy.locator(".adamlib-noise select").first.select_option(index=2)  # minibatch-like
    wait_for_change(main.screenshot, shots["noisy.fig"], "noise kind")
    shots = both_match("noise kind")
    assert kernel(page, "print(noisy.noise.kind)").strip() == "relative"

    noisy.locator(".adamlib-state select").first.select_option(label="SGD")
    wait_for_change(state.screenshot, shots["noisy.state_view.fig"], "state view: SGD")
    shots = both_match("state view: SGD")
    title = kernel(page, "print(noisy.state_view.ax_state.get_title())").strip()
    assert title == "state of SGD", title

    press(page, noisy.locator(".adamlib-frame"), ["Home"] + ["ArrowRight"] * 40)
    wait_for_change(state.screenshot, shots["noisy.state_view.fig"], "iteration (state view)")
    both_match("iteration (state view)")
    frame_kernel = int(kernel(page, "print(noisy.frame)"))
    marker = kernel(page, "print(noisy.state_view.markers[0].get_xdata()[0])").strip()
    assert frame_kernel == 40 and float(marker) == 40, (frame_kernel, marker)
    noisy.screenshot(path=str(ARTIFACTS / "browser_noisy_playground.png"))

    # each focused explorer: move its first slider
    for css, name in zip(WIDGETS[1:], EXPLORERS, strict=True):
        ex = widget(page, css)
        canvas = canvas_of(page, css)
        wait_for_layout(canvas, css)
        expr = f"[o for o in gc.get_objects() if type(o).__name__ == {name!r}][0].fig"
        before = shows_kernel_figure(page, canvas, expr, f"{css} after Run All")
        press(page, ex.locator(".widget-slider").first, ["ArrowRight"] * 6)
        wait_for_change(canvas.screenshot, before, f"{css}: first slider")
        shows_kernel_figure(page, canvas, expr, f"{css}: first slider")
        ex.screenshot(path=str(ARTIFACTS / f"browser_{css.removeprefix('adamlib-')}.png"))

    errors = page.evaluate(ERRORS_JS)
    assert errors == [], f"cells raised in JupyterLab: {errors}"
    save(page, "browser_final.png")
    print(
        f"browser test: {time.monotonic() - t0:.1f} s in the page; "
        f"console errors: {page.console_errors[:5]}"
    )
