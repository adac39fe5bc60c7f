"""Helpers to build test inputs for exercises (seeded, any shape and dtype).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> x = normal(rng, (2, 3), np.float32)        # standard normal, float32
>>> v = positive(rng, (2, 3), scale=0.1)       # strictly positive, like a second moment
>>> g = normal(rng, (), scale=1e-9)            # a tiny 0-d gradient (eps matters)

The cases of an optimizer-style step, built with :class:`StepCases`::

    cases = StepCases(momentum_step, seed=303)  # inputs ordered as the reference's parameters
    cases.add(", non-zero velocity, lr=0.1", (5,), x=normal, grad=normal, velocity=normal,
              lr=0.1, momentum=0.9)            # label: "vector of 5 float64, non-zero velocity..."
    cases.add(", velocity starts at 0, 4 consecutive steps", (4,), x=normal, grad=normal,
              velocity=zeros, lr=0.1, momentum=0.6, later=3)   # 3 further steps, new grads
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .array_exercise import StepCase

#: Shapes worth covering: a 0-d array, a vector, a matrix, a 3-d array.
SHAPES: tuple[tuple[int, ...], ...] = ((), (5,), (2, 3), (2, 2, 3))

#: How an input array is drawn: ``draw(rng, shape, dtype, scale) -> array`` (:func:`normal`,
#: :func:`positive`, :func:`zeros` or :func:`scaled`).
Draw = Callable[..., np.ndarray]


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


def zeros(
    rng: np.random.Generator,
    shape: tuple[int, ...] = (),
    dtype: Any = np.float64,
    scale: float = 1.0,
) -> np.ndarray:
    """Zeros (a state that starts at 0); draws nothing from ``rng``."""
    del rng, scale
    return np.zeros(shape, dtype)


def scaled(draw: Draw, scale: float) -> Draw:
    """``draw`` times ``scale``: ``scaled(normal, 1e-9)`` draws tiny gradients."""

    def scaled_draw(
        rng: np.random.Generator,
        shape: tuple[int, ...] = (),
        dtype: Any = np.float64,
        factor: float = 1.0,
    ) -> np.ndarray:
        """``draw`` with ``scale`` times ``factor``."""
        return draw(rng, shape, dtype, scale * factor)

    return scaled_draw


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


class StepCases(list[StepCase]):
    """The cases of an :class:`~adamlib.grading.ArrayExercise`, drawn from one seeded generator.

    Parameters
    ----------
    reference : callable
        The exercise's reference: each case's inputs are put in the order of its parameters
        (arrays first, passed positionally; the rest by keyword).
    seed : int
        Seed of :attr:`rng`, which draws every array (messages must be reproducible).
    """

    def __init__(self, reference: Callable[..., Any], seed: int) -> None:
        super().__init__()
        self.rng = np.random.default_rng(seed)
        self._params = list(inspect.signature(reference).parameters)

    def add(
        self,
        text: str,
        shape: tuple[int, ...] = (),
        dtype: Any = np.float64,
        *,
        later: int | Sequence[float] = 0,
        vary: Sequence[str] = ("grad",),
        **inputs: Any,
    ) -> StepCase:
        """Add a case labelled ``label(shape, dtype) + text`` and return it.

        Parameters
        ----------
        text : str
            The rest of the label shown to the learner, e.g. ``", non-zero m and v, t=3"``.
        shape, dtype
            Of every drawn array.
        later : int or sequence of float
            Further steps: their number, or one scale factor per further step. Each further
            step draws the inputs named in ``vary`` again (with the same draw, times the factor).
        vary : sequence of str
            Inputs drawn anew at each further step (by default the gradient).
        **inputs
            Every argument of the first call: a :data:`Draw` (``normal``, ``positive``,
            ``zeros``, ``scaled(normal, 0.3)``) is drawn with ``shape`` and ``dtype``, in the
            order given here; anything else (an array, a number) is used as it is.
        """
        unknown = [name for name in inputs if name not in self._params]
        if unknown:
            raise ValueError(f"inputs {unknown} are not parameters of the reference")
        drawn = {
            name: value(self.rng, shape, dtype) if callable(value) else value
            for name, value in inputs.items()
        }
        factors = [1.0] * later if isinstance(later, int) else list(later)
        steps = [{name: inputs[name](self.rng, shape, dtype, f) for name in vary} for f in factors]
        ordered = {name: drawn[name] for name in self._params if name in drawn}
        case = StepCase(label(shape, dtype) + text, ordered, later=steps)
        self.append(case)
        return case
