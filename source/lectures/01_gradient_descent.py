# %% [markdown]
# # 01 — Gradient descent
#
# Every optimizer in this course is a variation on one line of code:
#
# $$x_{t+1} = x_t - \eta\, \nabla f(x_t).$$
#
# This lecture derives that line, codes it from scratch, and then studies it so carefully that
# the weaknesses which motivate Momentum, Adagrad, RMSprop and Adam become visible on plots.
#
# **Learning goals.** After this lecture you can
#
# 1. derive gradient descent from the first-order Taylor expansion;
# 2. implement it in NumPy and check it against `adamlib.optim.SGD`;
# 3. recognise a learning rate that is too small, good, too large or divergent from its plots;
# 4. predict, for a quadratic, whether gradient descent converges, the best learning rate
#    $\eta^* = 2/(\lambda_{\min}+\lambda_{\max})$ and the rate $(\kappa-1)/(\kappa+1)$ — and
#    *measure* them;
# 5. explain why ill-conditioning makes gradient descent zig-zag, the failure that momentum fixes.

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. Where the update comes from
#
# Near a point $x$, a differentiable function is almost linear (first-order Taylor expansion):
#
# $$f(x + d) \approx f(x) + \nabla f(x)^\top d .$$
#
# Among all steps $d$ of a fixed length $r$, the linear term is smallest when $d$ points
# exactly opposite the gradient (Cauchy–Schwarz: $\nabla f^\top d \ge -\|\nabla f\|\,\|d\|$
# with equality for $d \propto -\nabla f$). Taking a step proportional to the gradient,
# $d = -\eta \nabla f(x)$, gives gradient descent with **learning rate** (step size) $\eta$.
#
# The expansion is only trustworthy for small steps. If the gradient changes by at most
# $L\|d\|$ over a step (the function is *$L$-smooth*), then
#
# $$f\big(x - \eta \nabla f(x)\big) \le f(x) - \eta\Big(1 - \frac{L\eta}{2}\Big)\|\nabla f(x)\|^2,$$
#
# so every step decreases $f$ as long as $0 < \eta < 2/L$. Everything below quantifies this
# trade-off: a large $\eta$ makes fast progress until the linear model lies.

# %% [markdown]
# ## 2. Gradient descent from scratch
#
# Our test problems live in two dimensions so that we can *see* the optimizer move.
# `adamlib.functions` provides objectives with analytic gradients that accept a point of shape
# `(2,)` or a batch of points of shape `(..., 2)`.

# %%
from adamlib.functions import quadratic, rosenbrock


def gd_step(x, grad, lr):
    """One gradient-descent update: a new array, the inputs untouched."""
    return x - lr * grad


def gradient_descent(objective, x0, lr, steps):
    """Run gradient descent; return the path of shape (steps + 1, 2)."""
    path = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        x = path[-1]
        path.append(gd_step(x, objective.grad(x), lr))
    return np.array(path)


bowl = quadratic(condition_number=10.0)  # f = ½ pᵀAp with eigenvalues 1 and 10
path = gradient_descent(bowl, bowl.start, lr=0.1, steps=50)
print("start:", bowl.start, " f =", f"{bowl.f(bowl.start):.4f}")
print("after 50 steps:", np.round(path[-1], 6), " f =", f"{bowl.f(path[-1]):.3e}")

# %% [markdown]
# The same update is `adamlib.optim.SGD` (PyTorch's name: *stochastic* gradient descent, even
# when the gradient is exact). `adamlib` optimizers follow PyTorch's interface: they are built
# on a list of parameter arrays and `step(grads)` updates those arrays **in place**. The next
# cell checks that our from-scratch loop and the package agree to the last bit.

# %%
from adamlib.optim import SGD

x = bowl.start.copy()
opt = SGD([x], lr=0.1)
for t in range(50):
    opt.step([bowl.grad(x)])
    np.testing.assert_array_equal(x, path[t + 1])
print("from-scratch gradient descent == adamlib.optim.SGD for all 50 steps")

# %% [markdown]
# `adamlib.run.run` records a trajectory for any update rule `step(x, g) -> x_new`, and
# `adamlib.plotting` draws contour maps (with log-spaced levels) and loss curves. We use them
# from now on instead of writing the loop each time.

# %%
from adamlib.plotting import plot_losses, plot_trajectories
from adamlib.run import measured_rate, run

assert np.array_equal(run(bowl, lambda x, g: gd_step(x, g, 0.1), steps=50).path, path)

# %% [markdown]
# ## 3. Too small, good, too large, divergent
#
# On our quadratic the curvature is $\lambda = 1$ along one axis and $\lambda = 10$ along the
# other. Four learning rates, 40 steps each:

