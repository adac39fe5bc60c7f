"""What every optimizer shares: params, checks, state arrays, ``state_dict``; no algorithm here.

An optimizer subclass says what one step does to **one array** (its ``_update`` method, plain
whole-array NumPy in the lecture's names, like torch's ``_single_tensor_adam``). This class:

- checks the params once, the hyperparameters when they are set (at construction, through
  :attr:`Optimizer.lr`, or at the first step after ``param_groups[0]`` was changed) and the
  gradients at every step, **before anything is written**: a rejected step changes nothing;
- creates the state arrays (``opt.state[i]["exp_avg"]``, torch's names) and a few scratch
  arrays for ``out=``, so that a step allocates no memory proportional to the params;
- calls ``_update`` on each param; a param larger than :data:`CHUNK_BYTES` is passed in
  consecutive slices of that size (the same elementwise arithmetic, so bit-identical results,
  but each slice stays in the CPU cache through all the passes of the update);
- ``state_dict`` / ``load_state_dict`` / ``save`` / ``load`` (NumPy ``.npz``, never pickle).
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["Optimizer", "CHUNK_BYTES"]

#: A param larger than this is updated slice by slice (each slice stays in the CPU cache).
CHUNK_BYTES = 1 << 18


# ----------------------------------------------------------------------------------------------
# hyperparameter checks (torch.optim's messages)
# ----------------------------------------------------------------------------------------------
def check_real(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise TypeError if it is not a real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    return float(value)


def check_bool(name: str, value: Any) -> None:
    """Raise TypeError unless ``value`` is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}: {value!r}")


def check_lr(lr: Any) -> None:
    """Raise unless ``lr`` is a finite number >= 0 (``Invalid learning rate: -1.0``)."""
    x = check_real("lr", lr)
    if not (0.0 <= x < math.inf):
        raise ValueError(f"Invalid learning rate: {lr}")


def check_nonnegative(name: str, value: Any, label: str | None = None) -> None:
    """Raise unless ``value`` is a finite number >= 0 (``Invalid {label} value: ...``)."""
    x = check_real(name, value)
    if not (0.0 <= x < math.inf):
        raise ValueError(f"Invalid {label or name} value: {value}")


def check_unit_interval(name: str, value: Any, *, closed: bool = True) -> None:
    """Raise unless 0 <= value <= 1 (or < 1 when ``closed`` is False)."""
    x = check_real(name, value)
    ok = 0.0 <= x <= 1.0 if closed else 0.0 <= x < 1.0
    if not ok:
        raise ValueError(f"Invalid {name} value: {value}")


def check_betas(betas: Any) -> None:
    """Raise unless ``betas`` is a pair of numbers in [0, 1)."""
    if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2) of floats, got {betas!r}")
    for index, beta in enumerate(betas):
        x = check_real(f"betas[{index}]", beta)
        if not 0.0 <= x < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")


def check_finite(name: str, value: Any) -> None:
    """Raise unless ``value`` is a finite real number."""
    x = check_real(name, value)
    if not math.isfinite(x):
        raise ValueError(f"Invalid {name} value: {value}")


