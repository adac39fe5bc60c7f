# %% [markdown]
# # Exercises 07 — Training a network
#
# These exercises go with [lecture 07](../lectures/07_training_a_network.ipynb): you write the
# pieces of backpropagation, then train the lecture's network with them. For each exercise,
# write the function where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`
# line), then run the check cell below it. The check runs your function on many cases and tells
# you what is wrong; it never crashes the notebook. `report()` at the end shows your score.
#
# *(In `solutions/` the answers are filled in; in `exercises/` they are for you to write.)*

# %%
import numpy as np
import matplotlib.pyplot as plt
from adamlib.plotting import setup
from adamlib.grading import check, demo, report

setup()

# %% [markdown]
# ## Exercise 1 — softmax cross-entropy, computed stably
#
# `logits` is a float array of shape `(B, C)` (one row of class scores per example) and `y` an
# integer array of `B` labels in `0 .. C-1`. Write `softmax_cross_entropy(logits, y)` returning
# the mean cross-entropy as a float:
#
# $$L = \frac1B \sum_{i=1}^B \Big(\log \sum_{k} e^{z_{ik}} - z_{i y_i}\Big).$$
#
# It must work for logits near 1000 (`np.exp(1000)` is `inf`) and when a true class is so
# unlikely that its probability underflows to 0 (`np.log(0)` is `-inf`). The log-sum-exp trick
# handles both: with $m_i = \max_k z_{ik}$,
# $\log \sum_k e^{z_{ik}} = m_i + \log \sum_k e^{z_{ik} - m_i}$.
#
# *Hint:* `logits[np.arange(B), y]` picks the true-class entry of each row.
#
# *Rules:* leave `logits` and `y` unchanged (no `logits -= ...`; work on the result of
# `logits - m`), and return one float.

# %%
def softmax_cross_entropy(logits, y):
    """Mean softmax cross-entropy of integer labels y (B,) given logits (B, C)."""
    ### BEGIN SOLUTION
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(y)), y].mean())
    ### END SOLUTION


# %%
check("softmax_cross_entropy", softmax_cross_entropy)

# %% [markdown]
# ## Exercise 2 — its gradient
#
# Write `softmax_cross_entropy_grad(logits, y)` returning $\partial L / \partial z$, an array
# with the shape and dtype of `logits`:
#
# $$\frac{\partial L}{\partial z_{ik}} = \frac{p_{ik} - [k = y_i]}{B}, \qquad
#   p_{ik} = \frac{e^{z_{ik} - m_i}}{\sum_j e^{z_{ij} - m_i}} .$$
#
# *Rules:* return a **new** array with the shape and dtype of `logits` (float32 in, float32
# out), and leave `logits` and `y` unchanged.

# %%
def softmax_cross_entropy_grad(logits, y):
    """Gradient of the mean softmax cross-entropy with respect to the logits, shape (B, C)."""
    ### BEGIN SOLUTION
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    dlogits = e / e.sum(axis=1, keepdims=True)
    dlogits[np.arange(len(y)), y] -= 1
    return dlogits / len(y)
    ### END SOLUTION


# %%
check("softmax_cross_entropy_grad", softmax_cross_entropy_grad)

# %% [markdown]
# Your two functions should agree with each other. `adamlib.nn.finite_difference_grad(f, x)`
# computes central differences $\big(f(x + h e_k) - f(x - h e_k)\big)/2h$ for every entry of
# `x` (it perturbs `x` in place and restores it):

# %%
from adamlib.nn import finite_difference_grad

rng = np.random.default_rng(0)
logits, y = rng.normal(size=(5, 4)) * 3, np.array([0, 3, 1, 1, 2])
with demo("softmax_cross_entropy", "softmax_cross_entropy_grad"):
    numeric = finite_difference_grad(lambda: softmax_cross_entropy(logits, y), logits)
    analytic = softmax_cross_entropy_grad(logits, y)
    rel = np.abs(analytic - numeric).max() / np.abs(numeric).max()
    print(f"largest difference / largest entry: {'below 1e-6' if rel < 1e-6 else f'{rel:.1e}'}")

# %% [markdown]
# ## Exercise 3 — backward pass of a linear layer
#
# A linear layer computes $Z = XW + b$ from `X` of shape `(B, d_in)`, `W` of shape
# `(d_in, d_out)` and `b` of shape `(d_out,)`. Given `dZ` $= \partial L/\partial Z$ of shape
# `(B, d_out)`, write `linear_backward(dZ, X, W)` returning the tuple `(dX, dW, db)`:
#
# $$dX = dZ\,W^\top, \qquad dW = X^\top dZ, \qquad db = \sum_{i=1}^B dZ_{i\cdot} .$$
#
# Every gradient has the shape of what it differentiates: `dX` like `X`, `dW` like `W`, `db`
# like `b`. The $1/B$ of the mean loss is already inside `dZ`.
#
# *Rules:* return **new** arrays with the dtype of the inputs (float32 in, float32 out), and
# leave `dZ`, `X` and `W` unchanged.

