# %% [markdown]
# # 12 — Lean and schedule-free: exercises
#
# These exercises go with [lecture 12](../lectures/12_lean_and_schedule_free.ipynb). Write each
# function where it says `# YOUR CODE HERE`, then run the cell below it: `check(...)` runs your
# function on many cases (several shapes, float32 and float64, non-default hyperparameters,
# several consecutive steps) and tells you what is wrong — not just *that* something is wrong.
# The last cell shows your score.
#
# Rules for the step functions: return **new** arrays and leave the inputs unchanged (no
# `m *= beta2`, no `x -= ...`), and keep the input's dtype (float32 in, float32 out).

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

from adamlib.grading import check, demo, report

# %% [markdown]
# ## Exercise 1 — one step of Lion (2 points)
#
# Lion (Chen et al., 2023) keeps one buffer $m$. With the gradient $g$, learning rate $\eta$,
# betas $(\beta_1, \beta_2)$ and weight decay $\lambda$, one step is
#
# $$c = \beta_1 m + (1-\beta_1)\,g, \qquad
# x_{\rm new} = x\,(1 - \eta\lambda) - \eta\,\operatorname{sign}(c), \qquad
# m_{\rm new} = \beta_2 m + (1-\beta_2)\,g .$$
#
# The sign is taken with the **old** $m$; $\operatorname{sign}(0) = 0$ (`np.sign`). Return
# `(x_new, m_new)`. (This is `lion_pytorch.Lion` and `adamlib.optim.Lion`.)

# %%
def lion_step(x, grad, m, lr, beta1, beta2, weight_decay):
    """One Lion step. Returns (x_new, m_new)."""
    ### BEGIN SOLUTION
    c = beta1 * m + (1 - beta1) * grad
    x_new = x * (1 - lr * weight_decay) - lr * np.sign(c)
    m_new = beta2 * m + (1 - beta2) * grad
    return x_new, m_new
    ### END SOLUTION


# %%
check("lion_step", lion_step)

# %% [markdown]
# Your step in action: 200 steps on an ill-conditioned quadratic
# $f(x) = \tfrac12 (x_1^2 + 25 x_2^2)$ from $(2, 1)$, next to `adamlib.optim.Lion` (the two
# paths should coincide). Every coordinate moves by exactly $\eta$ per step, so the path is
# made of diagonal moves; the momentum carries it past the minimum before it turns back.

# %%
from adamlib.optim import Lion

CURVATURE = np.array([1.0, 25.0])

with demo("lion_step"):
    x_mine, m_mine = np.array([2.0, 1.0]), np.zeros(2)
    x_lib = np.array([2.0, 1.0])
    opt = Lion([x_lib], lr=0.02, betas=(0.9, 0.99))
    mine, lib = [x_mine], [x_lib.copy()]
    for _ in range(200):
        x_mine, m_mine = lion_step(x_mine, CURVATURE * x_mine, m_mine, lr=0.02, beta1=0.9,
                                   beta2=0.99, weight_decay=0.0)
        opt.step([CURVATURE * x_lib])
        mine.append(x_mine)
        lib.append(x_lib.copy())
    mine, lib = np.array(mine), np.array(lib)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(lib[:, 0], lib[:, 1], "-", lw=4, alpha=0.4, label="adamlib.optim.Lion")
    ax.plot(mine[:, 0], mine[:, 1], ".-", ms=3, lw=1, label="your lion_step")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Lion, η = 0.02, on $f = (x_1^2 + 25 x_2^2)/2$")
    ax.legend(fontsize="small")
    plt.show()
    print(f"largest difference between the two paths: "
          f"{'< 1e-12' if np.abs(mine - lib).max() < 1e-12 else np.abs(mine - lib).max()}")

