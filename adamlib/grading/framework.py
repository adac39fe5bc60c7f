"""Exercise types: how a learner's function is run, compared with the reference and diagnosed.

This module gathers the grading machinery under one name (exercise modules and older code import
from here); each part lives in the module a reader looks for:

- :mod:`adamlib.grading.exercise` -- the grading loop shared by every exercise type
  (:meth:`Exercise.grade`): partial credit, the diagnosis, matching the catalogue.
- :mod:`adamlib.grading.mistakes` -- :class:`Mistake`, the canonical names (:data:`STUB`,
  :data:`NO_RETURN`, :data:`MUTATION`, :data:`TIMEOUT`) and the generic mistakes the framework
  adds to every catalogue.
- :mod:`adamlib.grading.array_exercise` -- :class:`ArrayExercise` and :class:`StepCase`: an
  optimizer-style step ``f(arrays..., hyperparameters...)`` returning one array or a tuple of
  arrays, every returned quantity compared separately, optionally over consecutive steps.
- :mod:`adamlib.grading.function_exercise` -- :class:`FunctionExercise` and :class:`Call`:
  anything else, each call judged by ``judge(call, got, expected)``.
- :mod:`adamlib.grading.running` -- :func:`call_guarded`, the defensive call (exceptions,
  ``None``, inputs modified in place, captured output, the time budget).
- :mod:`adamlib.grading.feedback` -- how values are shown in messages (:func:`short_repr`,
  :func:`expected_got`, :func:`shown_pair`).
"""

from __future__ import annotations

from .array_exercise import ArrayExercise, StepCase
from .exercise import CaseVerdict, Exercise, Step, partial_points
from .feedback import as_float_arrays, describe_value, expected_got, short_repr, shown_pair
from .function_exercise import (
    REPRO_SEEDS,
    Call,
    FunctionExercise,
    Judge,
    ReproducibilityCall,
    _call_arg,
    default_judge,
    values_close,
)
from .mistakes import MUTATION, NO_RETURN, STUB, TIMEOUT, Catalogue, Mistake, generic_mistakes
from .result import format_points
from .running import TIME_LIMIT_S, CallOutcome, TimeLimit, call_guarded, time_budget

__all__ = [
    "MUTATION",
    "NO_RETURN",
    "REPRO_SEEDS",
    "STUB",
    "TIMEOUT",
    "TIME_LIMIT_S",
    "ArrayExercise",
    "Call",
    "CallOutcome",
    "Catalogue",
    "CaseVerdict",
    "Exercise",
    "FunctionExercise",
    "Judge",
    "Mistake",
    "ReproducibilityCall",
    "Step",
    "StepCase",
    "TimeLimit",
    "_call_arg",
    "as_float_arrays",
    "call_guarded",
    "default_judge",
    "describe_value",
    "expected_got",
    "format_points",
    "generic_mistakes",
    "partial_points",
    "short_repr",
    "shown_pair",
    "time_budget",
    "values_close",
]
