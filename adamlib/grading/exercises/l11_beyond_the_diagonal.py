"""Exercises of lecture 11 (beyond the diagonal: Newton, full-matrix Adagrad, Shampoo, Muon).

- ``newton_schulz(G, coefficients, steps, eps) -> X``: torch.optim.Muon's orthogonalisation:
  transpose a tall matrix, divide by ``max(||G||_F, eps)``, then ``steps`` times
  ``X <- a X + b (X X^T) X + c (X X^T)^2 X``, and transpose back.
- ``muon_step(W, grad, M, lr, momentum, nesterov, weight_decay) -> (W_new, M_new)``: one step of
  torch.optim.Muon with the quintic coefficients, 5 Newton-Schulz steps, eps 1e-7 and
  ``adjust_lr_fn="original"``.
"""

from __future__ import annotations

import numpy as np

from adamlib.grading import ArrayExercise, Mistake, StepCase, register
from adamlib.grading.cases import label, normal

Array = np.ndarray
QUINTIC = (3.4445, -4.775, 2.0315)

# ----------------------------------------------------------------------------------------------
# newton_schulz
# ----------------------------------------------------------------------------------------------


def newton_schulz(
    G: Array, coefficients: tuple[float, float, float], steps: int, eps: float
) -> Array:
    """Reference: torch's ``_zeropower_via_newtonschulz`` in G's dtype."""
    a, b, c = coefficients
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * A @ A
        X = a * X + B @ X
    return X.T if tall else X


def _ns_cases() -> list[StepCase]:
    rng = np.random.default_rng(1101)
    cases = []

    def add(text, shape, dtype, coefficients=QUINTIC, steps=5, eps=1e-7, scale=1.0):
        cases.append(
            StepCase(
                f"{label(shape, dtype)}{text}, coefficients={coefficients}, steps={steps}, "
                f"eps={eps:g}",
                {
                    "G": normal(rng, shape, dtype, scale),
                    "coefficients": coefficients,
                    "steps": steps,
                    "eps": eps,
                },
            )
        )

    add("", (3, 5), np.float64)  # wide
    add("", (6, 4), np.float64)  # tall: transposed, then back
    add("", (4, 4), np.float64, scale=30.0)  # square, large: the normalisation matters
    add("", (5, 2), np.float32)
    add("", (2, 7), np.float32, steps=3)
    add(" (cubic coefficients)", (4, 3), np.float64, coefficients=(1.5, -0.5, 0.0), steps=8)
    add("", (3, 3), np.float64, coefficients=(2.0, -1.5, 0.5), steps=1)
    add(" with a tiny gradient (norm below eps)", (2, 3), np.float64, eps=1e-3, scale=1e-5)
    add("", (1, 6), np.float64)  # a row
    add("", (6, 1), np.float64, steps=2)  # a column
    return cases


def _ns_parts(G, eps, norm=None):
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    return tall, X / max(np.linalg.norm(X) if norm is None else norm(X), eps)


def _ns_iterate(X, coefficients, steps):
    a, b, c = coefficients
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X


def _ns_no_normalisation(G, coefficients, steps, eps):
    tall = G.shape[0] > G.shape[1]
    X = _ns_iterate(G.T if tall else G, coefficients, steps)
    return X.T if tall else X


def _ns_spectral_norm(G, coefficients, steps, eps):
    tall, X = _ns_parts(G, eps, norm=lambda X: np.linalg.norm(X, 2))
    X = _ns_iterate(X, coefficients, steps)
    return X.T if tall else X


def _ns_not_transposed_back(G, coefficients, steps, eps):
    _, X = _ns_parts(G, eps)
    return _ns_iterate(X, coefficients, steps)


def _ns_b_c_swapped(G, coefficients, steps, eps):
    a, b, c = coefficients
    return newton_schulz(G, (a, c, b), steps, eps)


def _ns_cubic(G, coefficients, steps, eps):
    a, b, _ = coefficients
    return newton_schulz(G, (a, b, 0.0), steps, eps)


def _ns_eps_added(G, coefficients, steps, eps):
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = _ns_iterate(X / (np.linalg.norm(X) + eps), coefficients, steps)
    return X.T if tall else X


def _ns_one_step_too_many(G, coefficients, steps, eps):
    return newton_schulz(G, coefficients, steps + 1, eps)


def _ns_gram_on_the_wrong_side(G, coefficients, steps, eps):
    # A = X^T X (n x n) for the wide X, but then multiplied from the left: shapes only work
    # for square matrices, and there X^T X X != X X^T X
    a, b, c = coefficients
    tall, X = _ns_parts(G, eps)
    for _ in range(steps):
        A = X.T @ X if X.shape[0] == X.shape[1] else X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if tall else X


