"""Conceptual questions of lecture 06 (Adam).

The first step without bias correction, and how long the second-moment correction matters.
"""

from __future__ import annotations

import math

import numpy as np

from adamlib.grading import NumberQuestion, misconception, register

LECTURE = "06_adam"
BETA1, BETA2 = 0.9, 0.999

# Without correction: m_1 = (1-β1) g, v_1 = (1-β2) g², so m_1/√v_1 = (1-β1)/√(1-β2) ≈ 3.16.
register(
    NumberQuestion(
        id="q06_uncorrected_first_step",
        lecture=LECTURE,
        points=1,
        title="Adam's first step without bias correction",
        question="Adam with β₁ = 0.9, β₂ = 0.999, ε negligible, m₀ = v₀ = 0, but WITHOUT bias "
        "correction: how large is the first step, in units of η (|x₁ - x₀|/η)?",
        answer=(1 - BETA1) / math.sqrt(1 - BETA2),
        rtol=0.01,
        hint="compute m₁ and v₁ from zero state, then m₁/√v₁; the size of g cancels.",
        mistakes=[
            misconception(
                "the corrected first step (exactly η) given",
                "with bias correction the first step is η; the question removes the correction, "
                "so m₁ and v₁ are both too small, by different factors.",
                1.0,
            ),
            misconception(
                "only the first moment taken to be too small",
                "v₁ = (1-β₂)g² is too small as well, and it sits under a square root in the "
                "denominator.",
                1 - BETA1,
            ),
            misconception(
                "the square root of v forgotten",
                "the step divides by √v₁, not by v₁.",
                (1 - BETA1) / (1 - BETA2),
            ),
        ],
    )
)


def _first_step_within(beta: float, factor: float, power: float) -> int:
    t = np.arange(1, 100_000)
    return int(t[(1 - beta**t) ** -power <= factor][0])


# Dividing by √v̂ instead of √v multiplies the step by √(1 - β2^t); it differs from 1 by less
# than 1% from t ≈ 3916 (≥ 0.99) or 3925 (1/√(1-β2^t) ≤ 1.01): both lie within the tolerance.
register(
    NumberQuestion(
        id="q06_bias_correction_steps",
        lecture=LECTURE,
        points=1,
        title="How long the second-moment correction matters",
        question="Adam with β₂ = 0.999: after how many steps does the bias correction of the "
        "second moment (v̂ = v/(1 - β₂ᵗ)) change the step by less than 1 %?",
        answer=_first_step_within(BETA2, 1.01, 0.5),
        rtol=0.02,
        hint="the step divides by √v̂: write the factor by which the correction changes the "
        "step as a function of t, and solve for the t where it is within 1 % of 1.",
        mistakes=[
            misconception(
                "the correction of v itself used, not its effect on the step",
                "the step divides by √v̂, so the correction enters through a square root, which "
                "halves its effect.",
                _first_step_within(BETA2, 1.01, 1.0),
            ),
            misconception(
                "the averaging window 1/(1-β₂) taken as the answer",
                "after 1/(1-β₂) steps β₂ᵗ is still about 1/e, far from negligible.",
                1 / (1 - BETA2),
            ),
            misconception(
                "the first moment's β₁ = 0.9 used",
                "the question asks about the second moment, whose β₂ = 0.999 forgets much more "
                "slowly.",
                _first_step_within(BETA1, 1.01, 1.0),
            ),
        ],
    )
)
