"""Regenerate the torch.optim reference data in tests/data/optim_reference/ (needs torch).

The references that are not in torch.optim (lion-pytorch's Lion, schedulefree's
AdamWScheduleFree) need the optional extra ``reference`` of pyproject.toml; an optimizer whose
reference is not installed is skipped with a message.

Usage::

    .venv/bin/python -m tools.make_optim_reference          # writes tests/data/optim_reference/
    .venv/bin/python -m tools.make_optim_reference --check  # compare with the committed files
    .venv/bin/python -m tools.make_optim_reference Adam     # only some optimizers
    .venv/bin/python -m tools.make_optim_reference schedules  # tests/data/schedule_reference/

Schedules: every case of :data:`SCHEDULE_CASES` runs torch.optim.lr_scheduler on a torch
optimizer; stored are the learning rate after construction and after each ``step()`` and, for
OneCycleLR, the cycled momentum (SGD's momentum or Adam's beta1).

Every optimizer of ``adamlib.optim.__all__`` runs with every option listed in its
``reference_cases`` in tests/optim_settings.py, in float64 and float32, over
:data:`STEPS` steps on each gradient sequence of :data:`SEQUENCES`:

- ``mixed``: a random scale per step, log-uniform in [1e-5, 1e3];
- ``tiny`` / ``huge``: scales around 1e-5 / 1e3;
- ``quadratic``: the gradient of a fixed diagonal quadratic (depends on the params) plus noise.

Every sequence has steps where the whole gradient is zero and steps where some coordinates are.
Gradients are exact: integers (stored as int16 in ``gradients.npz``) times a float64 scale per
step, so NumPy and torch see bit-identical inputs; the tests rebuild them with
:func:`gradients`. Stored per case: the params at the steps in ``snapshot_steps`` and the final
state arrays. Everything is small (well under 1 MB).

The params have the shapes :data:`SHAPES`; an optimizer of matrices only (``matrices_only`` in
tests/optim_settings.py: Muon) gets matrices of the same sizes instead (``param_shape``:
(4, 3), (1, 7), (1, 1)), listed as ``shapes`` in its file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

import adamlib.optim
from tests.optim_settings import (  # one place for every optimizer
    OPTIMIZERS,
    SETTINGS,
    make_reference,
    missing_reference,
    param_shape,
    reference_class,
)

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "optim_reference"
SCHEDULE_OUT = OUT.parent / "schedule_reference"
SHAPES: list[tuple[int, ...]] = [(4, 3), (7,), (1,)]
STEPS = 300
SEQUENCES = ("mixed", "tiny", "huge", "quadratic")
SNAPSHOT_STEPS = [1, 2, 3, 4, 5, 10, 20, 50] + list(range(100, STEPS + 1, 50))


#: optimizer -> list of keyword arguments; each runs on every sequence, in float64 and float32
CASES: dict[str, list[dict[str, Any]]] = {n: SETTINGS[n].reference_cases for n in OPTIMIZERS}


#: schedule cases: the optimizer it drives, the schedule and its arguments, the number of steps
SCHEDULE_CASES: list[dict[str, Any]] = [
    {"optimizer": ["SGD", {"lr": 0.1}], "schedule": ["StepLR", {"step_size": 3, "gamma": 0.5}],
     "steps": 20},
    {"optimizer": ["Adam", {"lr": 0.01}], "schedule": ["StepLR", {"step_size": 1}], "steps": 8},
    {"optimizer": ["SGD", {"lr": 0.1}], "schedule": ["ExponentialLR", {"gamma": 0.95}],
     "steps": 60},
    {"optimizer": ["SGD", {"lr": 0.3}], "schedule": ["CosineAnnealingLR", {"T_max": 10}],
     "steps": 45},
    {"optimizer": ["Adam", {"lr": 1e-3}],
     "schedule": ["CosineAnnealingLR", {"T_max": 25, "eta_min": 1e-5}], "steps": 80},
    {"optimizer": ["SGD", {"lr": 0.1}], "schedule": ["LinearLR", {}], "steps": 12},
    {"optimizer": ["Adam", {"lr": 1e-3}],
     "schedule": ["LinearLR", {"start_factor": 0.01, "total_iters": 20}], "steps": 30},
    {"optimizer": ["SGD", {"lr": 0.1}],
     "schedule": ["LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10}],
     "steps": 15},
    {"optimizer": ["SGD", {"lr": 0.1, "momentum": 0.9}],
     "schedule": ["OneCycleLR", {"max_lr": 0.5, "total_steps": 50}], "steps": 50},
    {"optimizer": ["Adam", {"lr": 1e-3}],
     "schedule": ["OneCycleLR", {"max_lr": 0.01, "epochs": 4, "steps_per_epoch": 10,
                                 "pct_start": 0.25, "div_factor": 10.0}], "steps": 40},
    {"optimizer": ["SGD", {"lr": 0.1, "momentum": 0.9}],
     "schedule": ["OneCycleLR", {"max_lr": 1.0, "total_steps": 30,
                                 "anneal_strategy": "linear"}], "steps": 30},
    {"optimizer": ["AdamW", {"lr": 1e-3}],
     "schedule": ["OneCycleLR", {"max_lr": 0.01, "total_steps": 60, "three_phase": True}],
     "steps": 60},
    {"optimizer": ["Adagrad", {"lr": 0.1}],
     "schedule": ["OneCycleLR", {"max_lr": 0.1, "total_steps": 20, "cycle_momentum": False}],
     "steps": 20},
    {"optimizer": ["SGD", {"lr": 0.2}],
     "schedule": ["SequentialLR", {
         "schedulers": [["LinearLR", {"start_factor": 0.1, "total_iters": 5}],
                        ["CosineAnnealingLR", {"T_max": 20}]],
         "milestones": [5]}], "steps": 30},
    {"optimizer": ["Adam", {"lr": 0.01}],
     "schedule": ["SequentialLR", {
         "schedulers": [["LinearLR", {"start_factor": 0.5, "total_iters": 4}],
                        ["ExponentialLR", {"gamma": 0.9}],
                        ["StepLR", {"step_size": 2, "gamma": 0.5}]],
         "milestones": [4, 10]}], "steps": 20},
]  # fmt: skip


# ----------------------------------------------------------------------------------------------
# gradients (the tests rebuild them the same way, from gradients.npz)
# ----------------------------------------------------------------------------------------------
def make_gradient_data(seed: int = 0) -> dict[str, np.ndarray]:
    """Draw the integer gradient sequences, the scales, the start point and the quadratic."""
    rng = np.random.default_rng(seed)
    n = sum(int(np.prod(s)) for s in SHAPES)
    ints = rng.integers(-32767, 32768, size=(len(SEQUENCES), STEPS, n)).astype(np.int16)
    sparse = rng.random((len(SEQUENCES), STEPS, n)) < 0.2  # some coordinates zero
    ints[sparse & (rng.random((len(SEQUENCES), STEPS, 1)) < 0.3)] = 0
    ints[rng.random((len(SEQUENCES), STEPS)) < 0.1] = 0  # whole gradient zero on some steps
    scales = np.empty((len(SEQUENCES), STEPS))
    exponents = {
        "mixed": rng.uniform(-5, 3, STEPS),
        "tiny": -5 + rng.uniform(-0.3, 0.3, STEPS),
        "huge": 3 + rng.uniform(-0.3, 0.3, STEPS),
        "quadratic": -2 + rng.uniform(-1, 1, STEPS),  # noise on top of the quadratic's gradient
    }
    for k, name in enumerate(SEQUENCES):
        scales[k] = 10.0 ** exponents[name] / 32768.0
    return {
        "sequences": np.array(SEQUENCES),
        "ints": ints,
        "scales": scales,
        # start point, curvature and centre are exact in float32 (k / 64)
        "x0": rng.integers(-128, 129, n) / 64.0,
        "curvature": rng.integers(1, 257, n) / 64.0,
        "center": rng.integers(-64, 65, n) / 64.0,
        "snapshot_steps": np.array(SNAPSHOT_STEPS),
        "shapes": np.array(json.dumps(SHAPES)),
    }


def split(flat: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Cut a flat array into pieces of the given shapes (copies)."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[start : start + size].reshape(shape).copy())
        start += size
    return out


def gradients(
    data: dict[str, np.ndarray], sequence: str, t: int, params: list[np.ndarray]
) -> list[np.ndarray]:
    """The gradient at step ``t`` (0-based) of ``sequence`` for the current ``params``."""
    k = list(data["sequences"]).index(sequence)
    dtype = params[0].dtype
    g = (data["ints"][k, t].astype(np.float64) * data["scales"][k, t]).astype(dtype)
    if sequence == "quadratic":
        x = np.concatenate([p.reshape(-1) for p in params])
        g = g + data["curvature"].astype(dtype) * (x - data["center"].astype(dtype))
    return split(g, [p.shape for p in params])


# ----------------------------------------------------------------------------------------------
# torch runs
# ----------------------------------------------------------------------------------------------
def run_torch(
    name: str,
    kwargs: dict[str, Any],
    dtype: str,
    sequence: str,
    data: dict[str, np.ndarray],
    foreach: bool | None = None,
) -> dict[str, np.ndarray]:
    """Run the reference of optimizer ``name`` on a sequence; return snapshots and final state.

    The reference is named in tests/optim_settings.py: a class with torch.optim's interface
    (``torch.optim.<name>`` by default, or a pinned package's), or an independent NumPy formula.
    """
    reference = SETTINGS[name].reference_for(name)
    shapes = param_shapes(name, data)
    if callable(reference):
        return _run_formula(reference, kwargs, dtype, sequence, data, shapes)
    import inspect

    import torch

    x0 = data["x0"].astype(dtype)
    params = [torch.tensor(p) for p in split(x0, shapes)]
    takes_foreach = (
        SETTINGS[name].foreach  # (not Muon's)
        and "foreach" in inspect.signature(reference_class(name)).parameters
    )
    # torch.optim: foreach=None is its default; a package's default is kept unless asked
    extra = (
        {"foreach": foreach}
        if takes_foreach and (foreach is not None or reference.startswith("torch."))
        else {}
    )
    opt = make_reference(name, params, **kwargs, **extra)
    snaps = []
    snapshot_steps = set(data["snapshot_steps"].tolist())
    for t in range(STEPS):
        gs = gradients(data, sequence, t, [p.detach().numpy() for p in params])
        for p, g in zip(params, gs, strict=True):
            p.grad = torch.from_numpy(g)
        opt.step()
        if t + 1 in snapshot_steps:
            snaps.append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
    out = {"snapshots": np.array(snaps)}
    # every param's arrays, in order; a param may lack some (Adafactor: row_var and col_var
    # for matrices, variance for vectors)
    keys = sorted({k for p in params for k in opt.state[p] if k != "step"})
    for key in keys:
        held = [p for p in params if key in opt.state[p]]
        out[f"state.{key}"] = np.concatenate([opt.state[p][key].numpy().reshape(-1) for p in held])
        if opt.state[held[0]][key].ndim == 0:  # a scalar (NAdam's mu_product): keep one
            out[f"state.{key}"] = out[f"state.{key}"][:1]
    # scalar state the reference keeps in its param group (schedulefree's weight_sum, lr_max)
    for key in getattr(adamlib.optim, name)._scalar_state:
        if key not in keys and key in opt.param_groups[0]:
            out[f"state.{key}"] = np.array([float(opt.param_groups[0][key])])
    return out


def param_shapes(name: str, data: dict[str, np.ndarray]) -> list[tuple[int, ...]]:
    """The shapes of optimizer ``name``'s params: those of ``gradients.npz`` (:data:`SHAPES`),
    or matrices of the same sizes for an optimizer of matrices only."""
    return [param_shape(name, tuple(s)) for s in json.loads(str(data["shapes"]))]


def _run_formula(
    formula: Any,
    kwargs: dict[str, Any],
    dtype: str,
    sequence: str,
    data: dict[str, np.ndarray],
    shapes: list[tuple[int, ...]],
) -> dict[str, np.ndarray]:
    """Run an independent NumPy formula ``formula(params, grads, state, t, **kwargs)``."""
    params = split(data["x0"].astype(dtype), shapes)
    state: dict[str, list[np.ndarray]] = {}
    snaps = []
    snapshot_steps = set(data["snapshot_steps"].tolist())
    for t in range(STEPS):
        formula(params, gradients(data, sequence, t, params), state, t + 1, **kwargs)
        if t + 1 in snapshot_steps:
            snaps.append(np.concatenate([p.reshape(-1) for p in params]))
    out = {"snapshots": np.array(snaps)}
    for key in sorted(state):
        out[f"state.{key}"] = np.concatenate([a.reshape(-1) for a in state[key]])
    return out


def run_torch_schedule(case: dict[str, Any]) -> dict[str, np.ndarray]:
    """Run one schedule case with torch; return the learning rates (and momenta) per step."""
    import warnings

    import torch

    param = torch.zeros(2, requires_grad=True)
    opt_name, opt_kwargs = case["optimizer"]
    opt = getattr(torch.optim, opt_name)([param], **opt_kwargs)
    sched_name, sched_kwargs = case["schedule"]
    lrs = torch.optim.lr_scheduler
    if sched_name == "SequentialLR":
        parts = [getattr(lrs, n)(opt, **kw) for n, kw in sched_kwargs["schedulers"]]
        sched = lrs.SequentialLR(opt, parts, milestones=sched_kwargs["milestones"])
    else:
        sched = getattr(lrs, sched_name)(opt, **sched_kwargs)
    lr, momentum = [sched.get_last_lr()[0]], [_momentum(opt.param_groups[0])]
    param.grad = torch.zeros(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(case["steps"] - (sched_name == "OneCycleLR")):
            opt.step()
            sched.step()
            lr.append(sched.get_last_lr()[0])
            momentum.append(_momentum(opt.param_groups[0]))
    return {"lr": np.array(lr), "momentum": np.array(momentum)}


def _momentum(group: dict[str, Any]) -> float:
    if "betas" in group:
        return float(group["betas"][0])
    return float(group.get("momentum", np.nan))


def build_schedules() -> dict[str, np.ndarray]:
    """Reference arrays for all schedule cases."""
    arrays: dict[str, np.ndarray] = {"cases": np.array(json.dumps(SCHEDULE_CASES))}
    for k, case in enumerate(SCHEDULE_CASES):
        for key, value in run_torch_schedule(case).items():
            arrays[f"c{k}.{key}"] = value
    return arrays


def case_list(name: str) -> list[dict[str, Any]]:
    """All (kwargs, dtype, sequence) combinations for one optimizer."""
    return [
        {"kwargs": kwargs, "dtype": dtype, "sequence": seq}
        for kwargs in CASES[name]
        for dtype in ("float64", "float32")
        for seq in SEQUENCES
    ]


def build(name: str, data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """All reference arrays of one optimizer, ready for np.savez_compressed."""
    cases = case_list(name)
    arrays: dict[str, np.ndarray] = {"cases": np.array(json.dumps(cases))}
    shapes = param_shapes(name, data)
    if shapes != [tuple(s) for s in SHAPES]:  # matrices of the same sizes (Muon)
        arrays["shapes"] = np.array(json.dumps(shapes))
    for k, case in enumerate(cases):
        result = run_torch(name, case["kwargs"], case["dtype"], case["sequence"], data)
        for key, value in result.items():
            arrays[f"c{k}.{key}"] = value
    return arrays


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with committed files")
    parser.add_argument(
        "names", nargs="*", default=[*CASES, "schedules"], help="optimizers (or 'schedules')"
    )
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    data = make_gradient_data()
    if args.check:
        with np.load(OUT / "gradients.npz") as stored:
            same = all(np.array_equal(stored[k], data[k]) for k in data)
        print("gradients.npz", "identical" if same else "DIFFERENT")
    else:
        np.savez_compressed(OUT / "gradients.npz", **data)
    status = 0
    for name in args.names:
        missing = missing_reference(name) if name in SETTINGS else None
        if missing is not None:  # e.g. lion_pytorch: pip install -e '.[reference]'
            print(
                f"skipped {name}: its reference needs {missing}, which is not installed "
                "(the optional extra 'reference' of pyproject.toml)"
            )
            continue
        if name == "schedules":
            SCHEDULE_OUT.mkdir(parents=True, exist_ok=True)
            arrays, path = build_schedules(), SCHEDULE_OUT / "schedules.npz"
        else:
            arrays, path = build(name, data), OUT / f"{name}.npz"
        if args.check:
            with np.load(path) as stored:
                same = set(stored.files) == set(arrays) and all(
                    np.array_equal(stored[k], arrays[k], equal_nan=arrays[k].dtype.kind == "f")
                    for k in arrays
                )
            print(path.name, "identical" if same else "DIFFERENT")
            status |= not same
        else:
            np.savez_compressed(path, **arrays)
            print(
                f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB, "
                f"{len(json.loads(str(arrays['cases'])))} cases, torch {torch.__version__})"
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
