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
# 4. add gradient noise, a learning-rate schedule or a variant, and read an optimizer's own
#    state (m, v, the effective step) as it runs;
# 5. use the four focused widgets of lectures 03–06 again, side by side.
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
# Below the controls, a line gives each optimizer's final suboptimality $f(x_T) - f^*$ (marked
# *above its start* when the run ended higher than it began) or the step at which it diverged
# (a run that leaves $|x| \le 10^{100}$ stops there, as in `adamlib.run`). The map shows
# contours of $f - f^*$ on log-spaced levels, the minima as stars and the start as a white
# dot; the loss plot shows $f(x_t) - f^*$ on a log scale, up to 1000 times the largest start
# value (a growing run leaves through the top).
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
beale = pg.objective
for name, traj in pg.trajectories.items():
    print(f"{name:5s} {pg.kwargs(name)}  final f - f* = {traj.suboptimality(beale)[-1]:.3g}")

# %% [markdown]
# Both converge, and keep converging over a run ten times longer, 3000 steps. The playground
# stops at 2000 steps, so the long runs come from `adamlib.run.run_optimizer`, which computes
# the same runs bit for bit (checked first).

# %%
from adamlib.optim import SGD, Adam
from adamlib.run import run, run_optimizer
from adamlib.widgets import OPTIMIZERS
from adamlib.widgets.noise_controls import make_schedule

for name, traj in pg.trajectories.items():  # the playground's runs = run_optimizer's, exactly
    ref = run_optimizer(beale, OPTIMIZERS[name].optimizer, start=pg.start, steps=pg.steps,
                        **pg.kwargs(name))
    assert np.array_equal(traj.path, ref.path) and np.array_equal(traj.losses, ref.losses)

long = {"SGD": run_optimizer(beale, SGD, steps=3000, lr=0.03),
        "Adam": run_optimizer(beale, Adam, steps=3000, lr=0.3)}
for name, traj in long.items():
    gap = traj.suboptimality(beale)
    assert gap[300] < 1e-3 and not traj.diverged, name
    assert gap[300:].max() <= gap[300], name  # never back above its value at step 300
assert long["SGD"].suboptimality(beale)[-1] < 1e-20
assert long["Adam"].suboptimality(beale)[-1] < 1e-25
print("3000 steps: SGD f - f* < 1e-20, Adam < 1e-25, neither ever back above its value at "
      "step 300")

# %% [markdown]
# A little more and plain gradient descent diverges. Scanning $\eta$ in steps of 0.001 in the
# playground finds the edge; gradient descent written from scratch for 101 step sizes at once
# (`adamlib.run.run` takes a batch of points) narrows it down over 3000 steps:

# %%
diverged = {}
for lr in np.round(np.arange(0.030, 0.0405, 0.001), 3):
    pg.set_hyper("SGD", lr=float(lr))
    diverged[float(lr)] = bool(pg.trajectories["SGD"].diverged)
edge = min(lr for lr, bad in diverged.items() if bad)
assert all(diverged[lr] == (lr >= edge) for lr in diverged)  # one clean edge
pg.set_hyper("SGD", lr=0.03)

fine = np.linspace(edge - 0.001, edge, 101)  # 1e-5 apart
scan = run(beale, lambda x, g: x - fine[:, None] * g, start=np.tile(beale.start, (101, 1)),
           steps=3000)
assert not scan.diverged[0] and scan.diverged[-1]
assert (np.diff(scan.diverged.astype(int)) >= 0).all()  # one clean edge, also at this zoom
true_edge = fine[np.argmax(scan.diverged)]
assert (scan.suboptimality(beale)[-1][~scan.diverged] < 1e-20).all()  # the others converge
print(f"playground, 300 steps: SGD diverges from η = {edge:.3f} on, converges at "
      f"{edge - 0.001:.3f}; 3000 steps, η 1e-5 apart: the edge is at η = {true_edge:.4f} "
      f"(± 1e-5), {true_edge / 0.03 - 1:.0%} above η = 0.03")
assert edge == 0.036 and 0.0352 < true_edge < 0.0355

# %% [markdown]
# What sets this edge? Not the minimum: there the curvature allows any $\eta < 2/\lambda_{\max}
# = 0.041$ (printed below), above the edge, so a run that reached it with $\eta = 0.036$ would
# stay. The start $(1, 1.5)$ lies on one of Beale's steep walls, where $2/\lambda_{\max} =
# 0.0071$: even $\eta = 0.03$ is four times over that local limit, and its first step throws
# the point across the valley (to $y \approx -1.3$). Whether the next steps land where the run
# can recover depends on $\eta$ — and on the start: the edge belongs to this start. From 200
# starts scattered 0.05 around it, $\eta = 0.03$ already diverges for a few percent of them
# (2–10 %), $\eta = 0.035$ for 35–50 %.

