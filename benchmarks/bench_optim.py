"""Benchmark adamlib.optim against torch.optim and a naive NumPy version (not a timed test).

Usage::

    .venv/bin/python benchmarks/bench_optim.py                 # print a Markdown report
    .venv/bin/python benchmarks/bench_optim.py --write benchmarks/README_optim.md
    .venv/bin/python benchmarks/bench_optim.py --quick         # fewer repeats, 1M params
    .venv/bin/python benchmarks/bench_optim.py --tuned-malloc  # glibc keeps freed memory

Single-threaded throughout (``OMP/MKL/OPENBLAS_NUM_THREADS=1``, ``torch.set_num_threads(1)``).
For each optimizer:

- **large**: one step on 10 million float32 params in four arrays (4M, 3M, 2M, 1M); adamlib,
  ``torch.optim.<Name>(foreach=True)`` and a naive NumPy version (the textbook formula with
  temporaries) are timed in turn, interleaved, after a warm-up step; the median of the repeats
  is reported, as wall-clock time and as the process's CPU time (the machine may be shared, and
  CPU time is less sensitive to other processes);
- **memory**: the peak of NumPy allocations during an adamlib step after the first, traced
  with tracemalloc, in % of the param bytes (naive NumPy for contrast);
- **small**: the time per step on 20 arrays of 64 elements (per-step overhead), adamlib vs
  torch's foreach and default (single-tensor) implementations.

torch is optional: without it the torch columns read "n/a".

``--tuned-malloc`` re-runs the script with ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` set to 1 GiB. torch's foreach steps allocate temporaries as large as
the params at every step; by default glibc serves such blocks with fresh ``mmap`` pages (page
faults at every step), tuned it reuses freed heap memory. adamlib allocates nothing per step, so
only torch's figures change: the tuned run is torch at its best.
"""

from __future__ import annotations

import os
import sys

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"
if "--tuned-malloc" in sys.argv and "MALLOC_MMAP_THRESHOLD_" not in os.environ:
    _env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(2**30), MALLOC_TRIM_THRESHOLD_=str(2**30))
    os.execve(sys.executable, [sys.executable, *sys.argv], _env)

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import adamlib.optim as optim  # noqa: E402
from adamlib.optim.radam import rectification as radam_rectification  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - torch is optional
    torch = None

LARGE_SIZES = (4_000_000, 3_000_000, 2_000_000, 1_000_000)
SMALL_SIZES = (64,) * 20
#: optimizer -> keyword arguments used by adamlib, torch and the naive version alike
OPTIONS: dict[str, dict[str, Any]] = {
    "SGD": {"lr": 1e-3, "momentum": 0.9},
    "Adagrad": {"lr": 1e-2},
    "RMSprop": {"lr": 1e-2},
    "Adam": {"lr": 1e-3},
    "AdamW": {"lr": 1e-3, "weight_decay": 1e-2},
    "NAdam": {"lr": 2e-3},
    "Adamax": {"lr": 2e-3},
    "Adadelta": {"lr": 1.0},
    "RAdam": {"lr": 1e-3},
}


