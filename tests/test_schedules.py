"""adamlib.schedules: torch.optim.lr_scheduler's names and semantics on adamlib optimizers.

Reference values were produced by torch.optim.lr_scheduler (tools/make_optim_reference.py
schedules) and are committed in tests/data/schedule_reference/; the ``torch`` tests compare live.
"""

from __future__ import annotations

import json
import math
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import adamlib.optim as optim
import adamlib.schedules as schedules
from adamlib.optim import SGD, Adagrad, Adam
from adamlib.schedules import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    OneCycleLR,
    SequentialLR,
    StepLR,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "schedule_reference" / "schedules.npz"


@cache
def reference() -> dict[str, np.ndarray]:
    with np.load(DATA) as f:
        return {k: f[k] for k in f.files}


def cases() -> list[dict[str, Any]]:
    return json.loads(str(reference()["cases"]))


def build(case: dict[str, Any]) -> tuple[optim.Optimizer, schedules.LRScheduler]:
    opt_name, opt_kwargs = case["optimizer"]
    opt = getattr(optim, opt_name)([np.zeros(2)], **opt_kwargs)
    name, kwargs = case["schedule"]
    if name == "SequentialLR":
        parts = [getattr(schedules, n)(opt, **kw) for n, kw in kwargs["schedulers"]]
        return opt, SequentialLR(opt, parts, milestones=kwargs["milestones"])
    return opt, getattr(schedules, name)(opt, **kwargs)


def run(case: dict[str, Any]) -> dict[str, np.ndarray]:
    """Learning rate (and momentum) after construction and after each step, as the tool does."""
    opt, sched = build(case)

    def momentum() -> float:
        group = opt.param_groups[0]
        return float(group["betas"][0]) if "betas" in group else float(group.get("momentum", "nan"))

    lr, mom = [sched.get_last_lr()[0]], [momentum()]
    for _ in range(case["steps"] - (case["schedule"][0] == "OneCycleLR")):
        opt.step([np.zeros(2)])
        sched.step()
        lr.append(sched.get_last_lr()[0])
        assert opt.lr == lr[-1]
        mom.append(momentum())
    return {"lr": np.array(lr), "momentum": np.array(mom)}


def describe(case: dict[str, Any]) -> str:
    name, kwargs = case["schedule"]
    if name == "SequentialLR":
        kwargs = {"schedulers": [n for n, _ in kwargs["schedulers"]], "at": kwargs["milestones"]}
    return f"{name}({kwargs}) on {case['optimizer'][0]}"


@pytest.mark.parametrize("k", range(len(cases())), ids=[describe(c) for c in cases()])
def test_schedule_matches_torch_reference(k: int) -> None:
    ours = run(cases()[k])
    np.testing.assert_allclose(ours["lr"], reference()[f"c{k}.lr"], rtol=1e-13, atol=0)
    np.testing.assert_allclose(
        ours["momentum"], reference()[f"c{k}.momentum"], rtol=1e-13, atol=0, equal_nan=True
    )


def test_reference_covers_every_schedule() -> None:
    names = {c["schedule"][0] for c in cases()}
    assert set(schedules.__all__) - {"LRScheduler"} <= names


@pytest.mark.torch
@pytest.mark.parametrize("k", range(len(cases())), ids=[describe(c) for c in cases()])
def test_schedule_matches_torch_live(k: int) -> None:
    pytest.importorskip("torch")
    from tools import make_optim_reference as tool

    theirs = tool.run_torch_schedule(cases()[k])
    ours = run(cases()[k])
    np.testing.assert_array_equal(ours["lr"], theirs["lr"])
    np.testing.assert_array_equal(ours["momentum"], theirs["momentum"])


# ----------------------------------------------------------------------------------------------
# semantics, as a learner meets them
# ----------------------------------------------------------------------------------------------
def test_construction_sets_the_first_learning_rate() -> None:
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = LinearLR(opt, start_factor=0.25, total_iters=4)
    assert opt.lr == 0.25 and sched.get_last_lr() == [0.25]
    assert opt.param_groups[0]["initial_lr"] == 1.0 and sched.base_lrs == [1.0]


