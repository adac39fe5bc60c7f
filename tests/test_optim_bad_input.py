"""Bad input to adamlib.optim: a clear ValueError/TypeError, raised before anything is written.

Every rejected call must leave every param and all optimizer state bit-identical, even when the
bad value sits in the last gradient array.
"""

from __future__ import annotations

import inspect
import math
import re
from typing import Any

import numpy as np
import pytest
from optim_settings import OPTIMIZERS, SETTINGS, param_shape

import adamlib.optim as optim
from adamlib.optim import SGD, Adagrad, Adam, RMSprop

NAMES = OPTIMIZERS
FULL_OPTIONS: dict[str, dict[str, Any]] = {n: SETTINGS[n].full_options for n in NAMES}


def _with(keyword: str) -> list[str]:
    """The optimizers that take ``keyword``."""
    return [n for n in NAMES if keyword in inspect.signature(getattr(optim, n)).parameters]


ADAMS = _with("betas")
NAN, INF = math.nan, math.inf


def fingerprint(opt: optim.Optimizer) -> tuple:
    """Everything a step could change, as bytes (so NaN == NaN and -0.0 != 0.0)."""
    params = tuple(p.tobytes() for p in opt.params)
    state = tuple(
        tuple(sorted((k, v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in st.items()))
        for st in opt.state
    )
    group = tuple(sorted((k, repr(v)) for k, v in opt.param_groups[0].items() if k != "params"))
    return params, state, group


def stepped(name: str, dtype: Any = np.float64) -> optim.Optimizer:
    """An optimizer over three params after a few steps (non-trivial state)."""
    rng = np.random.default_rng(0)
    shapes = [param_shape(name, s) for s in [(3, 2), (4,), (5,)]]  # Muon: matrices
    params = [rng.normal(size=s).astype(dtype) for s in shapes]
    opt = getattr(optim, name)(params, **FULL_OPTIONS[name])
    for _ in range(3):
        opt.step([rng.normal(size=p.shape).astype(dtype) for p in params])
    return opt


def good_grads(opt: optim.Optimizer) -> list[np.ndarray]:
    return [np.ones_like(p) for p in opt.params]


# ----------------------------------------------------------------------------------------------
# hyperparameters at construction (torch.optim's messages)
# ----------------------------------------------------------------------------------------------
HYPER_CASES = [
    # (optimizer, keyword arguments, exception, message fragment)
    *[(n, {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0") for n in NAMES],
    *[(n, {"lr": NAN}, ValueError, "Invalid learning rate: nan") for n in NAMES],
    *[(n, {"lr": INF}, ValueError, "Invalid learning rate: inf") for n in NAMES],
    *[(n, {"lr": "0.1"}, TypeError, "lr must be a real number") for n in NAMES],
    *[(n, {"weight_decay": -0.1}, ValueError, "Invalid weight_decay value: -0.1") for n in NAMES],
    *[(n, {"weight_decay": NAN}, ValueError, "Invalid weight_decay value") for n in NAMES],
    *[
        (n, {"maximize": "yes"}, TypeError, "maximize must be True or False")
        for n in _with("maximize")
    ],
    *[
        (n, {"betas": b}, ValueError, f"Invalid beta parameter at index {i}")
        for n in ADAMS
        for b, i in [((1.0, 0.999), 0), ((-0.1, 0.999), 0), ((0.9, 1.0), 1), ((0.9, NAN), 1)]
    ],
    *[(n, {"betas": 0.9}, TypeError, "betas must be a pair") for n in ADAMS],
    *[(n, {"betas": (0.9, 0.99, 0.9)}, TypeError, "betas must be a pair") for n in ["Adam"]],
    *[
        (n, {"eps": -1e-8}, ValueError, "Invalid epsilon value: -1e-08")
        for n in _with("eps")
        if not isinstance(SETTINGS[n].defaults["eps"], tuple)
    ],
    *[
        (n, {"momentum": -0.5}, ValueError, "Invalid momentum value: -0.5")
        for n in _with("momentum")
    ],
    ("Adagrad", {"lr_decay": -0.1}, ValueError, "Invalid lr_decay value: -0.1"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, ValueError, "initial_accumulator_value"),
    ("RMSprop", {"alpha": -0.1}, ValueError, "Invalid alpha value: -0.1"),
    ("RMSprop", {"alpha": 1.5}, ValueError, "Invalid alpha value: 1.5"),
    ("RMSprop", {"alpha": NAN}, ValueError, "Invalid alpha value: nan"),
    ("RMSprop", {"centered": 1}, TypeError, "centered must be True or False"),
    ("Adam", {"amsgrad": None}, TypeError, "amsgrad must be True or False"),
    ("SGD", {"nesterov": True}, ValueError, "Nesterov momentum requires a momentum"),
    (
        "SGD",
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    ("SGD", {"dampening": NAN}, ValueError, "Invalid dampening value"),
    ("NAdam", {"momentum_decay": -1e-3}, ValueError, "Invalid momentum_decay value: -0.001"),
    ("NAdam", {"decoupled_weight_decay": "no"}, TypeError, "decoupled_weight_decay must be"),
    ("RAdam", {"decoupled_weight_decay": 0}, TypeError, "decoupled_weight_decay must be"),
    ("Adadelta", {"rho": -0.1}, ValueError, "Invalid rho value: -0.1"),
    ("Adadelta", {"rho": 1.1}, ValueError, "Invalid rho value: 1.1"),
    ("Adadelta", {"rho": NAN}, ValueError, "Invalid rho value: nan"),
    ("Muon", {"nesterov": "yes"}, TypeError, "nesterov must be True or False"),
    ("Muon", {"ns_coefficients": (3.4, -4.8)}, TypeError, "ns_coefficients must be a tuple"),
    ("Muon", {"ns_coefficients": 3.4}, TypeError, "ns_coefficients must be a tuple"),
    ("Muon", {"ns_coefficients": (3.4, NAN, 2.0)}, ValueError, "Invalid ns_coefficients[1]"),
    ("Muon", {"ns_steps": 5.0}, TypeError, "ns_steps must be an integer"),
    ("Muon", {"ns_steps": -1}, ValueError, "Invalid ns_steps value: -1"),
    ("Muon", {"ns_steps": 100}, ValueError, "less than 100"),
    ("Muon", {"adjust_lr_fn": "rms"}, ValueError, "Adjust learning rate function 'rms'"),
    ("Adafactor", {"eps": (-1e-8, 1e-3)}, ValueError, "Invalid epsilon1 value: -1e-08"),
    ("Adafactor", {"eps": (None, NAN)}, ValueError, "Invalid epsilon2 value: nan"),
    ("Adafactor", {"eps": 1e-3}, TypeError, "eps must be a pair"),
    ("Adafactor", {"beta2_decay": 0.5}, ValueError, "beta2_decay should be <= 0 but is: 0.5"),
    ("Adafactor", {"beta2_decay": NAN}, ValueError, "beta2_decay should be <= 0 but is: nan"),
    ("Adafactor", {"d": 0.5}, ValueError, "Clipping threshold d should be >= 1 but is: 0.5"),
    ("Adafactor", {"d": "1"}, TypeError, "d must be a real number"),
    ("ScheduleFreeAdamW", {"betas": (0.0, 0.9)}, ValueError, "Invalid beta parameter at index 0"),
    ("ScheduleFreeAdamW", {"warmup_steps": -1}, ValueError, "Invalid warmup_steps value: -1"),
    ("ScheduleFreeAdamW", {"r": NAN}, ValueError, "Invalid r value: nan"),
    ("ScheduleFreeAdamW", {"weight_lr_power": INF}, ValueError, "Invalid weight_lr_power value"),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"),
    HYPER_CASES,
    ids=[f"{n}-{kw}" for n, kw, _, _ in HYPER_CASES],
)
def test_invalid_hyperparameter_is_rejected_with_a_message_naming_it(
    name: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        getattr(optim, name)([np.zeros(2)], **kwargs)


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"),
    HYPER_CASES,
    ids=[f"{n}-{kw}" for n, kw, _, _ in HYPER_CASES],
)
def test_invalid_hyperparameter_set_in_param_groups_is_rejected_by_step_without_writing(
    name: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    opt = stepped(name)
    if any(k not in opt.param_groups[0] for k in kwargs):
        pytest.skip("option not used by this optimizer")
    if kwargs == {"nesterov": True}:
        kwargs = {"nesterov": True, "momentum": 0}  # the stepped SGD has momentum
    opt.param_groups[0].update(kwargs)
    before = fingerprint(opt)
    with pytest.raises(error):
        opt.step(good_grads(opt))
    assert fingerprint(opt) == before


@pytest.mark.parametrize("value", [-1.0, NAN, "fast"])
def test_lr_property_rejects_invalid_values(value: Any) -> None:
    opt = Adam([np.zeros(1)])
    with pytest.raises((ValueError, TypeError)):
        opt.lr = value
    assert opt.lr == 1e-3


def test_valid_edge_hyperparameters_are_accepted() -> None:
    Adam([np.zeros(1)], lr=0.0, betas=(0.0, 0.0), eps=0.0)
    RMSprop([np.zeros(1)], alpha=0.0)
    RMSprop([np.zeros(1)], alpha=1.0)
    optim.Adadelta([np.zeros(1)], rho=0.0)
    optim.Adadelta([np.zeros(1)], rho=1.0)
    optim.Muon([np.zeros((1, 1))], momentum=0.0, eps=0.0, ns_steps=0, adjust_lr_fn="original")
    optim.Muon([np.zeros((1, 1))], ns_steps=np.int64(99), adjust_lr_fn="match_rms_adamw")
    SGD([np.zeros(1)], lr=np.float32(0.1), momentum=np.float64(0.9), nesterov=np.bool_(True))


# ----------------------------------------------------------------------------------------------
# params
# ----------------------------------------------------------------------------------------------
def read_only() -> np.ndarray:
    x = np.zeros(3)
    x.flags.writeable = False
    return x


PARAM_CASES = [
    ([], ValueError, "empty parameter list"),
    (np.zeros(3, dtype=np.int64), TypeError, "param 0 has dtype int64"),
    ([np.zeros((1, 2)), np.arange(3)], TypeError, "param 1 has dtype int64"),
    ([np.zeros(2, dtype=complex)], TypeError, "param 0 has dtype complex128"),
    ([1.0, 2.0], TypeError, "param 0 is not a NumPy array"),
    (3.0, TypeError, "params must be a NumPy array or a list"),
    ("x", TypeError, "params must be a NumPy array or a list"),
    ([[1.0, 2.0]], TypeError, "param 0 is not a NumPy array"),
    ([read_only()], ValueError, "param 0 is read-only"),
    ([np.zeros((3, 4))[:, 1]], ValueError, "param 0 is not C-contiguous"),
    # param groups are dicts: a list holds either arrays or groups
    # (valid params are matrices here: every optimizer, Muon too, takes them)
    ([np.zeros((1, 2)), {"params": [np.zeros((1, 2))], "lr": 0.1}], TypeError, "parameter groups"),
    ([{"params": [np.zeros((1, 2))], "lr": 0.1}, np.zeros((1, 2))], TypeError, "parameter groups"),
    ([{"params": [np.zeros((1, 2))]}, {"lr": 0.1}], ValueError, "param group 1: .*'params' entry"),
    ([{"params": [np.zeros((1, 2))]}, {"params": [1.0]}], TypeError, "param group 1: param 0 is"),
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("params", "error", "message"), PARAM_CASES, ids=[m for _, _, m in PARAM_CASES]
)
def test_invalid_params_are_rejected_with_a_message_naming_the_problem(
    name: str, params: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        getattr(optim, name)(params)


def test_the_same_array_twice_is_rejected() -> None:
    x = np.zeros(3)
    with pytest.raises(ValueError, match="param 1 is the same array as param 0"):
        Adam([x, x])
    with pytest.raises(ValueError, match="param 1 shares memory with param 0"):
        Adam([x, x[1:]])


# ----------------------------------------------------------------------------------------------
# gradients: rejected before anything is written
# ----------------------------------------------------------------------------------------------
def bad_nan_last(opt):
    gs = good_grads(opt)
    gs[-1].flat[-1] = np.nan
    return gs


def bad_inf_last(opt):
    gs = good_grads(opt)
    gs[-1].flat[2] = -np.inf
    return gs


def bad_inf_first(opt):
    gs = good_grads(opt)
    gs[0].flat[0] = np.inf
    return gs


def bad_overflow_on_cast(opt):
    gs = [g.astype(np.float64) for g in good_grads(opt)]
    gs[-1].flat[0] = 1e300  # finite in float64, infinite once cast to float32 params
    return gs


GRAD_CASES = [
    (lambda opt: good_grads(opt)[:-1], ValueError, "expected 3 gradient"),
    (lambda opt: good_grads(opt) + [np.ones(1)], ValueError, "expected 3 gradient"),
    (lambda opt: good_grads(opt)[0], ValueError, "expected a list of 3 gradients"),
    (lambda opt: None, TypeError, "grads must be a list"),
    (lambda opt: {0: 1.0}, TypeError, "grads must be a list"),
    (lambda opt: good_grads(opt)[:2] + [np.ones(4)], ValueError, "gradient 2 has shape"),
    (lambda opt: [g.T for g in good_grads(opt)], ValueError, "gradient 0 has shape"),
    (lambda opt: good_grads(opt)[:2] + [np.ones((5, 1))], ValueError, "gradient 2 has shape"),
    (lambda opt: good_grads(opt)[:2] + [np.array(["a"] * 5)], TypeError, "gradient 2 has dtype"),
    (lambda opt: good_grads(opt)[:2] + [np.ones(5, complex)], TypeError, "gradient 2 has dtype"),
    (bad_nan_last, ValueError, "gradient 2 contains NaN or infinity"),
    (bad_inf_last, ValueError, "gradient 2 contains NaN or infinity"),
    (bad_inf_first, ValueError, "gradient 0 contains NaN or infinity"),
]
GRAD_IDS = [
    "too few",
    "too many",
    "single array for several params",
    "None",
    "dict",
    "wrong size",
    "transposed",
    "extra axis",
    "strings",
    "complex",
    "NaN in last array",
    "-inf in last array",
    "inf in first array",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("make", "error", "message"), GRAD_CASES, ids=GRAD_IDS)
def test_bad_gradients_raise_and_leave_params_and_state_bit_identical(
    name: str, make: Any, error: type[Exception], message: str
) -> None:
    opt = stepped(name)
    before = fingerprint(opt)
    with pytest.raises(error, match=message):
        opt.step(make(opt))
    assert fingerprint(opt) == before
    opt.step(good_grads(opt))  # and the optimizer still works
    assert opt.state[0]["step"] == 4


@pytest.mark.parametrize("name", NAMES)
def test_a_gradient_that_overflows_when_cast_to_float32_is_rejected(name: str) -> None:
    opt = stepped(name, np.float32)
    before = fingerprint(opt)
    with pytest.raises(ValueError, match="gradient 2 contains NaN or infinity"):
        opt.step(bad_overflow_on_cast(opt))
    assert fingerprint(opt) == before


def test_nan_in_the_last_element_of_a_large_last_gradient_is_caught() -> None:
    params = [np.zeros(10), np.zeros(300_000, np.float32)]
    opt = Adam(params)
    gs = [np.ones(10), np.ones(300_000, np.float32)]
    opt.step(gs)
    before = fingerprint(opt)
    gs[-1].flat[-1] = np.nan
    with pytest.raises(ValueError, match="gradient 1 contains NaN"):
        opt.step(gs)
    assert fingerprint(opt) == before


def test_huge_finite_gradients_whose_sum_overflows_are_accepted() -> None:
    x = np.zeros(4, np.float32)
    SGD([x], lr=1e-30).step([np.full(4, 3e38, np.float32)])
    assert np.all(np.isfinite(x))


# ----------------------------------------------------------------------------------------------
# load_state_dict with a state made for something else
# ----------------------------------------------------------------------------------------------
def corrupt(sd: dict, how: str) -> dict:
    if how == "other optimizer":
        sd["optimizer"] = "SGD" if sd["optimizer"] != "SGD" else "Adam"
    elif how == "fewer params":
        del sd["state"][2]
        sd["param_groups"][0]["params"] = [0, 1]
    elif how == "shape":
        key = next(k for k, v in sd["state"][1].items() if isinstance(v, np.ndarray))
        sd["state"][1][key] = np.zeros(5)
    elif how == "dtype":
        key = next(k for k, v in sd["state"][1].items() if isinstance(v, np.ndarray))
        sd["state"][1][key] = sd["state"][1][key].astype(np.float32)
    elif how == "missing array":
        for st in sd["state"].values():
            key = next(k for k, v in st.items() if isinstance(v, np.ndarray))
            del st[key]
    elif how == "unknown array":
        for st in sd["state"].values():
            st["velocity"] = np.zeros(1)
    elif how == "steps differ":
        sd["state"][1]["step"] = 7
    elif how == "negative step":
        for st in sd["state"].values():
            st["step"] = -1
    elif how == "bad hyperparameter":
        sd["param_groups"][0]["lr"] = -1.0
    elif how == "missing hyperparameter":
        del sd["param_groups"][0]["lr"]
    elif how == "not a dict":
        return ["state"]  # type: ignore[return-value]
    elif how == "no state":
        del sd["state"]
    return sd


LOAD_CASES = [
    "other optimizer",
    "fewer params",
    "shape",
    "dtype",
    "missing array",
    "unknown array",
    "steps differ",
    "negative step",
    "bad hyperparameter",
    "missing hyperparameter",
    "not a dict",
    "no state",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("how", LOAD_CASES)
def test_load_state_dict_for_other_params_raises_and_changes_nothing(name: str, how: str) -> None:
    if name == "SGD" and how == "missing array":
        pytest.skip("SGD without momentum_buffer is valid: the first momentum step is to come")
    opt = stepped(name)
    other = stepped(name)
    other.step(good_grads(other))
    sd = corrupt(other.state_dict(), how)
    before = fingerprint(opt)
    with pytest.raises(ValueError):
        opt.load_state_dict(sd)
    assert fingerprint(opt) == before


def test_load_state_dict_with_a_bad_mu_product_raises_and_changes_nothing() -> None:
    opt = stepped("NAdam")
    for bad in [np.nan, "x", None]:
        sd = opt.state_dict()
        for st in sd["state"].values():
            st["mu_product"] = bad
        before = fingerprint(opt)
        with pytest.raises(ValueError, match="mu_product must be a finite number"):
            opt.load_state_dict(sd)
        assert fingerprint(opt) == before


def test_load_state_dict_from_another_optimizer_kind_names_both() -> None:
    adam = Adam([np.zeros(2)])
    with pytest.raises(ValueError, match="saved from Adagrad, cannot load into Adam"):
        adam.load_state_dict(Adagrad([np.zeros(2)]).state_dict())


def test_load_state_dict_for_a_different_param_count_names_both_counts() -> None:
    small = Adam([np.zeros(2)])
    with pytest.raises(ValueError, match="made for 2 params, this optimizer has 1"):
        small.load_state_dict(Adam([np.zeros(2), np.zeros(2)]).state_dict())


def test_load_rejects_a_file_that_is_not_an_optimizer_state(tmp_path) -> None:
    np.savez(tmp_path / "x.npz", a=np.zeros(2))
    opt = Adam([np.zeros(2)])
    with pytest.raises(ValueError, match="not an optimizer state"):
        opt.load(tmp_path / "x.npz")
