# %% [markdown]
# # 09 — Claims about adaptive methods, tested
#
# Every optimizer in this course came with a story: Adagrad "handles sparse features", Adam
# "works out of the box", adaptive methods "converge faster but generalise worse". Some of these
# are theorems under assumptions, some are observations from particular experiments, and some
# are folklore. This lecture takes six common claims, turns each into an experiment we can run
# in seconds, and lets the measured numbers decide. Every verdict below is computed from the
# numbers the notebook prints — if you change a setting and re-run, the verdicts follow.
#
# **Learning goals.** After this lecture you can
#
# 1. design a *fair* comparison of optimizers: the same problems, budgets and starting points,
#    and every method with its own tuned learning rate;
# 2. measure speed (steps to a tolerance), sensitivity (the width of the good learning-rate
#    window) and out-of-the-box performance (default hyperparameters against tuned ones);
# 3. separate a real effect (sparse features, unequal scales) from its usual explanation with a
#    control experiment;
# 4. reproduce Wilson et al.'s construction on which adaptive methods find a solution that
#    generalises badly, and explain it through the minimum-norm solution;
# 5. state conclusions as narrowly as the evidence allows.
#
# | # | claim |
# |---|---|
# | 1 | Adaptive methods converge faster than SGD. |
# | 2 | Adaptive methods are less sensitive to the learning rate. |
# | 3 | Adam works out of the box with its default hyperparameters. |
# | 4 | Adaptive methods handle sparse gradients (rare features) well. |
# | 5 | Adaptive methods can overshoot or fail to converge. |
# | 6 | Adaptive methods generalise worse than SGD. |
#
# **Where the claims come from.** Claims 1, 3 and 4 go back to the papers that introduced the
# methods: Duchi, Hazan & Singer (2011, Adagrad) designed per-coordinate rates so that rare,
# informative features get larger steps; Kingma & Ba (2015, Adam) wrote that Adam suits "sparse
# gradients", that its hyperparameters "typically require little tuning", proposed the defaults
# $\eta = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, and found that it compared favourably
# with the other methods in their experiments. The pushback is as old: Wilson, Roelofs, Stern,
# Srebro & Recht (2017) found that the adaptive methods make faster *initial* progress, needed
# as much tuning as SGD and generalised worse (claims 1, 2, 3 and 6); Reddi, Kale & Kumar
# (2018) proved that Adam can fail to converge (claim 5); Choi et al. (2019) found that the
# rankings follow the tuning protocol. Each section below says which side our measurements
# support, and under which budget.

# %%
import math
import os

# The matrices here are small: one BLAS thread beats several that must synchronize. (This works
# when it runs before NumPy is first imported in the kernel, as in a fresh kernel.)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. The test bench
#
# **Methods** (lectures 01–06), each with PyTorch's defaults except the learning rate:
# SGD; SGD with heavy-ball momentum $\beta = 0.9$ ("Momentum"); Adagrad; RMSprop
# ($\alpha = 0.99$); Adam ($\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$).
#
# **Learning rates.** A fair comparison tunes each method. We run every method on a grid of 31
# learning rates from $10^{-7}$ to $10^{0.5}$ (four per decade). Looping over the grid with
# `adamlib.optim` would cost 31 separate runs, so we write the five update rules once more,
# *vectorised over learning rates*: parameters of shape `(n_lr, d)`, one row per learning rate,
# and `lr` of shape `(n_lr, 1)`. The next cells check that each row equals an `adamlib.optim`
# run with that row's learning rate.

# %%
def sgd_rule(x, g, state, lr, t):
    x -= lr * g


def momentum_rule(x, g, state, lr, t, beta=0.9):
    buf = state.setdefault("buf", np.zeros_like(x))
    buf *= beta
    buf += g
    x -= lr * buf


def adagrad_rule(x, g, state, lr, t, eps=1e-10):
    total = state.setdefault("sum", np.zeros_like(x))
    total += g * g
    x -= lr * g / (np.sqrt(total) + eps)


def rmsprop_rule(x, g, state, lr, t, alpha=0.99, eps=1e-8):
    sq = state.setdefault("sq", np.zeros_like(x))
    sq *= alpha
    sq += (1 - alpha) * g * g
    x -= lr * g / (np.sqrt(sq) + eps)


def adam_rule(x, g, state, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    m = state.setdefault("m", np.zeros_like(x))
    v = state.setdefault("v", np.zeros_like(x))
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    x -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)


RULES = {"SGD": sgd_rule, "Momentum": momentum_rule, "Adagrad": adagrad_rule,
         "RMSprop": rmsprop_rule, "Adam": adam_rule}
LRS = 10.0 ** np.arange(-7, 0.51, 0.25)
DIVERGED = 1e30


def run_grid(problem, rule, lrs=LRS, steps=1000):
    """Suboptimality f(x_t) - f* for every learning rate: array (steps + 1, n_lr).

    A run that blows up (non-finite or |x| > 1e30) is frozen and reported as inf."""
    x = np.tile(problem.x0, (len(lrs), 1)).astype(float)
    lr = np.asarray(lrs, dtype=float)[:, None]
    state = {}
    gaps = np.empty((steps + 1, len(lrs)))
    alive = np.ones(len(lrs), dtype=bool)
    everyone = True  # while no run has blown up, the bookkeeping below can be skipped
    with np.errstate(all="ignore"):
        for t in range(1, steps + 2):
            gap, g = problem.gap_and_grad(x)
            gaps[t - 1] = gap if everyone else np.where(alive, gap, np.inf)
            if t > steps:
                break
            if not everyone:
                g[~alive] = 0.0
            rule(x, g, state, lr, t)
            alive &= (np.abs(x) < DIVERGED).all(axis=1)  # False for inf and NaN as well
            everyone = everyone and bool(alive.all())
            if not everyone:
                x[~alive] = problem.x0
    return gaps


# %% [markdown]
# **Problems.** Four 2-D test functions from `adamlib.functions` and three problems on real
# data from `adamlib.data`:
#
# * a quadratic with condition number 100, **axis-aligned** (its Hessian is diagonal — the best
#   case for per-coordinate methods) and the same quadratic **rotated by 45°** (the worst case);
# * Rosenbrock's valley and Beale's function;
# * logistic regression on the breast-cancer data (30 features, L2 penalty $10^{-2}$), once with
#   **standardised** features and once with the **raw** features, whose scales range over
#   several orders of magnitude (a common mistake in practice);
# * least squares on the diabetes data (10 standardised features).
#
# For the data problems $f^*$ comes from Newton's method (logistic) or `np.linalg.lstsq`.
# All start from the objectives' standard start points or from $w = 0$, with full-batch
# gradients, for 1000 steps.

# %%
from dataclasses import dataclass

from adamlib import functions as F
from adamlib.data import load


@dataclass
class Problem:
    name: str
    gap_and_grad: object  # x (n, d) -> (f(x) - f* of shape (n,), gradient of shape (n, d))
    x0: np.ndarray

    def gap(self, x):
        return self.gap_and_grad(x)[0]

    def grad(self, x):
        return self.gap_and_grad(x)[1]


def objective_problem(name, objective):
    return Problem(name, lambda x: (objective.f(x) - objective.min_value, objective.grad(x)),
                   objective.start.copy())


def logistic_problem(name, standardize, lam=1e-2):
    ds = load("breast_cancer", seed=0, standardize=standardize)
    X = np.hstack([ds.X_train, np.ones((len(ds.X_train), 1))])
    y = ds.y_train.astype(float)
    n, d = X.shape

    def loss(w):
        z = w @ X.T
        return np.mean(np.logaddexp(0, z) - y * z, axis=-1) + 0.5 * lam * np.sum(w * w, -1)

    def sigmoid(z):
        with np.errstate(over="ignore"):  # exp(-z) = inf for very negative z gives 0: right
            return 1 / (1 + np.exp(-z))

    def grad(w):
        return (sigmoid(w @ X.T) - y) @ X / n + lam * w

    w = np.zeros(d)
    for _ in range(50):  # Newton's method for f*
        p = sigmoid(X @ w)
        H = (X.T * (p * (1 - p))) @ X / n + lam * np.eye(d)
        w = w - np.linalg.solve(H, grad(w))
    f_star = loss(w)

    def gap_and_grad(v):
        z = v @ X.T  # one matrix product for both
        value = np.mean(np.logaddexp(0, z) - y * z, axis=-1) + 0.5 * lam * np.sum(v * v, -1)
        return value - f_star, (sigmoid(z) - y) @ X / n + lam * v

    return Problem(name, gap_and_grad, np.zeros(d))


def least_squares_problem(name):
    ds = load("diabetes", seed=0)
    X = np.hstack([ds.X_train, np.ones((len(ds.X_train), 1))])
    y = ds.y_train
    n, d = X.shape
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]

    def loss(w):
        return 0.5 * np.mean((w @ X.T - y) ** 2, axis=-1)

    f_star = loss(w_star)

    def gap_and_grad(w):
        residual = w @ X.T - y
        return 0.5 * np.mean(residual**2, axis=-1) - f_star, residual @ X / n

    return Problem(name, gap_and_grad, np.zeros(d))


PROBLEMS = [
    objective_problem("quadratic κ=100, axis-aligned", F.quadratic(100.0)),
    objective_problem("quadratic κ=100, rotated 45°", F.quadratic(100.0, np.pi / 4)),
    objective_problem("Rosenbrock", F.rosenbrock),
    objective_problem("Beale", F.beale),
    logistic_problem("breast cancer, standardised", standardize=True),
    logistic_problem("breast cancer, raw features", standardize=False),
    least_squares_problem("diabetes least squares"),
]
for p in PROBLEMS:
    print(f"{p.name:30s} dimension {len(p.x0):2d}, initial gap f(x0) - f* = "
          f"{float(p.gap(p.x0[None])[0]):.4g}")

# %%
from adamlib.optim import SGD, Adagrad, Adam, RMSprop

LIBRARY = {"SGD": (SGD, {}), "Momentum": (SGD, dict(momentum=0.9)), "Adagrad": (Adagrad, {}),
           "RMSprop": (RMSprop, {}), "Adam": (Adam, {})}
check = PROBLEMS[2]  # Rosenbrock
compared = 0
for name, rule in RULES.items():
    gaps = run_grid(check, rule, steps=100)
    for k in (12, 16, 20, 26):  # learning rates 1e-4, 1e-3, 1e-2, 10**-0.5
        if not np.isfinite(gaps[:, k]).all():
            continue  # this learning rate diverges: nothing to compare
        compared += 1
        cls, kw = LIBRARY[name]
        x = check.x0.copy()
        opt = cls([x], lr=float(LRS[k]), **kw)
        for t in range(1, 101):
            opt.step([check.grad(x)])
            np.testing.assert_allclose(check.gap(x[None])[0], gaps[t, k], rtol=1e-9, atol=1e-12)
print(f"vectorised rules == adamlib.optim for 100 steps on Rosenbrock ({compared} runs with "
      "learning rates from 1e-4 to 0.316 that do not diverge)")

# %% [markdown]
# Now the whole bench: 7 problems × 5 methods × 31 learning rates × 1000 steps.

# %%
STEPS = 1000
results = {(p.name, m): run_grid(p, rule, steps=STEPS) for p in PROBLEMS
           for m, rule in RULES.items()}
print(f"{len(results) * len(LRS)} runs of {STEPS} steps")

# %% [markdown]
# Before measuring anything, one picture of why the claims need care: the same two methods,
# each with its best learning rate, on two problems.

# %%
REL_TOL = 1e-6


def steps_to_tolerance(gaps, tol):
    """First step with gap <= tol for each column (np.inf where never)."""
    hit = gaps <= tol
    return np.where(hit.any(axis=0), hit.argmax(axis=0), np.inf)


def best_curve(problem_name, method):
    """The curve of the learning rate that first reaches the relative tolerance 1e-6
    (or, if none does, that ends lowest)."""
    gaps = results[problem_name, method]
    steps = steps_to_tolerance(gaps, REL_TOL * gaps[0, 0])
    k = int(np.lexsort((gaps[-1], steps))[0])
    return gaps[:, k], LRS[k]


fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, pname in zip(axes, ["quadratic κ=100, axis-aligned", "breast cancer, standardised"]):
    for m in ("SGD", "Momentum", "Adam"):
        curve, lr = best_curve(pname, m)
        ax.plot(np.maximum(curve, 1e-300), label=f"{m}, best η = {lr:.2g}")
    ax.set_yscale("log")
    ax.set_ylim(1e-17, 1e3)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("$f(x_t) - f^*$")
    ax.set_title(pname)
    ax.legend(fontsize="small")
plt.tight_layout()
plt.show()