# %%
rates = {"too small": 0.01, "good": 0.18, "too large": 0.195, "divergent": 0.205}
runs = {
    name: run(bowl, lambda x, g, lr=lr: gd_step(x, g, lr), steps=40, label=f"{name}: η = {lr}")
    for name, lr in rates.items()
}

fig, axes = plt.subplots(1, 4, figsize=(15, 3.8))
for k, (ax, (name, traj)) in enumerate(zip(axes, runs.items(), strict=True)):
    shown = traj.path[np.isfinite(traj.path).all(axis=1)]
    plot_trajectories(bowl, {traj.label: shown}, ax=ax, title=f"η = {rates[name]} ({name})",
                      colors=[f"C{k}"])  # the colour of this run in the loss plot below
    ax.get_legend().remove()  # the title names the run; the star is the minimum
fig.suptitle("Gradient descent on a quadratic with eigenvalues 1 and 10 (★ = minimum)")
fig.tight_layout()
plt.show()

# %%
plot_losses(list(runs.values()), objective=bowl,
            title="Loss against step for four learning rates")
plt.show()
f_start = bowl.f(bowl.start)
f40 = {name: traj.losses[-1] for name, traj in runs.items()}
lam_bowl = np.linalg.eigvalsh(bowl.hessian)
rho = {name: np.max(np.abs(1 - lr * lam_bowl)) for name, lr in rates.items()}
for name in runs:
    print(f"{name:>10}: f(x_40) = {f40[name]:.3e}   rate max|1 - ηλ| = {rho[name]:.3f}")
flat_left = (1 - rates["too small"]) ** 40  # what is left of the flat (λ = 1) component
steep_left = abs(1 - rates["too small"] * 10) ** 40  # ... and of the steep (λ = 10) one
print(f"too small: the flat component keeps (1 - 0.01)^40 = {flat_left:.2f} of its start, "
      f"the steep one (1 - 0.1)^40 = {steep_left:.3f}")
# the text below relies on these
assert steep_left < 0.02 and abs(rho["too large"] - 0.95) < 5e-4
assert abs(rho["divergent"] - 1.05) < 5e-4
assert f40["good"] < 1e-5 * min(f40["too small"], f40["too large"])  # > 5 decades ahead
assert 11 < f_start / f40["too small"] < 13 and 0.6 < flat_left < 0.7
assert f40["too small"] > f40["too large"]
assert rho["too large"] < 1 < rho["divergent"] and f40["divergent"] > f_start
# 400 steps (10× longer): "too large" keeps converging, "divergent" keeps growing
long = {name: run(bowl, lambda x, g, lr=lr: gd_step(x, g, lr), steps=400).losses[-1]
        for name, lr in rates.items()}
assert long["too large"] < 1e-7 and long["too small"] < 1e-3 and long["divergent"] > 1e15

# %% [markdown]
# * **Too small** ($\eta = 0.01$): every step is safe but small. The steep component has
#   almost vanished (it keeps $0.9^{40} \approx 0.015$ of its start), but the flat one ($\lambda = 1$) shrinks by only $1 - \eta = 0.99$ per step
#   and keeps two thirds of its size after 40 steps (printed): the loss has fallen about
#   twelvefold, the least of the three converging runs.
# * **Good** ($\eta = 0.18$): the fastest of the four, more than five orders of magnitude below
#   the others after 40 steps.
# * **Too large** ($\eta = 0.195$): the path bounces from wall to wall of the steep direction;
#   it still converges, slowly (rate 0.950 per step; a 400-step run, checked in the cell, goes
#   below $10^{-7}$).
# * **Divergent** ($\eta = 0.205$): each bounce is larger than the last (rate 1.050 > 1); the
#   loss grows.
#
# Where exactly are the boundaries? For a quadratic we can answer precisely.

