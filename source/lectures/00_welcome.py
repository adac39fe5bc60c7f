# %% [markdown]
# # 00 — Welcome: adaptive optimization from scratch
#
# Training a neural network means minimising a loss with an *optimizer*: SGD, Momentum, Adagrad,
# RMSprop, Adam, AdamW… This course derives each of them from the one before, codes it from
# scratch in NumPy, and tests every claim with an experiment you can rerun and modify.
#
# You will need: Python and NumPy, and the derivative of a function of several variables.
# Everything else is built here.
#
# ## How the course is organised
#
# | # | lecture | you will learn | practice |
# |---|---|---|---|
# | 00 | welcome (this notebook) | how to use the course; a tour | |
# | 01 | [gradient descent](01_gradient_descent.ipynb) | the update, learning rates, the quadratic analysis, ill-conditioning | [exercises](../exercises/01_gradient_descent.ipynb) · [solutions](../solutions/01_gradient_descent.ipynb) |
# | 02 | [stochastic & minibatch GD](02_stochastic_gradient_descent.ipynb) | gradient noise, batch size, decaying step sizes | [exercises](../exercises/02_stochastic_gradient_descent.ipynb) · [solutions](../solutions/02_stochastic_gradient_descent.ipynb) |
# | 03 | [momentum](03_momentum.ipynb) | the heavy ball, its rates, Nesterov, PyTorch's convention | [exercises](../exercises/03_momentum.ipynb) · [solutions](../solutions/03_momentum.ipynb) |
# | 04 | [Adagrad](04_adagrad.ipynb) | per-coordinate learning rates, sparse features | [exercises](../exercises/04_adagrad.ipynb) · [solutions](../solutions/04_adagrad.ipynb) |
# | 05 | [RMSprop](05_rmsprop.ipynb) | moving averages of squared gradients, ε | [exercises](../exercises/05_rmsprop.ipynb) · [solutions](../solutions/05_rmsprop.ipynb) |
# | 06 | [Adam](06_adam.ipynb) | moments, bias correction, the defaults | [exercises](../exercises/06_adam.ipynb) · [solutions](../solutions/06_adam.ipynb) |
# | 07 | [training a network](07_training_a_network.ipynb) | every optimizer on real digits; sensitivity to η | [exercises](../exercises/07_training_a_network.ipynb) · [solutions](../solutions/07_training_a_network.ipynb) |
# | 08 | [beyond Adam](08_beyond_adam.ipynb) | AdamW, AMSGrad, NAdam, Adamax, Adadelta, RAdam, schedules | [exercises](../exercises/08_beyond_adam.ipynb) · [solutions](../solutions/08_beyond_adam.ipynb) |
# | 09 | [claims tested](09_claims_tested.ipynb) | the folklore about adaptive methods, tested | [exercises](../exercises/09_claims_tested.ipynb) · [solutions](../solutions/09_claims_tested.ipynb) |
# | 10 | [playground](10_playground.ipynb) | every objective × every optimizer, with sliders | the sliders |
# | 11 | [beyond the diagonal](11_beyond_the_diagonal.ipynb) | Newton, full-matrix Adagrad, Shampoo, Muon and its Newton–Schulz iteration | [exercises](../exercises/11_beyond_the_diagonal.ipynb) · [solutions](../solutions/11_beyond_the_diagonal.ipynb) |
# | 12 | [lean and schedule-free](12_lean_and_schedule_free.ipynb) | memory as the constraint: Adafactor, Lion, Schedule-Free AdamW, ADOPT | [exercises](../exercises/12_lean_and_schedule_free.ipynb) · [solutions](../solutions/12_lean_and_schedule_free.ipynb) |
#
# Each lecture follows the same rhythm: the previous method's failure on a plot, the derivation,
# a from-scratch implementation, a check that it equals the companion package `adamlib`,
# experiments, a summary. Each lecture adds to `adamlib`, so the package grows with you.
#
# ## Running the notebooks
#
# * **In the browser (Binder):** click the *launch binder* badge in the README. Nothing to
#   install; the first start can take a few minutes; your changes are lost when the session ends
#   (download what you want to keep).
# * **Locally:** with Python ≥ 3.10, in a clone of the repository run `make lab`. It creates a
#   virtual environment `.venv-lab` (the course's package, its dependencies and JupyterLab,
#   nothing else), installs the course and opens JupyterLab here. Developers use `make test`,
#   which builds a separate environment `.venv` with the test tools and runs every test and
#   every notebook.
#
# Run the cells in order (Shift-Enter). Every random number is seeded, so you get the same
# numbers as shown, up to the last digits of values that are at the level of rounding error
# (those depend on your CPU and libraries, so the notebooks print them as bounds such as
# "< 1e-12").

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## A tour of `adamlib`
#
# **Objectives.** `adamlib.functions` holds 2-D test problems with analytic gradients. Each one
# knows its plotting domain, its minima and a start point.

