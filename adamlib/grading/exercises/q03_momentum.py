"""Conceptual questions of lecture 03 (momentum): the stability bound, the rate √β."""

from __future__ import annotations

import math

from adamlib.grading import NumberQuestion, misconception, register

LECTURE = "03_momentum"

# Heavy ball, PyTorch's convention v = βv + g, x -= ηv: stable iff 0 < ηλ < 2 + 2β.
register(
    NumberQuestion(
        id="q03_largest_stable_lr",
        lecture=LECTURE,
        points=1,
        title="Momentum's stability bound",
        question="Heavy-ball momentum in PyTorch's convention (v ← βv + g, x ← x - ηv) with "
        "β = 0.9 on a quadratic whose largest eigenvalue is 100: below which learning rate does "
        "it converge?",
        answer=(2 + 2 * 0.9) / 100,
        rtol=0.01,
        hint="the lecture's 2×2 iteration matrix per eigenvalue has both roots inside the unit "
        "circle only for ηλ in a range that grows with β.",
        mistakes=[
            misconception(
                "gradient descent's bound 2/λ used for momentum",
                "momentum is stable for larger steps than gradient descent: the bound on ηλ "
                "depends on β.",
                2 / 100,
            ),
            misconception(
                "the bound of the EMA convention (v ← βv + (1-β)g) used",
                "the question uses PyTorch's v ← βv + g; the EMA's (1-β) factor would scale the "
                "learning rate by 1/(1-β).",
                (2 + 2 * 0.9) / (0.1 * 100),
            ),
            misconception(
                "the bound taken to shrink with β, as 2(1-β)/λ",
                "with more momentum the admissible ηλ grows (up to 2 + 2β), it does not shrink.",
                2 * 0.1 / 100,
            ),
        ],
    )
)

# Complex roots of σ² - (1 + β - ηλ)σ + β = 0 are conjugate; their product is β, so |σ| = √β.
register(
    NumberQuestion(
        id="q03_complex_rate",
        lecture=LECTURE,
        points=1,
        title="The rate when the roots are complex",
        question="Momentum with β = 0.81 along an eigenvector where the two roots of "
        "σ² - (1 + β - ηλ)σ + β = 0 are complex: by what factor does the error shrink per step "
        "(the modulus of the roots)?",
        answer=math.sqrt(0.81),
        atol=1e-3,
        rtol=0.0,
        hint="two complex conjugate roots have the same modulus, and the product of the two "
        "roots of this quadratic is its constant term.",
        mistakes=[
            misconception(
                "the product of the roots (β) taken as their modulus",
                "the product of two conjugate roots is |σ|², not |σ|.",
                0.81,
            ),
            misconception(
                "1 - β taken as the rate",
                "the rate is the modulus of the roots, set by their product β.",
                1 - 0.81,
            ),
            misconception(
                "the rate taken as 1 (no convergence when the roots are complex)",
                "complex roots mean oscillation, but with |σ| < 1 the oscillation decays.",
                1.0,
            ),
        ],
    )
)
