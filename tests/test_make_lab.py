"""`make lab` gives a learner the whole course and nothing of the developers' tooling.

The server is started the way a learner starts it (`make lab`, which creates .venv-lab on a
fresh clone), and asked through Jupyter Server's contents API for what a learner opens.
"""

from __future__ import annotations

import json
import os
import secrets
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

ROOT = Path(__file__).resolve().parent.parent
LAB_PYTHON = ROOT / ".venv-lab" / "bin" / "python"
DEV_ONLY = (
    *("nbgrader", "playwright", "torch", "pytest", "nbval", "ruff", "jupytext"),
    *("lion-pytorch", "lion_pytorch", "schedulefree"),  # pyproject's extra "reference"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_the_repository_root_and_opens_the_welcome_lecture():
    recipe = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    command = next(line for line in recipe if "jupyter lab" in line)
    assert f'--ServerApp.root_dir="{ROOT}"' in command
    assert command.rstrip().endswith("lectures/00_welcome.ipynb")


@pytest.fixture(scope="module")
def lab() -> Iterator[tuple[str, str]]:
    port, token = _free_port(), secrets.token_hex(8)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token}"
    if os.geteuid() == 0:
        args += " --allow-root"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "JUPYTER"))}
    proc = subprocess.Popen(
        ["make", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 900  # the first run installs .venv-lab
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    pytest.fail(f"make lab exited with {proc.returncode}:\n{proc.stdout.read()}")
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start within 15 minutes")
                time.sleep(1)
        yield base, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _contents(lab: tuple[str, str], path: str) -> dict:
    base, token = lab
    with urllib.request.urlopen(
        f"{base}/api/contents/{path}?content=1&token={token}", timeout=30
    ) as reply:
        return json.load(reply)


def test_lectures_exercises_and_solutions_are_all_reachable(lab):
    for folder in ("lectures", "exercises", "solutions"):
        listed = {item["name"] for item in _contents(lab, folder)["content"]}
        on_disk = {p.name for p in (ROOT / folder).glob("*.ipynb")}
        assert on_disk and on_disk <= listed, folder
    assert _contents(lab, "lectures/00_welcome.ipynb")["type"] == "notebook"


def test_the_learners_environment_has_no_test_or_grading_tooling(lab):
    listed = subprocess.run(
        [str(LAB_PYTHON), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {p["name"].lower() for p in json.loads(listed)}
    assert {"jupyterlab", "adamlib", "ipympl", "numpy"} <= installed
    assert installed.isdisjoint(DEV_ONLY), sorted(installed & set(DEV_ONLY))


def test_the_course_runs_in_the_learners_environment(lab):
    """Every adamlib module imports there (the grader and widgets included)."""
    code = (
        "import pkgutil, importlib, adamlib\n"
        "for m in pkgutil.walk_packages(adamlib.__path__, 'adamlib.'):\n"
        "    importlib.import_module(m.name)\n"
        "from adamlib.grading import check, report\nprint('ok')"
    )
    out = subprocess.run(
        [str(LAB_PYTHON), "-c", code], capture_output=True, text=True, cwd=ROOT / "lectures"
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
    assert sys.executable != str(LAB_PYTHON)
