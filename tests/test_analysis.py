"""adamlib.analysis: closed-form rates agree with the algebra and with rates measured from runs."""

from __future__ import annotations

import numpy as np
import pytest

from adamlib.analysis import (
    gd_rate,
    momentum_iteration_matrix,
    momentum_rate,
    momentum_roots,
    optimal_gd,
    optimal_momentum,
)
from adamlib.functions import quadratic
from adamlib.run import measured_rate, run

EIGS = (1.0, 20.0)
BOWL = quadratic(condition_number=20.0, angle=0.4, lambda_min=1.0)


def heavy_ball(lr, momentum, nesterov=False):
    """From-scratch PyTorch-convention heavy ball as a step(x, g) closure."""
    state = {"v": None}

    def step(x, g):
        v = g.copy() if state["v"] is None else momentum * state["v"] + g
        state["v"] = v
        return x - lr * (g + momentum * v if nesterov else v)

    return step


def measured(step, steps=400):
    traj = run(BOWL, step, steps=steps)
    return measured_rate(BOWL.distance_to_minimum(traj.path), tail=0.5)


@pytest.mark.parametrize("lr", [0.01, 0.05, 2 / 21, 0.098])
def test_gd_rate_matches_the_rate_measured_from_a_run(lr):
    assert measured(lambda x, g: x - lr * g) == pytest.approx(gd_rate(lr, EIGS), rel=1e-3)


def test_gd_rate_formula_and_optimum():
    assert gd_rate(0.1, [1.0, 10.0]) == pytest.approx(0.9)
    np.testing.assert_allclose(gd_rate([0.05, 0.3], [1.0, 10.0]), [0.95, 2.0])
    lr, rate = optimal_gd(1.0, 10.0)
    assert lr == pytest.approx(2 / 11) and rate == pytest.approx(9 / 11)
    assert gd_rate(lr, [1.0, 10.0]) == pytest.approx(rate)
    grid = np.linspace(0.01, 0.19, 1001)
    assert gd_rate(grid, [1.0, 10.0]).min() >= rate - 1e-12


def test_iteration_matrix_reproduces_one_heavy_ball_step_per_eigencomponent():
    lr, beta, lam = 0.07, 0.8, 3.0
    x, v = 1.3, -0.4
    v_new = beta * v + lam * x
    x_new = x - lr * v_new
    M = momentum_iteration_matrix(lr, beta, lam)
    np.testing.assert_allclose(M @ [x, v], [x_new, v_new])
    Mn = momentum_iteration_matrix(lr, beta, lam, nesterov=True)
    np.testing.assert_allclose(Mn @ [x, v], [x - lr * (lam * x + beta * v_new), v_new])


def test_iteration_matrix_broadcasts_and_roots_are_its_eigenvalues():
    lrs = np.geomspace(1e-3, 0.2, 5)
    betas = np.array([[0.0], [0.5], [0.95]])
    M = momentum_iteration_matrix(lrs, betas, 7.0)
    assert M.shape == (3, 5, 2, 2)
    for nesterov in (False, True):
        M = momentum_iteration_matrix(lrs, betas, 7.0, nesterov=nesterov)
        s1, s2 = momentum_roots(lrs, betas, 7.0, nesterov=nesterov)
        ev = np.sort_complex(np.linalg.eigvals(M).reshape(-1, 2))
        ours = np.sort_complex(np.stack([s1.ravel(), s2.ravel()], axis=-1))
        np.testing.assert_allclose(ours, ev, atol=1e-7)


@pytest.mark.parametrize(("lr", "beta"), [(0.02, 0.5), (0.05, 0.9), (0.07, 0.3), (0.065, 0.7)])
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_rate_matches_the_rate_measured_from_a_run(lr, beta, nesterov):
    predicted = momentum_rate(lr, beta, EIGS, nesterov=nesterov)
    assert predicted < 1
    got = measured(heavy_ball(lr, beta, nesterov), steps=600)
    assert got == pytest.approx(predicted, rel=5e-3)


def test_momentum_rate_is_sqrt_beta_in_the_complex_regime():
    beta = 0.81
    lrs = np.linspace(0.3, 3.0, 50)  # (1 + β − ηλ)² < 4β for λ = 1: complex roots
    lam = 1.0
    s1, _ = momentum_roots(lrs, beta, lam)
    assert (np.abs(s1.imag) > 0).all()
    np.testing.assert_allclose(momentum_rate(lrs, beta, [lam]), np.sqrt(beta), rtol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9])
