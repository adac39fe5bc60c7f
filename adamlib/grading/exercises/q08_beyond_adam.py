"""Conceptual questions of lecture 08 (beyond Adam).

AdamW's decay, Reddi et al.'s counterexample.
"""

from __future__ import annotations

import math

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "08_beyond_adam"
LR, DECAY = 1e-3, 1e-2

# Zero loss gradient: m = v = 0, so the Adam part of the step is 0 and x_t = (1 - ηλ)^t x_0.
register(
    NumberQuestion(
        id="q08_adamw_half_life",
        lecture=LECTURE,
        points=1,
        title="AdamW's decoupled decay",
        question="AdamW (PyTorch's convention x ← x(1 - ηλ), then the Adam step) with η = 10⁻³ "
        "and weight_decay λ = 10⁻² on a parameter whose loss gradient is always 0: after how "
        "many steps is the parameter halved?",
        answer=math.ceil(math.log(0.5) / math.log(1 - LR * DECAY)),
        rtol=0.01,
        hint="with a zero gradient, m and v stay 0 and the Adam step vanishes; what is left is "
        "a multiplication by (1 - ηλ) per step.",
        mistakes=[
            misconception(
                "the decay taken as λ per step (η forgotten)",
                "PyTorch's AdamW multiplies the decay by the learning rate: the factor per step "
                "is 1 - ηλ.",
                math.log(2) / DECAY,
            ),
            misconception(
                "the e-folding time 1/(ηλ) given, not the half-life",
                "(1 - ηλ)^t ≈ exp(-ηλ t) reaches 1/2 at t = ln 2/(ηλ), not 1/(ηλ).",
                1 / (LR * DECAY),
            ),
            misconception(
                "the decay taken as η per step (λ forgotten)",
                "the factor per step is 1 - ηλ, the product of both.",
                math.log(2) / LR,
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q08_reddi_counterexample",
        lecture=LECTURE,
        points=1,
        title="Why Adam fails on Reddi et al.'s problem",
        question="f_t(x) = 3x at every third step and -x otherwise, on [-1, 1] (the average "
        "gradient is +1/3, so the best point is x = -1). Adam with β₁ = 0, β₂ = 0.1 drifts to "
        "x = +1. Why?",
        choices={
            "A": "ε is too small, so the steps blow up.",
            "B": "v remembers almost only the last gradient, so the rare gradient 3 gets a step "
            "about as large as each gradient -1: two steps up, one step down per period.",
            "C": "Bias correction is missing in Adam.",
            "D": "The learning rate 0.5/√t is too large; with a smaller one Adam would reach -1.",
        },
        answer="B",
        hint="with β₂ = 0.1, what is v right after a gradient of 3, and right after a gradient "
        "of -1? Compare the steps they cause.",
        mistakes=[
            misconception(
                "ε blamed",
                "ε only matters when the gradients are tiny; here they are 3 and -1.",
                "A",
            ),
            misconception(
                "bias correction blamed",
                "Adam in the lecture is bias-corrected; the failure comes from v forgetting the "
                "large gradient within a step or two.",
                "C",
            ),
            misconception(
                "the step size blamed",
                "every step of Adam has about the same size whatever the gradient; scaling all "
                "steps down scales the drift too, it does not reverse it.",
                "D",
            ),
        ],
    )
)
