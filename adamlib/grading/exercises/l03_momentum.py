"""Exercises of lecture 03 (momentum).

- ``momentum_step(x, grad, velocity, lr, momentum) -> (x_new, velocity_new)``, PyTorch's
  convention: velocity_new = momentum * velocity + grad; x_new = x - lr * velocity_new.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import label, normal
from adamlib.grading.framework import MUTATION, NO_RETURN, ArrayExercise, Mistake, StepCase
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


def _momentum_cases() -> list[StepCase]:
    rng = np.random.default_rng(303)
    cases = []
    for shape, dtype, lr, mom in [
        ((5,), np.float64, 0.1, 0.9),
        ((2, 3), np.float64, 0.03, 0.5),
        ((), np.float64, 0.2, 0.8),
        ((), np.float32, 0.05, 0.95),
        ((2, 2, 3), np.float32, 0.02, 0.7),
    ]:
        cases.append(
            StepCase(
                f"{label(shape, dtype)}, non-zero velocity, lr={lr}, momentum={mom}",
                {
                    "x": normal(rng, shape, dtype),
                    "grad": normal(rng, shape, dtype),
                    "velocity": normal(rng, shape, dtype),
                    "lr": lr,
                    "momentum": mom,
                },
            )
        )
    cases.append(
        StepCase(
            "vector of 4 float64, velocity starts at 0, lr=0.1, momentum=0.6, 4 consecutive steps",
            {
                "x": normal(rng, (4,)),
                "grad": normal(rng, (4,)),
                "velocity": np.zeros(4),
                "lr": 0.1,
                "momentum": 0.6,
            },
            later=[{"grad": normal(rng, (4,))} for _ in range(3)],
        )
    )
    cases.append(
        StepCase(
            "3x2 float64 matrix, momentum=0 (plain gradient descent), lr=0.3",
            {
                "x": normal(rng, (3, 2)),
                "grad": normal(rng, (3, 2)),
                "velocity": normal(rng, (3, 2)),
                "lr": 0.3,
                "momentum": 0.0,
            },
        )
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


def _mom_in_place(x, grad, velocity, lr, momentum):
    velocity *= momentum
    velocity += grad
    x -= lr * velocity
    return x, velocity


def _mom_no_return(x, grad, velocity, lr, momentum):
    velocity_new = momentum * velocity + grad
    x_new = x - lr * velocity_new  # noqa: F841


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
            Mistake(
                MUTATION,
                "`velocity *= ...`, `x -= ...` change the caller's arrays; build new ones: "
                "velocity_new = momentum * velocity + grad.",
                _mom_in_place,
            ),
            Mistake(NO_RETURN, "end with `return x_new, velocity_new`.", _mom_no_return),
        ],
    )
)
