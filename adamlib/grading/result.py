"""What a check returns (:class:`CheckResult`) and the score table (:class:`ScoreReport`).

Both render as HTML in a notebook and as plain text elsewhere. Under nbgrader autograding the
plain-text form of a :class:`CheckResult` is just its points (see the package docstring).
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass

_GREEN = ("#1b7f3b", "#eef8f0")
_RED = ("#b3261e", "#fdf0ef")
_AMBER = ("#8a5a00", "#fff7e6")


def grading_mode() -> str:
    """``"nbgrader"`` when running under nbgrader autograde/validate, else ``"learner"``.

    nbgrader sets ``NBGRADER_EXECUTION`` to ``"autograde"`` or ``"validate"`` while it executes a
    notebook. ``ADAMLIB_GRADING_MODE=nbgrader`` (or ``learner``) overrides the detection, e.g.
    for other autograders that follow nbgrader's conventions.
    """
    forced = os.environ.get("ADAMLIB_GRADING_MODE", "").strip().lower()
    if forced in ("nbgrader", "learner"):
        return forced
    if os.environ.get("NBGRADER_EXECUTION", "").strip().lower() in ("autograde", "validate"):
        return "nbgrader"
    return "learner"


def format_points(points: float) -> str:
    """``2`` -> ``"2"``, ``1.25`` -> ``"1.25"``."""
    return f"{points:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of ``check(exercise_id, fn)``.

    Attributes
    ----------
    exercise_id : str
    passed : bool
        True when every test case is correct.
    points, max_points : float
        Points earned (partial credit: proportional to the correct cases) and possible.
    message : str
        The diagnosis: the named mistake and a hint when one is recognised, which outputs are
        wrong, and one failing case with expected vs got: the first failing case, or the most
        wrong one when the first is only slightly off. Expected and got are printed with as many
        digits as it takes to see them differ.
    details : tuple of str
        One line per test case (✓/✗ and the problem).
    mistakes : tuple of str
        Names of the recognised mistakes (catalogued or generic), empty when none.
    cases_passed, cases_total : int
    title : str
    """

    exercise_id: str
    passed: bool
    points: float
    max_points: float
    message: str
    details: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    cases_passed: int = 0
    cases_total: int = 0
    title: str = ""

    def __bool__(self) -> bool:
        return self.passed

    @property
    def status(self) -> str:
        """``"correct"``, ``"3 of 7 cases correct"`` or ``"not checked"``."""
        if self.passed:
            return "correct"
        if self.cases_total:
            return f"{self.cases_passed} of {self.cases_total} cases correct"
        return "not checked"

    @property
    def headline(self) -> str:
        """``"✓ adam_step: correct — 3 / 3 points"``."""
        mark = "✓" if self.passed else "✗"
        pts = f"{format_points(self.points)} / {format_points(self.max_points)} points"
        return f"{mark} {self.exercise_id}: {self.status} — {pts}"

    def __str__(self) -> str:
        return f"{self.headline}\n{self.message}".rstrip()

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        fg, bg = _GREEN if self.passed else (_AMBER if self.points > 0 else _RED)
        body = html.escape(self.message)
        cases = ""
        if self.details:
            items = "".join(f"<li>{html.escape(d)}</li>" for d in self.details)
            cases = (
                "<details style='margin-top:4px'><summary>all test cases</summary>"
                f"<ul style='margin:2px 0'>{items}</ul></details>"
            )
        return (
            f"<div style='border-left:5px solid {fg};background:{bg};padding:6px 10px;"
            "margin:4px 0;font-family:sans-serif'>"
            f"<div style='color:{fg};font-weight:bold'>{html.escape(self.headline)}</div>"
            "<pre style='white-space:pre-wrap;margin:4px 0 0 0;background:transparent;"
            f"font-size:90%'>{body}</pre>{cases}</div>"
        )

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        # Under nbgrader the text/plain of the cell's result is read as partial credit; it must be
        # a number (a non-numeric text would count as full points).
        text = format_points(self.points) if grading_mode() == "nbgrader" else str(self)
        return {"text/plain": text, "text/html": self._repr_html_()}


@dataclass(frozen=True)
class ScoreRow:
    """One row of the score table: an exercise, its status and its points."""

    exercise_id: str
    status: str  # "✓", "✗" or "–" (not checked yet)
    points: float
    max_points: float
    lecture: str = ""


@dataclass(frozen=True)
class ScoreReport:
    """The score table returned by ``report()``."""

    rows: tuple[ScoreRow, ...]
    title: str = "Score"

    @property
    def total(self) -> float:
        """The points of all rows, rounded to 0.01."""
        return round(sum(r.points for r in self.rows), 2)

    @property
    def max_total(self) -> float:
        """The maximum points of all rows, rounded to 0.01."""
        return round(sum(r.max_points for r in self.rows), 2)

    def __str__(self) -> str:
        if not self.rows:
            return f"{self.title}: no exercise checked yet in this session."
        width = max(len("exercise"), *(len(r.exercise_id) for r in self.rows))
        lines = [self.title, f"{'exercise':<{width}}     points"]
        for r in self.rows:
            pts = f"{format_points(r.points)} / {format_points(r.max_points)}"
            lines.append(f"{r.exercise_id:<{width}}  {r.status}  {pts}")
        total = f"{format_points(self.total)} / {format_points(self.max_total)}"
        lines.append(f"{'total':<{width}}     {total}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        if not self.rows:
            return f"<p>{html.escape(str(self))}</p>"
        colors = {"✓": _GREEN[0], "✗": _RED[0], "–": "#666"}
        cells = "".join(
            f"<tr><td style='text-align:left'><code>{html.escape(r.exercise_id)}</code></td>"
            f"<td style='color:{colors.get(r.status, '#000')};text-align:center'>{r.status}</td>"
            f"<td style='text-align:right'>{format_points(r.points)} / "
            f"{format_points(r.max_points)}</td></tr>"
            for r in self.rows
        )
        total = f"{format_points(self.total)} / {format_points(self.max_total)}"
        return (
            f"<table><caption style='font-weight:bold;text-align:left'>"
            f"{html.escape(self.title)}</caption>"
            "<thead><tr><th style='text-align:left'>exercise</th><th></th>"
            "<th style='text-align:right'>points</th></tr></thead>"
            f"<tbody>{cells}<tr style='font-weight:bold'><td style='text-align:left'>total</td>"
            f"<td></td><td style='text-align:right'>{total}</td></tr></tbody></table>"
        )


def rows_from_results(results: Sequence[CheckResult]) -> tuple[ScoreRow, ...]:
    """The score table's rows for checked ``results`` (✓ when passed, ✗ otherwise)."""
    return tuple(
        ScoreRow(r.exercise_id, "✓" if r.passed else "✗", r.points, r.max_points) for r in results
    )
