"""Exercises of lecture 01 (gradient descent).

- ``gd_step(x, grad, lr) -> x_new``: one step of gradient descent, x_new = x - lr * grad.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading.cases import StepCases, normal
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

# ----------------------------------------------------------------------------------------------
# gd_step
# ----------------------------------------------------------------------------------------------


def gd_step(x: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    """Reference: one gradient-descent step ``x - lr * grad`` (a new array)."""
    return x - lr * grad


def _gd_cases() -> list[StepCase]:
    cases = StepCases(gd_step, seed=101)
    for shape, dtype, lr in [
        ((5,), np.float64, 0.1),
        ((2, 3), np.float64, 0.03),
        ((), np.float64, 0.5),
        ((), np.float32, 0.25),
        ((2, 2, 3), np.float32, 0.05),
        ((2, 2), np.float64, 1.5),
    ]:
        cases.add(f", lr={lr}", shape, dtype, x=normal, grad=normal, lr=lr)
    cases.add(", lr=0.2, 3 consecutive steps", (4,), x=normal, grad=normal, lr=0.2, later=2)
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
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# gradient_descent: the whole run, returning the path
# ----------------------------------------------------------------------------------------------


def gradient_descent(grad_fn, x0, lr, steps):
    """Reference: the path of gradient descent, shape ``(steps + 1, *x0.shape)``."""
    path = [np.array(x0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad_fn(path[-1]))
    return np.array(path)


def _quadratic_grad(x):
    return np.array([1.0, 10.0]) * x


def _rosenbrock_grad(x):
    from adamlib.functions import rosenbrock

    return rosenbrock.grad(x)


def _cubic_grad(x):  # f(x) = x**4 / 4 on a 0-d array: gradient x**3
    return x**3


def _path_cases() -> list[Call]:
    return [
        Call(
            "quadratic with eigenvalues 1 and 10, x0=(1.5, -0.8), lr=0.15, 12 steps",
            (_quadratic_grad, np.array([1.5, -0.8]), 0.15, 12),
        ),
        Call(
            "Rosenbrock from (-1.2, 1), lr=1e-3, 25 steps",
            (_rosenbrock_grad, np.array([-1.2, 1.0]), 1e-3, 25),
        ),
        Call(
            "f = x**4/4 on a 0-d array x0=1.3, lr=0.1, 6 steps",
            (_cubic_grad, np.array(1.3), 0.1, 6),
        ),
        Call(
            "zero steps: the path is just the start",
            (_quadratic_grad, np.array([0.3, 0.4]), 0.1, 0),
        ),
    ]


def _judge_path(call: Call, got, expected) -> str | None:
    if not isinstance(got, np.ndarray):
        return f"return a NumPy array (np.array(path)), got {type(got).__name__}"
    if got.shape != expected.shape:
        steps = call.args[3]
        return (
            f"expected shape {expected.shape} (steps + 1 = {steps + 1} rows: the start, then "
            f"one row per step), got {got.shape}"
        )
    if not np.array_equal(got[0], expected[0]):
        return "row 0 must be the start point x0"
    if not values_close(got, expected):
        bad = int(np.argmax([not values_close(g, e) for g, e in zip(got, expected, strict=True)]))
        return f"row {bad} is wrong: {expected_got(expected[bad], got[bad])}"
    return None


def _path_aliased(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x -= lr * grad_fn(x)
        path.append(x)
    return np.array(path)


def _path_no_start(grad_fn, x0, lr, steps):
    return gradient_descent(grad_fn, x0, lr, steps)[1:]


def _path_uphill(grad_fn, x0, lr, steps):
    path = [np.array(x0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] + lr * grad_fn(path[-1]))
    return np.array(path)


def _path_stale_gradient(grad_fn, x0, lr, steps):
    g0 = grad_fn(np.array(x0, dtype=float))
    return np.array([np.array(x0, dtype=float) - t * lr * g0 for t in range(steps + 1)])


register(
    FunctionExercise(
        id="gradient_descent",
        title="The whole run of gradient descent",
        points=2,
        reference=gradient_descent,
        output="path",
        cases=_path_cases,
        judge=_judge_path,
        mistakes=[
            Mistake(
                "every row is the same array (updated in place)",
                "`x -= ...` then `path.append(x)` stores the same array every time; append a "
                "new array: x = x - lr * grad_fn(x).",
                _path_aliased,
            ),
            Mistake(
                "start point missing from the path",
                "row 0 of the path is x0 itself; the result has steps + 1 rows.",
                _path_no_start,
            ),
            Mistake(
                "wrong sign (moving uphill)",
                "subtract the gradient: x_{t+1} = x_t - lr * grad_fn(x_t).",
                _path_uphill,
            ),
            Mistake(
                "gradient computed once at the start",
                "evaluate grad_fn at the current point in every step.",
                _path_stale_gradient,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# gd_optimal: the best learning rate on a quadratic and its rate
# ----------------------------------------------------------------------------------------------


def gd_optimal(lambda_min, lambda_max):
    """Reference: ``(2 / (λmin + λmax), (κ - 1) / (κ + 1))``."""
    return 2.0 / (lambda_min + lambda_max), (lambda_max - lambda_min) / (lambda_max + lambda_min)


def _optimal_cases() -> list[Call]:
    return [
        Call("lambda_min=1, lambda_max=10", (1.0, 10.0)),
        Call("lambda_min=0.5, lambda_max=2", (0.5, 2.0)),
        Call("lambda_min=2, lambda_max=2 (perfectly conditioned)", (2.0, 2.0)),
        Call("lambda_min=0.01, lambda_max=300", (0.01, 300.0)),
    ]


def _judge_optimal(call: Call, got, expected) -> str | None:
    if not isinstance(got, tuple | list) or len(got) != 2:
        return "return a pair (lr, rate)"
    names = ("lr", "rate")
    wrong = [
        f"{n}: {expected_got(e, g)}"
        for n, g, e in zip(names, got, expected, strict=True)
        if not values_close(g, e)
    ]
    return "; ".join(wrong) or None


register(
    FunctionExercise(
        id="gd_optimal",
        title="Optimal learning rate and rate on a quadratic",
        points=1,
        reference=gd_optimal,
        output="(lr, rate)",
        cases=_optimal_cases,
        judge=_judge_optimal,
        mistakes=[
            Mistake(
                "lr = 1/lambda_max (safe, not optimal)",
                "balance the two extreme eigenvalues: |1 - lr*lambda_min| = |1 - lr*lambda_max| "
                "gives lr = 2 / (lambda_min + lambda_max).",
                lambda lo, hi: (1.0 / hi, 1.0 - lo / hi),
            ),
            Mistake(
                "lr = 2/lambda_max (the divergence limit, not the optimum)",
                "at 2/lambda_max the steep direction stops converging; the optimum is "
                "2 / (lambda_min + lambda_max).",
                lambda lo, hi: (2.0 / hi, 1.0),
            ),
            Mistake(
                "rate written as kappa/(kappa+1)",
                "the rate is (kappa - 1)/(kappa + 1) with kappa = lambda_max/lambda_min.",
                lambda lo, hi: (2.0 / (lo + hi), (hi / lo) / (hi / lo + 1)),
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# steps_needed: smallest t with rate**t <= tol
# ----------------------------------------------------------------------------------------------


def steps_needed(rate, tol):
    """Reference: the smallest integer ``t >= 0`` with ``rate**t <= tol``."""
    t = int(np.ceil(np.log(tol) / np.log(rate)))
    while t > 0 and rate ** (t - 1) <= tol:
        t -= 1
    while rate**t > tol:
        t += 1
    return t


def _steps_cases() -> list[Call]:
    return [
        Call("rate=0.5, tol=1e-3", (0.5, 1e-3)),
        Call("rate=0.9, tol=1e-6", (0.9, 1e-6)),
        Call("rate=0.5, tol=0.25 (exact power: 2 steps)", (0.5, 0.25)),
        Call("rate=0.99, tol=0.5", (0.99, 0.5)),
        Call("rate=0.3, tol=1 (already there: 0 steps)", (0.3, 1.0)),
    ]


def _judge_steps(call: Call, got, expected) -> str | None:
    if isinstance(got, bool) or not isinstance(got, int | np.integer):
        return f"return an integer number of steps, got {type(got).__name__} {got!r}"
    if got != expected:
        return f"expected {expected}, got {got}"
    return None


register(
    FunctionExercise(
        id="steps_needed",
        title="Steps needed at a linear rate",
        points=1,
        reference=steps_needed,
        output="t",
        cases=_steps_cases,
        judge=_judge_steps,
        same_value=lambda a, b: isinstance(a, float) == isinstance(b, float) and a == b,
        mistakes=[
            Mistake(
                "rounded down (floor) instead of up",
                "you need rate**t <= tol, so round log(tol)/log(rate) up (np.ceil).",
                lambda rate, tol: int(np.floor(np.log(tol) / np.log(rate))),
            ),
            Mistake(
                "one step too many",
                "the smallest t with rate**t <= tol: check the boundary case rate**t == tol.",
                lambda rate, tol: int(np.floor(np.log(tol) / np.log(rate))) + 1,
            ),
            Mistake(
                "returned a float",
                "convert to int: int(np.ceil(...)).",
                lambda rate, tol: float(steps_needed(rate, tol)),
            ),
        ],
    )
)
