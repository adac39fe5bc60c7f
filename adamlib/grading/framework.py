"""Exercise types: how a learner's function is run, compared with the reference and diagnosed.

Two kinds of exercise share one grading loop (:meth:`Exercise.grade`):

- :class:`ArrayExercise` -- an optimizer-style step ``f(arrays..., hyperparameters...)`` returning
  one array or a tuple of arrays. Every returned quantity is compared separately with the
  reference, optionally over several consecutive steps (the learner's outputs are fed back in).
- :class:`FunctionExercise` -- anything else (a float, an index array, a schedule value...). Each
  :class:`Call` is judged by a ``judge(call, got, expected)`` callable that returns ``None`` when
  the answer is right and a short description of what is wrong otherwise.

Both run the learner's function defensively (:func:`call_guarded`): exceptions, ``None``, wrong
tuple lengths, wrong shapes and dtypes, NaN/inf and inputs modified in place become feedback, never
an exception in the learner's notebook. When the learner's answers coincide with a buggy
implementation from the exercise's catalogue of :class:`Mistake`\\ s, the feedback names it.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import math
import os
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .result import CheckResult, format_points

# Canonical names of the problems detected without a catalogue; a catalogue entry with one of these
# names is reported through the generic detection (its name appears in the message).
STUB = "not implemented yet"
NO_RETURN = "forgot to return"
MUTATION = "inputs modified in place"
TIMEOUT = "did not finish in time"

#: Seconds a learner's function may run in one ``check`` (all its calls together). An endless
#: loop is stopped and reported instead of freezing the notebook; every reference solution
#: needs well under a second for all its cases.
TIME_LIMIT_S = 10.0

_MAX_EXC_CHARS = 160
_TINY = 1e-300
_NUMPY_DIR = os.path.dirname(np.__file__)
_THIS_DIR = os.path.dirname(__file__)


@dataclass(frozen=True)
class Mistake:
    """A common mistake: its name, a hint at the fix, and a buggy implementation exhibiting it.

    Parameters
    ----------
    name : str
        Short name shown to the learner, e.g. ``"bias correction missing"``.
    hint : str
        One or two sentences pointing at the fix.
    buggy : callable
        An implementation with exactly this mistake (same signature as the reference). The tests
        check that it fails and that the feedback names the mistake.
    """

    name: str
    hint: str
    buggy: Callable[..., Any]


# --------------------------------------------------------------------------------------------
# Running a function defensively
# --------------------------------------------------------------------------------------------


@dataclass
class CallOutcome:
    """What happened when a function was called once."""

    value: Any = None
    error: BaseException | None = None
    error_text: str = ""
    mutated: tuple[str, ...] = ()
    printed: str = ""

    @property
    def stub(self) -> bool:
        return isinstance(self.error, NotImplementedError)


class TimeLimit(BaseException):  # reported to learners, never raised to them
    """Raised inside a learner's function when the check's time budget is used up.

    A BaseException, so that a learner's own ``except Exception:`` cannot swallow it. Once the
    budget is used up it is raised again at every opportunity the interpreter offers (every loop
    iteration, every call) until the learner's call has returned, so even a bare ``except:``
    inside ``while True:`` cannot swallow it for good: the first time the learner's code leaves
    its ``try`` block -- to run the handler or to loop again -- the stop is raised there, outside
    the ``try``, and unwinds the function.
    """


@dataclass
class _Budget:
    deadline: float
    seconds: float | None
    armed: bool = False
    interrupted: bool = False  # a KeyboardInterrupt stopped a call: run no further learner calls


_BUDGET: list[_Budget] = []  # the running check's budget (a stack: checks do not nest in practice)


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_budget(seconds: float | None):
    """Limit the learner's calls made by :func:`call_guarded` inside this block to ``seconds``
    in total (``None``: no limit). Uses ``SIGALRM``, so it works in the main thread on Unix (the
    notebook kernel); elsewhere the limit is a no-op. Inside the block, a ``KeyboardInterrupt``
    raised by (or during) one learner call makes the further calls skip the learner's function.
    """
    deadline = math.inf if seconds is None else time.monotonic() + seconds
    _BUDGET.append(_Budget(deadline, seconds))
    try:
        yield
    finally:
        _BUDGET.pop()


def _pending_retrip() -> Callable[[], Any] | None:
    """A function that makes SIGALRM pending again *after* the current signal handler has
    returned, or ``None`` where CPython's C API is not available.

    ``signal.raise_signal`` would not do: it runs the handler at once, inside the handler. A
    CPython *pending call* of ``PyErr_SetInterruptEx(SIGALRM)`` is run at the interpreter's next
    check point after the signals have been handled, so the signal stays tripped until the
    learner's code reaches its next check point (a loop iteration, a call).
    """
    try:
        import ctypes

        api = ctypes.pythonapi
        add = api.Py_AddPendingCall
        add.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        add.restype = ctypes.c_int
        trip = ctypes.cast(api.PyErr_SetInterruptEx, ctypes.c_void_p)
        signum = ctypes.c_void_p(int(signal.SIGALRM))
    except (ImportError, AttributeError, OSError):  # pragma: no cover - not CPython
        return None
    return lambda: add(trip, signum)


_RETRIP = _pending_retrip() if hasattr(signal, "SIGALRM") else None


def _on_alarm(signum: int, frame: Any) -> None:
    if _BUDGET and _BUDGET[-1].armed:
        # Make the signal pending again, then raise (a class, not a call: no check point in
        # between): the interpreter runs this handler again -- and raises again -- at its next
        # check point, wherever the learner's `except:` has taken the code. Disarming at the end
        # of the call ends the chain. Without ctypes the 50 ms interval timer still re-raises.
        if _RETRIP is not None:
            _RETRIP()
        raise TimeLimit


def _settle() -> None:
    """A few interpreter check points, so that a pending SIGALRM reaches the (disarmed) handler
    before the previous handler is restored."""
    for _ in range(3):
        pass


def _call_with_budget(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    budget = _BUDGET[-1] if _BUDGET else None
    if budget is not None and budget.interrupted:
        raise KeyboardInterrupt("not run: an earlier call of this check was interrupted")
    if budget is None or budget.seconds is None or not _can_interrupt():
        return fn(*args, **kwargs)
    remaining = budget.deadline - time.monotonic()
    if remaining <= 0:
        raise TimeLimit()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    budget.armed = True
    signal.setitimer(signal.ITIMER_REAL, remaining, 0.05)
    try:
        return fn(*args, **kwargs)
    finally:
        budget.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        _settle()
        signal.signal(signal.SIGALRM, previous)


def _exception_text(exc: BaseException) -> str:
    """``"ZeroDivisionError: division by zero (at `m / (1 - beta1**t)`)"``, short."""
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if len(text) > _MAX_EXC_CHARS:
        text = text[: _MAX_EXC_CHARS - 3] + "..."
    return text + _exception_line(exc)


def _exception_line(exc: BaseException) -> str:
    """`` (at `the learner's line`)`` or ``""``."""
    text = ""
    frames = traceback.extract_tb(exc.__traceback__)
    learner = [
        f
        for f in frames
        if f.filename
        and not f.filename.startswith(_NUMPY_DIR)
        and not f.filename.startswith(_THIS_DIR)
        and f.line
    ]
    line = learner[-1].line if learner else None
    if line:
        text += f" (at `{line.strip()}`)"
    return text


def _unchanged(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or before.shape != after.shape:
            return False
        try:
            return bool(np.array_equal(before, after, equal_nan=True))
        except TypeError:
            return bool(np.array_equal(before, after))
    if isinstance(before, list | dict):
        try:
            return bool(before == after)
        except Exception:  # noqa: BLE001 - e.g. lists of arrays
            return True
    return True


def call_guarded(
    fn: Callable[..., Any],
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    arg_names: Sequence[str] | None = None,
) -> CallOutcome:
    """Call ``fn(*args, **kwargs)`` on copies of the inputs; never raises for a wrong ``fn``.

    The function receives deep copies; afterwards they are compared with the originals to detect
    inputs modified in place. Printed output, warnings and floating-point errors are captured.

    Parameters
    ----------
    fn : callable
        The function under test.
    args, kwargs
        The call's arguments (not modified).
    arg_names : sequence of str, optional
        Names of the positional arguments, used when reporting a modified input.

    Returns
    -------
    CallOutcome
    """
    given_args = copy.deepcopy(list(args))
    given_kwargs = copy.deepcopy(dict(kwargs))
    buffer = io.StringIO()
    outcome = CallOutcome()
    try:
        with (
            contextlib.redirect_stdout(buffer),
            contextlib.redirect_stderr(buffer),
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
        ):
            warnings.simplefilter("ignore")
            outcome.value = _call_with_budget(fn, given_args, given_kwargs)
    except TimeLimit as exc:
        outcome.error = exc
        seconds = _BUDGET[-1].seconds if _BUDGET else None
        outcome.error_text = f"did not finish within the check's {seconds or TIME_LIMIT_S:g} s"
    except KeyboardInterrupt as exc:  # the learner's raise, or the kernel's interrupt button
        if _BUDGET:
            _BUDGET[-1].interrupted = True
        outcome.error = exc
        outcome.error_text = "was interrupted (KeyboardInterrupt)"
    except SystemExit as exc:
        outcome.error = exc
        outcome.error_text = (
            f"called sys.exit({'' if exc.code is None else repr(exc.code)}) (SystemExit): a "
            "function must return its result; sys.exit(), exit() and quit() would stop Python"
        )
        outcome.error_text += _exception_line(exc)
    except BaseException as exc:  # noqa: BLE001 - any learner error becomes feedback
        outcome.error = exc
        outcome.error_text = _exception_text(exc)
    outcome.printed = buffer.getvalue()
    names = list(arg_names or [])
    mutated = []
    for i, (before, after) in enumerate(zip(args, given_args, strict=True)):
        if not _unchanged(before, after):
            mutated.append(names[i] if i < len(names) else f"argument {i + 1}")
    for key, before in kwargs.items():
        if not _unchanged(before, given_kwargs[key]):
            mutated.append(key)
    outcome.mutated = tuple(mutated)
    return outcome


# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------


def short_repr(value: Any, max_chars: int = 180) -> str:
    """A compact, deterministic rendering of a value for feedback messages (never raises)."""
    try:
        text = _short_repr(value)
    except Exception:  # noqa: BLE001 - a learner's object with a broken __repr__
        text = f"<{type(value).__name__} object>"
    if len(text) > max_chars:
        text = text[: max_chars - 3] + "..."
    return text


def _short_repr(value: Any) -> str:
    if isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.ndim == 0:
            text = f"{arr.item():.6g}" if np.issubdtype(arr.dtype, np.number) else repr(arr.item())
        else:
            with np.printoptions(precision=6, threshold=12, edgeitems=3, linewidth=10_000):
                text = np.array2string(arr, separator=", ").replace("\n", "")
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = repr(value)
    return text


def _render(value: Any, digits: int) -> str:
    """``value`` with ``digits`` significant digits (numbers, arrays, tuples and lists of them)."""
    if value is None or isinstance(value, bool | np.bool_ | str | bytes | complex):
        return repr(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.{digits}g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _render(value[()], digits)
        if not np.issubdtype(value.dtype, np.floating):
            return short_repr(value, 10_000)
        with np.printoptions(precision=digits, threshold=12, edgeitems=3, linewidth=10_000):
            return np.array2string(value, separator=", ").replace("\n", "")
    if isinstance(value, tuple | list):
        items = [_render(v, digits) for v in value]
        if isinstance(value, list):
            return f"[{', '.join(items)}]"
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return short_repr(value, 10_000)


def _largest_difference(expected: Any, got: Any) -> tuple[int, ...] | None:
    """Index of the element where two arrays of the same shape differ most (NaN vs a number
    counts as the largest difference), or ``None``."""
    try:
        if np.iscomplexobj(expected) or np.iscomplexobj(got):
            return None
        e = np.asarray(expected, dtype=np.float64)
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if e.shape != g.shape or e.ndim == 0 or e.size == 0:
        return None
    with np.errstate(all="ignore"):
        err = np.abs(g - e)
        same = (np.isnan(e) & np.isnan(g)) | (np.isinf(e) & (e == g))
        err = np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))
    if not np.any(err > 0):
        return None
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), e.shape))


def shown_pair(
    expected: Any, got: Any, digits: int | None = None, max_chars: int = 180
) -> tuple[str, str, str]:
    """How to show ``expected`` and ``got`` so that a difference is visible.

    Returns ``(expected_text, got_text, index)``. The texts are the usual renderings
    (:func:`short_repr`, or ``digits`` significant digits) when these differ; otherwise they are
    printed with more digits, as many as needed; when even that shows no difference (a long
    array), ``index`` (e.g. ``"1, 2"``) names the element that differs most and the texts are
    that element's values. A learner never sees ``expected X, got X`` for different values.
    """
    if digits is None:
        e_text, g_text = short_repr(expected, max_chars), short_repr(got, max_chars)
    else:
        e_text, g_text = _render(expected, digits), _render(got, digits)
    if e_text != g_text:
        return e_text, g_text, ""
    try:
        for more in range((digits or 6) + 1, 18):
            e_more, g_more = _render(expected, more), _render(got, more)
            if e_more != g_more and max(len(e_more), len(g_more)) <= max_chars:
                return e_more, g_more, ""
        where = _largest_difference(expected, got)
        if where is not None:
            e_item = np.asarray(expected)[where]
            g_item = np.asarray(got)[where]
            e_text, g_text, _ = shown_pair(e_item, g_item, digits, max_chars)
            return e_text, g_text, ", ".join(str(i) for i in where)
    except Exception:  # noqa: BLE001 - a learner's odd object: fall back to its type below
        pass
    if type(expected) is not type(got):
        e_text += f" ({describe_value(expected)})"
        g_text += f" ({describe_value(got)})"
    return e_text, g_text, ""


def expected_got(expected: Any, got: Any, digits: int | None = None) -> str:
    """``"expected 0.1234567, got 0.1234568"``: as many digits as it takes to see the difference
    (see :func:`shown_pair`); for long arrays that look alike, the element that differs most."""
    e_text, g_text, where = shown_pair(expected, got, digits)
    if where:
        return f"at index [{where}] (the largest difference): expected {e_text}, got {g_text}"
    return f"expected {e_text}, got {g_text}"


def describe_value(value: Any) -> str:
    """``"float64 array of shape (2, 3)"``, ``"list"``, ``"None"``..."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, np.generic):
        return f"NumPy {value.dtype} scalar"
    if isinstance(value, tuple | list):
        return f"{type(value).__name__} of length {len(value)}"
    return type(value).__name__


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------------------------
# The grading loop shared by every exercise type
# --------------------------------------------------------------------------------------------


