"""Checks for the exercises: immediate, mistake-specific feedback and a score table.

In a notebook::

    from adamlib.grading import check, report

    check("adam_step", adam_step)   # ✓/✗, the diagnosis, the points; never raises for a wrong fn
    ...
    report()                        # score table of the checks run in this kernel

``check(exercise_id, fn)`` runs ``fn`` on many cases (non-default hyperparameters, several
consecutive steps, ``t >= 2``, non-zero state, tiny gradients where ε placement matters, 0-d
arrays, vectors, matrices, float32 and float64) and compares every returned quantity separately
with the reference. It returns a :class:`CheckResult` (``passed``, ``points``, ``max_points``,
``message``, ``details``, ``mistakes``). Exceptions, ``None`` ("forgot to return?"), wrong tuple
lengths, shapes or dtypes, NaN/inf, inputs modified in place and an untouched stub ("not
implemented yet") are reported as feedback. When the wrong answers coincide with a catalogued
mistake (bias correction missing, ε inside the square root, wrong sign...) the message names it
and hints at the fix; otherwise it says which output is wrong in which case, expected vs got, and
the relative error. An unknown ``exercise_id`` raises :class:`UnknownExerciseError` (a
``KeyError`` and ``ValueError``) listing the known ids: that is the notebook author's mistake.

Partial credit
--------------
points = max_points x (correct cases / all cases), rounded down to 0.01; full points only when
every case is correct. A case is correct when every output of every step is right and no input
was modified. A stub earns 0.

nbgrader
--------
nbgrader (``nbgrader.utils.determine_grade``) scores an autograded code cell like this: an
``error`` output gives 0 points; otherwise the text/plain of the cell's ``execute_result`` is read
as a number: a value in (0, max] is partial credit, a value above max makes nbgrader raise, and a
non-numeric text *or 0* gives full points; no result at all gives full points. Hence:

- In a learner's notebook ``check`` never raises; its result shows as HTML (✓/✗, diagnosis,
  points) with a readable text/plain.
- Under nbgrader (it sets ``NBGRADER_EXECUTION=autograde`` or ``validate``; force with
  ``ADAMLIB_GRADING_MODE=nbgrader``) the result's text/plain is the number of points earned
  (e.g. ``1.5``), so nbgrader records partial and full credit correctly, while the HTML feedback
  stays in the graded notebook. A 0-point answer cannot be expressed as a number (nbgrader would
  give full points), so ``check`` displays the feedback and then raises :class:`CheckFailed`
  (an ``AssertionError``): the cell errors and scores 0.
- Check cells must therefore end with the bare expression ``check("<id>", fn)`` (no ``;``, no
  assignment), and the cell's nbgrader ``points`` must equal :func:`exercise_points` (the notebook
  builder takes them from here). ``tests/test_nbgrader_metadata.py`` enforces both.

Adding an exercise (full guide: ``adamlib/grading/README.md``)
--------------------------------------------------------------
Create or extend ``adamlib/grading/exercises/lNN_topic.py`` (discovered automatically)::

    from adamlib.grading import ArrayExercise, Mistake, StepCase, register
    from adamlib.grading.cases import StepCases, normal, positive, zeros

    def adamw_step(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay): ...   # reference

    def _cases():                      # seeded; inputs put in the reference's parameter order
        cases = StepCases(adamw_step, seed=7)
        cases.add(", t=3", (2, 3), x=normal, grad=normal, m=zeros, v=zeros, t=3, lr=0.01, ...,
                  later=1)             # label "2x3 float64 matrix, t=3"; one more step, new grad
        return cases

    register(ArrayExercise(
        id="adamw_step", points=2, reference=adamw_step, cases=_cases,
        outputs=("x_new", "m_new", "v_new"),
        carry={"x_new": "x", "m_new": "m", "v_new": "v"}, counter="t",
        mistakes=[Mistake("weight decay added to the gradient (L2, not AdamW)",
                          "decay x directly: x_new = x - lr*weight_decay*x - ...", buggy_fn)]))

For a function that returns something else (a float, index arrays, a schedule value) use
:class:`FunctionExercise` with a list of :class:`Call` and a ``judge(call, got, expected)``
returning ``None`` when right or a short description of what is wrong. Do not catalogue inputs
modified in place or a missing ``return``: the framework adds both to every catalogue
(:func:`~adamlib.grading.mistakes.generic_mistakes`).

Every exercise may also give ``title`` and ``rule`` (the expected computation, shown when a wrong
answer matches no catalogued mistake). ``tests/test_grading.py`` runs over every registered
exercise: the reference passes, each catalogued mistake fails and is named, a stub reports "not
implemented yet", garbage never makes ``check`` raise. A learner's function that runs longer than
the exercise's ``time_limit`` (``TIME_LIMIT_S`` = 10 s for all its calls in one check) is stopped
and reported ("did not finish in time: an endless loop?") instead of freezing the notebook.

Cells that demonstrate a learner's function
-------------------------------------------
A cell that plots or runs the learner's function wraps its body in ``with demo("adam_step"):``
(:mod:`adamlib.grading.demo`): an unfinished function ("finish `adam_step` above first"), an
exception (its type, message and the learner's line), an endless loop (stopped after
``TIME_LIMIT_S``), ``sys.exit()`` or ``KeyboardInterrupt`` print one short message instead of a
traceback, so *Run All* on an untouched exercise notebook reaches the score table.

Conceptual questions
--------------------
:class:`NumberQuestion` (a number within a tolerance) and :class:`ChoiceQuestion` (one letter)
are exercises too (:mod:`adamlib.grading.questions`, registered in
``adamlib/grading/exercises/qNN_topic.py``): ``check("q06_...", q06_...)`` takes the learner's
answer function (or the answer itself), names a catalogued misconception with a hint for a wrong
answer (never the answer), and shows in ``report()`` and nbgrader like any check.

Modules
-------
- :mod:`adamlib.grading.framework` -- the exercise types and helpers under one name, from:
- :mod:`adamlib.grading.exercise` -- the grading loop: partial credit, the diagnosis
- :mod:`adamlib.grading.mistakes` -- :class:`Mistake`, canonical names, the generic mistakes
- :mod:`adamlib.grading.array_exercise` -- :class:`ArrayExercise`, :class:`StepCase`
- :mod:`adamlib.grading.function_exercise` -- :class:`FunctionExercise`, :class:`Call`, judges
- :mod:`adamlib.grading.running` -- calling a learner's function defensively, the time budget
- :mod:`adamlib.grading.feedback` -- how values are written in messages
- :mod:`adamlib.grading.registry` -- registration, discovery, ``list_exercises``, points
- :mod:`adamlib.grading.session` -- ``check``, ``report`` and the kernel's history
- :mod:`adamlib.grading.result` -- :class:`CheckResult`, :class:`ScoreReport`, grading mode
- :mod:`adamlib.grading.demo` -- ``demo``, the guard of cells that run a learner's function
- :mod:`adamlib.grading.questions` -- conceptual questions (a number, or a choice)
- :mod:`adamlib.grading.cases` -- seeded inputs (``normal``, ``positive``, ``zeros``) and
  :class:`~adamlib.grading.cases.StepCases`, the builder of an ``ArrayExercise``'s cases
- :mod:`adamlib.grading.exercises` -- one module per lecture (``l06_adam.py``...)
"""

