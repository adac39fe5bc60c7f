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
from adamlib.run import measured_rate, run, run_optimizer

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
for ax, (name, traj) in zip(axes, runs.items()):
    shown = traj.path[np.isfinite(traj.path).all(axis=1)]
    plot_trajectories(bowl, {traj.label: shown}, ax=ax, title=f"η = {rates[name]} ({name})")
fig.suptitle("Gradient descent on a quadratic with eigenvalues 1 and 10")
fig.tight_layout()
plt.show()

# %%
plot_losses(list(runs.values()), objective=bowl,
            title="Loss against step for four learning rates")
plt.show()
for name, traj in runs.items():
    print(f"{name:>10}: f(x_40) = {traj.losses[-1]:.3e}")

# %% [markdown]
# * **Too small** ($\eta = 0.01$): every step is safe but tiny; after 40 steps the loss has
#   barely moved (printed above).
# * **Good** ($\eta = 0.18$): the fastest of the four, by many orders of magnitude.
# * **Too large** ($\eta = 0.195$): the path bounces from wall to wall of the steep direction;
#   it still converges, slowly.
# * **Divergent** ($\eta = 0.205$): each bounce is larger than the last; the loss grows.
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
print(f"eigenvalues: {lam}")
print(f"largest |measured - formula| over {converging.sum()} converging learning rates: {err:.1e}")

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
# The measured points sit on the formula (largest difference printed above). Now the optimum for
# several condition numbers, again formula against measurement:

# %%
print(" kappa | eta*     | rate formula | rate measured | steps to 1e-6 (measured)")
for kappa in [2, 10, 100, 1000]:
    q = quadratic(condition_number=kappa)
    eta_star = 2 / (1 + kappa)
    traj = run(q, lambda x, g: gd_step(x, g, eta_star), steps=10 * kappa + 100)
    dist = np.linalg.norm(traj.path, axis=1)
    rho = measured_rate(dist)
    steps_needed = int(np.argmax(dist / dist[0] < 1e-6))
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
print(f"largest relative difference between the loss curves: {spread:.1e}")
ax = plot_losses(rotated, objective=quadratic(10.0),
                 title="Gradient descent is rotation invariant (κ = 10, η = 0.15)")
plt.show()

# %% [markdown]
# The curves lie on top of each other: the largest relative difference printed above is at the
# level of floating-point rounding. (We started each rotated problem from the correspondingly
# rotated start point.)
#
# ## 6. A real valley: Rosenbrock
#
# Rosenbrock's function $f(x,y) = (1-x)^2 + 100\,(y-x^2)^2$ has a long, curved, flat-bottomed
# valley. Its curvature across the valley is in the hundreds while along it it is about one —
# an ill-conditioned problem whose conditioning changes along the way.

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
plot_losses(ros_runs, objective=rosenbrock, ax=ax2, title="Rosenbrock: loss against step")
fig.tight_layout()
plt.show()
for t in ros_runs:
    if t.diverged:
        status = f"diverged at step {int(np.argmax(~np.isfinite(t.losses)))}"
    else:
        status = f"distance to (1, 1) after 5000 steps = {np.linalg.norm(t.final - 1):.3g}"
    print(f"{t.label:>10}: {status}")

# %% [markdown]
# The printed distances tell the story. With $\eta = 5\cdot 10^{-4}$, 5000 steps still leave us
# far from the minimum at $(1, 1)$: a step small enough for the steep walls is tiny along the
# valley floor. Doubling $\eta$ helps, twice — but at $\eta = 8\cdot 10^{-3}$ the walls throw
# the iterate out within a few steps. The usable range of learning rates is narrow, and the
# best one sits just below the edge of divergence.
#
# ## 7. The zig-zag
#
# Look again at gradient descent on a rotated, ill-conditioned quadratic, this time at a
# learning rate close to the stability limit:

# %%
valley = quadratic(condition_number=25.0, angle=np.pi / 6)
lam_v = np.linalg.eigvalsh(valley.hessian)
eta_zz = 1.9 / lam_v.max()
zz = run(valley, lambda x, g: gd_step(x, g, eta_zz), steps=30, label=f"GD, η = {eta_zz:.3f}")
steps_taken = np.diff(zz.path, axis=0)
cosines = np.sum(steps_taken[1:] * steps_taken[:-1], axis=1) / (
    np.linalg.norm(steps_taken[1:], axis=1) * np.linalg.norm(steps_taken[:-1], axis=1))
print(f"cosine between consecutive steps (first 20): mean {cosines[:20].mean():.4f}, "
      f"largest {cosines[:20].max():.4f}")
path_len = np.linalg.norm(steps_taken, axis=1).sum()
print(f"path length {path_len:.2f} vs straight-line distance "
      f"{np.linalg.norm(zz.path[-1] - zz.path[0]):.2f}")
plot_trajectories(valley, [zz], title="The zig-zag: GD on a rotated valley (κ = 25)")
plt.show()

# %% [markdown]
# Consecutive steps point in nearly *opposite* directions (the mean cosine printed above is close
# to $-1$): along the steep direction the factor $1-\eta\lambda_{\max}$ is negative, so that
# component flips sign every step, while the useful component along the valley shrinks by only
# $1-\eta\lambda_{\min}$ per step. The path is more than ten times longer than the distance it
# covers (printed above).
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
#
# **Now try** [exercises/01_gradient_descent.ipynb](../exercises/01_gradient_descent.ipynb).
# Next: [02 — stochastic and minibatch gradient descent](02_stochastic_gradient_descent.ipynb).
