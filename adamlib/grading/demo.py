"""``demo``: a guard for notebook cells that run a learner's function (plots, whole runs).

In an exercise notebook, the cell after a check often *uses* the learner's function: it draws
their trajectory, trains with their gradients... While the function is unfinished (it raises
``NotImplementedError``), wrong (it raises something else) or stuck in an endless loop, such a
cell must not end in a traceback through adamlib's internals: *Run All* should reach the score
table at the end. Wrap the cell's body::

    from adamlib.grading import demo

    with demo("adam_step"):
        mine = run(rosenbrock, my_adam(0.1), steps=300)
        plot_trajectories(rosenbrock, [mine])
        plt.show()

If the block raises, the rest of the block is skipped, the figures it opened are closed and one
short message is printed instead of a traceback:

- ``NotImplementedError``: "⏭ Finish `adam_step` above first ..." (the function that raised it
  is named; ``demo``'s arguments are the fallback);
- any other exception: its type, its message and the line of *the learner's* code where it
  happened (frames inside adamlib, NumPy, matplotlib and the standard library are skipped);
- more than ``seconds`` (default ``adamlib.grading.running.TIME_LIMIT_S``, the checks'
  limit) in the block: it is stopped with the checks' message ("did not finish in time: an
  endless loop?"). The stop is raised again at the next interpreter check point (the checks'
  re-trip, ``running._RETRIP``; without ctypes every 50 ms), so a learner's ``try/except:``
  around or inside the loop does not keep the cell running, and a swallowed stop is reported;
- ``sys.exit()`` or ``KeyboardInterrupt`` inside the learner's code: reported, not propagated, so
  the notebook goes on to the score table.

The time limit uses ``SIGALRM`` and applies in the main thread on Unix (the notebook kernel);
elsewhere the block runs without one.
"""

from __future__ import annotations

import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
from types import TracebackType
from typing import Any

from . import running
from .mistakes import TIMEOUT

_MAX_TEXT = 200
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # adamlib/
_LIBRARY_DIRS = tuple(
    {
        os.path.abspath(p)
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(key))
    }
)
SKIP_MARK = "⏭"


class DemoTimeLimit(BaseException):  # reported to learners, never raised to them
    """Raised inside a ``demo`` block when its time is up (a BaseException, like the checks')."""


def _is_library(filename: str) -> bool:
    if not filename or filename.startswith("<frozen"):
        return True
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE_DIR + os.sep) or path.startswith(_LIBRARY_DIRS)


def _learner_frames(tb: TracebackType | None) -> list[traceback.FrameSummary]:
    return [f for f in traceback.extract_tb(tb) if not _is_library(f.filename)]


def _where(frames: list[traceback.FrameSummary]) -> str:
    """`` (in `adam_step`, at `m = ...`)`` for the innermost frame of the learner's code."""
    if not frames:
        return ""
    f = frames[-1]
    line = (f.line or "").strip()
    if len(line) > 80:
        line = line[:77] + "..."
    inside = f"in `{f.name}`, " if f.name not in ("<module>", "<lambda>") else ""
    return f" ({inside}at `{line}`)" if line else (f" (in `{f.name}`)" if inside else "")


def _names(names: tuple[str, ...]) -> str:
    quoted = [f"`{n}`" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted) or "your function"
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


