"""An instructor grades with real nbgrader, using solutions/ as they are, and gets the right scores.

The course directory is built in a temporary folder: every solutions/NN_topic.ipynb becomes the
nbgrader source of assignment ``psNN``; ``nbgrader generate_assignment`` makes the student
version; then ``nbgrader autograde`` grades submissions from made-up students:

- ``alice`` hands in the worked solutions: every autograded cell earns its full points;
- ``bob`` hands in the released notebooks untouched (the stubs): every cell earns 0;
- in lecture 06, ``carol`` puts ε inside the square root of her Adam step (partial credit from
  the cases her answer passes, as ``check`` reports it) and ``dave`` forgets bias correction
  (0 for that exercise); the bias-correction exercise earns both full points, and the AdamW
  exercise, whose worked answer calls ``adam_step``, inherits each mistake.

Scores are read from nbgrader's gradebook.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

nbgrader_api = pytest.importorskip("nbgrader.api", reason="nbgrader is not installed")

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
STUDENTS = ["alice", "bob", "carol", "dave"]

CAROL_ADAM = """\
import numpy as np

def adam_step(x, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return x - lr * m_hat / np.sqrt(v_hat + eps), m, v
"""
DAVE_ADAM = """\
import numpy as np

def adam_step(x, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return x - lr * m / (np.sqrt(v) + eps), m, v
"""


def assignment(path: Path) -> str:
    return "ps" + path.name[:2]


def nbgrader(course: Path, *args: str) -> None:
    home = course / ".home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        HOME=str(home),
        # nbgrader runs the `alembic` command of its environment to create the gradebook
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    # the kernel "python3" of this environment (nbgrader finds it in sys.prefix)
    for _attempt in (1, 2):
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=course,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # A kernel binds TCP ports that its manager picked and released; a kernel started
        # meanwhile by the other test job (nbval) may take one, and this one dies at once
        # (jupyter/jupyter_client#154; seen once in a clean-clone .ci/run). nbgrader's
        # commands can run again (--force): once more, for that failure only.
        if proc.returncode == 0 or "Kernel died before replying to kernel_info" not in proc.stderr:
            break
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stderr[-3000:]}"


def replace_solution(nb: nbformat.NotebookNode, grade_id: str, source: str) -> None:
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(cells) == 1, f"no solution cell {grade_id!r}"
    cells[0].source = source


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """An nbgrader course: every assignment generated, every submission autograded."""
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'adaptive-optimization'\n"
        f"c.CourseDirectory.db_assignments = {[{'name': assignment(p)} for p in SOLUTIONS]!r}\n"
        f"c.CourseDirectory.db_students = {[{'id': s} for s in STUDENTS]!r}\n"
        "c.ExecutePreprocessor.timeout = 120\n"
    )
    for path in SOLUTIONS:  # the instructor's source: solutions/ exactly as committed
        src = course / "source" / assignment(path)
        src.mkdir(parents=True)
        (src / path.name).write_bytes(path.read_bytes())
    for path in SOLUTIONS:
        nbgrader(course, "generate_assignment", assignment(path), "--force")
    for path in SOLUTIONS:
        ps = assignment(path)
        release = nbformat.read(course / "release" / ps / path.name, as_version=4)
        handed_in = {"alice": nbformat.read(path, as_version=4), "bob": release}
        if ps == "ps06":
            carol = nbformat.read(path, as_version=4)
            replace_solution(carol, "adam_step_solution", CAROL_ADAM)
            dave = nbformat.read(path, as_version=4)
            replace_solution(dave, "adam_step_solution", DAVE_ADAM)
            handed_in.update(carol=carol, dave=dave)
        for student, nb in handed_in.items():
            target = course / "submitted" / student / ps
            target.mkdir(parents=True)
            nbformat.write(nb, target / path.name)
    for path in SOLUTIONS:
        nbgrader(course, "autograde", assignment(path), "--force")
    return course


@pytest.fixture(scope="module")
def gradebook(course: Path) -> dict[tuple[str, str], dict[str, tuple[float, float]]]:
    scores = {}
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for path in SOLUTIONS:
            ps = assignment(path)
            for student in STUDENTS:
                try:
                    sub = gb.find_submission(ps, student)
                except nbgrader_api.MissingEntry:
                    continue
                scores[ps, student] = {
                    g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades
                }
    return scores


def test_every_solution_notebook_is_an_nbgrader_source_with_points(gradebook):
    for path in SOLUTIONS:
        grades = gradebook[assignment(path), "alice"]
        assert grades, f"{path.name}: nbgrader found no autograded cells"
        assert all(maximum > 0 for _, maximum in grades.values())


def test_worked_solutions_earn_full_marks(gradebook):
    for path in SOLUTIONS:
        for cell, (score, maximum) in gradebook[assignment(path), "alice"].items():
            assert score == maximum, f"{path.name} {cell}: {score} of {maximum}"


def test_untouched_stubs_earn_nothing(gradebook):
    for path in SOLUTIONS:
        for cell, (score, maximum) in gradebook[assignment(path), "bob"].items():
            assert score == 0, f"{path.name} {cell}: {score} of {maximum} for a stub"


def test_partial_credit_and_a_zero_reach_the_gradebook(gradebook):
    carol, dave = gradebook["ps06", "carol"], gradebook["ps06", "dave"]
    score, maximum = carol["check_adam_step"]
    assert 0 < score < maximum  # ε inside the root: some cases pass (1.33 of 3 when written)
    assert dave["check_adam_step"][0] == 0  # bias correction missing: no case passes
    for grades in (carol, dave):  # an exercise that does not use adam_step: full points
        assert grades["check_bias_correction"][0] == grades["check_bias_correction"][1]
    # the worked adamw_step calls the student's adam_step: the mistake carries over
    assert 0 < carol["check_adamw_step"][0] < carol["check_adamw_step"][1]
    assert dave["check_adamw_step"][0] == 0


# What nbgrader's release adds to a cell (tools/build_notebooks.py says why exercises/ is not
# nbgrader's release itself): LockCells' flags on locked cells, ComputeChecksums' checksum.
RELEASE_ONLY_CELL_KEYS = {"editable", "deletable"}
RELEASE_ONLY_NBGRADER_KEYS = {"checksum", "cell_type"}


def test_nbgrader_release_holds_the_cells_of_exercises(course):
    for path in SOLUTIONS:
        release = nbformat.read(course / "release" / assignment(path) / path.name, as_version=4)
        exercise = nbformat.read(ROOT / "exercises" / path.name, as_version=4)
        assert len(release.cells) == len(exercise.cells), path.name
        for i, (r, e) in enumerate(zip(release.cells, exercise.cells, strict=True)):
            where = f"{path.name} cell {i}"
            assert (r.cell_type, r.source) == (e.cell_type, e.source), where
            if r.cell_type == "code":
                assert r.outputs == e.outputs == [] and r.execution_count is None, where
            r_md, e_md = dict(r.metadata), dict(e.metadata)
            r_nbg, e_nbg = dict(r_md.pop("nbgrader", {})), dict(e_md.pop("nbgrader", {}))
            assert set(r_md) - set(e_md) <= RELEASE_ONLY_CELL_KEYS, where
            e_tags = [t for t in e_md.pop("tags", []) if t != "raises-exception"]
            r_tags = [t for t in r_md.pop("tags", []) if t != "exercise-raises"]
            assert r_tags == e_tags, where
            assert {k: v for k, v in r_md.items() if k not in RELEASE_ONLY_CELL_KEYS} == e_md, where
            assert set(r_nbg) - set(e_nbg) <= RELEASE_ONLY_NBGRADER_KEYS, where
            assert {k: r_nbg[k] for k in e_nbg} == e_nbg, where
