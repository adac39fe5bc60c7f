"""Conceptual questions: a number with a tolerance, or one letter of a multiple choice.

A question is checked like a coding exercise, with the same ``check`` and ``report()`` and the
same nbgrader flow. In a notebook the learner answers by returning the value from a function
(the stub of the exercise notebook raises ``NotImplementedError`` inside it, so *Run All* never
stops on an unanswered question)::

    def q06_uncorrected_first_step():
        ### BEGIN SOLUTION
        return (1 - 0.9) / np.sqrt(1 - 0.999)   # explanation in comments
        ### END SOLUTION

    check("q06_uncorrected_first_step", q06_uncorrected_first_step)

``check`` also accepts the answer itself (``check("q06_...", 3.16)``). A wrong answer that matches
a catalogued misconception gets that misconception's name and hint (never the answer); any other
wrong answer gets the question's general hint. ``None``, strings, lists, NaN and functions that
raise get a clear sentence instead of a traceback.

Register questions in ``adamlib/grading/exercises/qNN_topic.py`` with :func:`register` and give
``lecture`` explicitly (the registry derives it only from ``lNN_`` module names).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .framework import (
    NO_RETURN,
    STUB,
    TIMEOUT,
    Exercise,
    Mistake,
    call_guarded,
    describe_value,
    short_repr,
    time_budget,
)
from .result import CheckResult

NOT_A_NUMBER = "not a number"
NOT_A_CHOICE = "not one of the choices"


@dataclass(frozen=True)
class QuestionResult(CheckResult):
    """A :class:`CheckResult` whose headline speaks of answers, not test cases."""

    @property
    def status(self) -> str:
        """``"correct"``, ``"not answered yet"`` or ``"not right yet"``."""
        if self.passed:
            return "correct"
        if STUB in self.mistakes:
            return "not answered yet"
        return "not right yet"


def _wrong(value: Any) -> Callable[[], Any]:
    """A learner's answer function that returns ``value`` (for the mistake catalogue)."""

    def answer() -> Any:
        return value

    answer.__name__ = "answer"
    return answer


def misconception(name: str, hint: str, value: Any) -> Mistake:
    """A catalogued wrong answer: the misconception's name, a hint at the fix, the wrong value."""
    return Mistake(name, hint, _wrong(value))


@dataclass(kw_only=True)
class Question(Exercise):
    """Base class of the conceptual questions (see the module docstring).

    Parameters
    ----------
    question : str
        The question in one sentence (shown in feedback and in tests).
    answer : any
        The right answer.
    hint : str
        General hint for a wrong answer that matches no catalogued misconception. It must not
        give the answer away.
    mistakes : sequence of Mistake
        Build them with :func:`misconception` (``buggy`` returns the wrong answer).
    """

    question: str = ""
    answer: Any = None
    hint: str = ""
    reference: Callable[..., Any] = field(default=None)  # type: ignore[assignment]
    kind: str = "answer"

    def __post_init__(self) -> None:
        if self.reference is None:
            self.reference = _wrong(self.answer)
        if not self.signature:
            self.signature = f"{self.id}() -> {self.kind}"

    # -- hooks for subclasses ------------------------------------------------------------------
    def parse(self, value: Any) -> tuple[Any, str]:
        """``(parsed, "")`` or ``(None, problem)`` when ``value`` is not a valid answer."""
        raise NotImplementedError

    def matches(self, parsed: Any, target: Any) -> bool:
        """Whether the parsed answer ``parsed`` is ``target`` (the answer or a misconception's)."""
        raise NotImplementedError

    def wrong_note(self, parsed: Any) -> str:
        """An extra sentence for a wrong answer that matches no misconception."""
        return ""

    # -- grading -------------------------------------------------------------------------------
    def _mistake_value(self, mistake: Mistake) -> Any:
        parsed, _ = self.parse(mistake.buggy())
        return parsed

    def grade(self, fn: Any) -> CheckResult:
        """Grade an answer (a value, or a function without arguments returning it)."""
        value, problem, kinds = self._obtain(fn)
        if problem:
            return self._question_result(False, problem, kinds)
        parsed, problem = self.parse(value)
        if problem:
            return self._question_result(
                False, problem, (NOT_A_NUMBER,) if self.kind == "number" else (NOT_A_CHOICE,)
            )
        if self.matches(parsed, self.answer):
            return self._question_result(True, "Right.", ())
        for mistake in self.mistakes:
            target = self._mistake_value(mistake)
            if target is not None and self.matches(parsed, target):
                return self._question_result(
                    False,
                    f"Your answer {self._show(parsed)} is not right. Diagnosis: {mistake.name}. "
                    f"Hint: {mistake.hint}",
                    (mistake.name,),
                )
        lines = [f"Your answer {self._show(parsed)} is not right."]
        note = self.wrong_note(parsed)
        if note:
            lines.append(note)
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return self._question_result(False, " ".join(lines), ())

    def _show(self, parsed: Any) -> str:
        return short_repr(parsed)

    def _obtain(self, fn: Any) -> tuple[Any, str, tuple[str, ...]]:
        """The learner's answer: ``(value, problem, mistake names)``; never raises."""
        how = f"`{self.id}()`"
        if not callable(fn):
            if fn is None:
                return (
                    None,
                    (
                        f"No answer yet ({STUB}): the answer is None. Return your answer from "
                        f"{how} instead of None, then run this cell again."
                    ),
                    (STUB,),
                )
            return fn, "", ()
        with time_budget(self.time_limit):
            outcome = call_guarded(fn, (), {})
        if outcome.error is not None:
            if outcome.stub:
                return (
                    None,
                    (
                        f"{self.id} is {STUB}: replace the line `raise NotImplementedError()` in "
                        f"{how} with `return <your answer>`, then run this cell again."
                    ),
                    (STUB,),
                )
            if type(outcome.error).__name__ == "TimeLimit":
                return (
                    None,
                    (
                        f"{self.id} {TIMEOUT}: {how} {outcome.error_text}. An endless loop? An "
                        "answer needs no loop that runs for long."
                    ),
                    (TIMEOUT,),
                )
            if isinstance(outcome.error, TypeError) and "argument" in str(outcome.error):
                return (
                    None,
                    (
                        f"{how} must take no arguments and return your answer; calling it raised "
                        f"{outcome.error_text}."
                    ),
                    (),
                )
            return None, f"{how} raised {outcome.error_text}.", ()
        if outcome.value is None:
            return (
                None,
                (f"{how} returned None: {NO_RETURN}? End it with `return <your answer>`."),
                (NO_RETURN,),
            )
        return outcome.value, "", ()

    def _question_result(self, passed: bool, message: str, mistakes: Sequence[str]) -> CheckResult:
        return QuestionResult(
            exercise_id=self.id,
            passed=passed,
            points=float(self.points) if passed else 0.0,
            max_points=float(self.points),
            message=message,
            details=(),
            mistakes=tuple(mistakes),
            cases_passed=int(passed),
            cases_total=1,
            title=self.title,
        )