# %% [markdown]
# On the axis-aligned quadratic Adam is far ahead of SGD; on standardised logistic regression it
# is not (the curves above; the step counts are in the next table and asserted after it).
# "Faster" needs a "where". Two notes on the picture: on the quadratic the Momentum and Adam
# curves lie almost on top of each other, and on the logistic problem every curve ends in a
# flat band near $10^{-16}$, which is rounding noise in $f$ (about $10^{-16}$ relative to
# $f \approx 0.1$), not progress.
#
# ## 2. Claim 1 — adaptive methods converge faster than SGD
#
# **Measure.** For each problem and method: the number of steps until
# $f(x_t) - f^* \le 10^{-6}\,(f(x_0) - f^*)$, minimised over the learning-rate grid (so every
# method gets its best learning rate), within the budget of 1000 steps.
#
# **Verdict rule.** Adam is *faster* on a problem if it needs at least 25% fewer steps than the
# competitor (or reaches the tolerance when the competitor does not), *slower* in the mirror
# case, and *similar* otherwise. When neither reaches the tolerance, the better final gap wins
# if it is at least 2 times smaller. We compare Adam with plain SGD and with SGD + momentum — the
# baseline practitioners actually use.

# %%
NAMES = [p.name for p in PROBLEMS]
METHODS = list(RULES)


speed, best_final = {}, {}
for p in PROBLEMS:
    for m in METHODS:
        gaps = results[p.name, m]
        speed[p.name, m] = steps_to_tolerance(gaps, REL_TOL * gaps[0, 0]).min()
        best_final[p.name, m] = gaps[-1].min()


def compare(problem, a, b):
    """'faster' / 'slower' / 'similar': method a against method b on a problem."""
    sa, sb = speed[problem, a], speed[problem, b]
    if sa == sb == np.inf:  # neither reaches the tolerance: compare the final gaps
        fa, fb = best_final[problem, a], best_final[problem, b]
        return "faster" if fa <= fb / 2 else "slower" if fb <= fa / 2 else "similar"
    if sb == np.inf or sa <= 0.75 * sb:
        return "faster"
    if sa == np.inf or sb <= 0.75 * sa:
        return "slower"
    return "similar"


def fmt_steps(s):
    return "never" if s == np.inf else f"{int(s)}"


print(f"steps to reach a relative gap of {REL_TOL:g} (best learning rate each; budget {STEPS})")
print(f"{'problem':31s}" + "".join(f"{m:>10s}" for m in METHODS) + "   Adam vs SGD / vs Momentum")
for name in NAMES:
    row = "".join(f"{fmt_steps(speed[name, m]):>10s}" for m in METHODS)
    print(f"{name:31s}{row}   {compare(name, 'Adam', 'SGD'):>8s} / "
          f"{compare(name, 'Adam', 'Momentum')}")
print("final gap of the best learning rate where no method reaches the tolerance:")
for name in NAMES:
    if all(speed[name, m] == np.inf for m in METHODS):
        print(f"  {name}: " + ", ".join(f"{m} {best_final[name, m]:.1e}" for m in METHODS))

vs_sgd = [compare(n, "Adam", "SGD") for n in NAMES]
vs_mom = [compare(n, "Adam", "Momentum") for n in NAMES]

# %%
import textwrap

fig, ax = plt.subplots(figsize=(11, 4.4))
width = 0.16
budget_bar = 1.5 * STEPS
for i, m in enumerate(METHODS):
    vals = [speed[n, m] if speed[n, m] < np.inf else budget_bar for n in NAMES]
    bars = ax.bar(np.arange(len(NAMES)) + (i - 2) * width, vals, width, label=m)
    for bar, n in zip(bars, NAMES):
        if speed[n, m] == np.inf:
            bar.set_hatch("//")
            bar.set_alpha(0.4)
ax.axhline(STEPS, color="k", ls=":", lw=1, label=f"budget ({STEPS} steps); hatched = never")
ax.set_yscale("log")
ax.set_xticks(np.arange(len(NAMES)))
ax.set_xticklabels([textwrap.fill(n, 16) for n in NAMES], fontsize="small")
ax.set_xlabel("problem")
ax.set_ylabel("steps to relative gap $10^{-6}$")
ax.set_ylim(3, 3e4)
ax.set_title("Claim 1: steps to tolerance, each method at its best learning rate")
ax.legend(fontsize="small", ncol=3, loc="upper left")
plt.show()

# %%
def count(labels, value):
    return sum(label == value for label in labels)


def where(labels, value):
    chosen = [n for n, label in zip(NAMES, labels) if label == value]
    return "; ".join(chosen) if chosen else "none"


verdicts = []
n_prob = len(NAMES)
claim1 = (
    f"Against plain SGD: Adam faster on {count(vs_sgd, 'faster')}/{n_prob} problems "
    f"({where(vs_sgd, 'faster')}), slower on {count(vs_sgd, 'slower')}. Against SGD + "
    f"momentum: faster on {count(vs_mom, 'faster')}/{n_prob} ({where(vs_mom, 'faster')}), "
    f"slower on {count(vs_mom, 'slower')} ({where(vs_mom, 'slower')}), similar on "
    f"{count(vs_mom, 'similar')}."
)
if count(vs_sgd, "faster") > n_prob / 2:
    short1 = (f"supported against plain SGD (Adam faster on {count(vs_sgd, 'faster')}/{n_prob}, "
              f"slower on {count(vs_sgd, 'slower')})")
else:
    short1 = (f"not supported against plain SGD (Adam faster on only "
              f"{count(vs_sgd, 'faster')}/{n_prob})")
if count(vs_mom, "faster") >= 2 * n_prob / 3 and count(vs_mom, "slower") == 0:
    short1 += "; also against tuned momentum"
elif count(vs_mom, "slower") >= count(vs_mom, "faster"):
    short1 += (f"; not against tuned momentum (faster on {count(vs_mom, 'faster')}, slower on "
               f"{count(vs_mom, 'slower')}: {where(vs_mom, 'slower')})")
else:
    short1 += (f"; mixed against tuned momentum (faster on {count(vs_mom, 'faster')}, slower on "
               f"{count(vs_mom, 'slower')}: {where(vs_mom, 'slower')})")
verdicts.append(("1. faster than SGD", claim1, short1))
print(claim1)
print("Verdict:", short1)

# %%
axis, rotated = NAMES[0], NAMES[1]
print("purely diagonal methods vs SGD: axis-aligned quadratic Adagrad "
      f"{fmt_steps(speed[axis, 'Adagrad'])}, RMSprop {fmt_steps(speed[axis, 'RMSprop'])}, SGD "
      f"{fmt_steps(speed[axis, 'SGD'])} steps; rotated quadratic Adagrad "
      f"{fmt_steps(speed[rotated, 'Adagrad'])}, SGD {fmt_steps(speed[rotated, 'SGD'])} steps")
# the text below relies on these measured facts
assert max(speed[axis, "Adagrad"], speed[axis, "RMSprop"]) < speed[axis, "SGD"] / 10
assert speed[rotated, "Adagrad"] > speed[rotated, "SGD"]
assert count(vs_mom, "slower") >= 1 and count(vs_sgd, "faster") >= n_prob - 1
# the figure before this section: far ahead (> 3x fewer steps) on one problem, not on the other
assert speed[axis, "SGD"] > 3 * speed[axis, "Adam"]
assert compare("breast cancer, standardised", "Adam", "SGD") == "similar"

# %% [markdown]
# The per-problem table is the real result. The purely diagonal methods (Adagrad, RMSprop) win
# by more than a factor of 10 where the difficulty lies along the coordinate axes — the
# axis-aligned quadratic — which is exactly what a diagonal preconditioner fixes (lecture 04);
# on the rotated quadratic Adagrad is slower than plain SGD (numbers above). Adam, which adds
# momentum, wins against SGD almost everywhere, but a tuned heavy ball is a strong competitor
# and is faster than Adam on some problems.
#
# **Does the verdict survive a longer run?** A problem where a method "never" reaches the
# tolerance might only be a matter of budget. A check ten times longer (10,000 steps, the same
# grid, run offline) changes no label in the table: plain SGD then reaches the tolerance on
# Rosenbrock in 6,220 steps and on the diabetes problem in 1,551 (Adam: 445 and 185), and on
# the raw breast-cancer features still no method reaches it, Adam ending with a gap of
# $8 \times 10^{-6}$ against $5 \times 10^{-2}$ for SGD and $2 \times 10^{-2}$ for momentum. Where
# Adam is faster it is faster at either budget.
#
# ## 3. Claim 2 — adaptive methods are less sensitive to the learning rate
#
# **Measure.** The *good window* of a method: the set of grid learning rates whose gap is below
# the relative tolerance $10^{-6}$ over **all of the last 100 steps** of the 1000; its width in
# decades (number of good grid points × 0.25). A wider window means the learning rate needs less
# tuning. Why "the last 100 steps" and not just the last one: at some large learning rates a run
# hovers near the minimum in bursts (Adam at η = 1.8 on the diabetes problem dips below the
# tolerance and rises more than $10^3$ times above it within the last 100 steps; claim 5 explains such
# bursts). Whether the very last step falls below the tolerance is then luck — a different
# rounding (another NumPy release) changes it — and such a run has not converged anyway.

# %%
LAST = 100


def window_decades(gaps, tol):
    good = (gaps[-LAST:] <= tol).all(axis=0)  # inf (diverged) is never <= tol
    return 0.25 * int(good.sum())


diabetes_adam = results["diabetes least squares", "Adam"]
k18 = int(np.argmin(np.abs(LRS - 10**0.25)))  # η = 1.78
tail_ratio = diabetes_adam[-LAST:, k18] / (REL_TOL * diabetes_adam[0, 0])
print(f"Adam, η = {LRS[k18]:.2f}, diabetes, last {LAST} steps: gap / tolerance "
      f"{'< 1' if tail_ratio.min() < 1 else '>= 1'} at its lowest, "
      f"{'> 1e3' if tail_ratio.max() > 1e3 else f'{tail_ratio.max():.1f}'} at its highest")
assert tail_ratio.min() < 1 and tail_ratio.max() > 1e3  # the text above relies on this


window = {(n, m): window_decades(results[n, m], REL_TOL * results[n, m][0, 0])
          for n in NAMES for m in METHODS}

# %% tags=["nbval-ignore-output"]
# A run at the edge of a window can burst (its gap rising and falling by orders of magnitude
# over the last 100 steps); whether it stays below the tolerance is then decided by the last
# bits of the arithmetic, so one width can move by a grid step (0.25) with other CPU kernels.
# The counts and medians the verdict reads (printed below the figure) did not move in eight
# such runs.
print("this machine's run: width of the good learning-rate window, in decades")
print(f"{'problem':31s}" + "".join(f"{m:>10s}" for m in METHODS))
for n in NAMES:
    print(f"{n:31s}" + "".join(f"{window[n, m]:>10.2f}" for m in METHODS))

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
for ax, n in zip(axes, ["quadratic κ=100, rotated 45°", "Beale", "breast cancer, raw features"]):
    for m in METHODS:
        worst = results[n, m][-LAST:].max(axis=0)  # diverged runs (inf) are left out
        ax.plot(LRS, np.where(np.isfinite(worst), np.maximum(worst, 1e-20), np.nan), ".-",
                label=m)
    ax.axhline(REL_TOL * results[n, "SGD"][0, 0], color="k", ls=":", lw=1,
               label="tolerance")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-20, 1e4)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel(f"largest $f - f^*$ over steps {STEPS - LAST}–{STEPS}")
    ax.set_title(n)
axes[0].legend(fontsize="small")
plt.tight_layout()
plt.show()

# %%
wider_sgd = [n for n in NAMES if window[n, "Adam"] > window[n, "SGD"]]
wider_mom = [n for n in NAMES if window[n, "Adam"] > window[n, "Momentum"]]
narrower_mom = [n for n in NAMES if window[n, "Adam"] < window[n, "Momentum"]]
adam_median = float(np.median([window[n, "Adam"] for n in NAMES]))
sgd_median = float(np.median([window[n, "SGD"] for n in NAMES]))
mom_median = float(np.median([window[n, "Momentum"] for n in NAMES]))

claim2 = (
    f"Adam's window is wider than SGD's on {len(wider_sgd)}/{n_prob} problems and wider than "
    f"momentum's on {len(wider_mom)}/{n_prob} (narrower on {len(narrower_mom)}). Median width: "
    f"Adam {adam_median:.2f}, SGD {sgd_median:.2f}, momentum {mom_median:.2f} decades."
)
print(claim2)
assert len(wider_sgd) > n_prob / 2 and len(wider_mom) > n_prob / 2  # the text below says so
for m in ("SGD", "Adam"):
    # the fastest learning rate to the tolerance (the smallest one on ties), where one gets there
    best_lrs = [LRS[int(np.argmin(steps_to_tolerance(results[n, m],
                                                     REL_TOL * results[n, m][0, 0])))]
                for n in NAMES if speed[n, m] < np.inf]
    diverged = sum(int(np.isinf(results[n, m][-1]).sum()) for n in NAMES)
    print(f"{m}: fastest learning rate per problem from {min(best_lrs):.2g} to "
          f"{max(best_lrs):.2g} (on the {len(best_lrs)} problems it solves); {diverged} of "
          f"{len(NAMES) * len(LRS)} runs diverged")
    # the text below relies on these
    if m == "Adam":
        assert diverged == 0 and max(best_lrs) / min(best_lrs) > 10
    else:
        assert diverged > 0 and max(best_lrs) / min(best_lrs) > 100

