"""Parameter groups (issue 20): several sets of hyperparameters in one optimizer, as in torch.optim.

``Opt([{"params": [...], "lr": ...}, {"params": [...]}], lr=..., ...)``: each group takes the
defaults for what it does not set; ``step(grads)`` takes the gradients in the order of the
params, group after group. Compared live with torch.optim (tests marked ``torch``) for every
optimizer of ``adamlib.optim.__all__``, with different lr / weight_decay / betas / momentum per
group, hyperparameters changed between steps, ``add_param_group``, ``state_dict`` round trips
and ``adamlib.schedules``.
"""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from optim_settings import (
    OPTIMIZERS,
    SETTINGS,
    make_reference,
    missing_reference,
    param_shape,
)

import adamlib.optim as optim
import adamlib.schedules as schedules
from adamlib.optim import SGD, Adam, AdamW

NAMES = OPTIMIZERS
SHAPES = [[(3, 2), (4,)], [(5,)], [(2, 2), (1,)]]  # three groups of params
RTOL = 1e-9  # float64, as in tests/test_optim_reference.py


def keywords(name: str) -> set[str]:
    return set(inspect.signature(getattr(optim, name)).parameters)


def group_options(name: str) -> list[dict[str, Any]]:
    """Per-group hyperparameters that differ from the defaults and from each other."""
    kw = keywords(name)
    lr = SETTINGS[name].full_options.get("lr", SETTINGS[name].defaults["lr"])
    groups: list[dict[str, Any]] = [{"lr": 0.5 * lr}, {}, {"lr": 2.0 * lr}]
    if "weight_decay" in kw:  # e.g. no decay on biases
        groups[0]["weight_decay"] = 0.1
        groups[2]["weight_decay"] = 0.0
    if "betas" in kw:
        groups[1]["betas"] = (0.8, 0.99)
    if "momentum" in kw:
        groups[2]["momentum"] = 0.5
    if "eps" in kw:  # (Adafactor's eps is a pair (eps1, eps2))
        default = SETTINGS[name].defaults["eps"]
        groups[1]["eps"] = (1e-12, 0.01) if isinstance(default, tuple) else 1e-6
    return groups


def group_shapes(name: str) -> list[list[tuple[int, ...]]]:
    """:data:`SHAPES`, or matrices of the same sizes for an optimizer of matrices (Muon)."""
    return [[param_shape(name, s) for s in shapes] for shapes in SHAPES]


def make_params(name: str, seed: int = 0) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=s) for s in shapes] for shapes in group_shapes(name)]


def gradient_steps(name: str, n: int, seed: int = 1) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    shapes = [s for group in group_shapes(name) for s in group]
    return [[rng.normal(size=s) for s in shapes] for _ in range(n)]


def ours(name: str, params: list[list[np.ndarray]]) -> optim.Optimizer:
    groups = [{"params": p, **o} for p, o in zip(params, group_options(name), strict=True)]
    return getattr(optim, name)(groups, **SETTINGS[name].full_options)


def skip_without_reference(name: str) -> None:
    """Skip unless torch and ``name``'s reference package (lion-pytorch, ...) are installed."""
    missing = missing_reference(name)
    if missing is not None:
        pytest.skip(f"{missing} is not installed (optional extra 'reference')")


def theirs(name: str, params: list[list[np.ndarray]]) -> tuple[Any, list[Any]]:
    skip_without_reference(name)
    import torch

    tensors = [[torch.tensor(p) for p in group] for group in params]
    groups = [{"params": t, **o} for t, o in zip(tensors, group_options(name), strict=True)]
    opt = make_reference(name, groups, **SETTINGS[name].full_options)
    return opt, [t for group in tensors for t in group]


def torch_step(opt: Any, tensors: list[Any], grads: list[np.ndarray]) -> None:
    import torch

    for t, g in zip(tensors, grads, strict=True):
        t.grad = torch.from_numpy(g.copy())
    opt.step()


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = float(np.max(np.abs(b))) or 1.0
    return float(np.max(np.abs(a - b))) / scale


def assert_same_as_torch(opt: optim.Optimizer, topt: Any, tensors: list[Any]) -> None:
    for i, (p, t) in enumerate(zip(opt.params, tensors, strict=True)):
        err = relative_error(p, t.detach().numpy())
        assert err <= RTOL, f"param {i}: relative error {err:.2g}"
        for key, value in topt.state[t].items():
            if key == "step" or value.ndim == 0:
                continue
            err = relative_error(opt.state[i][key], value.numpy())
            assert err <= RTOL, f"state {key} of param {i}: relative error {err:.2g}"


