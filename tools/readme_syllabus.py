"""Regenerate the syllabus table in README.md from the lecture notebooks.

Each row: number, title (first heading of the notebook), a GitHub link, a Binder link.
The repository slug used in Binder links is REPOSITORY below (change it when the course moves).

    python -m tools.readme_syllabus          # rewrite the table between the markers
    python -m tools.readme_syllabus --check  # exit 1 when README.md is out of date
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "adaptive-optimization/adaptive-optimization-from-scratch"
BINDER = f"https://mybinder.org/v2/gh/{REPOSITORY}/HEAD?urlpath=lab/tree/"
START, END = "<!-- syllabus:start -->", "<!-- syllabus:end -->"


def title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if m:
                return re.sub(r"^\d+\s*[—-]\s*", "", m.group(1)).strip()
    return path.stem


def notebooks(folder: str) -> list[Path]:
    """Notebooks in ``folder``: those git tracks when in a git checkout (what a clone has)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", f"{folder}/*.ipynb"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return sorted(ROOT / p for p in out)
    except (OSError, subprocess.CalledProcessError):
        return sorted((ROOT / folder).glob("*.ipynb"))


def table() -> str:
    rows = ["| # | lecture | exercises | run it |", "|---|---|---|---|"]
    exercises = {p.name for p in notebooks("exercises")}
    for nb in notebooks("lectures"):
        num = nb.stem.split("_")[0]
        ex_link = f"[exercises](exercises/{nb.name})" if nb.name in exercises else "—"
        badge = f"[![Binder](https://mybinder.org/badge_logo.svg)]({BINDER}lectures/{nb.name})"
        rows.append(f"| {num} | [{title(nb)}](lectures/{nb.name}) | {ex_link} | {badge} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    return pattern.sub(lambda _: f"{START}\n{table()}\n{END}", readme)


def main() -> int:
    path = ROOT / "README.md"
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in sys.argv:
        if new != old:
            print("README.md syllabus is out of date: run python -m tools.readme_syllabus")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
