# %% [markdown]
# # 04 — Adagrad: a learning rate per coordinate
#
# Gradient descent and momentum use one learning rate for every coordinate. When coordinates
# live on very different scales, that single rate has to suit the steepest one, and every other
# coordinate crawls. Adagrad (Duchi, Hazan & Singer, 2011) gives each coordinate its own rate,
# computed from that coordinate's own gradient history.
#
# **Learning goals.** After this lecture you can
#
# 1. show why one learning rate fails on badly scaled coordinates, even with momentum;
# 2. derive Adagrad as *diagonal preconditioning* and explain why it divides by the root of the
#    summed squared gradients;
# 3. implement Adagrad from scratch and check it against `adamlib.optim.Adagrad`;
# 4. demonstrate where it shines (rare but informative features) and its two weaknesses:
#    an effective learning rate that shrinks for ever, and sensitivity to rotating the problem.

# %%
import os

# Section 5 multiplies small matrices: one BLAS thread is faster than several that must
# synchronize (effective when this runs before NumPy is first imported, as in a fresh kernel).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. One learning rate for all coordinates
#
# Take the quadratic $f(x, y) = \tfrac12 (x^2 + 100\, y^2)$: curvature 1 along $x$, 100 along
# $y$, condition number $\kappa = 100$. Lecture 01 showed that gradient descent converges only
# for $\eta < 2/100$ — the *steep* coordinate decides — and then $x$ shrinks by at best
# $1 - \eta \approx 0.98$ per step. Momentum (lecture 03) improves the rate to about
# $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$, but it still moves both coordinates with one rate.
# Both below with the learning rate that works best on a grid (momentum with PyTorch's
# $\beta = 0.9$).

# %%
from adamlib.functions import quadratic
from adamlib.optim import SGD
from adamlib.plotting import plot_losses, plot_trajectories
from adamlib.run import measured_rate, run_optimizer, sweep

scaled = quadratic(condition_number=100.0)  # axis-aligned: f = ½(x² + 100 y²)
GRID = 10.0 ** np.arange(-4.0, 1.01, 0.5)
FLOOR = 1e-16


