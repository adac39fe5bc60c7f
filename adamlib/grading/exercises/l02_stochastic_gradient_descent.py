"""Exercises of lecture 02 (stochastic and minibatch gradient descent).

- ``minibatch_indices(n, batch_size, rng) -> list of index arrays``: one epoch of shuffled
  minibatches (every index exactly once; the last batch may be smaller).
- ``minibatch_gradient(w, X, y, idx) -> grad``: the least-squares gradient averaged over the
  examples ``idx``, for ``f_i(w) = ½ (x_iᵀ w − y_i)²``.
- ``step_decay(t, lr0, drop, every) -> lr``: the learning rate ``lr0 · drop ** (t // every)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from adamlib.grading.cases import normal
from adamlib.grading.framework import (
    Call,
    FunctionExercise,
    Mistake,
    expected_got,
    short_repr,
    shown_pair,
    values_close,
)
from adamlib.grading.registry import register

# ----------------------------------------------------------------------------------------------
# minibatch_indices
# ----------------------------------------------------------------------------------------------


def minibatch_indices(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Reference: shuffle ``0 .. n-1`` once with ``rng``, cut into batches of ``batch_size``."""
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


class _SeededGenerator(np.random.Generator):
    """``np.random.default_rng(seed)`` with a stable repr (feedback must not show addresses).

    The function under test receives a deep copy: a plain Generator in the same state.
    """

    def __init__(self, seed: int) -> None:
        super().__init__(np.random.PCG64(seed))
        self._seed = seed

    def __repr__(self) -> str:
        return f"np.random.default_rng({self._seed})"


def _indices_cases() -> list[Call]:
    return [
        Call("n=10, batch_size=4 (batches of 4, 4, 2)", (10, 4, _SeededGenerator(20))),
        Call("n=12, batch_size=3 (divides evenly)", (12, 3, _SeededGenerator(21))),
        Call("n=7, batch_size=1 (plain SGD: one example per step)", (7, 1, _SeededGenerator(22))),
        Call("n=5, batch_size=8 (one batch with everything)", (5, 8, _SeededGenerator(23))),
        Call("n=100, batch_size=32", (100, 32, _SeededGenerator(24))),
    ]


def _judge_indices(call: Call, got: Any, expected: Any) -> str | None:
    n, batch_size = call.args[0], call.args[1]
    if isinstance(got, np.ndarray) and got.ndim == 2:
        return (
            "return a list of 1-d index arrays (one per batch), not a 2-d array: the last "
            "batch may be shorter"
        )
    if not isinstance(got, list | tuple):
        return f"return a list of index arrays, got {type(got).__name__}"
    batches = []
    for k, b in enumerate(got):
        arr = np.asarray(b)
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            return f"batch {k} must be a 1-d array of integer indices, got {short_repr(b, 60)}"
        batches.append(arr)
    sizes = [len(b) for b in batches]
    want = [len(b) for b in expected]
    flat = np.concatenate(batches) if batches else np.array([], dtype=int)
    if flat.size and (flat.min() < 0 or flat.max() >= n):
        return f"indices must lie in 0 .. {n - 1}, got {short_repr(flat, 80)}"
    counts = np.bincount(flat, minlength=n) if flat.size else np.zeros(n, dtype=int)
    if (counts > 1).any():
        twice = int(np.flatnonzero(counts > 1)[0])
        return (
            f"index {twice} appears {counts[twice]} times: draw a permutation "
            "(sampling without replacement), so that each example is used once per epoch"
        )
    if (counts == 0).any():
        missing = np.flatnonzero(counts == 0).tolist()
        return (
            f"indices {short_repr(missing, 60)} are missing: one epoch must use every "
            f"example exactly once (batch sizes {sizes}, expected {want})"
        )
    if sizes != want:
        return f"batch sizes {sizes}, expected {want} (batches of {batch_size}, the last smaller)"
    if n > 3 and np.array_equal(flat, np.arange(n)):
        return "the indices are in order 0, 1, 2, ...: shuffle them with rng first"
    return None


def _same_batches(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) != isinstance(b, np.ndarray):
        return False  # a 2-d array is a different answer from a list of batches
    try:
        return len(a) == len(b) and all(
            np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b, strict=True)
        )
    except Exception:  # noqa: BLE001
        return False


