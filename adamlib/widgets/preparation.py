"""The playground's idle work: preparing the other objectives before a learner visits them.

:class:`Preparation` (a mixin of :class:`~adamlib.widgets.playground.Playground`): right after
the playground is built (:attr:`~Preparation.PREPARE_FIRST`), and again once the kernel has
been idle for :attr:`~Preparation.PREPARE_AFTER` seconds after a change, the state view and
each other objective's contours, map layer, runs and static picture are made, one piece per
turn of the event loop, so that a first visit costs what coming back costs (see
``benchmarks/README_widgets.md``).
"""

# The mixin's methods are typed with ``self: Playground`` (the class they belong to), which
# mypy reports as "misc" since Playground is a subclass, not a supertype, of the mixin.
# mypy: disable-error-code="misc"

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from adamlib.functions import OBJECTIVES, Objective

if TYPE_CHECKING:
    from adamlib.widgets.playground import Playground

__all__ = ["Preparation"]


class Preparation:
    """Prepare the objectives not shown while the kernel is idle (see the module)."""

    _preparing: asyncio.Handle | None  # the next piece of preparation

    #: seconds without a change before the playground starts preparing the other objectives
    PREPARE_AFTER = 0.5
    #: ... and after it is built: the kernel then only answers the page's requests for the
    #: first image, which wait for one piece at most
    PREPARE_FIRST = 0.05

    def prepare(self: Playground) -> None:
        """Prepare every other objective now.

        As the playground does by itself right after it is built and while the kernel is idle:
        each objective's contours, its map layer and the runs of the ticked optimizers from its
        start, so that a first visit costs what coming back costs; while the state view is
        closed, the view with the state of the last ticked optimizer; and the kept picture of
        every other ticked optimizer's state (for scripts and the benchmark; the pictures are
        the same either way).
        """
        for _ in self._preparation():
            pass

    def _preparation(self: Playground) -> Iterator[None]:
        """The work of :meth:`prepare`, one piece (≈ one draw or less) per item.

        The objectives first, then the state view with one optimizer, then the state view's
        pictures of the other optimizers.
        """
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
        yield from self._state_view_preparation()
        yield from self._state_pictures_preparation()

    @contextmanager
    def _showing(
        self: Playground, obj: Objective, loss_ylim: tuple[float, float] | None = None
    ) -> Iterator[None]:
        """Set the static artists as a visit of ``obj`` would, and put them back afterwards.

        Within: the map panel, and the loss axis's y-limits when given; after: as before, with
        the canvas's pixels (ipympl may still send them).
        """
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

    def _prepare_map_layer(self: Playground, obj: Objective) -> None:
        """Draw ``obj``'s map layer (see :meth:`_draw_map_layer`)."""
        with self._showing(obj):
            self._draw_map_layer()

    def _prepare_background(self: Playground, obj: Objective) -> bool:
        """Draw the static picture a first visit of ``obj`` would show, unless it is kept.

        Its map layer and the loss panel with the limits its runs give; return whether it drew.
        """
        ylim = self._loss_ylim(self._loss_curves(obj, obj.start))
        with self._showing(obj, ylim):
            kept = self._backgrounds.get((obj.name, self._size()))
            if kept is not None and kept[0] == self._loss_panel_state():
                return False
            self._draw_static()
        return True

    def _schedule_preparation(self: Playground, after: float | None = None) -> None:
        """Prepare the other objectives once the kernel has been idle for ``after`` seconds.

        By default :attr:`PREPARE_AFTER`. One piece per turn of its event loop (a change in
        between waits for one piece at most, and starts the preparation again from its new
        settings).
        """
        if self._preparing is not None:
            self._preparing.cancel()
            self._preparing = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (tests, scripts): see prepare()
            return
        pieces = self._preparation()

        def next_piece() -> None:
            """Do one piece of preparation and schedule the next.

            (``call_soon``: the loop handles the messages that arrived, a learner's change
            among them, before the next piece.)
            """
            if next(pieces, StopIteration) is not StopIteration:
                self._preparing = loop.call_soon(next_piece)
            else:
                self._preparing = None

        delay = self.PREPARE_AFTER if after is None else after
        self._preparing = loop.call_later(delay, next_piece)