# %% [markdown]
# At 1,000 steps Adam's window is wider than SGD's and than momentum's on most problems (the
# counts above; in the figure a line that stops has diverged at the larger learning rates, and
# points drawn at $10^{-20}$ are exact zeros). Two caveats, both measured in the last two
# lines. The *location* of the window moves from problem to problem, by more than a factor of
# 10 for Adam and of 100 for SGD — "less sensitive" does not mean "no tuning". And for
# gradient descent the window's upper edge is a hard wall (divergence,
# $\eta\lambda_{\max} < 2$), while no Adam run diverges: its steps are of order $\eta$
# (lecture 06), so a too-large η leaves it hovering near the minimum instead of diverging.
# *Hovering* is the catch, as the next check shows.
#
# ### Does the window survive a run ten times longer?
#
# A window read at step 1,000 lists the runs that *look* converged at step 1,000. Claim 5
# (section 6) shows that Adam with a constant η can look converged and burst back later. So we
# continue the grid to 10,000 steps on the two cheapest problems of the bench, the
# axis-aligned quadratic and the diabetes problem, for SGD, momentum and Adam, and read the
# window the same way over the same last tenth of the run: the gap must stay below the
# tolerance over all of steps 9,000–10,000.

# %%
LONG_BENCH = 10 * STEPS
LONG_NAMES = ["quadratic κ=100, axis-aligned", "diabetes least squares"]
long_results, long_window, kept = {}, {}, {}
for n in LONG_NAMES:
    problem = PROBLEMS[NAMES.index(n)]
    for m in ("SGD", "Momentum", "Adam"):
        gaps = run_grid(problem, RULES[m], steps=LONG_BENCH)
        np.testing.assert_array_equal(gaps[:STEPS + 1], results[n, m])  # the same runs, continued
        tol = REL_TOL * gaps[0, 0]
        good_short = (results[n, m][-LAST:] <= tol).all(axis=0)
        good_long = (gaps[-LONG_BENCH // 10:] <= tol).all(axis=0)
        long_results[n, m], long_window[n, m] = gaps, 0.25 * int(good_long.sum())
        kept[n, m] = (int((good_short & good_long).sum()), int(good_short.sum()))
print(f"width of the good window in decades: at {STEPS:,} steps (last {LAST}) -> at "
      f"{LONG_BENCH:,} steps (last {LONG_BENCH // 10:,}); learning rates of the first window "
      "still in the second")
for n in LONG_NAMES:
    print(f"  {n}: " + ";  ".join(f"{m} {window[n, m]:.2f} -> {long_window[n, m]:.2f} "
                                  f"({kept[n, m][0]} of {kept[n, m][1]} kept)"
                                  for m in ("SGD", "Momentum", "Adam")))
adam_burst = {}  # for Adam's learning rates of the 1,000-step window: largest gap / tolerance after
for n in LONG_NAMES:
    gaps = long_results[n, "Adam"]
    good_short = (results[n, "Adam"][-LAST:] <= REL_TOL * gaps[0, 0]).all(axis=0)
    adam_burst[n] = (gaps[STEPS:, good_short] / (REL_TOL * gaps[0, 0])).max(axis=0)
    print(f"  Adam, {n}: of the {int(good_short.sum())} learning rates of its {STEPS:,}-step "
          f"window ({LRS[good_short].min():.2g} to {LRS[good_short].max():.2g}), "
          f"{int((adam_burst[n] > 1).sum())} rise above the tolerance after step {STEPS:,}, the "
          f"largest by a factor {'> 1e3' if adam_burst[n].max() > 1e3 else 'below 1e3'}")
# the text below relies on these
for n in LONG_NAMES:
    assert long_window[n, "Adam"] < window[n, "Adam"]  # Adam's window shrinks ...
    assert all(long_window[n, m] > window[n, m] for m in ("SGD", "Momentum"))  # ... theirs grow
    assert long_window[n, "Momentum"] > long_window[n, "Adam"] >= long_window[n, "SGD"]
    assert adam_burst[n].max() > 1e3
    # theirs grow by one decade (four grid points), at the small-η end
    for m in ("SGD", "Momentum"):
        assert long_window[n, m] - window[n, m] == 1.0
        assert kept[n, m][0] == kept[n, m][1]
assert kept["diabetes least squares", "Adam"][0] == 0  # not one learning rate kept

# %%
FLOOR = 1e-16  # the diabetes gap is rounding noise below about 1e-17 of its start
fig, axes = plt.subplots(1, 2, figsize=(13, 4.6), sharey=True)
steps_axis = np.arange(LONG_BENCH + 1)
for ax, n in zip(axes, LONG_NAMES):
    gaps = long_results[n, "Adam"]
    for lr_shown, color in zip((10**-1.5, 10**-0.75, 1.0), ("C2", "C4", "C3")):
        k = int(np.argmin(np.abs(np.log10(LRS) - math.log10(lr_shown))))
        ax.plot(steps_axis, np.maximum(gaps[:, k] / gaps[0, 0], FLOOR), lw=0.7, color=color,
                label=f"Adam, η = {LRS[k]:.2g}")
    ax.axhline(REL_TOL, color="k", ls=":", lw=1, label="tolerance $10^{-6}$")
    ax.axvline(STEPS, color="0.5", ls="--", lw=1, label=f"step {STEPS:,}: window read")
    ax.set_yscale("log")
    ax.set_ylim(FLOOR / 3, 10)
    ax.set_xlabel("step $t$")
    ax.set_title(f"{n}: Adam's 1,000-step window, continued", fontsize="medium")
axes[0].set_ylabel("relative gap $(f - f^*)/(f(x_0) - f^*)$\n(drawn at $10^{-16}$ when smaller)")
fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=5, fontsize="small")
plt.tight_layout(rect=(0, 0.07, 1, 1))
plt.show()

# %%
long_adam_lost = [n for n in LONG_NAMES if long_window[n, "Adam"] < window[n, "Adam"]]
long_mom_ahead = [n for n in LONG_NAMES if long_window[n, "Momentum"] > long_window[n, "Adam"]]
claim2 += (
    f" Ten times longer ({LONG_BENCH:,} steps, window over the last {LONG_BENCH // 10:,}): "
    + "; ".join(f"{n} Adam {window[n, 'Adam']:.2f} -> {long_window[n, 'Adam']:.2f}, momentum "
                f"{window[n, 'Momentum']:.2f} -> {long_window[n, 'Momentum']:.2f}, SGD "
                f"{window[n, 'SGD']:.2f} -> {long_window[n, 'SGD']:.2f}" for n in LONG_NAMES) + "."
)
if len(wider_sgd) > n_prob / 2 and len(wider_mom) > n_prob / 2:
    short2 = (f"supported at {STEPS:,} steps (Adam's window wider than SGD's on "
              f"{len(wider_sgd)}/{n_prob}, than momentum's on {len(wider_mom)}/{n_prob})")
elif len(wider_sgd) > n_prob / 2:
    short2 = f"supported against SGD at {STEPS:,} steps, not clearly against momentum"
else:
    short2 = f"not supported at {STEPS:,} steps"
if long_adam_lost == LONG_NAMES and long_mom_ahead == LONG_NAMES:
    short2 += ("; not robust: in runs ten times longer Adam's large-η runs burst back above the "
               "tolerance and its window shrinks, while momentum's widens past it (both problems "
               "checked; offline, all seven: momentum's wider on 5)")
elif long_adam_lost:
    short2 += (f"; Adam's window shrinks in runs ten times longer "
               f"({', '.join(long_adam_lost)})")
verdicts.append(("2. less sensitive to η", claim2, short2))
print("Verdict:", short2)

# %% [markdown]
# The window at 1,000 steps was partly an artefact of the budget. Adam's largest learning
# rates had not converged: they hover at the edge of stability and burst back above the
# tolerance (the figure; the mechanism is claim 5's), so a longer run removes them from the
# window — on the diabetes problem *every* learning rate of the 1,000-step window, and the
# window that remains lies at smaller learning rates. SGD's and momentum's windows grow
# instead, at their small end: a linearly converging method with ten times the steps reaches
# the tolerance with a learning rate about ten times smaller. The same check on all seven
# problems (run offline) gives, at 10,000 steps, median widths of 1.75 decades for Adam, 1.5
# for SGD and 2.5 for momentum; Adam's window is wider than SGD's on 3 problems and never
# narrower, but wider than momentum's on 1 and narrower on 5. "Less sensitive to η" thus
# holds against plain SGD, narrowly, and not against tuned momentum; and a learning rate
# chosen from a short tuning run can be one at which a constant-η Adam does not converge.

# %% [markdown]
# ### 3b. Claims 1 and 2 on a network
#
# The bench asks for a high-precision target (the gap down to $10^{-6}$ of its start) on
# deterministic problems. A network is trained to a useful loss, not to the last digit, and
# under minibatch noise. So we test the same two claims on the MLP of lecture 07 (64–32–10 on
# the digits data, minibatches of 32, 15 epochs, 5 initialisations), with every method over a
# grid of 8 learning rates half a decade apart, and lecture 07's target:
#
# * **speed**: the number of epochs until the *median* validation loss over the 5 seeds is at
#   most 0.12, at the fastest learning rate of the grid (with the range over the seeds there);
# * **window**: the grid learning rates whose median validation loss reaches 0.12 within 15
#   epochs, as a width in decades (0.5 per grid point).
#
# The verdict rules are the bench's: *faster* with at least 25% fewer epochs, *wider* with a
# larger window. Because every seed gives both methods the same initial weights and
# minibatches, we also compare seed by seed — a paired comparison — and count the seeds on
# which Adam is faster or slower by the same rule, with an exact sign test on the counts. All
# learning rates and seeds of a method train at once: the `replicas` of
# `adamlib.nn.MLP` stack the networks along a leading axis, and our vectorised rules take one
# learning rate per replica. All networks see the same minibatches.

# %%
from adamlib.data import minibatches
from adamlib.nn import MLP

digits = load("digits", seed=0)
NET_LRS = 10.0 ** np.arange(-3.5, 0.01, 0.5)
NET_SEEDS = 5
NET_EPOCHS, NET_TARGET = 15, 0.12


def train_networks(rule, lrs, epochs, batch=32, after_epoch=None):
    """Train len(lrs) × NET_SEEDS networks at once and return the stack: replica r has learning
    rate lrs[r // NET_SEEDS] and initial weights of seed r % NET_SEEDS; all see the same
    minibatches. ``after_epoch(epoch, model)`` is called after every epoch."""
    R = len(lrs) * NET_SEEDS
    replica_lr = np.repeat(lrs, NET_SEEDS)
    model = MLP([64, 32, 10], seed=[r % NET_SEEDS for r in range(R)])
    states = [{} for _ in model.params]
    rng = np.random.default_rng(0)
    t = 0
    for epoch in range(1, epochs + 1):
        for idx in minibatches(len(digits.X_train), batch, rng):
            t += 1
            model.loss_and_grad(digits.X_train[idx], digits.y_train[idx])
            for p, g, s in zip(model.params, model.grads, states):
                rule(p, g, s, replica_lr.reshape((R,) + (1,) * (p.ndim - 1)), t)
        if after_epoch is not None:
            after_epoch(epoch, model)
    return model


def accuracy(model, X, y):
    """Accuracy of every network of a stack: shape (n_lr, NET_SEEDS)."""
    return (model.forward(X).argmax(axis=-1) == y).mean(axis=-1).reshape(-1, NET_SEEDS)


net_val_loss, net_acc10 = {}, {}  # (epochs, n_lr, seeds) and (n_lr, seeds)
for m, rule in RULES.items():
    history = []

    def after_epoch(epoch, model, m=m, history=history):
        history.append(model.loss(digits.X_val, digits.y_val).reshape(-1, NET_SEEDS))
        if epoch == 10:  # claim 3 reads the accuracy after 10 epochs
            net_acc10[m] = accuracy(model, digits.X_val, digits.y_val)

    train_networks(rule, NET_LRS, NET_EPOCHS, after_epoch=after_epoch)
    net_val_loss[m] = np.array(history)


def epochs_to_target(loss):
    """First epoch (1-based) at which loss <= NET_TARGET, along axis 0; inf if never."""
    reached = loss <= NET_TARGET  # NaN (a diverged network) never reaches it
    return np.where(reached.any(axis=0), reached.argmax(axis=0) + 1.0, np.inf)


NET = "digits MLP"
net_reach, net_k, net_window = {}, {}, {}
print(f"digits MLP: epochs until the validation loss is <= {NET_TARGET}, median over "
      f"{NET_SEEDS} seeds at the fastest learning rate [range over the seeds there], and the "
      f"window of learning rates whose median loss reaches it within {NET_EPOCHS} epochs")
for m in METHODS:
    reach = epochs_to_target(net_val_loss[m])  # (n_lr, seeds)
    median_reach = np.median(reach, axis=1)
    k = int(np.argmin(median_reach))
    net_reach[m], net_k[m] = reach[k], k
    good = np.isfinite(epochs_to_target(np.median(net_val_loss[m], axis=2)))
    net_window[m] = 0.5 * int(good.sum())
    # the network joins the bench's table, so that compare() applies the same rule
    speed[NET, m] = median_reach[k]
    best_final[NET, m] = np.median(net_val_loss[m][-1], axis=1).min()
    print(f"  {m:9s} {fmt_steps(median_reach[k]):>2s} epochs [{fmt_steps(reach[k].min())}–"
          f"{fmt_steps(reach[k].max())}] at η = {NET_LRS[k]:.2g};  window "
          f"{net_window[m]:.1f} decades (η = {', '.join(f'{lr:.2g}' for lr in NET_LRS[good])})")

# paired by seed: the same initial weights and minibatches, each method at its chosen η


def sign_test_p(b, c):
    """Exact two-sided sign test: b pairs favour one side, c the other (ties left out)."""
    n, k = b + c, min(b, c)
    return 1.0 if n == 0 else min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)


