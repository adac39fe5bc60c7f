"""Running a learner's function defensively: copies of the inputs, a time budget, captured output.

:func:`call_guarded` calls a function on deep copies of its inputs and never raises for a wrong
function: exceptions (with the learner's offending line), ``sys.exit()``, ``KeyboardInterrupt``
and endless loops (stopped by :func:`time_budget`) become a :class:`CallOutcome`, and the copies
are compared with the originals to detect inputs modified in place.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Seconds a learner's function may run in one ``check`` (all its calls together). An endless
#: loop is stopped and reported instead of freezing the notebook; every reference solution
#: needs well under a second for all its cases.
TIME_LIMIT_S = 10.0

_MAX_EXC_CHARS = 160
_NUMPY_DIR = os.path.dirname(np.__file__)
_THIS_DIR = os.path.dirname(__file__)


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
        """Whether the function raised ``NotImplementedError`` (it is still a stub)."""
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
    """Limit the learner's :func:`call_guarded` calls inside this block to ``seconds`` in total.

    ``None``: no limit. Uses ``SIGALRM``, so it works in the main thread on Unix (the
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
    """A function that makes SIGALRM pending again *after* the current signal handler has returned.

    ``None`` where CPython's C API is not available.

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
    """A few interpreter check points, for a pending SIGALRM to reach the (disarmed) handler.

    Run before the previous handler is restored, so that the signal reaches the disarmed one.
    """
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
