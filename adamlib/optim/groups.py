"""Parameter groups, as torch.optim keeps them: the checked list of params, the group dicts.

:class:`~adamlib.optim.base.Optimizer` keeps ``param_groups`` as :class:`_Group` dicts (which
note when they are changed, so that hyperparameters are checked again at the next step only)
and, per group, a :class:`_Run` with what a step needs of it.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def _plain(value: Any) -> Any:
    """A checked hyperparameter as a Python bool, int, float, tuple of these, str or None.

    Python numbers combine with float32 arrays without promoting them to float64 (NumPy's weak
    scalars), so an update written with them keeps the params' dtype, as torch does. Integers
    stay integers (Muon's ``ns_steps`` counts iterations); strings and None are choices
    (Muon's ``adjust_lr_fn``).
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (tuple, list)):  # None inside: "use the default" (Adafactor's eps[0])
        return tuple(_plain(v) for v in value)
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value)


def _param_list(params: Any, where: str = "") -> list[np.ndarray]:
    """``params`` (one array or an iterable of arrays) as a checked list.

    ``where`` prefixes the messages (``"param group 1: "``).
    """
    if isinstance(params, np.ndarray):
        params = [params]
    elif isinstance(params, (set, frozenset)):
        raise TypeError(
            f"{where}params must be an ordered collection (a list), not a set: the gradients "
            "are passed in the same order"
        )
    elif isinstance(params, Iterable) and not isinstance(params, (Mapping, str, bytes)):
        params = list(params)
    else:
        raise TypeError(
            f"{where}params must be a NumPy array or a list of NumPy arrays, "
            f"got {type(params).__name__}"
        )
    if len(params) == 0:
        raise ValueError(f"{where}optimizer got an empty parameter list")
    for i, p in enumerate(params):
        if isinstance(p, Mapping):
            raise TypeError(
                f"{where}params must be all arrays or all parameter groups (dicts with a "
                "'params' entry), not a mix"
            )
        if not isinstance(p, np.ndarray):
            raise TypeError(
                f"{where}param {i} is not a NumPy array (got {type(p).__name__}); the optimizer "
                "updates params in place, so pass arrays, e.g. np.array([1.0, 2.0])"
            )
        if not np.issubdtype(p.dtype, np.floating):
            raise TypeError(
                f"{where}param {i} has dtype {p.dtype}, but params must be floating-point arrays "
                "(e.g. x.astype(np.float64))"
            )
        if not p.flags.writeable:
            raise ValueError(
                f"{where}param {i} is read-only; the optimizer must update it in place"
            )
        if not p.flags.c_contiguous:
            raise ValueError(
                f"{where}param {i} is not C-contiguous (a strided view?); "
                "pass np.ascontiguousarray(x)"
            )
    return params


def _check_distinct(params: list[np.ndarray], names: list[str]) -> None:
    """Raise if two params are the same array or overlap in memory.

    As in torch ("some parameters appear in more than one parameter group").
    """
    for i, p in enumerate(params):
        for j in range(i):
            if p is params[j]:
                raise ValueError(f"{names[i]} is the same array as {names[j]}")
            if p.size and params[j].size and np.may_share_memory(p, params[j]):
                raise ValueError(f"{names[i]} shares memory with {names[j]}")


class _Group(dict[str, Any]):
    """``param_groups[k]``: a dict that notes when it is changed.

    The optimizer then checks its hyperparameters again at the next step (and not at every
    step).
    """

    changed = True
    #: the optimizer's "a group changed" flag (a one-element list), set too (one test per step)
    flag: list[bool] | None = None

    def _note(self) -> None:
        self.changed = True
        if self.flag is not None:
            self.flag[0] = True

    def __setitem__(self, key: Any, value: Any) -> None:
        self._note()
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self._note()
        super().__delitem__(key)

    # mypy wants an in-place operator to be compatible with dict.__or__, whose result is a plain
    # dict (typeshed's own dict.__ior__ is ignored likewise).
    def __ior__(self, other: Any) -> _Group:  # type: ignore[override, misc]
        self._note()
        return super().__ior__(other)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._note()
        super().update(*args, **kwargs)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._note()
        return super().setdefault(key, default)

    def pop(self, *args: Any) -> Any:
        self._note()
        return super().pop(*args)

    def popitem(self) -> Any:
        self._note()
        return super().popitem()

    def clear(self) -> None:
        self._note()
        super().clear()


class _Run:
    """What a step needs of one param group, worked out when the group was last checked."""

    __slots__ = (
        "group",
        "start",
        "stop",
        "states",
        "slots",
        "params",
        "works",
        "sliced",
        "hyper",
        "missing",
        "fresh",
    )

    def __init__(self, group: _Group, start: int, states: list[dict[str, Any]]) -> None:
        self.group = group  # the dict in param_groups
        self.start, self.stop = start, start + len(states)  # its params' global indices
        self.states = states  # state[start:stop]
        self.slots: list[tuple[np.ndarray, dict[str, Any], list[np.ndarray] | None]] = []
        self.params: list[np.ndarray] = []  # its params
        self.works: list[list[np.ndarray] | None] = []  # scratch (None: sliced, _update_large)
        self.sliced = False  # a param is not handed whole to _update (see base.Optimizer.step)
        self.hyper: dict[str, Any] = {}  # its hyperparameters as Python numbers
        self.missing = False  # a state array the options need does not exist yet
        self.fresh: frozenset[str] = frozenset()  # state arrays created by this step


def _is_implicit(group: Any) -> bool:
    """True for the one group made from a plain list of params (torch's own messages then)."""
    return isinstance(group, Mapping) and set(group) == {"params"}
