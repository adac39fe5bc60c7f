"""Conceptual questions of lecture 04 (Adagrad): rare features, rotations."""

from __future__ import annotations

import math

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "04_adagrad"

# Gradients of size 1: s_T = T for the frequent coordinate, T/20 for the rare one; the rate is
# η/√s, so the ratio is √20.
register(
    NumberQuestion(
        id="q04_rare_feature_rate",
        lecture=LECTURE,
        points=1,
        title="Adagrad's rate for a rare feature",
        question="Two coordinates get gradients of size 1: the first at every step, the second "
        "only at every 20th step (0 otherwise). After 2000 steps, how many times larger is "
        "Adagrad's effective learning rate for the second coordinate than for the first?",
        answer=math.sqrt(20),
        rtol=0.02,
        hint="write down the sum of squared gradients s_t of each coordinate after 2000 steps, "
        "and how the effective rate η/√s_t depends on it.",
        mistakes=[
            misconception(
                "the rate taken as η/s (no square root)",
                "Adagrad divides by the square root of the sum of squares.",
                20.0,
            ),
            misconception(
                "the ratio inverted",
                "the coordinate with fewer non-zero gradients has the smaller sum, hence the "
                "larger rate.",
                1 / math.sqrt(20),
            ),
            misconception(
                "the rates taken to be equal (per-coordinate rates ignored)",
                "Adagrad keeps one sum of squares per coordinate.",
                1.0,
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q04_rotation",
        lecture=LECTURE,
        points=1,
        title="Adagrad and rotated valleys",
        question="f = (x² + 100 y²)/2 and the same bowl rotated by 45°. Which statement holds "
        "for Adagrad?",
        choices={
            "A": "It does equally well on both: its per-coordinate rates adapt to any valley.",
            "B": "Rotation affects gradient descent but not Adagrad.",
            "C": "It does better on the rotated bowl, because both coordinates then see "
            "gradients of similar size.",
            "D": "It fixes the axis-aligned scaling, but on the rotated bowl each coordinate "
            "mixes both curvatures, so a per-coordinate (diagonal) rate cannot undo it.",
        },
        answer="D",
        hint="Adagrad multiplies the gradient by a diagonal matrix: which ill-conditioning can a "
        "diagonal preconditioner remove?",
        mistakes=[
            misconception(
                "a diagonal preconditioner taken to fix any ill-conditioning",
                "per-coordinate rates rescale the axes; they cannot rescale a direction that "
                "lies between the axes.",
                "A",
            ),
            misconception(
                "similar gradient sizes taken as good conditioning",
                "similar sizes make Adagrad's rates similar, so it behaves like plain gradient "
                "descent, whose trouble is the curvature ratio along the rotated axes.",
                "C",
            ),
            misconception(
                "Adagrad taken to be rotation invariant",
                "gradient descent is rotation invariant; Adagrad's per-coordinate rates are "
                "tied to the coordinate axes.",
                "B",
            ),
        ],
    )
)