def fingerprint(opt: optim.Optimizer) -> tuple:
    """Everything a step could change, in every group, as bytes."""
    params = tuple(p.tobytes() for p in opt.params)
    state = tuple(
        tuple(sorted((k, v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in st.items()))
        for st in opt.state
    )
    groups = tuple(
        tuple(sorted((k, repr(v)) for k, v in g.items() if k != "params")) for g in opt.param_groups
    )
    return params, state, groups


# ----------------------------------------------------------------------------------------------
# the API
# ----------------------------------------------------------------------------------------------
def test_each_group_takes_the_defaults_for_what_it_does_not_set() -> None:
    w, b = np.zeros((2, 3)), np.zeros(3)
    opt = AdamW([{"params": [w]}, {"params": b, "weight_decay": 0.0, "name": "biases"}], lr=0.1)
    g0, g1 = opt.param_groups
    assert g0["params"][0] is w and g1["params"][0] is b  # a single array becomes a list
    assert g0["lr"] == g1["lr"] == 0.1
    assert g0["weight_decay"] == 0.01 and g1["weight_decay"] == 0.0
    assert g1["name"] == "biases"  # unknown keys stay in the group, as in torch
    assert opt.defaults["weight_decay"] == 0.01
    assert opt.params == [w, b]
    assert "Parameter Group 1" in repr(opt)


def test_the_gradients_are_taken_in_the_order_of_the_params_group_after_group() -> None:
    x, y = np.zeros(2), np.zeros(1)
    opt = SGD([{"params": [x], "lr": 1.0}, {"params": [y], "lr": 10.0}])
    opt.step([np.ones(2), np.ones(1)])
    np.testing.assert_array_equal(x, [-1.0, -1.0])
    np.testing.assert_array_equal(y, [-10.0])


def test_groups_equal_separate_optimizers_bit_for_bit() -> None:
    (w, b), (w2, b2) = [np.ones((3, 2)), np.ones(2)], [np.ones((3, 2)), np.ones(2)]
    grouped = AdamW([{"params": [w]}, {"params": [b], "weight_decay": 0.0}], lr=0.1)
    apart = [AdamW([w2], lr=0.1), AdamW([b2], lr=0.1, weight_decay=0.0)]
    rng = np.random.default_rng(0)
    for gw, gb in [(rng.normal(size=(3, 2)), rng.normal(size=2)) for _ in range(20)]:
        grouped.step([gw, gb])
        apart[0].step([gw])
        apart[1].step([gb])
    assert w.tobytes() == w2.tobytes() and b.tobytes() == b2.tobytes()


def test_a_hyperparameter_changed_between_steps_takes_effect_in_its_group_only() -> None:
    x, y = np.zeros(1), np.zeros(1)
    opt = SGD([{"params": [x]}, {"params": [y]}], lr=1.0)
    opt.step([np.ones(1), np.ones(1)])
    opt.param_groups[1]["lr"] = 0.5
    opt.step([np.ones(1), np.ones(1)])
    assert x[0] == -2.0 and y[0] == -1.5


def test_lr_property_asks_for_param_groups_when_there_are_several() -> None:
    opt = SGD([{"params": [np.zeros(1)]}, {"params": [np.zeros(1)]}], lr=1.0)
    with pytest.raises(ValueError, match=r"param_groups\[k\]\['lr'\]"):
        _ = opt.lr
    with pytest.raises(ValueError, match="2 param groups"):
        opt.lr = 0.1


def test_a_param_in_two_groups_is_rejected() -> None:
    x = np.zeros(2)
    with pytest.raises(ValueError, match="param 0 of param group 1 is the same array as param 0"):
        SGD([{"params": [x]}, {"params": [x]}])
    opt = SGD([x])
    with pytest.raises(ValueError, match="same array"):
        opt.add_param_group({"params": [x]})
    assert len(opt.param_groups) == 1 and len(opt.state) == 1


@pytest.mark.parametrize(
    ("group", "error", "message"),
    [
        ({"params": [np.zeros(1)], "lr": -1.0}, ValueError, "param group 1: Invalid learning rate"),
        ({"params": [np.zeros(1)], "betas": (0.9, 1.0)}, ValueError, "param group 1: Invalid beta"),
        ({"params": [np.zeros(1)], "eps": "x"}, TypeError, "param group 1: eps must be a real"),
        ({"params": {np.float64(1)}}, TypeError, "param group 1: params must be an ordered"),
        ({"params": [np.zeros(1, int)]}, TypeError, "param group 1: param 0 has dtype int64"),
        ([np.zeros(1)], TypeError, "param group must be a dict"),
    ],
)
def test_an_invalid_group_names_the_group_and_changes_nothing(
    group: Any, error: type[Exception], message: str
) -> None:
    opt = Adam([np.zeros(2)])
    before = fingerprint(opt)
    with pytest.raises(error, match=message):
        opt.add_param_group(group)
    assert fingerprint(opt) == before and len(opt.param_groups) == 1
    if isinstance(group, dict) and isinstance(group["params"], list):  # the same at construction
        with pytest.raises(error, match=message):
            Adam([{"params": [np.zeros(2)]}, group])


@pytest.mark.parametrize("name", NAMES)
def test_an_invalid_hyperparameter_set_in_group_k_is_rejected_by_step_in_no_group_written(
    name: str,
) -> None:
    opt = ours(name, make_params(name))
    steps = gradient_steps(name, 4)
    for grads in steps[:3]:
        opt.step(grads)
    opt.param_groups[0]["lr"] = 0.5 * opt.param_groups[0]["lr"]  # valid: a schedule's change
    opt.param_groups[2]["lr"] = -1.0
    before = fingerprint(opt)
    with pytest.raises(ValueError, match="param group 2: Invalid learning rate: -1.0"):
        opt.step(steps[3])
    assert fingerprint(opt) == before
    opt.param_groups[2]["lr"] = 0.01
    opt.step(steps[3])  # and once fixed, the step runs


@pytest.mark.parametrize("name", NAMES)
def test_a_nan_gradient_in_group_k_names_group_and_param_and_changes_nothing(name: str) -> None:
    opt = ours(name, make_params(name))
    steps = gradient_steps(name, 3)
    for grads in steps[:2]:
        opt.step(grads)
    bad = [g.copy() for g in steps[2]]
    bad[3][0, 1] = np.nan  # param 0 of group 2
    before = fingerprint(opt)
    with pytest.raises(ValueError, match=r"gradient 3 \(param 0 of param group 2\) contains NaN"):
        opt.step(bad)
    assert fingerprint(opt) == before
    bad[3] = np.zeros(3)
    with pytest.raises(ValueError, match=r"param 0 of param group 2 has shape \(2, 2\)"):
        opt.step(bad)
    assert fingerprint(opt) == before


def test_param_groups_changed_as_a_list_or_params_replaced_are_reported() -> None:
    opt = SGD([{"params": [np.zeros(1)]}, {"params": [np.zeros(1)]}], lr=1.0)
    opt.param_groups[1]["params"] = [np.zeros(1)]
    with pytest.raises(ValueError, match=r"param_groups\[1\]\['params'\] was changed"):
        opt.step([np.ones(1), np.ones(1)])
    opt = SGD([np.zeros(1)], lr=1.0)
    opt.param_groups.append({"params": [np.zeros(1)], "lr": 1.0})
    with pytest.raises(ValueError, match="add_param_group"):
        opt.step([np.ones(1)])


# ----------------------------------------------------------------------------------------------
# against torch.optim
# ----------------------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_several_groups_with_different_hyperparameters_match_torch(name: str) -> None:
    params = make_params(name)
    opt, (topt, tensors) = ours(name, params), theirs(name, params)
    assert [len(g["params"]) for g in opt.param_groups] == [
        len(g["params"]) for g in topt.param_groups
    ]
    for t, grads in enumerate(gradient_steps(name, 60)):
        if t == 30:  # e.g. a schedule: change group 1's hyperparameters in both
            for o in (opt, topt):
                o.param_groups[1]["lr"] *= 0.3
                if "weight_decay" in o.param_groups[1]:
                    o.param_groups[1]["weight_decay"] = 0.05
        opt.step(grads)
        torch_step(topt, tensors, grads)
    assert_same_as_torch(opt, topt, tensors)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_add_param_group_during_training_matches_torch(name: str) -> None:
    params = make_params(name)
    first = [params[0], params[1]]
    options = group_options(name)
    opt = getattr(optim, name)(
        [{"params": p, **o} for p, o in zip(first, options, strict=False)],
        **SETTINGS[name].full_options,
    )
    skip_without_reference(name)
    import torch

    tgroups = [[torch.tensor(p) for p in g] for g in params]
    topt = make_reference(
        name,
        [{"params": t, **o} for t, o in zip(tgroups[:2], options, strict=False)],
        **SETTINGS[name].full_options,
    )
    steps = gradient_steps(name, 20)
    n_first = sum(len(g) for g in first)
    for grads in steps[:10]:
        opt.step(grads[:n_first])
        torch_step(topt, [t for g in tgroups[:2] for t in g], grads[:n_first])
    opt.add_param_group({"params": params[2], **options[2]})
    topt.add_param_group({"params": tgroups[2], **options[2]})
    for grads in steps[10:]:
        opt.step(grads)
        torch_step(topt, [t for g in tgroups for t in g], grads)
    assert [st["step"] for st in opt.state] == [20, 20, 20, 10, 10]
    assert_same_as_torch(opt, topt, [t for g in tgroups for t in g])


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_state_dict_with_several_groups_has_torchs_structure_and_resumes_like_torch(
    name: str,
) -> None:
    params = make_params(name)
    opt, (topt, tensors) = ours(name, params), theirs(name, params)
    steps = gradient_steps(name, 20)
    for grads in steps[:10]:
        opt.step(grads)
        torch_step(topt, tensors, grads)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert len(sd["param_groups"]) == len(tsd["param_groups"]) == 3
    for ours_group, their_group in zip(sd["param_groups"], tsd["param_groups"], strict=True):
        assert ours_group["params"] == their_group["params"]  # numbered across groups
        for key, value in ours_group.items():  # every hyperparameter, as torch holds it
            assert value == their_group[key], key
    assert sorted(sd["state"]) == sorted(tsd["state"])
    # a fresh optimizer loading the state continues as torch does after loading its own
    params2 = make_params(name, seed=99)
    for group, group2 in zip(params, params2, strict=True):
        for p, p2 in zip(group, group2, strict=True):
            p2[...] = p
    fresh, (tfresh, ttensors) = ours(name, params2), theirs(name, params2)
    fresh.param_groups[0]["lr"] = 123.0  # overwritten by the load
    fresh.load_state_dict(sd)
    tfresh.load_state_dict(tsd)
    for grads in steps[10:]:
        opt.step(grads)
        fresh.step(grads)
        torch_step(tfresh, ttensors, grads)
    assert fingerprint(fresh) == fingerprint(opt)  # bit-identical to not stopping
    assert_same_as_torch(fresh, tfresh, ttensors)


# ----------------------------------------------------------------------------------------------
# state_dict round trip and mismatches (no torch needed)
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_state_dict_and_save_round_trip_every_group_exactly(name: str, tmp_path: Path) -> None:
    opt = ours(name, make_params(name))
    for grads in gradient_steps(name, 5):
        opt.step(grads)
    opt.param_groups[1]["lr"] = 0.125
    opt.param_groups[1]["initial_lr"] = 0.25  # a schedule's entry: kept too
    sd = opt.state_dict()
    other = ours(name, make_params(name, seed=5))
    other.load_state_dict(sd)
    assert fingerprint(other)[1:] == fingerprint(opt)[1:]  # state and groups (not the params)
    opt.save(tmp_path / "opt.npz")
    third = ours(name, make_params(name, seed=6))
    third.load(tmp_path / "opt.npz")
    assert fingerprint(third)[1:] == fingerprint(opt)[1:]


def mismatch(sd: dict[str, Any], how: str) -> dict[str, Any]:
    groups = sd["param_groups"]
    if how == "fewer groups":
        sd["param_groups"] = groups[:2]
        for i in groups[2]["params"]:
            del sd["state"][i]
    elif how == "more groups":
        groups.append(dict(groups[0]))
    elif how == "groups of other sizes":  # 3 params, then 1, then 1 (we have 2, 1, 2)
        groups[0]["params"], groups[1]["params"], groups[2]["params"] = [0, 1, 2], [3], [4]
    elif how == "bad hyperparameter in group 2":
        groups[2]["lr"] = -1.0
    elif how == "step counts differ within a group":
        sd["state"][4]["step"] = 99
    elif how == "param ids repeated":
        groups[1]["params"] = [0]
    return sd


MISMATCHES = [
    ("fewer groups", "state_dict has 2 param group"),
    ("more groups", "state_dict has 4 param group"),
    ("groups of other sizes", "param group 0 of state_dict has 3 params"),
    ("bad hyperparameter in group 2", "invalid hyperparameter in param group 2"),
    ("step counts differ within a group", "param group 2 have different step counts"),
    ("param ids repeated", "number their params"),
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("how", "message"), MISMATCHES, ids=[h for h, _ in MISMATCHES])
def test_a_state_dict_whose_groups_do_not_match_is_rejected_with_no_change(
    name: str, how: str, message: str
) -> None:
    opt = ours(name, make_params(name))
    other = ours(name, make_params(name, seed=3))
    for grads in gradient_steps(name, 3):
        opt.step(grads)
        other.step(grads)
    other.step(gradient_steps(name, 1, seed=7)[0])
    before = fingerprint(opt)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(mismatch(other.state_dict(), how))
    assert fingerprint(opt) == before


def test_groups_keep_their_own_step_counts_through_a_round_trip() -> None:
    x, y = np.zeros(2), np.zeros(2)
    opt = Adam([x], lr=0.1)
    for _ in range(3):
        opt.step([np.ones(2)])
    opt.add_param_group({"params": [y], "lr": 0.2})
    opt.step([np.ones(2), np.ones(2)])
    sd = opt.state_dict()
    assert [st["step"] for st in sd["state"].values()] == [4, 1]
    fresh = Adam([np.zeros(2)], lr=0.1)
    fresh.add_param_group({"params": [np.zeros(2)]})
    fresh.load_state_dict(sd)
    assert fresh.param_groups[1]["lr"] == 0.2 and [st["step"] for st in fresh.state] == [4, 1]


# ----------------------------------------------------------------------------------------------
# schedules act on every group (base_lrs per group), as torch.optim.lr_scheduler
# ----------------------------------------------------------------------------------------------
SCHEDULES: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}),
    ("LinearLR", {"start_factor": 0.1, "total_iters": 5}),
    ("OneCycleLR", {"max_lr": [0.5, 1.0], "total_steps": 15}),
    ("SequentialLR", {}),
]


