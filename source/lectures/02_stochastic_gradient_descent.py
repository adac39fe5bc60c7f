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
#    in proportion to $\eta/B$ when batches are drawn independently (and differently when they
#    are reshuffled epochs);
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
n_total = len(ds.y_train) + len(ds.y_val) + len(ds.y_test)
print(f"all splits together: {n_total} patients")
assert n_total == 442 and d == 10  # the text above relies on this

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
grad_star = np.linalg.norm(full_gradient(w_star))
assert grad_star < 1e-12  # zero up to rounding (the exact digits depend on the CPU)
print(f"f(w0) = {loss(w0):.4f},  f* = f(w*) = {f_star:.4f},  |∇f(w*)| < 1e-12")
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
# for 50 epochs (SGD from scratch, in a few lines; section 4 checks it against `adamlib`), SGD
# with five seeds (one is drawn).

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


epochs = 50
gd_path = [w0]
for _ in range(epochs):
    gd_path.append(gd_path[-1] - lr_gd * full_gradient(gd_path[-1]))
gd_gaps = loss(np.array(gd_path)) - f_star

fig, ax = plt.subplots()
ax.plot(np.arange(epochs + 1), gd_gaps, "k.-", label=f"gradient descent, η* = {lr_gd:.3f}")
sgd_runs = {}
for B, lr in [(1, 0.02), (16, 0.1)]:
    sgd_runs[B] = np.array([sgd(w0, np.full(epochs * n, lr), B, epochs,
                                np.random.default_rng(seed))[0] for seed in range(5)])
    ax.plot(np.arange(sgd_runs[B].shape[1]) / 10, sgd_runs[B][0],
            label=f"SGD, B = {B}, η = {lr} (seed 0)")
ax.set_yscale("log")
ax.set_xlabel("epochs (examples processed / n)")
ax.set_ylabel(r"$f(w) - f^*$")
ax.set_title("Diabetes ridge regression: gradient descent vs SGD at equal cost")
ax.legend()
plt.show()
print(f"GD: gap after 1 epoch {gd_gaps[1]:.2e}, after {epochs} epochs {gd_gaps[-1]:.1e}")
crossings = {}
for B, runs_b in sgd_runs.items():
    after1 = runs_b[:, 10]  # 10 records per epoch
    plateau_level = runs_b[:, 200:].mean(axis=1)  # mean over epochs 20-50
    crossings[B] = np.array([int(np.argmax(gd_gaps < p)) for p in plateau_level])
    print(f"SGD B = {B:2d}, 5 seeds: gap after 1 epoch {after1.min():.1e} … {after1.max():.1e} "
          f"(GD's is {gd_gaps[1] / after1.max():.0f}–{gd_gaps[1] / after1.min():.0f}× larger); "
          f"plateau {plateau_level.min():.1e} … {plateau_level.max():.1e}; GD goes below it "
          f"at epoch {crossings[B].min()}–{crossings[B].max()}")
    first, second = runs_b[:, 200:350].mean(axis=1), runs_b[:, 350:].mean(axis=1)
    assert np.all(np.abs(np.log(second / first)) < np.log(1.5))  # flat: epochs 20-35 vs 35-50
# the text below relies on these
assert np.all(np.diff(gd_gaps) < 0)  # gradient descent keeps going down
assert gd_gaps[1] > 4 * sgd_runs[1][:, 10].max() and gd_gaps[1] > 10 * sgd_runs[16][:, 10].max()
assert np.all((15 <= crossings[1]) & (crossings[1] <= 20))
assert np.all((25 <= crossings[16]) & (crossings[16] <= 35))

