"""Conceptual questions of lecture 07 (training a network).

The loss at the start, the gradient of softmax cross-entropy.
"""

from __future__ import annotations

import math

from adamlib.grading import NumberQuestion, misconception, register

LECTURE = "07_training_a_network"

# All logits equal: p = 1/10 for every class, loss = -log(1/10) = ln 10.
register(
    NumberQuestion(
        id="q07_initial_loss",
        lecture=LECTURE,
        points=1,
        title="The loss before training",
        question="A freshly initialised classifier for the 10 digits outputs logits that are all "
        "(nearly) equal. What mean cross-entropy loss (natural logarithm) do you expect at the "
        "first step?",
        answer=math.log(10),
        rtol=0.02,
        hint="with equal logits, what probability does the softmax give the true class, and "
        "what is the cross-entropy of that probability?",
        mistakes=[
            misconception(
                "the probability of the true class given, not the loss",
                "the loss is minus the logarithm of that probability.",
                0.1,
            ),
            misconception(
                "the base-10 logarithm used",
                "the course's cross-entropy uses the natural logarithm (np.log).",
                1.0,
            ),
            misconception(
                "the number of classes given",
                "the loss grows only logarithmically with the number of classes.",
                10.0,
            ),
        ],
    )
)

# dL/dz_i = (p_i - onehot_i)/B: the softmax probabilities sum to 1 and so does the one-hot label.
register(
    NumberQuestion(
        id="q07_gradient_row_sum",
        lecture=LECTURE,
        points=1,
        title="A property of the softmax cross-entropy gradient",
        question="For a batch of B = 32 examples, each row of ∂L/∂z (the gradient of the mean "
        "softmax cross-entropy with respect to the logits) sums to what number?",
        answer=0.0,
        atol=1e-6,
        rtol=0.0,
        hint="each row is (p - one-hot label)/B: what does each of the two vectors sum to?",
        mistakes=[
            misconception(
                "the probabilities' sum used without the label",
                "the true class's entry is p - 1, not p: the one-hot label is subtracted.",
                1 / 32,
            ),
            misconception(
                "the softmax probabilities' sum given",
                "p sums to 1, but the gradient is (p - one-hot)/B.",
                1.0,
            ),
            misconception(
                "only the true class's entry counted",
                "the other classes' entries p_k/B are positive and balance the true class's "
                "(p - 1)/B.",
                -1 / 32,
            ),
        ],
    )
)
