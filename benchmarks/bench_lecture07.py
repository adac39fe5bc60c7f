"""Timings behind lecture 07 (training a network): seconds per epoch, and replica stacks vs loops.

Usage::

    .venv/bin/python -m benchmarks.bench_lecture07            # Markdown report
    .venv/bin/python -m benchmarks.bench_lecture07 --quick    # fewer repeats

Single-threaded BLAS throughout (the matrices are tiny; the lecture does the same with
threadpoolctl). The setting is the lecture's: 8×8 digits (1,079 training images), a 64-32-10 ReLU
network, minibatches of 32 (34 steps per epoch).

1. **Seconds per epoch** of one network trained with each ``adamlib.optim`` optimizer (float64).
   Each epoch is timed several times after a warm-up; the *minimum* is reported, wall-clock and
   CPU, because on a shared machine every other statistic measures the other processes. The
   lecture's wall-clock figure uses these numbers (``SECONDS_PER_EPOCH``, printed at the end):
   live timings would change the committed notebook at every rebuild.
2. **The learning-rate study**: 48 networks (16 learning rates × 3 seeds) trained for one epoch
   (a) one after the other with ``adamlib.optim.Adam``, (b) as one stack of replicas
   (``MLP(sizes, seed=[...])``) with the lecture's from-scratch Adam rule whose learning rate
   broadcasts over the replicas, in float64 and (c) in float32.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

import numpy as np

from adamlib.data import load, minibatches
from adamlib.nn import MLP
from adamlib.optim import SGD, Adagrad, Adam, AdamW, RMSprop

SIZES, BATCH = [64, 32, 10], 32
OPTIMIZERS = {  # the lecture's first-try settings
    "SGD": (SGD, {"lr": 0.1}),
    "SGD + momentum": (SGD, {"lr": 0.01, "momentum": 0.9}),
    "Adagrad": (Adagrad, {"lr": 1e-2}),
    "RMSprop": (RMSprop, {"lr": 1e-2}),
    "Adam": (Adam, {"lr": 1e-3}),
    "AdamW": (AdamW, {"lr": 1e-3}),
}
DIGITS = load("digits", seed=0)
X_TRAIN, Y_TRAIN = DIGITS.X_train, DIGITS.y_train


def best_of(fn: Callable[[], None], repeats: int) -> tuple[float, float]:
    """Minimum wall-clock and minimum CPU seconds of ``fn()`` over ``repeats`` calls."""
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def seconds_per_epoch(repeats: int) -> dict[str, tuple[float, float]]:
    out = {}
    for name, (cls, hyper) in OPTIMIZERS.items():
        model = MLP(SIZES, seed=0)
        opt = cls(model.params, **hyper)
        rng = np.random.default_rng(0)

        def epoch(model=model, opt=opt, rng=rng) -> None:
            for idx in minibatches(len(Y_TRAIN), BATCH, rng):
                model.loss_and_grad(X_TRAIN[idx], Y_TRAIN[idx])
                opt.step(model.grads)

        out[name] = best_of(epoch, repeats)
    return out


def adam_rule(params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """The lecture's from-scratch Adam with one learning rate per replica."""
    lrs = [lr.reshape(-1, *[1] * (p.ndim - 1)) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0

    def step(grads):
        nonlocal t
        t += 1
        for p, g, m_, v_, a in zip(params, grads, m, v, lrs, strict=True):
            m_ *= beta1
            m_ += (1 - beta1) * g
            v_ *= beta2
            v_ += (1 - beta2) * g * g
            p -= a * (m_ / (1 - beta1**t)) / (np.sqrt(v_ / (1 - beta2**t)) + eps)

    return step


def study_epoch(repeats: int) -> dict[str, float]:
    lrs = np.logspace(-4, 1, 16)
    seeds = [0, 1, 2]
    n = len(lrs) * len(seeds)

    def loop() -> None:
        for s in seeds:
            for lr in lrs:
                model = MLP(SIZES, seed=s)
                opt = Adam(model.params, lr=float(lr))
                for idx in minibatches(len(Y_TRAIN), BATCH, np.random.default_rng(1000 + s)):
                    model.loss_and_grad(X_TRAIN[idx], Y_TRAIN[idx])
                    opt.step(model.grads)

    def stacked(dtype) -> Callable[[], None]:
        def run() -> None:
            seed_of = np.repeat(np.arange(len(seeds)), len(lrs))
            stack = MLP(SIZES, seed=[seeds[s] for s in seed_of], dtype=dtype)
            step = adam_rule(stack.params, np.tile(lrs, len(seeds)).astype(dtype))
            X = X_TRAIN.astype(dtype)
            rngs = [np.random.default_rng(1000 + s) for s in seeds]
            with np.errstate(all="ignore"):
                for batches in zip(
                    *(minibatches(len(Y_TRAIN), BATCH, r) for r in rngs), strict=True
                ):
                    idx = np.stack(batches)[seed_of]
                    stack.loss_and_grad(X[idx], Y_TRAIN[idx])
                    step(stack.grads)

        return run

    return {
        f"{n} networks one after the other (adamlib.optim.Adam, float64)": best_of(loop, repeats),
        f"one stack of {n} replicas (from-scratch Adam, float64)": best_of(
            stacked(np.float64), repeats
        ),
        f"one stack of {n} replicas (from-scratch Adam, float32)": best_of(
            stacked(np.float32), repeats
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 9

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, NumPy {np.__version__}; single-threaded BLAS; "
        f"minimum over {repeats} repeats after a warm-up.\n"
    )
    per_epoch = seconds_per_epoch(repeats)
    print("| optimizer | wall-clock ms per epoch | CPU ms per epoch | per step (µs) |")
    print("|---|---:|---:|---:|")
    steps = -(-len(Y_TRAIN) // BATCH)
    for name, (wall, cpu) in per_epoch.items():
        print(f"| {name} | {wall * 1e3:.1f} | {cpu * 1e3:.1f} | {wall / steps * 1e6:.0f} |")

    print("\nOne epoch of the learning-rate study (Adam):\n")
    print("| how | wall-clock s | CPU s | speed-up (wall) |")
    print("|---|---:|---:|---:|")
    study = study_epoch(max(1, repeats // 3))
    base = next(iter(study.values()))[0]
    for name, (wall, cpu) in study.items():
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {base / wall:.1f}× |")

    print("\nFor lectures/07 (SECONDS_PER_EPOCH, wall-clock minimum):\n")
    print(
        "SECONDS_PER_EPOCH = {"
        + ", ".join(f'"{name}": {wall:.4f}' for name, (wall, _) in per_epoch.items())
        + "}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
