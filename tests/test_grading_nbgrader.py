"""check() gives the right score under nbgrader autograding and never raises for a learner.

nbgrader's rule for an autograded code cell (``nbgrader.utils.determine_grade`` and
``get_partial_grade``, nbgrader >= 0.7), re-stated in :func:`nbgrader_score`: the first ``error``
output gives 0; otherwise the first ``execute_result``'s text/plain is read as a float -- in
(0, max] it is partial credit, above max nbgrader raises, and 0 or non-numeric text gives FULL
points; without an execute_result the cell gets full points.
"""

from __future__ import annotations

import os

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from adamlib.grading import CheckFailed, check, get_exercise, grading_mode, reset_history


def nbgrader_score(cell: nbformat.NotebookNode, max_points: float) -> float:
    """Points nbgrader gives to an executed autograder test cell (see module docstring)."""
    for output in cell.outputs:
        if output.output_type == "error":
            return 0.0
        if output.output_type == "execute_result":
            text = output["data"].get("text/plain", "")
            try:
                grade = float(text)
            except ValueError:
                return max_points
            if grade > max_points:
                raise ValueError("partial credit cannot be greater than maximum points for cell")
            return grade if grade > 0 else max_points
    return max_points


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("ADAMLIB_GRADING_MODE", raising=False)
    reset_history()
    yield
    reset_history()


def _partially_right_adam(x, grad, m, v, t, lr, beta1, beta2, eps):
    # eps inside the square root: right except where eps placement matters
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return x - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new


def test_grading_mode_detects_nbgrader_and_can_be_forced(monkeypatch):
    assert grading_mode() == "learner"
    for value in ("autograde", "validate"):
        monkeypatch.setenv("NBGRADER_EXECUTION", value)
        assert grading_mode() == "nbgrader"
    monkeypatch.setenv("ADAMLIB_GRADING_MODE", "learner")
    assert grading_mode() == "learner"
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("ADAMLIB_GRADING_MODE", "nbgrader")
    assert grading_mode() == "nbgrader"


def test_learner_mode_never_raises_even_for_zero_points():
    result = check("adam_step", lambda *a, **k: None)
    assert result.points == 0
    assert result._repr_mimebundle_()["text/plain"].startswith("✗ adam_step")


def test_under_nbgrader_text_plain_is_the_points(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    full = check("adam_step", get_exercise("adam_step").reference)
    assert full._repr_mimebundle_()["text/plain"] == "3"
    part = check("adam_step", _partially_right_adam)
    assert 0 < part.points < 3
    text = part._repr_mimebundle_()["text/plain"]
    assert float(text) == part.points
    assert "✗" in part._repr_mimebundle_()["text/html"]  # feedback kept for the instructor


@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_under_nbgrader_zero_points_raise_so_that_the_cell_scores_zero(monkeypatch, mode):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)

    def stub(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="gd_step: 0 / 1 points"):
        check("gd_step", stub)
    with pytest.raises(AssertionError):
        check("gd_step", lambda *a, **k: None)


def test_nbgrader_score_restates_nbgrader_rules():
    def cell(*outputs):
        return nbformat.from_dict({"cell_type": "code", "outputs": list(outputs)})

    result = {"output_type": "execute_result", "data": {"text/plain": "1.5"}}
    text = {"output_type": "execute_result", "data": {"text/plain": "✗ wrong"}}
    zero = {"output_type": "execute_result", "data": {"text/plain": "0"}}
    error = {"output_type": "error", "ename": "E", "evalue": "", "traceback": []}
    display = {"output_type": "display_data", "data": {"text/plain": "x"}}
    assert nbgrader_score(cell(result), 3) == 1.5
    assert nbgrader_score(cell(text), 3) == 3  # why a readable text/plain is not enough
    assert nbgrader_score(cell(zero), 3) == 3  # why 0 points must be an error
    assert nbgrader_score(cell(display, error), 3) == 0
    assert nbgrader_score(cell(), 3) == 3


PARTIAL_ADAM_SRC = """\
def adam_step(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return x - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new"""

NOTEBOOK_CELLS = [
    "import numpy as np\nfrom adamlib.grading import check, get_exercise, report",
    "adam_step = get_exercise('adam_step').reference",
    'check("adam_step", adam_step)',
    PARTIAL_ADAM_SRC,
    'check("adam_step", adam_step)',
    "def gd_step(x, grad, lr):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
    'check("gd_step", gd_step)',
    "report()",
]
CHECK_CELLS = {2: 3.0, 4: 3.0, 6: 1.0}  # cell index -> max points


def _execute(tmp_path, env: dict[str, str]) -> nbformat.NotebookNode:
    nbclient = pytest.importorskip("nbclient")
    nb = new_notebook(cells=[new_code_cell(src) for src in NOTEBOOK_CELLS])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client = nbclient.NotebookClient(
            nb,
            kernel_name="python3",
            timeout=120,
            allow_errors=True,
            resources={"metadata": {"path": str(tmp_path)}},
        )
        client.execute()
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return nb


def test_executed_under_nbgrader_each_check_cell_gets_the_right_score(tmp_path):
    nb = _execute(tmp_path, {"NBGRADER_EXECUTION": "autograde"})
    setup_errors = [o for c in nb.cells[:2] for o in c.outputs if o.output_type == "error"]
    assert not setup_errors, setup_errors
    scores = {i: nbgrader_score(nb.cells[i], pts) for i, pts in CHECK_CELLS.items()}
    assert scores[2] == 3.0  # the reference
    assert 0 < scores[4] < 3.0  # eps inside the square root: partial credit
    assert scores[6] == 0.0  # untouched stub
    # the failing cell still shows the feedback before the error
    assert any(o.output_type == "display_data" for o in nb.cells[6].outputs)
    assert nb.cells[7].outputs[0].output_type == "execute_result"  # report() works


def test_executed_as_a_learner_no_check_cell_raises(tmp_path):
    nb = _execute(tmp_path, {"NBGRADER_EXECUTION": "", "ADAMLIB_GRADING_MODE": ""})
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    texts = [nb.cells[i].outputs[0]["data"]["text/plain"] for i in CHECK_CELLS]
    assert texts[0].startswith("✓ adam_step")
    assert texts[1].startswith("✗ adam_step") and "eps inside the square root" in texts[1]
    assert texts[2].startswith("✗ gd_step") and "not implemented yet" in texts[2]
    assert "<table" in nb.cells[7].outputs[0]["data"]["text/html"]