# ----------------------------------------------------------------------------------------------
# naive NumPy: the textbook formulas, one expression each, temporaries allocated every step
# ----------------------------------------------------------------------------------------------
def naive_step(name: str, params: list[np.ndarray], kwargs: dict[str, Any]) -> Callable:
    """Return a closure doing one naive step of ``name`` on ``params`` with given gradients."""
    state: dict[str, Any] = {"t": 0, "a": [np.zeros_like(p) for p in params]}
    state["b"] = [np.zeros_like(p) for p in params]
    lr = kwargs["lr"]

    def step(grads: list[np.ndarray]) -> None:
        state["t"] += 1
        t = state["t"]
        for p, g, a, b in zip(params, grads, state["a"], state["b"], strict=True):
            if name == "SGD":
                a[...] = g if t == 1 else kwargs["momentum"] * a + g
                p -= lr * a
            elif name == "Adagrad":
                a += g * g
                p -= lr * g / (np.sqrt(a) + 1e-10)
            elif name == "RMSprop":
                a[...] = 0.99 * a + 0.01 * g * g
                p -= lr * g / (np.sqrt(a) + 1e-8)
            elif name == "Adamax":
                a[...] = 0.9 * a + 0.1 * g
                b[...] = np.maximum(0.999 * b, np.abs(g) + 1e-8)
                p -= lr / (1 - 0.9**t) * a / b
            elif name == "Adadelta":
                a[...] = 0.9 * a + 0.1 * g * g
                delta = np.sqrt(b + 1e-6) / np.sqrt(a + 1e-6) * g
                b[...] = 0.9 * b + 0.1 * delta * delta
                p -= lr * delta
            else:
                if name == "AdamW":
                    p *= 1 - lr * kwargs["weight_decay"]
                a[...] = 0.9 * a + 0.1 * g
                b[...] = 0.999 * b + 0.001 * g * g
                if name == "NAdam":
                    mu = 0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3))
                    mu_next = 0.9 * (1 - 0.5 * 0.96 ** ((t + 1) * 4e-3))
                    product = state.get("product", 1.0) * mu
                    state["product"] = product
                    denom = np.sqrt(b / (1 - 0.999**t)) + 1e-8
                    p -= lr * (1 - mu) / (1 - product) * g / denom
                    p -= lr * mu_next / (1 - product * mu_next) * a / denom
                    continue
                m_hat = a / (1 - 0.9**t)
                if name == "RAdam":
                    rect = radam_rectification(0.999, t)
                    if rect is None:
                        p -= lr * m_hat
                        continue
                    p -= lr * m_hat * rect * np.sqrt(1 - 0.999**t) / (np.sqrt(b) + 1e-8)
                    continue
                v_hat = b / (1 - 0.999**t)
                p -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)

    return step


# ----------------------------------------------------------------------------------------------
# measurements
# ----------------------------------------------------------------------------------------------
def make_arrays(sizes: tuple[int, ...], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(n, dtype=np.float32) for n in sizes]


def contenders(
    name: str, sizes: tuple[int, ...], naive: bool, torch_default: bool = True
) -> dict[str, Callable[[], None]]:
    """One zero-argument step function per implementation, all on equal copies of the data."""
    kwargs = OPTIONS[name]
    params, grads = make_arrays(sizes, 0), make_arrays(sizes, 1)
    ours = getattr(optim, name)([p.copy() for p in params], **kwargs)
    fns: dict[str, Callable[[], None]] = {"adamlib": lambda: ours.step(grads)}
    if torch is not None:
        for foreach in (True, False) if torch_default else (True,):
            tparams = [torch.from_numpy(p.copy()).requires_grad_() for p in params]
            for tp, g in zip(tparams, grads, strict=True):
                tp.grad = torch.from_numpy(g)
            topt = getattr(torch.optim, name)(tparams, foreach=foreach, **kwargs)
            fns["torch foreach" if foreach else "torch default"] = topt.step
    if naive:
        step = naive_step(name, [p.copy() for p in params], kwargs)
        fns["naive NumPy"] = lambda: step(grads)
    return fns


def time_interleaved(
    fns: dict[str, Callable[[], None]], repeats: int, inner: int
) -> dict[str, dict[str, float]]:
    """Median wall and CPU seconds per call, the contenders taking turns on each repeat."""
    for fn in fns.values():
        fn()  # warm-up: state creation, caches
    wall: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(inner):
                fn()
            wall[key].append((time.perf_counter() - w0) / inner)
            cpu[key].append((time.process_time() - c0) / inner)
    return {k: {"wall": statistics.median(wall[k]), "cpu": statistics.median(cpu[k])} for k in fns}


def scratch_fraction(fn: Callable[[], None], param_bytes: int) -> float:
    """Peak traced NumPy allocation of one call (after a warm-up call), / param bytes."""
    fn()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - start) / param_bytes


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------
def fmt(seconds: float | None, unit: str) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1e3:.1f} ms" if unit == "ms" else f"{seconds * 1e6:.0f} µs"


def ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None else f"{a / b:.2f}×"


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
    malloc = (
        "glibc malloc tuned (MALLOC_MMAP_THRESHOLD_=MALLOC_TRIM_THRESHOLD_=1 GiB)"
        if "MALLOC_MMAP_THRESHOLD_" in os.environ
        else "default glibc malloc"
    )
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, torch {tv}; single-threaded; {malloc}; 1-minute load "
        f"average {load:.1f} at the start; {datetime.date.today().isoformat()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="also write the Markdown report here")
    parser.add_argument("--quick", action="store_true", help="1M params, fewer repeats")
    parser.add_argument("--repeats", type=int, default=9, help="repeats (large case)")
    parser.add_argument("--tuned-malloc", action="store_true", help="see the module docstring")
    parser.add_argument("--skip-small", action="store_true", help="no per-step overhead table")
    parser.add_argument("names", nargs="*", default=list(OPTIONS))
    args = parser.parse_args(argv)
    large = tuple(n // 10 for n in LARGE_SIZES) if args.quick else LARGE_SIZES
    repeats = 3 if args.quick else args.repeats
    note = machine_note()
    n_large = sum(large)

    rows_large, rows_small = [], []
    for name in args.names:
        fns = contenders(name, large, naive=True, torch_default=False)
        t = time_interleaved(fns, repeats, inner=1)
        mem_ours = scratch_fraction(fns["adamlib"], 4 * n_large)
        mem_naive = scratch_fraction(fns["naive NumPy"], 4 * n_large)
        del fns
        tf = t.get("torch foreach", {})
        rows_large.append(
            f"| {name} | {fmt(t['adamlib']['wall'], 'ms')} | {fmt(tf.get('wall'), 'ms')} | "
            f"**{ratio(t['adamlib']['wall'], tf.get('wall'))}** | "
            f"{fmt(t['adamlib']['cpu'], 'ms')} | {fmt(tf.get('cpu'), 'ms')} | "
            f"**{ratio(t['adamlib']['cpu'], tf.get('cpu'))}** | "
            f"{fmt(t['naive NumPy']['wall'], 'ms')} | {100 * mem_ours:.2f} % | "
            f"{100 * mem_naive:.0f} % |"
        )
        print(f"{name} large done", file=sys.stderr, flush=True)

        if args.skip_small:
            continue
        fns = contenders(name, SMALL_SIZES, naive=False)
        t = time_interleaved(fns, repeats=7, inner=100 if args.quick else 300)
        tf, td = t.get("torch foreach", {}), t.get("torch default", {})
        rows_small.append(
            f"| {name} | {fmt(t['adamlib']['cpu'], 'us')} | {fmt(tf.get('cpu'), 'us')} | "
            f"{fmt(td.get('cpu'), 'us')} | "
            f"**{ratio(t['adamlib']['cpu'], min(tf.get('cpu', np.inf), td.get('cpu', np.inf)))}**"
            f" | {fmt(t['adamlib']['wall'], 'us')} | {fmt(tf.get('wall'), 'us')} |"
        )
        print(f"{name} small done", file=sys.stderr, flush=True)

    flags = [f for f in ("--quick", "--tuned-malloc", "--skip-small") if f in sys.argv]
    command = " ".join(["python benchmarks/bench_optim.py", *flags])
    report = "\n".join(
        [
            f"Machine: {note}. Command: `{command}`.",
            "",
            f"**One step on {n_large / 1e6:g} million float32 params in {len(large)} arrays** "
            f"(median of {repeats} interleaved repeats; ratio = adamlib / torch, < 1 is faster):",
            "",
            "| optimizer | adamlib wall | torch foreach wall | ratio (wall) | adamlib CPU "
            "| torch foreach CPU | ratio (CPU) | naive NumPy wall | adamlib scratch/step "
            "| naive scratch/step |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows_large,
            "",
            "Scratch/step: peak NumPy allocation during a step after the first (tracemalloc), in "
            "% of the param bytes. adamlib's work buffers (at most 5 × 256 KiB, allocated at "
            "construction) are not included; they are "
            f"{100 * 5 * 2**18 / (4 * n_large):.1f} % of the param bytes here.",
        ]
    )
    if rows_small:
        report += "\n".join(
            [
                "",
                "",
                "**Per-step overhead: one step on 20 arrays of 64 float32** (CPU time per step, "
                "median of 7 repeats; ratio = adamlib / the faster torch implementation):",
                "",
                "| optimizer | adamlib | torch foreach | torch default | ratio | adamlib wall "
                "| torch foreach wall |",
                "|---|---:|---:|---:|---:|---:|---:|",
                *rows_small,
            ]
        )
    print(report)
    if args.write:
        args.write.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
