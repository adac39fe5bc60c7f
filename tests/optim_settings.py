"""Per-optimizer settings for the tests, the reference-data tool and the benchmarks: one place.

Every public optimizer of :mod:`adamlib.optim` (``adamlib.optim.__all__`` except ``Optimizer``)
needs an entry here; tests/test_optim.py checks that. See adamlib/optim/README.md.

- ``lectures``: the lectures that derive it (its docstring must name them);
- ``defaults``: its keyword defaults, those of the reference implementation;
- ``full_options``: options that switch on all of its state arrays (API, dtype, resume tests);
- ``reference_cases``: keyword arguments for tools/make_optim_reference.py, each run on every
  gradient sequence in float64 and float32; together they must use every option;
- ``bench_options``: the hyperparameters benchmarks/bench_optim.py times;
- ``reference``: what produces the reference trajectories: ``"torch.optim.Adam"``-style dotted
  path of a class with torch.optim's interface (torch.optim or a pinned package from PyPI, e.g.
  ``"lion_pytorch.Lion"``), or a NumPy function ``step(params, grads, state, t, **options)``
  written independently from the formula (for an optimizer no package implements).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import adamlib.optim

OPTIMIZERS = [name for name in adamlib.optim.__all__ if name != "Optimizer"]


@dataclass(frozen=True)
class Settings:
    """How the tests, the reference data and the benchmarks exercise one optimizer."""

    lectures: tuple[str, ...]
    defaults: dict[str, Any]
    full_options: dict[str, Any]
    reference_cases: list[dict[str, Any]]
    bench_options: dict[str, Any]
    reference: str | Callable[..., None] = ""

    def reference_for(self, name: str) -> str | Callable[..., None]:
        """The reference: ``torch.optim.<name>`` unless another is given."""
        return self.reference or f"torch.optim.{name}"


SETTINGS: dict[str, Settings] = {
    "SGD": Settings(
        lectures=("01_gradient_descent", "03_momentum"),
        defaults={
            "lr": 0.001,
            "momentum": 0,
            "dampening": 0,
            "weight_decay": 0,
            "nesterov": False,
            "maximize": False,
        },
        full_options={"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.05},
            {"lr": 0.01, "momentum": 0.9},
            {"lr": 0.01, "momentum": 0.9, "dampening": 0.5},
            {"lr": 0.01, "momentum": 0.9, "dampening": 0.9},
            {"lr": 0.01, "momentum": 0.9, "nesterov": True},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True},
            {"lr": 0.01, "maximize": True},
            {"lr": 0.01, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01, "maximize": True},
        ],
        bench_options={"lr": 0.001, "momentum": 0.9},
    ),
    "Adagrad": Settings(
        lectures=("04_adagrad",),
        defaults={
            "lr": 0.01,
            "lr_decay": 0,
            "weight_decay": 0,
            "initial_accumulator_value": 0,
            "eps": 1e-10,
            "maximize": False,
        },
        full_options={
            "lr": 0.1,
            "lr_decay": 0.01,
            "weight_decay": 0.01,
            "initial_accumulator_value": 0.1,
        },
        reference_cases=[
            {},
            {"lr": 0.1},
            {"lr": 0.1, "lr_decay": 0.01},
            {"lr": 0.1, "weight_decay": 0.1},
            {"lr": 0.1, "initial_accumulator_value": 0.1},
            {"lr": 0.1, "eps": 0.001},
            {"lr": 0.1, "maximize": True},
            {
                "lr": 0.1,
                "lr_decay": 0.05,
                "weight_decay": 0.01,
                "initial_accumulator_value": 1.0,
                "eps": 1e-06,
                "maximize": True,
            },
        ],
        bench_options={"lr": 0.01},
    ),
    "RMSprop": Settings(
        lectures=("05_rmsprop",),
        defaults={
            "lr": 0.01,
            "alpha": 0.99,
            "eps": 1e-08,
            "weight_decay": 0,
            "momentum": 0,
            "centered": False,
            "maximize": False,
        },
        full_options={"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.001, "alpha": 0.9},
            {"lr": 0.001, "centered": True},
            {"lr": 0.001, "momentum": 0.9},
            {"lr": 0.001, "momentum": 0.5, "centered": True},
            {"lr": 0.001, "weight_decay": 0.1},
            {"lr": 0.001, "eps": 0.001},
            {"lr": 0.001, "alpha": 0.3},
            {"lr": 0.001, "maximize": True},
            {
                "lr": 0.001,
                "alpha": 0.95,
                "eps": 1e-06,
                "weight_decay": 0.01,
                "momentum": 0.8,
                "centered": True,
                "maximize": True,
            },
        ],
        bench_options={"lr": 0.01},
    ),
    "Adam": Settings(
        lectures=("06_adam",),
        defaults={
            "lr": 0.001,
            "betas": (0.9, 0.999),
            "eps": 1e-08,
            "weight_decay": 0,
            "amsgrad": False,
            "maximize": False,
        },
        full_options={"lr": 0.01, "amsgrad": True, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.01, "betas": (0.8, 0.99)},
            {"lr": 0.01, "betas": (0.3, 0.6)},
            {"lr": 0.01, "betas": (0.0, 0.0)},
            {"lr": 0.01, "amsgrad": True},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "eps": 0.001},
            {"lr": 0.01, "maximize": True},
            {
                "lr": 0.01,
                "betas": (0.9, 0.95),
                "eps": 1e-06,
                "weight_decay": 0.01,
                "amsgrad": True,
                "maximize": True,
            },
        ],
        bench_options={"lr": 0.001},
    ),
    "AdamW": Settings(
        lectures=("06_adam",),
        defaults={
            "lr": 0.001,
            "betas": (0.9, 0.999),
            "eps": 1e-08,
            "weight_decay": 0.01,
            "amsgrad": False,
            "maximize": False,
        },
        full_options={"lr": 0.01, "amsgrad": True},
        reference_cases=[
            {},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "weight_decay": 0.0},
            {"lr": 0.01, "amsgrad": True},
            {"lr": 0.01, "maximize": True},
            {
                "lr": 0.01,
                "betas": (0.5, 0.9),
                "eps": 1e-06,
                "weight_decay": 0.5,
                "amsgrad": True,
                "maximize": True,
            },
        ],
        bench_options={"lr": 0.001, "weight_decay": 0.01},
    ),
    "NAdam": Settings(
        lectures=("08_beyond_adam",),
        defaults={
            "lr": 0.002,
            "betas": (0.9, 0.999),
            "eps": 1e-08,
            "weight_decay": 0,
            "momentum_decay": 0.004,
            "decoupled_weight_decay": False,
            "maximize": False,
        },
        full_options={"lr": 0.01, "weight_decay": 0.01, "decoupled_weight_decay": True},
        reference_cases=[
            {},
            {"lr": 0.01, "betas": (0.8, 0.99)},
            {"lr": 0.01, "momentum_decay": 0.05},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
            {"lr": 0.01, "eps": 0.001},
            {"lr": 0.01, "maximize": True},
        ],
        bench_options={"lr": 0.002},
    ),
    "Adamax": Settings(
        lectures=("08_beyond_adam",),
        defaults={
            "lr": 0.002,
            "betas": (0.9, 0.999),
            "eps": 1e-08,
            "weight_decay": 0,
            "maximize": False,
        },
        full_options={"lr": 0.01, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.01, "betas": (0.8, 0.99)},
            {"lr": 0.01, "betas": (0.3, 0.5)},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "eps": 0.001},
            {"lr": 0.01, "maximize": True},
        ],
        bench_options={"lr": 0.002},
    ),
    "Adadelta": Settings(
        lectures=("08_beyond_adam",),
        defaults={"lr": 1.0, "rho": 0.9, "eps": 1e-06, "weight_decay": 0, "maximize": False},
        full_options={"lr": 0.5, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.1, "rho": 0.5},
            {"lr": 0.1, "rho": 0.99},
            {"lr": 0.1, "eps": 0.001},
            {"lr": 0.1, "weight_decay": 0.1},
            {"lr": 0.1, "maximize": True},
        ],
        bench_options={"lr": 1.0},
    ),
    "RAdam": Settings(
        lectures=("08_beyond_adam",),
        defaults={
            "lr": 0.001,
            "betas": (0.9, 0.999),
            "eps": 1e-08,
            "weight_decay": 0,
            "decoupled_weight_decay": False,
            "maximize": False,
        },
        full_options={"lr": 0.01, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.01, "betas": (0.8, 0.99)},
            {"lr": 0.01, "betas": (0.9, 0.9)},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
            {"lr": 0.01, "eps": 0.001},
            {"lr": 0.01, "maximize": True},
        ],
        bench_options={"lr": 0.001},
    ),
}
