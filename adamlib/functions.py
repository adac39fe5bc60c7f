"""Two-dimensional test objectives with analytic gradients.

Introduced in ``lectures/01_gradient_descent.ipynb`` and used by every later lecture.

Every objective is an :class:`Objective`: call ``f(xy)`` for values and ``grad(xy)`` for
gradients, where ``xy`` is an array of shape ``(..., 2)`` (a single point ``(2,)``, a batch of
points ``(n, 2)``, a grid ``(ny, nx, 2)``...). Values have shape ``xy.shape[:-1]``; gradients have
the shape of ``xy``. Each objective also knows a plotting ``domain``, its known ``minima`` and
``min_value``, and a sensible ``start`` point.

>>> from adamlib.functions import rosenbrock
>>> float(rosenbrock.f([1.0, 1.0]))
0.0
>>> rosenbrock.grad([0.0, 0.0]).tolist()
[-2.0, 0.0]

The registry :data:`OBJECTIVES` maps names to instances; :func:`get` looks one up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Objective",
    "OBJECTIVES",
    "as_points",
    "beale",
    "get",
    "himmelblau",
    "quadratic",
    "rastrigin",
    "rosenbrock",
    "saddle",
]

Array = NDArray[np.floating]


def as_points(xy: ArrayLike) -> Array:
    """Convert ``xy`` to a float array of shape ``(..., 2)`` or raise a ValueError/TypeError.

    Integer input is converted to float64; float32 stays float32.
    """
    arr = np.asarray(xy)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(f"expected real numbers of shape (..., 2), got dtype {arr.dtype}")
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(
            f"expected an array of points of shape (..., 2) (last axis = x and y), "
            f"got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


@dataclass(frozen=True)
class Objective:
    """A 2-D objective ``f(x, y)`` with its analytic gradient.

    Parameters
    ----------
    name
        Short name used in legends and in :data:`OBJECTIVES`.
    value
        ``value(x, y) -> f`` on arrays (broadcasting).
    gradient
        ``gradient(x, y) -> (df/dx, df/dy)`` on arrays.
    domain
        ``((xmin, xmax), (ymin, ymax))`` for contour plots.
    minima
        Known global (or local, for multi-modal functions) minimizers, shape ``(k, 2)``.
    min_value
        The value at the global minimum.
    start
        A start point that makes an instructive trajectory.
    description
        One line for legends and the playground.
    """

    name: str
    value: Callable[[Array, Array], Array]
    gradient: Callable[[Array, Array], tuple[Array, Array]]
    domain: tuple[tuple[float, float], tuple[float, float]]
    minima: Array
    min_value: float
    start: Array
    description: str = ""
    hessian: Array | None = field(default=None, repr=False)

    def f(self, xy: ArrayLike) -> Array:
        """Values at points ``xy`` of shape ``(..., 2)``; result has shape ``xy.shape[:-1]``."""
        p = as_points(xy)
        return np.asarray(self.value(p[..., 0], p[..., 1]))

    __call__ = f

    def grad(self, xy: ArrayLike) -> Array:
        """Gradients at points ``xy`` of shape ``(..., 2)``; same shape and dtype as ``xy``."""
        p = as_points(xy)
        gx, gy = self.gradient(p[..., 0], p[..., 1])
        out = np.empty_like(p)
        out[..., 0] = gx
        out[..., 1] = gy
        return out

    def grid(self, resolution: int = 200) -> tuple[Array, Array, Array]:
        """``(X, Y, F)`` on a ``resolution x resolution`` grid over :attr:`domain`."""
        (x0, x1), (y0, y1) = self.domain
        X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
        return X, Y, self.value(X, Y)

    def distance_to_minimum(self, xy: ArrayLike) -> Array:
        """Euclidean distance from each point to the nearest listed minimum."""
        p = as_points(xy)
        d = np.linalg.norm(p[..., None, :] - self.minima, axis=-1)
        return d.min(axis=-1)


def quadratic(
    condition_number: float = 10.0, angle: float = 0.0, lambda_min: float = 1.0
) -> Objective:
    """Make the quadratic ``f(p) = ½ pᵀ A p`` with eigenvalues ``λ_min`` and ``κ·λ_min``.

    ``A = R diag(λ_min, κ λ_min) Rᵀ`` where ``R`` rotates by ``angle`` radians, so ``angle=0``
    gives an axis-aligned valley and other angles a rotated one. The minimum is the origin.
    The matrix is available as ``.hessian``.
    """
    if not np.isfinite(condition_number) or condition_number < 1:
        raise ValueError(f"condition_number must be >= 1, got {condition_number}")
    if not np.isfinite(lambda_min) or lambda_min <= 0:
        raise ValueError(f"lambda_min must be > 0, got {lambda_min}")
    if not np.isfinite(angle):
        raise ValueError(f"angle must be finite, got {angle}")
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([lambda_min, condition_number * lambda_min]) @ R.T
    a, b, d = A[0, 0], A[0, 1], A[1, 1]

    def value(x: Array, y: Array) -> Array:
        return 0.5 * (a * x * x + 2 * b * x * y + d * y * y)

    def gradient(x: Array, y: Array) -> tuple[Array, Array]:
        return a * x + b * y, b * x + d * y

    A.setflags(write=False)
    return Objective(
        name="quadratic",
        value=value,
        gradient=gradient,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=np.zeros((1, 2)),
        min_value=0.0,
        start=np.array([-1.8, 1.2]),
        description=f"½ pᵀAp, κ = {condition_number:g}, rotated {np.degrees(angle):g}°",
        hessian=A,
    )


def _rosenbrock(a: float = 1.0, b: float = 100.0) -> Objective:
    def value(x: Array, y: Array) -> Array:
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(x: Array, y: Array) -> tuple[Array, Array]:
        r = y - x * x
        return -2 * (a - x) - 4 * b * x * r, 2 * b * r

    return Objective(
        name="rosenbrock",
        value=value,
        gradient=gradient,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=np.array([[a, a * a]]),
        min_value=0.0,
        start=np.array([-1.2, 1.0]),
        description="(1 − x)² + 100 (y − x²)²: a curved, flat-bottomed valley",
    )


# Powers of the inputs are written as products (y * y, not y**2): NumPy computes a power of an
# array, of a 0-d array and of a scalar by different routines, which can differ in the last
# bit; products are the same everywhere, so a run gives the same numbers whether its point is
# held as an array or as scalars (adamlib.run.OptimizerRun), on any CPU.
def _beale_value(x: Array, y: Array) -> Array:
    y2 = y * y
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y2) ** 2 + (2.625 - x + x * (y2 * y)) ** 2


def _beale_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    y2 = y * y
    y3 = y2 * y
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y2
    t3 = 2.625 - x + x * y3
    gx = 2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y3 - 1)
    gy = 2 * t1 * x + 2 * t2 * (2 * x * y) + 2 * t3 * (3 * x * y2)
    return gx, gy


def _himmelblau_value(x: Array, y: Array) -> Array:
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    u = x * x + y - 11
    w = x + y * y - 7
    return 4 * x * u + 2 * w, 2 * u + 4 * y * w


def _saddle_value(x: Array, y: Array) -> Array:
    y2 = y * y
    return x * x + 0.25 * (y2 * y2) - 0.5 * y * y


def _saddle_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    return 2 * x, y * y * y - y


def _rastrigin_value(x: Array, y: Array) -> Array:
    return 20.0 + x * x - 10 * np.cos(2 * np.pi * x) + y * y - 10 * np.cos(2 * np.pi * y)


def _rastrigin_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    k = 20 * np.pi
    return 2 * x + k * np.sin(2 * np.pi * x), 2 * y + k * np.sin(2 * np.pi * y)


rosenbrock = _rosenbrock()

beale = Objective(
    name="beale",
    value=_beale_value,
    gradient=_beale_gradient,
    domain=((-4.5, 4.5), (-4.5, 4.5)),
    minima=np.array([[3.0, 0.5]]),
    min_value=0.0,
    start=np.array([1.0, 1.5]),
    description="Beale: flat plateaus and steep walls",
)

himmelblau = Objective(
    name="himmelblau",
    value=_himmelblau_value,
    gradient=_himmelblau_gradient,
    domain=((-5.0, 5.0), (-5.0, 5.0)),
    minima=np.array(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286170],
            [3.584428340330492, -1.848126526964404],
        ]
    ),
    min_value=0.0,
    start=np.array([-0.5, -0.5]),
    description="Himmelblau: four equal minima; where you end depends on where you start",
)

saddle = Objective(
    name="saddle",
    value=_saddle_value,
    gradient=_saddle_gradient,
    domain=((-2.0, 2.0), (-2.0, 2.0)),
    minima=np.array([[0.0, 1.0], [0.0, -1.0]]),
    min_value=-0.25,
    start=np.array([1.5, 1e-3]),
    description="x² + y⁴/4 − y²/2: a saddle at the origin between two minima",
)

rastrigin = Objective(
    name="rastrigin",
    value=_rastrigin_value,
    gradient=_rastrigin_gradient,
    domain=((-5.12, 5.12), (-5.12, 5.12)),
    minima=np.zeros((1, 2)),
    min_value=0.0,
    start=np.array([3.2, -2.3]),
    description="Rastrigin: a bowl covered in local minima",
)

#: Every objective by name; ``quadratic`` is the default ill-conditioned one (κ = 10).
OBJECTIVES: dict[str, Objective] = {
    "quadratic": quadratic(10.0),
    "rosenbrock": rosenbrock,
    "beale": beale,
    "himmelblau": himmelblau,
    "saddle": saddle,
    "rastrigin": rastrigin,
}


def get(name: str) -> Objective:
    """Look up an objective of :data:`OBJECTIVES` by name (ValueError lists the names)."""
    try:
        return OBJECTIVES[name]
    except KeyError:
        raise ValueError(
            f"unknown objective {name!r}; choose one of {sorted(OBJECTIVES)}"
        ) from None
