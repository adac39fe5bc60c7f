r"""The playground's state view: what one optimizer carries, step by step (lecture 10).

:class:`StateView` is a second figure below the playground's, shown only while a "state of"
optimizer is chosen (the main figure's layers and latency are untouched when it is closed).
Three panels over the steps, each coordinate its own line (x solid, y dashed):

1. the optimizer's state arrays, :math:`|m|`, :math:`v`, the momentum buffer, Adagrad's sum...
   (``Trajectory.state`` of :func:`adamlib.run.run_optimizer`, in absolute value on a log axis);
2. the effective per-coordinate step :math:`\eta/(\sqrt{\hat v_t} + \epsilon)`
   (:func:`adamlib.run.effective_step`; none for Adadelta);
3. on a quadratic :math:`f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)`, the error along each
   eigenvector :math:`u_i` of :math:`H`, :math:`|u_i^\top(x_t - x^*)|`: the directions that
   lecture 03's analysis treats one at a time.

A vertical line marks the iteration shown by the playground. Every line is animated (blitted
over a cached background), so that a change which keeps the axes' limits redraws no text; the
static picture of each optimizer shown is kept (with the limits, legends and notes it was
drawn for), so that coming back to an optimizer whose panels look the same draws no text
either.
"""

# The mixin's methods are typed with ``self: Playground`` (the class they belong to), which
# mypy reports as "misc" since Playground is a subclass, not a supertype, of the mixin.
# mypy: disable-error-code="misc"

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from adamlib.functions import Objective
from adamlib.run import Trajectory
from adamlib.widgets.interactive import (
    WIDEST_DECADE,
    Interactive,
    decades,
    log_axis,
    pin_axis_labels,
    positive,
)
from adamlib.widgets.sliders import OPTIMIZERS

if TYPE_CHECKING:
    from adamlib.widgets.playground import Playground

__all__ = ["StateView", "StateViewSlot", "eigen_errors"]

Array = NDArray[np.floating]


def eigen_errors(objective: Objective, path: Array) -> tuple[Array, Array] | None:
    """``|u_iᵀ(x_t − x*)|`` per eigenvector ``u_i`` of a quadratic's Hessian, or None.

    Parameters
    ----------
    objective
        An objective; only quadratics (with ``hessian``) have an answer.
    path
        Points, shape ``(steps + 1, 2)``.

    Returns
    -------
    (eigenvalues, errors) or None
        Eigenvalues in increasing order, errors of shape ``(steps + 1, 2)`` (column i: along
        ``u_i``).
    """
    if objective.hessian is None:
        return None
    lam, u = np.linalg.eigh(np.asarray(objective.hessian, dtype=np.float64))
    return lam, np.abs((path - objective.minima[0]) @ u)


