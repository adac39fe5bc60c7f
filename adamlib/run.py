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

:func:`run_optimizer` can also add :class:`GradientNoise` to every gradient (the same draws for
every optimizer, so that runs differ only by their rule), change the learning rate with a
schedule from :mod:`adamlib.schedules`, and record the optimizer's state at every step, with
:func:`effective_step`, the per-coordinate step size ``η / (√v̂ + ε)`` of the adaptive methods
(lecture 10's playground shows all three).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from adamlib.functions import Objective, as_points
from adamlib.optim.parts import bias_correction
from adamlib.optim.radam import rectification
from adamlib.validation import check_int, check_real

__all__ = [
    "DIVERGED",
    "NOISE_KINDS",
    "GradientNoise",
    "OptimizerRun",
    "Trajectory",
    "diverged",
    "effective_step",
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
        Objective values along the path, shape ``(steps + 1, ...)`` (without noise: the
        objective's own value).
    label
        Legend label.
    diverged
        Whether each run (one per start point) diverged, shape ``path.shape[1:-1]``.
    state
        The optimizer's state over the steps (``record_state=True`` only), see below.
    grads
        The gradients the steps used, noise included (``record_state=True`` only).
    """

    path: Array
    losses: Array
    label: str = ""
    diverged: NDArray[np.bool_] | bool = False
    #: with ``record_state=True``: each state array of the optimizer after every step (NaN in
    #: row 0, before the first step), and ``"effective_step"`` where :func:`effective_step`
    #: knows the optimizer; shapes ``(steps + 1, ..., 2)``
    state: dict[str, Array] | None = None
    #: with ``record_state=True``: the gradient each step used (noise included), NaN in row 0
    grads: Array | None = None

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


NOISE_KINDS = ("none", "additive", "relative")


@dataclass(frozen=True)
class GradientNoise:
    r"""Noise added to every gradient of a run; the same draws for every optimizer.

    - ``"additive"``: :math:`\tilde g_t = g_t + \sigma\xi_t`, noise of a fixed size, as a
      stochastic gradient far from any minimum has (lecture 02's noise floor);
    - ``"relative"``: :math:`\tilde g_t = g_t \odot (1 + \sigma\xi_t)`, noise that scales with
      the gradient, coordinate by coordinate, and vanishes with it (minibatch-like);
    - ``"none"`` (or ``sigma=0``): the exact gradient.

    :math:`\xi_t \sim N(0, I)` is drawn from ``np.random.default_rng(seed)``, one draw of the
    points' shape per step, in step order: two runs with the same noise see the same
    :math:`\xi_1, \xi_2, \ldots` whatever their optimizer.

    Parameters
    ----------
    kind : str, default "none"
        One of :data:`NOISE_KINDS`.
    sigma : float, default 0.0
        :math:`\sigma \ge 0`.
    seed : int, default 0
        Seed of the draws.
    """

    kind: str = "none"
    sigma: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        """Check the settings (a frozen dataclass: they cannot change later)."""
        if self.kind not in NOISE_KINDS:
            raise ValueError(f"noise kind must be one of {NOISE_KINDS}, got {self.kind!r}")
        sigma = check_real("sigma", self.sigma)
        if not (math.isfinite(sigma) and sigma >= 0):
            raise ValueError(f"sigma must be finite and >= 0, got {sigma}")
        check_int("seed", self.seed, 0)

    @property
    def active(self) -> bool:
        """Whether gradients change at all (a kind other than ``"none"`` and ``sigma > 0``)."""
        return self.kind != "none" and self.sigma > 0

    def generator(self) -> np.random.Generator:
        """Return a new generator of the draws, at the first step."""
        return np.random.default_rng(self.seed)

    def apply(self, g: Array, rng: np.random.Generator) -> Array:
        r"""Return the noisy gradient for ``g``, drawing the next :math:`\xi_t` from ``rng``.

        ``g`` itself (and no draw) when the noise is not :attr:`active`; else a new array.
        """
        if not self.active:
            return g
        (term,) = self.terms(rng, 1, np.shape(g))
        return g + term if self.kind == "additive" else g * term

    def terms(self, rng: np.random.Generator, steps: int, shape: tuple[int, ...]) -> Array:
        r"""Return the next ``steps`` steps' noise terms at once, drawn from ``rng``.

        :math:`\sigma\xi_t`, added to the gradient (``"additive"``), or
        :math:`1 + \sigma\xi_t`, multiplying it (``"relative"``): an array of shape
        ``(steps, *shape)``. Drawing them together gives the same numbers as drawing them one
        step at a time (NumPy's generators fill an array in order), in a fraction of the time.
        """
        xi = rng.standard_normal((steps, *shape))
        return self.sigma * xi if self.kind == "additive" else 1.0 + self.sigma * xi


def effective_step(optimizer: Any, i: int = 0) -> Array | None:
    r"""Return the per-coordinate step size of param ``i``'s last step, or None.

    The factor by which the last step scaled its direction, coordinate by coordinate: the
    gradient for SGD without momentum, Adagrad and RMSprop, the bias-corrected momentum
    :math:`\hat m` for the Adam family, so that (without weight decay)
    :math:`\theta_t = \theta_{t-1} - s_t \odot d_t`:

    ==================  ===============================================================
    SGD                 :math:`\eta` (every coordinate)
    Adagrad             :math:`\eta_t / (\sqrt{G_t} + \epsilon)` (:math:`\eta_t`: with lr_decay)
    RMSprop             :math:`\eta / (\sqrt{v_t} + \epsilon)` (centered: :math:`v_t - \bar g_t^2`)
    Adam, AdamW, NAdam  :math:`\eta / (\sqrt{\hat v_t} + \epsilon)`
    RAdam               :math:`\eta r_t / (\sqrt{\hat v_t} + \epsilon)` once rectified, else
                        :math:`\eta`
    Adamax              :math:`\eta / u_t`
    Lion                :math:`\eta` (direction :math:`\operatorname{sign}(c_t)`)
    ==================  ===============================================================

    with :math:`\hat v_t = v_t / (1 - \beta_2^t)` (AMSGrad: its running maximum).

    (NAdam mixes :math:`g_t` and :math:`m_t` in its direction; Adadelta's, Adafactor's,
    Schedule-Free's and Muon's steps have no such form and give None, as does an optimizer not
    listed here.) Read after
    ``optimizer.step(...)`` and before a schedule changes the learning rate.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        After at least one step.
    i : int, default 0
        Which param (numbered across groups, as ``optimizer.state``).
    """
    name = type(optimizer).__name__
    state = optimizer.state[i]
    group = next(
        g for g in optimizer.param_groups if any(p is optimizer.params[i] for p in g["params"])
    )
    t, lr = state.get("step", 0), group["lr"]
    param = optimizer.params[i]
    if t == 0:
        return None
    if name == "SGD":
        return np.full(param.shape, float(lr))
    if name == "Adagrad":
        clr = lr / (1 + (t - 1) * group["lr_decay"])
        return clr / (np.sqrt(state["sum"]) + group["eps"])
    if name == "RMSprop":
        v = state["square_avg"]
        if group["centered"]:
            v = v - state["grad_avg"] ** 2
        return lr / (np.sqrt(v) + group["eps"])
    if name in ("Adam", "AdamW", "NAdam", "RAdam"):
        beta2 = group["betas"][1]
        v = state["max_exp_avg_sq"] if group.get("amsgrad") else state["exp_avg_sq"]
        step = lr / (np.sqrt(v / bias_correction(beta2, t)) + group["eps"])
        if name == "RAdam":
            r = rectification(beta2, t)
            return np.full(param.shape, float(lr)) if r is None else r * step
        return step
    if name == "Adamax":
        return lr / state["exp_inf"]
    if name == "Lion":
        return np.full(param.shape, float(lr))
    return None


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
    *,
    noise: GradientNoise | None = None,
    schedule: Callable[[Any], Any] | None = None,
    record_state: bool = False,
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
    noise
        :class:`GradientNoise` added to every gradient (default: none). The losses stay the
        objective's own values.
    schedule
        ``schedule(optimizer) -> scheduler``, e.g. ``lambda opt: CosineAnnealingLR(opt,
        T_max=steps)`` from :mod:`adamlib.schedules`; ``scheduler.step()`` runs after every
        ``optimizer.step``, as in a training loop.
    record_state
        Also record the optimizer's state arrays, :func:`effective_step` and the gradients at
        every step (:attr:`Trajectory.state`, :attr:`Trajectory.grads`).
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
    noise = _check_noise(noise)
    steps = check_int("steps", steps, 0)
    holder: dict[str, Any] = {"t": 0, "rng": noise.generator()}
    recorded: dict[str, Array] = {}
    grads: list[Array] = []

    def advance(x: Array, g: Array, diverged: NDArray[np.bool_]) -> None:
        """One optimizer step (the optimizer is made at the first, on ``x``)."""
        if "opt" not in holder:
            holder["opt"] = opt = optimizer([x], **hyper)
            holder["scheduler"] = schedule(opt) if schedule is not None else None
        opt, scheduler = holder["opt"], holder["scheduler"]
        holder["t"] = t = holder["t"] + 1
        g = noise.apply(g, holder["rng"]).astype(x.dtype, copy=False)
        opt.step([g])
        if record_state:
            grads.append(g.copy())
            _record_state(recorded, opt, t, steps, x.shape, x.dtype)
        if scheduler is not None:
            scheduler.step()

    traj = _record(objective, start, steps, advance, label, dtype=dtype)
    if record_state:
        shape = traj.path.shape
        traj.grads = np.full(shape, np.nan, dtype=traj.path.dtype)
        if grads:
            traj.grads[1 : len(grads) + 1] = grads
        traj.state = recorded
    return traj


def _check_noise(noise: GradientNoise | None) -> GradientNoise:
    """``noise``, or no noise for None; a TypeError for anything else."""
    if noise is None:
        return GradientNoise()
    if not isinstance(noise, GradientNoise):
        raise TypeError(f"noise must be a GradientNoise, got {type(noise).__name__}")
    return noise


def _record_state(
    recorded: dict[str, Array], opt: Any, t: int, steps: int, shape: tuple[int, ...], dtype: Any
) -> None:
    """Copy the optimizer's state arrays and :func:`effective_step` into row ``t``."""
    values = {k: v for k, v in opt.state[0].items() if isinstance(v, np.ndarray)}
    eff = effective_step(opt)
    if eff is not None:
        values["effective_step"] = eff
    for key, value in values.items():
        if key not in recorded:
            recorded[key] = np.full((steps + 1, *shape), np.nan, dtype=dtype)
        recorded[key][t] = value


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
    noise, schedule, record_state
        As in :func:`run_optimizer` (keyword only; the defaults add nothing, and the run is
        then the plain one, bit for bit). A schedule is made once, for the optimizer of this
        run: one whose shape depends on the total number of steps (cosine) needs a new run,
        not a continued one, when that number changes.

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
        self,
        objective: Objective,
        optimizer: type,
        hyper: Mapping[str, Any],
        start: ArrayLike,
        *,
        noise: GradientNoise | None = None,
        schedule: Callable[[Any], Any] | None = None,
        record_state: bool = False,
    ) -> None:
        self.objective = objective
        self.x = np.array(as_points(start), dtype=np.float64)
        if self.x.shape != (2,):
            raise ValueError(f"start must be one point (x, y), got shape {self.x.shape}")
        self.noise = _check_noise(noise)
        self.opt = optimizer([self.x], **hyper)
        self.scheduler = schedule(self.opt) if schedule is not None else None
        self.record_state = bool(record_state)
        self._rng = self.noise.generator()
        # the plain loop (no schedule or recording; noise or not) is the fast path of the widgets
        self._plain = not (schedule is not None or self.record_state)
        self.path = np.empty((64, 2))
        self.path[0] = self.x
        self.losses = np.empty(64)
        self.losses[0] = objective.f(self.x)
        #: with ``record_state``: each state array (and ``"effective_step"``) by step, NaN in
        #: row 0, as :attr:`Trajectory.state`; and the gradients the steps used
        self.state: dict[str, Array] = {}
        self.grads: Array = np.full((64, 2), np.nan)
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
            if self.record_state:
                self.grads = _grown(self.grads, size, self.steps)
                self.state = {k: _grown(v, size, self.steps) for k, v in self.state.items()}

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
            # the point as two NumPy scalars: the objectives' arithmetic on them gives what it
            # gives on the 0-d views objective.grad(x) passes (tests/test_functions.py), 5x faster
            px, py = x
            step, isfinite = self.opt.step, math.isfinite
            g = np.empty(2)  # the optimizers keep no reference to it: reuse
            grads = [g]
            # the noise terms of these steps, drawn at once (the same draws as step by step)
            noise = self.noise
            terms = noise.terms(self._rng, steps - first + 1, (2,)).tolist() if noise.active else []
            additive = noise.kind == "additive"
            with np.errstate(all="ignore"):
                for t in range(first, steps + 1):
                    gx, gy = gradient(px, py)
                    g[0], g[1] = gx, gy
                    if not (isfinite(g[0]) and isfinite(g[1])):  # the rule of _record
                        self.diverged_at = t
                        break
                    if terms:  # as noise.apply(g): g + σξ_t or g ⊙ (1 + σξ_t)
                        ax, ay = terms[t - first]
                        g[0], g[1] = (g[0] + ax, g[1] + ay) if additive else (g[0] * ax, g[1] * ay)
                    if self._plain:
                        step(grads)
                    else:
                        self._step_with_options(t, g)
                    if point_diverged(*x.tolist()):
                        self.diverged_at = t
                        break
                    path[t] = x
                    px, py = x
                    # point by point, as objective.f(x): on whole arrays NumPy squares by
                    # multiplying where a scalar calls pow(), which can differ in the last bit
                    losses[t] = value(px, py)
        if self.diverged_at is not None:
            d = max(self.diverged_at, first)
            self.path[d : steps + 1] = np.nan
            self.losses[d : steps + 1] = np.inf
        self.steps = steps

    def _step_with_options(self, t: int, g: Array) -> None:
        """Step ``t`` on ``g`` (noise added) as :func:`run_optimizer`: step, record, schedule."""
        self.opt.step([g])
        if self.record_state:
            self.grads[t] = g
            _record_state(self.state, self.opt, t, len(self.path) - 1, (2,), np.float64)
        if self.scheduler is not None:
            self.scheduler.step()

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
        traj = Trajectory(
            path=self.path[: steps + 1],
            losses=self.losses[: steps + 1],
            label=label,
            diverged=diverged,
        )
        if self.record_state:
            traj.state = {k: v[: steps + 1] for k, v in self.state.items()}
            traj.grads = self.grads[: steps + 1]
        return traj


def _grown(a: Array, size: int, steps: int) -> Array:
    """``a`` with ``size`` rows: its first ``steps + 1`` kept, the others NaN."""
    out = np.full((size, *a.shape[1:]), np.nan)
    out[: steps + 1] = a[: steps + 1]
    return out


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
