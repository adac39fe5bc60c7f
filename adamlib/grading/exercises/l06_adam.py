"""Exercises of lecture 06 (Adam).

- ``adam_step(x, grad, m, v, t, lr, beta1, beta2, eps) -> (x_new, m_new, v_new)``: Kingma & Ba's
  Algorithm 1 as in torch.optim.Adam; ``t = 1`` at the first update; eps is added after the square
  root of the bias-corrected v.
"""

from __future__ import annotations

import math

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
# adam_step
# ----------------------------------------------------------------------------------------------


def adam_step(
    x: Array,
    grad: Array,
    m: Array,
    v: Array,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[Array, Array, Array]:
    """Reference: one Adam update (Kingma & Ba 2015, Algorithm 1; PyTorch's eps placement)."""
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    x_new = x - lr * m_hat / (np.sqrt(v_hat) + eps)
    return x_new, m_new, v_new


def _adam_cases() -> list[StepCase]:
    cases = StepCases(adam_step, seed=606)
    tiny = 1e-9  # gradients where eps placement matters
    for shape, dtype, t, lr, beta1, beta2, eps, zero_state, grad_scale, later in [
        ((5,), np.float64, 1, 1e-3, 0.9, 0.999, 1e-8, True, 1.0, 0),
        ((2, 3), np.float64, 5, 0.01, 0.8, 0.99, 1e-6, False, 1.0, 0),
        ((), np.float64, 2, 0.1, 0.5, 0.9, 0.1, False, 1.0, 0),
        ((), np.float32, 1, 0.05, 0.9, 0.999, 1e-8, True, 1.0, 0),
        ((2, 2, 3), np.float32, 10, 0.02, 0.85, 0.98, 1e-4, False, 1.0, 0),
        ((4,), np.float64, 1, 0.01, 0.9, 0.999, 1e-8, True, tiny, 0),
        ((2, 2), np.float64, 3, 0.01, 0.9, 0.99, 1e-8, False, tiny, 0),
        ((3,), np.float64, 100, 0.01, 0.9, 0.999, 1e-8, False, 1.0, 0),
        ((3, 2), np.float64, 1, 0.01, 0.9, 0.99, 1e-8, True, 1.0, 4),
    ]:
        note = " with tiny gradients (~1e-9)" if grad_scale == tiny else ""
        state = "m and v start at 0" if zero_state else "non-zero m and v"
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.add(
            f"{note}, {state}, t={t}{steps}, lr={lr:g}, beta1={beta1}, beta2={beta2}, eps={eps:g}",
            shape,
            dtype,
            m=zeros if zero_state else scaled(normal, 0.3 * grad_scale),
            v=zeros if zero_state else scaled(positive, 0.5 * grad_scale**2),
            x=normal,
            grad=scaled(normal, grad_scale),
            t=t,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            later=later,
        )
    return cases


def _bias(beta: float, t: int) -> float:
    return 1 - beta**t


def _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return m_new, v_new, m_new / _bias(beta1, t), v_new / _bias(beta2, t)


def _adam_no_bias_correction(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, _, _ = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def _adam_m_not_corrected(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, _, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * m_new / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_v_not_corrected(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, m_hat, _ = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * m_hat / (np.sqrt(v_new) + eps), m_new, v_new


def _adam_eps_inside(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, m_hat, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new


def _adam_eps_before_correction(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, _, _ = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    step = lr * math.sqrt(_bias(beta2, t)) / _bias(beta1, t)
    return x - step * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def _adam_no_one_minus_beta(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + grad
    v_new = beta2 * v + grad**2
    m_hat, v_hat = m_new / _bias(beta1, t), v_new / _bias(beta2, t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_betas_swapped(x, grad, m, v, t, lr, beta1, beta2, eps):
    return adam_step(x, grad, m, v, t, lr, beta2, beta1, eps)


def _adam_t_from_zero(x, grad, m, v, t, lr, beta1, beta2, eps):
    return adam_step(x, grad, m, v, t + 1, lr, beta1, beta2, eps)


def _adam_bias_without_power(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1), v_new / (1 - beta2)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_lr_twice(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, m_hat, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_uphill(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, m_hat, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x + lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_returns_hats(x, grad, m, v, t, lr, beta1, beta2, eps):
    _, _, m_hat, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def _adam_grad_not_squared(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad
    m_hat, v_hat = m_new / _bias(beta1, t), v_new / _bias(beta2, t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_no_sqrt(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, m_hat, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * m_hat / (v_hat + eps), m_new, v_new


def _adam_grad_instead_of_m(x, grad, m, v, t, lr, beta1, beta2, eps):
    m_new, v_new, _, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    return x - lr * grad / (np.sqrt(v_hat) + eps), m_new, v_new


register(
    ArrayExercise(
        id="adam_step",
        title="One step of Adam",
        points=3,
        reference=adam_step,
        outputs=("x_new", "m_new", "v_new"),
        rule=(
            "m_new = beta1 * m + (1 - beta1) * grad; v_new = beta2 * v + (1 - beta2) * grad**2; "
            "m_hat = m_new / (1 - beta1**t); v_hat = v_new / (1 - beta2**t); "
            "x_new = x - lr * m_hat / (sqrt(v_hat) + eps)"
        ),
        carry={"x_new": "x", "m_new": "m", "v_new": "v"},
        counter="t",
        cases=_adam_cases,
        mistakes=[
            Mistake(
                "bias correction missing",
                "divide by (1 - beta**t) before the step: m_hat = m_new / (1 - beta1**t), "
                "v_hat = v_new / (1 - beta2**t); without it the first steps are far too small.",
                _adam_no_bias_correction,
            ),
            Mistake(
                "using m instead of m_hat",
                "the step uses the bias-corrected first moment: m_hat = m_new / (1 - beta1**t).",
                _adam_m_not_corrected,
            ),
            Mistake(
                "using v instead of v_hat",
                "the denominator uses the bias-corrected second moment: "
                "np.sqrt(v_new / (1 - beta2**t)) + eps.",
                _adam_v_not_corrected,
            ),
            Mistake(
                "eps inside the square root",
                "add eps after the root: np.sqrt(v_hat) + eps, not np.sqrt(v_hat + eps); it "
                "matters when gradients are tiny.",
                _adam_eps_inside,
            ),
            Mistake(
                "eps added before the bias correction (the paper's epsilon-hat variant)",
                "PyTorch and Algorithm 1 add eps to np.sqrt(v_hat), the square root of the "
                "bias-corrected v, not to np.sqrt(v_new).",
                _adam_eps_before_correction,
            ),
            Mistake(
                "(1-beta) factor missing",
                "the moments are moving averages: m_new = beta1 * m + (1 - beta1) * grad and "
                "v_new = beta2 * v + (1 - beta2) * grad**2.",
                _adam_no_one_minus_beta,
            ),
            Mistake(
                "beta1 and beta2 swapped",
                "beta1 belongs to the first moment m, beta2 to the second moment v.",
                _adam_betas_swapped,
            ),
            Mistake(
                "t starting at 0",
                "t is 1 at the first update and is passed in: use beta1**t and beta2**t as they "
                "are, without adding 1.",
                _adam_t_from_zero,
            ),
            Mistake(
                "bias correction without the power t",
                "the correction is 1 - beta1**t (a power of the step number), not 1 - beta1.",
                _adam_bias_without_power,
            ),
            Mistake(
                "lr applied twice",
                "multiply by lr once: x_new = x - lr * m_hat / (np.sqrt(v_hat) + eps).",
                _adam_lr_twice,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the step: x_new = x - lr * m_hat / (np.sqrt(v_hat) + eps).",
                _adam_uphill,
            ),
            Mistake(
                "returned m_hat and v_hat instead of m_new and v_new",
                "the state carried to the next step is the uncorrected m_new and v_new; the "
                "bias-corrected values are only used inside the step.",
                _adam_returns_hats,
            ),
            Mistake(
                "gradient not squared in v",
                "the second moment averages grad**2: v_new = beta2 * v + (1 - beta2) * grad**2.",
                _adam_grad_not_squared,
            ),
            Mistake(
                "square root missing",
                "divide by np.sqrt(v_hat) + eps, the root of the second moment.",
                _adam_no_sqrt,
            ),
            Mistake(
                "used grad instead of m_hat in the step",
                "the numerator is the bias-corrected first moment m_hat, not the raw gradient.",
                _adam_grad_instead_of_m,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# bias_correction (lecture 06, section 3)
# ----------------------------------------------------------------------------------------------


def bias_correction(beta: float, t: int | np.ndarray) -> float | np.ndarray:
    """Reference: 1 - beta**t, the factor by which an EMA started at zero underestimates the mean.

    ``t`` is 1 at the first update; it may be an integer array (one factor per entry).
    """
    return 1 - beta**t


def _bias_correction_cases() -> list[Call]:
    return [
        Call("beta=0.9, t=1 (the first update)", (0.9, 1)),
        Call("beta=0.999, t=1", (0.999, 1)),
        Call("beta=0.9, t=10", (0.9, 10)),
        Call("beta=0.99, t=250", (0.99, 250)),
        Call("beta=0.8, t=np.arange(1, 6) (an array of steps)", (0.8, np.arange(1, 6))),
        Call("beta=0.999, t=np.array([1, 10, 100, 1000])", (0.999, np.array([1, 10, 100, 1000]))),
    ]


register(
    FunctionExercise(
        id="bias_correction",
        title="The bias-correction factor",
        points=1,
        reference=bias_correction,
        output="factor",
        rule="factor = 1 - beta**t",
        cases=_bias_correction_cases,
        mistakes=[
            Mistake(
                "power t missing",
                "the weights of an EMA started at zero sum to 1 - beta**t after t updates, "
                "not 1 - beta (the two agree only at t = 1).",
                lambda beta, t: 1 - beta + 0 * t,
            ),
            Mistake(
                "returned beta**t (the weight left on the zero start)",
                "beta**t is the weight on the fictitious m_0 = 0; the factor is what remains: "
                "1 - beta**t.",
                lambda beta, t: beta**t,
            ),
            Mistake(
                "returned the multiplier 1/(1 - beta**t)",
                "return the factor itself, 1 - beta**t; the lecture divides by it "
                "(m_hat = m / bias_correction(beta1, t)).",
                lambda beta, t: 1 / (1 - beta**t),
            ),
            Mistake(
                "t off by one",
                "t is already 1 at the first update: use beta**t, not beta**(t + 1) or "
                "beta**(t - 1).",
                lambda beta, t: 1 - beta ** (t + 1),
            ),
            Mistake(
                "beta*t instead of beta**t",
                "the factor has a power: 1 - beta**t (in Python `**`, not `*`).",
                lambda beta, t: 1 - beta * t,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# adamw_step (lecture 06; compared with L2 regularisation in lecture 08)
# ----------------------------------------------------------------------------------------------


def adamw_step(
    x: Array,
    grad: Array,
    m: Array,
    v: Array,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
) -> tuple[Array, Array, Array]:
    """Reference: one AdamW update as torch.optim.AdamW: decay x by lr*weight_decay, then Adam."""
    decayed = x * (1 - lr * weight_decay)
    x_new, m_new, v_new = adam_step(decayed, grad, m, v, t, lr, beta1, beta2, eps)
    return x_new, m_new, v_new


def _adamw_cases() -> list[StepCase]:
    cases = StepCases(adamw_step, seed=616)
    for shape, dtype, t, lr, weight_decay, zero_state, later, beta1, beta2 in [
        ((5,), np.float64, 1, 0.1, 0.5, True, 0, 0.9, 0.999),
        ((2, 3), np.float64, 4, 0.05, 0.2, False, 0, 0.8, 0.99),
        ((), np.float64, 2, 0.2, 1.0, False, 0, 0.9, 0.999),
        ((), np.float32, 1, 0.1, 0.3, True, 0, 0.9, 0.999),
        ((3,), np.float64, 7, 0.01, 0.0, False, 0, 0.9, 0.999),  # no decay: plain Adam
        ((2, 2), np.float64, 1, 0.05, 0.4, True, 3, 0.9, 0.999),
    ]:
        state = "m and v start at 0" if zero_state else "non-zero m and v"
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.add(
            f", {state}, t={t}{steps}, lr={lr:g}, beta1={beta1}, beta2={beta2}, eps=1e-08, "
            f"weight_decay={weight_decay:g}",
            shape,
            dtype,
            m=zeros if zero_state else scaled(normal, 0.3),
            v=zeros if zero_state else scaled(positive, 0.5),
            x=scaled(normal, 2.0),
            grad=normal,
            t=t,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=1e-8,
            weight_decay=weight_decay,
            later=later,
        )
    return cases


def _adamw_l2(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return adam_step(x, grad + weight_decay * x, m, v, t, lr, beta1, beta2, eps)


def _adamw_decay_without_lr(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return adam_step(x * (1 - weight_decay), grad, m, v, t, lr, beta1, beta2, eps)


def _adamw_decay_wrong_sign(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return adam_step(x * (1 + lr * weight_decay), grad, m, v, t, lr, beta1, beta2, eps)


def _adamw_decay_rescaled(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    m_new, v_new, m_hat, v_hat = _adam_parts(x, grad, m, v, t, lr, beta1, beta2, eps)
    x_new = x - lr * (m_hat + weight_decay * x) / (np.sqrt(v_hat) + eps)
    return x_new, m_new, v_new


def _adamw_no_bias_correction(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return _adam_no_bias_correction(
        x * (1 - lr * weight_decay), grad, m, v, t, lr, beta1, beta2, eps
    )


register(
    ArrayExercise(
        id="adamw_step",
        title="One step of AdamW (decoupled weight decay)",
        points=2,
        reference=adamw_step,
        outputs=("x_new", "m_new", "v_new"),
        rule=(
            "decayed = x * (1 - lr * weight_decay); then the Adam step from decayed: "
            "m_new, v_new as in Adam; x_new = decayed - lr * m_hat / (sqrt(v_hat) + eps)"
        ),
        carry={"x_new": "x", "m_new": "m", "v_new": "v"},
        counter="t",
        cases=_adamw_cases,
        mistakes=[
            Mistake(
                "weight decay added to the gradient (Adam + L2, not AdamW)",
                "AdamW leaves grad, m and v alone and shrinks the parameters directly: "
                "x * (1 - lr * weight_decay), then the ordinary Adam step.",
                _adamw_l2,
            ),
            Mistake(
                "decay not multiplied by lr",
                "PyTorch's AdamW decays by lr * weight_decay per step: "
                "x * (1 - lr * weight_decay).",
                _adamw_decay_without_lr,
            ),
            Mistake(
                "wrong sign of the decay (parameters grow)",
                "weight decay shrinks x towards zero: multiply by (1 - lr * weight_decay).",
                _adamw_decay_wrong_sign,
            ),
            Mistake(
                "decay divided by sqrt(v_hat) (inside the adaptive step)",
                "the point of AdamW is that the decay is NOT rescaled per coordinate: subtract "
                "lr * weight_decay * x outside the fraction m_hat / (sqrt(v_hat) + eps).",
                _adamw_decay_rescaled,
            ),
            Mistake(
                "bias correction missing",
                "the Adam part is unchanged: m_hat = m_new / (1 - beta1**t), "
                "v_hat = v_new / (1 - beta2**t).",
                _adamw_no_bias_correction,
            ),
        ],
    )
)