net_vs, paired, sign_p = {}, {}, {}
for b in ("SGD", "Momentum"):
    a_, b_ = net_reach["Adam"], net_reach[b]
    net_vs[b] = compare(NET, "Adam", b)
    paired[b] = (int(np.sum(a_ <= 0.75 * b_)), int(np.sum(b_ <= 0.75 * a_)))
    sign_p[b] = sign_test_p(*paired[b])
    print(f"Adam vs {b}: {net_vs[b]} by the medians; seed by seed Adam is faster on "
          f"{paired[b][0]}, slower on {paired[b][1]} of {NET_SEEDS} (sign test p = "
          f"{sign_p[b]:.2f})")


def fmt_net(m):
    r = net_reach[m]
    return f"{m} {fmt_steps(speed[NET, m])} [{fmt_steps(r.min())}–{fmt_steps(r.max())}]"


claim1n = (
    f"Epochs to validation loss {NET_TARGET} (median of {NET_SEEDS} seeds at the fastest η "
    f"[range]): {fmt_net('Adam')}, {fmt_net('SGD')}, {fmt_net('Momentum')}. Seed by seed "
    f"(paired), Adam needs at least 25% fewer epochs on {paired['SGD'][0]}/{NET_SEEDS} seeds "
    f"against SGD and {paired['Momentum'][0]}/{NET_SEEDS} against momentum, more on "
    f"{paired['SGD'][1]} and {paired['Momentum'][1]}."
)


def net_speed_label(b):
    """The network's speed verdict against one baseline, from the medians and the pairs."""
    faster, slower = paired[b]
    if net_vs[b] == "faster" and slower == 0 and sign_p[b] < 0.05:
        return "faster"
    if net_vs[b] == "faster" and slower == 0:
        return "faster by the medians only"
    if net_vs[b] == "slower" or slower > faster:
        return "slower"
    return "no clear difference"


labels1n = {b: net_speed_label(b) for b in ("SGD", "Momentum")}
if set(labels1n.values()) == {"faster"}:
    short1n = "supported on the network (significant against both baselines)"
elif set(labels1n.values()) <= {"faster", "faster by the medians only"}:
    short1n = (f"weakly supported on the network: faster by the medians, seed by seed on "
               f"{paired['SGD'][0]}/{NET_SEEDS} (SGD) and {paired['Momentum'][0]}/{NET_SEEDS} "
               f"(momentum) and never slower, but not significant with {NET_SEEDS} seeds (sign "
               f"test p = {sign_p['SGD']:.2f} and {sign_p['Momentum']:.2f})")
elif "slower" in labels1n.values():
    short1n = (f"not supported on the network (against SGD: {labels1n['SGD']}; against "
               f"momentum: {labels1n['Momentum']})")
else:
    short1n = (f"mixed on the network (against SGD: {labels1n['SGD']}; against momentum: "
               f"{labels1n['Momentum']})")
verdicts.append(("1. faster than SGD (digits MLP)", claim1n, short1n))

d_win = {b: net_window["Adam"] - net_window[b] for b in ("SGD", "Momentum")}
claim2n = (
    f"Learning rates whose median validation loss reaches {NET_TARGET} within {NET_EPOCHS} "
    f"epochs (grid step 0.5 decades): Adam {net_window['Adam']:.1f}, SGD "
    f"{net_window['SGD']:.1f}, momentum {net_window['Momentum']:.1f} decades."
)
if min(d_win.values()) >= 1.0:
    short2n = "supported on the network"
elif d_win["SGD"] == d_win["Momentum"] == 0.5:
    short2n = ("not resolved on the network: Adam's window is one grid point (half a decade, the "
               "grid's resolution) wider than SGD's and momentum's")
elif min(d_win.values()) > 0:
    short2n = (f"not resolved on the network: Adam's window is {d_win['SGD']:.1f} and "
               f"{d_win['Momentum']:.1f} decades wider than SGD's and momentum's (grid step 0.5)")
elif max(d_win.values()) <= 0:
    short2n = "not supported on the network (Adam's window is no wider)"
else:
    short2n = "mixed on the network (wider than one baseline's window, not the other's)"
verdicts.append(("2. less sensitive to η (digits MLP)", claim2n, short2n))
print(claim1n)
print("Verdict:", short1n)
print(claim2n)
print("Verdict:", short2n)
# the text below relies on these
assert set(labels1n.values()) == {"faster by the medians only"}
assert 0 < min(paired[b][0] for b in paired) and max(paired[b][0] for b in paired) < 4
assert d_win["SGD"] == d_win["Momentum"] == 0.5

# %% [markdown]
# **Other seeds, ten times the budget.** Five seeds are few, so the same experiment was run
# offline with two other sets of five initialisations and minibatch orders (seeds 5–9 and
# 10–14). Against SGD the picture holds: Adam's median is faster on both sets (6 against 8
# epochs each time, exactly at the 25% threshold), seed by seed on 4/5 and 3/5, never slower;
# over all 15 seeds Adam is faster on 9 and slower on none (sign test p = 0.004). Against
# momentum it does not: the medians are equal on both sets (6 and 6 epochs), Adam is faster
# on 1/5 and 2/5 seeds and never slower (over 15 seeds: 6 faster, none slower, p = 0.03). The
# windows are equal on both sets, 1.0 decades for Adam, SGD and momentum. And a window is a
# statement about a budget: with 150 epochs (ten times as long, offline) every window widens,
# to 2.5 decades for Adam and 2.0 for SGD and momentum for both seed sets checked, because
# slow small learning rates reach the target given time. So on this network Adam's window is
# zero or one grid point wider than the others', at the resolution of the grid.
#
# **Why lecture 07 answers "not supported" to both claims.** Lecture 07 trains a similar network
# and asks different questions (its section "What exactly this measures"): "faster" there is the
# lowest validation loss *reached within a budget* — a level, where every tuned optimizer ends
# up in about the same place — and its good range is the learning rates within 10% of the
# optimizer's *own* best loss, one or two grid points for every optimizer. Here, as on the
# bench, "faster" is the time to a fixed target and the window is the set of learning rates
# that reach the target. Lecture 07, measuring this way on its own finer grid, finds what we
# find: Adam's median faster than SGD's by this rule but only just, faster seed by seed on only
# some of its networks, and no slower than momentum.
#
# So the two lectures do not contradict each other once the measure is fixed: Adam reaches a
# *tight* target much faster on badly scaled deterministic problems (the bench), reaches a
# *loose* target on the network a few epochs sooner than SGD and about when tuned momentum
# does, and does not end up *better*.

# %% [markdown]
# ## 4. Claim 3 — Adam works out of the box with its defaults
#
# **Measure, part 1.** On the same bench, each method at PyTorch's *default* learning rate
# (SGD and momentum $10^{-3}$, Adagrad and RMSprop $10^{-2}$, Adam $10^{-3}$ — all grid
# points), 1000 steps: the fraction of the initial gap that is left, against the best on the
# grid.

# %%
DEFAULT_LR = {"SGD": 1e-3, "Momentum": 1e-3, "Adagrad": 1e-2, "RMSprop": 1e-2, "Adam": 1e-3}
default_left, tuned_left = {}, {}
for n in NAMES:
    for m in METHODS:
        gaps = results[n, m]
        k = int(np.argmin(np.abs(np.log10(LRS) - math.log10(DEFAULT_LR[m]))))
        assert math.isclose(LRS[k], DEFAULT_LR[m], rel_tol=1e-12)
        default_left[n, m] = gaps[-1, k] / gaps[0, 0]
        tuned_left[n, m] = np.min(gaps[-1]) / gaps[0, 0]


def fmt_left(v):
    """Values below 1e-12 are rounding noise for the data problems: show them as a bound. Runs
    that end above their start oscillate chaotically (their digits change with the rounding):
    show them as a bound too; the rest to one significant digit."""
    return "<1e-12" if v < 1e-12 else ">1" if v > 1 else f"{v:.0e}"


print("fraction of the initial gap left after 1000 steps: default lr | best lr on the grid")
print(f"{'problem':31s}" + "".join(f"{m:>20s}" for m in METHODS))
for n in NAMES:
    print(f"{n:31s}" + "".join(
        f"{fmt_left(default_left[n, m]):>10s} |{fmt_left(tuned_left[n, m]):>8s}"
        for m in METHODS))
adam_default_ok = [n for n in NAMES if default_left[n, "Adam"] <= REL_TOL]
adam_default_1pct = [n for n in NAMES if default_left[n, "Adam"] <= 1e-2]
sgd_default_1pct = [n for n in NAMES if default_left[n, "SGD"] <= 1e-2]

def fmt_acc(a):
    """Accuracies of failed runs (below 0.5) differ with the rounding: show them as a bound."""
    return "<0.5" if a < 0.5 else f"{a:.3f}"


# %% [markdown]
# **Measure, part 2.** The default was designed for neural networks, not for 2-D functions whose
# minimum is a distance of about 2 away (Adam moves each coordinate by at most about η per step,
# so $10^{-3} \times 1000$ steps cannot cover that distance; the distances are computed below).
# So we also compare, on the networks of section 3b, validation accuracy after 10 epochs at the
# default learning rate with the best on the grid.

# %%
starts = [F.quadratic(100.0), F.quadratic(100.0, np.pi / 4), F.rosenbrock, F.beale]
dist = [float(o.distance_to_minimum(o.start[None])[0]) for o in starts]
coord = [float(np.abs(o.start - np.asarray(o.minima)[0]).max()) for o in starts]
print(f"2-D problems: distance from the start to the minimum {min(dist):.2f} to {max(dist):.2f}; "
      f"the largest coordinate to cover {min(coord):.1f} to {max(coord):.1f}, against "
      f"η × steps = {DEFAULT_LR['Adam'] * STEPS:g} for default Adam")
assert 2 < min(dist) and max(dist) < 2.3 and min(coord) > DEFAULT_LR["Adam"] * STEPS


def fmt_acc_grid(m, k):
    """A mean accuracy in the table. Next to a failing learning rate (mean below 0.5), or where
    the seeds spread over more than 0.2 (some of them failing), the digits change with the
    rounding (a one-ulp change of the initial weights moves such entries by up to 0.02): show
    them as a bound."""
    seeds = net_acc10[m][k]
    edge = k + 1 < len(NET_LRS) and net_acc10[m][k + 1].mean() < 0.5
    if seeds.mean() >= 0.5 and (edge or np.ptp(seeds) > 0.2):
        return "≥0.8" if seeds.mean() >= 0.8 else "0.5–0.8"
    return fmt_acc(seeds.mean())


print(f"digits MLP, validation accuracy after 10 epochs (mean of {NET_SEEDS} seeds) per "
      "learning rate (bounds: rounding-sensitive entries)")
print(f"{'lr':>9s}" + "".join(f"{m:>10s}" for m in METHODS))
for k, lr in enumerate(NET_LRS):
    print(f"{lr:9.2g}" + "".join(f"{fmt_acc_grid(m, k):>10s}" for m in METHODS))