# %%
def hessian(objective, p, h=1e-5):
    """The Hessian at p by central differences of the analytic gradient."""
    p = np.asarray(p, dtype=float)
    H = np.empty((2, 2))
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        H[:, i] = (objective.grad(p + e) - objective.grad(p - e)) / (2 * h)
    return (H + H.T) / 2


limit_start = 2 / np.linalg.eigvalsh(hessian(beale, beale.start)).max()
limit_min = 2 / np.linalg.eigvalsh(hessian(beale, beale.minima[0])).max()
first = run_optimizer(beale, SGD, steps=1, lr=0.03).final
starts = beale.start + np.random.default_rng(0).normal(scale=0.05, size=(200, 2))
share = {lr: run_optimizer(beale, SGD, start=starts, steps=300, lr=lr).diverged.mean()
         for lr in (0.03, 0.035)}
print(f"2/λ_max: {limit_start:.4f} at the start, {limit_min:.3f} at the minimum (3, 0.5); "
      f"η = 0.03 is {0.03 / limit_start:.1f}× the start's limit, its first step lands at "
      f"({first[0]:.2f}, {first[1]:.2f})")
print("200 starts within ~0.05 of (1, 1.5), 300 steps: η = 0.03 diverges for 2-10 % of them, "
      "η = 0.035 for 35-50 % (bounds: a start near its own edge may flip with rounding)")
assert 0.0069 < limit_start < 0.0073 and 0.040 < limit_min < 0.042
assert limit_start < 0.03 / 4 and true_edge < limit_min and first[1] < -1
assert 0.02 < share[0.03] < 0.10 and 0.35 < share[0.035] < 0.5

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
himmelblau, minima = pg.objective, pg.objective.minima
corners = [(-4.5, -4.5), (-4.5, 4.5), (4.5, -4.5), (4.5, 4.5)]
reached = []
for corner in corners:
    pg.set(start=corner)
    end = pg.trajectories["Adam"].final
    reached.append(int(np.argmin(np.linalg.norm(minima - end, axis=1))))
    print(f"start {corner} -> ends at ({end[0]:+.3f}, {end[1]:+.3f}), minimum #{reached[-1]}")
long = run_optimizer(himmelblau, Adam, start=np.array(corners), steps=3000, lr=0.1)
distance = np.linalg.norm(long.final[:, None] - minima[None], axis=-1)
assert sorted(reached) == [0, 1, 2, 3]  # four corners, four different minima
assert (distance.argmin(axis=1) == reached).all() and distance.min(axis=1).max() < 1e-9
print("after 3000 steps: the same four minima, each within 1e-9")

# %% [markdown]
# Each corner ends at a different minimum, and stays there over a run ten times longer.
#
# **A bowl full of traps.** On Rastrigin's function a method with a small step stops in the
# local minimum nearest to its start. A larger step can hop to another basin — a better one or
# a worse one — or never settle at all. The global minimum is at the origin, $f^* = 0$; the
# other minima sit near the points with integer coordinates. Each RMSprop run is read over its
# last 50 of 300 steps in the playground, and again over a run of 3000 steps:

# %%
from adamlib.optim import RMSprop
from adamlib.run import Trajectory

pg.set(objective="rastrigin", optimizers=["RMSprop"], steps=300)
rastrigin = pg.objective


def basin_bottom(p):
    """The minimum of the basin around p. Rastrigin's f is a sum of one term per coordinate,
    each with its minima near the integers (its maxima, the basins' borders, lie within 0.03
    of the half-integers on the map): Newton's method per coordinate from round(p)."""
    x = np.round(np.asarray(p, dtype=float))
    for _ in range(20):
        x = x - ((2 * x + 20 * np.pi * np.sin(2 * np.pi * x))
                 / (2 + 40 * np.pi**2 * np.cos(2 * np.pi * x)))
    return x


home = basin_bottom(rastrigin.start)
f_home = float(rastrigin.f(home))
runs = {}
for lr in (1e-3, 0.1, 1.0):
    pg.set_hyper("RMSprop", lr=lr)
    t = pg.trajectories["RMSprop"]
    runs[300, lr] = Trajectory(t.path.copy(), t.losses.copy())
    runs[3000, lr] = run_optimizer(rastrigin, RMSprop, steps=3000, lr=lr)