# %% [markdown]
# ## 4. The quadratic, analysed exactly
#
# Take $f(x) = \tfrac12 x^\top A x$ with symmetric positive definite $A = Q\Lambda Q^\top$
# (eigenvalues $\lambda_1, \dots, \lambda_n$). The gradient is $Ax$, so
#
# $$x_{t+1} = (I - \eta A)\,x_t .$$
#
# In the eigenbasis ($z = Q^\top x$) the coordinates decouple:
# $z_{t+1,i} = (1 - \eta\lambda_i)\, z_{t,i}$, hence $z_{t,i} = (1-\eta\lambda_i)^t z_{0,i}$.
# Each component shrinks iff $|1 - \eta\lambda_i| < 1$:
#
# $$\text{gradient descent converges} \iff 0 < \eta\,\lambda_{\max} < 2 .$$
#
# The slowest component sets the **rate** $\rho(\eta) = \max_i |1-\eta\lambda_i|$, so the
# error shrinks like $\rho^t$. The rate is a maximum of two "V" shapes, $|1-\eta\lambda_{\min}|$
# and $|1-\eta\lambda_{\max}|$; it is smallest where they cross:
#
# $$\eta^* = \frac{2}{\lambda_{\min}+\lambda_{\max}}, \qquad
#   \rho^* = \frac{\lambda_{\max}-\lambda_{\min}}{\lambda_{\max}+\lambda_{\min}}
#          = \frac{\kappa-1}{\kappa+1}, \quad \kappa = \frac{\lambda_{\max}}{\lambda_{\min}} .$$
#
# For our bowl ($\lambda = 1, 10$): $\eta^* = 2/11 \approx 0.1818$ (our "good" rate was close)
# and divergence starts at $\eta = 2/10 = 0.2$, just below our "divergent" $0.205$.
#
# Theory is cheap; let us **measure** the rate. For each $\eta$ on a grid we run 300 steps and
# fit the slope of $\log\|x_t - x^*\|$ (`adamlib.run.measured_rate`). All 60 runs go in one
# batch: `run` accepts a batch of start points of shape `(n, 2)`, and our `gd_step` broadcasts
# a column of learning rates against it.

# %%
lam = np.linalg.eigvalsh(bowl.hessian)
lrs = np.geomspace(1e-3, 0.25, 60)
formula = np.max(np.abs(1 - np.outer(lrs, lam)), axis=1)
# One batched run: row i of the batch starts at the same point and uses learning rate lrs[i].
batch = run(bowl, lambda x, g: gd_step(x, g, lrs[:, None]),
            start=np.tile(bowl.start, (len(lrs), 1)), steps=300)
distances = np.linalg.norm(batch.path, axis=-1)  # shape (steps + 1, len(lrs))
measured = np.array([measured_rate(distances[:, i]) for i in range(len(lrs))])
converging = formula < 1
err = np.max(np.abs(measured[converging] - formula[converging]))
assert np.allclose(lam, [1, 10]) and converging.sum() == 57 and err < 1e-4
print(f"eigenvalues: {lam}")
print(f"largest |measured - formula| over {converging.sum()} converging learning rates: < 1e-4")

fig, ax = plt.subplots()
ax.plot(lrs, formula, label=r"formula $\max_i|1-\eta\lambda_i|$")
ax.plot(lrs, measured, "o", ms=3, label="measured from runs")
ax.axvline(2 / lam.sum(), color="k", ls="--", lw=1, label=r"$\eta^* = 2/(\lambda_{\min}+\lambda_{\max})$")
ax.axvline(2 / lam.max(), color="C3", ls=":", lw=1.5, label=r"$2/\lambda_{\max}$ (divergence)")
ax.axhline(1, color="gray", lw=0.8)
ax.set_xscale("log")
ax.set_ylim(0, 1.3)
ax.set_xlabel(r"learning rate $\eta$")
ax.set_ylabel(r"rate $\rho$ (error factor per step)")
ax.set_title("Convergence rate of gradient descent, κ = 10: measured vs formula")
ax.legend()
plt.show()

# %% [markdown]
# The measured points sit on the formula (largest difference below $10^{-4}$, asserted). Now
# the optimum for several condition numbers, again formula against measurement:

# %%
print(" kappa | eta*     | rate formula | rate measured | steps to 1e-6 (measured)")
for kappa in [2, 10, 100, 1000]:
    q = quadratic(condition_number=kappa)
    eta_star = 2 / (1 + kappa)
    traj = run(q, lambda x, g: gd_step(x, g, eta_star), steps=10 * kappa + 100)
    dist = np.linalg.norm(traj.path, axis=1)
    rho = measured_rate(dist)
    steps_needed = int(np.argmax(dist / dist[0] < 1e-6))
    rho_formula = (kappa - 1) / (kappa + 1)
    assert abs(rho - rho_formula) < 5e-7  # equal to the 6 printed digits
    # at η* both components shrink by exactly ρ per step, so the count is ⌈ln 1e-6 / ln ρ⌉
    assert abs(steps_needed - np.log(1e-6) / np.log(rho_formula)) < 1
    if kappa >= 100:  # ... ≈ (κ/2) ln 1e6 for large κ, within 1 %
        assert abs(steps_needed / (kappa / 2 * np.log(1e6)) - 1) < 0.01
    print(f"{kappa:6d} | {eta_star:.6f} | {(kappa - 1) / (kappa + 1):.6f}     |"
          f" {rho:.6f}      | {steps_needed}")

