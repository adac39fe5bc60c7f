"""Exercises of lecture 03 (momentum).

- ``momentum_step(x, grad, velocity, lr, momentum) -> (x_new, velocity_new)``, PyTorch's
  convention: velocity_new = momentum * velocity + grad; x_new = x - lr * velocity_new.
- ``nesterov_step(x, grad, velocity, lr, momentum) -> (x_new, velocity_new)``, PyTorch's
  convention: velocity_new as above; x_new = x - lr * (grad + momentum * velocity_new).
- ``momentum_rate(lr, momentum, lam) -> rate``: the larger |σ| of the roots of
  σ² − (1 + momentum − lr·lam) σ + momentum = 0.
- ``optimal_momentum(lambda_min, lambda_max) -> (lr, momentum)``: Polyak's optimum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from adamlib.grading.cases import StepCases, normal, zeros
from adamlib.grading.framework import (
    ArrayExercise,
    Call,
    FunctionExercise,
    Mistake,
    StepCase,
    expected_got,
    short_repr,
    shown_pair,
    values_close,
)
from adamlib.grading.registry import register

Array = np.ndarray

# ----------------------------------------------------------------------------------------------
# momentum_step
# ----------------------------------------------------------------------------------------------


def momentum_step(
    x: Array, grad: Array, velocity: Array, lr: float, momentum: float
) -> tuple[Array, Array]:
    """Reference: heavy-ball momentum in PyTorch's convention (SGD with dampening=0)."""
    velocity_new = momentum * velocity + grad
    x_new = x - lr * velocity_new
    return x_new, velocity_new


def _velocity_cases(reference: Callable[..., Any], seed: int) -> StepCases:
    """The cases shared by momentum_step and nesterov_step (same signature)."""
    cases = StepCases(reference, seed)
    for shape, dtype, lr, mom in [
        ((5,), np.float64, 0.1, 0.9),
        ((2, 3), np.float64, 0.03, 0.5),
        ((), np.float64, 0.2, 0.8),
        ((), np.float32, 0.05, 0.95),
        ((2, 2, 3), np.float32, 0.02, 0.7),
    ]:
        cases.add(
            f", non-zero velocity, lr={lr}, momentum={mom}",
            shape,
            dtype,
            x=normal,
            grad=normal,
            velocity=normal,
            lr=lr,
            momentum=mom,
        )
    cases.add(
        ", velocity starts at 0, lr=0.1, momentum=0.6, 4 consecutive steps",
        (4,),
        x=normal,
        grad=normal,
        velocity=zeros,
        lr=0.1,
        momentum=0.6,
        later=3,
    )
    return cases


def _momentum_cases() -> list[StepCase]:
    cases = _velocity_cases(momentum_step, seed=303)
    cases.add(
        ", momentum=0 (plain gradient descent), lr=0.3",
        (3, 2),
        x=normal,
        grad=normal,
        velocity=normal,
        lr=0.3,
        momentum=0.0,
    )
    return cases