net_default, net_best = {}, {}
for m in METHODS:
    val = net_acc10[m].mean(axis=1)
    k = int(np.argmin(np.abs(np.log10(NET_LRS) - math.log10(DEFAULT_LR[m]))))
    net_default[m], net_best[m] = val[k], val.max()
    seeds_k = net_acc10[m][k]
    print(f"{m:9s} default lr {DEFAULT_LR[m]:g}: {fmt_acc(val[k])} (seeds {fmt_acc(seeds_k.min())}"
          f" to {fmt_acc(seeds_k.max())})   best on the grid: {val.max():.3f}")
# RMSprop's default is its best grid point (the text below relies on it)
assert net_default["RMSprop"] == net_best["RMSprop"]

# %%
fig, ax = plt.subplots(figsize=(7.5, 4.2))
for m in METHODS:
    line, = ax.plot(NET_LRS, net_acc10[m].mean(axis=1), "o-", label=m)
    ax.fill_between(NET_LRS, net_acc10[m].min(axis=1), net_acc10[m].max(axis=1),
                    color=line.get_color(), alpha=0.15)
    ax.plot(DEFAULT_LR[m], net_default[m], "*", ms=16, color=line.get_color(), mec="k")
ax.set_xscale("log")
ax.set_xlabel("learning rate η")
ax.set_ylabel("validation accuracy")
ax.set_title(f"Digits MLP after 10 epochs: mean and range of {NET_SEEDS} seeds "
             "(stars: PyTorch's default η)")
ax.legend(fontsize="small")
plt.show()

# %%
gap_adam = net_best["Adam"] - net_default["Adam"]
gap_sgd = net_best["SGD"] - net_default["SGD"]
claim3 = (
    f"Bench: at its default η = 1e-3 Adam reaches the 1e-6 tolerance on "
    f"{len(adam_default_ok)}/{n_prob} problems and gets within 1% of the initial gap on "
    f"{len(adam_default_1pct)}/{n_prob} (SGD at its default: {len(sgd_default_1pct)}/{n_prob}). "
    f"Digits MLP: default Adam reaches validation accuracy {net_default['Adam']:.3f} vs "
    f"{net_best['Adam']:.3f} tuned; default SGD {fmt_acc(net_default['SGD'])} vs "
    f"{net_best['SGD']:.3f} tuned."
)
# the bench's long check (section 3) ran Adam's whole grid, its default η included
k_def = int(np.argmin(np.abs(np.log10(LRS) - math.log10(DEFAULT_LR["Adam"]))))
long_default_left = {n: long_results[n, "Adam"][-1, k_def] / long_results[n, "Adam"][0, 0]
                     for n in LONG_NAMES}
claim3 += (f" Ten times longer ({LONG_BENCH:,} steps), fraction of the gap left by default "
           f"Adam: " + "; ".join(f"{n} {'below the 1e-6 tolerance' if v <= REL_TOL else fmt_left(v)}"
                                  for n, v in long_default_left.items())
           + ".")
if len(adam_default_1pct) > n_prob / 2:
    short3 = f"supported on the bench at {STEPS:,} steps"
else:
    short3 = (f"not supported on the bench at {STEPS:,} steps (default Adam within 1% of the "
              f"initial gap on {len(adam_default_1pct)}/{n_prob} problems)")
    if all(v <= REL_TOL for v in long_default_left.values()):
        short3 += (f", but slow rather than wrong: ten times longer it reaches the tolerance on "
                   f"both problems checked (offline, all seven: within 1% on 7, the tolerance "
                   f"on 4)")
# a failed run's accuracy (below 0.5) is rounding-sensitive: SGD's gap is then a bound
gap_sgd_text = f"{gap_sgd:.3f}" if net_default["SGD"] >= 0.5 else \
    f"more than {net_best['SGD'] - 0.5:.2f}"
if gap_adam <= 0.01:
    short3 += "; supported on the network (within 1 point of tuned)"
elif gap_adam < gap_sgd / 2:
    short3 += (f"; partly on the network: default Adam is {gap_adam:.3f} below its tuned "
               f"validation accuracy after 10 epochs, against {gap_sgd_text} for SGD's default "
               f"(offline, after 100 epochs: 0.003 below)")
else:
    short3 += f"; not on the network either ({gap_adam:.3f} below tuned accuracy)"
verdicts.append(("3. works with defaults", claim3, short3))
print(claim3)
print("Verdict:", short3)
# the text below relies on these
assert len(adam_default_1pct) == 0 and len(sgd_default_1pct) > 0
assert all(v <= REL_TOL for v in long_default_left.values())
assert 0.05 < gap_adam < 0.1 and net_default["SGD"] < 0.5

# %% [markdown]
# "Out of the box" is a statement about a scale *and a budget*. At the budgets above Adam's
# default trails its tuned learning rate — on the bench it leaves more than 1% of the gap on
# every problem, on the network it is 5 to 10 points below tuned after 10 epochs — but it is
# slow rather than wrong: its steps of about $10^{-3}$ need a few thousand of them to move the
# parameters by a few units. Given ten times the budget (the two problems above, in the
# notebook; the rest offline) default Adam gets within 1% of the gap on all seven problems and
# reaches the tolerance on four (SGD at its default: within 1% on four, the tolerance on two),
# and on the network (100 epochs, two sets of five seeds, offline) it ends 0.003 and 0.000
# below tuned, while SGD's default is still 0.33 to 0.36 below. Two more observations from the
# table: RMSprop's default $10^{-2}$ happens to be its best grid point here, so default RMSprop
# beats default Adam after 10 epochs — a statement about where the defaults sit, as in
# lecture 07; and Wilson et al. (2017) found that tuning Adam's learning rate and its decay
# improved on the defaults in every one of their tasks, which is what we see at short budgets.
#
# ## 5. Claim 4 — adaptive methods handle sparse gradients
#
# The classic argument for Adagrad (Duchi et al., 2011): when a feature is rare, its weight gets
# a non-zero gradient only on the few examples that contain it. One global learning rate is set
# by the frequent features, so rare ones learn slowly; Adagrad divides by the accumulated
# squared gradient of each coordinate and gives rare features larger steps.
#
# **Experiment.** Linear regression with 50 binary features; feature $j$ is present in a
# fraction $p_j$ of the 2000 examples, from 50% down to 0.5% (log-spaced); targets
# $y = Xw^\star + 0.1\,\text{noise}$. Minibatch gradients (batch 10), 5 epochs, every method at
# its best learning rate on a grid from $10^{-3}$ to $10$ (by final loss). We measure the
# excess training loss $f(w) - f^*$. Minibatch noise makes one run a noisy measurement, so the
# whole experiment is repeated on 5 random datasets (5 draws of $X$, $w^\star$ and the noise).
#
# **Controls.** Is it *sparsity* that matters, or the unequal feature *scales* that come with
# it? A binary feature present with probability $p_j$ has mean $p_j$ and variance
# $p_j(1-p_j)$: a rare feature is small in both. The controls change one thing at a time:
#
# | design | values | mean | variance | sparse gradient? |
# |---|---|---|---|---|
# | sparse binary | 0 or 1 | $p_j$ | $p_j(1-p_j)$ | yes |
# | binary, centred | $x - p_j$ | 0 | $p_j(1-p_j)$ | no |
# | dense, same mean and variance | Gaussian | $p_j$ | $p_j(1-p_j)$ | no |
# | dense, centred | Gaussian | 0 | $p_j(1-p_j)$ | no |
# | dense, equal scales | Gaussian | 0 | the mean of $p_j(1-p_j)$ | no |
#
# The third row is the matched control of the first: same first two moments per feature, but
# every example has every feature. The second and fourth rows remove the means (a large common
# mean is itself a source of ill-conditioning). The last row removes the unequal scales.
#
# All $5 \times 5$ datasets and all learning rates train at once: the weights have shape
# `(datasets, learning rates, 50)` and every minibatch gradient is one batched matrix product.

# %%
N_SP, D_SP, SP_SEEDS = 2000, 50, (0, 1, 2, 3, 4)
DESIGNS = ("sparse binary", "binary, centred", "dense, same mean and variance",
           "dense, centred", "dense, equal scales")
freq = np.geomspace(0.5, 0.005, D_SP)
var_sp = freq * (1 - freq)
SP_LRS = 10.0 ** np.arange(-3, 1.01, 0.25)
X_sp, y_sp = [], []
for seed in SP_SEEDS:
    rng = np.random.default_rng(seed)
    w_true = rng.standard_normal(D_SP)
    for design in DESIGNS:
        if design == "sparse binary":
            X = (rng.random((N_SP, D_SP)) < freq).astype(float)
        elif design == "binary, centred":
            X = (rng.random((N_SP, D_SP)) < freq).astype(float) - freq
        elif design == "dense, same mean and variance":
            X = freq + rng.standard_normal((N_SP, D_SP)) * np.sqrt(var_sp)
        elif design == "dense, centred":
            X = rng.standard_normal((N_SP, D_SP)) * np.sqrt(var_sp)
        else:
            X = rng.standard_normal((N_SP, D_SP)) * np.sqrt(var_sp.mean())
        X_sp.append(X)
        y_sp.append(X @ w_true + 0.1 * rng.standard_normal(N_SP))
X_sp, y_sp = np.stack(X_sp), np.stack(y_sp)  # (25, N, D) and (25, N); dataset i: design i % 5
w_sp_star = np.stack([np.linalg.lstsq(X, y, rcond=None)[0] for X, y in zip(X_sp, y_sp)])
f_sp_star = 0.5 * np.mean((np.einsum("bnd,bd->bn", X_sp, w_sp_star) - y_sp) ** 2, axis=1)


def sparse_losses(w):
    """Excess loss of every (dataset, learning rate): shape (25, n_lr)."""
    residual = w @ X_sp.transpose(0, 2, 1) - y_sp[:, None, :]
    return 0.5 * np.mean(residual**2, axis=-1) - f_sp_star[:, None]


def sparse_experiment(rule, epochs=5, batch=10):
    """Excess loss after each epoch, best learning rate per dataset: shape (epochs, 25)."""
    w = np.zeros((len(X_sp), len(SP_LRS), D_SP))
    state, t, per_epoch = {}, 0, []
    order = np.random.default_rng(100)
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            for idx in minibatches(N_SP, batch, order):
                t += 1
                Xb = X_sp[:, idx]
                g = (w @ Xb.transpose(0, 2, 1) - y_sp[:, None, idx]) @ Xb / len(idx)
                g[~np.isfinite(g)] = 0.0
                rule(w, g, state, SP_LRS[None, :, None], t)
            ex = sparse_losses(w)
            per_epoch.append(np.where(np.isfinite(ex), ex, np.inf))
    per_epoch = np.array(per_epoch)            # (epochs, 25, n_lr)
    best = np.argmin(per_epoch[-1], axis=1)    # best learning rate of each dataset
    return per_epoch[:, np.arange(len(X_sp)), best]


sparse = {m: sparse_experiment(RULES[m]) for m in METHODS}
print("excess loss after 5 epochs at the best η: median over the 5 datasets [min, max]")
print(f"{'design':30s}" + "".join(f"{m:>24s}" for m in METHODS))
for j, design in enumerate(DESIGNS):
    cells = []
    for m in METHODS:
        final = sparse[m][-1, j::len(DESIGNS)]
        cells.append(f"{np.median(final):.1e} [{final.min():.0e}, {final.max():.0e}]")
    print(f"{design:30s}" + "".join(f"{c:>24s}" for c in cells))

fig, axes = plt.subplots(1, len(DESIGNS), figsize=(17, 4), sharey=True)
for j, (ax, design) in enumerate(zip(axes, DESIGNS)):
    for m in METHODS:
        runs = sparse[m][:, j::len(DESIGNS)]
        line, = ax.plot(np.arange(1, 6), np.median(runs, axis=1), "o-", label=m)
        ax.fill_between(np.arange(1, 6), runs.min(axis=1), runs.max(axis=1),
                        color=line.get_color(), alpha=0.15)
    ax.set_xticks(np.arange(1, 6))
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(design, fontsize="medium")
axes[0].set_ylabel("excess loss $f - f^*$ (best η)")
axes[0].legend(fontsize="small", title="median; band: 5 datasets", title_fontsize="small")
fig.suptitle("Claim 4: sparse features and their controls")
plt.tight_layout()
plt.show()

# %%
def adaptive_advantage(j):
    """Per dataset: best excess loss of SGD/Momentum over that of Adagrad/RMSprop/Adam."""
    plain = np.minimum(sparse["SGD"][-1], sparse["Momentum"][-1])
    adaptive = np.minimum.reduce([sparse[m][-1] for m in ("Adagrad", "RMSprop", "Adam")])
    return (plain / adaptive)[j::len(DESIGNS)]


