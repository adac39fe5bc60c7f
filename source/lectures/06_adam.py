# %% [markdown]
# # 06 — Adam: momentum + RMSprop + bias correction
#
# Adam (Kingma & Ba, 2015) is the optimizer most deep-learning code reaches for first. In this
# course it is not new: it is the **momentum** of lecture 03 (an exponential moving average of
# gradients) divided by the **root of an EMA of squared gradients** of lecture 05 (RMSprop),
# plus one genuinely new idea — **bias correction** — that makes the first steps behave.
#
# **Learning goals.** After this lecture you can
#
# 1. say which failures of RMSprop Adam addresses, and show them on a plot;
# 2. read $m_t$ and $v_t$ as estimates of the first and second moments of the gradient, and
#    derive the bias correction from $\mathbb{E}[m_t] = (1-\beta_1^t)\,\mathbb{E}[g]$;
# 3. implement Adam from scratch in NumPy and check it against `adamlib.optim.Adam`;
# 4. explain the defaults $\eta = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$,
#    $\epsilon = 10^{-8}$, and the bound $|\Delta x| \lesssim \eta$ — including when it fails;
# 5. compare Adam fairly with SGD, momentum, Adagrad and RMSprop: every method with its own
#    tuned learning rate, on every test objective.

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. Where RMSprop leaves us
#
# RMSprop (lecture 05) divides each coordinate's gradient by a running RMS of that coordinate's
# gradients, $v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$. Two things are still wrong with it.
#
# * **A bad start.** $v_0 = 0$, so after one step $v_1 = (1-\alpha)\,g_1^2$ and the first update
#   is $\eta\, g_1/\sqrt{(1-\alpha) g_1^2} = \eta/\sqrt{1-\alpha}$ per coordinate: $10\eta$ for
#   the default $\alpha = 0.99$ and $32\eta$ for $\alpha = 0.999$. The longer (more reliable)
#   the average, the worse the start.
# * **No averaging of directions.** Each step follows the current gradient, however much it
#   disagrees with the previous ones. In a narrow valley that is not aligned with the axes the
#   gradient is dominated by the steep walls and flips sign from wall to wall; RMSprop has
#   nothing like momentum (lecture 03) to cancel those flips.
#
# Both show on a quadratic valley with condition number 100, rotated by 45°, starting near the
# valley floor, with $\eta = 0.1$ and three values of $\alpha$:

# %%
import dataclasses

from adamlib.functions import quadratic
from adamlib.optim import RMSprop
from adamlib.plotting import plot_losses, plot_trajectories
from adamlib.run import run_optimizer, sweep

valley = quadratic(condition_number=100.0, angle=np.pi / 4)
near_floor = np.array([-1.7, -1.5])
rms_runs = {alpha: run_optimizer(valley, RMSprop, start=near_floor, steps=100, lr=0.1,
                                 alpha=alpha, label=f"RMSprop, α = {alpha}")
            for alpha in (0.9, 0.99, 0.999)}
for alpha, traj in rms_runs.items():
    sizes = np.abs(np.diff(traj.path, axis=0)).max(axis=1) / 0.1
    print(f"α = {alpha}: first step {sizes[0]:.2f} η (1/sqrt(1-α) = {1 / np.sqrt(1 - alpha):.2f}); "
          f"f - f* starts at {traj.losses[0]:.2f}, peaks at {traj.losses.max():.0f}, "
          f"is {traj.losses[-1]:.3f} after 100 steps")

fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
wide = dataclasses.replace(valley, domain=((-3.0, 3.0), (-3.0, 3.0)))  # to see where it lands
plot_trajectories(wide, [rms_runs[0.99]], ax=axes[0],
                  colors=[f"C{list(rms_runs).index(0.99)}"],  # its colour in the middle panel
                  title="RMSprop (η = 0.1, α = 0.99): flung up the wall, then a crawl")
plot_losses(list(rms_runs.values()), objective=valley, ax=axes[1],
            title="A spike at the start, then slow progress")
for alpha, traj in rms_runs.items():
    sizes = np.abs(np.diff(traj.path, axis=0)).max(axis=1) / 0.1
    axes[2].plot(np.arange(1, 101), sizes, label=f"α = {alpha}")
