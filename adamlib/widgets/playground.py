"""The optimizer playground of lecture 10: every objective × any set of optimizers.

:class:`Playground` (and :func:`playground`, which makes one): a contour map with each ticked
optimizer's path and a loss panel, sliders for every hyperparameter (:mod:`.sliders`), the
start point (sliders, or a click on the map with ipympl) and an iteration slider with a play
button. Its runs are :class:`adamlib.run.OptimizerRun`: cached per objective and continued
when only the number of steps grows. Its static content is drawn in layers and prepared for
the other objectives right after it is built and while the kernel is idle (see
:meth:`Playground._draw_static` and :meth:`Playground.prepare`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike, NDArray

from adamlib.functions import OBJECTIVES, Objective, as_points
from adamlib.plotting import contour_lines
from adamlib.run import GradientNoise, OptimizerRun, Trajectory
from adamlib.validation import check_int
from adamlib.widgets.interactive import (
    WIDEST_DECADE,
    Interactive,
    log_axis,
    log_ylim,
    pin_axis_labels,
    positive,
)
from adamlib.widgets.noise_controls import (
    RunSettings,
    add_run_controls,
    make_schedule,
    schedule_depends_on_steps,
)
from adamlib.widgets.preparation import Preparation
from adamlib.widgets.sliders import OPTIMIZERS, available_optimizers
from adamlib.widgets.state_view import StateView, StateViewSlot

__all__ = ["Playground", "playground"]

Array = NDArray[np.floating]


class Playground(RunSettings, StateViewSlot, Preparation, Interactive):
    """Every objective × any set of optimizers: sliders, click-to-start, play over iterations.

    Parameters
    ----------
    objective
        Name of an objective of :data:`adamlib.functions.OBJECTIVES`.
    optimizers
        Labels of :data:`~adamlib.widgets.sliders.OPTIMIZERS` to show at first (the others
        can be ticked later).
    steps
        Number of steps (1 to 2000).
    start
        Start point ``(x, y)``; default ``objective.start``.
    hyper
        Initial slider values, e.g. ``{"Adam": {"lr": 0.1}}``.
    backend
        ``"auto"``, ``"ipympl"`` or ``"inline"`` (see
        :func:`~adamlib.widgets.canvas.resolve_backend`).
    noise, schedule, state
        Keyword only: the :class:`~adamlib.run.GradientNoise` of every run (default none), the
        learning-rate schedule (one of :data:`~adamlib.widgets.noise_controls.SCHEDULES`) and
        the optimizer whose state the state view shows (``"none"``: no state view).

    Attributes
    ----------
    path_lines, loss_lines, heads
        ``Line2D`` per optimizer label: the path on the map, the loss curve, the current point.
    start_marker
        The start point on the map.
    trajectories
        The :class:`~adamlib.run.Trajectory` of each selected optimizer (full ``steps``).
    controls
        ``objective``, ``steps``, ``x0``, ``y0``, ``frame`` (the iteration shown), ``play``,
        ``use:<label>`` (checkboxes), ``<label>:<hyper>`` (sliders), ``<label>:<switch>``
        (variant checkboxes), ``noise``, ``sigma``, ``seed``, ``schedule`` and ``state``.
    state_view
        The :class:`~adamlib.widgets.state_view.StateView`, made when first opened (or None).
    """

    css = "adamlib-playground"
    description = "optimizer playground"
    MAX_STEPS = 2000

    def __init__(
        self,
        objective: str = "rosenbrock",
        optimizers: Sequence[str] = ("SGD+momentum", "RMSprop", "Adam"),
        steps: int = 200,
        start: ArrayLike | None = None,
        hyper: Mapping[str, Mapping[str, float]] | None = None,
        backend: str = "auto",
        *,
        noise: GradientNoise | None = None,
        schedule: str = "constant",
        state: str = "none",
    ) -> None:
        super().__init__(figsize=(10.0, 4.25), backend=backend)
        self.labels = available_optimizers()
        chosen = self._check_optimizers(optimizers)
        obj = self._check_objective(objective)
        steps = check_int("steps", steps, 1, self.MAX_STEPS)
        p = obj.start if start is None else self._check_start(obj, start)
        # the last run of each optimizer on each objective visited (a settings key and the run):
        # coming back to an objective with the same settings reruns nothing
        self._runs_by_objective: dict[str, dict[str, tuple[tuple[Any, ...], OptimizerRun]]] = {}
        self._runs = self._runs_by_objective.setdefault(obj.name, {})  # the objective's
        self._shown_objective: str | None = None
        self._first = self._preparing = None
        noise, schedule, state = self._check_run_settings(noise, schedule, state)
        # made now (its figure and canvas: ≈ 15 ms), drawn when first opened or while idle
        self.state_view = StateView(backend=self.backend)
        self._state_slot = W.VBox([])
        self._build_figure()
        self._build_controls(objective, chosen, steps, p)
        self._run_row = add_run_controls(self._add, noise, schedule)
        self._add(
            "state",
            W.Dropdown(
                options=["none", *self.labels],
                value=state,
                description="state of",
                layout=W.Layout(width="220px"),
            ),
        )
        for label, values in (hyper or {}).items():
            self._check_hyper(label, values)
            for name, v in values.items():
                self.controls[f"{label}:{name}"].value = v
        self._box = self._layout(self._rows())
        self._box.children = (*self._box.children, self._state_slot)
        if self.backend == "ipympl":
            self.canvas.mpl_connect("button_press_event", self._on_click)
        self.update()
        self._schedule_first_turn()

    def close(self) -> None:
        """Stop preparing other objectives and close every widget."""
        self._stop_preparing()
        self.state_view.close()
        super().close()

    # -- validation ------------------------------------------------------------------------
    def _check_optimizers(self, optimizers: Sequence[str]) -> list[str]:
        """Known labels, without repeats (one label may be given as a string)."""
        if isinstance(optimizers, str):
            optimizers = [optimizers]
        unknown = [o for o in optimizers if o not in self.labels]
        if unknown:
            raise ValueError(f"unknown optimizer(s) {unknown}; choose from {self.labels}")
        return list(dict.fromkeys(optimizers))

    @staticmethod
    def _check_objective(name: Any) -> Objective:
        """The objective called ``name``."""
        if not isinstance(name, str) or name not in OBJECTIVES:
            raise ValueError(f"unknown objective {name!r}; choose one of {list(OBJECTIVES)}")
        return OBJECTIVES[name]

    @staticmethod
    def _check_start(objective: Objective, start: ArrayLike) -> Array:
        """``start`` as one point inside ``objective``'s domain."""
        p = np.asarray(as_points(start), dtype=np.float64)
        if p.shape != (2,):
            raise ValueError(f"start must be one point (x, y), got shape {p.shape}")
        (x0, x1), (y0, y1) = objective.domain
        if not (np.isfinite(p).all() and x0 <= p[0] <= x1 and y0 <= p[1] <= y1):
            raise ValueError(
                f"start {tuple(p.tolist())} is outside {objective.name}'s domain "
                f"x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]"
            )
        return p

    def _check_hyper(self, label: str, values: Mapping[str, Any]) -> dict[str, float]:
        """Slider values of optimizer ``label``, checked (see :meth:`OptimizerSpec.check`)."""
        if label not in self.labels:
            raise ValueError(f"unknown optimizer {label!r}; choose from {self.labels}")
        return OPTIMIZERS[label].check(values)

    # -- construction ----------------------------------------------------------------------
    def _build_figure(self) -> None:
        """The map and loss panels and every optimizer's (hidden) lines."""
        fig = self.fig
        self.ax_map, self.ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
        fig.subplots_adjust(left=0.065, right=0.985, bottom=0.12, top=0.91, wspace=0.22)
        self._contours: Any = None  # the contour set shown
        self._contour_sets: dict[str, Any] = {}  # per objective, kept hidden once computed
        self._map_layers: dict[tuple[str | None, tuple[float, float, float]], Any] = {}
        # per objective and size: the whole static picture last drawn, with its loss-panel state
        self._backgrounds: dict[
            tuple[str | None, tuple[float, float, float]], tuple[tuple[Any, ...], Any]
        ] = {}
        (self._minima,) = self.ax_map.plot(
            [], [], "*", color="gold", mec="k", ms=13, ls="none", zorder=4
        )
        (self.start_marker,) = self.ax_map.plot(
            [], [], "o", color="w", mec="k", ms=8, zorder=5, label="start"
        )
        self.path_lines: dict[str, Line2D] = {}
        self.loss_lines: dict[str, Line2D] = {}
        self.heads: dict[str, Line2D] = {}
        for i, label in enumerate(self.labels):
            color = f"C{i % 10}"
            (self.path_lines[label],) = self.ax_map.plot(
                [], [], "-", color=color, lw=1.5, label=label, zorder=3
            )
            (self.heads[label],) = self.ax_map.plot(
                [], [], "o", color=color, mec="k", ms=5, zorder=6
            )
            (self.loss_lines[label],) = self.ax_loss.plot([], [], color=color, lw=1.4, label=label)
        self.ax_map.set_xlabel("$x$")
        self.ax_map.set_ylabel("$y$")
        log_axis(self.ax_loss)
        self.ax_loss.set_xlabel("step $t$")
        self.ax_loss.set_ylabel("$f(x_t) - f^*$")
        # the labels' places, found once instead of on every draw (the widest tick labels:
        # the maps' "−0.5" of the objectives' domains, and any decade)
        pin_axis_labels(self.ax_map, "−0.5")
        pin_axis_labels(self.ax_loss, WIDEST_DECADE)
        # y=1: the title's place is fixed (nothing is drawn above the axes), so that a draw
        # does not measure every tick label to find it
        self.ax_loss.set_title("Loss against step", y=1.0)
        self._legend_for: tuple[str, ...] | None = None
        self._shown_data: dict[
            str, tuple[OptimizerRun, int, int]
        ] = {}  # what each label's lines show
        self._animate(
            *self.path_lines.values(),
            *self.loss_lines.values(),
            self.start_marker,
            *self.heads.values(),
        )

    def _build_controls(
        self, objective: str, chosen: Sequence[str], steps: int, start: Array
    ) -> None:
        """Every control: objective, steps, start, a checkbox and sliders per optimizer, play."""
        add = self._add
        add(
            "objective",
            W.Dropdown(
                options=list(OBJECTIVES),
                value=objective,
                description="objective",
                layout=W.Layout(width="240px"),
            ),
        )
        self._int_slider("steps", "steps", steps, 1, self.MAX_STEPS)
        lim = OBJECTIVES[objective].domain
        for name, (lo, hi), v in (("x0", lim[0], start[0]), ("y0", lim[1], start[1])):
            add(
                name,
                W.FloatSlider(
                    value=v,
                    min=lo,
                    max=hi,
                    step=(hi - lo) / 400,
                    description=f"start {name[0]}",
                    readout_format=".3f",
                    continuous_update=False,
                    layout=W.Layout(width="290px"),
                ),
            )
        for label in self.labels:
            add(
                f"use:{label}",
                W.Checkbox(
                    value=label in chosen,
                    description=label,
                    indent=False,
                    layout=W.Layout(width="auto"),
                ),
            )
            for h in OPTIMIZERS[label].hypers:
                self._slider(f"{label}:{h.name}", h)
            for sw in OPTIMIZERS[label].switches:
                add(f"{label}:{sw.name}", sw.checkbox())
        self._int_slider("frame", "iteration", steps, 0, steps)
        play = add(
            "play",
            W.Play(
                value=steps,
                min=0,
                max=steps,
                step=self._play_step(steps),
                interval=80 if self.continuous else 400,
                description="play",
            ),
            observe=False,
        )
        self._links.append(W.jslink((play, "value"), (self.controls["frame"], "value")))
        self.status = W.HTML()
        self.status.add_class("adamlib-status")

    def _rows(self) -> list[W.Widget]:
        """The controls in rows, with one tab of sliders per optimizer."""
        c = self.controls
        tabs = W.Tab(
            children=[
                W.VBox(
                    [c[f"{label}:{h.name}"] for h in OPTIMIZERS[label].hypers]
                    + [c[f"{label}:{sw.name}"] for sw in OPTIMIZERS[label].switches]
                )
                for label in self.labels
            ]
        )
        tabs.titles = tuple(self.labels)
        hint = (
            "click on the map to move the start"
            if self.backend == "ipympl"
            else "the figure is redrawn after each change"
        )
        return [
            W.HBox([c["objective"], c["steps"], c["x0"], c["y0"]]),
            W.HBox(
                [W.HTML("<b>optimizers</b>&nbsp;"), *[c[f"use:{label}"] for label in self.labels]]
            ),
            tabs,
            self._run_row,
            W.HBox([c["schedule"], c["state"]]),
            W.HBox([c["play"], c["frame"], W.HTML(f"<i>{hint}</i>")]),
            self.status,
        ]

    # -- programmatic use ------------------------------------------------------------------
    @property
    def objective(self) -> Objective:
        """The objective shown."""
        return OBJECTIVES[self.controls["objective"].value]

    @property
    def selected(self) -> list[str]:
        """Labels of the optimizers shown, in the order of the playground's tabs."""
        return [lb for lb in self.labels if self.controls[f"use:{lb}"].value]

    @property
    def steps(self) -> int:
        """Number of steps."""
        return int(self.controls["steps"].value)

    @property
    def start(self) -> Array:
        """The start point."""
        return np.array([self.controls["x0"].value, self.controls["y0"].value])

    @property
    def frame(self) -> int:
        """The iteration shown (``steps`` = the whole run)."""
        return int(self.controls["frame"].value)

    def hyper(self, label: str) -> dict[str, float]:
        """The slider values of optimizer ``label``."""
        return {
            h.name: float(self.controls[f"{label}:{h.name}"].value)
            for h in OPTIMIZERS[label].hypers
        }

    def kwargs(self, label: str) -> dict[str, Any]:
        """The keyword arguments ``label``'s optimizer class gets."""
        return OPTIMIZERS[label].kwargs(self.hyper(label), self.switches(label))

    def set(  # type: ignore[override]
        self,
        objective: str | None = None,
        optimizers: Sequence[str] | None = None,
        steps: int | None = None,
        start: ArrayLike | None = None,
        frame: int | None = None,
    ) -> None:
        """Change the settings (validated first: on an error nothing changes), update once.

        A new ``objective`` resets the start to the objective's own unless ``start`` is given;
        a new ``steps`` shows the whole run unless ``frame`` is given.
        """
        obj = self._check_objective(objective) if objective is not None else self.objective
        chosen = self._check_optimizers(optimizers) if optimizers is not None else None
        n = check_int("steps", steps, 1, self.MAX_STEPS) if steps is not None else self.steps
        if start is not None:
            p = self._check_start(obj, start)
        elif objective is not None:
            p = obj.start
        else:
            p = None
        if frame is not None:
            frame = check_int("frame", frame, 0, n)
        with self.hold():
            if objective is not None:
                self._set_objective_controls(obj, p if p is not None else obj.start)
            elif p is not None:
                self.controls["x0"].value, self.controls["y0"].value = float(p[0]), float(p[1])
            if chosen is not None:
                for label in self.labels:
                    self.controls[f"use:{label}"].value = label in chosen
            if steps is not None:
                self._set_steps_controls(n, frame)
            elif frame is not None:
                self.controls["frame"].value = frame

    def set_hyper(self, label: str, **values: float) -> None:
        """Set slider values of one optimizer, e.g. ``set_hyper("Adam", lr=0.1, beta1=0.8)``."""
        checked = self._check_hyper(label, values)
        with self.hold():
            for name, v in checked.items():
                self.controls[f"{label}:{name}"].value = v

    def _set_objective_controls(self, obj: Objective, start: Array) -> None:
        """Show ``obj`` in the dropdown and fit the start sliders to its domain."""
        self.controls["objective"].value = obj.name
        for name, (lo, hi), v in (("x0", obj.domain[0], start[0]), ("y0", obj.domain[1], start[1])):
            s = self.controls[name]
            s.min, s.max = min(lo, s.min), max(hi, s.max)  # widen, move, then narrow
            s.value = float(v)
            s.min, s.max, s.step = lo, hi, (hi - lo) / 400

    def _play_step(self, steps: int) -> int:
        """Iterations per frame: about 100 frames with ipympl, 25 PNGs inline (≈ 8-10 s)."""
        return max(1, round(steps / (100 if self.continuous else 25)))

    def _set_steps_controls(self, steps: int, frame: int | None) -> None:
        """Set the steps and fit the iteration slider and play (the whole run unless ``frame``)."""
        follow = frame is None
        fr, play = self.controls["frame"], self.controls["play"]
        self.controls["steps"].value = steps
        fr.max = max(steps, fr.min)
        play.max, play.step = steps, self._play_step(steps)
        fr.value = steps if follow else frame

    # -- events ----------------------------------------------------------------------------
    def _changed(self, change: Mapping[str, Any]) -> None:
        """A control changed: adjust the controls that depend on it, then update or redraw."""
        if self._holding:
            return
        owner = change["owner"]
        c = self.controls
        if owner is c["objective"]:
            with self.hold():
                self._set_objective_controls(self.objective, self.objective.start)
        elif owner is c["steps"]:
            with self.hold():
                follow = c["frame"].value >= change["old"]
                self._set_steps_controls(
                    change["new"], None if follow else min(c["frame"].value, change["new"])
                )
        elif owner is c["frame"]:
            self._show_frame()
            self.redraw()
            if self._state_label() is not None:
                self.state_view.show_frame(self.frame)
            return
        elif owner is c["state"]:  # the main figure stays as it is
            self._update_state_view()
            self._schedule_preparation()
        else:
            self.update()

    def _on_click(self, event: Any) -> None:
        """A left click on the map (no pan or zoom tool active) moves the start there."""
        toolbar = getattr(self.canvas, "toolbar", None)
        if (
            event.inaxes is not self.ax_map
            or event.button != 1
            or event.xdata is None
            or str(getattr(toolbar, "mode", "")) != ""
        ):
            return
        self.set(start=(event.xdata, event.ydata))

    # -- computing and drawing -------------------------------------------------------------
    def _run_key(self, label: str, obj: Objective, start: Array) -> tuple[Any, ...]:
        """What ``label``'s run depends on (the steps too under a schedule stretched over them)."""
        schedule = self.schedule
        steps = self.steps if schedule_depends_on_steps(schedule) else None
        kw = tuple(sorted(self.kwargs(label).items()))
        cls = self.optimizer_class(label).__name__
        return (obj.name, tuple(start.tolist()), cls, kw, self.noise, schedule, steps)

    def _run_for(
        self,
        label: str,
        objective: Objective | None = None,
        start: Array | None = None,
        record: bool = False,
    ) -> OptimizerRun:
        """``label``'s run with the current settings (``steps`` steps).

        From the cache when it holds one; by default on the objective shown, from the start shown;
        with ``record``, one that records the optimizer's state.
        """
        obj = self.objective if objective is None else objective
        start = self.start if start is None else start
        key = self._run_key(label, obj, start)
        runs = self._runs_by_objective.setdefault(obj.name, {})
        cached = runs.get(label)
        if cached is None or cached[0] != key or (record and not cached[1].record_state):
            run = OptimizerRun(
                obj,
                self.optimizer_class(label),
                self.kwargs(label),
                start,
                noise=self.noise,
                schedule=make_schedule(self.schedule, self.steps),
                record_state=record,
            )
            cached = runs[label] = (key, run)
        cached[1].advance(self.steps)
        return cached[1]

    def _has_run(self, label: str, objective: Objective, start: Array) -> bool:
        """Whether :meth:`_run_for` would compute nothing."""
        cached = self._runs_by_objective.get(objective.name, {}).get(label)
        key = self._run_key(label, objective, start)
        return cached is not None and cached[0] == key and cached[1].steps >= self.steps

    @property
    def trajectories(self) -> dict[str, Trajectory]:
        """The full trajectory of every selected optimizer (``steps`` steps)."""
        return {lb: self._run_for(lb).trajectory(self.steps, lb) for lb in self.selected}

    def _draw_background(self) -> None:
        """Show the objective's map (see :meth:`_show_map`) when the dropdown changed it."""
        obj = self.objective
        if self._shown_objective == obj.name:
            return
        self._show_map(obj)
        self._runs = self._runs_by_objective.setdefault(obj.name, {})
        self.invalidate()

    def _contours_of(self, obj: Objective) -> Any:
        """``obj``'s contour set on the map, computed once and hidden until shown."""
        contours = self._contour_sets.get(obj.name)
        if contours is None:
            contours = self._contour_sets[obj.name] = contour_lines(
                self.ax_map, obj, 20, resolution=160, linewidths=0.7, zorder=1
            )
            contours.set_visible(False)
        return contours

    def _show_map(self, obj: Objective) -> None:
        """Set the map panel's static artists to ``obj``.

        Its contours (the others hidden), minima, limits and title.
        """
        if self._contours is not None:
            self._contours.set_visible(False)
        self._contours = self._contours_of(obj)
        self._contours.set_visible(True)
        self._minima.set_data(obj.minima[:, 0], obj.minima[:, 1])
        (x0, x1), (y0, y1) = obj.domain
        self.ax_map.set_xlim(x0, x1)
        self.ax_map.set_ylim(y0, y1)
        self.ax_map.set_title(obj.name, y=1.0)
        self._shown_objective = obj.name

    def _draw_map_layer(self) -> None:
        """Draw the figure's patch and the map panel, and keep them as the map layer.

        The layer of the objective shown, at the figure's size.
        """
        canvas, fig = self.canvas, self.fig
        size = self._size()
        if any(k[1] != size for k in self._map_layers):  # the page resized the figure
            self._map_layers.clear()
        renderer = canvas.get_renderer()
        renderer.clear()
        fig.patch.draw(renderer)
        self.ax_map.draw(renderer)
        self._map_layers[(self._shown_objective, size)] = canvas.copy_from_bbox(fig.bbox)

    def _draw_static(self) -> Any:
        """Draw the static content as :meth:`Figure.draw <matplotlib.figure.Figure.draw>` would.

        In its order: the figure's patch, the map panel, then the loss panel; return it.

        What the first two draw depends only on the objective (contours, minima, limits,
        title), so their pixels are kept per objective and size (the *map layer*). A change of
        the loss panel (steps, legend, loss range) or of a visited objective then draws the
        loss panel alone over a kept map layer: the same pixels as a full draw, since the
        loss panel is drawn last either way. The whole picture is kept per objective too,
        with the loss panel's limits and legend it was drawn for: coming back to an objective
        whose loss panel would look the same restores it. (Code that draws on ``ax_map`` or
        ``ax_loss`` itself must empty ``_map_layers`` and ``_backgrounds``, or its drawing is
        not shown until the next objective.)
        """
        canvas, fig = self.canvas, self.fig
        key = (self._shown_objective, self._size())
        state = self._loss_panel_state()
        kept = self._backgrounds.get(key)
        if kept is not None and kept[0] == state:
            canvas.restore_region(kept[1])
            return kept[1]
        layer = self._map_layers.get(key)
        if layer is None:
            self._draw_map_layer()
        else:
            canvas.restore_region(layer)
        fig.draw_artist(self.ax_loss)
        background = canvas.copy_from_bbox(fig.bbox)
        if any(k[1] != key[1] for k in self._backgrounds):  # the page resized the figure
            self._backgrounds.clear()
        self._backgrounds[key] = (state, background)
        return background

    def _loss_panel_state(self) -> tuple[Any, ...]:
        """What the loss panel's static content depends on: its limits and its legend."""
        return (tuple(self.ax_loss.get_xlim()), tuple(self.ax_loss.get_ylim()), self._legend_for)

    def update(self) -> None:
        """Recompute what changed (cached runs are reused or continued) and redraw in place."""
        self._draw_background()
        selected = self.selected
        for label in self.labels:
            on = label in selected
            for line in (self.path_lines[label], self.loss_lines[label], self.heads[label]):
                line.set_visible(on)
            if on:
                self._run_for(label)
        self.start_marker.set_data([self.start[0]], [self.start[1]])
        self._show_frame()
        if tuple(selected) != self._legend_for:
            handles = [self.loss_lines[lb] for lb in selected]
            legend = self.ax_loss.get_legend()
            if legend is not None:
                legend.remove()
            if handles:
                self.ax_loss.legend(handles=handles, loc="upper right")
            self._legend_for = tuple(selected)
            self.invalidate()
        self._update_status()
        self.redraw()
        self._update_state_view()
        self._schedule_preparation()

    def _show_frame(self) -> None:
        """Show every run up to the chosen iteration.

        The axes limits fit the whole runs, so playing only moves the lines.

        The loss axis reaches at most 1000 times the largest starting value ``f(x_0) − f*``
        (as :func:`adamlib.plotting.plot_losses`): a run that grows leaves through the top
        instead of stretching the axis over a hundred decades.
        """
        n = min(self.frame, self.steps)
        t = np.arange(self.steps + 1)
        curves = self._loss_curves(self.objective, self.start)
        for label, y in zip(self.selected, curves, strict=True):
            run = self._run_for(label)
            shown = (run, run.steps, n)
            if self._shown_data.get(label) == shown:
                continue  # the lines already show this (set_data would make them recompute)
            self._shown_data[label] = shown
            path = run.path[: n + 1]
            self.path_lines[label].set_data(path[:, 0], path[:, 1])
            self.heads[label].set_data(path[-1:, 0], path[-1:, 1])
            self.loss_lines[label].set_data(t[: n + 1], y[: n + 1])
        self._set_lim(self.ax_loss, "x", 0, max(self.steps, 1))
        self._set_lim(self.ax_loss, "y", *self._loss_ylim(curves))

    def _loss_curves(self, objective: Objective, start: Array) -> list[Array]:
        """``f(x_t) − f*`` of every ticked optimizer's run, ready for the log axis."""
        return [
            positive(
                self._run_for(label, objective, start).losses[: self.steps + 1]
                - objective.min_value
            )
            for label in self.selected
        ]

    def _loss_ylim(self, curves: Sequence[Array]) -> tuple[float, float]:
        """The loss axis's y-limits for ``curves`` (see :func:`log_ylim`)."""
        starts = [float(y[0]) for y in curves if np.isfinite(y[0])]
        ceiling = 1e3 * max(starts) if starts and max(starts) > 1e-300 else None
        return log_ylim(self.ax_loss.get_ylim(), curves, ceiling=ceiling)

    def _update_status(self) -> None:
        """The objective's description and each run's result (or where it diverged)."""
        cells = []
        for label in self.selected:
            run = self._run_for(label)
            if run.diverged_at is not None and run.diverged_at <= self.steps:
                text = f"diverged at step {run.diverged_at}"
            else:
                gap = run.losses[self.steps] - self.objective.min_value
                gap0 = run.losses[0] - self.objective.min_value
                text = f"f − f* = {gap:.3g}"
                if gap > gap0:  # e.g. a run that grows but is not yet past |x| = 1e100
                    text += f", above its start ({gap0:.3g})"
            cells.append(f"<b>{label}</b>: {text}")
        results = " &nbsp;·&nbsp; ".join(cells) or "<i>tick an optimizer</i>"
        self.status.value = f"<i>{html.escape(self.objective.description)}</i><br>{results}"


def playground(
    objective: str = "rosenbrock",
    optimizers: Sequence[str] = ("SGD+momentum", "RMSprop", "Adam"),
    steps: int = 200,
    **kwargs: Any,
) -> Playground:
    """The full playground (see :class:`Playground`); display it in a notebook cell.

    >>> pg = playground("beale", ["Adam", "RMSprop"], steps=100, backend="inline")
    >>> sorted(pg.trajectories)
    ['Adam', 'RMSprop']
    """
    return Playground(objective, optimizers, steps, **kwargs)


# ----------------------------------------------------------------------------------------------