register(
    ArrayExercise(
        id="newton_schulz",
        points=2,
        title="Muon's Newton-Schulz orthogonalisation",
        reference=newton_schulz,
        cases=_ns_cases,
        outputs=("X",),
        rule="tall: X = G.T; X = X / max(||X||_F, eps); steps times: A = X X^T, "
        "X = a X + (b A + c A A) X; tall: return X.T",
        mistakes=[
            Mistake(
                "no normalisation: G not divided by its Frobenius norm",
                "the polynomial only maps singular values in [0, 1] towards 1; divide by "
                "max(np.linalg.norm(X), eps) first.",
                _ns_no_normalisation,
            ),
            Mistake(
                "divided by the spectral norm instead of the Frobenius norm",
                "torch divides by the Frobenius norm, np.linalg.norm(X) (no second argument): "
                "it is cheap and at least as large as the spectral norm.",
                _ns_spectral_norm,
            ),
            Mistake(
                "a tall matrix transposed but not transposed back",
                "the result must have G's shape: return X.T when you transposed G.",
                _ns_not_transposed_back,
            ),
            Mistake(
                "b and c swapped",
                "b multiplies (X X^T) X, the cubic term; c multiplies (X X^T)^2 X, the quintic "
                "term: X = a X + (b A + c A A) X with A = X X^T.",
                _ns_b_c_swapped,
            ),
            Mistake(
                "the quintic term c (X X^T)^2 X missing: a cubic iteration",
                "the update is a X + b (X X^T) X + c (X X^T)^2 X: all three coefficients.",
                _ns_cubic,
            ),
            Mistake(
                "eps added to the norm instead of max(norm, eps)",
                "torch divides by max(||X||_F, eps) (norm().clamp(min=eps)); Jordan et al.'s "
                "first version divided by ||X||_F + 1e-7, which differs when the norm is small.",
                _ns_eps_added,
            ),
            Mistake(
                "one iteration too many",
                "run exactly `steps` iterations: for _ in range(steps).",
                _ns_one_step_too_many,
            ),
            Mistake(
                "the Gram matrix X^T X instead of X X^T",
                "with the wide orientation, A = X @ X.T is the small Gram matrix and multiplies "
                "X from the left: (X X^T) X.",
                _ns_gram_on_the_wrong_side,
            ),
        ],
    )
)

# ----------------------------------------------------------------------------------------------
# muon_step
# ----------------------------------------------------------------------------------------------


def muon_step(
    W: Array,
    grad: Array,
    M: Array,
    lr: float,
    momentum: float,
    nesterov: bool,
    weight_decay: float,
) -> tuple[Array, Array]:
    """Reference: one step of torch.optim.Muon (quintic, 5 steps, eps 1e-7, "original")."""
    M_new = momentum * M + (1 - momentum) * grad
    U = grad + momentum * (M_new - grad) if nesterov else M_new
    rows, cols = W.shape
    adjusted = lr * max(1, rows / cols) ** 0.5
    W_new = (1 - lr * weight_decay) * W - adjusted * newton_schulz(U, QUINTIC, 5, 1e-7)
    return W_new, M_new


def _muon_cases() -> list[StepCase]:
    rng = np.random.default_rng(1102)
    cases = []

    def add(shape, dtype, lr, momentum, nesterov, weight_decay, zero_state, later=0):
        M = np.zeros(shape, dtype) if zero_state else normal(rng, shape, dtype, 0.5)
        state = "M starts at 0" if zero_state else "non-zero M"
        steps = f", {later + 1} consecutive steps" if later else ""
        cases.append(
            StepCase(
                f"{label(shape, dtype)}, {state}{steps}, lr={lr:g}, momentum={momentum}, "
                f"nesterov={nesterov}, weight_decay={weight_decay:g}",
                {
                    "W": normal(rng, shape, dtype),
                    "grad": normal(rng, shape, dtype),
                    "M": M,
                    "lr": lr,
                    "momentum": momentum,
                    "nesterov": nesterov,
                    "weight_decay": weight_decay,
                },
                later=[{"grad": normal(rng, shape, dtype)} for _ in range(later)],
            )
        )

    add((3, 5), np.float64, 0.02, 0.95, True, 0.1, zero_state=True)
    add((6, 2), np.float64, 0.02, 0.95, True, 0.1, zero_state=False)  # tall: lr adjusted
    add((4, 4), np.float64, 0.05, 0.9, False, 0.0, zero_state=False)
    add((8, 3), np.float32, 0.01, 0.5, True, 0.01, zero_state=False)
    add((2, 6), np.float32, 0.1, 0.8, False, 0.5, zero_state=True)
    add((5, 3), np.float64, 0.02, 0.95, True, 0.1, zero_state=True, later=4)
    add((3, 7), np.float64, 0.03, 0.0, False, 0.2, zero_state=False)  # no momentum
    return cases


