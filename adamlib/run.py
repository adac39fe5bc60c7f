"""Trajectories: run an update rule or an optimizer on an objective and record the path.

Introduced in ``lectures/01_gradient_descent.ipynb``.

Two ways to run:

- :func:`run` takes a from-scratch update rule ``step(x, g) -> x_new`` (what the lectures write);
- :func:`run_optimizer` takes an :mod:`adamlib.optim` class and its hyperparameters;
  :class:`OptimizerRun` computes the same run from one start point step by step, and more
  steps continue it (the widgets' runs).

Both work on one start point ``(2,)`` or a batch of start points ``(n, 2)`` at once, and both
stop a run that diverges (non-finite values or ``|x| > 1e100``): from then on its path is NaN
and its loss is ``inf``, so divergent runs show up as gaps in plots instead of crashing.
:func:`sweep` runs one optimizer for many learning rates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from adamlib.functions import Objective, as_points
from adamlib.validation import check_int

__all__ = [
    "DIVERGED",
    "OptimizerRun",
    "Trajectory",
    "diverged",
    "measured_rate",
    "point_diverged",
    "run",
    "run_optimizer",
    "sweep",
]

Array = NDArray[np.floating]
#: a run has diverged once a coordinate is larger than this in magnitude (or not finite)
DIVERGED = 1e100


def diverged(x: ArrayLike) -> NDArray[np.bool_] | bool:
    """Whether points ``x`` (shape ``(..., 2)``) have diverged: the rule of every run.

    A point has diverged when a coordinate is not finite or larger than :data:`DIVERGED` in
    magnitude; a run has also diverged when the gradient at its point is not finite. The
    trajectories of :func:`run` and :func:`run_optimizer` and the widgets' runs stop there.

    Returns
    -------
    bool or numpy.ndarray of bool
        One value per point, shape ``x.shape[:-1]`` (a bool for one point).
    """
    x = np.asarray(x)
    with np.errstate(invalid="ignore"):
        out = ~(np.abs(x) <= DIVERGED).all(axis=-1)  # NaN compares False: diverged
    return bool(out) if out.ndim == 0 else out


def point_diverged(x: float, y: float) -> bool:
    """:func:`diverged` for one point given as two Python floats (for step-by-step loops)."""
    return not (abs(x) <= DIVERGED and abs(y) <= DIVERGED)  # NaN compares False: diverged


@dataclass
class Trajectory:
    """A recorded run.

    Attributes
    ----------
    path
        Points visited, shape ``(steps + 1, ..., 2)``; ``path[0]`` is the start.
    losses
        Objective values along the path, shape ``(steps + 1, ...)``.
    label
        Legend label.
    diverged
        Whether each run (one per start point) diverged, shape ``path.shape[1:-1]``.
    """

    path: Array
    losses: Array
    label: str = ""
    diverged: NDArray[np.bool_] | bool = False

    @property
    def final(self) -> Array:
        """The last point of the path."""
        return self.path[-1]

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.path) - 1

    def suboptimality(self, objective: Objective) -> Array:
        """``f(x_t) − f*`` along the path (what loss plots show on a log scale)."""
        return self.losses - objective.min_value


def _record(
    objective: Objective,
    start: ArrayLike | None,
    steps: int,
    advance: Callable[[Array, Array, NDArray[np.bool_]], None],
    label: str,
    dtype: Any = None,
) -> Trajectory:
    steps = check_int("steps", steps, 0)
    x = as_points(objective.start if start is None else start)
    x = np.array(x, dtype=dtype or x.dtype)  # a private copy that the rule may update in place
    path = np.empty((steps + 1, *x.shape), dtype=x.dtype)
    losses = np.empty((steps + 1, *x.shape[:-1]), dtype=x.dtype)
    stopped = np.zeros(x.shape[:-1], dtype=bool)
    path[0] = x
    losses[0] = objective.f(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = objective.grad(x)
            bad = ~np.isfinite(g).all(axis=-1)
            if bad.any():
                stopped |= bad
                g = np.where(stopped[..., None], 0.0, g).astype(x.dtype, copy=False)
            advance(x, g, stopped)
            stopped |= diverged(x)
            path[t] = x
            losses[t] = objective.f(x)
            if stopped.any():
                path[t] = np.where(stopped[..., None], np.nan, path[t])
                losses[t] = np.where(stopped, np.inf, losses[t])
                # keep the dead runs finite so that the live ones can continue
                x[...] = np.where(stopped[..., None], 0.0, x)
                if stopped.all():
                    path[t + 1 :] = np.nan
                    losses[t + 1 :] = np.inf
                    break
    div = bool(stopped) if stopped.ndim == 0 else stopped
    return Trajectory(path=path, losses=losses, label=label, diverged=div)


def run(
    objective: Objective,
    step: Callable[[Array, Array], Array],
    start: ArrayLike | None = None,
    steps: int = 100,
    label: str = "",
) -> Trajectory:
    """Run a from-scratch update rule ``x_new = step(x, grad)`` for ``steps`` steps.

    Parameters
    ----------
    objective
        An :class:`~adamlib.functions.Objective`.
    step
        ``step(x, g) -> x_new``; it may keep its own state in a closure (velocity, ...).
    start
        Start point(s), shape ``(2,)`` or ``(n, 2)``; default ``objective.start``.
    steps
        Number of updates.
    label
        Legend label.
    """

    def advance(x: Array, g: Array, diverged: NDArray[np.bool_]) -> None:
        """One step of the rule, written into ``x``."""
        new = np.asarray(step(x.copy(), g))
        if new.shape != x.shape:
            raise ValueError(f"step returned shape {new.shape}, expected {x.shape}")
        x[...] = new

    return _record(objective, start, steps, advance, label)


def run_optimizer(
    objective: Objective,
    optimizer: type,
    start: ArrayLike | None = None,
    steps: int = 100,
    label: str | None = None,
    dtype: Any = None,
    **hyper: Any,
) -> Trajectory:
    """Run an :mod:`adamlib.optim` optimizer class on ``objective``.

    Parameters
    ----------
    objective
        An :class:`~adamlib.functions.Objective`.
    optimizer
        A class such as ``adamlib.optim.Adam``.
    start
        Start point(s), shape ``(2,)`` or ``(n, 2)``; default ``objective.start``.
    steps
        Number of updates.
    label
        Legend label; default ``"Adam(lr=0.1)"``-style from the class and ``hyper``.
    dtype
        Parameter dtype (default: that of ``start``, float64 for the built-in starts).
    **hyper
        Hyperparameters passed to the optimizer, e.g. ``lr=0.1, betas=(0.9, 0.99)``.

    Examples
    --------
    >>> from adamlib.functions import rosenbrock
    >>> from adamlib.optim import Adam
    >>> traj = run_optimizer(rosenbrock, Adam, steps=10, lr=0.1)
    >>> traj.path.shape
    (11, 2)
    """
    if label is None:
        args = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in hyper.items()
        )
        label = f"{optimizer.__name__}({args})"
    holder: dict[str, Any] = {}

    def advance(x: Array, g: Array, diverged: NDArray[np.bool_]) -> None:
        """One optimizer step (the optimizer is made at the first, on ``x``)."""
        if "opt" not in holder:
            holder["opt"] = optimizer([x], **hyper)
        holder["opt"].step([g])

    return _record(objective, start, steps, advance, label, dtype=dtype)


class OptimizerRun:
    """One optimizer's run from one start point, which more steps continue.

    Computes exactly what :func:`run_optimizer` computes for a single start point (the same
    gradient arithmetic, the same optimizer calls, the same divergence rule), one point at a
    time without the batch bookkeeping, and keeps the optimizer so that :meth:`advance` to more
    steps continues the run instead of starting again. The widgets use it: a playground run is
    cached and continued when only the number of steps grows.

    Parameters
    ----------
    objective
        An :class:`~adamlib.functions.Objective`.
    optimizer
        A class such as ``adamlib.optim.Adam``.
    hyper
        Its keyword arguments, e.g. ``{"lr": 0.1}``.
    start
        One start point ``(x, y)``.

    Attributes
    ----------
    path, losses
        The points and values recorded so far (``path[: steps + 1]`` is the run; NaN and
        ``inf`` from the step it diverged).
    steps
        The number of steps recorded.
    diverged_at
        The step at which the run diverged, or None.

    Examples
    --------
    >>> from adamlib.functions import rosenbrock
    >>> from adamlib.optim import Adam
    >>> r = OptimizerRun(rosenbrock, Adam, {"lr": 0.1}, rosenbrock.start)
    >>> r.trajectory(10).path.shape
    (11, 2)
    """

    def __init__(
        self, objective: Objective, optimizer: type, hyper: Mapping[str, Any], start: ArrayLike
    ) -> None:
        self.objective = objective
        self.x = np.array(as_points(start), dtype=np.float64)
        if self.x.shape != (2,):
            raise ValueError(f"start must be one point (x, y), got shape {self.x.shape}")
        self.opt = optimizer([self.x], **hyper)
        self.path = np.empty((64, 2))
        self.path[0] = self.x
        self.losses = np.empty(64)
        self.losses[0] = objective.f(self.x)
        self.steps = 0
        self.diverged_at: int | None = None

    def _grow(self, steps: int) -> None:
        """Make room for ``steps`` steps (doubling, as a list does)."""
        if steps + 1 > len(self.path):
            size = max(steps + 1, 2 * len(self.path))
            path, losses = np.empty((size, 2)), np.empty(size)
            path[: self.steps + 1] = self.path[: self.steps + 1]
            losses[: self.steps + 1] = self.losses[: self.steps + 1]
            self.path, self.losses = path, losses

    def advance(self, steps: int) -> None:
        """Run until ``steps`` steps are recorded (nothing to do if there are enough).

        Parameters
        ----------
        steps
            The number of steps the run should hold.
        """
        if steps <= self.steps:
            return
        self._grow(steps)
        first = self.steps + 1
        if self.diverged_at is None:
            x, path, losses = self.x, self.path, self.losses
            gradient, value = self.objective.gradient, self.objective.value
            px, py = x[..., 0], x[..., 1]  # 0-d views, as objective.grad(x) makes them
            step, isfinite = self.opt.step, math.isfinite
            g = np.empty(2)  # the optimizers keep no reference to it: reuse
            grads = [g]
            with np.errstate(all="ignore"):
                for t in range(first, steps + 1):
                    gx, gy = gradient(px, py)
                    g[0], g[1] = gx, gy
                    if not (isfinite(g[0]) and isfinite(g[1])):  # the rule of _record
                        self.diverged_at = t
                        break
                    step(grads)
                    if point_diverged(*x.tolist()):
                        self.diverged_at = t
                        break
                    path[t] = x
                    # point by point, as objective.f(x): on whole arrays NumPy squares by
                    # multiplying where a scalar calls pow(), which can differ in the last bit
                    losses[t] = value(px, py)
        if self.diverged_at is not None:
            d = max(self.diverged_at, first)
            self.path[d : steps + 1] = np.nan
            self.losses[d : steps + 1] = np.inf
        self.steps = steps

    def trajectory(self, steps: int, label: str = "") -> Trajectory:
        """The first ``steps`` steps (run on when needed) as a :class:`Trajectory`.

        Parameters
        ----------
        steps
            Number of steps.
        label
            Legend label.

        Returns
        -------
        Trajectory
            Views of :attr:`path` and :attr:`losses`, not copies.
        """
        self.advance(steps)
        diverged = self.diverged_at is not None and self.diverged_at <= steps
        return Trajectory(
            path=self.path[: steps + 1],
            losses=self.losses[: steps + 1],
            label=label,
            diverged=diverged,
        )


def sweep(
    objective: Objective,
    optimizer: type,
    lrs: Iterable[float],
    start: ArrayLike | None = None,
    steps: int = 100,
    **hyper: Any,
) -> Array:
    """Losses for many learning rates: array of shape ``(len(lrs), steps + 1, ...)``.

    Each learning rate runs on all start points at once (a batch of shape ``(n, 2)``).
    Divergent runs have loss ``inf`` from the step they diverge.
    """
    lrs = list(lrs)
    if not lrs:
        raise ValueError("lrs must contain at least one learning rate")
    return np.stack(
        [run_optimizer(objective, optimizer, start, steps, lr=lr, **hyper).losses for lr in lrs]
    )


def measured_rate(errors: Sequence[float] | Array, tail: float = 0.5) -> float:
    """Per-step linear convergence rate measured from a decreasing error sequence.

    Fits ``log e_t ≈ a + t log ρ`` by least squares over the last ``tail`` fraction of the
    steps that still have a positive, finite error above 1e-280, and returns ``ρ``.
    A rate below 1 means the error shrinks by that factor per step.
    """
    e = np.asarray(errors, dtype=np.float64).ravel()
    if e.size < 3:
        raise ValueError(f"need at least 3 errors to measure a rate, got {e.size}")
    if not 0 < tail <= 1:
        raise ValueError(f"tail must be in (0, 1], got {tail}")
    ok = np.isfinite(e) & (e > 1e-280)
    last = np.flatnonzero(~ok)
    end = last[0] if last.size else e.size
    if end < 3:
        raise ValueError("fewer than 3 usable (positive, finite) errors at the start")
    begin = int(end * (1 - tail))
    t = np.arange(begin, end)
    slope = np.polyfit(t, np.log(e[begin:end]), 1)[0]
    return float(np.exp(slope))