def build_schedule(lib: Any, opt: Any, name: str, kwargs: dict[str, Any]) -> Any:
    if name == "SequentialLR":
        warmup = lib.LinearLR(opt, start_factor=0.2, total_iters=4)
        cosine = lib.CosineAnnealingLR(opt, T_max=10)
        return lib.SequentialLR(opt, [warmup, cosine], milestones=[4])
    return getattr(lib, name)(opt, **kwargs)


@pytest.mark.torch
@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=[n for n, _ in SCHEDULES])
def test_schedules_set_every_groups_lr_as_torch_does(name: str, kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    x, y = np.zeros(2), np.zeros(3)
    opt = SGD([{"params": [x], "lr": 0.1}, {"params": [y], "lr": 0.4}], lr=0.01, momentum=0.9)
    tx, ty = torch.zeros(2), torch.zeros(3)
    topt = torch.optim.SGD(
        [{"params": [tx], "lr": 0.1}, {"params": [ty], "lr": 0.4}], lr=0.01, momentum=0.9
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's warnings about the order of step() calls
        sched = build_schedule(schedules, opt, name, kwargs)
        tsched = build_schedule(torch.optim.lr_scheduler, topt, name, kwargs)
        if hasattr(tsched, "base_lrs"):  # (SequentialLR has none)
            assert sched.base_lrs == tsched.base_lrs and len(sched.base_lrs) == 2
        for _ in range(14):
            assert sched.get_last_lr() == tsched.get_last_lr()
            assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in topt.param_groups]
            assert [g["momentum"] for g in opt.param_groups] == [
                g["momentum"] for g in topt.param_groups
            ]
            opt.step([np.ones(2), np.ones(3)])
            tx.grad, ty.grad = torch.ones(2), torch.ones(3)
            topt.step()
            sched.step()
            tsched.step()
    np.testing.assert_allclose(np.r_[x, y], np.r_[tx.numpy(), ty.numpy()], rtol=1e-6)


def test_a_schedule_on_several_groups_keeps_their_ratio() -> None:
    opt = SGD([{"params": [np.zeros(1)], "lr": 1.0}, {"params": [np.zeros(1)], "lr": 0.1}])
    sched = schedules.ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        opt.step([np.ones(1), np.ones(1)])
        sched.step()
    assert sched.base_lrs == [1.0, 0.1]
    assert sched.get_last_lr() == [0.125, 0.1 * 0.5**3]
