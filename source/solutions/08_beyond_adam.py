# %% [markdown]
# # 08 — Beyond Adam: exercises
#
# These exercises go with [lecture 08](../lectures/08_beyond_adam.ipynb). Write each function
# where it says `# YOUR CODE HERE`, then run the cell below it: `check(...)` runs your function on many cases
# (several shapes, float32 and float64, non-default hyperparameters, several consecutive steps)
# and tells you what is wrong — not just *that* something is wrong. The last cell shows your
# score.
#
# Rules for the step functions: arrays of any shape, computed elementwise; return **new** arrays
# and leave the inputs unchanged (no `x -= ...`). Everything follows PyTorch's conventions, so
# that your functions agree with `adamlib.optim` (and `torch.optim`).

# %%
import math

import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

from adamlib.grading import check, demo, report

# %% [markdown]
# ## Exercise 1 — one step of AMSGrad (2 points)
#
# AMSGrad (Reddi et al., 2018) is Adam that never lets its denominator shrink: it keeps the
# running maximum `v_max` of the second-moment EMA. In PyTorch (`Adam(amsgrad=True)`) the
# maximum is taken over the **uncorrected** $v_t$, and the bias correction is applied
# afterwards:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,
# \qquad v^{\max}_t = \max(v^{\max}_{t-1}, v_t),$$
# $$x_t = x_{t-1} - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v^{\max}_t/(1-\beta_2^t)} + \epsilon}.$$
#
# Implement `amsgrad_step(x, grad, m, v, v_max, t, lr, beta1, beta2, eps)
# -> (x_new, m_new, v_new, v_max_new)`; `t` is 1 at the first update.
#
# *Rules:* return **new** arrays, leave the inputs unchanged (no `m *= ...`, no `x -= ...`), and
# keep the input's dtype (float32 in, float32 out).

# %%
def amsgrad_step(x, grad, m, v, v_max, t, lr, beta1, beta2, eps):
    """One AMSGrad update. Returns (x_new, m_new, v_new, v_max_new)."""
    ### BEGIN SOLUTION
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    v_max_new = np.maximum(v_max, v_new)
    m_hat = m_new / (1 - beta1**t)
    x_new = x - lr * m_hat / (np.sqrt(v_max_new / (1 - beta2**t)) + eps)
    return x_new, m_new, v_new, v_max_new
    ### END SOLUTION


# %%
check("amsgrad_step", amsgrad_step)

# %% [markdown]
# Your AMSGrad on Reddi et al.'s problem from the lecture ($f_t(x) = 3x$ every third step,
# $-x$ otherwise, on $[-1, 1]$, $\beta_1 = 0$, $\beta_2 = 0.1$, step $0.5/\sqrt t$), next to
# `adamlib.optim.Adam` without and with `amsgrad=True`.

# %%
from adamlib.optim import Adam

T = 1500
grads = np.where(np.arange(1, T + 1) % 3 == 1, 3.0, -1.0)


def projected_run(step_fn):
    x, path = np.zeros(1), [0.0]
    for t, g in enumerate(grads, start=1):
        x = np.clip(step_fn(x, np.array([g]), t), -1.0, 1.0)
        path.append(float(x[0]))
    return np.array(path)


def library(amsgrad):
    opt, box = None, {}

    def step(x, g, t):
        nonlocal opt
        if opt is None:
            box["x"] = x.copy()
            opt = Adam([box["x"]], lr=0.5, betas=(0.0, 0.1), amsgrad=amsgrad)
        box["x"][...] = x
        opt.lr = 0.5 / math.sqrt(t)
        opt.step([g])
        return box["x"].copy()

    return step


state = {"m": np.zeros(1), "v": np.zeros(1), "v_max": np.zeros(1)}


def yours(x, g, t):
    x_new, state["m"], state["v"], state["v_max"] = amsgrad_step(
        x, g, state["m"], state["v"], state["v_max"], t, lr=0.5 / math.sqrt(t), beta1=0.0,
        beta2=0.1, eps=1e-8)
    return x_new


