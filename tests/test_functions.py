"""adamlib.functions: gradients against finite differences, minima, shapes, bad input."""

import numpy as np
import pytest

from adamlib import functions as F

ALL = list(F.OBJECTIVES.values()) + [
    F.quadratic(100.0, angle=np.pi / 5),
    F.quadratic(1.0),
    F.quadratic(25.0, angle=0.3, lambda_min=0.5),
]
IDS = [o.name for o in F.OBJECTIVES.values()] + ["quadratic-k100-rot", "quadratic-k1", "quad-lmin"]


def random_points(obj, n=200, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = obj.domain
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


@pytest.mark.parametrize("obj", ALL, ids=IDS)
def test_gradient_matches_central_finite_differences_at_many_points(obj):
    p = random_points(obj)
    h = 1e-6
    fd = np.empty_like(p)
    for k in range(2):
        e = np.zeros(2)
        e[k] = h
        fd[:, k] = (obj.f(p + e) - obj.f(p - e)) / (2 * h)
    g = obj.grad(p)
    scale = np.maximum(1.0, np.abs(g))
    assert np.max(np.abs(g - fd) / scale) < 1e-5


@pytest.mark.parametrize("obj", ALL, ids=IDS)
def test_a_point_as_numpy_scalars_gives_the_numbers_of_its_0d_views(obj):
    """adamlib.run.OptimizerRun passes a point as two np.float64 scalars (5x faster); the
    objectives must give bit for bit what they give on the 0-d views of objective.grad(x) and
    objective.f(x), which run_optimizer uses for one point. (A power of an input, y**3, is
    where they would differ: the objectives write products.)"""
    rng = np.random.default_rng(1)
    points = [random_points(obj, 300)]
    points += [rng.normal(size=(100, 2)) * s for s in (1e-3, 10.0, 1e5, 1e100, 1e200)]
    points.append(np.array([[np.inf, 1.0], [np.nan, 0.0], [-np.inf, np.inf], [0.0, -0.0]]))
    with np.errstate(all="ignore"):
        for p in np.concatenate(points):
            views, scalars = (p[..., 0], p[..., 1]), tuple(p)
            assert type(scalars[0]) is np.float64
            a = np.array([*obj.gradient(*views), obj.value(*views)])
            b = np.array([*obj.gradient(*scalars), obj.value(*scalars)])
            assert a.tobytes() == b.tobytes(), p


@pytest.mark.parametrize("obj", ALL, ids=IDS)
def test_every_listed_minimum_has_min_value_and_zero_gradient(obj):
    assert np.allclose(obj.f(obj.minima), obj.min_value, atol=1e-10)
    assert np.allclose(obj.grad(obj.minima), 0.0, atol=1e-8)


@pytest.mark.parametrize("obj", ALL, ids=IDS)
def test_min_value_is_not_beaten_on_a_fine_grid(obj):
    _, _, values = obj.grid(300)
    assert values.min() >= obj.min_value - 1e-12


@pytest.mark.parametrize("obj", ALL, ids=IDS)
def test_start_is_inside_domain_and_not_a_stationary_point(obj):
    (x0, x1), (y0, y1) = obj.domain
    assert x0 <= obj.start[0] <= x1 and y0 <= obj.start[1] <= y1
    assert np.linalg.norm(obj.grad(obj.start)) > 1e-3


@pytest.mark.parametrize("shape", [(2,), (5, 2), (3, 4, 2)])
def test_values_and_gradients_are_batched_over_leading_axes(shape):
    obj = F.rosenbrock
    p = np.random.default_rng(1).normal(size=shape)
    assert obj.f(p).shape == shape[:-1]
    assert obj.grad(p).shape == shape
    flat = p.reshape(-1, 2)
    assert np.allclose(obj.f(p).ravel(), [obj.f(q) for q in flat])


def test_float32_points_give_float32_gradients():
    p = np.ones((4, 2), dtype=np.float32)
    assert F.beale.grad(p).dtype == np.float32


def test_integer_points_are_accepted_as_float():
    assert F.himmelblau.f([3, 2]) == 0.0


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((4, 3)), np.float64(1.0)])
def test_last_axis_not_two_raises_value_error_naming_expected_shape(bad):
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        F.rosenbrock.grad(bad)


def test_non_numeric_points_raise_type_error():
    with pytest.raises(TypeError):
        F.rosenbrock.f(["a", "b"])


def test_quadratic_hessian_has_requested_eigenvalues_and_rotation():
    q = F.quadratic(50.0, angle=np.pi / 4, lambda_min=2.0)
    assert np.allclose(np.linalg.eigvalsh(q.hessian), [2.0, 100.0])
    p = np.array([0.3, -0.7])
    assert np.allclose(q.grad(p), q.hessian @ p)
    assert np.isclose(q.f(p), 0.5 * p @ q.hessian @ p)


@pytest.mark.parametrize(
    "kw", [{"condition_number": 0.5}, {"lambda_min": 0.0}, {"condition_number": float("nan")}]
)
def test_quadratic_rejects_bad_parameters(kw):
    with pytest.raises(ValueError):
        F.quadratic(**kw)


def test_get_unknown_name_lists_known_ones():
    with pytest.raises(ValueError, match="rosenbrock"):
        F.get("nope")
    assert F.get("beale") is F.beale