axes[2].axhline(1.0, color="k", lw=0.8, ls="--", label="η (the intended size)")
axes[2].set_yscale("log")
axes[2].set_xlabel("step $t$")
axes[2].set_ylabel(r"largest coordinate step $\max_i |\Delta x_i| / \eta$")
axes[2].set_title(r"First steps are $1/\sqrt{1-\alpha}$ times too large")
axes[2].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The first steps throw every run up the valley wall, and the larger $\alpha$, the higher (the
# loss peaks printed above: from twice the starting value to hundreds of times). What follows
# is slow: with $\alpha = 0.99$ or $0.999$,
# $v$ remembers the huge gradients of the wall for about $1/(1-\alpha)$ steps, so the steps
# along the floor stay tiny; with the short memory $\alpha = 0.9$ the steps grow back quickly
# and the run bounces between the walls (the bumps of the blue loss curve).
#
# Adam's answer to the bad start is a correction factor that we derive below; its answer to the
# bouncing is momentum's: average the gradients themselves, so that the components that flip
# sign cancel and the component along the valley adds up.
#
# ## 2. Two moment estimates
#
# Adam keeps two exponential moving averages, both started at zero:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
#   v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \qquad (m_0 = v_0 = 0),$$
#
# with squares taken per coordinate. $m_t$ is the momentum of lecture 03 in its EMA form; it
# estimates the **first moment** (the mean) $\mathbb{E}[g]$ of the recent gradients. $v_t$ is
# RMSprop's accumulator; it estimates the **second (raw) moment** $\mathbb{E}[g^2]$. The update
# divides one by the root of the other:
#
# $$x_t = x_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},$$
#
# where the hats are the bias corrections of the next section. Because
# $\mathbb{E}[g]^2 \le \mathbb{E}[g^2]$, the ratio $\hat m/\sqrt{\hat v}$ is roughly a
# signal-to-noise ratio between $-1$ and $1$: close to $\pm 1$ where the gradient is consistent,
# close to $0$ where it is mostly noise. So $\eta$ is (roughly) the largest distance a
# coordinate moves in one step, whatever the scale of $f$ — section 6 measures how roughly.
#
# ## 3. Bias correction
#
# Unroll the recursion for $m_t$:
#
# $$m_t = (1-\beta_1) \sum_{i=1}^{t} \beta_1^{\,t-i}\, g_i .$$
#
# If the gradients are **stationary** — each $g_i$ has the same mean $\mathbb{E}[g]$ — then
#
# $$\mathbb{E}[m_t] = (1-\beta_1) \sum_{i=1}^{t} \beta_1^{\,t-i}\, \mathbb{E}[g]
#   = (1-\beta_1)\,\frac{1-\beta_1^t}{1-\beta_1}\,\mathbb{E}[g]
#   = (1-\beta_1^t)\,\mathbb{E}[g],$$
#
# a geometric series. The weights of an EMA started at zero sum to $1-\beta_1^t$, not to 1: the
# missing weight $\beta_1^t$ sits on the fictitious $m_0 = 0$. The same computation gives
# $\mathbb{E}[v_t] = (1-\beta_2^t)\,\mathbb{E}[g^2]$. Dividing removes the bias:
#
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}.$$
#
# (When the gradients drift, a small extra error remains; with $\beta^t$ small it is
# negligible.) Let us check the derivation on stationary random gradients with mean 1 and
# standard deviation 0.5, averaging over 2000 independent streams.

# %%
rng = np.random.default_rng(0)
beta1, beta2 = 0.9, 0.999
T, streams = 300, 2000
g = 1.0 + 0.5 * rng.standard_normal((T, streams))  # E[g] = 1, E[g²] = 1.25
m = np.zeros(streams)
v = np.zeros(streams)
m_mean, v_mean = np.empty(T), np.empty(T)
for t in range(1, T + 1):
    m = beta1 * m + (1 - beta1) * g[t - 1]
    v = beta2 * v + (1 - beta2) * g[t - 1] ** 2
    m_mean[t - 1], v_mean[t - 1] = m.mean(), v.mean()
steps = np.arange(1, T + 1)
correction1, correction2 = 1 - beta1**steps, 1 - beta2**steps  # the factors derived above
m_hat_mean = m_mean / correction1
v_hat_mean = v_mean / correction2
print(f"t = 1:   mean of m = {m_mean[0]:.4f} (theory (1-β1)·E[g] = {1 - beta1:.4f}), "
      f"corrected: {m_hat_mean[0]:.4f}")
print(f"t = 1:   mean of v = {v_mean[0]:.5f} (theory (1-β2)·E[g²] = {(1 - beta2) * 1.25:.5f}), "
      f"corrected: {v_hat_mean[0]:.4f}")
