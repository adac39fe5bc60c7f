"""Exercises of lecture 01 (gradient descent).

- ``gd_step(x, grad, lr) -> x_new``: one step of gradient descent, x_new = x - lr * grad.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import label, normal
from adamlib.grading.framework import MUTATION, NO_RETURN, ArrayExercise, Mistake, StepCase
from adamlib.grading.registry import register

# ----------------------------------------------------------------------------------------------
# gd_step
# ----------------------------------------------------------------------------------------------


def gd_step(x: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    """Reference: one gradient-descent step ``x - lr * grad`` (a new array)."""
    return x - lr * grad


def _gd_cases() -> list[StepCase]:
    rng = np.random.default_rng(101)
    cases = []
    for shape, dtype, lr in [
        ((5,), np.float64, 0.1),
        ((2, 3), np.float64, 0.03),
        ((), np.float64, 0.5),
        ((), np.float32, 0.25),
        ((2, 2, 3), np.float32, 0.05),
        ((2, 2), np.float64, 1.5),
    ]:
        cases.append(
            StepCase(
                f"{label(shape, dtype)}, lr={lr}",
                {"x": normal(rng, shape, dtype), "grad": normal(rng, shape, dtype), "lr": lr},
            )
        )
    cases.append(
        StepCase(
            "vector of 4 float64, lr=0.2, 3 consecutive steps",
            {"x": normal(rng, (4,)), "grad": normal(rng, (4,)), "lr": 0.2},
            later=[{"grad": normal(rng, (4,))}, {"grad": normal(rng, (4,))}],
        )
    )
    return cases


def _gd_uphill(x, grad, lr):
    return x + lr * grad


def _gd_no_lr(x, grad, lr):
    return x - grad


def _gd_divide_lr(x, grad, lr):
    return x - grad / lr


def _gd_lr_twice(x, grad, lr):
    return x - lr * lr * grad


def _gd_update_only(x, grad, lr):
    return -lr * grad


def _gd_in_place(x, grad, lr):
    x -= lr * grad
    return x


def _gd_no_return(x, grad, lr):
    x_new = x - lr * grad  # noqa: F841


register(
    ArrayExercise(
        id="gd_step",
        title="One step of gradient descent",
        points=1,
        reference=gd_step,
        outputs=("x_new",),
        rule="x_new = x - lr * grad",
        carry={"x_new": "x"},
        cases=_gd_cases,
        mistakes=[
            Mistake(
                "wrong sign (moving uphill)",
                "gradient descent moves against the gradient: x_new = x - lr * grad.",
                _gd_uphill,
            ),
            Mistake(
                "learning rate missing",
                "scale the gradient by the learning rate: x_new = x - lr * grad.",
                _gd_no_lr,
            ),
            Mistake(
                "divided by the learning rate",
                "multiply the gradient by lr instead of dividing by it.",
                _gd_divide_lr,
            ),
            Mistake(
                "lr applied twice",
                "the step is lr * grad; multiply by lr once only.",
                _gd_lr_twice,
            ),
            Mistake(
                "returned the update instead of the new point",
                "return x - lr * grad, not just the change -lr * grad.",
                _gd_update_only,
            ),
            Mistake(
                MUTATION,
                "`x -= ...` changes the caller's array; write x_new = x - lr * grad instead.",
                _gd_in_place,
            ),
            Mistake(NO_RETURN, "end the function with `return x_new`.", _gd_no_return),
        ],
    )
)
