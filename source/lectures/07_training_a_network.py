# %% [markdown]
# # 07 — Training a network with every optimizer
#
# Lectures 01–06 derived gradient descent, momentum, Adagrad, RMSprop and Adam on 2-D test
# functions and on a linear model. Lecture 06 ended with a question those problems cannot
# answer: adaptive methods are said to make **real** training converge faster and to need
# **less tuning** of the learning rate. This lecture tests both claims on a real task —
# recognizing handwritten digits with a small neural network — with the gradients computed by
# hand.
#
# **Learning goals.** After this lecture you can
#
# 1. derive backpropagation for a multilayer perceptron (linear layers, ReLU, softmax
#    cross-entropy), implement it in NumPy and check it against finite differences;
# 2. train one network with SGD, momentum, Adagrad, RMSprop, Adam and AdamW, and read loss and
#    accuracy curves against epochs and against wall-clock time;
# 3. run a learning-rate sensitivity study (a grid of learning rates × several seeds) and train
#    all of its networks at once by stacking them along a "replica" axis;
# 4. say what the data support about "adaptive methods need less tuning" — and what they don't.

# %%
import os

# The matrices here are tiny: one BLAS thread beats several that must synchronize. (This works
# when it runs before NumPy is first imported in the kernel, as in a fresh kernel.)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup

setup()

# %% [markdown]
# ## 1. Where lecture 06 leaves us, and the data
#
# On the 2-D objectives of lecture 06 no method won everywhere, and Adam's best learning rate
# was far from its default $10^{-3}$. Those problems are deterministic and two-dimensional;
# adaptive methods were designed for noisy minibatch gradients in many dimensions. So we now
# train a network with 2,410 parameters on minibatches of real images.
#
# The data: scikit-learn's 8×8 handwritten digits (1,797 images, shipped inside scikit-learn,
# never downloaded). `adamlib.data.load` splits them, per class, into training, validation and
# test sets. The **validation** set chooses learning rates; the **test** set is looked at only
# for the final numbers.

# %%
from adamlib.data import load, minibatches

digits = load("digits", seed=0)
X_train, y_train = digits.X_train, digits.y_train
X_val, y_val = digits.X_val, digits.y_val
X_test, y_test = digits.X_test, digits.y_test
print(digits.description)
counts = np.bincount(y_train)
print(f"training images per class: {counts.min()} to {counts.max()}")

examples = [np.flatnonzero(y_train == k)[:2] for k in range(10)]  # two images per class
mosaic = np.block([[X_train[pair[row]].reshape(8, 8) for pair in examples] for row in (0, 1)])
fig, ax = plt.subplots(figsize=(8, 1.9))
ax.imshow(np.pad(mosaic, 1, constant_values=0.5), cmap="gray_r", vmin=0, vmax=1)
ax.set_xticks(np.arange(10) * 8 + 4.5, [str(k) for k in range(10)])
ax.set_yticks([])
ax.set_xlabel("class (two training images each)")
ax.set_title("Handwritten digits: 8×8 pixels, intensities in [0, 1]")
plt.show()

# %% [markdown]
# ## 2. The network and its gradient
#
# A **multilayer perceptron** with one hidden layer of 32 units maps a batch $X$ of $B$ images
# (shape $B \times 64$) to 10 class scores, the **logits** $Z_2$:
#
# $$Z_1 = X W_1 + b_1, \qquad A_1 = \operatorname{relu}(Z_1) = \max(Z_1, 0), \qquad
#   Z_2 = A_1 W_2 + b_2 ,$$
#
# with $W_1$ of shape $64 \times 32$, $b_1$ of 32, $W_2$ of $32 \times 10$ and $b_2$ of 10:
# $2{,}048 + 32 + 320 + 10 = 2{,}410$ parameters. The **softmax** turns logits into
# probabilities $p_{ik} = e^{Z_{ik}} / \sum_j e^{Z_{ij}}$, and the loss is the mean
# **cross-entropy**, the negative log-probability of the true class $y_i$:
#
# $$L = \frac1B \sum_{i=1}^B \ell_i, \qquad
#   \ell_i = -\log p_{i y_i} = \log \sum_j e^{Z_{ij}} - Z_{i y_i} .$$
#
# **Numerically**, $e^{Z}$ overflows for logits above about 709. The log-sum-exp trick subtracts
# the row maximum $m_i = \max_j Z_{ij}$ first, $\log \sum_j e^{Z_{ij}} = m_i + \log \sum_j
# e^{Z_{ij} - m_i}$: every exponent is then $\le 0$ and the sum is at least 1.
#
# **Backpropagation** applies the chain rule from the loss backwards; write $dQ$ for
# $\partial L / \partial Q$, an array of the same shape as $Q$.
#
# 1. *Softmax cross-entropy.* $\partial \ell_i / \partial Z_{ik} = p_{ik} - [k = y_i]$, so
#    $dZ_2 = (P - Y)/B$ with $Y$ the one-hot labels: predicted minus true distribution. The
#    $1/B$ comes from the mean, and it is the only place where the batch size appears.
# 2. *A linear layer* $Z = XW + b$, i.e. $Z_{ik} = \sum_j X_{ij} W_{jk} + b_k$. Each $W_{jk}$
#    touches every row $i$, so its gradient sums over the batch:
#    $dW_{jk} = \sum_i X_{ij}\, dZ_{ik}$, that is $dW = X^\top dZ$; likewise
#    $db_k = \sum_i dZ_{ik}$ and $dX_{ij} = \sum_k dZ_{ik} W_{jk}$, that is $dX = dZ\, W^\top$.
#    A check that catches most mistakes: every gradient has the shape of what it differentiates.
# 3. *ReLU.* $dZ_1 = dA_1 \odot [Z_1 > 0]$: the gradient passes where the unit was active.
#    (For $\tanh$: $dZ = dA \odot (1 - A^2)$.)
#
# From scratch, for this network:

# %%
def forward_backward(W1, b1, W2, b2, X, y):
    """Mean cross-entropy of the 64-32-10 ReLU network on (X, y), and its gradient."""
    B = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)  # log-sum-exp trick
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(B), y].mean()

    dZ2 = np.exp(log_p)  # softmax probabilities P ...
    dZ2[np.arange(B), y] -= 1.0  # ... minus the one-hot labels Y ...
    dZ2 /= B  # ... divided by B (the loss is a mean)
    dW2, db2 = A1.T @ dZ2, dZ2.sum(axis=0)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (Z1 > 0)
    dW1, db1 = X.T @ dZ1, dZ1.sum(axis=0)
    return loss, [dW1, db1, dW2, db2]


# %% [markdown]
# `adamlib.nn.MLP` is the same network, written with one small class per layer
# (`Linear`, `ReLU`, `Tanh`, each with `forward` and `backward`). Weights start from He
# initialization, $W \sim \mathcal N(0, 2/\text{fan-in})$, which keeps the size of ReLU
# activations constant from layer to layer; biases start at 0. It exposes `params` and `grads`,
# two lists in the same order, so it plugs straight into `adamlib.optim`:
# `loss = model.loss_and_grad(X, y); opt.step(model.grads)`.
#
# Our function and the package agree, and both agree with **central finite differences**
# $\big(L(\theta + h e_k) - L(\theta - h e_k)\big)/2h$ for every one of the 2,410 parameters:

