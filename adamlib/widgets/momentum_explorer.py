"""Lecture 03's explorer: heavy ball on a quadratic, its (η, β) rate map and its error.

:class:`MomentumExplorer` (and :func:`momentum_explorer`): sliders for η, β and the number of
steps; the path next to plain gradient descent's, your point on the rate map of
:func:`adamlib.analysis.momentum_rate` (in steps per digit), and the distance to the minimum
against the prediction ``‖x_0‖ ρᵗ``. A noise menu adds gradient noise
(:class:`adamlib.run.GradientNoise`, the same draws for heavy ball and gradient descent):
momentum under noise.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.ticker import NullFormatter
from numpy.typing import NDArray

from adamlib.analysis import momentum_rate, optimal_momentum
from adamlib.functions import quadratic
from adamlib.optim import SGD
from adamlib.plotting import log_levels
from adamlib.run import GradientNoise, OptimizerRun
from adamlib.widgets.interactive import Interactive, light_map, positive
from adamlib.widgets.noise_controls import add_run_controls, check_noise_setting, noise_of
from adamlib.widgets.sliders import Hyper

__all__ = ["MomentumExplorer", "momentum_explorer"]

Array = NDArray[np.floating]


class MomentumExplorer(Interactive):
    """Heavy ball on a quadratic: its path, its (η, β) rate map and its error against step.

    Parameters
    ----------
    condition_number
        κ = λ_max / λ_min of the quadratic (λ_min = 1).
    lr
        Initial η; the slider spans ``[0.01, 10] / λ_max``. Default ``1/λ_max``, where
        gradient descent converges whatever κ (so the explorer never opens on a divergence).
    momentum, steps
        Initial β and number of steps.
    backend
        See :func:`~adamlib.widgets.canvas.resolve_backend`.
    noise
        Keyword only: the initial gradient noise (default none); σ in [0.001, 100], seed in
        [0, 99] (the controls' ranges).

    Attributes
    ----------
    steps_per_digit
        The rate map's colour: ``ln 10 / -ln ρ`` over the grid (NaN where ρ ≥ 1), drawn on a
        log colour scale.
    path_line, gd_line
        Paths of heavy ball and of plain gradient descent with the same η (drawn up to where
        it leaves the frame).
    path_note, error_note
        Notes shown when needed: a path that diverges, leaves the frame or hides the other;
        a measured error far from ``‖x_0‖ ρᵗ`` (a transient, ``t ρᵗ`` at a double root).
    frame_limits
        The path panel's ``[(x0, x1), (y0, y1)]``: the domain, widened up to ``MAX_FRAME``
        times to hold a converging heavy-ball path.
    point
        The current (η, β) on the rate map.
    error_line, predicted_line
        ``‖x_t‖`` measured, and ``‖x_0‖ ρᵗ`` predicted by the rate ρ.
    noise
        The :class:`~adamlib.run.GradientNoise` of both runs (kind ``"none"`` when off).
    rate, gd_rate
        The current predicted rate ρ (spectral radius of the iteration matrix), and gradient
        descent's ``max |1 − ηλ|``.
    """

    css = "adamlib-momentum-explorer"
    description = "momentum explorer"

    def __init__(
        self,
        condition_number: float = 10.0,
        lr: float | None = None,
        momentum: float = 0.5,
        steps: int = 60,
        backend: str = "auto",
        *,
        noise: GradientNoise | None = None,
    ) -> None:
        noise = check_noise_setting(noise)
        super().__init__(figsize=(11.0, 3.75), backend=backend)
        self.objective = quadratic(condition_number)
        assert self.objective.hessian is not None  # a quadratic always carries its Hessian
        self.eigenvalues = np.linalg.eigvalsh(self.objective.hessian)
        # η's range follows the curvature: GD's edge 2/λ_max sits in the middle of it whatever κ
        lam_max = float(self.eigenvalues.max())
        self.lr_range = (0.01 / lam_max, 10.0 / lam_max)
        lr = 1.0 / lam_max if lr is None else lr  # GD's safe step: every start converges
        self._slider("lr", Hyper("lr", "η", lr, *self.lr_range, log=True, step=0.02), lr)
        self._slider("momentum", Hyper("momentum", "β", 0.5, 0.0, 0.99), momentum)
        self._int_slider("steps", "steps", steps, 5, 300)
        self._check_initial(lr=lr, momentum=momentum, steps=steps)
        first_row = W.HBox(list(self.controls.values()))
        noise_row = add_run_controls(self._add, noise, schedule=None)
        self._build()
        self._box = self._layout([first_row, noise_row])
        self.update()

    #: The path panel can widen to show an overshooting run, up to this many times the domain.
    MAX_FRAME = 3

    def _build(self) -> None:
        """The three panels: path, rate map, error against step."""
        ax_path, ax_map, ax_err = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.88, wspace=0.5)
        # contours over MAX_FRAME times the domain: the frame widens when the heavy ball
        # overshoots (Polyak's optimum on κ = 100 swings to |y| ≈ 4.4 from y₀ = 1.2)
        k = self.MAX_FRAME
        (x0, x1), (y0, y1) = self.objective.domain
        wide = replace(self.objective, domain=((k * x0, k * x1), (k * y0, k * y1)))
        lowest = log_levels(self.objective, 18, 140)[0]  # the levels of the domain, continued
        top = float(wide.grid(240)[2].max() - wide.min_value)
        levels = np.geomspace(lowest, top, 26)
        light_map(ax_path, wide, levels=levels, resolution=240)
        (self.path_line,) = ax_path.plot([], [], ".-", color="C3", lw=1.3, ms=3, label="heavy ball")
        # on top, dashed: the first step of both is the same, and GD must stay visible
        (self.gd_line,) = ax_path.plot(
            [], [], "--", color="0.25", lw=1.1, label="GD, same η", zorder=4
        )
        ax_path.legend(loc="lower right")
        self.path_title = ax_path.set_title("")
        note = {
            "fontsize": "small",
            "va": "top",
            "zorder": 10,
            "bbox": {"boxstyle": "round,pad=0.25", "fc": "w", "ec": "0.7", "alpha": 0.85},
        }
        # top right: paths start at the top left (-1.8, 1.2) and end at the centre
        self.path_note = ax_path.text(
            0.97, 0.97, "", transform=ax_path.transAxes, ha="right", **note
        )
        lrs = np.geomspace(*self.lr_range, 160)
        betas = np.linspace(0.0, 0.99, 100)
        rates = momentum_rate(lrs[None, :], betas[:, None], self.eigenvalues)
        # Rates near 1 look alike on a linear scale (0.99 and 0.999 differ tenfold in cost), so
        # the colour is what a rate costs, as in lecture 03's map: steps per tenfold reduction.
        with np.errstate(divide="ignore"):
            self.steps_per_digit = math.log(10) / -np.log(np.where(rates < 1, rates, np.nan))
        # from the decade below the best rate on the grid (10 for κ = 100, as lecture 03's map)
        best = float(np.nanmin(self.steps_per_digit))
        vmin = 10.0 ** math.floor(math.log10(best)) if best > 0 else 1.0
        ax_map.set_facecolor("0.75")
        mesh = ax_map.pcolormesh(
            lrs,
            betas,
            self.steps_per_digit,
            cmap="viridis_r",
            norm=mpl.colors.LogNorm(vmin=vmin, vmax=1e4),
            shading="auto",
            rasterized=True,
        )
        self.rate_mesh = mesh
        self.fig.colorbar(
            mesh, ax=ax_map, label="steps per digit (gray: diverges)", pad=0.02, extend="max"
        )
        ax_map.contour(lrs, betas, rates, levels=[1.0], colors="w", linewidths=1.0)
        lo, hi = float(self.eigenvalues.min()), float(self.eigenvalues.max())
        best_lr, best_beta, _ = optimal_momentum(lo, hi)
        ax_map.plot(
            [best_lr], [best_beta], "*", color="gold", mec="k", ms=12, label="optimal (η*, β*)"
        )
        # a ring, so that the star still shows when your point sits on it
        (self.point,) = ax_map.plot(
            [], [], "o", mfc="none", mec="C0", mew=2.2, ms=11, label="yours"
        )
        ax_map.set_xscale("log")
        ax_map.set_xlabel("learning rate η")
        ax_map.set_ylabel("momentum β")
        ax_map.set_title("Rate map: steps per digit of accuracy")
        ax_map.legend(loc="upper left", fontsize="small")
        (self.error_line,) = ax_err.plot([], [], color="C3", label="measured")
        (self.predicted_line,) = ax_err.plot([], [], "--", color="k", lw=1, label="‖x₀‖ ρᵗ")
        ax_err.set_yscale("log")
        # no labelled minor ticks (a short range would get "6×10⁰"s, pushing the y-label
        # into the colour bar's)
        ax_err.yaxis.set_minor_formatter(NullFormatter())
        ax_err.set_xlabel("step $t$")
        ax_err.set_ylabel("distance to the minimum ‖x_t‖")
        ax_err.legend(loc="lower left")
        self.error_title = ax_err.set_title("")
        self.error_note = ax_err.text(
            0.97, 0.97, "", transform=ax_err.transAxes, ha="right", **note
        )
        self._animate(
            self.gd_line,
            self.path_line,
            self.point,
            self.error_line,
            self.predicted_line,
            self.path_title,
            self.error_title,
            self.path_note,
            self.error_note,
        )
        self.ax_path, self.ax_map, self.ax_err = ax_path, ax_map, ax_err

    def _frame(self, path: Array) -> list[tuple[float, float]]:
        """Return the path panel's limits: the domain, widened to hold ``path``.

        Widened in steps of half of it (at most ``MAX_FRAME`` times) to hold ``path``, when that
        converges.
        """
        finite = path[np.isfinite(path).all(axis=1)]
        limits = []
        for k, (lo, hi) in enumerate(self.objective.domain):
            mid, half = (lo + hi) / 2, (hi - lo) / 2
            factor = 1.0
            if self.rate < 1 and len(finite):
                need = float(np.abs(finite[:, k] - mid).max()) * 1.05 / half
                factor = min(float(self.MAX_FRAME), max(1.0, math.ceil(2 * need) / 2))
            limits.append((mid - factor * half, mid + factor * half))
        return limits

    def _double_root(self, lr: float, beta: float) -> bool:
        """Whether an eigenvalue that sets ρ has (nearly) a double root σ.

        Then the error falls like ``t ρᵗ``, not ``ρᵗ``.
        """
        trace = 1.0 + beta - lr * self.eigenvalues
        root = np.sqrt(trace * trace - 4.0 * beta + 0j)
        radius = np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2.0
        sets_rate = radius >= radius.max() * (1 - 1e-9)
        gap = np.abs(trace * trace - 4.0 * beta)[sets_rate]
        return bool(beta > 0 and (gap <= 0.02 * 4.0 * beta).any())

    def update(self) -> None:
        """Rerun both methods and move every artist."""
        lr, beta = float(self.controls["lr"].value), float(self.controls["momentum"].value)
        steps = int(self.controls["steps"].value)
        obj, start = self.objective, self.objective.start
        noise = noise_of(self.controls)
        self.noise = noise if noise.active else GradientNoise()
        self.trajectory = OptimizerRun(
            obj, SGD, {"lr": lr, "momentum": beta}, start, noise=self.noise
        ).trajectory(steps)
        gd = OptimizerRun(obj, SGD, {"lr": lr}, start, noise=self.noise).trajectory(steps)
        self.rate = float(momentum_rate(lr, beta, self.eigenvalues))
        self.gd_rate = float(np.abs(1.0 - lr * self.eigenvalues).max())
        p, q = self.trajectory.path, gd.path
        (x0, x1), (y0, y1) = limits = self._frame(p)
        self._set_lim(self.ax_path, "x", x0, x1)
        self._set_lim(self.ax_path, "y", y0, y1)

        def outside(path: Array) -> NDArray[np.bool_]:
            """Which points of ``path`` lie outside the frame."""
            with np.errstate(invalid="ignore"):
                return ~(
                    (path[:, 0] >= x0)
                    & (path[:, 0] <= x1)
                    & (path[:, 1] >= y0)
                    & (path[:, 1] <= y1)
                )

        self.path_line.set_data(p[:, 0], p[:, 1])
        gd_out = np.flatnonzero(outside(q))
        shown = q if not gd_out.size else q[: gd_out[0] + 1]  # up to where it leaves the frame
        self.gd_line.set_data(shown[:, 0], shown[:, 1])
        notes = []
        if self.rate >= 1:
            notes.append("heavy ball: ρ ≥ 1, no convergence")
        elif outside(p).any():
            notes.append("heavy ball leaves the frame")
        lam_max = float(self.eigenvalues.max())
        if self.gd_rate >= 1:
            notes.append(
                f"GD, same η: diverges\n(ηλ_max = {lr * lam_max:.2f} ≥ 2),\ndrawn until it leaves"
            )
        elif beta == 0:
            notes.append("β = 0: heavy ball is GD\n(the grey path is under it)")
        self.path_note.set_text("\n".join(notes))
        self.path_note.set_visible(bool(notes))
        self.frame_limits = limits
        self.point.set_data([lr], [beta])
        err = np.linalg.norm(p, axis=1)
        t = np.arange(steps + 1)
        self.error_line.set_data(t, positive(err))
        with np.errstate(over="ignore", under="ignore"):
            predicted = err[0] * self.rate**t
        self.predicted_line.set_data(t, positive(predicted))
        self._set_lim(self.ax_err, "x", 0, steps)
        self._set_log_ylim(
            self.ax_err, [positive(err)], floor_ratio=1e-20, ceiling=1e3 * float(err[0])
        )
        note = ""
        if self.rate < 1 and np.isfinite(err[-1]) and err[-1] > 0 and predicted[-1] > 0:
            ratio = float(err[-1] / predicted[-1])
            if ratio >= 10:
                if self.noise.active:
                    why = "noise: the error\nstops at a floor"
                elif self._double_root(lr, beta):
                    why = "double root:\nerror ∝ t ρᵗ"
                else:
                    why = "a transient;\nthe slope is ρ"
                note = f"ends {ratio:.0f}× above ‖x₀‖ρᵗ,\n{why}"
            elif ratio <= 0.1:
                note = f"ends {1 / ratio:.0f}× below ‖x₀‖ρᵗ"
        self.error_note.set_text(note)
        self.error_note.set_visible(bool(note))
        if self.rate >= 1:
            verdict = "diverges"
        elif self.rate > 0:
            verdict = f"{math.ceil(-1 / math.log10(self.rate))} steps per digit"
        else:
            verdict = "exact in a few steps"
        self.path_title.set_text(f"η = {lr:.3g}, β = {beta:.2f}")
        self.error_title.set_text(f"ρ = {self.rate:.3f}: {verdict}")
        self.redraw()


def momentum_explorer(condition_number: float = 10.0, **kwargs: Any) -> MomentumExplorer:
    """Momentum's (η, β) on a quadratic next to its rate map (lecture 03).

    Parameters
    ----------
    condition_number
        κ of the quadratic.
    **kwargs
        See :class:`MomentumExplorer`.

    Returns
    -------
    MomentumExplorer
        Display it in a notebook cell.
    """
    return MomentumExplorer(condition_number, **kwargs)
