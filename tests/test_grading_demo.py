"""The ``demo`` guard of exercise cells that run a learner's function (issue 14)."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from adamlib.grading import demo
from adamlib.run import run  # noqa: F401 - imported so that adamlib frames are really present


def _unfinished(x: np.ndarray) -> np.ndarray:
    raise NotImplementedError


def _wrong(x: np.ndarray) -> np.ndarray:
    scale = np.ones(3)
    return x * scale  # shapes (2,) and (3,) do not broadcast


def _endless(x: np.ndarray) -> np.ndarray:
    while True:
        x = x + 0.0


def _endless_bare_except(x: np.ndarray) -> np.ndarray:
    while True:
        try:
            x = x + 0.0
        except:  # noqa: E722 - the learner's bare except is the point of the test
            pass


def _endless_inside_bare_except(x: np.ndarray) -> np.ndarray:
    try:
        while True:
            x = x + 0.0
    except:  # noqa: E722
        while True:
            x = x + 0.0


def _exits(x: np.ndarray) -> np.ndarray:
    sys.exit(1)


def _interrupted(x: np.ndarray) -> np.ndarray:
    raise KeyboardInterrupt


def _through_numpy(fn):
    """Call the learner's function through library code (as a plot or run would)."""
    return np.apply_along_axis(fn, 0, np.zeros(2))


def test_unfinished_function_says_finish_it_first(capsys: pytest.CaptureFixture[str]) -> None:
    with demo("adam_step", seconds=1.0) as d:
        _through_numpy(_unfinished)
        raise AssertionError("not reached")
    out = capsys.readouterr().out
    assert d.skipped
    assert "Finish `_unfinished` above first" in out
    assert "Traceback" not in out


def test_unfinished_names_fall_back_to_demo_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with demo("adam_step", seconds=None):
        raise NotImplementedError
    assert "Finish `adam_step` above first" in capsys.readouterr().out


def test_ordinary_exception_shows_learner_line_not_adamlib(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with demo("my_fn", seconds=1.0) as d:
        _through_numpy(_wrong)
    out = capsys.readouterr().out
    assert d.skipped and out.count("\n") == 1
    assert "ValueError" in out
    assert "return x * scale" in out and "`_wrong`" in out
    assert "adamlib" not in out and "numpy" not in out.lower().replace("valueerror", "")
    assert "Traceback" not in out


@pytest.mark.parametrize("fn", [_endless, _endless_bare_except, _endless_inside_bare_except])
def test_endless_loop_is_stopped(fn, capsys: pytest.CaptureFixture[str]) -> None:
    t0 = time.monotonic()
    with demo("my_fn", seconds=0.2) as d:
        fn(np.zeros(2))
    elapsed = time.monotonic() - t0
    out = capsys.readouterr().out
    assert d.skipped
    assert elapsed < 2.0
    assert "did not finish in time" in out and "0.2 s" in out
    # nothing left armed: a later slow block without a limit is not interrupted
    with demo("my_fn", seconds=None) as later:
        time.sleep(0.3)
    assert not later.skipped


def test_sys_exit_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    with demo("my_fn", seconds=1.0) as d:
        _exits(np.zeros(2))
    out = capsys.readouterr().out
    assert d.skipped and "sys.exit()" in out and "`sys.exit(1)`" in out


def test_keyboard_interrupt_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    with demo("my_fn", seconds=1.0) as d:
        _interrupted(np.zeros(2))
    out = capsys.readouterr().out
    assert d.skipped and "KeyboardInterrupt" in out


def test_block_that_runs_through_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with demo("my_fn", seconds=1.0) as d:
        value = float(np.sum(np.ones(3)))
    assert value == 3.0 and not d.skipped and d.message == ""
    assert capsys.readouterr().out == ""


def test_new_figures_of_a_skipped_block_are_closed() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    with demo("my_fn", seconds=None):
        plt.figure()
        raise NotImplementedError
    assert set(plt.get_fignums()) == before
