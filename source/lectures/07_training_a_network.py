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
# Every optimizer trains the same network (same initial weights, seed 0) on the same sequence
# of minibatches of 32 images for 15 epochs (an epoch is one pass over the 1,079 training
# images: 34 steps). Each gets the learning rate one would try first: PyTorch's default for the
# adaptive methods ($10^{-2}$ for Adagrad and RMSprop, $10^{-3}$ for Adam and AdamW, whose
# weight decay is PyTorch's $10^{-2}$), $0.1$ for SGD, and $0.01$ with $\beta = 0.9$ for
# momentum — the same long-run step $\eta/(1-\beta) = 0.1$ (lecture 03). Section 4 asks how much
# these choices matter.
#
# After every epoch we record the training loss and the validation loss and accuracy (over the
# whole sets), and the training time so far — the time spent in the training steps only, not
# in these evaluations. A progress bar (`tqdm.auto`) shows the progress live in Jupyter; the
# stored notebook keeps only its starting line.

# %%
import time

from tqdm.auto import tqdm

from adamlib.optim import SGD, Adagrad, Adam, AdamW, RMSprop

SIZES, BATCH, EPOCHS = [64, 32, 10], 32, 15
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


def train(optimizer, hyper, lr, seed=0, epochs=EPOCHS, bar=None):
    """Train a fresh network; return it and its history (one row per epoch, row 0 = start)."""
    model = MLP(SIZES, seed=seed)
    opt = optimizer(model.params, lr=lr, **hyper)
    rng = np.random.default_rng(1000 + seed)  # minibatch order: a stream apart from the weights'
    seconds, history = 0.0, [(*evaluate(model), 0.0)]
    for epoch in range(epochs):
        start = time.perf_counter()
        for idx in minibatches(len(y_train), BATCH, rng):
            model.loss_and_grad(X_train[idx], y_train[idx])
            opt.step(model.grads)
        seconds += time.perf_counter() - start
        history.append((*evaluate(model), seconds))
        if bar is not None:
            bar.update()
    names = ["train_loss", "val_loss", "val_acc", "seconds"]
    return model, dict(zip(names, np.array(history).T))


runs = {}
with tqdm(total=len(OPTIMIZERS) * EPOCHS, desc="training 6 optimizers", unit="epoch") as bar:
    for name, (optimizer, hyper, lr) in OPTIMIZERS.items():
        bar.set_postfix_str(name)
        runs[name] = train(optimizer, hyper, lr, bar=bar)

# %% [markdown]
# Wall-clock times change from run to run and from machine to machine, and this notebook is
# rebuilt byte for byte, so the time axis below uses the seconds per epoch measured by
# `benchmarks/bench_lecture07.py`: the fastest of 9 epochs of each optimizer on the course's
# 2-core build machine, one BLAS thread. Set `LIVE_TIMES = True` to plot the times measured
# while training above, on your machine, instead.

# %%
LIVE_TIMES = False
SECONDS_PER_EPOCH = {"SGD": 0.0061, "SGD + momentum": 0.0063, "Adagrad": 0.0066,
                     "RMSprop": 0.0068, "Adam": 0.0074, "AdamW": 0.0074}
print("cost of an epoch relative to SGD: " + ", ".join(
    f"{name} {SECONDS_PER_EPOCH[name] / SECONDS_PER_EPOCH['SGD']:.2f}" for name in OPTIMIZERS))

fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharey="row")
for i, (name, (model, h)) in enumerate(runs.items()):
    label = f"{name}, η = {OPTIMIZERS[name][2]:g}"
    seconds = h["seconds"] if LIVE_TIMES else np.arange(EPOCHS + 1) * SECONDS_PER_EPOCH[name]
    for row, key in enumerate(["train_loss", "val_acc"]):
        axes[row, 0].plot(np.arange(EPOCHS + 1), h[key], color=f"C{i}", label=label)
        axes[row, 1].plot(seconds, h[key], color=f"C{i}", label=label)
for ax in axes[0]:
    ax.set_yscale("log")
    ax.set_ylabel("training loss (cross-entropy)")