adv = {design: adaptive_advantage(j) for j, design in enumerate(DESIGNS)}
med = {d: float(np.median(adv[d])) for d in DESIGNS}
print("advantage = excess loss of the best of SGD/momentum / that of the best adaptive method "
      "(> 1: adaptive better), 5 datasets")
for d in DESIGNS:
    print(f"  {d:31s} median {med[d]:.1f}  [{adv[d].min():.1f}, {adv[d].max():.1f}]")
# the same w*, noise seed and minibatch order per dataset index: a paired comparison
matched = adv["dense, same mean and variance"] / adv["sparse binary"]
print(f"dense (same mean and variance) / sparse binary, dataset by dataset: "
      f"{matched.min():.1f} to {matched.max():.1f} times the advantage")
# the text below relies on these
assert matched.min() > 1 and med["dense, equal scales"] < 1
assert med["dense, centred"] > 1.5 * med["binary, centred"]
claim4 = (
    "Advantage of the best adaptive method over the best of SGD/momentum (ratio of excess "
    "losses after 5 epochs, median over 5 datasets [range]): " + "; ".join(
        f"{d} {med[d]:.1f} [{adv[d].min():.1f}, {adv[d].max():.1f}]" for d in DESIGNS) + "."
)
if med["sparse binary"] > 1.5 and med["dense, equal scales"] < 1:
    if matched.min() > 1:
        short4 = (f"supported on sparse features, but sparsity is not the cause: dense features "
                  f"with the same means and variances give a larger advantage "
                  f"({matched.min():.1f}–{matched.max():.1f}× on each of the {len(SP_SEEDS)} "
                  f"datasets), and with equal scales SGD/momentum are better; the advantage "
                  f"comes from the unequal feature scales")
    else:
        short4 = ("supported on sparse features; unequal scales matter (with equal scales "
                  "SGD/momentum are better), sparsity compared with matched dense features "
                  "is mixed")
elif med["sparse binary"] > 1.5:
    short4 = "supported on sparse features"
else:
    short4 = "not supported in this experiment"
verdicts.append(("4. handle sparse gradients", claim4, short4))
print(claim4)
print("Verdict:", short4)

# %% [markdown]
# The control rows answer the question the story skips. If sparsity itself were the reason, the
# sparse binary features would show the largest advantage; instead their matched dense control
# (same mean and variance per feature, no zeros) shows a larger one, on each of the 5 datasets
# (the ratio printed above), and with equal scales the advantage turns into a disadvantage. What
# Adagrad fixes here is the unequal *scale* of the features, i.e. diagonal ill-conditioning
# (lecture 04), and rare binary features are one way to get unequal scales. The centred pair
# says the same: the median advantage of centred dense features is more than 1.5 times that
# of centred binary ones. Two checks run offline. Five *other* datasets (seeds 5–9, 5 epochs)
# keep the medians in the same order (sparse binary 3.1, its matched dense control 8.9, equal
# scales 0.3), but the matched control is ahead on 4 of the 5 datasets, not all (ratios 0.7 to
# 6.9): over the ten datasets, 9 of 10, so "on every dataset" is a property of our five, and
# the robust statement is the median and the majority. A check ten times longer (50 epochs,
# the notebook's 5 datasets) keeps the orderings — the matched dense control above sparse
# binary on every dataset, if barely on one (ratios 1.0 to 5.5), the centred dense median
# above the centred binary one (15.0 against 6.2), and a disadvantage with equal scales (0.6)
# — but not the effect of centring itself, whose sign changes with the budget (centring the
# binary features lowers the median advantage from 2.4 to 1.7 after 5 epochs and raises it
# from 4.0 to 6.2 after 50), so we draw no conclusion from it.

# %% [markdown]
# ## 6. Claim 5 — adaptive methods can overshoot or fail to converge
#
# Three small experiments, each a known mechanism:
#
# 1. **Overshoot.** $f(x) = x^2/2$ from $x_0 = 1$ with η = 0.07. Gradient descent with
#    $\eta\lambda = 0.07 < 1$ never crosses the minimum; momentum and Adam do.
# 2. **No convergence with a constant learning rate.** On the same problem RMSprop's step is
#    $\eta\, g/\sqrt{v}$. While $v$ still remembers the large early gradients the steps are
#    tiny; once $v$ has decayed to the size of $g^2$ the step is about $\pm\eta$ whatever $x$ is,
#    and the only balance left is a 2-cycle $x = \pm\eta/2$ (lecture 05). Adam looks different:
#    after 3,000 steps it sits at $|x| < 10^{-50}$. We run **30,000 steps**, ten times
#    longer, from five starting points $x_0 \in \{0.25, 0.5, 1, 2, 4\}$.
# 3. **Convergence to the wrong point.** Reddi et al.'s online problem (lecture 08) with
#    $C = 3$, $\beta_1 = 0$, $\beta_2 = 0.1$, step $0.5/\sqrt t$, projected on $[-1, 1]$.

# %%
ETA_1D, LONG, SHORT = 0.07, 30_000, 3_000
X0_1D = np.array([0.25, 0.5, 1.0, 2.0, 4.0])
I1 = 2  # the run from x0 = 1
one_d, eff_1d = {}, {}  # |x_t| and the effective learning rate eta / sqrt(v_t), shape (LONG+1, 5)
for m in ("SGD", "Momentum", "RMSprop", "Adam"):
    x, state = X0_1D[:, None].copy(), {}
    xs, eff = np.empty((LONG + 1, len(X0_1D))), np.full((LONG + 1, len(X0_1D)), np.nan)
    xs[0] = X0_1D
    for t in range(1, LONG + 1):
        RULES[m](x, x.copy(), state, ETA_1D, t)  # the gradient of x^2/2 is x
        xs[t] = x[:, 0]
        if m == "RMSprop":
            eff[t] = ETA_1D / np.sqrt(state["sq"][:, 0])
        elif m == "Adam":
            eff[t] = ETA_1D / np.sqrt(state["v"][:, 0] / (1 - 0.999**t))
    one_d[m], eff_1d[m] = xs, eff
    late_max = np.abs(xs[20_000:]).max()
    # Adam's late bursts are chaotic (a 1e-15 change of x0 moves their largest |x| by 0.0004):
    # show a bound; RMSprop's 2-cycle is not
    late_text = ("< 1e-300" if late_max < 1e-300 else
                 f"between 0.01 and η/2 = {ETA_1D / 2:g}" if m == "Adam" else f"{late_max:.3f}")
    print(f"{m:9s} (x0 = 1) lowest x = {xs[:SHORT + 1, I1].min():+.3f}; |x| at step {SHORT:,}: "
          f"{'< 1e-50' if abs(xs[SHORT, I1]) < 1e-50 else f'{abs(xs[SHORT, I1]):.3f}'}; "
          f"largest |x| over steps 20,000-30,000, all 5 starts: {late_text}")


def reddi_adam(amsgrad, C=3.0, steps=3000, alpha=0.5):
    beta2 = 1 / (1 + C**2)
    x = v = v_max = 0.0
    for t in range(1, steps + 1):
        g = C if t % 3 == 1 else -1.0
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)
        x -= alpha / math.sqrt(t) * g / (math.sqrt((v_max if amsgrad else v)
                                                   / (1 - beta2**t)) + 1e-8)
        x = min(1.0, max(-1.0, x))
    return x


reddi_final = {"Adam": reddi_adam(False), "AMSGrad": reddi_adam(True)}
print(f"Reddi et al.'s problem (optimum x* = -1): final x: Adam {reddi_final['Adam']:+.3f}, "
      f"AMSGrad {reddi_final['AMSGrad']:+.3f}")

# %% [markdown]
# Adam's "convergence" after 3,000 steps is a stage, not the end: in the longer run its $|x|$
# jumps back from below $10^{-150}$ to above $10^{-2}$ and keeps bursting (the figure below).
# **Why.** Near the minimum, with $v$ frozen, Adam is the heavy ball of lecture 03 with
# momentum $\beta_1$ and step $a_t(1-\beta_1)$, where $a_t = \eta/(\sqrt{\hat v_t} + \epsilon)$ is
# the *effective learning rate*. On a curvature of 1 this is stable only while
# $a_t(1-\beta_1) < 2(1+\beta_1)$, that is
#
# $$a_t < a_{\max} = \frac{2(1+\beta_1)}{1-\beta_1} = 38 .$$
#
# Once $x$ is tiny, $g^2 = x^2$ adds nothing to $v$, which only decays: $\hat v_t \propto
# \beta_2^{\,t}$, a factor $e$ every 1000 steps, so $a_t$ grows like $\beta_2^{-t/2}$. From the
# value of $\hat v$ at step 3,000 we can predict when $a_t$ crosses 38; after the crossing $|x|$
# grows geometrically until $x^2$ refills $v$ and pulls $a_t$ back below the limit. In the long
# run $v$ settles where $a_t$ hovers at the limit — **the edge of stability** — and $|x|$ keeps
# bursting. RMSprop's 2-cycle is the same balance without momentum: its limit is $a_t < 2$,
# i.e. $\sqrt v = \eta/2$, and $|x| = \sqrt v$ in the cycle.

# %%
A_MAX = 2 * (1 + 0.9) / (1 - 0.9)
adam_abs = np.abs(one_d["Adam"])
first_burst, predicted = [], []
for j in range(len(X0_1D)):
    first_burst.append(SHORT + int(np.argmax(adam_abs[SHORT:, j] > 1e-6)))
    # a_t = a_3000 * beta2^(-(t - 3000)/2) reaches A_MAX at:
    predicted.append(SHORT + 2 * math.log(A_MAX / eff_1d["Adam"][SHORT, j]) / -math.log(0.999))
late = slice(20_000, LONG + 1)
late_eff = eff_1d["Adam"][late] / A_MAX
print("Adam on x^2/2, eta = 0.07, starts x0 = " + ", ".join(f"{v:g}" for v in X0_1D))
print("  a_t = eta/sqrt(v_hat) crosses 38, predicted from step 3,000 (nearest 100): "
      + ", ".join(f"{round(p, -2):,.0f}" for p in predicted))
print("  first step after 3,000 with |x| > 1e-6 (nearest 100):                        "
      + ", ".join(f"{round(b, -2):,.0f}" for b in first_burst))
print(f"  smallest |x| before that burst, x0 = 1: "
      f"{'< 1e-150' if adam_abs[SHORT:first_burst[I1], I1].min() < 1e-150 else 'larger'}; "
      f"largest |x| in the 100 steps after it: "
      f"{'> 0.01' if adam_abs[first_burst[I1]:first_burst[I1] + 100, I1].max() > 0.01 else 'smaller'}")
window_max = adam_abs[late][:-1].reshape(10, 1000, -1).max(axis=1)  # (10 windows, 5 starts)
# chaotic values (the bursts) are printed as the bounds asserted below
print(f"  steps 20,000-30,000, all starts: a_t / 38 between 0.75 and 1.15; the largest |x| in "
      f"every 1,000-step window between 1e-3 and η/2 = {ETA_1D / 2:g}")
# the text relies on these
assert all(abs(one_d["Adam"][SHORT, j]) < 1e-50 for j in range(1, len(X0_1D)))
assert all(p < b < p + 1500 for p, b in zip(predicted, first_burst))
assert np.all(np.diff(first_burst) > 0)  # the larger x0, the later the burst
assert adam_abs[SHORT:first_burst[I1], I1].min() < 1e-150
assert adam_abs[first_burst[I1]:first_burst[I1] + 100, I1].max() > 0.01
assert 0.75 < late_eff.min() and late_eff.max() < 1.15 and window_max.min() > 1e-3
assert 0.01 < adam_abs[late].max() < ETA_1D / 2 and window_max.max() < ETA_1D / 2
assert np.all(np.abs(np.abs(one_d["RMSprop"][late]) - ETA_1D / 2) < 1e-3)

# %%
COLORS_1D = {"SGD": "C0", "Momentum": "C1", "RMSprop": "C3", "Adam": "C4"}
fig, axes = plt.subplots(1, 3, figsize=(16, 4.3))
for m, xs in one_d.items():
    axes[0].plot(np.arange(61), xs[:61, I1], ".-", color=COLORS_1D[m], label=m)
    axes[1].plot(np.arange(LONG + 1), np.maximum(np.abs(xs[:, I1]), 1e-200), lw=0.8,
                 color=COLORS_1D[m], label=m)
axes[0].axhline(0, color="k", lw=0.8)
axes[0].set_xlabel("step $t$")
axes[0].set_ylabel("$x_t$")
axes[0].set_title(f"$f(x) = x^2/2$, η = {ETA_1D}, $x_0 = 1$: the first 60 steps")
axes[0].legend()
axes[1].axhline(ETA_1D / 2, color="k", ls=":", lw=1, label="η/2")
axes[1].axvline(SHORT, color="0.5", ls="--", lw=1, label=f"step {SHORT:,}")
axes[1].set_yscale("log")
axes[1].set_ylim(1e-200, 10)
axes[1].set_xlabel("step $t$")
axes[1].set_ylabel("$|x_t|$ (drawn at 1e-200 when smaller)")
axes[1].set_title("30,000 steps: Adam's convergence is undone")
axes[1].legend(fontsize="small", loc="lower right")
for m in ("RMSprop", "Adam"):
    axes[2].plot(np.arange(1, LONG + 1), eff_1d[m][1:, I1], lw=0.8, color=COLORS_1D[m], label=m)
