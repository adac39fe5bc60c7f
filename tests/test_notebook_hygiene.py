"""Committed notebooks are executed, clean, small, up to date with source/, and exercises match.

nbval silently skips code cells that were never executed, so this test rejects them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks as bn  # noqa: E402

MAX_BYTES = 2 * 1024 * 1024
EXECUTED = sorted((ROOT / "lectures").glob("*.ipynb")) + sorted(
    (ROOT / "solutions").glob("*.ipynb")
)
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def hygiene_problems(nb: nbformat.NotebookNode, size: int) -> list[str]:
    """Everything wrong with an executed, committed notebook (empty list = clean)."""
    problems = []
    if size > MAX_BYTES:
        problems.append(f"{size / 1e6:.2f} MB is over the 2 MB limit")
    for key in ("widgets", "language_info"):
        if key in nb.metadata:
            problems.append(f"notebook metadata has run-to-run noise {key!r}")
    for i, cell in enumerate(nb.cells):
        if "execution" in cell.metadata:
            problems.append(f"cell {i}: execution timestamps in metadata")
        if cell.cell_type != "code":
            continue
        if cell.source.strip() and cell.execution_count is None:
            problems.append(f"cell {i}: never executed (nbval would silently skip it)")
        tags = cell.metadata.get("tags", [])
        for out in cell.outputs:
            if out.output_type == "error" and "raises-exception" not in tags:
                problems.append(f"cell {i}: stored error {out.ename} without raises-exception")
            data = out.get("data", {})
            if "image/svg+xml" in data:
                problems.append(f"cell {i}: SVG output (differs every run; use PNG)")
            if bn.WIDGET_MIME in data:
                problems.append(f"cell {i}: widget-view output with a random model id")
    return problems


def test_there_are_lectures_and_every_source_is_built():
    sources = bn.all_sources()
    assert sources, "no notebook sources found"
    for src in sources:
        assert bn.target_for(src).exists(), f"{src} was never built: run make notebooks"
    built = {p.stem for p in EXECUTED}
    assert built == {s.stem for s in sources if s.parent.name == "lectures"} | {
        s.stem for s in sources if s.parent.name == "solutions"
    }


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_is_clean_and_executed(path):
    nb = nbformat.read(path, as_version=4)
    assert hygiene_problems(nb, path.stat().st_size) == []


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_matches_its_source(path):
    src = bn.SOURCE / path.parent.name / (path.stem + ".py")
    assert src.exists(), f"{path} has no source {src}"
    fresh = bn.convert(src)
    nb = nbformat.read(path, as_version=4)
    got = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]
    want = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in fresh.cells]
    assert got == want, f"{path} is out of date with {src}: run make notebooks"


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_exercise_notebook_is_what_the_solution_generates(path):
    ex_path = bn.exercise_for(path)
    assert ex_path.exists(), f"missing {ex_path}: run make notebooks"
    want = nbformat.writes(bn.make_exercise(nbformat.read(path, as_version=4))) + "\n"
    assert ex_path.read_text(encoding="utf-8") == want


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_has_no_outputs_and_no_solutions(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert bn.BEGIN not in cell.source and bn.END not in cell.source


# The checks above must be able to fail: feed them notebooks with each defect.
def _nb(**cell_kw):
    cell = nbformat.v4.new_code_cell("print(1)", **cell_kw)
    return nbformat.v4.new_notebook(cells=[cell])


def test_hygiene_rejects_unexecuted_cell():
    assert any("never executed" in p for p in hygiene_problems(_nb(), 100))


def test_hygiene_rejects_stored_error_without_tag_but_accepts_tagged():
    err = nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])
    assert any("stored error" in p for p in
               hygiene_problems(_nb(execution_count=1, outputs=[err]), 100))
    nb = _nb(execution_count=1, outputs=[err])
    nb.cells[0].metadata["tags"] = ["raises-exception"]
    assert hygiene_problems(nb, 100) == []


def test_hygiene_rejects_noise_and_size():
    nb = _nb(execution_count=1)
    nb.metadata["widgets"] = {}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026"}
    problems = hygiene_problems(nb, MAX_BYTES + 1)
    assert len(problems) == 4


def test_stub_generation_keeps_indentation_and_removes_solution():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
    out = bn.stub_solution_regions(src)
    assert out == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    with pytest.raises(ValueError):
        bn.stub_solution_regions("### BEGIN SOLUTION\nx = 1\n")
