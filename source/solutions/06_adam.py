# %% [markdown]
# # 06 — Adam: exercises
#
# These exercises go with [lecture 06](../lectures/06_adam.ipynb). Write each function where it
# says `# YOUR CODE HERE`, then run the cell below it: `check(...)` runs your function on many cases (several shapes,
# float32 and float64, non-default hyperparameters, several consecutive steps) and tells you what
# is wrong — not just *that* something is wrong. The last cell shows your score.
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
# ## Exercise 1 — one step of Adam (3 points)
#
# Implement `adam_step(x, grad, m, v, t, lr, beta1, beta2, eps) -> (x_new, m_new, v_new)`,
# Kingma & Ba's Algorithm 1 as in PyTorch. `t` is the number of the update, **1 at the first
# update**:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,$$
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
#   x_t = x_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.$$
#
# Return the **uncorrected** `m_new` and `v_new` (they are the state for the next step).
#
# *Rules:* return **new** arrays, leave the inputs unchanged (no `m *= beta1`, no `x -= ...`),
# and keep the input's dtype (float32 in, float32 out).

# %%
def adam_step(x, grad, m, v, t, lr, beta1, beta2, eps):
    """One Adam update. Returns (x_new, m_new, v_new)."""
    ### BEGIN SOLUTION
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    x_new = x - lr * m_hat / (np.sqrt(v_hat) + eps)
    return x_new, m_new, v_new
    ### END SOLUTION


# %%
check("adam_step", adam_step)

# %% [markdown]
# Your step in action: 300 steps on Rosenbrock with $\eta = 0.1$, drawn next to
# `adamlib.optim.Adam` (the two paths should coincide).

# %%
from adamlib.functions import rosenbrock
from adamlib.optim import Adam
from adamlib.plotting import plot_trajectories
from adamlib.run import run, run_optimizer


def my_adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state = {"m": 0.0, "v": 0.0, "t": 0}

    def step(x, g):
        state["t"] += 1
        x_new, state["m"], state["v"] = adam_step(x, g, state["m"], state["v"], state["t"],
                                                  lr=lr, beta1=beta1, beta2=beta2, eps=eps)
        return x_new

    return step


with demo("adam_step"):
    mine = run(rosenbrock, my_adam(0.1), steps=300, label="your adam_step, η = 0.1")
    reference = run_optimizer(rosenbrock, Adam, steps=300, lr=0.1, label="adamlib.optim.Adam")
    print(f"f - f* after 300 steps: yours {mine.losses[-1]:.4g}, "
          f"adamlib {reference.losses[-1]:.4g}")
    plot_trajectories(rosenbrock, [reference, mine], title="Adam on Rosenbrock, 300 steps")
    plt.show()

# %% [markdown]
# ## Exercise 2 — the bias-correction factor (1 point)
#
# An exponential moving average started at zero has weights that sum to $1 - \beta^t$ after $t$
# updates, so for stationary gradients $\mathbb{E}[m_t] = (1-\beta^t)\,\mathbb{E}[g]$.
# Implement `bias_correction(beta, t)` returning that factor $1-\beta^t$. `t` is 1 at the first
# update and may also be an integer **array** of steps (return one factor per entry).
#
# *Rules:* whole-array NumPy (no `if` or loop over `t`), and leave `t` unchanged.

# %%
def bias_correction(beta, t):
    """The factor 1 - beta**t by which an EMA started at zero is too small."""
    ### BEGIN SOLUTION
    return 1 - beta**t
    ### END SOLUTION


# %%
check("bias_correction", bias_correction)

# %% [markdown]
# How long does each correction matter? The multiplier $1/(1-\beta^t)$ that turns $m_t$ into
# $\hat m_t$, for Adam's two defaults:

# %%
steps = np.arange(1, 5001)
with demo("bias_correction"):
    fig, ax = plt.subplots()
    for beta, name in ((0.9, r"$\beta_1 = 0.9$ (first moment)"),
                       (0.999, r"$\beta_2 = 0.999$ (second moment)")):
        multiplier = 1 / bias_correction(beta, steps)
        ax.plot(steps, multiplier, label=name)
        above = steps[multiplier > 1.01]
        print(f"beta = {beta}: the correction exceeds 1% until step {above.max()}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"multiplier $1/(1-\beta^t)$")
    ax.set_title("Bias correction fades after about 1/(1-β) steps")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Exercise 3 — one step of AdamW (2 points)
#
# *Weight decay* pulls parameters towards zero. Adding $\lambda x$ to the gradient (L2
# regularisation, `Adam(weight_decay=...)`) sends the decay through $m$ and $v$, so Adam rescales
# it per coordinate like any gradient. Loshchilov & Hutter's **AdamW** *decouples* it: shrink the
# parameters directly, then take the ordinary Adam step. PyTorch's `AdamW` does
#
# $$x' = x\,(1 - \eta\lambda), \qquad \text{then the Adam step of exercise 1 from } x'
#   \text{ (with the unchanged gradient).}$$
#
# Implement `adamw_step(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay)
# -> (x_new, m_new, v_new)`. You may call your `adam_step`. (Lecture 08 compares AdamW with L2
# regularisation.)
#
# *Rules:* as for `adam_step`: **new** arrays, inputs unchanged, the input's dtype kept.

# %%
def adamw_step(x, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    """One AdamW update (PyTorch's convention). Returns (x_new, m_new, v_new)."""
    ### BEGIN SOLUTION
    decayed = x * (1 - lr * weight_decay)
    return adam_step(decayed, grad, m, v, t, lr, beta1, beta2, eps)
    ### END SOLUTION


# %%
check("adamw_step", adamw_step)

# %% [markdown]
# Your AdamW against `adamlib.optim.AdamW` for 20 steps on a random quadratic:

# %%
from adamlib.optim import AdamW

rng = np.random.default_rng(6)
A = np.diag([1.0, 10.0, 100.0])
x_mine = rng.standard_normal(3)
x_lib = x_mine.copy()
opt = AdamW([x_lib], lr=0.05, weight_decay=0.1)
m = v = np.zeros(3)
with demo("adamw_step", "adam_step"):
    for t in range(1, 21):
        x_mine, m, v = adamw_step(x_mine, A @ x_mine, m, v, t, lr=0.05, beta1=0.9, beta2=0.999,
                                  eps=1e-8, weight_decay=0.1)
        opt.step([A @ x_lib])
    np.testing.assert_allclose(x_mine, x_lib, rtol=1e-12, atol=1e-14)
    print(f"after 20 steps: yours {np.round(x_mine, 6)}, adamlib {np.round(x_lib, 6)} (equal to 1e-12)")

# %% [markdown]
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** Adam with $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon$ negligible,
# $m_0 = v_0 = 0$, but **without** bias correction: how large is the first step, in units of
# $\eta$ (that is, $|x_1 - x_0|/\eta$)? *(A number; accepted within 1 %.)*

# %%
def q06_uncorrected_first_step():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # From zero state: m_1 = (1 - beta1) g = 0.1 g and v_1 = (1 - beta2) g^2 = 0.001 g^2, so
    # m_1/sqrt(v_1) = 0.1/sqrt(0.001) = sqrt(10), about 3.16, for any g: the uncorrected first
    # step is three times larger than the corrected one (exactly lr). The second moment's
    # deficit under the square root outweighs the first moment's.
    return (1 - 0.9) / np.sqrt(1 - 0.999)
    ### END SOLUTION


# %%
check("q06_uncorrected_first_step", q06_uncorrected_first_step)

# %% [markdown]
# **Question 2.** Adam with $\beta_2 = 0.999$: after how many steps does the bias correction of
# the second moment ($\hat v_t = v_t/(1-\beta_2^t)$) change the step by less than 1 %? *(A whole
# number of steps; accepted within 2 %.)*

# %%
def q06_bias_correction_steps():
    """Your answer: a number of steps."""
    ### BEGIN SOLUTION
    # The step divides by sqrt(v_hat) = sqrt(v)/sqrt(1 - beta2**t): the correction multiplies
    # the uncorrected step by sqrt(1 - beta2**t), i.e. it changes it by the factor
    # 1/sqrt(1 - beta2**t) (> 1 %) until 0.999**t <= 1 - 1/1.01**2, about t = 3925. The
    # multiplier of v itself (the plot above) fades later, around t = 4613, because of the
    # square root; the first moment's correction (beta1 = 0.9) is gone after about 44 steps.
    t = np.arange(1, 10_000)
    return int(t[1 / np.sqrt(1 - 0.999**t) <= 1.01][0])
    ### END SOLUTION


# %%
check("q06_bias_correction_steps", q06_bias_correction_steps)

# %% [markdown]
# ## Your score

# %%
report()
