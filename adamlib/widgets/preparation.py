"""The playground's idle work: preparing the other objectives before a learner visits them.

:class:`Preparation` (a mixin of :class:`~adamlib.widgets.playground.Playground`): at the
event loop's first turn after the playground is built (the cell has run and its display has
left; no change from the page can come sooner), every other objective's contours and runs are
computed at once. Then, :attr:`~Preparation.PREPARE_FIRST` seconds later and again once the
kernel has been idle for :attr:`~Preparation.PREPARE_AFTER` seconds after a change, the rest
is made one piece per turn of the event loop: the computations a change made stale, the
objectives' map layers and static pictures, and the state view. A first visit then costs what
coming back costs, and before the pictures are ready only their draws (see
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

    _first: asyncio.Handle | None  # the first turn, until it has run
    _preparing: asyncio.Handle | None  # the next piece of preparation

    #: seconds without a change before the playground starts preparing the other objectives
    PREPARE_AFTER = 0.5
    #: ... and after the first turn (see :meth:`_first_turn`): the kernel then only answers the
    #: page's requests for the first image, which wait for one piece at most
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

        The other objectives' computations (see :meth:`_computations`), then their drawings,
        then the state view with one optimizer, then the state view's pictures of the others.
        """
        yield from self._computations()
        for obj in self._other_objectives():
            if (obj.name, self._size()) not in self._map_layers:
                self._prepare_map_layer(obj)
                yield
            if self._prepare_background(obj):
                yield
        yield from self._state_view_preparation()
        yield from self._state_pictures_preparation()

    def _computations(self: Playground) -> Iterator[None]:
        """Each other objective's contours and the ticked optimizers' runs from its start.

        One piece per item: what a first visit would compute; it then only draws.
        """
        for obj in self._other_objectives():
            if obj.name not in self._contour_sets:
                self._contours_of(obj)
                yield
            for label in self.selected:
                if not self._has_run(label, obj, obj.start):
                    self._run_for(label, obj, obj.start)
                    yield

    def _other_objectives(self: Playground) -> list[Objective]:
        """The objectives not shown."""
        return [obj for obj in OBJECTIVES.values() if obj.name != self._shown_objective]

    def _first_turn(self: Playground) -> None:
        """The event loop's first turn after the build: every computation at once, then pieces.

        No change from the page can come before it (the page has not shown the playground
        yet), so a learner's first visit of any objective finds its contours and runs.
        """
        self._first = None
        for _ in self._computations():
            pass
        self._schedule_preparation(self.PREPARE_FIRST)

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

    def _schedule_first_turn(self: Playground) -> None:
        """Run :meth:`_first_turn` at the event loop's first turn (none in scripts and tests)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: see prepare()
            return
        self._first = loop.call_soon(self._first_turn)

    def _stop_preparing(self: Playground) -> None:
        """Cancel the first turn and the next piece, if any (the playground is closed)."""
        for handle in (self._first, self._preparing):
            if handle is not None:
                handle.cancel()
        self._first = self._preparing = None

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
