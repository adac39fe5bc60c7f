"""Figures used throughout the course: contour maps with trajectories and loss curves.

Introduced in ``lectures/01_gradient_descent.ipynb``.

Every function draws on a Matplotlib ``Axes`` (a new figure when ``ax`` is None), sets a title
and labelled axes, and returns the ``Axes`` so that a lecture can add to it. Losses are drawn as
suboptimality ``f(x_t) − f*`` on a log scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from numpy.typing import ArrayLike

from adamlib.functions import Objective
from adamlib.run import Trajectory

__all__ = ["contour", "contour_lines", "log_levels", "plot_losses", "plot_trajectories", "setup"]

#: The style of every course figure: small PNGs that render on GitHub and diff cleanly.
COURSE_STYLE: dict[str, Any] = {
    "figure.dpi": 72,
    "savefig.dpi": 72,
    "figure.figsize": (6.4, 4.2),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": "medium",
    "legend.fontsize": "small",
    "image.cmap": "viridis",
    "svg.hashsalt": "adamlib",
}


def setup() -> None:
    """Apply the course style (call once at the top of a notebook).

    Sets modest-dpi PNG figures so notebooks stay small and render on GitHub.
    """
    mpl.rcParams.update(COURSE_STYLE)
    try:  # inline backend: PNG only (SVG output differs from run to run)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # noqa: BLE001 - outside IPython there is nothing to configure
        pass


def log_levels(objective: Objective, n: int = 20, resolution: int = 200) -> np.ndarray:
    """``n`` log-spaced contour levels of ``f − f*`` over the objective's domain."""
    _, _, F = objective.grid(resolution)
    gap = F - objective.min_value
    hi = float(np.nanmax(gap))
    positive = gap[gap > 0]
    lo = max(float(np.nanpercentile(positive, 1.0)), hi * 1e-6) if positive.size else 1e-8
    return np.geomspace(lo, hi, n)


def contour_lines(
    ax: Axes,
    objective: Objective,
    levels: int | ArrayLike = 20,
    resolution: int = 200,
    **kwargs: Any,
) -> QuadContourSet:
    """The contour lines of ``f − f*`` on ``ax``, coloured on a log scale (no labels, no limits).

    Parameters
    ----------
    ax
        The axes to draw on.
    objective
        An :class:`~adamlib.functions.Objective`.
    levels
        A number of log-spaced levels (:func:`log_levels`) or the levels themselves.
    resolution
        Grid points per axis.
    **kwargs
        Passed to ``ax.contour`` (``linewidths``, ``zorder``...).

    Returns
    -------
    QuadContourSet
        The contour set (the playground hides and shows one per objective).
    """
    X, Y, F = objective.grid(resolution)
    lv = log_levels(objective, levels, resolution) if isinstance(levels, int) else levels
    style: dict[str, Any] = {"cmap": "viridis", "norm": mpl.colors.LogNorm(), "linewidths": 0.8}
    return ax.contour(X, Y, F - objective.min_value, levels=lv, **{**style, **kwargs})


