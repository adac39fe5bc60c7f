"""``check`` and ``report``: what a notebook calls.

The latest result of every exercise checked in this kernel is kept, in the order of first check,
for :func:`report`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .registry import get_exercise, list_exercises
from .result import CheckResult, ScoreReport, ScoreRow, format_points, grading_mode

_HISTORY: dict[str, CheckResult] = {}


class CheckFailed(AssertionError):
    """Raised by :func:`check` only under nbgrader, for a 0-point answer (see package docs)."""


def check(exercise_id: str, fn: Callable[..., Any]) -> CheckResult:
    """Check a learner's function and return the feedback.

    Parameters
    ----------
    exercise_id : str
        A registered id such as ``"adam_step"`` (see :func:`list_exercises`).
    fn : callable
        The learner's function.

    Returns
    -------
    CheckResult
        ``passed``, ``points``, ``max_points``, ``message``...; shows ✓/✗, the diagnosis and the
        points in a notebook.

    Raises
    ------
    UnknownExerciseError
        (``KeyError``/``ValueError``) for an id that is not registered: a mistake of the notebook
        author, listing the known ids.
    CheckFailed
        Only under nbgrader autograding (``NBGRADER_EXECUTION`` set) and only when the answer
        earns 0 points, so that nbgrader records 0 for the cell. Never in a learner's notebook.
    """
    exercise = get_exercise(exercise_id)
    result = exercise.grade(fn)
    _HISTORY[exercise_id] = result  # an existing key keeps its place: order of first check
    if grading_mode() == "nbgrader" and result.points <= 0:
        _display(result)
        raise CheckFailed(
            f"{exercise_id}: 0 / {format_points(result.max_points)} points. "
            + result.message.splitlines()[0]
        )
    return result


def _display(obj: object) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(obj)
        return
    display(obj)


def report(lecture: str | int | None = None) -> ScoreReport:
    """The score table of the checks run in this kernel (latest attempt per exercise).

    Parameters
    ----------
    lecture : str or int, optional
        Also list this lecture's exercises that were not checked yet (0 points, status ``–``),
        so that the total is out of the lecture's points.
    """
    rows = [
        ScoreRow(r.exercise_id, "✓" if r.passed else "✗", r.points, r.max_points)
        for r in _HISTORY.values()
    ]
    title = "Score (exercises checked in this session)"
    if lecture is not None:
        title = f"Score for lecture {lecture}"
        for ex_id in list_exercises(lecture):
            if ex_id not in _HISTORY:
                rows.append(ScoreRow(ex_id, "–", 0.0, float(get_exercise(ex_id).points)))
    return ScoreReport(rows=tuple(rows), title=title)


def history() -> dict[str, CheckResult]:
    """A copy of the latest result per exercise id."""
    return dict(_HISTORY)


def reset_history() -> None:
    """Forget every check (used by tests)."""
    _HISTORY.clear()
