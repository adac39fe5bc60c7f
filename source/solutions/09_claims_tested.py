# %% [markdown]
# # 09 — Claims tested: exercises
#
# These exercises go with [lecture 09](../lectures/09_claims_tested.ipynb). The lecture's verdicts rest on a few small
# tools — the minimum-norm solution, Wilson et al.'s dataset, "steps to a tolerance" and "the
# window of good learning rates". Here you write them yourself. Write each function where it
# says `# YOUR CODE HERE`, then run the cell below it: `check(...)` tries your function on many
# cases and tells you what is wrong. The last cell shows your score.
#
# Rule for every function: leave the inputs unchanged (no `X *= ...`, no `losses.sort()`).

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

from adamlib.grading import check, demo, report

# %% [markdown]
# ## Exercise 1 — the minimum-norm solution (2 points)
#
# Among all $w$ that minimise $\|Xw - y\|^2$, the one with the smallest $\|w\|$ is
# $w^\dagger = X^+ y$, with $X^+$ the Moore–Penrose pseudo-inverse. When $X$ has more columns
# than rows there are infinitely many exact solutions, and gradient descent started at $w = 0$
# converges to exactly this one. Implement `min_norm_solution(X, y) -> w`.
#
# *Hint:* `np.linalg.pinv` or `np.linalg.lstsq(X, y, rcond=None)[0]` (which also returns the
# minimum-norm solution). Do not solve the normal equations $X^\top X w = X^\top y$: with more
# columns than rows $X^\top X$ is singular.
#
# *Rules:* return a **new** array of shape `(d,)` and leave `X` and `y` unchanged.

# %%
def min_norm_solution(X, y):
    """The minimum-norm least-squares solution of X w = y."""
    ### BEGIN SOLUTION
    return np.linalg.pinv(X) @ y
    ### END SOLUTION


# %%
check("min_norm_solution", min_norm_solution)

# %% [markdown]
# Gradient descent (`adamlib.optim.SGD`) on a random problem with 5 examples and 20 features,
# once from $w = 0$ and once from a random start. Both fit the data; only one finds your
# solution.

# %% tags=["exercise-raises"]
from adamlib.optim import SGD

rng = np.random.default_rng(9)
X = rng.standard_normal((5, 20))
y = rng.standard_normal(5)
w_random = rng.standard_normal(20)
with demo("min_norm_solution"):
    w_dagger = min_norm_solution(X, y)
    for name, w in [("from w = 0", np.zeros(20)), ("from a random w", w_random)]:
        opt = SGD([w], lr=0.02)
        for _ in range(3000):
            opt.step([X.T @ (X @ w - y)])
        residual = np.linalg.norm(X @ w - y)
        print(f"{name:16s}: training residual "
              f"{'< 1e-10' if residual < 1e-10 else f'{residual:.1e}'},"
              f" |w| = {np.linalg.norm(w):.3f}, distance to your solution "
              f"{np.linalg.norm(w - w_dagger):.3f}")
    print(f"your solution: |w| = {np.linalg.norm(w_dagger):.3f}")

# %% [markdown]
# ## Exercise 2 — Wilson et al.'s dataset (2 points)
#
# Implement `wilson_dataset(y) -> X` for labels $y_i \in \{-1, +1\}$ ($n$ of them), an array of
# shape $(n, 6n)$ of floats, following Wilson et al. (2017), section 3.3, with 0-based columns:
#
# * column 0 holds the label: `X[i, 0] = y[i]`;
# * columns 1 and 2 are always 1;
# * example $i$ has its own block of "unique" features starting at column $3 + 5i$: **one**
#   entry equal to 1 if $y_i = +1$, **five** consecutive entries equal to 1 if $y_i = -1$;
# * everything else is 0.
#
# (The paper counts columns from 1 and writes the block as $j = 4 + 5(i-1), \dots,
# 4 + 5(i-1) + 2(1 - y_i)$.)
#
# *Rules:* return a **new** float array and leave `y` unchanged.

# %%
def wilson_dataset(y):
    """Wilson et al.'s design matrix of shape (n, 6n) for labels y in {-1, +1}."""
    ### BEGIN SOLUTION
    y = np.asarray(y)
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1:3] = 1.0
    for i in range(n):
        start = 3 + 5 * i
        X[i, start:start + (1 if y[i] == 1 else 5)] = 1.0
    return X
    ### END SOLUTION