with demo("amsgrad_step"):
    paths = {"Adam (adamlib)": projected_run(library(False)),
             "AMSGrad (adamlib)": projected_run(library(True)),
             "your amsgrad_step": projected_run(yours)}
    for name, path in paths.items():
        print(f"{name:18s}: final x = {path[-1]:+.3f}")
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for (name, path), ls in zip(paths.items(), ["-", "-", "--"]):
        ax.plot(path, ls, label=name)
    ax.axhline(-1, color="k", lw=0.8, ls=":", label="best point $x^* = -1$")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, T)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("$x_t$")
    ax.set_title("Reddi et al.'s problem with your AMSGrad")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Exercise 2 — one step of Adamax (2 points)
#
# Adamax replaces Adam's $\sqrt{v_t}$ by an exponentially decaying maximum of $|g|$ (the
# $p \to \infty$ limit of an $L^p$ average). PyTorch adds $\epsilon$ *inside* the maximum and
# bias-corrects only $m$:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
# u_t = \max\big(\beta_2 u_{t-1},\ |g_t| + \epsilon\big), \qquad
# x_t = x_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{u_t}.$$
#
# Implement `adamax_step(x, grad, m, u, t, lr, beta1, beta2, eps) -> (x_new, m_new, u_new)`.
#
# *Rules:* return **new** arrays, leave the inputs unchanged (no `m *= ...`, no `x -= ...`), and
# keep the input's dtype (float32 in, float32 out).

# %%
def adamax_step(x, grad, m, u, t, lr, beta1, beta2, eps):
    """One Adamax update. Returns (x_new, m_new, u_new)."""
    ### BEGIN SOLUTION
    m_new = beta1 * m + (1 - beta1) * grad
    u_new = np.maximum(beta2 * u, np.abs(grad) + eps)
    x_new = x - lr / (1 - beta1**t) * m_new / u_new
    return x_new, m_new, u_new
    ### END SOLUTION


# %%
check("adamax_step", adamax_step)

# %% [markdown]
# Your Adamax against `adamlib.optim.Adamax` for 50 steps on a badly scaled quadratic:

# %%
from adamlib.optim import Adamax

scales = np.array([1.0, 10.0, 100.0])
x_mine = np.array([1.0, -2.0, 0.5])
x_lib = x_mine.copy()
opt = Adamax([x_lib], lr=0.05)
m = u = np.zeros(3)
with demo("adamax_step"):
    for t in range(1, 51):
        x_mine, m, u = adamax_step(x_mine, scales * x_mine, m, u, t, lr=0.05, beta1=0.9,
                                   beta2=0.999, eps=1e-8)
        opt.step([scales * x_lib])
    np.testing.assert_allclose(x_mine, x_lib, rtol=1e-10, atol=1e-12)
    print(f"after 50 steps: yours {np.round(x_mine, 6)}, adamlib {np.round(x_lib, 6)}")

# %% [markdown]
# ## Exercise 3 — one step of Adadelta (2 points)
#
# Adadelta (Zeiler, 2012) replaces the learning rate by the RMS of its own past steps.
# PyTorch's version (which keeps a multiplier `lr`, default 1.0):
#
# $$s_t = \rho\, s_{t-1} + (1-\rho)\, g_t^2, \qquad
# \Delta_t = \frac{\sqrt{a_{t-1} + \epsilon}}{\sqrt{s_t + \epsilon}}\, g_t, \qquad
# a_t = \rho\, a_{t-1} + (1-\rho)\, \Delta_t^2, \qquad x_t = x_{t-1} - \eta\,\Delta_t,$$
#
# with $s$ = `sq_avg` and $a$ = `acc_delta`. Note that $a$ averages the *unscaled* step
# $\Delta_t$. Implement `adadelta_step(x, grad, sq_avg, acc_delta, lr, rho, eps)
# -> (x_new, sq_avg_new, acc_delta_new)`.
#
# *Rules:* return **new** arrays, leave the inputs unchanged (no `m *= ...`, no `x -= ...`), and
# keep the input's dtype (float32 in, float32 out).

# %%
def adadelta_step(x, grad, sq_avg, acc_delta, lr, rho, eps):
    """One Adadelta update. Returns (x_new, sq_avg_new, acc_delta_new)."""
    ### BEGIN SOLUTION
    sq_avg_new = rho * sq_avg + (1 - rho) * grad**2
    delta = np.sqrt(acc_delta + eps) / np.sqrt(sq_avg_new + eps) * grad
    acc_delta_new = rho * acc_delta + (1 - rho) * delta**2
    return x - lr * delta, sq_avg_new, acc_delta_new
    ### END SOLUTION


