"""Adafactor, Lion and ScheduleFreeAdamW (lecture 12): what the generic suites do not cover.

The trajectories against torch.optim.Adafactor, lion-pytorch and schedulefree are in
tests/test_optim_reference.py; here the rules' defining properties, Adafactor's factored state,
and Schedule-Free's train/eval switch (also live against schedulefree when it is installed).
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest
from optim_settings import make_reference, missing_reference

from adamlib.optim import Adafactor, Adam, Lion, ScheduleFreeAdamW
from adamlib.optim import adafactor as adafactor_module
from adamlib.optim import base as optim_base


def fingerprint(opt) -> tuple:  # type: ignore[no-untyped-def]
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
# Lion
# ----------------------------------------------------------------------------------------------
def test_lion_moves_every_coordinate_by_exactly_lr() -> None:
    x = np.zeros(5)
    opt = Lion([x], lr=0.01)
    opt.step([np.array([1e-6, -3.0, 1e4, -1e-9, 2.0])])
    np.testing.assert_array_equal(x, 0.01 * np.array([-1, 1, -1, 1, -1]))


def test_lion_takes_the_sign_of_the_beta1_interpolation_then_updates_m_with_beta2() -> None:
    x = np.zeros(1)
    opt = Lion([x], lr=1.0, betas=(0.5, 0.9))
    opt.step([np.array([4.0])])  # c = 0.5 * 0 + 0.5 * 4: step -1; m = 0.1 * 4 = 0.4
    assert x[0] == -1.0 and opt.state[0]["exp_avg"][0] == pytest.approx(0.4)
    opt.step([np.array([-1.0])])  # c = 0.5 * 0.4 - 0.5 = -0.3: step +1 (with beta2: 0.36 - 0.1)
    assert x[0] == 0.0
    assert opt.state[0]["exp_avg"][0] == pytest.approx(0.9 * 0.4 - 0.1)


def test_lion_keeps_one_buffer_and_decays_by_lr_times_weight_decay() -> None:
    x = np.array([2.0])
    opt = Lion([x], lr=0.1, weight_decay=0.5)
    opt.step([np.zeros(1)])  # sign(0) = 0: only the decay acts
    assert x[0] == 2.0 * (1 - 0.1 * 0.5)
    assert sorted(k for k in opt.state[0] if k != "step") == ["exp_avg"]


# ----------------------------------------------------------------------------------------------
# Adafactor
# ----------------------------------------------------------------------------------------------
def test_adafactor_keeps_n_plus_m_numbers_for_a_matrix_and_a_full_vector_otherwise() -> None:
    W, b, s, T = np.ones((6, 4)), np.ones(4), np.ones(()), np.ones((2, 3, 5))
    opt = Adafactor([W, b, s, T])
    assert opt.state[0]["row_var"].shape == (6, 1) and opt.state[0]["col_var"].shape == (1, 4)
    assert "variance" not in opt.state[0]
    assert opt.state[1]["variance"].shape == (4,) and "row_var" not in opt.state[1]
    assert opt.state[2]["variance"].shape == ()
    assert opt.state[3]["row_var"].shape == (2, 3, 1) and opt.state[3]["col_var"].shape == (2, 1, 5)


def test_adafactor_second_moment_is_the_rank_one_product_of_row_and_column_means() -> None:
    rng = np.random.default_rng(0)
    G = rng.normal(size=(5, 3))
    opt = Adafactor([np.ones((5, 3))], lr=0.0)  # lr 0: the state is updated, the param not
    opt.step([G])  # t = 1: beta2_1 = 0, so R and C are the means of this G^2
    R, C = opt.state[0]["row_var"], opt.state[0]["col_var"]
    np.testing.assert_allclose(R[:, 0], (G**2).mean(axis=1), rtol=1e-14)
    np.testing.assert_allclose(C[0], (G**2).mean(axis=0), rtol=1e-14)
    V = R * C / R.mean()
    # exact for a rank-one G^2, and its row and column means are those of G^2
    np.testing.assert_allclose(V.mean(axis=1), (G**2).mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(V.mean(axis=0), (G**2).mean(axis=0), rtol=1e-12)


def test_adafactor_first_step_has_rms_rho_times_rms_of_params() -> None:
    rng = np.random.default_rng(1)
    W = rng.normal(size=(8, 4))
    before = W.copy()
    Adafactor([W], lr=0.01).step([rng.normal(size=(8, 4))])
    # the update U is clipped to RMS 1 (d = 1); alpha = max(1e-3, RMS(W)) * min(lr, 1)
    step_rms = np.sqrt(np.mean((W - before) ** 2))
    assert step_rms == pytest.approx(0.01 * np.sqrt(np.mean(before**2)), rel=1e-12)


# Adafactor's large vectors: _update_large, the same update in two passes over memory
ADAFACTOR_OPTIONS = [
    {},  # d = 1: the second step's U has RMS 1.32 (below), so the clipping acts
    {"lr": 0.05, "weight_decay": 0.1, "maximize": True},
    {
        "lr": 0.02,
        "beta2_decay": -0.6,
        "eps": (1e-10, 0.01),
        "d": 1.5,
        "weight_decay": 0.05,
        "maximize": True,
    },
]


def adafactor_twins(
    sizes: list[int], dtype: Any, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> tuple[Adafactor, Adafactor, list[int]]:
    """Two Adafactors on equal params: large vectors by ``_update_large``, and all by ``_update``.

    Also the sizes of the params ``_update_large`` was called with.
    """
    rng = np.random.default_rng(3)
    params = [rng.normal(size=n).astype(dtype) for n in sizes]
    two_pass = Adafactor([p.copy() for p in params], **options)
    with monkeypatch.context() as m:
        m.setattr(adafactor_module, "LARGE_VECTOR_BYTES", 1 << 62)  # no vector is large
        plain = Adafactor([p.copy() for p in params], **options)
    called: list[int] = []
    update_large = two_pass._update_large

    def recording(param: np.ndarray, *args: Any) -> None:
        called.append(param.size)
        update_large(param, *args)

    monkeypatch.setattr(two_pass, "_update_large", recording)
    return two_pass, plain, called


def growing_gradients(sizes: list[int], dtype: Any, steps: int) -> list[list[np.ndarray]]:
    """Random gradients, the second ten times the first: U = 10 / sqrt(0.43 + 57.4) = 1.32."""
    rng = np.random.default_rng(4)
    first = [rng.normal(size=n).astype(dtype) for n in sizes]
    rest = [[rng.normal(size=n).astype(dtype) for n in sizes] for _ in range(steps - 2)]
    return [first, [10 * g for g in first], *rest]


def assert_equal_to_rounding(two_pass: Adafactor, plain: Adafactor, dtype: Any) -> None:
    """The elementwise arithmetic is the same; the sums of theta^2 and U^2 are added in slices.

    So alpha and the clipping factor may differ in their last bits: the params agree to 1e-12
    (float64) or 1e-6 (float32, a few ulps), relative; the second moment V does not depend on
    them and is bit-identical.
    """
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    for p, q in zip(two_pass.params, plain.params, strict=True):
        np.testing.assert_allclose(p, q, rtol=rtol, atol=0)
    for st, st_plain in zip(two_pass.state, plain.state, strict=True):
        assert st["variance"].tobytes() == st_plain["variance"].tobytes()
        assert st["step"] == st_plain["step"]


@pytest.mark.parametrize("options", ADAFACTOR_OPTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adafactor_large_vectors_in_two_passes_equal_the_plain_update_to_rounding(
    dtype: Any, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # slices of 7 elements, vectors above 64 bytes are large: 53 (7 slices and 4) and 30
    # elements by _update_large; 8 (64 bytes at most) and 3 elements by _update
    monkeypatch.setattr(optim_base, "CHUNK_BYTES", 7 * np.dtype(dtype).itemsize)
    monkeypatch.setattr(adafactor_module, "LARGE_VECTOR_BYTES", 64)
    sizes = [53, 3, 30, 8]
    two_pass, plain, called = adafactor_twins(sizes, dtype, options, monkeypatch)
    for grads in growing_gradients(sizes, dtype, steps=6):
        two_pass.step(grads)
        plain.step(grads)
    assert called == [53, 30] * 6
    assert_equal_to_rounding(two_pass, plain, dtype)


def test_adafactor_a_large_float32_vector_in_256_kib_slices_equals_the_plain_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the sizes of the benchmark's vectors: 300,001 elements, 4 slices of 65,536 and a rest
    sizes = [300_001, 1000]
    two_pass, plain, called = adafactor_twins(sizes, np.float32, {}, monkeypatch)
    for grads in growing_gradients(sizes, np.float32, steps=3):
        two_pass.step(grads)
        plain.step(grads)
    assert called == [300_001] * 3
    assert_equal_to_rounding(two_pass, plain, np.float32)


def test_adafactor_a_large_vector_step_allocates_nothing_proportional_to_it() -> None:
    rng = np.random.default_rng(0)
    params = [np.zeros(600_000, np.float32), np.zeros(7)]
    grads = [rng.normal(size=p.shape).astype(p.dtype) for p in params]
    opt = Adafactor(params, weight_decay=0.01)
    opt.step(grads)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        opt.step(grads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # (what there is: NumPy's 64 KiB buffer that casts float32 to float64 for the sums)
    assert peak - start <= 0.05 * params[0].nbytes


def test_adafactor_scratch_for_large_vectors_is_one_vector_and_two_slices() -> None:
    params = [np.zeros(2_000_000, np.float32), np.zeros(10, np.float32)]
    tracemalloc.start()
    try:
        opt = Adafactor(params)
        opt.step([np.full(p.shape, 0.5, p.dtype) for p in params])
        allocated, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    state = sum(v.nbytes for st in opt.state for v in st.values() if isinstance(v, np.ndarray))
    assert state == sum(p.nbytes for p in params)  # V
    # U for _update_large (8 MB), two 256 KiB slices, Python objects (not three 8 MB arrays)
    assert allocated - state <= params[0].nbytes + 3 * 2**18


def test_adafactor_a_bad_gradient_after_a_large_vector_changes_nothing() -> None:
    params = [np.ones(200_000), np.ones(3)]
    opt = Adafactor(params)
    opt.step([np.full(200_000, 0.5), np.ones(3)])
    before = fingerprint(opt)
    with pytest.raises(ValueError, match="gradient 1 contains NaN"):
        opt.step([np.full(200_000, 0.5), np.array([1.0, np.nan, 1.0])])
    assert fingerprint(opt) == before


# ----------------------------------------------------------------------------------------------
# Schedule-Free: y (train) and x (eval)
# ----------------------------------------------------------------------------------------------
def trained(seed: int = 0, steps: int = 5) -> tuple[ScheduleFreeAdamW, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    opt = ScheduleFreeAdamW(params, lr=0.05, weight_decay=0.01)
    for _ in range(steps):
        opt.step([rng.normal(size=p.shape) for p in params])
    return opt, params


def test_schedule_free_starts_in_train_mode_and_eval_gives_x() -> None:
    opt, params = trained()
    assert all(g["train_mode"] for g in opt.param_groups)
    y = [p.copy() for p in params]
    opt.eval()
    assert not opt.param_groups[0]["train_mode"]
    for p, yy, st in zip(params, y, opt.state, strict=True):  # x = (y - (1 - beta1) z) / beta1
        np.testing.assert_allclose(p, (yy - 0.1 * st["z"]) / 0.9, rtol=1e-12, atol=1e-15)
    opt.eval()  # already in eval mode: nothing moves
    x = [p.copy() for p in params]
    opt.eval()
    assert all(np.array_equal(p, xx) for p, xx in zip(params, x, strict=True))
    opt.train()
    for p, yy in zip(params, y, strict=True):
        np.testing.assert_allclose(p, yy, rtol=1e-12, atol=1e-14)


def test_schedule_free_step_in_eval_mode_raises_and_changes_nothing() -> None:
    opt, params = trained()
    opt.eval()
    before = fingerprint(opt)
    with pytest.raises(RuntimeError, match=r"eval mode.*opt\.train\(\)"):
        opt.step([np.ones_like(p) for p in params])
    assert fingerprint(opt) == before


def test_schedule_free_train_before_the_first_step_moves_nothing() -> None:
    x = np.array([1.0, 2.0])
    opt = ScheduleFreeAdamW([x])
    opt.eval()
    opt.train()
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_schedule_free_bad_train_mode_is_rejected_before_anything_is_written() -> None:
    opt, params = trained()
    opt.param_groups[0]["train_mode"] = "yes"
    before = fingerprint(opt)
    with pytest.raises(TypeError, match="train_mode must be True or False"):
        opt.step([np.ones_like(p) for p in params])
    with pytest.raises(TypeError, match="train_mode must be True or False"):
        opt.eval()
    assert fingerprint(opt) == before


def test_schedule_free_mode_and_averaging_state_survive_a_state_dict_round_trip() -> None:
    opt, params = trained()
    opt.eval()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["train_mode"] is False
    assert sd["state"][0]["weight_sum"] > 0 and sd["state"][0]["lr_max"] == 0.05
    other, other_params = trained(seed=1, steps=2)
    for p, q in zip(other_params, params, strict=True):
        p[...] = q  # the params are the caller's to restore (they hold x now)
    other.load_state_dict(sd)
    assert fingerprint(other) == fingerprint(opt)
    rng = np.random.default_rng(9)
    grads = [[rng.normal(size=p.shape) for p in params] for _ in range(3)]
    for o in (opt, other):
        o.train()
        for g in grads:
            o.step(g)
    assert fingerprint(other) == fingerprint(opt)


def test_schedule_free_state_dict_without_a_valid_train_mode_is_rejected_atomically() -> None:
    opt, _ = trained()
    for bad in ["no", None, 1.0]:
        sd = trained(seed=2)[0].state_dict()
        sd["param_groups"][0]["train_mode"] = bad
        before = fingerprint(opt)
        with pytest.raises(ValueError, match="train_mode"):
            opt.load_state_dict(sd)
        assert fingerprint(opt) == before
    sd = trained(seed=2)[0].state_dict()
    del sd["param_groups"][0]["train_mode"]
    with pytest.raises(ValueError, match="train_mode"):
        opt.load_state_dict(sd)


def test_schedule_free_a_group_added_later_takes_the_current_mode() -> None:
    opt, _ = trained()
    opt.add_param_group({"params": [np.zeros(2)]})
    assert opt.param_groups[1]["train_mode"] is True


def test_schedule_free_with_a_constant_lr_averages_z_uniformly() -> None:
    # r = 0 and no warmup: w_t = lr^2, W_t = t lr^2, c_{t+1} = 1 / t; so x_{t+1} is the plain
    # mean of z_2 ... z_{t+1} (c_2 = 1: the starting point gets no weight)
    x = np.array([3.0, -1.0])
    opt = ScheduleFreeAdamW([x], lr=0.1, betas=(0.9, 0.999))
    zs = []
    rng = np.random.default_rng(4)
    for _ in range(6):
        opt.step([rng.normal(size=2)])
        zs.append(opt.state[0]["z"].copy())
    opt.eval()
    np.testing.assert_allclose(x, np.mean(zs, axis=0), rtol=1e-12)
    assert opt.state[0]["weight_sum"] == pytest.approx(6 * 0.1**2, rel=1e-15)


@pytest.mark.torch
def test_schedule_free_train_eval_switch_matches_the_schedulefree_package() -> None:
    missing = missing_reference("ScheduleFreeAdamW")
    if missing is not None:
        pytest.skip(f"{missing} is not installed (optional extra 'reference')")
    import torch

    rng = np.random.default_rng(3)
    params = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    tensors = [torch.tensor(p) for p in params]
    opt = ScheduleFreeAdamW(params, lr=0.05, warmup_steps=3)
    topt = make_reference("ScheduleFreeAdamW", tensors, lr=0.05, warmup_steps=3)
    for t in range(12):
        grads = [rng.normal(size=p.shape) for p in params]
        for tt, g in zip(tensors, grads, strict=True):
            tt.grad = torch.from_numpy(g.copy())
        opt.step(grads)
        topt.step()
        if t in (4, 9):  # evaluate at x, then resume
            opt.eval()
            topt.eval()
            for p, tt in zip(params, tensors, strict=True):
                np.testing.assert_allclose(p, tt.numpy(), rtol=1e-12, atol=1e-15)
            opt.train()
            topt.train()
    for p, tt in zip(params, tensors, strict=True):
        np.testing.assert_allclose(p, tt.numpy(), rtol=1e-12, atol=1e-15)


def test_lean_optimizers_keep_less_state_than_adam() -> None:
    W = np.zeros((256, 128))

    def state_numbers(opt) -> int:  # type: ignore[no-untyped-def]
        opt.step([np.ones_like(W)])
        return sum(v.size for v in opt.state[0].values() if isinstance(v, np.ndarray))

    assert state_numbers(Adam([W.copy()])) == 2 * W.size
    assert state_numbers(Lion([W.copy()])) == W.size
    assert state_numbers(Adafactor([W.copy()])) == 256 + 128
    assert state_numbers(ScheduleFreeAdamW([W.copy()])) == 2 * W.size
