"""``load_state_dict``, ``save`` and ``load`` of :class:`~adamlib.optim.base.Optimizer`.

What a resumed run needs to be bit-identical: every group's hyperparameters, every param's
step and state arrays, checked entry by entry before anything is written (a rejected state
changes nothing). Files are NumPy ``.npz`` archives, never pickle.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from adamlib.validation import is_integer

from .groups import _plain

if TYPE_CHECKING:
    from .base import Optimizer


def load_state_dict(opt: Optimizer, state_dict: Mapping[str, Any]) -> None:
    """Check ``state_dict`` against ``opt``, then copy it in (:meth:`Optimizer.load_state_dict`)."""
    kind = type(opt).__name__
    if not isinstance(state_dict, Mapping):
        raise ValueError(f"state_dict must be a dict, got {type(state_dict).__name__}")
    missing = {"optimizer", "param_groups", "state"} - set(state_dict)
    if missing:
        raise ValueError(f"state_dict lacks the key(s) {sorted(missing)}")
    if state_dict["optimizer"] != kind:
        raise ValueError(
            f"state_dict was saved from {state_dict['optimizer']}, cannot load into {kind}"
        )
    params, runs = opt._params, opt._runs
    n = len(params)
    groups = state_dict["param_groups"]
    if not isinstance(groups, (list, tuple)) or not all(isinstance(g, Mapping) for g in groups):
        raise ValueError("state_dict['param_groups'] must be a list of dicts")
    if len(groups) != len(runs):
        raise ValueError(
            f"state_dict has {len(groups)} param group(s), this optimizer has {len(runs)}"
        )
    saved_groups: list[dict[str, Any]] = []
    saved_ids: list[Any] = []  # saved_ids[i]: the key of param i in state_dict["state"]
    for k, (saved, run) in enumerate(zip(groups, runs, strict=True)):
        saved = dict(saved)
        ids = saved.pop("params", None)
        size = run.stop - run.start
        if not isinstance(ids, (list, tuple)) or len(ids) != size:
            count = len(ids) if isinstance(ids, (list, tuple)) else "?"
            if len(runs) == 1:
                raise ValueError(f"state_dict was made for {count} params, this optimizer has {n}")
            raise ValueError(
                f"param group {k} of state_dict has {count} params, this optimizer's "
                f"param group {k} has {size}"
            )
        saved_ids += list(ids)
        if not set(opt.defaults) <= set(saved):
            raise ValueError(
                f"state_dict lacks the hyperparameter(s) "
                f"{sorted(set(opt.defaults) - set(saved))} of {kind} in param group {k}"
            )
        for key in set(saved) - set(opt.defaults):  # e.g. a schedule's "initial_lr"
            value = saved[key]
            if not isinstance(value, (numbers.Real, tuple, list, str)):
                raise ValueError(f"state_dict has an unusable entry {key!r} in param group {k}")
        try:
            opt._check_hyperparameters(saved)
        except (TypeError, ValueError) as err:
            where = f" in param group {k}" if len(runs) > 1 else ""
            raise ValueError(f"state_dict has an invalid hyperparameter{where}: {err}") from err
        saved_groups.append(saved)
    if any(not is_integer(i) for i in saved_ids) or (len(set(saved_ids)) != n):
        raise ValueError("state_dict's param groups must number their params 0, 1, ...")
    states = state_dict["state"]
    if not isinstance(states, Mapping) or set(states) != set(saved_ids):
        raise ValueError(f"state_dict['state'] must have entries for params 0..{n - 1}")
    loaded: list[tuple[int, dict[str, float], set[str]]] = []  # per group
    for k, run in enumerate(runs):
        steps: set[int] = set()
        scalars: dict[str, set[float]] = {}
        names: set[str] | None = None
        for i in range(run.start, run.stop):
            entry = states[saved_ids[i]]
            name = opt._param_name(i)
            if not isinstance(entry, Mapping) or "step" not in entry:
                raise ValueError(f"state of {name} has no 'step'")
            step = entry["step"]
            if isinstance(step, np.ndarray) and step.ndim == 0:
                step = step.item()
            if isinstance(step, float) and step.is_integer():
                step = int(step)
            if not is_integer(step):
                raise ValueError(f"state of {name}: step must be an integer, got {step!r}")
            if step < 0:
                raise ValueError(f"state of {name}: step must be >= 0, got {step}")
            steps.add(int(step))
            for key in opt._scalar_state:
                value = entry.get(key)
                if isinstance(value, np.ndarray) and value.ndim == 0:
                    value = value.item()
                if not isinstance(value, numbers.Real) or not math.isfinite(value):
                    raise ValueError(f"state of {name}: {key} must be a finite number")
                scalars.setdefault(key, set()).add(float(value))
            keys = set(entry) - {"step"} - set(opt._scalar_state)
            unknown = keys - set(opt._state_keys)
            if unknown:
                raise ValueError(f"state of {name} has unknown entries {sorted(unknown)}")
            p = params[i]
            # the entries this param may hold (Adafactor: row_var, col_var or variance)
            keys |= {key for key in opt._state_keys if opt._state_shape(key, p) is None}
            if names is None:
                names = keys
            elif keys != names:
                raise ValueError(f"the states of param group {k} hold different entries")
            for key in keys & set(entry):
                arr = entry[key]
                if not isinstance(arr, np.ndarray):
                    raise ValueError(f"state of {name}: {key} is not an array")
                shape = opt._state_shape(key, p)
                if shape is None:
                    raise ValueError(f"state of {name}: {key} is not kept for this param")
                if arr.shape != shape:
                    raise ValueError(
                        f"state of {name}: {key} has shape {arr.shape}, expected {shape} "
                        f"(param has {p.shape})"
                    )
                if arr.dtype != p.dtype:
                    raise ValueError(
                        f"state of {name}: {key} has dtype {arr.dtype}, param has {p.dtype}"
                    )
        if len(steps) != 1:
            raise ValueError(
                f"the states of param group {k} have different step counts {sorted(steps)}"
            )
        for key, values in scalars.items():
            if len(values) != 1:
                raise ValueError(f"the states of param group {k} have different {key}")
        names = names or set()
        hyper = {key: _plain(saved_groups[k][key]) for key in opt.defaults}
        required = {n for n, fill in opt._state_arrays(hyper).items() if fill is not None}
        if steps != {0} and not required <= names:
            raise ValueError(
                f"state_dict lacks state arrays {sorted(required - names)} in param group {k}"
            )
        loaded.append((steps.pop(), {key: v.pop() for key, v in scalars.items()}, names))
    # everything checked: now write
    for run, saved, (step, scalar_values, names) in zip(runs, saved_groups, loaded, strict=True):
        group = run.group
        for key in [k for k in group if k != "params" and k not in saved]:
            del group[key]
        group.update(saved)
        for state in run.states:
            for key in [k for k in state if k not in names and isinstance(state[k], np.ndarray)]:
                del state[key]
        opt._create_state(run, names)
        for i, state in zip(range(run.start, run.stop), run.states, strict=True):
            state["step"] = step
            state.update(scalar_values)
            for key in names & set(states[saved_ids[i]]):
                np.copyto(state[key], states[saved_ids[i]][key])
        opt._accept_hyperparameters(run)  # and the arrays missing before the first step


def save(opt: Optimizer, path: str | os.PathLike[str]) -> None:
    """Write ``opt.state_dict()`` to ``path`` (see :meth:`Optimizer.save`)."""
    sd = opt.state_dict()
    arrays: dict[str, np.ndarray] = {"optimizer": np.array(sd["optimizer"])}
    for k, group in enumerate(sd["param_groups"]):
        for key, value in group.items():
            if value is None:  # (Muon's adjust_lr_fn) an array of None would need pickle
                arrays[f"group.{k}.{key}:none"] = np.array(True)
                continue
            if isinstance(value, (tuple, list)) and None in value:
                # None ("the default", Adafactor's eps[0]) as NaN: no object arrays, and
                # NaN is never a valid hyperparameter, so load() reads it back as None
                value = [math.nan if v is None else v for v in value]
            arrays[f"group.{k}.{key}"] = np.array(value)
    for i, entry in sd["state"].items():
        for key, value in entry.items():
            arrays[f"state.{i}.{key}"] = np.asarray(value)
    # NumPy's stub types savez's keyword arguments as arrays except allow_pickle (a bool),
    # which a **dict[str, ndarray] could name; these keys are "group.", "state." or
    # "optimizer".
    np.savez(path, **arrays)  # type: ignore[arg-type]


def load(opt: Optimizer, path: str | os.PathLike[str]) -> None:
    """Read a file of :func:`save` into ``opt`` (see :meth:`Optimizer.load`)."""
    with np.load(path, allow_pickle=False) as data:
        files = {k: data[k] for k in data.files}
    if "optimizer" not in files:
        raise ValueError(f"{path} is not an optimizer state saved by adamlib")
    groups: dict[int, dict[str, Any]] = {}
    state: dict[int, dict[str, Any]] = {}
    for key, arr in files.items():
        parts = key.split(".", 2)
        if parts[0] == "group" and len(parts) in (2, 3):
            if len(parts) == 2:  # written by adamlib before param groups: one group
                parts = ["group", "0", parts[1]]
            value = (
                tuple(None if v != v else v for v in arr.tolist())  # NaN: None (see save)
                if arr.ndim == 1
                else arr.item()
            )
            if parts[2].endswith(":none"):
                parts[2], value = parts[2].removesuffix(":none"), None
            groups.setdefault(int(parts[1]), {})[parts[2]] = value
        elif parts[0] == "state" and len(parts) == 3:
            scalar = parts[2] == "step" or parts[2] in opt._scalar_state
            state.setdefault(int(parts[1]), {})[parts[2]] = arr.item() if scalar else arr
        elif key != "optimizer":
            raise ValueError(f"{path}: unexpected entry {key!r}")
    for group in groups.values():
        if "params" in group:
            params = group["params"]
            group["params"] = list(params) if isinstance(params, tuple) else [params]
    opt.load_state_dict(
        {
            "optimizer": str(files["optimizer"]),
            "param_groups": [groups[k] for k in sorted(groups)],
            "state": state,
        }
    )