@dataclass
class Step:
    """One call inside a case run: its inputs, its outcome, and the parsed outputs."""

    inputs: dict[str, Any]
    outcome: CallOutcome
    outputs: tuple[Any, ...] | None = None  # None when the call failed or returned a bad structure
    problem: str = ""  # why outputs is None
    kind: str = ""  # "stub", "exception", "none", "structure"


@dataclass
class CaseVerdict:
    """The comparison of a learner's run of one case with the reference's run."""

    ok: bool
    kinds: set[str] = field(default_factory=set)  # problem categories
    summary: str = ""  # one line: what went wrong
    detail: str = ""  # several lines: inputs, expected vs got
    wrong_outputs: tuple[str, ...] = ()
    right_outputs: tuple[str, ...] = ()
    valid: bool = True  # every step produced outputs that can be compared with a mistake's
    step: int = 0  # index of the first failing step
    look_alike: bool = False  # wrong values only, and they print like the expected ones


@dataclass(kw_only=True)
class Exercise:
    """Base class: an exercise with an id, points, a reference and a mistake catalogue.

    Subclasses provide :meth:`cases`, :meth:`run`, :meth:`compare` and :meth:`same`; the grading
    loop, partial credit, mistake matching and the message live here.

    Parameters
    ----------
    id : str
        Unique exercise id, as used in ``check("<id>", fn)``.
    points : float
        Maximum points.
    reference : callable
        The correct implementation.
    mistakes : sequence of Mistake
        The catalogue of common mistakes.
    lecture : str
        Lecture stem such as ``"06_adam"``; filled in from the module name by ``register`` when
        empty.
    title : str
        Optional human-readable title.
    signature : str
        Shown in messages; generated when empty.
    rule : str
        The expected computation in one or two lines (e.g. ``"x_new = x - lr * grad"``), shown
        when the answer is wrong and no catalogued mistake explains it.
    time_limit : float or None
        Seconds the learner's function may run in one check, all cases together (``None``: no
        limit); an endless loop is stopped and reported.
    """

    id: str
    points: float
    reference: Callable[..., Any]
    mistakes: Sequence[Mistake] = ()
    lecture: str = ""
    title: str = ""
    signature: str = ""
    rule: str = ""
    time_limit: float | None = TIME_LIMIT_S

    # -- hooks for subclasses ------------------------------------------------------------------
    def cases(self) -> list[Any]:
        """The test cases (each with a ``label`` attribute)."""
        raise NotImplementedError

    def run(self, fn: Callable[..., Any], case: Any) -> list[Step]:
        """Run ``fn`` on one case."""
        raise NotImplementedError

    def compare(self, case: Any, expected: list[Step], got: list[Step]) -> CaseVerdict:
        """Compare a learner's run with the reference's run."""
        raise NotImplementedError

    def same(self, case: Any, a: list[Step], b: list[Step]) -> bool:
        """Whether two runs of a case give the same answers (used to match mistakes)."""
        raise NotImplementedError

    def output_names(self) -> tuple[str, ...]:
        return ("result",)

    def all_cases(self) -> list[Any]:
        """The cases plus the generic ones the framework adds (e.g. reproducibility)."""
        return self.cases()

    # -- the grading loop -------------------------------------------------------------------------
    def grade(self, fn: Any) -> CheckResult:
        """Run ``fn`` on every case and build the feedback; never raises because of ``fn``."""
        if not callable(fn):
            extra = ""
            if isinstance(fn, tuple | np.ndarray | float | int):
                extra = (
                    f' Pass the function itself, e.g. check("{self.id}", {self.id}), '
                    "not its result."
                )
            return self._result(
                0,
                0,
                f"Expected a function but got {describe_value(fn)}.{extra}",
                (),
                (),
            )
        cases = self.all_cases()
        ref_runs = [self.run(self.reference, case) for case in cases]
        for case, ref in zip(cases, ref_runs, strict=True):
            bad = [s for s in ref if s.outputs is None or s.outcome.mutated]
            if bad:  # a bug of the exercise's author, not of the learner
                raise RuntimeError(
                    f"reference of exercise {self.id!r} fails on case {case.label!r}: "
                    f"{bad[0].problem or bad[0].outcome.mutated}"
                )
        try:
            return self._grade_learner(fn, cases, ref_runs)
        except Exception as exc:  # noqa: BLE001 - last resort: check() must not raise for fn
            return self._result(
                0,
                len(cases),
                "Your function returned something that could not be checked "
                f"({_exception_text(exc)}). Return NumPy arrays or numbers as described in the "
                "exercise.",
                (),
                (),
            )

    def _grade_learner(
        self, fn: Callable[..., Any], cases: list[Any], ref_runs: list[list[Step]]
    ) -> CheckResult:
        with time_budget(self.time_limit):  # the learner's calls only, not the catalogue's
            runs = [self.run(fn, case) for case in cases]
        verdicts = [
            self.compare(case, ref, got)
            for case, ref, got in zip(cases, ref_runs, runs, strict=True)
        ]
        n_ok = sum(v.ok for v in verdicts)
        details = tuple(
            f"{'✓' if v.ok else '✗'} {case.label}" + ("" if v.ok else f": {v.summary}")
            for case, v in zip(cases, verdicts, strict=True)
        )
        printed = next((s.outcome.printed for run in runs for s in run if s.outcome.printed), "")
        if n_ok == len(cases):
            lines = [f"All {len(cases)} test cases are correct."]
            if printed:
                lines.append(_printed_note(printed))
            return self._result(len(cases), len(cases), "\n".join(lines), details, ())
        lines, names = self._diagnose(cases, ref_runs, runs, verdicts)
        if printed:
            lines.append(_printed_note(printed))
        return self._result(n_ok, len(cases), "\n".join(lines), details, names)

    def _result(
        self,
        n_ok: int,
        n_cases: int,
        message: str,
        details: tuple[str, ...],
        mistakes: Sequence[str],
    ) -> CheckResult:
        passed = n_ok == n_cases and n_cases > 0
        return CheckResult(
            exercise_id=self.id,
            passed=passed,
            points=partial_points(self.points, n_ok, n_cases),
            max_points=float(self.points),
            message=message,
            details=details,
            mistakes=tuple(mistakes),
            cases_passed=n_ok,
            cases_total=n_cases,
            title=self.title,
        )

    def _diagnose(
        self,
        cases: list[Any],
        ref_runs: list[list[Step]],
        runs: list[list[Step]],
        verdicts: list[CaseVerdict],
    ) -> tuple[list[str], list[str]]:
        failing = [i for i, v in enumerate(verdicts) if not v.ok]
        first = failing[0]
        n_fail = len(failing)
        lines: list[str] = []
        names: list[str] = []

        slow = [i for i in failing if any(isinstance(s.outcome.error, TimeLimit) for s in runs[i])]
        if slow:
            finished = len(cases) - len(slow)
            lines.append(
                f"{self.id} {TIMEOUT}: it was stopped after {self.time_limit:g} s, in case "
                f"{cases[slow[0]].label} ({finished} of the {len(cases)} cases had finished). "
                "An endless loop? Check that every `while` loop's condition becomes false, or "
                "loop with `for` over a range. One call should take milliseconds."
            )
            names.append(TIMEOUT)
            return lines, names

        stub = [i for i in failing if "stub" in verdicts[i].kinds]
        if stub:
            lines.append(
                f"{self.id} is {STUB}: it raised NotImplementedError. Replace the line "
                "`raise NotImplementedError()` with your code, then run this cell again."
            )
            names.append(STUB)
            return lines, names

        # Catalogued mistakes that reproduce the learner's wrong answers.
        full, partial = self._match_mistakes(cases, ref_runs, runs, verdicts)
        generic = self._generic_problems(cases, verdicts, failing)
        # Problems found without the catalogue (a changed input, a wrong dtype or shape, None,
        # non-finite values) come first; a value-based guess only when values are what's wrong.
        lines.extend(generic)
        if not any(verdicts[i].kinds <= {"value"} for i in failing):
            partial = []
        if full:
            mistake = full[0]
            also = [m.name for m in full[1:]]
            text = f"Diagnosis: {mistake.name}."
            if also:
                text += f" (Indistinguishable here from: {'; '.join(also)}.)"
            lines.append(text + f" Hint: {mistake.hint}")
            names.extend(m.name for m in full)
        elif partial:
            mistake, k, n = partial[0]
            lines.append(
                f"Probably: {mistake.name} (in {k} of the {n} failing cases your answers are "
                f"close to what that mistake gives; something else differs too). "
                f"Hint: {mistake.hint}"
            )
            names.append(mistake.name)
        if not full and not partial and not generic and self.rule:
            lines.append(
                f"No common mistake recognised. Compare your code with the rule: {self.rule}"
            )
        if MUTATION in " ".join(generic):
            names.append(MUTATION)
        if NO_RETURN in " ".join(generic):
            names.append(NO_RETURN)

        outputs = self.output_names()
        if len(outputs) > 1:
            wrong_counts = {
                name: sum(name in verdicts[i].wrong_outputs for i in failing) for name in outputs
            }
            compared = [
                i for i in failing if verdicts[i].wrong_outputs or verdicts[i].right_outputs
            ]
            if compared:
                right = [n for n, c in wrong_counts.items() if c == 0]
                wrong = [f"{n} in {_plural(c, 'case')}" for n, c in wrong_counts.items() if c > 0]
                if wrong:
                    text = f"Wrong: {_join(wrong)}."
                    if right:
                        text += f" Right: {_join(right)} (in every failing case)."
                    lines.append(text)
        if not full:
            pattern = self._pattern_hint(cases, failing, verdicts)
            if pattern:
                lines.append(pattern)
        shown = self._case_to_show(cases, ref_runs, runs, verdicts, failing)
        which = "First failing case" if shown == first else "Most wrong case"
        lines.append(
            f"{_plural(n_fail, 'case')} of {len(cases)} failed. {which}: {cases[shown].label}"
        )
        if verdicts[shown].detail:
            lines.append(verdicts[shown].detail)
        return lines, names

    def _case_to_show(
        self,
        cases: list[Any],
        ref_runs: list[list[Step]],
        runs: list[list[Step]],
        verdicts: list[CaseVerdict],
        failing: list[int],
    ) -> int:
        """The failing case whose detail is shown: the first one, unless it is only slightly
        wrong (its values print like the expected ones) while other cases are visibly wrong;
        then the case with the largest error."""
        first = failing[0]
        if not verdicts[first].look_alike:
            return first
        sizes = {}
        for i in failing:
            v = verdicts[i]
            if v.kinds and v.kinds <= {"value"} and not v.look_alike:
                try:
                    size = float(self.error_size(cases[i], runs[i], ref_runs[i]))
                except Exception:  # noqa: BLE001 - odd learner output types
                    size = math.nan
                if not math.isnan(size):
                    sizes[i] = size
        if not sizes:
            return first
        return max(sizes, key=lambda i: (sizes[i], -i))

    def error_size(self, case: Any, got: list[Step], expected: list[Step]) -> float:
        """How wrong the run ``got`` is (relative error), to pick the case shown; NaN when it
        cannot be measured."""
        return math.nan

    def traits(self, case: Any) -> set[str]:
        """Kinds of case (``"0-d"``, ``"multi-step"``, ``"float32"``) for pattern hints."""
        return set()

    def _pattern_hint(
        self, cases: list[Any], failing: list[int], verdicts: list[CaseVerdict]
    ) -> str:
        """A hint when exactly the cases of one kind fail (e.g. only the 0-d ones)."""
        traits = [self.traits(case) for case in cases]
        failed = set(failing)
        for trait, hint in _PATTERN_HINTS.items():
            having = {i for i, t in enumerate(traits) if trait in t}
            if not having or having != failed or len(having) == len(cases):
                continue
            if trait == "multi-step" and any(verdicts[i].step == 0 for i in failing):
                continue  # the first step already fails: not a problem of carrying state
            return hint
        return ""

    def _generic_problems(
        self, cases: list[Any], verdicts: list[CaseVerdict], failing: list[int]
    ) -> list[str]:
        """Lines about problems found without the catalogue (exceptions, None, shapes...)."""
        order = [
            "exception",
            "none",
            "structure",
            "mutation",
            "type",
            "shape",
            "dtype",
            "nan",
            "reproducibility",
        ]
        lines = []
        for kind in order:
            hit = [i for i in failing if kind in verdicts[i].kinds]
            if not hit:
                continue
            i = hit[0]
            where = f"in {_plural(len(hit), 'case')}" + (
                f", e.g. {cases[i].label}" if len(hit) else ""
            )
            lines.append(f"{verdicts[i].summary} ({where}).")
        return lines

    def _match_mistakes(
        self,
        cases: list[Any],
        ref_runs: list[list[Step]],
        runs: list[list[Step]],
        verdicts: list[CaseVerdict],
    ) -> tuple[list[Mistake], list[tuple[Mistake, int, int]]]:
        failing_valid = [i for i, v in enumerate(verdicts) if not v.ok and v.valid]
        if not failing_valid:
            return [], []
        full: list[Mistake] = []
        partial: list[tuple[Mistake, int, int]] = []
        for mistake in self.mistakes:
            if mistake.name in (STUB, NO_RETURN, MUTATION):
                continue  # detected generically
            m_runs = [self.run(mistake.buggy, case) for case in cases]
            differs = [
                not self.same(case, m, r)
                for case, m, r in zip(cases, m_runs, ref_runs, strict=True)
            ]
            if not any(differs):
                continue
            agree = 0
            contradicted = False
            for i, (case, m, g) in enumerate(zip(cases, m_runs, runs, strict=True)):
                if not verdicts[i].valid:
                    continue
                if self.same(case, g, m):
                    if not verdicts[i].ok:
                        agree += 1
                else:
                    contradicted = True
            if agree and not contradicted:
                full.append(mistake)
                continue
            # Not an exact match: is the learner much closer to this mistake than to the
            # reference in most failing cases? (e.g. this mistake plus a smaller second one)
            near = 0
            for i in failing_valid:
                if not differs[i]:
                    continue  # this mistake gives the right answer here: no evidence for it
                to_ref = self.distance(cases[i], runs[i], ref_runs[i])
                to_mistake = self.distance(cases[i], runs[i], m_runs[i])
                if np.isfinite(to_mistake) and to_mistake <= 0.2 * to_ref:
                    near += 1
            if near * 2 > len(failing_valid):  # most failing cases: one of two is a coin toss
                partial.append((mistake, near, len(failing_valid)))
        partial.sort(key=lambda item: -item[1])
        return full, partial

    def distance(self, case: Any, a: list[Step], b: list[Step]) -> float:
        """How far run ``a`` is from run ``b`` (0 when the same; ``inf`` when incomparable)."""
        return 0.0 if self.same(case, a, b) else float("inf")


