"""Build the course notebooks deterministically from their sources.

Sources are jupytext "percent" scripts (reviewable diffs):

    source/lectures/NN_topic.py   ->  lectures/NN_topic.ipynb   (executed, with outputs)
    source/solutions/NN_topic.py  ->  solutions/NN_topic.ipynb  (executed, with outputs)
                                  ->  exercises/NN_topic.ipynb  (generated, no outputs)

Usage::

    python -m tools.build_notebooks                 # everything (what `make notebooks` runs)
    python -m tools.build_notebooks source/lectures/01_gradient_descent.py ...
    python -m tools.build_notebooks --no-execute    # convert only (keeps nothing executed!)

Execution uses nbclient with the kernel "python3", the notebook's folder as working directory and
the settings of tools/reference_env.py (PYTHONHASHSEED=0, one BLAS thread; CPU kernels as the
machine picks them: the notebooks print nothing that depends on them), and every figure the
kernel renders is checked against the course's figure rules (tools/figure_lint.py: title, axis
labels, legend, colour-bar label, log scales for losses and learning rates); a notebook with a
figure that breaks them is not written. Run-to-run noise is stripped: per-cell ``execution``
timestamps, notebook ``widgets`` state and ``language_info``, and widget-view outputs (their
model ids are random).

Exercises: every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a stub
raising NotImplementedError (indentation kept), replaced by nbgrader's own ClearSolutions
preprocessor (the one ``nbgrader generate_assignment`` runs); cells tagged ``exercise-raises`` get
the nbval tag ``raises-exception``; outputs and run-to-run noise are removed. Why not
``nbgrader generate_assignment`` itself: its release is a different notebook from the exercises/
a learner opens without nbgrader. It adds to every graded and locked cell nbgrader's checksum and
``editable: false`` / ``deletable: false`` (LockCells, ComputeChecksums), cannot map the course's
``exercise-raises`` tag to nbval's ``raises-exception``, and needs an nbgrader course directory
and its gradebook database (SaveCells) to run at all; the region clearing, the part that could
drift from nbgrader, is nbgrader's code. tests/test_nbgrader_e2e.py checks that nbgrader's
release and exercises/ hold the same cells with the same sources, notebook by notebook.

Cells get nbgrader metadata (schema 3): solution cells contain the BEGIN
SOLUTION marker; grade cells are cells whose code starts with ``check(`` (points come from the
grading registry).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from tools import figure_lint, reference_env

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
KINDS = ("lectures", "solutions")
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = "raise NotImplementedError()"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_CHECK_RE = re.compile(r"""^\s*check\(\s*["']([\w.-]+)["']""")
_DEF_RE = re.compile(r"^\s*def\s+(\w+)\s*\(", re.MULTILINE)


def target_for(source: Path) -> Path:
    """``source/<kind>/NN.py`` -> ``<kind>/NN.ipynb``."""
    source = source.resolve()
    kind = source.parent.name
    if kind not in KINDS or source.parent.parent != SOURCE:
        raise ValueError(f"{source} is not under source/lectures or source/solutions")
    return ROOT / kind / (source.stem + ".ipynb")


def exercise_for(solution_ipynb: Path) -> Path:
    return ROOT / "exercises" / solution_ipynb.name


def all_sources() -> list[Path]:
    return sorted(p for kind in KINDS for p in (SOURCE / kind).glob("*.py"))


def _points(exercise_id: str) -> float:
    try:
        from adamlib.grading import exercise_points
    except ImportError:  # grading not available yet
        return 1.0
    try:
        return float(exercise_points(exercise_id))
    except (KeyError, ValueError):
        return 1.0


def convert(source: Path) -> NotebookNode:
    """Read a percent script into a notebook with deterministic ids and metadata."""
    import jupytext

    nb = jupytext.read(source, fmt="py:percent")
    nb.metadata = NotebookNode({"kernelspec": NotebookNode(KERNELSPEC)})
    is_solution = source.resolve().parent.name == "solutions"
    used_ids: set[str] = set()
    for i, cell in enumerate(nb.cells):
        cell.id = f"{source.stem[:40]}-{i:03d}".replace("_", "-")
        md = cell.metadata
        for key in ("lines_to_next_cell", "lines_to_end_of_cell_marker", "title"):
            md.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if is_solution:
            nbg = _nbgrader_metadata(cell, i, used_ids)
            if nbg is not None:
                md["nbgrader"] = nbg
    return nb


def _nbgrader_metadata(cell: NotebookNode, index: int, used: set[str]) -> dict | None:
    if cell.cell_type != "code":
        return None
    src = cell.source
    if BEGIN in src:
        names = _DEF_RE.findall(src)
        grade_id = f"{names[0]}_solution" if names else f"solution_{index:03d}"
        meta = {"grade": False, "solution": True, "locked": False}
    else:
        m = _CHECK_RE.match(src)
        if not m:
            return None
        grade_id = f"check_{m.group(1)}"
        meta = {"grade": True, "solution": False, "locked": True, "points": _points(m.group(1))}
    base, k = grade_id, 2
    while grade_id in used:
        grade_id = f"{base}_{k}"
        k += 1
    used.add(grade_id)
    return {**meta, "grade_id": grade_id, "schema_version": 3}


def strip_noise(nb: NotebookNode) -> NotebookNode:
    """Remove everything that changes from run to run without changing meaning."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("language_info", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type != "code":
            continue
        kept: list[NotebookNode] = []
        for out in cell.outputs:
            data = out.get("data")
            if data is not None and WIDGET_MIME in data:
                del data[WIDGET_MIME]
                if not data:
                    continue
            # The kernel may flush one print() stream in a varying number of pieces.
            if (
                out.output_type == "stream"
                and kept
                and kept[-1].output_type == "stream"
                and kept[-1].name == out.name
            ):
                kept[-1].text += out.text
                continue
            kept.append(out)
        cell.outputs = kept
    return nb


def execute(nb: NotebookNode, cwd: Path, timeout: int = 600) -> NotebookNode:
    from nbclient import NotebookClient

    # tools/reference_env.py: PYTHONHASHSEED and one BLAS thread, as under nbval. No kernel
    # pins: the outputs must not depend on the CPU's kernels (make test-latest, other machines).
    os.environ.update(reference_env.environment())
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    with figure_lint.session() as lint:
        # Every figure the kernel renders is checked against the course's rules first.
        os.environ.update(lint.env)
        try:
            client = NotebookClient(
                nb,
                kernel_name="python3",
                timeout=timeout,
                resources={"metadata": {"path": str(cwd)}},
            )
            client.execute()
        finally:
            for name in lint.env:
                del os.environ[name]
    checks = lint.checks
    bad = figure_lint.failures(checks)
    if bad:
        raise SystemExit(
            "figure lint: figures break the course's rules (title, axis labels, "
            "legend, colour-bar label, log scales); notebook not written:\n" + "\n".join(bad)
        )
    images = sum(
        "image/png" in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", [])
    )
    if images and not checks:
        raise SystemExit(
            "figure lint did not run: the notebook shows figures but none was "
            "checked (was the IPython startup file loaded?)"
        )
    return nb


def make_exercise(solution: NotebookNode) -> NotebookNode:
    """The exercise notebook generated from a (converted or executed) solution notebook."""
    ex = nbformat.from_dict(nbformat.reads(nbformat.writes(solution), as_version=4))
    strip_noise(ex)
    clear_solutions(ex)
    for cell in ex.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        tags = list(cell.metadata.get("tags", []))
        if "exercise-raises" in tags:
            tags = [t for t in tags if t != "exercise-raises"]
            if "raises-exception" not in tags:
                tags.append("raises-exception")
            cell.metadata["tags"] = tags
    return ex


def clear_solutions(nb: NotebookNode) -> NotebookNode:
    """Replace every BEGIN/END SOLUTION region by its stub with nbgrader's own ClearSolutions.

    It is the preprocessor ``nbgrader generate_assignment`` runs, with nbgrader's settings (the
    stub ``# YOUR CODE HERE`` / ``raise NotImplementedError()``, indented as the marker; a region
    in a cell not marked as a solution cell is an error), so the exercises/ a learner gets and the
    release an instructor generates cannot drift apart. Modifies ``nb`` and returns it.
    """
    with warnings.catch_warnings():  # nbgrader's gradebook models warn about SQLAlchemy
        warnings.simplefilter("ignore", DeprecationWarning)
        from nbgrader.preprocessors import ClearSolutions

    nb.metadata.setdefault("kernelspec", NotebookNode(KERNELSPEC))
    ClearSolutions(enforce_metadata=True).preprocess(nb, {})
    return nb


def stub_solution_regions(source: str) -> str:
    """The source of a solution cell with each BEGIN/END SOLUTION region replaced by its stub.

    Raises
    ------
    ValueError
        On a region without its END or a region inside a region (nbgrader's errors).
    """
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"solution": True}})
    try:
        clear_solutions(nbformat.v4.new_notebook(cells=[cell]))
    except RuntimeError as exc:
        raise ValueError(str(exc)) from exc
    return cell.source


def write(nb: NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    text = nbformat.writes(nb) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def build(source: Path, run: bool = True) -> list[Path]:
    target = target_for(source)
    nb = convert(source)
    written = []
    if target.parent.name == "solutions":
        write(make_exercise(nb), exercise_for(target))
        written.append(exercise_for(target))
    if run:
        t0 = time.perf_counter()
        execute(nb, target.parent)
        print(f"  executed {target.relative_to(ROOT)} in {time.perf_counter() - t0:.1f} s")
    strip_noise(nb)
    write(nb, target)
    written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "sources", nargs="*", type=Path, help="percent scripts under source/ (default: all)"
    )
    parser.add_argument(
        "--no-execute",
        action="store_true",
        help="convert without executing (for quick structure checks only)",
    )
    args = parser.parse_args(argv)
    sources = args.sources or all_sources()
    for src in sources:
        print(f"building {src}")
        build(src, run=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
