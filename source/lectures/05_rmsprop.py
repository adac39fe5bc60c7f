# %% [markdown]
# # 05 — RMSprop: forget old gradients
#
# Adagrad (lecture 04) gave every coordinate its own learning rate, $\eta/\sqrt{s_t}$ with
# $s_t$ the *sum* of all squared gradients so far. Because the sum only grows, the rate only
# shrinks. RMSprop keeps the idea and replaces the sum by an **exponential moving average**:
# old gradients are forgotten, and the rate tracks the *recent* scale of each coordinate.
#
# **Where it comes from.** RMSprop was never published as a paper: it is lecture 6e of Geoffrey
# Hinton's Coursera course *Neural Networks for Machine Learning* (Tieleman & Hinton, 2012),
# titled "rmsprop: divide the gradient by a running average of its recent magnitude" and
# introduced there as *a minibatch version of Rprop*. Rprop (Riedmiller & Braun, 1993) uses
# only the **sign** of each weight's gradient, with a per-weight step size that grows while
# the signs agree and shrinks when they flip; it works with full-batch gradients. With
# minibatches the sign throws away the averaging SGD relies on: Hinton's example is a weight
# whose gradient is $+0.01$ on nine minibatches and $-0.09$ on the tenth — the gradients
# cancel, yet sign steps push the weight up nine times and down once. RMSprop divides each
# gradient by a running root mean square instead, the same divisor for successive minibatches,
# so that on average a step is about as large as Rprop's sign step while small and large
# gradients still average out.
#
# **Learning goals.** After this lecture you can
#
# 1. show on a plot how Adagrad's effective rate vanishes, and how an EMA of squared gradients
#    fixes it;
# 2. implement RMSprop (and its centered variant) from scratch and check them against
#    `adamlib.optim.RMSprop`;
# 3. choose the smoothing constant $\alpha$: a window of about $1/(1-\alpha)$ steps, trading
#    fast reaction against a noisy denominator;
# 4. say where $\epsilon$ goes in PyTorch and in Keras, and show when that matters;
# 5. explain what *centered* RMSprop divides by, and when that helps or hurts.

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. Adagrad's vanishing rate
#
# The experiment of lecture 04, section 6: walk down the slopes of
# $f(x) = \sum_i \big(\sqrt{1 + x_i^2} - 1\big)$, whose gradient is about $\pm 1$ far from the
# minimum, with $\eta = 1$, from $x_i = 10, 100, 1000$ (one coordinate each: Adagrad treats
# them independently). This time with the package's `Adagrad`, and we record the effective
# rate $\eta/(\sqrt{s_t} + \epsilon)$ that it applies.

# %%
from adamlib.optim import Adagrad

distances = np.array([10.0, 100.0, 1000.0])
STEPS = 5000


def slope_grad(x):
    """Gradient of sum_i sqrt(1 + x_i²) - 1: about ±1 far from 0."""
    return x / np.sqrt(1 + x**2)


def walk(make_optimizer, steps=STEPS):
    """Run an optimizer from `distances`; return the distance travelled, the effective rate
    of the farthest coordinate, and each coordinate's arrival step (|x| < 1)."""
    x = distances.copy()
    opt = make_optimizer(x)
    travelled, rate = np.empty((steps, 3)), np.empty(steps)
    arrival = np.full(3, -1)
    for t in range(1, steps + 1):
        g = slope_grad(x)
        before = x[2]
        opt.step([g])
        travelled[t - 1] = distances - x
        rate[t - 1] = (before - x[2]) / g[2]  # the rate actually applied: Δx = -rate · g
        arrival[(arrival < 0) & (np.abs(x) < 1)] = t
    return travelled, rate, arrival


ada_travel, ada_rate, ada_arrival = walk(lambda x: Adagrad([x], lr=1.0))
def arrival_text(steps):
    if steps < 0:
        return f"not within {STEPS} steps"
    return f"after {steps:4d} step" + ("s" if steps != 1 else "")


for D, steps in zip(distances, ada_arrival):
    print(f"Adagrad, start at {D:5.0f}: arrives {arrival_text(steps)} "
          f"(estimate (D/2η)² = {(D / 2) ** 2:.0f})")