def _muon_parts(W, grad, M, momentum, nesterov):
    M_new = momentum * M + (1 - momentum) * grad
    U = grad + momentum * (M_new - grad) if nesterov else M_new
    return M_new, U, newton_schulz(U, QUINTIC, 5, 1e-7)


def _muon_sum_buffer(W, grad, M, lr, momentum, nesterov, weight_decay):
    M_new = momentum * M + grad
    U = grad + momentum * M_new if nesterov else M_new
    rows, cols = W.shape
    O = newton_schulz(U, QUINTIC, 5, 1e-7)
    return (1 - lr * weight_decay) * W - lr * max(1, rows / cols) ** 0.5 * O, M_new


def _muon_no_nesterov(W, grad, M, lr, momentum, nesterov, weight_decay):
    return muon_step(W, grad, M, lr, momentum, False, weight_decay)


def _muon_no_adjustment(W, grad, M, lr, momentum, nesterov, weight_decay):
    M_new, _, O = _muon_parts(W, grad, M, momentum, nesterov)
    return (1 - lr * weight_decay) * W - lr * O, M_new


def _muon_adjustment_inverted(W, grad, M, lr, momentum, nesterov, weight_decay):
    M_new, _, O = _muon_parts(W, grad, M, momentum, nesterov)
    rows, cols = W.shape
    return (1 - lr * weight_decay) * W - lr * max(1, cols / rows) ** 0.5 * O, M_new


def _muon_decay_adjusted(W, grad, M, lr, momentum, nesterov, weight_decay):
    M_new, _, O = _muon_parts(W, grad, M, momentum, nesterov)
    rows, cols = W.shape
    adjusted = lr * max(1, rows / cols) ** 0.5
    return (1 - adjusted * weight_decay) * W - adjusted * O, M_new


def _muon_gradient_orthogonalised(W, grad, M, lr, momentum, nesterov, weight_decay):
    M_new, _, _ = _muon_parts(W, grad, M, momentum, nesterov)
    rows, cols = W.shape
    O = newton_schulz(grad, QUINTIC, 5, 1e-7)
    return (1 - lr * weight_decay) * W - lr * max(1, rows / cols) ** 0.5 * O, M_new


def _muon_decay_after(W, grad, M, lr, momentum, nesterov, weight_decay):
    M_new, _, O = _muon_parts(W, grad, M, momentum, nesterov)
    rows, cols = W.shape
    return (W - lr * max(1, rows / cols) ** 0.5 * O) * (1 - lr * weight_decay), M_new


register(
    ArrayExercise(
        id="muon_step",
        points=2,
        title="One step of Muon",
        reference=muon_step,
        cases=_muon_cases,
        outputs=("W_new", "M_new"),
        carry={"W_new": "W", "M_new": "M"},
        rule="M_new = momentum M + (1 - momentum) grad; U = grad + momentum (M_new - grad) "
        "(nesterov) else M_new; W_new = (1 - lr wd) W - lr sqrt(max(1, rows/cols)) "
        "newton_schulz(U)",
        mistakes=[
            Mistake(
                "momentum as a plain sum momentum M + grad (torch's docstring), not the EMA",
                "torch's code (and Jordan's) keeps the EMA M = momentum M + (1 - momentum) grad "
                "(buf.lerp_(grad, 1 - momentum)), and the look-ahead grad + momentum (M - grad).",
                _muon_sum_buffer,
            ),
            Mistake(
                "nesterov ignored",
                "with nesterov=True orthogonalise the look-ahead grad + momentum (M_new - grad), "
                "not M_new.",
                _muon_no_nesterov,
            ),
            Mistake(
                "the shape adjustment of the learning rate missing",
                "adjust_lr_fn 'original' multiplies lr by sqrt(max(1, rows / cols)): tall "
                "matrices take larger steps.",
                _muon_no_adjustment,
            ),
            Mistake(
                "the shape adjustment inverted (cols / rows)",
                "the factor is sqrt(max(1, rows / cols)), rows = W.shape[0].",
                _muon_adjustment_inverted,
            ),
            Mistake(
                "weight decay scaled by the adjusted learning rate",
                "torch decays by 1 - lr * weight_decay with the unadjusted lr; only the "
                "orthogonalised update uses the adjusted one.",
                _muon_decay_adjusted,
            ),
            Mistake(
                "the gradient orthogonalised instead of the momentum",
                "orthogonalise U (the look-ahead, or M_new without nesterov), not grad.",
                _muon_gradient_orthogonalised,
            ),
            Mistake(
                "weight decay applied after the update",
                "decay the old weights, then subtract: (1 - lr wd) W - lr' O.",
                _muon_decay_after,
            ),
        ],
    )
)