def _indices_unshuffled(n, batch_size, rng):
    order = np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def _indices_drop_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def _indices_with_replacement(n, batch_size, rng):
    order = rng.integers(0, n, size=n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def _indices_off_by_one(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i : i + batch_size - 1] for i in range(0, n, batch_size)]


def _indices_array(n, batch_size, rng):
    order = rng.permutation(n)
    return order[: n - n % batch_size].reshape(-1, batch_size)


register(
    FunctionExercise(
        id="minibatch_indices",
        title="The minibatches of one epoch",
        points=2,
        reference=minibatch_indices,
        output="batches",
        rule="order = rng.permutation(n); batches = [order[i:i + batch_size] for i in "
        "range(0, n, batch_size)]",
        cases=_indices_cases,
        judge=_judge_indices,
        same_value=_same_batches,
        mistakes=[
            Mistake(
                "not shuffled",
                "shuffle the indices with the given generator first: order = rng.permutation(n).",
                _indices_unshuffled,
            ),
            Mistake(
                "last, smaller batch dropped",
                "when batch_size does not divide n, keep the remainder as a last, smaller batch: "
                "range(0, n, batch_size) and slices order[i:i + batch_size].",
                _indices_drop_last,
            ),
            Mistake(
                "sampled with replacement",
                "rng.integers draws indices independently, so some repeat and others are missing; "
                "an epoch uses a permutation: rng.permutation(n).",
                _indices_with_replacement,
            ),
            Mistake(
                "off-by-one slice (batches one index short)",
                "Python slices exclude their end: order[i:i + batch_size] already has batch_size "
                "elements.",
                _indices_off_by_one,
            ),
            Mistake(
                "returned a 2-d array instead of a list of batches",
                "reshape cannot hold a shorter last batch; return a list: "
                "[order[i:i + batch_size] for i in range(0, n, batch_size)].",
                _indices_array,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# minibatch_gradient
# ----------------------------------------------------------------------------------------------


def minibatch_gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Reference: ``X_Bᵀ (X_B w − y_B) / B`` over the rows ``idx`` (B = len(idx))."""
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb) / len(idx)


def _gradient_cases() -> list[Call]:
    rng = np.random.default_rng(202)
    cases = []
    for n, d, idx, dtype, note in [
        (10, 3, [7, 2, 5], np.float64, "a batch of 3 rows"),
        (12, 4, [0, 11, 3, 8, 5], np.float64, "a batch of 5 rows"),
        (6, 2, [4], np.float64, "a batch of 1 row (plain SGD)"),
        (8, 3, list(range(8)), np.float64, "the whole dataset as the batch (full gradient)"),
        (9, 5, [1, 6, 2, 8], np.float32, "a batch of 4 rows, float32"),
    ]:
        X = normal(rng, (n, d), dtype)
        y = normal(rng, (n,), dtype)
        w = normal(rng, (d,), dtype)
        cases.append(Call(f"X {n}x{d} {np.dtype(dtype).name}, {note}", (w, X, y, np.array(idx))))
    return cases


def _judge_gradient(call: Call, got: Any, expected: np.ndarray) -> str | None:
    if not isinstance(got, np.ndarray):
        return f"return a NumPy array of shape {expected.shape}, got {type(got).__name__}"
    if got.shape != expected.shape:
        return (
            f"expected shape {expected.shape} (one entry per weight), got {got.shape}; "
            "X[idx].T @ residual has the shape of w"
        )
    if np.iscomplexobj(got) or not np.issubdtype(got.dtype, np.floating):
        return f"expected a float array, got dtype {got.dtype}"
    rtol = 1e-4 if expected.dtype == np.float32 else 1e-7
    if not values_close(got, expected, rtol=rtol, atol=1e-6 if rtol > 1e-6 else 1e-12):
        return expected_got(expected, got)
    return None


def _grad_summed(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb)


def _grad_sign(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (yb - Xb @ w) / len(idx)


def _grad_divided_by_n(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb) / len(X)


def _grad_full_data(w, X, y, idx):
    return X.T @ (X @ w - y) / len(X)


def _grad_factor_two(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return 2 * Xb.T @ (Xb @ w - yb) / len(idx)


register(
    FunctionExercise(
        id="minibatch_gradient",
        title="The least-squares gradient of a minibatch",
        points=2,
        reference=minibatch_gradient,
        output="grad",
        rule="Xb, yb = X[idx], y[idx]; grad = Xb.T @ (Xb @ w - yb) / len(idx)",
        cases=_gradient_cases,
        judge=_judge_gradient,
        same_value=lambda a, b: values_close(a, b, rtol=1e-4, atol=1e-6),
        mistakes=[
            Mistake(
                "summed over the batch instead of averaged",
                "divide by the batch size len(idx): the minibatch gradient is an average, so its "
                "scale does not depend on the batch size.",
                _grad_summed,
            ),
            Mistake(
                "wrong sign of the residual",
                "the derivative of ½(xᵀw − y)² is (xᵀw − y)·x: use Xb @ w - yb, not yb - Xb @ w.",
                _grad_sign,
            ),
            Mistake(
                "divided by the dataset size n instead of the batch size",
                "average over the batch: divide by len(idx), not len(X).",
                _grad_divided_by_n,
            ),
            Mistake(
                "used the whole dataset instead of the batch",
                "select the batch's rows first: Xb, yb = X[idx], y[idx].",
                _grad_full_data,
            ),
            Mistake(
                "extra factor 2",
                "the loss is ½(xᵀw − y)², whose derivative has no factor 2.",
                _grad_factor_two,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# step_decay
# ----------------------------------------------------------------------------------------------


def step_decay(t: int, lr0: float, drop: float, every: int) -> float:
    """Reference: ``lr0 * drop ** (t // every)``: multiply by ``drop`` every ``every`` steps."""
    return lr0 * drop ** (t // every)


def _decay_cases() -> list[Call]:
    return [
        Call("t=0: the initial learning rate", (0, 0.1, 0.5, 10)),
        Call("t=9, every=10: not yet dropped", (9, 0.1, 0.5, 10)),
        Call("t=10, every=10: the first drop", (10, 0.1, 0.5, 10)),
        Call("t=25, every=10, drop=0.5: dropped twice", (25, 0.1, 0.5, 10)),
        Call("t=1000, lr0=0.3, drop=0.1, every=300", (1000, 0.3, 0.1, 300)),
        Call("t=7, lr0=2.0, drop=0.9, every=1 (drops every step)", (7, 2.0, 0.9, 1)),
    ]


def _judge_decay(call: Call, got: Any, expected: float) -> str | None:
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return f"return one number, got an array of shape {got.shape}"
    if isinstance(got, bool) or not isinstance(got, float | int | np.floating | np.integer):
        return f"return a number, got {type(got).__name__}"
    if not values_close(got, expected):
        t, lr0, drop, every = call.args
        want, have, _ = shown_pair(expected, got)
        return (
            f"expected {want} = {lr0} * {drop}**{t // every} "
            f"({t} // {every} = {t // every} drops so far), got {have}"
        )
    return None


register(
    FunctionExercise(
        id="step_decay",
        title="A step-decay learning-rate schedule",
        points=1,
        reference=step_decay,
        output="lr",
        rule="lr = lr0 * drop ** (t // every)",
        cases=_decay_cases,
        judge=_judge_decay,
        mistakes=[
            Mistake(
                "true division: a smooth exponential decay instead of steps",
                "count whole periods with integer division: t // every, not t / every.",
                lambda t, lr0, drop, every: lr0 * drop ** (t / every),
            ),
            Mistake(
                "first drop one step too early",
                "at step t the number of drops so far is t // every (at t = every - 1 there has "
                "been none yet): do not use t + 1.",
                lambda t, lr0, drop, every: lr0 * drop ** ((t + 1) // every),
            ),
            Mistake(
                "decays every step",
                "the exponent is the number of completed periods t // every, not t.",
                lambda t, lr0, drop, every: lr0 * drop**t,
            ),
            Mistake(
                "dropped only once",
                "the drops compound: after k periods the rate is lr0 * drop**k.",
                lambda t, lr0, drop, every: lr0 * drop if t >= every else lr0,
            ),
        ],
    )
)
