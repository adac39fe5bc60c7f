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
both modes: see :meth:`Hyper.slider` for why. Either way the displayed object also carries
a static PNG, which GitHub and nbviewer show.

Redraws are cheap: the artists that move are *animated* and blitted over a cached background;
only a change of something static (axis limits, contours, legend) draws the static content
again. The playground draws it in two layers, as a full draw would: the map panel, whose
pixels are kept per objective, then the loss panel over them (see
:meth:`Playground._draw_static`). At the kernel's first turn after the cell, the playground
computes the other objectives' contours and runs; then, and once the kernel has been idle for
a moment after a change, it draws their map and static picture and its state view (see
:meth:`Playground.prepare` and :mod:`.preparation`), so that a first visit costs what coming
back costs. Axis labels are placed once (:func:`.interactive.pin_axis_labels`), not measured
again on every draw.

Trajectories are :class:`adamlib.run.OptimizerRun`: the :mod:`adamlib.optim` classes with
the steps and divergence rule of :func:`adamlib.run.run_optimizer` (a run that leaves
``|x| <= 1e100`` or meets a non-finite gradient is NaN from then on); a playground run is
cached and *continued* when only the number of steps grows.

The modules, by what a reader looks for:

- :mod:`.playground` -- the playground (lecture 10); :mod:`.sliders` -- which optimizers it
  offers, with which sliders and variant switches; :mod:`.noise_controls` -- its gradient
  noise and learning-rate schedule; :mod:`.state_view` -- the second figure showing one
  optimizer's state (m, v, the effective step, the error per eigendirection);
  :mod:`.preparation` -- what it prepares while the kernel is idle;
- :mod:`.momentum_explorer` (lecture 03) and :mod:`.explorers` (lectures 04-06) -- the
  focused explorers;
- :mod:`.interactive` -- what every widget shares (controls, in-place redraws, display);
- :mod:`.canvas` -- the ipympl or inline canvas, and the workarounds of two upstream
  problems, each named after its issue.

>>> from adamlib.widgets import Playground
>>> pg = Playground("rosenbrock", ["SGD", "Adam"], steps=50, backend="inline")
>>> pg.set_hyper("Adam", lr=0.05)
>>> pg.path_lines["Adam"].get_xdata().shape
(51,)
"""

from adamlib.analysis import momentum_rate
from adamlib.widgets.canvas import resolve_backend
from adamlib.widgets.explorers import (
    AdagradVsRMSprop,
    BiasCorrectionExplorer,
    EpsilonExplorer,
    adagrad_vs_rmsprop,
    adam_path,
    bias_correction_explorer,
    epsilon_explorer,
)
from adamlib.widgets.momentum_explorer import MomentumExplorer, momentum_explorer
from adamlib.widgets.noise_controls import SCHEDULES
from adamlib.widgets.playground import Playground, playground
from adamlib.widgets.sliders import (
    OPTIMIZERS,
    Hyper,
    OptimizerSpec,
    Switch,
    available_optimizers,
)
from adamlib.widgets.state_view import StateView

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "AdagradVsRMSprop",
    "BiasCorrectionExplorer",
    "EpsilonExplorer",
    "Hyper",
    "MomentumExplorer",
    "OptimizerSpec",
    "Playground",
    "StateView",
    "Switch",
    "adagrad_vs_rmsprop",
    "adam_path",
    "available_optimizers",
    "bias_correction_explorer",
    "epsilon_explorer",
    "momentum_explorer",
    "momentum_rate",
    "playground",
    "resolve_backend",
]