def test_the_schedule_drives_the_optimizer_steps() -> None:
    x = np.zeros(1)
    opt = SGD([x], lr=1.0)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(4):
        opt.step([np.ones(1)])
        sched.step()
    assert x[0] == -(1 + 1 + 0.5 + 0.5)


def test_step_lr_decays_by_gamma_every_step_size_steps() -> None:
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = StepLR(opt, step_size=3, gamma=0.1)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(7):
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    np.testing.assert_allclose(lrs, [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01])


def test_exponential_lr_is_lr_times_gamma_to_the_t() -> None:
    opt = SGD([np.zeros(1)], lr=2.0)
    sched = ExponentialLR(opt, gamma=0.9)
    for t in range(1, 30):
        sched.step()
        assert sched.get_last_lr()[0] == pytest.approx(2.0 * 0.9**t, rel=1e-12)


def test_cosine_annealing_reaches_eta_min_at_t_max_and_matches_the_closed_form() -> None:
    opt = Adam([np.zeros(1)], lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=20, eta_min=0.001)
    for t in range(1, 21):
        sched.step()
        closed = 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * t / 20)) / 2
        assert sched.get_last_lr()[0] == pytest.approx(closed, rel=1e-12)
    assert sched.get_last_lr()[0] == pytest.approx(0.001)


def test_linear_warmup_reaches_the_base_rate_after_total_iters_and_stays() -> None:
    opt = Adam([np.zeros(1)], lr=0.01)
    sched = LinearLR(opt, start_factor=0.1, total_iters=9)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(12):
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    np.testing.assert_allclose(lrs[:10], np.linspace(0.001, 0.01, 10), rtol=1e-12)
    np.testing.assert_allclose(lrs[9:], 0.01, rtol=1e-12)


def test_one_cycle_peaks_at_max_lr_after_pct_start_and_ends_far_below_the_start() -> None:
    opt = SGD([np.zeros(1)], lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=100, pct_start=0.3)
    lrs, momenta = [opt.lr], [opt.param_groups[0]["momentum"]]
    for _ in range(99):
        sched.step()
        lrs.append(opt.lr)
        momenta.append(opt.param_groups[0]["momentum"])
    assert lrs[0] == pytest.approx(1.0 / 25)
    assert int(np.argmax(lrs)) == 29 and max(lrs) == pytest.approx(1.0)
    assert lrs[-1] == pytest.approx(1.0 / 25 / 1e4)
    assert momenta[0] == 0.95 and min(momenta) == pytest.approx(0.85)  # momentum moves inversely
    sched.step()  # torch tolerates one step past the cycle ...
    with pytest.raises(ValueError, match="Tried to step 101 times"):
        sched.step()  # ... but not two


def test_one_cycle_cycles_adams_beta1() -> None:
    opt = Adam([np.zeros(1)])
    OneCycleLR(opt, max_lr=0.01, total_steps=10)
    assert opt.param_groups[0]["betas"] == (0.95, 0.999)


def test_sequential_lr_warms_up_then_anneals() -> None:
    opt = SGD([np.zeros(1)], lr=1.0)
    warmup = LinearLR(opt, start_factor=0.2, total_iters=4)
    cosine = CosineAnnealingLR(opt, T_max=10)
    sched = SequentialLR(opt, [warmup, cosine], milestones=[4])
    lrs = [sched.get_last_lr()[0]]
    for _ in range(14):
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    np.testing.assert_allclose(lrs[:5], [0.2, 0.4, 0.6, 0.8, 1.0], rtol=1e-12)
    assert lrs[-1] == pytest.approx(0.0, abs=1e-15)
    assert all(a >= b for a, b in zip(lrs[4:], lrs[5:], strict=False))


