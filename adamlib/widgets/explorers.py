"""The focused explorers of lectures 04-06: Adagrad against RMSprop, ε, bias correction.

- :class:`AdagradVsRMSprop` (:func:`adagrad_vs_rmsprop`, lectures 04-05): both paths, their
  losses and their per-coordinate effective rates ``η / (√s_t + ε)``; a noise menu adds
  gradient noise (:class:`adamlib.run.GradientNoise`, the same draws for both);
- :class:`EpsilonExplorer` (:func:`epsilon_explorer`, lecture 05): ε against the size of the
  gradients, on a scaled quadratic;
- :class:`BiasCorrectionExplorer` (:func:`bias_correction_explorer`, lecture 06): Adam's
  moment estimates, steps and path with the bias correction on and off (:func:`adam_path`).

Lecture 03's :class:`~adamlib.widgets.momentum_explorer.MomentumExplorer` has its own module.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.text import Text
from numpy.typing import ArrayLike, NDArray

from adamlib.functions import OBJECTIVES, Objective, as_points, quadratic
from adamlib.optim import Adagrad, Adam, RMSprop
from adamlib.run import GradientNoise, OptimizerRun, diverged
from adamlib.widgets.interactive import Interactive, decades, light_map, positive
from adamlib.widgets.noise_controls import add_run_controls, check_noise_setting, noise_of
from adamlib.widgets.sliders import Hyper

__all__ = [
    "AdagradVsRMSprop",
    "BiasCorrectionExplorer",
    "EpsilonExplorer",
    "adagrad_vs_rmsprop",
    "adam_path",
    "bias_correction_explorer",
    "epsilon_explorer",
]

Array = NDArray[np.floating]


def _adam_moments(g: Array, beta1: float, beta2: float) -> tuple[Array, Array]:
    """Adam's ``m_t`` and ``v_t`` (not bias-corrected) for a gradient stream ``g`` (t along 0)."""
    m, v = np.empty_like(g), np.empty_like(g)
    mt = vt = np.zeros(g.shape[1:])
    for t in range(len(g)):
        mt = beta1 * mt + (1 - beta1) * g[t]
        vt = beta2 * vt + (1 - beta2) * g[t] ** 2
        m[t], v[t] = mt, vt
    return m, v


def adam_path(
    objective: Objective,
    start: ArrayLike,
    steps: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    bias_correction: bool = True,
) -> Array:
    """Adam from scratch (lecture 06), optionally without bias correction: the path.

    With ``bias_correction=True`` this is ``torch.optim.Adam`` (and :class:`adamlib.optim.Adam`)
    up to rounding; without it the update is ``η m_t / (√v_t + ε)``.
    """
    b1, b2 = betas
    x: Array = np.array(as_points(start), dtype=np.float64)
    path = np.full((steps + 1, 2), np.nan)
    path[0] = x
    m: Array = np.zeros(2)
    v: Array = np.zeros(2)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = objective.grad(x)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            if bias_correction:
                x = x - lr / (1 - b1**t) * m / (np.sqrt(v) / math.sqrt(1 - b2**t) + eps)
            else:
                x = x - lr * m / (np.sqrt(v) + eps)
            if diverged(x):
                break
            path[t] = x
    return path


