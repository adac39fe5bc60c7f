"""The exercise registry: registration, automatic discovery of exercise modules, look-ups.

Every module in :mod:`adamlib.grading.exercises` whose name does not start with ``_`` is imported
on first use; its module-level ``register(...)`` calls add its exercises. A module that fails to
import does not break the others: its error is kept and shown when one of its ids is asked for
(and ``tests/test_grading.py`` fails on it).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import traceback

from .framework import Exercise

_REGISTRY: dict[str, Exercise] = {}
_ORIGIN: dict[str, str] = {}  # exercise id -> module that registered it
_IMPORT_ERRORS: dict[str, str] = {}
_LOADED = False
_LECTURE_RE = re.compile(r"^l(\d\d)_(\w+)$")


class UnknownExerciseError(KeyError, ValueError):
    """``check`` was called with an id that no exercise module registers."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def lecture_of_module(module_name: str) -> str:
    """``"adamlib.grading.exercises.l06_adam"`` -> ``"06_adam"`` (``""`` if no match)."""
    m = _LECTURE_RE.match(module_name.rsplit(".", 1)[-1])
    return f"{m.group(1)}_{m.group(2)}" if m else ""


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry and return it.

    Call it at module level in ``adamlib/grading/exercises/lNN_topic.py``. When
    ``exercise.lecture`` is empty it is derived from the module name (``l06_adam`` ->
    ``"06_adam"``).

    Raises
    ------
    ValueError
        If another module already registered the same id, or the points are not positive.
    """
    module = sys._getframe(1).f_globals.get("__name__", "")
    if not exercise.lecture:
        exercise.lecture = lecture_of_module(module)
    if not exercise.points > 0:
        raise ValueError(f"exercise {exercise.id!r}: points must be positive")
    previous = _ORIGIN.get(exercise.id)
    if previous is not None and previous != module:
        raise ValueError(
            f"exercise id {exercise.id!r} registered twice: in {previous} and in {module}"
        )
    _REGISTRY[exercise.id] = exercise  # re-importing the same module replaces its exercises
    _ORIGIN[exercise.id] = module
    return exercise


def load_all() -> None:
    """Import every exercise module once (idempotent)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import exercises

    for info in sorted(pkgutil.iter_modules(exercises.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{exercises.__name__}.{info.name}"
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - one broken module must not break the others
            _IMPORT_ERRORS[name] = "".join(traceback.format_exception(exc, limit=-2))


def import_errors() -> dict[str, str]:
    """Exercise modules that failed to import: module name -> short traceback."""
    load_all()
    return dict(_IMPORT_ERRORS)


def get_exercise(exercise_id: str) -> Exercise:
    """The registered exercise with this id.

    Raises
    ------
    UnknownExerciseError
        (a ``KeyError`` and ``ValueError``) listing the known ids.
    """
    load_all()
    try:
        return _REGISTRY[exercise_id]
    except (KeyError, TypeError):
        known = ", ".join(sorted(_REGISTRY)) or "(none)"
        msg = f"unknown exercise id {exercise_id!r}. Known ids: {known}"
        if _IMPORT_ERRORS:
            msg += f". These exercise modules failed to import: {', '.join(_IMPORT_ERRORS)}"
        raise UnknownExerciseError(msg) from None


def _lecture_matches(exercise: Exercise, lecture: str | int) -> bool:
    if isinstance(lecture, int):
        return exercise.lecture[:2] == f"{lecture:02d}"
    return exercise.lecture == lecture or exercise.lecture[:2] == lecture


def list_exercises(lecture: str | int | None = None) -> list[str]:
    """Ids of the registered exercises, ordered by lecture then registration.

    Parameters
    ----------
    lecture : str or int, optional
        ``"06_adam"``, ``"06"`` or ``6``; all lectures when omitted.
    """
    load_all()
    order = {ex_id: i for i, ex_id in enumerate(_REGISTRY)}
    chosen = [ex for ex in _REGISTRY.values() if lecture is None or _lecture_matches(ex, lecture)]
    chosen.sort(key=lambda ex: (ex.lecture, order[ex.id]))
    return [ex.id for ex in chosen]


def exercise_points(exercise_id: str) -> float:
    """Maximum points of an exercise (used for the nbgrader ``points`` of its check cell)."""
    return float(get_exercise(exercise_id).points)
