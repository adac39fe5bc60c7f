"""nbgrader metadata of solutions/*.ipynb and exercises/*.ipynb is valid and consistent.

nbgrader (schema version 3) reads ``cell.metadata.nbgrader``: ``grade``, ``solution``, ``locked``
(booleans), ``grade_id`` (unique in the notebook), ``points`` (grade cells), ``schema_version``.
The course's conventions on top (see adamlib/grading/__init__.py): a check cell is an autograded
test cell (grade, locked, not solution) whose points are the exercise's points in the registry and
whose last statement is the bare expression ``check("<id>", fn)`` (its numeric result is nbgrader's
partial credit); solution cells hold ``### BEGIN SOLUTION`` regions in solutions/ and stubs in
exercises/.

The validator is tested on synthetic notebooks built with nbformat, so it is known to reject bad
metadata even before any notebook exists.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from adamlib.grading import exercise_points, list_exercises

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
GRADE_ID_RE = re.compile(r"^[A-Za-z0-9_\-]+$")
CHECK_CELL_RE = re.compile(r"^\s*(?:\w+\s*=\s*)?check\(")
KNOWN_KEYS = {
    "schema_version",
    "grade",
    "solution",
    "locked",
    "grade_id",
    "points",
    "task",
    "cell_type",
    "checksum",
}


def _check_call_id(source: str) -> tuple[str | None, str | None]:
    """``(exercise_id, problem)`` for a cell whose code starts with ``check(``."""
    code = "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return None, f"check cell does not parse: {exc.msg}"
    if not tree.body:
        return None, "empty check cell"
    last = tree.body[-1]
    if not (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Name)
        and last.value.func.id == "check"
    ):
        return None, (
            'the last statement of a check cell must be the bare expression check("<id>", fn) '
            "(its result is nbgrader's partial credit)"
        )
    lines = [ln for ln in code.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and lines[-1].split("#")[0].rstrip().endswith(";"):
        return None, "a trailing ';' hides the check result from nbgrader (partial credit lost)"
    args = last.value.args
    if not args or not isinstance(args[0], ast.Constant) or not isinstance(args[0].value, str):
        return None, "the first argument of check() must be a string literal exercise id"
    return args[0].value, None


def validate_notebook(nb: nbformat.NotebookNode, kind: str) -> list[str]:
    """Problems with the nbgrader metadata of a notebook (``kind``: solutions or exercises)."""
    problems: list[str] = []
    known = set(list_exercises())
    seen_ids: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        where = f"cell {i}"
        source = cell.get("source", "")
        # the notebook builder's rule for check cells (tools/build_notebooks.py)
        is_check = cell.cell_type == "code" and bool(CHECK_CELL_RE.match(source))
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            if is_check:
                problems.append(f"{where}: check cell without nbgrader metadata")
            if cell.cell_type == "code" and BEGIN in source:
                problems.append(f"{where}: solution region without nbgrader metadata")
            continue
        unknown = set(meta) - KNOWN_KEYS
        if unknown:
            problems.append(f"{where}: unknown nbgrader keys {sorted(unknown)}")
        if meta.get("schema_version") != 3:
            problems.append(f"{where}: schema_version must be 3, got {meta.get('schema_version')}")
        flags = {k: meta.get(k) for k in ("grade", "solution", "locked")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                problems.append(f"{where}: '{key}' must be a boolean, got {value!r}")
        grade, solution, locked = (bool(flags[k]) for k in ("grade", "solution", "locked"))
        task = bool(meta.get("task", False))
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str) or not GRADE_ID_RE.match(grade_id):
            problems.append(f"{where}: grade_id must be a non-empty [A-Za-z0-9_-] string")
        elif grade_id in seen_ids:
            problems.append(
                f"{where}: duplicate grade_id {grade_id!r} (also cell {seen_ids[grade_id]})"
            )
        else:
            seen_ids[grade_id] = i
        if not (grade or solution or locked or task):
            problems.append(
                f"{where}: nbgrader metadata on a cell that is none of grade/solution/locked/task"
            )
        # flags consistent with each other (nbgrader's cell types)
        if solution and locked:
            problems.append(f"{where}: a solution cell must not be locked")
        if grade and not solution and not locked:
            problems.append(
                f"{where}: an autograder test cell (grade, not solution) must be locked"
            )
        if grade and not solution and cell.cell_type != "code":
            problems.append(f"{where}: an autograder test cell must be a code cell")
        if task and (grade or solution):
            problems.append(f"{where}: a task cell cannot also be grade or solution")
        points = meta.get("points")
        if grade or task:
            if isinstance(points, bool) or not isinstance(points, int | float):
                problems.append(f"{where}: grade cell without numeric points")
            elif not points > 0:
                problems.append(f"{where}: points must be positive, got {points}")
        elif points not in (None, 0, 0.0):
            problems.append(f"{where}: points on a cell that is not graded")
        # the course's conventions
        if cell.cell_type == "code" and solution:
            if kind == "solutions" and BEGIN not in source:
                problems.append(f"{where}: solution cell without a {BEGIN} region")
            if kind == "exercises" and "raise NotImplementedError" not in source:
                problems.append(f"{where}: exercise solution cell without a stub")
        if kind == "exercises" and (BEGIN in source or END in source):
            problems.append(f"{where}: the exercise still contains the solution markers")
        if is_check and not (grade and not solution and locked):
            problems.append(f"{where}: a check cell must be an autograder test cell")
        if is_check:
            ex_id, problem = _check_call_id(source)
            if problem:
                problems.append(f"{where}: {problem}")
            elif ex_id not in known:
                problems.append(f"{where}: unknown exercise id {ex_id!r}")
            elif isinstance(points, int | float) and float(points) != exercise_points(ex_id):
                problems.append(
                    f"{where}: points {points} differ from the registry's "
                    f"{exercise_points(ex_id)} for {ex_id!r}"
                )
    return problems


def compare_exercise_with_solution(
    solution: nbformat.NotebookNode, exercise: nbformat.NotebookNode
) -> list[str]:
    """The generated exercise carries the same grade ids and points as its solution."""

    def graded(nb: nbformat.NotebookNode) -> list[tuple]:
        return [
            (
                c.metadata.nbgrader.get("grade_id"),
                c.metadata.nbgrader.get("points"),
                c.metadata.nbgrader.get("grade"),
                c.metadata.nbgrader.get("solution"),
            )
            for c in nb.cells
            if "nbgrader" in c.get("metadata", {})
        ]

    a, b = graded(solution), graded(exercise)
    return [] if a == b else [f"nbgrader cells differ: solution {a} vs exercise {b}"]


def _notebooks(kind: str) -> list[Path]:
    return sorted((ROOT / kind).glob("*.ipynb"))


# ----------------------------------------------------------------------------------------------
# The repository's notebooks (passes trivially while there are none)
# ----------------------------------------------------------------------------------------------


def test_every_solution_and_exercise_notebook_has_valid_nbgrader_metadata():
    problems = []
    for kind in ("solutions", "exercises"):
        for path in _notebooks(kind):
            nb = nbformat.read(path, as_version=4)
            problems += [f"{kind}/{path.name}: {p}" for p in validate_notebook(nb, kind)]
    assert not problems, "\n".join(problems)


def test_every_solution_notebook_has_graded_cells_and_a_matching_exercise():
    problems = []
    for path in _notebooks("solutions"):
        sol = nbformat.read(path, as_version=4)
        if not any(c.get("metadata", {}).get("nbgrader", {}).get("grade") for c in sol.cells):
            problems.append(f"solutions/{path.name}: no graded (check) cell")
        ex_path = ROOT / "exercises" / path.name
        if not ex_path.exists():
            problems.append(f"solutions/{path.name}: exercises/{path.name} is missing")
            continue
        ex = nbformat.read(ex_path, as_version=4)
        problems += [f"{path.name}: {p}" for p in compare_exercise_with_solution(sol, ex)]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# The validator itself, on synthetic notebooks
# ----------------------------------------------------------------------------------------------


def _nbg(grade: bool, solution: bool, locked: bool, grade_id: str, points=None) -> dict:
    meta = {
        "grade": grade,
        "solution": solution,
        "locked": locked,
        "grade_id": grade_id,
        "schema_version": 3,
    }
    if points is not None:
        meta["points"] = points
    return meta


SOLUTION_SRC = (
    "def gd_step(x, grad, lr):\n    ### BEGIN SOLUTION\n    return x - lr * grad\n"
    "    ### END SOLUTION"
)
STUB_SRC = "def gd_step(x, grad, lr):\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def _good(kind: str = "solutions") -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Exercises"),
        new_code_cell("import numpy as np\nfrom adamlib.grading import check, report"),
        new_code_cell(
            SOLUTION_SRC if kind == "solutions" else STUB_SRC,
            metadata={"nbgrader": _nbg(False, True, False, "gd_step_solution")},
        ),
        new_code_cell(
            'check("gd_step", gd_step)',
            metadata={
                "nbgrader": _nbg(True, False, True, "check_gd_step", exercise_points("gd_step"))
            },
        ),
        new_code_cell("report()"),
    ]
    return nb


@pytest.mark.parametrize("kind", ["solutions", "exercises"])
def test_validator_accepts_good_metadata(kind):
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(_good(kind)), as_version=4))
    nbformat.validate(nb)
    assert validate_notebook(nb, kind) == []


def test_validator_accepts_a_notebook_without_nbgrader_cells():
    nb = new_notebook()
    nb.cells = [new_markdown_cell("hi"), new_code_cell("1 + 1")]
    assert validate_notebook(nb, "solutions") == []


def _mutate(fn):
    nb = _good()
    fn(nb)
    return nb


BAD = {
    "schema_version 2": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(schema_version=2),
        "schema_version must be 3",
    ),
    "duplicate grade_id": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(grade_id="gd_step_solution"),
        "duplicate grade_id",
    ),
    "missing grade_id": (lambda nb: nb.cells[2].metadata.nbgrader.pop("grade_id"), "grade_id"),
    "grade_id with spaces": (
        lambda nb: nb.cells[2].metadata.nbgrader.update(grade_id="a b"),
        "grade_id",
    ),
    "grade cell without points": (
        lambda nb: nb.cells[3].metadata.nbgrader.pop("points"),
        "without numeric points",
    ),
    "zero points": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(points=0),
        "points must be positive",
    ),
    "points as a string": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(points="1"),
        "numeric points",
    ),
    "points differ from registry": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(points=7),
        "differ from the registry",
    ),
    "points on a solution cell": (
        lambda nb: nb.cells[2].metadata.nbgrader.update(points=1),
        "points on a cell that is not graded",
    ),
    "locked solution": (
        lambda nb: nb.cells[2].metadata.nbgrader.update(locked=True),
        "must not be locked",
    ),
    "unlocked test cell": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(locked=False),
        "must be locked",
    ),
    "flag not boolean": (
        lambda nb: nb.cells[3].metadata.nbgrader.update(grade="yes"),
        "must be a boolean",
    ),
    "unknown key": (lambda nb: nb.cells[3].metadata.nbgrader.update(weight=2), "unknown nbgrader"),
    "no flag set": (
        lambda nb: nb.cells[3].metadata.update(nbgrader=_nbg(False, False, False, "x")),
        "none of",
    ),
    "check cell without metadata": (
        lambda nb: nb.cells[3].metadata.pop("nbgrader"),
        "check cell without nbgrader metadata",
    ),
    "check cell marked as solution": (
        lambda nb: nb.cells[3].metadata.update(
            nbgrader=_nbg(True, True, False, "check_gd_step", 1.0)
        ),
        "autograder test cell",
    ),
    "solution region without metadata": (
        lambda nb: nb.cells[2].metadata.pop("nbgrader"),
        "solution region without nbgrader metadata",
    ),
    "solution cell without region": (
        lambda nb: setattr(nb.cells[2], "source", "x = 1"),
        "without a ### BEGIN SOLUTION region",
    ),
    "markdown test cell": (
        lambda nb: nb.cells.append(
            new_markdown_cell("text", metadata={"nbgrader": _nbg(True, False, True, "md", 1)})
        ),
        "must be a code cell",
    ),
    "check result suppressed by ;": (
        lambda nb: setattr(nb.cells[3], "source", 'check("gd_step", gd_step);'),
        "trailing ';'",
    ),
    "check followed by code": (
        lambda nb: setattr(nb.cells[3], "source", 'check("gd_step", gd_step)\nx = 1'),
        "last statement",
    ),
    "check result assigned": (
        lambda nb: setattr(nb.cells[3], "source", 'result = check("gd_step", gd_step)'),
        "last statement",
    ),
    "unknown exercise id": (
        lambda nb: setattr(nb.cells[3], "source", 'check("gd_stepp", f)'),
        "unknown exercise id",
    ),
    "id not a literal": (
        lambda nb: setattr(nb.cells[3], "source", "check(name, f)"),
        "string literal",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_validator_rejects_bad_metadata(name):
    mutate, expected = BAD[name]
    problems = validate_notebook(_mutate(mutate), "solutions")
    assert problems, f"{name}: not detected"
    assert any(expected in p for p in problems), problems


def test_validator_rejects_solution_markers_left_in_an_exercise():
    nb = _good("exercises")
    nb.cells[2].source = SOLUTION_SRC
    problems = validate_notebook(nb, "exercises")
    assert any("still contains the solution markers" in p for p in problems)
    assert any("without a stub" in p for p in problems)


def test_exercise_and_solution_must_carry_the_same_graded_cells():
    sol, ex = _good("solutions"), _good("exercises")
    assert compare_exercise_with_solution(sol, ex) == []
    ex.cells[3].metadata.nbgrader["points"] = 5
    assert compare_exercise_with_solution(sol, ex)


def test_validator_reads_notebooks_written_to_disk(tmp_path):
    path = tmp_path / "01_gradient_descent.ipynb"
    nbformat.write(_mutate(BAD["duplicate grade_id"][0]), path)
    problems = validate_notebook(nbformat.read(path, as_version=4), "solutions")
    assert any("duplicate grade_id" in p for p in problems)