def score(losses, min_value=0.0):
    """Mean log10 suboptimality over the run (median over start points); lower is better."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.maximum(losses - min_value, FLOOR))
    mean = logs.mean(axis=1)  # losses: (lrs, steps + 1, ...)
    return np.median(mean.reshape(len(mean), -1), axis=1)


def tuned_lr(objective, optimizer, steps, start=None, grid=GRID, **hyper):
    """The learning rate of `grid` with the best score, and that score."""
    scores = score(sweep(objective, optimizer, grid, start=start, steps=steps, **hyper),
                   objective.min_value)
    return float(grid[np.argmin(scores)]), float(scores.min())


lr_gd, _ = tuned_lr(scaled, SGD, 200)
lr_mom, _ = tuned_lr(scaled, SGD, 200, momentum=0.9)
gd = run_optimizer(scaled, SGD, steps=200, lr=lr_gd, label=f"GD, η = {lr_gd:.2g}")
mom = run_optimizer(scaled, SGD, steps=200, lr=lr_mom, momentum=0.9,
                    label=f"momentum 0.9, η = {lr_mom:.2g}")
kappa = 100.0
print(f"GD:       tuned η = {lr_gd:.3g}, f - f* shrinks by {measured_rate(gd.losses):.4f} per step "
      f"(theory (1 - η·1)² = {(1 - lr_gd) ** 2:.4f}; at best (κ-1)²/(κ+1)² = "
      f"{((kappa - 1) / (kappa + 1)) ** 2:.4f}); after 200 steps {gd.losses[-1]:.2e}")
print(f"momentum: tuned η = {lr_mom:.3g}, f - f* shrinks by {measured_rate(mom.losses):.4f} per "
      f"step (lecture 03: at least β = 0.9); after 200 steps {mom.losses[-1]:.2e}")

fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.3))
plot_trajectories(scaled, {gd.label: gd.path[:61], mom.label: mom.path[:61]}, ax=axes[0],
                  title="One rate for both coordinates (first 60 steps)")
plot_losses([gd, mom], objective=scaled, ax=axes[1],
            title="Progress is limited by the steep coordinate")
plt.tight_layout()
plt.show()

# %% [markdown]
# Gradient descent crosses the steep direction in a few steps and then creeps along the flat
# one; momentum is faster but oscillates (both rates printed above). What we want is a large
# step along $x$ and a small one along $y$.
#
# ## 2. Per-coordinate rates as diagonal preconditioning
#
# **Preconditioning.** Replace the update $x \leftarrow x - \eta\, g$ by
#
# $$x_{t} = x_{t-1} - \eta\, D^{-1} g_t, \qquad D = \operatorname{diag}(d_1, \dots, d_n),
#   \; d_i > 0,$$
#
# so that coordinate $i$ gets the learning rate $\eta / d_i$. This is gradient descent in the
# rescaled coordinates $z = D^{1/2} x$: there $f$ has Hessian $D^{-1/2} H D^{-1/2}$. For our
# quadratic $H = \operatorname{diag}(1, 100)$; the choice $D = H$ turns it into the identity
# ($\kappa = 1$), and with $\eta = 1$ a single step lands on the minimum — that is Newton's method
# restricted to the diagonal. In general we do not know $H$. Can the gradients tell us $D$?
#
# **Adagrad's choice.** Use the root of each coordinate's summed squared gradients:
#
# $$s_t = s_{t-1} + g_t^2, \qquad x_t = x_{t-1} - \frac{\eta}{\sqrt{s_t} + \epsilon}\, g_t
#   \qquad (s_0 = 0, \text{ elementwise}).$$
#
# Two reasons for exactly this $D_t = \operatorname{diag}(\sqrt{s_t}) + \epsilon$:
#
# 1. **Scale invariance.** Multiply coordinate $i$'s gradients by a constant $c$ (e.g. measure
#    a feature in grams instead of kilograms): $\sqrt{s_{t,i}}$ is multiplied by $c$ too, and the
#    step $\eta\, g_{t,i}/\sqrt{s_{t,i}}$ does not change. On a quadratic, $g_i = \lambda_i x_i$,
#    so the effective rate $\eta/\sqrt{s_i}$ is proportional to $1/\lambda_i$ — the diagonal
#    Newton rate, discovered from gradients alone.
# 2. **The best diagonal in hindsight.** Duchi et al.'s regret bound for a fixed preconditioner
#    $\operatorname{diag}(d)$ contains the term $\sum_t \sum_i g_{t,i}^2 / d_i$. Minimising it
#    under a budget $\sum_i d_i = C$ with a Lagrange multiplier $\mu$:
#
#    $$\frac{\partial}{\partial d_i}\Big(\sum_i \frac{S_i}{d_i} + \mu \sum_i d_i\Big)
#      = -\frac{S_i}{d_i^2} + \mu = 0
#      \quad\Longrightarrow\quad d_i = \sqrt{S_i/\mu} \;\propto\; \sqrt{\textstyle\sum_t g_{t,i}^2},$$
#
#    with $S_i = \sum_t g_{t,i}^2$. Adagrad uses the running version $\sqrt{s_t}$.
#
# A coordinate whose gradients have been small or rare keeps a large rate; one with large,
# frequent gradients gets a small rate. $\epsilon$ only prevents a division by zero (PyTorch:
# $10^{-10}$, default $\eta = 10^{-2}$; Keras starts the sum at 0.1 instead of 0).

# %% [markdown]
# ## 3. Adagrad from scratch

# %%
def adagrad_step(x, grad, sum_sq, lr=1e-2, eps=1e-10):
    """One Adagrad update. Returns (x_new, sum_sq_new); works elementwise on any shape."""
    sum_sq_new = sum_sq + grad**2                          # s_t = s_{t-1} + g_t²
    x_new = x - lr * grad / (np.sqrt(sum_sq_new) + eps)   # per-coordinate rate η/(√s_t + ε)
    return x_new, sum_sq_new


def adagrad(lr=1e-2, eps=1e-10):
    """An update rule step(x, g) -> x_new for adamlib.run.run, keeping the sum of squares."""
    state = {"sum_sq": 0.0}

    def step(x, g):
        x_new, state["sum_sq"] = adagrad_step(x, g, state["sum_sq"], lr, eps)
        return x_new

    return step


# %% [markdown]
# The check that ties this to the package: 50 steps on Rosenbrock with PyTorch's defaults and
# with other hyperparameters must match `adamlib.optim.Adagrad`.

# %%
from adamlib.functions import rosenbrock
from adamlib.optim import Adagrad
from adamlib.run import run

for lr, eps in ((1e-2, 1e-10), (0.3, 1e-3)):
    mine = run(rosenbrock, adagrad(lr, eps), steps=50).path
    theirs = run_optimizer(rosenbrock, Adagrad, steps=50, lr=lr, eps=eps).path
    np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=0)
    print(f"lr = {lr}, eps = {eps}: from scratch == adamlib.optim.Adagrad for 50 steps")

# %% [markdown]
# ## 4. Badly scaled coordinates, fixed
#
# Back to $f = \tfrac12(x^2 + 100 y^2)$, Adagrad with its own tuned learning rate, and then the
# same comparison for condition numbers from 1 to 1000 (each method tuned for each $\kappa$).

# %%
lr_ada, _ = tuned_lr(scaled, Adagrad, 200)
ada = run_optimizer(scaled, Adagrad, steps=200, lr=lr_ada, label=f"Adagrad, η = {lr_ada:.2g}")
path = ada.path
s = np.cumsum(scaled.grad(path[:-1]) ** 2, axis=0)
effective = lr_ada / np.sqrt(s[5])
print(f"Adagrad: tuned η = {lr_ada:.3g}; f - f* after 10 steps {ada.losses[10]:.2e}, "
      f"after 200 steps {ada.losses[-1]:.2e}")
print(f"effective rates after 6 steps: x: {effective[0]:.4f}, y: {effective[1]:.5f} "
      f"(diagonal Newton: 1/1 = 1 and 1/100 = 0.01)")

kappas = [1.0, 10.0, 100.0, 1000.0]
methods = {"GD": (SGD, {}), "momentum 0.9": (SGD, {"momentum": 0.9}), "Adagrad": (Adagrad, {})}
by_kappa = {name: [tuned_lr(quadratic(k), cls, 200, **hyper)[1] for k in kappas]
            for name, (cls, hyper) in methods.items()}
for name, scores in by_kappa.items():
    print(f"{name:<13} score (mean log10 f - f*, 200 steps) for κ = 1, 10, 100, 1000: "
          + ", ".join(f"{v:.1f}" for v in scores))

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.3))
plot_losses([gd, mom, ada], objective=scaled, ax=axes[0],
            title=r"$f = \frac{1}{2}(x^2 + 100\,y^2)$: Adagrad against the section 1 runs")
axes[0].set_ylim(bottom=FLOOR)
for i, (name, scores) in enumerate(by_kappa.items()):
    axes[1].plot(kappas, scores, "o-", color=f"C{i}", label=name)  # colours as on the left
axes[1].set_xscale("log")
axes[1].set_xlabel(r"condition number $\kappa$ (axis-aligned quadratic)")
axes[1].set_ylabel(r"mean $\log_{10}(f - f^*)$ over 200 steps (lower is better)")
axes[1].set_title("Tuned methods against the condition number")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Adagrad's first step moves each coordinate by exactly $\eta$ (its gradient divided by its own
# size) — with the tuned $\eta = 10$ far past the minimum — and from then on the accumulated
# squares have measured each coordinate's curvature: the printed effective rates stand in the
# ratio 1 : 100 of the diagonal Newton rates $1/\lambda_i$, and here are even close to them. Its score
# does not depend on $\kappa$ at all, while gradient descent and momentum get steadily worse.
# This is the best case for Adagrad: the badly scaled directions are the coordinate axes.
#
# ## 5. Where Adagrad shines: rare but informative features
#
# Text and recommendation data have many features that are almost always zero (a rare word).
# When such a feature does appear it can be very informative, but it contributes a gradient
# only in the few examples that contain it. A single learning rate tuned for the frequent
# features is far too small for the rare ones.
#
# A synthetic, seeded logistic regression: 8000 examples, 10 **frequent** binary features
# (present half the time, small true weights) and 100 **rare** ones (each present in 1% of the
# examples, large true weights). We train with minibatches of 32 for 2000 steps, compare
#
# * SGD with a constant learning rate,
# * SGD with the decay $\eta/\sqrt{t}$ (the same decay Adagrad has built in, but one rate for
#   all features — this separates "decaying" from "per coordinate"),
# * Adagrad,
#
# each with its best learning rate on a grid, all on the same minibatches, and measure the
# excess loss $f(w_t) - f(w^*)$ on the whole data set ($w^*$ by Newton's method).

# %%
rng = np.random.default_rng(0)
n, n_freq, n_rare = 8000, 10, 100
d = n_freq + n_rare
presence = np.r_[np.full(n_freq, 0.5), np.full(n_rare, 0.01)]
X = (rng.random((n, d)) < presence).astype(float)
w_true = np.r_[rng.normal(0.0, 0.5, n_freq),
               rng.choice([-1.0, 1.0], n_rare) * rng.uniform(1.5, 3.0, n_rare)]
y = (rng.random(n) < 1 / (1 + np.exp(-X @ w_true))).astype(float)


def logistic_loss(W):
    """Mean logistic loss on the whole data set for each row of W (shape (k, d))."""
    z = X @ W.T
    return np.mean(np.logaddexp(0.0, z) - y[:, None] * z, axis=0)


def logistic_grad(W, idx):
    """Minibatch gradient for each row of W, on the examples idx."""
    z = X[idx] @ W.T
    return (0.5 * (1 + np.tanh(z / 2)) - y[idx, None]).T @ X[idx] / len(idx)  # σ(z) = ½(1+tanh(z/2))


w_star = np.zeros(d)
for newton_steps in range(1, 21):  # Newton's method for the reference optimum
    p = 0.5 * (1 + np.tanh(X @ w_star / 2))
    full_grad = X.T @ (p - y) / n
    if np.abs(full_grad).max() < 1e-12:
        break
    hessian = (X.T * (p * (1 - p))) @ X / n
    w_star -= np.linalg.solve(hessian, full_grad)
f_star = logistic_loss(w_star[None])[0]
print(f"{n} examples, {d} features; the rare ones are present in "
      f"{X[:, n_freq:].mean():.1%} of the examples; optimal loss f* = {f_star:.4f} "
      f"(Newton: gradient below 1e-12 after {newton_steps - 1} steps)")

# %%
T, BATCH, EVERY = 2000, 32, 40
batches = rng.integers(0, n, size=(T, BATCH))
sparse_grid = 10.0 ** np.arange(-2.0, 2.01, 0.5)


def train(method, lrs):
    """Train one model per learning rate at once (rows of W); excess loss every EVERY steps."""
    W = np.zeros((len(lrs), d))
    sum_sq = np.zeros_like(W)
    lr = lrs[:, None]
    curve, rates = [], []
    for t in range(1, T + 1):
        G = logistic_grad(W, batches[t - 1])
        if method == "SGD":
            W = W - lr * G
        elif method == "SGD, η/√t":
            W = W - lr / np.sqrt(t) * G
        else:
            W, sum_sq = adagrad_step(W, G, sum_sq, lr=lr)
            # a feature that has not appeared yet has s = 0 and no rate to speak of: NaN
            rates.append(np.where(sum_sq > 0, lr / (np.sqrt(sum_sq) + 1e-10), np.nan))
        if t % EVERY == 0:
            curve.append(logistic_loss(W) - f_star)
    return W, np.array(curve), np.array(rates)


sparse = {}
for method in ("SGD", "SGD, η/√t", "Adagrad"):
    W, curve, rates = train(method, sparse_grid)
    with np.errstate(divide="ignore"):
        best = int(np.argmin(np.log10(curve).mean(axis=0)))
    err = np.abs(W[best] - w_star)
    sparse[method] = dict(lr=sparse_grid[best], curve=curve[:, best], rates=rates,
                          best=best, err_freq=err[:n_freq].mean(), err_rare=err[n_freq:].mean())
    r = sparse[method]
    print(f"{method:<10} tuned η = {r['lr']:<7.3g} excess loss after {T} steps "
          f"{r['curve'][-1]:.2e};  mean |w - w*|: frequent {r['err_freq']:.3f}, "
          f"rare {r['err_rare']:.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
steps_axis = np.arange(EVERY, T + 1, EVERY)
for method, r in sparse.items():
    axes[0].plot(steps_axis, r["curve"], label=f"{method} (η = {r['lr']:.2g})")
axes[0].set_yscale("log")
axes[0].set_xlabel("step $t$ (minibatches of 32)")
axes[0].set_ylabel(r"excess loss $f(w_t) - f(w^*)$")
axes[0].set_title("Sparse logistic regression, each method tuned")
axes[0].legend()
positions = np.arange(2)
for i, (method, r) in enumerate(sparse.items()):
    axes[1].bar(positions + (i - 1) * 0.27, [r["err_freq"], r["err_rare"]], width=0.27,
                label=method)
axes[1].set_xticks(positions, [f"{n_freq} frequent features", f"{n_rare} rare features"])
axes[1].set_xlabel("feature group")
axes[1].set_ylabel(r"mean $|w_i - w_i^*|$ after 2000 steps")
axes[1].set_title("Where the error is left")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Adagrad reaches the lowest excess loss (numbers above). The bar chart shows why: with one
# rate for all features, SGD either keeps the frequent weights noisy (constant $\eta$: the
# largest error on the frequent features) or, with the decay, leaves the rare weights far from
# their optimum (the largest error on the rare ones) — a rare feature gets a gradient in only
# about 1% of the examples, so with a shared rate its weight moves a hundred times less often.
# Adagrad is the only method with a small error on both groups: its rare features have small
# sums of squares and therefore large rates.
#
# ## 6. The rate that only ever shrinks
#
# $s_t$ never decreases, so the effective rate $\eta/\sqrt{s_t}$ never increases. If the
# gradients keep a roughly constant size $G$ — as minibatch gradients do, because their noise
# does not vanish — then $s_t \approx t\,G^2$ and
#
# $$\frac{\eta}{\sqrt{s_t}} \approx \frac{\eta}{G\sqrt t}:$$
#
# a built-in $1/\sqrt t$ decay that never stops, whether the problem needs it or not. Summing
# the steps, Adagrad travels at most about $\sum_{t \le T} \eta/\sqrt t \approx 2\eta\sqrt T$
# along a slope of constant steepness, so **crossing a distance $D$ takes about
# $(D/2\eta)^2$ steps**: ten times farther, a hundred times longer. Gradient descent on the same
# slope needs $D/(\eta G)$ steps.
#
# Two measurements: the effective rates of the sparse experiment above, and a run down the
# slopes of $f(x) = \sum_i \big(\sqrt{1 + x_i^2} - 1\big)$ (gradient $\approx \pm 1$ far from the
# minimum) from $x_i = 10, 30, 100$ — one coordinate each, since Adagrad treats coordinates
# independently — with $\eta = 1$ for both methods.

# %%
rates = sparse["Adagrad"]["rates"][:, sparse["Adagrad"]["best"]]  # (T, d)
t_axis = np.arange(1, T + 1)
late = t_axis >= 200
for group, cols in (("frequent", slice(0, n_freq)), ("rare", slice(n_freq, d))):
    mean_rate = np.nanmean(rates[:, cols], axis=1)
    slope = np.polyfit(np.log(t_axis[late]), np.log(mean_rate[late]), 1)[0]
    print(f"{group:<8} features: mean effective rate {mean_rate[99]:.3f} at t = 100, "
          f"{mean_rate[-1]:.3f} at t = {T}; fitted slope in log-log {slope:.2f} "
          f"(1/√t gives -0.50)")

distances = np.array([10.0, 30.0, 100.0])


def slope_grad(x):
    return x / np.sqrt(1 + x**2)


x_ada, x_gd, sum_sq = distances.copy(), distances.copy(), np.zeros(3)
STEPS_SLOPE = 5000
arrival_ada, arrival_gd = np.full(3, -1), np.full(3, -1)
travel_ada = np.empty((STEPS_SLOPE, 3))
for t in range(1, STEPS_SLOPE + 1):
    x_ada, sum_sq = adagrad_step(x_ada, slope_grad(x_ada), sum_sq, lr=1.0)
    x_gd = x_gd - 1.0 * slope_grad(x_gd)
    travel_ada[t - 1] = distances - x_ada
    arrival_ada[(arrival_ada < 0) & (np.abs(x_ada) < 1)] = t
    arrival_gd[(arrival_gd < 0) & (np.abs(x_gd) < 1)] = t
for D, a, g in zip(distances, arrival_ada, arrival_gd):
    print(f"distance {D:6.0f}: Adagrad needs {a:7d} steps (estimate (D/2η)² = {(D / 2) ** 2:7.0f}), "
          f"gradient descent {g:5d}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
for group, cols, color in (("frequent", slice(0, n_freq), "C0"), ("rare", slice(n_freq, d), "C1")):
    axes[0].plot(t_axis, rates[:, cols], color=color, lw=0.6, alpha=0.5)
    axes[0].plot([], [], color=color, label=f"{group} features")
axes[0].plot(t_axis, 3 * np.nanmean(rates[99, :n_freq]) * np.sqrt(100 / t_axis), "k--",
             label=r"$\propto 1/\sqrt{t}$")
axes[0].set_xscale("log")
axes[0].set_yscale("log")
axes[0].set_xlabel("step $t$")
axes[0].set_ylabel(r"effective rate $\eta/(\sqrt{s_{t,i}} + \epsilon)$")
axes[0].set_title("Sparse regression: every rate only goes down")
axes[0].legend()
shown = np.unique(np.geomspace(1, STEPS_SLOPE, 400).astype(int)) - 1
for i, D in enumerate(distances):
    axes[1].plot(shown + 1, np.minimum(travel_ada[shown, i], D), color=f"C{i}",
                 label=f"Adagrad, start at {D:.0f}")
axes[1].plot(shown + 1, 2 * np.sqrt(shown + 1), "k--", label=r"$2\eta\sqrt{t}$")
axes[1].plot(shown + 1, (shown + 1.0), "k:", label=r"gradient descent: $\eta t$")
axes[1].set_xscale("log")
axes[1].set_yscale("log")
axes[1].set_ylim(0.5, 300)
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel("distance travelled")
axes[1].set_title(r"Down a slope: Adagrad slows like $\sqrt{t}$ ($\eta = 1$)")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The fitted slopes are close to $-1/2$: the rates of the frequent features decay like
# $1/\sqrt t$, as predicted, and the rare ones decay the same way from a higher level. For a
# fixed, noisy problem such a decay is even welcome (lecture 02: SGD needs a decaying step). But
# it is not a choice — it happens whether the problem needs it or not. On the slope the
# arrival times follow $(D/2\eta)^2$: a hundred times more steps for ten times the distance,
# where gradient descent needs ten times more. A larger $\eta$ helps only if we know the
# distance in advance, and in a neural network the landscape keeps changing during training:
# the rate spent early is gone. Lecture 05 replaces the sum by a moving average.
#
# ## 7. Adagrad is not rotation invariant
#
# Gradient descent does not care how the problem is oriented: rotate $f$ and the starting point
# by the same rotation $R$, and every iterate is rotated by $R$ (because
# $\nabla (f \circ R^\top)(Rx) = R\, \nabla f(x)$). Adagrad's squares $g_i^2$ are taken **per
# coordinate**, so its preconditioner is diagonal *in the coordinate axes*. Its perfect result of
# section 4 needed the valley to be aligned with the axes. Rotate the $\kappa = 100$ quadratic by
# $\theta$ from 0° to 90° (and the 8 start points with it), tune both methods for every angle, run
# 100 steps:

# %%
angles = np.arange(0.0, 90.1, 15.0)
ring = 1.5 * np.stack([np.cos(np.arange(8) * np.pi / 4 + 0.3),
                       np.sin(np.arange(8) * np.pi / 4 + 0.3)], axis=1)
rotation_results = {"gradient descent": [], "Adagrad": []}
for degrees in angles:
    theta = np.radians(degrees)
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    rotated = quadratic(condition_number=100.0, angle=theta)
    starts = ring @ R.T
    for name, cls in (("gradient descent", SGD), ("Adagrad", Adagrad)):
        lr, _ = tuned_lr(rotated, cls, 100, start=starts)
        final = run_optimizer(rotated, cls, start=starts, steps=100, lr=lr).losses[-1]
        rotation_results[name].append(float(np.median(final)))
for name, finals in rotation_results.items():
    finals = np.array(finals)
    print(f"{name:<16} median f - f* after 100 steps: at 0° {finals[0]:.1e}, "
          f"at 45° {finals[angles == 45.0][0]:.1e}, at 90° {finals[-1]:.1e}; "
          f"spread over angles: factor {finals.max() / max(finals.min(), 1e-300):.3g}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), gridspec_kw={"width_ratios": [1.3, 1, 1]})
for name, finals in rotation_results.items():
    color = "C0" if name == "gradient descent" else "C2"  # the colours of sections 1 and 4
    axes[0].plot(angles, np.maximum(finals, FLOOR), "o-", color=color, label=name)
axes[0].set_yscale("log")
axes[0].set_xticks(np.arange(0, 91, 15))
axes[0].set_xlabel(r"rotation angle $\theta$ (degrees)")
axes[0].set_ylabel("median $f - f^*$ after 100 steps (floored at 1e-16)")
axes[0].set_title(r"Tuned methods on the rotated $\kappa = 100$ quadratic")
axes[0].legend()
for ax, degrees in zip(axes[1:], (0.0, 45.0)):
    rotated = quadratic(condition_number=100.0, angle=np.radians(degrees))
    lr, _ = tuned_lr(rotated, Adagrad, 100)
    traj = run_optimizer(rotated, Adagrad, steps=60, lr=lr, label=f"Adagrad, η = {lr:.2g}")
    plot_trajectories(rotated, [traj], ax=ax, title=f"Adagrad, valley rotated {degrees:.0f}°")
plt.tight_layout()
plt.show()

# %% [markdown]
# Gradient descent gives the same result at every angle (the printed spread is a factor of 1).
# Adagrad is far ahead when the valley lies along an axis (0° or 90°) and loses that advantage
# as the valley turns — at 45° it is about as good as gradient descent, no more (compare the
# printed values): the steep and flat directions then mix both coordinates equally, and no diagonal
# rescaling can separate them. Full-matrix Adagrad ($D = (\sum_t g_t g_t^\top)^{1/2}$) would be
# rotation invariant, at a cost of $O(n^2)$ memory and $O(n^3)$ time per step — which is why
# everything used in practice, Adam included, stays diagonal.
#
# ## Summary
#
# * Adagrad divides each coordinate's gradient by the root of that coordinate's summed squared
#   gradients: $x_t = x_{t-1} - \eta\, g_t/(\sqrt{s_t} + \epsilon)$, $s_t = s_{t-1} + g_t^2$.
# * It is diagonal preconditioning; it is invariant to rescaling coordinates, and on an
#   axis-aligned quadratic it finds the diagonal Newton rates $1/\lambda_i$ by itself.
# * It shines with rare, informative features, which keep large rates.
# * Its effective rate only shrinks — like $1/\sqrt t$ under steady gradients — so crossing a
#   distance $D$ costs $\sim D^2$ steps and early gradients spend the rate for good.
# * It is not rotation invariant: its advantage lives in the coordinate axes.
#
# **Now try `exercises/04_adagrad.ipynb`**: implement `adagrad_step` and Adagrad's effective
# learning rate, each checked with mistake-specific feedback.