# %%
from adamlib.nn import MLP, finite_difference_grad

model = MLP([64, 32, 10], activation="relu", seed=0)
print(model, f"with {model.n_params} parameters")
Xb, yb = X_train[:32], y_train[:32]
loss, grads = forward_backward(*model.params, Xb, yb)
assert np.isclose(loss, model.loss_and_grad(Xb, yb), rtol=1e-14, atol=0)
for g, g_lib in zip(grads, model.grads):
    np.testing.assert_allclose(g, g_lib, rtol=1e-12, atol=1e-15)
print("from-scratch loss and gradients equal adamlib.nn.MLP's")

# %%
report = []  # printed at the end: one output however long the checks take
for name, p, g in zip(["W1", "b1", "W2", "b2"], model.params, grads):
    fd = finite_difference_grad(lambda: forward_backward(*model.params, Xb, yb)[0], p, h=1e-6)
    rel = np.abs(g - fd).max() / np.abs(fd).max()
    assert rel < 1e-6
    report.append(f"{name} {str(p.shape):>8}: backprop and finite differences agree "
                  f"(largest difference < 1e-6 of the largest gradient entry)")
print("\n".join(report))

# %% [markdown]
# ## 3. Six optimizers, one network
#
# Every optimizer trains the same network on the same sequence of minibatches of 32 images for
# 15 epochs (an epoch is one pass over the 1,079 training images: 34 steps). A single training
# run is one draw of the initial weights and of the minibatch order, so we train **five**
# networks per optimizer, seeds 0 to 4 (seed $s$ fixes both; every optimizer sees the same five
# networks and orders), and report the median and the range over the seeds.
# `MLP(sizes, seed=[0, 1, 2, 3, 4])` builds the five networks as one stack, trained in the same
# NumPy calls (section 4 explains how); `adamlib.optim` updates the stack like any parameter.
#
# Each optimizer gets the learning rate one would try first: PyTorch's default for the
# adaptive methods ($10^{-2}$ for Adagrad and RMSprop, $10^{-3}$ for Adam and AdamW, whose
# weight decay is PyTorch's $10^{-2}$), $0.1$ for SGD, and $0.01$ with $\beta = 0.9$ for
# momentum — the same long-run step $\eta/(1-\beta) = 0.1$ (lecture 03). Section 4 asks how much
# these choices matter.
#
# After every epoch we record the training loss and the validation loss and accuracy (over the
# whole sets), and the training time so far — the time spent in the training steps only, not
# in these evaluations. A progress bar (`tqdm`) shows the progress live; the notebook stores
# it in its final state, without the timings (they change from run to run).

# %%
import time

from adamlib.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from adamlib.progress import progress_bar


def progress(total, desc):
    """A tqdm bar (unit: epochs); a saved notebook keeps one line with its final count."""
    return progress_bar(total=total, desc=desc, unit="epoch")


SIZES, BATCH, EPOCHS = [64, 32, 10], 32, 15
SEEDS = [0, 1, 2, 3, 4]
OPTIMIZERS = {  # name: (class, hyperparameters other than lr, the learning rate tried first)
    "SGD": (SGD, {}, 0.1),
    "SGD + momentum": (SGD, {"momentum": 0.9}, 0.01),
    "Adagrad": (Adagrad, {}, 1e-2),
    "RMSprop": (RMSprop, {}, 1e-2),
    "Adam": (Adam, {}, 1e-3),
    "AdamW": (AdamW, {}, 1e-3),
}


def evaluate(model):
    return (model.loss(X_train, y_train), model.loss(X_val, y_val),
            model.accuracy(X_val, y_val))


def train(optimizer, hyper, lr, seeds=SEEDS, epochs=EPOCHS, bar=None):
    """Train one fresh network per seed, as a stack. Return the stack and its history: for
    every epoch (row 0 = start) the training loss, validation loss and accuracy of each network,
    shape (epochs + 1, seeds), and the training time so far, shape (epochs + 1,)."""
    model = MLP(SIZES, seed=list(seeds))
    opt = optimizer(model.params, lr=lr, **hyper)
    rngs = [np.random.default_rng(1000 + s) for s in seeds]  # minibatch orders, apart from weights
    seconds, history = [0.0], [evaluate(model)]
    for epoch in range(epochs):
        start = time.perf_counter()
        for batches in zip(*(minibatches(len(y_train), BATCH, rng) for rng in rngs)):
            idx = np.stack(batches)  # (seeds, batch): each network its own minibatch
            model.loss_and_grad(X_train[idx], y_train[idx])
            opt.step(model.grads)
        seconds.append(seconds[-1] + time.perf_counter() - start)
        history.append(evaluate(model))
        if bar is not None:
            bar.update()
    curves = dict(zip(["train_loss", "val_loss", "val_acc"], np.array(history).transpose(1, 0, 2)))
    return model, {**curves, "seconds": np.array(seconds)}


runs = {}
with progress(len(OPTIMIZERS) * EPOCHS, f"6 optimizers × {len(SEEDS)} seeds") as bar:
    for name, (optimizer, hyper, lr) in OPTIMIZERS.items():
        runs[name] = train(optimizer, hyper, lr, bar=bar)

# %% [markdown]
# Wall-clock times change from run to run and from machine to machine, and this notebook is
# rebuilt byte for byte, so the time axis below uses the seconds per epoch measured by
# `benchmarks/bench_lecture07.py` (one full run on 2026-11-22): the fastest of 9 epochs of each
# optimizer training one network, on the course's 2-core build machine, one BLAS thread. Such
# ratios move with the machine and its load: two `--quick` reruns on the same machine under
# load (2026-12-05) gave Adam 1.19 to 1.23 and AdamW 1.19 to 1.30 times SGD's epoch. Set
# `LIVE_TIMES = True` to
# plot the times measured while training above (five networks at once), on your machine,
# instead.

# %%
LIVE_TIMES = False
SECONDS_PER_EPOCH = {"SGD": 0.0061, "SGD + momentum": 0.0063, "Adagrad": 0.0066,
                     "RMSprop": 0.0068, "Adam": 0.0074, "AdamW": 0.0074}
cost = {name: SECONDS_PER_EPOCH[name] / SECONDS_PER_EPOCH["SGD"] for name in OPTIMIZERS}
print("cost of an epoch relative to SGD: " + ", ".join(f"{n} {c:.2f}" for n, c in cost.items()))
assert 1.15 < cost["Adam"] < 1.25  # "about a fifth more" below (these constants; see above)

fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharey="row")
for i, (name, (model, h)) in enumerate(runs.items()):
    label = f"{name}, η = {OPTIMIZERS[name][2]:g}"
    seconds = h["seconds"] if LIVE_TIMES else np.arange(EPOCHS + 1) * SECONDS_PER_EPOCH[name]
    for row, key in enumerate(["train_loss", "val_acc"]):
        for ax, x in zip(axes[row], [np.arange(EPOCHS + 1), seconds]):
            ax.fill_between(x, h[key].min(axis=1), h[key].max(axis=1), color=f"C{i}", alpha=0.2,
                            lw=0)
            ax.plot(x, np.median(h[key], axis=1), color=f"C{i}", label=label)