print(f"Adagrad's effective rate: {ada_rate[0]:.3f} at t = 1, {ada_rate[99]:.4f} at t = 100, "
      f"{ada_rate[-1]:.5f} at t = {STEPS}")

# %%
t_axis = np.arange(1, STEPS + 1)
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
axes[0].plot(t_axis, ada_rate, color="C1", lw=3, alpha=0.6, label="Adagrad (start at 1000)")
axes[0].plot(t_axis, 1 / np.sqrt(t_axis), "k:", lw=1, label=r"$\eta/\sqrt{t}$")
axes[0].set_xscale("log")
axes[0].set_yscale("log")
axes[0].set_xlabel("step $t$")
axes[0].set_ylabel(r"effective rate $\eta/(\sqrt{s_t}+\epsilon)$")
axes[0].set_title("Adagrad: the rate decays for ever")
axes[0].legend()
for i, D in enumerate(distances):
    axes[1].plot(t_axis, ada_travel[:, i], color=f"C{i}", label=f"Adagrad, start at {D:.0f}")
axes[1].plot(t_axis, 2 * np.sqrt(t_axis), "k--", label=r"$2\eta\sqrt{t}$")
axes[1].set_xscale("log")
axes[1].set_yscale("log")
axes[1].set_ylim(0.5, 3000)
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel("distance travelled")
axes[1].set_title(r"So the distance grows only like $\sqrt{t}$ ($\eta = 1$)")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# On a slope of constant steepness there is nothing to be careful about, yet the rate keeps
# falling like $1/\sqrt t$, and ten times the distance costs a hundred times the steps (the
# arrival times above; from 1000 the estimate is $500^2 = 250\,000$ steps). The sum $s_t$ remembers the gradient of step 1 as much as the gradient
# of step 5000.
#
# ## 2. An exponential moving average of squared gradients
#
# RMSprop replaces the sum by an EMA with smoothing constant $\alpha$ (PyTorch's name; Keras
# says `rho`, Hinton used 0.9, PyTorch defaults to 0.99):
#
# $$v_t = \alpha\, v_{t-1} + (1-\alpha)\, g_t^2, \qquad
#   x_t = x_{t-1} - \frac{\eta}{\sqrt{v_t} + \epsilon}\, g_t \qquad (v_0 = 0).$$
#
# Unrolled, $v_t = (1-\alpha)\sum_{k=0}^{t-1} \alpha^{k}\, g_{t-k}^2$: weights that decay
# geometrically with the age $k$ of a gradient. They sum to $1 - \alpha^t \to 1$, so $v_t$ is a
# weighted *mean* of recent squared gradients — the "mean square" in **R**oot **M**ean **S**quare
# — and the average age of a gradient in it is
# $\sum_k k\,(1-\alpha)\alpha^k = \alpha/(1-\alpha)$: the EMA looks back about $1/(1-\alpha)$
# steps (100 for $\alpha = 0.99$).
#
# If the gradients have a steady scale $G$, then $v_t \to G^2$ and the effective rate
# $\eta/\sqrt{v_t} \to \eta/G$ **stays put** instead of decaying; each step moves a coordinate
# by about $\eta$. On our slope that means about $\eta$ per step, so distance $\eta t$.
#
# Two things RMSprop does *not* fix, for lecture 06: it follows each gradient's direction with no
# averaging (no momentum), and since $v_0 = 0$, $v_1 = (1-\alpha) g_1^2$ is far too small, so
# the first step is $\eta/\sqrt{1-\alpha}$ — ten times $\eta$ for $\alpha = 0.99$.

# %% [markdown]
# ## 3. RMSprop from scratch
#
# Plain and centered (section 7) in one function; `grad_avg` is only used when centered.

# %%
def rmsprop_step(x, grad, sq_avg, lr=1e-2, alpha=0.99, eps=1e-8):
    """One RMSprop update (PyTorch's convention). Returns (x_new, sq_avg_new)."""
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2     # v_t: EMA of g²
    x_new = x - lr * grad / (np.sqrt(sq_avg_new) + eps)     # ε after the root
    return x_new, sq_avg_new


