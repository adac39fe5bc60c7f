"""Conceptual questions of lecture 12 (lean and schedule-free).

Adafactor's memory, Lion's learning rate and weight decay, Schedule-Free's eval switch,
ADOPT's change to Adam.
"""

from __future__ import annotations

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "12_lean_and_schedule_free"
N_ROWS, N_COLS = 4096, 1024

# Adafactor keeps one number per row and one per column of a matrix: n + m.
register(
    NumberQuestion(
        id="q12_adafactor_state",
        lecture=LECTURE,
        points=1,
        title="Adafactor's state for one weight matrix",
        question=f"A {N_ROWS} × {N_COLS} weight matrix trained with Adafactor (torch's "
        "defaults, no momentum): how many numbers of optimizer state does it keep for this "
        "matrix (not counting the step counter)?",
        answer=N_ROWS + N_COLS,
        rtol=1e-9,
        hint="Adafactor replaces the n × m second moment by a row factor R and a column factor "
        "C: how many numbers does each have?",
        mistakes=[
            misconception(
                "Adam's state given (m and v)",
                "that is Adam's 2nm; Adafactor keeps no momentum and factors the second moment.",
                2 * N_ROWS * N_COLS,
            ),
            misconception(
                "a full second moment given",
                "a full v has n·m numbers; Adafactor keeps only its row and column means.",
                N_ROWS * N_COLS,
            ),
            misconception(
                "only the row factor counted",
                "there is a column factor C too, one number per column.",
                N_ROWS,
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q12_lion_learning_rate",
        lecture=LECTURE,
        points=1,
        title="Why Lion's learning rate is smaller",
        question="Why is Lion's learning rate typically 3–10 times smaller than AdamW's?",
        choices={
            "A": "Lion has no bias correction, so its first steps are too large.",
            "B": "Every coordinate of sign(c) is ±1, so Lion's update has RMS 1, while Adam's "
            "normalised update m̂/(√v̂ + ε) has an RMS well below 1 once m̂ averages noisy "
            "gradients.",
            "C": "Lion's momentum β₂ = 0.99 is larger than Adam's β₁ = 0.9, which amplifies "
            "the steps tenfold.",
            "D": "Lion was found by program search with a small learning rate and only works "
            "there.",
        },
        answer="B",
        hint="compare the size of one coordinate of the two updates, per unit of learning rate.",
        mistakes=[
            misconception(
                "bias correction blamed",
                "a sign is ±1 whatever the scale of m: no correction would change it.",
                "A",
            ),
            misconception(
                "the momentum taken to amplify the step",
                "the sign of the interpolation is ±1 whatever β; the size of the step does "
                "not depend on the betas.",
                "C",
            ),
            misconception(
                "the search blamed",
                "the search found the rule; the scale of its update follows from the sign.",
                "D",
            ),
        ],
    )
)

ADAMW_LR, ADAMW_WD, LION_LR = 1e-3, 0.05, 2e-4

# The decay per step is lr * weight_decay: keep 5e-5 with lr 2e-4 -> weight_decay 0.25.
register(
    NumberQuestion(
        id="q12_lion_weight_decay",
        lecture=LECTURE,
        points=1,
        title="Lion's weight decay",
        question=f"An AdamW run uses lr = {ADAMW_LR:g} and weight_decay = {ADAMW_WD:g}. You "
        f"switch to Lion with lr = {LION_LR:g}. Which weight_decay keeps the same decay of the "
        "weights per step?",
        answer=ADAMW_LR * ADAMW_WD / LION_LR,
        rtol=1e-6,
        hint="both decay the weights by x ← x(1 - lr · weight_decay) per step.",
        mistakes=[
            misconception(
                "the weight decay kept unchanged",
                "the decay per step is lr · weight_decay: a 5 times smaller lr decays 5 times "
                "less unless weight_decay grows.",
                ADAMW_WD,
            ),
            misconception(
                "the weight decay scaled the wrong way",
                "lr went down by a factor of 5, so weight_decay must go up by 5 to keep their "
                "product.",
                ADAMW_WD * LION_LR / ADAMW_LR,
            ),
            misconception(
                "the ratio of the learning rates given",
                "the ratio 5 is the factor by which weight_decay grows; multiply AdamW's "
                "weight_decay by it.",
                ADAMW_LR / LION_LR,
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q12_schedule_free_eval",
        lecture=LECTURE,
        points=1,
        title="Schedule-Free without eval()",
        question="You train with ScheduleFreeAdamW and compute the validation loss without "
        "calling opt.eval() first. At which point is the network evaluated?",
        choices={
            "A": "At x, the running average of the z's: eval() only changes the dropout and "
            "batch-norm layers.",
            "B": "At z, the sequence that takes the plain gradient steps.",
            "C": "At y = (1 - β₁) z + β₁ x, where the gradients are taken: the params hold y "
            "during training, and eval() is what turns them into x.",
            "D": "At the last iterate of an AdamW run with the same learning rate.",
        },
        answer="C",
        hint="which of the three sequences do the params hold while step() is being called?",
        mistakes=[
            misconception(
                "eval() taken to be torch's module switch",
                "the optimizer's eval() overwrites the params with x = (y - (1 - β₁)z)/β₁; "
                "without it they hold y.",
                "A",
            ),
            misconception(
                "the params taken to hold z",
                "z is kept in the optimizer's state; the params hold the interpolation y.",
                "B",
            ),
            misconception(
                "Schedule-Free taken to be AdamW",
                "no iterate of Schedule-Free is an AdamW iterate: it steps on z and averages.",
                "D",
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q12_adopt",
        lecture=LECTURE,
        points=1,
        title="ADOPT's change to Adam",
        question="Which change makes ADOPT converge on Reddi et al.'s problem for any β₂?",
        choices={
            "A": "It divides by the running maximum of v, as AMSGrad does.",
            "B": "It divides the gradient by √v_{t-1}, a second moment that does not yet "
            "contain g_t, and applies the momentum to these normalised gradients.",
            "C": "It adds a bias correction to v.",
            "D": "It uses β₂ close to 1, so v remembers the rare large gradient.",
        },
        answer="B",
        hint="in Adam, g_t appears in the numerator and inside v_t in the denominator: what "
        "does that do to a rare large gradient?",
        mistakes=[
            misconception(
                "ADOPT confused with AMSGrad",
                "AMSGrad keeps a maximum; ADOPT's v is an ordinary EMA that can shrink again.",
                "A",
            ),
            misconception(
                "bias correction taken as the fix",
                "Adam is bias-corrected and still fails on Reddi's problem.",
                "C",
            ),
            misconception(
                "a large β₂ taken as ADOPT's change",
                "ADOPT's guarantee holds for any β₂; a large β₂ helps Adam only on some "
                "problems (Reddi et al. build one for every β₂).",
                "D",
            ),
        ],
    )
)
