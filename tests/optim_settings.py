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
  ``"lion_pytorch.Lion"``, listed in the optional extra ``reference`` of pyproject.toml; or a
  torch class adapted in tests/torch_references.py, e.g. Muon's Newton–Schulz iteration in full
  precision), or a NumPy function ``step(params, grads, state, t, **options)`` written
  independently from the formula (for an optimizer no package implements). Without the
  package the reference tool skips the optimizer and the live tests skip; the committed
  reference data is still checked.
- ``matrices_only``: it updates 2-D params only (Muon); the tests, the reference data and the
  benchmarks then give it matrices of the sizes they give the others (:func:`param_shape`).
- ``foreach``: the reference class takes torch's ``foreach`` option (then its foreach
  implementation is compared too); torch's Muon has one implementation only.
"""

from __future__ import annotations

import importlib
import math
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
    matrices_only: bool = False
    foreach: bool = True

    def reference_for(self, name: str) -> str | Callable[..., None]:
        """The reference: ``torch.optim.<name>`` unless another is given."""
        return self.reference or f"torch.optim.{name}"

    def reference_packages(self, name: str) -> list[str]:
        """The modules the reference needs: torch, and the pinned package if any (the optional
        extra ``reference`` of pyproject.toml); none for a NumPy formula."""
        reference = self.reference_for(name)
        if callable(reference):
            return []
        return sorted({"torch", reference.split(".")[0]})


def missing_reference(name: str) -> str | None:
    """The first module optimizer ``name``'s reference needs that is not installed, or None."""
    import importlib.util

    for module in SETTINGS[name].reference_packages(name):
        if importlib.util.find_spec(module) is None:
            return module
    return None


def reference_class(name: str) -> Any:
    """The reference class of optimizer ``name`` (raises ImportError when not installed)."""

    reference = SETTINGS[name].reference_for(name)
    assert isinstance(reference, str), f"{name}'s reference is a formula, not a class"
    module, _, attr = reference.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def make_reference(name: str, params: Any, **kwargs: Any) -> Any:
    """The reference optimizer over torch ``params``, ready to step.

    A reference with a train/eval switch (``schedulefree``) is put in train mode, the mode our
    optimizers start in (``schedulefree`` starts in eval mode and refuses to step).
    """
    opt = reference_class(name)(params, **kwargs)
    if callable(getattr(opt, "train", None)):
        opt.train()
    return opt