# %%
from adamlib.functions import OBJECTIVES

for name, obj in OBJECTIVES.items():
    print(f"{name:>10}: {obj.description}")

# %% [markdown]
# **Optimizers.** `adamlib.optim` holds the optimizers the course derives (PyTorch's
# `torch.optim` has a few more). The classes it has use PyTorch's names, argument names and
# defaults, and reproduce PyTorch's numbers step for step (the course's test suite checks this
# against PyTorch itself), so what you learn here transfers. Parameters are NumPy arrays;
# `step(grads)` updates them in place:

# %%
from adamlib.functions import rosenbrock
from adamlib.optim import SGD, Adam

# torch.optim.Adam's defaults: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0
defaults = Adam([np.zeros(2)]).defaults
print({k: defaults[k] for k in ("lr", "betas", "eps", "weight_decay")})
assert (defaults["lr"], defaults["betas"], defaults["eps"], defaults["weight_decay"]) == (
    1e-3, (0.9, 0.999), 1e-8, 0)  # the text above relies on this
x = rosenbrock.start.copy()
opt = Adam([x], lr=0.1)
for _ in range(3):
    opt.step([rosenbrock.grad(x)])
    print(np.round(x, 4), f"f = {rosenbrock.f(x):.4f}")

# %% [markdown]
# **Trajectories and plots.** `adamlib.run` records a run; `adamlib.plotting` draws it. Here is a
# preview of where the course is going: plain gradient descent and Adam, 500 steps each, on
# Rosenbrock's curved valley.

# %%
from adamlib.plotting import plot_losses, plot_trajectories
from adamlib.run import run_optimizer

runs = [
    run_optimizer(rosenbrock, SGD, steps=500, lr=1e-3, label="gradient descent, η = 1e-3"),
    run_optimizer(rosenbrock, Adam, steps=500, lr=0.05, label="Adam, η = 0.05"),
]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.4))
# gradient descent drawn last (on top): its short path lies on the first part of Adam's
plot_trajectories(rosenbrock, runs[::-1], ax=ax1, markers=False, colors=["C1", "C0"],
                  title="Rosenbrock: 500 steps from the same start (■ = end)")
ax1.plot(*runs[0].path.T, color="C0", lw=3)  # thicker, to stand out on the dark valley floor
for r, colour in zip(runs, ["C0", "C1"], strict=True):
    ax1.plot(*r.final, "s", color=colour, mec="k", ms=7)
plot_losses(runs, objective=rosenbrock, ax=ax2, title="Rosenbrock: loss against step")
fig.tight_layout()
plt.show()
for r in runs:
    print(f"{r.label}: f after 500 steps = {r.losses[-1]:.2e}, ends at {np.round(r.final, 2)}")
assert runs[1].losses[-1] < runs[0].losses[-1] / 10  # the text below relies on this
assert runs[0].final[0] < 0 < runs[1].final[0]  # GD is still left of the origin, Adam past it

# %% [markdown]
# On the map, gradient descent (thick blue, drawn on top) covers only the first stretch of the
# valley floor, and Adam's orange path runs underneath it there; gradient descent stops (■) left
# of the origin, while Adam ends past it and more than ten times lower in $f$ (printed and asserted).
#
# Why does Adam get so much further here, and when does it *not*? That is what lectures 01–06
# work out, and lecture 09 tests.
#
# ## Exercises and how they are checked
#
# From lecture 01 on, every lecture has an exercise notebook in `exercises/` (and worked
# answers in `solutions/` — try first!). You write a function, then run a check cell. The check
# runs your function on many cases and tells you *what* is wrong, not only *that* something is
# wrong. Here is a deliberately wrong gradient-descent step that climbs instead of descending:

# %%
from adamlib.grading import check


def gd_step(x, grad, lr):
    return x + lr * grad  # a mistake: the sign


check("gd_step", gd_step)

# %% [markdown]
# And the right one:

# %%
def gd_step(x, grad, lr):
    return x - lr * grad


check("gd_step", gd_step)

# %% [markdown]
# A check never crashes your notebook: an exception in your function, a forgotten `return`, a
# wrong shape or an unfinished exercise are all reported as feedback. At the end of each
# exercise notebook, `report()` shows your score. Instructors can grade the same notebooks with
# nbgrader.
#
# ## Conventions
#
# * $x$ is the parameter vector, $g_t = \nabla f(x_t)$ the gradient at step $t$, $\eta$ the
#   learning rate; $m$, $v$, $\beta_1$, $\beta_2$, $\varepsilon$ as in the Adam paper. The same
#   symbols appear in the lectures, the docstrings and the code.
# * Losses are plotted as $f(x_t) - f^*$ on a log scale: a straight line means linear
#   (geometric) convergence.
#
# **Start here:** [01 — gradient descent](01_gradient_descent.ipynb).