_PATTERN_HINTS = {
    "0-d": (
        "Only the 0-d (scalar) cases fail: avoid len(x), x[i], x[:] and Python loops over "
        "elements; whole-array NumPy expressions work for every shape."
    ),
    "multi-step": (
        "Single steps are right but consecutive steps go wrong: return the new state (not the "
        "old one or a bias-corrected copy) and keep no state of your own between calls."
    ),
    "float32": (
        "Only the float32 cases fail: keep the input dtype, and avoid constants or operations "
        "that lose precision."
    ),
}


def partial_points(max_points: float, n_ok: int, n_cases: int) -> float:
    """Points for ``n_ok`` correct cases out of ``n_cases``: proportional, rounded down to 0.01.

    Full points only when every case is correct.
    """
    if n_cases <= 0 or n_ok <= 0:
        return 0.0
    if n_ok >= n_cases:
        return float(max_points)
    pts = int(max_points * n_ok / n_cases * 100 + 1e-9) / 100
    return min(pts, round(max_points - 0.01, 2))


def _printed_note(printed: str) -> str:
    lines = printed.strip().splitlines()
    first = lines[0] if lines else ""
    if len(first) > 80:
        first = first[:77] + "..."
    return (
        f"Note: your function printed output during the check ({_plural(len(lines), 'line')}, "
        f"first: {first!r}); it was hidden."
    )