# %% [markdown]
# Two lessons hide in this table.
#
# * The measured rate matches $(\kappa-1)/(\kappa+1)$ to the printed digits.
# * The number of steps to shrink the error by $10^{6}$ grows roughly **linearly in
#   $\kappa$**: $\rho^t = 10^{-6}$ needs $t \approx \tfrac{\kappa}{2}\ln 10^6$ steps for large
#   $\kappa$. An ill-conditioned problem is a slow problem, whatever learning rate we choose.
#
# ## 5. Ill-conditioning and rotation
#
# Why can't one learning rate serve both directions? The steep direction (large $\lambda$)
# caps $\eta$ below $2/\lambda_{\max}$, and with such a small step the flat direction (small
# $\lambda$) crawls. The plot shows the same starting distance and the optimal $\eta^*$ for
# growing $\kappa$:

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, kappa in zip(axes, [2, 10, 50]):
    q = quadratic(condition_number=kappa)
    eta = 2 / (1 + kappa)
    traj = run(q, lambda x, g: gd_step(x, g, eta), steps=40, label=f"η* = {eta:.3f}")
    plot_trajectories(q, [traj], ax=ax, title=f"κ = {kappa}: 40 steps at η*")
fig.suptitle("Gradient descent at its best learning rate, growing condition number")
fig.tight_layout()
plt.show()

# %% [markdown]
# Gradient descent does not care how the valley is oriented: rotating the problem rotates the
# path, and the loss curve is unchanged. That is because the update $x - \eta\nabla f$ treats
# all directions alike. (Adagrad, in lecture 04, will *not* have this property.)

# %%
angles = [0.0, np.pi / 6, np.pi / 3]
rotated = [
    run(quadratic(10.0, angle=a), lambda x, g: gd_step(x, g, 0.15),
        start=np.array([1.5, 1.5]) @ np.array([[np.cos(a), np.sin(a)],
                                               [-np.sin(a), np.cos(a)]]),
        steps=60, label=f"rotated {np.degrees(a):.0f}°")
    for a in angles
]
spread = max(np.max(np.abs(t.losses - rotated[0].losses) / rotated[0].losses) for t in rotated)
assert spread < 1e-12
print("largest relative difference between the loss curves: < 1e-12 (rounding)")
ax = plot_losses(rotated, objective=quadratic(10.0),
                 title="Gradient descent is rotation invariant (κ = 10, η = 0.15)")
plt.show()

# %% [markdown]
# The three curves lie on top of each other (only the last one drawn is visible): their largest
# relative difference is below $10^{-12}$ (asserted), the level of floating-point rounding.
# (We started each rotated problem from the correspondingly rotated start point.)
#
# ## 6. A real valley: Rosenbrock
#
# Rosenbrock's function $f(x,y) = (1-x)^2 + 100\,(y-x^2)^2$ has a long, curved, flat-bottomed
# valley and its minimum at $(1, 1)$. Its Hessian is
#
# $$\nabla^2 f(x, y) = \begin{pmatrix} 2 - 400\,(y - x^2) + 800\,x^2 & -400\,x \\
#   -400\,x & 200 \end{pmatrix},$$
#
# so on the valley floor ($y = x^2$) the curvature across the valley grows from about 200 at
# the origin to about 1000 at the minimum, while along the valley it is at most 2 (on the floor
# the determinant is $200\,(2 + 800x^2) - 160000\,x^2 = 400$, so
# $\lambda_{\min} = 400/\lambda_{\max} \le 400/200 = 2$, with equality at the origin): an
# ill-conditioned problem whose conditioning changes along the way. The next cell checks the
# formula against finite differences of the gradient and prints the eigenvalues at three points.

# %%
def rosenbrock_hessian(p):
    x, y = p
    return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


h = 1e-6
for p in [rosenbrock.start, np.array([0.3, -0.2])]:
    fd = np.array([(rosenbrock.grad(p + h * e) - rosenbrock.grad(p - h * e)) / (2 * h)
                   for e in np.eye(2)])
    assert np.allclose(fd, rosenbrock_hessian(p), rtol=1e-6, atol=1e-4)
points = {"start (-1.2, 1)": rosenbrock.start, "origin (0, 0)": np.zeros(2),
          "minimum (1, 1)": np.ones(2)}
eig = {name: np.linalg.eigvalsh(rosenbrock_hessian(p)) for name, p in points.items()}
for name, ev in eig.items():
    print(f"{name:>16}: eigenvalues of the Hessian {ev[0]:7.3f} and {ev[1]:7.1f}")
lam_min_star, lam_max_star = eig["minimum (1, 1)"]
assert abs(lam_max_star - 1001.6) < 0.05 and abs(lam_min_star - 0.3994) < 5e-4
assert eig["origin (0, 0)"][1] == 200 and eig["start (-1.2, 1)"][1] > 1500
# along the valley floor y = x², λ_min is at most 2, reached at the origin (text above)
floor_lam_min = np.array([np.linalg.eigvalsh(rosenbrock_hessian((x, x**2)))[0]
                          for x in np.linspace(-1.5, 1.5, 301)])
