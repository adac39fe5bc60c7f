# %% [markdown]
# # 11 — Beyond the diagonal: exercises
#
# These exercises go with [lecture 11](../lectures/11_beyond_the_diagonal.ipynb). Write each
# function where it says `# YOUR CODE HERE`, then run the cell below it: `check(...)` runs your
# function on many cases (tall, wide and square matrices, float32 and float64, other
# coefficients, several consecutive steps) and tells you what is wrong — not just *that*
# something is wrong. The last cell shows your score.
#
# Rules for every function: the inputs are **matrices** (2-D arrays); return **new** arrays and
# leave the inputs unchanged (no `G /= ...`), in the input's dtype (float32 in, float32 out).

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

from adamlib.grading import check, demo, report

# %% [markdown]
# ## Exercise 1 — Newton–Schulz orthogonalisation (2 points)
#
# Implement `newton_schulz(G, coefficients, steps, eps) -> X` as `torch.optim.Muon` computes
# it, for an $m \times n$ matrix $G$:
#
# 1. if $G$ is tall ($m > n$), work with $X = G^\top$ (then $XX^\top$ is the smaller Gram
#    matrix), else $X = G$;
# 2. divide by the Frobenius norm, at least `eps`: $X \leftarrow X / \max(\|X\|_F, \epsilon)$
#    (`np.linalg.norm(X)`), so that every singular value is at most 1;
# 3. `steps` times, with $(a, b, c)$ = `coefficients`:
#    $A = XX^\top$, $\;X \leftarrow aX + (bA + cA^2)X$;
# 4. transpose back if you transposed, so that the result has $G$'s shape.
#
# Muon's coefficients are $(3.4445, -4.7750, 2.0315)$ with 5 steps; the checks also use others.

# %%
def newton_schulz(G, coefficients, steps, eps):
    """Approximately orthogonalise G (its singular values near 1). Returns a new array."""
    ### BEGIN SOLUTION
    a, b, c = coefficients
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if tall else X
    ### END SOLUTION


# %%
check("newton_schulz", newton_schulz)

# %% [markdown]
# Your iteration in action: a $40 \times 20$ matrix whose singular values span three decades,
# and its singular values after 1 to 5 steps with Muon's coefficients. The small ones grow by
# about $a = 3.4445$ per step; those that start above about $2 \cdot 10^{-3}$ (after the
# division by the Frobenius norm) end in the band $[0.68, 1.2]$, the smallest here is still on
# its way after five steps.

# %%
rng = np.random.default_rng(3)
Q1, _ = np.linalg.qr(rng.normal(size=(40, 40)))
Q2, _ = np.linalg.qr(rng.normal(size=(20, 20)))
G = Q1[:, :20] @ np.diag(np.geomspace(1.0, 1e-3, 20)) @ Q2.T
with demo("newton_schulz"):
    fig, ax = plt.subplots()
    before = np.linalg.svd(G / np.linalg.norm(G), compute_uv=False)
    for k in range(1, 6):
        after = np.linalg.svd(newton_schulz(G, (3.4445, -4.775, 2.0315), k, 1e-7),
                              compute_uv=False)
        ax.plot(before, after, "o-", ms=3, label=f"{k} step{'s' * (k > 1)}")
    ax.set_xscale("log")
    ax.set_xlabel("singular value after dividing by the Frobenius norm")
    ax.set_ylabel("singular value after Newton–Schulz")
    ax.set_title("Your newton_schulz on a 40×20 matrix")
    ax.legend()
    plt.show()
    print(f"after 5 steps the singular values lie between {after.min():.2f} and "
          f"{after.max():.2f}")

# %% [markdown]
# ## Exercise 2 — one step of Muon (2 points)
#
# Implement `muon_step(W, grad, M, lr, momentum, nesterov, weight_decay) -> (W_new, M_new)`,
# one step of `torch.optim.Muon` with its defaults for the rest (the quintic coefficients,
# 5 steps, `eps=1e-7`, `adjust_lr_fn="original"`); use your `newton_schulz`:
#
# $$M_{\text{new}} = \mu M + (1 - \mu)\, G, \qquad
#   U = \begin{cases} G + \mu (M_{\text{new}} - G) & \text{nesterov} \\
#                     M_{\text{new}} & \text{otherwise} \end{cases}$$
#
# $$W_{\text{new}} = (1 - \eta\lambda)\, W - \eta\sqrt{\max(1, m/n)}\;
#   \mathrm{NS}(U)$$
#
# for an $m \times n$ matrix $W$, with $\mu$ = `momentum`, $\lambda$ = `weight_decay` and
# $\eta$ = `lr` (the decay uses $\eta$ itself, the step the adjusted $\eta$).