for ax in axes[0]:
    ax.set_yscale("log")
    ax.set_ylabel("training loss (cross-entropy)")
ACC_FLOOR = 0.8  # the accuracy axis starts here, to separate the curves near the top
last_below = {name: int(np.flatnonzero(np.median(h["val_acc"], axis=1) < ACC_FLOOR).max())
              for name, (_, h) in runs.items()}
cut_off = "; ".join(("epoch 0" if e == 0 else f"epochs 0–{e}") + ": "
                    + ", ".join(n.replace("SGD + momentum", "momentum") for n in runs
                                if last_below[n] == e)
                    for e in sorted(set(last_below.values())))
for ax in axes[1]:
    ax.set_ylim(ACC_FLOOR, 1.0)
    ax.set_ylabel(f"validation accuracy (axis from {ACC_FLOOR})")
for ax in axes[:, 0]:
    ax.set_xlabel("epoch")
for ax in axes[:, 1]:
    ax.set_xlabel("training time (s)" + (", measured now (five networks)" if LIVE_TIMES else
                                         ", from benchmarks/bench_lecture07.py"))
axes[0, 0].set_title("Training loss against epochs")
axes[0, 1].set_title("Training loss against wall-clock time")
axes[1, 0].set_title(f"Validation accuracy against epochs\nmedians below {ACC_FLOOR}, cut "
                     f"off: {cut_off}", fontsize="small")
axes[1, 1].set_title("Validation accuracy against wall-clock time\n(the same early epochs cut "
                     "off as on the left)", fontsize="small")
axes[0, 0].legend(title=f"median and range over {len(SEEDS)} seeds", fontsize="small",
                  title_fontsize="small")
fig.suptitle("First-try learning rates (Adam's curves lie under AdamW's; SGD's and momentum's "
             "nearly coincide)")
plt.tight_layout()
plt.show()

# %%
test_acc = {name: model.accuracy(X_test, y_test) for name, (model, _) in runs.items()}
final = {name: {"train loss": h["train_loss"][-1], "val loss": h["val_loss"][-1],
                "val acc": h["val_acc"][-1], "test acc": test_acc[name]}
         for name, (_, h) in runs.items()}
MEASURES = ["train loss", "val loss", "val acc", "test acc"]


def spread(x, percent=False):
    """median [min–max] of an array over seeds, as text."""
    f = (lambda v: f"{100 * v:.1f}") if percent else (lambda v: f"{v:.3f}")
    return f"{f(np.median(x))} [{f(x.min())}–{f(x.max())}]"


print(f"after {EPOCHS} epochs, median [min–max] over {len(SEEDS)} seeds; accuracies in %")
print(f"{'':<16}{'lr':>6}" + "".join(f"{m:>22}" for m in MEASURES))
for name, r in final.items():
    print(f"{name:<16}{OPTIMIZERS[name][2]:>6g}" + "".join(
        f"{spread(r[m], m.endswith('acc')):>22}" for m in MEASURES))

median = {m: {n: np.median(final[n][m]) for n in final} for m in MEASURES}
others = [n for n in final if n != "RMSprop"]
ratio = median["train loss"]["Adam"] / median["train loss"]["SGD"]
adam_above_sgd = int((final["Adam"]["train loss"] > final["SGD"]["train loss"]).sum())
seed_ratio = final["Adam"]["train loss"] / final["SGD"]["train loss"]  # same network, seed by seed
gap = np.concatenate([final[n]["val acc"] - final[n]["test acc"] for n in final])
decay = 1 - (1 - 1e-3 * 1e-2) ** (EPOCHS * 34)
print(f"\nRMSprop's highest training loss over the seeds, {final['RMSprop']['train loss'].max():.3f},"
      f" is below every other run's lowest, "
      f"{min(final[n]['train loss'].min() for n in others):.3f}")
print(f"Adam's median training loss is {ratio:.1f} times SGD's; Adam's is higher on "
      f"{adam_above_sgd} of {len(SEEDS)} seeds (same network, same minibatches), by a factor "
      f"of {seed_ratio.min():.2f} to {seed_ratio.max():.2f}")
print(f"validation minus test accuracy, every optimizer and seed: median "
      f"{100 * np.median(gap):.1f} points, range {100 * gap.min():.1f} to {100 * gap.max():.1f}; "
      f"test below validation in {(gap > 0).sum()} of {gap.size} runs")
print(f"AdamW's decoupled decay shrinks each weight by {decay:.2%} over {EPOCHS * 34} steps")
# the text below relies on these
for m in MEASURES:
    pick = min if m.endswith("loss") else max
    assert pick(median[m], key=median[m].get) == "RMSprop"
assert final["RMSprop"]["train loss"].max() < min(final[n]["train loss"].min() for n in others)
assert 1.5 < ratio < 2.5 and adam_above_sgd == len(SEEDS) and 1.5 < seed_ratio.min()
assert seed_ratio.max() < 2.5
assert median["train loss"]["AdamW"] > median["train loss"]["SGD"]
assert np.isclose(median["train loss"]["SGD"], median["train loss"]["SGD + momentum"], rtol=0.05)
assert np.isclose(median["train loss"]["Adam"], median["train loss"]["AdamW"], rtol=0.05)
assert 0 < gap.min() and gap.max() < 0.06 and 0.005 < decay < 0.0055  # all 30 runs here

