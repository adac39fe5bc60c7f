"""Time one step of every adamlib.optim optimizer where the course runs it (not a timed test).

Usage::

    .venv/bin/python -m benchmarks.bench_optim                 # print a Markdown report
    .venv/bin/python -m benchmarks.bench_optim --write benchmarks/README_optim.md
    .venv/bin/python -m benchmarks.bench_optim --quick         # fewer repeats (a minute or two)
    .venv/bin/python -m benchmarks.bench_optim Adam SGD        # some optimizers only

Every optimizer in ``adamlib.optim.__all__`` with the hyperparameters ``bench_options`` of
tests/optim_settings.py, on three workloads:

- **2 elements** (float64): a trajectory or the playground, one array ``x = (x, y)``;
- **lecture 07's network** (float64): the 64-32-10 MLP, arrays of shapes (64, 32), (32,),
  (32, 10), (10,), 2,410 params;
- **10 M float32**: four arrays of 4, 3, 2 and 1 million elements.

Each is timed against a **bare NumPy** function of the same rule (:data:`BARE`: whole-array
NumPy on each array, in place where that is natural, the way a learner writes it after the
lecture: no checks, no options) and, at 10 M, ``torch.optim.<Name>(foreach=True)``. The
contenders run in turn in one process (interleaved repeats, after a warm-up step); reported is
the median CPU time of the process per step (the machine may be shared; a step is
single-threaded, so CPU time is its cost) and the ratio adamlib / contender.

Single-threaded throughout (``OMP/MKL/OPENBLAS_NUM_THREADS=1``, ``torch.set_num_threads(1)``);
adamlib's steps call no BLAS, so their time does not depend on these settings.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import adamlib.optim as optim
from adamlib.optim.radam import rectification
from tests.optim_settings import OPTIMIZERS, SETTINGS, param_shape

ROOT = Path(__file__).resolve().parents[1]

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - torch is optional
    torch = None

WORKLOADS: dict[str, tuple[list[tuple[int, ...]], Any]] = {
    "2 elements": ([(2,)], np.float64),
    "lecture 07 network": ([(64, 32), (32,), (32, 10), (10,)], np.float64),
    "10 M float32": ([(4_000_000,), (3_000_000,), (2_000_000,), (1_000_000,)], np.float32),
}


# ----------------------------------------------------------------------------------------------
# bare NumPy: each rule as a learner writes it, on one array, state in a dict of arrays
# ----------------------------------------------------------------------------------------------
def bare_sgd(p, g, s, t, lr, momentum):  # type: ignore[no-untyped-def]
    if t == 1:
        s["b"] = g.copy()
    else:
        s["b"] *= momentum
        s["b"] += g
    p -= lr * s["b"]


def bare_adagrad(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    s["sum"] += g * g
    p -= lr * g / (np.sqrt(s["sum"]) + 1e-10)


def bare_rmsprop(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    v = s["v"]
    v *= 0.99
    v += 0.01 * g * g
    p -= lr * g / (np.sqrt(v) + 1e-8)


def bare_adam(p, g, s, t, lr, weight_decay=0.0):  # type: ignore[no-untyped-def]
    m, v = s["m"], s["v"]
    if weight_decay:  # AdamW
        p *= 1 - lr * weight_decay
    m += 0.1 * (g - m)
    v *= 0.999
    v += 0.001 * g * g
    p -= lr / (1 - 0.9**t) * m / (np.sqrt(v) / math.sqrt(1 - 0.999**t) + 1e-8)


def bare_nadam(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    m, v = s["m"], s["v"]
    m += 0.1 * (g - m)
    v *= 0.999
    v += 0.001 * g * g
    mu = 0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3))
    mu_next = 0.9 * (1 - 0.5 * 0.96 ** ((t + 1) * 4e-3))
    s["product"] = product = s.get("product", 1.0) * mu
    denom = np.sqrt(v / (1 - 0.999**t)) + 1e-8
    p -= lr * (1 - mu) / (1 - product) * g / denom
    p -= lr * mu_next / (1 - product * mu_next) * m / denom


def bare_adamax(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    m, u = s["m"], s["v"]
    m += 0.1 * (g - m)
    np.maximum(0.999 * u, np.abs(g) + 1e-8, out=u)
    p -= lr / (1 - 0.9**t) * m / u


def bare_adadelta(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    v, u = s["m"], s["v"]
    v *= 0.9
    v += 0.1 * g * g
    delta = np.sqrt(u + 1e-6) / np.sqrt(v + 1e-6) * g
    u *= 0.9
    u += 0.1 * delta * delta
    p -= lr * delta


def bare_radam(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    m, v = s["m"], s["v"]
    m += 0.1 * (g - m)
    v *= 0.999
    v += 0.001 * g * g
    r = rectification(0.999, t)
    if r is None:
        p -= lr / (1 - 0.9**t) * m
    else:
        p -= lr / (1 - 0.9**t) * r * math.sqrt(1 - 0.999**t) * m / (np.sqrt(v) + 1e-8)


def bare_muon(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    m = s["m"]
    m += 0.05 * (g - m)  # M <- 0.95 M + 0.05 G
    u = g + 0.95 * (m - g)  # Nesterov's look-ahead
    x = u.T if u.shape[0] > u.shape[1] else u
    x = x / max(np.linalg.norm(x), 1e-7)
    for _ in range(5):  # quintic Newton-Schulz
        a = x @ x.T
        x = 3.4445 * x + (-4.775 * a + 2.0315 * a @ a) @ x
    o = x.T if u.shape[0] > u.shape[1] else x
    p *= 1 - lr * 0.1
    p -= lr * max(1, p.shape[0] / p.shape[1]) ** 0.5 * o


def bare_adafactor(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    eps1 = np.finfo(p.dtype).eps
    alpha = max(1e-3, np.sqrt(np.mean(p * p))) * min(lr, 1 / math.sqrt(t))
    if p.ndim >= 2:  # factored: row and column means of g^2
        if t == 1:
            s["R"], s["C"] = (
                np.zeros(p.shape[:-1] + (1,)),
                np.zeros(p.shape[:-2] + (1, p.shape[-1])),
            )
        s["R"] += t**-0.8 * ((g * g).mean(axis=-1, keepdims=True) - s["R"])
        s["C"] += t**-0.8 * ((g * g).mean(axis=-2, keepdims=True) - s["C"])
        v = s["R"] * s["C"] / np.maximum(s["R"].mean(axis=-2, keepdims=True), eps1)
    else:
        s["v"] += t**-0.8 * (g * g - s["v"])
        v = s["v"]
    u = g / np.sqrt(np.maximum(v, eps1 * eps1))
    p -= alpha / max(1.0, np.sqrt(np.mean(u * u))) * u


def bare_lion(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    m = s["m"]
    p -= lr * np.sign(0.9 * m + 0.1 * g)
    m *= 0.99
    m += 0.01 * g


def bare_schedule_free(p, g, s, t, lr):  # type: ignore[no-untyped-def]
    if t == 1:
        s["z"] = p.copy()
    v, z = s["v"], s["z"]
    v *= 0.999
    v += 0.001 * g * g
    u = g / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    c = 1 / t  # constant lr: the weights are equal
    p += c * (z - p)  # y <- (1 - c) y + c z
    p += lr * (0.9 * (1 - c) - 1) * u
    z -= lr * u


#: optimizer -> its bare NumPy rule, called with ``bench_options`` (a new optimizer adds one)
BARE: dict[str, Callable[..., None]] = {
    "SGD": bare_sgd,
    "Adagrad": bare_adagrad,
    "RMSprop": bare_rmsprop,
    "Adam": bare_adam,
    "AdamW": bare_adam,
    "NAdam": bare_nadam,
    "Adamax": bare_adamax,
    "Adadelta": bare_adadelta,
    "RAdam": bare_radam,
    "Muon": bare_muon,
    "Adafactor": bare_adafactor,
    "Lion": bare_lion,
    "ScheduleFreeAdamW": bare_schedule_free,
}


# ----------------------------------------------------------------------------------------------
# measurements
# ----------------------------------------------------------------------------------------------
def make_arrays(shapes: list[tuple[int, ...]], dtype: Any, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def contenders(name: str, workload: str, with_torch: bool) -> dict[str, Callable[[], None]]:
    """One zero-argument step function per implementation, each on its own copy of the data."""
    shapes, dtype = WORKLOADS[workload]
    shapes = [param_shape(name, s) for s in shapes]  # Muon: matrices of the same sizes
    kwargs = SETTINGS[name].bench_options
    params, grads = make_arrays(shapes, dtype, 0), make_arrays(shapes, dtype, 1)
    grads = [0.01 * g for g in grads]  # keep a trajectory of many steps bounded
    ours = getattr(optim, name)([p.copy() for p in params], **kwargs)
    fns: dict[str, Callable[[], None]] = {"adamlib": lambda: ours.step(grads)}

    bare, bare_params = BARE[name], [p.copy() for p in params]
    states = [
        {"m": np.zeros_like(p), "v": np.zeros_like(p), "sum": np.zeros_like(p)} for p in bare_params
    ]
    clock = [0]

    def bare_step() -> None:
        clock[0] += 1
        for p, g, s in zip(bare_params, grads, states, strict=True):
            bare(p, g, s, clock[0], **kwargs)

    fns["bare NumPy"] = bare_step
    if with_torch and torch is not None and hasattr(torch.optim, name):  # (not Lion, ...)
        tparams = [torch.from_numpy(p.copy()) for p in params]
        for tp, g in zip(tparams, grads, strict=True):
            tp.grad = torch.from_numpy(g)
        foreach = {"foreach": True} if SETTINGS[name].foreach else {}  # (Muon has one kernel)
        fns["torch foreach"] = getattr(torch.optim, name)(tparams, **foreach, **kwargs).step
    return fns


def time_interleaved(
    fns: dict[str, Callable[[], None]], repeats: int, inner: int
) -> dict[str, float]:
    """Median CPU seconds per call, the contenders taking turns on each repeat."""
    for fn in fns.values():
        fn()  # warm-up: state creation, caches
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            c0 = time.process_time()
            for _ in range(inner):
                fn()
            cpu[key].append((time.process_time() - c0) / inner)
    return {k: statistics.median(v) for k, v in cpu.items()}


def scratch_bytes(fn: Callable[[], None]) -> int:
    """Peak traced allocation of one call after a warm-up call."""
    fn()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - start


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------
def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} µs"


def machine_note() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    tv = torch.__version__ if torch is not None else "not installed"
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, torch {tv}; single-threaded; 1-minute load average "
        f"{load:.1f} at the start; {datetime.date.today().isoformat()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="also write the Markdown report here")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeats", type=int, default=15, help="repeats per workload")
    parser.add_argument("names", nargs="*", default=OPTIMIZERS)
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else args.repeats
    inner = {"2 elements": 400, "lecture 07 network": 200, "10 M float32": 1}
    if args.quick:
        inner = {"2 elements": 200, "lecture 07 network": 100, "10 M float32": 1}
    note = machine_note()

    rows, memory = [], []
    for name in args.names:
        cells = [name]
        for workload in WORKLOADS:
            big = workload.startswith("10 M")
            fns = contenders(name, workload, with_torch=big)
            t = time_interleaved(fns, repeats, inner[workload])
            cells += [
                fmt(t["adamlib"]),
                fmt(t["bare NumPy"]),
                f"**{t['adamlib'] / t['bare NumPy']:.2f}×**",
            ]
            if big:
                tf = t.get("torch foreach")
                cells += [
                    "n/a" if tf is None else fmt(tf),
                    "n/a" if tf is None else f"**{t['adamlib'] / tf:.2f}×**",
                ]
                param_bytes = 4 * 10_000_000
                ours, bare = (
                    100 * scratch_bytes(fns[k]) / param_bytes for k in ("adamlib", "bare NumPy")
                )
                memory.append(f"| {name} | {ours:.3f} % | {bare:.0f} % |")
            del fns
        rows.append("| " + " | ".join(cells) + " |")
        print(f"{name} done", file=sys.stderr, flush=True)

    flags = [
        a
        for a in (argv if argv is not None else sys.argv[1:])
        if a != "--write" and not a.endswith(".md")
    ]
    command = " ".join(["python -m benchmarks.bench_optim", *flags])
    report = "\n".join(
        [
            f"Machine: {note}. Command: `{command}`.",
            "",
            f"**CPU time of one step** (median of {repeats} interleaved repeats; ratio = adamlib / "
            "contender, < 1 is faster):",
            "",
            "| optimizer | 2 el.: adamlib | bare NumPy | ratio | net: adamlib | bare NumPy | ratio "
            "| 10 M: adamlib | bare NumPy | ratio | torch foreach | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "**Memory allocated by a step after the first, 10 M float32** (tracemalloc peak, "
            "in % of the param bytes):",
            "",
            "| optimizer | adamlib | bare NumPy |",
            "|---|---:|---:|",
            *memory,
        ]
    )
    print(report)
    if args.write:
        args.write.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
