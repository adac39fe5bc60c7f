"""Timings behind lecture 11 (beyond the diagonal): seconds per training step on the digits network.

Usage::

    .venv/bin/python -m benchmarks.bench_lecture11            # Markdown report
    .venv/bin/python -m benchmarks.bench_lecture11 --quick    # fewer repeats

The lecture's setting: 8×8 digits (1,079 training images), a 64-32-10 ReLU network in float64,
minibatches of 32 (34 steps per epoch), one network trained with

- **Muon + AdamW**: ``adamlib.optim.Muon(lr=0.01)`` on the weight matrices and
  ``adamlib.optim.AdamW()`` on the biases (two optimizers, each stepping on its gradients);
- **AdamW**: ``adamlib.optim.AdamW(lr=0.0215)`` on everything,

the learning rates the lecture's grid picks. One epoch (forward, backward and update of every
step) is timed several times after a warm-up; the *minimum* wall-clock time per step is reported
(on a shared machine every other statistic measures the other processes). The lecture's
wall-clock figure uses these numbers (``SECONDS_PER_STEP``, printed at the end): live timings
would change the committed notebook at every rebuild. Single-threaded BLAS.
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
from adamlib.optim import AdamW, Muon

SIZES, BATCH = [64, 32, 10], 32
DIGITS = load("digits", seed=0)
X_TRAIN, Y_TRAIN = DIGITS.X_train, DIGITS.y_train


def epoch_runner(use_muon: bool) -> tuple[Callable[[], None], int]:
    """One epoch of training as a function, and the number of steps it takes."""
    model = MLP(SIZES, seed=0)
    W1, b1, W2, b2 = model.params
    if use_muon:
        muon, adamw = Muon([W1, W2], lr=0.01), AdamW([b1, b2])

        def update(grads: list[np.ndarray]) -> None:
            muon.step([grads[0], grads[2]])
            adamw.step([grads[1], grads[3]])
    else:
        everything = AdamW(model.params, lr=0.0215)

        def update(grads: list[np.ndarray]) -> None:
            everything.step(grads)

    rng = np.random.default_rng(1000)

    def epoch() -> None:
        for idx in minibatches(len(Y_TRAIN), BATCH, rng):
            model.loss_and_grad(X_TRAIN[idx], Y_TRAIN[idx])
            update(model.grads)

    return epoch, -(-len(Y_TRAIN) // BATCH)


def seconds_per_step(repeats: int) -> dict[str, float]:
    """Minimum wall-clock seconds per training step over ``repeats`` epochs, after a warm-up."""
    out = {}
    for name, use_muon in (("Muon + AdamW", True), ("AdamW", False)):
        epoch, steps = epoch_runner(use_muon)
        epoch()  # warm-up
        best = np.inf
        for _ in range(repeats):
            start = time.perf_counter()
            epoch()
            best = min(best, time.perf_counter() - start)
        out[name] = best / steps
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else 15
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"{os.cpu_count()} logical CPUs, single-threaded BLAS; minimum of {repeats} epochs\n"
    )
    times = seconds_per_step(repeats)
    print("| optimizer | wall-clock µs per step |")
    print("|---|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds * 1e6:.0f} |")
    print("\nFor lectures/11 (SECONDS_PER_STEP, wall-clock minimum):\n")
    print("SECONDS_PER_STEP = {" + ", ".join(f'"{k}": {v:.2e}' for k, v in times.items()) + "}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
