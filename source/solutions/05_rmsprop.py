# %% [markdown]
# # 05 — RMSprop: exercises
#
# These exercises go with [lecture 05](../lectures/05_rmsprop.ipynb). Write each function where it
# says `# YOUR CODE HERE`, then run the cell below it: `check(...)` runs your function on many cases
# (several shapes, float32 and float64, non-default hyperparameters, several consecutive steps, tiny
# gradients where $\epsilon$ placement matters) and tells you what is wrong. The last cell shows
# your score.
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
# ## Exercise 1 — one step of RMSprop (2 points)
#
# Implement `rmsprop_step(x, grad, sq_avg, lr, alpha, eps) -> (x_new, sq_avg_new)`, as
# `torch.optim.RMSprop` (no momentum, not centered):
#
# $$v_t = \alpha\, v_{t-1} + (1-\alpha)\, g_t^2, \qquad
#   x_t = x_{t-1} - \frac{\eta\, g_t}{\sqrt{v_t} + \epsilon}.$$
#
# $\epsilon$ goes **after** the square root (PyTorch's placement).
#
# *Rules:* return **new** arrays, leave the inputs unchanged (no `sq_avg *= ...`), and keep the
# input's dtype (float32 in, float32 out).

# %%
def rmsprop_step(x, grad, sq_avg, lr, alpha, eps):
    """One RMSprop update. Returns (x_new, sq_avg_new)."""
    ### BEGIN SOLUTION
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    x_new = x - lr * grad / (np.sqrt(sq_avg_new) + eps)
    return x_new, sq_avg_new
    ### END SOLUTION


# %%
check("rmsprop_step", rmsprop_step)

# %% [markdown]
# Your RMSprop on Rosenbrock, next to `adamlib.optim.RMSprop` (the two should coincide):

# %%
from adamlib.functions import rosenbrock
from adamlib.optim import RMSprop
from adamlib.plotting import plot_losses
from adamlib.run import run, run_optimizer


def my_rmsprop(lr, alpha=0.99, eps=1e-8):
    state = {"sq_avg": 0.0}

    def step(x, g):
        x_new, state["sq_avg"] = rmsprop_step(x, g, state["sq_avg"], lr=lr, alpha=alpha, eps=eps)
        return x_new

    return step


with demo("rmsprop_step"):
    mine = run(rosenbrock, my_rmsprop(0.01), steps=500, label="your rmsprop_step, η = 0.01")
    reference = run_optimizer(rosenbrock, RMSprop, steps=500, lr=0.01,
                              label="adamlib.optim.RMSprop")
    print(f"f - f* after 500 steps: yours {mine.losses[-1]:.4g}, "
          f"adamlib {reference.losses[-1]:.4g}")
    plot_losses([reference, mine], objective=rosenbrock, title="RMSprop on Rosenbrock")
    plt.show()

# %% [markdown]
# ## Exercise 2 — centered RMSprop (2 points)
#
# Centered RMSprop (Graves, 2013) also keeps an EMA of the gradient itself and divides by an
# estimate of the gradient's *standard deviation*:
#
# $$v_t = \alpha v_{t-1} + (1-\alpha) g_t^2, \qquad
#   \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t, \qquad
#   x_t = x_{t-1} - \frac{\eta\, g_t}{\sqrt{v_t - \bar g_t^2} + \epsilon}.$$
#
# Implement `centered_rmsprop_step(x, grad, sq_avg, grad_avg, lr, alpha, eps)
# -> (x_new, sq_avg_new, grad_avg_new)` (`torch.optim.RMSprop(centered=True)` without
# momentum). Use the *new* averages in the denominator.
#
# *Rules:* return **new** arrays, leave the inputs unchanged, keep the input's dtype.

# %%
def centered_rmsprop_step(x, grad, sq_avg, grad_avg, lr, alpha, eps):
    """One centered RMSprop update. Returns (x_new, sq_avg_new, grad_avg_new)."""
    ### BEGIN SOLUTION
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    grad_avg_new = alpha * grad_avg + (1 - alpha) * grad
    x_new = x - lr * grad / (np.sqrt(sq_avg_new - grad_avg_new**2) + eps)
    return x_new, sq_avg_new, grad_avg_new
    ### END SOLUTION


