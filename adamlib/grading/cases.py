"""Helpers to build test inputs for exercises (seeded, any shape and dtype).

Example
-------
>>> rng = np.random.default_rng(0)
>>> x = normal(rng, (2, 3), np.float32)        # standard normal, float32
>>> v = positive(rng, (2, 3), scale=0.1)       # strictly positive, like a second moment
>>> g = normal(rng, (), scale=1e-9)            # a tiny 0-d gradient (eps matters)
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Shapes worth covering: a 0-d array, a vector, a matrix, a 3-d array.
SHAPES: tuple[tuple[int, ...], ...] = ((), (5,), (2, 3), (2, 2, 3))


def normal(
    rng: np.random.Generator,
    shape: tuple[int, ...] = (),
    dtype: Any = np.float64,
    scale: float = 1.0,
) -> np.ndarray:
    """Standard-normal values times ``scale``, always an ndarray (also for ``shape=()``)."""
    return np.asarray(rng.standard_normal(shape) * scale, dtype=dtype)


def positive(
    rng: np.random.Generator,
    shape: tuple[int, ...] = (),
    dtype: Any = np.float64,
    scale: float = 1.0,
) -> np.ndarray:
    """Strictly positive values in ``[0.1, 1.1) * scale`` (sums or averages of squares)."""
    return np.asarray((rng.random(shape) + 0.1) * scale, dtype=dtype)


def label(shape: tuple[int, ...], dtype: Any) -> str:
    """``"0-d float64 array"``, ``"vector of 5 float32"``, ``"2x3 float64 matrix"``..."""
    name = np.dtype(dtype).name
    if len(shape) == 0:
        return f"0-d {name} array"
    if len(shape) == 1:
        return f"vector of {shape[0]} {name}"
    if len(shape) == 2:
        return f"{shape[0]}x{shape[1]} {name} matrix"
    return f"{'x'.join(map(str, shape))} {name} array"