# --------------------------------------------------------------------------------------------
# Array steps (optimizer updates)
# --------------------------------------------------------------------------------------------


@dataclass
class StepCase:
    """A test case for an :class:`ArrayExercise`.

    Parameters
    ----------
    label : str
        Shown to the learner, e.g. ``"2x3 float32 matrix, t=5, non-zero m and v"``.
    inputs : dict
        Every argument of the first call, by name.
    later : sequence of dict
        For a multi-step case, one dict per further step with the inputs that change (typically a
        new ``grad``). Carried quantities (``x``, ``m``...) come from the previous step's outputs
        and the counter (``t``) is incremented automatically.
    """

    label: str
    inputs: dict[str, Any]
    later: Sequence[dict[str, Any]] = ()


def _expected_got_lines(name: str, expected: Any, got: Any, note: str = "") -> str:
    """The ``expected``/``got`` lines of one output in a case's detail, aligned; the values are
    printed with enough digits to differ, or only the element that differs most (``x_new[1, 2]``)
    when two long arrays would look alike."""
    e_text, g_text, where = shown_pair(expected, got)
    label = f"{name}[{where}]" if where else name
    pad = " " * len(label)
    lines = [f"  {label}: expected {e_text}", f"  {pad}  got      {g_text}"]
    if where:
        lines[-1] += "   (the element with the largest error)"
    if note:
        lines.append(f"  {pad}  {note}")
    return "\n".join(lines)


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray)