from __future__ import annotations

from .demo import demo
from .framework import (
    MUTATION,
    NO_RETURN,
    STUB,
    TIME_LIMIT_S,
    TIMEOUT,
    ArrayExercise,
    Call,
    Exercise,
    FunctionExercise,
    Mistake,
    StepCase,
    default_judge,
    values_close,
)
from .questions import ChoiceQuestion, NumberQuestion, Question, misconception
from .registry import (
    UnknownExerciseError,
    exercise_points,
    get_exercise,
    import_errors,
    list_exercises,
    register,
)
from .result import CheckResult, ScoreReport, grading_mode
from .session import CheckFailed, check, history, report, reset_history

__all__ = [
    "MUTATION",
    "NO_RETURN",
    "STUB",
    "TIME_LIMIT_S",
    "TIMEOUT",
    "ArrayExercise",
    "Call",
    "CheckFailed",
    "ChoiceQuestion",
    "CheckResult",
    "Exercise",
    "FunctionExercise",
    "Mistake",
    "NumberQuestion",
    "Question",
    "ScoreReport",
    "StepCase",
    "UnknownExerciseError",
    "check",
    "default_judge",
    "demo",
    "exercise_points",
    "get_exercise",
    "grading_mode",
    "history",
    "import_errors",
    "list_exercises",
    "misconception",
    "register",
    "report",
    "reset_history",
    "values_close",
]
