"""Conceptual questions of lecture 01 (gradient descent).

The stability bound, which run diverges.
"""

from __future__ import annotations

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "01_gradient_descent"

# f(x, y) = (x^2 + 25 y^2) / 2: eigenvalues 1 and 25; GD converges iff 0 < lr * lambda < 2 for all.
register(
    NumberQuestion(
        id="q01_largest_stable_lr",
        lecture=LECTURE,
        points=1,
        title="The largest stable learning rate",
        question="f(x, y) = (x² + 25 y²)/2: below which learning rate does gradient descent "
        "converge from every start?",
        answer=2 / 25,
        rtol=0.01,
        hint="along each eigenvector the error is multiplied by 1 - ηλ per step; it shrinks "
        "only while |1 - ηλ| < 1, and every eigenvalue must satisfy this.",
        mistakes=[
            misconception(
                "the optimal learning rate 2/(λmin + λmax), not the largest stable one",
                "the optimal η minimises the rate; larger learning rates still converge, more "
                "slowly, up to the point where |1 - ηλ| reaches 1 for some eigenvalue.",
                2 / 26,
            ),
            misconception(
                "the smallest eigenvalue used for the bound",
                "the direction that breaks first is the steepest one: |1 - ηλ| < 1 must hold "
                "for the largest eigenvalue.",
                2 / 1,
            ),
            misconception(
                "ηλ < 1 taken as the condition (no overshoot), not |1 - ηλ| < 1",
                "a step that overshoots the minimum still converges, oscillating, while "
                "|1 - ηλ| < 1: ηλ may go up to 2.",
                1 / 25,
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q01_which_diverges",
        lecture=LECTURE,
        points=1,
        title="Which run diverges, and why?",
        question="On f(x, y) = (x² + 100 y²)/2 from (1, 1), gradient descent with η = 0.021. "
        "Which statement is true?",
        choices={
            "A": "It converges: η = 0.021 is far below 2/λmin = 2.",
            "B": "It diverges: along y the error is multiplied by 1 - 0.021·100 = -1.1 per step.",
            "C": "It converges, fast along x and slowly along y.",
            "D": "It neither converges nor diverges: y oscillates with constant amplitude.",
        },
        answer="B",
        hint="compute the factor 1 - ηλ for each eigenvalue and compare its absolute value with 1.",
        mistakes=[
            misconception(
                "the smallest eigenvalue used for the bound",
                "the bound that matters is 2/λmax: the steepest direction breaks first.",
                "A",
            ),
            misconception(
                "the slow and the fast directions swapped",
                "with a small ηλ the factor 1 - ηλ is close to 1 (slow); look at the factor "
                "along y, where λ = 100.",
                "C",
            ),
            misconception(
                "|1 - ηλ| = 1 assumed",
                "constant amplitude needs |1 - ηλ| = 1 exactly (η = 0.02 here); compute it for "
                "η = 0.021.",
                "D",
            ),
        ],
    )
)