for ax in axes[1]:
    ax.set_ylim(0.8, 1.0)
    ax.set_ylabel("validation accuracy")
for ax in axes[:, 0]:
    ax.set_xlabel("epoch")
for ax in axes[:, 1]:
    ax.set_xlabel("training time (s)" + (" measured now" if LIVE_TIMES else
                                         ", from benchmarks/bench_lecture07.py"))
axes[0, 0].set_title("Training loss against epochs")
axes[0, 1].set_title("Training loss against wall-clock time")
axes[1, 0].set_title("Validation accuracy against epochs")
axes[1, 1].set_title("Validation accuracy against wall-clock time")
axes[0, 0].legend()
plt.tight_layout()
plt.show()

# %%
print(f"after {EPOCHS} epochs     lr   train loss   val loss   val acc   test acc")
test_acc = {name: model.accuracy(X_test, y_test) for name, (model, _) in runs.items()}
for name, (model, h) in runs.items():
    print(f"{name:<16}{OPTIMIZERS[name][2]:>6g}{h['train_loss'][-1]:>13.3f}"
          f"{h['val_loss'][-1]:>11.3f}{h['val_acc'][-1]:>10.1%}{test_acc[name]:>11.1%}")

final = {name: h["train_loss"][-1] for name, (_, h) in runs.items()}
print("\nfinal training loss, lowest first: " + " < ".join(sorted(final, key=final.get)))
print(f"Adam's final training loss is {final['Adam'] / final['SGD']:.1f} times SGD's")
gap = [runs[name][1]["val_acc"][-1] - test_acc[name] for name in runs]
print(f"validation minus test accuracy: {100 * min(gap):.1f} to {100 * max(gap):.1f} points")
# the text below relies on these
for key in ("train_loss", "val_loss", "val_acc"):
    pick = min if key.endswith("loss") else max
    assert pick(runs, key=lambda n: runs[n][1][key][-1]) == "RMSprop"
assert max(test_acc, key=test_acc.get) == "RMSprop"
assert 1.5 < final["Adam"] / final["SGD"] < 2.5 and final["AdamW"] > final["SGD"]
assert np.isclose(final["SGD"], final["SGD + momentum"], rtol=0.05)
assert np.isclose(final["Adam"], final["AdamW"], rtol=0.05)
assert 0.015 < min(gap) and max(gap) < 0.04

# %% [markdown]
# What the curves and the numbers say:
#
# * At these first-try learning rates **RMSprop is far ahead** on every measure, while **Adam
#   and AdamW**, at their famous default $10^{-3}$, are **behind plain SGD**: their training
#   loss after 15 epochs is about twice SGD's (printed above). So this experiment does not show
#   "adaptive methods converge faster": one adaptive method is the fastest and others are slow.
#   Section 4 shows that what differs is mostly the learning rate.
# * **SGD and momentum** with the same long-run step $\eta/(1-\beta) = 0.1$ trace almost the
#   same curves: when the gradient changes slowly, momentum with $\eta$ behaves like SGD with
#   $\eta/(1-\beta)$ (lecture 03).
# * **Adam and AdamW** are nearly indistinguishable: AdamW's decoupled decay multiplies each
#   weight by $1 - \eta\lambda = 1 - 10^{-5}$ per step, about $0.5\%$ over these 510 steps.
# * **Against wall-clock time** the adaptive methods pay for their state: each step also
#   updates one or two buffers the size of the parameters, so an Adam epoch costs about a fifth
#   more than an SGD epoch (printed above the figure). That stretches their curves to the
#   right.
# * Every optimizer scores **lower on the test set than on the validation set**, by 2 to 4
#   points (printed above): the test images of this split are harder. That is a property of
#   the split, not of an optimizer, and it is why test numbers are compared only with each
#   other.
#
# ## 4. How sensitive is each optimizer to its learning rate?
#
# The comparison above depends on six learning rates picked in advance. A fair question is how
# the result depends on them. We follow the protocol of DeepOBS (Schneider et al., 2019): for
# each optimizer, a grid of **16 learning rates** from $10^{-4}$ to $10$, a third of a decade
# apart, each trained with **3 seeds** (seed = initial weights and minibatch order) for the
# same 15 epochs; the score is the **final validation loss**; we plot its median over the seeds
# and the band between the best and the worst seed. A run that diverges scores $+\infty$.
#
# That is $6 \times 16 \times 3 = 288$ trainings of a tiny network, where a Python loop spends
# most of its time on overhead rather than arithmetic. Instead, `MLP(sizes, seed=[s1, s2, ...])`
# builds a **stack of replicas**: every parameter gets a leading axis of length $R$ (here
# $16 \times 3 = 48$), replica $r$ is initialized exactly like `MLP(sizes, seed=s_r)`, and
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
# `lrs[k]`, and sees exactly the minibatches that `train` would show a network with that seed.
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
        single, _ = train(optimizer, hyper, lrs[k], seed=3, epochs=1)
        for p_stack, p in zip(stack.params, single.params):
            np.testing.assert_allclose(p_stack[k], p, rtol=1e-9, atol=1e-12)
