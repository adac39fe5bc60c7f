"""Exercises of lecture 08 (beyond Adam), part 2: RAdam's rectification and a schedule.

- ``radam_rectification(t, beta2) -> float``: RAdam's r_t when rho_t > 5, else 0.0.
- ``warmup_cosine(step, peak_lr, warmup_steps, total_steps, final_lr) -> float``: linear warmup
  from 0 to peak_lr over warmup_steps, then cosine annealing to final_lr at total_steps.

The optimizer steps of the lecture are in ``l08_beyond_adam.py``. This module's name is not the
lecture's, so each exercise names its lecture (``lecture=LECTURE``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from adamlib.grading.framework import Call, FunctionExercise, Mistake, expected_got, values_close
from adamlib.grading.registry import register

LECTURE = "08_beyond_adam"


# ----------------------------------------------------------------------------------------------
# radam_rectification
# ----------------------------------------------------------------------------------------------


def _rho(t: int, beta2: float, rho_inf: float) -> float:
    return rho_inf - 2 * t * beta2**t / (1 - beta2**t)


def _rect(rho_t: float, rho_inf: float) -> float:
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def radam_rectification(t: int, beta2: float) -> float:
    """Reference: RAdam's rectification r_t (Liu et al. 2020) with PyTorch's threshold rho_t > 5.

    0.0 when rho_t <= 5 (RAdam then takes an un-adapted momentum step).
    """
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = _rho(t, beta2, rho_inf)
    if rho_t <= 5:
        return 0.0
    return _rect(rho_t, rho_inf)


def _radam_cases() -> list[Call]:
    return [
        Call(f"t={t}, beta2={b2}", (t, b2))
        for t, b2 in [
            (1, 0.999),
            (5, 0.999),  # rho_t = 4.996: no rectified step yet (PyTorch's threshold 5)
            (6, 0.999),
            (10, 0.999),
            (100, 0.999),
            (1000, 0.999),
            (20000, 0.999),
            (8, 0.99),
            (50, 0.99),
            (30, 0.9),
        ]
    ]


def _judge_number(call: Call, got: Any, expected: float) -> str | None:
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return f"return one number, got an array of shape {got.shape}"
    if isinstance(got, bool) or not isinstance(got, float | int | np.floating | np.integer):
        return f"return a number, got {type(got).__name__}"
    if not math.isfinite(float(got)):
        return expected_got(expected, got)
    if not values_close(float(got), float(expected), rtol=1e-9, atol=1e-12):
        return expected_got(expected, got)
    return None


def _radam_rho_inf_no_minus_one(t, beta2):
    rho_inf = 2 / (1 - beta2)
    rho_t = _rho(t, beta2, rho_inf)
    return 0.0 if rho_t <= 5 else _rect(rho_t, rho_inf)


def _radam_threshold_4(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = _rho(t, beta2, rho_inf)
    return 0.0 if rho_t <= 4 else _rect(rho_t, rho_inf)


def _radam_no_sqrt(t, beta2):
    r = radam_rectification(t, beta2)
    return r * r


def _radam_upside_down(t, beta2):
    r = radam_rectification(t, beta2)
    return 0.0 if r == 0.0 else 1 / r


def _radam_t_off_by_one(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2 ** (t - 1) / (1 - beta2 ** (t - 1)) if t > 1 else 1.0
    return 0.0 if rho_t <= 5 else _rect(rho_t, rho_inf)


def _radam_factor_t_missing(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * beta2**t / (1 - beta2**t)
    return 0.0 if rho_t <= 5 else _rect(rho_t, rho_inf)


register(
    FunctionExercise(
        id="radam_rectification",
        lecture=LECTURE,
        title="RAdam's rectification term",
        points=1,
        reference=radam_rectification,
        output="r_t",
        rule="rho_inf = 2/(1-beta2) - 1; rho_t = rho_inf - 2*t*beta2**t/(1-beta2**t); "
        "r_t = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t)) if "
        "rho_t > 5 else 0.0",
        cases=_radam_cases,
        judge=_judge_number,
        mistakes=[
            Mistake(
                "rho_inf without the -1",
                "the length of the approximating simple moving average is "
                "rho_inf = 2 / (1 - beta2) - 1.",
                _radam_rho_inf_no_minus_one,
            ),
            Mistake(
                "threshold 4 instead of 5",
                "PyTorch rectifies only when rho_t > 5 (the paper says 4); return 0.0 for "
                "rho_t <= 5.",
                _radam_threshold_4,
            ),
            Mistake(
                "square root missing",
                "r_t is the square root of the ratio of variances.",
                _radam_no_sqrt,
            ),
            Mistake(
                "ratio upside down",
                "r_t grows from 0 towards 1: (rho_t - 4)(rho_t - 2) rho_inf on top, "
                "(rho_inf - 4)(rho_inf - 2) rho_t below.",
                _radam_upside_down,
            ),
            Mistake(
                "t off by one",
                "t is the step number (1 at the first step): rho_t uses beta2**t, not "
                "beta2**(t - 1).",
                _radam_t_off_by_one,
            ),
            Mistake(
                "factor t missing in rho_t",
                "rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t).",
                _radam_factor_t_missing,
            ),
        ],
    )
)


# ----------------------------------------------------------------------------------------------
# warmup_cosine
# ----------------------------------------------------------------------------------------------


def warmup_cosine(
    step: int, peak_lr: float, warmup_steps: int, total_steps: int, final_lr: float = 0.0
) -> float:
    """Reference: linear warmup to peak_lr, cosine annealing to final_lr, then final_lr.

    Linear warmup from 0 to peak_lr (steps 0..warmup_steps), cosine annealing from peak_lr to
    final_lr (steps warmup_steps..total_steps), final_lr afterwards.
    """
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def _warmup_cases() -> list[Call]:
    rows = [
        (0, 0.1, 10, 100, 0.0, "step 0: warmup starts at 0"),
        (3, 0.1, 10, 100, 0.0, "in the warmup"),
        (10, 0.1, 10, 100, 0.0, "end of warmup: the peak"),
        (55, 0.1, 10, 100, 0.0, "half way through the decay"),
        (80, 0.1, 10, 100, 0.001, "late in the decay, final_lr=0.001"),
        (100, 0.1, 10, 100, 0.001, "at total_steps: final_lr"),
        (150, 0.1, 10, 100, 0.001, "after total_steps: stays at final_lr"),
        (25, 3e-4, 0, 200, 1e-5, "no warmup (warmup_steps=0)"),
        (1, 1.0, 4, 8, 0.2, "short schedule, warmup"),
        (6, 1.0, 4, 8, 0.2, "short schedule, decay"),
    ]
    return [
        Call(
            f"{note}: step={s}, peak_lr={p:g}, warmup_steps={w}, total_steps={T}, final_lr={f:g}",
            (s,),
            {"peak_lr": p, "warmup_steps": w, "total_steps": T, "final_lr": f},
        )
        for s, p, w, T, f, note in rows
    ]


def _wc_no_half(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * math.cos(math.pi * progress)


def _wc_progress_from_zero(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * step / total_steps))


def _wc_warmup_plus_one(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return warmup_cosine(step, peak_lr, warmup_steps, total_steps, final_lr)


def _wc_final_ignored(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    return warmup_cosine(step, peak_lr, warmup_steps, total_steps, 0.0)


def _wc_no_clamp(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def _wc_linear_decay(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * (1 - progress)


register(
    FunctionExercise(
        id="warmup_cosine",
        lecture=LECTURE,
        title="Linear warmup followed by cosine annealing",
        points=1,
        reference=warmup_cosine,
        output="lr",
        rule="step < warmup_steps: peak_lr * step / warmup_steps; step >= total_steps: final_lr; "
        "otherwise final_lr + (peak_lr - final_lr) * 0.5 * (1 + cos(pi * progress)) with "
        "progress = (step - warmup_steps) / (total_steps - warmup_steps)",
        cases=_warmup_cases,
        judge=_judge_number,
        mistakes=[
            Mistake(
                "cosine without 0.5 * (1 + ...)",
                "cos(pi * progress) runs from 1 to -1; 0.5 * (1 + cos(pi * progress)) runs from "
                "1 to 0, which is the fraction of (peak_lr - final_lr) still left.",
                _wc_no_half,
            ),
            Mistake(
                "decay progress counted from step 0",
                "the cosine starts where the warmup ends: progress = (step - warmup_steps) / "
                "(total_steps - warmup_steps).",
                _wc_progress_from_zero,
            ),
            Mistake(
                "warmup off by one",
                "the warmup is peak_lr * step / warmup_steps: 0 at step 0 and peak_lr at "
                "step = warmup_steps.",
                _wc_warmup_plus_one,
            ),
            Mistake(
                "final_lr ignored",
                "anneal to final_lr, not to 0: final_lr + (peak_lr - final_lr) * ...",
                _wc_final_ignored,
            ),
            Mistake(
                "no clamp after total_steps",
                "after total_steps the learning rate stays at final_lr (the cosine would rise "
                "again).",
                _wc_no_clamp,
            ),
            Mistake(
                "linear decay instead of cosine",
                "use 0.5 * (1 + math.cos(math.pi * progress)), not 1 - progress.",
                _wc_linear_decay,
            ),
        ],
    )
)