class StateView(Interactive):
    """The state of one optimizer's run over the steps (see the module's description).

    Parameters
    ----------
    backend
        As the playground's.

    Attributes
    ----------
    state_lines, step_lines, eigen_lines
        ``Line2D`` lists of the three panels (state arrays: two per array, x then y).
    markers
        The vertical line of the iteration shown, one per panel.
    label
        The optimizer shown (None before :meth:`show`).
    """

    css = "adamlib-state-view"
    description = "optimizer state"

    def __init__(self, backend: str = "auto") -> None:
        # 72 dpi × 3.25 in = 234 px: a whole number of pixels, which the page shows unscaled
        super().__init__(figsize=(10.0, 3.25), backend=backend)
        self.ax_state, self.ax_step, self.ax_eigen = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.075, right=0.99, bottom=0.16, top=0.88, wspace=0.36)
        for ax in (self.ax_state, self.ax_step, self.ax_eigen):
            log_axis(ax)
            ax.set_xlabel("step $t$")
            pin_axis_labels(ax, WIDEST_DECADE)  # (see Playground)
        self.ax_state.set_ylabel("|state| per coordinate")
        self.ax_step.set_ylabel(r"$\eta/(\sqrt{\hat v_t}+\epsilon)$, or $\eta_t$")
        self.ax_step.set_title("effective step size", y=1.0)  # (y=1: see Playground)
        self.ax_eigen.set_ylabel(r"$|u_i^\top(x_t - x^*)|$")
        self.ax_eigen.set_title("error per eigendirection", y=1.0)
        self.state_lines: list[Line2D] = []
        self.step_lines = [
            self.ax_step.plot([], [], color="C0", ls=ls, lw=1.3, label=f"{c} coordinate")[0]
            for c, ls in (("x", "-"), ("y", "--"))
        ]
        self.eigen_lines = [
            self.ax_eigen.plot([], [], color=f"C{i + 1}", lw=1.3)[0] for i in range(2)
        ]
        self.markers = [
            ax.axvline(0, color="0.4", lw=0.8, ls=":")
            for ax in (self.ax_state, self.ax_step, self.ax_eigen)
        ]
        self._notes = {
            ax: ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center")
            for ax in (self.ax_state, self.ax_step, self.ax_eigen)
        }
        self._animate(*self.step_lines, *self.eigen_lines, *self.markers)
        self._keys: tuple[str, ...] | None = None
        self._eigen_for: tuple[float, ...] | None = None
        self.label: str | None = None
        self._kept: dict[tuple[Any, ...], Any] = {}  # static pictures by what they show
        # the background with the data lines drawn over it, and the background it was drawn
        # on: moving the iteration markers restores it and draws the three markers only
        self._lines_layer: tuple[Any, Any] | None = None
        self._box = W.VBox([self.view])
        self._box.add_class(self.css)

    def update(self) -> None:
        """Redraw (the data come from :meth:`show`)."""
        self.redraw()

    def _draw_animated(self) -> None:
        """Draw the data lines (or restore them, drawn on this background), then the markers."""
        layer = self._lines_layer
        if layer is not None and layer[0] is self._background:
            self.canvas.restore_region(layer[1])
        else:
            for artist in self._animated:
                if artist.get_visible() and artist not in self.markers:
                    self.fig.draw_artist(artist)
            if self._background is not None:
                self._lines_layer = (self._background, self.canvas.copy_from_bbox(self.fig.bbox))
        for marker in self.markers:
            self.fig.draw_artist(marker)

    def _static_state(self) -> tuple[Any, ...]:
        """What the static picture shows: size, titles, legends, notes and limits."""
        axes = (self.ax_state, self.ax_step, self.ax_eigen)
        return (
            self._size(),
            self.label,
            self._keys,
            self._eigen_for,
            tuple(note.get_text() for note in self._notes.values()),
            tuple((ax.get_xlim(), ax.get_ylim()) for ax in axes),
        )

    def _draw_static(self) -> Any:
        """Restore the kept static picture of this state, or leave it to a full draw."""
        kept = self._kept.get(self._static_state())
        if kept is not None:
            self.canvas.restore_region(kept)
        return kept

    def _on_draw(self, event: Any) -> None:
        """After a full draw: keep its static picture (see :meth:`_draw_static`)."""
        super()._on_draw(event)
        if not self.canvas.is_saving() and self._background is not None:
            if len(self._kept) >= 16:  # (≈ 0.7 MB each at 72 dpi)
                self._kept.pop(next(iter(self._kept)))
            self._kept[self._static_state()] = self._background

    def show(
        self, label: str, traj: Trajectory, objective: Objective, frame: int, draw: bool = True
    ) -> None:
        """Show an optimizer's recorded run, with the iteration marker at ``frame``.

        Parameters
        ----------
        label
            The optimizer's label (:data:`~adamlib.widgets.sliders.OPTIMIZERS`).
        traj
            Its run, recorded with ``record_state`` (:attr:`Trajectory.state`).
        objective
            The objective it ran on (a quadratic gets the eigendirection panel).
        frame
            The iteration shown by the playground.
        draw
            Redraw (False: only update the artists, for a draw done by the caller).
        """
        self._lines_layer = None  # the lines change
        state = dict(traj.state or {})
        effective = state.pop("effective_step", None)
        n = len(traj.path)
        t = np.arange(n)
        spec = OPTIMIZERS[label]
        keys = tuple(state)
        # another optimizer's limits are its own (not kept from the one shown before), so that
        # its picture is the same whichever came before it (and a kept one can be restored)
        another = label != self.label
        if keys != self._keys or another:
            self._new_state_lines(label, keys, spec.state_symbol)
        self.label = label
        for i, key in enumerate(keys):
            for j in range(2):
                self.state_lines[2 * i + j].set_data(t, positive(np.abs(state[key][:, j])))
        self._set_note(self.ax_state, "" if keys else f"{label} keeps no state")
        self._set_note(self.ax_step, "" if effective is not None else f"{label}: no such step")
        for j, line in enumerate(self.step_lines):
            if effective is None:
                line.set_data([], [])
            else:
                line.set_data(t, positive(effective[:, j]))
        split = eigen_errors(objective, traj.path)
        self._set_note(self.ax_eigen, "" if split is not None else "quadratics only")
        lam = tuple(split[0].tolist()) if split is not None else None
        if lam != self._eigen_for:
            self._eigen_for = lam
            self._eigen_legend(lam)
        for j, line in enumerate(self.eigen_lines):
            if split is None:
                line.set_data([], [])
            else:
                line.set_data(t, positive(split[1][:, j]))
        for ax, lines in (
            (self.ax_state, self.state_lines),
            (self.ax_step, self.step_lines),
            (self.ax_eigen, self.eigen_lines),
        ):
            self._set_lim(ax, "x", 0, max(n - 1, 1))
            arrays = [np.asarray(line.get_ydata(), dtype=np.float64) for line in lines]
            arrays = [a for a in arrays if a.size]
            if another:
                self._set_lim(ax, "y", *decades(arrays, floor_ratio=1e-12))
            else:
                self._set_log_ylim(ax, arrays, floor_ratio=1e-12)
        for marker in self.markers:
            marker.set_xdata([frame, frame])
        if draw:
            self.redraw()

    def show_frame(self, frame: int) -> None:
        """Move the iteration markers to ``frame`` and redraw.

        Parameters
        ----------
        frame
            The iteration shown by the playground.
        """
        for marker in self.markers:
            marker.set_xdata([frame, frame])
        self.redraw()

    def _new_state_lines(self, label: str, keys: tuple[str, ...], symbol: Any) -> None:
        """Replace the state panel's lines for the arrays ``keys`` of optimizer ``label``."""
        for line in self.state_lines:
            line.remove()
            self._animated.remove(line)
        self.state_lines = []
        for i, key in enumerate(keys):
            for c, ls in (("x", "-"), ("y", "--")):
                (line,) = self.ax_state.plot(
                    [], [], color=f"C{i}", ls=ls, lw=1.3, label=f"{symbol(key)}, {c}"
                )
                self.state_lines.append(line)
        self._animate(*self.state_lines)
        self._keys = keys
        self.ax_state.set_title(f"state of {label}", y=1.0)
        legend = self.ax_state.get_legend()
        if legend is not None:
            legend.remove()
        if self.state_lines:
            self.ax_state.legend(handles=self.state_lines, fontsize="small", loc="lower left")
        if self.ax_step.get_legend() is None:
            self.ax_step.legend(handles=self.step_lines, fontsize="small", loc="lower left")
        self.invalidate()

    def _eigen_legend(self, lam: tuple[float, ...] | None) -> None:
        """Label the eigendirections by their eigenvalues."""
        legend = self.ax_eigen.get_legend()
        if legend is not None:
            legend.remove()
        if lam is not None:
            for line, value in zip(self.eigen_lines, lam, strict=True):
                line.set_label(rf"$\lambda = {value:.3g}$")
            self.ax_eigen.legend(handles=self.eigen_lines, fontsize="small", loc="lower left")
        self.invalidate()

    def _set_note(self, ax: Any, text: str) -> None:
        """A note in the middle of ``ax`` (static: a change draws the background again)."""
        note = self._notes[ax]
        if note.get_text() != text:
            note.set_text(text)
            self.invalidate()