# %% [markdown]
# After one epoch, both SGD runs are far ahead of gradient descent, for every seed (numbers
# printed above): they have taken $n/B$ steps while gradient descent has taken one. But then
# the SGD curves flatten and jitter around a **plateau**, while gradient descent keeps going
# down and overtakes them: it passes the $B = 1$ plateau after about 17 epochs and the
# $B = 16$ plateau only after about 30 (the exact epochs for five seeds are printed). The rest
# of the lecture explains the plateau — and removes it.
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
fig, ax = plt.subplots(figsize=(10, 4.4))
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
    noise[name] = (sigma2, np.sum(g_bar**2), np.max(np.abs(measured / predicted - 1)),
                   measured[1:] / measured[:-1])
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
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the data
plt.show()
for name, (sigma2, signal, err, halving) in noise.items():
    name = name.replace("$", "").replace("_", "")
    signal_text = f"= {signal:.2e}" if signal > 1e-20 else "< 1e-24 (zero up to rounding)"
    print(f"at {name:>14}: σ² = {sigma2:.3f}, |∇f|² {signal_text}, "
          f"largest relative deviation measured vs formula = {err:.1%}")
    print(f"{'':>18}variance(2B) / variance(B) for B = 1 … 16: "
          + ", ".join(f"{r:.2f}" for r in halving[:5]))
    # the text below relies on these
    assert err < 0.1 and np.all(np.abs(halving[:5] - 0.5) < 0.06)
assert noise["minimizer $w^*$"][1] < 1e-24 and noise["minimizer $w^*$"][0] > 0.1

# %% [markdown]
# The measured variances sit on the finite-population formula: the largest deviation, printed
# above, is below 10 % (asserted), the scatter to expect from an average of 2000 random draws.
# The plain $\sigma^2/B$ line is accurate for $B \ll n$ and overestimates as $B$ approaches
# $n$. While $B \ll n$ (here up to $B = 32$), doubling the batch about halves the variance
# (ratios printed) — and doubles the cost of a step; closer to $B = n$ the variance falls faster.
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
# So a constant learning rate with independent batches buys **a floor proportional to
# $\eta / B$**: halve $\eta$ and the floor halves — but the contraction $(1 - \eta\lambda)$ gets slower too, so it takes twice as
# many steps to get there. No constant $\eta$ converges to $w^*$.
#
# The derivation assumes batches drawn independently at every step. We measure both that and
# reshuffled epochs (what `minibatches` does, and what everyone does in practice). Every run
# **starts at the minimizer $w^*$ itself** — and walks away from it: after 5000 steps to settle,
# we average the gap over the next 8000 steps. All learning rates run at once (a stack of
# weight vectors sharing the batches), and every setting runs with five seeds.

