"""Gradient noise, schedules and recorded optimizer state in adamlib.run (issue 19's core)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from adamlib import functions as F
from adamlib import optim
from adamlib.run import GradientNoise, OptimizerRun, effective_step, run_optimizer
from adamlib.schedules import CosineAnnealingLR, StepLR

ROSEN = F.rosenbrock
STEPS = 60


def exact_gradients(traj: Any, objective: F.Objective) -> np.ndarray:
    """The noise-free gradient at the point each step started from (row t: at path[t-1])."""
    g = np.full(traj.path.shape, np.nan)
    g[1:] = objective.grad(traj.path[:-1])
    return g


# ----------------------------------------------------------------------------------------------
# GradientNoise
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"kind": "gaussian"}, ValueError, "noise kind must be one of"),
        ({"kind": "additive", "sigma": -0.1}, ValueError, "sigma must be finite and >= 0"),
        ({"kind": "additive", "sigma": float("nan")}, ValueError, "sigma must be finite"),
        ({"kind": "additive", "sigma": True}, TypeError, "sigma must be a real number"),
        ({"kind": "additive", "sigma": "0.1"}, TypeError, "sigma must be a real number"),
        ({"kind": "additive", "sigma": 0.1, "seed": 1.5}, TypeError, "seed must be an integer"),
        ({"kind": "additive", "sigma": 0.1, "seed": -1}, ValueError, "seed must be >= 0"),
    ],
)
def test_bad_noise_settings_are_rejected_with_a_message(
    kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        GradientNoise(**kwargs)


def test_run_optimizer_rejects_a_noise_that_is_not_a_gradient_noise() -> None:
    with pytest.raises(TypeError, match="noise must be a GradientNoise"):
        run_optimizer(ROSEN, optim.SGD, steps=3, lr=1e-3, noise=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("noise", [None, GradientNoise(), GradientNoise("additive", 0.0, 3)])
def test_no_noise_is_the_exact_run_bit_for_bit(noise: GradientNoise | None) -> None:
    plain = run_optimizer(ROSEN, optim.Adam, steps=STEPS, lr=0.05)
    other = run_optimizer(ROSEN, optim.Adam, steps=STEPS, lr=0.05, noise=noise)
    assert plain.path.tobytes() == other.path.tobytes()


@pytest.mark.parametrize("kind", ["additive", "relative"])
def test_every_optimizer_sees_the_same_draws(kind: str) -> None:
    noise = GradientNoise(kind, 0.3, seed=7)
    xis = []
    for cls, hyper in [(optim.SGD, {"lr": 1e-3}), (optim.Adam, {"lr": 0.05}), (optim.Adagrad, {})]:
        traj = run_optimizer(ROSEN, cls, steps=STEPS, noise=noise, record_state=True, **hyper)
        exact = exact_gradients(traj, ROSEN)
        if kind == "additive":
            xi = (traj.grads - exact) / noise.sigma
        else:
            xi = (traj.grads / exact - 1.0) / noise.sigma
        xis.append(xi[1:])
    expected = np.random.default_rng(7).standard_normal((STEPS, 2))
    for xi in xis:
        np.testing.assert_allclose(xi, expected, rtol=1e-6, atol=1e-9)


def test_relative_noise_vanishes_with_the_gradient_additive_noise_does_not() -> None:
    objective = F.quadratic(10.0)
    start = objective.minima[0]
    rel = run_optimizer(objective, optim.SGD, start=start, steps=20, lr=0.05,
                        noise=GradientNoise("relative", 1.0, 0))  # fmt: skip
    add = run_optimizer(objective, optim.SGD, start=start, steps=20, lr=0.05,
                        noise=GradientNoise("additive", 1.0, 0))  # fmt: skip
    assert np.all(rel.path == start)
    assert np.abs(add.path[-1] - start).max() > 1e-3


def test_losses_are_the_objectives_own_values_along_a_noisy_path() -> None:
    traj = run_optimizer(ROSEN, optim.Adam, steps=STEPS, lr=0.05,
                         noise=GradientNoise("additive", 2.0, 1))  # fmt: skip
    np.testing.assert_array_equal(traj.losses, ROSEN.f(traj.path))


def test_a_batch_of_starts_gets_its_own_draws_per_start() -> None:
    starts = np.array([[-1.0, 1.0], [0.5, -0.5], [1.5, 2.0]])
    noise = GradientNoise("additive", 0.5, seed=11)
    traj = run_optimizer(ROSEN, optim.SGD, start=starts, steps=10, lr=1e-4, noise=noise,
                         record_state=True)  # fmt: skip
    assert traj.grads is not None and traj.grads.shape == (11, 3, 2)
    xi = (traj.grads[1:] - ROSEN.grad(traj.path[:-1])) / 0.5
    expected = np.random.default_rng(11).standard_normal((10, 3, 2))
    np.testing.assert_allclose(xi, expected, rtol=1e-6, atol=1e-9)


def test_noise_does_not_stop_divergence_detection() -> None:
    traj = run_optimizer(ROSEN, optim.SGD, steps=200, lr=0.1,
                         noise=GradientNoise("additive", 1.0, 0))  # fmt: skip
    assert traj.diverged is True
    assert np.isinf(traj.losses[-1]) and np.isnan(traj.path[-1]).all()


# ----------------------------------------------------------------------------------------------
# recorded state and the effective step
# ----------------------------------------------------------------------------------------------
NO_MOMENTUM = {  # direction d_t = g_t: theta_t = theta_{t-1} - s_t * g_t exactly
    "SGD": {"lr": 1e-3},
    "Adagrad": {"lr": 0.3, "lr_decay": 0.01},
    "RMSprop": {"lr": 0.01},
    "RMSprop-centered": {"lr": 0.01, "centered": True},
    "Adam": {"lr": 0.05, "betas": (0.0, 0.999)},
    "Adam-amsgrad": {"lr": 0.05, "betas": (0.0, 0.99), "amsgrad": True},
    "AdamW": {"lr": 0.05, "betas": (0.0, 0.999), "weight_decay": 0.0},
    "NAdam": {"lr": 0.05, "betas": (0.0, 0.999)},
    "RAdam": {"lr": 1e-3, "betas": (0.0, 0.99)},  # unrectified for 5 steps, then rectified
    "Adamax": {"lr": 0.05, "betas": (0.0, 0.999)},
}


@pytest.mark.parametrize("case", sorted(NO_MOMENTUM))
def test_effective_step_is_what_the_step_multiplied_the_gradient_by(case: str) -> None:
    cls = getattr(optim, case.split("-")[0])
    traj = run_optimizer(ROSEN, cls, steps=STEPS, record_state=True,
                         noise=GradientNoise("additive", 0.5, 2), **NO_MOMENTUM[case])  # fmt: skip
    assert traj.state is not None and traj.grads is not None
    s = traj.state["effective_step"]
    assert np.isnan(s[0]).all() and np.isfinite(s[1:]).all() and (s[1:] > 0).all()
    moved = traj.path[1:] - traj.path[:-1]
    np.testing.assert_allclose(moved, -s[1:] * traj.grads[1:], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax"])
def test_with_momentum_the_effective_step_multiplies_the_corrected_momentum(name: str) -> None:
    beta1 = 0.9
    extra = {"weight_decay": 0.0} if name == "AdamW" else {}
    traj = run_optimizer(ROSEN, getattr(optim, name), steps=STEPS, lr=0.02, record_state=True,
                         betas=(beta1, 0.999), **extra)  # fmt: skip
    assert traj.state is not None
    t = np.arange(1, STEPS + 1)[:, None]
    m_hat = traj.state["exp_avg"][1:] / (1 - beta1**t)
    moved = traj.path[1:] - traj.path[:-1]
    np.testing.assert_allclose(moved, -traj.state["effective_step"][1:] * m_hat, rtol=1e-9)


def test_state_arrays_are_recorded_after_every_step() -> None:
    traj = run_optimizer(ROSEN, optim.Adam, steps=5, lr=0.05, record_state=True)
    assert traj.state is not None
    assert set(traj.state) == {"exp_avg", "exp_avg_sq", "effective_step"}
    opt = optim.Adam([ROSEN.start.copy()], lr=0.05)
    for t in range(1, 6):
        opt.step([ROSEN.grad(opt.params[0])])
        np.testing.assert_array_equal(traj.state["exp_avg"][t], opt.state[0]["exp_avg"])
        np.testing.assert_array_equal(traj.state["exp_avg_sq"][t], opt.state[0]["exp_avg_sq"])
        np.testing.assert_array_equal(traj.state["effective_step"][t], effective_step(opt))


def test_adadelta_records_its_state_but_has_no_effective_step() -> None:
    traj = run_optimizer(ROSEN, optim.Adadelta, steps=5, record_state=True)
    assert traj.state is not None
    assert {"square_avg", "acc_delta"} <= set(traj.state)
    assert "effective_step" not in traj.state


def test_effective_step_before_any_step_is_none() -> None:
    assert effective_step(optim.Adam([np.zeros(2)])) is None


def test_without_record_state_nothing_is_recorded() -> None:
    traj = run_optimizer(ROSEN, optim.Adam, steps=5, lr=0.05)
    assert traj.state is None and traj.grads is None


# ----------------------------------------------------------------------------------------------
# schedules
# ----------------------------------------------------------------------------------------------
def test_a_schedule_changes_the_learning_rate_after_every_step() -> None:
    traj = run_optimizer(ROSEN, optim.SGD, steps=20, lr=1e-3, record_state=True,
                         schedule=lambda opt: StepLR(opt, step_size=5, gamma=0.5))  # fmt: skip
    assert traj.state is not None
    t = np.arange(1, 21)
    expected = 1e-3 * 0.5 ** ((t - 1) // 5)
    np.testing.assert_allclose(traj.state["effective_step"][1:, 0], expected, rtol=1e-15)
    # the same as the training loop a learner writes
    x = ROSEN.start.copy()
    opt = optim.SGD([x], lr=1e-3)
    scheduler = StepLR(opt, step_size=5, gamma=0.5)
    for _ in range(20):
        opt.step([ROSEN.grad(x)])
        scheduler.step()
    np.testing.assert_array_equal(traj.path[-1], x)


# ----------------------------------------------------------------------------------------------
# OptimizerRun (the playground's runs) with the same options
# ----------------------------------------------------------------------------------------------

OPTIONS = [
    (optim.SGD, {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    (optim.RMSprop, {"lr": 0.01, "centered": True}),
    (optim.Adam, {"lr": 0.05, "amsgrad": True}),
    (optim.AdamW, {"lr": 0.05, "weight_decay": 0.1}),
    (optim.Adadelta, {"lr": 1.0}),
]


def same_run(a: Any, b: Any) -> None:
    """Two trajectories equal bit for bit, state and gradients included."""
    assert a.path.tobytes() == b.path.tobytes()
    assert a.losses.tobytes() == b.losses.tobytes()
    assert (a.state is None) == (b.state is None)
    if a.state is not None:
        assert sorted(a.state) == sorted(b.state)
        for key in a.state:
            assert a.state[key].tobytes() == b.state[key].tobytes(), key
        assert a.grads.tobytes() == b.grads.tobytes()


@pytest.mark.parametrize(("cls", "hyper"), OPTIONS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("kind", ["none", "additive", "relative"])
def test_optimizer_run_with_noise_schedule_and_state_equals_run_optimizer(
    cls: type, hyper: dict[str, Any], kind: str
) -> None:
    noise = GradientNoise(kind, 0.5, seed=3)

    def schedule(opt: Any) -> StepLR:
        return StepLR(opt, step_size=20, gamma=0.5)

    ref = run_optimizer(
        ROSEN, cls, steps=STEPS, noise=noise, schedule=schedule, record_state=True, **hyper
    )
    mine = OptimizerRun(
        ROSEN, cls, hyper, ROSEN.start, noise=noise, schedule=schedule, record_state=True
    )
    same_run(mine.trajectory(STEPS), ref)


@pytest.mark.parametrize("kind", ["additive", "relative"])
@pytest.mark.parametrize("record_state", [False, True])
def test_optimizer_run_with_noise_continues_as_one_long_run(record_state: bool, kind: str) -> None:
    """The plain loop (the widgets' path) draws each continuation's noise terms at once."""
    noise = GradientNoise(kind, 0.2, seed=5)
    ref = run_optimizer(
        ROSEN, optim.Adam, steps=200, noise=noise, record_state=record_state, lr=0.05
    )
    mine = OptimizerRun(
        ROSEN, optim.Adam, {"lr": 0.05}, ROSEN.start, noise=noise, record_state=record_state
    )
    for steps in (10, 70, 69, 200):  # grows past the first buffers (64 rows) and back
        mine.advance(steps)
    same_run(mine.trajectory(200), ref)
    assert mine.trajectory(70).path.tobytes() == ref.path[:71].tobytes()


def test_a_noisy_run_that_diverges_stops_where_run_optimizer_stops() -> None:
    noise = GradientNoise("relative", 3.0, seed=1)
    ref = run_optimizer(ROSEN, optim.SGD, steps=100, noise=noise, lr=0.002)
    mine = OptimizerRun(ROSEN, optim.SGD, {"lr": 0.002}, ROSEN.start, noise=noise)
    for steps in (30, 100):
        mine.advance(steps)
    assert bool(ref.diverged) and mine.diverged_at is not None
    same_run(mine.trajectory(100), ref)


def test_optimizer_run_without_options_is_the_plain_run_bit_for_bit() -> None:
    plain = OptimizerRun(ROSEN, optim.Adam, {"lr": 0.05}, ROSEN.start).trajectory(STEPS)
    off = OptimizerRun(
        ROSEN, optim.Adam, {"lr": 0.05}, ROSEN.start, noise=GradientNoise("additive", 0.0)
    ).trajectory(STEPS)
    same_run(plain, off)
    assert plain.state is None and plain.grads is None


def test_a_cosine_schedule_depends_on_the_total_steps_so_a_longer_run_is_a_new_run() -> None:
    def cosine(total: int) -> Any:
        return lambda opt: CosineAnnealingLR(opt, T_max=total)

    short = run_optimizer(ROSEN, optim.Adam, steps=50, schedule=cosine(50), lr=0.05)
    long = run_optimizer(ROSEN, optim.Adam, steps=100, schedule=cosine(100), lr=0.05)
    # the first 50 steps differ: what a continued run would get wrong
    assert not np.array_equal(short.path, long.path[:51])
    mine = OptimizerRun(ROSEN, optim.Adam, {"lr": 0.05}, ROSEN.start, schedule=cosine(100))
    same_run(mine.trajectory(100), long)


def test_optimizer_run_rejects_a_noise_that_is_not_a_gradient_noise() -> None:
    with pytest.raises(TypeError, match="noise must be a GradientNoise"):
        OptimizerRun(ROSEN, optim.SGD, {}, ROSEN.start, noise=0.1)  # type: ignore[arg-type]