print("each from-scratch rule, replica by replica, equals adamlib.optim after one epoch")

# %% [markdown]
# The whole study, one stack of 48 networks per optimizer:

# %%
LRS = np.logspace(-4, 1, 16)  # 1e-4 ... 10, a third of a decade apart
SEEDS = [0, 1, 2]
study = {}
with tqdm(total=len(RULES) * EPOCHS, unit="epoch",
          desc=f"{len(RULES)} optimizers × {len(LRS)} lrs × {len(SEEDS)} seeds") as bar:
    for name, rule in RULES.items():
        bar.set_postfix_str(name)
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

# %%
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
axes[0, 0].legend(fontsize="x-small", loc="lower left")  # SGD's panel has room there
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
fig, ax = plt.subplots(figsize=(7, 4.3))
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
ax.legend(fontsize="x-small", loc="lower left")
plt.show()

# %% [markdown]
# **The verdict.** The folklore makes three testable predictions about Adagrad, RMSprop, Adam
# and AdamW against SGD and momentum, each optimizer at its own best learning rate of the grid:
# they reach a lower validation loss (they "converge faster"), they have a wider good range
# (they "need less tuning"), and they have a larger margin above their best learning rate. A
# verdict from one training budget could be luck, so the validation losses recorded after 5 and
# 10 epochs give two more budgets for free. A prediction counts as supported only if **every**
# adaptive method beats **both** non-adaptive ones at **every** budget; the cell prints the
# verdict that the numbers give (it would print a different one if the data said otherwise).

# %%
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
print(f"{'':<24}" + "".join(f"{n:>9}" for n in ["SGD", "momentum", *ADAPTIVE]) + "  adaptive")
for epochs in BUDGETS:
    by_budget = {n: sensitivity(r["val_loss_by_epoch"][epochs - 1]) for n, r in study.items()}
    for measure in CLAIMS:
        values = {n: (b["median"][b["best"]] if measure == "best loss" else b[measure])
                  for n, b in by_budget.items()}
        outcomes[measure].append(compare(values))
        print(f"{measure + f', {epochs} epochs':<24}"
              + "".join(f"{values[n]:>9.3g}" for n in study) + f"  {outcomes[measure][-1]}")

print()
for measure, (predicted, claim) in CLAIMS.items():
    opposite = {"larger": "smaller", "smaller": "larger"}[predicted]
    found = outcomes[measure]
    if all(o == predicted for o in found):
        verdict = "SUPPORTED at every budget"
    elif all(o == opposite for o in found):
        verdict = "CONTRADICTED at every budget"
    else:
        verdict = "NOT SUPPORTED (" + ", ".join(
            f"{o} after {e} epochs" for o, e in zip(found, BUDGETS)) + ")"
    print(f"Adaptive methods {claim}: {verdict}")

# %%
best_loss = {n: r["median"][r["best"]] for n, r in study.items()}
best_lr = {n: LRS[r["best"]] for n, r in study.items()}
width = {n: r["width"] for n, r in study.items()}
i_default = int(np.argmin(np.abs(np.log10(LRS) + 3)))  # η = 1e-3 on the grid
adam_default = study["Adam"]["median"][i_default]
print(f"best median validation loss after {EPOCHS} epochs: {min(best_loss.values()):.3f} to "
      f"{max(best_loss.values()):.3f}")
