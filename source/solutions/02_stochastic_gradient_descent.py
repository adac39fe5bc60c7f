# %% [markdown]
# # Exercises 02 — Stochastic and minibatch gradient descent
#
# These exercises go with [lecture 02](../lectures/02_stochastic_gradient_descent.ipynb). For each
# one, write the function where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the check cell below it. The check runs your
# function on many cases and tells you what is wrong; it never crashes the notebook. `report()`
# at the end shows your score.
#
# At the end, your three functions together train a linear model with minibatch SGD on real
# data.
#
# *(In `solutions/` the answers are filled in; in `exercises/` they are for you to write.)*

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup
from adamlib.grading import check, demo, report

setup()

# %% [markdown]
# ## Exercise 1 — the minibatches of one epoch
#
# Write `minibatch_indices(n, batch_size, rng)` returning a **list** of 1-d integer index arrays:
# the indices $0, \dots, n-1$ shuffled with the generator `rng` (use it, e.g.
# `rng.permutation`, so that results are reproducible) and cut into consecutive batches of
# `batch_size`. Every index appears exactly once; when `batch_size` does not divide `n`, the last
# batch is smaller. (This is what `adamlib.data.minibatches` does.)
#
# *Rules:* draw the randomness from `rng` only (the same seed must give the same batches; no
# `np.random.permutation`), and leave the inputs unchanged.

# %%
def minibatch_indices(n, batch_size, rng):
    """One epoch of shuffled minibatches: a list of index arrays covering 0..n-1 once."""
    ### BEGIN SOLUTION
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
    ### END SOLUTION


# %%
check("minibatch_indices", minibatch_indices)

# %% [markdown]
# ## Exercise 2 — the gradient of a minibatch
#
# For least squares, example $i$ has the loss $f_i(w) = \tfrac12 (x_i^\top w - y_i)^2$ with
# gradient $(x_i^\top w - y_i)\,x_i$. Write `minibatch_gradient(w, X, y, idx)` returning the
# **average** of these gradients over the rows `idx` of `X` and `y`:
#
# $$g_{\mathcal B} = \frac{1}{|\mathcal B|} \sum_{i \in \mathcal B} (x_i^\top w - y_i)\, x_i
#   = \frac{1}{|\mathcal B|} X_{\mathcal B}^\top (X_{\mathcal B} w - y_{\mathcal B}) .$$
#
# `X` has shape `(n, d)`, `y` shape `(n,)`, `w` shape `(d,)`.
#
# *Rules:* return a **new** array of shape `(d,)` with the dtype of `X` and `w` (float32 in,
# float32 out), and leave the inputs unchanged.

# %%
def minibatch_gradient(w, X, y, idx):
    """Average least-squares gradient over the examples idx."""
    ### BEGIN SOLUTION
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb) / len(idx)
    ### END SOLUTION


# %%
check("minibatch_gradient", minibatch_gradient)

# %% [markdown]
# A minibatch gradient is an **unbiased** estimate of the full gradient: averaged over many
# random batches it approaches the gradient over the whole dataset. Check it with your function
# on the diabetes data of the lecture:

# %%
from adamlib.data import load

ds = load("diabetes", seed=0)
X, y = ds.X_train, ds.y_train
n, d = X.shape
w = np.full(d, 0.1)
with demo("minibatch_gradient"):
    full = minibatch_gradient(w, X, y, np.arange(n))
    rng = np.random.default_rng(0)
    draws = [minibatch_gradient(w, X, y, rng.choice(n, 8, replace=False)) for _ in range(4000)]
    typical = np.sqrt(np.mean(np.sum((np.array(draws) - full) ** 2, axis=1)))
    print(f"|full gradient| = {np.linalg.norm(full):.4f}\n"
          f"|average of 4000 batch gradients - full gradient| = "
          f"{np.linalg.norm(np.mean(draws, axis=0) - full):.4f}\n"
          f"typical |one batch gradient - full gradient| = {typical:.4f}")

# %% [markdown]
# One batch of 8 is far from the full gradient (last number), but the average of many batches
# is close (middle number): the noise averages out, the bias is zero.
#
# ## Exercise 3 — a step-decay schedule
#
# Write `step_decay(t, lr0, drop, every)` returning the learning rate at step `t` (counting from
# 0): start at `lr0` and multiply by `drop` after every `every` steps,
#
# $$\eta_t = \eta_0 \cdot \text{drop}^{\lfloor t / \text{every} \rfloor} .$$