class BiasCorrectionExplorer(Interactive):
    """Adam's bias correction on and off: the moment estimates, the step sizes, a path.

    Parameters
    ----------
    beta1, beta2
        Initial β₁ and β₂.
    bias_correction
        Start with the correction on (Adam) or off.
    noise
        Standard deviation σ of the gradient stream ``g_t = 1 + σ z_t`` of the left panels.
    steps
        Number of steps.
    backend
        See :func:`~adamlib.widgets.canvas.resolve_backend`.

    Attributes
    ----------
    m_line, v_line
        What Adam uses as estimates of E[g] and √E[g²] (corrected or not).
    step_line, other_step_line
        ``|update| / η`` with the current setting, and with the other one (faint).
    path_line
        Adam's path on a quadratic with the current setting.
    """

    css = "adamlib-bias-correction-explorer"
    description = "bias correction explorer"

    def __init__(
        self,
        beta1: float = 0.9,
        beta2: float = 0.999,
        bias_correction: bool = True,
        noise: float = 0.5,
        steps: int = 100,
        backend: str = "auto",
    ) -> None:
        super().__init__(figsize=(11.0, 3.625), backend=backend)
        self._slider("beta1", Hyper("beta1", "β₁", 0.9, 0.0, 0.99), beta1)
        self._slider("beta2", Hyper("beta2", "β₂", 0.999, 0.5, 0.9999, step=0.0001), beta2)
        self._slider("noise", Hyper("noise", "σ", 0.5, 0.0, 3.0, step=0.05), noise)
        self._int_slider("steps", "steps", steps, 5, 500)
        self._add(
            "bias_correction",
            W.Checkbox(value=bias_correction, description="bias correction", indent=False),
        )
        self._check_initial(
            beta1=beta1, beta2=beta2, noise=noise, steps=steps, bias_correction=bias_correction
        )
        self.objective = quadratic(10.0)
        self._z = np.random.default_rng(0).standard_normal(500)
        self._build()
        self._box = self._layout([W.HBox(list(self.controls.values()))])
        self.update()

    def _build(self) -> None:
        """The three panels: moment estimates, step sizes, paths."""
        ax_m, ax_s, ax_p = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.88, wspace=0.28)
        self.mean_ref = ax_m.axhline(1.0, color="C0", ls=":", lw=1, label="E[g] = 1")
        self.rms_ref = ax_m.axhline(1.0, color="C1", ls=":", lw=1, label="√E[g²]")
        (self.m_line,) = ax_m.plot([], [], color="C0", label="m estimate")
        (self.v_line,) = ax_m.plot([], [], color="C1", label="√v estimate")
        ax_m.set_xscale("log")
        ax_m.set_xlabel("step $t$")
        ax_m.set_ylabel("estimate")
        ax_m.legend(loc="lower right", fontsize="small", ncol=2)
        self.m_title = ax_m.set_title("")
        ax_s.axhline(1.0, color="k", ls=":", lw=1)
        (self.other_step_line,) = ax_s.plot([], [], color="0.6", lw=1)
        (self.step_line,) = ax_s.plot([], [], color="C3")
        ax_s.set_xscale("log")
        ax_s.set_yscale("log")
        ax_s.set_xlabel("step $t$")
        ax_s.set_ylabel("|update| / η")
        ax_s.set_title("Step size (grey: the other setting)")
        light_map(ax_p, self.objective)
        (self.other_path_line,) = ax_p.plot([], [], "-", color="0.6", lw=1)
        (self.path_line,) = ax_p.plot([], [], ".-", color="C3", lw=1.2, ms=3)
        self.path_title = ax_p.set_title("")
        self.ax_m, self.ax_s, self.ax_p = ax_m, ax_s, ax_p
        self._animate(
            self.rms_ref,
            self.m_line,
            self.v_line,
            self.m_title,
            self.other_step_line,
            self.step_line,
            self.other_path_line,
            self.path_line,
            self.path_title,
        )

    def update(self) -> None:
        """Recompute the estimates, the steps and the path; move every artist."""
        c = self.controls
        b1, b2 = float(c["beta1"].value), float(c["beta2"].value)
        sigma, steps = float(c["noise"].value), int(c["steps"].value)
        on = bool(c["bias_correction"].value)
        g = 1.0 + sigma * self._z[:steps]
        m, v = _adam_moments(g, b1, b2)
        t = np.arange(1, steps + 1)
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        eps = 1e-8
        steps_on = np.abs(m_hat) / (np.sqrt(v_hat) + eps)
        steps_off = np.abs(m) / (np.sqrt(v) + eps)
        self.m_line.set_data(t, m_hat if on else m)
        self.v_line.set_data(t, np.sqrt(v_hat if on else v))
        self.rms_ref.set_ydata([math.sqrt(1 + sigma**2)] * 2)
        self._set_lim(self.ax_m, "x", 1, steps)
        self._set_lim(self.ax_m, "y", 0, 1.6 * math.sqrt(1 + sigma**2))
        self.step_line.set_data(t, positive(steps_on if on else steps_off))
        self.other_step_line.set_data(t, positive(steps_off if on else steps_on))
        self._set_lim(self.ax_s, "x", 1, steps)
        self._set_log_ylim(self.ax_s, [positive(steps_on), positive(steps_off), np.ones(1)])
        obj = self.objective
        path = adam_path(obj, obj.start, steps, 0.1, (b1, b2), eps, bias_correction=on)
        other = adam_path(obj, obj.start, steps, 0.1, (b1, b2), eps, bias_correction=not on)
        self.path = path
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.other_path_line.set_data(other[:, 0], other[:, 1])
        name = "with" if on else "without"
        self.m_title.set_text(f"Moment estimates {name} correction")
        first = steps_on[0] if on else steps_off[0]
        self.path_title.set_text(f"Adam, η = 0.1: first step {first:.2g} η")
        self.redraw()


