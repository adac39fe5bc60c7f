"""Any other exercise: each :class:`Call` is judged by ``judge(call, got, expected)``.

:class:`FunctionExercise` covers functions returning a float, index arrays, a schedule value, a
tuple of floats...; a function taking an ``rng`` also gets a generic reproducibility case.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .exercise import CaseVerdict, Exercise, Step
from .feedback import _join, as_float_arrays, expected_got, short_repr, shown_pair
from .mistakes import MUTATION, NO_RETURN, STUB, Catalogue, generic_mistakes
from .running import _exception_text, call_guarded


@dataclass
class Call:
    """One call of a :class:`FunctionExercise`: ``fn(*args, **kwargs)``.

    Arguments are deep-copied before every call, so a seeded ``np.random.Generator`` gives the
    reference, the learner and each catalogued mistake the same random stream.
    """

    label: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


Judge = Callable[[Call, Any, Any], "str | None"]

REPRO_SEEDS = ((1234, 0), (1234, 1), (4321, 0))  # (seed of the rng passed, np.random.seed)


@dataclass
class ReproducibilityCall(Call):
    """A generic case for functions taking an ``rng``: the function uses the generator it is given.

    The call is made with ``np.random.default_rng(seed)`` for each ``(seed, global_seed)`` of
    :data:`REPRO_SEEDS`, with ``np.random.seed(global_seed)`` set before it. Equal seeds must
    give equal results whatever the global state; different seeds must give different ones (when
    the reference's do): the function uses the generator it is given.
    """

    rng_index: int | str = 0  # position of the rng argument, or its keyword


def values_close(got: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-12) -> bool:
    """Tolerant equality for numbers, arrays and (nested) tuples/lists; NaN equals NaN."""
    if isinstance(expected, tuple | list):
        return (
            isinstance(got, tuple | list)
            and len(got) == len(expected)
            and all(values_close(g, e, rtol, atol) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, np.ndarray | np.generic | float | int) and not isinstance(
        expected, bool
    ):
        if isinstance(got, str | bytes | dict | set) or got is None:
            return False
        pair = as_float_arrays(got, expected)
        if pair is None:
            return False
        return bool(np.allclose(*pair, rtol=rtol, atol=atol, equal_nan=True))
    try:
        return bool(got == expected)
    except Exception:  # noqa: BLE001
        return False


def _call_arg(value: Any) -> str:
    """An argument in a Call line: whole numbers only (never an array cut mid-number)."""
    if isinstance(value, np.ndarray) and value.size > 4:
        flat = value.ravel()[:3]
        nums = ", ".join(
            f"{x:.4g}" if np.issubdtype(value.dtype, np.floating) else str(x) for x in flat.tolist()
        )
        return f"<{value.dtype} array of shape {value.shape}: {nums}, ...>"
    return short_repr(value, 60)


def default_judge(call: Call, got: Any, expected: Any) -> str | None:
    """Right when ``got`` is close to ``expected`` (see :func:`values_close`)."""
    if values_close(got, expected):
        return None
    return expected_got(expected, got)


def _relative_error(got: Any, expected: Any) -> float:
    """Largest error of ``got``, relative to the largest expected magnitude.

    For numbers, arrays or tuples of numbers; ``inf`` for NaN or inf where a finite value is
    expected; NaN when the values cannot be compared as numbers (None, strings, ragged lists...).
    """
    if got is None or isinstance(got, str | bytes | dict | set):
        return math.nan
    try:
        if np.iscomplexobj(got) or np.iscomplexobj(expected):
            return math.nan
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except Exception:  # noqa: BLE001 - a learner's odd object
        return math.nan
    if g.shape != e.shape:
        return math.nan
    if g.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        same = (np.isnan(e) & np.isnan(g)) | (np.isinf(e) & (e == g))
        err = np.where(same, 0.0, np.abs(g - e))
        if np.isnan(err).any() or np.isinf(err).any():
            return math.inf
        finite = np.abs(e[np.isfinite(e)])
        scale = float(finite.max()) if finite.size else 0.0
        worst = float(err.max())
    return worst / scale if scale > 0 else worst


@dataclass(kw_only=True)
class FunctionExercise(Exercise):
    """A general exercise: each :class:`Call` is judged by ``judge(call, got, expected)``.

    Parameters
    ----------
    cases : callable
        ``cases() -> list[Call]``.
    judge : callable
        ``judge(call, got, expected) -> str | None``: ``None`` when ``got`` (the learner's return
        value) is right, otherwise a short description of what is wrong. ``expected`` is the
        reference's return value for the same call. Use it for properties (a sampler returns a
        permutation...) as well as values. The default compares values with a tolerance.
    same : callable
        ``same(a, b) -> bool``: whether two return values are the same answer (used to match
        the catalogue). Defaults to :func:`values_close`.
    output : str
        Name of the returned quantity in messages (default ``"result"``).
    """

    cases: Callable[[], list[Call]]
    judge: Judge = default_judge
    same_value: Callable[[Any, Any], bool] = values_close
    output: str = "result"

    def __post_init__(self) -> None:
        if not self.signature:
            params = ", ".join(inspect.signature(self.reference).parameters)
            self.signature = f"{self.id}({params}) -> {self.output}"
        self.mistakes = Catalogue(
            self.mistakes,
            lambda: generic_mistakes(self.reference, self.output, self._takes_arrays()),
        )

    def _takes_arrays(self) -> bool:
        """Whether some case passes a NumPy array (then an input can be modified in place)."""
        return any(
            isinstance(value, np.ndarray)
            for call in self.cases()
            for value in (*call.args, *call.kwargs.values())
        )

    def output_names(self) -> tuple[str, ...]:
        """The name of the returned quantity, ``output``."""
        return (self.output,)

    def all_cases(self) -> list[Any]:
        """The cases, plus a reproducibility case when the reference takes an ``rng``."""
        base = list(self.cases())
        try:
            params = list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):
            return base
        if "rng" not in params:
            return base
        pos = params.index("rng")
        for call in base:
            where: int | str | None = None
            if "rng" in call.kwargs and isinstance(call.kwargs["rng"], np.random.Generator):
                where = "rng"
            elif len(call.args) > pos and isinstance(call.args[pos], np.random.Generator):
                where = pos
            if where is not None:
                base.append(
                    ReproducibilityCall(
                        f"reproducibility ({call.label}): equal seeds give equal results, "
                        "different seeds different ones, whatever np.random.seed was",
                        call.args,
                        call.kwargs,
                        rng_index=where,
                    )
                )
                break
        return base

    def _run_reproducibility(self, fn: Callable[..., Any], case: ReproducibilityCall) -> Step:
        state = np.random.get_state()  # noqa: NPY002 - the global state is the test
        values = []
        try:
            for seed, global_seed in REPRO_SEEDS:
                np.random.seed(global_seed)  # noqa: NPY002
                args, kwargs = list(case.args), dict(case.kwargs)
                if isinstance(case.rng_index, str):
                    kwargs[case.rng_index] = np.random.default_rng(seed)
                else:
                    args[case.rng_index] = np.random.default_rng(seed)
                outcome = call_guarded(fn, args, kwargs, self._arg_names(case))
                step = Step(inputs={"args": case.args, "kwargs": case.kwargs}, outcome=outcome)
                if outcome.error is not None:
                    step.kind = "stub" if outcome.stub else "exception"
                    step.problem = outcome.error_text
                    return step
                values.append(outcome.value)
        finally:
            np.random.set_state(state)  # noqa: NPY002
        step.outputs = (tuple(values),)
        return step

    def _arg_names(self, call: Call) -> list[str]:
        try:
            params = list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):
            params = []
        return params[: len(call.args)]

    def run(self, fn: Callable[..., Any], case: Call) -> list[Step]:
        """Call ``fn`` once with the case's arguments (three times for reproducibility)."""
        if isinstance(case, ReproducibilityCall):
            return [self._run_reproducibility(fn, case)]
        outcome = call_guarded(fn, case.args, case.kwargs, self._arg_names(case))
        step = Step(inputs={"args": case.args, "kwargs": case.kwargs}, outcome=outcome)
        if outcome.error is not None:
            step.kind = "stub" if outcome.stub else "exception"
            step.problem = outcome.error_text
        else:
            step.outputs = (outcome.value,)
        return [step]

    def _describe_call(self, call: Call) -> str:
        parts = [_call_arg(a) for a in call.args]
        parts += [f"{k}={_call_arg(v)}" for k, v in call.kwargs.items()]
        return f"  {self.id}({', '.join(parts)})"

    def compare(self, case: Call, expected: list[Step], got: list[Step]) -> CaseVerdict:
        """Judge the learner's return value with ``judge`` (or check its reproducibility)."""
        g = got[0]
        call = self._describe_call(case)
        if g.outputs is None:
            summary = (
                f"raised {g.problem}" if g.kind == "exception" else f"{STUB} (NotImplementedError)"
            )
            return CaseVerdict(
                ok=False,
                kinds={g.kind},
                summary=summary,
                detail=f"Call:\n{call}\n  -> {summary}",
                valid=False,
            )
        assert expected[0].outputs is not None
        exp_value = expected[0].outputs[0]
        value = g.outputs[0]
        if isinstance(case, ReproducibilityCall):
            return self._compare_reproducibility(case, exp_value, value)
        kinds: set[str] = set()
        summaries: list[str] = []
        if g.outcome.mutated:
            kinds.add("mutation")
            mutated = _join([f"`{n}`" for n in g.outcome.mutated])
            summaries.append(f"{MUTATION}: your function changed {mutated}; work on copies")
        if value is None and exp_value is not None:
            kinds.add("none")
            summaries.append(f"returned None: {NO_RETURN}?")
            return CaseVerdict(
                ok=False,
                kinds=kinds,
                summary="; ".join(summaries),
                detail=f"Call:\n{call}\n  -> returned None",
                valid=False,
            )
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                problem = self.judge(case, value, exp_value)
        except Exception as exc:  # noqa: BLE001 - a judge tripping over a value, e.g. (None, None)
            e_text, g_text, _ = shown_pair(exp_value, value)
            problem = (
                expected_got(exp_value, value)
                if e_text != g_text
                else f"returned a value that could not be checked ({_exception_text(exc)})"
            )
        if problem:
            kinds.add("value")
            summaries.append(f"{self.output}: {problem}")
        if kinds:
            detail = f"Call:\n{call}\n  {self.output}: {problem}" if problem else f"Call:\n{call}"
            return CaseVerdict(
                ok=False,
                kinds=kinds,
                summary="; ".join(summaries),
                detail=detail,
                wrong_outputs=(self.output,) if problem else (),
                right_outputs=() if problem else (self.output,),
                look_alike=kinds == {"value"}
                and math.isfinite(_relative_error(value, exp_value))
                and short_repr(value) == short_repr(exp_value),
            )
        return CaseVerdict(ok=True)

    def error_size(self, case: Call, got: list[Step], expected: list[Step]) -> float:
        """Relative error of the return value; NaN for reproducibility cases or without a value."""
        if isinstance(case, ReproducibilityCall):
            return math.nan
        g, e = got[0].outputs, expected[0].outputs
        if g is None or e is None:
            return math.nan
        return _relative_error(g[0], e[0])

    def _compare_reproducibility(
        self, case: ReproducibilityCall, expected: tuple[Any, ...], got: tuple[Any, ...]
    ) -> CaseVerdict:
        (s1, g1), (s2, g2), (s3, _) = REPRO_SEEDS

        def same(a: Any, b: Any) -> bool:
            try:
                return bool(self.same_value(a, b))
            except Exception:  # noqa: BLE001
                return False

        problem = ""
        if not same(got[0], got[1]):
            problem = (
                f"two calls with rng=np.random.default_rng({s1}) gave different results (with "
                f"np.random.seed({g1}), then np.random.seed({g2}) before them): draw every random "
                "number from the rng argument, not from np.random.* (the global generator)"
            )
        elif not same(expected[0], expected[2]) and same(got[0], got[2]):
            problem = (
                f"rng=np.random.default_rng({s1}) and np.random.default_rng({s3}) gave the same "
                "result: your function ignores the rng it is given (a fixed seed or a generator "
                "of its own?); draw from the rng argument"
            )
        if not problem:
            return CaseVerdict(ok=True)
        summary = f"not reproducible: {problem}"
        return CaseVerdict(
            ok=False,
            kinds={"reproducibility"},
            summary=summary,
            detail=f"Call:\n{self._describe_call(case)}\n  {problem}",
            valid=False,
        )

    def same(self, case: Call, a: list[Step], b: list[Step]) -> bool:
        """Whether two runs return the same answer, by ``same_value``."""
        sa, sb = a[0], b[0]
        if sa.outputs is None or sb.outputs is None:
            return (sa.outputs is None) == (sb.outputs is None) and sa.kind == sb.kind
        if isinstance(case, ReproducibilityCall):
            try:
                return all(
                    bool(self.same_value(x, y))
                    for x, y in zip(sa.outputs[0], sb.outputs[0], strict=True)
                )
            except Exception:  # noqa: BLE001
                return False
        try:
            return bool(self.same_value(sa.outputs[0], sb.outputs[0]))
        except Exception:  # noqa: BLE001
            return False
