"""Committed notebooks are executed, clean, small, up to date with source/, and exercises match.

nbval silently skips code cells that were never executed, so this test rejects them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools import build_notebooks as bn

ROOT = Path(__file__).resolve().parent.parent

MAX_BYTES = 2 * 1024 * 1024
EXECUTED = sorted((ROOT / "lectures").glob("*.ipynb")) + sorted(
    (ROOT / "solutions").glob("*.ipynb")
)
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


# A widget cell stores the adamlib widget's static PNG with this text (see adamlib.widgets).
WIDGET_TEXT = re.compile(r"^<.+: run the notebook to use the controls>$")
# tqdm's text: "desc:  37%|███▋      | 33/90 [...]"
PROGRESS = re.compile(r"(\d+)%\|[^|]*\|\s*(\d+)/(\d+)")
LINK = re.compile(r"\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)|href=[\"']([^\"']+)[\"']")


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def is_widget_cell(cell: nbformat.NotebookNode) -> bool:
    """A cell that displays an adamlib widget (stored as its static PNG and a one-line text)."""
    return any(
        WIDGET_TEXT.match(_text(out.get("data", {}).get("text/plain", "")).strip())
        for out in cell.get("outputs", [])
    )


def output_problems(cell: nbformat.NotebookNode, i: int) -> list[str]:
    """An ipympl canvas outside a widget cell, a progress bar stored short of its end."""
    problems = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        plain = _text(data.get("text/plain", ""))
        html = _text(data.get("text/html", ""))
        if (plain.startswith("Canvas(") or "jupyter-matplotlib" in html) and not is_widget_cell(
            cell
        ):
            problems.append(
                f"cell {i}: an ipympl canvas is stored in a cell that is not a "
                "widget cell (a widget left matplotlib on the ipympl backend?)"
            )
        for text in (plain, _text(out.get("text", ""))):
            for m in PROGRESS.finditer(text):
                percent, done, total = (int(g) for g in m.groups())
                if done < total or percent < 100:
                    problems.append(
                        f"cell {i}: a progress bar is stored at {done}/{total} "
                        f"({percent} %), not at its end"
                    )
    return problems


def link_problems(nb: nbformat.NotebookNode, folder: Path) -> list[str]:
    """Relative links in Markdown cells that do not resolve from the notebook's folder."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in LINK.finditer(cell.source):
            target = m.group(1) or m.group(2)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # a web address or an anchor in the same notebook
            path = target.split("#", 1)[0]
            if path.startswith("/"):
                problems.append(f"cell {i}: link {target!r} is absolute (use a relative link)")
            elif not (folder / path).exists():
                problems.append(f"cell {i}: link {target!r} does not resolve from {folder.name}/")
    return problems


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
        problems += output_problems(cell, i)
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


ALL_NOTEBOOKS = EXECUTED + EXERCISES


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_relative_link_resolves(path):
    """Links are relative to the notebook's folder: they work on GitHub and in JupyterLab served
    from the repository root (`make lab`)."""
    assert link_problems(nbformat.read(path, as_version=4), path.parent) == []


def _links(cell: nbformat.NotebookNode) -> set[str]:
    return {m.group(1) or m.group(2) for m in LINK.finditer(cell.source)}


LECTURES = sorted((ROOT / "lectures").glob("*.ipynb"))


@pytest.mark.parametrize(
    "path", [p for p in LECTURES if (ROOT / "exercises" / p.name).exists()], ids=lambda p: p.name
)
def test_lecture_ends_with_links_to_its_exercises_and_the_next_lecture(path):
    nb = nbformat.read(path, as_version=4)
    last = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    links = {t.split("#", 1)[0] for t in _links(last)}
    assert f"../exercises/{path.name}" in links, f"the last Markdown cell links {links}"
    later = [p.name for p in LECTURES if p.name > path.name]
    if later:
        assert later[0] in links, f"no link to the next lecture {later[0]} in {links}"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_notebook_starts_with_a_link_to_its_lecture(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    assert f"../lectures/{path.name}" in {t.split("#", 1)[0] for t in _links(first)}


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_matches_its_source(path):
    src = bn.SOURCE / path.parent.name / (path.stem + ".py")
    assert src.exists(), f"{path} has no source {src}"
    fresh = bn.convert(src)
    nb = nbformat.read(path, as_version=4)
    got = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]
    want = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in fresh.cells]
    assert got == want, f"{path} is out of date with {src}: run make notebooks"


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name)
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
    assert any(
        "stored error" in p for p in hygiene_problems(_nb(execution_count=1, outputs=[err]), 100)
    )
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


def test_hygiene_rejects_an_ipympl_canvas_outside_widget_cells_only():
    canvas = nbformat.v4.new_output(
        "display_data",
        data={"text/plain": "Canvas(toolbar=Toolbar(toolitems=[...]))", "image/png": "iVBOR"},
    )
    assert any(
        "ipympl canvas" in p
        for p in hygiene_problems(_nb(execution_count=1, outputs=[canvas]), 100)
    )
    widget = nbformat.v4.new_output(
        "execute_result",
        execution_count=1,
        data={
            "text/plain": "<momentum explorer: run the notebook to use the controls>",
            "image/png": "iVBOR",
        },
    )
    assert hygiene_problems(_nb(execution_count=1, outputs=[widget]), 100) == []


def test_hygiene_rejects_a_progress_bar_short_of_its_end():
    bar = "training 6 optimizers:   0%|          | 0/90 [00:00<?, ?epoch/s]"
    out = nbformat.v4.new_output("display_data", data={"text/plain": bar})
    assert any("0/90" in p for p in hygiene_problems(_nb(execution_count=1, outputs=[out]), 100))
    done = bar.replace("  0%|          | 0/90", "100%|██████████| 90/90")
    stream = nbformat.v4.new_output("stream", name="stderr", text=done)
    assert hygiene_problems(_nb(execution_count=1, outputs=[stream]), 100) == []


def test_link_check_rejects_links_that_do_not_resolve(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "01_gd.ipynb").write_text("{}")
    (tmp_path / "lectures").mkdir()
    md = nbformat.v4.new_markdown_cell(
        "[ok](../exercises/01_gd.ipynb) [ok too](../exercises/01_gd.ipynb#ex-1) "
        "[web](https://example.org/x) [anchor](#top) [gone](exercises/01_gd.ipynb) "
        '<a href="/lectures/x.ipynb">abs</a>'
    )
    nb = nbformat.v4.new_notebook(cells=[md])
    problems = link_problems(nb, tmp_path / "lectures")
    assert len(problems) == 2
    assert "'exercises/01_gd.ipynb' does not resolve" in problems[0]
    assert "absolute" in problems[1]