# %%
check("adadelta_step", adadelta_step)

# %% [markdown]
# The first step of Adadelta is about $\sqrt{\epsilon/(1-\rho)}$ per coordinate whatever the
# gradient (lecture 08). Check it with your function for gradients of very different sizes:

# %%
grad = np.array([1e-3, 1.0, 1e3])
with demo("adadelta_step"):
    for eps in (1e-6, 1e-4):
        x_new, _, _ = adadelta_step(np.zeros(3), grad, np.zeros(3), np.zeros(3), lr=1.0,
                                    rho=0.9, eps=eps)
        print(f"eps = {eps:g}: first steps {np.round(-x_new, 6)}; sqrt(eps / (1 - rho)) = "
              f"{math.sqrt(eps / 0.1):.6f}")

# %% [markdown]
# (For the smallest gradient, $10^{-3}$, the $\epsilon$ inside $\sqrt{(1-\rho) g^2 + \epsilon}$ is
# not negligible, so its first step is smaller.)
#
# ## Exercise 4 — RAdam's rectification (1 point)
#
# RAdam (Liu et al., 2020) multiplies Adam's adaptive step by
#
# $$\rho_\infty = \frac{2}{1-\beta_2} - 1, \qquad
# \rho_t = \rho_\infty - \frac{2t\,\beta_2^t}{1-\beta_2^t}, \qquad
# r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\,\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\,\rho_t}},$$
#
# and takes no adaptive step at all while $\rho_t \le 5$ (PyTorch's threshold). Implement
# `radam_rectification(t, beta2)` returning $r_t$ when $\rho_t > 5$ and `0.0` otherwise.

# %%
def radam_rectification(t, beta2):
    """RAdam's rectification r_t (0.0 while rho_t <= 5)."""
    ### BEGIN SOLUTION
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
    if rho_t <= 5:
        return 0.0
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    ### END SOLUTION


# %%
check("radam_rectification", radam_rectification)

# %% [markdown]
# The rectification acts like a warmup whose length is set by $\beta_2$:

# %%
steps = np.arange(1, 20_001)
with demo("radam_rectification"):
    fig, ax = plt.subplots()
    for beta2 in (0.9, 0.99, 0.999):
        r = np.array([radam_rectification(int(t), beta2) for t in steps])
        first = steps[r > 0][0]
        half = steps[r >= 0.5][0]
        print(f"beta2 = {beta2}: first adaptive step at t = {first}, r_t >= 0.5 from t = {half} "
              f"(2/(1-beta2) = {2 / (1 - beta2):.0f})")
        ax.plot(steps[r > 0], r[r > 0], label=f"β₂ = {beta2}")
    ax.set_xscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel("rectification $r_t$")
    ax.set_title("RAdam's rectification for three values of β₂")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Exercise 5 — linear warmup, then cosine annealing (1 point)
#
# The most common schedule for training large networks with Adam(W). Implement
# `warmup_cosine(step, peak_lr, warmup_steps, total_steps, final_lr=0.0)`, the learning rate to
# use at optimizer step `step` (counted from 0):
#
# * `step < warmup_steps`: linear warmup, `peak_lr * step / warmup_steps` (0 at step 0);
# * `warmup_steps <= step < total_steps`: cosine annealing from `peak_lr` to `final_lr`,
#   $\eta = \eta_{\rm final} + (\eta_{\rm peak} - \eta_{\rm final})\,
#   \tfrac12\big(1 + \cos(\pi p)\big)$ with progress
#   $p = (\text{step} - \text{warmup\_steps}) / (\text{total\_steps} - \text{warmup\_steps})$;
# * `step >= total_steps`: `final_lr`.
#
# (`warmup_steps` may be 0: then there is no warmup.)

# %%
def warmup_cosine(step, peak_lr, warmup_steps, total_steps, final_lr=0.0):
    """Learning rate at `step`: linear warmup to peak_lr, cosine annealing to final_lr."""
    ### BEGIN SOLUTION
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))
    ### END SOLUTION


# %%
check("warmup_cosine", warmup_cosine)