print(f"t = {T}: mean of v = {v_mean[-1]:.4f} — still only {v_mean[-1] / 1.25:.0%} of E[g²] "
      f"= 1.25; corrected: {v_hat_mean[-1]:.4f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.0))
axes[0].plot(steps, m_mean, label="$m_t$ (raw EMA)")
axes[0].plot(steps, m_hat_mean, label=r"$\hat m_t = m_t/(1-\beta_1^t)$")
axes[0].plot(steps, correction1, "k:", label=r"$(1-\beta_1^t)\,E[g]$ (theory)")
axes[0].axhline(1.0, color="gray", lw=0.8, ls="--", label="$E[g] = 1$")
axes[0].set_xscale("log")
axes[0].set_title(r"First moment, $\beta_1 = 0.9$ (mean of 2000 streams)")
axes[0].set_xlabel("step $t$")
axes[0].set_ylabel("estimate of $E[g]$")
axes[0].legend()
axes[1].plot(steps, v_mean, label="$v_t$ (raw EMA)")
axes[1].plot(steps, v_hat_mean, label=r"$\hat v_t = v_t/(1-\beta_2^t)$")
axes[1].plot(steps, 1.25 * correction2, "k:",
             label=r"$(1-\beta_2^t)\,E[g^2]$ (theory)")
axes[1].axhline(1.25, color="gray", lw=0.8, ls="--", label="$E[g^2] = 1.25$")
axes[1].set_xscale("log")
axes[1].set_yscale("log")
axes[1].set_title(r"Second moment, $\beta_2 = 0.999$")
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel("estimate of $E[g^2]$")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The raw averages start near zero and climb along $(1-\beta^t)$ exactly as derived; the
# corrected ones are right from the first step. The bias in $v$ is the dangerous one: with
# $\beta_2 = 0.999$ it lasts for thousands of steps, and a too-small denominator means too-large
# steps. Without either correction, on a constant gradient Adam's step would be
# $\eta\,(1-\beta_1^t)/\sqrt{1-\beta_2^t}$ instead of $\eta$ — larger than $\eta$ for a long
# time. How large, and does it matter? Rosenbrock with $\eta = 0.3$, with and without the
# correction, for $\beta_2 = 0.999$ and $0.9999$:

# %%
from adamlib.functions import rosenbrock
from adamlib.run import run


def adam_rule(lr, beta1=0.9, beta2=0.999, eps=1e-8, corrected=True):
    """An Adam update rule for adamlib.run.run, optionally without bias correction."""
    state = {"m": 0.0, "v": 0.0, "t": 0}

    def step(x, g):
        state["t"] += 1
        t = state["t"]
        state["m"] = beta1 * state["m"] + (1 - beta1) * g
        state["v"] = beta2 * state["v"] + (1 - beta2) * g**2
        m_hat, v_hat = state["m"], state["v"]
        if corrected:
            m_hat = m_hat / (1 - beta1**t)
            v_hat = v_hat / (1 - beta2**t)
        return x - lr * m_hat / (np.sqrt(v_hat) + eps)

    return step


lr_bc = 0.3
bc_runs = {}
for b2 in (0.999, 0.9999):
    for corrected in (True, False):
        label = f"β2 = {b2}, {'with' if corrected else 'without'} correction"
        bc_runs[label] = run(rosenbrock, adam_rule(lr_bc, beta2=b2, corrected=corrected),
                             steps=300, label=label)
for label, traj in bc_runs.items():
    size = np.abs(np.diff(traj.path, axis=0)).max(axis=1) / lr_bc
    print(f"{label:<34} largest step {size.max():5.2f} η, "
          f"largest f - f* {traj.losses.max():9.1f}, final f - f* {traj.losses[-1]:.3g}")
ts = np.arange(1, 301)
for b2 in (0.999, 0.9999):
    factor = (1 - 0.9**ts) / np.sqrt(1 - b2**ts)
    print(f"constant gradient, β2 = {b2}: uncorrected step peaks at {factor.max():.2f} η "
          f"at t = {ts[factor.argmax()]}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
for i, (label, traj) in enumerate(bc_runs.items()):
    size = np.abs(np.diff(traj.path, axis=0)).max(axis=1) / lr_bc
    style = "-" if "with correction" in label else "--"
    axes[0].plot(ts, size, style, color=f"C{i // 2}", label=label)
    axes[1].plot(np.arange(301), traj.losses, style, color=f"C{i // 2}", label=label)
for b2, color in ((0.999, "C0"), (0.9999, "C1")):
    axes[0].plot(ts, (1 - 0.9**ts) / np.sqrt(1 - b2**ts), ":", color=color, lw=2,
                 label=f"constant gradient, no correction (β2 = {b2})")
axes[0].set_xscale("log")
axes[0].set_yscale("log")
axes[0].set_xlabel("step $t$")
axes[0].set_ylabel(r"$\max_i |\Delta x_i| / \eta$")
axes[0].set_title("Step sizes in the first 300 steps (Rosenbrock, η = 0.3)")
axes[0].legend(fontsize="x-small")
axes[1].set_yscale("log")
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel("$f(x_t) - f^*$")
axes[1].set_title("Without bias correction the early steps overshoot")
axes[1].legend(fontsize="x-small")
plt.tight_layout()
plt.show()

# %% [markdown]
# With the correction the first step is exactly $\eta$ per coordinate (the printout's
# "largest step" of the corrected runs, about 1 up to the curvature of the path), and the loss
# never rises far above its start. Without it the steps are several times $\eta$ in the first
# hundred iterations — below the envelope of the dotted constant-gradient curves, whose peaks are
# printed above — and with $\beta_2 = 0.9999$ the run is thrown far up the valley wall (compare the "largest
# $f - f^*$" column). With a small learning rate the missing correction merely acts like a
# temporarily larger $\eta$; near the edge of stability it decides between converging and not.

# %% [markdown]
# **Try it.** Switch bias correction on and off and move $\beta_1$, $\beta_2$ and $\eta$: the
# first steps without correction are too short when $\beta_1$ dominates and too long when
# $\beta_2$ does. (Interactive in JupyterLab or Binder; GitHub shows a static picture.)

# %% tags=["nbval-ignore-output"]
from adamlib.widgets import bias_correction_explorer

bias_correction_explorer()

# %% [markdown]
# ## 4. Adam from scratch
#
# Written with named parts — an EMA, a bias correction, the scaled step — so that the code reads
# like the algorithm (this is also how `adamlib.optim` builds it; see `adamlib/optim/parts.py`).

# %%
def ema(average, value, beta):
    """Exponential moving average: beta·average + (1 − beta)·value (a new array)."""
    return beta * average + (1 - beta) * value


def debias(average, beta, t):
    """Bias-corrected EMA: average / (1 − beta**t); t = 1 at the first update."""
    return average / (1 - beta**t)


def adam_step(x, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update (Kingma & Ba, Algorithm 1). Returns (x_new, m_new, v_new)."""
    m_new = ema(m, grad, beta1)           # first moment: momentum (lecture 03)
    v_new = ema(v, grad**2, beta2)        # second moment: RMSprop (lecture 05)
    m_hat = debias(m_new, beta1, t)       # bias correction (section 3)
    v_hat = debias(v_new, beta2, t)
    x_new = x - lr * m_hat / (np.sqrt(v_hat) + eps)
    return x_new, m_new, v_new


def adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """An update rule step(x, g) -> x_new for adamlib.run.run, keeping m, v and t."""
    state = {"m": 0.0, "v": 0.0, "t": 0}

    def step(x, g):
        state["t"] += 1
        x_new, state["m"], state["v"] = adam_step(x, g, state["m"], state["v"], state["t"],
                                                  lr, beta1, beta2, eps)
        return x_new

    return step


# %% [markdown]
# Now the check that ties the derivation to the package: 50 steps on Rosenbrock, once with the
# defaults and once with every hyperparameter changed, must agree with `adamlib.optim.Adam`
# (PyTorch's Adam) to within rounding.

# %%
from adamlib.optim import Adam

settings = [dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8),
            dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-3)]
for s in settings:
    mine = run(rosenbrock, adam(**s), steps=50).path
    theirs = run_optimizer(rosenbrock, Adam, steps=50, lr=s["lr"],
                           betas=(s["beta1"], s["beta2"]), eps=s["eps"]).path
    np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=0)
    print(f"{s}: from scratch == adamlib.optim.Adam for 50 steps (rtol 1e-12)")

# %% [markdown]
# ## 5. The defaults, and why
#
# Kingma & Ba recommend $\eta = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$,
# $\epsilon = 10^{-8}$, and PyTorch, Keras and JAX/optax all adopted them (Keras with
# $\epsilon = 10^{-7}$).
#
# * **$\beta_1 = 0.9$**: an EMA averages over roughly $1/(1-\beta)$ steps (lecture 03). Ten
#   steps of gradient history — enough to cancel the zig-zag, short enough to turn a corner.
# * **$\beta_2 = 0.999$**: a thousand steps. The scale of the gradient changes slowly and a
#   noisy denominator would make the step size jitter, so $v$ gets a long memory — which is why
#   the bias of $v$ lasts so long and the correction of section 3 is not optional.
# * **$\epsilon = 10^{-8}$**: keeps the division safe; at this value it changes a step noticeably
#   only when $\sqrt{\hat v}$ is not much larger than $10^{-8}$, i.e. for tiny gradients. But
#   it is also a floor under the denominator: where $\sqrt{\hat v} \ll \epsilon$ the update is
#   $(\eta/\epsilon)\,\hat m$, momentum with learning rate $\eta/\epsilon$. So in practice ε is
#   a **tuned hyperparameter**: Choi et al. (2019, "On empirical comparisons of optimizers for
#   deep learning") tune it with η and find tuned Adam never worse than momentum; TensorFlow's
#   `tf.keras.optimizers.Adam` docstring calls 1.0 or 0.1 "a current good choice" for an
#   Inception network on ImageNet; BERT and RoBERTa train with $\epsilon = 10^{-6}$.
# * **Where ε goes.** PyTorch adds ε to the bias-corrected $\sqrt{\hat v_t}$ (Algorithm 1).
#   Keras adds it to the *uncorrected* $\sqrt{v_t}$ and folds the corrections into the rate
#   (Kingma & Ba's "efficient" form; their $\hat\epsilon$). As
#   $\sqrt{v_t} = \sqrt{1-\beta_2^t}\,\sqrt{\hat v_t}$, Keras's ε acts like PyTorch's
#   $\epsilon/\sqrt{1-\beta_2^t}$: about 31.6 times larger at $t = 1$, shrinking towards 1 as
#   $t$ grows (printed below). Lecture 05 measures when the placement matters.
# * **$\eta = 10^{-3}$**: since a step moves each coordinate by at most about $\eta$, $\eta$ is a
#   *distance*. $10^{-3}$ suits neural-network weights, which are initialised at a scale of
#   about 0.1 and need many small adjustments. It does **not** suit our 2-D test problems,
#   where the minimum is units away: covering a distance $d$ takes at least $d/\eta$ steps.

# %%
ts_eps = np.array([1, 10, 100, 1000, 10000])
keras_factor = 1 / np.sqrt(1 - 0.999**ts_eps)  # Keras's ε in PyTorch's units
print("Keras's ε equals PyTorch's ε times: " + ", ".join(
    f"{f:.2f} at t = {t}" for t, f in zip(ts_eps, keras_factor)))
assert abs(keras_factor[0] - 31.6) < 0.05 and np.all(np.diff(keras_factor) < 0)
assert keras_factor[3] < 1.3 and keras_factor[4] < 1.0001
print(f"averaging windows: 1/(1-β1) = {1 / (1 - 0.9):.0f} steps, "
      f"1/(1-β2) = {1 / (1 - 0.999):.0f} steps")
for scale in (1e-2, 1e-6, 1e-8):
    shrink = 1 - scale / (scale + 1e-8)  # relative change of the step caused by ε
    print(f"gradient RMS {scale:.0e}: ε = 1e-8 shrinks the step by a fraction {shrink:.1e}")
distance = float(np.linalg.norm(rosenbrock.start - rosenbrock.minima[0]))
slow = run_optimizer(rosenbrock, Adam, steps=500)  # every default, lr = 1e-3
print(f"Rosenbrock: start-to-minimum distance {distance:.2f}, so with η = 1e-3 at least "
      f"{distance / 1e-3:.0f} steps; after 500 default steps f - f* = {slow.losses[-1]:.3g} "
      f"and the point has moved only {np.linalg.norm(slow.final - rosenbrock.start):.3f}")

# %%
k = np.arange(0, 3000)
fig, ax = plt.subplots(figsize=(6.4, 4.0))
for beta in (0.9, 0.99, 0.999):
    ax.plot(k, (1 - beta) * beta**k, label=f"β = {beta}: window 1/(1-β) = {1 / (1 - beta):.0f}")
ax.set_xscale("symlog", linthresh=1)
ax.set_yscale("log")
ax.set_ylim(1e-6, 0.2)
ax.set_xlabel("age $k$ of a gradient (steps ago)")
ax.set_ylabel(r"weight $(1-\beta)\,\beta^k$ in the EMA")
ax.set_title(r"How far back $m$ ($\beta_1 = 0.9$) and $v$ ($\beta_2 = 0.999$) remember")
ax.legend()
plt.show()

# %% [markdown]
# ## 6. The update bound $|\Delta x| \lesssim \eta$
#
# Per coordinate, $|\Delta x_t| = \eta\, |\hat m_t| / (\sqrt{\hat v_t}+\epsilon)$. Two cases:
#
# * **Consistent gradients.** If the gradients of the last few hundred steps have a stable
#   scale, $\hat m$ and $\hat v$ estimate $\mathbb{E}[g]$ and $\mathbb{E}[g^2]$ over similar
#   windows, and $|\mathbb{E}[g]| \le \sqrt{\mathbb{E}[g^2]}$ gives $|\Delta x| \le \eta$.
# * **Worst case.** The two windows differ (10 vs 1000 steps), so a burst of large recent
#   gradients can fill $m$ faster than $v$. For large $t$ (corrections ≈ 1) Cauchy–Schwarz on
#   $m_t = (1-\beta_1)\sum_k \beta_1^k g_{t-k}$ against $v_t = (1-\beta_2)\sum_k \beta_2^k g_{t-k}^2$
#   gives
#
#   $$\frac{|m_t|}{\sqrt{v_t}} \le \frac{1-\beta_1}{\sqrt{1-\beta_2}}\,
#     \frac{1}{\sqrt{1-\beta_1^2/\beta_2}},$$
#
#   reached by gradients that grow by a factor $\beta_2/\beta_1$ per step. Kingma & Ba state
#   the smaller bound $(1-\beta_1)/\sqrt{1-\beta_2}$, which is what a single isolated spike of
#   gradient (zero before, zero after) produces.
#
# First the constructed worst cases, then what actually happens: Adam on every test objective,
# from 9 start points each, for 3 learning rates.

# %%
from adamlib.functions import OBJECTIVES

b1, b2 = 0.9, 0.999
kb_bound = (1 - b1) / np.sqrt(1 - b2)
cs_bound = kb_bound / np.sqrt(1 - b1**2 / b2)
print(f"Kingma & Ba's bound (1-β1)/sqrt(1-β2)          = {kb_bound:.2f}")
print(f"Cauchy–Schwarz bound, divided by sqrt(1-β1²/β2) = {cs_bound:.2f}")


def largest_adam_ratio(gradients, eps=0.0):
    """max_t |Δx_t| / η of Adam (default betas) fed a given sequence of 1-D gradients."""
    x, m, v = np.zeros(1), np.zeros(1), np.zeros(1)
    ratios = []
    for t, g in enumerate(gradients, start=1):
        x_new, m, v = adam_step(x, np.array([g]), m, v, t, lr=1.0, eps=eps)
        ratios.append(abs(x_new - x).item())
        x = x_new
    return max(ratios), np.array(ratios)


spike = np.zeros(5000)
spike[4000] = 1.0
spike[:10] = 1e-3  # a few tiny gradients first, so that v is not exactly zero before the spike
growth = 1e-100 * (b2 / b1) ** np.arange(5000.0)  # grows by β2/β1 per step
worst_spike, spike_ratios = largest_adam_ratio(spike)
worst_growth, growth_ratios = largest_adam_ratio(growth)
print(f"single spike at t = 4001:        max |Δx|/η = {worst_spike:.2f}")
print(f"gradient growing by β2/β1 = {b2 / b1:.3f}: max |Δx|/η = {worst_growth:.2f}")

rng = np.random.default_rng(1)
measured = {}
for name, obj in OBJECTIVES.items():
    (x0, x1), (y0, y1) = obj.domain
    starts = obj.start + 0.05 * np.array([x1 - x0, y1 - y0]) * rng.standard_normal((9, 2))
    worst = 0.0
    for lr in (1e-2, 0.1, 1.0):
        path = run_optimizer(obj, Adam, start=starts, steps=300, lr=lr).path
        worst = max(worst, float(np.nanmax(np.abs(np.diff(path, axis=0))) / lr))
    measured[name] = worst
    print(f"{name:<11} max |Δx_i|/η over 9 starts × 3 learning rates × 300 steps = {worst:.3f}")
print(f"largest over all objectives: {max(measured.values()):.2f} η")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.0), gridspec_kw={"width_ratios": [1.1, 1]})
names = list(measured)
axes[0].bar(names, [measured[n] for n in names], color="C0", label="measured (all runs)")
axes[0].axhline(1.0, color="k", ls="--", lw=1, label="η")
axes[0].axhline(kb_bound, color="C1", ls=":", lw=2, label=f"(1-β1)/√(1-β2) = {kb_bound:.2f}")
axes[0].axhline(cs_bound, color="C3", ls="-.", lw=1.5, label=f"Cauchy–Schwarz bound {cs_bound:.2f}")
axes[0].set_yscale("log")
axes[0].set_xlabel("test objective")
axes[0].set_ylabel(r"largest $|\Delta x_i| / \eta$")
axes[0].set_title("Adam's largest step on the test objectives")
axes[0].tick_params(axis="x", rotation=30)
axes[0].legend(fontsize="x-small", loc="upper left")
window = slice(3990, 4100)
t_axis = np.arange(1, 5001)
axes[1].plot(t_axis[window], spike_ratios[window], label="one isolated spike at t = 4001")
axes[1].plot(t_axis[window], growth_ratios[window], label=r"gradient growing by $\beta_2/\beta_1$")
axes[1].axhline(1.0, color="k", ls="--", lw=1, label="η")
axes[1].set_yscale("log")
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel(r"$|\Delta x_t| / \eta$")
axes[1].set_title("The gradient sequences that break the bound")
axes[1].legend(fontsize="x-small")
plt.tight_layout()
plt.show()

# %% [markdown]
# On the test objectives the largest step stays within a small factor of $\eta$ (the bars and
# the printed maximum), even though the gradients there range over many orders of magnitude;
# only the constructed sequences reach the bounds. So $\eta$ really is a trust radius: it bounds how far one step can move a
# coordinate — something no learning rate of plain gradient descent can promise, because there
# the step is $\eta$ times a gradient of any size. It also explains the default: the learning
# rate of Adam is chosen in units of the *parameters*, not of the gradient.
#
# ## 7. Adam against every earlier method
#
# A fair comparison gives every method its best learning rate. For each objective and each
# method we run a grid of 9 learning rates ($10^{-3}$ to $10$, half a decade apart) from the
# same 8 start points (the objective's `start` plus 7 seeded perturbations) for 200 steps, with
# `adamlib.run.sweep` (one batched run of all starts per learning rate). Other hyperparameters
# stay at PyTorch's defaults (momentum: $\beta = 0.9$).
#
# **Choosing "best".** Final losses often all reach rounding level ($10^{-30}$ is as good as
# $10^{-20}$), so we pick the learning rate with the smallest **median over starts of the
# average of $\log_{10}(f - f^*)$ over the run** (floored at $10^{-16}$): it rewards getting
# there fast as well as getting there. Diverged runs count as infinitely bad.

# %%
from adamlib.optim import SGD, Adagrad

METHODS = {
    "SGD": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "Adagrad": (Adagrad, {}),
    "RMSprop": (RMSprop, {}),
    "Adam": (Adam, {}),
}
LRS = 10.0 ** np.arange(-3.0, 1.01, 0.5)
STEPS = 200
FLOOR = 1e-16


def score(gaps):
    """Median over starts of the mean log10 suboptimality along the run (lower is better)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.maximum(gaps, FLOOR))
    return np.median(logs.mean(axis=-2), axis=-1)  # average over steps, median over starts


rng = np.random.default_rng(2)
results = {}  # (objective, method) -> best lr, median curve, final gap, scores, diverged lrs
for name, obj in OBJECTIVES.items():
    (x0, x1), (y0, y1) = obj.domain
    starts = obj.start + 0.05 * np.array([x1 - x0, y1 - y0]) * rng.standard_normal((8, 2))
    starts[0] = obj.start
    for method, (cls, hyper) in METHODS.items():
        gaps = sweep(obj, cls, LRS, start=starts, steps=STEPS, **hyper) - obj.min_value
        scores = score(gaps)
        best = int(np.argmin(scores))
        results[name, method] = dict(
            lr=LRS[best], curve=np.median(gaps[best], axis=-1), scores=scores,
            final=float(np.median(gaps[best, -1])),
            diverged=int(np.isinf(gaps[:, -1]).any(axis=-1).sum()),
        )
    default = sweep(obj, Adam, [1e-3], start=starts, steps=STEPS)[0] - obj.min_value
    results[name, "Adam, η = 1e-3"] = dict(lr=1e-3, curve=np.median(default, axis=-1),
                                           final=float(np.median(default[-1])))

columns = [*METHODS, "Adam, η = 1e-3"]
print(f"median f - f* after {STEPS} steps [tuned learning rate]\n")
print(f"{'objective':<11}" + "".join(f"{c:>20}" for c in columns))
for name in OBJECTIVES:
    cells = [f"{results[name, c]['final']:.1e} [{results[name, c]['lr']:.0e}]" for c in columns]
    print(f"{name:<11}" + "".join(f"{c:>20}" for c in cells))
print("\nranking by score (best first):")
for name in OBJECTIVES:
    order = sorted(METHODS, key=lambda m: results[name, m]["scores"].min())
    print(f"  {name:<11} {' < '.join(order)}")
print(f"\nlearning rates (of {len(LRS)}) with a diverged run, summed over the 6 objectives:")
print("  " + ", ".join(f"{m} {sum(results[n, m]['diverged'] for n in OBJECTIVES)}"
                       for m in METHODS))

# %%
fig, axes = plt.subplots(2, 3, figsize=(13, 7.2), sharex=True)
for ax, name in zip(axes.flat, OBJECTIVES):
    for i, method in enumerate(columns):
        r = results[name, method]
        default = method.startswith("Adam,")
        ax.plot(np.maximum(r["curve"], FLOOR), ":" if default else "-", color=f"C{i}",
                label=method if default else f"{method} (η = {r['lr']:.0e})")
    ax.set_yscale("log")
    ax.set_title(name)
    ax.set_ylabel("median $f(x_t) - f^*$")
    ax.legend(fontsize="xx-small", loc="lower left")
for ax in axes[1]:
    ax.set_xlabel("step $t$")
fig.suptitle("Every method with its own tuned learning rate (median over 8 starts, "
             "floored at 1e-16)")
plt.tight_layout()
plt.show()

# %% [markdown]
# How sensitive is each method to its learning rate? The score (average $\log_{10}$ gap, lower
# is better) of every learning rate of the grid:

# %%
fig, axes = plt.subplots(2, 3, figsize=(13, 7.2), sharex=True)
for ax, name in zip(axes.flat, OBJECTIVES):
    for i, method in enumerate(METHODS):
        ax.plot(LRS, results[name, method]["scores"], "o-", color=f"C{i}", ms=3, label=method)
    ax.set_xscale("log")
    ax.set_title(name)
    ax.set_ylabel(r"mean $\log_{10}(f - f^*)$ (lower is better)")
    ax.legend(fontsize="xx-small")
for ax in axes[1]:
    ax.set_xlabel("learning rate η")
fig.suptitle("Learning-rate sensitivity (a curve that stops = diverged runs)")
plt.tight_layout()
plt.show()

# %% [markdown]
# Why do the momentum methods finish behind on the easy bowls? Lecture 03 showed that heavy-ball
# momentum can never converge faster than $|\sigma| = \sqrt{\beta}$ per step in distance, that
# is $\beta$ per step in $f - f^*$. Adam's $\beta_1 = 0.9$ behaves the same way:

# %%
from adamlib.run import measured_rate

for method in ("SGD", "momentum", "Adam"):
    rate = measured_rate(results["quadratic", method]["curve"])
    print(f"quadratic, {method:<8}: f - f* shrinks by {rate:.3f} per step")
print(f"momentum's limit beta = {0.9:.3f}")

# %% [markdown]
# What the table and the figures say (the numbers are recomputed on every run; read them above):
#
# * **No method wins everywhere.** The rankings differ from objective to objective. On the
#   round, well-scaled bowls (quadratic, Himmelblau, saddle) the methods *without* momentum
#   reach rounding level first: there is no zig-zag to average away, and a momentum of 0.9
#   costs speed — the measured rates just printed sit at momentum's limit $\beta$, far slower
#   than tuned gradient descent.
# * **Where momentum matters, Adam is near the front.** On the curved valleys (Rosenbrock,
#   Beale) momentum and Adam take the first two places.
# * **The adaptive methods never diverged** anywhere on the grid (the count printed under the
#   table), while SGD and momentum blew up for most large learning rates: a step bounded by
#   $\eta$ makes a too-large $\eta$ wander instead of explode. That is what makes Adam easy to
#   use, more than raw speed.
# * **The default $\eta = 10^{-3}$ is far from the tuned value** on these problems (last
#   column), for the distance reason of section 5: defaults are a starting point, not a tuning.
# * On Rastrigin no method reaches $f^* = 0$: each ends in one of the many local minima, and
#   which one depends mostly on how far the first steps jump (Adagrad's large tuned $\eta$
#   happens to land it in a lower one). The ranking there says little about the methods.
#
# Deterministic 2-D problems are also not where Adam was designed to shine: noisy minibatch
# gradients in millions of dimensions are. Lecture 07 repeats the comparison on a neural
# network, and lecture 09 tests the folklore with experiments.
#
# ## Summary
#
# * Adam $=$ momentum's EMA of gradients $m_t$ $+$ RMSprop's EMA of squared gradients $v_t$
#   $+$ bias correction: $x_t = x_{t-1} - \eta\, \hat m_t/(\sqrt{\hat v_t} + \epsilon)$.
# * An EMA started at zero has $\mathbb{E}[m_t] = (1-\beta^t)\,\mathbb{E}[g]$ for stationary
#   gradients; dividing by $1-\beta^t$ removes the bias. Without it the early steps are several
#   times $\eta$ and can throw the run away — worst for $\beta_2$ close to 1.
# * Defaults: windows of 10 and 1000 steps; $\epsilon$ a floor that is tuned in practice (and
#   Keras's weighs 31.6 times PyTorch's at $t = 1$);
#   $\eta = 10^{-3}$ as a distance in parameter space.
# * Each coordinate moves by about $\eta$ at most; adversarial gradient sequences can reach
#   $(1-\beta_1)/\sqrt{1-\beta_2}\approx 3.2$ times more (a spike) or about 7.3 times more
#   (steady growth).
# * With tuned learning rates no method wins on every test objective; Adam is among the best
#   where momentum helps, never diverges, and still needs its learning rate tuned like everything
#   else.
#
# Lecture 08 looks beyond Adam: decoupled weight decay (AdamW), a problem where Adam provably
# fails to converge (and AMSGrad), and warmup.
#
# **Now try [exercises/06_adam.ipynb](../exercises/06_adam.ipynb)**: implement `adam_step`, the
# bias-correction factor and an AdamW step, each checked with mistake-specific feedback.
#
# **Next: [lecture 07, training a network](07_training_a_network.ipynb).**