# %% [markdown]
# ## Exercise 2 — Adafactor's factored second moment (3 points)
#
# For a weight matrix with gradient $G$ of shape $(n, m)$, Adafactor keeps a row factor $R$
# (shape $(n, 1)$) and a column factor $C$ (shape $(1, m)$) instead of Adam's $n \times m$
# second moment. At step $t$ (1 at the first step), with `beta2_decay` $\tau < 0$:
#
# $$\hat\beta_{2,t} = 1 - t^{\tau}, \qquad
# R_{\rm new} = \hat\beta_{2,t} R + (1-\hat\beta_{2,t})\,\operatorname{mean}_j G_{ij}^2, \qquad
# C_{\rm new} = \hat\beta_{2,t} C + (1-\hat\beta_{2,t})\,\operatorname{mean}_i G_{ij}^2,$$
#
# (the mean of each **row** of $G^2$ for $R$, of each **column** for $C$; keep the shapes
# $(n, 1)$ and $(1, m)$), and the rank-one reconstruction of the second moment
#
# $$\hat V = \frac{R_{\rm new}\, C_{\rm new}}{\max(\operatorname{mean}(R_{\rm new}),\,
# \epsilon_1)} \qquad (\text{shape } (n, m)).$$
#
# Return `(row_new, col_new, v_hat)`. (These are `row_var`, `col_var` and the variance
# estimate of `torch.optim.Adafactor` and `adamlib.optim.Adafactor`.)

# %%
def adafactor_factored_moment(row_var, col_var, grad, t, beta2_decay, eps1):
    """Adafactor's factored second moment. Returns (row_new, col_new, v_hat)."""
    ### BEGIN SOLUTION
    beta2_t = 1 - t**beta2_decay
    g2 = grad * grad
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    v_hat = row_new * col_new / max(row_new.mean(), eps1)
    return row_new, col_new, v_hat
    ### END SOLUTION


# %%
check("adafactor_factored_moment", adafactor_factored_moment)

# %% [markdown]
# Your factors against `adamlib.optim.Adafactor`'s state over 20 steps on random gradients of
# a $6 \times 4$ matrix, and what the rank-one $\hat V$ keeps: the row and column means of the
# full second moment, exactly.

# %%
from adamlib.optim import Adafactor