def test_momentum_converges_iff_lr_lambda_below_two_plus_two_beta(beta):
    lam = 4.0
    edge = (2 + 2 * beta) / lam
    assert momentum_rate(edge * 0.999, beta, [lam]) < 1
    assert momentum_rate(edge * 1.001, beta, [lam]) > 1
    assert momentum_rate(edge, beta, [lam]) == pytest.approx(1.0)
    assert momentum_rate(-1e-3, beta, [lam]) > 1  # ηλ must be positive
    # and a run agrees: just inside the edge it converges, just outside it blows up
    obj = quadratic(condition_number=1.0, lambda_min=lam)
    inside = run(obj, heavy_ball(edge * 0.99, beta), steps=3000)
    outside = run(obj, heavy_ball(edge * 1.01, beta), steps=3000)
    assert inside.losses[-1] < 1e-6 * inside.losses[0]
    assert outside.losses[-1] > outside.losses[0] or outside.diverged


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9])
def test_nesterov_converges_iff_lr_lambda_below_its_narrower_edge(beta):
    lam = 4.0
    edge = (2 + 2 * beta) / (1 + 2 * beta) / lam
    assert momentum_rate(edge * 0.999, beta, [lam], nesterov=True) < 1
    assert momentum_rate(edge * 1.001, beta, [lam], nesterov=True) > 1
    obj = quadratic(condition_number=1.0, lambda_min=lam)
    outside = run(obj, heavy_ball(edge * 1.01, beta, nesterov=True), steps=3000)
    assert outside.losses[-1] > outside.losses[0] or outside.diverged


def test_momentum_with_zero_beta_is_gradient_descent():
    lrs = np.geomspace(1e-3, 0.3, 20)
    np.testing.assert_allclose(momentum_rate(lrs, 0.0, EIGS), gd_rate(lrs, EIGS))


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0, 1e4])
def test_optimal_momentum_closed_form_and_it_is_the_best_point_of_a_grid(kappa):
    lr, beta, rate = optimal_momentum(1.0, kappa)
    sk = np.sqrt(kappa)
    assert rate == pytest.approx((sk - 1) / (sk + 1))
    assert beta == pytest.approx(rate**2)
    assert lr == pytest.approx(4 / (1 + sk) ** 2)
    assert momentum_rate(lr, beta, [1.0, kappa]) == pytest.approx(rate, rel=1e-6)
    lrs = np.geomspace(lr / 3, lr * 3, 301)
    betas = np.linspace(0, 0.999, 301)[:, None]
    assert momentum_rate(lrs, betas, [1.0, kappa]).min() >= rate - 1e-6
    # better than the best gradient descent for every κ > 1
    assert rate < optimal_gd(1.0, kappa)[1]


def test_optimal_momentum_rate_is_measured_in_a_run():
    lr, beta, rate = optimal_momentum(*EIGS)
    # repeated roots make the error decay like t·ρᵗ: the measured rate approaches ρ slowly
    got = measured(heavy_ball(lr, beta), steps=1500)
    assert got == pytest.approx(rate, rel=5e-3)
    assert got < optimal_gd(*EIGS)[1]


def test_scalar_inputs_give_floats_and_arrays_broadcast():
    assert isinstance(gd_rate(0.1, [1.0]), float)
    assert isinstance(momentum_rate(0.1, 0.5, [1.0, 2.0]), float)
    assert momentum_rate(np.ones((2, 3)) * 0.1, 0.5, [1.0]).shape == (2, 3)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: optimal_momentum(0.0, 1.0), ValueError),
        (lambda: optimal_momentum(2.0, 1.0), ValueError),
        (lambda: optimal_momentum("1", 2.0), TypeError),
        (lambda: optimal_gd(1.0, np.inf), ValueError),
        (lambda: gd_rate(0.1, []), ValueError),
        (lambda: momentum_rate(0.1, 0.5, [np.nan]), ValueError),
        (lambda: momentum_rate("a", 0.5, [1.0]), TypeError),
    ],
)
def test_bad_input_is_rejected(call, error):
    with pytest.raises(error):
        call()
