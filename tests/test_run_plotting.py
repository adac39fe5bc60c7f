"""adamlib.run and adamlib.plotting."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from adamlib import functions as F
from adamlib import plotting
from adamlib.run import measured_rate, run, run_optimizer, sweep


def gd(lr):
    return lambda x, g: x - lr * g


def test_run_records_start_and_every_step():
    q = F.quadratic(10.0)
    traj = run(q, gd(0.1), steps=5)
    assert traj.path.shape == (6, 2) and traj.losses.shape == (6,)
    assert np.array_equal(traj.path[0], q.start)
    x = q.start.copy()
    for _ in range(5):
        x = x - 0.1 * q.grad(x)
    assert np.allclose(traj.final, x)
    assert np.allclose(traj.losses, q.f(traj.path))


def test_run_does_not_modify_the_start_point():
    start = np.array([1.0, 1.0])
    run(F.rosenbrock, gd(1e-3), start=start, steps=3)
    assert start.tolist() == [1.0, 1.0]


def test_batched_starts_run_independently():
    q = F.quadratic(10.0)
    starts = np.array([[1.0, 1.0], [-1.0, 0.5], [0.2, -2.0]])
    batched = run(q, gd(0.05), start=starts, steps=20)
    for i, s in enumerate(starts):
        single = run(q, gd(0.05), start=s, steps=20)
        assert np.allclose(batched.path[:, i], single.path)


def test_divergent_run_is_stopped_and_marked_without_crashing():
    q = F.quadratic(10.0)
    starts = np.array([[1.0, 1.0], [0.0, 0.0]])
    traj = run(q, gd(0.5), start=starts, steps=400)  # eta * lambda_max = 5 > 2: diverges
    assert traj.diverged.tolist() == [True, False]
    assert np.isinf(traj.losses[-1, 0]) and np.isnan(traj.path[-1, 0]).all()
    assert traj.losses[-1, 1] == 0.0


def test_divergent_single_run_is_marked_and_padded_with_inf():
    traj = run(F.quadratic(10.0), gd(0.5), steps=2000)
    assert traj.diverged is True
    assert np.isinf(traj.losses[-1]) and np.isnan(traj.path[-1]).all()
    assert np.isfinite(traj.losses[:5]).all()


def test_measured_rate_recovers_a_geometric_rate():
    e = 3.0 * 0.8 ** np.arange(60)
    assert measured_rate(e) == pytest.approx(0.8, rel=1e-9)


def test_measured_rate_of_gd_on_quadratic_matches_theory():
    kappa = 10.0
    q = F.quadratic(kappa)
    lr = 2 / (1 + kappa)
    traj = run(q, gd(lr), steps=100)
    dist = np.linalg.norm(traj.path, axis=-1)
    assert measured_rate(dist) == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-6)


def test_measured_rate_rejects_too_short_sequences():
    with pytest.raises(ValueError):
        measured_rate([1.0, 0.5])


def test_run_rejects_bad_steps():
    with pytest.raises(ValueError):
        run(F.rosenbrock, gd(0.1), steps=-1)
    with pytest.raises(TypeError):
        run(F.rosenbrock, gd(0.1), steps=2.5)


def test_run_optimizer_equals_from_scratch_gd():
    from adamlib import optim

    q = F.quadratic(10.0, angle=0.4)
    a = run_optimizer(q, optim.SGD, steps=30, lr=0.05)
    b = run(q, gd(0.05), steps=30)
    assert np.allclose(a.path, b.path, rtol=1e-12, atol=1e-15)
    assert a.label == "SGD(lr=0.05)"
    losses = sweep(q, optim.SGD, [0.01, 0.1, 0.5], steps=200)
    assert losses.shape == (3, 201)
    assert np.isinf(losses[2, -1]) and losses[1, -1] < losses[0, -1]


def test_contour_and_trajectory_plots_are_titled_and_labelled():
    q = F.quadratic(10.0)
    ax = plotting.plot_trajectories(q, [run(q, gd(0.1), steps=10, label="GD")])
    assert ax.get_title() and ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$y$"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["minimum", "GD"]
    plt.close("all")


def test_trajectory_colours_match_the_loss_plot_or_are_given():
    from matplotlib.colors import to_hex

    q = F.quadratic(10.0)
    runs = [run(q, gd(lr), steps=10, label=f"lr {lr}") for lr in (0.01, 0.1)]
    fig, (a, b) = plt.subplots(1, 2)
    plotting.plot_trajectories(q, runs, ax=a)
    plotting.plot_losses(runs, objective=q, ax=b)

    def colour(ax, label):
        return {to_hex(ln.get_color()) for ln in ax.get_lines() if ln.get_label() == label}

    for r in runs:
        assert colour(a, r.label) == colour(b, r.label)
    ax = plotting.plot_trajectories(q, [runs[1]], colors=["C1"])  # the second run alone
    assert colour(ax, runs[1].label) == colour(b, runs[1].label)
    with pytest.raises(ValueError, match="colors: 1 given for 2 trajectories"):
        plotting.plot_trajectories(q, runs, colors=["C1"])
    plt.close("all")


def test_loss_plot_uses_log_scale_and_suboptimality():
    s = F.saddle
    t1 = run(s, gd(0.1), steps=20, label="a")
    t2 = run(s, gd(0.01), steps=20, label="b")
    ax = plotting.plot_losses([t1, t2], objective=s)
    assert ax.get_yscale() == "log"
    y = ax.get_lines()[0].get_ydata()
    assert np.allclose(y, t1.losses + 0.25)
    assert ax.get_legend() is not None
    plt.close("all")


def test_log_levels_are_increasing_and_positive():
    lv = plotting.log_levels(F.rosenbrock)
    assert np.all(lv > 0) and np.all(np.diff(lv) > 0)


def test_diverged_is_the_rule_of_every_run() -> None:
    from adamlib.run import DIVERGED, diverged, point_diverged

    big = 2 * DIVERGED
    points = np.array([[1.0, 2.0], [np.nan, 0.0], [0.0, np.inf], [big, 0.0], [DIVERGED, 0]])
    np.testing.assert_array_equal(diverged(points), [False, True, True, True, False])
    assert diverged(np.array([0.0, -np.inf])) is True and diverged([1.0, 1.0]) is False
    assert [point_diverged(*p) for p in points.tolist()] == list(diverged(points))


@pytest.mark.parametrize(
    ("name", "optimizer", "hyper"),
    [
        ("rosenbrock", "Adam", {"lr": 0.05}),
        ("beale", "SGD", {"lr": 1e-3, "momentum": 0.9}),
        ("rosenbrock", "SGD", {"lr": 0.1}),  # diverges
    ],
)
def test_optimizer_run_equals_run_optimizer_and_continues_where_it_stopped(name, optimizer, hyper):
    from adamlib import optim
    from adamlib.run import OptimizerRun

    obj, cls = F.OBJECTIVES[name], getattr(optim, optimizer)
    ref = run_optimizer(obj, cls, obj.start, 200, **hyper)
    r = OptimizerRun(obj, cls, hyper, obj.start)
    short = r.trajectory(30)
    np.testing.assert_array_equal(short.path, ref.path[:31])
    whole = r.trajectory(200)  # continued from step 30, not started again
    assert r.steps == 200
    np.testing.assert_array_equal(whole.path, ref.path)
    np.testing.assert_array_equal(whole.losses, ref.losses)
    assert whole.diverged == ref.diverged == (r.diverged_at is not None)


def test_light_contour_map_has_no_legend_entry_for_its_stars():
    fig, ax = plt.subplots()
    plotting.contour(F.rosenbrock, ax, minima_label=False)
    ax.plot([0, 1], [0, 1], label="path")
    assert [t.get_text() for t in ax.legend().get_texts()] == ["path"]
    plt.close(fig)
