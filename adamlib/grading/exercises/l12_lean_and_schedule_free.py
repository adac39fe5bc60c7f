"""Exercises of lecture 12 (lean and schedule-free).

- ``lion_step(x, grad, m, lr, beta1, beta2, weight_decay) -> (x_new, m_new)``: one Lion step
  (Chen et al., 2023) as in lion-pytorch: the sign of ``beta1 m + (1 - beta1) grad``, decoupled
  weight decay ``x (1 - lr wd)``, then ``m`` tracked with ``beta2``.
- ``adafactor_factored_moment(row_var, col_var, grad, t, beta2_decay, eps1) -> (row_new,
  col_new, v_hat)``: Adafactor's factored second moment (Shazeer & Stern, 2018) as in
  torch.optim.Adafactor: row and column EMAs of the means of ``grad**2`` with ``beta2_t = 1 -
  t**beta2_decay``, and the rank-one reconstruction ``R C / max(mean(R), eps1)``.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading import ArrayExercise, Mistake, StepCase, register
from adamlib.grading.cases import label, normal, positive

Array = np.ndarray

# ----------------------------------------------------------------------------------------------
# lion_step
# ----------------------------------------------------------------------------------------------


def lion_step(
    x: Array, grad: Array, m: Array, lr: float, beta1: float, beta2: float, weight_decay: float
) -> tuple[Array, Array]:
    """Reference: one Lion step (lion-pytorch 0.2.5, adamlib.optim.Lion)."""
    c = beta1 * m + (1 - beta1) * grad
    x_new = x * (1 - lr * weight_decay) - lr * np.sign(c)
    m_new = beta2 * m + (1 - beta2) * grad
    return x_new, m_new


def _lion_cases() -> list[StepCase]:
    rng = np.random.default_rng(1212)
    cases = []

    def add(shape, dtype, lr, beta1, beta2, wd, zero_m=False, later=0, zeros=False, against=0.0):
        grad = normal(rng, shape, dtype)
        if zeros:  # some gradient entries exactly 0 with m = 0: sign(0) = 0, no move
            grad = np.where(rng.random(shape) < 0.4, 0, grad).astype(dtype)
        # m of the size of grad, so that beta1 m and (1 - beta1) g compete for the sign
        m = np.zeros(shape, dtype) if zero_m else normal(rng, shape, dtype, 3.0)
        if against:  # m = -against * grad (+-2%): which of the two wins the sign is close
            m = (-against * grad * rng.uniform(0.98, 1.02, shape)).astype(dtype)
        state = "m = 0" if zero_m else "non-zero m"
        state = f"m about -{against:g} * grad" if against else state
        extra = ", some gradient entries exactly 0" if zeros else ""
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.append(
            StepCase(
                f"{label(shape, dtype)}, {state}{extra}{steps}, lr={lr:g}, beta1={beta1}, "
                f"beta2={beta2}, weight_decay={wd:g}",
                {
                    "x": normal(rng, shape, dtype),
                    "grad": grad,
                    "m": m,
                    "lr": lr,
                    "beta1": beta1,
                    "beta2": beta2,
                    "weight_decay": wd,
                },
                later=[{"grad": normal(rng, shape, dtype)} for _ in range(later)],
            )
        )

    add((5,), np.float64, 1e-4, 0.9, 0.99, 0.0, zero_m=True)
    add((2, 3), np.float64, 0.01, 0.9, 0.99, 0.1)
    add((), np.float64, 0.05, 0.5, 0.9, 0.5)
    add((), np.float32, 0.02, 0.9, 0.99, 1.0)
    add((2, 2, 3), np.float32, 0.003, 0.8, 0.95, 0.3)
    add((6,), np.float64, 0.01, 0.9, 0.99, 0.2, zero_m=True, zeros=True)
    add((3, 2), np.float64, 0.02, 0.7, 0.98, 0.5, later=4)
    add((4,), np.float64, 0.1, 0.95, 0.6, 2.0)
    # the momentum points against the gradient: beta1 m + (1 - beta1) g has the sign of m, the
    # same with beta2 or with m updated first has the sign of g
    add((5,), np.float64, 0.01, 0.5, 0.5, 0.1, against=2.0)
    add((2, 3), np.float64, 0.001, 0.9, 0.99, 0.1, against=0.1167)
    return cases


def _lion_momentum_first(x, grad, m, lr, beta1, beta2, weight_decay):
    m_new = beta2 * m + (1 - beta2) * grad
    c = beta1 * m_new + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) - lr * np.sign(c), m_new


def _lion_beta2_interpolation(x, grad, m, lr, beta1, beta2, weight_decay):
    c = beta2 * m + (1 - beta2) * grad
    return x * (1 - lr * weight_decay) - lr * np.sign(c), beta2 * m + (1 - beta2) * grad


def _lion_betas_swapped(x, grad, m, lr, beta1, beta2, weight_decay):
    return lion_step(x, grad, m, lr, beta2, beta1, weight_decay)


def _lion_decay_without_lr(x, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - weight_decay) - lr * np.sign(c), beta2 * m + (1 - beta2) * grad


def _lion_l2_decay(x, grad, m, lr, beta1, beta2, weight_decay):
    g = grad + weight_decay * x  # Adam's habit: the decay as a gradient term
    c = beta1 * m + (1 - beta1) * g
    return x - lr * np.sign(c), beta2 * m + (1 - beta2) * g


def _lion_no_decay(x, grad, m, lr, beta1, beta2, weight_decay):
    return lion_step(x, grad, m, lr, beta1, beta2, 0.0)


def _lion_no_sign(x, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) - lr * c, beta2 * m + (1 - beta2) * grad


def _lion_sign_of_grad(x, grad, m, lr, beta1, beta2, weight_decay):
    return x * (1 - lr * weight_decay) - lr * np.sign(grad), beta2 * m + (1 - beta2) * grad


def _lion_uphill(x, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) + lr * np.sign(c), beta2 * m + (1 - beta2) * grad


def _lion_returns_c(x, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) - lr * np.sign(c), c


register(
    ArrayExercise(
        id="lion_step",
        title="One step of Lion",
        points=2,
        reference=lion_step,
        outputs=("x_new", "m_new"),
        rule=(
            "c = beta1 * m + (1 - beta1) * grad; x_new = x * (1 - lr * weight_decay) - lr * "
            "np.sign(c); m_new = beta2 * m + (1 - beta2) * grad"
        ),
        carry={"x_new": "x", "m_new": "m"},
        cases=_lion_cases,
        mistakes=[
            Mistake(
                "momentum updated before the sign is taken",
                "take the sign of c = beta1 * m + (1 - beta1) * grad with the OLD m; update m "
                "with beta2 only afterwards.",
                _lion_momentum_first,
            ),
            Mistake(
                "interpolated with beta2 instead of beta1",
                "the direction uses beta1: c = beta1 * m + (1 - beta1) * grad; beta2 is only "
                "for the stored momentum m_new.",
                _lion_beta2_interpolation,
            ),
            Mistake(
                "beta1 and beta2 swapped",
                "beta1 (0.9) mixes the gradient into the direction c, beta2 (0.99) is the decay "
                "of the stored momentum.",
                _lion_betas_swapped,
            ),
            Mistake(
                "weight decay not multiplied by lr",
                "the decay is decoupled as in AdamW and scaled by the learning rate: "
                "x * (1 - lr * weight_decay).",
                _lion_decay_without_lr,
            ),
            Mistake(
                "weight decay added to the gradient (L2, as in Adam) instead of decoupled",
                "Lion decays the params directly, outside the sign: x * (1 - lr * weight_decay) "
                "- lr * np.sign(c); grad alone goes into c and m_new.",
                _lion_l2_decay,
            ),
            Mistake(
                "weight decay missing",
                "shrink the parameters too: x * (1 - lr * weight_decay) - lr * np.sign(c).",
                _lion_no_decay,
            ),
            Mistake(
                "sign missing",
                "Lion steps by np.sign(c): every coordinate moves by exactly lr.",
                _lion_no_sign,
            ),
            Mistake(
                "sign of the gradient instead of the interpolation (signSGD)",
                "take the sign of c = beta1 * m + (1 - beta1) * grad, which mixes in the momentum.",
                _lion_sign_of_grad,
            ),
            Mistake(
                "step taken uphill",
                "subtract: x_new = x * (1 - lr * weight_decay) - lr * np.sign(c).",
                _lion_uphill,
            ),
            Mistake(
                "returned c instead of the new momentum",
                "c is used only for the sign; return m_new = beta2 * m + (1 - beta2) * grad.",
                _lion_returns_c,
            ),
        ],
    )
)

# ----------------------------------------------------------------------------------------------
# adafactor_factored_moment
# ----------------------------------------------------------------------------------------------


def adafactor_factored_moment(
    row_var: Array, col_var: Array, grad: Array, t: int, beta2_decay: float, eps1: float
) -> tuple[Array, Array, Array]:
    """Reference: Adafactor's factored second moment (torch.optim.Adafactor's conventions)."""
    beta2_t = 1 - t**beta2_decay
    g2 = grad * grad
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    v_hat = row_new * col_new / max(float(row_new.mean()), eps1)
    return row_new, col_new, v_hat


def _adafactor_cases() -> list[StepCase]:
    rng = np.random.default_rng(1218)
    cases = []

    def add(n, m, dtype, t, decay, eps1, zero_state=False, scale=1.0, later=0):
        if zero_state:
            R, C = np.zeros((n, 1), dtype), np.zeros((1, m), dtype)
        else:  # a state from earlier steps: R and C with different means
            R = positive(rng, (n, 1), dtype, 0.7 * scale**2)
            C = positive(rng, (1, m), dtype, 1.6 * scale**2)
        state = "R and C start at 0" if zero_state else "non-zero R and C"
        steps = f", {later + 1} consecutive steps" if later else ""
        tiny = f" (gradients ~{scale:g})" if scale != 1.0 else ""
        cases.append(
            StepCase(
                f"{label((n, m), dtype)}{tiny}, {state}, t={t}{steps}, beta2_decay={decay}, "
                f"eps1={eps1:g}",
                {
                    "row_var": R,
                    "col_var": C,
                    "grad": normal(rng, (n, m), dtype, scale),
                    "t": t,
                    "beta2_decay": decay,
                    "eps1": eps1,
                },
                later=[{"grad": normal(rng, (n, m), dtype, scale)} for _ in range(later)],
            )
        )

    add(4, 3, np.float64, 1, -0.8, 1e-30, zero_state=True)
    add(3, 5, np.float64, 4, -0.8, 1e-30)
    add(2, 2, np.float32, 7, -0.5, 1e-20)
    add(5, 1, np.float64, 3, -0.8, 1e-30)
    add(1, 4, np.float64, 2, -0.6, 1e-30)
    add(3, 4, np.float64, 2, -0.8, 1e-30, zero_state=True, later=3)
    add(3, 3, np.float64, 5, -0.8, 1e-6, scale=1e-4)  # mean(R) below eps1: the floor acts
    add(6, 2, np.float32, 10, -0.7, 1e-20, later=2)
    return cases


def _af_parts(row_var, col_var, grad, t, beta2_decay, eps1):
    beta2_t = 1 - t**beta2_decay
    g2 = grad * grad
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return row_new, col_new


def _af_no_normalisation(row_var, col_var, grad, t, beta2_decay, eps1):
    R, C = _af_parts(row_var, col_var, grad, t, beta2_decay, eps1)
    return R, C, R * C


def _af_divided_by_sum(row_var, col_var, grad, t, beta2_decay, eps1):
    R, C = _af_parts(row_var, col_var, grad, t, beta2_decay, eps1)
    return R, C, R * C / max(float(R.sum()), eps1)


def _af_divided_by_mean_of_c(row_var, col_var, grad, t, beta2_decay, eps1):
    R, C = _af_parts(row_var, col_var, grad, t, beta2_decay, eps1)
    return R, C, R * C / max(float(C.mean()), eps1)


def _af_divided_by_mean_of_g2(row_var, col_var, grad, t, beta2_decay, eps1):
    R, C = _af_parts(row_var, col_var, grad, t, beta2_decay, eps1)
    return R, C, R * C / max(float((grad * grad).mean()), eps1)


def _af_swapped_axes(row_var, col_var, grad, t, beta2_decay, eps1):
    beta2_t = 1 - t**beta2_decay
    g2 = grad * grad
    R = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True).T
    C = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True).T
    return R, C, R * C / max(float(R.mean()), eps1)


def _af_beta_is_power(row_var, col_var, grad, t, beta2_decay, eps1):
    beta2_t = t**beta2_decay  # the weight of the new mean, taken as the decay
    g2 = grad * grad
    R = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    C = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return R, C, R * C / max(float(R.mean()), eps1)


def _af_t_from_zero(row_var, col_var, grad, t, beta2_decay, eps1):
    return adafactor_factored_moment(row_var, col_var, grad, t + 1, beta2_decay, eps1)


def _af_old_factors(row_var, col_var, grad, t, beta2_decay, eps1):
    R, C = _af_parts(row_var, col_var, grad, t, beta2_decay, eps1)
    return R, C, row_var * col_var / max(float(row_var.mean()), eps1)


def _af_sums_not_means(row_var, col_var, grad, t, beta2_decay, eps1):
    beta2_t = 1 - t**beta2_decay
    g2 = grad * grad
    R = beta2_t * row_var + (1 - beta2_t) * g2.sum(axis=1, keepdims=True)
    C = beta2_t * col_var + (1 - beta2_t) * g2.sum(axis=0, keepdims=True)
    return R, C, R * C / max(float(R.mean()), eps1)


def _af_grad_not_squared(row_var, col_var, grad, t, beta2_decay, eps1):
    beta2_t = 1 - t**beta2_decay
    R = beta2_t * row_var + (1 - beta2_t) * grad.mean(axis=1, keepdims=True)
    C = beta2_t * col_var + (1 - beta2_t) * grad.mean(axis=0, keepdims=True)
    return R, C, R * C / max(float(R.mean()), eps1)


register(
    ArrayExercise(
        id="adafactor_factored_moment",
        title="Adafactor's factored second moment",
        points=3,
        reference=adafactor_factored_moment,
        outputs=("row_new", "col_new", "v_hat"),
        rule=(
            "beta2_t = 1 - t**beta2_decay; row_new = beta2_t * row_var + (1 - beta2_t) * "
            "(grad**2).mean(axis=1, keepdims=True); col_new = beta2_t * col_var + (1 - beta2_t) "
            "* (grad**2).mean(axis=0, keepdims=True); v_hat = row_new * col_new / "
            "max(row_new.mean(), eps1)"
        ),
        carry={"row_new": "row_var", "col_new": "col_var"},
        counter="t",
        cases=_adafactor_cases,
        mistakes=[
            Mistake(
                "normalisation by the mean of R missing",
                "R C alone counts the overall scale twice: divide by max(row_new.mean(), eps1), "
                "so that the rows of v_hat have the means of R.",
                _af_no_normalisation,
            ),
            Mistake(
                "divided by the sum of R (with R and C as means)",
                "the paper divides sums by a sum; with means (as torch and this exercise) "
                "divide by the mean: max(row_new.mean(), eps1).",
                _af_divided_by_sum,
            ),
            Mistake(
                "divided by the mean of C instead of the mean of R",
                "normalise by the row factor: max(row_new.mean(), eps1) (torch's convention).",
                _af_divided_by_mean_of_c,
            ),
            Mistake(
                "divided by the mean of this step's grad**2",
                "v_hat is built from the EMAs only: divide by the mean of row_new.",
                _af_divided_by_mean_of_g2,
            ),
            Mistake(
                "rows and columns swapped",
                "R has one number per row (shape (n, 1)): the mean over the columns, "
                "axis=1; C one per column, the mean over axis=0.",
                _af_swapped_axes,
            ),
            Mistake(
                "beta2_t taken as t**beta2_decay",
                "beta2_t = 1 - t**beta2_decay grows towards 1: t**beta2_decay is the weight "
                "(1 - beta2_t) of the new mean.",
                _af_beta_is_power,
            ),
            Mistake(
                "t counted from 0",
                "t = 1 at the first step, where beta2_t = 1 - 1 = 0 and R, C are just this "
                "step's means.",
                _af_t_from_zero,
            ),
            Mistake(
                "v_hat built from the old R and C",
                "update R and C first, then v_hat = row_new * col_new / max(row_new.mean(), eps1).",
                _af_old_factors,
            ),
            Mistake(
                "sums instead of means of grad**2",
                "torch (and this exercise) uses means: (grad**2).mean(axis=1, keepdims=True).",
                _af_sums_not_means,
            ),
            Mistake(
                "gradient not squared",
                "the second moment averages grad**2, not grad.",
                _af_grad_not_squared,
            ),
        ],
    )
)
