# %% [markdown]
# # 10 — Playground: every optimizer on every objective
#
# The lectures derived each optimizer on a few chosen examples. Here you choose: any objective
# of `adamlib.functions`, any set of optimizers from `adamlib.optim`, their learning rates and
# decay rates, the start point and the number of steps — and watch the trajectories and the
# loss curves respond as you move a slider.
#
# **Learning goals.** After this notebook you can
#
# 1. use the playground (and drive it from code) to test a claim about an optimizer in seconds;
# 2. find by hand, for each optimizer, a learning rate that is too small, good or divergent;
# 3. recognise on the map the behaviours of the lectures: zig-zag (01), overshoot and spirals
#    (03), frozen per-coordinate rates (04), sign-like steps (05, 06);
# 4. use the four focused widgets of lectures 03–06 again, side by side.
#
# > **Run this notebook to use the widgets.** On GitHub or nbviewer you see a static picture of
# > each widget. In JupyterLab or on Binder run all cells (*Run → Run All Cells*). The figure is
# > interactive (ipympl) when the `ipympl` package is installed, which the course environment
# > does; otherwise it is re-drawn as an image after each change.

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. How to use the playground
#
# | control | what it does |
# |---|---|
# | **objective** | one of the 2-D test functions of `adamlib.functions` (quadratic, Rosenbrock, Beale, Himmelblau, saddle, Rastrigin); the start moves to the function's own start point |
# | **steps** | the number of updates (1 to 2000) |
# | **start x / y**, or a **click on the map** | the start point of every run (the click needs the interactive figure) |
# | **optimizers** (checkboxes) | which optimizers run; each has its colour on the map and on the loss plot |
# | **tabs** | one tab per optimizer with its sliders: the learning rate $\eta$ on a log scale, momentum $\beta$, $\beta_1$, $\beta_2$, $\alpha$, $\varepsilon$, weight decay $\lambda$ |
# | **▶ / iteration** | plays the runs step by step, or shows them up to the chosen iteration |
#
# Sliders of values ($\eta$, $\beta$, start...) apply when you release them, or at each arrow-key
# press once a slider has the focus; the *steps* and *iteration* sliders follow the drag.
#
# Below the controls, a line gives each optimizer's final suboptimality $f(x_T) - f^*$ or the
# step at which it diverged (a run that leaves $|x| \le 10^{100}$ stops there, as in
# `adamlib.run`). The map shows contours of $f - f^*$ on log-spaced levels, the minima as stars
# and the start as a white dot; the loss plot shows $f(x_t) - f^*$ on a log scale.
#
# Every change recomputes only what it must: moving one optimizer's slider reruns that
# optimizer alone, adding steps *continues* the runs, and playing only redraws the lines.

# %% tags=["nbval-ignore-output"]
from adamlib.widgets import playground

pg = playground("rosenbrock", ["SGD+momentum", "RMSprop", "Adam"], steps=200)
pg

# %% [markdown]
# ## 2. Driving the playground from code
#
# Everything the controls do is also a method, which is handy to set up an experiment or to
# record a result. `pg.set(...)` changes the objective, the optimizers, the steps, the start or
# the iteration shown; `pg.set_hyper(name, ...)` changes one optimizer's sliders. The widget
# above follows (scroll up after running a cell), and `pg.trajectories` holds the runs as
# `adamlib.run.Trajectory` objects.

# %%
pg.set(objective="beale", optimizers=["SGD", "Adam"], steps=300)
pg.set_hyper("SGD", lr=0.03)
pg.set_hyper("Adam", lr=0.3)
for name, traj in pg.trajectories.items():
    print(f"{name:5s} {pg.kwargs(name)}  final f - f* = {traj.losses[-1]:.3g}")

# %% [markdown]
# Both converge, and keep converging over a run ten times longer (checked below). A little more
# and plain gradient descent diverges — Beale's walls are steep, and the step size that is safe
# on the plateau is not safe near a wall. Scanning $\eta$ in steps of 0.001 finds the edge:

# %%
for name, traj in pg.trajectories.items():
    assert traj.losses[-1] < 1e-3 and not traj.diverged, name
pg.set(steps=2000)  # 10 x longer: still converging, far lower
long_losses = {name: traj.losses[-1] for name, traj in pg.trajectories.items()}
assert long_losses["SGD"] < 1e-12 and long_losses["Adam"] < 1e-20
pg.set(steps=300)
diverged = {}
for lr in np.round(np.arange(0.030, 0.0405, 0.001), 3):
    pg.set_hyper("SGD", lr=float(lr))
    diverged[float(lr)] = bool(pg.trajectories["SGD"].diverged)