# %%
check("centered_rmsprop_step", centered_rmsprop_step)

# %% [markdown]
# What centering changes: noisy gradients with mean 1 and standard deviation $\sigma$. Plain
# RMSprop divides by $\sqrt{1 + \sigma^2}$, centered RMSprop by $\sigma$ — so with little noise
# the centered steps are much larger.

# %%
rng = np.random.default_rng(5)
sigmas = np.array([0.1, 0.3, 1.0, 3.0])
plain = np.zeros_like(sigmas)
centered = np.zeros_like(sigmas)
v_p, v_c, m_c = np.zeros(4), np.zeros(4), np.zeros(4)
x_p, x_c = np.zeros(4), np.zeros(4)
with demo("rmsprop_step", "centered_rmsprop_step"):
    for t in range(3000):
        g = 1.0 + sigmas * rng.standard_normal(4)
        new_p, v_p = rmsprop_step(x_p, g, v_p, lr=1.0, alpha=0.99, eps=1e-8)
        new_c, v_c, m_c = centered_rmsprop_step(x_c, g, v_c, m_c, lr=1.0, alpha=0.99, eps=1e-8)
        if t >= 1000:
            plain += (x_p - new_p) / 2000
            centered += (x_c - new_c) / 2000
        x_p, x_c = new_p, new_c
    for s, p, c in zip(sigmas, plain, centered):
        print(f"σ = {s:3.1f}: mean step / η plain {p:.3f} "
              f"(1/sqrt(1+σ²) = {1 / np.sqrt(1 + s**2):.3f}), "
              f"centered {c:.3f} (1/σ = {1 / s:.3f})")
    fig, ax = plt.subplots()
    ax.plot(sigmas, plain, "o-", label="RMSprop")
    ax.plot(sigmas, centered, "s-", label="centered RMSprop")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"gradient noise $\sigma$ (mean 1)")
    ax.set_ylabel(r"mean step $/\eta$")
    ax.set_title("Centered RMSprop divides by the noise")
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
# **Question 1.** RMSprop with $\eta = 0.01$, $\alpha = 0.99$, $\epsilon$ negligible and
# $v_0 = 0$ gets the gradient $g = 1000$ at its first step. How large is the first step
# $|x_1 - x_0|$? *(A number; accepted within 1 %.)*

# %%
def q05_first_step():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # v_1 = alpha*0 + (1 - alpha)*g^2, so the step is lr*g/sqrt((1 - alpha) g^2)
    # = lr/sqrt(1 - alpha) = 0.01/0.1 = 0.1, whatever the size of g: ten times the steady-state
    # step lr. The EMA started at zero underestimates g^2 at first; Adam's bias correction
    # (lecture 06) removes exactly this.
    return 0.01 / np.sqrt(1 - 0.99)
    ### END SOLUTION


# %%
check("q05_first_step", q05_first_step)

# %% [markdown]
# **Question 2.** Gradients with mean 1 and standard deviation $\sigma = 0.1$. Long after the
# start, how many times larger is centered RMSprop's mean step than plain RMSprop's (same
# $\eta$, $\alpha$ close to 1, $\epsilon$ negligible)? *(A number; accepted within 2 %.)*

# %%
def q05_centered_ratio():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Plain RMSprop: v -> E[g^2] = mean^2 + sigma^2 = 1.01, step ~ lr*g/sqrt(1.01).
    # Centered: v - gbar^2 -> E[g^2] - E[g]^2 = sigma^2 = 0.01, step ~ lr*g/0.1.
    # Ratio sqrt(1.01)/0.1, about 10: the demo above measures it (1/sigma against
    # 1/sqrt(1 + sigma^2)).
    return np.sqrt(1 + 0.1**2) / 0.1
    ### END SOLUTION


# %%
check("q05_centered_ratio", q05_centered_ratio)

# %% [markdown]
# ## Your score

# %%
report()
