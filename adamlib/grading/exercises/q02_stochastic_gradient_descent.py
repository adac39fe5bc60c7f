"""Conceptual questions of lecture 02 (SGD): noise against batch size, the constant-rate floor."""

from __future__ import annotations

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "02_stochastic_gradient_descent"

# B independent draws: the variance of their mean is sigma^2 / B, its standard deviation
# sigma / sqrt(B); B = 8 -> 32 halves it.
register(
    NumberQuestion(
        id="q02_batch_noise",
        lecture=LECTURE,
        points=1,
        title="Gradient noise and batch size",
        question="Minibatches of 8 examples drawn with replacement give gradients whose typical "
        "distance from the full gradient (the standard deviation) is 0.6. What typical "
        "distance do you expect with batches of 32?",
        answer=0.3,
        rtol=0.02,
        hint="a minibatch gradient is the mean of B independent draws: what happens to the "
        "variance of a mean of B draws, and to its square root?",
        mistakes=[
            misconception(
                "the standard deviation taken to shrink like 1/B (it is the variance)",
                "the variance of a mean of B independent draws is σ²/B; the typical distance is "
                "its square root.",
                0.15,
            ),
            misconception(
                "the noise taken to be independent of the batch size",
                "a larger batch averages more independent draws, and averaging cancels noise.",
                0.6,
            ),
            misconception(
                "the noise taken to grow with the batch size",
                "the minibatch gradient is an average, not a sum: more examples average the "
                "noise out.",
                1.2,
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q02_constant_lr_floor",
        lecture=LECTURE,
        points=1,
        title="SGD with a constant learning rate",
        question="Minibatch SGD with a constant learning rate η on a least-squares problem whose "
        "minimiser does not fit every example exactly. After many epochs, f(w) - f* ...",
        choices={
            "A": "goes to 0: the minibatch gradient is unbiased, so SGD converges.",
            "B": "grows again for every η: the noise accumulates.",
            "C": "stalls at a noise floor that is lower for a smaller η.",
            "D": "stalls at a floor that is the same for every stable η.",
        },
        answer="C",
        hint="at the minimiser the full gradient is 0, but a minibatch gradient is not: what "
        "does a step of size η times that noise do, and how does it scale with η?",
        mistakes=[
            misconception(
                "unbiased gradients taken to imply convergence with a constant step",
                "unbiased means right on average; at w* each minibatch gradient is still "
                "non-zero, so every step moves w away by about η times the noise.",
                "A",
            ),
            misconception(
                "the noise taken to accumulate without bound",
                "the pull towards w* grows with the distance while the noise does not: the two "
                "balance at a floor.",
                "B",
            ),
            misconception(
                "the floor taken to be independent of η",
                "each step adds noise of size η times the gradient noise; the lecture's decaying "
                "schedules lower the floor by lowering η.",
                "D",
            ),
        ],
    )
)