# %% [markdown]
# Your schedule next to the same shape built from `adamlib.schedules` (PyTorch's `LinearLR`
# cannot start at exactly 0, so it starts at 1% of the peak):

# %%
from adamlib.optim import SGD
from adamlib.schedules import CosineAnnealingLR, LinearLR, SequentialLR

TOTAL, WARM, PEAK = 200, 20, 0.1
opt = SGD([np.zeros(1)], lr=PEAK)
sched = SequentialLR(opt, [LinearLR(opt, start_factor=0.01, total_iters=WARM),
                           CosineAnnealingLR(opt, T_max=TOTAL - WARM)], milestones=[WARM])
library_lrs = []
for _ in range(TOTAL):
    library_lrs.append(sched.get_last_lr()[0])
    opt.step([np.zeros(1)])
    sched.step()
with demo("warmup_cosine"):
    mine = [warmup_cosine(s, PEAK, WARM, TOTAL) for s in range(TOTAL)]
    gap = np.max(np.abs(np.array(mine[WARM:]) - np.array(library_lrs[WARM:])))
    print(f"largest difference after the warmup: {'< 1e-12' if gap < 1e-12 else f'{gap:.1e}'}")
    fig, ax = plt.subplots()
    ax.plot(mine, label="your warmup_cosine")
    ax.plot(library_lrs, "--", label="SequentialLR(LinearLR, CosineAnnealingLR)")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(r"learning rate $\eta$")
    ax.set_title("Warmup for 20 steps, cosine annealing to step 200")
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
# **Question 1.** AdamW (PyTorch's convention: $x \leftarrow x(1 - \eta\lambda)$, then the Adam
# step) with $\eta = 10^{-3}$ and weight decay $\lambda = 10^{-2}$, on a parameter whose loss
# gradient is always 0. After how many steps is the parameter halved? *(A whole number of
# steps; accepted within 1 %.)*

# %%
def q08_adamw_half_life():
    """Your answer: a number of steps."""
    ### BEGIN SOLUTION
    # With a zero gradient m and v stay 0, so the Adam part of the step is 0/(0 + eps) = 0 and
    # only the decoupled decay acts: x_t = (1 - lr*wd)**t x_0 = (1 - 1e-5)**t x_0. It halves at
    # t = ln 2 / -ln(1 - 1e-5), about ln 2/(lr*wd) = 69,315 steps. (With Adam + L2 instead, the
    # decay gradient wd*x would be normalised by sqrt(v) and shrink x by about lr per step,
    # whatever wd.)
    return int(np.ceil(np.log(0.5) / np.log(1 - 1e-3 * 1e-2)))
    ### END SOLUTION


# %%
check("q08_adamw_half_life", q08_adamw_half_life)

# %% [markdown]
# **Question 2.** Reddi et al.'s problem of exercise 1: $f_t(x) = 3x$ at every third step and
# $-x$ otherwise, on $[-1, 1]$. The average gradient is $+1/3$, so the best point is $x = -1$.
# Adam with $\beta_1 = 0$, $\beta_2 = 0.1$ drifts to $x = +1$. Why? *(Return one letter.)*
#
# - **A** $\epsilon$ is too small, so the steps blow up.
# - **B** $v$ remembers almost only the last gradient, so the rare gradient 3 gets a step about
#   as large as each gradient $-1$: two steps up, one step down per period.
# - **C** Bias correction is missing in Adam.
# - **D** The learning rate $0.5/\sqrt t$ is too large; with a smaller one Adam would reach $-1$.

# %%
def q08_reddi_counterexample():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # With beta2 = 0.1, v_t = 0.1 v_{t-1} + 0.9 g_t^2 is dominated by the current g^2: after
    # g = 3, sqrt(v) is about 3 and the step about lr; after g = -1, sqrt(v) falls back towards
    # 1 within a step and the step is again about lr. Per period of three steps Adam moves down
    # once and up twice by similar amounts: a net drift to +1, although the large gradient says
    # -1. AMSGrad keeps the maximum of v and so remembers the 9: it goes to -1 (the plot above).
    return "B"
    ### END SOLUTION


# %%
check("q08_reddi_counterexample", q08_reddi_counterexample)

# %% [markdown]
# ## Your score

# %%
report()
