"""Conceptual questions of lecture 09 (claims tested).

Implicit bias of gradient descent, steps to a tolerance on the loss.
"""

from __future__ import annotations

import math

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "09_claims_tested"

register(
    ChoiceQuestion(
        id="q09_min_norm_why",
        lecture=LECTURE,
        points=1,
        title="Why gradient descent finds the minimum-norm solution",
        question="Least squares with more features than examples, gradient descent from w = 0. "
        "Why does it converge to the minimum-norm solution X⁺y?",
        choices={
            "A": "Every gradient Xᵀ(Xw - y) lies in the row space of X, so w never leaves it, "
            "and the only exact solution in the row space is the minimum-norm one.",
            "B": "Gradient descent adds an implicit L2 penalty that fades out as it converges.",
            "C": "Because the learning rate is small enough.",
            "D": "It converges there from any start.",
        },
        answer="A",
        hint="look at the direction of every gradient step Xᵀ(Xw - y): which subspace does it "
        "stay in, and what does that mean for the starting point w = 0?",
        mistakes=[
            misconception(
                "an implicit penalty imagined",
                "no term is added to the loss; the reason is geometric, in the directions the "
                "updates can take.",
                "B",
            ),
            misconception(
                "the learning rate credited",
                "any stable learning rate gives the same limit from w = 0; the limit depends on "
                "the start, not on η.",
                "C",
            ),
            misconception(
                "the start taken not to matter",
                "the exercise's demo shows a random start converging to another exact solution: "
                "the component of w0 outside the row space never changes.",
                "D",
            ),
        ],
    )
)

# Worst case: the distance shrinks by ρ = (κ-1)/(κ+1) per step, the loss gap (quadratic in the
# distance) by ρ². ρ^(2t) <= 1e-6.
_RHO = 99 / 101
register(
    NumberQuestion(
        id="q09_steps_on_the_loss",
        lecture=LECTURE,
        points=1,
        title="Steps to a tolerance on the loss",
        question="Gradient descent with η = 2/(λmin + λmax) on a quadratic with eigenvalues 1 "
        "and 100. In the worst case, after how many steps is the loss gap f - f* at most 10⁻⁶ "
        "of its initial value?",
        answer=math.ceil(math.log(1e-6) / (2 * math.log(_RHO))),
        rtol=0.01,
        hint="lecture 01's rate (κ-1)/(κ+1) is for the distance to the minimum; how does the "
        "loss gap of a quadratic depend on that distance?",
        mistakes=[
            misconception(
                "the distance's rate used for the loss gap",
                "the loss gap is quadratic in the distance, so it shrinks by the square of the "
                "rate per step.",
                math.ceil(math.log(1e-6) / math.log(_RHO)),
            ),
            misconception(
                "momentum's rate (√κ-1)/(√κ+1) used for gradient descent",
                "that rate needs momentum with Polyak's parameters; plain gradient descent's "
                "rate depends on κ, not √κ.",
                math.ceil(math.log(1e-6) / (2 * math.log(9 / 11))),
            ),
            misconception(
                "the number of steps taken as κ",
                "the count depends on the tolerance as well: solve rate^(2t) ≤ 10⁻⁶ for t.",
                100,
            ),
        ],
    )
)