def test_scheduler_state_dict_resumes_the_schedule() -> None:
    opt = Adam([np.zeros(1)], lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=30)
    for _ in range(7):
        sched.step()
    saved_opt, saved = opt.state_dict(), sched.state_dict()
    expected = []
    for _ in range(5):
        sched.step()
        expected.append(sched.get_last_lr()[0])

    opt2 = Adam([np.zeros(1)], lr=0.1)
    opt2.load_state_dict(saved_opt)
    sched2 = CosineAnnealingLR(opt2, T_max=30, last_epoch=6)
    sched2.load_state_dict(saved)
    got = []
    for _ in range(5):
        sched2.step()
        got.append(sched2.get_last_lr()[0])
    assert got == expected


def test_optimizer_state_with_schedule_entries_saves_and_loads(tmp_path) -> None:
    opt = SGD([np.zeros(2)], lr=0.1, momentum=0.9)
    OneCycleLR(opt, max_lr=1.0, total_steps=10)
    opt.step([np.ones(2)])
    opt.save(tmp_path / "opt.npz")
    other = SGD([np.zeros(2)], lr=0.1, momentum=0.9)
    other.load(tmp_path / "opt.npz")
    assert other.param_groups[0]["max_lr"] == 1.0
    assert other.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]


def test_schedules_work_on_torch_optimizers_too() -> None:
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = ExponentialLR(opt, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched.step()
    assert opt.param_groups[0]["lr"] == 0.5


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: StepLR(object(), step_size=1), TypeError, "is not an Optimizer"),
        (lambda o: StepLR(o, step_size=0), ValueError, "step_size"),
        (lambda o: StepLR(o, step_size=1.5), ValueError, "step_size"),
        (lambda o: ExponentialLR(o, gamma=float("nan")), ValueError, "gamma"),
        (lambda o: ExponentialLR(o, gamma="0.9"), ValueError, "gamma"),
        (lambda o: CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
        (lambda o: LinearLR(o, start_factor=0.0), ValueError, "Starting multiplicative factor"),
        (lambda o: LinearLR(o, start_factor=1.5), ValueError, "Starting multiplicative factor"),
        (lambda o: LinearLR(o, end_factor=-0.1), ValueError, "Ending multiplicative factor"),
        (lambda o: LinearLR(o, total_iters=0), ValueError, "total_iters"),
        (lambda o: OneCycleLR(o, max_lr=1.0), ValueError, "total_steps OR"),
        (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=0), ValueError, "total_steps"),
        (lambda o: OneCycleLR(o, 1.0, 10, pct_start=1.5), ValueError, "pct_start"),
        (lambda o: OneCycleLR(o, 1.0, 10, anneal_strategy="exp"), ValueError, "anneal_strategy"),
        (lambda o: OneCycleLR(o, [1.0, 2.0], 10), ValueError, "same length"),
        (lambda o: StepLR(o, step_size=1, last_epoch=3), KeyError, "initial_lr"),
        (lambda o: SequentialLR(o, [], milestones=[]), ValueError, "at least one scheduler"),
        (
            lambda o: SequentialLR(o, [StepLR(o, 1), StepLR(o, 1)], milestones=[]),
            ValueError,
            "one more",
        ),
        (
            lambda o: SequentialLR(o, [StepLR(SGD([np.zeros(1)]), 1)], milestones=[]),
            ValueError,
            "same optimizer",
        ),
    ],
)
def test_invalid_schedule_arguments_raise_with_a_message_naming_them(
    make: Any, error: type[Exception], message: str
) -> None:
    opt = SGD([np.zeros(1)], lr=0.1, momentum=0.9)
    with pytest.raises(error, match=message):
        make(opt)


def test_one_cycle_without_momentum_needs_cycle_momentum_false() -> None:
    with pytest.raises(ValueError, match="momentum or beta1"):
        OneCycleLR(Adagrad([np.zeros(1)]), max_lr=0.1, total_steps=10)
    OneCycleLR(Adagrad([np.zeros(1)]), max_lr=0.1, total_steps=10, cycle_momentum=False)