edge = min(lr for lr, bad in diverged.items() if bad)
assert all(diverged[lr] == (lr >= edge) for lr in diverged)  # one clean edge
print(f"over 2000 steps: SGD f - f* < 1e-12, Adam < 1e-20; SGD diverges from η = {edge:.3f} "
      f"on (converges at η = {edge - 0.001:.3f}), {edge / 0.03 - 1:.0%} above η = 0.03")
pg.set_hyper("SGD", lr=0.03)

# %% [markdown]
# ## 3. Things to try
#
# Each experiment below is set up in code; reproduce it with the controls, then vary it.
#
# **Where you end depends on where you start.** Himmelblau's function has four equal minima. Run
# the same optimizer from the four corners of the square:

# %%
pg.set(objective="himmelblau", optimizers=["Adam"], steps=300)
pg.set_hyper("Adam", lr=0.1)
minima = pg.objective.minima
for corner in [(-4.5, -4.5), (-4.5, 4.5), (4.5, -4.5), (4.5, 4.5)]:
    pg.set(start=corner)
    end = pg.trajectories["Adam"].final
    nearest = int(np.argmin(np.linalg.norm(minima - end, axis=1)))
    print(f"start {corner} -> ends at ({end[0]:+.3f}, {end[1]:+.3f}), minimum #{nearest}")

# %% [markdown]
# **A bowl full of traps.** On Rastrigin's function a method with a small step stops in the
# local minimum nearest to its start. A larger step can hop to another basin — a better one or
# a worse one — or never settle at all. The global minimum is at the origin, $f^* = 0$. Each
# run is read over its last 50 of 300 steps, and again over a run of 2000 steps:

# %%
pg.set(objective="rastrigin", optimizers=["RMSprop"], steps=300)
spread = {}
for steps in (300, 2000):
    pg.set(steps=steps)
    for lr in (1e-3, 0.1, 1.0):
        pg.set_hyper("RMSprop", lr=lr)
        traj = pg.trajectories["RMSprop"]
        last = traj.losses[-50:]
        spread[steps, lr] = (last.min(), last.max())
        end = traj.final
        if lr < 1:
            print(f"{steps:4d} steps, RMSprop lr = {lr:<5g} ends at ({end[0]:+.2f}, "
                  f"{end[1]:+.2f}); f - f* over the last 50 steps: {last.min():.3g} to "
                  f"{last.max():.3g}")
        else:  # a chaotic path: its digits differ from one machine to the next
            print(f"{steps:4d} steps, RMSprop lr = {lr:<5g} never settles: f - f* swings by "
                  f"more than 5x within the last 50 steps")
for steps in (300, 2000):
    assert spread[steps, 0.1][1] < spread[steps, 1e-3][0]  # η = 0.1 found a better basin
    assert spread[steps, 0.1][1] - spread[steps, 0.1][0] < 0.05  # and stays near it
    assert spread[steps, 1.0][1] > 5 * spread[steps, 1.0][0]  # η = 1 never settles
pg.set(steps=300)

# %% [markdown]
# With $\eta = 10^{-3}$ RMSprop stays in the basin next to its start; $\eta = 0.1$ hops to a
# better basin, near $(1, -1)$, and then hovers about 0.05 from its bottom instead of reaching
# it (RMSprop's steps stay about $\eta$ long: a constant $\eta$ gives a limit cycle, as lecture
# 09's claim 5 discusses for Adam); $\eta = 1$ keeps jumping from basin to basin, its loss
# swinging by more than 5× within 50 steps, and it ends somewhere else when run longer.

# %% [markdown]
# **More to explore with the controls**
#
# - *Saddle*: start exactly on the $x$ axis (start y = 0): gradient descent never leaves the
#   saddle, since the gradient has no $y$ component there. Start a hair off the axis and compare
#   how quickly SGD, momentum and Adam escape.
# - *Quadratic*: the learning rate at which SGD diverges is $2/\lambda_{\max} = 0.2$, since
#   its Hessian's eigenvalues are 1 and 10 (lecture 01); with momentum $\beta$ it becomes
#   $(2 + 2\beta)/\lambda_{\max}$ (lecture 03). Check both with the $\eta$ slider.
# - *Rosenbrock*: tick all optimizers and press ▶ to watch them race down the valley;
#   AdamW's weight decay $\lambda$ pulls towards the origin, away from the minimum at $(1, 1)$
#   (checked below with its default $\lambda = 0.01$ and $\lambda = 0.1$, 2000 steps).

