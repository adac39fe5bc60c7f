"""The machinery shared by every optimizer: params, input checks, state, chunked in-place steps.

An optimizer subclass only says *what* one step computes, on flat 1-D slices (its ``_update``
method, written with the pieces of :mod:`adamlib.optim.parts`). This base class does the rest:

- checks params, hyperparameters and gradients **before anything is written**, so a rejected
  step leaves params and state bit-identical;
- keeps the state of all params of one dtype in one flat buffer per quantity (``exp_avg``, ...);
  ``opt.state[i]["exp_avg"]`` is a view with the shape of param ``i``;
- walks the flat index space in chunks of :data:`CHUNK_BYTES` bytes, so the work buffers stay
  small (cache-resident) and a step allocates no array memory; small params that share a chunk
  are gathered into one buffer, updated with a few ufunc calls, and scattered back;
- ``state_dict`` / ``load_state_dict`` / ``save`` / ``load`` (NumPy ``.npz``, never pickle).
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

__all__ = ["Optimizer", "CHUNK_BYTES"]

#: Size in bytes of one work buffer; a step processes this many bytes of each array at a time.
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


# ----------------------------------------------------------------------------------------------
# params and gradients
# ----------------------------------------------------------------------------------------------
def _param_list(params: Any) -> list[np.ndarray]:
    if isinstance(params, np.ndarray):
        params = [params]
    elif isinstance(params, Mapping) or isinstance(params, (str, bytes)):
        raise TypeError(
            f"params must be a NumPy array or a list of NumPy arrays, got {type(params).__name__}"
        )
    elif isinstance(params, Iterable):
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


_BLAS_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _all_finite(a: np.ndarray) -> bool:
    """True when ``a`` holds no NaN or infinity (call under ``np.errstate(over="ignore")``)."""
    # A sum (of squares) is finite whenever every term is (NaN and inf propagate), so one fast
    # reduction without scratch memory settles the usual case; overflow falls back to an exact
    # check.
    if a.dtype in _BLAS_DTYPES and a.ndim == 1:
        total = np.dot(a, a)  # a sum of squares: BLAS reads memory a little faster than a sum
    else:
        total = np.add.reduce(a, axis=None)
    if math.isfinite(total):
        return True
    flat = a.reshape(-1)
    step = max(1, CHUNK_BYTES // max(1, a.itemsize))
    return all(np.isfinite(flat[k : k + step]).all() for k in range(0, flat.size, step))


# ----------------------------------------------------------------------------------------------
# flat storage of the params of one dtype
# ----------------------------------------------------------------------------------------------
class _Chunk:
    """A range [start, stop) of a block's flat index space, and the params it covers."""

    __slots__ = ("start", "stop", "pieces", "direct", "param_views", "buffer_slices")

    def __init__(self, start: int, stop: int, pieces: list[tuple[int, int, int, int]]):
        self.start = start
        self.stop = stop
        # (param index, lo, hi, offset in chunk): param.ravel()[lo:hi] <-> chunk[off:off+hi-lo]
        self.pieces = pieces
        self.direct = len(pieces) == 1
        self.param_views: list[np.ndarray] = []
        self.buffer_slices: list[slice] = []