def _plain(value: Any) -> Any:
    """A checked hyperparameter as a Python bool, float or tuple of floats.

    Python floats combine with float32 arrays without promoting them to float64 (NumPy's weak
    scalars), so an update written with them keeps the params' dtype, as torch does.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (tuple, list)):
        return tuple(float(v) for v in value)
    return float(value)


# ----------------------------------------------------------------------------------------------
# params and gradients
# ----------------------------------------------------------------------------------------------
def _param_list(params: Any) -> list[np.ndarray]:
    if isinstance(params, np.ndarray):
        params = [params]
    elif isinstance(params, Iterable) and not isinstance(params, (Mapping, str, bytes)):
        params = list(params)
    else:
        raise TypeError(
            f"params must be a NumPy array or a list of NumPy arrays, got {type(params).__name__}"
        )
    if len(params) == 0:
        raise ValueError("optimizer got an empty parameter list")
    for i, p in enumerate(params):
        if isinstance(p, Mapping):
            raise TypeError(
                "parameter groups (dicts) are not supported: pass a list of NumPy arrays"
            )
        if not isinstance(p, np.ndarray):
            raise TypeError(
                f"param {i} is not a NumPy array (got {type(p).__name__}); the optimizer "
                "updates params in place, so pass arrays, e.g. np.array([1.0, 2.0])"
            )
        if not np.issubdtype(p.dtype, np.floating):
            raise TypeError(
                f"param {i} has dtype {p.dtype}, but params must be floating-point arrays "
                "(e.g. x.astype(np.float64))"
            )
        if not p.flags.writeable:
            raise ValueError(f"param {i} is read-only; the optimizer must update it in place")
        if not p.flags.c_contiguous:
            raise ValueError(
                f"param {i} is not C-contiguous (a strided view?); pass np.ascontiguousarray(x)"
            )
    for i, p in enumerate(params):
        for j in range(i):
            if p is params[j]:
                raise ValueError(f"param {i} is the same array as param {j}")
            if p.size and params[j].size and np.may_share_memory(p, params[j]):
                raise ValueError(f"param {i} shares memory with param {j}")
    return params


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
    """How :meth:`Optimizer._check_gradients` tests a gradient of ``p`` for NaN and infinity:
    ``_TOLIST`` (a Python sum, up to 64 elements), ``_LARGE`` (:func:`_all_finite`, above
    :data:`CHUNK_BYTES`) or the dtype of one ufunc sum (float64 for float32 terms, which then
    cannot overflow)."""
    if p.size <= 64:
        return _TOLIST
    if p.nbytes > CHUNK_BYTES:
        return _LARGE
    return None if p.dtype == np.float64 else np.float64


class _Group(dict):  # type: ignore[type-arg]
    """``param_groups[0]``: a dict that notes when it is changed, so that the optimizer checks
    its hyperparameters again at the next step (and not at every step)."""

    changed = True

    def __setitem__(self, key: Any, value: Any) -> None:
        self.changed = True
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self.changed = True
        super().__delitem__(key)

    def __ior__(self, other: Any) -> _Group:
        self.changed = True
        return super().__ior__(other)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.changed = True
        super().update(*args, **kwargs)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self.changed = True
        return super().setdefault(key, default)

    def pop(self, *args: Any) -> Any:
        self.changed = True
        return super().pop(*args)

    def popitem(self) -> Any:
        self.changed = True
        return super().popitem()

    def clear(self) -> None:
        self.changed = True
        super().clear()


# ----------------------------------------------------------------------------------------------
# the base class
# ----------------------------------------------------------------------------------------------
class Optimizer:
    """Base class: a torch.optim-like optimizer over a list of NumPy arrays, updated in place.

    A subclass defines

    - ``_check_hyperparameters(group)``: raise for an invalid value (torch's messages);
    - ``_state_arrays(hyper)``: ``{name: initial fill}`` of the state arrays the options need
      (fill None: created by the first step, see ``self._fresh``);
    - ``_update(param, grad, state, step, work)``: one step on one array, in place, reading
      the hyperparameters from :attr:`hyper`; ``work`` are :attr:`_n_work` scratch arrays of
      the param's shape for ``out=``.

    Parameters
    ----------
    params : numpy.ndarray or list of numpy.ndarray
        Writable, C-contiguous floating-point arrays, updated in place by :meth:`step`.
    defaults : dict
        The hyperparameters; they become ``param_groups[0]`` (a schedule or the user may change
        them between steps; they are checked again at the next step).

    Attributes
    ----------
    param_groups : list of dict
        One group, ``{"params": [...], "lr": ..., ...}``, as in torch.optim.
    state : list of dict
        ``state[i]`` holds param ``i``'s ``"step"`` and its state arrays (torch's key names).
    hyper : dict
        The hyperparameters of ``param_groups[0]`` as last checked, as Python floats, bools and
        tuples (a float32 array combined with a Python float stays float32).
    """

    #: number of scratch arrays ``_update`` gets
    _n_work = 3
    #: every state array name the optimizer may use (for load_state_dict validation)
    _state_keys: tuple[str, ...] = ()
    #: per-param scalar state (torch keeps e.g. NAdam's ``mu_product``) and its initial value
    _scalar_state: dict[str, float] = {}

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self._check_hyperparameters(defaults)
        plist = _param_list(params)
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = [_Group(params=plist, **defaults)]
        self._params = plist
        self.state: list[dict[str, Any]] = [{"step": 0, **self._scalar_state} for _ in plist]
        self._fresh: frozenset[str] = frozenset()
        # scratch: _n_work flat arrays per dtype, as long as the largest param or one chunk
        self._chunk_bytes = CHUNK_BYTES
        longest: dict[np.dtype, int] = {}
        for p in plist:
            n = min(p.size, max(1, CHUNK_BYTES // p.itemsize))
            longest[p.dtype] = max(longest.get(p.dtype, 0), n)
        self._scratch = {
            dt: [np.empty(n, dt) for _ in range(self._n_work)] for dt, n in longest.items()
        }
        self._work = [
            [w[: p.size].reshape(p.shape) for w in self._scratch[p.dtype]]
            if p.nbytes <= CHUNK_BYTES
            else None
            for p in plist
        ]
        self._slots = list(zip(plist, self.state, self._work, strict=True))
        self._grad_checks = [(p, _finiteness_check(p), p.ndim == 1) for p in plist]
        self._accept_hyperparameters(self.param_groups[0])
        self._create_state()

    # -- hooks for subclasses ------------------------------------------------------------------
    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        raise NotImplementedError

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        step: int,
        work: list[np.ndarray],
    ) -> None:
        raise NotImplementedError

    def _next_scalar_state(self, step: int) -> dict[str, float]:
        """New values of the scalar state after ``step`` (see ``_scalar_state``)."""
        return {}

    # -- public API ----------------------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """The params, in order (the arrays passed at construction)."""
        return self.param_groups[0]["params"]

    @property
    def lr(self) -> float:
        """The learning rate, ``param_groups[0]["lr"]`` (settable; schedules change it)."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        check_lr(value)
        self.param_groups[0]["lr"] = value

    def __repr__(self) -> str:
        group = self.param_groups[0]
        lines = [f"{type(self).__name__} (", "Parameter Group 0"]
        lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"

    def step(self, grads: Any) -> None:
        """Update every param in place with one step of the algorithm.

        Parameters
        ----------
        grads : numpy.ndarray or list of numpy.ndarray
            One gradient per param, same shapes (a single array when there is one param).

        Raises
        ------
        ValueError, TypeError
            For a wrong number of gradients, a shape mismatch, a non-numeric gradient, NaN or
            infinity in a gradient, or an invalid hyperparameter in ``param_groups[0]``. All
            checks run before anything is written: after an error, params and state are
            exactly as before.
        """
        group = self.param_groups[0]
        if group.changed:  # type: ignore[attr-defined]
            self._accept_hyperparameters(group)
        grads = self._check_gradients(grads)
        if self._missing:  # e.g. SGD's momentum buffer, created by its first step
            self._fresh = self._create_state(stepping=True)
        states = self.state
        step = states[0]["step"] + 1
        update = self._update
        for (param, state, work), grad in zip(self._slots, grads, strict=False):  # (checked)
            if work is not None:
                update(param, grad, state, step, work)
            else:
                self._update_in_chunks(param, grad, state, step)
        if self._fresh:
            self._fresh = frozenset()
        scalars = self._next_scalar_state(step) if self._scalar_state else {}
        for state in states:
            state["step"] = step
            if scalars:
                state.update(scalars)

    def _update_in_chunks(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], step: int
    ) -> None:
        """``_update`` on consecutive slices of a large param (elementwise: same result)."""
        scratch = self._scratch[param.dtype]
        n = len(scratch[0])
        p, g = param.reshape(-1), grad.reshape(-1)
        flat = {k: v.reshape(-1) if isinstance(v, np.ndarray) else v for k, v in state.items()}
        for a in range(0, p.size, n):
            b = min(a + n, p.size)
            part = {k: v[a:b] if isinstance(v, np.ndarray) else v for k, v in flat.items()}
            work = scratch if b - a == n else [w[: b - a] for w in scratch]
            self._update(p[a:b], g[a:b], part, step, work)

    # -- checks --------------------------------------------------------------------------------
    def _accept_hyperparameters(self, group: Mapping[str, Any]) -> None:
        """Check ``group`` and keep its hyperparameters as Python numbers for the steps."""
        self._check_hyperparameters(group)
        self.hyper = {key: _plain(group[key]) for key in self.defaults}
        wanted = self._state_arrays(self.hyper)
        self._missing = any(name not in self.state[0] for name in wanted)
        group.changed = False  # type: ignore[attr-defined]

    def _check_gradients(self, grads: Any) -> list[np.ndarray]:
        """Validate the gradients; return them as arrays of the params' shapes and dtypes.

        Speed (this runs at every step): the usual case, a list of arrays of the right dtypes
        and shapes, costs three attribute checks and one finiteness test per gradient, with
        what each param needs worked out at construction (``self._grad_checks``).
        """
        checks = self._grad_checks
        if type(grads) is not list or len(grads) != len(checks):
            grads = self._gradient_list(grads)
        out = grads  # copied only if a gradient must be converted
        i = -1
        for g, (p, how, ndim1) in zip(grads, checks, strict=False):  # (lengths checked)
            i += 1
            if type(g) is not np.ndarray or g.dtype is not p.dtype or g.shape != p.shape:
                if out is grads:
                    out = list(grads)
                out[i] = g = self._convert_gradient(i, g, p)
            # A sum is finite whenever every term is (NaN and inf propagate); only when it is
            # not (or for a large gradient) are the terms checked one by one in _all_finite.
            if how is _TOLIST:  # a few Python floats are summed faster than by a ufunc call
                total = sum(g.tolist() if ndim1 else g.reshape(-1).tolist())
            elif how is not _LARGE:  # how: the dtype to sum in (float64 for float32 terms)
                total = _add_reduce(g, None, how)
            else:
                total = math.nan
            if not math.isfinite(total) and not _all_finite(g):
                raise ValueError(f"gradient {i} contains NaN or infinity")
        return out

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

    @staticmethod
    def _convert_gradient(i: int, g: Any, p: np.ndarray) -> np.ndarray:
        """Gradient ``i`` as a C-contiguous array of param ``i``'s dtype, or raise."""
        if not isinstance(g, np.ndarray):
            try:
                g = np.asarray(g)
            except Exception as err:  # noqa: BLE001 - report any conversion failure
                raise TypeError(f"gradient {i} is not an array: {err}") from err
        if g.dtype.kind not in "fiu":
            raise TypeError(f"gradient {i} has dtype {g.dtype}; expected real numbers")
        if g.shape != p.shape:
            raise ValueError(f"gradient {i} has shape {g.shape}, but param {i} has shape {p.shape}")
        with np.errstate(over="ignore"):  # a float64 too large for float32: inf, rejected next
            return np.asarray(g, dtype=p.dtype, order="C")  # (ascontiguousarray makes 0-d 1-d)

    # -- state ---------------------------------------------------------------------------------
    def _create_state(
        self, names: Iterable[str] | None = None, *, stepping: bool = False
    ) -> frozenset[str]:
        """Create the state arrays the options need that do not exist yet; return their names.

        Arrays with fill None are created only when ``stepping`` (the step that fills them).
        ``names`` (from :meth:`load_state_dict`): create these, uninitialised, instead.
        """
        fills = self._state_arrays(self.hyper) if names is None else dict.fromkeys(names)
        created = frozenset(
            name
            for name, fill in fills.items()
            if name not in self.state[0] and (fill is not None or stepping or names is not None)
        )
        for p, state in zip(self.params, self.state, strict=True):
            for name in created:
                fill = fills[name]
                state[name] = np.empty_like(p) if fill is None else np.full_like(p, fill)
        self._missing = any(name not in self.state[0] for name in fills)
        return created

    def state_dict(self) -> dict[str, Any]:
        """Return a copy of the optimizer's state, in torch.optim's layout.

        Returns
        -------
        dict
            ``{"optimizer": class name, "param_groups": [hyperparameters and "params": [0, 1,
            ...]], "state": {i: {"step": int, name: array copy}}}``. Load it with
            :meth:`load_state_dict` to resume bit-identically.
        """
        group = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        group["params"] = list(range(len(self.params)))
        state = {
            i: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in st.items()}
            for i, st in enumerate(self.state)
        }
        return {"optimizer": type(self).__name__, "param_groups": [group], "state": state}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a state saved by :meth:`state_dict` (validated first; nothing changes on error).

        Parameters
        ----------
        state_dict : dict
            From :meth:`state_dict` of an optimizer of the same class over params of the same
            number, shapes and dtypes.

        Raises
        ------
        ValueError
            If the state was made for another optimizer or other params, or is malformed.
        """
        kind = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise ValueError(f"state_dict must be a dict, got {type(state_dict).__name__}")
        missing = {"optimizer", "param_groups", "state"} - set(state_dict)
        if missing:
            raise ValueError(f"state_dict lacks the key(s) {sorted(missing)}")
        if state_dict["optimizer"] != kind:
            raise ValueError(
                f"state_dict was saved from {state_dict['optimizer']}, cannot load into {kind}"
            )
        params = self.params
        n = len(params)
        groups = state_dict["param_groups"]
        if not isinstance(groups, (list, tuple)) or len(groups) != 1:
            raise ValueError("state_dict must have exactly one param group")
        saved_group = dict(groups[0])
        ids = saved_group.pop("params", None)
        if ids is None or len(ids) != n:
            count = "?" if ids is None else len(ids)
            raise ValueError(f"state_dict was made for {count} params, this optimizer has {n}")
        if not set(self.defaults) <= set(saved_group):
            raise ValueError(
                f"state_dict lacks the hyperparameter(s) "
                f"{sorted(set(self.defaults) - set(saved_group))} of {kind}"
            )
        for key in set(saved_group) - set(self.defaults):  # e.g. a schedule's "initial_lr"
            value = saved_group[key]
            if not isinstance(value, (numbers.Real, tuple, list, str)):
                raise ValueError(f"state_dict has an unusable param group entry {key!r}")
        try:
            self._check_hyperparameters(saved_group)
        except (TypeError, ValueError) as err:
            raise ValueError(f"state_dict has an invalid hyperparameter: {err}") from err
        states = state_dict["state"]
        if not isinstance(states, Mapping) or sorted(states) != list(range(n)):
            raise ValueError(f"state_dict['state'] must have entries for params 0..{n - 1}")
        steps = set()
        scalars: dict[str, set[float]] = {}
        names: set[str] | None = None
        for i in range(n):
            entry = states[i]
            if not isinstance(entry, Mapping) or "step" not in entry:
                raise ValueError(f"state of param {i} has no 'step'")
            step = entry["step"]
            if isinstance(step, np.ndarray) and step.ndim == 0:
                step = step.item()
            if isinstance(step, float) and step.is_integer():
                step = int(step)
            if isinstance(step, (bool, np.bool_)) or not isinstance(step, numbers.Integral):
                raise ValueError(f"state of param {i}: step must be an integer, got {step!r}")
            if step < 0:
                raise ValueError(f"state of param {i}: step must be >= 0, got {step}")
            steps.add(int(step))
            for key in self._scalar_state:
                value = entry.get(key)
                if isinstance(value, np.ndarray) and value.ndim == 0:
                    value = value.item()
                if not isinstance(value, numbers.Real) or not math.isfinite(value):
                    raise ValueError(f"state of param {i}: {key} must be a finite number")
                scalars.setdefault(key, set()).add(float(value))
            keys = set(entry) - {"step"} - set(self._scalar_state)
            unknown = keys - set(self._state_keys)
            if unknown:
                raise ValueError(f"state of param {i} has unknown entries {sorted(unknown)}")
            if names is None:
                names = keys
            elif keys != names:
                raise ValueError("the params' states hold different entries")
            for key in keys:
                arr = entry[key]
                p = params[i]
                if not isinstance(arr, np.ndarray):
                    raise ValueError(f"state of param {i}: {key} is not an array")
                if arr.shape != p.shape:
                    raise ValueError(
                        f"state of param {i}: {key} has shape {arr.shape}, param has {p.shape}"
                    )
                if arr.dtype != p.dtype:
                    raise ValueError(
                        f"state of param {i}: {key} has dtype {arr.dtype}, param has {p.dtype}"
                    )
        if len(steps) != 1:
            raise ValueError(f"the params' states have different step counts {sorted(steps)}")
        (step,) = steps
        for key, values in scalars.items():
            if len(values) != 1:
                raise ValueError(f"the params' states have different values of {key}")
        names = names or set()
        hyper = {key: _plain(saved_group[key]) for key in self.defaults}
        required = {k for k, fill in self._state_arrays(hyper).items() if fill is not None}
        if step > 0 and not required <= names:
            raise ValueError(f"state_dict lacks state arrays {sorted(required - names)}")
        # everything checked: now write
        group = self.param_groups[0]
        for key in [k for k in group if k != "params" and k not in saved_group]:
            del group[key]
        group.update(saved_group)
        for state in self.state:
            for key in [k for k in state if k not in names and isinstance(state[k], np.ndarray)]:
                del state[key]
        self._create_state(names)
        for i in range(n):
            self.state[i]["step"] = step
            for key, values in scalars.items():
                self.state[i][key] = next(iter(values))
            for key in names:
                np.copyto(self.state[i][key], states[i][key])
        self._accept_hyperparameters(group)  # and the arrays missing before the first step

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`state_dict` to ``path`` as a NumPy ``.npz`` file (no pickle).

        Parameters
        ----------
        path : str or os.PathLike
            File name; NumPy appends ``.npz`` when missing.
        """
        sd = self.state_dict()
        arrays: dict[str, np.ndarray] = {"optimizer": np.array(sd["optimizer"])}
        for key, value in sd["param_groups"][0].items():
            arrays[f"group.{key}"] = np.array(value)
        for i, entry in sd["state"].items():
            for key, value in entry.items():
                arrays[f"state.{i}.{key}"] = np.asarray(value)
        np.savez(path, **arrays)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Load a state written by :meth:`save` (validated as in :meth:`load_state_dict`).

        Parameters
        ----------
        path : str or os.PathLike
            An ``.npz`` file written by :meth:`save`.
        """
        with np.load(path, allow_pickle=False) as data:
            files = {k: data[k] for k in data.files}
        if "optimizer" not in files:
            raise ValueError(f"{path} is not an optimizer state saved by adamlib")
        group: dict[str, Any] = {}
        state: dict[int, dict[str, Any]] = {}
        for key, arr in files.items():
            parts = key.split(".")
            if parts[0] == "group" and len(parts) == 2:
                group[parts[1]] = tuple(arr.tolist()) if arr.ndim == 1 else arr.item()
            elif parts[0] == "state" and len(parts) == 3:
                scalar = parts[2] == "step" or parts[2] in self._scalar_state
                value: Any = arr.item() if scalar else arr
                state.setdefault(int(parts[1]), {})[parts[2]] = value
            elif key != "optimizer":
                raise ValueError(f"{path}: unexpected entry {key!r}")
        if "params" in group:
            group["params"] = list(group["params"])
        self.load_state_dict(
            {"optimizer": str(files["optimizer"]), "param_groups": [group], "state": state}
        )
