"""Exercises of lecture 09 (claims about adaptive methods, tested).

- ``min_norm_solution(X, y) -> w``: the minimum-norm least-squares solution X⁺y (what gradient
  descent from w = 0 converges to).
- ``wilson_dataset(y) -> X``: Wilson et al.'s (2017) design matrix of shape (n, 6n) for labels
  y in {-1, +1}: column 0 is y, columns 1 and 2 are 1, and example i has its own block of
  "unique" features starting at column 3 + 5i: one 1 if y_i = +1, five 1s if y_i = -1.
- ``steps_to_tolerance(losses, tol) -> int``: the first index t with losses[t] <= tol, or -1
  when the tolerance is never reached.
- ``good_lr_window(lrs, final_losses, tol) -> (lr_min, lr_max)``: the smallest and the largest
  learning rate whose final loss is <= tol (lrs in any order); (nan, nan) when none is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from adamlib.grading.framework import (
    Call,
    FunctionExercise,
    Mistake,
    expected_got,
    short_repr,
    values_close,
)
from adamlib.grading.registry import register

Array = np.ndarray


def _not_array(got: Any) -> str | None:
    if not isinstance(got, np.ndarray):
        return f"return a NumPy array, got {type(got).__name__}"
    if not np.issubdtype(got.dtype, np.floating):
        return f"return a floating-point array, got dtype {got.dtype}"
    return None


# ----------------------------------------------------------------------------------------------
# min_norm_solution
# ----------------------------------------------------------------------------------------------


def min_norm_solution(X: Array, y: Array) -> Array:
    """Reference: the minimum-norm least-squares solution ``X⁺ y``."""
    return np.linalg.pinv(X) @ y


def _min_norm_cases() -> list[Call]:
    rng = np.random.default_rng(909)
    wide = rng.standard_normal((3, 6))
    tall = rng.standard_normal((8, 3))
    low_rank = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4))  # rank 2, 5x4
    wilson = _wilson(np.array([1.0, -1.0, 1.0, 1.0]))
    return [
        Call("3 examples, 6 features (many exact solutions)", (wide, rng.standard_normal(3))),
        Call("8 examples, 3 features (least squares, unique)", (tall, rng.standard_normal(8))),
        Call(
            "5x4 matrix of rank 2 (no exact solution, many least-squares ones)",
            (low_rank, rng.standard_normal(5)),
        ),
        Call(
            "Wilson et al.'s design for y = (1, -1, 1, 1)",
            (wilson, np.array([1.0, -1.0, 1.0, 1.0])),
        ),
        Call("1 example, 4 features", (np.array([[1.0, 2.0, 0.0, -2.0]]), np.array([3.0]))),
    ]


def _judge_min_norm(call: Call, got: Any, expected: Array) -> str | None:
    problem = _not_array(got)
    if problem:
        return problem
    if got.shape != expected.shape:
        X = call.args[0]
        return (
            f"expected a vector of shape {expected.shape} (one weight per column of X, "
            f"X has shape {X.shape}), got shape {got.shape}"
        )
    if values_close(got, expected, rtol=1e-7, atol=1e-9):
        return None
    X, y = call.args
    fits = np.allclose(X @ got, X @ expected, rtol=1e-7, atol=1e-9)
    if fits and np.linalg.norm(got) > np.linalg.norm(expected):
        return (
            f"your w fits the data as well as the answer but has norm "
            f"{np.linalg.norm(got):.4g} > {np.linalg.norm(expected):.4g}: it is a "
            f"least-squares solution, not the one of minimum norm"
        )
    return expected_got(expected, got)


def _mn_from_ones(X, y):
    w0 = np.ones(X.shape[1])
    return w0 + np.linalg.pinv(X) @ (y - X @ w0)


def _mn_ridge(X, y):
    return np.linalg.solve(X.T @ X + 1e-3 * np.eye(X.shape[1]), X.T @ y)


register(
    FunctionExercise(
        id="min_norm_solution",
        title="The minimum-norm least-squares solution",
        points=2,
        reference=min_norm_solution,
        output="w",
        rule="w = np.linalg.pinv(X) @ y (or np.linalg.lstsq(X, y, rcond=None)[0])",
        cases=_min_norm_cases,
        judge=_judge_min_norm,
        mistakes=[
            Mistake(
                "a zero-loss solution, but not the one of minimum norm",
                "gradient descent from w0 = 0 never leaves the row space of X; from another "
                "start it keeps that start's null-space part. Use np.linalg.pinv(X) @ y.",
                _mn_from_ones,
            ),
            Mistake(
                "ridge regression instead of the minimum-norm solution",
                "adding lam * I shrinks the solution; the minimum-norm solution is the limit "
                "lam -> 0, which np.linalg.pinv(X) @ y computes exactly.",
                _mn_ridge,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# wilson_dataset
# ----------------------------------------------------------------------------------------------


def _wilson(
    y: Array,
    spacing: int = 5,
    first: int = 3,
    positive: int = 1,
    negative: int = 5,
    columns: int | None = None,
    constant: bool = True,
) -> Array:
    n = len(y)
    X = np.zeros((n, 6 * n if columns is None else columns))
    X[:, 0] = y
    if constant:
        X[:, 1:3] = 1.0
    for i in range(n):
        start = first + spacing * i
        X[i, start : start + (positive if y[i] == 1 else negative)] = 1.0
    return X


def wilson_dataset(y: Array) -> Array:
    """Reference: Wilson et al.'s design matrix, shape (n, 6n), for labels y in {-1, +1}.

    Written literally (each index set explicitly, no slicing that silently truncates): a case
    whose last block does not fit in 6n columns (n <= 2 with the last label -1) raises, so it
    is an authoring error instead of a false fail of a literal implementation.
    """
    y = np.asarray(y)
    n = len(y)
    X = np.zeros((n, 6 * n))
    for i in range(n):
        X[i, 0] = y[i]
        X[i, 1] = X[i, 2] = 1.0
        for k in range(1 if y[i] == 1 else 5):
            X[i, 3 + 5 * i + k] = 1.0
    return X


def _wilson_cases() -> list[Call]:
    rng = np.random.default_rng(919)
    return [
        # n <= 2 with the last label -1 is not a case: its block would run past column 6n.
        Call("y = (-1, 1)", (np.array([-1.0, 1.0]),)),
        Call("y = (1, 1, -1, 1)", (np.array([1.0, 1.0, -1.0, 1.0]),)),
        Call("one positive example", (np.array([1.0]),)),
        Call(
            "y = (1, 1, -1): the last block ends at the last column", (np.array([1.0, 1.0, -1.0]),)
        ),
        Call("12 random labels", (np.where(rng.random(12) < 0.6, 1.0, -1.0),)),
        Call("integer labels (1, -1, -1)", (np.array([1, -1, -1]),)),
    ]


def _judge_wilson(call: Call, got: Any, expected: Array) -> str | None:
    problem = _not_array(got)
    if problem:
        return problem
    n = len(call.args[0])
    if got.shape != expected.shape:
        return f"expected shape {expected.shape} = (n, 6n) for n = {n}, got {got.shape}"
    if values_close(got, expected, rtol=0, atol=1e-12):
        return None
    rows = np.flatnonzero(~np.all(np.isclose(got, expected), axis=1))
    i = int(rows[0])
    want = np.flatnonzero(expected[i])
    have = np.flatnonzero(got[i])
    return (
        f"row {i} (y = {expected[i, 0]:g}) is wrong: expected non-zero columns "
        f"{want.tolist()}, got {have.tolist()}"
    )


def _w_swapped(y):
    return _wilson(np.asarray(y), positive=5, negative=1)


def _w_one_based(y):
    return _wilson(np.asarray(y), first=4)


def _w_end_excluded(y):
    return _wilson(np.asarray(y), positive=0, negative=4)


def _w_too_few_columns(y):
    return _wilson(np.asarray(y), columns=5 * len(y) + 3)


def _w_no_constant(y):
    return _wilson(np.asarray(y), constant=False)


def _w_spacing_six(y):
    return _wilson(np.asarray(y), spacing=6)


register(
    FunctionExercise(
        id="wilson_dataset",
        title="Wilson et al.'s dataset",
        points=2,
        reference=wilson_dataset,
        output="X",
        rule="X = zeros((n, 6n)); X[:, 0] = y; X[:, 1:3] = 1; X[i, 3+5i : 3+5i+k] = 1 with "
        "k = 1 if y_i = 1 else 5",
        cases=_wilson_cases,
        judge=_judge_wilson,
        mistakes=[
            Mistake(
                "unique features swapped (5 for positives, 1 for negatives)",
                "positive examples get one unique feature, negative examples five.",
                _w_swapped,
            ),
            Mistake(
                "unique features one column off (the paper's 1-based formula)",
                "the paper's column 4 + 5(i - 1) counts from 1; with 0-based rows and columns "
                "the block of example i starts at column 3 + 5 * i.",
                _w_one_based,
            ),
            Mistake(
                "range end excluded (no unique feature for positives)",
                "the paper's range j = 4 + 5(i-1), ..., 4 + 5(i-1) + 2(1 - y_i) includes its "
                "end: 1 feature when y_i = 1, 5 when y_i = -1.",
                _w_end_excluded,
            ),
            Mistake(
                "too few columns",
                "the matrix has 6n columns (the unique blocks use at most 3 + 5n of them).",
                _w_too_few_columns,
            ),
            Mistake(
                "constant features missing",
                "columns 1 and 2 are always 1.",
                _w_no_constant,
            ),
            Mistake(
                "blocks 6 columns apart",
                "each example's block starts 5 columns after the previous one: 3 + 5 * i.",
                _w_spacing_six,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# steps_to_tolerance
# ----------------------------------------------------------------------------------------------


def steps_to_tolerance(losses: Array, tol: float) -> int:
    """Reference: the first index t with losses[t] <= tol; -1 if there is none."""
    hit = np.flatnonzero(np.asarray(losses) <= tol)
    return int(hit[0]) if hit.size else -1


def _steps_cases() -> list[Call]:
    geometric = 10.0 ** -np.arange(0, 12, 0.5)
    bumpy = np.array([5.0, 2.0, 0.5, 3.0, 0.01, 0.2, 1e-4])
    return [
        Call("geometric decrease, tol=1e-6", (geometric, 1e-6)),
        Call("exactly equal to tol at index 4", (geometric, 1e-2)),
        Call("already below tol at t=0", (np.array([1e-9, 1e-10]), 1e-6)),
        Call("never reached", (np.array([3.0, 2.0, 1.5, 1.2]), 1e-3)),
        Call("not monotone: dips below tol, rises, dips again", (bumpy, 0.6)),
        Call("a divergent run (inf and nan)", (np.array([1.0, 10.0, np.inf, np.nan]), 0.5)),
    ]


def _judge_steps(call: Call, got: Any, expected: int) -> str | None:
    if isinstance(got, bool) or not isinstance(got, int | np.integer):
        if isinstance(got, float | np.floating) and float(got).is_integer():
            return f"return an int (e.g. int(t)), got the float {got!r}"
        return f"return an int, got {type(got).__name__}: {short_repr(got)}"
    if int(got) != expected:
        return f"expected {expected}, got {int(got)}"
    return None


def _st_strict(losses, tol):
    hit = np.flatnonzero(np.asarray(losses) < tol)
    return int(hit[0]) if hit.size else -1


def _st_plus_one(losses, tol):
    t = steps_to_tolerance(losses, tol)
    return t + 1 if t >= 0 else -1


def _st_argmax(losses, tol):
    return int(np.argmax(np.asarray(losses) <= tol))


def _st_last(losses, tol):
    hit = np.flatnonzero(np.asarray(losses) <= tol)
    return int(hit[-1]) if hit.size else -1


def _st_count(losses, tol):
    hit = np.asarray(losses) <= tol
    return int(np.sum(~hit)) if hit.any() else -1


register(
    FunctionExercise(
        id="steps_to_tolerance",
        title="Steps to reach a tolerance",
        points=1,
        reference=steps_to_tolerance,
        output="t",
        rule="the first index t with losses[t] <= tol, or -1 if there is none",
        cases=_steps_cases,
        judge=_judge_steps,
        mistakes=[
            Mistake(
                "strict < instead of <=",
                "a loss equal to the tolerance counts as reached: losses <= tol.",
                _st_strict,
            ),
            Mistake(
                "counted from 1",
                "return the index t into losses (losses[0] is the start, t = 0).",
                _st_plus_one,
            ),
            Mistake(
                "argmax of an all-False array is 0",
                "np.argmax(losses <= tol) returns 0 when the tolerance is never reached: check "
                "(losses <= tol).any() first and return -1 then.",
                _st_argmax,
            ),
            Mistake(
                "last index below tol instead of the first",
                "take the first index where losses[t] <= tol (np.flatnonzero(...)[0]).",
                _st_last,
            ),
            Mistake(
                "counted the steps above tol",
                "a loss can dip below tol and rise again; return the first index where "
                "losses[t] <= tol, not the number of steps above it.",
                _st_count,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# good_lr_window
# ----------------------------------------------------------------------------------------------


def good_lr_window(lrs: Array, final_losses: Array, tol: float) -> tuple[float, float]:
    """Reference: (smallest, largest) learning rate with final loss <= tol; (nan, nan) if none."""
    lrs = np.asarray(lrs, dtype=float)
    good = np.asarray(final_losses) <= tol
    if not good.any():
        return (math.nan, math.nan)
    return (float(lrs[good].min()), float(lrs[good].max()))


def _window_cases() -> list[Call]:
    lrs = 10.0 ** np.arange(-4, 0.1, 0.5)  # 9 learning rates
    losses = np.array([0.5, 0.1, 1e-3, 1e-7, 1e-9, 1e-8, 1e-6, np.inf, np.nan])
    order = np.array([4, 0, 8, 2, 6, 1, 7, 3, 5])
    return [
        Call("sorted lrs, tol=1e-6 (equal at the top edge)", (lrs, losses, 1e-6)),
        Call("sorted lrs, tol=1e-8", (lrs, losses, 1e-8)),
        Call("the same runs with lrs shuffled", (lrs[order], losses[order], 1e-6)),
        Call("nothing reaches tol", (lrs, losses, 1e-12)),
        Call("a single good learning rate", (lrs, losses, 1e-9)),
        Call(
            "a gap inside the window",
            (lrs, np.array([1.0, 1e-7, 1e-2, 1e-7, 1e-7, 5.0, 1e-7, np.inf, 1.0]), 1e-6),
        ),
    ]


def _judge_window(call: Call, got: Any, expected: tuple[float, float]) -> str | None:
    if isinstance(got, np.ndarray) and got.shape == (2,):
        got = tuple(got.tolist())
    if not isinstance(got, tuple | list) or len(got) != 2:
        return f"return a pair (lr_min, lr_max), got {short_repr(got)}"
    got = tuple(got)
    numbers = all(
        isinstance(g, int | float | np.integer | np.floating) and not isinstance(g, bool)
        for g in got
    )
    if numbers and values_close(tuple(float(g) for g in got), expected, rtol=1e-12, atol=0):
        return None
    return expected_got(expected, got, digits=4)


def _gw_assume_sorted(lrs, final_losses, tol):
    good = np.flatnonzero(np.asarray(final_losses) <= tol)
    if good.size == 0:
        return (math.nan, math.nan)
    return (float(lrs[good[0]]), float(lrs[good[-1]]))


def _gw_strict(lrs, final_losses, tol):
    return good_lr_window(lrs, final_losses, tol * (1 - 1e-12))


def _gw_indices(lrs, final_losses, tol):
    good = np.flatnonzero(np.asarray(final_losses) <= tol)
    if good.size == 0:
        return (math.nan, math.nan)
    idx = good[np.argsort(np.asarray(lrs)[good])]
    return (float(idx[0]), float(idx[-1]))


def _gw_best_only(lrs, final_losses, tol):
    losses = np.asarray(final_losses, dtype=float)
    if not (losses <= tol).any():
        return (math.nan, math.nan)
    k = int(np.nanargmin(losses))
    return (float(lrs[k]), float(lrs[k]))


register(
    FunctionExercise(
        id="good_lr_window",
        title="The window of good learning rates",
        points=1,
        reference=good_lr_window,
        output="(lr_min, lr_max)",
        rule="good = final_losses <= tol; (lrs[good].min(), lrs[good].max()), or (nan, nan)",
        cases=_window_cases,
        judge=_judge_window,
        mistakes=[
            Mistake(
                "assumed the learning rates are sorted",
                "take the minimum and maximum of lrs[good]; the first and last good entries are "
                "the edges only when lrs is sorted.",
                _gw_assume_sorted,
            ),
            Mistake(
                "strict < instead of <=",
                "a final loss equal to tol counts as good: final_losses <= tol.",
                _gw_strict,
            ),
            Mistake(
                "returned indices instead of learning rates",
                "return the learning rates themselves: lrs[good].min(), lrs[good].max().",
                _gw_indices,
            ),
            Mistake(
                "returned the best learning rate only",
                "the window spans every learning rate whose final loss is <= tol, not just the "
                "one with the lowest loss.",
                _gw_best_only,
            ),
        ],
    )
)
