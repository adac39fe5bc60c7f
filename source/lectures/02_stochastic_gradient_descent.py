# %% [markdown]
# # 02 — Stochastic and minibatch gradient descent
#
# In lecture 01 the gradient was exact. In machine learning it almost never is: the loss is an
# average over thousands or millions of examples, and computing the exact gradient means
# touching every one of them for a single step. **Stochastic gradient descent** (SGD) instead
# takes a step with the gradient of a small random **minibatch**. The steps are cheap and
# noisy. This lecture measures that noise on a real dataset and shows what it does to
# convergence.
#
# **Learning goals.** After this lecture you can
#
# 1. write a loss as an average over examples and explain why a minibatch gradient is an
#    unbiased estimate of the full gradient;
# 2. measure the gradient noise and how it shrinks with the batch size $B$ (the $\sigma^2/B$
#    law and its finite-population correction);
# 3. implement minibatch SGD from scratch and check it against `adamlib.optim.SGD`;
# 4. explain and measure the **noise floor** of SGD with a constant learning rate, which grows
#    in proportion to $\eta/B$;
# 5. make SGD converge with a decaying learning rate (step decay, $1/t$ decay), and state the
#    Robbins–Monro conditions that a schedule must satisfy.

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. A real problem: predicting disease progression
#
# `adamlib.data` ships three small real datasets that come with scikit-learn (nothing is
# downloaded). We use **diabetes**: 442 patients, 10 baseline measurements each (age, sex, body
# mass index, blood pressure, six blood serum values), and a measure of disease progression one
# year later. `load` splits the rows into training, validation and test sets and standardizes
# every column with the training rows' mean and standard deviation.

# %%
from adamlib.data import load

ds = load("diabetes", seed=0)
print(ds.description)
X, y = ds.X_train, ds.y_train
n, d = X.shape
print(f"training set: n = {n} examples, d = {d} features")

# %% [markdown]
# We fit a linear model $\hat y = x^\top w$ by least squares with a little L2 regularization
# (ridge, $\alpha = 0.1$). Features and target are centered on the training rows, so no
# intercept is needed. The loss is an **average over the examples**:
#
# $$f(w) = \frac1n \sum_{i=1}^n f_i(w), \qquad
#   f_i(w) = \tfrac12\,(x_i^\top w - y_i)^2 + \tfrac{\alpha}{2}\,\|w\|^2, \qquad
#   \nabla f_i(w) = (x_i^\top w - y_i)\,x_i + \alpha w .$$
#
# It is a quadratic with Hessian $H = X^\top X / n + \alpha I$, so we know everything about it:
# the minimizer $w^*$ (a linear solve), the eigenvalues of $H$, and the best learning rate of
# full-batch gradient descent from lecture 01, $\eta^* = 2/(\lambda_{\min} + \lambda_{\max})$.

# %%
alpha = 0.1


def loss(w):
    """f(w) for one weight vector (d,) or a stack of them (k, d)."""
    r = w @ X.T - y
    return 0.5 * np.mean(r * r, axis=-1) + 0.5 * alpha * np.sum(w * w, axis=-1)


def minibatch_gradient(w, idx):
    """Average of ∇f_i(w) over the examples idx; w is (d,) or a stack (k, d)."""
    Xb, yb = X[idx], y[idx]
    r = w @ Xb.T - yb
    return r @ Xb / len(idx) + alpha * w


def full_gradient(w):
    return minibatch_gradient(w, np.arange(n))


H = X.T @ X / n + alpha * np.eye(d)
eigenvalues = np.linalg.eigvalsh(H)
w_star = np.linalg.solve(H, X.T @ y / n)
f_star = loss(w_star)
w0 = np.zeros(d)
print(f"eigenvalues of H: {eigenvalues.min():.4f} ... {eigenvalues.max():.4f}, "
      f"condition number κ = {eigenvalues.max() / eigenvalues.min():.1f}")
print(f"f(w0) = {loss(w0):.4f},  f* = f(w*) = {f_star:.4f},  "
      f"|∇f(w*)| = {np.linalg.norm(full_gradient(w_star)):.1e}")
lr_gd = 2 / (eigenvalues.min() + eigenvalues.max())
print(f"best learning rate of full-batch gradient descent: η* = {lr_gd:.4f}")