axes[2].axhline(A_MAX, color=COLORS_1D["Adam"], ls=":", label="Adam's limit 2(1+β₁)/(1−β₁) = 38")
axes[2].axhline(2, color=COLORS_1D["RMSprop"], ls=":", label="RMSprop's limit 2")
axes[2].axvline(SHORT, color="0.5", ls="--", lw=1, label=f"step {SHORT:,}")
axes[2].set_yscale("log")
axes[2].set_xlabel("step $t$")
axes[2].set_ylabel(r"effective learning rate $\eta/\sqrt{\hat v_t}$")
axes[2].set_title("The effective step grows to the edge of stability")
axes[2].legend(fontsize="small", loc="lower right")
plt.tight_layout()
plt.show()

# %%
overshoot = {m: -xs[:SHORT + 1, I1].min() for m, xs in one_d.items()}
claim5 = (
    f"x^2/2 with η = {ETA_1D}, x0 = 1: overshoot below 0 of SGD {max(overshoot['SGD'], 0):.3f}, "
    f"momentum {overshoot['Momentum']:.3f}, Adam {overshoot['Adam']:.3f}. Over {LONG:,} steps "
    f"from 5 starts RMSprop cycles at |x| = η/2 = {ETA_1D / 2:g}; Adam is below 1e-50 at step "
    f"{SHORT:,} but bursts back to |x| > 1e-6 near step {round(first_burst[I1], -2):,.0f} "
    f"(x0 = 1; {round(min(first_burst), -2):,.0f} to {round(max(first_burst), -2):,.0f} over the "
    f"starts) and hovers at the edge of stability (bursts between 0.01 and η/2). "
    f"Reddi's problem: Adam ends at {reddi_final['Adam']:+.2f}, the worst point (AMSGrad "
    f"{reddi_final['AMSGrad']:+.2f})."
)
can_overshoot = overshoot["Adam"] > 0.01 and overshoot["SGD"] <= 0 and overshoot["Momentum"] > 0.01
rms_cycles = np.abs(one_d["RMSprop"][late]).min() > 0.1 * ETA_1D
adam_bursts = window_max.min() > 1e-3
if can_overshoot and rms_cycles and adam_bursts and reddi_final["Adam"] > 0.9:
    short5 = (f"supported: Adam overshoots where GD does not; with a constant η neither RMSprop "
              f"(a 2-cycle) nor Adam (convergence undone after ~{round(first_burst[I1], -3):,.0f} "
              f"steps, then bursts at the edge of stability) converges; Adam converges to the "
              f"worst point of Reddi's problem")
else:
    short5 = "only partly supported in these experiments"
verdicts.append(("5. can overshoot / fail", claim5, short5))
print(claim5)
print("Verdict:", short5)

# %% [markdown]
# The lesson is about the *length* of an experiment: a run of 3,000 steps would have certified
# Adam's convergence, with $|x|$ below $10^{-50}$. A constant-η adaptive method does not converge
# on this problem; it only takes a while to find out, and the delay grows with the size of the
# early gradients (the larger $x_0$, the larger $v$ and the later the burst). Convergence
# guarantees for Adam assume a decaying step, $\eta_t = \eta/\sqrt t$ (Kingma & Ba, 2015;
# Reddi et al., 2018). In practice the bursts are small — below η/2 here, the amplitude of
# RMSprop's 2-cycle — which is why a constant-η Adam *looks* converged on most loss curves.
# The bursting is the end state, not another stage: in a check ten times longer still (300,000
# steps, all 5 starts, run offline), the largest $|x|$ in every window of 10,000 steps from
# step 20,000 on stays between 0.016 and 0.020, and $a_t/38$ between 0.79 and 1.05. The same
# bursting is what removed Adam's large learning rates from its good window in section 3.

# %% [markdown]
# ## 7. Claim 6 — adaptive methods generalise worse
#
# Wilson, Roelofs, Stern, Srebro & Recht (NeurIPS 2017, *The marginal value of adaptive gradient
# methods in machine learning*) built a linear problem on which the adaptive methods provably
# find a solution that generalises badly while SGD does not.
#
# **Why the starting point decides.** In an underdetermined least-squares problem
# $\min_w \frac12\|Xw - y\|^2$ with more features than examples there are infinitely many
# solutions with zero training loss. Gradient descent from $w_0 = 0$ only ever adds multiples
# of $X^\top(\cdot)$, so it stays in the row space of $X$ and converges to the **minimum-norm**
# solution $w^\dagger = X^+ y$. Adaptive methods rescale coordinates and leave that subspace.
# Wilson et al. show that if $X\,\operatorname{sign}(X^\top y) = c\,y$ for some $c>0$, then
# Adagrad, RMSprop and Adam from $w_0 = 0$ converge to $w \propto \operatorname{sign}(X^\top y)$:
# every feature gets a weight of the *same* magnitude.
#
# **The construction** ($n$ examples, $6n$ features; labels $y_i = \pm1$, positive with
# probability $p > 1/2$):
#
# * feature 1 is the label itself, $x_{i1} = y_i$;
# * features 2 and 3 are always 1;
# * every example has its own "unique" features at columns $4 + 5(i-1), \dots$: **one** if
#   $y_i = 1$, **five** if $y_i = -1$.
#
# Then $X\operatorname{sign}(X^\top y) = 4y$ (when positives are the majority), and the adaptive
# solution gives features 1–3 the weight $1/4$ each. A *new* example has unique features no
# training example had (their weights are 0), so its score is $\frac14 y + \frac14 + \frac14 > 0$
# whatever $y$: the adaptive solution predicts "positive" for everything. The minimum-norm
# solution puts most of its weight on feature 1 and classifies new examples correctly.

# %%
def wilson_dataset(y):
    """Wilson et al.'s design matrix (n, 6n) for labels y in {-1, +1}."""
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1:3] = 1.0
    for i in range(n):
        start = 3 + 5 * i
        X[i, start:start + (1 if y[i] == 1 else 5)] = 1.0
    return X


rng = np.random.default_rng(1)
N_W, P_POS = 50, 0.6
y_train = np.where(rng.random(N_W) < P_POS, 1.0, -1.0)
y_test = np.where(rng.random(2000) < P_POS, 1.0, -1.0)
X_w = wilson_dataset(y_train)
assert y_train.sum() > 0, "the construction needs a majority of positive labels"
print(f"{N_W} training examples ({int((y_train > 0).sum())} positive), {X_w.shape[1]} features; "
      f"test set: {len(y_test)} new examples ({(y_test < 0).mean():.1%} negative)")
print("X sign(X^T y) = 4 y:", np.allclose(X_w @ np.sign(X_w.T @ y_train), 4 * y_train))


def test_error(w):
    """New examples: unique features unseen in training, so only features 1-3 count."""
    scores = w[..., 0:1] * y_test + w[..., 1:2] + w[..., 2:3]
    return np.mean(np.sign(scores) != y_test, axis=-1)


w_min_norm = np.linalg.pinv(X_w) @ y_train
print(f"minimum-norm solution: w[:3] = {np.round(w_min_norm[:3], 3)}, "
      f"test error {test_error(w_min_norm):.3f}")
assert w_min_norm[0] > 0.9 and test_error(w_min_norm) == 0  # the text above relies on these

W_LRS = 10.0 ** np.arange(-3, -0.49, 0.5)
# "fits the training data": a training loss below 1e-2 (the loss starts at 0.5). A run with a
# constant η can end oscillating around the fit (RMSprop here), with a final loss anywhere from
# 0 to about 3e-3 depending on the last bits of the arithmetic: a tighter threshold would make
# the count depend on the CPU.
FIT_LOSS = 1e-2


def describe_w3(w3):
    """The three weights that decide new examples, at the precision that is not rounding."""
    if np.allclose(w3, 0.25, atol=0.01):
        return "≈ (0.25, 0.25, 0.25) within 0.01"
    if np.allclose(w3, w_min_norm[:3], atol=0.01):
        return "≈ the minimum-norm solution's, within 0.01"
    return str(np.round(w3, 2))


