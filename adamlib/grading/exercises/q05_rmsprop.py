"""Conceptual questions of lecture 05 (RMSprop): the first step, centering."""

from __future__ import annotations

import math

from adamlib.grading import NumberQuestion, misconception, register

LECTURE = "05_rmsprop"

# v_1 = (1 - α) g², so the first step is η g / (√(1-α) |g|) = η/√(1 - α).
register(
    NumberQuestion(
        id="q05_first_step",
        lecture=LECTURE,
        points=1,
        title="RMSprop's first step",
        question="RMSprop with η = 0.01, α = 0.99, ε negligible and v₀ = 0 gets the gradient "
        "g = 1000 at its first step. How large is the first step |x₁ - x₀|?",
        answer=0.01 / math.sqrt(1 - 0.99),
        rtol=0.01,
        hint="compute v₁ from v₀ = 0 first, then the step η g/√v₁; the size of g cancels.",
        mistakes=[
            misconception(
                "the steady-state step η used at the first step",
                "the step is η only once v has converged to g²; at the first step v₁ is still "
                "small because v starts at 0.",
                0.01,
            ),
            misconception(
                "no normalisation (the step taken as η g)",
                "RMSprop divides the gradient by the root of its running mean square.",
                0.01 * 1000,
            ),
            misconception(
                "the gradient divided twice (η/g)",
                "g/√v₁ does not depend on the size of g.",
                0.01 / 1000,
            ),
        ],
    )
)

# Mean 1, standard deviation σ: plain RMSprop divides by √(1 + σ²), centered by σ.
register(
    NumberQuestion(
        id="q05_centered_ratio",
        lecture=LECTURE,
        points=1,
        title="What centering does to the step",
        question="Gradients with mean 1 and standard deviation σ = 0.1. Long after the start, "
        "how many times larger is centered RMSprop's mean step than plain RMSprop's (same η, "
        "α close to 1, ε negligible)?",
        answer=math.sqrt(1 + 0.1**2) / 0.1,
        rtol=0.02,
        hint="write down the limit of v_t (the mean of g²) and of v_t - ḡ_t² (mean of g² minus "
        "the squared mean of g) for this distribution.",
        mistakes=[
            misconception(
                "the ratio inverted",
                "centering subtracts the squared mean, so its denominator is the smaller one.",
                0.1 / math.sqrt(1.01),
            ),
            misconception(
                "the variance used where its square root belongs",
                "the denominators are square roots: √(mean of g²) and √(variance).",
                1.01 / 0.01,
            ),
            misconception(
                "centering taken to leave the step unchanged",
                "centering subtracts ḡ² = 1 from v ≈ 1.01: the denominator becomes much smaller.",
                1.0,
            ),
        ],
    )
)
