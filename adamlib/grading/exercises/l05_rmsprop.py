"""Exercises of lecture 05 (RMSprop).

- ``rmsprop_step(x, grad, sq_avg, lr, alpha, eps) -> (x_new, sq_avg_new)``:
  sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2;
  x_new = x - lr * grad / (sqrt(sq_avg_new) + eps).
- ``centered_rmsprop_step(x, grad, sq_avg, grad_avg, lr, alpha, eps)
  -> (x_new, sq_avg_new, grad_avg_new)``: as torch.optim.RMSprop(centered=True) without momentum;
  divides by sqrt(sq_avg_new - grad_avg_new**2) + eps.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import StepCases, normal, positive, scaled, zeros
from adamlib.grading.framework import ArrayExercise, Mistake, StepCase
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
    cases = StepCases(rmsprop_step, seed=505)
    for shape, dtype, lr, alpha, eps, zero_state in [
        ((5,), np.float64, 0.01, 0.99, 1e-8, True),
        ((2, 3), np.float64, 0.05, 0.9, 1e-3, False),
        ((), np.float64, 0.1, 0.7, 0.1, False),
        ((), np.float32, 0.02, 0.95, 1e-6, True),
        ((2, 2, 3), np.float32, 0.01, 0.8, 1e-2, False),
    ]:
        state = "sq_avg starts at 0" if zero_state else "non-zero sq_avg"
        cases.add(
            f", {state}, lr={lr}, alpha={alpha}, eps={eps:g}",
            shape,
            dtype,
            sq_avg=zeros if zero_state else positive,
            x=normal,
            grad=normal,
            lr=lr,
            alpha=alpha,
            eps=eps,
        )
    cases.add(
        " with tiny gradients (~1e-9), sq_avg starts at 0, lr=0.01, alpha=0.99, eps=1e-8 "
        "(where eps placement matters)",
        (4,),
        x=normal,
        grad=scaled(normal, 1e-9),
        sq_avg=zeros,
        lr=0.01,
        alpha=0.99,
        eps=1e-8,
    )
    cases.add(
        ", sq_avg starts at 0, lr=0.01, alpha=0.9, eps=1e-6, 4 consecutive steps",
        (3, 2),
        x=normal,
        grad=normal,
        sq_avg=zeros,
        lr=0.01,
        alpha=0.9,
        eps=1e-6,
        later=3,
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
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# centered_rmsprop_step (lecture 05, section 7)
# ----------------------------------------------------------------------------------------------


def centered_rmsprop_step(
    x: Array, grad: Array, sq_avg: Array, grad_avg: Array, lr: float, alpha: float, eps: float
) -> tuple[Array, Array, Array]:
    """Reference: centered RMSprop (Graves 2013; torch.optim.RMSprop(centered=True))."""
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    grad_avg_new = alpha * grad_avg + (1 - alpha) * grad
    x_new = x - lr * grad / (np.sqrt(sq_avg_new - grad_avg_new**2) + eps)
    return x_new, sq_avg_new, grad_avg_new


def _centered_cases() -> list[StepCase]:
    cases = StepCases(centered_rmsprop_step, seed=515)
    for shape, dtype, lr, alpha, eps, zero_state, grad_scale, later in [
        ((5,), np.float64, 0.01, 0.99, 1e-8, True, 1.0, 0),
        ((2, 3), np.float64, 0.05, 0.9, 1e-6, False, 1.0, 0),
        ((), np.float64, 0.1, 0.8, 0.1, False, 1.0, 0),
        ((), np.float32, 0.02, 0.9, 1e-4, True, 1.0, 0),
        ((4,), np.float64, 0.01, 0.9, 1e-8, True, 1e-9, 0),
        ((3, 2), np.float64, 0.03, 0.95, 1e-8, False, 1.0, 3),
    ]:
        if zero_state:
            sq_avg, grad_avg = np.zeros(shape, dtype), np.zeros(shape, dtype)
        else:  # a valid state: sq_avg >= grad_avg**2 (the variance estimate is >= 0)
            grad_avg = normal(cases.rng, shape, dtype, 0.5 * grad_scale)
            sq_avg = np.asarray(
                grad_avg**2 + positive(cases.rng, shape, dtype, 0.5 * grad_scale**2), dtype=dtype
            )
        state = "averages start at 0" if zero_state else "non-zero averages"
        steps = f", {later + 1} consecutive steps" if later else ""
        tiny = " with tiny gradients (~1e-9)" if grad_scale < 1e-6 else ""
        cases.add(
            f"{tiny}, {state}{steps}, lr={lr:g}, alpha={alpha}, eps={eps:g}",
            shape,
            dtype,
            x=normal,
            grad=scaled(normal, grad_scale),
            sq_avg=sq_avg,
            grad_avg=grad_avg,
            lr=lr,
            alpha=alpha,
            eps=eps,
            later=later,
        )
    return cases


def _c_parts(grad, sq_avg, grad_avg, alpha):
    return alpha * sq_avg + (1 - alpha) * grad**2, alpha * grad_avg + (1 - alpha) * grad


def _c_not_centered(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x - lr * grad / (np.sqrt(v) + eps), v, m


def _c_mean_not_squared(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x - lr * grad / (np.sqrt(np.abs(v - m)) + eps), v, m


def _c_old_averages(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x - lr * grad / (np.sqrt(np.maximum(sq_avg - grad_avg**2, 0)) + eps), v, m


def _c_eps_inside(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x - lr * grad / np.sqrt(v - m**2 + eps), v, m


def _c_subtract_outside(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x - lr * grad / (np.abs(np.sqrt(v) - np.abs(m)) + eps), v, m


def _c_no_one_minus(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = alpha * sq_avg + grad**2, alpha * grad_avg + grad
    return x - lr * grad / (np.sqrt(np.abs(v - m**2)) + eps), v, m


def _c_divides_mean(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x - lr * m / (np.sqrt(v - m**2) + eps), v, m


def _c_uphill(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    v, m = _c_parts(grad, sq_avg, grad_avg, alpha)
    return x + lr * grad / (np.sqrt(v - m**2) + eps), v, m


register(
    ArrayExercise(
        id="centered_rmsprop_step",
        title="One step of centered RMSprop",
        points=2,
        reference=centered_rmsprop_step,
        outputs=("x_new", "sq_avg_new", "grad_avg_new"),
        rule=(
            "sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2; "
            "grad_avg_new = alpha * grad_avg + (1 - alpha) * grad; "
            "x_new = x - lr * grad / (sqrt(sq_avg_new - grad_avg_new**2) + eps)"
        ),
        carry={"x_new": "x", "sq_avg_new": "sq_avg", "grad_avg_new": "grad_avg"},
        cases=_centered_cases,
        mistakes=[
            Mistake(
                "not centered (plain RMSprop)",
                "subtract the squared mean of the gradients inside the root: "
                "np.sqrt(sq_avg_new - grad_avg_new**2) + eps.",
                _c_not_centered,
            ),
            Mistake(
                "mean of the gradients not squared",
                "the variance is E[g²] - E[g]²: subtract grad_avg_new**2, not grad_avg_new.",
                _c_mean_not_squared,
            ),
            Mistake(
                "old averages used in the denominator",
                "update both averages first, then divide by "
                "np.sqrt(sq_avg_new - grad_avg_new**2) + eps.",
                _c_old_averages,
            ),
            Mistake(
                "eps inside the square root",
                "PyTorch adds eps after the root: np.sqrt(sq_avg_new - grad_avg_new**2) + eps.",
                _c_eps_inside,
            ),
            Mistake(
                "mean subtracted after the square root",
                "subtract inside the root: np.sqrt(sq_avg_new - grad_avg_new**2), not "
                "np.sqrt(sq_avg_new) - grad_avg_new.",
                _c_subtract_outside,
            ),
            Mistake(
                "(1-alpha) factor missing",
                "both are moving averages: alpha * old + (1 - alpha) * new.",
                _c_no_one_minus,
            ),
            Mistake(
                "grad_avg used in the numerator",
                "the step follows the current gradient: x_new = x - lr * grad / (...); "
                "grad_avg only enters the denominator.",
                _c_divides_mean,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the step: x_new = x - lr * grad / (...).",
                _c_uphill,
            ),
        ],
    )
)