class _Block:
    """All params of one dtype: flat state buffers, chunks and work buffers."""

    def __init__(self, dtype: np.dtype, indices: list[int], params: list[np.ndarray], n_work: int):
        self.dtype = dtype
        self.indices = indices
        self.offsets: list[int] = []
        size = 0
        for i in indices:
            self.offsets.append(size)
            size += params[i].size
        self.size = size
        self.flat: dict[str, np.ndarray] = {}
        chunk_len = max(1, CHUNK_BYTES // dtype.itemsize)
        self.chunks: list[_Chunk] = []
        for start in range(0, size, chunk_len):
            stop = min(size, start + chunk_len)
            pieces = []
            for i, off in zip(indices, self.offsets, strict=True):
                n = params[i].size
                lo, hi = max(start, off), min(stop, off + n)
                if lo < hi:
                    pieces.append((i, lo - off, hi - off, lo - start))
            self.chunks.append(_Chunk(start, stop, pieces))
        work_len = min(size, chunk_len)
        self.work = [np.empty(work_len, dtype) for _ in range(n_work)]
        gathered = [c for c in self.chunks if not c.direct]
        self.pbuf = np.empty(work_len if gathered else 0, dtype)
        self.gbuf = np.empty(work_len if gathered else 0, dtype)
        for c in self.chunks:
            for i, lo, hi, off in c.pieces:
                c.param_views.append(params[i].reshape(-1)[lo:hi])
                c.buffer_slices.append(slice(off, off + hi - lo))
        # Many small params typically share a single gathered chunk. Its gradients are then
        # gathered into gbuf while checking (one finiteness check instead of one per param) and
        # not gathered again for the update. ``packed`` lists the params lying wholly inside it.
        self.packed: _Chunk | None = gathered[0] if len(gathered) == 1 else None
        self.packed_params: set[int] = set()
        if self.packed is not None:
            self.packed_params = {
                i for i, lo, hi, _ in self.packed.pieces if lo == 0 and hi == params[i].size
            }


# ----------------------------------------------------------------------------------------------
# the base class
# ----------------------------------------------------------------------------------------------
class Optimizer:
    """Base class: a torch.optim-like optimizer over a list of NumPy arrays, updated in place.

    Subclasses define ``_check_hyperparameters(group)``, ``_buffers(group)`` (state arrays and
    their initial fill, None meaning "set by the first step"), ``_scalars(group, step, dtype)``
    (per-step constants, computed once per step in double precision and cast to the params'
    dtype) and ``_update(p, g, state, work, s, fresh)`` (one chunk of one step).

    Parameters
    ----------
    params : numpy.ndarray or list of numpy.ndarray
        Writable, C-contiguous floating-point arrays, updated in place by :meth:`step`.
    defaults : dict
        The hyperparameters; they become ``param_groups[0]`` (read again at every step, so a
        learning-rate schedule or the user may change them between steps).

    Attributes
    ----------
    param_groups : list of dict
        One group, ``{"params": [...], "lr": ..., ...}``, as in torch.optim.
    state : list of dict
        ``state[i]`` holds param ``i``'s ``"step"`` and its state arrays (torch's key names).
    """

    #: number of chunk-sized work buffers ``_update`` needs
    _n_work = 3
    #: every state array name the optimizer may use (for load_state_dict validation)
    _state_keys: tuple[str, ...] = ()
    #: per-param scalar state (torch keeps e.g. NAdam's ``mu_product``) and its initial value
    _scalar_state: dict[str, float] = {}

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self._check_hyperparameters(defaults)
        plist = _param_list(params)
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = [{"params": plist, **defaults}]
        self.state: list[dict[str, Any]] = [{"step": 0, **self._scalar_state} for _ in plist]
        by_dtype: dict[np.dtype, list[int]] = {}
        for i, p in enumerate(plist):
            by_dtype.setdefault(p.dtype, []).append(i)
        self._blocks = [_Block(dt, idx, plist, self._n_work) for dt, idx in by_dtype.items()]
        # arrays set by the first step (fill None, e.g. SGD's b_1 = g_1) are created by step()
        initial = self._buffers(self.param_groups[0])
        self._allocate({k: fill for k, fill in initial.items() if fill is not None})

    # -- hooks for subclasses ------------------------------------------------------------------
    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _buffers(self, group: Mapping[str, Any]) -> dict[str, float | None]:
        raise NotImplementedError

    def _scalars(self, group: Mapping[str, Any], step: int, dtype: np.dtype) -> SimpleNamespace:
        raise NotImplementedError

    def _update(
        self,
        p: np.ndarray,
        g: np.ndarray,
        state: dict[str, np.ndarray],
        work: list[np.ndarray],
        s: SimpleNamespace,
        fresh: frozenset[str],
    ) -> None:
        raise NotImplementedError

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
        self._check_hyperparameters(group)
        gs = self._check_gradients(grads)
        step = self.state[0]["step"] + 1
        fresh = self._allocate(self._buffers(group))
        for block in self._blocks:
            s = self._scalars(group, step, block.dtype)
            flat = block.flat
            names = tuple(flat)
            for chunk in block.chunks:
                a, b = chunk.start, chunk.stop
                n = b - a
                work = block.work if n == len(block.work[0]) else [w[:n] for w in block.work]
                st = {name: flat[name][a:b] for name in names}
                if chunk.direct:
                    i, lo, hi, _ = chunk.pieces[0]
                    self._update(chunk.param_views[0], gs[i][lo:hi], st, work, s, fresh)
                else:
                    pb, gb = block.pbuf[:n], block.gbuf[:n]
                    np.concatenate(chunk.param_views, out=pb)
                    if chunk is not block.packed:  # (the packed chunk was gathered by the check)
                        np.concatenate([gs[i][lo:hi] for i, lo, hi, _ in chunk.pieces], out=gb)
                    self._update(pb, gb, st, work, s, fresh)
                    for view, sl in zip(chunk.param_views, chunk.buffer_slices, strict=True):
                        np.copyto(view, pb[sl])
        updates = self._scalar_updates(group, step)
        for st in self.state:
            st["step"] = step
            st.update(updates)

    def _scalar_updates(self, group: Mapping[str, Any], step: int) -> dict[str, float]:
        """New values of the scalar state after ``step`` (see ``_scalar_state``)."""
        return {}

    # -- checks --------------------------------------------------------------------------------
    def _check_gradients(self, grads: Any) -> list[np.ndarray]:
        """Validate the gradients; return them as flat arrays of the params' dtypes."""
        params = self.params
        n = len(params)
        if isinstance(grads, np.ndarray):
            if n != 1:
                raise ValueError(
                    f"expected a list of {n} gradients (one per param), got a single array"
                )
            grads = [grads]
        elif isinstance(grads, (list, tuple)):
            if len(grads) != n:
                raise ValueError(f"expected {n} gradient(s), one per param, got {len(grads)}")
        else:
            raise TypeError(
                f"grads must be a list of NumPy arrays (one per param), got {type(grads).__name__}"
            )
        out = []
        packed = set().union(*(b.packed_params for b in self._blocks))
        with np.errstate(over="ignore", invalid="ignore"):  # overflow to inf is reported below
            for i, (g, p) in enumerate(zip(grads, params, strict=True)):
                if not isinstance(g, np.ndarray):
                    try:
                        g = np.asarray(g)
                    except Exception as err:  # noqa: BLE001 - report any conversion failure
                        raise TypeError(f"gradient {i} is not an array: {err}") from err
                if g.dtype.kind not in "fiu":
                    raise TypeError(f"gradient {i} has dtype {g.dtype}; expected real numbers")
                if g.shape != p.shape:
                    raise ValueError(
                        f"gradient {i} has shape {g.shape}, but param {i} has shape {p.shape}"
                    )
                if g.dtype != p.dtype or not g.flags.c_contiguous:
                    g = np.ascontiguousarray(g, dtype=p.dtype)
                if i not in packed and not _all_finite(g):
                    raise ValueError(f"gradient {i} contains NaN or infinity")
                out.append(g.reshape(-1))
            for block in self._blocks:
                chunk = block.packed
                if chunk is None:
                    continue
                gb = block.gbuf[: chunk.stop - chunk.start]
                np.concatenate([out[i][lo:hi] for i, lo, hi, _ in chunk.pieces], out=gb)
                if not _all_finite(gb):
                    for i in sorted(block.packed_params):
                        if not _all_finite(out[i]):
                            raise ValueError(f"gradient {i} contains NaN or infinity")
        return out

    # -- state ---------------------------------------------------------------------------------
    def _allocate(self, wanted: Mapping[str, float | None]) -> frozenset[str]:
        """Create the state arrays named in ``wanted`` that do not exist yet; return their names."""
        created = []
        for name, fill in wanted.items():
            if name in self._blocks[0].flat:
                continue
            created.append(name)
            for block in self._blocks:
                buf = (
                    np.empty(block.size, block.dtype)
                    if fill is None
                    else np.full(block.size, fill, block.dtype)
                )
                block.flat[name] = buf
                self._expose(block, name)
        return frozenset(created)

    def _expose(self, block: _Block, name: str) -> None:
        params = self.params
        buf = block.flat[name]
        for i, off in zip(block.indices, block.offsets, strict=True):
            self.state[i][name] = buf[off : off + params[i].size].reshape(params[i].shape)

    def _drop(self, name: str) -> None:
        for block in self._blocks:
            block.flat.pop(name, None)
        for st in self.state:
            st.pop(name, None)

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
        required = {k for k, fill in self._buffers(saved_group).items() if fill is not None}
        if step > 0 and not required <= names:
            raise ValueError(f"state_dict lacks state arrays {sorted(required - names)}")
        # everything checked: now write
        group = self.param_groups[0]
        for key in [k for k in group if k != "params" and k not in saved_group]:
            del group[key]
        group.update(saved_group)
        for name in [k for k in self._blocks[0].flat if k not in names]:
            self._drop(name)
        self._allocate({k: None for k in names})
        for i in range(n):
            self.state[i]["step"] = step
            for key, values in scalars.items():
                self.state[i][key] = next(iter(values))
            for key in names:
                np.copyto(self.state[i][key], states[i][key])

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