assert floor_lam_min.max() < 2 + 1e-9 and abs(eig["origin (0, 0)"][0] - 2) < 1e-12

# %% [markdown]
# Four learning rates, 5000 steps each, from the classic start $(-1.2, 1)$:

# %%
ros_lrs = [5e-4, 1e-3, 2e-3, 8e-3]
ros_runs = [
    run(rosenbrock, lambda x, g, lr=lr: gd_step(x, g, lr), steps=5000, label=f"η = {lr:g}")
    for lr in ros_lrs
]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.4))
finite_paths = {t.label: t.path[np.isfinite(t.path).all(axis=1)][::25] for t in ros_runs}
plot_trajectories(rosenbrock, finite_paths, ax=ax1, markers=False,
                  title="Rosenbrock: 5000 steps of gradient descent (every 25th point)")
ax1.legend(loc="lower right")
plot_losses(ros_runs, objective=rosenbrock, ax=ax2, title="Rosenbrock: loss against step")
ax2.set_ylim(1e-5, 1e2)  # the diverging run leaves through the top
t_div = int(np.argmax(~np.isfinite(ros_runs[-1].losses)))
ax2.plot(t_div, 30, "x", color="C3", ms=10, mew=2, label=f"η = {ros_lrs[-1]:g} diverged (×)")
ax2.legend(loc="upper right")
fig.tight_layout()
plt.show()
dist5000 = {}
for t, lr in zip(ros_runs, ros_lrs, strict=True):
    if t.diverged:
        status = f"diverged at step {int(np.argmax(~np.isfinite(t.losses)))}"
    else:
        dist5000[lr] = np.linalg.norm(t.final - 1)
        status = f"distance to (1, 1) after 5000 steps = {dist5000[lr]:.3g}"
    print(f"{t.label:>10}: {status}")
assert dist5000[5e-4] > 0.4 and dist5000[5e-4] > 3 * dist5000[1e-3] > 9 * dist5000[2e-3]
assert ros_runs[-1].diverged and np.argmax(~np.isfinite(ros_runs[-1].losses)) < 10

# %% [markdown]
# The printed distances tell the story of the first 5000 steps. With $\eta = 5\cdot 10^{-4}$ we
# are still far from the minimum at $(1, 1)$: a step small enough for the steep walls is tiny
# along the valley floor. Doubling $\eta$ helps, twice (the distance falls more than threefold
# each time) — but at $\eta = 8\cdot 10^{-3}$ the walls throw the iterate out within a few
# steps. (On the map the three surviving paths share the valley floor and hide one another;
# the diverged one leaves the map at once. The loss panel tells them apart.)
#
# So is the best learning rate simply the largest one that does not blow up? **No** — and
# the reason is the lesson of this section. Close to the minimum, $f$ is almost the quadratic
# with Hessian $\nabla^2 f(1, 1)$, and section 4 tells us what gradient descent does on it: it
# can settle at the minimum only if $\eta < 2/\lambda_{\max}$, with $\lambda_{\max} \approx
# 1001.6$ the curvature **at the minimum** (printed above). That limit is $0.001997$, and our
# "best" $\eta = 0.002$ lies just above it. After 5000 steps the difference is invisible. Run
# ten times longer, and put $\eta = 0.0019$ next to it:

# %%
limit = 2 / lam_max_star
eta_best = 2 / (lam_min_star + lam_max_star)  # η* of the quadratic at the minimum
print(f"2/λ_max at the minimum = {limit:.6f};  η* = 2/(λ_min + λ_max) there = {eta_best:.6f}")
assert 0.0019 < eta_best < limit < 0.002
assert abs(limit - 0.001997) < 5e-7 and abs(eta_best - 0.001996) < 5e-7  # the text relies on these
# one batch: the two runs of the left panel, then a scan of η for the right panel
scan = np.geomspace(1.5e-3, 1e-2, 31)
edge_lrs = np.concatenate([[1.9e-3, 2e-3], scan])
long_steps = 50_000
edge = run(rosenbrock, lambda x, g: gd_step(x, g, edge_lrs[:, None]),
           start=np.tile(rosenbrock.start, (len(edge_lrs), 1)), steps=long_steps)
f_end = edge.losses[-1]
cycle = np.abs(edge.path[-1] - edge.path[-3]).max(axis=-1)  # NaN for diverged runs
hop = np.abs(edge.path[-1] - edge.path[-2]).max(axis=-1)
floor = 1e-20  # what is below is rounding: the exact floor differs between machines

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.4))
for k, (lr, colour) in enumerate(zip(edge_lrs[:2], ["C4", "C2"], strict=True)):  # as above
    ax1.plot(edge.losses[:, k], color=colour, label=f"η = {lr:g}")
