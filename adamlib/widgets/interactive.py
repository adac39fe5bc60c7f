"""What every widget shares: one figure, its controls, and in-place redraws on either backend.

:class:`Interactive` is the base of the playground and of the focused explorers: controls by
name with :meth:`~Interactive.set` (validated) and :meth:`~Interactive.hold`, artists marked
*animated* and blitted over a cached background, and the display (controls above the figure,
plus a static PNG for GitHub). The log-axis helpers (:func:`positive`, :func:`decades`,
:func:`log_ylim`) choose limits that stay put while the data fit them, so that most changes
only blit; :func:`pin_axis_labels` places axis labels once, so that a full draw does not
measure every tick label again to place them.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, NullLocator
from matplotlib.transforms import ScaledTranslation
from numpy.typing import ArrayLike, NDArray

from adamlib.functions import Objective
from adamlib.plotting import contour
from adamlib.validation import check_bool, check_int
from adamlib.widgets.canvas import new_canvas, png, resolve_backend
from adamlib.widgets.sliders import Hyper

__all__ = [
    "Interactive",
    "decade_label",
    "decades",
    "light_map",
    "log_axis",
    "log_ylim",
    "pin_axis_labels",
    "positive",
]

Array = NDArray[np.floating]


def _css(name: str) -> str:
    """The CSS class of a control (``adamlib-<name>``), which the browser test looks for."""
    return "adamlib-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def light_map(
    ax: Axes, objective: Objective, levels: int | ArrayLike = 18, resolution: int = 140
) -> None:
    """Draw the explorers' map: :func:`adamlib.plotting.contour`, lighter.

    With thinner lines, smaller stars and no legend entry for them.

    Parameters
    ----------
    ax
        The axes to draw on.
    objective
        The objective.
    levels, resolution
        As in :func:`adamlib.plotting.contour`.
    """
    contour(objective, ax, levels, resolution, linewidths=0.6, minima_size=11, minima_label=False)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_label(value: float, pos: int | None = None) -> str:
    """A log axis's tick label: ``10⁻³`` at a power of ten, nothing elsewhere.

    The widgets' log axes use it instead of Matplotlib's ``$10^{-3}$``: the same text, in
    Unicode superscripts, without the mathtext parser, which took about a third of a first full
    draw of the state view (and a tenth of a later one: its cache holds 50 strings).
    """
    if not (value > 0 and math.isfinite(value)):
        return ""
    exponent = round(math.log10(value))
    if not math.isclose(value, 10.0**exponent, rel_tol=1e-9):
        return ""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def log_axis(ax: Axes) -> None:
    """Make ``ax``'s y-axis logarithmic, labelled at powers of ten by :func:`decade_label`."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())  # many decades; and a faster draw
    ax.yaxis.set_major_formatter(FuncFormatter(decade_label))


#: the widest tick label :func:`decade_label` writes on the widgets' log axes, whose limits
#: span at most 17 decades below their top (:func:`decades`): two-digit exponents, unless every
#: value is below about 1e-83 (every run starting at a minimum, without noise), where
#: ``10⁻³⁰⁸`` is one digit wider and touches the axis label
WIDEST_DECADE = "10⁻¹⁰"


def pin_axis_labels(ax: Axes, widest_ytick: str) -> None:
    """Place ``ax``'s axis labels at fixed distances from it, beyond any of its tick labels.

    Matplotlib otherwise places them on every draw after measuring every tick label again
    (``Axis._update_label_position``: about a fifth of an axes' draw). Here the y-label sits
    where Matplotlib would put it if the widest y tick label were ``widest_ytick``, and the
    x-label below one line of tick labels; both stay put when the ticks change. The distances
    are in points, so they follow the figure's dpi (a high-density screen).
    """
    fig = ax.figure
    assert isinstance(fig, Figure)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def distance(axis: Any, text: str) -> float:
        """Points from the axes to the label: tick, pad, the tick label ``text``, label pad."""
        tick = axis.get_major_ticks()[0]
        label = Text(0, 0, text, fontproperties=tick.label1.get_fontproperties(), figure=fig)
        extent = label.get_window_extent(renderer)
        size = extent.width if axis is ax.yaxis else extent.height  # pixels
        pad: float = tick.get_pad()
        return size * 72 / fig.dpi + tick.get_tick_padding() + pad + axis.labelpad

    left = ScaledTranslation(-distance(ax.yaxis, widest_ytick) / 72, 0.0, fig.dpi_scale_trans)
    down = ScaledTranslation(0.0, -distance(ax.xaxis, "0") / 72, fig.dpi_scale_trans)
    ax.yaxis.set_label_coords(0.0, 0.5, transform=ax.transAxes + left)
    ax.xaxis.set_label_coords(0.5, 0.0, transform=ax.transAxes + down)