# %%
check("wilson_dataset", wilson_dataset)

# %% [markdown]
# Your dataset for eight labels, and what the minimum-norm solution and Adam (`adamlib.optim`,
# 3000 full-batch steps from $w = 0$) do with it. A new example has only features 0–2 in common
# with the training data, so its score is $w_0 y + w_1 + w_2$.

# %%
from adamlib.optim import Adam

y8 = np.array([1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0])
with demo("wilson_dataset", "min_norm_solution"):
    X8 = wilson_dataset(y8)
    print("X sign(X^T y) = 4 y:", np.allclose(X8 @ np.sign(X8.T @ y8), 4 * y8))
    w_adam = np.zeros(X8.shape[1])
    opt = Adam([w_adam], lr=0.01)
    for _ in range(3000):
        opt.step([X8.T @ (X8 @ w_adam - y8) / len(y8)])
    w_mn = min_norm_solution(X8, y8)
    for name, w in [("minimum norm", w_mn), ("Adam", w_adam)]:
        scores = {label: w[0] * label + w[1] + w[2] for label in (1.0, -1.0)}
        print(f"{name:12s}: w[0:3] = {np.round(w[:3], 3)}; score of a new positive "
              f"{scores[1.0]:+.3f}, of a new negative {scores[-1.0]:+.3f}")

    fig, ax = plt.subplots(figsize=(9, 2.6))
    ax.imshow(X8, cmap="RdBu", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.grid(False)
    ax.set_xlabel("feature (column)")
    ax.set_ylabel("example")
    ax.set_title("Wilson et al.'s design for y = (1, -1, 1, 1, -1, 1, 1, -1): red -1, blue +1")
    plt.show()

# %% [markdown]
# ## Exercise 3 — steps to a tolerance (1 point)
#
# Implement `steps_to_tolerance(losses, tol) -> int`: the first index $t$ with
# `losses[t] <= tol`, or `-1` if the tolerance is never reached. `losses[0]` is the loss at the
# start. Losses need not decrease monotonically and may contain `inf` or `nan` (a divergent run).
#
# *Careful:* `np.argmax(losses <= tol)` returns 0 when no entry is `True`.
#
# *Rules:* return a Python `int` and leave `losses` unchanged (no `losses.sort()`).

# %%
def steps_to_tolerance(losses, tol):
    """First index t with losses[t] <= tol; -1 if there is none."""
    ### BEGIN SOLUTION
    hit = np.flatnonzero(np.asarray(losses) <= tol)
    return int(hit[0]) if hit.size else -1
    ### END SOLUTION


# %%
check("steps_to_tolerance", steps_to_tolerance)

# %% [markdown]
# Used on two runs from `adamlib.run`: SGD and Adam on the rotated quadratic of the lecture,
# each at one learning rate.

# %% tags=["exercise-raises"]
from adamlib.functions import quadratic
from adamlib.run import run_optimizer

valley = quadratic(condition_number=100.0, angle=np.pi / 4)
with demo("steps_to_tolerance"):
    for cls, lr in [(SGD, 0.015), (Adam, 0.3), (Adam, 0.003)]:
        traj = run_optimizer(valley, cls, steps=1000, lr=lr)
        gaps = traj.suboptimality(valley)
        t = steps_to_tolerance(gaps, 1e-6 * gaps[0])
        reached = f"at step {t}" if t >= 0 else "not within 1000 steps"
        print(f"{cls.__name__:4s} lr = {lr:<6g}: relative gap 1e-6 reached {reached}")

# %% [markdown]
# ## Exercise 4 — the window of good learning rates (1 point)
#
# Implement `good_lr_window(lrs, final_losses, tol) -> (lr_min, lr_max)`: the smallest and the
# largest learning rate whose final loss is `<= tol`. The learning rates may come in any order;
# return `(nan, nan)` (use `float("nan")`) if no learning rate is good. The width of the window
# in decades is then `log10(lr_max / lr_min)`.
#
# *Rules:* return a tuple of two floats and leave `lrs` and `final_losses` unchanged (sort a
# copy, if you sort).

# %%
def good_lr_window(lrs, final_losses, tol):
    """(smallest, largest) learning rate with final loss <= tol, or (nan, nan)."""
    ### BEGIN SOLUTION
    lrs = np.asarray(lrs, dtype=float)
    good = np.asarray(final_losses) <= tol
    if not good.any():
        return (float("nan"), float("nan"))
    return (float(lrs[good].min()), float(lrs[good].max()))
    ### END SOLUTION


# %%
check("good_lr_window", good_lr_window)

# %% [markdown]
# The windows of SGD and Adam on the rotated quadratic (`adamlib.run.sweep`, 500 steps,
# 16 learning rates, tolerance: a relative gap of $10^{-6}$):

# %%
from adamlib.run import sweep

lrs = np.geomspace(1e-4, 10.0, 16)
with demo("good_lr_window"):
    fig, ax = plt.subplots()
    for cls in (SGD, Adam):
        final = sweep(valley, cls, lrs, steps=500)[:, -1] - valley.min_value
        tol = 1e-6 * (float(valley.f(valley.start)) - valley.min_value)
        lo, hi = good_lr_window(lrs, final, tol)
        width = np.log10(hi / lo) if np.isfinite(lo) else 0.0
        print(f"{cls.__name__:4s}: good learning rates from {lo:.3g} to {hi:.3g} "
              f"({width:.2f} decades)")
        ax.plot(lrs, np.where(np.isfinite(final), np.maximum(final, 1e-300), np.nan), "o-",
                label=cls.__name__)
    ax.axhline(tol, color="k", ls=":", lw=1, label="tolerance")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-30, 1e4)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("$f - f^*$ after 500 steps")
    ax.set_title("Good learning-rate windows on the rotated quadratic (κ = 100)")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** Least squares with more features than examples, gradient descent from
