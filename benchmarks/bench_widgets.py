"""Latency of the playground, as a ratio to a bare figure draw on the same machine (not a test).

Usage::

    .venv/bin/python -m benchmarks.bench_widgets                 # print a Markdown report
    .venv/bin/python -m benchmarks.bench_widgets --write benchmarks/README_widgets.md
    .venv/bin/python -m benchmarks.bench_widgets --quick         # fewer repeats

The setting of issues 19 and 21: :class:`adamlib.widgets.Playground` on Rosenbrock with 5
optimizers (SGD, SGD+momentum, Adagrad, RMSprop, Adam) × 300 steps, with gradient noise on
(additive, σ = 1, seed 0: every run draws its noise), in the course style (72 dpi,
:func:`adamlib.plotting.setup`). The rows of issue 19's controls (noise, σ, seed, schedule,
variant switches, state view) follow those of issue 21; with the state view open a latency
includes its figure too. One *latency* is the time from setting a control's value (what
the page's message does in the kernel) to the new figure's pixels being ready to leave the
kernel:

- **ipympl**: the observer's work (recompute what changed, ``set_data``, blit into the canvas
  buffer, ``draw_idle``) plus the answer to the page's draw request that follows
  (``canvas.draw()``: the blitted pixels, or a full draw, encoded as ipympl's PNG difference
  image);
- **inline**: the observer's work, including the full PNG shown in the ``Output`` widget.

Network and browser time are not included (the browser test checks the page itself). Each
playground first gets the event loop's first turn after its cell (:func:`new_playground`), as
in a kernel before any message from the page; one row shows a script's change without it.

Milliseconds move with the machine, so every latency is reported as a **ratio to a full draw
of a bare two-axes figure of the same size**, measured in the same run: after each change the
bare figure is drawn once, so both medians come from the same minutes of a possibly shared
machine. The targets (issue 21): every control ≤ 2× the bare draw; changes that keep the axes
(η, β, iteration / play) ≤ 0.5×. Each scenario alternates between values so that every change
is real, and reports median wall-clock and CPU time of the process (CPU time is less sensitive
to other processes on a shared machine); the verdict uses both ratios. BLAS runs on one thread.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamlib.plotting import setup
from adamlib.run import GradientNoise
from adamlib.widgets import Playground

FIVE = ["SGD", "SGD+momentum", "Adagrad", "RMSprop", "Adam"]
STEPS = 300
KEEP_AXES, ANY_CONTROL = 0.5, 2.0  # the targets, as ratios to the bare draw
ABSOLUTE_MS = 100.0  # issue 19's target: median ≤ 100 ms from a change to new pixels
NOISE = GradientNoise("additive", 1.0, 0)  # on in every row (issue 19)


@dataclass(frozen=True)
class Scenario:
    name: str
    change: Callable[[Playground, int], None]
    target: float | None  # None: no control a page can reach (a script's change)
    fresh: bool = False  # each change on a new playground (not timed: its construction)
    prepared: bool = False  # ... which has prepared the other objectives (not timed either)
    script: bool = False  # ... without the event loop's first turn (see new_playground)
    state: str = "none"  # the state view's optimizer during the row (opened before timing)
    setup: Callable[[Playground], None] | None = None  # before timing, on each playground


def scenarios() -> list[Scenario]:
    return [
        Scenario(
            "η of one optimizer (reruns 1 of 5)",
            lambda pg, i: pg.set_hyper("Adam", lr=(0.05, 0.1)[i % 2]),
            KEEP_AXES,
        ),
        Scenario(
            "β of SGD+momentum (reruns 1 of 5)",
            lambda pg, i: pg.set_hyper("SGD+momentum", momentum=(0.8, 0.9)[i % 2]),
            KEEP_AXES,
        ),
        Scenario(
            "iteration slider / play (no rerun)",
            lambda pg, i: pg.set(frame=100 + (i % 150)),
            KEEP_AXES,
        ),
        Scenario(
            "start point (reruns 5 of 5)",
            lambda pg, i: pg.set(start=(-1.2 + 0.004 * (i % 50), 1.0 - 0.003 * (i % 50))),
            ANY_CONTROL,
        ),
        Scenario(
            "steps 300 ↔ 301 (continues runs; new x-limits)",
            lambda pg, i: pg.set(steps=STEPS + (i + 1) % 2),
            ANY_CONTROL,
        ),
        Scenario(
            "untick / tick Adam (new legend; its run is kept)",
            lambda pg, i: pg.set(optimizers=FIVE if i % 2 else FIVE[:-1]),
            ANY_CONTROL,
        ),
        Scenario(
            "objective rosenbrock ↔ beale (visited: contours, map and runs kept)",
            lambda pg, i: pg.set(objective=("beale", "rosenbrock")[i % 2]),
            ANY_CONTROL,
        ),
        Scenario(
            "objective rosenbrock → beale, first visit (prepared while the kernel was idle)",
            lambda pg, i: pg.set(objective="beale"),
            ANY_CONTROL,
            fresh=True,
            prepared=True,
        ),
        Scenario(
            "objective rosenbrock → beale, first visit right after the cell (contours and "
            "runs from the kernel's first turn; map and loss panels drawn)",
            lambda pg, i: pg.set(objective="beale"),
            ANY_CONTROL,
            fresh=True,
        ),
        Scenario(
            "objective rosenbrock → beale, first visit in a script right after construction "
            "(no event loop: contours, 5 runs, both panels)",
            lambda pg, i: pg.set(objective="beale"),
            None,
            fresh=True,
            script=True,
        ),
        # issue 19's controls
        Scenario(
            "noise additive ↔ minibatch-like (reruns 5 of 5)",
            lambda pg, i: pg.set_run(noise=GradientNoise(("relative", "additive")[i % 2], 1.0)),
            ANY_CONTROL,
        ),
        Scenario(
            "noise σ 1 ↔ 0.5 (reruns 5 of 5)",
            lambda pg, i: pg.set_run(noise=GradientNoise("additive", (0.5, 1.0)[i % 2])),
            ANY_CONTROL,
        ),
        Scenario(
            "noise seed 0 ↔ 1 (reruns 5 of 5)",
            lambda pg, i: pg.set_run(noise=GradientNoise("additive", 1.0, (1, 0)[i % 2])),
            ANY_CONTROL,
        ),
        Scenario(
            "schedule constant ↔ warmup + cosine (reruns 5 of 5)",
            lambda pg, i: pg.set_run(schedule=("warmup + cosine", "constant")[i % 2]),
            ANY_CONTROL,
        ),
        Scenario(
            "Nesterov on / off (reruns 1 of 5)",
            lambda pg, i: pg.set_variant("SGD+momentum", nesterov=not i % 2),
            ANY_CONTROL,
        ),
        Scenario(
            "AMSGrad on / off (reruns 1 of 5)",
            lambda pg, i: pg.set_variant("Adam", amsgrad=not i % 2),
            ANY_CONTROL,
        ),
        Scenario(
            "centered RMSprop on / off (reruns 1 of 5)",
            lambda pg, i: pg.set_variant("RMSprop", centered=not i % 2),
            ANY_CONTROL,
        ),
        Scenario(
            "Adam's λ 0 ↔ 0.1 (reruns 1 of 5)",
            lambda pg, i: pg.set_hyper("Adam", weight_decay=(0.1, 0.0)[i % 2]),
            ANY_CONTROL,
        ),
        Scenario(
            "decoupled λ on / off, λ = 0.1 (Adam ↔ AdamW; reruns 1 of 5)",
            lambda pg, i: pg.set_variant("Adam", decoupled=not i % 2),
            ANY_CONTROL,
            setup=lambda pg: pg.set_hyper("Adam", weight_decay=0.1),
        ),
        Scenario(
            "state view closed, then opened again (Adam)",
            lambda pg, i: (pg.set_run(state="none"), pg.set_run(state="Adam")),
            ANY_CONTROL,
        ),
        Scenario(
            "state view first opened on Adam, prepared while the kernel was idle",
            lambda pg, i: pg.set_run(state="Adam"),
            ANY_CONTROL,
            fresh=True,
            prepared=True,
        ),
        Scenario(
            "state view first opened right after construction (Adam rerun recording its "
            "state, first draw of the view's figure)",
            lambda pg, i: pg.set_run(state="Adam"),
            ANY_CONTROL,
            fresh=True,
        ),
        Scenario(
            "state view Adam → RMSprop, first time (full draw of its panels)",
            lambda pg, i: pg.set_run(state="RMSprop"),
            ANY_CONTROL,
            fresh=True,
            state="Adam",
        ),
        Scenario(
            "state view Adam → RMSprop, first time, prepared while the kernel was idle",
            lambda pg, i: pg.set_run(state="RMSprop"),
            ANY_CONTROL,
            fresh=True,
            prepared=True,
            state="Adam",
        ),
        Scenario(
            "state view Adam ↔ RMSprop (both seen: kept pictures)",
            lambda pg, i: pg.set_run(state=("RMSprop", "Adam")[i % 2]),
            ANY_CONTROL,
            state="Adam",
        ),
        Scenario(
            "iteration slider / play, state view open (no rerun)",
            lambda pg, i: pg.set(frame=100 + (i % 150)),
            KEEP_AXES,
            state="Adam",
        ),
        Scenario(
            "η of Adam, state view of Adam open (reruns 1 of 5)",
            lambda pg, i: pg.set_hyper("Adam", lr=(0.05, 0.1)[i % 2]),
            KEEP_AXES,
            state="Adam",
        ),
    ]


def new_playground(
    backend: str,
    prepared: bool = False,
    state: str = "none",
    setup: Callable[[Playground], None] | None = None,
    script: bool = False,
) -> Playground:
    """A playground as a page first sees it.

    In a kernel, the event loop's first turn after the cell runs the playground's first turn
    (contours and runs of the other objectives) before any message from the page is handled:
    the page has not shown the playground yet. ``script``: without it (no event loop).
    """
    pg = Playground("rosenbrock", FIVE, steps=STEPS, backend=backend, noise=NOISE)
    if not script:
        pg._first_turn()
    if backend == "ipympl":
        pg.canvas.syncing_data_url = False  # as once the page has said "initialized"
    if setup is not None:
        setup(pg)
    if state != "none":
        pg.set_run(state=state)
        if backend == "ipympl":
            pg.state_view.canvas.syncing_data_url = False
    answer_page(pg)
    if prepared:  # what the kernel does once idle for Playground.PREPARE_AFTER seconds
        pg.prepare()
    return pg


def answer_page(pg: Playground) -> None:
    """What happens when the page asks for an image after ``draw_idle`` (ipympl only).

    The page asks only for a figure that told it it changed (a ``draw_idle`` not answered
    yet: the canvas's ``version`` is ahead of the version ``answered``).
    """
    if pg.backend == "ipympl":
        canvases = [pg.canvas]
        if pg.controls["state"].value != "none":
            pg.state_view.canvas.syncing_data_url = False
            canvases.append(pg.state_view.canvas)
        for canvas in canvases:
            if canvas.version > canvas.answered:
                canvas.draw()


class BareFigure:
    """Bare two-axes figures of the sizes shown: their full draw is the unit.

    The playground's figure (10 × 4.25 in) and, when the state view is open below it, a second
    one of the view's size (10 × 3.25 in): the page then shows both, so the unit is the draw of
    bare figures covering the same pixels.
    """

    def __init__(self) -> None:
        self.figs = []
        for size in ((10.0, 4.25), (10.0, 3.25)):
            fig = Figure(figsize=size)
            FigureCanvasAgg(fig)
            for ax in fig.subplots(1, 2):
                ax.plot([0, 1, 2])
            fig.canvas.draw()
            self.figs.append(fig)

    def draw(self, state_view_open: bool = False) -> tuple[float, float]:
        w0, c0 = time.perf_counter(), time.process_time()
        for fig in self.figs[: 2 if state_view_open else 1]:
            fig.canvas.draw()
        return time.perf_counter() - w0, time.process_time() - c0


@dataclass(frozen=True)
class Row:
    backend: str
    scenario: Scenario
    wall: float  # medians, ms
    cpu: float
    bare_wall: float
    bare_cpu: float
    full: int
    n: int

    @property
    def ratio_wall(self) -> float:
        return self.wall / self.bare_wall

    @property
    def ratio_cpu(self) -> float:
        return self.cpu / self.bare_cpu

    @property
    def ok(self) -> bool:
        target = self.scenario.target
        return target is None or max(self.ratio_wall, self.ratio_cpu) <= target


def measure(backend: str, scenario: Scenario, bare: BareFigure, repeats: int) -> Row:
    settings = (backend, scenario.prepared, scenario.state, scenario.setup, scenario.script)
    pg = new_playground(*settings)
    for i in range(3):  # warm-up
        scenario.change(pg, i)
        answer_page(pg)
    wall, cpu, bare_wall, bare_cpu = [], [], [], []
    full = 0
    for i in range(3, 3 + repeats):
        if scenario.fresh:
            pg.close()
            pg = new_playground(*settings)
        before = pg.full_redraws
        w0, c0 = time.perf_counter(), time.process_time()
        scenario.change(pg, i)
        answer_page(pg)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        full += pg.full_redraws - before
        # the unit, interleaved: the same minutes of the machine, the same figures shown
        w, c = bare.draw(state_view_open=pg.controls["state"].value != "none")
        bare_wall.append(w)
        bare_cpu.append(c)
    pg.close()
    med = [1e3 * float(np.median(x)) for x in (wall, cpu, bare_wall, bare_cpu)]
    return Row(backend, scenario, *med, full, repeats)


@dataclass(frozen=True)
class OneTime:
    backend: str
    build: float  # median CPU ms of Playground(...) and its first image
    first: float  # median CPU ms of the event loop's first turn after the build
    prepare: float  # median CPU ms of the rest of the preparation (while idle)
    piece: float  # the largest piece of preparation seen (ms CPU): what a change may wait
    bare: float


def one_time_costs(backend: str, bare: BareFigure, repeats: int) -> OneTime:
    build, first, prepare, piece, bare_cpu = [], [], [], [], []
    for _ in range(repeats):
        c0 = time.process_time()
        pg = new_playground(backend, script=True)
        build.append(time.process_time() - c0)
        c0 = time.process_time()
        pg._first_turn()
        first.append(time.process_time() - c0)
        pieces = []
        c0 = time.process_time()
        for _ in pg._preparation():  # Playground.prepare(), one idle turn at a time
            now = time.process_time()
            pieces.append(now - c0)
            c0 = now
        pieces.append(time.process_time() - c0)
        prepare.append(sum(pieces))
        piece.append(max(pieces))
        pg.close()
        bare_cpu.append(bare.draw()[1])
    med = [1e3 * float(np.median(x)) for x in (build, first, prepare)]
    return OneTime(backend, *med, 1e3 * max(piece), 1e3 * float(np.median(bare_cpu)))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def report(repeats: int) -> str:
    setup()
    load0 = os.getloadavg()
    bare = BareFigure()
    rows = []
    for backend in ("ipympl", "inline"):
        for scenario in scenarios():
            row = measure(backend, scenario, bare, repeats)
            rows.append(row)
            print(
                f"  {backend:6s} {scenario.name}: {row.wall:.1f} ms wall "
                f"({row.ratio_wall:.2f}×), {row.cpu:.1f} ms CPU ({row.ratio_cpu:.2f}×)",
                file=sys.stderr,
                flush=True,
            )
    once = [one_time_costs(backend, bare, max(5, repeats // 3)) for backend in ("ipympl", "inline")]
    load1 = os.getloadavg()
    import ipympl
    import ipywidgets

    today = datetime.date.today().isoformat()
    one_figure = [r for r in rows if "state view" not in r.scenario.name]  # (its unit: one)
    bare_wall = float(np.median([r.bare_wall for r in one_figure]))
    bare_cpu = float(np.median([r.bare_cpu for r in one_figure]))
    lines = [
        "# Playground latency (benchmarks/bench_widgets.py)",
        "",
        f"Rosenbrock, {len(FIVE)} optimizers ({', '.join(FIVE)}) × {STEPS} steps, gradient "
        f"noise on (additive, σ = {NOISE.sigma:g}, seed {NOISE.seed}), 72 dpi "
        f"figure; {repeats} changes per row after 3 warm-up changes. Latency = from setting the "
        "control in the kernel to the new figure's pixels ready to leave the kernel (ipympl: "
        "including the answer to the page's draw request; inline: including the PNG).",
        "",
        "**Unit: a full draw of a bare two-axes figure of the same size**, drawn after every "
        "change of the row (same run, same minutes of the machine); while the state view is "
        "open below the playground, the page shows two figures, and the unit is the draw of "
        "two bare figures of their sizes (10 × 4.25 and 10 × 3.25 in). Each ratio is the row's "
        "median over that row's median bare draw. Target (issue 21): every control "
        f"≤ {ANY_CONTROL:g}×, changes that keep the axes (η, β, iteration / play) "
        f"≤ {KEEP_AXES:g}×; met when both the wall-clock and the CPU ratio are. Issue 19 "
        f"also asks for a median ≤ {ABSOLUTE_MS:g} ms (column *≤ {ABSOLUTE_MS:g} ms*, wall "
        "clock). With the state view open, a latency includes its figure (its blit, or its "
        "full draw, and with ipympl the answer to its own draw request).",
        "",
        f"Measured {today} on {cpu_model()}, {os.cpu_count()} cores (load average "
        f"{load0[0]:.1f} before, {load1[0]:.1f} after: other processes share the cores). "
        "Python {0}, NumPy {1}, Matplotlib {2}, ipywidgets {3}, ipympl {4}; BLAS on 1 thread. "
        "Bare draw of the playground's size here: median {5:.1f} ms wall, {6:.1f} ms "
        "CPU.".format(
            platform.python_version(),
            np.__version__,
            matplotlib.__version__,
            ipywidgets.__version__,
            ipympl.__version__,
            bare_wall,
            bare_cpu,
        ),
        "",
        "| backend | change | ratio (wall) | ratio (CPU) | target | met | median wall (ms) | "
        f"median CPU (ms) | ≤ {ABSOLUTE_MS:g} ms | bare draw wall / CPU (ms) | static redraws |",
        "|---|---|---:|---:|---:|:---:|---:|---:|:---:|---:|---:|",
    ]
    for r in rows:
        target = "—" if r.scenario.target is None else f"≤ {r.scenario.target:g}×"
        met = "—" if r.scenario.target is None else "yes" if r.ok else "**no**"
        lines.append(
            f"| {r.backend} | {r.scenario.name} | **{r.ratio_wall:.2f}×** | {r.ratio_cpu:.2f}× "
            f"| {target} | {met} | {r.wall:.1f} | "
            f"{r.cpu:.1f} | {'yes' if r.wall <= ABSOLUTE_MS else '**no**'} | "
            f"{r.bare_wall:.1f} / {r.bare_cpu:.1f} | {r.full}/{r.n} |"
        )
    lines += [
        "",
        "One-time costs (median CPU ms; ratio to the bare draw in brackets): building the "
        "playground with its first image (what the learner waits for when the cell runs); the "
        "event loop's first turn after the cell, which computes the other objectives' "
        "contours and runs at once, before the page can show the playground; and preparing "
        "the rest (the objectives' map layers and static pictures, the state view's "
        "pictures), which the playground does by itself "
        f"{Playground.PREPARE_FIRST:g} s after the first turn and once the kernel has been "
        f"idle for {Playground.PREPARE_AFTER:g} s after a change, one piece per turn of the "
        "event loop (the largest piece is what a change arriving meanwhile may wait).",
        "",
        "| backend | build | first turn | prepare (idle, all pieces) | largest piece |",
        "|---|---:|---:|---:|---:|",
    ]
    for o in once:
        lines.append(
            f"| {o.backend} | {o.build:.0f} ({o.build / o.bare:.1f}×) | "
            f"{o.first:.0f} ({o.first / o.bare:.1f}×) | "
            f"{o.prepare:.0f} ({o.prepare / o.bare:.1f}×) | "
            f"{o.piece:.0f} ({o.piece / o.bare:.1f}×) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 changes per row instead of 30")
    parser.add_argument("--write", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    text = report(8 if args.quick else 30)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
