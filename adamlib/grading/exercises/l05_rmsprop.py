"""Exercises of lecture 05 (RMSprop).

- ``rmsprop_step(x, grad, sq_avg, lr, alpha, eps) -> (x_new, sq_avg_new)``:
  sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2;
  x_new = x - lr * grad / (sqrt(sq_avg_new) + eps).
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import label, normal, positive
from adamlib.grading.framework import MUTATION, NO_RETURN, ArrayExercise, Mistake, StepCase
from adamlib.grading.registry import register

Array = np.ndarray

# ----------------------------------------------------------------------------------------------
# rmsprop_step
# ----------------------------------------------------------------------------------------------


def rmsprop_step(
    x: Array, grad: Array, sq_avg: Array, lr: float, alpha: float, eps: float
) -> tuple[Array, Array]:
    """Reference: RMSprop as torch.optim.RMSprop (not centered): eps outside the square root."""
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    x_new = x - lr * grad / (np.sqrt(sq_avg_new) + eps)
    return x_new, sq_avg_new


def _rmsprop_cases() -> list[StepCase]:
    rng = np.random.default_rng(505)
    cases = []
    for shape, dtype, lr, alpha, eps, zero_state in [
        ((5,), np.float64, 0.01, 0.99, 1e-8, True),
        ((2, 3), np.float64, 0.05, 0.9, 1e-3, False),
        ((), np.float64, 0.1, 0.7, 0.1, False),
        ((), np.float32, 0.02, 0.95, 1e-6, True),
        ((2, 2, 3), np.float32, 0.01, 0.8, 1e-2, False),
    ]:
        state = "sq_avg starts at 0" if zero_state else "non-zero sq_avg"
        sq_avg = np.zeros(shape, dtype) if zero_state else positive(rng, shape, dtype)
        cases.append(
            StepCase(
                f"{label(shape, dtype)}, {state}, lr={lr}, alpha={alpha}, eps={eps:g}",
                {
                    "x": normal(rng, shape, dtype),
                    "grad": normal(rng, shape, dtype),
                    "sq_avg": sq_avg,
                    "lr": lr,
                    "alpha": alpha,
                    "eps": eps,
                },
            )
        )
    cases.append(
        StepCase(
            "vector of 4 float64 with tiny gradients (~1e-9), sq_avg starts at 0, lr=0.01, "
            "alpha=0.99, eps=1e-8 (where eps placement matters)",
            {
                "x": normal(rng, (4,)),
                "grad": normal(rng, (4,), scale=1e-9),
                "sq_avg": np.zeros(4),
                "lr": 0.01,
                "alpha": 0.99,
                "eps": 1e-8,
            },
        )
    )
    cases.append(
        StepCase(
            "3x2 float64 matrix, sq_avg starts at 0, lr=0.01, alpha=0.9, eps=1e-6, "
            "4 consecutive steps",
            {
                "x": normal(rng, (3, 2)),
                "grad": normal(rng, (3, 2)),
                "sq_avg": np.zeros((3, 2)),
                "lr": 0.01,
                "alpha": 0.9,
                "eps": 1e-6,
            },
            later=[{"grad": normal(rng, (3, 2))} for _ in range(3)],
        )
    )
    return cases


def _rms_eps_inside(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / np.sqrt(sq_avg_new + eps), sq_avg_new


def _rms_uphill(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    return x + lr * grad / (np.sqrt(sq_avg_new) + eps), sq_avg_new


def _rms_no_one_minus(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + grad**2
    return x - lr * grad / (np.sqrt(sq_avg_new) + eps), sq_avg_new


def _rms_swapped(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = (1 - alpha) * sq_avg + alpha * grad**2
    return x - lr * grad / (np.sqrt(sq_avg_new) + eps), sq_avg_new


def _rms_old_avg(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg_new


def _rms_no_sqrt(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / (sq_avg_new + eps), sq_avg_new


def _rms_not_squared(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad
    return x - lr * grad / (np.sqrt(sq_avg_new) + eps), sq_avg_new


def _rms_adagrad(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = sq_avg + grad**2
    return x - lr * grad / (np.sqrt(sq_avg_new) + eps), sq_avg_new


def _rms_in_place(x, grad, sq_avg, lr, alpha, eps):
    sq_avg *= alpha
    sq_avg += (1 - alpha) * grad**2
    return x - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg


def _rms_no_return(x, grad, sq_avg, lr, alpha, eps):
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    x_new = x - lr * grad / (np.sqrt(sq_avg_new) + eps)  # noqa: F841


register(
    ArrayExercise(
        id="rmsprop_step",
        title="One step of RMSprop",
        points=2,
        reference=rmsprop_step,
        outputs=("x_new", "sq_avg_new"),
        rule=(
            "sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2; "
            "x_new = x - lr * grad / (sqrt(sq_avg_new) + eps)"
        ),
        carry={"x_new": "x", "sq_avg_new": "sq_avg"},
        cases=_rmsprop_cases,
        mistakes=[
            Mistake(
                "eps inside the square root",
                "add eps after taking the root: np.sqrt(sq_avg_new) + eps, not "
                "np.sqrt(sq_avg_new + eps); it matters when gradients are tiny.",
                _rms_eps_inside,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the scaled gradient: x_new = x - lr * grad / (...).",
                _rms_uphill,
            ),
            Mistake(
                "(1-alpha) factor missing",
                "the running average is alpha * sq_avg + (1 - alpha) * grad**2; without "
                "(1 - alpha) it grows like a sum.",
                _rms_no_one_minus,
            ),
            Mistake(
                "alpha and 1-alpha swapped",
                "alpha (close to 1) multiplies the old average: alpha * sq_avg + "
                "(1 - alpha) * grad**2.",
                _rms_swapped,
            ),
            Mistake(
                "old sq_avg used in the step",
                "update the average first, then divide by np.sqrt(sq_avg_new) + eps.",
                _rms_old_avg,
            ),
            Mistake(
                "square root missing",
                "divide by the root mean square: np.sqrt(sq_avg_new) + eps.",
                _rms_no_sqrt,
            ),
            Mistake(
                "gradient not squared",
                "average the squared gradient, grad**2 (elementwise).",
                _rms_not_squared,
            ),
            Mistake(
                "sum of squares (Adagrad) instead of a moving average",
                "RMSprop forgets old gradients: sq_avg_new = alpha * sq_avg + "
                "(1 - alpha) * grad**2.",
                _rms_adagrad,
            ),
            Mistake(
                MUTATION,
                "`sq_avg *= ...` changes the caller's array; write "
                "sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2.",
                _rms_in_place,
            ),
            Mistake(NO_RETURN, "end with `return x_new, sq_avg_new`.", _rms_no_return),
        ],
    )
)