# $w = 0$. Why does it converge to the minimum-norm solution $X^+y$? *(Return one letter.)*
#
# - **A** Every gradient $X^\top(Xw - y)$ lies in the row space of $X$, so $w$ never leaves it,
#   and the only exact solution in the row space is the minimum-norm one.
# - **B** Gradient descent adds an implicit L2 penalty that fades out as it converges.
# - **C** Because the learning rate is small enough.
# - **D** It converges there from any start.

# %%
def q09_min_norm_why():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # Each update subtracts lr * X^T r, a combination of the rows of X, so from w = 0 every
    # iterate lies in the row space of X. The exact solutions are w_dagger + (null space of X),
    # and w_dagger = X^+ y is the one in the row space (orthogonal to the null space), hence
    # the one of minimum norm. From a random start the null-space part of w_0 never changes
    # (exercise 1's demo: the random start ends elsewhere). Nothing is added to the loss, and
    # any stable learning rate gives the same limit.
    return "A"
    ### END SOLUTION


# %%
check("q09_min_norm_why", q09_min_norm_why)

# %% [markdown]
# **Question 2.** Gradient descent with $\eta = 2/(\lambda_{\min} + \lambda_{\max})$ on a
# quadratic with eigenvalues 1 and 100. In the worst case, after how many steps is the loss gap
# $f - f^*$ at most $10^{-6}$ of its initial value (the tolerance of `steps_to_tolerance`
# above)? *(A whole number of steps; accepted within 1 %.)*

# %%
def q09_steps_on_the_loss():
    """Your answer: a number of steps."""
    ### BEGIN SOLUTION
    # Lecture 01: the distance to the minimum shrinks by at most rho = (kappa-1)/(kappa+1)
    # = 99/101 per step. The loss gap of a quadratic is quadratic in the distance, so it shrinks
    # by rho**2: rho**(2t) <= 1e-6 gives t >= ln(1e-6)/(2 ln(99/101)) = 345.4, so 346 steps
    # (twice as many, 691, for the distance itself to shrink by 1e-6).
    rho = 99 / 101
    return int(np.ceil(np.log(1e-6) / (2 * np.log(rho))))
    ### END SOLUTION


# %%
check("q09_steps_on_the_loss", q09_steps_on_the_loss)

# %% [markdown]
# ## Your score

# %%
report()