def param_shape(name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape optimizer ``name`` accepts with as many elements as ``shape``: ``shape`` itself,
    or for an optimizer of matrices only (Muon) a matrix as square as the size allows:
    ``(12,) -> (3, 4)``, ``(7,) -> (1, 7)``, ``() -> (1, 1)``; matrices stay as they are."""
    if not SETTINGS[name].matrices_only or len(shape) == 2:
        return shape
    size = math.prod(shape)
    rows = max((d for d in range(1, math.isqrt(size) + 1) if size % d == 0), default=1)
    return (rows, size // rows)


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
    "Muon": Settings(
        lectures=("11_beyond_the_diagonal",),
        defaults={
            "lr": 0.001,
            "weight_decay": 0.1,
            "momentum": 0.95,
            "nesterov": True,
            "ns_coefficients": (3.4445, -4.775, 2.0315),
            "eps": 1e-07,
            "ns_steps": 5,
            "adjust_lr_fn": None,
        },
        full_options={"lr": 0.02, "weight_decay": 0.01},
        # lr 0.005: on the "quadratic" sequence (gradients that depend on the params) Muon's step
        # does not shrink near the minimum, and there rounding differences grow chaotically
        # (at lr 0.02, to 1e-2 by step 250); at 0.005 the 300 steps stay at rounding (~4e-16)
        reference_cases=[
            {},
            {"lr": 0.005},
            {"lr": 0.005, "weight_decay": 0.0},
            {"lr": 0.005, "momentum": 0.5},
            {"lr": 0.005, "momentum": 0.0},
            {"lr": 0.005, "nesterov": False},
            {"lr": 0.005, "ns_coefficients": (1.5, -0.5, 0.0)},  # the cubic Newton–Schulz
            {"lr": 0.005, "ns_steps": 2},
            {"lr": 0.005, "ns_steps": 0},  # the update divided by its norm, no iteration
            {"lr": 0.005, "eps": 0.1},
            {"lr": 0.005, "adjust_lr_fn": "original"},
            {"lr": 0.005, "adjust_lr_fn": "match_rms_adamw"},
            {
                "lr": 0.005,
                "weight_decay": 0.5,
                "momentum": 0.9,
                "nesterov": False,
                "ns_coefficients": (3.0, -3.2, 1.2),
                "eps": 1e-05,
                "ns_steps": 7,
                "adjust_lr_fn": "match_rms_adamw",
            },
        ],
        bench_options={"lr": 0.02},
        reference="tests.torch_references.FullPrecisionMuon",
        matrices_only=True,
        foreach=False,
    ),
    "Adafactor": Settings(
        lectures=("12_lean_and_schedule_free",),
        defaults={
            "lr": 0.01,
            "beta2_decay": -0.8,
            "eps": (None, 0.001),
            "d": 1.0,
            "weight_decay": 0.0,
            "maximize": False,
        },
        full_options={"lr": 0.01, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.1},
            # (not -0.5 or 0: closer to sign descent, the float32 quadratic run is chaotic)
            {"lr": 0.05, "beta2_decay": -0.7},
            {"lr": 0.05, "eps": (1e-12, 0.001)},
            {"lr": 0.05, "eps": (None, 0.1)},
            {"lr": 0.05, "d": 2.0},
            {"lr": 0.05, "weight_decay": 0.1},
            {"lr": 0.05, "maximize": True},
            {
                "lr": 0.02,
                "beta2_decay": -0.6,
                "eps": (1e-10, 0.01),
                "d": 1.5,
                "weight_decay": 0.05,
                "maximize": True,
            },
        ],
        bench_options={"lr": 0.01},
    ),
    "Lion": Settings(
        lectures=("12_lean_and_schedule_free",),
        defaults={"lr": 0.0001, "betas": (0.9, 0.99), "weight_decay": 0.0},
        full_options={"lr": 0.001, "weight_decay": 0.01},
        reference_cases=[
            {},
            {"lr": 0.001},
            {"lr": 0.001, "betas": (0.95, 0.98)},
            {"lr": 0.001, "betas": (0.0, 0.5)},
            {"lr": 0.001, "weight_decay": 0.1},
            {"lr": 0.0003, "betas": (0.5, 0.9), "weight_decay": 1.0},
        ],
        bench_options={"lr": 0.0001},
        reference="lion_pytorch.Lion",
    ),
    "ScheduleFreeAdamW": Settings(
        lectures=("12_lean_and_schedule_free",),
        defaults={
            "lr": 0.0025,
            "betas": (0.9, 0.999),
            "eps": 1e-08,
            "weight_decay": 0,
            "warmup_steps": 0,
            "r": 0.0,
            "weight_lr_power": 2.0,
        },
        full_options={"lr": 0.01, "weight_decay": 0.01, "warmup_steps": 2},
        reference_cases=[
            {},
            {"lr": 0.01, "betas": (0.8, 0.99)},
            {"lr": 0.01, "betas": (0.5, 0.9)},
            {"lr": 0.01, "eps": 0.001},
            {"lr": 0.01, "weight_decay": 0.1},
            {"lr": 0.01, "warmup_steps": 20},
            {"lr": 0.01, "r": 1.0},
            {"lr": 0.01, "weight_lr_power": 0.0},
            {
                "lr": 0.005,
                "betas": (0.95, 0.99),
                "eps": 1e-06,
                "weight_decay": 0.05,
                "warmup_steps": 10,
                "r": 0.5,
                "weight_lr_power": 1.0,
            },
        ],
        bench_options={"lr": 0.0025},
        reference="schedulefree.AdamWScheduleFree",
    ),
}
