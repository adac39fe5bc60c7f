"""Exercises of lecture 07 (training a network): the pieces of backpropagation.

- ``softmax_cross_entropy(logits, y) -> loss``: mean cross-entropy of integer labels, computed
  with log-sum-exp (no overflow for huge logits, no log(0) for hopeless classes);
- ``softmax_cross_entropy_grad(logits, y) -> dlogits``: ``(softmax(logits) - one_hot(y)) / B``;
- ``linear_backward(dZ, X, W) -> (dX, dW, db)``: the backward pass of ``Z = X W + b``.

The references are :mod:`adamlib.nn`'s functions. Each function returns something other than an
optimizer step (a scalar, a matrix, a tuple of matrices of different shapes), so these are
:class:`FunctionExercise` instances with a judge that checks every returned array separately:
its type, its shape against the shape it should have (every gradient has the shape of what it
differentiates), its dtype, NaN/inf, and its values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from adamlib import nn
from adamlib.grading.feedback import as_float_arrays
from adamlib.grading.framework import Call, FunctionExercise, Mistake, expected_got, short_repr
from adamlib.grading.registry import register

Array = np.ndarray

RTOL = {"float64": 1e-7, "float32": 1e-4}


# ----------------------------------------------------------------------------------------------
# shared judging: each output separately
# ----------------------------------------------------------------------------------------------
def _rtol(expected: Any) -> float:
    dtype = np.asarray(expected).dtype
    return RTOL.get(dtype.name, 1e-7)


def _close(got: Any, expected: Any) -> bool:
    """Values equal within a tolerance relative to the largest expected entry (inf == inf)."""
    pair = as_float_arrays(got, expected)
    if pair is None:
        return False
    g, e = pair
    finite = e[np.isfinite(e)]
    scale = float(np.abs(finite).max()) if finite.size else 1.0
    tol = _rtol(expected) * max(scale, 1e-300)
    with np.errstate(invalid="ignore"):
        same_special = (np.isnan(g) & np.isnan(e)) | ((g == e) & np.isinf(e))
        ok = (np.abs(g - e) <= tol) | same_special
    return bool(np.all(ok))


def _same(a: Any, b: Any) -> bool:
    """Whether two answers are the same (for matching the catalogue of mistakes)."""
    if isinstance(a, tuple | list) or isinstance(b, tuple | list):
        return (
            isinstance(a, tuple | list)
            and isinstance(b, tuple | list)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    if a is None or b is None:
        return a is b
    if isinstance(a, str | bytes | dict) or isinstance(b, str | bytes | dict):
        return False
    return _close(a, b)


def _output_problem(name: str, got: Any, expected: Any, like: str | None) -> str | None:
    """What is wrong with one returned quantity, or None. ``like``: the input it should match."""
    exp = np.asarray(expected)
    if exp.ndim == 0:  # a scalar: any real number will do, also a 0-d array
        number = isinstance(got, int | float | np.integer | np.floating)
        zero_d = isinstance(got, np.ndarray) and got.ndim == 0
        if isinstance(got, bool) or not (number or zero_d):
            return f"{name} should be a number, got {short_repr(got)}"
    elif not isinstance(got, np.ndarray):
        return f"{name} should be a NumPy array, got {type(got).__name__} {short_repr(got)}"
    g = np.asarray(got)
    if not (np.issubdtype(g.dtype, np.floating) or np.issubdtype(g.dtype, np.integer)):
        return f"{name} has dtype {g.dtype}, expected {exp.dtype}"
    if g.shape != exp.shape:
        hint = f" (the shape of {like}: a gradient has the shape of what it differentiates)"
        if like is None:
            hint = ""
        elif g.shape == exp.shape[::-1]:
            hint += "; yours is transposed"
        return f"{name} has shape {g.shape}, expected {exp.shape}{hint}"
    if np.all(np.isfinite(exp)) and not np.all(np.isfinite(g)):
        word = "NaN" if np.isnan(g).any() else "inf"
        return (
            f"{name} contains {word} (an overflowing exp, or the log of 0? subtract the row "
            "maximum before np.exp)"
        )
    if not _close(g, exp):
        err = float(np.max(np.abs(g.astype(np.float64) - exp.astype(np.float64))))
        return f"{name} is wrong: {expected_got(exp, g)} (max abs error {err:.2g})"
    if exp.ndim > 0 and g.dtype != exp.dtype:
        return (
            f"{name} has dtype {g.dtype} but the inputs are {exp.dtype}: keep the input dtype "
            "(avoid np.float64 scalars and np.zeros without dtype=...)"
        )
    return None


Judge = Callable[[Call, Any, Any], "str | None"]


def _judge(names: Sequence[str], likes: Sequence[str | None]) -> Judge:
    def judge(call: Call, got: Any, expected: Any) -> str | None:
        if len(names) == 1:  # the framework already prefixes the output's name
            got_t, exp_t, names_ = (got,), (expected,), ["it"]
        else:
            if not isinstance(got, tuple | list) or len(got) != len(names):
                what = (
                    f"a {type(got).__name__}"
                    if not isinstance(got, tuple | list)
                    else (f"{len(got)} values")
                )
                return f"return a tuple of {len(names)} arrays ({', '.join(names)}), got {what}"
            got_t, exp_t, names_ = tuple(got), tuple(expected), list(names)
        problems = [
            p
            for n, g, e, like in zip(names_, got_t, exp_t, likes, strict=True)
            if (p := _output_problem(n, g, e, like)) is not None
        ]
        if not problems:
            return None
        right = [
            n
            for n, g, e, like in zip(names_, got_t, exp_t, likes, strict=True)
            if _output_problem(n, g, e, like) is None
        ]
        text = "; ".join(problems)
        if len(names) > 1 and right:
            text += f" (right: {', '.join(right)})"
        return text

    return judge


def _logits_cases(seed: int) -> list[Call]:
    """Logits and labels that tell the usual mistakes apart (B != C, huge and hopeless logits)."""
    rng = np.random.default_rng(seed)

    def labels(b: int, c: int) -> Array:
        return rng.integers(0, c, size=b)

    big = rng.normal(size=(3, 4)) + 1000.0  # exp(1000) overflows: subtract the maximum first
    hopeless = np.array([[0.0, 5.0, -800.0], [2.0, -1.0, 0.5]])  # p(class 2) underflows to 0
    return [
        Call("4 examples, 3 classes", (rng.normal(size=(4, 3)), labels(4, 3))),
        Call("one example, 5 classes", (rng.normal(size=(1, 5)) * 2, labels(1, 5))),
        Call(
            "10 examples, 10 classes, logits of size ~3",
            (rng.normal(size=(10, 10)) * 3, labels(10, 10)),
        ),
        Call(
            "6 examples, 4 classes, float32",
            (rng.normal(size=(6, 4)).astype(np.float32), labels(6, 4)),
        ),
        Call("3 examples, 4 classes, logits near 1000 (exp overflows)", (big, labels(3, 4))),
        Call(
            "2 examples, 3 classes, the true class of the first 800 below the best "
            "(its probability underflows to 0)",
            (hopeless, np.array([2, 0])),
        ),
        # Classic softmax traps (issue 14): the shift must be each row's own maximum.
        Call(
            "2 examples, 3 classes, one row near 1000 and one near 0 (subtract each row's "
            "max, not the global max)",
            (np.array([[1000.0, 999.0, 998.5], [0.3, -0.2, 0.1]]), np.array([1, 2])),
        ),
        Call(
            "3 examples, 4 classes, all logits of a row equal",
            (np.array([[2.0] * 4, [-7.5] * 4, [0.0] * 4]), np.array([0, 3, 2])),
        ),
        Call(
            "2 examples, 3 classes, logits near -1000 (exp underflows)",
            (np.array([[-1000.0, -1001.0, -999.5], [-1003.0, -1000.0, -1000.2]]), np.array([0, 1])),
        ),
    ]


# ----------------------------------------------------------------------------------------------
# softmax_cross_entropy
# ----------------------------------------------------------------------------------------------
def softmax_cross_entropy(logits: Array, y: Array) -> float | Array:
    """Reference: mean over the batch of ``logsumexp(logits[i]) - logits[i, y[i]]``."""
    return nn.softmax_cross_entropy(logits, y)


def _rows(logits: Array) -> Array:
    return np.arange(len(logits))


def _ce_naive_exp(logits, y):
    with np.errstate(all="ignore"):
        lse = np.log(np.exp(logits).sum(axis=1))
    return float(np.mean(lse - logits[_rows(logits), y]))


def _ce_log_of_softmax(logits, y):
    p = nn.softmax(logits)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(p[_rows(logits), y])))


def _ce_sum(logits, y):
    return float(-nn.log_softmax(logits)[_rows(logits), y].sum())


def _ce_no_minus(logits, y):
    return -softmax_cross_entropy(logits, y)


def _ce_max_not_added_back(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(lse - logits[_rows(logits), y]))


def _ce_column_indexing(logits, y):
    return float(-nn.log_softmax(logits)[:, y].mean())


def _ce_mean_over_classes(logits, y):
    onehot = nn.one_hot(y, logits.shape[1])
    return float(-(nn.log_softmax(logits) * onehot).mean())


register(
    FunctionExercise(
        id="softmax_cross_entropy",
        title="Softmax cross-entropy, computed stably",
        points=2,
        reference=softmax_cross_entropy,
        output="loss",
        cases=lambda: _logits_cases(701),
        judge=_judge(["loss"], [None]),
        same_value=_same,
        mistakes=[
            Mistake(
                "exp of the raw logits (overflow)",
                "np.exp(1000) is inf. Subtract each row's maximum m first: "
                "log(sum(exp(z))) = m + log(sum(exp(z - m))).",
                _ce_naive_exp,
            ),
            Mistake(
                "log of the softmax probabilities (log of 0)",
                "a probability that underflows to 0 gives -log(0) = inf; compute "
                "log_softmax = z - m - log(sum(exp(z - m))) directly and index it.",
                _ce_log_of_softmax,
            ),
            Mistake(
                "summed over the batch instead of averaged",
                "the loss is the mean over the B examples: divide the sum by B (or use .mean()).",
                _ce_sum,
            ),
            Mistake(
                "missing minus sign",
                "the loss is the NEGATIVE log-probability of the true class; it is >= 0.",
                _ce_no_minus,
            ),
            Mistake(
                "row maximum subtracted but not added back",
                "log(sum(exp(z))) = m + log(sum(exp(z - m))): add m back, or subtract it from "
                "the true-class logit as well.",
                _ce_max_not_added_back,
            ),
            Mistake(
                "indexed with [:, y] instead of [np.arange(B), y]",
                "log_p[:, y] is a B x B matrix (every row at every label); pick one entry per "
                "row with log_p[np.arange(B), y].",
                _ce_column_indexing,
            ),
            Mistake(
                "averaged over the classes too",
                "average over the B examples only: sum over the classes (only the true one "
                "counts), then divide by B.",
                _ce_mean_over_classes,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# softmax_cross_entropy_grad
# ----------------------------------------------------------------------------------------------
def softmax_cross_entropy_grad(logits: Array, y: Array) -> Array:
    """Reference: ``(softmax(logits) - one_hot(y)) / B``."""
    return nn.softmax_cross_entropy_grad(logits, y)


def _grad_no_batch_mean(logits, y):
    return softmax_cross_entropy_grad(logits, y) * len(logits)


def _grad_no_onehot(logits, y):
    return nn.softmax(logits) / len(logits)


def _grad_wrong_sign(logits, y):
    return -softmax_cross_entropy_grad(logits, y)


def _grad_softmax_axis0(logits, y):
    e = np.exp(logits - logits.max(axis=0, keepdims=True))
    P = e / e.sum(axis=0, keepdims=True)
    P[_rows(logits), y] -= 1
    return P / len(logits)


def _grad_column_indexing(logits, y):
    P = nn.softmax(logits)
    P[:, y] -= 1
    return P / len(logits)


def _grad_naive_exp(logits, y):
    with np.errstate(all="ignore"):
        e = np.exp(logits)
        P = e / e.sum(axis=1, keepdims=True)
    P[_rows(logits), y] -= 1
    return P / len(logits)


register(
    FunctionExercise(
        id="softmax_cross_entropy_grad",
        title="Gradient of the softmax cross-entropy",
        points=2,
        reference=softmax_cross_entropy_grad,
        output="dlogits",
        cases=lambda: _logits_cases(702),
        judge=_judge(["dlogits"], ["logits"]),
        same_value=_same,
        mistakes=[
            Mistake(
                "forgot to divide by the batch size",
                "the loss is a mean over B examples, so its gradient is (P - Y) / B.",
                _grad_no_batch_mean,
            ),
            Mistake(
                "one-hot labels not subtracted",
                "the gradient is predicted minus true distribution: subtract 1 at "
                "[np.arange(B), y] from the softmax probabilities.",
                _grad_no_onehot,
            ),
            Mistake(
                "wrong sign (one-hot minus softmax)",
                "dlogits = (softmax - one_hot) / B: increasing the true class's logit must "
                "decrease the loss, so its gradient entry is negative.",
                _grad_wrong_sign,
            ),
            Mistake(
                "softmax over the batch axis (axis=0)",
                "normalize each ROW (one example's class scores): max, exp and sum with "
                "axis=1, keepdims=True.",
                _grad_softmax_axis0,
            ),
            Mistake(
                "subtracted 1 in whole columns ([:, y])",
                "P[:, y] -= 1 changes every row; subtract only at P[np.arange(B), y].",
                _grad_column_indexing,
            ),
            Mistake(
                "exp of the raw logits (overflow)",
                "np.exp(1000) is inf and inf/inf is NaN: subtract each row's maximum before "
                "np.exp (softmax does not change).",
                _grad_naive_exp,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# linear_backward
# ----------------------------------------------------------------------------------------------
def linear_backward(dZ: Array, X: Array, W: Array) -> tuple[Array, Array, Array]:
    """Reference: ``dX = dZ Wᵀ``, ``dW = Xᵀ dZ``, ``db = dZ summed over the batch``."""
    return nn.linear_backward(dZ, X, W)


def _linear_cases() -> list[Call]:
    rng = np.random.default_rng(703)

    def case(text: str, B: int, d_in: int, d_out: int, dtype: Any = np.float64) -> Call:
        X = rng.normal(size=(B, d_in)).astype(dtype)
        W = rng.normal(size=(d_in, d_out)).astype(dtype)
        dZ = (rng.normal(size=(B, d_out)) / B).astype(dtype)
        return Call(
            f"{text}: dZ {B}x{d_out}, X {B}x{d_in}, W {d_in}x{d_out}"
            + (", float32" if dtype == np.float32 else ""),
            (dZ, X, W),
        )

    return [
        case("5 examples, 4 inputs, 3 outputs", 5, 4, 3),
        case("all square (4 examples, 4 inputs, 4 outputs)", 4, 4, 4),
        case("as many examples as outputs", 3, 2, 3),
        case("one example", 1, 3, 2),
        case("6 examples, 5 inputs, 5 outputs", 6, 5, 5, np.float32),
    ]


def _lin_dW_transposed(dZ, X, W):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def _lin_W_not_transposed(dZ, X, W):
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def _lin_db_wrong_axis(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)


def _lin_db_mean(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def _lin_dW_averaged(dZ, X, W):
    return dZ @ W.T, X.T @ dZ / len(X), dZ.sum(axis=0)


def _lin_order(dZ, X, W):
    dX, dW, db = linear_backward(dZ, X, W)
    return dW, dX, db


register(
    FunctionExercise(
        id="linear_backward",
        title="Backward pass of a linear layer",
        points=2,
        reference=linear_backward,
        output="(dX, dW, db)",
        cases=_linear_cases,
        judge=_judge(["dX", "dW", "db"], ["X", "W", "b (one entry per output)"]),
        same_value=_same,
        mistakes=[
            Mistake(
                "dW transposed (dZ.T @ X instead of X.T @ dZ)",
                "dW[j, k] = sum_i X[i, j] dZ[i, k], that is X.T @ dZ, with the shape of W.",
                _lin_dW_transposed,
            ),
            Mistake(
                "W not transposed in dX (dZ @ W)",
                "dX[i, j] = sum_k dZ[i, k] W[j, k], that is dZ @ W.T, with the shape of X.",
                _lin_W_not_transposed,
            ),
            Mistake(
                "db summed over the wrong axis",
                "b is added to every row, so its gradient sums dZ over the batch: "
                "dZ.sum(axis=0), one entry per output.",
                _lin_db_wrong_axis,
            ),
            Mistake(
                "db averaged over the batch",
                "the 1/B of the mean loss is already inside dZ: sum over the batch, do not "
                "average again.",
                _lin_db_mean,
            ),
            Mistake(
                "dW divided by the batch size",
                "the 1/B of the mean loss is already inside dZ: dW = X.T @ dZ, nothing more.",
                _lin_dW_averaged,
            ),
            Mistake(
                "outputs in the wrong order",
                "return dX, dW, db in this order.",
                _lin_order,
            ),
        ],
    )
)