def positive(y: Array) -> Array:
    """``y`` for a log axis: non-positive values (reached minimum) at the smallest float."""
    out = np.array(y, dtype=np.float64)
    out[out <= 0] = np.finfo(np.float64).tiny
    out[~np.isfinite(out)] = np.nan
    return out


def decades(
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


def log_ylim(
    current: tuple[float, float],
    arrays: Sequence[Array],
    floor_ratio: float = 1e-16,
    ceiling: float | None = None,
) -> tuple[float, float]:
    """The y-limits of a log axis showing ``arrays``.

    The ``current`` ones while the data fit them well, else the whole decades of :func:`decades`.
    """
    lo, hi = decades(arrays, floor_ratio, ceiling)
    cur_lo, cur_hi = current
    span = math.log10(hi / lo)
    if cur_lo > 0 and cur_lo <= lo and cur_hi >= hi and math.log10(cur_hi / cur_lo) <= span + 2:
        return cur_lo, cur_hi
    return lo, hi


class Interactive:
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
        self.canvas, self.view = new_canvas(self.fig, self.backend)
        self.last_png = b""  # (inline) the PNG shown
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
        """Register ``hyper``'s slider under ``name``."""
        return self._add(name, hyper.slider(value))

    def _int_slider(
        self, name: str, description: str, value: int, low: int, high: int, step: int = 1
    ) -> W.IntSlider:
        """Register an integer slider (updating while dragged with ipympl)."""
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
        """A control changed: update (unless within :meth:`hold`)."""
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
        """Move control ``name`` to an already checked value."""
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

    def _check_initial(self, **values: Any) -> None:
        """Check a constructor's initial values as :meth:`set` would check them."""
        for name, value in values.items():
            self._check(name, value)

    def _check(self, name: str, value: Any) -> Any:
        """``value`` checked against what control ``name`` can take."""
        if name not in self.controls:
            raise ValueError(
                f"{type(self).__name__} has no control {name!r}; "
                f"choose from {sorted(self.controls)}"
            )
        widget = self.controls[name]
        if isinstance(widget, (W.IntSlider, W.Play)):
            return check_int(name, value, widget.min, widget.max)
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
            return check_bool(name, value)
        return value

    # -- drawing ---------------------------------------------------------------------------
    def update(self) -> None:  # pragma: no cover - every subclass overrides
        """Recompute and redraw."""
        raise NotImplementedError

    def _animate(self, *artists: Artist) -> None:
        """Mark artists that change with the controls.

        They are redrawn over a cached background (blitting) instead of redrawing the whole figure.
        """
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def invalidate(self) -> None:
        """Something static changed (limits, contours, legend).

        The next redraw draws the static content again (see :meth:`_draw_static`).
        """
        self._background = None

    def _draw_static(self) -> Any:
        """Draw the figure without its animated artists and return it as the new background.

        The background is ``canvas.copy_from_bbox``; return None to leave it to a full draw
        (``canvas.draw()``; the draw event then keeps the background). Widgets that can redraw
        only part of their static content override this; here: None.
        """
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
        """Whole-decade y-limits for a log axis.

        Kept while the data fit them well (so most changes only blit). ``ceiling``: see
        :func:`decades`.
        """
        self._set_lim(ax, "y", *log_ylim(ax.get_ylim(), arrays, floor_ratio, ceiling))

    def _on_draw(self, event: Any) -> None:
        """After a full draw: keep it as the background and draw the animated artists."""
        # A full draw (ours, or one the page asked for) left out the animated artists: keep
        # the background and draw them on top.
        if self.canvas.is_saving():
            return
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._background_size = self._size()
        self._draw_animated()

    def _size(self) -> tuple[float, float, float]:
        """The figure's size in pixels and its dpi (a background is valid for one size)."""
        return (self.fig.bbox.width, self.fig.bbox.height, self.fig.dpi)

    def _draw_animated(self) -> None:
        """Draw the visible animated artists over what the canvas holds."""
        for artist in self._animated:
            if artist.get_visible():
                self.fig.draw_artist(artist)

    def redraw(self) -> None:
        """Show the updated artists: blit them over the cached background.

        When something static changed, the widget first draws its static content again
        (:meth:`_draw_static`), or asks for a full draw (the figure and its artists are never
        rebuilt).

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
        """Show the canvas's pixels as a PNG in the ``Output`` widget."""
        self.last_png = png(np.asarray(self.canvas.buffer_rgba())[..., :3])
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
        """The rows of controls above the figure, in one box with the widget's CSS classes."""
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
        """The controls and figure as a widget view, plus a static PNG for GitHub."""
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
            """Close ``widget`` and everything in it."""
            for child in getattr(widget, "children", ()):
                close_tree(child)
            widget.close()

        close_tree(self._box)
        for widget in self.controls.values():  # also those not shown (none today)
            widget.close()


# ----------------------------------------------------------------------------------------------