class EpsilonExplorer(Interactive):
    """ε against the size of the gradients: Adam or RMSprop on a scaled quadratic.

    The objective is ``s · ½ pᵀAp``: the scale ``s`` multiplies every gradient. Without ε the
    methods would not see ``s`` at all; ε ≫ √v turns them into gradient descent with rate η/ε.

    Parameters
    ----------
    optimizer
        ``"Adam"`` or ``"RMSprop"``.
    eps, scale, lr, steps
        Initial ε, gradient scale ``s``, learning rate and number of steps.
    backend
        See :func:`~adamlib.widgets.canvas.resolve_backend`.

    Attributes
    ----------
    path_line, loss_line, step_line
        The path, ``f − f*`` (divided by ``s``) and ``‖Δx‖∞ / η`` against step.
    trajectory
        The current :class:`~adamlib.run.Trajectory`.
    """

    css = "adamlib-epsilon-explorer"
    description = "epsilon explorer"

    def __init__(
        self,
        optimizer: str = "Adam",
        eps: float = 1e-8,
        scale: float = 1.0,
        lr: float = 0.1,
        steps: int = 100,
        backend: str = "auto",
    ) -> None:
        super().__init__(figsize=(11.0, 3.625), backend=backend)
        # the initial value goes in at construction: setting it later would fire update()
        # before the figure exists (an invalid name is reported by _check below)
        self._add(
            "optimizer",
            W.ToggleButtons(
                options=["Adam", "RMSprop"],
                value=optimizer if optimizer in ("Adam", "RMSprop") else "Adam",
                style={"button_width": "7em"},
            ),
        )
        self._slider("eps", Hyper("eps", "ε", 1e-8, 1e-12, 1.0, log=True, step=0.25), eps)
        self._slider("scale", Hyper("scale", "s", 1.0, 1e-8, 1e2, log=True, step=0.25), scale)
        self._slider("lr", Hyper("lr", "η", 0.1, 1e-3, 1.0, log=True, step=0.05), lr)
        self._int_slider("steps", "steps", steps, 5, 500)
        self._check_initial(optimizer=optimizer, eps=eps, scale=scale, lr=lr, steps=steps)
        self.base = quadratic(10.0)
        self._build()
        self._box = self._layout(
            [W.HBox(list(self.controls.values())[:3]), W.HBox(list(self.controls.values())[3:])]
        )
        self.update()

    def scaled(self, scale: float) -> Objective:
        """The quadratic multiplied by ``scale`` (same minimum, same contours)."""
        base = self.base

        def gradient(x: Array, y: Array) -> tuple[Array, Array]:
            """The base quadratic's gradient times ``scale``."""
            gx, gy = base.gradient(x, y)
            return scale * gx, scale * gy

        return replace(
            base,
            value=lambda x, y: scale * base.value(x, y),
            gradient=gradient,
            description=f"{scale:g} × ({base.description})",
        )

    def _build(self) -> None:
        """The three panels: path, loss, step length."""
        ax_p, ax_l, ax_s = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.88, wspace=0.3)
        light_map(ax_p, self.base)
        (self.path_line,) = ax_p.plot([], [], ".-", color="C3", lw=1.2, ms=3)
        self.path_title = ax_p.set_title("")
        (self.loss_line,) = ax_l.plot([], [], color="C3")
        ax_l.set_yscale("log")
        ax_l.set_xlabel("step $t$")
        ax_l.set_ylabel("$(f(x_t) - f^*) / s$")
        ax_l.set_title("Loss (rescaled by 1/s)")
        ax_s.axhline(1.0, color="k", ls=":", lw=1, label="η (sign-like steps)")
        (self.step_line,) = ax_s.plot([], [], color="C3", label="‖Δx‖∞ / η")
        ax_s.set_yscale("log")
        ax_s.set_xlabel("step $t$")
        ax_s.set_ylabel("step length / η")
        ax_s.legend(loc="lower left", fontsize="small")
        self.step_title = ax_s.set_title("")
        self.ax_p, self.ax_l, self.ax_s = ax_p, ax_l, ax_s
        self._animate(
            self.path_line, self.path_title, self.loss_line, self.step_line, self.step_title
        )

    def update(self) -> None:
        """Rerun the optimizer and move every artist."""
        c = self.controls
        name, eps = c["optimizer"].value, float(c["eps"].value)
        scale, lr, steps = float(c["scale"].value), float(c["lr"].value), int(c["steps"].value)
        objective = self.scaled(scale)
        self.objective = objective
        optimizer = {"Adam": Adam, "RMSprop": RMSprop}[name]
        run = OptimizerRun(objective, optimizer, {"lr": lr, "eps": eps}, self.base.start)
        self.trajectory = run.trajectory(steps)
        p = self.trajectory.path
        t = np.arange(steps + 1)
        self.path_line.set_data(p[:, 0], p[:, 1])
        loss = positive(self.trajectory.losses / scale)
        self.loss_line.set_data(t, loss)
        self._set_lim(self.ax_l, "x", 0, steps)
        self._set_log_ylim(self.ax_l, [loss])
        ratio = positive(np.abs(np.diff(p, axis=0)).max(axis=1) / lr)
        self.step_line.set_data(t[1:], ratio)
        self._set_lim(self.ax_s, "x", 0, steps)
        self._set_log_ylim(self.ax_s, [ratio, np.ones(1)])
        g0 = float(np.abs(objective.grad(self.base.start)).max())
        self.path_title.set_text(f"{name}: η = {lr:.2g}, ε = {eps:.0e}, s = {scale:.0e}")
        self.step_title.set_text(f"ε / |g₀| = {eps / g0:.1e}")
        self.redraw()