# %%
def step_decay(t, lr0, drop, every):
    """Learning rate at step t: lr0 * drop ** (number of completed periods)."""
    ### BEGIN SOLUTION
    return lr0 * drop ** (t // every)
    ### END SOLUTION


# %%
check("step_decay", step_decay)

# %% [markdown]
# ## Putting it together: minibatch SGD on real data
#
# Your three functions make a complete SGD loop. We train a least-squares model on the diabetes
# data for 40 epochs with batches of 8, once with a constant learning rate and once with your
# step decay (halve every 5 epochs), and plot $f(w) - f^*$ after every epoch. To keep the
# problem well conditioned (so that the noise, not slow progress, is what we see), we use the
# first four features only: age, sex, body mass index and blood pressure.

# %%
X = ds.X_train[:, :4]
d = X.shape[1]


def loss(w):
    r = X @ w - y
    return 0.5 * np.mean(r * r)


f_star = loss(np.linalg.lstsq(X, y, rcond=None)[0])
steps_per_epoch = -(-n // 8)
curves = {}
with demo("minibatch_indices", "minibatch_gradient", "step_decay"):
    for name, schedule in {
        "constant η = 0.05": lambda t: 0.05,
        "step decay: 0.05, halved every 5 epochs": lambda t: step_decay(t, 0.05, 0.5,
                                                                        5 * steps_per_epoch),
    }.items():
        rng = np.random.default_rng(1)
        w, t, gaps = np.zeros(d), 0, [loss(np.zeros(d)) - f_star]
        for _ in range(40):  # epochs
            for idx in minibatch_indices(n, 8, rng):
                w = w - schedule(t) * minibatch_gradient(w, X, y, idx)
                t += 1
            gaps.append(loss(w) - f_star)
        curves[name] = gaps

    fig, ax = plt.subplots()
    for name, gaps in curves.items():
        ax.semilogy(gaps, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"$f(w) - f^*$")
    ax.set_title("Your minibatch SGD on diabetes (B = 8)")
    ax.legend()
    plt.show()
    print("\n".join(f"{name}: f - f* after 40 epochs = {gaps[-1]:.2e}"
                    for name, gaps in curves.items()))

# %% [markdown]
# The constant learning rate stalls at its noise floor; the step decay keeps going down, one
# step of the staircase at a time (final gaps printed above) — the lecture's section 6 in your
# own code.
#
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** Minibatches of 8 examples drawn with replacement give gradients whose typical
# distance from the full gradient (the standard deviation) is 0.6. What typical distance do you
# expect with batches of 32? *(A number; accepted within 2 %.)*

# %%
def q02_batch_noise():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # A minibatch gradient is the mean of B independent draws: its variance is sigma^2 / B, its
    # standard deviation sigma / sqrt(B). Four times the batch size halves the typical distance
    # (it is the variance that shrinks four times).
    return 0.6 / np.sqrt(32 / 8)
    ### END SOLUTION


# %%
check("q02_batch_noise", q02_batch_noise)

# %% [markdown]
# **Question 2.** Minibatch SGD with a constant learning rate $\eta$ on a least-squares problem
# whose minimiser does not fit every example exactly. After many epochs, $f(w) - f^*$ ...
# *(Return one letter.)*
#
# - **A** goes to 0: the minibatch gradient is unbiased, so SGD converges.
# - **B** grows again for every $\eta$: the noise accumulates.
# - **C** stalls at a noise floor that is lower for a smaller $\eta$.
# - **D** stalls at a floor that is the same for every stable $\eta$.

# %%
def q02_constant_lr_floor():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # At the minimiser the full gradient is 0 but the minibatch gradients are not (the examples
    # disagree), so each step moves w away by about lr times the gradient noise, while the pull
    # back towards w* grows with the distance: the two balance at a floor, lower for a smaller
    # lr. That is why the decaying schedules of lecture 02 (and the step decay above) go on
    # improving where the constant rate stalls.
    return "C"
    ### END SOLUTION


# %%
check("q02_constant_lr_floor", q02_constant_lr_floor)

# %% [markdown]
# ## Your score

# %%
report()
