"""Interactive widgets: the optimizer playground and the focused explorers of the lectures.

Used in ``lectures/10_playground.ipynb`` (everything) and in the lectures that derive each idea:
:func:`momentum_explorer` (03), :func:`adagrad_vs_rmsprop` (05, which builds on 04's Adagrad),
:func:`epsilon_explorer` (05) and :func:`bias_correction_explorer` (06).

Every widget is an object with

- ``fig`` -- one Matplotlib figure, built once; a change of a control updates its artists
  **in place** (``Line2D.set_data``, ``set_text``...) and asks for a redraw
  (``canvas.draw_idle()``), it never rebuilds the figure;
- ``controls`` -- the ipywidgets by name, and ``set(**values)``, which validates the values,
  moves the controls (so the page shows them) and updates once;
- ``update()`` -- recompute and redraw; the attributes that hold the artists (``path_lines``...)
  let tests check what is drawn without a browser.

Displaying the object shows its controls and figure. The figure is an ipympl canvas when ipympl
is installed and the code runs in a Jupyter kernel (``backend="auto"``): no ``%matplotlib
widget`` is needed, so the lectures' other figures stay static PNGs. A click on the playground's
map then moves the start point, and the integer sliders (steps, iteration) update while dragged.
Otherwise (``backend="inline"``, or the environment variable ``ADAMLIB_WIDGETS=inline``) the
figure is a PNG in an ``Output`` widget, re-rendered after each change, and every slider updates
on release (``continuous_update=False``). Float sliders (η, β, ε, start) update on release in
both modes: see :meth:`Hyper.slider` for why. Either way the displayed object also carries a
static PNG, which GitHub and nbviewer show.

Redraws are cheap: the artists that move are *animated* and blitted over a cached background;
only a change of something static (axis limits, contours, legend) draws the static content
again. The playground draws it in two layers, as a full draw would: the map panel, whose
pixels are kept per objective, then the loss panel over them (see
:meth:`Playground._draw_static`). Once the kernel has been idle for a moment, the playground
prepares the other objectives (contours, map, runs, static picture; see
:meth:`Playground.prepare`), so that a first visit costs what coming back costs.

Trajectories come from the :mod:`adamlib.optim` classes with the same steps and divergence
rule as :func:`adamlib.run.run_optimizer` (a run that leaves ``|x| <= 1e100`` or meets a
non-finite gradient is NaN from then on); a playground run is cached and *continued* when
only the number of steps grows.

>>> from adamlib.widgets import Playground
>>> pg = Playground("rosenbrock", ["SGD", "Adam"], steps=50, backend="inline")
>>> pg.set_hyper("Adam", lr=0.05)
>>> pg.path_lines["Adam"].get_xdata().shape
(51,)
"""

from __future__ import annotations

import asyncio
import base64
import html
import importlib
import io
import itertools
import math
import os
import re
import struct
import sys
import warnings
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter, NullLocator
from numpy.typing import ArrayLike, NDArray

from adamlib.functions import OBJECTIVES, Objective, as_points, quadratic
from adamlib.plotting import log_levels
from adamlib.run import Trajectory, diverged, point_diverged

__all__ = [
    "OPTIMIZERS",
    "AdagradVsRMSprop",
    "BiasCorrectionExplorer",
    "EpsilonExplorer",
    "Hyper",
    "MomentumExplorer",
    "OptimizerSpec",
    "Playground",
    "adagrad_vs_rmsprop",
    "available_optimizers",
    "bias_correction_explorer",
    "epsilon_explorer",
    "momentum_explorer",
    "momentum_rate",
    "playground",
    "resolve_backend",
]

Array = NDArray[np.floating]
_BACKENDS = ("auto", "ipympl", "inline")
_figure_numbers = itertools.count(1000)


# ----------------------------------------------------------------------------------------------
# which optimizers, with which sliders
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hyper:
    """One hyperparameter slider.

    Parameters
    ----------
    name
        Keyword of the optimizer (``lr``, ``momentum``, ``eps``...); ``beta1`` and ``beta2``
        are combined into ``betas``.
    symbol
        The slider's label, the symbol of the lectures (``η``, ``β₁``...).
    default
        Initial value.
    low, high
        The slider's range (values outside are rejected).
    log
        A log-scale slider (``FloatLogSlider``).
    step
        Step of a linear slider, or of the exponent of a log slider.
    """

    name: str
    symbol: str
    default: float
    low: float
    high: float
    log: bool = False
    step: float = 0.01

    def slider(self, value: float | None = None) -> W.Widget:
        """A new slider for this hyperparameter.

        It updates on release (``continuous_update=False``; keys and clicks apply at once).
        A continuously updating float slider sends the page's rounding of every value set from
        code back to the kernel, and in JupyterLab that echo overrides values set later by
        queued cells (measured with *Run All*), so float sliders never update while dragged.
        """
        common: dict[str, Any] = {
            "description": self.symbol,
            "continuous_update": False,
            "style": {"description_width": "2.5em"},
            "layout": W.Layout(width="290px"),
        }
        v = self.default if value is None else value
        if self.log:
            return W.FloatLogSlider(
                value=v,
                base=10,
                min=math.log10(self.low),
                max=math.log10(self.high),
                step=self.step,
                readout_format=".2g",
                **common,
            )
        digits = max(0, -math.floor(math.log10(self.step)))
        return W.FloatSlider(
            value=v,
            min=self.low,
            max=self.high,
            step=self.step,
            readout_format=f".{digits}f",
            **common,
        )

    def check(self, owner: str, value: Any) -> float:
        """``value`` as a float, or a ValueError/TypeError saying what is allowed."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise TypeError(f"{owner}: {self.name} must be a number, got {value!r}")
        v = float(value)
        if not (math.isfinite(v) and self.low <= v <= self.high):
            raise ValueError(
                f"{owner}: {self.name} = {value!r} is outside the slider's range "
                f"[{self.low:g}, {self.high:g}]"
            )
        return v


def _lr(default: float) -> Hyper:
    return Hyper("lr", "η", default, 1e-5, 10.0, log=True, step=0.02)


_MOMENTUM = Hyper("momentum", "β", 0.9, 0.0, 0.99)
_BETA1 = Hyper("beta1", "β₁", 0.9, 0.0, 0.99)
_BETA2 = Hyper("beta2", "β₂", 0.999, 0.5, 0.9999, step=0.0001)


def _eps(default: float) -> Hyper:
    return Hyper("eps", "ε", default, 1e-12, 1.0, log=True, step=0.1)


@dataclass(frozen=True)
class OptimizerSpec:
    """An entry of the playground: an :mod:`adamlib.optim` class and its sliders.

    Parameters
    ----------
    label
        Name shown in the playground (``"SGD+momentum"``).
    class_name
        Name of the class in :mod:`adamlib.optim`.
    hypers
        The sliders.
    fixed
        Keyword arguments that are not sliders.
    """

    label: str
    class_name: str
    hypers: tuple[Hyper, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)

    @property
    def optimizer(self) -> type:
        """The class (imported when first needed)."""
        cls = getattr(importlib.import_module("adamlib.optim"), self.class_name, None)
        if cls is None:
            raise ValueError(f"adamlib.optim has no {self.class_name} (needed by {self.label})")
        return cls

    def defaults(self) -> dict[str, float]:
        """The slider defaults by name."""
        return {h.name: h.default for h in self.hypers}

    def kwargs(self, values: Mapping[str, float]) -> dict[str, Any]:
        """The optimizer's keyword arguments for the slider ``values``."""
        kw: dict[str, Any] = dict(self.fixed)
        for h in self.hypers:
            kw[h.name] = float(values[h.name])
        if "beta1" in kw:
            kw["betas"] = (kw.pop("beta1"), kw.pop("beta2"))
        return kw


