"""Latency of the playground: from a control change to the updated figure (not a timed test).

Usage::

    .venv/bin/python benchmarks/bench_widgets.py                 # print a Markdown report
    .venv/bin/python benchmarks/bench_widgets.py --write benchmarks/README_widgets.md
    .venv/bin/python benchmarks/bench_widgets.py --quick         # fewer repeats

The setting of the issue: :class:`adamlib.widgets.Playground` on Rosenbrock with 5 optimizers
(SGD, SGD+momentum, Adagrad, RMSprop, Adam) × 300 steps, in the course style (72 dpi,
:func:`adamlib.plotting.setup`). One *latency* is the time from setting a control's value (what
the page's message does in the kernel) to the new figure's pixels being ready to leave the
kernel:

- **ipympl**: the observer's work (recompute what changed, ``set_data``, blit into the canvas
  buffer, ``draw_idle``) plus the answer to the page's draw request that follows
  (``canvas.draw()``: the blitted pixels, or a full draw when something static changed, encoded
  as ipympl's PNG difference image);
- **inline**: the observer's work, including the full PNG shown in the ``Output`` widget.

Network and browser time are not included (the browser test checks the page itself). Each
scenario alternates between values so that every change is real, repeats, and reports the
median and 90th percentile of wall-clock time and the median CPU time of the process (the
machine may be shared: CPU time is less sensitive to other processes), and how many changes
needed a full redraw.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import matplotlib  # noqa: E402

from adamlib.plotting import setup  # noqa: E402
from adamlib.widgets import Playground  # noqa: E402

FIVE = ["SGD", "SGD+momentum", "Adagrad", "RMSprop", "Adam"]
STEPS = 300
TARGET_MS = 100.0


def new_playground(backend: str) -> Playground:
    pg = Playground("rosenbrock", FIVE, steps=STEPS, backend=backend)
    if backend == "ipympl":
        pg.canvas.syncing_data_url = False  # as once the page has said "initialized"
    answer_page(pg)
    return pg


def answer_page(pg: Playground) -> None:
    """What happens when the page asks for the image after ``draw_idle`` (ipympl only)."""
    if pg.backend == "ipympl":
        pg.canvas.draw()


def scenarios() -> dict[str, Callable[[Playground, int], None]]:
    return {
        "η of one optimizer (reruns 1 of 5)":
            lambda pg, i: pg.set_hyper("Adam", lr=(0.05, 0.1)[i % 2]),
        "β of SGD+momentum (reruns 1 of 5)":
            lambda pg, i: pg.set_hyper("SGD+momentum", momentum=(0.8, 0.9)[i % 2]),
        "start point (reruns 5 of 5)":
            lambda pg, i: pg.set(start=(-1.2 + 0.004 * (i % 50), 1.0 - 0.003 * (i % 50))),
        "iteration slider / play (no rerun)":
            lambda pg, i: pg.set(frame=100 + (i % 150)),
        "steps 300 ↔ 301 (continues runs; new x-limits: full redraw)":
            lambda pg, i: pg.set(steps=STEPS + (i + 1) % 2),
        "objective rosenbrock ↔ beale (new contours, reruns 5; full redraw)":
            lambda pg, i: pg.set(objective=("beale", "rosenbrock")[i % 2]),
    }


def measure(backend: str, change: Callable[[Playground, int], None], repeats: int):
    pg = new_playground(backend)
    for i in range(3):  # warm-up
        change(pg, i)
        answer_page(pg)
    wall, cpu = [], []
    full = pg.full_redraws
    for i in range(3, 3 + repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        change(pg, i)
        answer_page(pg)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    pg.close()
    wall_ms, cpu_ms = 1e3 * np.array(wall), 1e3 * np.array(cpu)
    return (float(np.median(wall_ms)), float(np.percentile(wall_ms, 90)),
            float(np.median(cpu_ms)), pg.full_redraws - full, repeats)


def bare_figure_draw(repeats: int) -> tuple[float, float]:
    """Median wall and CPU ms of a full draw of a bare two-axes figure of the same size: the
    floor of any full redraw on this machine."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.0, 4.25))
    FigureCanvasAgg(fig)
    for ax in fig.subplots(1, 2):
        ax.plot([0, 1, 2])
    fig.canvas.draw()
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fig.canvas.draw()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return 1e3 * float(np.median(wall)), 1e3 * float(np.median(cpu))


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
    rows = []
    for backend in ("ipympl", "inline"):
        for name, change in scenarios().items():
            med, p90, cpu, full, n = measure(backend, change, repeats)
            rows.append((backend, name, med, p90, cpu, full, n))
            print(f"  {backend:6s} {name}: {med:.1f} ms", file=sys.stderr, flush=True)
    bare_wall, bare_cpu = bare_figure_draw(repeats)
    load1 = os.getloadavg()
    import ipympl
    import ipywidgets

    lines = [
        "# Playground latency (benchmarks/bench_widgets.py)",
        "",
        f"Rosenbrock, {len(FIVE)} optimizers ({', '.join(FIVE)}) × {STEPS} steps, 72 dpi "
        f"figure; {repeats} changes per row after 3 warm-up changes. Latency = from setting the "
        "control in the kernel to the new figure's pixels ready to leave the kernel (ipympl: "
        "including the answer to the page's draw request; inline: including the PNG). "
        f"Target: median ≤ {TARGET_MS:.0f} ms.",
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores; load average "
        f"{load0[0]:.1f} before, {load1[0]:.1f} after (other processes share the cores: "
        "compare CPU time). Python {0}, NumPy {1}, Matplotlib {2}, ipywidgets {3}, "
        "ipympl {4}.".format(platform.python_version(), np.__version__, matplotlib.__version__,
                             ipywidgets.__version__, ipympl.__version__),
        "",
        "| backend | change | median wall (ms) | p90 wall (ms) | median CPU (ms) | "
        "full redraws | median CPU ≤ target |",
        "|---|---|---:|---:|---:|---:|:---:|",
    ]
    for backend, name, med, p90, cpu, full, n in rows:
        ok = "yes" if cpu <= TARGET_MS else "**no**"
        lines.append(f"| {backend} | {name} | {med:.1f} | {p90:.1f} | {cpu:.1f} | "
                     f"{full}/{n} | {ok} |")
    blit = [r for r in rows if r[5] == 0]
    full_rows = [r for r in rows if r[5] > 0]
    lines += [
        "",
        f"Baseline: a full draw of a bare two-axes Matplotlib figure of the same size takes "
        f"{bare_wall:.1f} ms wall, {bare_cpu:.1f} ms CPU here — the floor of any change that "
        "redraws the whole figure.",
        "",
        "Changes that keep the axes' limits (sliders of η, β..., the start point, the "
        "iteration / play) only blit the moving artists over a cached background: median "
        f"{min(r[4] for r in blit):.0f}–{max(r[4] for r in blit):.0f} ms CPU, "
        f"{min(r[2] for r in blit):.0f}–{max(r[2] for r in blit):.0f} ms wall. A change of "
        "limits, contours or legend (steps, objective, ticking an optimizer, a loss range "
        "that leaves its decades) draws the whole figure once: "
        f"{min(r[4] for r in full_rows):.0f}–{max(r[4] for r in full_rows):.0f} ms CPU.",
    ]
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