def _as_real(value: Any) -> tuple[float | None, str]:
    """A real number from a learner's answer, or a sentence saying why it is not one."""
    if isinstance(value, bool | np.bool_):
        return None, f"expected a number, got {value!r} (a bool)"
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None, f"expected a number, got the string {short_repr(value)}"
        return None, (
            f"expected a number, got the string {short_repr(value)}: return the number itself, "
            "without quotes"
        )
    if isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.size != 1:
            return None, f"expected one number, got a {describe_value(value)}"
        value = arr.reshape(()).item()
        if isinstance(value, bool):
            return None, f"expected a number, got {value!r} (a bool)"
    if isinstance(value, tuple | list):
        return None, f"expected one number, got a {describe_value(value)}"
    if isinstance(value, complex) or (
        isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real)
    ):
        return None, f"expected a real number, got the complex number {short_repr(value)}"
    if not isinstance(value, numbers.Real):
        return None, f"expected a number, got {describe_value(value)}"
    try:
        number = float(value)
    except Exception:  # noqa: BLE001 - an exotic object
        return None, f"expected a number, got {describe_value(value)}"
    if not math.isfinite(number):
        return None, f"expected a finite number, got {number}"
    return number, ""


@dataclass(kw_only=True)
class NumberQuestion(Question):
    """A question answered by a number, right within ``rtol`` (relative) or ``atol``.

    ``atol`` matters for answers near 0; at least one of the two must be positive.
    """

    rtol: float = 0.01
    atol: float = 0.0
    kind: str = "number"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not (self.rtol > 0 or self.atol > 0):
            raise ValueError(f"question {self.id!r}: give a positive rtol or atol")

    def parse(self, value: Any) -> tuple[Any, str]:
        """``(number, "")``, or ``(None, problem)`` when ``value`` is not a real number."""
        number, problem = _as_real(value)
        if problem:
            return None, f"{self.id}: {problem}. Return your answer as a number, e.g. 0.5 or 12."
        return number, ""

    def matches(self, parsed: Any, target: Any) -> bool:
        """Whether the number ``parsed`` is ``target`` within ``rtol`` (relative) or ``atol``."""
        return abs(parsed - float(target)) <= max(self.atol, self.rtol * abs(float(target)))

    def wrong_note(self, parsed: Any) -> str:
        """An extra sentence: whether the wrong number is too large or too small."""
        # the direction only; never the answer
        return "It is too large." if parsed > float(self.answer) else "It is too small."

    def _show(self, parsed: Any) -> str:
        return f"{parsed:.6g}"


@dataclass(kw_only=True)
class ChoiceQuestion(Question):
    """A multiple-choice question answered by one letter (case and spaces do not matter).

    ``choices`` maps each letter to its text (shown in feedback when the letter is unknown).
    """

    choices: Mapping[str, str] = field(default_factory=dict)
    kind: str = "letter"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.answer not in self.choices:
            raise ValueError(f"question {self.id!r}: the answer must be one of the choices")

    def _letters(self) -> str:
        letters = list(self.choices)
        return ", ".join(letters[:-1]) + " or " + letters[-1]

    def parse(self, value: Any) -> tuple[Any, str]:
        """``(letter, "")``, upper case, or ``(None, problem)`` when ``value`` is not a choice."""
        if isinstance(value, np.str_):
            value = str(value)
        if not isinstance(value, str):
            return None, (
                f"{self.id}: expected one letter ({self._letters()}) as a string, e.g. "
                f'return "{next(iter(self.choices))}"; got {describe_value(value)} '
                f"{short_repr(value, 40)}."
            )
        letter = value.strip().strip("().:").strip().upper()
        if letter not in self.choices:
            return None, (
                f"{self.id}: expected one of the letters {self._letters()}; got "
                f"{short_repr(value, 40)}."
            )
        return letter, ""

    def matches(self, parsed: Any, target: Any) -> bool:
        """Whether the letter ``parsed`` is ``target``."""
        return parsed == target

    def _show(self, parsed: Any) -> str:
        return str(parsed)


__all__ = [
    "NOT_A_CHOICE",
    "NOT_A_NUMBER",
    "ChoiceQuestion",
    "NumberQuestion",
    "Question",
    "QuestionResult",
    "misconception",
]