class StateViewSlot:
    """The playground's place for a :class:`StateView`: opened.

    Updated or closed after each update, as its ``state`` control says (a mixin of
    :class:`~adamlib.widgets.playground.Playground`).
    """

    state_view: StateView  # made with the playground

    def _state_label(self: Playground) -> str | None:
        """The optimizer whose state is shown, or None."""
        value = self.controls["state"].value
        return None if value == "none" else str(value)

    def _state_view_preparation(self: Playground) -> Iterator[None]:
        """While the state view is closed, draw the last ticked optimizer's state in it.

        One piece at a time (see :meth:`Playground.prepare`), so that opening it costs what
        coming back to it costs.
        """
        view = self.state_view
        if self.selected and self._state_label() is None:
            label = self.selected[-1]
            run = self._run_for(label, record=True)
            yield
            traj = run.trajectory(self.steps, label)
            view.show(label, traj, self.objective, self.frame, draw=False)
            if view._background is None and view._kept.get(view._static_state()) is None:
                FigureCanvasAgg.draw(view.canvas)  # off screen; the draw event keeps the picture
                yield

    def _state_pictures_preparation(self: Playground) -> Iterator[None]:
        """Draw every other ticked optimizer's state picture off screen, and keep it.

        Open or closed, the view shown stays as it is; choosing one of them then costs what
        coming back to it costs. One piece at a time.
        """
        view = self.state_view
        for label in self.selected:
            if label != view.label:
                self._run_for(label, record=True)
                yield
                if self._keep_state_picture(view, label):
                    yield

    def _keep_state_picture(self: Playground, view: StateView, label: str) -> bool:
        """Draw ``label``'s static state picture off screen, and leave the view as it was.

        Returns whether it drew (False: the picture was kept already).
        """
        shown = view.label
        if shown is None:
            return False
        background, lines_layer = view._background, view._lines_layer
        pixels = view.canvas.copy_from_bbox(view.fig.bbox)
        axes = (view.ax_state, view.ax_step, view.ax_eigen)
        limits = [(ax.get_xlim(), ax.get_ylim()) for ax in axes]
        frame = min(self.frame, self.steps)
        run = self._run_for(label, record=True)
        view.show(label, run.trajectory(self.steps, label), self.objective, frame, draw=False)
        drew = view._kept.get(view._static_state()) is None
        if drew:
            FigureCanvasAgg.draw(view.canvas)  # the draw event keeps the picture
        back = self._run_for(shown, record=True).trajectory(self.steps, shown)
        view.show(shown, back, self.objective, frame, draw=False)
        for ax, (xlim, ylim) in zip(axes, limits, strict=True):  # (show chose them afresh)
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
        view._background, view._lines_layer = background, lines_layer
        view.canvas.restore_region(pixels)
        return drew

    def _update_state_view(self: Playground) -> None:
        """Open, update or close the state view (a figure of its own, below the playground's)."""
        label = self._state_label()
        self._state_slot.layout.display = "none" if label is None else ""
        if label is None:
            return
        view = self.state_view
        if not self._state_slot.children:
            self._state_slot.children = (view.widget,)
        traj = self._run_for(label, record=True).trajectory(self.steps, label)
        view.show(label, traj, self.objective, min(self.frame, self.steps))