wilson = {}
for m, rule in RULES.items():
    w = np.zeros((len(W_LRS), X_w.shape[1]))
    state = {}
    with np.errstate(all="ignore"):
        for t in range(1, 3001):
            g = (w @ X_w.T - y_train) @ X_w / N_W
            rule(w, g, state, W_LRS[:, None], t)
        train_loss = 0.5 * np.mean((w @ X_w.T - y_train) ** 2, axis=1)
    wilson[m] = dict(w=w.copy(), train_loss=train_loss, test=test_error(w))
    fit = train_loss < FIT_LOSS
    print(f"{m:9s} fits the training data (loss < {FIT_LOSS:g}) at {int(fit.sum())}/{len(W_LRS)} "
          f"learning rates; test error at those: "
          f"{', '.join(f'{e:.3f}' for e in wilson[m]['test'][fit])}; "
          f"w[:3] at η = 0.01 {describe_w3(w[2, :3])}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for m, marker, size in zip(METHODS, "osv^D", (11, 8, 11, 8, 5)):
    fit = wilson[m]["train_loss"] < FIT_LOSS
    line, = axes[0].plot(W_LRS, wilson[m]["test"], "-", marker=marker, ms=size, mfc="none",
                         label=m)
    axes[0].plot(W_LRS[fit], wilson[m]["test"][fit], marker, ms=size, color=line.get_color())
axes[0].axhline((y_test < 0).mean(), color="k", ls=":", lw=1,
                label="error of 'always positive'")
axes[0].set_xscale("log")
axes[0].set_xlabel("learning rate η")
axes[0].set_ylabel("test error after 3000 steps")
axes[0].set_title("Wilson et al.'s construction (hollow: training data not fitted)")
axes[0].legend(fontsize="small", loc="center left")
labels = ["min-norm"] + METHODS
first3 = np.array([w_min_norm[:3]] + [wilson[m]["w"][2, :3] for m in METHODS])
for j in range(3):
    axes[1].bar(np.arange(len(labels)) + (j - 1) * 0.25, first3[:, j], 0.25,
                label=["feature 1 (= label)", "feature 2 (always 1)", "feature 3 (always 1)"][j])
axes[1].set_xticks(np.arange(len(labels)))
axes[1].set_xticklabels(labels)
axes[1].set_xlabel("solution (min-norm: the interpolating solution of least norm)")
axes[1].set_ylabel("weight")
axes[1].set_title("The weights that decide new examples (η = 0.01)")
axes[1].legend(fontsize="small")
plt.tight_layout()
plt.show()

# %% [markdown]
# (In the left panel the curves hide each other: SGD and momentum lie on top of each other at
# 0, and the three adaptive methods at 0.398, the share of negatives, wherever they fit the
# data — exactly Wilson et al.'s "always positive". RMSprop at the largest η reaches 0 without
# fitting the data.)
#
# The construction shows that the claim *can* be true, and why: when many solutions fit the
# data, the solution an optimizer finds depends on its geometry, and here gradient descent's
# minimum-norm solution is the good one. It does not show that the claim *is* true on a given
# real problem. That is an empirical question, and the literature answers it both ways.
#
# **What Wilson et al. measured.** Besides the construction, the same paper trained four deep
# networks — a VGG-style network on CIFAR-10, a character-level language model on *War and
# Peace*, and two constituency parsers on the Penn Treebank — with SGD, heavy ball, Adagrad,
# RMSprop and Adam, tuning each method's initial learning rate and decay schedule on a grid.
# They report that (i) the adaptive methods' solutions generalised worse, often markedly, even
# where their training loss was as low or lower; (ii) the adaptive methods made faster initial
# progress on the training set but their development-set performance levelled off earlier; and
# (iii) the adaptive methods needed as much tuning as SGD, and Adam with its default settings
# was clearly improved by tuning its learning rate and decay, in every task.
#
# **The other side.**
#
# * Choi, Shallue, Nado, Lee, Maddison & Dahl (2019, *On empirical comparisons of optimizers
#   for deep learning*): rankings of optimizers follow the hyperparameter search space. Adam
#   contains momentum as a limit (a very large $\epsilon$ makes its denominator constant), so
#   with *all* its hyperparameters tuned, $\epsilon$ and the $\beta$'s included, it should never
#   lose to momentum — and in their experiments, image classification and language models
#   included, the adaptive methods never underperformed momentum or SGD.
# * Loshchilov & Hutter (2019, *Decoupled weight decay regularization*, AdamW; lecture 08): in
#   the image-classification settings where Adam trailed SGD with momentum, part of the gap
#   came from L2 regularisation, which Adam's per-coordinate scaling weakens; decoupling the
#   weight decay let Adam compete with SGD with momentum there.
# * Transformers reverse the folklore: there SGD is the method that does badly. Zhang,
#   Karimireddy, Veit, Kim, Reddi, Kumar & Sra (2020, *Why are adaptive methods good for
#   attention models?*) attribute it to heavy-tailed gradient noise in attention models, which
#   clipping and adaptive scaling tame; Kunstner, Chen, Lavington & Schmidt (2023, *Noise is
#   not the main factor behind the gap between SGD and Adam on transformers, but sign descent
#   might be*) find that the gap persists, and grows, as the batch grows to the full data set —
#   so noise is not the main cause — and that Adam's behaviour with large batches is similar to
#   that of sign descent with momentum.
#
# So "adaptive methods generalise worse" is a statement about particular models, budgets and
# tuning protocols, not a law. What can *our* network say?
#
# **A paired test on the digits MLP.** We train SGD and Adam for 40 epochs — long enough to
# classify every training image correctly, the regime Wilson et al. discuss — each at the
# learning rate of a small grid around its best that has the highest mean validation accuracy,
# with 5 initialisations (the same 5 for both methods). Both are scored on the *same* 359 test
# images, so the comparison is paired: for a pair (SGD seed $s$, Adam seed $s$) count the test
# images that only SGD classifies correctly, $b$, and those that only Adam does, $c$. If both
# have the same error rate, each of the $b + c$ discordant images is equally likely to fall
# either way, so $b \sim \text{Binomial}(b + c, 1/2)$: **McNemar's test** (McNemar, 1947), here
# in its exact form, with the two-sided p-value
#
# $$p = \min\Bigl(1,\; 2 \sum_{i \le \min(b, c)} \tbinom{b+c}{i}\, 2^{-(b+c)}\Bigr).$$
#
# Images both classify correctly (or both get wrong) say nothing about the difference, which is
# why a paired test is far more sensitive than comparing two accuracies with their separate
# sampling errors.

# %%
from math import comb

GEN_EPOCHS = 40
GEN_LRS = {"SGD": 10.0 ** np.array([-1.0, -0.5, 0.0, 0.5]),      # 0.1 ... 3.2
           "Adam": 10.0 ** np.array([-2.5, -2.0, -1.5, -1.0])}   # 0.0032 ... 0.1


def mcnemar_p(b, c):
    """Exact two-sided McNemar test: b and c are the two counts of discordant pairs."""
    n, k = b + c, min(b, c)
    return 1.0 if n == 0 else min(1.0, 2 * sum(comb(n, i) for i in range(k + 1)) / 2**n)


gen = {}
for m in ("SGD", "Adam"):
    model = train_networks(RULES[m], GEN_LRS[m], GEN_EPOCHS)
    val = accuracy(model, digits.X_val, digits.y_val)
    k = int(np.argmax(val.mean(axis=1)))
    n_lr = len(GEN_LRS[m])
    pred = model.forward(digits.X_test).argmax(axis=-1).reshape(n_lr, NET_SEEDS, -1)[k]
    gen[m] = dict(lr=GEN_LRS[m][k], k=k, val=val[k],
                  train_acc=accuracy(model, digits.X_train, digits.y_train)[k],
                  train_loss=model.loss(digits.X_train, digits.y_train).reshape(n_lr, -1)[k],
                  correct=pred == digits.y_test)  # (seeds, test images)
    print(f"{m:5s} η = {gen[m]['lr']:.3g} (chosen from " + ", ".join(f"{v:.3g}" for v in GEN_LRS[m])
          + f" by validation accuracy {val[k].mean():.3f}); after {GEN_EPOCHS} epochs the lowest "
          f"training accuracy over the seeds is {gen[m]['train_acc'].min():.3f}, training loss "
          f"{'< 0.01' if gen[m]['train_loss'].max() < 0.01 else 'above 0.01'} on every seed")
# the text relies on these: both fit the training set, and no chosen η is at an edge of its grid
assert all(gen[m]["train_acc"].min() == 1.0 for m in gen)
assert all(0 < gen[m]["k"] < len(GEN_LRS[m]) - 1 for m in gen)

n_test = len(digits.y_test)
sgd_c, adam_c = gen["SGD"]["correct"], gen["Adam"]["correct"]
b = (sgd_c & ~adam_c).sum(axis=1)  # per seed: only SGD right
c = (~sgd_c & adam_c).sum(axis=1)  # per seed: only Adam right
p_values = np.array([mcnemar_p(int(bi), int(ci)) for bi, ci in zip(b, c)])
acc_sgd, acc_adam = sgd_c.mean(axis=1), adam_c.mean(axis=1)
print(f"\n{'seed':>4s} {'SGD test acc':>13s} {'Adam test acc':>14s} {'only SGD right':>15s} "
      f"{'only Adam right':>16s} {'McNemar p':>10s}")
for s_ in range(NET_SEEDS):
    print(f"{s_:4d} {acc_sgd[s_]:13.3f} {acc_adam[s_]:14.3f} {b[s_]:15d} {c[s_]:16d} "
          f"{p_values[s_]:10.2f}")
diff = acc_sgd - acc_adam
# the smallest |b - c| that would reach p < 0.05 with this many discordant images
D = int(np.median(b + c))
detect = min(d for d in range(D % 2, D + 1, 2) if mcnemar_p((D - d) // 2, (D + d) // 2) < 0.05)
print(f"SGD minus Adam test accuracy: {diff.mean():+.3f} on average, from {diff.min():+.3f} to "
      f"{diff.max():+.3f} over the seeds; with the median {D} discordant images a difference "
      f"needs |b - c| >= {detect}, i.e. {detect / n_test:.1%} of the test set, to reach p < 0.05")
assert 0.015 < detect / n_test < 0.03  # the summary says 'about 2 points'

# %%
fig, ax = plt.subplots(figsize=(8, 4))
seeds_axis = np.arange(NET_SEEDS)
ax.bar(seeds_axis - 0.2, b, 0.4, color="C0", label="only SGD right ($b$)")
ax.bar(seeds_axis + 0.2, c, 0.4, color="C4", label="only Adam right ($c$)")
for s_ in range(NET_SEEDS):
    ax.annotate(f"p = {p_values[s_]:.2f}", (s_, max(b[s_], c[s_]) + 0.5), ha="center",
                fontsize="small")
ax.set_xticks(seeds_axis)
ax.set_xlabel("seed (the same initial weights for both methods)")
ax.set_ylabel("test images (of 359)")
ax.set_ylim(0, max(b.max(), c.max()) + 3)
ax.set_title(f"Digits MLP after {GEN_EPOCHS} epochs: discordant test images, McNemar per seed")
ax.legend(fontsize="small", loc="upper left")
plt.show()

# %%
fit_sgd = wilson["SGD"]["train_loss"] < FIT_LOSS
fit_adaptive = {m: wilson[m]["train_loss"] < FIT_LOSS for m in ("Adagrad", "RMSprop", "Adam")}
sgd_err = float(np.max(wilson["SGD"]["test"][fit_sgd]))
adaptive_errs = np.concatenate([wilson[m]["test"][f] for m, f in fit_adaptive.items()])
bad_share = float(np.mean(adaptive_errs > 0.25))
# the note under the figure relies on these
assert all(np.all(wilson[m]["test"] == 0) for m in ("SGD", "Momentum"))
assert np.all(adaptive_errs == (y_test < 0).mean())
assert wilson["RMSprop"]["test"][-1] == 0 and not fit_adaptive["RMSprop"][-1]
sig_sgd = int(np.sum((p_values < 0.05) & (b > c)))
sig_adam = int(np.sum((p_values < 0.05) & (c > b)))
claim6 = (
    f"Wilson's construction: SGD's fitted solutions have test error at most {sgd_err:.3f}; "
    f"{bad_share:.0%} of the adaptive runs that fit the training data have test error above "
    f"0.25 (median {np.median(adaptive_errs):.3f}). Digits MLP trained to 100% training "
    f"accuracy, 5 seeds, same {n_test} test images: SGD minus Adam test accuracy "
    f"{diff.min():+.3f} to {diff.max():+.3f}; McNemar p from {p_values.min():.2f} to "
    f"{p_values.max():.2f}; significant (p < 0.05) for SGD on {sig_sgd}, for Adam on "
    f"{sig_adam} of 5 seeds."
)
if sgd_err < 0.05 and bad_share > 0.5:
    short6 = "supported on Wilson's construction"
else:
    short6 = "not reproduced on Wilson's construction"
if sig_sgd == sig_adam == 0:
    short6 += (f"; no significant difference on the digits MLP (McNemar p ≥ 0.05 on every seed; "
               f"differences below about {detect / n_test:.0%} are not detectable with 359 test "
               "images); the literature is split (Wilson et al. 2017 vs Choi et al. 2019, AdamW, "
               "transformers)")
elif sig_sgd > NET_SEEDS / 2 and sig_adam == 0:
    short6 += f"; SGD significantly better on the digits MLP ({sig_sgd} of 5 seeds)"
elif sig_adam > NET_SEEDS / 2 and sig_sgd == 0:
    short6 += f"; Adam significantly better on the digits MLP ({sig_adam} of 5 seeds)"
else:
    short6 += (f"; mixed on the digits MLP (significant for SGD on {sig_sgd}, for Adam on "
               f"{sig_adam} of 5 seeds)")
verdicts.append(("6. generalise worse", claim6, short6))
print(claim6)
print("Verdict:", short6)

# %% [markdown]
# A null result from a paired test is informative only together with its power: with a few
# dozen discordant images a difference of a couple of percentage points is invisible (the
# last line of the cell above the figure says how large it must be). Our network neither
# confirms nor refutes Wilson et al.'s empirical claim; it says that on this small, easy task,
# trained to fit, the two optimizers do not differ by more than that. Five other seeds (5–9,
# with another minibatch order, run offline) agree: SGD minus Adam test accuracy from −0.017 to
# +0.008, McNemar p from 0.15 to 1.00, none significant.
#
# ## 8. The verdicts
#
# Computed from the measurements above:

# %%
from IPython.display import Markdown, display

table = ["| claim | measured | verdict |", "|---|---|---|"]
verdicts.sort(key=lambda v: v[0])  # by claim number (the network's rows after the bench's)
table += [f"| {claim} | {measured} | **{short}** |" for claim, measured, short in verdicts]
display(Markdown("\n".join(table)))
for claim, _, short in verdicts:
    print(f"{claim:36s} {short}")

# %% [markdown]
# ## Summary
#
# * A fair comparison tunes every method's learning rate; "faster" then depends on the problem
#   and on the measure. Adaptive methods win big where the difficulty is aligned with the
#   coordinates (diagonal curvature, badly scaled features); a tuned heavy ball is a strong
#   baseline elsewhere. These labels survive a run ten times longer. On the network, timed to a
#   loose target, Adam is a few epochs faster than SGD and about as fast as tuned momentum.
# * "Less sensitive to η" depends on the budget: at 1,000 steps Adam's window is the widest,
#   but its largest learning rates had only *looked* converged — with a constant η they burst
#   back at the edge of stability (claim 5) — and in runs ten times longer momentum's window is
#   the wider one. On the network the windows differ by at most one grid point. The window's
#   location moves with the problem for every method.
# * Adam's default $\eta = 10^{-3}$ is slow rather than wrong on our problems: behind tuned at
#   short budgets (more than 1% of the gap left on every bench problem after 1,000 steps; 5 to
#   10 points of accuracy after 10 epochs), close to tuned given ten times the budget.
# * The sparse-feature advantage is real, but the controls attribute it to unequal feature
#   scales, not to sparsity: matched dense features show a larger median advantage.
# * Adaptive methods can overshoot, cycle (RMSprop with constant η), undo an apparent
#   convergence and keep bursting at the edge of stability (Adam with constant η, visible only
#   in a run ten times longer than one that looks converged), or converge to the wrong point
#   (Reddi et al.'s problem).
# * Wilson et al.'s construction proves that adaptive methods *can* generalise worse, because
#   they find a different zero-loss solution than SGD's minimum-norm one; the empirical
#   literature is split, and on our small network a paired test finds no significant
#   difference (with the power to see about 2 points). Report such claims with the conditions
#   — problem, budget, seeds, tuning — under which they were measured.
#
# **Now try** [exercises/09_claims_tested.ipynb](../exercises/09_claims_tested.ipynb): the
# minimum-norm solution, Wilson's dataset, steps-to-tolerance and the learning-rate window.
# Next: [10 — the playground](10_playground.ipynb), where every optimizer meets every objective
# under your hands.
