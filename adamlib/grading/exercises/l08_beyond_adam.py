"""Exercises of lecture 08 (beyond Adam), all in PyTorch's conventions.

- ``amsgrad_step(x, grad, m, v, v_max, t, lr, beta1, beta2, eps) -> (x_new, m_new, v_new,
  v_max_new)``: Adam whose denominator uses the running maximum of the *uncorrected* v, then
  bias-corrected: x_new = x - lr * m_hat / (sqrt(v_max_new / (1 - beta2**t)) + eps).
- ``adamax_step(x, grad, m, u, t, lr, beta1, beta2, eps) -> (x_new, m_new, u_new)``:
  u_new = max(beta2 * u, |grad| + eps); x_new = x - lr / (1 - beta1**t) * m_new / u_new.
- ``adadelta_step(x, grad, sq_avg, acc_delta, lr, rho, eps) -> (x_new, sq_avg_new,
  acc_delta_new)``: delta = sqrt(acc_delta + eps) / sqrt(sq_avg_new + eps) * grad; the
  accumulator averages delta**2 (without lr); x_new = x - lr * delta.
- ``radam_rectification(t, beta2) -> float``: RAdam's r_t when rho_t > 5, else 0.0.
- ``warmup_cosine(step, peak_lr, warmup_steps, total_steps, final_lr) -> float``: linear warmup
  from 0 to peak_lr over warmup_steps, then cosine annealing to final_lr at total_steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from adamlib.grading.cases import StepCases, normal, positive, scaled, zeros
from adamlib.grading.framework import (
    ArrayExercise,
    Call,
    FunctionExercise,
    Mistake,
    StepCase,
    expected_got,
    values_close,
)
from adamlib.grading.registry import register

Array = np.ndarray


def _bias(beta: float, t: int) -> float:
    return 1 - beta**t


# ----------------------------------------------------------------------------------------------
# amsgrad_step
# ----------------------------------------------------------------------------------------------


def amsgrad_step(
    x: Array,
    grad: Array,
    m: Array,
    v: Array,
    v_max: Array,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[Array, Array, Array, Array]:
    """Reference: one AMSGrad step as torch.optim.Adam(amsgrad=True)."""
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    v_max_new = np.maximum(v_max, v_new)
    m_hat = m_new / _bias(beta1, t)
    x_new = x - lr * m_hat / (np.sqrt(v_max_new / _bias(beta2, t)) + eps)
    return x_new, m_new, v_new, v_max_new


def _amsgrad_cases() -> list[StepCase]:
    cases = StepCases(amsgrad_step, seed=808)
    for shape, dtype, t, lr, beta1, beta2, eps, zero_state, grad_scale, later, note in [
        ((5,), np.float64, 1, 1e-3, 0.9, 0.999, 1e-8, True, 1.0, 0, ""),
        ((2, 3), np.float64, 5, 0.01, 0.8, 0.99, 1e-6, False, 2.0, 0, ""),
        ((), np.float64, 2, 0.1, 0.5, 0.9, 0.1, False, 1.0, 0, ""),
        ((), np.float32, 1, 0.05, 0.9, 0.999, 1e-8, True, 1.0, 0, ""),
        ((2, 2, 3), np.float32, 10, 0.02, 0.85, 0.98, 1e-4, False, 1.5, 0, ""),
        (
            (4,),
            np.float64,
            3,
            0.01,
            0.9,
            0.99,
            1e-8,
            False,
            1e-9,
            0,
            " with tiny gradients (~1e-9)",
        ),
        (
            (3, 2),
            np.float64,
            1,
            0.01,
            0.9,
            0.9,
            1e-8,
            True,
            1.0,
            4,
            " with a large then small gradients",
        ),
    ]:
        if zero_state:
            m, v, v_max = (np.zeros(shape, dtype) for _ in range(3))
        else:
            m = normal(cases.rng, shape, dtype, 0.3 * grad_scale)
            v = positive(cases.rng, shape, dtype, 0.5 * grad_scale**2)
            # v_max >= v (it is the running maximum); sometimes the new v exceeds it
            v_max = (v + positive(cases.rng, shape, dtype, 0.3 * grad_scale**2)).astype(dtype)
        state = "m, v, v_max start at 0" if zero_state else "non-zero m, v and v_max >= v"
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.add(
            f"{note}, {state}, t={t}{steps}, lr={lr:g}, beta1={beta1}, beta2={beta2}, eps={eps:g}",
            shape,
            dtype,
            x=normal,
            grad=scaled(normal, grad_scale),
            m=m,
            v=v,
            v_max=v_max,
            t=t,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            later=(3.0, 0.2, 1.0, 0.1)[:later],  # gradient scales of the further steps
        )
    return cases


def _ams_parts(grad, m, v, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


def _ams_plain_adam(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v, beta1, beta2)
    v_max_new = np.maximum(v_max, v_new)
    x_new = x - lr * (m_new / _bias(beta1, t)) / (np.sqrt(v_new / _bias(beta2, t)) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_max_of_corrected(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v, beta1, beta2)
    v_max_new = np.maximum(v_max, v_new / _bias(beta2, t))
    x_new = x - lr * (m_new / _bias(beta1, t)) / (np.sqrt(v_max_new) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_max_with_old_v(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v, beta1, beta2)
    v_max_new = np.maximum(v_max, v)
    x_new = x - lr * (m_new / _bias(beta1, t)) / (np.sqrt(v_max_new / _bias(beta2, t)) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_max_of_grad_squared(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v, beta1, beta2)
    v_max_new = np.maximum(v_max, grad**2)
    x_new = x - lr * (m_new / _bias(beta1, t)) / (np.sqrt(v_max_new / _bias(beta2, t)) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_ema_from_v_max(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v_max, beta1, beta2)
    v_max_new = np.maximum(v_max, v_new)
    x_new = x - lr * (m_new / _bias(beta1, t)) / (np.sqrt(v_max_new / _bias(beta2, t)) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_no_bias_correction(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v, beta1, beta2)
    v_max_new = np.maximum(v_max, v_new)
    x_new = x - lr * m_new / (np.sqrt(v_max_new) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_eps_inside(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    m_new, v_new = _ams_parts(grad, m, v, beta1, beta2)
    v_max_new = np.maximum(v_max, v_new)
    x_new = x - lr * (m_new / _bias(beta1, t)) / np.sqrt(v_max_new / _bias(beta2, t) + eps)
    return x_new, m_new, v_new, v_max_new


def _ams_returned_v_as_max(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    x_new, m_new, v_new, _ = amsgrad_step(x, grad, m, v, v_max, t, lr, beta1, beta2, eps)
    return x_new, m_new, v_new, v_new


register(
    ArrayExercise(
        id="amsgrad_step",
        title="One step of AMSGrad",
        points=2,
        reference=amsgrad_step,
        outputs=("x_new", "m_new", "v_new", "v_max_new"),
        rule="m_new = beta1*m + (1-beta1)*grad; v_new = beta2*v + (1-beta2)*grad**2; "
        "v_max_new = np.maximum(v_max, v_new); x_new = x - lr * (m_new/(1-beta1**t)) / "
        "(np.sqrt(v_max_new/(1-beta2**t)) + eps)",
        carry={"x_new": "x", "m_new": "m", "v_new": "v", "v_max_new": "v_max"},
        counter="t",
        cases=_amsgrad_cases,
        mistakes=[
            Mistake(
                "v instead of v_max in the step (that is plain Adam)",
                "divide by the root of the running maximum: np.sqrt(v_max_new / (1 - beta2**t)) "
                "+ eps, where v_max_new = np.maximum(v_max, v_new).",
                _ams_plain_adam,
            ),
            Mistake(
                "maximum of the bias-corrected v",
                "PyTorch keeps the maximum of the uncorrected v_new and bias-corrects afterwards: "
                "v_max_new = np.maximum(v_max, v_new), then np.sqrt(v_max_new / (1 - beta2**t)).",
                _ams_max_of_corrected,
            ),
            Mistake(
                "maximum taken with the old v",
                "update v first, then take np.maximum(v_max, v_new) with the new v.",
                _ams_max_with_old_v,
            ),
            Mistake(
                "maximum of grad**2 instead of v",
                "the maximum is over the EMA v_new, not over single squared gradients.",
                _ams_max_of_grad_squared,
            ),
            Mistake(
                "EMA continued from v_max instead of v",
                "v keeps its own EMA, v_new = beta2 * v + (1 - beta2) * grad**2; v_max only "
                "records its largest value.",
                _ams_ema_from_v_max,
            ),
            Mistake(
                "bias correction missing",
                "divide m_new by (1 - beta1**t) and v_max_new by (1 - beta2**t) in the step.",
                _ams_no_bias_correction,
            ),
            Mistake(
                "eps inside the square root",
                "add eps after the root: np.sqrt(v_max_new / (1 - beta2**t)) + eps.",
                _ams_eps_inside,
            ),
            Mistake(
                "returned v_new as v_max_new",
                "return the running maximum np.maximum(v_max, v_new) as the fourth output.",
                _ams_returned_v_as_max,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# adamax_step
# ----------------------------------------------------------------------------------------------


def adamax_step(
    x: Array,
    grad: Array,
    m: Array,
    u: Array,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[Array, Array, Array]:
    """Reference: one Adamax step as torch.optim.Adamax (eps inside the maximum)."""
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, np.abs(grad) + eps)
    x_new = x - lr / _bias(beta1, t) * m_new / u_new
    return x_new, m_new, u_new


def _adamax_cases() -> list[StepCase]:
    cases = StepCases(adamax_step, seed=818)
    for shape, dtype, t, lr, beta1, beta2, eps, zero_state, later in [
        ((5,), np.float64, 1, 2e-3, 0.9, 0.999, 1e-8, True, 0),
        ((2, 3), np.float64, 4, 0.01, 0.8, 0.9, 0.05, False, 0),
        ((), np.float64, 2, 0.1, 0.5, 0.7, 0.1, False, 0),
        ((), np.float32, 1, 0.05, 0.9, 0.999, 1e-8, True, 0),
        ((2, 2, 3), np.float32, 6, 0.02, 0.85, 0.8, 1e-2, False, 0),
        ((3, 2), np.float64, 1, 0.01, 0.9, 0.5, 0.2, True, 3),
    ]:
        state = "m and u start at 0" if zero_state else "non-zero m and u"
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.add(
            f", {state}, t={t}{steps}, lr={lr:g}, beta1={beta1}, beta2={beta2}, eps={eps:g}",
            shape,
            dtype,
            m=zeros if zero_state else scaled(normal, 0.3),
            u=zeros if zero_state else scaled(positive, 1.2),
            x=normal,
            grad=normal,
            t=t,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            later=later,
        )
    return cases


def _adamax_eps_outside(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, np.abs(grad)) + eps
    return x - lr / _bias(beta1, t) * m_new / u_new, m_new, u_new


def _adamax_no_abs(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, grad + eps)
    return x - lr / _bias(beta1, t) * m_new / u_new, m_new, u_new


def _adamax_no_decay(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(u, np.abs(grad) + eps)
    return x - lr / _bias(beta1, t) * m_new / u_new, m_new, u_new


def _adamax_ema_factor(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, (1 - beta2) * np.abs(grad) + eps)
    return x - lr / _bias(beta1, t) * m_new / u_new, m_new, u_new


def _adamax_squared(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, grad**2 + eps)
    return x - lr / _bias(beta1, t) * m_new / u_new, m_new, u_new


def _adamax_no_bias_correction(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, np.abs(grad) + eps)
    return x - lr * m_new / u_new, m_new, u_new


def _adamax_corrected_u(x, grad, m, u, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, np.abs(grad) + eps)
    return x - lr / _bias(beta1, t) * m_new / (u_new / _bias(beta2, t)), m_new, u_new


register(
    ArrayExercise(
        id="adamax_step",
        title="One step of Adamax (the infinity norm)",
        points=2,
        reference=adamax_step,
        outputs=("x_new", "m_new", "u_new"),
        rule="m_new = beta1*m + (1-beta1)*grad; u_new = np.maximum(beta2*u, np.abs(grad) + eps); "
        "x_new = x - lr / (1 - beta1**t) * m_new / u_new",
        carry={"x_new": "x", "m_new": "m", "u_new": "u"},
        counter="t",
        cases=_adamax_cases,
        mistakes=[
            Mistake(
                "eps added outside the maximum",
                "PyTorch adds eps to |grad| inside the maximum: np.maximum(beta2 * u, "
                "np.abs(grad) + eps).",
                _adamax_eps_outside,
            ),
            Mistake(
                "absolute value of the gradient missing",
                "u tracks the size of the gradient: use np.abs(grad) + eps.",
                _adamax_no_abs,
            ),
            Mistake(
                "u not decayed by beta2",
                "the maximum decays: np.maximum(beta2 * u, np.abs(grad) + eps).",
                _adamax_no_decay,
            ),
            Mistake(
                "(1-beta2) factor on |grad| (an EMA, not a maximum)",
                "the p -> infinity limit drops the (1 - beta2) factor: "
                "np.maximum(beta2 * u, np.abs(grad) + eps).",
                _adamax_ema_factor,
            ),
            Mistake(
                "squared gradient (that is Adam's v)",
                "Adamax uses |grad|, not grad**2, and no square root.",
                _adamax_squared,
            ),
            Mistake(
                "bias correction of m missing",
                "divide the step by (1 - beta1**t): x - lr / (1 - beta1**t) * m_new / u_new.",
                _adamax_no_bias_correction,
            ),
            Mistake(
                "u bias-corrected too",
                "a maximum is not biased towards zero: only m is corrected, u_new is used as "
                "it is.",
                _adamax_corrected_u,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# adadelta_step
# ----------------------------------------------------------------------------------------------


def adadelta_step(
    x: Array, grad: Array, sq_avg: Array, acc_delta: Array, lr: float, rho: float, eps: float
) -> tuple[Array, Array, Array]:
    """Reference: one Adadelta step as torch.optim.Adadelta (lr multiplies Zeiler's step)."""
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    delta = np.sqrt(acc_delta + eps) / np.sqrt(sq_avg_new + eps) * grad
    acc_delta_new = rho * acc_delta + (1 - rho) * delta**2
    return x - lr * delta, sq_avg_new, acc_delta_new


def _adadelta_cases() -> list[StepCase]:
    cases = StepCases(adadelta_step, seed=828)
    for shape, dtype, lr, rho, eps, zero_state, later in [
        ((5,), np.float64, 1.0, 0.9, 1e-6, True, 0),
        ((2, 3), np.float64, 0.5, 0.8, 1e-4, False, 0),
        ((), np.float64, 2.0, 0.7, 1e-2, False, 0),
        ((), np.float32, 1.0, 0.9, 1e-6, True, 0),
        ((2, 2, 3), np.float32, 0.3, 0.95, 1e-3, False, 0),
        ((3, 2), np.float64, 0.7, 0.9, 1e-3, True, 4),
    ]:
        state = "sq_avg and acc_delta start at 0" if zero_state else "non-zero state"
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.add(
            f", {state}{steps}, lr={lr:g}, rho={rho}, eps={eps:g}",
            shape,
            dtype,
            sq_avg=zeros if zero_state else positive,
            acc_delta=zeros if zero_state else scaled(positive, 0.01),
            x=normal,
            grad=normal,
            lr=lr,
            rho=rho,
            eps=eps,
            later=later,
        )
    return cases


def _ada_old_sq(x, grad, sq_avg, acc_delta, lr, rho, eps):
    delta = np.sqrt(acc_delta + eps) / np.sqrt(sq_avg + eps) * grad
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    acc_delta_new = rho * acc_delta + (1 - rho) * delta**2
    return x - lr * delta, sq_avg_new, acc_delta_new


def _ada_eps_outside(x, grad, sq_avg, acc_delta, lr, rho, eps):
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    delta = (np.sqrt(acc_delta) + eps) / (np.sqrt(sq_avg_new) + eps) * grad
    acc_delta_new = rho * acc_delta + (1 - rho) * delta**2
    return x - lr * delta, sq_avg_new, acc_delta_new


def _ada_swapped(x, grad, sq_avg, acc_delta, lr, rho, eps):
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    delta = np.sqrt(sq_avg_new + eps) / np.sqrt(acc_delta + eps) * grad
    acc_delta_new = rho * acc_delta + (1 - rho) * delta**2
    return x - lr * delta, sq_avg_new, acc_delta_new


def _ada_no_lr(x, grad, sq_avg, acc_delta, lr, rho, eps):
    return adadelta_step(x, grad, sq_avg, acc_delta, 1.0, rho, eps)


def _ada_acc_with_lr(x, grad, sq_avg, acc_delta, lr, rho, eps):
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    delta = lr * np.sqrt(acc_delta + eps) / np.sqrt(sq_avg_new + eps) * grad
    acc_delta_new = rho * acc_delta + (1 - rho) * delta**2
    return x - delta, sq_avg_new, acc_delta_new


def _ada_acc_of_grad(x, grad, sq_avg, acc_delta, lr, rho, eps):
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    delta = np.sqrt(acc_delta + eps) / np.sqrt(sq_avg_new + eps) * grad
    acc_delta_new = rho * acc_delta + (1 - rho) * grad**2
    return x - lr * delta, sq_avg_new, acc_delta_new


def _ada_no_one_minus_rho(x, grad, sq_avg, acc_delta, lr, rho, eps):
    sq_avg_new = rho * sq_avg + grad**2
    delta = np.sqrt(acc_delta + eps) / np.sqrt(sq_avg_new + eps) * grad
    acc_delta_new = rho * acc_delta + delta**2
    return x - lr * delta, sq_avg_new, acc_delta_new


def _ada_uphill(x, grad, sq_avg, acc_delta, lr, rho, eps):
    x_new, sq_avg_new, acc_delta_new = adadelta_step(x, grad, sq_avg, acc_delta, lr, rho, eps)
    return 2 * x - x_new, sq_avg_new, acc_delta_new


register(
    ArrayExercise(
        id="adadelta_step",
        title="One step of Adadelta",
        points=2,
        reference=adadelta_step,
        outputs=("x_new", "sq_avg_new", "acc_delta_new"),
        rule="sq_avg_new = rho*sq_avg + (1-rho)*grad**2; delta = np.sqrt(acc_delta + eps) / "
        "np.sqrt(sq_avg_new + eps) * grad; acc_delta_new = rho*acc_delta + (1-rho)*delta**2;"
        " x_new = x - lr*delta",
        carry={"x_new": "x", "sq_avg_new": "sq_avg", "acc_delta_new": "acc_delta"},
        cases=_adadelta_cases,
        mistakes=[
            Mistake(
                "old sq_avg in the denominator",
                "update the average of squared gradients first and divide by "
                "np.sqrt(sq_avg_new + eps).",
                _ada_old_sq,
            ),
            Mistake(
                "eps outside the square roots",
                "Adadelta adds eps inside both roots: np.sqrt(acc_delta + eps) / "
                "np.sqrt(sq_avg_new + eps).",
                _ada_eps_outside,
            ),
            Mistake(
                "ratio upside down",
                "the RMS of past steps is on top: np.sqrt(acc_delta + eps) / "
                "np.sqrt(sq_avg_new + eps) * grad.",
                _ada_swapped,
            ),
            Mistake(
                "lr ignored",
                "PyTorch multiplies the step by lr (default 1.0): x_new = x - lr * delta.",
                _ada_no_lr,
            ),
            Mistake(
                "lr included in the accumulated steps",
                "acc_delta averages delta**2 of the unscaled step; lr only multiplies the "
                "update of x.",
                _ada_acc_with_lr,
            ),
            Mistake(
                "acc_delta averages grad**2 instead of delta**2",
                "the second accumulator tracks the squared steps: "
                "acc_delta_new = rho * acc_delta + (1 - rho) * delta**2.",
                _ada_acc_of_grad,
            ),
            Mistake(
                "(1-rho) factor missing",
                "both accumulators are moving averages: rho * old + (1 - rho) * new.",
                _ada_no_one_minus_rho,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the step: x_new = x - lr * delta.",
                _ada_uphill,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# radam_rectification
# ----------------------------------------------------------------------------------------------


def _rho(t: int, beta2: float, rho_inf: float) -> float:
    return rho_inf - 2 * t * beta2**t / (1 - beta2**t)


def _rect(rho_t: float, rho_inf: float) -> float:
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def radam_rectification(t: int, beta2: float) -> float:
    """Reference: RAdam's rectification r_t (Liu et al. 2020) with PyTorch's threshold rho_t > 5;
    0.0 when rho_t <= 5 (RAdam then takes an un-adapted momentum step)."""
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = _rho(t, beta2, rho_inf)
    if rho_t <= 5:
        return 0.0
    return _rect(rho_t, rho_inf)


def _radam_cases() -> list[Call]:
    return [
        Call(f"t={t}, beta2={b2}", (t, b2))
        for t, b2 in [
            (1, 0.999),
            (5, 0.999),  # rho_t = 4.996: no rectified step yet (PyTorch's threshold 5)
            (6, 0.999),
            (10, 0.999),
            (100, 0.999),
            (1000, 0.999),
            (20000, 0.999),
            (8, 0.99),
            (50, 0.99),
            (30, 0.9),
        ]
    ]


def _judge_number(call: Call, got: Any, expected: float) -> str | None:
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return f"return one number, got an array of shape {got.shape}"
    if isinstance(got, bool) or not isinstance(got, float | int | np.floating | np.integer):
        return f"return a number, got {type(got).__name__}"
    if not math.isfinite(float(got)):
        return expected_got(expected, got)
    if not values_close(float(got), float(expected), rtol=1e-9, atol=1e-12):
        return expected_got(expected, got)
    return None


def _radam_rho_inf_no_minus_one(t, beta2):
    rho_inf = 2 / (1 - beta2)
    rho_t = _rho(t, beta2, rho_inf)
    return 0.0 if rho_t <= 5 else _rect(rho_t, rho_inf)


def _radam_threshold_4(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = _rho(t, beta2, rho_inf)
    return 0.0 if rho_t <= 4 else _rect(rho_t, rho_inf)


def _radam_no_sqrt(t, beta2):
    r = radam_rectification(t, beta2)
    return r * r


def _radam_upside_down(t, beta2):
    r = radam_rectification(t, beta2)
    return 0.0 if r == 0.0 else 1 / r


def _radam_t_off_by_one(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2 ** (t - 1) / (1 - beta2 ** (t - 1)) if t > 1 else 1.0
    return 0.0 if rho_t <= 5 else _rect(rho_t, rho_inf)


def _radam_factor_t_missing(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * beta2**t / (1 - beta2**t)
    return 0.0 if rho_t <= 5 else _rect(rho_t, rho_inf)


register(
    FunctionExercise(
        id="radam_rectification",
        title="RAdam's rectification term",
        points=1,
        reference=radam_rectification,
        output="r_t",
        rule="rho_inf = 2/(1-beta2) - 1; rho_t = rho_inf - 2*t*beta2**t/(1-beta2**t); "
        "r_t = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t)) if "
        "rho_t > 5 else 0.0",
        cases=_radam_cases,
        judge=_judge_number,
        mistakes=[
            Mistake(
                "rho_inf without the -1",
                "the length of the approximating simple moving average is "
                "rho_inf = 2 / (1 - beta2) - 1.",
                _radam_rho_inf_no_minus_one,
            ),
            Mistake(
                "threshold 4 instead of 5",
                "PyTorch rectifies only when rho_t > 5 (the paper says 4); return 0.0 for "
                "rho_t <= 5.",
                _radam_threshold_4,
            ),
            Mistake(
                "square root missing",
                "r_t is the square root of the ratio of variances.",
                _radam_no_sqrt,
            ),
            Mistake(
                "ratio upside down",
                "r_t grows from 0 towards 1: (rho_t - 4)(rho_t - 2) rho_inf on top, "
                "(rho_inf - 4)(rho_inf - 2) rho_t below.",
                _radam_upside_down,
            ),
            Mistake(
                "t off by one",
                "t is the step number (1 at the first step): rho_t uses beta2**t, not "
                "beta2**(t - 1).",
                _radam_t_off_by_one,
            ),
            Mistake(
                "factor t missing in rho_t",
                "rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t).",
                _radam_factor_t_missing,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# warmup_cosine
# ----------------------------------------------------------------------------------------------


def warmup_cosine(
    step: int, peak_lr: float, warmup_steps: int, total_steps: int, final_lr: float = 0.0
) -> float:
    """Reference: linear warmup from 0 to peak_lr (steps 0..warmup_steps), cosine annealing
    from peak_lr to final_lr (steps warmup_steps..total_steps), final_lr afterwards."""
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def _warmup_cases() -> list[Call]:
    rows = [
        (0, 0.1, 10, 100, 0.0, "step 0: warmup starts at 0"),
        (3, 0.1, 10, 100, 0.0, "in the warmup"),
        (10, 0.1, 10, 100, 0.0, "end of warmup: the peak"),
        (55, 0.1, 10, 100, 0.0, "half way through the decay"),
        (80, 0.1, 10, 100, 0.001, "late in the decay, final_lr=0.001"),
        (100, 0.1, 10, 100, 0.001, "at total_steps: final_lr"),
        (150, 0.1, 10, 100, 0.001, "after total_steps: stays at final_lr"),
        (25, 3e-4, 0, 200, 1e-5, "no warmup (warmup_steps=0)"),
        (1, 1.0, 4, 8, 0.2, "short schedule, warmup"),
        (6, 1.0, 4, 8, 0.2, "short schedule, decay"),
    ]
    return [
        Call(
            f"{note}: step={s}, peak_lr={p:g}, warmup_steps={w}, total_steps={T}, final_lr={f:g}",
            (s,),
            {"peak_lr": p, "warmup_steps": w, "total_steps": T, "final_lr": f},
        )
        for s, p, w, T, f, note in rows
    ]


def _wc_no_half(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * math.cos(math.pi * progress)


def _wc_progress_from_zero(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * step / total_steps))


def _wc_warmup_plus_one(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return warmup_cosine(step, peak_lr, warmup_steps, total_steps, final_lr)


def _wc_final_ignored(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    return warmup_cosine(step, peak_lr, warmup_steps, total_steps, 0.0)


def _wc_no_clamp(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def _wc_linear_decay(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * (1 - progress)


register(
    FunctionExercise(
        id="warmup_cosine",
        title="Linear warmup followed by cosine annealing",
        points=1,
        reference=warmup_cosine,
        output="lr",
        rule="step < warmup_steps: peak_lr * step / warmup_steps; step >= total_steps: final_lr; "
        "otherwise final_lr + (peak_lr - final_lr) * 0.5 * (1 + cos(pi * progress)) with "
        "progress = (step - warmup_steps) / (total_steps - warmup_steps)",
        cases=_warmup_cases,
        judge=_judge_number,
        mistakes=[
            Mistake(
                "cosine without 0.5 * (1 + ...)",
                "cos(pi * progress) runs from 1 to -1; 0.5 * (1 + cos(pi * progress)) runs from "
                "1 to 0, which is the fraction of (peak_lr - final_lr) still left.",
                _wc_no_half,
            ),
            Mistake(
                "decay progress counted from step 0",
                "the cosine starts where the warmup ends: progress = (step - warmup_steps) / "
                "(total_steps - warmup_steps).",
                _wc_progress_from_zero,
            ),
            Mistake(
                "warmup off by one",
                "the warmup is peak_lr * step / warmup_steps: 0 at step 0 and peak_lr at "
                "step = warmup_steps.",
                _wc_warmup_plus_one,
            ),
            Mistake(
                "final_lr ignored",
                "anneal to final_lr, not to 0: final_lr + (peak_lr - final_lr) * ...",
                _wc_final_ignored,
            ),
            Mistake(
                "no clamp after total_steps",
                "after total_steps the learning rate stays at final_lr (the cosine would rise "
                "again).",
                _wc_no_clamp,
            ),
            Mistake(
                "linear decay instead of cosine",
                "use 0.5 * (1 + math.cos(math.pi * progress)), not 1 - progress.",
                _wc_linear_decay,
            ),
        ],
    )
)
