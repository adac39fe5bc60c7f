# %% [markdown]
# # 06 — Adam: exercises
#
# Companion of `lectures/06_adam.ipynb`. Write each function where it says `# YOUR CODE HERE`,
# then run the cell below it: `check(...)` runs your function on many cases (several shapes,
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

from adamlib.grading import check, report

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

# %% tags=["exercise-raises"]
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


mine = run(rosenbrock, my_adam(0.1), steps=300, label="your adam_step, η = 0.1")
reference = run_optimizer(rosenbrock, Adam, steps=300, lr=0.1, label="adamlib.optim.Adam")
print(f"f - f* after 300 steps: yours {mine.losses[-1]:.4g}, adamlib {reference.losses[-1]:.4g}")
plot_trajectories(rosenbrock, [reference, mine], title="Adam on Rosenbrock, 300 steps")
plt.show()

# %% [markdown]
# ## Exercise 2 — the bias-correction factor (1 point)
#
# An exponential moving average started at zero has weights that sum to $1 - \beta^t$ after $t$
# updates, so for stationary gradients $\mathbb{E}[m_t] = (1-\beta^t)\,\mathbb{E}[g]$.
# Implement `bias_correction(beta, t)` returning that factor $1-\beta^t$. `t` is 1 at the first
# update and may also be an integer **array** of steps (return one factor per entry).

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

# %% tags=["exercise-raises"]
steps = np.arange(1, 5001)
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

# %% tags=["exercise-raises"]
from adamlib.optim import AdamW

rng = np.random.default_rng(6)
A = np.diag([1.0, 10.0, 100.0])
x_mine = rng.standard_normal(3)
x_lib = x_mine.copy()
opt = AdamW([x_lib], lr=0.05, weight_decay=0.1)
m = v = np.zeros(3)
for t in range(1, 21):
    x_mine, m, v = adamw_step(x_mine, A @ x_mine, m, v, t, lr=0.05, beta1=0.9, beta2=0.999,
                              eps=1e-8, weight_decay=0.1)
    opt.step([A @ x_lib])
np.testing.assert_allclose(x_mine, x_lib, rtol=1e-12, atol=1e-14)
print(f"after 20 steps: yours {np.round(x_mine, 6)}, adamlib {np.round(x_lib, 6)} (equal to 1e-12)")

# %% [markdown]
# ## Your score

# %%
report()
