"""An endless loop in a learner's function is stopped and reported, and leaves no trace."""

from __future__ import annotations

import signal
import time

import pytest

from adamlib.grading import TIME_LIMIT_S, TIMEOUT, check, get_exercise

LIMIT = 0.4  # seconds; the course's default is TIME_LIMIT_S


@pytest.fixture
def short_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    for exercise_id in ("gd_step", "adam_step"):
        monkeypatch.setattr(get_exercise(exercise_id), "time_limit", LIMIT)


def endless_gd_step(x, grad, lr):
    while True:
        pass


def swallowing_gd_step(x, grad, lr):
    """A learner's own `except Exception` around the endless part must not swallow the stop: if
    it could, this would return (a wrong answer) after 100 swallowed stops instead."""
    swallowed = 0
    while swallowed < 100:
        try:
            while True:
                pass
        except Exception:  # noqa: BLE001
            swallowed += 1
    return x


def timed(fn_id: str, fn) -> tuple[object, float]:
    start = time.perf_counter()
    result = check(fn_id, fn)
    return result, time.perf_counter() - start


def test_default_limit_is_generous_but_finite() -> None:
    assert 5 <= TIME_LIMIT_S <= 60
    assert get_exercise("adam_step").time_limit == TIME_LIMIT_S


@pytest.mark.parametrize("fn", [endless_gd_step, swallowing_gd_step])
def test_endless_loop_is_stopped_and_named(short_limit: None, fn) -> None:
    result, seconds = timed("gd_step", fn)
    assert not result.passed
    assert result.points == 0
    assert TIMEOUT in result.mistakes
    assert "endless loop" in result.message
    assert f"stopped after {LIMIT:g} s" in result.message
    # the budget covers all calls: the remaining cases are not run once it is used up
    assert seconds < LIMIT + 1.0


def test_state_is_restored_after_a_stop(short_limit: None) -> None:
    before = signal.getsignal(signal.SIGALRM)
    check("gd_step", endless_gd_step)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # a correct answer right afterwards is graded normally, with full points
    result = check("gd_step", lambda x, grad, lr: x - lr * grad)
    assert result.passed and result.points == result.max_points


def test_slow_finish_within_the_limit_passes(short_limit: None) -> None:
    calls = []

    def slow_gd_step(x, grad, lr):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(LIMIT / 4)
        return x - lr * grad

    assert check("gd_step", slow_gd_step).passed


def test_late_cases_are_reported_after_the_budget(short_limit: None) -> None:
    calls = []

    def gets_stuck_later(x, grad, lr):
        calls.append(1)
        if len(calls) >= 3:
            while True:
                pass
        return x - lr * grad

    result = check("gd_step", gets_stuck_later)
    assert not result.passed
    assert 0 < result.cases_passed < result.cases_total
    assert "2 of the" in result.message  # the two calls that finished
    assert len(calls) == 3  # no call is started once the budget is used up


def test_slow_wrong_answer_is_still_diagnosed(short_limit: None) -> None:
    # a wrong answer that uses part of the budget is diagnosed from the catalogue as usual
    def slow_uphill(x, grad, lr):
        time.sleep(LIMIT / 40)
        return x + lr * grad

    result = check("gd_step", slow_uphill)
    assert not result.passed
    assert TIMEOUT not in result.mistakes
    assert result.mistakes, result.message


def test_an_endless_loop_is_stopped_inside_a_notebook_kernel(tmp_path) -> None:
    """The limit relies on SIGALRM in the thread that runs cells: check it in a real kernel."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from adamlib.grading import check, get_exercise\n"
            f"get_exercise('gd_step').time_limit = {LIMIT}\n"
            "def gd_step(x, grad, lr):\n"
            "    while True:\n"
            "        pass\n"
            "result = check('gd_step', gd_step)\n"
            "print(result.passed, result.mistakes)"
        )
    ]
    start = time.perf_counter()
    nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert text.strip() == f"False ('{TIMEOUT}',)"
    assert time.perf_counter() - start < 30


def bare_except_gd_step(x, grad, lr):
    """Two levels of bare `except:` around endless loops: every stop is swallowed at once."""
    while True:
        try:
            while True:
                try:
                    while True:
                        pass
                except:  # noqa: E722
                    pass
        except:  # noqa: E722
            pass


def exiting_gd_step(x, grad, lr):
    import sys

    sys.exit(3)


def interrupting_gd_step(x, grad, lr):
    raise KeyboardInterrupt


def test_bare_except_around_an_endless_loop_is_stopped(short_limit: None) -> None:
    result, seconds = timed("gd_step", bare_except_gd_step)
    assert TIMEOUT in result.mistakes and result.points == 0
    assert seconds < LIMIT + 1.0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert check("gd_step", lambda x, grad, lr: x - lr * grad).passed


def test_sys_exit_and_keyboard_interrupt_become_feedback(short_limit: None) -> None:
    result = check("gd_step", exiting_gd_step)
    assert not result.passed and "sys.exit(3)" in result.message
    result = check("gd_step", interrupting_gd_step)
    assert not result.passed and "KeyboardInterrupt" in result.message
    assert check("gd_step", lambda x, grad, lr: x - lr * grad).passed


def test_bare_except_exit_and_interrupt_in_a_notebook_kernel(tmp_path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import sys\n"
            "from adamlib.grading import check, get_exercise, report\n"
            f"get_exercise('gd_step').time_limit = {LIMIT}\n"
            "def stuck(x, grad, lr):\n"
            "    while True:\n"
            "        try:\n"
            "            while True:\n"
            "                pass\n"
            "        except:\n"
            "            pass\n"
            "def leaves(x, grad, lr):\n"
            "    sys.exit(0)\n"
            "def interrupts(x, grad, lr):\n"
            "    raise KeyboardInterrupt\n"
            "for f in (stuck, leaves, interrupts):\n"
            "    print(check('gd_step', f).points)\n"
            "print(check('gd_step', lambda x, grad, lr: x - lr * grad).passed)\n"
            "print(str(report()).splitlines()[-1])"
        )
    ]
    start = time.perf_counter()
    nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert text.split() == ["0.0", "0.0", "0.0", "True", "total", "1", "/", "1"], text
    assert time.perf_counter() - start < 30