def centered_rmsprop_step(x, grad, sq_avg, grad_avg, lr=1e-2, alpha=0.99, eps=1e-8):
    """One centered RMSprop update. Returns (x_new, sq_avg_new, grad_avg_new)."""
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    grad_avg_new = alpha * grad_avg + (1 - alpha) * grad    # EMA of g: the mean
    variance = sq_avg_new - grad_avg_new**2                  # E[g²] - E[g]²
    x_new = x - lr * grad / (np.sqrt(variance) + eps)
    return x_new, sq_avg_new, grad_avg_new


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, centered=False):
    """An update rule step(x, g) -> x_new for adamlib.run.run."""
    state = {"sq_avg": 0.0, "grad_avg": 0.0}

    def step(x, g):
        if centered:
            x_new, state["sq_avg"], state["grad_avg"] = centered_rmsprop_step(
                x, g, state["sq_avg"], state["grad_avg"], lr, alpha, eps)
        else:
            x_new, state["sq_avg"] = rmsprop_step(x, g, state["sq_avg"], lr, alpha, eps)
        return x_new

    return step


# %% [markdown]
# The check against `adamlib.optim.RMSprop`: 50 steps on Rosenbrock, plain and centered, with
# PyTorch's defaults and with other hyperparameters.

# %%
from adamlib.functions import rosenbrock
from adamlib.optim import RMSprop
from adamlib.run import run, run_optimizer

for settings in (dict(lr=1e-2, alpha=0.99, eps=1e-8), dict(lr=0.05, alpha=0.9, eps=1e-4)):
    for centered in (False, True):
        mine = run(rosenbrock, rmsprop(**settings, centered=centered), steps=50).path
        theirs = run_optimizer(rosenbrock, RMSprop, steps=50, centered=centered,
                               **settings).path
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=0)
        print(f"{settings}, centered={centered}: from scratch == adamlib.optim.RMSprop "
              f"for 50 steps")

# %% [markdown]
# ## 4. The same experiment with RMSprop
#
# Down the same slopes with $\eta = 1$ and PyTorch's $\alpha = 0.99$:

# %%
rms_travel, rms_rate, rms_arrival = walk(lambda x: RMSprop([x], lr=1.0))
for D, a, r in zip(distances, ada_arrival, rms_arrival):
    print(f"start at {D:5.0f}: Adagrad arrives {arrival_text(a)}, RMSprop {arrival_text(r)}")
print(f"effective rate on the slope from 1000: RMSprop {rms_rate[0]:.2f} at t = 1 "
      f"(1/sqrt(1-α) = {1 / np.sqrt(0.01):.0f}), {rms_rate[99]:.3f} at t = 100, "
      f"{rms_rate[899]:.3f} at t = 900; Adagrad {ada_rate[899]:.4f} at t = 900")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
axes[0].plot(t_axis, ada_rate, color="C1", lw=3, alpha=0.6, label="Adagrad")
axes[0].plot(t_axis, rms_rate, color="C2", label="RMSprop, α = 0.99")
axes[0].plot(t_axis, 1 / np.sqrt(t_axis), "k:", lw=1, label=r"$\eta/\sqrt{t}$")
axes[0].set_xscale("log")
axes[0].set_yscale("log")
axes[0].set_xlabel("step $t$")
axes[0].set_ylabel("effective rate (coordinate starting at 1000)")
axes[0].set_title("RMSprop's rate no longer vanishes")
axes[0].legend()
for i, D in enumerate(distances):
    axes[1].plot(t_axis, ada_travel[:, i], color=f"C{i}", ls=":")
    axes[1].plot(t_axis, rms_travel[:, i], color=f"C{i}", label=f"RMSprop, start at {D:.0f}")