# %% [markdown]
# What the curves and the numbers say (medians over the five seeds, ranges in brackets) — at
# these first-try learning rates and after this fixed budget of **15 epochs**:
#
# * **RMSprop is ahead** on every measure, and far ahead on the training loss (its worst seed
#   beats every other run), while **Adam and AdamW**, at their famous default $10^{-3}$, are
#   **behind plain SGD**: Adam's training loss after 15 epochs is about twice SGD's, on every
#   seed (1.8 to 2.0 times, seed by seed; printed above). So after 15 epochs this experiment
#   does not show "adaptive methods converge faster": one adaptive method is the fastest and
#   others are slow. Section 4 shows that what differs is mostly the learning rate. (A check
#   with five other seeds, run offline, gives the same picture at 15 epochs: Adam's median
#   training loss 1.95 times SGD's, higher on every seed, RMSprop ahead on every measure.)
# * **The ranking at 15 epochs is not where training ends.** The same runs continued for ten
#   times the budget, 150 epochs (run offline, seeds 0–4 and 5–9), reverse it: Adam's training
#   loss is then about half of SGD's (median ratio 0.51 for seeds 0–4, 0.72 for seeds 5–9) and
#   lower on all ten seeds; Adam has the lowest median validation loss (0.064 for both seed
#   sets), and RMSprop, whose training loss goes to almost zero, ends with a *worse* median
#   validation loss than SGD (0.12 against 0.069 for seeds 0–4): it overfits. Adam's default
#   $10^{-3}$ is slow, not bad; which optimizer "wins" depends on when we stop.
# * **SGD and momentum** with the same long-run step $\eta/(1-\beta) = 0.1$ trace almost the
#   same curves: when the gradient changes slowly, momentum with $\eta$ behaves like SGD with
#   $\eta/(1-\beta)$ (lecture 03).
# * **Adam and AdamW** are nearly indistinguishable (Adam's curves are hidden under AdamW's):
#   AdamW's decoupled decay multiplies each weight by $1 - \eta\lambda = 1 - 10^{-5}$ per step,
#   about $0.5\%$ over these 510 steps (printed above).
# * **Against wall-clock time** the adaptive methods pay for their state: each step also
#   updates one or two buffers the size of the parameters, so in the benchmark run behind the
#   figure an Adam epoch cost about a fifth more than an SGD epoch (printed above the figure; a
#   loaded rerun gave a fifth to a third). That stretches their curves to the right.
# * The networks score **lower on the test set than on the validation set**: in all 30 runs
#   with seeds 0–4 (median gap and range printed above), and in most but not all runs with
#   other seeds (a check with seeds 5–9, run offline: 26 of 30 runs after 15 epochs, the gap
#   ranging from −1.1 to +5.0 points; after 150 epochs all 60 runs of seeds 0–9). The test
#   images of this split are harder. That is a property of the split, not of an optimizer, and
#   it is why test numbers are compared only with each other.
#
# ## 4. How sensitive is each optimizer to its learning rate?
#
# The comparison above depends on six learning rates picked in advance. A fair question is how
# the result depends on them. We work in the spirit of DeepOBS (Schneider et al., 2019): for
# each optimizer, a grid of **16 learning rates** from $10^{-4}$ to $10$, a third of a decade
# apart, each trained with the **5 seeds** of section 3 (seed = initial weights and minibatch
# order) for the same 15 epochs; the score is the **validation loss at the end of the budget**;
# we plot its median over the seeds and the band between the best and the worst seed. A run
# that diverges scores $+\infty$.
#
# That is $6 \times 16 \times 5 = 480$ trainings of a tiny network, where a Python loop spends
# most of its time on overhead rather than arithmetic. Instead, `MLP(sizes, seed=[s1, s2, ...])`
# builds a **stack of replicas** (section 3 used it for five seeds): every parameter gets a
# leading axis of length $R$ (here $16 \times 5 = 80$), replica $r$ is initialized exactly like
# `MLP(sizes, seed=s_r)`, and
# forward and backward passes of all replicas run in the same batched NumPy calls (`@` on
# arrays of shape $R \times B \times 64$). `benchmarks/bench_lecture07.py` times both ways.
# What `adamlib.optim` cannot do is give each replica its own learning rate — but every update
# rule of lectures 01–06 is a few lines, and a learning rate of shape $(R, 1, 1)$ broadcasts
# over the stack:

# %%
def per_replica(lr, p):
    """Learning rates (R,) shaped to broadcast over a stacked parameter (R, ...)."""
    return lr.reshape(-1, *[1] * (p.ndim - 1))


def sgd_rule(params, lr, momentum=0.0):
    """SGD (lecture 01) and heavy-ball momentum in PyTorch's convention (lecture 03)."""
    lrs = [per_replica(lr, p) for p in params]
    velocity = [np.zeros_like(p) for p in params]

    def step(grads):
        for p, g, v, a in zip(params, grads, velocity, lrs):
            if momentum:
                v *= momentum
                v += g
                g = v
            p -= a * g

    return step


def adagrad_rule(params, lr, eps=1e-10):
    """Adagrad (lecture 04): divide by the root of the sum of all squared gradients."""
    lrs = [per_replica(lr, p) for p in params]
    sum_sq = [np.zeros_like(p) for p in params]

    def step(grads):
        for p, g, s, a in zip(params, grads, sum_sq, lrs):
            s += g * g
            p -= a * g / (np.sqrt(s) + eps)

    return step


def rmsprop_rule(params, lr, alpha=0.99, eps=1e-8):
    """RMSprop (lecture 05): an EMA of squared gradients instead of their sum."""
    lrs = [per_replica(lr, p) for p in params]
    sq_avg = [np.zeros_like(p) for p in params]

    def step(grads):
        for p, g, s, a in zip(params, grads, sq_avg, lrs):
            s *= alpha
            s += (1 - alpha) * g * g
            p -= a * g / (np.sqrt(s) + eps)

    return step


