"""Specification of adamlib.optim: API, update conventions, dtypes, state, chunking, memory.

Bad input is specified in tests/test_optim_bad_input.py, agreement with torch.optim over long
trajectories in tests/test_optim_reference.py.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import tracemalloc
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
    reference_class,
)

import adamlib.optim as optim
from adamlib.optim import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Muon,
    NAdam,
    RAdam,
    RMSprop,
)
from adamlib.optim import base as optim_base
from adamlib.optim.muon import adjusted_lr, newton_schulz

#: every optimizer with options that switch on all of its state arrays
FULL_OPTIONS: dict[str, dict[str, Any]] = {n: SETTINGS[n].full_options for n in OPTIMIZERS}
NAMES = OPTIMIZERS
TORCH_DEFAULTS: dict[str, dict[str, Any]] = {n: SETTINGS[n].defaults for n in OPTIMIZERS}


def make_params(name: str, dtype: Any = np.float64, seed: int = 0) -> list[np.ndarray]:
    """A matrix and a vector (a matrix of 5 elements for Muon, which takes matrices only)."""
    rng = np.random.default_rng(seed)
    shapes = [param_shape(name, s) for s in [(3, 4), (5,)]]
    return [rng.normal(size=s).astype(dtype) for s in shapes]


def grads_for(params: list[np.ndarray], t: int) -> list[np.ndarray]:
    rng = np.random.default_rng(1000 + t)
    return [rng.normal(size=p.shape).astype(p.dtype) for p in params]


def run(opt: optim.Optimizer, start: int, stop: int) -> None:
    for t in range(start, stop):
        opt.step(grads_for(opt.params, t))


# ----------------------------------------------------------------------------------------------
# API
# ----------------------------------------------------------------------------------------------
def test_every_optimizer_is_importable_from_adamlib_optim() -> None:
    for name in NAMES:
        assert issubclass(getattr(optim, name), optim.Optimizer)
        assert name in optim.__all__


def test_every_optimizer_in_all_has_test_settings() -> None:
    # adding an optimizer: its module, one line in adamlib/optim/__init__.py, and its settings
    assert set(OPTIMIZERS) == set(SETTINGS)
    assert OPTIMIZERS, "adamlib.optim.__all__ lists no optimizer"


@pytest.mark.parametrize("name", NAMES)
def test_keyword_names_and_defaults_are_torchs(name: str) -> None:
    signature = inspect.signature(getattr(optim, name))
    defaults = {k: p.default for k, p in signature.parameters.items() if k != "params"}
    assert defaults == TORCH_DEFAULTS[name]
    assert (
        getattr(optim, name)([np.zeros(param_shape(name, (2,)))]).defaults == (TORCH_DEFAULTS[name])
    )


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_defaults_equal_those_of_the_installed_torch(name: str) -> None:
    # torch.optim's, or those of the reference package (lion-pytorch, schedulefree)
    missing = missing_reference(name)
    if missing is not None:
        pytest.skip(f"{missing} is not installed (optional extra 'reference')")
    import torch

    param = torch.zeros(param_shape(name, (2,)), requires_grad=True)
    theirs = make_reference(name, [param]).defaults
    for key, value in TORCH_DEFAULTS[name].items():
        assert theirs[key] == value, key


@pytest.mark.parametrize("name", NAMES)
def test_step_updates_params_in_place_and_returns_none(name: str) -> None:
    params = make_params(name)
    ids = [id(p) for p in params]
    before = [p.copy() for p in params]
    opt = getattr(optim, name)(params, **FULL_OPTIONS[name])
    assert opt.step(grads_for(params, 0)) is None
    assert [id(p) for p in opt.params] == ids
    for p, b in zip(params, before, strict=True):
        assert not np.array_equal(p, b)


def test_a_single_array_is_accepted_as_params_and_as_gradient() -> None:
    x = np.array([1.0, -2.0])
    opt = SGD(x, lr=0.5)
    opt.step(np.array([2.0, 2.0]))
    np.testing.assert_array_equal(x, [0.0, -3.0])
    assert opt.params[0] is x


def test_a_tuple_of_gradients_and_array_like_gradients_are_accepted() -> None:
    x, y = np.zeros(2), np.zeros(())
    opt = SGD([x, y], lr=1.0)
    opt.step(([1, 2], 3.0))
    np.testing.assert_array_equal(x, [-1.0, -2.0])
    assert y == -3.0


def test_param_groups_hold_one_group_with_params_and_hyperparameters() -> None:
    x = np.zeros(3)
    opt = Adam([x], lr=0.1)
    (group,) = opt.param_groups
    assert group["params"][0] is x
    assert group["lr"] == 0.1 and group["betas"] == (0.9, 0.999)
    assert opt.lr == 0.1


def test_changing_lr_between_steps_takes_effect_like_a_torch_scheduler() -> None:
    x = np.zeros(1)
    opt = SGD([x], lr=1.0)
    opt.step([np.ones(1)])
    opt.param_groups[0]["lr"] = 0.5
    opt.step([np.ones(1)])
    opt.lr = 0.25
    opt.step([np.ones(1)])
    np.testing.assert_array_equal(x, [-1.75])


def test_repr_names_the_optimizer_and_its_hyperparameters() -> None:
    text = repr(Adam([np.zeros(1)], lr=0.5))
    assert text.startswith("Adam (") and "lr: 0.5" in text


# ----------------------------------------------------------------------------------------------
# update conventions (each one a line of a docstring)
# ----------------------------------------------------------------------------------------------
def test_sgd_step_is_x_minus_lr_times_gradient() -> None:
    x = np.array([1.0, 2.0])
    SGD([x], lr=0.1).step([np.array([10.0, -10.0])])
    np.testing.assert_allclose(x, [0.0, 3.0], rtol=0, atol=1e-15)


def test_sgd_first_momentum_step_uses_the_gradient_without_dampening() -> None:
    x = np.zeros(1)
    opt = SGD([x], lr=1.0, momentum=0.9, dampening=0.5)
    assert "momentum_buffer" not in opt.state[0]  # created by the first step, as in torch
    opt.step([np.array([1.0])])
    assert opt.state[0]["momentum_buffer"][0] == 1.0  # b_1 = g_1, not (1 - dampening) g_1
    opt.step([np.array([1.0])])
    assert opt.state[0]["momentum_buffer"][0] == 0.9 * 1.0 + 0.5 * 1.0
    assert x[0] == -(1.0 + 1.4)


def test_sgd_momentum_buffer_is_an_unscaled_sum_of_gradients() -> None:
    x = np.zeros(1)
    opt = SGD([x], lr=0.1, momentum=0.5)
    for _ in range(3):
        opt.step([np.array([1.0])])
    # b = 1, 1.5, 1.75; steps -0.1 b
    np.testing.assert_allclose(x, [-0.1 * (1 + 1.5 + 1.75)], rtol=1e-15)


def test_sgd_nesterov_steps_along_gradient_plus_momentum_times_buffer() -> None:
    x = np.zeros(1)
    opt = SGD([x], lr=1.0, momentum=0.5, nesterov=True)
    opt.step([np.array([1.0])])  # b = 1, direction = 1 + 0.5 * 1
    assert x[0] == -1.5


def test_sgd_maximize_ascends() -> None:
    x = np.zeros(1)
    SGD([x], lr=0.1, maximize=True).step([np.array([2.0])])
    assert x[0] == pytest.approx(0.2)


def test_weight_decay_adds_lambda_times_param_to_the_gradient() -> None:
    x = np.array([2.0])
    SGD([x], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
    assert x[0] == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)


def test_adagrad_first_step_moves_each_coordinate_by_lr() -> None:
    x = np.zeros(3)
    Adagrad([x], lr=0.1).step([np.array([1e-3, -5.0, 1e3])])
    np.testing.assert_allclose(x, [-0.1, 0.1, -0.1], rtol=1e-6)


def test_adagrad_lr_decay_divides_lr_by_one_plus_step_minus_one_times_decay() -> None:
    x = np.zeros(1)
    opt = Adagrad([x], lr=1.0, lr_decay=0.5, eps=0.0)
    opt.step([np.array([1.0])])  # clr = 1, sum = 1: step -1
    opt.step([np.array([1.0])])  # clr = 1 / 1.5, sum = 2: step -(1/1.5)/sqrt(2)
    assert x[0] == pytest.approx(-1 - 1 / 1.5 / np.sqrt(2))


def test_adagrad_accumulator_starts_at_initial_accumulator_value() -> None:
    opt = Adagrad([np.zeros(2)], initial_accumulator_value=0.25)
    np.testing.assert_array_equal(opt.state[0]["sum"], [0.25, 0.25])


def test_rmsprop_first_step_divides_by_root_of_one_minus_alpha() -> None:
    x = np.zeros(1)
    RMSprop([x], lr=0.01, alpha=0.99, eps=0.0).step([np.array([3.0])])
    assert x[0] == pytest.approx(-0.01 / np.sqrt(0.01))  # g / sqrt((1 - alpha) g^2)


def test_rmsprop_centered_subtracts_the_squared_mean_gradient() -> None:
    x = np.zeros(1)
    RMSprop([x], lr=1.0, alpha=0.5, eps=0.0, centered=True).step([np.array([2.0])])
    # v = 0.5 * 4 = 2, mean = 1, sqrt(v - mean^2) = 1
    assert x[0] == pytest.approx(-2.0)


def test_adam_first_step_moves_each_coordinate_by_lr() -> None:
    x = np.zeros(4)
    Adam([x], lr=0.01).step([np.array([1e-4, -3.0, 1e3, 7.0])])
    # bias correction makes m_hat = g and v_hat = g^2: the step is lr * sign(g)
    np.testing.assert_allclose(x, [-0.01, 0.01, -0.01, -0.01], rtol=1e-4)


def test_adam_bias_correction_keeps_steps_near_lr_for_a_constant_gradient() -> None:
    x = np.zeros(1)
    opt = Adam([x], lr=0.01)
    previous = 0.0
    for _ in range(20):
        opt.step([np.array([0.5])])
        assert x[0] - previous == pytest.approx(-0.01, rel=1e-6)
        previous = x[0]


def test_adam_is_momentum_plus_rmsprop_plus_bias_correction() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=6)
    ours = x.copy()
    opt = Adam([ours], lr=0.05, betas=(0.8, 0.9), eps=1e-6)
    m = np.zeros(6)
    v = np.zeros(6)
    for t in range(1, 30):
        g = rng.normal(size=6)
        m = 0.8 * m + 0.2 * g  # momentum as an EMA (lecture 03)
        v = 0.9 * v + 0.1 * g**2  # RMSprop's EMA of squares (lecture 05)
        m_hat, v_hat = m / (1 - 0.8**t), v / (1 - 0.9**t)  # bias correction (lecture 06)
        x = x - 0.05 * m_hat / (np.sqrt(v_hat) + 1e-6)
        opt.step([g])
        np.testing.assert_allclose(ours, x, rtol=1e-12)
        np.testing.assert_allclose(opt.state[0]["exp_avg"], m, rtol=1e-12)
        np.testing.assert_allclose(opt.state[0]["exp_avg_sq"], v, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_zero_lr_leaves_params_unchanged_but_updates_the_state(name: str) -> None:
    # e.g. a cosine schedule that ends at eta_min = 0
    params = make_params(name)
    before = [p.copy() for p in params]
    options = {k: v for k, v in FULL_OPTIONS[name].items() if k != "weight_decay"}
    opt = getattr(optim, name)(params, **{**options, "lr": 0.0})
    for t in range(3):
        opt.step(grads_for(params, t))
    for p, b in zip(params, before, strict=True):
        np.testing.assert_array_equal(p, b)
    assert opt.state[0]["step"] == 3


def test_amsgrad_keeps_the_running_maximum_of_the_second_moment() -> None:
    opt = Adam([np.zeros(1)], amsgrad=True)
    opt.step([np.array([10.0])])
    peak = opt.state[0]["exp_avg_sq"].copy()
    opt.step([np.array([0.0])])
    assert opt.state[0]["exp_avg_sq"] < peak
    np.testing.assert_array_equal(opt.state[0]["max_exp_avg_sq"], peak)


def test_adamw_decays_params_by_lr_times_weight_decay_before_the_step() -> None:
    x = np.array([3.0])
    AdamW([x], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
    assert x[0] == 3.0 * (1 - 0.1 * 0.5)  # zero gradient: only the decay acts


def test_adamw_weight_decay_is_not_rescaled_like_adams_l2_penalty() -> None:
    x_l2, x_decoupled = np.array([3.0]), np.array([3.0])
    Adam([x_l2], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
    AdamW([x_decoupled], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
    assert x_l2[0] == pytest.approx(3.0 - 0.1)  # L2 gradient normalised by Adam: step lr
    assert x_decoupled[0] == pytest.approx(3.0 - 0.15)


def test_nadam_first_step_combines_gradient_and_look_ahead_momentum() -> None:
    x = np.zeros(1)
    opt = NAdam([x], lr=0.1, eps=0.0)
    opt.step([np.array([2.0])])
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** (1 * 4e-3))
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** (2 * 4e-3))
    # d = |g| after bias correction; m_1 = 0.1 g
    expected = -0.1 * (1 - mu1) / (1 - mu1) * 1.0 - 0.1 * mu2 / (1 - mu1 * mu2) * 0.1
    assert x[0] == pytest.approx(expected, rel=1e-6)


def test_nadam_keeps_mu_product_as_a_float32_product_like_torch() -> None:
    opt = NAdam([np.zeros(1)])
    product = np.float32(1.0)
    for t in range(1, 6):
        opt.step([np.ones(1)])
        product = product * np.float32(0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3)))
        assert opt.state[0]["mu_product"] == float(product)


def test_adamax_divides_by_the_decayed_running_maximum_of_abs_gradients() -> None:
    x = np.zeros(1)
    opt = Adamax([x], lr=0.1, betas=(0.9, 0.5), eps=0.0)
    opt.step([np.array([4.0])])
    assert x[0] == pytest.approx(-0.1)  # m_hat / u = g / |g|
    opt.step([np.array([1.0])])
    assert opt.state[0]["exp_inf"][0] == 2.0  # max(0.5 * 4, |1|)


def test_adadelta_first_step_is_root_eps_over_root_of_v() -> None:
    x = np.zeros(1)
    Adadelta([x], lr=1.0, rho=0.9, eps=1e-6).step([np.array([1.0])])
    assert x[0] == pytest.approx(-np.sqrt(1e-6) / np.sqrt(0.1 + 1e-6))


def test_radam_takes_momentum_steps_until_rho_t_exceeds_five() -> None:
    x = np.zeros(1)
    opt = RAdam([x], lr=0.1)
    for _ in range(5):  # rho_t <= 5 for t <= 5 with beta2 = 0.999: x -= lr * m_hat = lr * g
        before = x[0]
        opt.step([np.array([3.0])])
        assert x[0] - before == pytest.approx(-0.3)
    before = x[0]
    opt.step([np.array([3.0])])  # now an adaptive step, rectified: r_6 ~ 0.026
    assert -0.1 * 0.03 < x[0] - before < 0


def test_amsgrad_is_adam_with_amsgrad_true() -> None:
    assert "amsgrad" in Adam([np.zeros(1)], amsgrad=True).defaults


def test_muon_takes_matrices_only_and_a_rejected_param_changes_nothing() -> None:
    with pytest.raises(ValueError, match=r"param 1 has shape \(3,\): Muon only supports 2-D"):
        Muon([np.zeros((2, 3)), np.zeros(3)])
    with pytest.raises(ValueError, match=r"param 0 has shape \(\): Muon only supports 2-D"):
        Muon(np.zeros(()))
    opt = Muon([np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"param group 1: param 1 has shape \(2, 2, 2\)"):
        opt.add_param_group({"params": [np.zeros((4, 4)), np.zeros((2, 2, 2))]})
    assert len(opt.param_groups) == 1 and len(opt.state) == 1 and len(opt.params) == 1


def test_muon_first_step_is_minus_lr_times_the_orthogonalised_gradient() -> None:
    # momentum 0: the update is the gradient itself; the cubic Newton-Schulz iteration
    # (1.5, -0.5, 0) run long enough converges to U V^T of the gradient's SVD U S V^T
    rng = np.random.default_rng(1)
    for shape in [(5, 3), (3, 5), (4, 4)]:
        W, G = np.zeros(shape), rng.normal(size=shape)
        Muon([W], lr=0.1, momentum=0.0, weight_decay=0.0, ns_coefficients=(1.5, -0.5, 0.0),
             ns_steps=60).step([G])  # fmt: skip
        U, _, Vt = np.linalg.svd(G, full_matrices=False)
        ratio = max(1.0, shape[0] / shape[1]) ** 0.5  # adjust_lr_fn "original"
        np.testing.assert_allclose(W, -0.1 * ratio * U @ Vt, atol=1e-12)


def test_muon_quintic_leaves_singular_values_near_one_not_at_one() -> None:
    # torch's coefficients trade exactness for speed: five steps take every singular value of
    # the normalised gradient (here spread over 2 decades) into about [0.7, 1.1], not to 1
    rng = np.random.default_rng(2)
    Q1, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    Q2, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    G = Q1[:, :6] @ np.diag(np.geomspace(1.0, 1e-2, 6)) @ Q2.T
    sigma = np.linalg.svd(newton_schulz(G, (3.4445, -4.775, 2.0315), 5, 1e-7), compute_uv=False)
    assert 0.6 < sigma.min() and sigma.max() < 1.1 and np.ptp(sigma) > 0.3


def test_muon_adjusts_lr_to_the_shape_as_torch() -> None:
    assert adjusted_lr(0.1, None, (8, 2)) == 0.1 * 2.0  # sqrt(max(1, 8 / 2))
    assert adjusted_lr(0.1, "original", (2, 8)) == 0.1  # wide: no adjustment
    assert adjusted_lr(0.1, "match_rms_adamw", (2, 8)) == 0.1 * (0.2 * 8**0.5)


def test_muon_decays_the_weights_by_the_unadjusted_lr() -> None:
    W = np.full((4, 1), 2.0)  # tall: the step's lr is adjusted by 2, the decay is not
    Muon([W], lr=0.1, weight_decay=0.5).step([np.zeros((4, 1))])  # zero update: decay only
    np.testing.assert_array_equal(W, 2.0 * (1 - 0.1 * 0.5))


@pytest.mark.parametrize("adjust_lr_fn", [None, "original", "match_rms_adamw"])
def test_muon_string_and_none_hyperparameters_survive_save_and_load(
    adjust_lr_fn: str | None, tmp_path: Path
) -> None:
    rng = np.random.default_rng(4)
    W = rng.normal(size=(5, 3))
    opt = Muon([W], lr=0.02, adjust_lr_fn=adjust_lr_fn, ns_steps=np.int64(4))
    opt.step([rng.normal(size=(5, 3))])
    opt.save(tmp_path / "muon.npz")
    other = Muon([W.copy()])
    other.load(tmp_path / "muon.npz")
    assert other.param_groups[0]["adjust_lr_fn"] == adjust_lr_fn
    assert other.param_groups[0]["ns_steps"] == 4 and type(other.hyper["ns_steps"]) is int
    grad = rng.normal(size=(5, 3))
    opt.step([grad])
    other.step([grad])
    assert other.params[0].tobytes() == opt.params[0].tobytes()


@pytest.mark.torch
def test_muon_reference_changes_only_the_precision_of_torchs_iteration() -> None:
    # tests/torch_references.py copies torch's Newton-Schulz with its dtype line changed: on
    # bfloat16 input the copy and torch's own function agree bit for bit
    torch = pytest.importorskip("torch")
    from torch.optim import _muon
    from torch_references import zeropower_via_newtonschulz_full_precision

    for shape in [(5, 7), (7, 5)]:
        G = torch.randn(shape, generator=torch.Generator().manual_seed(0)).bfloat16()
        theirs = _muon._zeropower_via_newtonschulz(G.clone(), (3.4445, -4.775, 2.0315), 5, 1e-7)
        ours = zeropower_via_newtonschulz_full_precision(
            G.clone(), (3.4445, -4.775, 2.0315), 5, 1e-7
        )
        assert torch.equal(theirs, ours)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_muon_matches_torch_on_larger_tall_and_wide_matrices(dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    params = [rng.normal(size=s).astype(dtype) for s in [(9, 6), (6, 9), (7, 7)]]
    tensors = [torch.tensor(p.copy()) for p in params]
    options = {"lr": 0.01, "weight_decay": 0.1, "adjust_lr_fn": "match_rms_adamw"}
    opt, topt = Muon(params, **options), reference_class("Muon")(tensors, **options)
    for _ in range(30):
        grads = [rng.normal(size=p.shape).astype(dtype) for p in params]
        opt.step(grads)
        for t, g in zip(tensors, grads, strict=True):
            t.grad = torch.from_numpy(g)
        topt.step()
    rtol = 1e-9 if dtype == np.float64 else 2e-4
    for p, t in zip(params, tensors, strict=True):
        assert np.abs(p - t.numpy()).max() <= rtol * np.abs(t.numpy()).max()


# ----------------------------------------------------------------------------------------------
# dtypes
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_float32_params_keep_float32_params_and_state(name: str) -> None:
    params = make_params(name, np.float32)
    opt = getattr(optim, name)(params, **FULL_OPTIONS[name])
    # float64 gradients and np.float64 hyperparameters must not promote anything
    opt.param_groups[0]["lr"] = np.float64(opt.lr)
    for t in range(3):
        opt.step([g.astype(np.float64) for g in grads_for(params, t)])
    for p, st in zip(params, opt.state, strict=True):
        assert p.dtype == np.float32
        for key, value in st.items():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32, key


def test_params_of_different_dtypes_are_updated_each_in_its_own_dtype() -> None:
    a, b = np.ones(3, np.float32), np.ones(2, np.float64)
    opt = Adam([a, b], lr=0.5)
    opt.step([np.ones(3), np.ones(2)])
    assert a.dtype == np.float32 and b.dtype == np.float64
    assert opt.state[0]["exp_avg"].dtype == np.float32
    assert opt.state[1]["exp_avg"].dtype == np.float64
    np.testing.assert_allclose(a, 0.5, rtol=1e-6)
    np.testing.assert_allclose(b, 0.5 + 0.5e-8, rtol=1e-12)  # eps: 0.5 / (1 + 1e-8)


def test_state_arrays_have_the_shapes_of_their_params() -> None:
    params = [np.zeros((2, 3)), np.zeros(()), np.zeros((0, 4))]
    opt = Adam(params)
    opt.step([np.ones((2, 3)), np.ones(()), np.ones((0, 4))])
    for p, st in zip(params, opt.state, strict=True):
        assert st["exp_avg"].shape == p.shape and st["step"] == 1


def test_non_contiguous_gradients_are_accepted() -> None:
    x, y = np.zeros((3, 2)), np.zeros((3, 2))
    g = np.arange(6.0).reshape(2, 3)
    SGD([x], lr=1.0).step([g.T])
    SGD([y], lr=1.0).step([np.ascontiguousarray(g.T)])
    np.testing.assert_array_equal(x, y)


# ----------------------------------------------------------------------------------------------
# chunked processing, memory, per-step cost
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_params_updated_slice_by_slice_equal_whole_array_updates_bit_for_bit(
    name: str, dtype: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tiny slices (7 elements): params straddle slice boundaries; one param fits in one slice
    rng = np.random.default_rng(5)
    shapes = [param_shape(name, s) for s in [(1,), (3, 11), (20,), (2,), (9, 1), (30,)]]
    sliced = [rng.normal(size=s).astype(dtype) for s in shapes]
    whole = [p.copy() for p in sliced]
    cls = getattr(optim, name)
    monkeypatch.setattr(optim_base, "CHUNK_BYTES", 7 * np.dtype(dtype).itemsize)
    opt = cls(sliced, **FULL_OPTIONS[name])
    monkeypatch.setattr(optim_base, "CHUNK_BYTES", 1 << 20)
    reference = cls(whole, **FULL_OPTIONS[name])
    sizes: list[int] = []  # the sizes of the arrays `_update` (the documented rule) is handed
    update = opt._update

    def recording_update(arrays: Any, step: int) -> None:
        arrays = list(arrays)
        sizes.extend(param.size for param, *_ in arrays)
        update(arrays, step)

    monkeypatch.setattr(opt, "_update", recording_update)
    for _ in range(5):
        gs = [rng.normal(size=s).astype(dtype) for s in shapes]
        opt.step(gs)
        reference.step(gs)
    if cls._elementwise:  # large params in slices of 7, small ones whole
        assert max(sizes) == 7 and 33 not in sizes and 30 not in sizes
        assert 1 in sizes and 2 in sizes
    else:  # Muon multiplies matrices: every param whole, whatever its size
        assert sorted(set(sizes)) == sorted({p.size for p in sliced})
    for p, q in zip(sliced, whole, strict=True):
        assert p.tobytes() == q.tobytes()
    for st, st_ref in zip(opt.state, reference.state, strict=True):
        assert st.keys() == st_ref.keys()
        for key, value in st.items():
            if isinstance(value, np.ndarray):
                assert value.tobytes() == st_ref[key].tobytes(), key
            else:
                assert value == st_ref[key], key


@pytest.mark.parametrize("name", NAMES)
def test_a_step_allocates_at_most_five_percent_of_param_bytes(name: str) -> None:
    shapes = [param_shape(name, s) for s in [(600_000,), (300, 1000), (7,)]]
    params = [np.zeros(shapes[0], np.float32), np.zeros(shapes[1], np.float32), np.zeros(shapes[2])]
    rng = np.random.default_rng(0)
    gs = [rng.normal(size=p.shape).astype(p.dtype) for p in params]
    cls = getattr(optim, name)
    opt = cls(params, **FULL_OPTIONS[name])
    opt.step(gs)  # the first step may create state (SGD's momentum buffer)
    param_bytes = sum(p.nbytes for p in params)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        opt.step(gs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if cls._elementwise:
        assert peak - start <= 0.05 * param_bytes
    else:  # Muon: Newton-Schulz makes new matrices (X X^T, its square, ...) of one param at a
        # time: 5.7 times the largest param's bytes here, whatever the number of params
        assert peak - start <= 8 * max(p.nbytes for p in params)


def test_memory_beyond_the_state_does_not_grow_with_the_params() -> None:
    """Construction and a first step allocate the state arrays plus scratch of fixed size."""
    extra = {}
    for n in [1_000_000, 3_000_000]:
        params = [np.zeros(n, np.float32), np.zeros(10)]
        gs = [np.full(p.shape, 0.5, p.dtype) for p in params]
        tracemalloc.start()
        try:
            opt = Adam(params)
            opt.step(gs)
            allocated, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        state = sum(v.nbytes for st in opt.state for v in st.values() if isinstance(v, np.ndarray))
        assert state >= 2 * 4 * n  # exp_avg and exp_avg_sq
        extra[n] = allocated - state
    # 2 million more params add no scratch; what there is stays under 5 % of 10 M float32 params
    assert abs(extra[3_000_000] - extra[1_000_000]) < 0.001 * 2 * 4 * 2_000_000
    assert extra[3_000_000] <= 0.05 * 10_000_000 * 4


@pytest.mark.parametrize("name", NAMES)
def test_hyperparameters_are_checked_when_set_not_at_every_step(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = getattr(optim, name)
    opt = cls(make_params(name), **FULL_OPTIONS[name])
    calls = []
    check = cls._check_hyperparameters

    def counted(group: dict[str, Any]) -> None:
        calls.append(1)
        check(group)

    monkeypatch.setattr(cls, "_check_hyperparameters", staticmethod(counted))
    run(opt, 0, 3)
    assert calls == []
    opt.param_groups[0]["lr"] = 0.5 * opt.lr  # e.g. a schedule: checked once, at the next step
    run(opt, 3, 6)
    assert calls == [1]


def test_a_step_calls_no_blas() -> None:
    # BLAS may run threads: a step's time would depend on how many cores are busy. Muon's rule
    # is matrix products (Newton-Schulz), so its module is the one exception.
    classes = [getattr(optim, n) for n in NAMES if n != "Muon"]
    source = "".join(
        Path(module.__file__).read_text()
        for module in [optim_base, optim.parts, *(sys.modules[c.__module__] for c in classes)]
    )
    for call in ["np.dot", "np.matmul", "scipy", "einsum", "np.inner", "vdot", ".dot("]:
        assert call not in source, call


# ----------------------------------------------------------------------------------------------
# state_dict, save and load
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_resumed_run_is_bit_identical_to_an_uninterrupted_one(name: str, dtype: Any) -> None:
    cls, options = getattr(optim, name), FULL_OPTIONS[name]
    straight = make_params(name, dtype)
    opt = cls(straight, **options)
    run(opt, 0, 4)
    saved_params = [p.copy() for p in straight]
    saved = opt.state_dict()
    run(opt, 4, 10)

    resumed = saved_params
    opt2 = cls(resumed, **options)
    opt2.load_state_dict(saved)
    run(opt2, 4, 10)
    for p, q in zip(straight, resumed, strict=True):
        assert p.tobytes() == q.tobytes()


@pytest.mark.parametrize("name", NAMES)
def test_save_and_load_resume_bit_identically_through_an_npz_file(name: str, tmp_path) -> None:
    cls, options = getattr(optim, name), FULL_OPTIONS[name]
    straight = make_params(name, np.float32)
    opt = cls(straight, **options)
    run(opt, 0, 3)
    opt.param_groups[0]["lr"] = 0.003  # e.g. changed by a schedule: saved too
    resumed = [p.copy() for p in straight]
    opt.save(tmp_path / "opt.npz")
    run(opt, 3, 8)

    opt2 = cls(resumed, **options)
    opt2.load(tmp_path / "opt.npz")
    assert opt2.lr == 0.003
    run(opt2, 3, 8)
    for p, q in zip(straight, resumed, strict=True):
        assert p.tobytes() == q.tobytes()
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as f:  # loadable without pickle
        assert all(f[k].dtype != object for k in f.files)


def test_state_dict_before_the_first_step_restores_a_fresh_optimizer() -> None:
    x = np.ones(2)
    opt = SGD([x], lr=0.1, momentum=0.9)
    fresh = opt.state_dict()
    run(opt, 0, 3)
    opt.load_state_dict(fresh)
    assert "momentum_buffer" not in opt.state[0] and opt.state[0]["step"] == 0
    y = np.ones(2)
    reference = SGD([y], lr=0.1, momentum=0.9)
    x[...] = 1.0
    opt.step([np.ones(2)])
    reference.step([np.ones(2)])
    np.testing.assert_array_equal(x, y)


def test_state_dict_is_a_copy_not_a_view() -> None:
    opt = Adam([np.zeros(2)])
    sd = opt.state_dict()
    opt.step([np.ones(2)])
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], [0.0, 0.0])


def test_state_dict_has_torchs_layout() -> None:
    opt = Adam([np.zeros(2), np.zeros(3)], lr=0.1)
    opt.step([np.ones(2), np.ones(3)])
    sd = opt.state_dict()
    assert sd["optimizer"] == "Adam"
    assert sd["param_groups"][0]["params"] == [0, 1] and sd["param_groups"][0]["lr"] == 0.1
    assert set(sd["state"][1]) == {"step", "exp_avg", "exp_avg_sq"}


def test_loading_writes_into_the_state_arrays_the_user_holds() -> None:
    opt = Adam([np.zeros(2)])
    m = opt.state[0]["exp_avg"]
    other = Adam([np.zeros(2)])
    other.step([np.ones(2)])
    opt.load_state_dict(other.state_dict())
    assert np.shares_memory(opt.state[0]["exp_avg"], m)
    np.testing.assert_array_equal(m, other.state[0]["exp_avg"])


LECTURES = {n: list(SETTINGS[n].lectures) for n in OPTIMIZERS}


@pytest.mark.parametrize("name", NAMES)
def test_docstring_gives_the_rule_the_lecture_the_defaults_and_the_conventions(name: str) -> None:
    doc = getattr(optim, name).__doc__
    assert ".. math::" in doc and "Parameters" in doc and "Notes" in doc
    for lecture in LECTURES[name]:
        assert f"lectures/{lecture}.ipynb" in doc
        assert (
            Path(__file__).resolve().parents[1] / "source" / "lectures" / f"{lecture}.py"
        ).exists()
    for key, value in TORCH_DEFAULTS[name].items():
        match = re.search(rf"^\s*{key} : .*, default (.+)$", doc, flags=re.MULTILINE)
        assert match, f"parameter {key} or its default undocumented"
        assert ast.literal_eval(match.group(1)) == value, f"documented default of {key}"


def test_state_arrays_come_in_the_optimizers_order_whatever_the_hash_seed() -> None:
    """A step creates the state arrays in the order the optimizer names them (torch's), so that
    state dicts, the state view's legend and its colours do not change between Python runs."""
    import json
    import os
    import subprocess

    code = (
        "import json, sys\nimport numpy as np\nsys.path.insert(0, 'tests')\n"
        "from optim_settings import SETTINGS\nimport adamlib.optim as optim\n"
        "orders = {}\n"
        "for name in optim.__all__[1:]:\n"
        "    shape = (3, 4)\n"
        "    opt = getattr(optim, name)([np.ones(shape)], **SETTINGS[name].full_options)\n"
        "    opt.step([np.full(shape, 0.5)])\n"
        "    orders[name] = list(opt.state[0])\n"
        "print(json.dumps(orders))"
    )
    root = Path(__file__).resolve().parents[1]
    seen = []
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        seen.append(json.loads(out.stdout))
    assert all(orders == seen[0] for orders in seen)
    assert seen[0]["Adam"][:3] == ["step", "exp_avg", "exp_avg_sq"]
    assert seen[0]["Adafactor"][:3] == ["step", "row_var", "col_var"]