print(f"the start's basin: bottom ({home[0]:.3f}, {home[1]:.3f}), f = {f_home:.2f}")
for steps in (300, 3000):
    small, mid, big = runs[steps, 1e-3], runs[steps, 0.1], runs[steps, 1.0]
    # η = 1e-3: never leaves the start's basin
    assert (np.round(small.path) == np.round(rastrigin.start)).all()
    # η = 0.1: a better basin, and a 2-cycle at ±η/2 per coordinate around its bottom
    bottom = basin_bottom(mid.final)
    f_bottom = float(rastrigin.f(bottom))
    offset = np.abs(mid.path[-50:] - bottom).max(axis=1)
    above = mid.losses[-50:] - f_bottom
    assert f_bottom < f_home and np.allclose(bottom, [0.995, -0.995], atol=1e-3)
    assert np.abs(mid.path[-50:] - mid.path[-52:-2]).max() < 1e-5  # period 2
    assert np.abs(offset - 0.1 / 2).max() < 0.002 and 0.95 < above.min() <= above.max() < 1.0
    # η = 1: basin to basin; worse ones too; off the map; the loss never calm for long
    basins = np.round(big.path[1:]).astype(int)
    moved = np.flatnonzero((basins[1:] != basins[:-1]).any(axis=1))
    longest_stay = np.diff(np.concatenate([[-1], moved, [len(basins) - 1]])).max()
    worse = np.mean(rastrigin.f(basin_bottom(big.path[1:])) > f_home)
    off_map = np.mean(np.abs(big.path[1:]).max(axis=1) > rastrigin.domain[0][1])
    windows = big.losses[1:].reshape(-1, 50)
    swings = np.mean(windows.max(axis=1) > 2 * windows.min(axis=1))
    assert len({tuple(b) for b in basins}) > (50 if steps == 300 else 200)
    assert longest_stay < 20 and worse > 0.25 and off_map > 0.1 and swings >= 0.9
    print(f"{steps} steps: η = 1e-3 stays in the start's basin; η = 0.1 ends in the basin of "
          f"({bottom[0]:.3f}, {bottom[1]:.3f}), f = {f_bottom:.2f}, in a 2-cycle "
          f"|x - bottom|∞ = {offset.min():.3f}..{offset.max():.3f}, f - f_bottom = "
          f"{above.min():.2f}..{above.max():.2f}")
    print(f"   η = 1 (a chaotic path: bounds, not its digits): more than "
          f"{50 if steps == 300 else 200} basins, fewer than 20 steps in any one, more than 25 % "
          f"of its steps in basins worse than the start's, more than 10 % off the map, the loss "
          f"swings > 2× in at least 90 % of its 50-step windows")
pg.set_hyper("RMSprop", lr=1.0)

# %% [markdown]
# With $\eta = 10^{-3}$ RMSprop stays in the basin of its start (bottom $f = 12.93$). With
# $\eta = 0.1$ it hops to a better basin, the one of $(1, -1)$, and ends in a 2-cycle around
# its bottom $(0.995, -0.995)$, where $f = 1.99$: each coordinate jumps between
# $\pm\eta/2 = \pm 0.05$ of the bottom, and the loss stays 0.98–0.99 above the bottom's. Once $v$
# has adapted, RMSprop's steps are about $\eta$ long whatever the gradient, so a constant
# $\eta$ gives a 2-cycle at $\pm\eta/2$: the cycle that lecture 09's claim 5 measures for
# RMSprop on $x^2/2$. With $\eta = 1$ it never settles: it jumps from basin to basin, staying
# fewer than 20 steps in any one, spends more than a quarter of its steps in basins worse than
# its start's, leaves the map's square (more than 10 % of its steps), and its loss swings by
# more than 2× within 50 steps almost everywhere along the run. Its path is chaotic — where it
# is at a given step differs from one machine to the next — so the notebook asserts bounds.

