# %% [markdown]
# # 04 — Adagrad: exercises
#
# These exercises go with [lecture 04](../lectures/04_adagrad.ipynb). Write each function where it
# says `# YOUR CODE HERE`, then run the cell below it: `check(...)` runs your function on many cases
# (several shapes, float32 and float64, non-default hyperparameters, tiny gradients) and tells you
# what is wrong — not just *that* something is wrong. The last cell shows your score.
#
# Rules for every function: arrays of any shape, computed elementwise; return **new** arrays and
# leave the inputs unchanged (no `x -= ...`).

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

from adamlib.grading import check, demo, report

# %% [markdown]
# ## Exercise 1 — one step of Adagrad (2 points)
#
# Implement `adagrad_step(x, grad, sum_sq, lr, eps) -> (x_new, sum_sq_new)`, as
# `torch.optim.Adagrad` (without weight decay and learning-rate decay):
#
# $$s_t = s_{t-1} + g_t^2, \qquad x_t = x_{t-1} - \frac{\eta\, g_t}{\sqrt{s_t} + \epsilon}.$$
#
# Note that the *new* sum, which already contains $g_t^2$, is used in the step.
#
# *Rules:* return **new** arrays, leave the inputs unchanged (no `sum_sq += ...`), and keep the
# input's dtype (float32 in, float32 out).

# %%
def adagrad_step(x, grad, sum_sq, lr, eps):
    """One Adagrad update. Returns (x_new, sum_sq_new)."""
    ### BEGIN SOLUTION
    sum_sq_new = sum_sq + grad**2
    x_new = x - lr * grad / (np.sqrt(sum_sq_new) + eps)
    return x_new, sum_sq_new
    ### END SOLUTION


# %%
check("adagrad_step", adagrad_step)

# %% [markdown]
# Your step in action on the badly scaled quadratic $f = \tfrac12(x^2 + 100 y^2)$ of the
# lecture, next to gradient descent with its largest stable learning rate:

# %%
from adamlib.functions import quadratic
from adamlib.optim import SGD
from adamlib.plotting import plot_trajectories
from adamlib.run import run, run_optimizer


def my_adagrad(lr, eps=1e-10):
    state = {"sum_sq": 0.0}

    def step(x, g):
        x_new, state["sum_sq"] = adagrad_step(x, g, state["sum_sq"], lr=lr, eps=eps)
        return x_new

    return step


scaled = quadratic(condition_number=100.0)
with demo("adagrad_step"):
    mine = run(scaled, my_adagrad(0.5), steps=60, label="your adagrad_step, η = 0.5")
    gd = run_optimizer(scaled, SGD, steps=60, lr=0.019, label="gradient descent, η = 0.019")
    print(f"f - f* after 60 steps: your Adagrad {mine.losses[-1]:.3g}, "
          f"gradient descent {gd.losses[-1]:.3g}")
    plot_trajectories(scaled, [gd, mine], title="Adagrad on a badly scaled quadratic, 60 steps")
    plt.show()

# %% [markdown]
# ## Exercise 2 — the effective learning rate over time (1 point)
#
# Given the history of gradients of one parameter, `grads` of shape `(T, ...)` (axis 0 is the
# step $t = 1, \dots, T$; the other axes are coordinates), return Adagrad's effective rate at
# every step,
#
# $$\frac{\eta}{\sqrt{s_t} + \epsilon}, \qquad s_t = \sum_{\tau=1}^{t} g_\tau^2,$$
#
# as an array of the same shape. Write `adagrad_effective_lr(grads, lr, eps)` without a Python
# loop (hint: `np.cumsum`).
#
# *Rules:* return a **new** array with the dtype of `grads` (float32 in, float32 out) and leave
# `grads` unchanged.

# %%
def adagrad_effective_lr(grads, lr, eps):
    """Adagrad's per-coordinate rate lr / (sqrt(s_t) + eps) at every step t (axis 0)."""
    ### BEGIN SOLUTION
    return lr / (np.sqrt(np.cumsum(grads**2, axis=0)) + eps)
    ### END SOLUTION


# %%
check("adagrad_effective_lr", adagrad_effective_lr)

# %% [markdown]
# With it, the lecture's claim in one picture: under gradients of constant size (here random
# signs of size 1, and a coordinate that sees a gradient only every 20th step) the rate decays
# like $\eta/\sqrt t$ — more slowly for the rare coordinate, but just as surely.

# %%
rng = np.random.default_rng(4)
T = 2000
grads = np.stack([rng.choice([-1.0, 1.0], T),
                  np.where(np.arange(T) % 20 == 0, rng.choice([-1.0, 1.0], T), 0.0)], axis=1)
steps = np.arange(1, T + 1)
with demo("adagrad_effective_lr"):
    rates = adagrad_effective_lr(grads, lr=0.1, eps=1e-10)
    print(f"after {T} steps: frequent coordinate {rates[-1, 0]:.4f} "
          f"(η/sqrt(T) = {0.1 / np.sqrt(T):.4f}), rare coordinate {rates[-1, 1]:.4f}")
    fig, ax = plt.subplots()
    ax.plot(steps, rates[:, 0], label="gradient at every step")
    ax.plot(steps, rates[:, 1], label="gradient every 20th step")
    ax.plot(steps, 0.1 / np.sqrt(steps), "k:", label=r"$\eta/\sqrt{t}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel("effective learning rate")
    ax.set_title("Adagrad's rate only goes down")
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
# **Question 1.** Two coordinates get gradients of size 1: the first at every step, the second
# only at every 20th step (0 otherwise). After 2000 steps, how many times larger is Adagrad's
# effective learning rate for the second coordinate than for the first? *(A number; accepted
# within 2 %.)*

# %%
def q04_rare_feature_rate():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # The sums of squares after 2000 steps are s = 2000 (every step) and s = 100 (every 20th
    # step); the effective rate is lr/sqrt(s), so the ratio is sqrt(2000/100) = sqrt(20), about
    # 4.5: the rare feature keeps a larger rate, but it decays like 1/sqrt(t) too.
    return np.sqrt(2000 / 100)
    ### END SOLUTION


# %%
check("q04_rare_feature_rate", q04_rare_feature_rate)

# %% [markdown]
# **Question 2.** $f = \tfrac12(x^2 + 100y^2)$, and the same bowl rotated by 45°. Which
# statement holds for Adagrad? *(Return one letter.)*
#
# - **A** It does equally well on both: its per-coordinate rates adapt to any valley.
# - **B** Rotation affects gradient descent but not Adagrad.
# - **C** It does better on the rotated bowl, because both coordinates then see gradients of
#   similar size.
# - **D** It fixes the axis-aligned scaling, but on the rotated bowl each coordinate mixes both
#   curvatures, so a per-coordinate (diagonal) rate cannot undo it.

# %%
def q04_rotation():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # Adagrad multiplies the gradient by a diagonal matrix (one rate per coordinate). On the
    # axis-aligned bowl the curvatures 1 and 100 sit on the axes and a diagonal rescaling
    # removes the bad conditioning. Rotated by 45 degrees, the steep and the flat directions
    # lie between the axes; each coordinate sees both curvatures, so no diagonal rescaling
    # fixes it (lecture 04's rotation experiment). Gradient descent, not Adagrad, is the one
    # that does not care about rotations.
    return "D"
    ### END SOLUTION


# %%
check("q04_rotation", q04_rotation)

# %% [markdown]
# ## Your score

# %%
report()