ax1.set_yscale("log")
ax1.set_ylim(floor, 1e2)
ax1.set_xlabel("step $t$")
ax1.set_ylabel(r"$f(x_t) - f^*$")
ax1.set_title(f"Rosenbrock: just below and just above 2/λ_max, {long_steps} steps")
# the two curves coincide on this scale until the η = 0.002 run turns back: where do they part?
f_ratio = edge.losses[:, 1] / edge.losses[:, 0]
t_apart = int(np.argmax((f_ratio > 10) | (f_ratio < 0.1)))  # first step a decade apart
ax1.legend(loc="upper right", bbox_to_anchor=(1, 0.72),
           title=f"η = 0.002 hides η = 0.0019\nuntil step ≈ {round(t_apart, -3):,};\n"
           "η = 0.0019 then goes on down\nto rounding level, below the axis",
           title_fontsize="small")
converged = np.isfinite(f_end) & (f_end < floor)
diverged = ~np.isfinite(f_end)
cycling = ~converged & ~diverged
ax2.plot(scan[cycling[2:]], f_end[2:][cycling[2:]], "o", color="C1",
         label="neither: a 2-cycle across the valley")
ax2.plot(scan[converged[2:]], np.full(converged[2:].sum(), 2e-4), "v", color="C9",
         label=f"converged (f < {floor:g}; drawn at the bottom)")
ax2.plot(scan[diverged[2:]], np.full(diverged[2:].sum(), 50), "x", color="C3",
         label="diverged (drawn at the top)")
ax2.axvline(limit, color="k", ls="--", lw=1, label=r"$2/\lambda_{\max}$ at the minimum")
ax2.set_xscale("log")
ax2.set_yscale("log")
ax2.set_ylim(1e-4, 1e2)
ax2.set_xlabel(r"learning rate $\eta$")
ax2.set_ylabel(f"$f - f^*$ after {long_steps} steps")
ax2.set_title("Where gradient descent ends on Rosenbrock, against η")
ax2.legend(loc="upper left", fontsize="small")  # clear of the 2-cycle points
fig.tight_layout()
plt.show()

k_low, k_high = 0, 1
t_close = int(np.argmin(edge.losses[:, k_high]))
print(f"η = 0.0019: f(x_{long_steps}) < {floor:g}")
print(f"η = 0.002:  f falls to {edge.losses[t_close, k_high]:.0e} (near step "
      f"{round(t_close, -3):,}), then "
      f"climbs back; the last two f are {f_end[k_high]:.2e} and {edge.losses[-2, k_high]:.2e}, "
      f"|x_t - x_(t-2)| < 1e-9, |x_t - x_(t-1)| = {hop[k_high]:.1e}")
blow_up = scan[diverged[2:]].min()
print(f"scan of {len(scan)} rates: converged for η ≤ {scan[converged[2:]].max():.5f}, "
      f"2-cycle for {scan[cycling[2:]].min():.5f} ≤ η ≤ {scan[cycling[2:]].max():.5f} "
      f"(f from {f_end[2:][cycling[2:]].min():.1e} to {f_end[2:][cycling[2:]].max():.1f}), "
      f"diverged for η ≥ {blow_up:.5f}")
assert converged[k_low] and f_end[k_high] > 1e-3 and edge.losses[-2, k_high] < 1.5e-3
assert edge.losses[t_close, k_high] < 1e-9 and 10_000 < t_close < 20_000
assert np.all(converged == (edge_lrs < limit))  # converges exactly below the limit
assert np.all(cycle[cycling] < 1e-9) and np.all(hop[cycling] > 1e-3)  # every other run: a 2-cycle
assert 0.006 < blow_up < 0.0065 and np.all(diverged == (edge_lrs >= blow_up))
# the text below relies on these
last_cycle = scan[cycling[2:]].max()
assert round(last_cycle, 5) == 0.00603 and round(blow_up, 5) == 0.00642  # as printed
assert np.searchsorted(scan, blow_up) == np.searchsorted(scan, last_cycle) + 1  # neighbours
assert 1.5e-11 < edge.losses[t_close, k_high] < 2.5e-11 and 14_000 < t_apart < 16_000
ratio_before = max(f_ratio[:t_close].max(), 1 / f_ratio[:t_close].min())
print(f"until the turn the two losses differ by less than a factor {ratio_before:.1f}; "
      f"a factor 10 apart from step {t_apart:,}")
