"""What every optimizer shares: params, checks, state arrays, ``state_dict``; no algorithm here.

An optimizer subclass says what one step does to each array of a param group (its ``_update``
method: the group's hyperparameters read once, then a loop over its arrays, plain whole-array
NumPy in the lecture's names, like torch's ``_single_tensor_adam``). This class:

- holds the params in parameter groups, as torch.optim does (``param_groups``: each group a
  dict of its params and its hyperparameters; :meth:`Optimizer.add_param_group`);
- checks the params once, the hyperparameters when they are set (at construction, through
  :attr:`Optimizer.lr`, or at the first step after a group was changed: each group is a dict
  that notes changes) and the gradients at every step, **before anything is written**: a
  rejected step changes nothing, in any group;
- creates the state arrays (``opt.state[i]["exp_avg"]``, torch's names) and a few scratch
  arrays for ``out=``, so that a step allocates no memory proportional to the params;
- calls ``_update`` on each group; a param larger than :data:`CHUNK_BYTES` is passed in
  consecutive slices of that size (the same elementwise arithmetic, so bit-identical results,
  but each slice stays in the CPU cache through all the passes of the update), unless the
  update is not elementwise (``_elementwise = False``: Muon's matrix products, Adafactor's row
  and column means); such an optimizer may update some large params by a faster method of its
  own instead, tested equal to ``_update`` (``_update_large``: Adafactor's large vectors);
- keeps state arrays of the param's shape, or of the shape ``_state_shape`` gives (Adafactor's
  row and column factors; None: this param has no such array);
- ``state_dict`` / ``load_state_dict`` / ``save`` / ``load`` (NumPy ``.npz``, never pickle).

Two modules beside it hold what a reader of the algorithms can skip: :mod:`.groups` (the
params and the group dicts) and :mod:`.saving` (checking and loading a saved state).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeAlias

import numpy as np

# the hyperparameter checks (torch.optim's messages) live in adamlib.validation; every optimizer
# module imports them from here, beside its base class
from adamlib.validation import (
    check_betas,
    check_bool,
    check_finite,
    check_lr,
    check_nonnegative,
    check_real,
    check_unit_interval,
)

from . import saving
from .groups import _check_distinct, _Group, _is_implicit, _param_list, _plain, _Run

__all__ = [
    "CHUNK_BYTES",
    "Arrays",
    "Optimizer",
    "check_betas",
    "check_bool",
    "check_finite",
    "check_lr",
    "check_nonnegative",
    "check_real",
    "check_unit_interval",
]

#: A param larger than this is updated slice by slice (each slice stays in the CPU cache).
CHUNK_BYTES = 1 << 18

#: What ``_update`` gets for each param of a group: ``(param, grad, state, work)``
Arrays: TypeAlias = Iterable[tuple[np.ndarray, np.ndarray, dict[str, Any], list[np.ndarray]]]


# ----------------------------------------------------------------------------------------------
# params and gradients
# ----------------------------------------------------------------------------------------------


def _all_finite(g: np.ndarray) -> bool:
    """True when ``g`` holds no NaN or infinity; allocates nothing proportional to ``g``."""
    if g.size <= 64:  # a few Python floats are checked faster than one ufunc call
        values = (g if g.ndim == 1 else g.reshape(-1)).tolist()
        return math.isfinite(sum(values)) or all(map(math.isfinite, values))
    # A sum is finite whenever every term is (NaN and inf propagate): one pass, no scratch.
    # Summed in double precision, float32 terms cannot overflow; float64 terms beyond 1e300
    # can, and then the terms are checked exactly.
    if g.nbytes <= CHUNK_BYTES:
        total = np.add.reduce(g, axis=None, dtype=np.float64)
    else:  # a large param: here one context manager costs nothing
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.add.reduce(g, axis=None)
    if math.isfinite(total):
        return True
    flat = g.reshape(-1)
    n = max(1, CHUNK_BYTES // flat.itemsize)
    return all(np.isfinite(flat[k : k + n]).all() for k in range(0, flat.size, n))


_add_reduce = np.add.reduce
_TOLIST, _LARGE = "tolist", "large"


def _finiteness_check(p: np.ndarray) -> Any:
    """How :meth:`Optimizer._check_gradients` tests a gradient of ``p`` for NaN and infinity.

    ``_TOLIST`` (a Python sum, a vector of up to 64 elements), ``_LARGE`` (:func:`_all_finite`,
    above :data:`CHUNK_BYTES`) or the dtype of one ufunc sum (float64 for float32 terms, which
    then cannot overflow).
    """
    if p.size <= 64 and p.ndim == 1:
        return _TOLIST
    if p.nbytes > CHUNK_BYTES:
        return _LARGE
    return None if p.dtype == np.float64 else np.float64


# ----------------------------------------------------------------------------------------------
# the base class
# ----------------------------------------------------------------------------------------------


class Optimizer:
    """Base class: a torch.optim-like optimizer over lists of NumPy arrays, updated in place.

    A subclass defines

    - ``_check_hyperparameters(group)``: raise for an invalid value (torch's messages);
    - ``_state_arrays(hyper)``: ``{name: initial fill}`` of the state arrays the options need
      (fill None: created by the first step, see ``self._fresh``);
    - ``_update(arrays, step)``: one step of a group, in place: its hyperparameters read once
      from :attr:`hyper`, then the rule on each ``(param, grad, state, work)`` of ``arrays``
      (:data:`Arrays`; a large param comes as several slices); ``work`` are :attr:`_n_work`
      scratch arrays of the param's shape for ``out=``;
    - optionally ``_check_param(param, name)``: raise for a param it cannot update (Muon: not
      a matrix), and ``_elementwise = False`` for an update that is not elementwise; then
      optionally ``_updates_large(param)`` and ``_update_large(...)``: a faster method for the
      params it selects (a speed-up only: ``_update`` stays the definition).

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Writable, C-contiguous floating-point arrays, updated in place by :meth:`step`; or
        parameter groups as in torch.optim, ``[{"params": [W1, W2], "weight_decay": 0.01},
        {"params": [b1, b2], "weight_decay": 0.0}]``: each group takes ``defaults`` for the
        hyperparameters it does not set, and may hold other keys (a name, a schedule's
        ``initial_lr``).
    defaults : dict
        The hyperparameters (the optimizer's keyword arguments).

    Attributes
    ----------
    param_groups : list of dict
        One dict per group, ``{"params": [...], "lr": ..., ...}``, as in torch.optim. Its
        hyperparameters may be changed between steps (that is what a schedule does); they are
        checked at the next step, before anything is written.
    state : list of dict
        ``state[i]`` holds param ``i``'s ``"step"`` and its state arrays (torch's key names);
        params are numbered across groups, in order (as in :meth:`state_dict`).
    defaults : dict
        The hyperparameters given to the constructor.
    hyper : dict
        The hyperparameters of the group being updated, as last checked, as Python floats,
        bools and tuples (a float32 array combined with a Python float stays float32).
    """

    #: number of scratch arrays ``_update`` gets
    _n_work = 3
    #: True when the update of one element reads no other element, so that a large param may
    #: be updated in slices; False (Muon's matrix products; Adafactor's row and column means,
    #: its RMS) passes every param whole
    _elementwise = True
    #: every state array name the optimizer may use (for load_state_dict validation)
    _state_keys: tuple[str, ...] = ()
    #: per-param scalar state (torch keeps e.g. NAdam's ``mu_product``) and its initial value
    _scalar_state: dict[str, float] = {}

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self._check_hyperparameters(defaults)
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: list[dict[str, Any]] = []
        self._params: list[np.ndarray] = []
        self._runs: list[_Run] = []
        self._scratch: dict[np.dtype, list[np.ndarray]] = {}
        self.hyper: dict[str, Any] = {}
        self._fresh: frozenset[str] = frozenset()
        self._group_changed = [False]  # set by any group's entries being changed
        if isinstance(params, Iterable) and not isinstance(
            params, (np.ndarray, Mapping, str, bytes, set, frozenset)
        ):
            params = list(params)
        if isinstance(params, list) and params and isinstance(params[0], Mapping):
            groups = params  # torch: a list of dicts is a list of param groups
            if not all(isinstance(g, Mapping) for g in groups):
                raise TypeError(
                    "params must be all arrays or all parameter groups (dicts with a 'params' "
                    "entry), not a mix"
                )
        else:
            groups = [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    # -- hooks for subclasses ------------------------------------------------------------------
    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        raise NotImplementedError

    def _check_param(self, param: np.ndarray, name: str) -> None:
        """Raise for a param this optimizer cannot update (``name``: ``"param 0"``).

        The base class takes any floating-point array. Runs before anything is written.
        """

    def _update(self, arrays: Arrays, step: int) -> None:
        raise NotImplementedError

    def _updates_large(self, param: np.ndarray) -> bool:
        """True for a param that :meth:`_update_large` updates instead of ``_update`` (none here).

        Only for an update that is not elementwise (an elementwise one is sliced instead).
        """
        return False

    def _update_large(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        work: list[np.ndarray],
        step: int,
    ) -> None:
        """Update one param that :meth:`_updates_large` selects, as ``_update`` would.

        ``work``: the :attr:`_n_work` flat scratch arrays of the param's dtype, the first at
        least as long as the param, the others at least one chunk (:data:`CHUNK_BYTES`).
        """
        raise NotImplementedError

    def _state_shape(self, name: str, param: np.ndarray) -> tuple[int, ...] | None:
        """Return the shape of state array ``name`` for ``param``.

        The param's own (the default), or another (Adafactor's row and column factors), or None
        when this param has none.
        """
        return param.shape

    def _next_scalar_state(self, step: int, state: Mapping[str, Any]) -> dict[str, float]:
        """New values of the scalar state after ``step`` (see ``_scalar_state``).

        Computed from the group's current ``state`` and :attr:`hyper`.
        """
        return {}

    # -- public API ----------------------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """All params, in order: group by group (the order :meth:`step` takes gradients in)."""
        return list(self._params)

    @property
    def lr(self) -> float:
        """The learning rate, ``param_groups[0]["lr"]`` (settable; schedules change it).

        With several groups, read and set ``param_groups[k]["lr"]`` instead (this raises).
        """
        return self._single_group("lr")["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        group = self._single_group("lr")
        check_lr(value)
        group["lr"] = value

    def _single_group(self, name: str) -> dict[str, Any]:
        if len(self.param_groups) != 1:
            raise ValueError(
                f"{type(self).__name__} has {len(self.param_groups)} param groups: use "
                f"param_groups[k][{name!r}] for group k"
            )
        return self.param_groups[0]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for k, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {k}")
            lines += [f"    {key}: {v}" for key, v in sorted(group.items()) if key != "params"]
        return "\n".join(lines) + "\n)"

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of params with its own hyperparameters (torch's ``add_param_group``).

        Parameters
        ----------
        param_group : dict
            ``{"params": array or list of arrays, <hyperparameter>: value, ...}``; the
            hyperparameters it does not set are taken from :attr:`defaults`; other keys are
            kept. Its params come after all existing ones: :meth:`step` takes their gradients
            at the end of the list. Their state starts fresh (step 0), as in torch.

        Raises
        ------
        TypeError, ValueError
            For a group that is not a dict, bad params, a param already in another group, or
            an invalid hyperparameter (the message names the group). Nothing changes then.
        """
        k = len(self.param_groups)
        where = f"param group {k}: " if k or not _is_implicit(param_group) else ""
        if not isinstance(param_group, Mapping):
            raise TypeError(f"param group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{where}a param group needs a 'params' entry")
        plist = _param_list(param_group["params"], where)
        for i, p in enumerate(plist):
            self._check_param(p, f"{where}param {i}")
        group = _Group(param_group)
        dict.__setitem__(group, "params", plist)
        for key, value in self.defaults.items():
            if key not in group:
                dict.__setitem__(group, key, value)
        self._check_group(k, group)
        names = [f"param {i}" for i in range(len(plist))] if k == 0 else []
        for kk, run in enumerate(self._runs):
            names += [f"param {j} of param group {kk}" for j in range(run.stop - run.start)]
        names += [f"param {j} of param group {k}" for j in range(len(plist))] if k else []
        _check_distinct(self._params + plist, names)
        # everything checked: now write
        start = len(self._params)
        states = [{"step": 0, **self._scalar_state} for _ in plist]
        group.flag = self._group_changed
        self.param_groups.append(group)
        self._params += plist
        self.state += states
        self._runs.append(_Run(group, start, states))
        self._make_scratch()
        self._accept_hyperparameters(self._runs[-1])
        self._create_state(self._runs[-1])

    def step(self, grads: Any) -> None:
        """Update every param in place with one step of the algorithm.

        Parameters
        ----------
        grads : numpy.ndarray or list of numpy.ndarray
            One gradient per param, same shapes, in the order of :attr:`params`: the params of
            ``param_groups[0]``, then those of ``param_groups[1]``, ... (a single array when
            there is one param).

        Raises
        ------
        ValueError, TypeError
            For a wrong number of gradients, a shape mismatch, a non-numeric gradient, NaN or
            infinity in a gradient, or an invalid hyperparameter in a param group (the message
            names the group and the param). All checks run before anything is written: after
            an error, the params and the state of every group are exactly as before.
        """
        if self._group_changed[0] or len(self._runs) != len(self.param_groups):
            self._accept_changed_groups()
        grads = self._check_gradients(grads)
        # everything checked: now write
        for run in self._runs:
            if run.missing:  # e.g. SGD's momentum buffer, created by its first step
                run.fresh = self._create_state(run, stepping=True)
            self.hyper, self._fresh = run.hyper, run.fresh  # what _update reads
            states = run.states
            step = states[0]["step"] + 1
            # (no zip(strict=True): it costs more than the loop's own work; lengths are equal)
            arrays: Iterable[tuple[Any, ...]] = zip(  # noqa: B905
                run.params, grads[run.start : run.stop], states, run.works
            )
            if run.sliced:  # a large param (work None): in slices, or by _update_large
                arrays = (
                    self._in_slices(arrays)
                    if self._elementwise
                    else self._update_large_params(arrays, step)
                )
            self._update(arrays, step)
            if run.fresh:
                run.fresh = self._fresh = frozenset()
            for state in states:
                state["step"] = step
            if self._scalar_state:
                scalars = self._next_scalar_state(step, states[0])
                for state in states:
                    state.update(scalars)

    def _in_slices(self, arrays: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        """``arrays`` with each large param (``work`` None) as consecutive slices.

        The update is elementwise, so it gives the same result, but each slice stays in the
        CPU cache through all the passes of the update.
        """
        for param, grad, state, work in arrays:
            if work is not None:
                yield param, grad, state, work
                continue
            scratch = self._scratch[param.dtype]
            n = len(scratch[0])
            p, g = param.reshape(-1), grad.reshape(-1)
            flat = {k: v.reshape(-1) if isinstance(v, np.ndarray) else v for k, v in state.items()}
            for a in range(0, p.size, n):
                b = min(a + n, p.size)
                part = {k: v[a:b] if isinstance(v, np.ndarray) else v for k, v in flat.items()}
                yield p[a:b], g[a:b], part, scratch if b - a == n else [w[: b - a] for w in scratch]

    def _update_large_params(
        self, arrays: Iterable[tuple[Any, ...]], step: int
    ) -> list[tuple[Any, ...]]:
        """Update the params of ``arrays`` with ``work`` None by :meth:`_update_large`.

        Returns the others, for ``_update``.
        """
        rest = []
        for param, grad, state, work in arrays:
            if work is None:
                self._update_large(param, grad, state, self._scratch[param.dtype], step)
            else:
                rest.append((param, grad, state, work))
        return rest

    # -- checks --------------------------------------------------------------------------------
    def _check_group(self, k: int, group: Mapping[str, Any]) -> None:
        """Check the hyperparameters of group ``k``; the message names the group."""
        missing = [key for key in self.defaults if key not in group]
        if missing:
            raise ValueError(f"param group {k} lacks the hyperparameter(s) {missing}")
        try:
            self._check_hyperparameters(group)
        except (TypeError, ValueError) as err:
            if len(self.param_groups) + (k == len(self.param_groups)) <= 1:
                raise  # one group: torch's message as it is
            raise type(err)(f"param group {k}: {err}") from err

    def _accept_changed_groups(self) -> None:
        """Check every changed group (all of them first), then keep their new values."""
        if len(self.param_groups) != len(self._runs) or any(
            group is not run.group
            for group, run in zip(self.param_groups, self._runs, strict=False)
        ):
            raise ValueError(
                "param_groups was changed as a list: change a group's entries in place, and "
                "add groups with add_param_group"
            )
        changed = [(k, run) for k, run in enumerate(self._runs) if run.group.changed]
        for k, run in changed:
            params = run.group.get("params")
            if (
                not isinstance(params, list)
                or len(params) != len(run.slots)
                or any(p is not slot[0] for p, slot in zip(params, run.slots, strict=False))
            ):
                raise ValueError(
                    f"param_groups[{k}]['params'] was changed: params cannot be replaced (make "
                    "a new optimizer, or add them with add_param_group)"
                )
            self._check_group(k, run.group)
        for _, run in changed:
            self._accept_hyperparameters(run)
        self._group_changed[0] = False

    def _accept_hyperparameters(self, run: _Run) -> None:
        """Keep a checked group's hyperparameters as Python numbers for the steps."""
        run.hyper = {key: _plain(run.group[key]) for key in self.defaults}
        wanted = self._state_arrays(run.hyper)
        run.missing = any(self._lacks(run, name) for name in wanted)
        run.group.changed = False
        if run is self._runs[0]:
            self.hyper = run.hyper

    def _param_name(self, i: int) -> str:
        """``"param 3"``, or with several groups ``"param 1 of param group 1"``."""
        if len(self._runs) <= 1:
            return f"param {i}"
        for k, run in enumerate(self._runs):
            if run.start <= i < run.stop:
                return f"param {i - run.start} of param group {k}"
        return f"param {i}"

    def _check_gradients(self, grads: Any) -> list[np.ndarray]:
        """Validate the gradients; return them as arrays of the params' shapes and dtypes.

        Speed (this runs at every step): the usual case, a list of arrays of the right dtypes
        and shapes, costs three tests and one sum per gradient, with what each param needs
        worked out when it was added (``self._grad_checks``); anything else is converted first
        (``_converted_gradients``).
        """
        checks = self._grad_checks
        if type(grads) is not list or len(grads) != len(checks):
            return self._converted_gradients(self._gradient_list(grads))
        ndarray, isfinite, add_reduce = np.ndarray, math.isfinite, _add_reduce
        for g, (dtype, shape, how) in zip(grads, checks):  # noqa: B905  (lengths checked)
            if type(g) is not ndarray or g.dtype is not dtype or g.shape != shape:
                return self._converted_gradients(grads)
            # A sum is finite whenever every term is (NaN and inf propagate); only when it is
            # not (or for a large gradient) are the terms checked one by one in _all_finite.
            if how is _TOLIST:  # a few Python floats are summed faster than by a ufunc call
                total = sum(g.tolist())
            elif how is not _LARGE:  # how: the dtype to sum in (float64 for float32 terms)
                total = add_reduce(g, None, how)
            else:
                total = math.nan
            if not isfinite(total) and not _all_finite(g):
                i = next(i for i, x in enumerate(grads) if x is g)
                raise ValueError(f"{self._gradient_name(i)} contains NaN or infinity")
        return grads

    def _converted_gradients(self, grads: list[Any]) -> list[np.ndarray]:
        """The gradients converted to the params' dtypes (or an error), then checked."""
        pairs = enumerate(zip(grads, self._params, strict=True))
        out = [self._convert_gradient(i, g, p) for i, (g, p) in pairs]
        for i, g in enumerate(out):
            if not _all_finite(g):
                raise ValueError(f"{self._gradient_name(i)} contains NaN or infinity")
        return out

    def _gradient_name(self, i: int) -> str:
        """``"gradient 3"``, or with several groups ``"gradient 3 (param 1 of param group 1)"``."""
        return f"gradient {i}" if len(self._runs) <= 1 else f"gradient {i} ({self._param_name(i)})"

    def _gradient_list(self, grads: Any) -> list[Any]:
        """``grads`` as a list of one entry per param (a tuple, or one array for one param)."""
        n = len(self._grad_checks)
        if isinstance(grads, np.ndarray):
            if n != 1:
                raise ValueError(
                    f"expected a list of {n} gradients (one per param), got a single array"
                )
            return [grads]
        if not isinstance(grads, (list, tuple)):
            raise TypeError(
                f"grads must be a list of NumPy arrays (one per param), got {type(grads).__name__}"
            )
        if len(grads) != n:
            raise ValueError(f"expected {n} gradient(s), one per param, got {len(grads)}")
        return list(grads)

    def _convert_gradient(self, i: int, g: Any, p: np.ndarray) -> np.ndarray:
        """Gradient ``i`` as a C-contiguous array of param ``i``'s dtype, or raise."""
        if type(g) is np.ndarray and g.dtype == p.dtype and g.shape == p.shape:
            return g
        name = self._gradient_name(i)
        if not isinstance(g, np.ndarray):
            try:
                g = np.asarray(g)
            except Exception as err:  # report any conversion failure (re-raised below)
                raise TypeError(f"{name} is not an array: {err}") from err
        if g.dtype.kind not in "fiu":
            raise TypeError(f"{name} has dtype {g.dtype}; expected real numbers")
        if g.shape != p.shape:
            raise ValueError(
                f"{name} has shape {g.shape}, but {self._param_name(i)} has shape {p.shape}"
            )
        with np.errstate(over="ignore"):  # a float64 too large for float32: inf, rejected next
            return np.asarray(g, dtype=p.dtype, order="C")  # (ascontiguousarray makes 0-d 1-d)

    # -- state ---------------------------------------------------------------------------------
    def _make_scratch(self) -> None:
        """Scratch arrays: ``_n_work`` flat arrays per dtype.

        Each is as long as the largest param or one chunk (``_update_large`` needs the first as
        long as its param, the others one chunk); each param's ``work`` are views of them (None:
        updated in chunks, or by ``_update_large``).
        """
        longest: dict[np.dtype, list[int]] = {}
        sliced = self._elementwise  # else each param is updated whole
        for p in self._params:
            chunk = min(p.size, max(1, CHUNK_BYTES // p.itemsize))
            if sliced:
                lengths = [chunk] * self._n_work
            elif self._updates_large(p):
                lengths = [p.size] + [chunk] * (self._n_work - 1)
            else:
                lengths = [max(1, p.size)] * self._n_work
            so_far = longest.get(p.dtype, lengths)
            longest[p.dtype] = [max(n, m) for n, m in zip(lengths, so_far, strict=True)]
        for dt, lengths in longest.items():
            have = self._scratch.get(dt, [])
            if not have or any(len(w) < n for w, n in zip(have, lengths, strict=True)):
                self._scratch[dt] = [np.empty(n, dt) for n in lengths]
        self._work = [
            None
            if (p.nbytes > CHUNK_BYTES if sliced else self._updates_large(p))
            else [w[: p.size].reshape(p.shape) for w in self._scratch[p.dtype]]
            for p in self._params
        ]
        for run in self._runs:
            run.params = self._params[run.start : run.stop]
            run.works = self._work[run.start : run.stop]
            run.sliced = any(work is None for work in run.works)
            run.slots = list(zip(run.params, run.states, run.works, strict=True))
        self._grad_checks = [(p.dtype, p.shape, _finiteness_check(p)) for p in self._params]

    def _create_state(
        self, run: _Run, names: Iterable[str] | None = None, *, stepping: bool = False
    ) -> frozenset[str]:
        """Create the state arrays a group's options need that do not exist yet; return their names.

        Arrays with fill None are created only when ``stepping`` (the step that fills them).
        ``names`` (from :meth:`load_state_dict`): create these, uninitialised, instead.
        """
        fills = self._state_arrays(run.hyper) if names is None else dict.fromkeys(names)
        created = frozenset(
            name
            for name, fill in fills.items()
            if self._lacks(run, name) and (fill is not None or stepping or names is not None)
        )
        for p, state, _ in run.slots:
            # in the optimizer's order (torch's), not the set's: that order changes with
            # Python's hash seed, and state dicts, legends and colours follow it
            for name in (name for name in fills if name in created):
                fill, shape = fills[name], self._state_shape(name, p)
                if shape is not None:
                    state[name] = (
                        np.empty(shape, p.dtype)
                        if fill is None
                        else (np.full(shape, fill, p.dtype))
                    )
        run.missing = any(self._lacks(run, name) for name in fills)
        return created

    def _lacks(self, run: _Run, name: str) -> bool:
        """True when a param of the group should have state array ``name`` and has not."""
        return any(
            name not in state and self._state_shape(name, p) is not None
            for p, state, _ in run.slots
        )

    def state_dict(self) -> dict[str, Any]:
        """Return a copy of the optimizer's state, in torch.optim's layout.

        Returns
        -------
        dict
            ``{"optimizer": class name, "param_groups": [each group's hyperparameters, with
            "params": its params' indices, numbered across groups], "state": {i: {"step": int,
            name: array copy}}}``. Load it with :meth:`load_state_dict` to resume
            bit-identically.
        """
        groups = []
        for run in self._runs:
            group = {k: v for k, v in run.group.items() if k != "params"}
            group["params"] = list(range(run.start, run.stop))
            groups.append(group)
        state = {
            i: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in st.items()}
            for i, st in enumerate(self.state)
        }
        return {"optimizer": type(self).__name__, "param_groups": groups, "state": state}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a state saved by :meth:`state_dict` (validated first; nothing changes on error).

        Parameters
        ----------
        state_dict : dict
            From :meth:`state_dict` of an optimizer of the same class over param groups of the
            same number and sizes, and params of the same shapes and dtypes. As in torch, the
            saved params are matched to this optimizer's by position, group by group, and the
            groups' hyperparameters are restored too.

        Raises
        ------
        ValueError
            If the state was made for another optimizer or other params, or is malformed.
        """
        saving.load_state_dict(self, state_dict)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`state_dict` to ``path`` as a NumPy ``.npz`` file (no pickle).

        Parameters
        ----------
        path : str or os.PathLike
            File name; NumPy appends ``.npz`` when missing.
        """
        saving.save(self, path)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Load a state written by :meth:`save` (validated as in :meth:`load_state_dict`).

        Parameters
        ----------
        path : str or os.PathLike
            An ``.npz`` file written by :meth:`save`.
        """
        saving.load(self, path)