# %% [markdown]
# **More to explore with the controls**
#
# - *Saddle*: start exactly on the $x$ axis (start y = 0): no optimizer ever leaves the
#   saddle, since the gradient has no $y$ component there. From the objective's own start,
#   $10^{-3}$ off the axis, compare how quickly SGD ($\eta = 0.1$), momentum ($\eta = 0.01$,
#   $\beta = 0.9$: the same long-run step $\eta/(1-\beta)$) and Adam ($\eta = 0.1$) escape
#   (printed below): Adam's step does not shrink with the tiny gradient.
# - *Quadratic*: its Hessian's eigenvalues are 1 and 10, so SGD converges for
#   $\eta < 2/\lambda_{\max} = 0.2$ and grows beyond (lecture 01); with momentum $\beta$ the
#   limit becomes $(2 + 2\beta)/\lambda_{\max}$ (lecture 03): 0.3 for $\beta = 0.5$, 0.38 for
#   $\beta = 0.9$. Runs 1 % either side of each limit confirm it (below). With the $\eta$
#   slider look for a loss that *grows*: its notches nearest 0.2 are 0.1995 and 0.209, and at
#   0.209 the loss climbs out of the top of the plot and the status line says *above its
#   start*, while the run counts as diverged only from the next notch, 0.219, where $|x|$
#   passes $10^{100}$ within 2000 steps.
# - *Rosenbrock*: tick all optimizers and press ▶ to watch them race down the valley;
#   AdamW's weight decay $\lambda$ pulls towards the origin, away from the minimum at $(1, 1)$
#   (checked below with its default $\lambda = 0.01$ and with $\lambda = 0.1$, over 2000 steps
#   and over 20 000).

# %%
from adamlib.functions import OBJECTIVES

saddle = OBJECTIVES["saddle"]
settings = {"SGD": (SGD, {"lr": 0.1}), "momentum": (SGD, {"lr": 0.01, "momentum": 0.9}),
            "Adam": (Adam, {"lr": 0.1})}
escape = {}
for name, (cls, kw) in settings.items():  # from (1.5, 0) and from the start (1.5, 1e-3)
    both = run_optimizer(saddle, cls, start=[[1.5, 0.0], saddle.start], steps=3000, **kw)
    flat, off = both.path[:, 0], both.path[:, 1]
    assert (flat[:, 1] == 0).all() and np.abs(flat[-1]).max() < 1e-9  # ends on the saddle
    escape[name] = int(np.argmax(np.abs(off[:, 1]) > 0.5))
    assert escape[name] > 0 and np.allclose(off[-1], [0, 1], atol=1e-9), name
print(f"saddle: from y = 0 all three stay on the axis for 3000 steps and end at the saddle; "
      f"from y = 1e-3, |y| passes 0.5 at step {escape['SGD']} (SGD), {escape['momentum']} "
      f"(momentum), {escape['Adam']} (Adam)")
assert escape["Adam"] < 10 and 60 < escape["SGD"] < 75 and 95 < escape["momentum"] < 115

quadratic = OBJECTIVES["quadratic"]
eigenvalues = np.linalg.eigvalsh(quadratic.hessian)
assert np.allclose(eigenvalues, [1, 10])
betas = np.array([0.0, 0.0, 0.5, 0.5, 0.9, 0.9])
limits = (2 + 2 * betas) / eigenvalues.max()
lrs = limits * np.array([0.99, 1.01, 0.99, 1.01, 0.99, 1.01])
velocity = np.zeros((6, 2))


def heavy_ball(x, g):  # lecture 03, for six (η, β) at once
    velocity[:] = betas[:, None] * velocity + g
    return x - lrs[:, None] * velocity


edges = run(quadratic, heavy_ball, start=np.tile(quadratic.start, (6, 1)), steps=20000)
final = edges.suboptimality(quadratic)[-1]
for i in range(0, 6, 2):
    print(f"β = {betas[i]}: limit (2 + 2β)/λ_max = {limits[i]:.2f}; over 20000 steps η = "
          f"{lrs[i]:.4f} ends at f - f* < 1e-100, η = {lrs[i + 1]:.4f} grows past "
          f"1e100 or diverges")
    assert final[i] < 1e-100 and not edges.diverged[i]
    assert edges.diverged[i + 1] or final[i + 1] > 1e100
notches = 10.0 ** np.arange(-5, 1.0001, 0.02)  # the η slider's values
below, above = notches[notches < 0.2].max(), notches[notches > 0.2].min()
nxt = notches[notches > above].min()
pg.set(objective="quadratic", optimizers=["SGD"], steps=2000)
states = {}
for lr in (below, above, nxt):
    pg.set_hyper("SGD", lr=float(lr))
    states[lr] = (pg.trajectories["SGD"].suboptimality(quadratic)[-1], pg.status.value,
                  pg.ax_loss.get_ylim()[1])
print(f"the η slider around 0.2: {below:.4f} ends at f - f* = {states[below][0]:.1e}; "
      f"{above:.4f} at {states[above][0]:.0e}, growing (status: above its start; loss axis up to "
      f"{states[above][2]:.0e}); {nxt:.4f}: diverged")
assert states[below][0] < 1e-6 and "above its start" not in states[below][1]
assert 1e140 < states[above][0] < 1e160 and "above its start" in states[above][1]
assert states[above][2] <= 1e5 and "diverged at step" in states[nxt][1]