# %%
def plateau(lrs, batch_size, independent, seeds, burn_in=5000, window=8000):
    """Average f - f* over `window` steps after `burn_in`, constant learning rates lrs, from w*.

    One row per seed (each seed draws its own batches), one column per learning rate.
    """
    rngs = [np.random.default_rng(seed) for seed in seeds]
    W = np.tile(w_star, (len(rngs), len(lrs), 1))  # (seed, η, d)
    eta = np.asarray(lrs)[:, None]
    steps_per_epoch = n // batch_size  # reshuffled: drop the last, incomplete batch
    total = 0.0
    for t in range(burn_in + window):
        if independent:
            idx = np.stack([rng.integers(0, n, batch_size) for rng in rngs])  # (seed, B)
        else:
            if t % steps_per_epoch == 0:
                epoch = [minibatches(n, batch_size, rng, drop_last=True) for rng in rngs]
            idx = np.stack([next(batches) for batches in epoch])
        Xb, yb = X[idx], y[idx]  # (seed, B, d), (seed, B)
        r = W @ Xb.transpose(0, 2, 1) - yb[:, None, :]  # residuals, (seed, η, B)
        W = W - eta * (r @ Xb / batch_size + alpha * W)  # minibatch_gradient, for every row
        if t >= burn_in and t % 10 == 0:
            total = total + loss(W) - f_star
    return total / (window // 10)


sigma2_star = noise["minimizer $w^*$"][0]
floor_lrs = np.array([0.003, 0.01, 0.03, 0.1])
floor_seeds = range(5)
floors = {}  # (B, independent) -> array (seed, η)
for B in (1, 8):
    for independent in (True, False):
        floors[B, independent] = plateau(floor_lrs, B, independent, floor_seeds)

fig, ax = plt.subplots()
for k, B in enumerate((1, 8)):
    for independent, style, how in [(True, "o-", "independent batches"),
                                    (False, "s--", "reshuffled epochs")]:
        F = floors[B, independent]
        mid = F.mean(axis=0)
        ax.errorbar(floor_lrs, mid, yerr=[mid - F.min(axis=0), F.max(axis=0) - mid], fmt=style,
                    color=f"C{k}", mfc="none" if not independent else None, capsize=3,
                    label=f"B = {B}, {how}")
    ax.plot(floor_lrs, floor_lrs * sigma2_star / (4 * B), ":", color=f"C{k}", lw=2,
            label=rf"$\eta\sigma^2/(4B)$, B = {B}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(r"constant learning rate $\eta$")
ax.set_ylabel(r"plateau of $f(w_t) - f^*$ (5 seeds: mean, min–max)")
ax.set_title("The noise floor of constant-step SGD grows with η, falls with B")
ax.set_ylim(top=5)  # room for the legend above the data
ax.legend(fontsize="small", loc="upper left")
plt.show()


def span(a, fmt=".2f"):
    """'min…max' of an array, for the printout."""
    return f"{np.min(a):{fmt}}…{np.max(a):{fmt}}"


pred = {B: floor_lrs * sigma2_star / (4 * B) for B in (1, 8)}
lines = [f"σ²(w*) = {sigma2_star:.3f};  min…max over 5 seeds",
         "   B | η     | floor (indep.)    | indep. / ησ²/(4B) | reshuffled / ησ²/(4B) |"
         " indep. / reshuffled"]
for B in (1, 8):
    Fi, Fr = floors[B, True], floors[B, False]
    for i, lr in enumerate(floor_lrs):
        lines.append(f"  {B:2d} | {lr:<5} | {span(Fi[:, i], '.1e'):17} | "
                     f"{span(Fi[:, i] / pred[B][i]):17} | {span(Fr[:, i] / pred[B][i]):21} | "
                     f"{span(Fi[:, i] / Fr[:, i])}")


def slopes(F):
    """Per seed: slope of log floor against log η, over η ≤ 0.03."""
    return np.array([np.polyfit(np.log(floor_lrs[:3]), np.log(f[:3]), 1)[0] for f in F])


slope = {key: slopes(F) for key, F in floors.items()}
for B in (1, 8):
    lines.append(f"slope of log floor vs log η (η ≤ 0.03), B = {B}: independent "
                 f"{span(slope[B, True])}, reshuffled {span(slope[B, False])}")
ratio_b = floors[1, True] / floors[8, True]
lines.append("floor(B = 1) / floor(B = 8), independent batches, per η: "
             + ", ".join(span(r, ".1f") for r in ratio_b.T))
print("\n".join(lines))
# the text below relies on these
ratio_i = {B: floors[B, True] / pred[B] for B in (1, 8)}
assert np.all(np.abs(ratio_i[1][:, :2] - 1) < 0.2) and np.all(np.abs(ratio_i[8][:, :3] - 1) < 0.2)
assert np.all(ratio_i[1][:, 3] > 2.5)  # B = 1, η = 0.1: far above the line
assert np.all((0.95 < slope[1, True]) & (slope[1, True] < 1.2))
assert np.all((0.9 < slope[8, True]) & (slope[8, True] < 1.2))
assert np.all((6 < ratio_b[:, :2]) & (ratio_b[:, :2] < 10))
assert np.all((8.5 < ratio_b[:, 2]) & (ratio_b[:, 2] < 10.5))
assert np.all((16 < ratio_b[:, 3]) & (ratio_b[:, 3] < 21))
gain = {B: floors[B, True] / floors[B, False] for B in (1, 8)}  # independent / reshuffled
assert np.all(gain[8] > 1.2) and np.all(gain[1][:, :3] > 1)  # reshuffled lower: 35 of 35
assert np.all(gain[8][:, 0] > 12) and np.all(gain[1][:, 2] < 1.25)
assert 0.9 < np.exp(np.log(gain[1][:, 3]).mean()) < 1.1  # B = 1, η = 0.1: a tie
assert np.all((1.35 < slope[1, False]) & (slope[1, False] < 1.65))
assert np.all((1.65 < slope[8, False]) & (slope[8, False] < 1.95))

# %% [markdown]
# What the table shows:
#
# * With independent batches and small $\eta$, the measured floor matches $\eta\sigma^2/(4B)$:
#   for every seed the ratios are within 20 % of 1 ($\eta \le 0.01$ at $B = 1$, $\eta \le 0.03$
#   at $B = 8$), and the slope in $\eta$ is between 0.9 and 1.2 (printed, asserted). At the
#   largest $\eta$ with $B = 1$ the floor is well above the line (more than 2.5 times):
#   single examples with large $\|x_i\|^2$ make steps that are no longer small, and the
#   $O(\eta^2)$ terms we dropped take over.
# * Going from $B = 1$ to $B = 8$ lowers the floor at the same $\eta$ by a factor of about 8 at
#   small $\eta$ (between 6 and 10 over the seeds), 9–10 at $\eta = 0.03$ and about 18 at
#   $\eta = 0.1$ (last line printed): more than 8 where the $B = 1$ floors carry the
#   $O(\eta^2)$ excess. With independent batches the floor depends on $\eta / B$.
# * Reshuffling (every example exactly once per epoch, what our `sgd` does) changes the
#   picture. Its floor is lower than with independent batches for every seed at every $\eta$
#   except $B = 1$, $\eta = 0.1$, where the two tie — by a factor of more than 12 at $B = 8$ and
#   the smallest $\eta$, shrinking towards 1 as $\eta$ grows (at $B = 1$, $\eta = 0.03$ it is
#   lower by less than 25 %; last column). And it is **not**
#   proportional to $\eta$: it grows like $\eta^{1.5}$ at $B = 1$ and $\eta^{1.8}$ at $B = 8$
#   (slopes printed), so $\eta\sigma^2/(4B)$ describes independent batches only. Halving
#   $\eta$ lowers a reshuffled floor by $2^{1.5} \approx 2.8$ or more, not 2 — section 6 will
#   see this.
#
# (A check ten times longer, run offline — 50,000 steps to settle, 80,000 averaged, seeds 0–5 —
# gives the same picture: independent-batch ratios 0.95–1.08 for $\eta \le 0.01$, the
# $B = 1$/$B = 8$ factors 7.3–8.5 at small $\eta$, reshuffled slopes 1.48–1.49 ($B = 1$) and
# 1.79–1.80 ($B = 8$), and reshuffled below independent at every setting except $B = 1$,
# $\eta = 0.1$, where it wins for 3 of 6 seeds.)
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
# five seeds; each seed's batches are shared by the four schedules (a paired comparison)
all_gaps = np.array([sgd(np.zeros((len(schedules), d)), lr_table, 1, epochs,
                         np.random.default_rng(seed))[0] for seed in range(5)])
gaps = all_gaps[0]  # the seed we draw
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
ax2.set_title("SGD (B = 1) on diabetes with each schedule (seed 0)")
ax2.legend()
fig.tight_layout()
plt.show()
print("min…max over 5 seeds")
print("\n".join(f"{name:>34}: Σηₜ = {lr_table[:, k].sum():7.1f},  f - f* after 10 epochs "
                f"{span(all_gaps[:, 100, k], '.1e')}, after {epochs}: "
                f"{span(all_gaps[:, -1, k], '.1e')}"
                for k, name in enumerate(schedules)))
k_const, k_step, k_inv, k_exp = range(4)
end = all_gaps[:, -1]
# step decay: level of each 10-epoch stage = geometric mean of its last 5 epochs
stage = np.exp(np.array([np.log(all_gaps[:, 100 * j + 51:100 * j + 101, k_step]).mean(axis=1)
                         for j in range(10)]).T)  # (seed, stage)
drop = stage[:, :-1] / stage[:, 1:]  # how much lower each stage sits than the one before
print(f"step decay, each halving of η lowers the loss by a factor {span(drop, '.1f')} "
      f"(median per seed {span(np.median(drop, axis=1), '.1f')})")
print(f"exponential: relative change from epoch 10 to {epochs} < 1e-6 for every seed; "
      f"its final gap is {span(end[:, k_exp] / end[:, k_step], '.0f')}× step decay's and "
      f"{span(end[:, k_exp] / end[:, k_inv], '.0f')}× 1/t's")
print(f"final gap, constant / 1/t: {span(end[:, k_const] / end[:, k_inv], '.0f')}; "
      f"1/t / step decay: {span(end[:, k_inv] / end[:, k_step], '.1f')}")
# the text below relies on these
const_early = all_gaps[:, 100:500, k_const].mean(axis=1)  # epochs 10-50
const_late = all_gaps[:, 500:, k_const].mean(axis=1)  # epochs 50-100
assert np.all(np.abs(np.log(const_late / const_early)) < np.log(2))  # stuck
assert np.all(np.abs(all_gaps[:, -1, k_exp] / all_gaps[:, 100, k_exp] - 1) < 1e-6)  # frozen
assert np.array_equal(all_gaps[:, :101, k_step], all_gaps[:, :101, k_const])  # first 10 epochs
assert np.all(end[:, k_exp] > 30 * end[:, k_inv]) and np.all(end[:, k_exp] > 1000 * end[:, k_step])
assert np.all((3 < np.median(drop, axis=1)) & (np.median(drop, axis=1) < 4))
assert 1.8 < drop.min() and drop.max() < 7  # single stages: "from about 2 to 6"
assert np.all(end[:, k_inv] < end[:, k_const] / 1000)  # 1/t: three orders of magnitude below
assert np.all(end[:, k_step] < end[:, k_inv])  # step decay lower on this budget, every seed
assert 1.2 < np.min(end[:, k_inv] / end[:, k_step]) and np.max(end[:, k_inv] / end[:, k_step]) < 110
assert lr_table[:, k_step].sum() < n  # step decay's Σηₜ can never reach n (text below)

# %% [markdown]
# Reading the printout and the plot:
#
# (The plot shows one seed; the printout and the asserts cover five.)
#
# * **Constant** $\eta$: stuck at its noise floor after a few epochs (its average gap over
#   epochs 50–100 is within a factor 2 of that over epochs 10–50, for every seed).
# * **Exponential, too fast**: the sum $\sum_t\eta_t$ (printed) is tiny, so the total
#   distance the iterate can travel is bounded. It does well at first (its learning rate drops
#   below the constant one's at once, and so does its noise), but it **freezes** within the
#   first epochs: its gap after 10 and after 100 epochs is the same (to better than one part in
#   a million), more than 30 times above what $1/t$ reaches and more than a thousand times above
#   step decay (printed). This is what violating $\sum\eta_t = \infty$ looks like.
# * **Step decay**: identical to constant for 10 epochs, then each halving of $\eta$ lowers the
#   loss by a factor of about 3, not 2 (the median factor of each seed lies between 3 and 4,
#   printed). That is the reshuffled floor of section 5, which grows like $\eta^{1.5}$: halving
#   $\eta$ divides it by $2^{1.5} \approx 2.8$. Single stages scatter more (from about 2 to 6),
#   because one run's plateau is noisy and the late stages, with their small $\eta$, approach
#   their floor slowly.
# * **Inverse time** $1/t$: satisfies both conditions; its gap keeps falling and ends more than
#   a thousand times below the constant schedule (every seed, printed). Step decay ends lower
#   still on this budget, for every seed, but by anything from about 1.3 to 100 times: halving
#   every 10 epochs keeps $\eta_t$ larger early on and smaller late. That lead does not last. A
#   run ten times longer (1000 epochs, run offline, the same five seeds) reverses it: step decay
#   has $\sum_t\eta_t$ bounded by $2 \cdot 0.05 \cdot 10n = n$ and almost stops near
#   $10^{-7}$ (between $0.8$ and $3.4 \cdot 10^{-7}$ after 1000 epochs), while $1/t$, whose sum
#   grows without bound, goes on down to $10^{-9}$–$10^{-8}$: 13 to 130 times lower than step
#   decay at the end.
#
# How fast does the $1/t$ schedule converge? Fit the slope of $\log(f - f^*)$ against
# $\log t$ over the second half of the run:

# %%
half = len(gaps) // 2
steps_axis = epoch_axis * n
seed_slopes = [np.polyfit(np.log(steps_axis[half:]), np.log(g[half:, k_inv]), 1)[0]
               for g in all_gaps]
slope = seed_slopes[0]
print(f"inverse time decay: f - f* ∝ t^{slope:.2f} over epochs {epochs // 2}–{epochs} (seed 0); "
      f"over 5 seeds the exponent ranges over {span(seed_slopes)}")
assert all(-2.5 < e < -1.2 for e in seed_slopes)  # the text below relies on this

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
# exponent fitted to **one** run is noisy: over the five seeds it ranges from about $-1.4$ to
# $-2.3$ (printed). Five seeds, reshuffled vs independent batches, same $1/t$ schedule, 100
# epochs — this time recording the gap only at the end of each epoch, when a reshuffled pass
# has just used every example exactly once:

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
# gap falls clearly faster than $1/t$. Measured at the ends of epochs, the reshuffled exponent
# is steeper than the $-1.4$ to $-2.3$ fitted above to points inside the epochs as well: the
# end of a pass is where reshuffling's errors cancel best. (A check ten times longer, run
# offline — 1000 epochs and 10 seeds — kept the reshuffled exponent near $-3$ ($-2.87$ over
# epochs 100–1000), while the independent one stayed at about $-1$ ($-0.97$ over epochs
# 100–1000), the textbook $O(1/t)$.)
#
# ## Summary
#
# * The loss is an average over examples; a minibatch gradient is an unbiased, noisy estimate
#   of the full gradient. Per example processed, SGD makes far more progress early on than
#   gradient descent.
# * Gradient noise, measured: its variance is $\frac{\sigma^2}{B}\frac{n-B}{n-1}$. It does
#   **not** vanish at the minimizer, because the per-example gradients only cancel on average.
# * With a constant learning rate SGD stalls at a noise floor. With independent batches it is
#   $\approx \eta\sigma^2/(4B)$: proportional to $\eta$ and to $1/B$ (measured above, 5 seeds).
#   Reshuffled epochs lower it (more than 12 times at $B = 8$ and small $\eta$) and make it grow like
#   $\eta^{1.5}$–$\eta^{1.8}$, but do not remove it; with a $1/t$ decay they converge much
#   faster than independent batches (5 seeds).
# * A decaying learning rate removes the floor. The Robbins–Monro conditions
#   $\sum\eta_t = \infty$, $\sum\eta_t^2 < \infty$ say how fast: $1/t$ works, a geometric
#   decay that is too fast freezes early, and step decay is the practical compromise — ahead
#   of $1/t$ over 100 epochs here, behind it over 1000.
# * `adamlib.data` (datasets, `minibatches`) and `adamlib.optim.SGD` with a changing
#   `param_groups[0]["lr"]` are the package versions of what we built.
#
# Next we attack the other weakness of gradient descent, the zig-zag in narrow valleys from
# lecture 01: [03 — momentum](03_momentum.ipynb).
#
# **Now try**
# [exercises/02_stochastic_gradient_descent.ipynb](../exercises/02_stochastic_gradient_descent.ipynb).
