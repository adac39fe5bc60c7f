"""The README gives the two commands, a Binder badge to the welcome lecture and an up-to-date
syllabus with a Binder link per lecture."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_exactly_the_two_setup_commands():
    block = re.search(r"## Get started.*?```bash\n(.*?)```", README, re.DOTALL).group(1)
    commands = [ln.split("#")[0].strip() for ln in block.splitlines() if ln.strip()]
    assert commands == ["make lab", "make test"]


def test_binder_badge_opens_jupyterlab_at_the_welcome_lecture():
    first_badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", README).group(1)
    assert first_badge.endswith("?urlpath=lab/tree/lectures/00_welcome.ipynb")


def test_every_lecture_has_a_syllabus_row_with_its_own_binder_link():
    for nb in sorted((ROOT / "lectures").glob("*.ipynb")):
        assert f"(lectures/{nb.name})" in README
        assert f"urlpath=lab/tree/lectures/{nb.name})" in README


def test_syllabus_table_is_up_to_date():
    proc = subprocess.run(
        [sys.executable, "-m", "tools.readme_syllabus", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout


def test_ci_script_runs_make_test_and_fails_when_it_fails():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci and re.search(r"^make test$", ci, re.MULTILINE)


def test_ci_also_runs_the_notebooks_on_the_newest_releases():
    """Issue 17: a release that breaks what learners get in Binder breaks CI first."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test-latest LATEST_REFRESH=1$", ci, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^\$\(LATEST_STAMP\):.*?\n\n", makefile, re.MULTILINE | re.DOTALL).group(0)
    assert "constraints.txt" not in rule and "--upgrade" in rule  # the newest releases
    assert "-m tools.run_tests --only nbval" in makefile.split("test-latest:", 1)[1]
    assert "make test-latest" in README