# %%
def linear_backward(dZ, X, W):
    """Gradients of the loss with respect to X, W and b for Z = X W + b."""
    ### BEGIN SOLUTION
    dX = dZ @ W.T
    dW = X.T @ dZ
    db = dZ.sum(axis=0)
    return dX, dW, db
    ### END SOLUTION


# %%
check("linear_backward", linear_backward)

# %% [markdown]
# ## Your backpropagation trains the network
#
# With your three functions (and ReLU's $dZ_1 = dA_1 \odot [Z_1 > 0]$) the lecture's 64-32-10
# network trains on the digits. Five epochs of Adam ($\eta = 10^{-2}$) from the same initial
# weights as `adamlib.nn.MLP(seed=0)`, on the same minibatches, must give the same network:

# %%
from adamlib.data import load, minibatches
from adamlib.nn import MLP
from adamlib.optim import Adam

digits = load("digits", seed=0)
reference = MLP([64, 32, 10], seed=0)
params = [p.copy() for p in reference.params]  # your network: the same initial weights
W1, b1, W2, b2 = params
opt, opt_ref = Adam(params, lr=1e-2), Adam(reference.params, lr=1e-2)

with demo("linear_backward", "softmax_cross_entropy_grad", "softmax_cross_entropy"):
    rng, rng_ref = np.random.default_rng(0), np.random.default_rng(0)
    history = []
    for epoch in range(5):
        for idx, idx_ref in zip(minibatches(len(digits.y_train), 32, rng),
                                minibatches(len(digits.y_train), 32, rng_ref)):
            X, y = digits.X_train[idx], digits.y_train[idx]
            Z1 = X @ W1 + b1
            A1 = np.maximum(Z1, 0.0)
            Z2 = A1 @ W2 + b2
            dA1, dW2, db2 = linear_backward(softmax_cross_entropy_grad(Z2, y), A1, W2)
            _, dW1, db1 = linear_backward(dA1 * (Z1 > 0), X, W1)
            opt.step([dW1, db1, dW2, db2])

            reference.loss_and_grad(digits.X_train[idx_ref], digits.y_train[idx_ref])
            opt_ref.step(reference.grads)
        Z_val = np.maximum(digits.X_val @ W1 + b1, 0.0) @ W2 + b2
        history.append(softmax_cross_entropy(Z_val, digits.y_val))

    same = all(np.allclose(p, q, rtol=1e-9, atol=1e-12) for p, q in zip(params, reference.params))
    print(f"validation loss after each epoch: {', '.join(f'{v:.3f}' for v in history)}")
    print(f"validation accuracy: {(Z_val.argmax(axis=1) == digits.y_val).mean():.1%}")
    print(f"same weights as adamlib.nn.MLP: {same}")

    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(np.arange(1, 6), history, "o-", label="your backpropagation + Adam (η = 0.01)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss")
    ax.set_title("Training with your gradients")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Questions: understanding, not code (1 point each)
#
# Answer each question by returning your answer from the function below it (`return 0.5`, or
# one letter for a choice: `return "A"`), then run the check cell. Work it out from the lecture
# with pen and paper or a line of NumPy; a wrong answer gets a hint at the likely
# misconception, never the answer.
#
# **Question 1.** A freshly initialised classifier for the 10 digits outputs logits that are all
# (nearly) equal. What mean cross-entropy loss (natural logarithm) do you expect at the first
# step? *(A number; accepted within 2 %.)* A first loss far from it points to a bug in the loss
# or in the initialisation.

# %%
def q07_initial_loss():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Equal logits give the softmax probability 1/10 to every class, the true one included, so
    # every example's cross-entropy is -log(1/10) = log(10), about 2.30. Small random initial
    # weights give nearly equal logits, hence a first loss close to 2.30.
    return np.log(10)
    ### END SOLUTION


# %%
check("q07_initial_loss", q07_initial_loss)

# %% [markdown]
# **Question 2.** For a batch of $B = 32$ examples, each row of $\partial L/\partial z$ (the
# gradient of the mean softmax cross-entropy with respect to the logits, exercise 2) sums to
# what number? *(A number; accepted within ±1e-6.)*

# %%
def q07_gradient_row_sum():
    """Your answer: a number."""
    ### BEGIN SOLUTION
    # Row i is (p_i - onehot(y_i))/B; the probabilities p_i sum to 1 and so does the one-hot
    # vector, so every row sums to 0: the gradient can move the logits only relative to each
    # other, since adding a constant to a row of logits does not change the softmax.
    return 0.0
    ### END SOLUTION


# %%
check("q07_gradient_row_sum", q07_gradient_row_sum)

# %% [markdown]
# ## Your score

# %%
report()
