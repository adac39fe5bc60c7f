"""Argument checks shared by the whole package: what counts as an integer or a real number.

Every public function of adamlib checks its arguments up front and says what it expected. The
decisions live here, once: a ``bool`` is neither an integer nor a number (``True`` is almost
always a slip), NumPy scalars are both, NaN passes :func:`is_real` (range checks reject it).

Two message styles are used, because the package mirrors two kinds of code:

- the course's own functions (:mod:`adamlib.data`, :mod:`adamlib.nn`, :mod:`adamlib.run`, the
  widgets): :func:`check_int`, :func:`check_real`, :func:`check_fraction`, :func:`check_bool`
  (``steps must be an integer, got float: 2.5``);
- the classes that mirror PyTorch keep torch's messages: the optimizers' :func:`check_lr`,
  :func:`check_nonnegative`, :func:`check_unit_interval`, :func:`check_betas`,
  :func:`check_finite` (``Invalid learning rate: -1.0``), and the schedules'
  :func:`expect_int` and :func:`expect_number` (``Expected step_size to be an integer >= 1,
  but got 1.5``, a ValueError as in ``torch.optim.lr_scheduler``).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_betas",
    "check_bool",
    "check_finite",
    "check_fraction",
    "check_int",
    "check_lr",
    "check_nonnegative",
    "check_real",
    "check_unit_interval",
    "expect_int",
    "expect_number",
    "is_integer",
    "is_real",
]


def is_integer(value: Any) -> bool:
    """Whether ``value`` is an integer (Python's or NumPy's), a bool excluded.

    Parameters
    ----------
    value
        Anything.

    Returns
    -------
    bool
    """
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Integral)


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number (Python's or NumPy's, NaN included), a bool excluded.

    Parameters
    ----------
    value
        Anything.

    Returns
    -------
    bool
    """
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)


# ----------------------------------------------------------------------------------------------
# the course's messages
# ----------------------------------------------------------------------------------------------
def check_int(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int, if it is an integer in ``[low, high]`` (either bound optional).

    Parameters
    ----------
    name
        The argument's name, for the message.
    value
        The argument.
    low, high
        Inclusive bounds; None for none.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        ``steps must be an integer, got float: 2.5``.
    ValueError
        ``n must be >= 1, got 0`` (a lower bound only) or ``steps must be in [1, 2000], got 0``.
    """
    if not is_integer(value):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}: {value!r}")
    if high is not None and low is not None and not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return int(value)


def check_real(name: str, value: Any) -> float:
    """``value`` as a float, if it is a real number.

    Parameters
    ----------
    name
        The argument's name, for the message.
    value
        The argument.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        ``lr must be a real number, got str: '0.1'``.
    """
    if not is_real(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    return float(value)


def check_fraction(name: str, value: Any) -> float:
    """``value`` as a float, if it is a number in ``[0, 1)`` (a share of something).

    Parameters
    ----------
    name
        The argument's name, for the message.
    value
        The argument.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        For a value that is not a real number.
    ValueError
        ``val_fraction must be in [0, 1), got 1.2``.
    """
    x = check_real(name, value)
    if not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {x}")
    return x


def check_bool(name: str, value: Any) -> bool:
    """``value`` as a bool, if it is one (Python's or NumPy's).

    Parameters
    ----------
    name
        The argument's name, for the message.
    value
        The argument.

    Returns
    -------
    bool

    Raises
    ------
    TypeError
        ``amsgrad must be True or False, got NoneType: None``.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}: {value!r}")
    return bool(value)


# ----------------------------------------------------------------------------------------------
# torch.optim's messages (the optimizers)
# ----------------------------------------------------------------------------------------------
def check_lr(lr: Any) -> None:
    """Raise unless ``lr`` is a finite number >= 0 (``Invalid learning rate: -1.0``).

    Parameters
    ----------
    lr
        The learning rate.
    """
    x = check_real("lr", lr)
    if not (0.0 <= x < math.inf):
        raise ValueError(f"Invalid learning rate: {lr}")


def check_nonnegative(name: str, value: Any, label: str | None = None) -> None:
    """Raise unless ``value`` is a finite number >= 0 (``Invalid {label} value: ...``).

    Parameters
    ----------
    name
        The argument's name (for the TypeError).
    value
        The argument.
    label
        The name in torch's ValueError message, when it differs (``epsilon`` for ``eps``).
    """
    x = check_real(name, value)
    if not (0.0 <= x < math.inf):
        raise ValueError(f"Invalid {label or name} value: {value}")


def check_unit_interval(name: str, value: Any, *, closed: bool = True) -> None:
    """Raise unless 0 <= value <= 1 (or < 1 when ``closed`` is False).

    Parameters
    ----------
    name
        The argument's name.
    value
        The argument.
    closed
        Whether 1 is allowed.
    """
    x = check_real(name, value)
    ok = 0.0 <= x <= 1.0 if closed else 0.0 <= x < 1.0
    if not ok:
        raise ValueError(f"Invalid {name} value: {value}")


def check_betas(betas: Any) -> None:
    """Raise unless ``betas`` is a pair of numbers in [0, 1).

    Parameters
    ----------
    betas
        ``(beta1, beta2)``.
    """
    if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2) of floats, got {betas!r}")
    for index, beta in enumerate(betas):
        x = check_real(f"betas[{index}]", beta)
        if not 0.0 <= x < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")


def check_finite(name: str, value: Any) -> None:
    """Raise unless ``value`` is a finite real number.

    Parameters
    ----------
    name
        The argument's name.
    value
        The argument.
    """
    x = check_real(name, value)
    if not math.isfinite(x):
        raise ValueError(f"Invalid {name} value: {value}")


# ----------------------------------------------------------------------------------------------
# torch.optim.lr_scheduler's messages (the schedules)
# ----------------------------------------------------------------------------------------------
def expect_int(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, if it is an integer >= ``minimum``; else a ValueError, as torch.

    Parameters
    ----------
    name
        The argument's name.
    value
        The argument.
    minimum
        The smallest value allowed.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        ``Expected step_size to be an integer >= 1, but got 1.5``.
    """
    if not is_integer(value) or value < minimum:
        raise ValueError(f"Expected {name} to be an integer >= {minimum}, but got {value!r}")
    return int(value)


def expect_number(name: str, value: Any) -> float:
    """``value`` as a float, if it is a real number other than NaN; else a ValueError.

    Parameters
    ----------
    name
        The argument's name.
    value
        The argument.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        ``Expected gamma to be a number, but got '0.9'``.
    """
    if not is_real(value) or math.isnan(value):
        raise ValueError(f"Expected {name} to be a number, but got {value!r}")
    return float(value)