assert ratio_before < 3.2 and t_close < t_apart
f_cyc = f_end[2:][cycling[2:]]  # in order of η
rank = np.argsort(np.argsort(f_cyc))
spearman = np.corrcoef(rank, np.arange(len(f_cyc)))[0, 1]
print(f"2-cycles: rank correlation of f with η = {spearman:.3f}; f rises with η in "
      f"{np.sum(np.diff(f_cyc) > 0)} of {len(f_cyc) - 1} neighbouring pairs")
assert spearman > 0.9 and np.sum(np.diff(f_cyc) <= 0) == 2  # "roughly", not "always"
lam_start = eig["start (-1.2, 1)"][1]
steep_factor, flat_factor = 1 - 2e-3 * lam_max_star, 1 - 2e-3 * lam_min_star
print(f"at the start 2/λ_max = 2/{lam_start:.0f} = {2 / lam_start:.5f}; near the minimum, "
      f"η = 0.002 multiplies the steep error by {steep_factor:.4f} and the flat one by "
      f"{flat_factor:.4f} per step")
print(f"η = 0.002 is {0.002 / limit - 1:.2%} above 2/λ_max and {0.002 / eta_best - 1:.2%} "
      f"above η*; η* is {1 - eta_best / limit:.2%} below 2/λ_max")
assert 0.0013 < 2 / lam_start < 0.00135
assert abs(steep_factor + 1.003) < 5e-4 and abs(flat_factor - 0.9992) < 5e-5
assert abs((0.002 / limit - 1) - 0.0016) < 5e-5 and abs((0.002 / eta_best - 1) - 0.0020) < 5e-5
assert abs((1 - eta_best / limit) - 0.0004) < 5e-5

# %% [markdown]
# At $\eta = 0.0019$ the run converges to the minimum (down to rounding level, the bottom of
# the plot). At $\eta = 0.002$ it follows nearly the same curve (within a factor of about 3,
# printed — on this scale the green curve hides the purple one until step 15,000), gets within $f \approx 2\cdot 10^{-11}$ of the minimum near step 14,000 — and then climbs back out and settles for good on a **two-point cycle**: it
# hops across the valley, $x_{t+2} = x_t$, with $f \approx 1.25\cdot 10^{-3}$ forever
# (printed; the exploratory check ran it 500,000 steps).
#
# The linearisation explains both halves. Near the minimum the error along the steep
# eigenvector is multiplied by $1 - \eta\lambda_{\max} = 1 - 0.002 \cdot 1001.6 = -1.003$ per
# step: it flips sign and *grows* by 0.3 % a step, while the error along the valley shrinks by
# $1 - \eta\lambda_{\min} = 0.9992$ (both printed above). The run first approaches along the valley; once the
# growing steep component dominates, it pushes the iterate out until the curvature away from
# the minimum, no longer that of the quadratic, holds it on the cycle.
#
# The scan (right) shows three regimes for a long run from this start:
#
# * $\eta < 2/\lambda_{\max}(\nabla^2 f(x^*)) = 0.001997$: converges;
# * from there up to about $0.006$: **neither** converges nor blows up — every such run ends on
#   a 2-cycle, and roughly the larger $\eta$, the further from the minimum (the rank correlation
#   is above 0.9, printed; two neighbouring pairs break the order);
# * above a threshold between $0.00603$ and $0.00642$ (two neighbouring rates of the scan, for
#   this start): blows up.
#
# So the limit that matters is set by the **local curvature where the run must end**, not by the
# curvature where it starts (at $(-1.2, 1)$, $\lambda_{\max} \approx 1506$, so every rate above
# $2/1506 \approx 0.0013$ overshoots there, harmlessly), and not by where it blows up. The best
# rate for the final approach, $\eta^* = 2/(\lambda_{\min} + \lambda_{\max}) = 0.001996$ at the
# minimum, sits only $0.04\,\%$ below that limit, because $\lambda_{\min}$ is so small; yet
# $\eta = 0.002$, just $0.16\,\%$ above the limit ($0.20\,\%$ above $\eta^*$; all printed),
# never converges at all. In neural networks the same quantity, the largest Hessian eigenvalue
# or *sharpness*, has been observed to rise during training until it hovers near $2/\eta$, the
# "edge of stability" (Cohen et al., 2021).
#
# ## 7. The zig-zag
#
# Look again at gradient descent on a rotated, ill-conditioned quadratic, this time at a
# learning rate close to the stability limit, $\eta = 1.95/\lambda_{\max}$:

# %%
valley = quadratic(condition_number=25.0, angle=np.pi / 6)
lam_v = np.linalg.eigvalsh(valley.hessian)


def step_cosines(path):
    """Cosine of the angle between each step and the next one."""
    d = np.diff(path, axis=0)
    norms = np.linalg.norm(d, axis=1)
    return np.sum(d[1:] * d[:-1], axis=1) / (norms[1:] * norms[:-1])