class AdagradVsRMSprop(Interactive):
    """Adagrad's ever-shrinking rates against RMSprop's: paths, losses, effective rates.

    Under additive gradient noise of size σ (the noise menu) the rate panel also shows
    ``η/σ``, where RMSprop's rates settle once the noise outweighs the gradient (its EMA
    ``v_t`` tends to ``g² + σ²``), and ``η/(σ√t)``, which Adagrad's fall below (its sum
    ``s_t`` grows like ``σ² t``).

    Parameters
    ----------
    objective
        Name of an objective of :data:`adamlib.functions.OBJECTIVES`.
    lr
        The learning rate η of both.
    alpha
        RMSprop's decay α.
    steps
        Number of steps.
    backend
        See :func:`~adamlib.widgets.canvas.resolve_backend`.
    noise
        Keyword only: the initial gradient noise of both runs (default none); σ in
        [0.001, 100], seed in [0, 99] (the controls' ranges).

    Attributes
    ----------
    path_lines, loss_lines
        ``{"Adagrad": Line2D, "RMSprop": Line2D}``.
    rate_lines
        ``{("Adagrad", 0): Line2D, ...}``: the effective rate ``η / (√s_t + ε)`` of coordinate
        0 (x) and 1 (y).
    trajectories
        The current trajectories by name.
    noise
        The :class:`~adamlib.run.GradientNoise` of both runs (kind ``"none"`` when off).
    noise_lines
        ``{"η/σ": Line2D, "η/(σ√t)": Line2D}``: the rate panel's references, shown under
        additive noise only.
    """

    css = "adamlib-adagrad-vs-rmsprop"
    description = "Adagrad versus RMSprop"
    NAMES = ("Adagrad", "RMSprop")

    def __init__(
        self,
        objective: str = "rosenbrock",
        lr: float = 0.05,
        alpha: float = 0.99,
        steps: int = 300,
        backend: str = "auto",
        *,
        noise: GradientNoise | None = None,
    ) -> None:
        noise = check_noise_setting(noise)
        super().__init__(figsize=(11.0, 3.75), backend=backend)
        # the initial value goes in at construction: setting it later would fire update()
        # before the figure exists (an invalid name is reported by _check_initial below)
        self._add(
            "objective",
            W.Dropdown(
                options=list(OBJECTIVES),
                value=objective if objective in OBJECTIVES else "rosenbrock",
                description="objective",
                layout=W.Layout(width="220px"),
            ),
        )
        self._slider("lr", Hyper("lr", "η", 0.05, 1e-4, 3.0, log=True, step=0.05), lr)
        self._slider("alpha", Hyper("alpha", "α", 0.99, 0.5, 0.9999, step=0.0001), alpha)
        self._int_slider("steps", "steps", steps, 5, 2000)
        self._check_initial(objective=objective, lr=lr, alpha=alpha, steps=steps)
        first_row = W.HBox(list(self.controls.values()))
        noise_row = add_run_controls(self._add, noise, schedule=None)
        self._build()
        self._box = self._layout([first_row, noise_row])
        self.update()

    def _build(self) -> None:
        """The three panels: paths, losses, effective rates (the map is drawn by update)."""
        self.ax_p, self.ax_l, self.ax_r = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.88, wspace=0.3)
        self.path_lines: dict[str, Line2D] = {}
        self.loss_lines: dict[str, Line2D] = {}
        self.rate_lines: dict[tuple[str, int], Line2D] = {}
        # Adagrad's path is short (its rates only shrink) and lies where RMSprop's first steps
        # pass: it is drawn on top, with its points marked
        styles = {
            "Adagrad": {"ls": "-", "marker": ".", "ms": 4, "lw": 1.5, "zorder": 4},
            "RMSprop": {"ls": "-", "lw": 1.1, "zorder": 3},
        }
        for i, name in enumerate(self.NAMES):
            color = f"C{i + 1}"
            (self.path_lines[name],) = self.ax_p.plot(
                [], [], color=color, label=name, **styles[name]
            )
            # Adagrad's loss on top: under noise RMSprop's jumps around a floor and would hide it
            (self.loss_lines[name],) = self.ax_l.plot(
                [], [], color=color, label=name, zorder=2.5 - i / 2
            )
            for k, ls in ((0, "-"), (1, "--")):
                (self.rate_lines[name, k],) = self.ax_r.plot(
                    [], [], ls, color=color, label=f"{name}, {'xy'[k]}"
                )
        self.ax_l.set_yscale("log")
        self.ax_l.set_xlabel("step $t$")
        self.ax_l.set_ylabel("$f(x_t) - f^*$")
        self.ax_l.set_title("Loss against step")
        self.ax_l.legend(loc="upper right")
        self.ax_r.set_xscale("log")
        self.ax_r.set_yscale("log")
        self.ax_r.set_xlabel("step $t$")
        self.ax_r.set_ylabel("effective rate η / (√s + ε)")
        self.rate_title = self.ax_r.set_title("")  # (it names the noise, when there is some)
        # above the curves: update() leaves the top quarter of the axis free for it
        self.ax_r.legend(
            loc="upper left", fontsize="small", ncol=2, columnspacing=1.0, handlelength=1.8
        )
        (self.start_marker,) = self.ax_p.plot(
            [], [], "o", color="w", mec="k", ms=7, zorder=5, label="start"
        )
        # under additive noise: where RMSprop's rates settle and what Adagrad's fall below,
        # labelled at their right ends (the legend stays the same with and without noise)
        self.noise_lines: dict[str, Line2D] = {}
        self.noise_labels: dict[str, Text] = {}
        for name, ls in (("η/σ", ":"), ("η/(σ√t)", "-.")):
            (self.noise_lines[name],) = self.ax_r.plot([], [], ls, color="k", lw=1.1, zorder=5)
            self.noise_labels[name] = self.ax_r.text(
                0,
                0,
                name,
                ha="right",
                va="bottom",
                fontsize="small",
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "w", "ec": "none", "alpha": 0.8},
            )
        self._shown_objective: str | None = None
        artists = [
            *self.path_lines.values(),
            *self.loss_lines.values(),
            *self.rate_lines.values(),
            self.start_marker,
            *self.noise_lines.values(),
            *self.noise_labels.values(),
            self.rate_title,
        ]
        # blitted in the order of their zorder, as a full draw (the static PNG) stacks them
        self._animate(*sorted(artists, key=lambda artist: artist.get_zorder()))

    def effective_rates(self, name: str) -> Array:
        """``η / (√s_t + ε)`` per step (rows) and coordinate (columns) along ``name``'s path.

        ``s_t`` is Adagrad's sum or RMSprop's EMA of squared gradients, recomputed from the
        gradients the steps used: those at the path's points, or under noise the noisy ones
        the runs recorded (steps after a divergence are NaN).
        """
        traj = self.trajectories[name]
        c = self.controls
        lr, alpha = float(c["lr"].value), float(c["alpha"].value)
        with np.errstate(all="ignore"):
            grads = (
                traj.grads[1:] if traj.grads is not None else self.objective.grad(traj.path[:-1])
            )
            g2 = grads**2
            if name == "Adagrad":
                s, eps = np.cumsum(g2, axis=0), 1e-10
            else:
                s, eps = np.empty_like(g2), 1e-8
                acc = np.zeros(2)
                for t in range(len(g2)):
                    acc = alpha * acc + (1 - alpha) * g2[t]
                    s[t] = acc
            return lr / (np.sqrt(s) + eps)

    def update(self) -> None:
        """Rerun both optimizers and move every artist."""
        c = self.controls
        self.objective = OBJECTIVES[c["objective"].value]
        lr, alpha, steps = float(c["lr"].value), float(c["alpha"].value), int(c["steps"].value)
        if self._shown_objective != self.objective.name:
            for artist in [*self.ax_p.collections, *self.ax_p.lines]:
                if artist not in (*self.path_lines.values(), self.start_marker):
                    artist.remove()
            light_map(self.ax_p, self.objective)
            self.ax_p.set_title(self.objective.name)
            if self.ax_p.get_legend() is None:
                self.ax_p.legend(
                    handles=[*self.path_lines.values(), self.start_marker], loc="lower right"
                )
            self.invalidate()
            self._shown_objective = self.objective.name
        obj = self.objective
        start = obj.start
        self.start_marker.set_data([start[0]], [start[1]])
        noise = noise_of(c)
        self.noise = noise if noise.active else GradientNoise()
        # under noise the runs record the noisy gradients, from which the rates are computed
        record = self.noise.active
        self.trajectories = {
            name: OptimizerRun(
                obj, cls, hyper, start, noise=self.noise, record_state=record
            ).trajectory(steps)
            for name, cls, hyper in (
                ("Adagrad", Adagrad, {"lr": lr}),
                ("RMSprop", RMSprop, {"lr": lr, "alpha": alpha}),
            )
        }
        t = np.arange(steps + 1)
        losses, rates = [], []
        for name, traj in self.trajectories.items():
            self.path_lines[name].set_data(traj.path[:, 0], traj.path[:, 1])
            y = positive(traj.losses - self.objective.min_value)
            self.loss_lines[name].set_data(t, y)
            losses.append(y)
            r = self.effective_rates(name)
            for k in (0, 1):
                self.rate_lines[name, k].set_data(t[1:], positive(r[:, k]))
                rates.append(positive(r[:, k]))
        self._set_lim(self.ax_l, "x", 0, steps)
        self._set_log_ylim(self.ax_l, losses)
        self._set_lim(self.ax_r, "x", 1, steps)
        additive = self.noise.kind == "additive" and self.noise.active
        if additive:
            sigma = self.noise.sigma
            references = {
                "η/σ": np.full(steps, lr / sigma),
                "η/(σ√t)": lr / (sigma * np.sqrt(t[1:])),
            }
            for name, y in references.items():
                self.noise_lines[name].set_data(t[1:], y)
                self.noise_labels[name].set_position((steps / 1.08, y[-1] * 1.08))
            rates = [*rates, *references.values()]
            self.rate_title.set_text(f"Per-coordinate rates, noise σ = {sigma:.2g}")
        else:
            self.rate_title.set_text("Per-coordinate learning rates")
        for artist in (*self.noise_lines.values(), *self.noise_labels.values()):
            artist.set_visible(additive)
        lo, hi = decades(rates, floor_ratio=1e-12)
        headroom = 10.0 ** math.ceil(math.log10(hi) + 0.33 * math.log10(hi / lo))  # the legend's
        self._set_log_ylim(self.ax_r, [*rates, np.array([headroom])], floor_ratio=1e-12)
        self.redraw()


def bias_correction_explorer(**kwargs: Any) -> BiasCorrectionExplorer:
    """Adam with and without bias correction (lecture 06).

    Parameters
    ----------
    **kwargs
        See :class:`BiasCorrectionExplorer`.

    Returns
    -------
    BiasCorrectionExplorer
        Display it in a notebook cell.
    """
    return BiasCorrectionExplorer(**kwargs)


def epsilon_explorer(**kwargs: Any) -> EpsilonExplorer:
    """ε against the gradients' size (lectures 05, 06).

    Parameters
    ----------
    **kwargs
        See :class:`EpsilonExplorer`.

    Returns
    -------
    EpsilonExplorer
        Display it in a notebook cell.
    """
    return EpsilonExplorer(**kwargs)


def adagrad_vs_rmsprop(**kwargs: Any) -> AdagradVsRMSprop:
    """Adagrad's decaying rates against RMSprop's (lectures 04, 05).

    Parameters
    ----------
    **kwargs
        See :class:`AdagradVsRMSprop`.

    Returns
    -------
    AdagradVsRMSprop
        Display it in a notebook cell.
    """
    return AdagradVsRMSprop(**kwargs)
