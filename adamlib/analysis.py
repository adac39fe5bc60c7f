"""Convergence rates of gradient descent and momentum on quadratics, in closed form.

Derived in ``lectures/01_gradient_descent.ipynb`` (gradient descent) and
``lectures/03_momentum.ipynb`` (heavy ball and Nesterov).

On ``f(x) = ½ xᵀAx`` every method here acts on each eigencomponent of ``A`` separately: along an
eigenvector with eigenvalue ``λ`` the gradient is ``λ x``. The *rate* is the factor by which the
slowest component's error shrinks per step (asymptotically): below 1 converges, above 1
diverges. Compare with :func:`adamlib.run.measured_rate`, which measures it from a run.

Gradient descent ``x ← x − η g`` multiplies a component by ``1 − ηλ``::

    rate = max over λ of |1 − ηλ|,   best η* = 2 / (λ_min + λ_max),   rate* = (κ − 1) / (κ + 1)

Heavy ball in PyTorch's convention (``torch.optim.SGD(momentum=β)``, dampening 0)::

    v ← β v + g          x ← x − η v

tracks the state ``(x, v)`` of each component with the 2×2 iteration matrix ::

    [x']   [1 − ηλ   −ηβ] [x]
    [v'] = [  λ        β ] [v]

whose eigenvalues ``σ`` solve ``σ² − (1 + β − ηλ) σ + β = 0``. Their product is ``β``, so when
they are complex ``|σ| = √β`` whatever ``η`` is. The method converges iff ``0 ≤ β < 1`` and
``0 < ηλ < 2 + 2β`` for every eigenvalue. The best choice (Polyak) ::

    η* = 4 / (√λ_max + √λ_min)²,   β* = ((√κ − 1) / (√κ + 1))²,   rate* = (√κ − 1) / (√κ + 1)

with ``κ = λ_max / λ_min``. Nesterov's variant (``nesterov=True``: ``x ← x − η (g + β v)``) has
the matrix ``[[1 − ηλ(1 + β), −ηβ²], [λ, β]]`` and ``σ² − (1 + β)(1 − ηλ) σ + β(1 − ηλ) = 0``;
it converges iff ``0 < ηλ < (2 + 2β) / (1 + 2β)``, a narrower range of η than the heavy ball's.

Every function broadcasts over arrays of ``lr`` and ``momentum``, so a whole (η, β) map is one
call:

>>> import numpy as np
>>> lrs, betas = np.geomspace(1e-3, 1, 4), np.array([[0.0], [0.9]])
>>> momentum_rate(lrs, betas, [1.0, 100.0]).shape
(2, 4)
>>> lr, beta, rate = optimal_momentum(1.0, 100.0)
>>> round(lr, 6), round(beta, 6), round(rate, 6)
(0.033058, 0.669421, 0.818182)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from adamlib.validation import is_real

__all__ = [
    "gd_rate",
    "momentum_iteration_matrix",
    "momentum_rate",
    "momentum_roots",
    "optimal_gd",
    "optimal_momentum",
]

Array = NDArray[np.floating]


def _eigenvalues(eigenvalues: ArrayLike) -> Array:
    lam = np.asarray(eigenvalues, dtype=np.float64).ravel()
    if lam.size == 0:
        raise ValueError("eigenvalues must contain at least one value")
    if not np.isfinite(lam).all():
        raise ValueError(f"eigenvalues must be finite, got {lam}")
    return lam


def _real(name: str, value: ArrayLike) -> Array:
    arr = np.asarray(value)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def gd_rate(lr: ArrayLike, eigenvalues: ArrayLike) -> Array:
    """Gradient descent's rate ``max_λ |1 − ηλ|`` (shape of ``lr``; a float for a scalar ``lr``).

    Parameters
    ----------
    lr : ArrayLike
        learning rate(s) η, any shape.
    eigenvalues : ArrayLike
        the Hessian's eigenvalues λ (any iterable of numbers).
    """
    lr = _real("lr", lr)
    lam = _eigenvalues(eigenvalues)
    return np.abs(1.0 - lr[..., None] * lam).max(axis=-1)[()]


def optimal_gd(lambda_min: float, lambda_max: float) -> tuple[float, float]:
    """Return the best constant step of gradient descent and its rate.

    That is ``(2 / (λ_min + λ_max), (κ − 1) / (κ + 1))`` with ``κ = λ_max / λ_min``.
    """
    lo, hi = _check_spectrum(lambda_min, lambda_max)
    kappa = hi / lo
    return 2.0 / (lo + hi), (kappa - 1.0) / (kappa + 1.0)


def momentum_iteration_matrix(
    lr: ArrayLike, momentum: ArrayLike, lam: ArrayLike, nesterov: bool = False
) -> Array:
    """Return the 2×2 matrix ``M`` of ``(x_{t+1}, v_{t+1}) = M (x_t, v_t)`` (one eigencomponent).

    PyTorch's convention ``v ← β v + g; x ← x − η v`` on the gradient ``g = λ x``::

        M = [[1 − ηλ, −ηβ], [λ, β]]                 (heavy ball)
        M = [[1 − ηλ(1 + β), −ηβ²], [λ, β]]         (nesterov=True: x ← x − η (g + β v))

    Parameters
    ----------
    lr : ArrayLike
        learning rate η; broadcasts with ``momentum`` and ``lam``.
    momentum : ArrayLike
        β.
    lam : ArrayLike
        the eigenvalue λ.
    nesterov : bool, default False
        Nesterov's variant.

    Returns
    -------
    Array
        Array of shape ``broadcast(lr, momentum, lam).shape + (2, 2)``.
    """
    eta, beta, lam = np.broadcast_arrays(
        _real("lr", lr), _real("momentum", momentum), _real("lam", lam)
    )
    M = np.empty((*eta.shape, 2, 2))
    if nesterov:
        M[..., 0, 0] = 1.0 - eta * lam * (1.0 + beta)
        M[..., 0, 1] = -eta * beta * beta
    else:
        M[..., 0, 0] = 1.0 - eta * lam
        M[..., 0, 1] = -eta * beta
    M[..., 1, 0] = lam
    M[..., 1, 1] = beta
    return M


def momentum_roots(
    lr: ArrayLike, momentum: ArrayLike, lam: ArrayLike, nesterov: bool = False
) -> tuple[NDArray[np.complexfloating], NDArray[np.complexfloating]]:
    """Both eigenvalues ``σ₁, σ₂`` (complex) of :func:`momentum_iteration_matrix`, broadcast.

    They solve ``σ² − trace·σ + det = 0`` with ``trace = 1 + β − ηλ`` and ``det = β`` (heavy
    ball), or ``trace = (1 + β)(1 − ηλ)`` and ``det = β(1 − ηλ)`` (Nesterov).
    """
    eta, beta, lam = np.broadcast_arrays(
        _real("lr", lr), _real("momentum", momentum), _real("lam", lam)
    )
    if nesterov:
        trace = (1.0 + beta) * (1.0 - eta * lam)
        det = beta * (1.0 - eta * lam)
    else:
        trace = 1.0 + beta - eta * lam
        det = beta
    root = np.sqrt(trace * trace - 4.0 * det + 0j)
    return (trace + root) / 2.0, (trace - root) / 2.0


def momentum_rate(
    lr: ArrayLike, momentum: ArrayLike, eigenvalues: ArrayLike, nesterov: bool = False
) -> Array:
    """Momentum's rate: the largest ``|σ|`` over both roots and every eigenvalue.

    Parameters
    ----------
    lr : ArrayLike
        learning rate(s) η; broadcasts with ``momentum`` (e.g. a row of η and a column of
        β give a whole rate map).
    momentum : ArrayLike
        β.
    eigenvalues : ArrayLike
        the Hessian's eigenvalues λ (reduced over: not broadcast).
    nesterov : bool, default False
        Nesterov's variant.

    Returns
    -------
    Array
        Array of shape ``broadcast(lr, momentum).shape`` (a float for scalars). Values ≥ 1
        mean no convergence.
    """
    eta, beta = np.broadcast_arrays(_real("lr", lr), _real("momentum", momentum))
    lam = _eigenvalues(eigenvalues)
    s1, s2 = momentum_roots(eta[..., None], beta[..., None], lam, nesterov=nesterov)
    return np.maximum(np.abs(s1), np.abs(s2)).max(axis=-1)[()]


def optimal_momentum(lambda_min: float, lambda_max: float) -> tuple[float, float, float]:
    """Polyak's optimal heavy ball on a quadratic with eigenvalues in ``[λ_min, λ_max]``.

    Returns
    -------
    tuple[float, float, float]
        ``(lr, momentum, rate)`` = ``(4 / (√λ_max + √λ_min)², ((√κ − 1)/(√κ + 1))²,
        (√κ − 1)/(√κ + 1))`` in PyTorch's convention (``SGD(lr=lr, momentum=momentum)``).
        At this point both roots of every eigencomponent have modulus ``√β = rate``.
    """
    lo, hi = _check_spectrum(lambda_min, lambda_max)
    s_lo, s_hi = lo**0.5, hi**0.5
    rate = (s_hi - s_lo) / (s_hi + s_lo)
    return 4.0 / (s_hi + s_lo) ** 2, rate * rate, rate


def _check_spectrum(lambda_min: float, lambda_max: float) -> tuple[float, float]:
    for name, value in (("lambda_min", lambda_min), ("lambda_max", lambda_max)):
        if not is_real(value):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    lo, hi = float(lambda_min), float(lambda_max)
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi):
        raise ValueError(
            f"need 0 < lambda_min <= lambda_max (finite), got lambda_min={lo}, lambda_max={hi}"
        )
    return lo, hi
