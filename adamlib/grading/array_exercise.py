"""Optimizer-style steps (:class:`ArrayExercise`): arrays in, one array or a tuple of arrays out.

Each returned quantity is compared separately with the reference's, relative to the size of its
change (``x_new - x``), over one or several consecutive steps (the learner's outputs are fed
back in); type, shape, dtype and finiteness are checked first.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .exercise import CaseVerdict, Exercise, Step
from .feedback import _join, _plural, as_float_arrays, describe_value, short_repr, shown_pair
from .mistakes import MUTATION, NO_RETURN, STUB, Catalogue, generic_mistakes
from .running import call_guarded

_TINY = 1e-300


@dataclass
class StepCase:
    """A test case for an :class:`ArrayExercise`.

    Parameters
    ----------
    label : str
        Shown to the learner, e.g. ``"2x3 float32 matrix, t=5, non-zero m and v"``.
    inputs : dict
        Every argument of the first call, by name.
    later : sequence of dict
        For a multi-step case, one dict per further step with the inputs that change (typically a
        new ``grad``). Carried quantities (``x``, ``m``...) come from the previous step's outputs
        and the counter (``t``) is incremented automatically.
    """

    label: str
    inputs: dict[str, Any]
    later: Sequence[dict[str, Any]] = ()


def _expected_got_lines(name: str, expected: Any, got: Any, note: str = "") -> str:
    """The ``expected``/``got`` lines of one output in a case's detail, aligned.

    The values are printed with enough digits to differ, or only the element that differs most
    (``x_new[1, 2]``) when two long arrays would look alike.
    """
    e_text, g_text, where = shown_pair(expected, got)
    label = f"{name}[{where}]" if where else name
    pad = " " * len(label)
    lines = [f"  {label}: expected {e_text}", f"  {pad}  got      {g_text}"]
    if where:
        lines[-1] += "   (the element with the largest error)"
    if note:
        lines.append(f"  {pad}  {note}")
    return "\n".join(lines)


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray)


@dataclass(kw_only=True)
class ArrayExercise(Exercise):
    """An optimizer-style step: arrays in, one array or a tuple of arrays out.

    Parameters
    ----------
    outputs : tuple of str
        Names of the returned quantities, e.g. ``("x_new", "m_new", "v_new")``. One name means
        the function returns a single array.
    cases : callable
        ``cases() -> list[StepCase]``; build inputs from a fixed seed.
    carry : dict
        For multi-step cases: output name -> input name fed with it at the next step, e.g.
        ``{"x_new": "x", "m_new": "m", "v_new": "v"}``. Also used to compare each output relative
        to the size of its change (``x_new - x``), so that small steps are checked precisely.
    counter : str or None
        Input incremented by one at each further step (``"t"`` for Adam).
    rtol : dict
        Relative tolerance per dtype name, relative to the size of the change of each output.

    Notes
    -----
    Call convention: the leading inputs that are NumPy arrays are passed positionally, everything
    from the first non-array on by keyword (``adam_step(x, grad, m, v, t=1, lr=0.001, ...)``).
    A returned value must be a NumPy array (or NumPy scalar, or a Python float for 0-d cases)
    with the reference's shape and dtype, finite where the reference is finite.
    """

    outputs: tuple[str, ...]
    cases: Callable[[], list[StepCase]]
    carry: dict[str, str] = field(default_factory=dict)
    counter: str | None = None
    rtol: dict[str, float] = field(
        default_factory=lambda: {"float64": 1e-7, "float32": 1e-4, "float16": 1e-2}
    )

    def __post_init__(self) -> None:
        if not self.signature:
            params = ", ".join(inspect.signature(self.reference).parameters)
            outs = self.outputs[0] if len(self.outputs) == 1 else f"({', '.join(self.outputs)})"
            self.signature = f"{self.id}({params}) -> {outs}"
        for out, inp in self.carry.items():
            if out not in self.outputs:
                raise ValueError(f"carry: {out!r} is not one of outputs {self.outputs}")
            del inp
        returned = ", ".join(self.outputs)
        self.mistakes = Catalogue(
            self.mistakes, lambda: generic_mistakes(self.reference, returned, takes_arrays=True)
        )

    def output_names(self) -> tuple[str, ...]:
        """The names of the returned quantities, ``outputs``."""
        return self.outputs

    def traits(self, case: StepCase) -> set[str]:
        """Kinds of this step case: ``"0-d"``, ``"multi-step"``, ``"float32"``."""
        arrays = [v for v in case.inputs.values() if isinstance(v, np.ndarray)]
        found = set()
        if arrays and all(a.ndim == 0 for a in arrays):
            found.add("0-d")
        if case.later:
            found.add("multi-step")
        if any(a.dtype == np.float32 for a in arrays):
            found.add("float32")
        return found

    # -- running -----------------------------------------------------------------------------------
    def _call(self, fn: Callable[..., Any], inputs: dict[str, Any]) -> Step:
        names = list(inputs)
        n_pos = 0
        while n_pos < len(names) and _is_array(inputs[names[n_pos]]):
            n_pos += 1
        args = [inputs[n] for n in names[:n_pos]]
        kwargs = {n: inputs[n] for n in names[n_pos:]}
        outcome = call_guarded(fn, args, kwargs, names[:n_pos])
        step = Step(inputs=inputs, outcome=outcome)
        if outcome.error is not None:
            step.kind = "stub" if outcome.stub else "exception"
            step.problem = outcome.error_text
            return step
        value = outcome.value
        n = len(self.outputs)
        if value is None:
            step.kind = "none"
            step.problem = (
                f"returned None: {NO_RETURN}? End with `return {', '.join(self.outputs)}`"
            )
            return step
        if n == 1:
            if isinstance(value, tuple | list) and len(value) == 1:
                step.kind = "structure"
                step.problem = (
                    f"returned a {type(value).__name__} of length 1; return the array "
                    f"{self.outputs[0]} itself"
                )
                return step
            step.outputs = (value,)
            return step
        if not isinstance(value, tuple | list):
            step.kind = "structure"
            step.problem = (
                f"returned a single {describe_value(value)}; expected a tuple of {n} values "
                f"({', '.join(self.outputs)})"
            )
            return step
        if len(value) != n:
            step.kind = "structure"
            step.problem = (
                f"returned {_plural(len(value), 'value')}; "
                f"expected {n}: ({', '.join(self.outputs)})"
            )
            return step
        step.outputs = tuple(value)
        return step

    def run(self, fn: Callable[..., Any], case: StepCase) -> list[Step]:
        """Run ``fn`` on the case's first step and its later ones, feeding outputs back in."""
        steps: list[Step] = []
        inputs = dict(case.inputs)
        for k in range(1 + len(case.later)):
            if k > 0:
                prev = steps[-1]
                assert prev.outputs is not None
                inputs = dict(inputs)
                for out_name, in_name in self.carry.items():
                    inputs[in_name] = prev.outputs[self.outputs.index(out_name)]
                if self.counter is not None:
                    inputs[self.counter] = inputs[self.counter] + 1
                inputs.update(case.later[k - 1])
            step = self._call(fn, inputs)
            steps.append(step)
            if step.outputs is None:
                break
            if k < len(case.later) and any(
                not isinstance(step.outputs[self.outputs.index(o)], np.ndarray | np.generic | float)
                for o in self.carry
            ):
                break  # cannot feed this back in; the comparison reports why
        return steps

    # -- comparing -------------------------------------------------------------------------------
    def _tol(self, dtype: np.dtype) -> float:
        return self.rtol.get(np.dtype(dtype).name, 1e-7)

    def _close(self, got: Any, expected: Any, before: Any) -> tuple[bool, float, float]:
        """Compare values (NaN equals NaN), relative to the size of the change from ``before``."""
        e = np.asarray(expected)
        dtype = e.dtype if np.issubdtype(e.dtype, np.floating) else np.dtype(np.float64)
        pair = as_float_arrays(got, e)
        if pair is None:
            return False, float("inf"), float("inf")
        g64, e64 = pair
        with np.errstate(all="ignore"):
            if before is not None and np.shape(before) == e64.shape:
                change = np.abs(e64 - np.asarray(before, dtype=np.float64))
            else:
                change = np.abs(e64)
            finite_change = change[np.isfinite(change)]
            scale = float(finite_change.max()) if finite_change.size else 0.0
            err = np.abs(g64 - e64)
            allowed = self._tol(dtype) * scale + 16 * np.finfo(dtype).eps * np.abs(e64) + _TINY
            both_nan = np.isnan(g64) & np.isnan(e64)
            same_inf = np.isinf(g64) & np.isinf(e64) & (np.sign(g64) == np.sign(e64))
            ok_elem = (err <= allowed) | both_nan | same_inf
            ok = bool(np.all(ok_elem))
            finite_err = err[np.isfinite(err)]
            max_err = float(finite_err.max()) if finite_err.size else float("inf")
            if not np.all(np.isfinite(err[~(both_nan | same_inf)])):
                max_err = float("inf")
            if before is not None and np.shape(before) == e64.shape:
                ref = scale  # relative to the expected change, e.g. of x_new - x
            else:
                ref = float(np.abs(e64[np.isfinite(e64)]).max()) if np.isfinite(e64).any() else 0.0
            rel = max_err / ref if ref > 0 else max_err
        return ok, max_err, rel

    def _check_output(
        self, name: str, got: Any, expected: Any, before: Any, before_name: str = ""
    ) -> tuple[str, str, str]:
        """Return ``(kind, summary, detail)``; kind is ``""`` when the output is right."""
        exp = np.asarray(expected)
        if got is None:
            return "none", f"{name} is None: {NO_RETURN}?", f"  {name}: got None"
        if isinstance(got, float) and exp.ndim == 0:
            got_arr = np.asarray(got)
        elif isinstance(got, np.ndarray | np.generic):
            got_arr = np.asarray(got)
        else:
            return (
                "type",
                f"{name} has type {type(got).__name__}; expected a NumPy array "
                "(build it with NumPy operations or np.asarray)",
                f"  {name}: got {short_repr(got)}",
            )
        if not (
            np.issubdtype(got_arr.dtype, np.floating) or np.issubdtype(got_arr.dtype, np.integer)
        ):
            return (
                "dtype",
                f"{name} has dtype {got_arr.dtype}, expected {exp.dtype}",
                f"  {name}: got {short_repr(got)}",
            )
        if got_arr.shape != exp.shape:
            return (
                "shape",
                f"{name} has shape {got_arr.shape}, expected {exp.shape} (the shape of the "
                "inputs: the update is elementwise; look for sums, np.dot or broadcasting)",
                f"  {name}: expected shape {exp.shape}, got shape {got_arr.shape}",
            )
        ok, max_err, rel = self._close(got_arr, exp, before)
        exp_finite = bool(np.all(np.isfinite(exp)))
        if exp_finite and not np.all(np.isfinite(got_arr)):
            kind_word = "NaN" if np.isnan(got_arr).any() else "inf"
            return (
                "nan",
                f"{name} contains {kind_word} (a division by zero, or the square root or log of "
                "a negative number?)",
                _expected_got_lines(name, exp, got_arr),
            )
        if not ok:
            if before is not None and np.shape(before) == exp.shape:
                size = f"relative error {rel:.2g} (of the expected change {name} - {before_name})"
            else:
                size = f"relative error {rel:.2g}"
            return (
                "value",
                f"{name} is wrong (max abs error {max_err:.2g}, {size})",
                _expected_got_lines(name, exp, got_arr, f"max abs error {max_err:.2g}, {size}"),
            )
        if got_arr.dtype != exp.dtype:
            return (
                "dtype",
                f"{name} has dtype {got_arr.dtype} but the inputs are {exp.dtype}: keep the input "
                "dtype (a NumPy float64 scalar such as np.sqrt(1 - beta2**t) or np.float64(lr) "
                "promotes float32 arrays; use Python floats or math.sqrt)",
                f"  {name}: expected dtype {exp.dtype}, got dtype {got_arr.dtype}",
            )
        return "", "", ""

    def _describe_call(self, inputs: dict[str, Any]) -> str:
        parts = []
        arrays = []
        for name, value in inputs.items():
            if isinstance(value, np.ndarray):
                parts.append(name)
                arrays.append(f"  {name} = {short_repr(value)}   ({describe_value(value)})")
            else:
                parts.append(f"{name}={short_repr(value)}")
        return f"  {self.id}({', '.join(parts)})\n" + "\n".join(arrays)

    def compare(self, case: StepCase, expected: list[Step], got: list[Step]) -> CaseVerdict:
        """Compare each step's outputs with the reference's; report inputs modified in place."""
        n_steps = len(expected)
        for k, (e_step, g_step) in enumerate(zip(expected, got, strict=False)):
            where = f" at step {k + 1} of {n_steps}" if n_steps > 1 else ""
            call = self._describe_call(g_step.inputs)
            if g_step.outputs is None:
                kind = g_step.kind
                if kind == "exception":
                    summary = f"raised {g_step.problem}"
                    if isinstance(g_step.outcome.error, TypeError) and "argument" in str(
                        g_step.outcome.error
                    ):
                        summary += f"; the signature must be {self.signature}"
                elif kind == "stub":
                    summary = f"{STUB} (NotImplementedError)"
                else:
                    summary = g_step.problem
                return CaseVerdict(
                    ok=False,
                    kinds={kind},
                    summary=summary + where,
                    detail=f"Call{where}:\n{call}\n  -> {summary}",
                    valid=False,
                    step=k,
                )
            kinds: set[str] = set()
            summaries: list[str] = []
            details: list[str] = []
            wrong: list[str] = []
            right: list[str] = []
            if g_step.outcome.mutated:
                kinds.add("mutation")
                mutated = _join([f"`{n}`" for n in g_step.outcome.mutated])
                summaries.append(
                    f"{MUTATION}: your function changed {mutated} (e.g. with `-=`, `+=`, `*=` or "
                    "`out=`); compute new arrays instead, e.g. `x_new = x - ...`"
                )
            assert e_step.outputs is not None
            look_alike = True
            for i, name in enumerate(self.outputs):
                before_name = self.carry.get(name)
                before = e_step.inputs.get(before_name) if before_name else None
                kind, summary, detail = self._check_output(
                    name, g_step.outputs[i], e_step.outputs[i], before, before_name or ""
                )
                if kind:
                    kinds.add(kind)
                    summaries.append(summary)
                    details.append(detail)
                    wrong.append(name)
                    look_alike = (
                        look_alike
                        and kind == "value"
                        and short_repr(np.asarray(e_step.outputs[i]))
                        == short_repr(np.asarray(g_step.outputs[i]))
                    )
                else:
                    right.append(name)
            if kinds:
                lines = [f"Call{where}:", call]
                if len(self.outputs) > 1 and right:
                    lines.append(f"  right: {', '.join(right)}")
                lines.extend(details)
                return CaseVerdict(
                    ok=False,
                    kinds=kinds,
                    summary="; ".join(summaries) + where,
                    detail="\n".join(lines),
                    wrong_outputs=tuple(wrong),
                    right_outputs=tuple(right),
                    valid=len(got) == n_steps and all(s.outputs is not None for s in got),
                    step=k,
                    look_alike=look_alike and kinds == {"value"},
                )
        if len(got) < n_steps:  # stopped early: an output could not be fed back in
            return CaseVerdict(ok=False, kinds={"type"}, summary="could not continue", valid=False)
        return CaseVerdict(ok=True)

    def error_size(self, case: StepCase, got: list[Step], expected: list[Step]) -> float:
        """The case's :meth:`distance` from the reference's run."""
        return self.distance(case, got, expected)

    def distance(self, case: StepCase, a: list[Step], b: list[Step]) -> float:
        """Largest error of an output relative to the size of its change (``inf``: incomparable)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return self._distance(a, b)
            except Exception:  # noqa: BLE001 - odd learner output types
                return float("inf")

    def _distance(self, a: list[Step], b: list[Step]) -> float:
        worst = 0.0
        for sa, sb in zip(a, b, strict=False):
            if sa.outputs is None or sb.outputs is None:
                return float("inf")
            for i, name in enumerate(self.outputs):
                if np.iscomplexobj(sa.outputs[i]) or np.iscomplexobj(sb.outputs[i]):
                    return float("inf")
                try:
                    va = np.asarray(sa.outputs[i], dtype=np.float64)
                    vb = np.asarray(sb.outputs[i], dtype=np.float64)
                except (TypeError, ValueError):
                    return float("inf")
                if va.shape != vb.shape:
                    return float("inf")
                before_name = self.carry.get(name)
                before = sb.inputs.get(before_name) if before_name else None
                with np.errstate(all="ignore"):
                    change = (
                        np.abs(vb - np.asarray(before, dtype=np.float64))
                        if (before is not None and np.shape(before) == vb.shape)
                        else np.abs(vb)
                    )
                    scale = float(np.nanmax(change)) if change.size else 0.0
                    err = float(np.nanmax(np.abs(va - vb))) if va.size else 0.0
                if not np.isfinite(err):
                    return float("inf")
                worst = max(worst, err / (scale if scale > 0 else 1.0))
        return worst

    def same(self, case: StepCase, a: list[Step], b: list[Step]) -> bool:
        """Whether every step's outputs of two runs are close, relative to their change."""
        if len(a) != len(b):
            return False
        for sa, sb in zip(a, b, strict=True):
            if sa.outputs is None or sb.outputs is None:
                if (sa.outputs is None) != (sb.outputs is None) or sa.kind != sb.kind:
                    return False
                continue
            for i, name in enumerate(self.outputs):
                before_name = self.carry.get(name)
                before = sb.inputs.get(before_name) if before_name else None
                va, vb = sa.outputs[i], sb.outputs[i]
                if va is None or vb is None:
                    if (va is None) != (vb is None):
                        return False
                    continue
                try:
                    ok, _, _ = self._close(va, vb, before)
                except Exception:  # noqa: BLE001 - odd learner output types
                    return False
                if not ok:
                    return False
        return True
