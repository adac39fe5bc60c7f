"""The grading loop shared by every exercise type: cases, partial credit, the diagnosis.

:class:`Exercise` runs the reference and the learner's function on every case, compares the runs
(through the hooks its subclasses provide: :class:`~adamlib.grading.array_exercise.ArrayExercise`,
:class:`~adamlib.grading.function_exercise.FunctionExercise`), gives partial credit, and writes
the diagnosis: problems found generically first, then a catalogued :class:`Mistake` that
reproduces the learner's answers, then which outputs are wrong and the most telling case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .feedback import _join, _plural, _printed_note, describe_value
from .mistakes import MUTATION, NO_RETURN, STUB, TIMEOUT, Mistake
from .result import CheckResult
from .running import TIME_LIMIT_S, CallOutcome, TimeLimit, _exception_text, time_budget


@dataclass
class Step:
    """One call inside a case run: its inputs, its outcome, and the parsed outputs."""

    inputs: dict[str, Any]
    outcome: CallOutcome
    outputs: tuple[Any, ...] | None = None  # None when the call failed or returned a bad structure
    problem: str = ""  # why outputs is None
    kind: str = ""  # "stub", "exception", "none", "structure"


@dataclass
class CaseVerdict:
    """The comparison of a learner's run of one case with the reference's run."""

    ok: bool
    kinds: set[str] = field(default_factory=set)  # problem categories
    summary: str = ""  # one line: what went wrong
    detail: str = ""  # several lines: inputs, expected vs got
    wrong_outputs: tuple[str, ...] = ()
    right_outputs: tuple[str, ...] = ()
    valid: bool = True  # every step produced outputs that can be compared with a mistake's
    step: int = 0  # index of the first failing step
    look_alike: bool = False  # wrong values only, and they print like the expected ones


@dataclass(kw_only=True)
class Exercise:
    """Base class: an exercise with an id, points, a reference and a mistake catalogue.

    Subclasses provide :meth:`cases`, :meth:`run`, :meth:`compare` and :meth:`same`; the grading
    loop, partial credit, mistake matching and the message live here.

    Parameters
    ----------
    id : str
        Unique exercise id, as used in ``check("<id>", fn)``.
    points : float
        Maximum points.
    reference : callable
        The correct implementation.
    mistakes : sequence of Mistake
        The catalogue of common mistakes.
    lecture : str
        Lecture stem such as ``"06_adam"``; filled in from the module name by ``register`` when
        empty.
    title : str
        Optional human-readable title.
    signature : str
        Shown in messages; generated when empty.
    rule : str
        The expected computation in one or two lines (e.g. ``"x_new = x - lr * grad"``), shown
        when the answer is wrong and no catalogued mistake explains it.
    time_limit : float or None
        Seconds the learner's function may run in one check, all cases together (``None``: no
        limit); an endless loop is stopped and reported.
    """

    id: str
    points: float
    reference: Callable[..., Any]
    mistakes: Sequence[Mistake] = ()
    lecture: str = ""
    title: str = ""
    signature: str = ""
    rule: str = ""
    time_limit: float | None = TIME_LIMIT_S

    # -- hooks for subclasses ------------------------------------------------------------------
    def cases(self) -> list[Any]:
        """The test cases (each with a ``label`` attribute)."""
        raise NotImplementedError

    def run(self, fn: Callable[..., Any], case: Any) -> list[Step]:
        """Run ``fn`` on one case."""
        raise NotImplementedError

    def compare(self, case: Any, expected: list[Step], got: list[Step]) -> CaseVerdict:
        """Compare a learner's run with the reference's run."""
        raise NotImplementedError

    def same(self, case: Any, a: list[Step], b: list[Step]) -> bool:
        """Whether two runs of a case give the same answers (used to match mistakes)."""
        raise NotImplementedError

    def output_names(self) -> tuple[str, ...]:
        """Names of the returned quantities, for the "Wrong: ... Right: ..." line of feedback."""
        return ("result",)

    def all_cases(self) -> list[Any]:
        """The cases plus the generic ones the framework adds (e.g. reproducibility)."""
        return self.cases()

    # -- the grading loop -------------------------------------------------------------------------
    def grade(self, fn: Any) -> CheckResult:
        """Run ``fn`` on every case and build the feedback; never raises because of ``fn``."""
        if not callable(fn):
            extra = ""
            if isinstance(fn, tuple | np.ndarray | float | int):
                extra = (
                    f' Pass the function itself, e.g. check("{self.id}", {self.id}), '
                    "not its result."
                )
            return self._result(
                0,
                0,
                f"Expected a function but got {describe_value(fn)}.{extra}",
                (),
                (),
            )
        cases = self.all_cases()
        ref_runs = [self.run(self.reference, case) for case in cases]
        for case, ref in zip(cases, ref_runs, strict=True):
            bad = [s for s in ref if s.outputs is None or s.outcome.mutated]
            if bad:  # a bug of the exercise's author, not of the learner
                raise RuntimeError(
                    f"reference of exercise {self.id!r} fails on case {case.label!r}: "
                    f"{bad[0].problem or bad[0].outcome.mutated}"
                )
        try:
            return self._grade_learner(fn, cases, ref_runs)
        except Exception as exc:  # noqa: BLE001 - last resort: check() must not raise for fn
            return self._result(
                0,
                len(cases),
                "Your function returned something that could not be checked "
                f"({_exception_text(exc)}). Return NumPy arrays or numbers as described in the "
                "exercise.",
                (),
                (),
            )

    def _grade_learner(
        self, fn: Callable[..., Any], cases: list[Any], ref_runs: list[list[Step]]
    ) -> CheckResult:
        with time_budget(self.time_limit):  # the learner's calls only, not the catalogue's
            runs = [self.run(fn, case) for case in cases]
        verdicts = [
            self.compare(case, ref, got)
            for case, ref, got in zip(cases, ref_runs, runs, strict=True)
        ]
        n_ok = sum(v.ok for v in verdicts)
        details = tuple(
            f"{'✓' if v.ok else '✗'} {case.label}" + ("" if v.ok else f": {v.summary}")
            for case, v in zip(cases, verdicts, strict=True)
        )
        printed = next((s.outcome.printed for run in runs for s in run if s.outcome.printed), "")
        if n_ok == len(cases):
            lines = [f"All {len(cases)} test cases are correct."]
            if printed:
                lines.append(_printed_note(printed))
            return self._result(len(cases), len(cases), "\n".join(lines), details, ())
        lines, names = self._diagnose(cases, ref_runs, runs, verdicts)
        if printed:
            lines.append(_printed_note(printed))
        return self._result(n_ok, len(cases), "\n".join(lines), details, names)

    def _result(
        self,
        n_ok: int,
        n_cases: int,
        message: str,
        details: tuple[str, ...],
        mistakes: Sequence[str],
    ) -> CheckResult:
        passed = n_ok == n_cases and n_cases > 0
        return CheckResult(
            exercise_id=self.id,
            passed=passed,
            points=partial_points(self.points, n_ok, n_cases),
            max_points=float(self.points),
            message=message,
            details=details,
            mistakes=tuple(mistakes),
            cases_passed=n_ok,
            cases_total=n_cases,
            title=self.title,
        )

    def _diagnose(
        self,
        cases: list[Any],
        ref_runs: list[list[Step]],
        runs: list[list[Step]],
        verdicts: list[CaseVerdict],
    ) -> tuple[list[str], list[str]]:
        failing = [i for i, v in enumerate(verdicts) if not v.ok]
        first = failing[0]
        n_fail = len(failing)
        lines: list[str] = []
        names: list[str] = []

        slow = [i for i in failing if any(isinstance(s.outcome.error, TimeLimit) for s in runs[i])]
        if slow:
            finished = len(cases) - len(slow)
            lines.append(
                f"{self.id} {TIMEOUT}: it was stopped after {self.time_limit:g} s, in case "
                f"{cases[slow[0]].label} ({finished} of the {len(cases)} cases had finished). "
                "An endless loop? Check that every `while` loop's condition becomes false, or "
                "loop with `for` over a range. One call should take milliseconds."
            )
            names.append(TIMEOUT)
            return lines, names

        stub = [i for i in failing if "stub" in verdicts[i].kinds]
        if stub:
            lines.append(
                f"{self.id} is {STUB}: it raised NotImplementedError. Replace the line "
                "`raise NotImplementedError()` with your code, then run this cell again."
            )
            names.append(STUB)
            return lines, names

        # Catalogued mistakes that reproduce the learner's wrong answers.
        full, partial = self._match_mistakes(cases, ref_runs, runs, verdicts)
        generic = self._generic_problems(cases, verdicts, failing)
        # Problems found without the catalogue (a changed input, a wrong dtype or shape, None,
        # non-finite values) come first; a value-based guess only when values are what's wrong.
        lines.extend(generic)
        if not any(verdicts[i].kinds <= {"value"} for i in failing):
            partial = []
        if full:
            mistake = full[0]
            also = [m.name for m in full[1:]]
            text = f"Diagnosis: {mistake.name}."
            if also:
                text += f" (Indistinguishable here from: {'; '.join(also)}.)"
            lines.append(text + f" Hint: {mistake.hint}")
            names.extend(m.name for m in full)
        elif partial:
            mistake, k, n = partial[0]
            lines.append(
                f"Probably: {mistake.name} (in {k} of the {n} failing cases your answers are "
                f"close to what that mistake gives; something else differs too). "
                f"Hint: {mistake.hint}"
            )
            names.append(mistake.name)
        if not full and not partial and not generic and self.rule:
            lines.append(
                f"No common mistake recognised. Compare your code with the rule: {self.rule}"
            )
        if MUTATION in " ".join(generic):
            names.append(MUTATION)
        if NO_RETURN in " ".join(generic):
            names.append(NO_RETURN)

        outputs = self.output_names()
        if len(outputs) > 1:
            wrong_counts = {
                name: sum(name in verdicts[i].wrong_outputs for i in failing) for name in outputs
            }
            compared = [
                i for i in failing if verdicts[i].wrong_outputs or verdicts[i].right_outputs
            ]
            if compared:
                right = [n for n, c in wrong_counts.items() if c == 0]
                wrong = [f"{n} in {_plural(c, 'case')}" for n, c in wrong_counts.items() if c > 0]
                if wrong:
                    text = f"Wrong: {_join(wrong)}."
                    if right:
                        text += f" Right: {_join(right)} (in every failing case)."
                    lines.append(text)
        if not full:
            pattern = self._pattern_hint(cases, failing, verdicts)
            if pattern:
                lines.append(pattern)
        shown = self._case_to_show(cases, ref_runs, runs, verdicts, failing)
        which = "First failing case" if shown == first else "Most wrong case"
        lines.append(
            f"{_plural(n_fail, 'case')} of {len(cases)} failed. {which}: {cases[shown].label}"
        )
        if verdicts[shown].detail:
            lines.append(verdicts[shown].detail)
        return lines, names

    def _case_to_show(
        self,
        cases: list[Any],
        ref_runs: list[list[Step]],
        runs: list[list[Step]],
        verdicts: list[CaseVerdict],
        failing: list[int],
    ) -> int:
        """The failing case whose detail is shown.

        The first one, unless it is only slightly wrong (its values print like the expected
        ones) while other cases are visibly wrong; then the case with the largest error.
        """
        first = failing[0]
        if not verdicts[first].look_alike:
            return first
        sizes = {}
        for i in failing:
            v = verdicts[i]
            if v.kinds and v.kinds <= {"value"} and not v.look_alike:
                try:
                    size = float(self.error_size(cases[i], runs[i], ref_runs[i]))
                except Exception:  # noqa: BLE001 - odd learner output types
                    size = math.nan
                if not math.isnan(size):
                    sizes[i] = size
        if not sizes:
            return first
        return max(sizes, key=lambda i: (sizes[i], -i))

    def error_size(self, case: Any, got: list[Step], expected: list[Step]) -> float:
        """How wrong the run ``got`` is (relative error), to pick the case shown.

        NaN when it cannot be measured.
        """
        return math.nan

    def traits(self, case: Any) -> set[str]:
        """Kinds of case (``"0-d"``, ``"multi-step"``, ``"float32"``) for pattern hints."""
        return set()

    def _pattern_hint(
        self, cases: list[Any], failing: list[int], verdicts: list[CaseVerdict]
    ) -> str:
        """A hint when exactly the cases of one kind fail (e.g. only the 0-d ones)."""
        traits = [self.traits(case) for case in cases]
        failed = set(failing)
        for trait, hint in _PATTERN_HINTS.items():
            having = {i for i, t in enumerate(traits) if trait in t}
            if not having or having != failed or len(having) == len(cases):
                continue
            if trait == "multi-step" and any(verdicts[i].step == 0 for i in failing):
                continue  # the first step already fails: not a problem of carrying state
            return hint
        return ""

    def _generic_problems(
        self, cases: list[Any], verdicts: list[CaseVerdict], failing: list[int]
    ) -> list[str]:
        """Lines about problems found without the catalogue (exceptions, None, shapes...)."""
        order = [
            "exception",
            "none",
            "structure",
            "mutation",
            "type",
            "shape",
            "dtype",
            "nan",
            "reproducibility",
        ]
        lines = []
        for kind in order:
            hit = [i for i in failing if kind in verdicts[i].kinds]
            if not hit:
                continue
            i = hit[0]
            where = f"in {_plural(len(hit), 'case')}" + (
                f", e.g. {cases[i].label}" if len(hit) else ""
            )
            lines.append(f"{verdicts[i].summary} ({where}).")
        return lines

    def _match_mistakes(
        self,
        cases: list[Any],
        ref_runs: list[list[Step]],
        runs: list[list[Step]],
        verdicts: list[CaseVerdict],
    ) -> tuple[list[Mistake], list[tuple[Mistake, int, int]]]:
        failing_valid = [i for i, v in enumerate(verdicts) if not v.ok and v.valid]
        if not failing_valid:
            return [], []
        full: list[Mistake] = []
        partial: list[tuple[Mistake, int, int]] = []
        for mistake in self.mistakes:
            if mistake.name in (STUB, NO_RETURN, MUTATION):
                continue  # detected generically
            m_runs = [self.run(mistake.buggy, case) for case in cases]
            differs = [
                not self.same(case, m, r)
                for case, m, r in zip(cases, m_runs, ref_runs, strict=True)
            ]
            if not any(differs):
                continue
            agree = 0
            contradicted = False
            for i, (case, m, g) in enumerate(zip(cases, m_runs, runs, strict=True)):
                if not verdicts[i].valid:
                    continue
                if self.same(case, g, m):
                    if not verdicts[i].ok:
                        agree += 1
                else:
                    contradicted = True
            if agree and not contradicted:
                full.append(mistake)
                continue
            # Not an exact match: is the learner much closer to this mistake than to the
            # reference in most failing cases? (e.g. this mistake plus a smaller second one)
            near = 0
            for i in failing_valid:
                if not differs[i]:
                    continue  # this mistake gives the right answer here: no evidence for it
                to_ref = self.distance(cases[i], runs[i], ref_runs[i])
                to_mistake = self.distance(cases[i], runs[i], m_runs[i])
                if np.isfinite(to_mistake) and to_mistake <= 0.2 * to_ref:
                    near += 1
            if near * 2 > len(failing_valid):  # most failing cases: one of two is a coin toss
                partial.append((mistake, near, len(failing_valid)))
        partial.sort(key=lambda item: -item[1])
        return full, partial

    def distance(self, case: Any, a: list[Step], b: list[Step]) -> float:
        """How far run ``a`` is from run ``b`` (0 when the same; ``inf`` when incomparable)."""
        return 0.0 if self.same(case, a, b) else float("inf")


_PATTERN_HINTS = {
    "0-d": (
        "Only the 0-d (scalar) cases fail: avoid len(x), x[i], x[:] and Python loops over "
        "elements; whole-array NumPy expressions work for every shape."
    ),
    "multi-step": (
        "Single steps are right but consecutive steps go wrong: return the new state (not the "
        "old one or a bias-corrected copy) and keep no state of your own between calls."
    ),
    "float32": (
        "Only the float32 cases fail: keep the input dtype, and avoid constants or operations "
        "that lose precision."
    ),
}


def partial_points(max_points: float, n_ok: int, n_cases: int) -> float:
    """Points for ``n_ok`` correct cases out of ``n_cases``: proportional, rounded down to 0.01.

    Full points only when every case is correct.
    """
    if n_cases <= 0 or n_ok <= 0:
        return 0.0
    if n_ok >= n_cases:
        return float(max_points)
    pts = int(max_points * n_ok / n_cases * 100 + 1e-9) / 100
    return min(pts, round(max_points - 0.01, 2))