def _mom_uphill(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return x + lr * velocity_new, velocity_new


def _mom_ema(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + (1 - momentum) * grad
    return x - lr * velocity_new, velocity_new


def _mom_sutskever(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity - lr * grad
    return x + velocity_new, velocity_new


def _mom_lr_in_velocity(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + lr * grad
    return x - lr * velocity_new, velocity_new


def _mom_old_velocity_step(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return x - lr * velocity, velocity_new


def _mom_returns_old_velocity(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return x - lr * velocity_new, velocity


def _mom_nesterov(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return x - lr * (grad + momentum * velocity_new), velocity_new


def _mom_on_grad(x, grad, velocity, lr, momentum):
    velocity_new = velocity + momentum * grad
    return x - lr * velocity_new, velocity_new


def _mom_swapped(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return velocity_new, x - lr * velocity_new


register(
    ArrayExercise(
        id="momentum_step",
        title="One step of SGD with (heavy-ball) momentum, PyTorch's convention",
        points=2,
        reference=momentum_step,
        outputs=("x_new", "velocity_new"),
        rule="velocity_new = momentum * velocity + grad; x_new = x - lr * velocity_new",
        carry={"x_new": "x", "velocity_new": "velocity"},
        cases=_momentum_cases,
        mistakes=[
            Mistake(
                "wrong sign (moving uphill)",
                "step against the velocity: x_new = x - lr * velocity_new.",
                _mom_uphill,
            ),
            Mistake(
                "dampening/EMA-form momentum instead of PyTorch's",
                "PyTorch adds the full gradient: velocity_new = momentum * velocity + grad, "
                "without a (1 - momentum) factor.",
                _mom_ema,
            ),
            Mistake(
                "lr inside the velocity (v = momentum*v - lr*grad form)",
                "in PyTorch's convention the velocity holds gradients only: "
                "velocity_new = momentum * velocity + grad, then x_new = x - lr * velocity_new.",
                _mom_sutskever,
            ),
            Mistake(
                "lr applied twice",
                "multiply by lr only in the position update, not when accumulating the velocity.",
                _mom_lr_in_velocity,
            ),
            Mistake(
                "step taken with the old velocity",
                "update the velocity first, then step with the new one: "
                "x_new = x - lr * velocity_new.",
                _mom_old_velocity_step,
            ),
            Mistake(
                "returned the old velocity",
                "return the updated velocity: `return x_new, velocity_new`.",
                _mom_returns_old_velocity,
            ),
            Mistake(
                "Nesterov step instead of heavy ball",
                "plain (heavy-ball) momentum steps along velocity_new itself, not along "
                "grad + momentum * velocity_new.",
                _mom_nesterov,
            ),
            Mistake(
                "momentum multiplies the gradient instead of the velocity",
                "velocity_new = momentum * velocity + grad: the old velocity decays by momentum.",
                _mom_on_grad,
            ),
            Mistake(
                "outputs in the wrong order",
                "return (x_new, velocity_new), in this order.",
                _mom_swapped,
            ),
        ],
    )
)


# ==============================================================================================
# Further exercises of lecture 03 (added with the lecture): Nesterov's step, the rate of
# momentum on one eigencomponent, Polyak's optimal parameters.
# ==============================================================================================

# ----------------------------------------------------------------------------------------------
# nesterov_step
# ----------------------------------------------------------------------------------------------


def nesterov_step(
    x: Array, grad: Array, velocity: Array, lr: float, momentum: float
) -> tuple[Array, Array]:
    """Reference: Nesterov momentum in PyTorch's convention (SGD(nesterov=True))."""
    velocity_new = momentum * velocity + grad
    x_new = x - lr * (grad + momentum * velocity_new)
    return x_new, velocity_new


def _nesterov_cases() -> list[StepCase]:
    return _velocity_cases(nesterov_step, seed=313)


def _nag_heavy_ball(x, grad, velocity, lr, momentum):
    return momentum_step(x, grad, velocity, lr, momentum)


def _nag_uphill(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return x + lr * (grad + momentum * velocity_new), velocity_new


def _nag_ema(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + (1 - momentum) * grad
    return x - lr * (grad + momentum * velocity_new), velocity_new


def _nag_gradient_missing(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    return x - lr * momentum * velocity_new, velocity_new


register(
    ArrayExercise(
        id="nesterov_step",
        title="One step of Nesterov momentum, PyTorch's convention",
        points=2,
        reference=nesterov_step,
        outputs=("x_new", "velocity_new"),
        rule="velocity_new = momentum * velocity + grad; "
        "x_new = x - lr * (grad + momentum * velocity_new)",
        carry={"x_new": "x", "velocity_new": "velocity"},
        cases=_nesterov_cases,
        mistakes=[
            Mistake(
                "heavy-ball step instead of Nesterov",
                "Nesterov steps along grad + momentum * velocity_new, with the NEW velocity. "
                "Stepping along velocity_new, or along grad + momentum * velocity with the old "
                "one (the same thing), is plain heavy-ball momentum.",
                _nag_heavy_ball,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the step: x_new = x - lr * (grad + momentum * velocity_new).",
                _nag_uphill,
            ),
            Mistake(
                "dampening/EMA-form velocity instead of PyTorch's",
                "PyTorch adds the full gradient: velocity_new = momentum * velocity + grad.",
                _nag_ema,
            ),
            Mistake(
                "gradient term missing from the step",
                "the step is grad + momentum * velocity_new: the current gradient plus the "
                "look-ahead.",
                _nag_gradient_missing,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# momentum_rate: the spectral radius of the 2x2 iteration matrix for one eigenvalue
# ----------------------------------------------------------------------------------------------


def momentum_rate(lr: float, momentum: float, lam: float) -> float:
    """Reference: max |σ| over the roots of σ² − (1 + β − ηλ)σ + β = 0."""
    trace = 1.0 + momentum - lr * lam
    root = np.sqrt(complex(trace * trace - 4.0 * momentum))
    return float(max(abs((trace + root) / 2), abs((trace - root) / 2)))


def _rate_cases() -> list[Call]:
    return [
        Call("lr=0.01, momentum=0.5, lam=1: real roots (slow, flat direction)", (0.01, 0.5, 1.0)),
        Call("lr=0.05, momentum=0.9, lam=10: complex roots", (0.05, 0.9, 10.0)),
        Call("lr=0.02, momentum=0.81, lam=100: complex roots", (0.02, 0.81, 100.0)),
        Call(
            "lr=0.1, momentum=0.05, lam=20: real, negative root (overshooting)", (0.1, 0.05, 20.0)
        ),
        Call("lr=0.1, momentum=0.5, lam=40: diverges (lr*lam > 2 + 2*momentum)", (0.1, 0.5, 40.0)),
        Call("lr=0.15, momentum=0.0, lam=10: no momentum (gradient descent)", (0.15, 0.0, 10.0)),
    ]


def _judge_rate(call: Call, got: Any, expected: float) -> str | None:
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return f"return one number, got an array of shape {got.shape}"
    if isinstance(got, complex | np.complexfloating):
        return f"return the modulus |σ| (a real number, use abs()), got the complex {got:.4g}"
    if isinstance(got, bool) or not isinstance(got, float | int | np.floating | np.integer):
        return f"return a number, got {type(got).__name__}"
    if not np.isfinite(got):
        return (
            f"got {got}: a negative discriminant needs a complex square root "
            "(np.sqrt(complex(...)) or np.emath.sqrt)"
        )
    if not values_close(got, expected):
        lr, beta, lam = call.args
        want, have, _ = shown_pair(expected, got)
        return (
            f"expected {want} (the larger |σ| of σ² - {1 + beta - lr * lam:.4g} σ + "
            f"{beta:g} = 0), got {have}"
        )
    return None


def _rate_gd(lr, momentum, lam):
    return abs(1 - lr * lam)


def _rate_sqrt_beta(lr, momentum, lam):
    return float(np.sqrt(momentum))


def _rate_real_sqrt(lr, momentum, lam):
    trace = 1 + momentum - lr * lam
    with np.errstate(invalid="ignore"):
        root = np.sqrt(trace * trace - 4 * momentum)
    return float(max(abs((trace + root) / 2), abs((trace - root) / 2)))


def _rate_smaller_root(lr, momentum, lam):
    trace = 1 + momentum - lr * lam
    root = np.sqrt(complex(trace * trace - 4 * momentum))
    return float(min(abs((trace + root) / 2), abs((trace - root) / 2)))


def _rate_signed(lr, momentum, lam):
    trace = 1 + momentum - lr * lam
    root = np.sqrt(complex(trace * trace - 4 * momentum))
    return float(max(((trace + root) / 2).real, ((trace - root) / 2).real))


register(
    FunctionExercise(
        id="momentum_rate",
        title="The convergence rate of momentum along one eigenvector",
        points=2,
        reference=momentum_rate,
        output="rate",
        rule="roots of sigma**2 - (1 + momentum - lr*lam) * sigma + momentum = 0; "
        "rate = the larger modulus |sigma|",
        cases=_rate_cases,
        judge=_judge_rate,
        mistakes=[
            Mistake(
                "gradient descent's rate |1 - lr*lam| (momentum ignored)",
                "with momentum each eigencomponent follows a 2x2 recursion; its rate is the "
                "larger |σ| of the roots of σ² - (1 + momentum - lr*lam) σ + momentum = 0.",
                _rate_gd,
            ),
            Mistake(
                "always sqrt(momentum)",
                "|σ| = √momentum only when the roots are complex; when the discriminant "
                "(1 + momentum - lr*lam)² - 4 momentum is positive, compute the real roots.",
                _rate_sqrt_beta,
            ),
            Mistake(
                "real square root of a negative discriminant (NaN)",
                "for complex roots take a complex square root: np.sqrt(complex(disc)), then abs() "
                "of each root.",
                _rate_real_sqrt,
            ),
            Mistake(
                "smaller root instead of the larger",
                "the slowest (largest |σ|) of the two roots sets the rate: use max, not min.",
                _rate_smaller_root,
            ),
            Mistake(
                "real part instead of the modulus",
                "take the modulus abs(σ) of each root (a negative real root of modulus > 1 "
                "also means divergence).",
                _rate_signed,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# optimal_momentum: Polyak's learning rate and momentum for a quadratic
# ----------------------------------------------------------------------------------------------


def optimal_momentum(lambda_min: float, lambda_max: float) -> tuple[float, float]:
    """Reference: ``(4 / (√λmax + √λmin)², ((√κ − 1) / (√κ + 1))²)``."""
    s_lo, s_hi = np.sqrt(lambda_min), np.sqrt(lambda_max)
    return float(4.0 / (s_hi + s_lo) ** 2), float(((s_hi - s_lo) / (s_hi + s_lo)) ** 2)


def _optimal_momentum_cases() -> list[Call]:
    return [
        Call("lambda_min=1, lambda_max=100", (1.0, 100.0)),
        Call("lambda_min=0.5, lambda_max=8", (0.5, 8.0)),
        Call("lambda_min=2, lambda_max=2 (perfectly conditioned)", (2.0, 2.0)),
        Call("lambda_min=0.01, lambda_max=30", (0.01, 30.0)),
    ]


def _judge_optimal_momentum(call: Call, got: Any, expected: tuple[float, float]) -> str | None:
    if not isinstance(got, tuple | list) or len(got) != 2:
        return f"return a pair (lr, momentum), got {short_repr(got, 60)}"
    wrong = [
        f"{name}: {expected_got(e, g)}"
        for name, g, e in zip(("lr", "momentum"), got, expected, strict=True)
        if not values_close(g, e)
    ]
    return "; ".join(wrong) or None


def _opt_kappa(lo, hi):
    k = hi / lo
    return 4.0 / (np.sqrt(hi) + np.sqrt(lo)) ** 2, ((k - 1) / (k + 1)) ** 2


def _opt_not_squared(lo, hi):
    s_lo, s_hi = np.sqrt(lo), np.sqrt(hi)
    return 4.0 / (s_hi + s_lo) ** 2, (s_hi - s_lo) / (s_hi + s_lo)


def _opt_gd_lr(lo, hi):
    s_lo, s_hi = np.sqrt(lo), np.sqrt(hi)
    return 2.0 / (lo + hi), ((s_hi - s_lo) / (s_hi + s_lo)) ** 2


def _opt_swapped(lo, hi):
    lr, beta = optimal_momentum(lo, hi)
    return beta, lr


register(
    FunctionExercise(
        id="optimal_momentum",
        title="Polyak's optimal learning rate and momentum for a quadratic",
        points=1,
        reference=optimal_momentum,
        output="(lr, momentum)",
        rule="lr = 4 / (sqrt(lambda_max) + sqrt(lambda_min))**2; "
        "momentum = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2",
        cases=_optimal_momentum_cases,
        judge=_judge_optimal_momentum,
        mistakes=[
            Mistake(
                "kappa instead of sqrt(kappa) in the momentum",
                "momentum replaces κ by √κ: momentum = ((√κ - 1)/(√κ + 1))².",
                _opt_kappa,
            ),
            Mistake(
                "momentum not squared (that is the rate, √momentum)",
                "the rate is (√κ - 1)/(√κ + 1) = √momentum, so momentum is its square.",
                _opt_not_squared,
            ),
            Mistake(
                "gradient descent's learning rate 2/(lambda_min + lambda_max)",
                "with momentum the optimal learning rate is 4 / (√λmax + √λmin)².",
                _opt_gd_lr,
            ),
            Mistake(
                "(momentum, lr) in the wrong order",
                "return the pair (lr, momentum), in this order.",
                _opt_swapped,
            ),
        ],
    )
)