eta_zz = 1.95 / lam_v.max()
start_zz = 0.9 * valley.start  # a little inside the default start: the bounces stay on the map
zz = run(valley, lambda x, g: gd_step(x, g, eta_zz), start=start_zz, steps=30,
         label=f"GD, η = {eta_zz:.3f}")
cosines = step_cosines(zz.path)
path_len = np.linalg.norm(np.diff(zz.path, axis=0), axis=1).sum()
covered = np.linalg.norm(zz.path[-1] - zz.path[0])
print(f"η = {eta_zz:.3f}: steep factor |1 - ηλ_max| = {abs(1 - eta_zz * lam_v.max()):.3f}, "
      f"flat factor 1 - ηλ_min = {1 - eta_zz * lam_v.min():.3f}")
print(f"cosine between consecutive steps: mean {cosines.mean():.4f}, largest {cosines.max():.4f}")
print(f"path length {path_len:.2f} vs straight-line distance {covered:.2f}")
# a run ten times longer (300 steps): the steps still alternate
cos_long = step_cosines(run(valley, lambda x, g: gd_step(x, g, eta_zz), start=start_zz,
                            steps=300).path)
print(f"300 steps: largest cosine {cos_long.max():.4f}")
# just below η* = 2/(λ_min + λ_max), at η = 1.9/λ_max, the zig-zag dies out instead
eta_below = 1.9 / lam_v.max()
cos_below = step_cosines(run(valley, lambda x, g: gd_step(x, g, eta_below), start=start_zz,
                             steps=300).path)
turn = int(np.argmax(cos_below > 0))
print(f"η = {eta_below:.3f} (below η* = {2 / lam_v.sum():.4f}): consecutive steps point the "
      f"same way from step {turn} on")
# the text below relies on these
assert np.allclose(lam_v, [1, 25])
assert abs(1 - eta_zz * lam_v.max()) > 1 - eta_zz * lam_v.min()
assert cosines.max() < -0.99 and cos_long.max() < -0.99 and path_len > 10 * covered
assert eta_below < 2 / lam_v.sum() < eta_zz and 100 < turn < 200 and np.all(cos_below[turn:] > 0)
plot_trajectories(valley, [zz], title="The zig-zag: GD on a rotated valley (κ = 25)")
plt.show()

# %% [markdown]
# Consecutive steps point in nearly *opposite* directions (the largest cosine printed above is
# close to $-1$): along the steep direction the factor $1-\eta\lambda_{\max} = -0.95$ is
# negative, so that component flips sign every step, while the useful component along the valley
# shrinks by $1-\eta\lambda_{\min} = 0.922$ per step. The path is more than ten times longer
# than the distance it covers (printed above).
#
# Does the zig-zag last? Only if the flipping component shrinks more slowly than the useful
# one, $|1-\eta\lambda_{\max}| > 1-\eta\lambda_{\min}$, which is exactly $\eta > \eta^* =
# 2/(\lambda_{\min}+\lambda_{\max})$. Here it is, and in a run ten times longer (300 steps,
# asserted) every pair of consecutive steps still points in nearly opposite directions. Just
# below $\eta^*$, at $\eta = 1.9/\lambda_{\max}$, the steep component dies out first: after
# about 150 steps (printed) consecutive steps point the same way, and the run creeps along the
# valley floor instead.
#
# If we **averaged** consecutive steps, the oscillating parts would cancel and the consistent
# part along the valley would add up. That is exactly what momentum does — lecture 03.

# %% [markdown]
# ## Summary
#
# * Gradient descent $x \leftarrow x - \eta\nabla f(x)$ follows the steepest direction of the
#   local linear model; it decreases $f$ when $\eta < 2/L$.
# * On a quadratic: converges iff $0 < \eta\lambda_{\max} < 2$; best $\eta^* = 2/(\lambda_{\min}+\lambda_{\max})$;
#   rate $(\kappa-1)/(\kappa+1)$ — all confirmed by measured rates above.
# * The number of steps grows linearly with the condition number $\kappa$; the steep directions
#   cap the learning rate, and the flat directions then crawl.
# * Gradient descent is rotation invariant and zig-zags across narrow valleys.
# * Away from quadratics the limit is local: to converge to a minimum $x^*$, $\eta$ must be below
#   $2/\lambda_{\max}(\nabla^2 f(x^*))$. On Rosenbrock that is $0.001997$: $\eta = 0.0019$
#   converges, $\eta = 0.002$ ends on a 2-cycle, and only above about $0.006$ does the run blow
#   up. A run ten times longer can overturn what a short one suggests.
#
# **Now try** [exercises/01_gradient_descent.ipynb](../exercises/01_gradient_descent.ipynb).
# Next: [02 — stochastic and minibatch gradient descent](02_stochastic_gradient_descent.ipynb).