with demo("adafactor_factored_moment"):
    rng = np.random.default_rng(0)
    W = rng.normal(size=(6, 4))
    opt = Adafactor([W], lr=0.0)  # lr 0: the state is updated, W is not
    R, C, V_full = np.zeros((6, 1)), np.zeros((1, 4)), np.zeros((6, 4))
    for t in range(1, 21):
        G = rng.normal(size=(6, 4)) * np.array([[1.0, 2.0, 0.5, 3.0]])  # columns of other scales
        opt.step([G])
        R, C, V_hat = adafactor_factored_moment(R, C, G, t, beta2_decay=-0.8, eps1=1e-30)
        V_full = (1 - t**-0.8) * V_full + t**-0.8 * G**2
    same = np.allclose(R, opt.state[0]["row_var"]) and np.allclose(C, opt.state[0]["col_var"])
    print(f"your R and C {'==' if same else '!='} adamlib's row_var and col_var after 20 steps")
    print(f"row means of V_hat == those of the full V: "
          f"{np.allclose(V_hat.mean(axis=1), V_full.mean(axis=1))}; column means: "
          f"{np.allclose(V_hat.mean(axis=0), V_full.mean(axis=0))}")
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for ax, (title, V) in zip(axes, [("full second moment V (Adam)", V_full),
                                     ("rank-one V_hat (Adafactor)", V_hat)]):
        image = ax.imshow(V, cmap="viridis", vmin=0, vmax=V_full.max())
        ax.set_title(title)
        ax.set_xlabel("column j")
        ax.set_ylabel("row i")
        fig.colorbar(image, ax=ax, label="second moment")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** A $4096 \times 1024$ weight matrix trained with Adafactor (torch's defaults,
# no momentum): how many numbers of optimizer state does it keep for this matrix (not counting
# the step counter)? *(A whole number.)*

# %%
def q12_adafactor_state():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # One number per row (R, 4096) and one per column (C, 1024): 5120 numbers, against Adam's
    # 2 * 4096 * 1024 = 8,388,608 (m and v).
    return 4096 + 1024
    ### END SOLUTION


# %%
check("q12_adafactor_state", q12_adafactor_state)

# %% [markdown]
# **Question 2.** Why is Lion's learning rate typically 3–10 times smaller than AdamW's?
# *(Return one letter.)*
#
# - **A** Lion has no bias correction, so its first steps are too large.
# - **B** Every coordinate of $\operatorname{sign}(c)$ is $\pm1$, so Lion's update has RMS 1,
#   while Adam's normalised update $\hat m/(\sqrt{\hat v} + \epsilon)$ has an RMS well below 1
#   once $\hat m$ averages noisy gradients.
# - **C** Lion's momentum $\beta_2 = 0.99$ is larger than Adam's $\beta_1 = 0.9$, which
#   amplifies the steps tenfold.
# - **D** Lion was found by program search with a small learning rate and only works there.

# %%
def q12_lion_learning_rate():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # The lecture measured Adam's normalised update on the digits network: RMS about 0.12-0.14
    # after the first steps, against exactly 1 for sign(c). For steps of the same length
    # Lion's learning rate must be about that factor smaller.
    return "B"
    ### END SOLUTION


# %%
check("q12_lion_learning_rate", q12_lion_learning_rate)

# %% [markdown]
# **Question 3.** An AdamW run uses lr = 0.001 and weight_decay = 0.05. You switch to Lion
# with lr = 0.0002. Which weight_decay keeps the same decay of the weights per step?
# *(A number; accepted within 1e-6 relative.)*

# %%
def q12_lion_weight_decay():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Both shrink the weights by x <- x (1 - lr * weight_decay) per step: keep the product
    # lr * weight_decay = 5e-5, so weight_decay = 5e-5 / 2e-4 = 0.25 (Chen et al.: 3-10 times
    # larger than AdamW's, as the learning rate is 3-10 times smaller).
    return 0.001 * 0.05 / 0.0002
    ### END SOLUTION


# %%
check("q12_lion_weight_decay", q12_lion_weight_decay)

# %% [markdown]
# **Question 4.** You train with `ScheduleFreeAdamW` and compute the validation loss without
# calling `opt.eval()` first. At which point is the network evaluated? *(Return one letter.)*
#
# - **A** At $x$, the running average of the $z$'s: `eval()` only changes the dropout and
#   batch-norm layers.
# - **B** At $z$, the sequence that takes the plain gradient steps.
# - **C** At $y = (1-\beta_1) z + \beta_1 x$, where the gradients are taken: the params hold
#   $y$ during training, and `eval()` is what turns them into $x$.
# - **D** At the last iterate of an AdamW run with the same learning rate.

# %%
def q12_schedule_free_eval():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # During training the params hold y (the gradients are taken there); z is in the
    # optimizer's state and x is never stored: eval() computes x = (y - (1 - beta1) z) / beta1
    # into the params, train() turns them back into y.
    return "C"
    ### END SOLUTION


# %%
check("q12_schedule_free_eval", q12_schedule_free_eval)

# %% [markdown]
# **Question 5.** Which change makes ADOPT converge on Reddi et al.'s problem for any
# $\beta_2$? *(Return one letter.)*
#
# - **A** It divides by the running maximum of $v$, as AMSGrad does.
# - **B** It divides the gradient by $\sqrt{v_{t-1}}$, a second moment that does not yet
#   contain $g_t$, and applies the momentum to these normalised gradients.
# - **C** It adds a bias correction to $v$.
# - **D** It uses $\beta_2$ close to 1, so $v$ remembers the rare large gradient.

# %%
def q12_adopt():
    """Your answer: "A", "B", "C" or "D"."""
    ### BEGIN SOLUTION
    # In Adam a rare large gradient divides itself down (it is in v_t too). With v_{t-1} the
    # large gradient is divided by a second moment built from the small ones before it, so its
    # step is large: the drift goes the right way (lecture 12, section 6).
    return "B"
    ### END SOLUTION


# %%
check("q12_adopt", q12_adopt)

# %% [markdown]
# ## Your score

# %%
report()