def contour(
    objective: Objective,
    ax: Axes | None = None,
    levels: int | ArrayLike = 20,
    resolution: int = 200,
    title: str | None = None,
    show_minima: bool = True,
    *,
    linewidths: float = 0.8,
    minima_size: float = 13,
    minima_label: bool = True,
) -> Axes:
    """Contour map of ``f − f*`` with log-spaced levels, and the known minima as stars.

    Parameters
    ----------
    objective
        An :class:`~adamlib.functions.Objective`.
    ax
        The axes to draw on (a new figure when None).
    levels
        A number of log-spaced levels (:func:`log_levels`) or the levels themselves.
    resolution
        Grid points per axis.
    title
        The title (default: the objective's name and what the lines show).
    show_minima
        Mark the known minima with gold stars.
    linewidths, minima_size
        Width of the contour lines and size of the stars (the widgets draw lighter maps).
    minima_label
        Give the stars a legend label ("minimum" or "minima").

    Returns
    -------
    Axes
        ``ax``, limited to the objective's domain, with labelled axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4.4))
    contour_lines(ax, objective, levels, resolution, linewidths=linewidths)
    if show_minima:
        m = objective.minima
        ax.plot(
            m[:, 0],
            m[:, 1],
            "*",
            color="gold",
            markeredgecolor="k",
            markersize=minima_size,
            label=("minimum" if len(m) == 1 else "minima") if minima_label else None,
            linestyle="none",
        )
    (x0, x1), (y0, y1) = objective.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(title or f"{objective.name}: contours of $f - f^*$ (log-spaced)")
    return ax


def _items(trajectories: Trajectory | Sequence[Trajectory] | Mapping[str, Any]):
    if isinstance(trajectories, Trajectory):
        return [(trajectories.label, trajectories.path)]
    if isinstance(trajectories, Mapping):
        return [
            (k, v.path if isinstance(v, Trajectory) else np.asarray(v))
            for k, v in trajectories.items()
        ]
    return [(t.label, t.path) for t in trajectories]


def plot_trajectories(
    objective: Objective,
    trajectories: Trajectory | Sequence[Trajectory] | Mapping[str, Any],
    ax: Axes | None = None,
    title: str | None = None,
    markers: bool = True,
    colors: Sequence[str] | None = None,
    **contour_kw: Any,
) -> Axes:
    """Contour map with one or more labelled trajectories (paths of shape ``(steps+1, 2)``).

    The i-th trajectory is drawn in colour ``C{i}``, as :func:`plot_losses` draws the i-th
    curve; ``colors`` (one per trajectory) overrides that, e.g. to match a run's colour in a
    panel that shows more runs.
    """
    items = list(_items(trajectories))
    if colors is not None and len(colors) != len(items):
        raise ValueError(f"colors: {len(colors)} given for {len(items)} trajectories")
    ax = contour(objective, ax=ax, title=title, **contour_kw)
    for i, (label, path) in enumerate(items):
        path = np.asarray(path)
        color = colors[i] if colors is not None else f"C{i % 10}"
        style = ".-" if markers and len(path) <= 80 else "-"
        ax.plot(path[:, 0], path[:, 1], style, color=color, label=label, lw=1.4, ms=4)
        ax.plot(path[0, 0], path[0, 1], "o", color=color, ms=6, mec="k")
    ax.legend(loc="best")
    return ax


def plot_losses(
    curves: Trajectory | Sequence[Trajectory] | Mapping[str, ArrayLike],
    objective: Objective | None = None,
    ax: Axes | None = None,
    title: str = "Loss against step",
    log: bool = True,
    xlabel: str = "step $t$",
) -> Axes:
    """Loss curves on a log scale.

    ``curves`` are trajectories or a mapping label -> losses. With an ``objective``, the curves
    show the suboptimality ``f(x_t) − f*`` (which can reach zero on a log scale only at the
    minimum itself); otherwise the raw values.
    """
    if ax is None:
        _, ax = plt.subplots()
    items: list[tuple[str, ArrayLike]]
    if isinstance(curves, Trajectory):
        items = [(curves.label, curves.losses)]
    elif isinstance(curves, Mapping):
        items = [(k, v.losses if isinstance(v, Trajectory) else v) for k, v in curves.items()]
    else:
        items = [(t.label, t.losses) for t in curves]
    shift = objective.min_value if objective is not None else 0.0
    starts = []
    for label, losses in items:
        y = np.asarray(losses, dtype=float) - shift
        ax.plot(np.arange(len(y)), y, label=label)
        if len(y) and np.isfinite(y[0]):
            starts.append(abs(y[0]))
    if log:
        ax.set_yscale("log")
    # Divergent curves leave through the top instead of squashing every other curve.
    if starts and max(starts) > 0 and ax.get_ylim()[1] > 1e3 * max(starts):
        ax.set_ylim(top=1e3 * max(starts))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("$f(x_t) - f^*$" if objective is not None else "loss")
    ax.set_title(title)
    if len(items) > 1:
        ax.legend(loc="best")
    return ax