# %%
from adamlib.functions import OBJECTIVES

eigenvalues = np.linalg.eigvalsh(OBJECTIVES["quadratic"].hessian)
assert np.allclose(eigenvalues, [1, 10])
print(f"quadratic: Hessian eigenvalues {eigenvalues.round(6)}, SGD's edge 2/λ_max = "
      f"{2 / eigenvalues.max():.2f}")
pg.set(objective="rosenbrock", optimizers=["AdamW"], steps=2000)
for decay in (0.01, 0.1):
    pg.set_hyper("AdamW", weight_decay=decay)
    end = pg.trajectories["AdamW"].final
    assert 0 < end[0] < 1 and 0 < end[1] < 1  # short of (1, 1), towards the origin
    print(f"AdamW η = {pg.kwargs('AdamW')['lr']}, λ = {decay}: ends at "
          f"({end[0]:.2f}, {end[1]:.2f})")

# %% [markdown]
# ## 4. The focused widgets of the lectures
#
# Each of these appears in the lecture that derives its idea. They are small: one idea, a few
# sliders, one figure.
#
# **Momentum (lecture 03).** The heavy ball on the quadratic with $\kappa = 10$: its path, the
# rate map over $(\eta, \beta)$ — the spectral radius $\rho$ of the $2\times 2$ iteration matrix,
# coloured by what it costs, the steps per digit of accuracy $\ln 10/(-\ln\rho)$, on a log
# scale, gray where $\rho \ge 1$, white line at $\rho = 1$ — with your point and Polyak's
# optimum, and the distance to the minimum against the prediction $\|x_0\|\rho^t$.

# %% tags=["nbval-ignore-output"]
from adamlib.widgets import (
    adagrad_vs_rmsprop,
    bias_correction_explorer,
    epsilon_explorer,
    momentum_explorer,
)

momentum_explorer()

# %% [markdown]
# **Adagrad versus RMSprop (lectures 04 and 05).** Adagrad divides by the root of the *sum* of
# squared gradients, so its effective per-coordinate rate $\eta/(\sqrt{s_t}+\varepsilon)$ only
# shrinks; RMSprop's exponential average forgets, so its rate recovers when the gradients get
# smaller. The right panel shows both rates for $x$ (solid) and $y$ (dashed).

# %% tags=["nbval-ignore-output"]
adagrad_vs_rmsprop()

# %% [markdown]
# **ε (lectures 05 and 06).** Multiply the objective by a scale $s$: Adam's and RMSprop's
# steps would not change at all without $\varepsilon$. Once $\varepsilon$ outgrows
# $\sqrt{\hat v}$ (the gradients' typical size), the step shrinks towards
# $\eta\,g/\varepsilon$: the method becomes plain gradient descent (with momentum, for Adam)
# at rate $\eta/\varepsilon$.

# %% tags=["nbval-ignore-output"]
epsilon_explorer()

# %% [markdown]
# **Bias correction (lecture 06).** Adam's moment estimates start at zero. Without correction
# they are biased towards zero during the first $\approx 1/(1-\beta)$ steps — and since $v$
# forgets more slowly than $m$ ($\beta_2 > \beta_1$), the first updates are *larger* than
# $\eta$: the first one is $(1-\beta_1)/\sqrt{1-\beta_2}\,\eta$, printed below for the
# defaults. Toggle the correction and watch the first steps on the right.

# %%
first_step = (1 - 0.9) / np.sqrt(1 - 0.999)
assert 3.1 < first_step < 3.2
print(f"uncorrected first Adam step with β₁ = 0.9, β₂ = 0.999: {first_step:.2f} η")

# %% tags=["nbval-ignore-output"]
bias_correction_explorer()

# %% [markdown]
# ## Summary
#
# - The playground runs the optimizers of `adamlib.optim` exactly as `adamlib.run.run_optimizer`
#   does; a slider change reruns only what changed and redraws the figure in place.
# - The same experiment from code: `pg.set(...)`, `pg.set_hyper(...)`, `pg.trajectories`.
# - The focused widgets revisit one idea each: momentum's rate map, Adagrad's shrinking rates,
#   ε against the gradients' scale, and bias correction.
#
# There is no exercise for this notebook: pick a claim from
# [lecture 09](09_claims_tested.ipynb) and test it here, or go back to the
# [welcome page](00_welcome.ipynb) for the whole syllabus.