class demo:  # used like a function: `with demo("adam_step"):`
    """Context manager guarding a cell that demonstrates the learner's functions.

    Parameters
    ----------
    *names : str
        The learner's functions the block uses, for the message (``"adam_step"``).
    seconds : float or None, optional
        Time limit for the whole block (default: the checks' ``running.TIME_LIMIT_S``, read
        when the block starts; ``None`` for no limit).

    Attributes
    ----------
    skipped : bool
        Whether the block was cut short (set on exit).
    message : str
        The message printed instead of a traceback (``""`` when the block ran through).
    """

    def __init__(self, *names: str, seconds: float | None | str = "default") -> None:
        self.names = tuple(names)
        self._seconds = seconds
        self.seconds: float | None = None
        self.skipped = False
        self.message = ""
        self._fired = False
        self._armed = False
        self._previous: Any = None
        self._figures: set[int] = set()
        self._deadline = 0.0
        self._block = ""  # the function whose code holds the `with` block (a cell: <module>)

    # -- timer -----------------------------------------------------------------------------------
    def _can_interrupt(self) -> bool:
        return (
            self.seconds is not None
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )

    def _on_alarm(self, signum: int, frame: Any) -> None:
        if not self._armed:
            return
        self._fired = True
        # The checks' re-trip (running._RETRIP): the signal is made pending again, so the stop
        # is raised at the learner's next check point even after a bare `except:` swallowed it.
        if running._RETRIP is not None:
            running._RETRIP()
        if frame is not None and frame.f_code.co_filename == __file__:
            return  # inside demo's own __exit__: do not raise there, it is disarming
        raise DemoTimeLimit()

    def _disarm(self) -> None:
        if self._armed or self._previous is not None:
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            running._settle()  # a pending re-trip reaches the disarmed handler first
            signal.signal(signal.SIGALRM, self._previous or signal.SIG_DFL)
            self._previous = None

    # -- context manager ---------------------------------------------------------------------------
    def __enter__(self) -> demo:
        self.seconds = running.TIME_LIMIT_S if self._seconds == "default" else self._seconds  # type: ignore[assignment]
        self._figures = set(_figure_numbers())
        self._block = sys._getframe(1).f_code.co_name
        if self._can_interrupt():
            assert self.seconds is not None
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            self._armed = True
            self._deadline = time.monotonic() + self.seconds
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.05)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        try:
            self._disarm()
        except DemoTimeLimit:  # pragma: no cover - an alarm between the two calls
            self._fired = True
            self._disarm()
        if exc is None and not self._fired:
            return False
        if isinstance(exc, GeneratorExit):
            return False
        self.skipped = True
        self.message = self._message(exc, tb)
        _close_new_figures(self._figures)
        print(self.message)
        return True  # suppress: no traceback, Run All goes on

    # -- the message ------------------------------------------------------------------------------
    def _message(self, exc: BaseException | None, tb: TracebackType | None) -> str:
        frames = _learner_frames(tb)
        names = self.names
        if self._fired or isinstance(exc, DemoTimeLimit):
            who = _names(names)
            text = (
                f"{SKIP_MARK} {who} {TIMEOUT}: this cell was stopped after "
                f"{self.seconds:g} s{_where(frames)}. An endless loop? Check that every "
                "`while` loop's condition becomes false, or loop with `for` over a range. "
                "Run the check above: it stops and names the problem too."
            )
            return text
        if isinstance(exc, NotImplementedError):
            raiser = frames[-1].name if frames else ""
            if raiser and raiser not in ("<module>", "<lambda>", self._block):
                names = (raiser,)
            return (
                f"{SKIP_MARK} Finish {_names(names)} above first: it still raises "
                "NotImplementedError. Skipped this cell; run it again when the check above "
                "passes."
            )
        assert exc is not None
        if isinstance(exc, SystemExit):
            what = "called sys.exit() (SystemExit)"
            advice = "Return a value instead of exiting."
        elif isinstance(exc, KeyboardInterrupt):
            what = "was interrupted (KeyboardInterrupt)"
            advice = "Run the cell again when you are ready."
        else:
            text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
            text = " ".join(text.split())
            if len(text) > _MAX_TEXT:
                text = text[: _MAX_TEXT - 3] + "..."
            what = f"stopped with {text}"
            advice = f"Run the check of {_names(names)} above: it says what is wrong."
        return f"{SKIP_MARK} This cell {what}{_where(frames)}. Skipped the rest of it. {advice}"


def _figure_numbers() -> list[int]:
    plt = sys.modules.get("matplotlib.pyplot")
    return list(plt.get_fignums()) if plt is not None else []


def _close_new_figures(before: set[int]) -> None:
    """Close the figures the skipped block opened (half-drawn figures would still be shown)."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    for num in plt.get_fignums():
        if num not in before:
            plt.close(num)


__all__ = ["SKIP_MARK", "DemoTimeLimit", "demo"]
