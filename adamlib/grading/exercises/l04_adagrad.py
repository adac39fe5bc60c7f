"""Exercises of lecture 04 (Adagrad).

- ``adagrad_step(x, grad, sum_sq, lr, eps) -> (x_new, sum_sq_new)``:
  sum_sq_new = sum_sq + grad**2; x_new = x - lr * grad / (sqrt(sum_sq_new) + eps).
- ``adagrad_effective_lr(grads, lr, eps) -> rates``: the per-coordinate rate
  lr / (sqrt(s_t) + eps) at every step t, for a history ``grads`` of shape (T, ...).
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import StepCases, normal, positive, scaled, zeros
from adamlib.grading.framework import (
    ArrayExercise,
    Call,
    FunctionExercise,
    Mistake,
    StepCase,
)
from adamlib.grading.registry import register

Array = np.ndarray

# ----------------------------------------------------------------------------------------------
# adagrad_step
# ----------------------------------------------------------------------------------------------


def adagrad_step(
    x: Array, grad: Array, sum_sq: Array, lr: float, eps: float
) -> tuple[Array, Array]:
    """Reference: Adagrad (as torch.optim.Adagrad without decay): eps outside the square root."""
    sum_sq_new = sum_sq + grad**2
    x_new = x - lr * grad / (np.sqrt(sum_sq_new) + eps)
    return x_new, sum_sq_new


def _adagrad_cases() -> list[StepCase]:
    cases = StepCases(adagrad_step, seed=404)
    for shape, dtype, lr, eps, state in [
        ((5,), np.float64, 0.1, 1e-10, "sum_sq starts at 0"),
        ((2, 3), np.float64, 0.05, 1e-3, "non-zero sum_sq"),
        ((), np.float64, 0.5, 0.1, "non-zero sum_sq"),
        ((), np.float32, 0.2, 1e-6, "sum_sq starts at 0"),
        ((2, 2, 3), np.float32, 0.1, 1e-2, "non-zero sum_sq"),
    ]:
        cases.add(
            f", {state}, lr={lr}, eps={eps:g}",
            shape,
            dtype,
            sum_sq=zeros if state.endswith("at 0") else scaled(positive, 2.0),
            x=normal,
            grad=normal,
            lr=lr,
            eps=eps,
        )
    cases.add(
        " with tiny gradients (~1e-9), sum_sq starts at 0, lr=0.01, eps=1e-8 "
        "(where eps placement matters)",
        (4,),
        x=normal,
        grad=scaled(normal, 1e-9),
        sum_sq=zeros,
        lr=0.01,
        eps=1e-8,
    )
    cases.add(
        ", sum_sq starts at 0, lr=0.1, eps=1e-6, 4 consecutive steps",
        (3, 2),
        x=normal,
        grad=normal,
        sum_sq=zeros,
        lr=0.1,
        eps=1e-6,
        later=3,
    )
    return cases


def _ada_eps_inside(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + grad**2
    return x - lr * grad / np.sqrt(sum_sq_new + eps), sum_sq_new


def _ada_uphill(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + grad**2
    return x + lr * grad / (np.sqrt(sum_sq_new) + eps), sum_sq_new


def _ada_old_sum(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + grad**2
    return x - lr * grad / (np.sqrt(sum_sq) + eps), sum_sq_new


def _ada_no_sqrt(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + grad**2
    return x - lr * grad / (sum_sq_new + eps), sum_sq_new


def _ada_not_squared(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + np.abs(grad)
    return x - lr * grad / (np.sqrt(sum_sq_new) + eps), sum_sq_new


def _ada_total_norm(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + np.sum(grad**2)
    return x - lr * grad / (np.sqrt(sum_sq_new) + eps), sum_sq_new


def _ada_returns_sqrt(x, grad, sum_sq, lr, eps):
    sum_sq_new = sum_sq + grad**2
    root = np.sqrt(sum_sq_new)
    return x - lr * grad / (root + eps), root


register(
    ArrayExercise(
        id="adagrad_step",
        title="One step of Adagrad",
        points=2,
        reference=adagrad_step,
        outputs=("x_new", "sum_sq_new"),
        rule="sum_sq_new = sum_sq + grad**2; x_new = x - lr * grad / (sqrt(sum_sq_new) + eps)",
        carry={"x_new": "x", "sum_sq_new": "sum_sq"},
        cases=_adagrad_cases,
        mistakes=[
            Mistake(
                "eps inside the square root",
                "add eps after taking the root: np.sqrt(sum_sq_new) + eps, not "
                "np.sqrt(sum_sq_new + eps); it matters when gradients are tiny.",
                _ada_eps_inside,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the scaled gradient: x_new = x - lr * grad / (...).",
                _ada_uphill,
            ),
            Mistake(
                "old sum_sq used in the step",
                "accumulate first, then divide by np.sqrt(sum_sq_new) + eps (the current gradient "
                "is part of the sum).",
                _ada_old_sum,
            ),
            Mistake(
                "square root missing",
                "divide by the root of the accumulated squares: np.sqrt(sum_sq_new) + eps.",
                _ada_no_sqrt,
            ),
            Mistake(
                "gradient not squared",
                "accumulate grad**2 (elementwise squares), not grad or |grad|.",
                _ada_not_squared,
            ),
            Mistake(
                "summed over all coordinates instead of per coordinate",
                "Adagrad keeps one sum per coordinate: sum_sq_new = sum_sq + grad**2, without "
                "np.sum.",
                _ada_total_norm,
            ),
            Mistake(
                "returned the square root of the sum as the state",
                "return sum_sq_new itself (the sum of squares), not its root.",
                _ada_returns_sqrt,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# adagrad_effective_lr (lecture 04, section 6: the rate that only ever shrinks)
# ----------------------------------------------------------------------------------------------


def adagrad_effective_lr(grads: Array, lr: float, eps: float) -> Array:
    """Reference: Adagrad's rate lr / (sqrt(s_t) + eps) at every step; s_t = g_1² + ... + g_t².

    ``grads`` has shape (T, ...): axis 0 is time. The result has the same shape.
    """
    return lr / (np.sqrt(np.cumsum(grads**2, axis=0)) + eps)


def _effective_lr_cases() -> list[Call]:
    rng = np.random.default_rng(414)
    return [
        Call(
            "grads of shape (5,) (5 steps of a scalar), lr=0.1, eps=1e-10",
            (normal(rng, (5,)),),
            {"lr": 0.1, "eps": 1e-10},
        ),
        Call(
            "grads of shape (6, 3) (6 steps, 3 coordinates), lr=0.5, eps=1e-3",
            (normal(rng, (6, 3)),),
            {"lr": 0.5, "eps": 1e-3},
        ),
        Call(
            "grads of shape (4, 2, 2) (a 2x2 parameter over 4 steps), lr=1.0, eps=0.1",
            (normal(rng, (4, 2, 2), scale=3.0),),
            {"lr": 1.0, "eps": 0.1},
        ),
        Call(
            "grads of shape (8, 2) with tiny gradients (~1e-9), lr=0.01, eps=1e-8",
            (normal(rng, (8, 2), scale=1e-9),),
            {"lr": 0.01, "eps": 1e-8},
        ),
        Call(
            "grads of shape (3, 4) with a zero first row (a rare feature), lr=0.2, eps=1e-6",
            (np.r_[np.zeros((1, 4)), normal(rng, (2, 4))],),
            {"lr": 0.2, "eps": 1e-6},
        ),
    ]


def _elr_current_only(grads, lr, eps):
    return lr / (np.abs(grads) + eps)


def _elr_total_sum(grads, lr, eps):
    total = np.sum(grads**2, axis=0, keepdims=True)
    return np.broadcast_to(lr / (np.sqrt(total) + eps), grads.shape).copy()


def _elr_not_squared(grads, lr, eps):
    return lr / (np.sqrt(np.cumsum(np.abs(grads), axis=0)) + eps)


def _elr_no_sqrt(grads, lr, eps):
    return lr / (np.cumsum(grads**2, axis=0) + eps)


def _elr_eps_inside(grads, lr, eps):
    return lr / np.sqrt(np.cumsum(grads**2, axis=0) + eps)


def _elr_previous_sum(grads, lr, eps):
    before = np.cumsum(grads**2, axis=0) - grads**2
    return lr / (np.sqrt(before) + eps)


def _elr_wrong_axis(grads, lr, eps):
    return lr / (np.sqrt(np.cumsum(grads**2, axis=-1)) + eps)


def _elr_flattened(grads, lr, eps):
    return lr / (np.sqrt(np.cumsum(grads**2)) + eps)


register(
    FunctionExercise(
        id="adagrad_effective_lr",
        title="Adagrad's effective learning rate over time",
        points=1,
        reference=adagrad_effective_lr,
        output="rates",
        rule="rates = lr / (sqrt(cumulative sum over axis 0 of grads**2) + eps)",
        cases=_effective_lr_cases,
        mistakes=[
            Mistake(
                "only the current gradient (no accumulation)",
                "Adagrad divides by the root of the sum of ALL squared gradients so far: "
                "np.cumsum(grads**2, axis=0).",
                _elr_current_only,
            ),
            Mistake(
                "sum over all steps instead of a running sum",
                "at step t only g_1..g_t are known: use the cumulative sum np.cumsum(..., "
                "axis=0), not np.sum.",
                _elr_total_sum,
            ),
            Mistake(
                "gradients not squared",
                "accumulate grads**2 (the squares), not the gradients or their absolute values.",
                _elr_not_squared,
            ),
            Mistake(
                "square root missing",
                "divide by np.sqrt(s_t) + eps, the root of the sum of squares.",
                _elr_no_sqrt,
            ),
            Mistake(
                "eps inside the square root",
                "add eps after the root, as PyTorch does: lr / (np.sqrt(s) + eps).",
                _elr_eps_inside,
            ),
            Mistake(
                "current gradient not yet in the sum",
                "s_t includes g_t: Adagrad adds the new square before dividing (cumsum includes "
                "the current row).",
                _elr_previous_sum,
            ),
            Mistake(
                "summed over the wrong axis",
                "axis 0 is time; the other axes are coordinates, each with its own rate: "
                "np.cumsum(grads**2, axis=0).",
                _elr_wrong_axis,
            ),
            Mistake(
                "np.cumsum without axis=0 (it flattens the array)",
                "without an axis np.cumsum runs over the flattened array and returns a 1-D "
                "result; pass axis=0 to keep the shape (T, ...).",
                _elr_flattened,
            ),
        ],
    )
)