pg.set(objective="rosenbrock", optimizers=["AdamW"], steps=2000)
rosenbrock = pg.objective
short = {}
for decay in (0.01, 0.1):
    pg.set_hyper("AdamW", weight_decay=decay)
    short[decay] = pg.trajectories["AdamW"].path.copy()
    end = short[decay][-1]
    assert 0 < end[0] < 1 and 0 < end[1] < 1  # short of (1, 1), towards the origin
    print(f"AdamW η = {pg.kwargs('AdamW')['lr']}, λ = {decay}: at 2000 steps "
          f"({end[0]:.2f}, {end[1]:.2f})")

# 20 000 steps for both λ at once: AdamW from scratch (lecture 08), batched over λ
decays = np.array([[0.01], [0.1]])
m, v, t_adamw = np.zeros((2, 2)), np.zeros((2, 2)), [0]


def adamw(x, g, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    t_adamw[0] += 1
    t = t_adamw[0]
    m[:] = b1 * m + (1 - b1) * g
    v[:] = b2 * v + (1 - b2) * g * g
    x = x * (1 - lr * decays)  # decoupled weight decay, before the Adam step (as torch)
    return x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


longer = run(rosenbrock, adamw, start=np.tile(rosenbrock.start, (2, 1)), steps=20000).path
for i, decay in enumerate((0.01, 0.1)):  # the same runs as the playground's (to rounding)
    assert np.abs(longer[:2001, i] - short[decay]).max() < 1e-6
tails = {0.01: longer[-1000:, 0], 0.1: longer[-1000:, 1]}
(lo_x, lo_y), (hi_x, hi_y) = tails[0.01].min(axis=0), tails[0.01].max(axis=0)
assert 0.9 < lo_x and hi_x < 1 and 0.85 < lo_y and hi_y < 1
(lo_x, lo_y), (hi_x, hi_y) = tails[0.1].min(axis=0), tails[0.1].max(axis=0)
assert 0.7 < lo_x and hi_x < 0.9 and 0.5 < lo_y and hi_y < 0.8
assert tails[0.1][:, 0].max() < tails[0.01][:, 0].min()
print("steps 19 000-20 000 (still wobbling; the path is chaotic, so bounds): λ = 0.01 within "
      "0.9 < x < 1, 0.85 < y < 1; λ = 0.1 within 0.7 < x < 0.9, 0.5 < y < 0.8")

# %% [markdown]
# Gradient descent never leaves the $x$ axis: $\partial f/\partial y = y^3 - y$ is exactly 0
# there, so no optimizer that follows the gradient can leave, and all three end on the saddle
# point itself. A hair off the axis, Adam escapes within a few steps (6), since its step is
# about $\eta$ whatever the gradient's size; SGD and momentum need 67 and 105 steps, because
# their steps are proportional to the tiny gradient $y^3 - y$ near the axis. On the quadratic, the limits are
# where lectures 01 and 03 put them. On Rosenbrock, AdamW has not settled after 2000 steps:
# with $\lambda = 0.1$ it drifts on from $(0.75, 0.56)$ and, over 20 000 steps, wobbles with
# $x$ between 0.7 and 0.9. Neither decay reaches $(1, 1)$, and the larger one stays further
# from it.

# %% [markdown]
# ## 4. Noise, the optimizer's own state, schedules and variants
#
# Adam was designed for noisy, badly scaled gradients, yet every objective above is
# deterministic. The playground's second row of controls adds what the earlier lectures
# studied one at a time:
#
# | control | what it does |
# |---|---|
# | **noise** | none; *additive* $\tilde g_t = g_t + \sigma\xi_t$ (noise of a fixed size, lecture 02's noise floor); *minibatch-like* $\tilde g_t = g_t \odot (1 + \sigma\xi_t)$ (noise that shrinks with the gradient), with $\xi_t \sim N(0, I)$ |
# | **σ**, **seed** | the noise's size and its seed: every optimizer shown sees the *same* draws $\xi_1, \xi_2, \ldots$, so two runs differ only by their rule |
# | **η schedule** | constant; *step* (η × 0.1 after each third of the run); *cosine* (annealed to 0 over the run); *warmup + cosine* (a linear rise over the first tenth, then cosine) — `adamlib.schedules`, lecture 08 |
# | **state of** | opens a second figure with one optimizer's state over the steps: its state arrays ($m$, $v$, the momentum buffer, Adagrad's sum...), its effective per-coordinate step $\eta/(\sqrt{\hat v_t}+\epsilon)$, and on the quadratic the error along each eigenvector of the Hessian, $|u_i^\top(x_t - x^*)|$ (lecture 03's one-direction-at-a-time view); a dotted line marks the iteration shown |
# | **switches** (in the tabs) | Nesterov (SGD+momentum), centered (RMSprop), AMSGrad (Adam, AdamW), and for Adam a weight decay $\lambda$ with *decoupled λ*, which runs AdamW instead (lecture 08) |
#
# The playground below opens on the quadratic ($\lambda = 1$ and $10$) with additive noise
# $\sigma = 1$, SGD at $\eta = 0.1$ and Adam at its default here, $\eta = 0.1$, and Adam's
# state open. Its runs are `run_optimizer`'s with the same noise, bit for bit (checked in the
# next cell).

# %% tags=["nbval-ignore-output"]
from adamlib.run import GradientNoise

noisy = playground("quadratic", ["SGD", "Adam"], steps=300, hyper={"SGD": {"lr": 0.1}},
                   noise=GradientNoise("additive", 1.0, seed=0), state="Adam")
noisy

# %%
quadratic = OBJECTIVES["quadratic"]
for name, traj in noisy.trajectories.items():
    ref = run_optimizer(quadratic, noisy.optimizer_class(name), start=noisy.start, steps=300,
                        noise=noisy.noise, **noisy.kwargs(name))
    assert np.array_equal(traj.path, ref.path) and np.array_equal(traj.losses, ref.losses)
adam_state = noisy.state_view.ax_state.get_legend().get_texts()
print("state view of Adam:", [t.get_text() for t in adam_state])
noisy.state_view.fig  # the state view again, as a picture (for readers of the page on GitHub)

# %% [markdown]
# **Noise floors.** With noise the loss stops falling and wobbles around a floor. For SGD on a
# quadratic, lecture 02's stationary variance per eigendirection, $\eta\sigma^2/(\lambda(2 -
# \eta\lambda))$, gives the floor $E[f - f^*] = \sum_i \eta\sigma^2/(2(2 - \eta\lambda_i))$.
# Each floor below is the mean of $f - f^*$ over steps 1000–3000, for 5 seeds, each seed
# shared by SGD and Adam (a paired comparison):

# %%
floors, effective = {"SGD": [], "Adam": []}, []
for seed in range(5):
    noise = GradientNoise("additive", 1.0, seed)
    for name, cls in (("SGD", SGD), ("Adam", Adam)):
        traj = run_optimizer(quadratic, cls, steps=3000, lr=0.1, noise=noise, record_state=True)
        floors[name].append(traj.suboptimality(quadratic)[1000:].mean())
        if name == "Adam":
            effective.append(np.mean(traj.state["effective_step"][1000:], axis=0))
floors = {name: np.array(v) for name, v in floors.items()}
effective = np.array(effective)
lam = np.linalg.eigvalsh(quadratic.hessian)
predicted = np.sum(0.1 * 1.0**2 / (2 * (2 - 0.1 * lam)))
ratio = floors["Adam"] / floors["SGD"]
print(f"SGD floor over 5 seeds: {floors['SGD'].min():.3f}-{floors['SGD'].max():.3f} "
      f"(predicted {predicted:.4f}); Adam: {floors['Adam'].min():.3f}-{floors['Adam'].max():.3f}")
print(f"Adam's floor / SGD's, seed by seed: {ratio.min():.2f}-{ratio.max():.2f}; Adam's "
      f"effective step over steps 1000-3000: x {effective[:, 0].min():.3f}-"
      f"{effective[:, 0].max():.3f}, y {effective[:, 1].min():.3f}-{effective[:, 1].max():.3f}")
assert np.abs(floors["SGD"] / predicted - 1).max() < 0.1
assert (0.4 < ratio).all() and (ratio < 0.8).all()
assert 0.09 < effective[:, 0].min() and effective[:, 0].max() < 0.105
assert 0.07 < effective[:, 1].min() and effective[:, 1].max() < 0.09

# %% [markdown]
# SGD's floor is the formula's, within 10 % on every seed. Adam's floor is lower on every
# seed, by a factor between 0.4 and 0.8 (printed above) — on this problem, with these step
# sizes; it is not a law. The state view shows what Adam's step became: once the noise dominates the gradient,
# $\hat v_t \approx E[\tilde g^2] \approx \sigma^2 + g^2$, so its effective step settles
# near $\eta/\sigma = 0.1$: about 0.1 on the flat $x$ and about 0.08 on the steep $y$ (bounds
# asserted: 0.09–0.105 and 0.07–0.09). Under noise Adam no longer divides each coordinate by its own gradient's size,
# but by the noise's. Questions for the controls: does Adam's floor grow with **σ** as SGD's
# does ($\propto \sigma^2$)? And with **minibatch-like** noise, which vanishes with the
# gradient, is there a floor at all?
#
# **A schedule removes the floor.** The floor is proportional to $\eta$, so decaying $\eta$
# lowers it — why SGD needs decaying step sizes (lecture 02). Over 3000 steps, the mean of
# $f - f^*$ over the last 100 steps, SGD $\eta = 0.1$, 5 seeds:

# %%
ends = {}
for name in ("constant", "cosine"):
    ends[name] = np.array([
        run_optimizer(quadratic, SGD, steps=3000, lr=0.1, noise=GradientNoise("additive", 1.0, s),
                      schedule=make_schedule(name, 3000)).suboptimality(quadratic)[-100:].mean()
        for s in range(5)])
gain = ends["constant"] / ends["cosine"]
print(f"constant η: {ends['constant'].min():.3f}-{ends['constant'].max():.3f}; cosine: "
      f"{ends['cosine'].min():.4f}-{ends['cosine'].max():.4f}; cosine lower by "
      f"{gain.min():.0f}-{gain.max():.0f}× seed by seed")
assert (gain > 10).all()

# %% [markdown]
# ## 5. The focused widgets of the lectures
#
# Each of these appears in the lecture that derives its idea. They are small: one idea, a few
# sliders, one figure.
#
# **Momentum (lecture 03).** The heavy ball on the quadratic with $\kappa = 10$: its path (the
# frame widens when the path overshoots, and a note says when gradient descent with the same
# $\eta$ diverges), the rate map over $(\eta, \beta)$ — the spectral radius $\rho$ of the
# iteration matrix on $(x, v)$, which is $4\times 4$ in two dimensions and splits into one
# $2\times 2$ block per eigenvalue of the Hessian, $\rho$ being the largest over the blocks —
# coloured by what it costs, the steps per digit of accuracy $\ln 10/(-\ln\rho)$, on a log
# scale, gray where $\rho \ge 1$, white line at $\rho = 1$ — with your point (the ring) and
# Polyak's optimum (the star), and the distance to the minimum against the prediction
# $\|x_0\|\rho^t$. The slope is what $\rho$ predicts; near a double root the error falls like
# $t\rho^t$ and ends far above the dashed line, which a note then says.

# %% tags=["nbval-ignore-output"]
from adamlib.widgets import (
    adagrad_vs_rmsprop,
    bias_correction_explorer,
    epsilon_explorer,
    momentum_explorer,
)

explorer = momentum_explorer()
lr, beta = explorer.controls["lr"].value, explorer.controls["momentum"].value
H = explorer.objective.hessian  # the 4 x 4 iteration matrix on (x, v), v <- βv + g, x <- x - ηv
M = np.block([[np.eye(2) - lr * H, -lr * beta * np.eye(2)], [H, beta * np.eye(2)]])
assert abs(np.abs(np.linalg.eigvals(M)).max() - explorer.rate) < 1e-9
explorer

# %% [markdown]
# **Adagrad versus RMSprop (lecture 05, which builds on lecture 04's Adagrad).** Adagrad divides by the root of the *sum* of
# squared gradients, so its effective per-coordinate rate $\eta/(\sqrt{s_t}+\varepsilon)$ only
# shrinks; RMSprop's exponential average forgets, so its rate recovers when the gradients get
# smaller. The right panel shows both rates for $x$ (solid) and $y$ (dashed). On the map,
# Adagrad's short path (dots) lies where RMSprop's first steps pass. Its noise menu adds the
# same gradient noise to both runs, as the playground's does; under additive noise the right
# panel also draws $\eta/\sigma$ and $\eta/(\sigma\sqrt t)$, and lecture 05 measures what
# happens on the quadratic: RMSprop's rates settle near the first and its loss at a floor,
# Adagrad's rates fall below the second and its loss, in the end, below RMSprop's floor.

# %% tags=["nbval-ignore-output"]
adagrad_vs_rmsprop()

# %% [markdown]
# **ε (lecture 05).** Multiply the objective by a scale $s$: Adam's and RMSprop's
# steps would not change at all without $\varepsilon$. Once $\varepsilon$ outgrows
# $\sqrt{\hat v}$ (the gradients' typical size), the step shrinks towards
# $\eta\,g/\varepsilon$: the method becomes plain gradient descent (with momentum, for Adam)
# at rate $\eta/\varepsilon$. The explorer opens on lecture 05's setting, RMSprop with
# $s = \varepsilon = 10^{-8}$, where $\varepsilon$ is a tenth of the first gradient and soon
# larger than the gradients: by the last 50 of 100 steps the loss falls per step nearly as
# fast as gradient descent's at rate $\eta/\varepsilon$ (0.86 against 0.81), far slower than
# with $\varepsilon = 10^{-12}$ (checked below).

# %%
from adamlib.widgets import EpsilonExplorer

scaled = EpsilonExplorer(backend="inline").scaled
for cls in (Adam, RMSprop):  # without ε, the scale changes nothing but rounding
    same = [run_optimizer(scaled(s), cls, steps=100, lr=0.1, eps=0.0).path for s in (1, 1e-8)]
    assert np.abs(same[0] - same[1]).max() < 1e-12, cls.__name__
s, eps = 1e-8, 1e-8
g0 = np.abs(scaled(s).grad(scaled(s).start)).max()
rms = run_optimizer(scaled(s), RMSprop, steps=100, lr=0.1, eps=eps).losses
gd = run_optimizer(scaled(s), SGD, steps=100, lr=0.1 / eps).losses
tiny_eps = run_optimizer(scaled(s), RMSprop, steps=100, lr=0.1, eps=1e-12).losses
per_step = {name: (loss[100] / loss[50]) ** (1 / 50) for name, loss in (("rms", rms), ("gd", gd))}
print(f"s = ε = 1e-8: ε/|g0| = {eps / g0:.3f}; loss factor per step over steps 50-100: RMSprop "
      f"{per_step['rms']:.2f}, GD at η/ε {per_step['gd']:.2f}; with ε = 1e-12 RMSprop ends "
      f"at (f - f*)/s < 1e-50, with ε = 1e-8 at {rms[-1] / s:.1e}")
assert 0.08 < eps / g0 < 0.09 and per_step["gd"] < per_step["rms"] < per_step["gd"] + 0.06
assert tiny_eps[-1] / s < 1e-50 < 1e-9 < rms[-1] / s

# %% tags=["nbval-ignore-output"]
epsilon_explorer(optimizer="RMSprop", scale=1e-8, eps=1e-8)

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
# Lecture 11's Muon is not in the playground: it updates matrices, and the playground's point is
# a vector. Read as a 1×2 matrix, its one singular value is the vector's length, and Newton–Schulz
# replaces it by a constant, so Muon's step there would keep only the momentum's direction:

# %%
from adamlib.optim.muon import newton_schulz

lengths = [
    np.linalg.norm(newton_schulz(np.array([[3.0, -4.0]]) * s, (3.4445, -4.775, 2.0315), 5, 1e-7))
    for s in (1e-3, 1.0, 1e3)
]
print("length after five quintic Newton–Schulz steps, for a 1×2 gradient of length 5e-3, 5, 5e3:",
      ", ".join(f"{x:.3f}" for x in lengths))
assert max(lengths) - min(lengths) < 1e-12 and abs(lengths[0] - 0.696) < 1e-3

# %% [markdown]
# ## Summary
#
# - The playground runs the optimizers of `adamlib.optim` exactly as `adamlib.run.run_optimizer`
#   does (bit for bit, checked in section 2); a slider change reruns only what changed and redraws the
#   figure in place. It offers lecture 12's Lion, Adafactor and Schedule-Free AdamW too, but not
#   lecture 11's Muon, which updates matrices: the playground's point is a vector (as a 1×2
#   matrix, Muon's step would be the momentum's direction only, its length set by Newton–Schulz:
#   five quintic steps take the singular value 1 to 0.70).
# - The same experiment from code: `pg.set(...)`, `pg.set_hyper(...)`, `pg.set_run(...)` (noise,
#   schedule, state view), `pg.set_variant(...)`, `pg.trajectories`.
# - With additive noise on the quadratic, SGD's loss floor is lecture 02's formula; Adam's was
#   lower here (below 0.8× on each of 5 paired seeds) with an effective step near $\eta/\sigma$; a
#   cosine schedule took SGD's final loss down by more than 10× on every seed.
# - The focused widgets revisit one idea each: momentum's rate map, Adagrad's shrinking rates,
#   ε against the gradients' scale, and bias correction.
#
# There is no exercise for this notebook: pick a claim from
# [lecture 09](09_claims_tested.ipynb) and test it here, or go back to the
# [welcome page](00_welcome.ipynb) for the whole syllabus. Next:
# [11 — beyond the diagonal](11_beyond_the_diagonal.ipynb), where the preconditioner stops being
# diagonal: Newton, full-matrix Adagrad, Shampoo and Muon.
