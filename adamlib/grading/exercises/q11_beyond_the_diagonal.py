"""Conceptual questions of lecture 11 (beyond the diagonal).

The memory of the full matrix against Kronecker factors, the quintic Newton-Schulz step on a
small singular value, and the norm under which Muon is steepest descent.
"""

from __future__ import annotations

from adamlib.grading import ChoiceQuestion, NumberQuestion, misconception, register

LECTURE = "11_beyond_the_diagonal"
ROWS, COLS = 1000, 500
A, B, C = 3.4445, -4.775, 2.0315


def _quintic(sigma: float) -> float:
    return A * sigma + B * sigma**3 + C * sigma**5


def _cubic(sigma: float) -> float:
    return 1.5 * sigma - 0.5 * sigma**3


# Full matrix: (mn)^2 numbers; Shampoo: m^2 + n^2.
register(
    NumberQuestion(
        id="q11_kronecker_memory",
        lecture=LECTURE,
        points=1,
        title="The full matrix against Kronecker factors",
        question=f"A {ROWS}×{COLS} weight matrix. How many times more numbers does full-matrix "
        "Adagrad's preconditioner hold than Shampoo's two factors L and R together?",
        answer=(ROWS * COLS) ** 2 / (ROWS**2 + COLS**2),
        rtol=0.01,
        hint="full-matrix Adagrad works on the vector of all m·n entries; Shampoo keeps one "
        "matrix per side, m × m and n × n.",
        mistakes=[
            misconception(
                "the full matrix counted as m·n numbers (one per parameter)",
                "the full matrix has one entry per *pair* of parameters: (m·n)².",
                ROWS * COLS / (ROWS**2 + COLS**2),
            ),
            misconception(
                "Shampoo's factors counted as m + n numbers",
                "L = Σ G Gᵀ is an m × m matrix and R = Σ Gᵀ G an n × n matrix.",
                (ROWS * COLS) ** 2 / (ROWS + COLS),
            ),
            misconception(
                "Shampoo's factors taken as one (m·n) × (m·n) Kronecker product",
                "the Kronecker product L ⊗ R is never formed: only L and R are stored.",
                1.0,
            ),
        ],
    )
)

# Two quintic steps on sigma = 1e-3: about a^2 * 1e-3 (the cubic and quintic terms are tiny).
register(
    NumberQuestion(
        id="q11_small_singular_value",
        lecture=LECTURE,
        points=1,
        title="A small singular value under the quintic iteration",
        question="After dividing by the Frobenius norm, a singular value of the update is "
        "σ = 0.001. What is it after two Newton–Schulz steps with Muon's coefficients "
        "(a, b, c) = (3.4445, −4.7750, 2.0315)?",
        answer=_quintic(_quintic(1e-3)),
        rtol=0.01,
        hint="each step maps σ to aσ + bσ³ + cσ⁵, and the iteration leaves the singular vectors "
        "alone; for a small σ the first term dominates.",
        mistakes=[
            misconception(
                "one step computed instead of two",
                "apply the polynomial twice: p(p(σ)).",
                _quintic(1e-3),
            ),
            misconception(
                "the iteration taken to reach 1 at once",
                "a small σ only grows by about a = 3.4445 per step; five steps bring σ ≥ 0.002 "
                "into [0.68, 1.2], not two.",
                1.0,
            ),
            misconception(
                "the cubic Newton–Schulz coefficients (1.5, −0.5) used",
                "Muon's quintic has slope a = 3.4445 at 0, the cubic only 1.5.",
                _cubic(_cubic(1e-3)),
            ),
        ],
    )
)

register(
    ChoiceQuestion(
        id="q11_muon_norm",
        lecture=LECTURE,
        points=1,
        title="Muon as steepest descent",
        question="Muon's step −η·U Vᵀ (G = U Σ Vᵀ) minimises ⟨G, Δ⟩ over all steps Δ with a "
        "norm of at most η. Which norm?",
        choices={
            "A": "The Frobenius norm (the Euclidean norm of all entries).",
            "B": "The max-norm, the largest absolute entry.",
            "C": "The spectral norm, the largest singular value.",
            "D": "The nuclear norm, the sum of the singular values.",
        },
        answer="C",
        hint="write ⟨G, Δ⟩ = Σ σᵢ uᵢᵀ Δ vᵢ; which norm bounds every |uᵢᵀ Δ vᵢ| by ‖Δ‖, with "
        "equality for all i at once when Δ = U Vᵀ?",
        mistakes=[
            misconception(
                "the Frobenius norm",
                "under the Frobenius norm the steepest step is −η G/‖G‖_F, normalised gradient "
                "descent: it keeps the singular values' ratios.",
                "A",
            ),
            misconception(
                "the max-norm",
                "under the max-norm the steepest step is −η sign(G), sign descent (Adam without "
                "its averages), which is elementwise.",
                "B",
            ),
            misconception(
                "the nuclear norm",
                "under the nuclear norm the steepest step puts the whole budget on the top "
                "singular direction, −η u₁ v₁ᵀ; U Vᵀ has nuclear norm rank · η.",
                "D",
            ),
        ],
    )
)