def adam_rule(params, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """Adam (lecture 06); with weight_decay, AdamW's decoupled decay (lectures 06 and 08)."""
    lrs = [per_replica(lr, p) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0

    def step(grads):
        nonlocal t
        t += 1
        for p, g, m_, v_, a in zip(params, grads, m, v, lrs):
            if weight_decay:
                p *= 1 - a * weight_decay
            m_ *= beta1
            m_ += (1 - beta1) * g
            v_ *= beta2
            v_ += (1 - beta2) * g * g
            p -= a * (m_ / (1 - beta1**t)) / (np.sqrt(v_ / (1 - beta2**t)) + eps)

    return step


RULES = {
    "SGD": sgd_rule,
    "SGD + momentum": lambda params, lr: sgd_rule(params, lr, momentum=0.9),
    "Adagrad": adagrad_rule,
    "RMSprop": rmsprop_rule,
    "Adam": adam_rule,
    "AdamW": lambda params, lr: adam_rule(params, lr, weight_decay=1e-2),
}

# %% [markdown]
# `train_stack` trains the grid: replica $(s, k)$ has seed `seeds[s]` and learning rate
# `lrs[k]`, and sees exactly the minibatches that `train` shows the network with that seed.
# It works in float32, the default precision of deep-learning frameworks, which halves the
# memory traffic of float64. Runs whose learning rate is far too large overflow to inf and
# NaN; NumPy's warnings about that are silenced, and those replicas simply score $+\infty$.

# %%
def train_stack(rule, lrs, seeds, epochs=EPOCHS, dtype=np.float32, bar=None):
    """Train len(seeds) × len(lrs) networks at once. Return the stack, the validation loss of
    every network after every epoch, shape (epochs, seeds, lrs), and the final test accuracy,
    shape (seeds, lrs)."""
    S, K = len(seeds), len(lrs)
    seed_of = np.repeat(np.arange(S), K)  # replica -> index of its seed
    stack = MLP(SIZES, seed=[seeds[s] for s in seed_of], dtype=dtype)
    step = rule(stack.params, np.tile(lrs, S).astype(dtype))
    rngs = [np.random.default_rng(1000 + s) for s in seeds]  # the minibatch orders of train()
    X, X_v, X_t = (a.astype(dtype) for a in (X_train, X_val, X_test))
    val_loss = np.empty((epochs, S * K))
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            for batches in zip(*(minibatches(len(y_train), BATCH, rng) for rng in rngs)):
                idx = np.stack(batches)[seed_of]  # (replicas, batch): each replica its seed's
                stack.loss_and_grad(X[idx], y_train[idx])
                step(stack.grads)
            val_loss[epoch] = stack.loss(X_v, y_val)
            if bar is not None:
                bar.update()
        test_acc = stack.accuracy(X_t, y_test)
    val_loss[~np.isfinite(val_loss)] = np.inf  # diverged
    return stack, val_loss.reshape(epochs, S, K), test_acc.reshape(S, K)


# %% [markdown]
# Before trusting the grid, the same check as in every lecture: run the from-scratch rules in
# float64 for one epoch, and compare every replica with a network trained by `adamlib.optim`
# (each optimizer at its first-try learning rate and at a tenth of it).

# %%
for name, (optimizer, hyper, lr) in OPTIMIZERS.items():
    lrs = np.array([lr, lr / 10])
    stack, _, _ = train_stack(RULES[name], lrs, seeds=[3], epochs=1, dtype=np.float64)
    for k in range(len(lrs)):
        single, _ = train(optimizer, hyper, lrs[k], seeds=[3], epochs=1)
        for p_stack, p in zip(stack.params, single.params):
            np.testing.assert_allclose(p_stack[k], p[0], rtol=1e-9, atol=1e-12)
print("each from-scratch rule, replica by replica, equals adamlib.optim after one epoch")

# %% [markdown]
# The whole study, one stack of 80 networks per optimizer:

# %%
LRS = np.logspace(-4, 1, 16)  # 1e-4 ... 10, a third of a decade apart
assert len(RULES) * len(LRS) * len(SEEDS) == 480 and len(LRS) * len(SEEDS) == 80  # the text's
study = {}
with progress(len(RULES) * EPOCHS,
              f"{len(RULES)} optimizers × {len(LRS)} lrs × {len(SEEDS)} seeds") as bar:
    for name, rule in RULES.items():
        _, val_loss, test_acc = train_stack(rule, LRS, SEEDS, bar=bar)
        study[name] = {"val_loss_by_epoch": val_loss, "val_loss": val_loss[-1],
                       "test_acc": test_acc}

# %% [markdown]
# **Measuring sensitivity.** For each optimizer take the median validation loss over the seeds
# at each learning rate, and its best value over the grid. The learning rates whose median is
# within 10% of that best are "good"; their number times the grid spacing (a third of a decade)
# is the **width of the good range**, in decades. A wide range means a good learning rate is
# easy to find; a narrow one means it must be tuned. Widths come in steps of one grid point,
# a third of a decade: a difference of one step is at the resolution of the study.
#
# A second question is what happens when the learning rate is too *large*: the **margin** is the
# distance from the best learning rate up to the first one whose median loss is no better than
# guessing ($\ge \ln 10 \approx 2.30$, the loss of uniform probabilities over 10 classes).
#
# **Which digits are measurements.** Just above an optimizer's best learning rate, float32
# training over hundreds of steps is chaotic: the last bit of a matrix product, which depends on
# the CPU's kernels (OpenBLAS' core type, NumPy's AVX-512 or AVX2 loops) and on the NumPy
# release, grows into a different loss. The same grid run with other kernels moved medians
# there by 10–50% (momentum's at $\eta = 0.22$: 0.109 with one set of kernels, 0.126 with
# another), and a network that has stopped learning sits at almost exactly $\ln 10$, on the
# margin's threshold. So the tables below that contain margins and windows show this machine's
# run (yours may differ by a grid step; the test suite does not compare their digits), while
# the verdicts, and every claim in the text, are asserted on every machine.

# %% tags=["nbval-ignore-output"]
TOLERANCE = 0.10
SPACING = np.log10(LRS[1] / LRS[0])  # decades between neighbouring learning rates
CHANCE = np.log(10)


def sensitivity(val_loss):
    """Summary of a (seeds, lrs) array of final validation losses."""
    median = np.median(val_loss, axis=0)
    best = int(np.argmin(median))
    good = median <= (1 + TOLERANCE) * median[best]
    dead = np.flatnonzero((np.arange(len(LRS)) > best) & (median >= CHANCE))
    return dict(median=median, best=best, good=good, width=good.sum() * SPACING,
                margin=(dead[0] - best) * SPACING if dead.size else np.inf,
                contiguous=bool(np.all(np.diff(np.flatnonzero(good)) == 1)))


for r in study.values():
    r.update(sensitivity(r["val_loss"]))
assert all(r["contiguous"] for r in study.values()), "a good range has a hole: widths mislead"

print(f"after {EPOCHS} epochs    best lr  median val loss  test acc  width (10%)   margin")
for name, r in study.items():
    b = r["best"]
    print(f"{name:<16}{LRS[b]:>9.1e}{r['median'][b]:>17.3f}{np.median(r['test_acc'][:, b]):>10.1%}"
          f"{r['width']:>8.2f} dec{r['margin']:>8.2f} dec")

# %%
CEILING = 10.0  # losses above this (and diverged runs) are drawn at the ceiling
fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, sharey=True)
for i, (ax, (name, r)) in enumerate(zip(axes.flat, study.items())):
    shown = np.minimum(r["val_loss"], CEILING)
    ax.fill_between(LRS, shown.min(axis=0), shown.max(axis=0), color=f"C{i}", alpha=0.3,
                    label=f"min–max over {len(SEEDS)} seeds")
    ax.plot(LRS, np.minimum(r["median"], CEILING), "o-", color=f"C{i}", ms=3,
            label="median" if i == 0 else "_median")  # one legend, in SGD's panel
    good = LRS[r["good"]]
    ax.axvspan(good[0] / 10 ** (SPACING / 2), good[-1] * 10 ** (SPACING / 2), color="0.6",
               alpha=0.25, label="within 10% of the best median")
    ax.axhline(CHANCE, color="k", ls=":", lw=1, label="chance (ln 10)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.04, CEILING * 1.3)
    ax.set_title(f"{name}: good range {r['width']:.2f} decades")
axes[0, 0].legend(fontsize="small", loc="lower left")  # SGD's panel has room there
for ax in axes[1]:
    ax.set_xlabel("learning rate η")
for ax in axes[:, 0]:
    ax.set_ylabel(f"validation loss after {EPOCHS} epochs")
fig.suptitle(f"Learning-rate sensitivity on digits, DeepOBS style (losses above {CEILING:g} "
             f"and diverged runs drawn at {CEILING:g})")
plt.tight_layout()
plt.show()

# %% [markdown]
# The six panels on one axis: each median curve shifted so that its best learning rate sits at
# 1. A flat, wide valley means insensitivity.

# %%
fig, ax = plt.subplots(figsize=(9.5, 4.3))
for i, (name, r) in enumerate(study.items()):
    ax.plot(LRS / LRS[r["best"]], np.minimum(r["median"], CEILING), "o-", ms=3, color=f"C{i}",
            label=f"{name} (best η = {LRS[r['best']]:.1e})")
ax.axhline(CHANCE, color="k", ls=":", lw=1, label="chance (ln 10)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_ylim(0.04, CEILING * 1.3)
ax.set_xlabel("learning rate / best learning rate")
ax.set_ylabel(f"median validation loss after {EPOCHS} epochs")
ax.set_title("How fast does the loss degrade away from the best learning rate?")
ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
plt.tight_layout()
plt.show()

# %% [markdown]
# **The verdict.** The folklore makes three testable predictions about Adagrad, RMSprop, Adam
# and AdamW against SGD and momentum, each optimizer at its own best learning rate of the grid:
# they reach a lower validation loss within the budget (they "converge faster"), they have a
# wider good range (they "need less tuning"), and they have a larger margin above their best
# learning rate. A verdict from one training budget could be luck, so the validation losses
# recorded after 5 and 10 epochs give two more budgets for free. A prediction counts as
# supported only if **every** adaptive method beats **both** non-adaptive ones at **every**
# budget; the cell prints the verdict that the numbers give (it would print a different one if
# the data said otherwise).

# %% tags=["nbval-ignore-output"]
ADAPTIVE = ["Adagrad", "RMSprop", "Adam", "AdamW"]
NON_ADAPTIVE = ["SGD", "SGD + momentum"]
BUDGETS = [5, 10, EPOCHS]
CLAIMS = {  # measure: (what the folklore predicts for adaptive methods, the claim)
    "best loss": ("smaller", "reach a lower validation loss at their best learning rate"),
    "width": ("larger", f"have a wider good range (within {TOLERANCE:.0%} of their best)"),
    "margin": ("larger", "have a larger margin above their best learning rate"),
}


def compare(values):
    """'larger', 'smaller' or 'overlap': every adaptive method against SGD and momentum."""
    adaptive = [values[n] for n in ADAPTIVE]
    plain = [values[n] for n in NON_ADAPTIVE]
    if min(adaptive) > max(plain):
        return "larger"
    if max(adaptive) < min(plain):
        return "smaller"
    return "overlap"


outcomes = {measure: [] for measure in CLAIMS}
by_budget = {}
print("this machine's run (widths and margins can differ by a grid step with other CPU kernels):")
print(f"{'':<24}" + "".join(f"{n:>9}" for n in ["SGD", "momentum", *ADAPTIVE]) + "  adaptive")
for epochs in BUDGETS:
    by_budget[epochs] = {n: sensitivity(r["val_loss_by_epoch"][epochs - 1])
                         for n, r in study.items()}
    for measure in CLAIMS:
        values = {n: (b["median"][b["best"]] if measure == "best loss" else b[measure])
                  for n, b in by_budget[epochs].items()}
        outcomes[measure].append(compare(values))
        print(f"{measure + f', {epochs} epochs':<24}"
              + "".join(f"{values[n]:>9.3g}" for n in study) + f"  {outcomes[measure][-1]}")

# %% [markdown]
# The verdicts compare whole groups, with a grid step or more between them, so they are the same
# with every set of kernels tried:

# %%
for measure, (predicted, claim) in CLAIMS.items():
    opposite = {"larger": "smaller", "smaller": "larger"}[predicted]
    found = outcomes[measure]
    if all(o == predicted for o in found):
        verdict = f"SUPPORTED at every budget (seeds {SEEDS[0]}–{SEEDS[-1]})"
    elif all(o == opposite for o in found):
        verdict = "CONTRADICTED at every budget"
    else:
        verdict = "NOT SUPPORTED (" + ", ".join(
            f"{o} after {e} epochs" for o, e in zip(found, BUDGETS)) + ")"
    print(f"Adaptive methods {claim}: {verdict}")

# %%
best_loss = {n: r["median"][r["best"]] for n, r in study.items()}
best_lr = {n: LRS[r["best"]] for n, r in study.items()}
at_best = {n: r["val_loss"][:, r["best"]] for n, r in study.items()}  # (seeds,) at the best lr
seed_range = {n: v.max() - v.min() for n, v in at_best.items()}
widths = [b[n]["width"] for b in by_budget.values() for n in study]
margins = {n: [by_budget[e][n]["margin"] for e in BUDGETS] for n in study}
i_default = int(np.argmin(np.abs(np.log10(LRS) + 3)))  # η = 1e-3 on the grid
adam_default = study["Adam"]["median"][i_default]
first_try = {n: OPTIMIZERS[n][2] for n in study}
decades_below = {n: np.log10(best_lr[n] / first_try[n]) for n in study}  # best over first try
at_top = {n: study[n]["median"][-1] for n in study}  # median val loss at the top of the grid
print(f"after {EPOCHS} epochs, validation loss at each optimizer's best learning rate, "
      f"median [min–max] over {len(SEEDS)} seeds:")
print("  " + "; ".join(f"{n} {spread(v)}" for n, v in at_best.items()))
print(f"the six best medians span {min(best_loss.values()):.3f} to "
      f"{max(best_loss.values()):.3f} (a difference of "
      f"{max(best_loss.values()) - min(best_loss.values()):.3f}); the seeds of one optimizer "
      f"span up to {max(seed_range.values()):.3f}")
print(f"good ranges at the three budgets: {min(widths):.2f} to {max(widths):.2f} decades")
print(f"best learning rates: {min(best_lr.values()):.1e} to {max(best_lr.values()):.1e}")
print(f"Adam at its default lr {LRS[i_default]:.0e}: median validation loss {adam_default:.3f}, "
      f"{adam_default / best_loss['Adam']:.1f} times its best")
print("best grid lr over the lr of section 3, in decades: "
      + ", ".join(f"{n} {d:.2f}" for n, d in decades_below.items()))
# diverging runs: which side of chance (and of the plot's ceiling) they end on is the
# measurement; their digits change with the CPU's kernels
def side_of_chance(v):
    if v > CEILING:
        return "> " + format(CEILING, "g")
    if v > CHANCE:
        return "> ln 10"
    return "< ln 10" + (", > 0.75 ln 10" if v > 0.75 * CHANCE else "")


print(f"median validation loss at eta = {LRS[-1]:g} (chance: ln 10 = {CHANCE:.2f}): " + ", ".join(
    f"{n} {side_of_chance(v)}" for n, v in at_top.items()))
# the text below relies on these
assert all(o == "overlap" for o in outcomes["best loss"])
assert max(best_loss.values()) - min(best_loss.values()) < max(seed_range.values())
assert abs(decades_below["RMSprop"]) < 1e-9  # RMSprop's first try is its best grid lr ...
assert all(d > 0.6 for n, d in decades_below.items() if n != "RMSprop")  # ... no one else's
assert all(at_top[n] > CHANCE for n in study if n != "Adagrad")  # worse than chance at eta = 10
assert 0.75 * CHANCE < at_top["Adagrad"] < CHANCE  # Adagrad: below chance, but only just
assert "larger" not in outcomes["width"] and max(widths) <= 2 / 3 + 1e-9
assert all(o == "larger" for o in outcomes["margin"])
assert all(1 / 3 - 1e-9 <= m <= 2 / 3 + 1e-9 for m in margins["SGD"])
assert all(np.isclose(m, 1.0) for m in margins["SGD + momentum"])
assert all(np.isinf(m) for m in margins["Adagrad"])
assert max(best_lr.values()) / min(best_lr.values()) > 10 and adam_default > 2 * best_loss["Adam"]

# %% [markdown]
# What the study says — on this network, this data set and these budgets:
#
# * **"Adaptive methods converge faster", read as a lower validation loss within the budget: not
#   supported.** With every optimizer at its own best learning rate, the best median
#   validation losses of the six overlap at every budget: some adaptive methods are ahead of
#   SGD and momentum and some behind, and the six medians differ by less than the largest seed
#   spread of a single optimizer (printed above). RMSprop's lead in section 3 came from its
#   learning rate, not from adaptivity: its first-try $\eta = 10^{-2}$ is its best grid
#   learning rate, while every other optimizer's first try lies two thirds of a decade or more
#   below its best (printed above); tuned, RMSprop is no longer ahead.
# * **"Adaptive methods need less tuning", read as a wider good range: not supported.** Every
#   optimizer's good range is one or two grid points (a third to two thirds of a decade, a
#   factor of 2 to 5 in $\eta$) at every budget, adaptive or not.
# * **The best learning rates differ by more than a decade between optimizers**, and Adam's
#   default $10^{-3}$ is far from Adam's best here (its loss there is printed above): a
#   learning rate does not transfer from one optimizer to another, and a default is a starting
#   point, not a tuning — as in lecture 06.
# * **A larger margin above the best learning rate — at these budgets, for these five seeds.**
#   SGD trains best just below a cliff: a third to two thirds of a decade higher, the network
#   ends no better than chance. Momentum keeps one decade of margin and every adaptive method
#   more; for seeds 0–4 Adagrad's median does not reach chance anywhere on the grid, but only
#   just (its median at $\eta = 10$ is between 0.75 and 1 times $\ln 10 \approx 2.30$, about
#   2.0–2.1 depending on the CPU's kernels). Lecture
#   06's bound $|\Delta x| \lesssim \eta$ is at work: a step normalized by the gradient's
#   running size cannot blow up with the gradient. But the verdict is **not robust**: a check
#   with seeds 5–9, run offline, gives momentum a margin of 1.33 decades after 10 epochs, as
#   large as Adam's (AdamW 1.67), so the margins overlap; with all ten seeds they overlap after
#   10 epochs; after 150 epochs they overlap for every seed set (momentum 2.00 decades, AdamW
#   1.33, for seeds 0–4); and with seeds 5–9 Adagrad reaches chance 1.67 to 2.33 decades above
#   its best. Nor is a larger margin a graceful failure: far above the best $\eta$ the adaptive
#   methods fail too — at $\eta = 10$ every optimizer except Adagrad ends worse than chance
#   (printed above), RMSprop far worse.
#
# ### What exactly this measures, and why lecture 09 answers differently
#
# [Lecture 09](09_claims_tested.ipynb) tests the same two claims and finds, on most of its
# problems, Adam *faster* than SGD, and with a *wider* good window after 1,000 steps (in runs
# ten times longer no longer wider than momentum's). Both lectures are right about what they
# measure; they measure different things:
#
# | | this lecture (07) | lecture 09 |
# |---|---|---|
# | problem | a 2,410-parameter network on digits; minibatches of 32, so noisy gradients | 2-D test functions and small regression and classification problems; full gradients |
# | budget | 5, 10 and 15 epochs (170, 340 and 510 steps) | 1,000 steps |
# | seeds | 5 (initial weights and minibatch order), median and range shown | deterministic |
# | "faster" | the lowest median **validation loss reached within the budget** (a level) | the fewest **steps to reach** $f - f^* \le 10^{-6}\,(f(x_0) - f^*)$ (a time to a tight tolerance) |
# | "good range" | learning rates whose median validation loss is **within 10% of the optimizer's own best** (relative) | learning rates that **reach the tolerance** within the budget (absolute) |
#
# The validation loss of this network cannot go to zero: after a few epochs it is limited by
# how well 1,079 images generalise, not by the optimizer, so a level at a fixed budget asks
# where training ends up — and every tuned optimizer ends up in about the same place. A
# tolerance of $10^{-6}$ on a deterministic problem asks how fast an optimizer converges, which
# is where a per-coordinate scaling pays off on badly scaled problems. Measured lecture 09's
# way on this network — for each network the epochs until its validation loss first reaches a
# fixed target, then the median of these over the seeds (at the learning rate where that
# median is smallest), and the learning rates whose median validation loss after the budget
# reaches the target — the answers are:

# %%
TARGET = 0.12  # a validation loss that every optimizer reaches within 15 epochs


def epochs_to_target(val_loss_by_epoch):
    """Epochs until the validation loss is first <= TARGET, shape (seeds, lrs); inf: never."""
    hit = val_loss_by_epoch <= TARGET
    return np.where(hit.any(axis=0), hit.argmax(axis=0) + 1.0, np.inf)


def window_width(median, target):
    """Decades of grid learning rates whose median final validation loss is <= target."""
    return (median <= target).sum() * SPACING


speed, window, per_seed, shown_window = {}, {}, {}, {}
print(f"epochs until each network's validation loss is <= {TARGET}, median over the seeds "
      f"(at the learning rate\nwhere it is smallest; range over the seeds there):")
for n, r in study.items():
    reach = epochs_to_target(r["val_loss_by_epoch"])
    median_reach = np.median(reach, axis=0)
    k = int(np.argmin(median_reach))
    speed[n] = median_reach[k]
    per_seed[n] = reach.min(axis=1)  # each network at its own fastest learning rate
    window[n] = window_width(r["median"], TARGET)
    low, high = window_width(r["median"], 0.95 * TARGET), window_width(r["median"], 1.05 * TARGET)
    shown_window[n] = f"{window[n]:.2f}" if low == high else f"{low:.2f} to {high:.2f}"
    window[n] = (low, high)
    print(f"  {n:<16}{speed[n]:>3.0f} epochs [{reach[:, k].min():.0f}–{reach[:, k].max():.0f}]"
          f" at η = {LRS[k]:.1e}")


def rule_09(a, b):
    """Lecture 09's rule: 'faster' with at least 25% fewer steps, 'slower' mirrored."""
    return "faster" if a <= 0.75 * b else "slower" if b <= 0.75 * a else "similar"


print("by lecture 09's rule: " + "; ".join(
    f"{n} vs SGD {rule_09(speed[n], speed['SGD'])}, vs momentum "
    f"{rule_09(speed[n], speed['SGD + momentum'])}" for n in ADAPTIVE))
adam_wins = sum(rule_09(a, b) == "faster" for a, b in zip(per_seed["Adam"], per_seed["SGD"]))
print(f"seed by seed (same network, each optimizer at its fastest learning rate for that seed), "
      f"Adam is faster than SGD by 09's rule on {adam_wins} of {len(SEEDS)} seeds")
# the text below relies on these
assert all(np.isfinite(s) for s in speed.values())
assert rule_09(speed["Adam"], speed["SGD"]) == "faster"
assert all(speed[n] <= speed["SGD + momentum"] for n in ("Adam", "AdamW"))
assert all(rule_09(speed[n], speed["SGD"]) == "slower" for n in ("Adagrad",))
assert all(speed[n] > speed["SGD + momentum"] for n in ("Adagrad", "RMSprop"))
assert speed["RMSprop"] == speed["SGD"] + 1 and rule_09(speed["RMSprop"], speed["SGD"]) == "similar"
assert (speed["Adam"], speed["SGD"]) == (5, 7)  # "faster", just inside 0.75 × 7 = 5.25
assert 0 < adam_wins < len(SEEDS)  # within the seed spread: faster on some seeds, not all
assert window["RMSprop"][1] <= window["SGD"][0]  # no wider than SGD's, even with the bounds
assert window["AdamW"][0] >= max(window[n][1] for n in NON_ADAPTIVE)  # at least as wide

# %% tags=["nbval-ignore-output"]
print(f"this machine's run: the window of learning rates whose median validation loss is <= "
      f"{TARGET} after\n{EPOCHS} epochs (a window that changes when the target moves by 5% is "
      f"printed as a range;\nwith other CPU kernels a window can differ by a grid step):")
for n in study:
    print(f"  {n:<16} window {shown_window[n]} decades")

# %% [markdown]
# So part of the disagreement is the measure and part is the problem. Timed to a target, as
# lecture 09 times it, Adam's median is faster than plain SGD's by 09's rule (at least 25%
# fewer epochs), but only just (5 against 7 epochs: the threshold is 5.25), and seed by seed
# it is faster by the rule on some seeds and not on others (printed above; a check with seeds
# 5–9, run offline, gives 2 of 5): Adam's advantage over SGD is within the seed spread, as
# lecture 09 finds on its own grid. Adam and AdamW need no more epochs than momentum, while
# Adagrad and RMSprop need more than both (Adagrad enough to count as slower than SGD by 09's
# rule, RMSprop one epoch more than SGD, "similar"): "faster" holds for some adaptive methods
# and not for the class. The good window, measured 09's way, is no wider for RMSprop than for
# SGD, and for AdamW at least as wide as for SGD and momentum (printed above; the same with
# seeds 5–9, and with every set of CPU kernels tried). Some windows rest on medians within 5%
# of the target, printed as ranges; with other kernels a window's digits can still move by a
# grid step (float32 training amplifies the last bit most just above the best learning rate:
# see "Which digits are measurements" above: with one set of kernels momentum's window is 1.00
# to 1.33 decades and RMSprop's margin 1.67, with another 0.67 to 1.33 and 2.00), which is why
# the comparisons, not the digits, are what the notebook asserts. On
# this problem the folklore's "less tuning" does not hold for the class under either
# definition. Lecture 09's verdict table (its section 8) puts its bench and this
# network side by side.
#
# **Ten times the budget.** A verdict read after 15 epochs may not survive a longer run. The
# same study run for 150 epochs (offline; set `LONG = True` below to repeat it: a few minutes,
# not seconds) changes two things. The best validation losses still overlap (medians 0.053 to
# 0.070 for seeds 0–4). But the good ranges (within 10% of the best) of SGD and momentum
# *widen*, to 1.33 decades each for seeds 0–4, past those of the adaptive methods (Adagrad
# 0.33, RMSprop 0.67, Adam 0.67, AdamW 0.33), because slow small learning rates catch up given
# time; with seeds 5–9 SGD and momentum reach 1.00 decades and Adam's range widens as much, so
# what holds is "past most adaptive methods". And momentum's margin grows to 2.00 decades, so
# the margins overlap (AdamW 1.33). The conclusion that does not move is the first: tuned, the
# six end in the same place.

# %%
LONG = False  # True: the study again with 10 times the budget (150 epochs; minutes, not seconds)
if LONG:
    long_budget = 10 * EPOCHS
    with progress(len(RULES) * long_budget, f"{len(RULES)} optimizers, {long_budget} epochs") as b:
        long_study = {n: sensitivity(train_stack(rule, LRS, SEEDS, epochs=long_budget,
                                                 bar=b)[1][-1]) for n, rule in RULES.items()}
    for measure in CLAIMS:
        values = {n: (s["median"][s["best"]] if measure == "best loss" else s[measure])
                  for n, s in long_study.items()}
        print(f"{measure + f', {long_budget} epochs':<24}"
              + "".join(f"{values[n]:>9.3g}" for n in study) + f"  {compare(values)}")
    # the prose above relies on these (seeds 0-4)
    long_width = {n: s["width"] for n, s in long_study.items()}
    long_best = {n: s["median"][s["best"]] for n, s in long_study.items()}
    assert compare(long_width) == "smaller" and compare(long_best) == "overlap"
    assert all(np.isclose(long_width[n], 4 / 3) for n in NON_ADAPTIVE)
    assert max(long_width[n] for n in ADAPTIVE) <= 2 / 3 + 1e-9
    assert 0.05 < min(long_best.values()) and max(long_best.values()) < 0.075
    assert compare({n: s["margin"] for n, s in long_study.items()}) == "overlap"
    assert np.isclose(long_study["SGD + momentum"]["margin"], 2.0)
    assert np.isclose(long_study["AdamW"]["margin"], 4 / 3)

# %% [markdown]
# Caveats: one small network, one small data set, 15 epochs in the notebook, 5 seeds, a grid a
# third of a decade apart (so a width or a margin differs by whole grid steps, and a difference
# of one step is at the resolution of the study). Large benchmarks (Schmidt, Schneider &
# Hennig, 2021, fifteen optimizers on many tasks) also found no optimizer that dominates, and
# that tuning matters as much as the choice of method; Choi et al. (2019) showed that the
# ranking of optimizers follows the tuning protocol — with every hyperparameter (ε and the
# betas too) tuned, Adam never did worse than momentum.
#
# ## Summary
#
# * **Backpropagation** for an MLP: $dZ_L = (P - Y)/B$ for softmax cross-entropy; for each
#   linear layer $dW = X^\top dZ$, $db = \sum_i dZ_i$, $dX = dZ\,W^\top$; activations multiply
#   elementwise by their derivative. Compute the loss with log-sum-exp, and check every gradient
#   against central finite differences.
# * `adamlib.nn.MLP` exposes `params` and `grads` for `adamlib.optim`; `MLP(sizes, seed=[...])`
#   stacks replicas so that several seeds, or a whole learning-rate grid, train in the same
#   NumPy calls; a from-scratch update rule gives each replica its own learning rate.
# * At first-try learning rates the ranking of optimizers is a ranking of learning rates.
# * In the sensitivity study (5 seeds, budgets of 5 to 15 epochs), adaptive methods neither
#   reached lower validation losses nor had wider good ranges than SGD and momentum. They kept
#   a larger margin above their best learning rate for these seeds and budgets, but not with
#   other seeds or ten times the budget, and far above their best learning rate they too ended
#   worse than chance (all but Adagrad at $\eta = 10$). Every optimizer needed its learning rate
#   tuned.
# * Rankings read at a fixed budget can reverse: at 15 epochs Adam at its default trails SGD
#   on every seed; at 150 epochs (offline) it is ahead of SGD on every seed.
# * "Faster" and "less tuning" need a definition: the level reached within a budget (here) and
#   the time to a tight tolerance (lecture 09) give different answers; timed to a target,
#   Adam's median beats plain SGD's on this network by lecture 09's rule, but only just and not
#   on every seed (within the seed spread); Adagrad is slower.
#
# **Now try [exercises/07_training_a_network.ipynb](../exercises/07_training_a_network.ipynb)**:
# implement the softmax cross-entropy, its gradient and a linear layer's backward pass, each
# checked with mistake-specific feedback.
#
# **Next: [lecture 08, beyond Adam](08_beyond_adam.ipynb)** — decoupled weight decay (AdamW)
# against L2 regularization, a problem where Adam provably fails (and AMSGrad), and
# learning-rate warmup and schedules.