axes[1].plot([], [], color="gray", ls=":", label="Adagrad (same colours)")
axes[1].plot(t_axis, t_axis, "k--", lw=0.8, label=r"$\eta t$")
axes[1].set_xscale("log")
axes[1].set_yscale("log")
axes[1].set_ylim(0.5, 3000)
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel("distance travelled")
axes[1].set_title("Distance now grows like $t$ (dotted: Adagrad)")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Once the first, oversized steps are over (the effective rate starts at
# $\eta/\sqrt{1-\alpha}$ — which alone carries the start at 10 to the minimum in one step),
# RMSprop's rate settles at $\eta/G = 1$ and stays there as long as the slope lasts: the
# distance grows linearly and the far starts arrive after about $D/\eta$ steps instead of
# $(D/2\eta)^2$. (At the minimum the gradients shrink, $v$ follows them down, and the rate
# grows: RMSprop keeps taking steps of about $\eta$ there, bouncing around the minimum — the
# rate is not a step size any more once $g$ changes sign.)

# %% [markdown]
# **Try it.** The widget runs Adagrad and RMSprop side by side; move $\eta$, $\alpha$ and the
# number of steps and watch the per-coordinate rates $\eta/(\sqrt{\cdot}+\epsilon)$ in the right
# panel: Adagrad's only fall, RMSprop's recover when the gradients shrink. (Interactive in
# JupyterLab or Binder; GitHub shows a static picture.)

# %% tags=["nbval-ignore-output"]
from adamlib.widgets import adagrad_vs_rmsprop

adagrad_vs_rmsprop()

# %% [markdown]
# ## 5. Choosing $\alpha$: reaction time against noise
#
# The window $1/(1-\alpha)$ decides how fast $v$ follows a change in the gradient's scale —
# and how much it jitters when the gradient is noisy. Both, measured:
#
# * **Reaction.** A gradient stream with scale 1 for 300 steps, then 10, then 0.1 (a new
#   layer of the landscape, a learning-rate warmup elsewhere in the network...). The ideal step
#   is $\eta$ throughout.
# * **Noise.** Standard normal gradients: $g^2$ has mean 1 and variance 2, and an EMA with
#   constant $\alpha$ has stationary variance $\frac{1-\alpha}{1+\alpha}\operatorname{Var}(g^2)$,
#   so the relative spread of $v$ is $\sqrt{2(1-\alpha)/(1+\alpha)}$.

# %%
alphas = (0.5, 0.9, 0.99, 0.999)
scales = np.r_[np.ones(300), 10 * np.ones(300), 0.1 * np.ones(1500)]


def recovery(sizes):
    """Steps until the step size is back within 10% of η, as text."""
    ok = np.flatnonzero(np.abs(sizes - 1) < 0.1)
    return f"{ok[0]:4d} steps" if ok.size else f"more than {len(sizes)} steps"
step_sizes = {}
for alpha in alphas:
    x, v = np.zeros(1), np.zeros(1)
    sizes = []
    for g in scales:
        x_new, v = rmsprop_step(x, np.array([g]), v, lr=1.0, alpha=alpha)
        sizes.append(abs(x_new - x).item())
        x = x_new
    step_sizes[alpha] = np.array(sizes)
    sizes = step_sizes[alpha]
    print(f"α = {alpha:<5} (window {1 / (1 - alpha):4.0f}): scale ×10 -> step peaks at "
          f"{sizes[300:600].max():5.2f} η, back to η ± 10% after {recovery(sizes[300:600])}; "
          f"scale ×0.01 -> step drops to {sizes[600]:.3f} η, back after "
          f"{recovery(sizes[600:])}")

rng = np.random.default_rng(5)
noise_alphas = np.array([0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999])
g = rng.standard_normal((20_000, 50))
spread = []
for alpha in noise_alphas:
    v = np.ones(50)  # start at the mean to skip the warm-up
    history = np.empty((20_000, 50))
    for t in range(20_000):
        v = alpha * v + (1 - alpha) * g[t] ** 2
        history[t] = v
    spread.append(history[2000:].std() / history[2000:].mean())
spread = np.array(spread)
theory = np.sqrt(2 * (1 - noise_alphas) / (1 + noise_alphas))
for alpha, s, th in zip(noise_alphas, spread, theory):
    print(f"α = {alpha:<5}: relative spread of v = {s:.3f} (theory {th:.3f})")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
for alpha in alphas:
    axes[0].plot(np.arange(1, len(scales) + 1), step_sizes[alpha], label=f"α = {alpha}")
axes[0].axhline(1.0, color="k", lw=0.8, ls="--", label="η")
for boundary in (300, 600):
    axes[0].axvline(boundary, color="gray", lw=0.8)
axes[0].set_yscale("log")
axes[0].set_xlabel("step $t$ (gradient scale 1, then 10, then 0.1)")
axes[0].set_ylabel(r"step size $|\Delta x| / \eta$")
axes[0].set_title("Reaction: long windows adapt slowly")
axes[0].legend()
axes[1].plot(1 / (1 - noise_alphas), spread, "o", color="C3", label="measured")
axes[1].plot(1 / (1 - noise_alphas), theory, "k--", label=r"$\sqrt{2(1-\alpha)/(1+\alpha)}$")
axes[1].set_xscale("log")
axes[1].set_yscale("log")
axes[1].set_xlabel(r"window $1/(1-\alpha)$ (steps)")
axes[1].set_ylabel("relative spread of $v$ (std / mean)")
axes[1].set_title("Noise: short windows give a jittery denominator")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The printout shows the trade-off. With $\alpha = 0.5$ the step is back to $\eta$ almost
# immediately after each change, but $v$ fluctuates by a large fraction of its mean on noisy
# gradients (in the limit $\alpha = 0$, $v = g^2$ and RMSprop becomes *sign descent*,
# $x \leftarrow x - \eta\,\operatorname{sign}(g)$). With $\alpha = 0.999$ the denominator is
# smooth, but after the scale drops by 100 the steps stay far below $\eta$ for longer than the
# 1500 steps shown, and after the jump up they are many times too large. $\alpha = 0.9$ (Hinton, Keras)
# to $0.99$ (PyTorch) is the usual compromise; Adam's $\beta_2 = 0.999$ pays for its long
# window with the bias correction of lecture 06.
#
# ## 6. Where $\epsilon$ goes, and when it matters
#
# The libraries disagree:
#
# | library | update | default $\epsilon$ |
# |---|---|---|
# | PyTorch `RMSprop` | $\eta\, g / (\sqrt{v} + \epsilon)$ | $10^{-8}$ |
# | Keras / TensorFlow `RMSprop` | $\eta\, g / \sqrt{v + \epsilon}$ | $10^{-7}$ |
#
# For a gradient of steady size $G$ ($v \to G^2$) the step divided by $\eta$ is
# $G/(G + \epsilon)$ outside, $G/\sqrt{G^2 + \epsilon}$ inside. Inside the root, $\epsilon$ acts
# like an outside $\epsilon$ of size $\sqrt{\epsilon}$: $\sqrt{10^{-7}} \approx 3\cdot 10^{-4}$,
# thirty thousand times PyTorch's. Whenever the gradients are larger than both, neither
# matters. Tiny gradients happen — a loss multiplied by a small constant, a nearly saturated
# unit, a parameter far down a deep network — and there the variants part ways. Measured on
# gradient streams of constant size $G$, and on a run: the quadratic
# $f(x) = \tfrac{c}{2}\lVert x \rVert^2$ with $c = 10^{-6}$ from $x_0 = (1, 1)$, $\eta = 0.01$.

# %%
def rmsprop_eps_inside_step(x, grad, sq_avg, lr, alpha, eps):
    """Keras/TensorFlow's placement: ε inside the square root."""
    sq_avg_new = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / np.sqrt(sq_avg_new + eps), sq_avg_new


variants = {
    "PyTorch: outside, ε = 1e-8": (rmsprop_step, 1e-8),
    "inside, ε = 1e-8": (rmsprop_eps_inside_step, 1e-8),
    "Keras: inside, ε = 1e-7": (rmsprop_eps_inside_step, 1e-7),
}
grad_scales = np.geomspace(1e-12, 1.0, 61)
relative_step = {}
for name, (step_fn, eps) in variants.items():
    x, v = np.zeros_like(grad_scales), np.zeros_like(grad_scales)
    for _ in range(2000):  # steady state: v -> G²
        x_new, v = step_fn(x, grad_scales, v, lr=1.0, alpha=0.99, eps=eps)
        step, x = x - x_new, x_new
    relative_step[name] = step  # η = 1, so this is |Δx| / η
for G in (1e-2, 1e-4, 1e-6, 1e-8):
    i = int(np.argmin(np.abs(grad_scales - G)))
    print(f"G = {G:.0e}: step / η = " + ", ".join(
        f"{name.split(':')[0]} {relative_step[name][i]:.3g}" for name in variants))

c = 1e-6
runs = {}
for name, (step_fn, eps) in variants.items():
    x, v = np.ones(2), np.zeros(2)
    dist = [np.linalg.norm(x)]
    for _ in range(300):
        x, v = step_fn(x, c * x, v, lr=0.01, alpha=0.99, eps=eps)
        dist.append(np.linalg.norm(x))
    runs[name] = np.array(dist)
    print(f"{name:<28} distance to the minimum after 300 steps: {runs[name][-1]:.2e} "
          f"(start {runs[name][0]:.3f})")

at = {G: int(np.argmin(np.abs(grad_scales - G))) for G in (1e-2, 1e-3, 1e-6, 1e-8)}
torch_s, keras_s = relative_step["PyTorch: outside, ε = 1e-8"], relative_step["Keras: inside, ε = 1e-7"]
assert min(relative_step[n][at[1e-2]] for n in variants) > 0.99  # all agree at 1e-2
assert keras_s[at[1e-3]] > 0.95 and torch_s[at[1e-6]] > 0.98 and abs(torch_s[at[1e-8]] - 0.5) < 0.01
assert keras_s[at[1e-8]] < 1e-4
assert runs["PyTorch: outside, ε = 1e-8"][-1] < 1e-6 and runs["Keras: inside, ε = 1e-7"][-1] > 1.3

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
for name in variants:
    axes[0].plot(grad_scales, relative_step[name], label=name)
axes[0].set_xscale("log")
axes[0].set_yscale("log")
axes[0].set_xlabel("gradient size $G$")
axes[0].set_ylabel(r"step size $|\Delta x| / \eta$")
axes[0].set_title(r"Steady-state step: $\epsilon$ outside or inside the root")
axes[0].legend()
for name in variants:
    axes[1].plot(runs[name], label=name)
axes[1].set_yscale("log")
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel(r"distance to the minimum $\|x_t\|$")
axes[1].set_title(r"$f = \frac{c}{2}\|x\|^2$, $c = 10^{-6}$, $\eta = 0.01$")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Above a gradient size of about $10^{-3}$ all three agree. Below, the Keras placement shrinks
# the step roughly in proportion to $G$ — RMSprop quietly turns back into plain gradient descent
# with rate $\eta/\sqrt{\epsilon}$ — while PyTorch's keeps the step near $\eta$ down to
# $G \approx 10^{-7}$ (and still at half of $\eta$ at $10^{-8}$). On the flat quadratic the PyTorch variant walks to the minimum and the
# Keras one barely moves (the distances printed above). Neither is wrong; they are different
# algorithms, and a hyperparameter copied from one library to the other does not mean the same
# thing. (Adam has the same issue, lecture 06.)

# %% [markdown]
# **Try it.** The explorer runs `adamlib.optim.RMSprop` (PyTorch's placement, $\epsilon$
# outside the root, $\eta = 0.1$, 100 steps) on the quadratic $\tfrac12 x^\top A x$ with
# $\kappa = 10$ multiplied by a scale $s$, so every gradient is $s$ times smaller. It opens at
# $s = 10^{-8}$ with PyTorch's $\epsilon = 10^{-8}$: the largest starting gradient is
# $1.2\cdot 10^{-7}$, comparable to $\epsilon$, and the run is far slower than the same
# RMSprop with a negligible $\epsilon$ (both losses printed below). Slide $\epsilon$ down to
# $10^{-12}$, or $s$ up to 1, and the path becomes the one RMSprop takes at every scale.
# (Interactive in JupyterLab or Binder; the middle panel plots $(f - f^*)/s$.)

# %%
from dataclasses import replace

from adamlib.functions import quadratic

base = quadratic(10.0)  # the explorer's objective, times s = 1e-8 (as EpsilonExplorer.scaled)
scaled_quadratic = replace(base, value=lambda x, y: 1e-8 * base.value(x, y),
                           gradient=lambda x, y: tuple(1e-8 * g for g in base.gradient(x, y)))
g0 = np.abs(scaled_quadratic.grad(base.start)).max()
final_loss = {}
for eps in (1e-8, 1e-12):
    traj = run_optimizer(scaled_quadratic, RMSprop, base.start, 100, lr=0.1, eps=eps)
    final_loss[eps] = traj.losses[-1] / traj.losses[0]  # f* = 0; the scale s cancels
print(f"largest starting gradient at s = 1e-8: {g0:.1e}")
print(f"(f - f*) / (f0 - f*) after 100 steps: ε = 1e-8 -> {final_loss[1e-8]:.0e}, "
      f"ε = 1e-12 -> below 1e-80")
assert abs(g0 - 1.2e-7) < 1e-12 and base.min_value == 0
assert 1e-9 < final_loss[1e-8] < 1e-7 and final_loss[1e-12] < 1e-80

# %% tags=["nbval-ignore-output"]
from adamlib.widgets import epsilon_explorer

epsilon_explorer(optimizer="RMSprop", scale=1e-8, eps=1e-8)

# %% [markdown]
# ## 7. Centered RMSprop
#
# Graves (2013) suggested dividing by an estimate of the gradient's **standard deviation**
# instead of its root mean square. Keep an EMA of the gradient too, $\bar g_t = \alpha \bar
# g_{t-1} + (1-\alpha) g_t$, and use $v_t - \bar g_t^2 \approx \mathbb{E}[g^2] - \mathbb{E}[g]^2
# = \operatorname{Var}(g)$:
#
# $$x_t = x_{t-1} - \frac{\eta}{\sqrt{v_t - \bar g_t^2} + \epsilon}\, g_t .$$
#
# For gradients with mean $\mu$ and noise $\sigma$, plain RMSprop divides by
# $\sqrt{\mu^2 + \sigma^2}$ and centered RMSprop by $\sigma$. So the average step is
# $\eta\,\mu/\sqrt{\mu^2+\sigma^2} \le \eta$ for plain RMSprop, but $\eta\,\mu/\sigma$ for the
# centered one: larger when the gradient is consistent (signal-to-noise ratio $\mu/\sigma > 1$),
# without bound as the noise vanishes. Measured on gradient streams $g = \mu + \sigma\xi$ with
# $\sigma = 1$, $\alpha = 0.99$, averaged over 3000 steps after a warm-up:

# %%
snr = np.geomspace(0.01, 100, 17)
rng = np.random.default_rng(7)
STREAMS = 32
xi = rng.standard_normal((4000, STREAMS, snr.size))
mean_step = {}
for centered in (False, True):
    x, v, m = (np.zeros((STREAMS, snr.size)) for _ in range(3))
    total = np.zeros((STREAMS, snr.size))
    for t in range(4000):
        g = snr + xi[t]
        if centered:
            x_new, v, m = centered_rmsprop_step(x, g, v, m, lr=1.0, alpha=0.99, eps=1e-8)
        else:
            x_new, v = rmsprop_step(x, g, v, lr=1.0, alpha=0.99, eps=1e-8)
        if t >= 1000:
            total += x - x_new  # signed: progress in the direction of the mean gradient
        x = x_new
    mean_step["centered" if centered else "plain"] = total.mean(axis=0) / 3000
for k in (4, 8, 12, 16):
    print(f"μ/σ = {snr[k]:7.2f}: mean step / η plain {mean_step['plain'][k]:.3f} "
          f"(theory {snr[k] / np.sqrt(snr[k] ** 2 + 1):.3f}), "
          f"centered {mean_step['centered'][k]:.3f} (theory {snr[k]:.3f})")

_, centered_rate, centered_arrival = walk(lambda x: RMSprop([x], lr=1.0, centered=True))
after_start = slice(20, centered_arrival[2] - 1)  # skip the oversized first steps
print(f"\nthe deterministic slope from 1000: after the first 20 steps centered RMSprop's step "
      f"grows to {centered_rate[after_start].max():.1f} η "
      f"(at t = {np.argmax(centered_rate[after_start]) + 21}) and it arrives after "
      f"{centered_arrival[2]} steps (plain: {rms_arrival[2]})")

from adamlib.functions import OBJECTIVES
from adamlib.run import sweep

grid = 10.0 ** np.arange(-3.0, 0.01, 0.5)
print("\ndeterministic gradients (σ = 0), best median f - f* over the grid after 300 steps:")
for name in ("quadratic", "rosenbrock", "beale", "himmelblau"):
    obj = OBJECTIVES[name]
    best = {}
    for centered in (False, True):
        losses = sweep(obj, RMSprop, grid, steps=300, centered=centered)[:, -1] - obj.min_value
        best[centered] = np.nanmin(losses)
    shown = {k: "< 1e-12" if b < 1e-12 else f"{b:.2e}" for k, b in best.items()}  # noise
    print(f"  {name:<11} plain {shown[False]:>8}   centered {shown[True]:>8}")

# %%
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.plot(snr, mean_step["plain"], "o", color="C0", ms=4, label="plain RMSprop (measured)")
ax.plot(snr, snr / np.sqrt(snr**2 + 1), "-", color="C0", lw=1,
        label=r"$\mu/\sqrt{\mu^2+\sigma^2}$")
ax.plot(snr, mean_step["centered"], "s", color="C3", ms=4, label="centered (measured)")
ax.plot(snr, snr, "-", color="C3", lw=1, label=r"$\mu/\sigma$")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(r"signal-to-noise ratio $\mu/\sigma$ of the gradient")
ax.set_ylabel(r"mean step along the mean gradient, $/\eta$")
ax.set_title("Centered RMSprop divides by the noise, not by the RMS")
ax.legend()
plt.show()

# %% [markdown]
# Both variants take tiny steps when the gradient is mostly noise ($\mu/\sigma \ll 1$): there is
# nothing reliable to follow. When it is consistent, plain RMSprop caps the step at $\eta$ while
# the centered one keeps accelerating. With *deterministic* gradients, $v_t - \bar g_t^2$ no
# longer measures noise, only how fast the gradient changes: on the constant slope it shrinks
# like $\alpha^t$ and the step grows several-fold (printed above) — here it happens to help, but
# nothing bounds it except $\epsilon$. On the four test objectives, each variant at its best
# learning rate ends in much the same place (the last printout): centering is not a cure for
# anything deterministic. It was proposed for noisy minibatch training (Graves used it for
# recurrent networks); PyTorch and Keras offer it as `centered=True`, off by default.
#
# ## Summary
#
# * RMSprop $=$ Adagrad with the sum of squared gradients replaced by an exponential moving
#   average: $v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$,
#   $x_t = x_{t-1} - \eta\, g_t/(\sqrt{v_t} + \epsilon)$.
# * The EMA averages over about $1/(1-\alpha)$ steps, so the effective rate follows the
#   *recent* gradient scale and no longer vanishes: about $\eta$ per step on a steady slope.
# * $\alpha$ trades reaction time (short windows) against a noisy denominator (relative spread
#   $\sqrt{2(1-\alpha)/(1+\alpha)}$ for Gaussian gradients).
# * PyTorch adds $\epsilon = 10^{-8}$ after the root, Keras $10^{-7}$ inside it; they differ for
#   gradients below about $10^{-3}$.
# * Centered RMSprop divides by the gradient's standard deviation: larger steps for consistent
#   gradients.
# * Still missing: momentum, and a correction for $v_0 = 0$ — both in Adam, lecture 06.
#
# **Now try [the exercises](../exercises/05_rmsprop.ipynb)** (`exercises/05_rmsprop.ipynb`):
# implement `rmsprop_step` and centered RMSprop, each checked with mistake-specific feedback.
#
# **Next:** [lecture 06 — Adam](06_adam.ipynb) adds momentum and the bias correction.
