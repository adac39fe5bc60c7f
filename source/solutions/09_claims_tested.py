# %% [markdown]
# # 09 — Claims tested: exercises
#
# Companion of `lectures/09_claims_tested.ipynb`. The lecture's verdicts rest on a few small
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

from adamlib.grading import check, report

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
w_dagger = min_norm_solution(X, y)
for name, w in [("from w = 0", np.zeros(20)), ("from a random w", rng.standard_normal(20))]:
    opt = SGD([w], lr=0.02)
    for _ in range(3000):
        opt.step([X.T @ (X @ w - y)])
    residual = np.linalg.norm(X @ w - y)
    print(f"{name:16s}: training residual {'< 1e-10' if residual < 1e-10 else f'{residual:.1e}'},"
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

# %% tags=["exercise-raises"]
from adamlib.optim import Adam

y8 = np.array([1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0])
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

# %% tags=["exercise-raises"]
from adamlib.run import sweep

lrs = np.geomspace(1e-4, 10.0, 16)
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
# ## Your score

# %%
report()
