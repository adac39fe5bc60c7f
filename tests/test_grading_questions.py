"""Conceptual questions (issue 14, "Beyond code checks"): every lecture has at least two; the
solution's answer passes; every catalogued misconception fails with its own hint; no hint or
message gives the answer away; malformed answers get a sentence, not a traceback."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest

from adamlib.grading import (
    ChoiceQuestion,
    NumberQuestion,
    Question,
    check,
    get_exercise,
    list_exercises,
    reset_history,
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "source" / "solutions").glob("[0-9][0-9]_*.py"))
QUESTIONS = [i for i in list_exercises() if isinstance(get_exercise(i), Question)]


def _solution_answers() -> dict[str, object]:
    """Each question's answer as the solution source computes it (its `def qNN_...():`)."""
    answers: dict[str, object] = {}
    for path in SOLUTIONS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and re.match(r"q\d\d_", node.name):
                namespace: dict[str, object] = {"np": np, "math": math}
                exec(compile(ast.Module([node], []), str(path), "exec"), namespace)
                answers[node.name] = namespace[node.name]()  # type: ignore[operator]
    return answers


SOLUTION_ANSWERS = _solution_answers()


def _answer_spellings(q: Question) -> list[str]:
    """Ways a message could give the answer away."""
    if isinstance(q, ChoiceQuestion):
        a = q.answer
        return [f'"{a}"', f"'{a}'", f"({a})", f"answer {a}", f"answer is {a}"]
    value = float(q.answer)
    forms = {f"{value:.3g}", f"{value:.4g}", f"{value:g}"}
    if value == round(value):
        forms.add(str(int(round(value))))
    return [f for f in forms if len(f) >= 2 or f not in "0123456789"]


def test_every_lecture_has_two_questions() -> None:
    for path in SOLUTIONS:  # every lecture with exercises (01-09, 12, ...)
        ids = [i for i in QUESTIONS if get_exercise(i).lecture[:2] == path.name[:2]]
        assert len(ids) >= 2, (path.name, ids)


def test_every_question_is_answered_in_its_solution() -> None:
    assert set(QUESTIONS) == set(SOLUTION_ANSWERS)
    for path in SOLUTIONS:
        src = path.read_text(encoding="utf-8")
        for qid in re.findall(r"^def (q\d\d_\w+)\(\):", src, flags=re.M):
            assert f'check("{qid}", {qid})' in src, (path.name, qid)
            body = src.split(f"def {qid}():", 1)[1].split("### END SOLUTION", 1)[0]
            comments = [ln for ln in body.splitlines() if ln.strip().startswith("#")]
            assert len(comments) >= 3, f"{qid}: explain the answer in the solution"


@pytest.mark.parametrize("qid", QUESTIONS)
def test_solution_answer_passes(qid: str) -> None:
    q = get_exercise(qid)
    result = q.grade(SOLUTION_ANSWERS[qid])
    assert result.passed, result.message
    assert q.grade(q.answer).passed
    assert q.grade(lambda: SOLUTION_ANSWERS[qid]).passed


@pytest.mark.parametrize("qid", QUESTIONS)
def test_misconceptions_fail_with_their_hint(qid: str) -> None:
    q = get_exercise(qid)
    assert q.mistakes, f"{qid}: catalogue at least one misconception"
    for mistake in q.mistakes:
        result = q.grade(mistake.buggy)
        assert not result.passed, (qid, mistake.name)
        assert mistake.name in result.mistakes, (qid, mistake.name, result.message)
        assert mistake.hint in result.message
    if isinstance(q, NumberQuestion):  # distinct misconceptions are told apart
        for i, a in enumerate(q.mistakes):
            for b in q.mistakes[i + 1 :]:
                assert not q.matches(float(a.buggy()), float(b.buggy())), (qid, a.name, b.name)


@pytest.mark.parametrize("qid", QUESTIONS)
def test_no_message_gives_the_answer_away(qid: str) -> None:
    q = get_exercise(qid)
    texts = [q.hint] + [m.hint for m in q.mistakes] + [m.name for m in q.mistakes]
    if isinstance(q, NumberQuestion):
        far = float(q.answer) * 7.3 + 11.1
        texts += [q.grade(far).message, q.grade(-far).message]
    else:
        wrong = next(c for c in q.choices if c != q.answer)
        texts.append(q.grade(wrong).message)
    texts += [q.grade(m.buggy).message for m in q.mistakes]
    for text in texts:
        text = re.sub(r"^Your answer \S+ is not right\.", "", text)  # the learner's own answer
        for spelling in _answer_spellings(q):
            pattern = r"(?<![\d.])" + re.escape(spelling) + r"(?![\d])"
            assert not re.search(pattern, text), (qid, spelling, text)


@pytest.mark.parametrize("qid", QUESTIONS)
def test_tolerance_is_neither_too_tight_nor_too_loose(qid: str) -> None:
    q = get_exercise(qid)
    if not isinstance(q, NumberQuestion):
        pytest.skip("a choice")
    a = float(q.answer)
    # a correct answer rounded to 3 significant digits passes
    assert q.grade(float(f"{a:.3g}")).passed, qid
    # an answer off by 20 % fails (the tolerance is not a free pass)
    assert not q.grade(a * 1.2 if a else 0.2).passed, qid


@pytest.mark.parametrize(
    "bad",
    [None, "abc", [1, 2], np.array([1.0, 2.0]), float("nan"), True, 1 + 2j],
)
def test_malformed_number_answers_are_explained(bad: object) -> None:
    qid = next(i for i in QUESTIONS if isinstance(get_exercise(i), NumberQuestion))
    result = get_exercise(qid).grade(lambda: bad)
    assert not result.passed and result.message
    assert "Traceback" not in result.message


@pytest.mark.parametrize("bad", [None, 1, "Z", ["A"], ""])
def test_malformed_choice_answers_are_explained(bad: object) -> None:
    qid = next(i for i in QUESTIONS if isinstance(get_exercise(i), ChoiceQuestion))
    result = get_exercise(qid).grade(lambda: bad)
    assert not result.passed and result.message


def test_choice_letter_is_forgiving() -> None:
    qid = next(i for i in QUESTIONS if isinstance(get_exercise(i), ChoiceQuestion))
    q = get_exercise(qid)
    assert q.grade(f" {q.answer.lower()}) ").passed


def test_unanswered_and_raising_questions_do_not_raise() -> None:
    qid = QUESTIONS[0]
    q = get_exercise(qid)

    def stub():
        raise NotImplementedError

    def broken():
        return 1 / 0

    assert "not answered yet" in q.grade(stub).headline
    assert "ZeroDivisionError" in q.grade(broken).message
    assert not q.grade(lambda x: x).passed


def test_questions_go_through_check_and_report() -> None:
    from adamlib.grading import report

    reset_history()
    try:
        q1, q2 = (i for i in QUESTIONS if i.startswith("q01_"))
        assert check(q1, get_exercise(q1).answer).passed
        table = str(report(lecture="01"))
        row1 = next(ln for ln in table.splitlines() if q1 in ln)
        row2 = next(ln for ln in table.splitlines() if q2 in ln)
        assert "✓" in row1 and "–" in row2
    finally:
        reset_history()
