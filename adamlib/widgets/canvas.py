"""Where a widget's figure is shown: an ipympl canvas in a Jupyter kernel, else PNGs inline.

:func:`resolve_backend` picks the backend; :func:`new_canvas` makes the figure's canvas and the
widget that shows it; :func:`png` encodes the inline backend's pixels.

ipympl is used through its public widget (``ipympl.backend_nbagg.Canvas`` and its
``FigureManager``) and Matplotlib's canvas methods (``draw``, ``draw_idle``, ``blit``). Two
upstream problems need workarounds; each is one function below, named after its issue, with a
test (tests/test_widgets.py) that fails when the pinned ipympl changes, so that the workaround
is looked at again:

- :func:`import_ipympl_keeping_backend` -- importing ipympl switches Matplotlib's backend
  (https://github.com/matplotlib/ipympl/issues/623);
- :func:`stale_diff_safe_canvas_class` -- ipympl's page loses images that arrive while it is
  busy, and "draw" requests that arrive while it waits for an image
  (https://github.com/matplotlib/matplotlib/issues/19116, "Stale information drawn by nbAgg").

A third is a matter of speed, not of a bug: :func:`diff_image` -- Matplotlib's WebAgg core,
which ipympl uses, encodes every image with Pillow's default PNG settings (zlib level 6, an
adaptive row filter) since Matplotlib 3.3 (https://github.com/matplotlib/matplotlib/pull/15193),
which dropped the fast settings its own writer had for exactly these images (level 3, no
filter: https://github.com/matplotlib/matplotlib/pull/5389; ipympl's open
https://github.com/matplotlib/ipympl/issues/103 asks for the same). The canvas class above
encodes the same pixels with :func:`png`, in a fifth to a sixth of the time.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import os
import struct
import sys
import warnings
import zlib
from typing import Any

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import NDArray

__all__ = [
    "IPYMPL_TESTED",
    "diff_image",
    "import_ipympl_keeping_backend",
    "new_canvas",
    "png",
    "resolve_backend",
    "stale_diff_safe_canvas_class",
]

BACKENDS = ("auto", "ipympl", "inline")
#: The ipympl release the workarounds below were written and tested for (constraints.txt).
IPYMPL_TESTED = "0.10.0"
_figure_numbers = itertools.count(1000)


def _in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (where an ipympl canvas can be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def import_ipympl_keeping_backend() -> Any:
    """``ipympl.backend_nbagg``, imported without changing Matplotlib's backend.

    Workaround of https://github.com/matplotlib/ipympl/issues/623 ("ipympl changes MPL backend
    on import"): ``ipympl/__init__.py`` calls ``matplotlib.use("module://ipympl.backend_nbagg")``
    whenever Matplotlib is already imported (ipympl 0.9 and 0.10). Left alone, every ordinary
    ``plt`` figure after the first widget would become an interactive canvas, stored as
    ``Canvas(toolbar=...)`` plus an HTML copy instead of a PNG. The widgets make their own
    canvases and need no backend of their own, so the backend in force before the import is
    put back.

    Returns
    -------
    module
        ``ipympl.backend_nbagg``.
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
    """Whether ipympl can be imported."""
    try:
        import_ipympl_keeping_backend()
    except ImportError:
        return False
    return True