print(f"good ranges: {min(width.values()):.2f} to {max(width.values()):.2f} decades")
print(f"best learning rates: {min(best_lr.values()):.1e} to {max(best_lr.values()):.1e}")
print(f"Adam at its default lr {LRS[i_default]:.0e}: median validation loss {adam_default:.3f}, "
      f"{adam_default / best_loss['Adam']:.1f} times its best")
# the text below relies on these
assert outcomes["best loss"][0] == "larger" and "smaller" not in outcomes["best loss"]
assert "larger" in outcomes["width"] and "overlap" in outcomes["width"]
assert all(o == "larger" for o in outcomes["margin"])
assert max(width.values()) <= 1.0 + 1e-9 and np.isinf(study["Adagrad"]["margin"])
assert max(best_lr.values()) / min(best_lr.values()) > 10 and adam_default > 2 * best_loss["Adam"]

# %% [markdown]
# What the study says — on this network, this data set and these budgets:
#
# * **"Adaptive methods converge faster": not supported.** With every optimizer at its own best
#   learning rate, all six end within a narrow band of validation losses, and after 5 epochs
#   SGD and momentum are *ahead* of every adaptive method (the "best loss" rows). RMSprop's
#   lead in section 3 came from its learning rate, not from adaptivity.
# * **"Adaptive methods need less tuning", read as a wider good range: not supported.** Every
#   optimizer's good range spans one to three grid points (a third of a decade to one decade),
#   and whether the adaptive ones come out wider depends on the budget. All six need their
#   learning rate tuned to within a window of a factor of 2 to 10.
# * **The best learning rates differ by more than a decade between optimizers**, and Adam's
#   default $10^{-3}$ is far from Adam's best here (its loss there is printed above): a
#   learning rate does not transfer from one optimizer to another, and a default is a starting
#   point, not a tuning — as in lecture 06.
# * **What is supported is graceful failure above the best learning rate.** SGD trains best
#   just below a cliff: a third to two thirds of a decade higher, the network ends no better
#   than chance. Momentum keeps one decade of margin, every adaptive method more, and Adagrad
#   never reaches chance on the grid. That is lecture 06's bound $|\Delta x| \lesssim \eta$ at
#   work: a step normalized by the gradient's running size cannot blow up with the gradient,
#   so a too-large $\eta$ degrades training instead of destroying it.
#
# Caveats: one small network, one small data set, 15 epochs at most, 3 seeds, a grid a third
# of a decade apart. Large benchmarks (Schmidt, Schneider & Hennig, 2021, fifteen optimizers on
# many tasks) also found no optimizer that dominates, and that tuning matters as much as the
# choice of method.
#
# ## Summary
#
# * **Backpropagation** for an MLP: $dZ_L = (P - Y)/B$ for softmax cross-entropy; for each
#   linear layer $dW = X^\top dZ$, $db = \sum_i dZ_i$, $dX = dZ\,W^\top$; activations multiply
#   elementwise by their derivative. Compute the loss with log-sum-exp, and check every gradient
#   against central finite differences.
# * `adamlib.nn.MLP` exposes `params` and `grads` for `adamlib.optim`; `MLP(sizes, seed=[...])`
#   stacks replicas so that a whole learning-rate grid trains in the same NumPy calls, with a
#   from-scratch update rule whose learning rate broadcasts over the replicas.
# * At first-try learning rates the ranking of optimizers is a ranking of learning rates.
# * In the sensitivity study, adaptive methods neither reached lower losses nor had wider good
#   ranges than SGD and momentum; they did fail more gracefully when the learning rate was too
#   large. Every optimizer needed its learning rate tuned.
#
# Lecture 08 goes beyond Adam: decoupled weight decay (AdamW) against L2 regularization, a
# problem where Adam provably fails (and AMSGrad), and learning-rate warmup and schedules.
#
# **Now try `exercises/07_training_a_network.ipynb`**: implement the softmax cross-entropy, its
# gradient and a linear layer's backward pass, each checked with mistake-specific feedback.
