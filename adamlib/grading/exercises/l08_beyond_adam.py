"""Exercises of lecture 08 (beyond Adam), all in PyTorch's conventions.

- ``amsgrad_step(x, grad, m, v, v_max, t, lr, beta1, beta2, eps) -> (x_new, m_new, v_new,
  v_max_new)``: Adam whose denominator uses the running maximum of the *uncorrected* v, then
  bias-corrected: x_new = x - lr * m_hat / (sqrt(v_max_new / (1 - beta2**t)) + eps).
- ``adamax_step(x, grad, m, u, t, lr, beta1, beta2, eps) -> (x_new, m_new, u_new)``:
  u_new = max(beta2 * u, |grad| + eps); x_new = x - lr / (1 - beta1**t) * m_new / u_new.
- ``adadelta_step(x, grad, sq_avg, acc_delta, lr, rho, eps) -> (x_new, sq_avg_new,
  acc_delta_new)``: delta = sqrt(acc_delta + eps) / sqrt(sq_avg_new + eps) * grad; the
  accumulator averages delta**2 (without lr); x_new = x - lr * delta.

RAdam's rectification and the warmup-cosine schedule are in ``l08_beyond_adam_schedules.py``.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import StepCases, normal, positive, scaled, zeros
from adamlib.grading.framework import (
    ArrayExercise,
    Mistake,
    StepCase,
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