def resolve_backend(backend: str = "auto") -> str:
    """``"ipympl"`` or ``"inline"``: which figure a widget will use.

    ``"auto"`` takes ``$ADAMLIB_WIDGETS`` when set, else ipympl if it is installed and the code
    runs in a Jupyter kernel (JupyterLab, Notebook, VS Code, nbclient), else inline PNGs.

    Parameters
    ----------
    backend
        ``"auto"``, ``"ipympl"`` or ``"inline"``.

    Returns
    -------
    str
        ``"ipympl"`` or ``"inline"``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "auto":
        env = os.environ.get("ADAMLIB_WIDGETS", "").strip().lower()
        if env in ("ipympl", "inline"):
            backend = env
        else:
            backend = "ipympl" if _has_ipympl() and _in_kernel() else "inline"
    if backend == "ipympl" and not _has_ipympl():
        raise ValueError("backend='ipympl' needs the ipympl package (pip install ipympl)")
    return backend


def stale_diff_safe_canvas_class() -> type:
    """The ``Canvas`` of ipympl, sending images only when the page asks, and asking until it does.

    Workaround of https://github.com/matplotlib/matplotlib/issues/19116 ("Stale information
    drawn by nbAgg"; open): the page of ipympl 0.10 (``MPLCanvasModel`` in ``mpl_widget.ts``)
    shows one image at a time and loses messages that arrive while it is busy:

    - an image sent unasked (``canvas.blit()`` right after a change) replaces the one still
      loading (``handle_binary`` sets ``image.src`` again); since most images are differences
      to the previous one, parts of the figure go missing. So :meth:`~Canvas.draw_idle` only
      says that the figure changed, the page asks for the image (a "draw" request, answered
      by ``draw()``), and ``draw()`` sends the pixels a widget has already blitted into the
      canvas (``blitted`` set, through Matplotlib's ``canvas.blit()``) instead of drawing
      everything again;
    - a "figure changed" event that arrives while the page waits for an image is dropped
      (``send_draw_message`` returns while ``waiting_for_image``), so a change made after an
      image was rendered but before the page received it would never be shown. Each change
      therefore gets a version number, and until a draw request has been answered with the
      newest version the event is sent again (every 0.25 s, at most 40 times).

    Returns
    -------
    type
        A subclass of ``ipympl.backend_nbagg.Canvas`` (made once).
    """
    global _STALE_DIFF_SAFE_CANVAS
    if _STALE_DIFF_SAFE_CANVAS is None:
        Canvas = import_ipympl_keeping_backend().Canvas

        class StaleDiffSafeCanvas(Canvas):  # type: ignore[misc,valid-type]
            """The ``Canvas`` of ipympl, answering the page's draw request with blitted pixels.

            It repeats "figure changed" until the page has asked for the newest image.
            """

            blitted = False
            version = 0
            answered = 0
            #: seconds without a change after a difference image before the pixels are
            #: sent again whole (see :meth:`_schedule_repair`)
            REPAIR_AFTER = 0.75
            _repair: asyncio.TimerHandle | None = None

            def draw(self) -> None:
                """Answer the page's draw request: the blitted pixels, or a full draw."""
                self.answered = self.version
                if self.blitted:
                    self.blitted = False
                    self.blit()  # the difference to the last image sent
                else:
                    super().draw()

            def get_diff_image(self) -> bytes | None:
                """The PNG the page is sent next, made by :func:`diff_image` if it can."""
                if all(hasattr(self, name) for name in _WEBAGG_STATE):
                    data = diff_image(self)
                else:
                    data = super().get_diff_image()
                if data is not None and getattr(self, "_current_image_mode", "") == "diff":
                    self._schedule_repair()
                return data

            def _schedule_repair(self) -> None:
                """Send the pixels whole once no change followed this difference image.

                The page takes an image as soon as it arrives, before it has loaded
                (``handle_binary`` sets ``image.src`` and stops waiting); a draw request
                it sends meanwhile brings the next image, which replaces the one loading.
                If that one was a difference, its pixels never reach the page, and later
                differences keep the stale ones (seen once in the browser test, under
                load). A whole image is right whatever the page lost: it is sent
                :attr:`REPAIR_AFTER` seconds after the last difference, as an answer to
                the page's request, without drawing again (the canvas holds the pixels).
                """
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no event loop (tests, scripts): no page to repair
                    return
                if self._repair is not None:
                    self._repair.cancel()
                version = self.version

                def repair() -> None:
                    """Send the pixels whole if nothing changed since the difference."""
                    self._repair = None
                    if self.answered == version == self.version:
                        self._force_full = True
                        self.blitted = True  # draw() sends the canvas's pixels as they are
                        self.draw_idle()

                self._repair = loop.call_later(self.REPAIR_AFTER, repair)

            def draw_idle(self) -> None:
                """Tell the page that the figure changed (a new version), until it asks."""
                self.version += 1
                super().draw_idle()
                self._remind(self.version, 40)

            def _remind(self, version: int, tries: int) -> None:
                """Send "draw" again in 0.25 s unless a newer version or an answer came."""
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no event loop (tests, scripts): nothing to remind
                    return

                def check() -> None:
                    """Send "draw" again if this version is still the newest, unanswered."""
                    if self.answered < version == self.version and tries > 0:
                        self.send_event("draw")
                        self._remind(version, tries - 1)

                loop.call_later(0.25, check)

        _STALE_DIFF_SAFE_CANVAS = StaleDiffSafeCanvas
    return _STALE_DIFF_SAFE_CANVAS


_STALE_DIFF_SAFE_CANVAS: type | None = None


def new_canvas(fig: Figure, backend: str) -> tuple[Any, W.Widget]:
    """The canvas of ``fig`` and the widget that shows it, for a resolved ``backend``.

    Parameters
    ----------
    fig
        A figure made with ``Figure(...)`` (not pyplot: no backend is involved).
    backend
        ``"ipympl"``: the canvas is an ipympl widget (no header, toolbar on the left, fixed
        size) and shows itself; ``"inline"``: an Agg canvas and an ``Output`` widget for the
        PNGs.

    Returns
    -------
    tuple
        ``(canvas, view)``.
    """
    if backend == "ipympl":
        canvas = stale_diff_safe_canvas_class()(fig)
        with warnings.catch_warnings():  # ipympl's Toolbar trips a traitlets deprecation
            warnings.simplefilter("ignore", DeprecationWarning)
            import_ipympl_keeping_backend().FigureManager(canvas, next(_figure_numbers))
        canvas.header_visible = False
        canvas.toolbar_position = "left"
        canvas.resizable = False
        return canvas, canvas
    return FigureCanvasAgg(fig), W.Output()


#: the attributes of Matplotlib's ``FigureCanvasWebAggCore.get_diff_image`` that
#: :func:`diff_image` reads and writes (written for the Matplotlib of constraints.txt)
_WEBAGG_STATE = ("_png_is_old", "_force_full", "_last_buff")


def diff_image(canvas: Any) -> bytes | None:
    """The next image of an ipympl canvas, chosen as Matplotlib does, encoded by :func:`png`.

    Matplotlib's ``FigureCanvasWebAggCore.get_diff_image`` sends the whole figure ("full"
    mode) or only the pixels that changed since the last image, the others transparent
    ("diff" mode), and encodes them with Pillow's default PNG writer: on this project's
    machine about 17 ms for a whole playground figure and 4 ms for a difference, more than the
    rest of a change. This is the same choice of pixels, step by step, encoded by :func:`png`
    (3 ms and 1.6 ms). The canvas
    of :func:`stale_diff_safe_canvas_class` uses Matplotlib's own method instead if the
    installed Matplotlib keeps other state than this reads. tests/test_widgets.py checks that
    both give the same pixels.

    Parameters
    ----------
    canvas
        An ipympl ``Canvas`` (a ``FigureCanvasWebAggCore``).

    Returns
    -------
    bytes or None
        The PNG file, or None when the pixels were already sent.
    """
    if not canvas._png_is_old:
        return None
    pixels = np.asarray(canvas.get_renderer().buffer_rgba())
    buff = pixels.view(np.uint32).squeeze(2)  # a pixel per number: one comparison each
    if canvas._force_full or buff.shape != canvas._last_buff.shape or (pixels[..., 3] != 255).any():
        canvas.set_image_mode("full")  # (a difference cannot show transparency)
        output = buff
    else:
        canvas.set_image_mode("diff")
        output = np.where(buff != canvas._last_buff, buff, 0)
    canvas._last_buff = buff.copy()
    canvas._force_full = False
    canvas._png_is_old = False
    return png(output.view(np.uint8).reshape((*output.shape, 4)))


def png(pixels: NDArray[np.uint8]) -> bytes:
    """``pixels`` (height × width × 3 or 4 bytes: RGB or RGBA) as a PNG file, written for speed.

    It runs at every change of a widget: no row filters and zlib's run-length strategy, which
    suit figures of flat colours and take a sixth to a half of Pillow's time for a file of
    about the same size. Lossless, like any PNG.

    Parameters
    ----------
    pixels
        The pixels, 8 bits per channel.

    Returns
    -------
    bytes
        The PNG file.
    """
    height, width, channels = pixels.shape
    if channels not in (3, 4):
        raise ValueError(f"pixels must be RGB or RGBA, got {channels} channels")
    rows = np.zeros((height, 1 + channels * width), np.uint8)  # each row: filter 0, pixels
    rows[:, 1:] = pixels.reshape(height, -1)
    deflate = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = deflate.compress(rows.tobytes()) + deflate.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        """One PNG chunk: length, kind, body, CRC."""
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    color_type = 2 if channels == 3 else 6  # 8-bit RGB or RGBA, no interlace
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