# %%
def muon_step(W, grad, M, lr, momentum, nesterov, weight_decay):
    """One Muon step. Returns (W_new, M_new)."""
    ### BEGIN SOLUTION
    M_new = momentum * M + (1 - momentum) * grad
    U = grad + momentum * (M_new - grad) if nesterov else M_new
    rows, cols = W.shape
    O = newton_schulz(U, (3.4445, -4.775, 2.0315), 5, 1e-7)
    W_new = (1 - lr * weight_decay) * W - lr * max(1, rows / cols) ** 0.5 * O
    return W_new, M_new
    ### END SOLUTION


# %%
check("muon_step", muon_step)

# %% [markdown]
# Your step against `adamlib.optim.Muon` for 20 steps on a tall matrix, and the size of each
# update in spectral norm: Muon's steps all have about the same size, $\eta\sqrt{m/n}$ times a
# number near 1, whatever the size of the gradient (here the gradients shrink by 10 % per step).

# %%
from adamlib.optim import Muon

with demo("muon_step"):
    rng = np.random.default_rng(5)
    W, M = rng.normal(size=(6, 3)), np.zeros((6, 3))
    W_lib = W.copy()
    opt = Muon([W_lib], lr=0.02)
    sizes = []
    for t in range(20):
        grad = 0.9**t * rng.normal(size=(6, 3))
        W_next, M = muon_step(W, grad, M, lr=0.02, momentum=0.95, nesterov=True,
                              weight_decay=0.1)
        sizes.append(np.linalg.norm(W_next - (1 - 0.02 * 0.1) * W, 2))
        W = W_next
        opt.step([grad])
    gap = np.abs(W - W_lib).max()
    print("after 20 steps your W and adamlib's agree to "
          + ("< 1e-12" if gap < 1e-12 else f"{gap:.1e} only"))
    fig, ax = plt.subplots()
    ax.plot(np.arange(1, 21), sizes, "o-", label="your update, spectral norm")
    ax.axhline(0.02 * 2**0.5, color="k", ls=":", label=r"$\eta\sqrt{m/n}$")
    ax.set_xlabel("step")
    ax.set_ylabel("spectral norm of the update")
    ax.set_title("Muon's steps keep their size while the gradients shrink")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. A wrong answer gets a hint
# at the likely misconception, never the answer.
#
# **Question 1.** A $1000 \times 500$ weight matrix. How many times more numbers does
# full-matrix Adagrad's preconditioner hold than Shampoo's two factors $L$ and $R$ together?
# *(A number; accepted within 1 %.)*

# %%
def q11_kronecker_memory():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Full-matrix Adagrad works on the vector of all m n = 500,000 entries: its matrix has
    # (m n)^2 = 2.5e11 entries. Shampoo keeps L (m x m) and R (n x n): 1e6 + 2.5e5 = 1.25e6.
    # The ratio is 2e5.
    return (1000 * 500) ** 2 / (1000**2 + 500**2)
    ### END SOLUTION


# %%
check("q11_kronecker_memory", q11_kronecker_memory)

# %% [markdown]
# **Question 2.** After dividing by the Frobenius norm, a singular value of the update is
# $\sigma = 0.001$. What is it after two Newton–Schulz steps with Muon's coefficients
# $(a, b, c) = (3.4445, -4.7750, 2.0315)$? *(A number; accepted within 1 %.)*

# %%
def q11_small_singular_value():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Each step maps sigma to a sigma + b sigma^3 + c sigma^5 (the singular vectors stay). For
    # sigma = 0.001 the first term dominates: about 3.4445^2 * 0.001 = 0.0119 after two steps.
    def p(s):
        return 3.4445 * s - 4.775 * s**3 + 2.0315 * s**5

    return p(p(0.001))
    ### END SOLUTION


# %%
check("q11_small_singular_value", q11_small_singular_value)

# %% [markdown]
# **Question 3.** Muon's step $-\eta\, UV^\top$ (for $G = U\Sigma V^\top$) minimises
# $\langle G, \Delta\rangle$ over all steps $\Delta$ with a norm of at most $\eta$. Which norm?
# *(Return one letter.)*
#
# - **A** The Frobenius norm (the Euclidean norm of all entries).
# - **B** The max-norm, the largest absolute entry.
# - **C** The spectral norm, the largest singular value.
# - **D** The nuclear norm, the sum of the singular values.

# %%
def q11_muon_norm():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # <G, Delta> = sum_i sigma_i u_i^T Delta v_i, and |u_i^T Delta v_i| <= ||Delta||_2 (the
    # spectral norm) for every i, so <G, Delta> >= -eta sum_i sigma_i, with equality for
    # Delta = -eta U V^T: every singular value of the step equal to eta (lecture 11, Bernstein &
    # Newhouse 2024). The Frobenius norm gives -eta G/||G||, the max-norm -eta sign(G).
    return "C"
    ### END SOLUTION


# %%
check("q11_muon_norm", q11_muon_norm)

# %% [markdown]
# ## Your score

# %%
report()