@dataclass(kw_only=True)
class ArrayExercise(Exercise):
    """An optimizer-style step: arrays in, one array or a tuple of arrays out.

    Parameters
    ----------
    outputs : tuple of str
        Names of the returned quantities, e.g. ``("x_new", "m_new", "v_new")``. One name means
        the function returns a single array.
    cases : callable
        ``cases() -> list[StepCase]``; build inputs from a fixed seed.
    carry : dict
        For multi-step cases: output name -> input name fed with it at the next step, e.g.
        ``{"x_new": "x", "m_new": "m", "v_new": "v"}``. Also used to compare each output relative
        to the size of its change (``x_new - x``), so that small steps are checked precisely.
    counter : str or None
        Input incremented by one at each further step (``"t"`` for Adam).
    rtol : dict
        Relative tolerance per dtype name, relative to the size of the change of each output.

    Notes
    -----
    Call convention: the leading inputs that are NumPy arrays are passed positionally, everything
    from the first non-array on by keyword (``adam_step(x, grad, m, v, t=1, lr=0.001, ...)``).
    A returned value must be a NumPy array (or NumPy scalar, or a Python float for 0-d cases)
    with the reference's shape and dtype, finite where the reference is finite.
    """

    outputs: tuple[str, ...]
    cases: Callable[[], list[StepCase]]
    carry: dict[str, str] = field(default_factory=dict)
    counter: str | None = None
    rtol: dict[str, float] = field(
        default_factory=lambda: {"float64": 1e-7, "float32": 1e-4, "float16": 1e-2}
    )

    def __post_init__(self) -> None:
        if not self.signature:
            params = ", ".join(inspect.signature(self.reference).parameters)
            outs = self.outputs[0] if len(self.outputs) == 1 else f"({', '.join(self.outputs)})"
            self.signature = f"{self.id}({params}) -> {outs}"
        for out, inp in self.carry.items():
            if out not in self.outputs:
                raise ValueError(f"carry: {out!r} is not one of outputs {self.outputs}")
            del inp

    def output_names(self) -> tuple[str, ...]:
        return self.outputs

    def traits(self, case: StepCase) -> set[str]:
        arrays = [v for v in case.inputs.values() if isinstance(v, np.ndarray)]
        found = set()
        if arrays and all(a.ndim == 0 for a in arrays):
            found.add("0-d")
        if case.later:
            found.add("multi-step")
        if any(a.dtype == np.float32 for a in arrays):
            found.add("float32")
        return found

    # -- running -----------------------------------------------------------------------------------
    def _call(self, fn: Callable[..., Any], inputs: dict[str, Any]) -> Step:
        names = list(inputs)
        n_pos = 0
        while n_pos < len(names) and _is_array(inputs[names[n_pos]]):
            n_pos += 1
        args = [inputs[n] for n in names[:n_pos]]
        kwargs = {n: inputs[n] for n in names[n_pos:]}
        outcome = call_guarded(fn, args, kwargs, names[:n_pos])
        step = Step(inputs=inputs, outcome=outcome)
        if outcome.error is not None:
            step.kind = "stub" if outcome.stub else "exception"
            step.problem = outcome.error_text
            return step
        value = outcome.value
        n = len(self.outputs)
        if value is None:
            step.kind = "none"
            step.problem = (
                f"returned None: {NO_RETURN}? End with `return {', '.join(self.outputs)}`"
            )
            return step
        if n == 1:
            if isinstance(value, tuple | list) and len(value) == 1:
                step.kind = "structure"
                step.problem = (
                    f"returned a {type(value).__name__} of length 1; return the array "
                    f"{self.outputs[0]} itself"
                )
                return step
            step.outputs = (value,)
            return step
        if not isinstance(value, tuple | list):
            step.kind = "structure"
            step.problem = (
                f"returned a single {describe_value(value)}; expected a tuple of {n} values "
                f"({', '.join(self.outputs)})"
            )
            return step
        if len(value) != n:
            step.kind = "structure"
            step.problem = (
                f"returned {_plural(len(value), 'value')}; "
                f"expected {n}: ({', '.join(self.outputs)})"
            )
            return step
        step.outputs = tuple(value)
        return step

    def run(self, fn: Callable[..., Any], case: StepCase) -> list[Step]:
        steps: list[Step] = []
        inputs = dict(case.inputs)
        for k in range(1 + len(case.later)):
            if k > 0:
                prev = steps[-1]
                assert prev.outputs is not None
                inputs = dict(inputs)
                for out_name, in_name in self.carry.items():
                    inputs[in_name] = prev.outputs[self.outputs.index(out_name)]
                if self.counter is not None:
                    inputs[self.counter] = inputs[self.counter] + 1
                inputs.update(case.later[k - 1])
            step = self._call(fn, inputs)
            steps.append(step)
            if step.outputs is None:
                break
            if k < len(case.later) and any(
                not isinstance(step.outputs[self.outputs.index(o)], np.ndarray | np.generic | float)
                for o in self.carry
            ):
                break  # cannot feed this back in; the comparison reports why
        return steps

    # -- comparing -------------------------------------------------------------------------------
    def _tol(self, dtype: np.dtype) -> float:
        return self.rtol.get(np.dtype(dtype).name, 1e-7)

    def _close(self, got: Any, expected: Any, before: Any) -> tuple[bool, float, float]:
        """Compare values (NaN equals NaN), relative to the size of the change from ``before``."""
        e = np.asarray(expected)
        dtype = e.dtype if np.issubdtype(e.dtype, np.floating) else np.dtype(np.float64)
        if np.iscomplexobj(got):
            return False, float("inf"), float("inf")
        try:
            g64 = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return False, float("inf"), float("inf")
        e64 = e.astype(np.float64)
        if g64.shape != e64.shape:
            return False, float("inf"), float("inf")
        with np.errstate(all="ignore"):
            if before is not None and np.shape(before) == e64.shape:
                change = np.abs(e64 - np.asarray(before, dtype=np.float64))
            else:
                change = np.abs(e64)
            finite_change = change[np.isfinite(change)]
            scale = float(finite_change.max()) if finite_change.size else 0.0
            err = np.abs(g64 - e64)
            allowed = self._tol(dtype) * scale + 16 * np.finfo(dtype).eps * np.abs(e64) + _TINY
            both_nan = np.isnan(g64) & np.isnan(e64)
            same_inf = np.isinf(g64) & np.isinf(e64) & (np.sign(g64) == np.sign(e64))
            ok_elem = (err <= allowed) | both_nan | same_inf
            ok = bool(np.all(ok_elem))
            finite_err = err[np.isfinite(err)]
            max_err = float(finite_err.max()) if finite_err.size else float("inf")
            if not np.all(np.isfinite(err[~(both_nan | same_inf)])):
                max_err = float("inf")
            if before is not None and np.shape(before) == e64.shape:
                ref = scale  # relative to the expected change, e.g. of x_new - x
            else:
                ref = float(np.abs(e64[np.isfinite(e64)]).max()) if np.isfinite(e64).any() else 0.0
            rel = max_err / ref if ref > 0 else max_err
        return ok, max_err, rel

    def _check_output(
        self, name: str, got: Any, expected: Any, before: Any, before_name: str = ""
    ) -> tuple[str, str, str]:
        """Return ``(kind, summary, detail)``; kind is ``""`` when the output is right."""
        exp = np.asarray(expected)
        if got is None:
            return "none", f"{name} is None: {NO_RETURN}?", f"  {name}: got None"
        if isinstance(got, float) and exp.ndim == 0:
            got_arr = np.asarray(got)
        elif isinstance(got, np.ndarray | np.generic):
            got_arr = np.asarray(got)
        else:
            return (
                "type",
                f"{name} has type {type(got).__name__}; expected a NumPy array "
                "(build it with NumPy operations or np.asarray)",
                f"  {name}: got {short_repr(got)}",
            )
        if not (
            np.issubdtype(got_arr.dtype, np.floating) or np.issubdtype(got_arr.dtype, np.integer)
        ):
            return (
                "dtype",
                f"{name} has dtype {got_arr.dtype}, expected {exp.dtype}",
                f"  {name}: got {short_repr(got)}",
            )
        if got_arr.shape != exp.shape:
            return (
                "shape",
                f"{name} has shape {got_arr.shape}, expected {exp.shape} (the shape of the "
                "inputs: the update is elementwise; look for sums, np.dot or broadcasting)",
                f"  {name}: expected shape {exp.shape}, got shape {got_arr.shape}",
            )
        ok, max_err, rel = self._close(got_arr, exp, before)
        exp_finite = bool(np.all(np.isfinite(exp)))
        if exp_finite and not np.all(np.isfinite(got_arr)):
            kind_word = "NaN" if np.isnan(got_arr).any() else "inf"
            return (
                "nan",
                f"{name} contains {kind_word} (a division by zero, or the square root or log of "
                "a negative number?)",
                _expected_got_lines(name, exp, got_arr),
            )
        if not ok:
            if before is not None and np.shape(before) == exp.shape:
                size = f"relative error {rel:.2g} (of the expected change {name} - {before_name})"
            else:
                size = f"relative error {rel:.2g}"
            return (
                "value",
                f"{name} is wrong (max abs error {max_err:.2g}, {size})",
                _expected_got_lines(name, exp, got_arr, f"max abs error {max_err:.2g}, {size}"),
            )
        if got_arr.dtype != exp.dtype:
            return (
                "dtype",
                f"{name} has dtype {got_arr.dtype} but the inputs are {exp.dtype}: keep the input "
                "dtype (a NumPy float64 scalar such as np.sqrt(1 - beta2**t) or np.float64(lr) "
                "promotes float32 arrays; use Python floats or math.sqrt)",
                f"  {name}: expected dtype {exp.dtype}, got dtype {got_arr.dtype}",
            )
        return "", "", ""

    def _describe_call(self, inputs: dict[str, Any]) -> str:
        parts = []
        arrays = []
        for name, value in inputs.items():
            if isinstance(value, np.ndarray):
                parts.append(name)
                arrays.append(f"  {name} = {short_repr(value)}   ({describe_value(value)})")
            else:
                parts.append(f"{name}={short_repr(value)}")
        return f"  {self.id}({', '.join(parts)})\n" + "\n".join(arrays)

    def compare(self, case: StepCase, expected: list[Step], got: list[Step]) -> CaseVerdict:
        n_steps = len(expected)
        for k, (e_step, g_step) in enumerate(zip(expected, got, strict=False)):
            where = f" at step {k + 1} of {n_steps}" if n_steps > 1 else ""
            call = self._describe_call(g_step.inputs)
            if g_step.outputs is None:
                kind = g_step.kind
                if kind == "exception":
                    summary = f"raised {g_step.problem}"
                    if isinstance(g_step.outcome.error, TypeError) and "argument" in str(
                        g_step.outcome.error
                    ):
                        summary += f"; the signature must be {self.signature}"
                elif kind == "stub":
                    summary = f"{STUB} (NotImplementedError)"
                else:
                    summary = g_step.problem
                return CaseVerdict(
                    ok=False,
                    kinds={kind},
                    summary=summary + where,
                    detail=f"Call{where}:\n{call}\n  -> {summary}",
                    valid=False,
                    step=k,
                )
            kinds: set[str] = set()
            summaries: list[str] = []
            details: list[str] = []
            wrong: list[str] = []
            right: list[str] = []
            if g_step.outcome.mutated:
                kinds.add("mutation")
                mutated = _join([f"`{n}`" for n in g_step.outcome.mutated])
                summaries.append(
                    f"{MUTATION}: your function changed {mutated} (e.g. with `-=`, `+=`, `*=` or "
                    "`out=`); compute new arrays instead, e.g. `x_new = x - ...`"
                )
            assert e_step.outputs is not None
            look_alike = True
            for i, name in enumerate(self.outputs):
                before_name = self.carry.get(name)
                before = e_step.inputs.get(before_name) if before_name else None
                kind, summary, detail = self._check_output(
                    name, g_step.outputs[i], e_step.outputs[i], before, before_name or ""
                )
                if kind:
                    kinds.add(kind)
                    summaries.append(summary)
                    details.append(detail)
                    wrong.append(name)
                    look_alike = (
                        look_alike
                        and kind == "value"
                        and short_repr(np.asarray(e_step.outputs[i]))
                        == short_repr(np.asarray(g_step.outputs[i]))
                    )
                else:
                    right.append(name)
            if kinds:
                lines = [f"Call{where}:", call]
                if len(self.outputs) > 1 and right:
                    lines.append(f"  right: {', '.join(right)}")
                lines.extend(details)
                return CaseVerdict(
                    ok=False,
                    kinds=kinds,
                    summary="; ".join(summaries) + where,
                    detail="\n".join(lines),
                    wrong_outputs=tuple(wrong),
                    right_outputs=tuple(right),
                    valid=len(got) == n_steps and all(s.outputs is not None for s in got),
                    step=k,
                    look_alike=look_alike and kinds == {"value"},
                )
        if len(got) < n_steps:  # stopped early: an output could not be fed back in
            return CaseVerdict(ok=False, kinds={"type"}, summary="could not continue", valid=False)
        return CaseVerdict(ok=True)

    def error_size(self, case: StepCase, got: list[Step], expected: list[Step]) -> float:
        return self.distance(case, got, expected)

    def distance(self, case: StepCase, a: list[Step], b: list[Step]) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return self._distance(a, b)
            except Exception:  # noqa: BLE001 - odd learner output types
                return float("inf")

    def _distance(self, a: list[Step], b: list[Step]) -> float:
        worst = 0.0
        for sa, sb in zip(a, b, strict=False):
            if sa.outputs is None or sb.outputs is None:
                return float("inf")
            for i, name in enumerate(self.outputs):
                if np.iscomplexobj(sa.outputs[i]) or np.iscomplexobj(sb.outputs[i]):
                    return float("inf")
                try:
                    va = np.asarray(sa.outputs[i], dtype=np.float64)
                    vb = np.asarray(sb.outputs[i], dtype=np.float64)
                except (TypeError, ValueError):
                    return float("inf")
                if va.shape != vb.shape:
                    return float("inf")
                before_name = self.carry.get(name)
                before = sb.inputs.get(before_name) if before_name else None
                with np.errstate(all="ignore"):
                    change = (
                        np.abs(vb - np.asarray(before, dtype=np.float64))
                        if (before is not None and np.shape(before) == vb.shape)
                        else np.abs(vb)
                    )
                    scale = float(np.nanmax(change)) if change.size else 0.0
                    err = float(np.nanmax(np.abs(va - vb))) if va.size else 0.0
                if not np.isfinite(err):
                    return float("inf")
                worst = max(worst, err / (scale if scale > 0 else 1.0))
        return worst

    def same(self, case: StepCase, a: list[Step], b: list[Step]) -> bool:
        if len(a) != len(b):
            return False
        for sa, sb in zip(a, b, strict=True):
            if sa.outputs is None or sb.outputs is None:
                if (sa.outputs is None) != (sb.outputs is None) or sa.kind != sb.kind:
                    return False
                continue
            for i, name in enumerate(self.outputs):
                before_name = self.carry.get(name)
                before = sb.inputs.get(before_name) if before_name else None
                va, vb = sa.outputs[i], sb.outputs[i]
                if va is None or vb is None:
                    if (va is None) != (vb is None):
                        return False
                    continue
                try:
                    ok, _, _ = self._close(va, vb, before)
                except Exception:  # noqa: BLE001 - odd learner output types
                    return False
                if not ok:
                    return False
        return True