#: Every optimizer the playground can show (those missing from adamlib.optim are left out).
OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.label: spec
    for spec in [
        OptimizerSpec("SGD", "SGD", (_lr(2e-3),)),
        OptimizerSpec("SGD+momentum", "SGD", (_lr(1e-3), _MOMENTUM)),
        OptimizerSpec("Adagrad", "Adagrad", (_lr(0.5), _eps(1e-10))),
        OptimizerSpec(
            "RMSprop",
            "RMSprop",
            (_lr(0.03), Hyper("alpha", "α", 0.99, 0.5, 0.9999, step=0.0001), _eps(1e-8)),
        ),
        OptimizerSpec("Adam", "Adam", (_lr(0.1), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec(
            "AdamW",
            "AdamW",
            (_lr(0.1), _BETA1, _BETA2, _eps(1e-8), Hyper("weight_decay", "λ", 1e-2, 0.0, 1.0)),
        ),
        OptimizerSpec("NAdam", "NAdam", (_lr(0.05), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec("Adamax", "Adamax", (_lr(0.05), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec("RAdam", "RAdam", (_lr(0.05), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec(
            "Adadelta",
            "Adadelta",
            (_lr(1.0), Hyper("rho", "ρ", 0.9, 0.5, 0.9999, step=0.0001), _eps(1e-6)),
        ),
    ]
}


def available_optimizers() -> list[str]:
    """Labels of :data:`OPTIMIZERS` whose class exists in :mod:`adamlib.optim`."""
    module = importlib.import_module("adamlib.optim")
    return [label for label, spec in OPTIMIZERS.items() if hasattr(module, spec.class_name)]


# ----------------------------------------------------------------------------------------------
# runs (same steps and divergence rule as adamlib.run.run_optimizer, continued on demand)
# ----------------------------------------------------------------------------------------------
class _Run:
    """One optimizer run from one start point, extendable step by step.

    Computes exactly what :func:`adamlib.run.run_optimizer` computes for a single start point
    (the same gradient arithmetic, the same optimizer calls), without its per-step bookkeeping
    for batches, and keeps the optimizer so that more steps continue the run.
    """

    def __init__(
        self, objective: Objective, optimizer: type, kwargs: Mapping[str, Any], start: ArrayLike
    ) -> None:
        self.objective = objective
        self.x = np.array(as_points(start), dtype=np.float64)
        if self.x.shape != (2,):
            raise ValueError(f"start must be one point (x, y), got shape {self.x.shape}")
        self.opt = optimizer([self.x], **kwargs)
        self.path = np.empty((64, 2))
        self.path[0] = self.x
        self.losses = np.empty(64)
        self.losses[0] = objective.f(self.x)
        self.steps = 0
        self.diverged_at: int | None = None

    def _grow(self, steps: int) -> None:
        if steps + 1 > len(self.path):
            size = max(steps + 1, 2 * len(self.path))
            path, losses = np.empty((size, 2)), np.empty(size)
            path[: self.steps + 1] = self.path[: self.steps + 1]
            losses[: self.steps + 1] = self.losses[: self.steps + 1]
            self.path, self.losses = path, losses

    def advance(self, steps: int) -> None:
        """Run until ``steps`` steps are recorded (nothing to do if there are enough)."""
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
                    if not (isfinite(g[0]) and isfinite(g[1])):
                        self.diverged_at = t
                        break
                    step(grads)
                    if point_diverged(*x.tolist()):  # adamlib.run's rule (NaN included)
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
        """The first ``steps`` steps as a :class:`~adamlib.run.Trajectory` (views, no copy)."""
        self.advance(steps)
        diverged = self.diverged_at is not None and self.diverged_at <= steps
        return Trajectory(
            path=self.path[: steps + 1],
            losses=self.losses[: steps + 1],
            label=label,
            diverged=diverged,
        )


def _run(
    objective: Objective, optimizer: type, start: ArrayLike, steps: int, **kwargs: Any
) -> Trajectory:
    return _Run(objective, optimizer, kwargs, start).trajectory(steps)


def momentum_rate(lr: ArrayLike, momentum: ArrayLike, eigenvalues: ArrayLike) -> Array:
    """Heavy ball's asymptotic rate on a quadratic: the largest ``|σ|`` over all eigenvalues.

    ``σ`` are the roots of ``σ² − (1 + β − ηλ) σ + β = 0`` (lecture 03). Uses
    :func:`adamlib.analysis.momentum_rate` when that module exists; ``lr`` and ``momentum``
    broadcast, ``eigenvalues`` are reduced over.
    """
    try:
        from adamlib.analysis import momentum_rate as analysis_rate
    except ImportError:
        eta, beta = np.broadcast_arrays(np.asarray(lr, float), np.asarray(momentum, float))
        lam = np.asarray(eigenvalues, float).ravel()
        trace = 1.0 + beta[..., None] - eta[..., None] * lam
        root = np.sqrt(trace * trace - 4.0 * beta[..., None] + 0j)
        radius = np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2.0
        return radius.max(axis=-1)[()]
    return analysis_rate(lr, momentum, eigenvalues)


# ----------------------------------------------------------------------------------------------
# the base: one figure, controls, in-place redraws on either backend
# ----------------------------------------------------------------------------------------------
def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _ipympl_backend() -> Any:
    """``ipympl.backend_nbagg``, imported without changing Matplotlib's backend.

    Importing ipympl calls ``matplotlib.use("module://ipympl.backend_nbagg")`` whenever
    Matplotlib is already imported (``ipympl/__init__.py``, kept there for its nbextension
    installer; ipympl 0.9 and 0.10). Left alone, every ordinary ``plt`` figure after the first
    widget would become an interactive canvas, stored as ``Canvas(toolbar=...)`` plus an HTML
    copy instead of a PNG. The widgets make their own canvases and need no backend of their
    own, so the backend in force before the import is put back.
    """
    name = "ipympl.backend_nbagg"
    if name in sys.modules:
        return sys.modules[name]
    before = mpl.get_backend()
    try:
        return importlib.import_module(name)
    finally:
        if mpl.get_backend() != before:
            mpl.use(before)


def _has_ipympl() -> bool:
    try:
        _ipympl_backend()
    except ImportError:
        return False
    return True


def resolve_backend(backend: str = "auto") -> str:
    """``"ipympl"`` or ``"inline"``: which figure a widget will use.

    ``"auto"`` takes ``$ADAMLIB_WIDGETS`` when set, else ipympl if it is installed and the code
    runs in a Jupyter kernel (JupyterLab, Notebook, VS Code, nbclient), else inline PNGs.
    """
    if backend not in _BACKENDS:
        raise ValueError(f"backend must be one of {_BACKENDS}, got {backend!r}")
    if backend == "auto":
        env = os.environ.get("ADAMLIB_WIDGETS", "").strip().lower()
        if env in ("ipympl", "inline"):
            backend = env
        else:
            backend = "ipympl" if _has_ipympl() and _in_kernel() else "inline"
    if backend == "ipympl" and not _has_ipympl():
        raise ValueError("backend='ipympl' needs the ipympl package (pip install ipympl)")
    return backend


def _ipympl_canvas_class() -> type:
    """ipympl's canvas widget, answering the page's draw request with blitted pixels.

    ipympl's page shows one image at a time: it asks for a draw, waits for the image, asks
    again. A canvas that sends images unasked (``canvas.blit``) lets a newer image cancel the
    loading of an older one, and since most images are differences to the previous one, parts
    of the figure go missing. So blitting only prepares the pixels, and the answer to the next
    draw request sends them instead of drawing everything again.
    """
    global _IPYMPL_CANVAS
    if _IPYMPL_CANVAS is None:
        Canvas = _ipympl_backend().Canvas

        class BlittingCanvas(Canvas):  # type: ignore[misc,valid-type]
            """ipympl's ``Canvas`` whose ``draw()`` sends already-blitted pixels when set.

            The page ignores a "figure changed" event while it waits for an image, so a
            change made after an image was rendered but before the page received it would
            never be shown. Each change therefore gets a version number, and until a draw
            request has been answered with the newest version the event is sent again
            (every 0.25 s, at most 40 times).
            """

            blitted = False
            version = 0
            answered = 0

            def draw(self) -> None:
                self.answered = self.version
                if self.blitted:
                    self.blitted = False
                    self._png_is_old = True
                    self.manager.refresh_all()  # the diff to the last image sent
                else:
                    super().draw()

            def draw_idle(self) -> None:
                self.version += 1
                super().draw_idle()
                self._remind(self.version, 40)

            def _remind(self, version: int, tries: int) -> None:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no event loop (tests, scripts): nothing to remind
                    return

                def check() -> None:
                    if self.answered < version == self.version and tries > 0:
                        self.send_event("draw")
                        self._remind(version, tries - 1)

                loop.call_later(0.25, check)

        _IPYMPL_CANVAS = BlittingCanvas
    return _IPYMPL_CANVAS


_IPYMPL_CANVAS: type | None = None


def _png(rgb: NDArray[np.uint8]) -> bytes:
    """``rgb`` (height × width × 3 bytes) as a PNG file, written for speed (it runs at every change
    of an inline widget): no row filters and zlib's run-length strategy, which suit figures of
    flat colours and take half of Pillow's time for a smaller file. Lossless, like any PNG."""
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row: filter type 0, then RGB
    rows[:, 1:] = rgb.reshape(height, -1)
    deflate = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = deflate.compress(rows.tobytes()) + deflate.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _css(name: str) -> str:
    return "adamlib-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return int(value)


def _positive(y: Array) -> Array:
    """``y`` for a log axis: non-positive values (reached minimum) at the smallest float."""
    out = np.array(y, dtype=np.float64)
    out[out <= 0] = np.finfo(np.float64).tiny
    out[~np.isfinite(out)] = np.nan
    return out


def _decades(
    arrays: Sequence[Array], floor_ratio: float = 1e-16, ceiling: float | None = None
) -> tuple[float, float]:
    """Whole decades ``(lo, hi)`` covering the finite positive values of ``arrays``.

    With a ``ceiling``, ``hi`` stops there: a growing run leaves through the top of the axis
    instead of squashing every other curve into its bottom decades.
    """
    finite = [a[np.isfinite(a) & (a > 0)] for a in arrays]
    finite = [a for a in finite if a.size]
    if not finite:
        return 1e-3, 1e1
    hi = max(float(a.max()) for a in finite)
    if ceiling is not None and 0 < ceiling < hi:
        hi = ceiling
    lo = max(min(float(a.min()) for a in finite), hi * floor_ratio)
    lo = min(lo, hi)
    return 10.0 ** math.floor(math.log10(lo) - 0.05), 10.0 ** math.ceil(math.log10(hi) + 0.05)


def _log_ylim(
    current: tuple[float, float],
    arrays: Sequence[Array],
    floor_ratio: float = 1e-16,
    ceiling: float | None = None,
) -> tuple[float, float]:
    """The y-limits of a log axis showing ``arrays``: the ``current`` ones while the data fit
    them well, else the whole decades of :func:`_decades`."""
    lo, hi = _decades(arrays, floor_ratio, ceiling)
    cur_lo, cur_hi = current
    span = math.log10(hi / lo)
    if cur_lo > 0 and cur_lo <= lo and cur_hi >= hi and math.log10(cur_hi / cur_lo) <= span + 2:
        return cur_lo, cur_hi
    return lo, hi


class _Interactive:
    """One figure and its controls; changes redraw the figure in place.

    Subclasses create the axes and artists in ``_build`` and refresh them in ``update``.
    """

    css = "adamlib-widget"
    description = "an adamlib widget"
    #: the box shown by the notebook: built by each subclass's __init__ (with :meth:`_layout`)
    _box: W.Box

    def __init__(self, figsize: tuple[float, float], backend: str = "auto") -> None:
        self.backend = resolve_backend(backend)
        self.continuous = self.backend == "ipympl"
        self.controls: dict[str, W.Widget] = {}
        self.redraws = 0
        self.full_redraws = 0
        self._holding = 0
        self._links: list[Any] = []
        self._animated: list[Artist] = []
        self._background: Any = None
        self._background_size: tuple[float, float, float] | None = None
        self.fig = Figure(figsize=figsize, dpi=mpl.rcParams["figure.dpi"])
        if self.backend == "ipympl":
            FigureManager = _ipympl_backend().FigureManager

            self.canvas = _ipympl_canvas_class()(self.fig)
            with warnings.catch_warnings():  # ipympl's Toolbar trips a traitlets deprecation
                warnings.simplefilter("ignore", DeprecationWarning)
                FigureManager(self.canvas, next(_figure_numbers))
            self.canvas.header_visible = False
            self.canvas.toolbar_position = "left"
            self.canvas.resizable = False
            self.view: W.Widget = self.canvas
        else:
            self.canvas = FigureCanvasAgg(self.fig)
            self.view = W.Output()
            self.last_png = b""
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("resize_event", lambda event: self.invalidate())

    # -- controls --------------------------------------------------------------------------
    def _add(self, name: str, widget: W.Widget, *, observe: bool = True) -> W.Widget:
        """Register a control under ``name`` (with a CSS class for browser tests)."""
        widget.add_class(_css(name))
        if observe:
            widget.observe(self._changed, names="value")
        self.controls[name] = widget
        return widget

    def _slider(self, name: str, hyper: Hyper, value: float | None = None) -> W.Widget:
        return self._add(name, hyper.slider(value))

    def _int_slider(
        self, name: str, description: str, value: int, low: int, high: int, step: int = 1
    ) -> W.IntSlider:
        return self._add(
            name,
            W.IntSlider(
                value=value,
                min=low,
                max=high,
                step=step,
                description=description,
                continuous_update=self.continuous,
                style={"description_width": "initial"},
                layout=W.Layout(width="290px"),
            ),
        )

    def _changed(self, change: Mapping[str, Any]) -> None:
        if not self._holding:
            self.update()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls with one update at the end."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
        if not self._holding:
            self.update()

    def _assign(self, name: str, value: Any) -> None:
        self.controls[name].value = value

    def set(self, **values: Any) -> None:
        """Set controls by name (see ``controls``), then update once.

        Raises
        ------
        ValueError, TypeError
            For an unknown name or a value the control cannot take; nothing is changed then.
        """
        checked = {name: self._check(name, value) for name, value in values.items()}
        with self.hold():
            for name, value in checked.items():
                self._assign(name, value)

    def _check(self, name: str, value: Any) -> Any:
        if name not in self.controls:
            raise ValueError(
                f"{type(self).__name__} has no control {name!r}; "
                f"choose from {sorted(self.controls)}"
            )
        widget = self.controls[name]
        if isinstance(widget, (W.IntSlider, W.Play)):
            return _check_int(name, value, widget.min, widget.max)
        if isinstance(widget, (W.FloatSlider, W.FloatLogSlider)):
            low, high = (widget.min, widget.max)
            if isinstance(widget, W.FloatLogSlider):
                low, high = widget.base**low, widget.base**high
            return Hyper(name, name, low, low, high).check(type(self).__name__, value)
        if isinstance(widget, (W.Dropdown, W.ToggleButtons)):
            if value not in widget.options:
                raise ValueError(f"{name} must be one of {list(widget.options)}, got {value!r}")
            return value
        if isinstance(widget, W.Checkbox):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}")
            return bool(value)
        return value

    # -- drawing ---------------------------------------------------------------------------
    def update(self) -> None:  # pragma: no cover - every subclass overrides
        """Recompute and redraw."""
        raise NotImplementedError

    def _animate(self, *artists: Artist) -> None:
        """Mark artists that change with the controls: they are redrawn over a cached
        background (blitting) instead of redrawing the whole figure."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def invalidate(self) -> None:
        """Something static changed (limits, contours, legend): the next redraw draws the static
        content again (see :meth:`_draw_static`)."""
        self._background = None

    def _draw_static(self) -> Any:
        """Draw the figure without its animated artists into the canvas and return it as the new
        background (``canvas.copy_from_bbox``), or return None to leave it to a full draw
        (``canvas.draw()``; the draw event then keeps the background). Widgets that can redraw
        only part of their static content override this; here: None."""
        return None

    def _set_lim(self, ax: Axes, which: str, lo: float, hi: float) -> None:
        """Set x- or y-limits, invalidating the background only when they change."""
        get, set_ = (ax.get_xlim, ax.set_xlim) if which == "x" else (ax.get_ylim, ax.set_ylim)
        if tuple(get()) != (lo, hi):
            set_(lo, hi)
            self.invalidate()

    def _set_log_ylim(
        self,
        ax: Axes,
        arrays: Sequence[Array],
        floor_ratio: float = 1e-16,
        ceiling: float | None = None,
    ) -> None:
        """Whole-decade y-limits for a log axis; kept while the data fit them well (so most
        changes only blit). ``ceiling``: see :func:`_decades`."""
        self._set_lim(ax, "y", *_log_ylim(ax.get_ylim(), arrays, floor_ratio, ceiling))

    def _on_draw(self, event: Any) -> None:
        # A full draw (ours, or one the page asked for) left out the animated artists: keep
        # the background and draw them on top.
        if self.canvas.is_saving():
            return
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._background_size = self._size()
        self._draw_animated()

    def _size(self) -> tuple[float, float, float]:
        return (self.fig.bbox.width, self.fig.bbox.height, self.fig.dpi)

    def _draw_animated(self) -> None:
        for artist in self._animated:
            if artist.get_visible():
                self.fig.draw_artist(artist)

    def redraw(self) -> None:
        """Show the updated artists: blit them over the cached background. When something
        static changed, the widget first draws its static content again (:meth:`_draw_static`),
        or asks for a full draw (the figure and its artists are never rebuilt).

        With ipympl the page is told that the figure changed (``canvas.draw_idle()``) and asks
        for the image when it is ready for one, so that images never overtake each other; the
        canvas answers with the blitted pixels, or with a full draw. Inline, the canvas is
        drawn (or blitted) and its pixels are shown as a PNG in the ``Output`` widget.
        """
        self.redraws += 1
        if self._background is not None and self._background_size != self._size():
            self._background = None  # the page changed the size or the pixel ratio
        if self._background is None:  # something static changed
            self.full_redraws += 1
            self._background = self._draw_static()
            self._background_size = self._size()
            drawn = True
        else:
            drawn = False
        blitted = self._background is not None
        if blitted:
            if not drawn:  # (a background just drawn is still in the canvas)
                self.canvas.restore_region(self._background)
            self._draw_animated()
        if self.backend == "ipympl":
            self.canvas.blitted = blitted
            self.canvas.draw_idle()
            return
        if not blitted:
            self.canvas.draw()
        if self.backend == "inline":
            self._show_png()

    def _show_png(self) -> None:
        self.last_png = _png(np.asarray(self.canvas.buffer_rgba())[..., :3])
        self.view.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(self.last_png).decode("ascii"),
                    "text/plain": f"<{self.description}>",
                },
                "metadata": {},
            },
        )

    def _layout(self, rows: Sequence[W.Widget]) -> W.Box:
        box = W.VBox([*rows, self.view])
        box.add_class("adamlib-widget")
        box.add_class(self.css)
        return box

    @property
    def widget(self) -> W.Box:
        """The ipywidgets box shown by the notebook."""
        return self._box

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        bundle = dict(self._box._repr_mimebundle_(include=include, exclude=exclude) or {})
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi="figure")
        bundle["image/png"] = base64.b64encode(buf.getvalue()).decode("ascii")
        bundle["text/plain"] = f"<{self.description}: run the notebook to use the controls>"
        return bundle

    def close(self) -> None:
        """Close every widget (frees the front-end models)."""
        for link in self._links:
            link.close()

        def close_tree(widget: W.Widget) -> None:
            for child in getattr(widget, "children", ()):
                close_tree(child)
            widget.close()

        close_tree(self._box)
        for widget in self.controls.values():  # also those not shown (none today)
            widget.close()


# ----------------------------------------------------------------------------------------------
# the playground
# ----------------------------------------------------------------------------------------------
class Playground(_Interactive):
    """Every objective × any set of optimizers: sliders, click-to-start, play over iterations.

    Parameters
    ----------
    objective
        Name of an objective of :data:`adamlib.functions.OBJECTIVES`.
    optimizers
        Labels of :data:`OPTIMIZERS` to show at first (the others can be ticked later).
    steps
        Number of steps (1 to 2000).
    start
        Start point ``(x, y)``; default ``objective.start``.
    hyper
        Initial slider values, e.g. ``{"Adam": {"lr": 0.1}}``.
    backend
        ``"auto"``, ``"ipympl"`` or ``"inline"`` (see :func:`resolve_backend`).

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
        ``use:<label>`` (checkboxes) and ``<label>:<hyper>`` (sliders).
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
    ) -> None:
        super().__init__(figsize=(10.0, 4.25), backend=backend)
        self.labels = available_optimizers()
        chosen = self._check_optimizers(optimizers)
        obj = self._check_objective(objective)
        steps = _check_int("steps", steps, 1, self.MAX_STEPS)
        p = obj.start if start is None else self._check_start(obj, start)
        # the last run of each optimizer on each objective visited (a settings key and the run):
        # coming back to an objective with the same settings reruns nothing
        self._runs_by_objective: dict[str, dict[str, tuple[tuple[Any, ...], _Run]]] = {}
        self._runs = self._runs_by_objective.setdefault(obj.name, {})  # the objective's
        self._shown_objective: str | None = None
        self._preparing: asyncio.TimerHandle | None = None  # the next piece of preparation
        self._build_figure()
        self._build_controls(objective, chosen, steps, p)
        for label, values in (hyper or {}).items():
            self._check_hyper(label, values)
            for name, v in values.items():
                self.controls[f"{label}:{name}"].value = v
        self._box = self._layout(self._rows())
        if self.backend == "ipympl":
            self.canvas.mpl_connect("button_press_event", self._on_click)
        self.update()

    def close(self) -> None:
        """Stop preparing other objectives and close every widget."""
        if self._preparing is not None:
            self._preparing.cancel()
            self._preparing = None
        super().close()

    # -- validation ------------------------------------------------------------------------
    def _check_optimizers(self, optimizers: Sequence[str]) -> list[str]:
        if isinstance(optimizers, str):
            optimizers = [optimizers]
        unknown = [o for o in optimizers if o not in self.labels]
        if unknown:
            raise ValueError(f"unknown optimizer(s) {unknown}; choose from {self.labels}")
        return list(dict.fromkeys(optimizers))

    @staticmethod
    def _check_objective(name: Any) -> Objective:
        if not isinstance(name, str) or name not in OBJECTIVES:
            raise ValueError(f"unknown objective {name!r}; choose one of {list(OBJECTIVES)}")
        return OBJECTIVES[name]

    @staticmethod
    def _check_start(objective: Objective, start: ArrayLike) -> Array:
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
        if label not in self.labels:
            raise ValueError(f"unknown optimizer {label!r}; choose from {self.labels}")
        spec = OPTIMIZERS[label]
        hypers = {h.name: h for h in spec.hypers}
        out = {}
        for name, value in values.items():
            if name not in hypers:
                raise ValueError(f"{label} has no slider {name!r}; it has {list(hypers)}")
            out[name] = hypers[name].check(label, value)
        return out

    # -- construction ----------------------------------------------------------------------
    def _build_figure(self) -> None:
        fig = self.fig
        self.ax_map, self.ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
        fig.subplots_adjust(left=0.065, right=0.985, bottom=0.12, top=0.91, wspace=0.2)
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
        self.ax_loss.set_yscale("log")
        self.ax_loss.yaxis.set_minor_locator(NullLocator())  # many decades; and a faster draw
        self.ax_loss.set_xlabel("step $t$")
        self.ax_loss.set_ylabel("$f(x_t) - f^*$")
        self.ax_loss.set_title("Loss against step")
        self._legend_for: tuple[str, ...] | None = None
        self._shown_data: dict[str, tuple[_Run, int, int]] = {}  # what each label's lines show
        self._animate(
            *self.path_lines.values(),
            *self.loss_lines.values(),
            self.start_marker,
            *self.heads.values(),
        )

    def _build_controls(
        self, objective: str, chosen: Sequence[str], steps: int, start: Array
    ) -> None:
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
        c = self.controls
        tabs = W.Tab(
            children=[
                W.VBox([c[f"{label}:{h.name}"] for h in OPTIMIZERS[label].hypers])
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
        """Labels of the optimizers shown, in the order of :data:`OPTIMIZERS`."""
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
        return OPTIMIZERS[label].kwargs(self.hyper(label))

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
        n = _check_int("steps", steps, 1, self.MAX_STEPS) if steps is not None else self.steps
        if start is not None:
            p = self._check_start(obj, start)
        elif objective is not None:
            p = obj.start
        else:
            p = None
        if frame is not None:
            frame = _check_int("frame", frame, 0, n)
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
        follow = frame is None
        fr, play = self.controls["frame"], self.controls["play"]
        self.controls["steps"].value = steps
        fr.max = max(steps, fr.min)
        play.max, play.step = steps, self._play_step(steps)
        fr.value = steps if follow else frame

    # -- events ----------------------------------------------------------------------------
    def _changed(self, change: Mapping[str, Any]) -> None:
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
        else:
            self.update()

    def _on_click(self, event: Any) -> None:
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
    def _run_for(
        self, label: str, objective: Objective | None = None, start: Array | None = None
    ) -> _Run:
        """``label``'s run with the current settings (``steps`` steps), from the cache when it
        holds one; by default on the objective shown, from the start shown."""
        obj = self.objective if objective is None else objective
        start = self.start if start is None else start
        kw = self.kwargs(label)
        key = (obj.name, tuple(start.tolist()), tuple(sorted(kw.items())))
        runs = self._runs_by_objective.setdefault(obj.name, {})
        cached = runs.get(label)
        if cached is None or cached[0] != key:
            cached = runs[label] = (key, _Run(obj, OPTIMIZERS[label].optimizer, kw, start))
        cached[1].advance(self.steps)
        return cached[1]

    def _has_run(self, label: str, objective: Objective, start: Array) -> bool:
        """Whether :meth:`_run_for` would compute nothing."""
        cached = self._runs_by_objective.get(objective.name, {}).get(label)
        key = (objective.name, tuple(start.tolist()), tuple(sorted(self.kwargs(label).items())))
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
            X, Y, F = obj.grid(160)
            contours = self._contour_sets[obj.name] = self.ax_map.contour(
                X,
                Y,
                F - obj.min_value,
                levels=log_levels(obj, 20, 160),
                cmap="viridis",
                norm=mpl.colors.LogNorm(),
                linewidths=0.7,
                zorder=1,
            )
            contours.set_visible(False)
        return contours

    def _show_map(self, obj: Objective) -> None:
        """Set the map panel's static artists to ``obj``: its contours (the others hidden),
        minima, limits and title."""
        if self._contours is not None:
            self._contours.set_visible(False)
        self._contours = self._contours_of(obj)
        self._contours.set_visible(True)
        self._minima.set_data(obj.minima[:, 0], obj.minima[:, 1])
        (x0, x1), (y0, y1) = obj.domain
        self.ax_map.set_xlim(x0, x1)
        self.ax_map.set_ylim(y0, y1)
        self.ax_map.set_title(obj.name)
        self._shown_objective = obj.name

    def _draw_map_layer(self) -> None:
        """Draw the figure's patch and the map panel into the canvas and keep them as the map
        layer of the objective shown (at the figure's size)."""
        canvas, fig = self.canvas, self.fig
        size = self._size()
        if any(k[1] != size for k in self._map_layers):  # the page resized the figure
            self._map_layers.clear()
        renderer = canvas.get_renderer()
        renderer.clear()
        fig.patch.draw(renderer)
        self.ax_map.draw(renderer)
        self._map_layers[(self._shown_objective, size)] = canvas.copy_from_bbox(fig.bbox)

    # -- preparing the other objectives while the kernel is idle ---------------------------
    #: seconds without a change before the playground starts preparing the other objectives
    PREPARE_AFTER = 0.5

    def prepare(self) -> None:
        """Prepare every other objective now, as the playground does by itself while the kernel
        is idle: its contours, its map layer and the runs of the ticked optimizers from its
        start, so that a first visit costs what coming back costs (for scripts and the
        benchmark; the picture is the same either way)."""
        for _ in self._preparation():
            pass

    def _preparation(self) -> Iterator[None]:
        """The work of :meth:`prepare`, one piece (≈ one draw or less) per item."""
        for obj in OBJECTIVES.values():
            if obj.name == self._shown_objective:
                continue
            if obj.name not in self._contour_sets:
                self._contours_of(obj)
                yield
            if (obj.name, self._size()) not in self._map_layers:
                self._prepare_map_layer(obj)
                yield
            for label in self.selected:
                if not self._has_run(label, obj, obj.start):
                    self._run_for(label, obj, obj.start)
                    yield
            if self._prepare_background(obj):
                yield

    @contextmanager
    def _showing(
        self, obj: Objective, loss_ylim: tuple[float, float] | None = None
    ) -> Iterator[None]:
        """Within: the static artists as a visit of ``obj`` would set them (map panel, and the
        loss axis's y-limits when given); after: as before, with the canvas's pixels (ipympl
        may still send them)."""
        shown = OBJECTIVES[self._shown_objective] if self._shown_objective else None
        ylim = self.ax_loss.get_ylim()
        pixels = self.canvas.copy_from_bbox(self.fig.bbox)
        self._show_map(obj)
        if loss_ylim is not None:
            self.ax_loss.set_ylim(*loss_ylim)
        try:
            yield
        finally:
            if shown is not None:
                self._show_map(shown)
            self.ax_loss.set_ylim(*ylim)
            self.canvas.restore_region(pixels)

    def _prepare_map_layer(self, obj: Objective) -> None:
        """Draw ``obj``'s map layer (see :meth:`_draw_map_layer`)."""
        with self._showing(obj):
            self._draw_map_layer()

    def _prepare_background(self, obj: Objective) -> bool:
        """Draw the static picture a first visit of ``obj`` would show (its map layer, the loss
        panel with the limits its runs give), unless it is kept; return whether it drew."""
        ylim = self._loss_ylim(self._loss_curves(obj, obj.start))
        with self._showing(obj, ylim):
            kept = self._backgrounds.get((obj.name, self._size()))
            if kept is not None and kept[0] == self._loss_panel_state():
                return False
            self._draw_static()
        return True

    def _schedule_preparation(self) -> None:
        """Prepare the other objectives once the kernel has been idle for ``PREPARE_AFTER``
        seconds, one piece per turn of its event loop (a change in between waits for one piece
        at most, and starts the preparation again from its new settings)."""
        if self._preparing is not None:
            self._preparing.cancel()
            self._preparing = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (tests, scripts): see prepare()
            return
        pieces = self._preparation()

        def next_piece() -> None:
            if next(pieces, StopIteration) is not StopIteration:
                self._preparing = loop.call_later(0.01, next_piece)
            else:
                self._preparing = None

        self._preparing = loop.call_later(self.PREPARE_AFTER, next_piece)

    def _draw_static(self) -> Any:
        """Draw the static content as :meth:`Figure.draw <matplotlib.figure.Figure.draw>` would,
        in its order: the figure's patch, the map panel, then the loss panel; return it.

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
        self._schedule_preparation()

    def _show_frame(self) -> None:
        """Show every run up to the chosen iteration (the axes limits fit the whole runs, so
        playing only moves the lines).

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
            _positive(
                self._run_for(label, objective, start).losses[: self.steps + 1]
                - objective.min_value
            )
            for label in self.selected
        ]

    def _loss_ylim(self, curves: Sequence[Array]) -> tuple[float, float]:
        """The loss axis's y-limits for ``curves`` (see :func:`_log_ylim`)."""
        starts = [float(y[0]) for y in curves if np.isfinite(y[0])]
        ceiling = 1e3 * max(starts) if starts and max(starts) > 1e-300 else None
        return _log_ylim(self.ax_loss.get_ylim(), curves, ceiling=ceiling)

    def _update_status(self) -> None:
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
# focused explorers
# ----------------------------------------------------------------------------------------------
def _map(
    ax: Axes, objective: Objective, resolution: int = 140, levels: int | ArrayLike = 18
) -> None:
    """A light contour map of ``objective`` on ``ax`` (log-spaced levels of ``f − f*``, or the
    given ``levels``)."""
    X, Y, F = objective.grid(resolution)
    if isinstance(levels, int):
        levels = log_levels(objective, levels, resolution)
    ax.contour(
        X,
        Y,
        F - objective.min_value,
        levels=levels,
        cmap="viridis",
        norm=mpl.colors.LogNorm(),
        linewidths=0.6,
    )
    m = objective.minima
    ax.plot(m[:, 0], m[:, 1], "*", color="gold", mec="k", ms=11, ls="none")
    (x0, x1), (y0, y1) = objective.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")


class MomentumExplorer(_Interactive):
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
        See :func:`resolve_backend`.

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
    ) -> None:
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
        self._set_and_check_initial(lr=lr, momentum=momentum, steps=steps)
        self._build()
        self._box = self._layout([W.HBox(list(self.controls.values()))])
        self.update()

    def _set_and_check_initial(self, **values: Any) -> None:
        for name, v in values.items():
            self._check(name, v)

    #: The path panel can widen to show an overshooting run, up to this many times the domain.
    MAX_FRAME = 3

    def _build(self) -> None:
        ax_path, ax_map, ax_err = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.88, wspace=0.5)
        # contours over MAX_FRAME times the domain: the frame widens when the heavy ball
        # overshoots (Polyak's optimum on κ = 100 swings to |y| ≈ 4.4 from y₀ = 1.2)
        k = self.MAX_FRAME
        (x0, x1), (y0, y1) = self.objective.domain
        wide = replace(self.objective, domain=((k * x0, k * x1), (k * y0, k * y1)))
        lowest = log_levels(self.objective, 18, 140)[0]  # the levels of the domain, continued
        top = float(wide.grid(240)[2].max() - wide.min_value)
        _map(ax_path, wide, resolution=240, levels=np.geomspace(lowest, top, 26))
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
        best_lr = 4.0 / (math.sqrt(hi) + math.sqrt(lo)) ** 2
        best_beta = ((math.sqrt(hi) - math.sqrt(lo)) / (math.sqrt(hi) + math.sqrt(lo))) ** 2
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
        """The path panel's limits: the domain, widened in steps of half of it (at most
        ``MAX_FRAME`` times) to hold ``path``, when that converges."""
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
        """Whether an eigenvalue that sets ρ has (nearly) a double root σ: then the error
        falls like ``t ρᵗ``, not ``ρᵗ``."""
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
        from adamlib.optim import SGD

        start = self.objective.start
        self.trajectory = _run(self.objective, SGD, start, steps, lr=lr, momentum=beta)
        gd = _run(self.objective, SGD, start, steps, lr=lr)
        self.rate = float(momentum_rate(lr, beta, self.eigenvalues))
        self.gd_rate = float(np.abs(1.0 - lr * self.eigenvalues).max())
        p, q = self.trajectory.path, gd.path
        (x0, x1), (y0, y1) = limits = self._frame(p)
        self._set_lim(self.ax_path, "x", x0, x1)
        self._set_lim(self.ax_path, "y", y0, y1)

        def outside(path: Array) -> NDArray[np.bool_]:
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
        self.error_line.set_data(t, _positive(err))
        with np.errstate(over="ignore", under="ignore"):
            predicted = err[0] * self.rate**t
        self.predicted_line.set_data(t, _positive(predicted))
        self._set_lim(self.ax_err, "x", 0, steps)
        self._set_log_ylim(
            self.ax_err, [_positive(err)], floor_ratio=1e-20, ceiling=1e3 * float(err[0])
        )
        note = ""
        if self.rate < 1 and np.isfinite(err[-1]) and err[-1] > 0 and predicted[-1] > 0:
            ratio = float(err[-1] / predicted[-1])
            if ratio >= 10:
                why = (
                    "double root:\nerror ∝ t ρᵗ"
                    if self._double_root(lr, beta)
                    else "a transient;\nthe slope is ρ"
                )
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


class BiasCorrectionExplorer(_Interactive):
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
        See :func:`resolve_backend`.

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
        for name, v in (
            ("beta1", beta1),
            ("beta2", beta2),
            ("noise", noise),
            ("steps", steps),
            ("bias_correction", bias_correction),
        ):
            self._check(name, v)
        self.objective = quadratic(10.0)
        self._z = np.random.default_rng(0).standard_normal(500)
        self._build()
        self._box = self._layout([W.HBox(list(self.controls.values()))])
        self.update()

    def _build(self) -> None:
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
        _map(ax_p, self.objective)
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
        self.step_line.set_data(t, _positive(steps_on if on else steps_off))
        self.other_step_line.set_data(t, _positive(steps_off if on else steps_on))
        self._set_lim(self.ax_s, "x", 1, steps)
        self._set_log_ylim(self.ax_s, [_positive(steps_on), _positive(steps_off), np.ones(1)])
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


class EpsilonExplorer(_Interactive):
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
        See :func:`resolve_backend`.

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
        for name, v in (
            ("optimizer", optimizer),
            ("eps", eps),
            ("scale", scale),
            ("lr", lr),
            ("steps", steps),
        ):
            self._check(name, v)
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
        ax_p, ax_l, ax_s = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.88, wspace=0.3)
        _map(ax_p, self.base)
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
        import adamlib.optim as optim

        c = self.controls
        name, eps = c["optimizer"].value, float(c["eps"].value)
        scale, lr, steps = float(c["scale"].value), float(c["lr"].value), int(c["steps"].value)
        objective = self.scaled(scale)
        self.objective = objective
        self.trajectory = _run(
            objective, getattr(optim, name), self.base.start, steps, lr=lr, eps=eps
        )
        p = self.trajectory.path
        t = np.arange(steps + 1)
        self.path_line.set_data(p[:, 0], p[:, 1])
        loss = _positive(self.trajectory.losses / scale)
        self.loss_line.set_data(t, loss)
        self._set_lim(self.ax_l, "x", 0, steps)
        self._set_log_ylim(self.ax_l, [loss])
        ratio = _positive(np.abs(np.diff(p, axis=0)).max(axis=1) / lr)
        self.step_line.set_data(t[1:], ratio)
        self._set_lim(self.ax_s, "x", 0, steps)
        self._set_log_ylim(self.ax_s, [ratio, np.ones(1)])
        g0 = float(np.abs(objective.grad(self.base.start)).max())
        self.path_title.set_text(f"{name}: η = {lr:.2g}, ε = {eps:.0e}, s = {scale:.0e}")
        self.step_title.set_text(f"ε / |g₀| = {eps / g0:.1e}")
        self.redraw()


class AdagradVsRMSprop(_Interactive):
    """Adagrad's ever-shrinking rates against RMSprop's: paths, losses, effective rates.

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
        See :func:`resolve_backend`.

    Attributes
    ----------
    path_lines, loss_lines
        ``{"Adagrad": Line2D, "RMSprop": Line2D}``.
    rate_lines
        ``{("Adagrad", 0): Line2D, ...}``: the effective rate ``η / (√s_t + ε)`` of coordinate
        0 (x) and 1 (y).
    trajectories
        The current trajectories by name.
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
    ) -> None:
        super().__init__(figsize=(11.0, 3.75), backend=backend)
        self._add(
            "objective",
            W.Dropdown(
                options=list(OBJECTIVES),
                value="rosenbrock",
                description="objective",
                layout=W.Layout(width="220px"),
            ),
        )
        self._slider("lr", Hyper("lr", "η", 0.05, 1e-4, 3.0, log=True, step=0.05), lr)
        self._slider("alpha", Hyper("alpha", "α", 0.99, 0.5, 0.9999, step=0.0001), alpha)
        self._int_slider("steps", "steps", steps, 5, 2000)
        for name, v in (("objective", objective), ("lr", lr), ("alpha", alpha), ("steps", steps)):
            self._check(name, v)
        self.controls["objective"].value = objective
        self._build()
        self._box = self._layout([W.HBox(list(self.controls.values()))])
        self.update()

    def _build(self) -> None:
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
            (self.loss_lines[name],) = self.ax_l.plot([], [], color=color, label=name)
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
        self.ax_r.set_title("Per-coordinate learning rates")
        # above the curves: update() leaves the top quarter of the axis free for it
        self.ax_r.legend(
            loc="upper left", fontsize="small", ncol=2, columnspacing=1.0, handlelength=1.8
        )
        (self.start_marker,) = self.ax_p.plot(
            [], [], "o", color="w", mec="k", ms=7, zorder=5, label="start"
        )
        self._shown_objective: str | None = None
        self._animate(
            *self.path_lines.values(),
            *self.loss_lines.values(),
            *self.rate_lines.values(),
            self.start_marker,
        )

    def effective_rates(self, name: str) -> Array:
        """``η / (√s_t + ε)`` per step (rows) and coordinate (columns) along ``name``'s path.

        ``s_t`` is Adagrad's sum or RMSprop's EMA of squared gradients, recomputed from the
        gradients at the path's points (steps after a divergence are NaN).
        """
        traj = self.trajectories[name]
        c = self.controls
        lr, alpha = float(c["lr"].value), float(c["alpha"].value)
        with np.errstate(all="ignore"):
            g2 = self.objective.grad(traj.path[:-1]) ** 2
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
        import adamlib.optim as optim

        c = self.controls
        self.objective = OBJECTIVES[c["objective"].value]
        lr, alpha, steps = float(c["lr"].value), float(c["alpha"].value), int(c["steps"].value)
        if self._shown_objective != self.objective.name:
            for artist in [*self.ax_p.collections, *self.ax_p.lines]:
                if artist not in (*self.path_lines.values(), self.start_marker):
                    artist.remove()
            _map(self.ax_p, self.objective)
            self.ax_p.set_title(self.objective.name)
            if self.ax_p.get_legend() is None:
                self.ax_p.legend(
                    handles=[*self.path_lines.values(), self.start_marker], loc="lower right"
                )
            self.invalidate()
            self._shown_objective = self.objective.name
        start = self.objective.start
        self.start_marker.set_data([start[0]], [start[1]])
        self.trajectories = {
            "Adagrad": _run(self.objective, optim.Adagrad, start, steps, lr=lr),
            "RMSprop": _run(self.objective, optim.RMSprop, start, steps, lr=lr, alpha=alpha),
        }
        t = np.arange(steps + 1)
        losses, rates = [], []
        for name, traj in self.trajectories.items():
            self.path_lines[name].set_data(traj.path[:, 0], traj.path[:, 1])
            y = _positive(traj.losses - self.objective.min_value)
            self.loss_lines[name].set_data(t, y)
            losses.append(y)
            r = self.effective_rates(name)
            for k in (0, 1):
                self.rate_lines[name, k].set_data(t[1:], _positive(r[:, k]))
                rates.append(_positive(r[:, k]))
        self._set_lim(self.ax_l, "x", 0, steps)
        self._set_log_ylim(self.ax_l, losses)
        self._set_lim(self.ax_r, "x", 1, steps)
        lo, hi = _decades(rates, floor_ratio=1e-12)
        headroom = 10.0 ** math.ceil(math.log10(hi) + 0.33 * math.log10(hi / lo))  # the legend's
        self._set_log_ylim(self.ax_r, [*rates, np.array([headroom])], floor_ratio=1e-12)
        self.redraw()


def momentum_explorer(condition_number: float = 10.0, **kwargs: Any) -> MomentumExplorer:
    """Momentum's (η, β) on a quadratic next to its rate map (lecture 03).

    Returns a :class:`MomentumExplorer`; display it in a notebook cell.
    """
    return MomentumExplorer(condition_number, **kwargs)


def bias_correction_explorer(**kwargs: Any) -> BiasCorrectionExplorer:
    """Adam with and without bias correction (lecture 06); see :class:`BiasCorrectionExplorer`."""
    return BiasCorrectionExplorer(**kwargs)


def epsilon_explorer(**kwargs: Any) -> EpsilonExplorer:
    """ε against the gradients' size (lectures 05, 06); see :class:`EpsilonExplorer`."""
    return EpsilonExplorer(**kwargs)


def adagrad_vs_rmsprop(**kwargs: Any) -> AdagradVsRMSprop:
    """Adagrad's decaying rates against RMSprop's (lectures 04, 05); see
    :class:`AdagradVsRMSprop`."""
    return AdagradVsRMSprop(**kwargs)