# %% [markdown]
# ## 2. Full gradients are expensive; stochastic ones are cheap
#
# One step of gradient descent uses all $n$ examples. **Stochastic gradient descent** uses one
# example, or a **minibatch** $\mathcal B$ of $B$ examples drawn at random:
#
# $$w_{t+1} = w_t - \eta\, g_t, \qquad
#   g_t = \frac1B \sum_{i \in \mathcal B_t} \nabla f_i(w_t).$$
#
# Because $\mathcal B_t$ is random, $g_t$ is random; because every example is equally likely to
# be picked, its expectation is the full gradient: $\mathbb E[g_t] = \nabla f(w_t)$ (an
# **unbiased** estimate). In practice the examples are **reshuffled** every epoch and cut into
# consecutive batches, so that one **epoch** (one pass over the data) uses every example once.
# That is what `adamlib.data.minibatches(n, batch_size, rng)` yields: the index arrays of one
# epoch.
#
# The fair way to compare methods is per **example processed**, because that is what costs
# time: one epoch buys one step of gradient descent, or $n/B$ steps of SGD. Below we run both
# for 30 epochs (SGD from scratch, in a few lines; section 4 checks it against `adamlib`).

# %%
from adamlib.data import minibatches


def sgd(w0, lrs, batch_size, epochs, rng, record_per_epoch=10):
    """Minibatch SGD with reshuffling; lrs[t] is the learning rate at step t.

    w0 may be a stack (k, d) of k independent runs that share the batches; then lrs[t]
    holds k learning rates. Returns the loss gaps f(w) - f*, recorded at the start and then
    record_per_epoch times per epoch (evenly spaced, the last at the end of the epoch), and
    the final weights.
    """
    w = np.array(w0, dtype=float)
    steps_per_epoch = -(-n // batch_size)  # ceil(n / B)
    marks = np.linspace(0, steps_per_epoch, record_per_epoch + 1)[1:].round()
    record_after = {int(m) - 1 for m in marks}  # batch numbers within an epoch
    gaps = [loss(w) - f_star]
    t = 0
    for _ in range(epochs):
        for j, idx in enumerate(minibatches(n, batch_size, rng)):
            lr = np.reshape(lrs[t], (-1, 1)) if w.ndim == 2 else lrs[t]
            w = w - lr * minibatch_gradient(w, idx)
            t += 1
            if j in record_after:
                gaps.append(loss(w) - f_star)
    return np.array(gaps), w


epochs = 30
gd_path = [w0]
for _ in range(epochs):
    gd_path.append(gd_path[-1] - lr_gd * full_gradient(gd_path[-1]))
gd_gaps = loss(np.array(gd_path)) - f_star

fig, ax = plt.subplots()
ax.plot(np.arange(epochs + 1), gd_gaps, "k.-", label=f"gradient descent, η* = {lr_gd:.3f}")
sgd_runs = {}
for B, lr in [(1, 0.02), (16, 0.1)]:
    gaps, _ = sgd(w0, np.full(epochs * n, lr), B, epochs, np.random.default_rng(0))
    sgd_runs[B] = gaps
    ax.plot(np.arange(len(gaps)) / 10, gaps, label=f"SGD, B = {B}, η = {lr}")
ax.set_yscale("log")
ax.set_xlabel("epochs (examples processed / n)")
ax.set_ylabel(r"$f(w) - f^*$")
ax.set_title("Diabetes ridge regression: gradient descent vs SGD at equal cost")
ax.legend()
plt.show()
lines = [f"SGD B = {B:2d}: gap after 1 epoch {gaps[10]:.2e}, "
         f"mean over the last 10 epochs {gaps[-100:].mean():.2e}"
         for B, gaps in sgd_runs.items()]
lines.append(f"GD:        gap after 1 epoch {gd_gaps[1]:.2e}, after {epochs} epochs "
             f"{gd_gaps[-1]:.2e}")
print("\n".join(lines))

# %% [markdown]
# After one epoch, both SGD runs are far ahead of gradient descent (numbers printed above):
# they have taken $n/B$ steps while gradient descent has taken one. But then the SGD curves
# flatten and jitter around a **plateau**, while gradient descent keeps going down and
# eventually overtakes them. The rest of the lecture explains the plateau — and removes it.
#
# ## 3. Gradient noise, measured
#
# Write $g_i = \nabla f_i(w)$, their mean $\bar g = \nabla f(w)$, and their spread
#
# $$\sigma^2(w) = \frac1n \sum_{i=1}^n \|g_i - \bar g\|^2$$
#
# (the trace of the covariance of the per-example gradients). For a batch of $B$ examples drawn
# **independently** (with replacement), the variance of the average falls like $1/B$:
# $\mathbb E\|g_{\mathcal B} - \bar g\|^2 = \sigma^2 / B$. A minibatch cut from a shuffled
# epoch is drawn **without** replacement; then the variance carries the finite-population
# correction
#
# $$\mathbb E\|g_{\mathcal B} - \bar g\|^2 = \frac{\sigma^2}{B}\cdot\frac{n - B}{n - 1},$$
#
# which reaches zero at $B = n$ (the batch is the whole dataset). Let us measure it by drawing
# 2000 random batches of each size, at the start $w_0 = 0$ and at the minimizer $w^*$.

# %%
def per_example_gradients(w):
    return (X @ w - y)[:, None] * X + alpha * w


rng = np.random.default_rng(1)
batch_sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128, 200, 250])
draws = 2000
points = {"start $w_0 = 0$": w0, "minimizer $w^*$": w_star}
fig, ax = plt.subplots()
noise = {}
for k, (name, w) in enumerate(points.items()):
    G = per_example_gradients(w)
    g_bar = G.mean(axis=0)
    sigma2 = np.mean(np.sum((G - g_bar) ** 2, axis=1))
    measured = []
    for B in batch_sizes:
        idx = np.argsort(rng.random((draws, n)), axis=1)[:, :B]  # without replacement
        measured.append(np.mean(np.sum((G[idx].mean(axis=1) - g_bar) ** 2, axis=1)))
    measured = np.array(measured)
    predicted = sigma2 / batch_sizes * (n - batch_sizes) / (n - 1)
    noise[name] = (sigma2, np.sum(g_bar**2), np.max(np.abs(measured / predicted - 1)))
    ax.plot(batch_sizes, measured, "o", color=f"C{k}", label=f"measured at {name}")
    ax.plot(batch_sizes, predicted, "-", color=f"C{k}", lw=1,
            label=r"$\sigma^2/B \cdot (n-B)/(n-1)$" + f" at {name}")
    ax.plot(batch_sizes, sigma2 / batch_sizes, ":", color=f"C{k}", lw=1,
            label=r"$\sigma^2/B$" + f" at {name}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("batch size $B$")
ax.set_ylabel(r"$\mathbb{E}\,\|g_\mathcal{B} - \nabla f\|^2$")
ax.set_title(f"Variance of the minibatch gradient (diabetes, n = {n})")
ax.legend(ncol=2, fontsize="small")
plt.show()
for name, (sigma2, signal, err) in noise.items():
    name = name.replace("$", "").replace("_", "")
    print(f"at {name:>14}: σ² = {sigma2:.3f}, |∇f|² = {signal:.2e}, "
          f"largest relative deviation measured vs formula = {err:.1%}")

# %% [markdown]
# The measured variances sit on the finite-population formula (largest deviation printed
# above, the scatter of a 2000-sample estimate); the plain $\sigma^2/B$ line is accurate for
# $B \ll n$ and overestimates as $B$ approaches $n$. Doubling the batch halves the variance —
# and doubles the cost of a step.
#
# The second line of the printout is the crux of this lecture. **At the minimizer the full
# gradient is zero, but the per-example gradients are not**: each example would like $w$ to
# move somewhere else, and they only cancel on average. Gradient descent stops at $w^*$
# because its step is zero there. SGD does not: at $w^*$ its step $-\eta g_{\mathcal B}$ has
# size about $\eta\sigma(w^*)/\sqrt B$, so it keeps being kicked away.
#
# ## 4. Minibatch SGD from scratch equals `adamlib.optim.SGD`
#
# Our `sgd` above is the whole algorithm. `adamlib.optim.SGD` (PyTorch's `torch.optim.SGD`)
# does the same update in place; changing `param_groups[0]["lr"]` between steps is how a
# learning-rate schedule talks to it (exactly as in PyTorch). Same batches, same learning
# rates — the weights must agree after every step, to the last bit.

# %%
from adamlib.optim import SGD

lr_schedule = 0.1 * 0.5 ** (np.arange(3 * 17) // 17)  # halve every epoch (17 steps of B = 16)
rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
w_ours = w0.copy()
w_lib = w0.copy()
opt = SGD([w_lib], lr=0.1)
t = 0
for _ in range(3):  # epochs
    for idx_a, idx_b in zip(minibatches(n, 16, rng_a), minibatches(n, 16, rng_b), strict=True):
        w_ours = w_ours - lr_schedule[t] * minibatch_gradient(w_ours, idx_a)
        opt.param_groups[0]["lr"] = lr_schedule[t]
        opt.step([minibatch_gradient(w_lib, idx_b)])
        np.testing.assert_array_equal(w_ours, w_lib)
        t += 1
print(f"from-scratch minibatch SGD == adamlib.optim.SGD for all {t} steps "
      f"(f - f* = {loss(w_lib) - f_star:.3e} at the end)")

# %% [markdown]
# ## 5. The noise floor of a constant learning rate
#
# Near the minimizer, write $e_t = w_t - w^*$. On our quadratic the SGD step is
# $e_{t+1} = (I - \eta H)\,e_t - \eta\,\xi_t$, where $\xi_t$ is the gradient noise, of
# covariance about $C/B$ with $\operatorname{tr} C = \sigma^2(w^*)$. Gradient descent's
# contraction $(I - \eta H)$ pulls the error in; the noise pushes it out. They balance when the
# error's covariance $P = \mathbb E[e e^\top]$ satisfies
# $P = (I-\eta H) P (I - \eta H) + \eta^2 C / B$, that is
# $HP + PH = \eta\, C/B + O(\eta^2)$. Taking the trace, the average gap settles at
#
# $$\mathbb E[f(w_t) - f^*] = \tfrac12 \operatorname{tr}(HP) \approx
#   \frac{\eta\, \sigma^2(w^*)}{4B} .$$
#
# So a constant learning rate buys **a floor proportional to $\eta / B$**: halve $\eta$ and the
# floor halves — but the contraction $(1 - \eta\lambda)$ gets slower too, so it takes twice as
# many steps to get there. No constant $\eta$ converges to $w^*$.
#
# The derivation assumes batches drawn independently at every step. We measure both that and
# reshuffled epochs (what `minibatches` does, and what everyone does in practice). Every run
# **starts at the minimizer $w^*$ itself** — and walks away from it: after 5000 steps to settle,
# we average the gap over the next 8000 steps. All learning rates run at once (a stack of
# weight vectors sharing the batches).

# %%
def plateau(lrs, batch_size, independent, burn_in=5000, window=8000, seed=0):
    """Average f - f* over `window` steps after `burn_in`, constant learning rates lrs, from w*."""
    rng = np.random.default_rng(seed)
    W = np.tile(w_star, (len(lrs), 1))
    eta = np.asarray(lrs)[:, None]
    total = 0.0
    batches = iter(())
    for t in range(burn_in + window):
        if independent:
            idx = rng.integers(0, n, batch_size)
        else:
            idx = next(batches, None)
            if idx is None or len(idx) < batch_size:
                batches = minibatches(n, batch_size, rng, drop_last=True)
                idx = next(batches)
        W = W - eta * minibatch_gradient(W, idx)
        if t >= burn_in and t % 10 == 0:
            total = total + loss(W) - f_star
    return total / (window // 10)


sigma2_star = noise["minimizer $w^*$"][0]
floor_lrs = np.array([0.003, 0.01, 0.03, 0.1])
floors = {}
for B in (1, 8):
    for independent in (True, False):
        floors[B, independent] = plateau(floor_lrs, B, independent)

fig, ax = plt.subplots()
for k, B in enumerate((1, 8)):
    ax.plot(floor_lrs, floors[B, True], "o-", color=f"C{k}",
            label=f"B = {B}, independent batches")
    ax.plot(floor_lrs, floors[B, False], "s--", color=f"C{k}", mfc="none",
            label=f"B = {B}, reshuffled epochs")
    ax.plot(floor_lrs, floor_lrs * sigma2_star / (4 * B), ":", color=f"C{k}", lw=2,
            label=rf"$\eta\sigma^2/(4B)$, B = {B}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(r"constant learning rate $\eta$")
ax.set_ylabel(r"plateau of $f(w_t) - f^*$")
ax.set_title("The noise floor of constant-step SGD grows with η / B")
ax.legend(fontsize="small")
plt.show()
lines = [f"σ²(w*) = {sigma2_star:.3f}",
         "   B | η      | floor (independent) | ησ²/(4B)  | ratio | floor (reshuffled)"]
for B in (1, 8):
    for lr, fi, fr in zip(floor_lrs, floors[B, True], floors[B, False], strict=True):
        pred = lr * sigma2_star / (4 * B)
        lines.append(f"  {B:2d} | {lr:<6} | {fi:.2e}            | {pred:.2e}  | "
                     f"{fi / pred:.2f}  | {fr:.2e}")
slope = np.polyfit(np.log(floor_lrs[:3]), np.log(floors[1, True][:3]), 1)[0]
lines.append(f"slope of log floor vs log η (B = 1, independent, η ≤ 0.03): {slope:.2f}")
ratio_b = floors[1, True] / floors[8, True]
lines.append("floor(B = 1) / floor(B = 8), independent batches, per η: "
             + ", ".join(f"{r:.1f}" for r in ratio_b))
print("\n".join(lines))
assert np.all(floors[8, False] < floors[8, True]) and floors[1, False][0] < floors[1, True][0]
assert floors[1, False][-1] > floors[1, True][-1] * 0.9  # B = 1, η = 0.1: no clear win

# %% [markdown]
# What the table shows:
#
# * With independent batches and small $\eta$, the measured floor matches $\eta\sigma^2/(4B)$:
#   the ratios printed above are close to 1 and the slope in $\eta$ is close to 1. At the
#   largest $\eta$ with $B = 1$ the floor is well above the line: single examples with large
#   $\|x_i\|^2$ make steps that are no longer small, and the $O(\eta^2)$ terms we dropped take
#   over.
# * Going from $B = 1$ to $B = 8$ lowers the floor at the same $\eta$ by a factor of about 8 to
#   10 (last line printed; a bit more than 8 because the $B = 1$ floors carry more of the
#   $O(\eta^2)$ excess, and much more at the largest $\eta$): the floor depends on $\eta / B$.
# * Reshuffling (every example exactly once per epoch) is **not** uniformly lower in this
#   table (one seed): at $B = 8$ and at the smallest $\eta$ it sits below independent sampling,
#   but at $B = 1$ with $\eta = 0.1$ it is not. It still has a floor that grows with $\eta$.
#   Where reshuffling clearly wins is with a decaying learning rate (section 6, 5 seeds).
#
# ## 6. Decaying learning rates
#
# To converge we need the noise to die out, so the learning rate must go to zero — but not too
# fast, or the iterates stop before they arrive. Robbins and Monro (1951) put both conditions
# in one line:
#
# $$\sum_{t} \eta_t = \infty \quad\text{(the steps can travel any distance)}, \qquad
#   \sum_t \eta_t^2 < \infty \quad\text{(the injected noise stays finite)} .$$
#
# Four schedules, each a one-liner of the step number $t$ (an array, so a whole schedule is
# computed at once), all starting at $\eta_0 = 0.05$ with $B = 1$:
#
# | schedule | $\eta_t$ | $\sum\eta_t$ | $\sum\eta_t^2$ |
# |---|---|---|---|
# | constant | $\eta_0$ | $\infty$ | $\infty$ ✗ |
# | step decay | $\eta_0 \cdot \gamma^{\lfloor t / k\rfloor}$ (halve every 10 epochs) | finite ✗ (in theory) | finite |
# | inverse time | $\eta_0 / (1 + t/t_0)$, $t_0 = n$ (one epoch) | $\infty$ | finite ✓ |
# | exponential, fast | $\eta_0 \cdot 0.99^t$ | finite ✗ | finite |
#
# Step decay violates the first condition in theory, but over a finite budget it is the
# workhorse of deep learning; we include a schedule that decays far too fast to see what that
# violation looks like.

# %%
def constant(t, lr0):
    return np.full(np.shape(t), lr0)


def step_decay(t, lr0, drop=0.5, every=10 * n):
    return lr0 * drop ** (np.asarray(t) // every)


def inverse_time(t, lr0, t0=n):
    return lr0 / (1 + np.asarray(t) / t0)


def exponential(t, lr0, gamma=0.99):
    return lr0 * gamma ** np.asarray(t)


schedules = {"constant": constant, "step decay (halve every 10 epochs)": step_decay,
             "inverse time 1/(1 + t/n)": inverse_time, "exponential 0.99ᵗ (too fast)": exponential}
epochs = 100
t = np.arange(epochs * n)
lr_table = np.stack([s(t, 0.05) for s in schedules.values()], axis=1)  # (steps, 4)
gaps, _ = sgd(np.zeros((len(schedules), d)), lr_table, 1, epochs, np.random.default_rng(2))
epoch_axis = np.arange(len(gaps)) / 10  # 10 records per epoch

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
for k, name in enumerate(schedules):
    ax1.plot(t[1:] / n, lr_table[1:, k], label=name)
    ax2.plot(epoch_axis, gaps[:, k], label=name, lw=1)
ax1.set_yscale("log")
ax1.set_ylim(1e-6, 0.1)
ax1.set_xlabel("epoch")
ax1.set_ylabel(r"learning rate $\eta_t$")
ax1.set_title("Four learning-rate schedules")
ax1.legend()
ax2.set_yscale("log")
ax2.set_xlabel("epoch")
ax2.set_ylabel(r"$f(w_t) - f^*$")
ax2.set_title("SGD (B = 1) on diabetes with each schedule")
ax2.legend()
fig.tight_layout()
plt.show()
print("\n".join(f"{name:>34}: Σηₜ = {lr_table[:, k].sum():7.1f},  f - f* after 10 epochs "
                f"{gaps[100, k]:.2e}, after {epochs}: {gaps[-1, k]:.2e}"
                for k, name in enumerate(schedules)))

# %% [markdown]
# Reading the printout and the plot:
#
# * **Constant** $\eta$: stuck at its noise floor after a few epochs.
# * **Exponential, too fast**: the sum $\sum_t\eta_t$ (printed) is tiny, so the total
#   distance the iterate can travel is bounded. It does well at first (its learning rate drops
#   below the constant one's at once, and so does its noise), but it **freezes** within the
#   first epochs: its gap after 10 and after 100 epochs is the same (printed), orders of
#   magnitude above what step decay and $1/t$ reach. This is what violating
#   $\sum\eta_t = \infty$ looks like.
# * **Step decay**: identical to constant for 10 epochs, then every halving halves the floor —
#   the staircase of the loss follows the staircase of $\eta$.
# * **Inverse time** $1/t$: satisfies both conditions; its gap keeps falling and ends several
#   orders of magnitude below the constant schedule (printed). Step decay ends lower still on
#   this budget: halving every 10 epochs keeps $\eta_t$ larger early on and smaller late.
#
# How fast does the $1/t$ schedule converge? Fit the slope of $\log(f - f^*)$ against
# $\log t$ over the second half of the run:

# %%
k_inv = list(schedules).index("inverse time 1/(1 + t/n)")
half = len(gaps) // 2
steps_axis = epoch_axis * n
slope = np.polyfit(np.log(steps_axis[half:]), np.log(gaps[half:, k_inv]), 1)[0]
print(f"inverse time decay: f - f* ∝ t^{slope:.2f} over epochs {epochs // 2}–{epochs}")

fig, ax = plt.subplots()
ax.loglog(steps_axis[1:], gaps[1:, k_inv], lw=1, label="inverse time 1/(1 + t/n)")
ax.loglog(steps_axis[1:], gaps[1:, 0], lw=1, label="constant", alpha=0.7)
ref = gaps[half, k_inv] * (steps_axis[half:] / steps_axis[half]) ** slope
ax.loglog(steps_axis[half:], ref, "k--", label=f"fitted $t^{{{slope:.2f}}}$")
ax.set_xlabel("step $t$")
ax.set_ylabel(r"$f(w_t) - f^*$")
ax.set_title("Inverse-time decay converges like a power of t")
ax.legend()
plt.show()

# %% [markdown]
# A power law (the fitted exponent is printed above): not the geometric $\rho^t$ of gradient
# descent, but convergence — without ever computing a full gradient. The textbook rate for SGD
# with independent batches and $\eta_t \propto 1/t$ is $O(1/t)$ when $\eta_0 t_0$ is large
# enough compared with $1/\lambda_{\min}$; reshuffled epochs do better on finite sums
# (Gürbüzbalaban, Ozdaglar and Parrilo, 2019; Mishchenko, Khaled and Richtárik, 2020). But the
# exponent fitted to **one** run is noisy (other seeds give anywhere from about $-1$ to $-4$).
# Five seeds, reshuffled vs independent batches, same $1/t$ schedule, 100 epochs:

# %%
def sgd_seeds(lr_fn, seeds, epochs, reshuffle):
    """B = 1 SGD from w0 = 0, one independent run per seed (vectorised); gap after each epoch."""
    rngs = [np.random.default_rng(s) for s in seeds]
    W = np.zeros((len(seeds), d))
    out, step = [], 0
    for _ in range(epochs):
        P = np.stack([r.permutation(n) if reshuffle else r.integers(0, n, n) for r in rngs])
        for j in range(n):
            xi = X[P[:, j]]
            W = W - lr_fn(step) * ((np.sum(W * xi, 1) - y[P[:, j]])[:, None] * xi + alpha * W)
            step += 1
        out.append(loss(W) - f_star)
    return np.array(out)


seeds = range(5)
ep = np.arange(1, epochs + 1)
res = {}
for name, rr in [("reshuffled", True), ("independent", False)]:
    G = sgd_seeds(lambda s: inverse_time(s, 0.05), seeds, epochs, rr)
    geo = np.exp(np.log(G).mean(axis=1))
    res[name] = (G[-1], np.polyfit(np.log(ep[49:] * n), np.log(geo[49:]), 1)[0])
    print(f"{name:>11}: f - f* after {epochs} epochs over 5 seeds: "
          f"{G[-1].min():.0e} … {G[-1].max():.0e}; exponent of the geometric-mean gap "
          f"(epochs 50–100): {res[name][1]:.1f}")
assert res["reshuffled"][0].max() < res["independent"][0].min() / 3
assert res["reshuffled"][1] < -2 and -1.6 < res["independent"][1] < -0.5

# %% [markdown]
# Every reshuffled run ends below every independent one (asserted), and only the reshuffled
# gap falls clearly faster than $1/t$. (An exploratory run 10× longer, 1000 epochs and 10 seeds,
# kept the reshuffled exponent near $-3$ while the independent one flattened to about $-0.4$.)
#
# ## Summary
#
# * The loss is an average over examples; a minibatch gradient is an unbiased, noisy estimate
#   of the full gradient. Per example processed, SGD makes far more progress early on than
#   gradient descent.
# * Gradient noise, measured: its variance is $\frac{\sigma^2}{B}\frac{n-B}{n-1}$. It does
#   **not** vanish at the minimizer, because the per-example gradients only cancel on average.
# * With a constant learning rate SGD stalls at a noise floor $\approx \eta\sigma^2/(4B)$:
#   proportional to $\eta$ and to $1/B$ (measured above). Reshuffled epochs do not remove it;
#   with a $1/t$ decay they converge much faster than independent batches (5 seeds).
# * A decaying learning rate removes the floor. The Robbins–Monro conditions
#   $\sum\eta_t = \infty$, $\sum\eta_t^2 < \infty$ say how fast: $1/t$ works, a geometric
#   decay that is too fast freezes early, and step decay is the practical compromise.
# * `adamlib.data` (datasets, `minibatches`) and `adamlib.optim.SGD` with a changing
#   `param_groups[0]["lr"]` are the package versions of what we built.
#
# Next we attack the other weakness of gradient descent, the zig-zag in narrow valleys from
# lecture 01: [03 — momentum](03_momentum.ipynb).
#
# **Now try**
# [exercises/02_stochastic_gradient_descent.ipynb](../exercises/02_stochastic_gradient_descent.ipynb).