# --------------------------------------------------------------------------------------------
# Anything else: a judge per call
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One call of a :class:`FunctionExercise`: ``fn(*args, **kwargs)``.

    Arguments are deep-copied before every call, so a seeded ``np.random.Generator`` gives the
    reference, the learner and each catalogued mistake the same random stream.
    """

    label: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


Judge = Callable[[Call, Any, Any], "str | None"]

REPRO_SEEDS = ((1234, 0), (1234, 1), (4321, 0))  # (seed of the rng passed, np.random.seed)


@dataclass
class ReproducibilityCall(Call):
    """A generic case for functions taking an ``rng``: the call is made with
    ``np.random.default_rng(seed)`` for each ``(seed, global_seed)`` of :data:`REPRO_SEEDS`,
    with ``np.random.seed(global_seed)`` set before it. Equal seeds must give equal results
    whatever the global state; different seeds must give different ones (when the reference's
    do): the function uses the generator it is given."""

    rng_index: int | str = 0  # position of the rng argument, or its keyword


def values_close(got: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-12) -> bool:
    """Tolerant equality for numbers, arrays and (nested) tuples/lists; NaN equals NaN."""
    if isinstance(expected, tuple | list):
        return (
            isinstance(got, tuple | list)
            and len(got) == len(expected)
            and all(values_close(g, e, rtol, atol) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, np.ndarray | np.generic | float | int) and not isinstance(
        expected, bool
    ):
        if isinstance(got, str | bytes | dict | set) or got is None or np.iscomplexobj(got):
            return False
        try:
            g = np.asarray(got, dtype=np.float64)
            e = np.asarray(expected, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        if g.shape != e.shape:
            return False
        return bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True))
    try:
        return bool(got == expected)
    except Exception:  # noqa: BLE001
        return False


def _call_arg(value: Any) -> str:
    """An argument in a Call line: whole numbers only (never an array cut mid-number)."""
    if isinstance(value, np.ndarray) and value.size > 4:
        flat = value.ravel()[:3]
        nums = ", ".join(
            f"{x:.4g}" if np.issubdtype(value.dtype, np.floating) else str(x) for x in flat.tolist()
        )
        return f"<{value.dtype} array of shape {value.shape}: {nums}, ...>"
    return short_repr(value, 60)


def default_judge(call: Call, got: Any, expected: Any) -> str | None:
    """Right when ``got`` is close to ``expected`` (see :func:`values_close`)."""
    if values_close(got, expected):
        return None
    return expected_got(expected, got)


def _relative_error(got: Any, expected: Any) -> float:
    """Largest error of numbers, arrays or tuples of numbers, relative to the largest expected
    magnitude; ``inf`` for NaN or inf where a finite value is expected; NaN when the values
    cannot be compared as numbers (None, strings, ragged lists...)."""
    if got is None or isinstance(got, str | bytes | dict | set):
        return math.nan
    try:
        if np.iscomplexobj(got) or np.iscomplexobj(expected):
            return math.nan
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except Exception:  # noqa: BLE001 - a learner's odd object
        return math.nan
    if g.shape != e.shape:
        return math.nan
    if g.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        same = (np.isnan(e) & np.isnan(g)) | (np.isinf(e) & (e == g))
        err = np.where(same, 0.0, np.abs(g - e))
        if np.isnan(err).any() or np.isinf(err).any():
            return math.inf
        finite = np.abs(e[np.isfinite(e)])
        scale = float(finite.max()) if finite.size else 0.0
        worst = float(err.max())
    return worst / scale if scale > 0 else worst


@dataclass(kw_only=True)
class FunctionExercise(Exercise):
    """A general exercise: each :class:`Call` is judged by ``judge(call, got, expected)``.

    Parameters
    ----------
    cases : callable
        ``cases() -> list[Call]``.
    judge : callable
        ``judge(call, got, expected) -> str | None``: ``None`` when ``got`` (the learner's return
        value) is right, otherwise a short description of what is wrong. ``expected`` is the
        reference's return value for the same call. Use it for properties (a sampler returns a
        permutation...) as well as values. The default compares values with a tolerance.
    same : callable
        ``same(a, b) -> bool``: whether two return values are the same answer (used to match
        the catalogue). Defaults to :func:`values_close`.
    output : str
        Name of the returned quantity in messages (default ``"result"``).
    """

    cases: Callable[[], list[Call]]
    judge: Judge = default_judge
    same_value: Callable[[Any, Any], bool] = values_close
    output: str = "result"

    def __post_init__(self) -> None:
        if not self.signature:
            params = ", ".join(inspect.signature(self.reference).parameters)
            self.signature = f"{self.id}({params}) -> {self.output}"

    def output_names(self) -> tuple[str, ...]:
        return (self.output,)

    def all_cases(self) -> list[Any]:
        base = list(self.cases())
        try:
            params = list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):
            return base
        if "rng" not in params:
            return base
        pos = params.index("rng")
        for call in base:
            where: int | str | None = None
            if "rng" in call.kwargs and isinstance(call.kwargs["rng"], np.random.Generator):
                where = "rng"
            elif len(call.args) > pos and isinstance(call.args[pos], np.random.Generator):
                where = pos
            if where is not None:
                base.append(
                    ReproducibilityCall(
                        f"reproducibility ({call.label}): equal seeds give equal results, "
                        "different seeds different ones, whatever np.random.seed was",
                        call.args,
                        call.kwargs,
                        rng_index=where,
                    )
                )
                break
        return base

    def _run_reproducibility(self, fn: Callable[..., Any], case: ReproducibilityCall) -> Step:
        state = np.random.get_state()  # noqa: NPY002 - the global state is the test
        values = []
        try:
            for seed, global_seed in REPRO_SEEDS:
                np.random.seed(global_seed)  # noqa: NPY002
                args, kwargs = list(case.args), dict(case.kwargs)
                if isinstance(case.rng_index, str):
                    kwargs[case.rng_index] = np.random.default_rng(seed)
                else:
                    args[case.rng_index] = np.random.default_rng(seed)
                outcome = call_guarded(fn, args, kwargs, self._arg_names(case))
                step = Step(inputs={"args": case.args, "kwargs": case.kwargs}, outcome=outcome)
                if outcome.error is not None:
                    step.kind = "stub" if outcome.stub else "exception"
                    step.problem = outcome.error_text
                    return step
                values.append(outcome.value)
        finally:
            np.random.set_state(state)  # noqa: NPY002
        step.outputs = (tuple(values),)
        return step

    def _arg_names(self, call: Call) -> list[str]:
        try:
            params = list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):
            params = []
        return params[: len(call.args)]

    def run(self, fn: Callable[..., Any], case: Call) -> list[Step]:
        if isinstance(case, ReproducibilityCall):
            return [self._run_reproducibility(fn, case)]
        outcome = call_guarded(fn, case.args, case.kwargs, self._arg_names(case))
        step = Step(inputs={"args": case.args, "kwargs": case.kwargs}, outcome=outcome)
        if outcome.error is not None:
            step.kind = "stub" if outcome.stub else "exception"
            step.problem = outcome.error_text
        else:
            step.outputs = (outcome.value,)
        return [step]

    def _describe_call(self, call: Call) -> str:
        parts = [_call_arg(a) for a in call.args]
        parts += [f"{k}={_call_arg(v)}" for k, v in call.kwargs.items()]
        return f"  {self.id}({', '.join(parts)})"

    def compare(self, case: Call, expected: list[Step], got: list[Step]) -> CaseVerdict:
        g = got[0]
        call = self._describe_call(case)
        if g.outputs is None:
            summary = (
                f"raised {g.problem}" if g.kind == "exception" else f"{STUB} (NotImplementedError)"
            )
            return CaseVerdict(
                ok=False,
                kinds={g.kind},
                summary=summary,
                detail=f"Call:\n{call}\n  -> {summary}",
                valid=False,
            )
        assert expected[0].outputs is not None
        exp_value = expected[0].outputs[0]
        value = g.outputs[0]
        if isinstance(case, ReproducibilityCall):
            return self._compare_reproducibility(case, exp_value, value)
        kinds: set[str] = set()
        summaries: list[str] = []
        if g.outcome.mutated:
            kinds.add("mutation")
            mutated = _join([f"`{n}`" for n in g.outcome.mutated])
            summaries.append(f"{MUTATION}: your function changed {mutated}; work on copies")
        if value is None and exp_value is not None:
            kinds.add("none")
            summaries.append(f"returned None: {NO_RETURN}?")
            return CaseVerdict(
                ok=False,
                kinds=kinds,
                summary="; ".join(summaries),
                detail=f"Call:\n{call}\n  -> returned None",
                valid=False,
            )
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                problem = self.judge(case, value, exp_value)
        except Exception as exc:  # noqa: BLE001 - a judge tripping over a value, e.g. (None, None)
            e_text, g_text, _ = shown_pair(exp_value, value)
            problem = (
                expected_got(exp_value, value)
                if e_text != g_text
                else f"returned a value that could not be checked ({_exception_text(exc)})"
            )
        if problem:
            kinds.add("value")
            summaries.append(f"{self.output}: {problem}")
        if kinds:
            detail = f"Call:\n{call}\n  {self.output}: {problem}" if problem else f"Call:\n{call}"
            return CaseVerdict(
                ok=False,
                kinds=kinds,
                summary="; ".join(summaries),
                detail=detail,
                wrong_outputs=(self.output,) if problem else (),
                right_outputs=() if problem else (self.output,),
                look_alike=kinds == {"value"}
                and math.isfinite(_relative_error(value, exp_value))
                and short_repr(value) == short_repr(exp_value),
            )
        return CaseVerdict(ok=True)

    def error_size(self, case: Call, got: list[Step], expected: list[Step]) -> float:
        if isinstance(case, ReproducibilityCall):
            return math.nan
        g, e = got[0].outputs, expected[0].outputs
        if g is None or e is None:
            return math.nan
        return _relative_error(g[0], e[0])

    def _compare_reproducibility(
        self, case: ReproducibilityCall, expected: tuple[Any, ...], got: tuple[Any, ...]
    ) -> CaseVerdict:
        (s1, g1), (s2, g2), (s3, _) = REPRO_SEEDS

        def same(a: Any, b: Any) -> bool:
            try:
                return bool(self.same_value(a, b))
            except Exception:  # noqa: BLE001
                return False

        problem = ""
        if not same(got[0], got[1]):
            problem = (
                f"two calls with rng=np.random.default_rng({s1}) gave different results (with "
                f"np.random.seed({g1}), then np.random.seed({g2}) before them): draw every random "
                "number from the rng argument, not from np.random.* (the global generator)"
            )
        elif not same(expected[0], expected[2]) and same(got[0], got[2]):
            problem = (
                f"rng=np.random.default_rng({s1}) and np.random.default_rng({s3}) gave the same "
                "result: your function ignores the rng it is given (a fixed seed or a generator "
                "of its own?); draw from the rng argument"
            )
        if not problem:
            return CaseVerdict(ok=True)
        summary = f"not reproducible: {problem}"
        return CaseVerdict(
            ok=False,
            kinds={"reproducibility"},
            summary=summary,
            detail=f"Call:\n{self._describe_call(case)}\n  {problem}",
            valid=False,
        )

    def same(self, case: Call, a: list[Step], b: list[Step]) -> bool:
        sa, sb = a[0], b[0]
        if sa.outputs is None or sb.outputs is None:
            return (sa.outputs is None) == (sb.outputs is None) and sa.kind == sb.kind
        if isinstance(case, ReproducibilityCall):
            try:
                return all(
                    bool(self.same_value(x, y))
                    for x, y in zip(sa.outputs[0], sb.outputs[0], strict=True)
                )
            except Exception:  # noqa: BLE001
                return False
        try:
            return bool(self.same_value(sa.outputs[0], sb.outputs[0]))
        except Exception:  # noqa: BLE001
            return False


__all__ = [
    "MUTATION",
    "NO_RETURN",
    "STUB",
    "ArrayExercise",
    "Call",
    "CallOutcome",
    "CaseVerdict",
    "Exercise",
    "FunctionExercise",
    "Mistake",
    "ReproducibilityCall",
    "Step",
    "StepCase",
    "call_guarded",
    "default_judge",
    "expected_got",
    "format_points",
    "partial_points",
    "short_repr",
    "shown_pair",
    "values_close",
]
