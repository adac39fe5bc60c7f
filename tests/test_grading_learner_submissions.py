"""Learner submissions written blind (from the exercise notebooks' task text only, before reading
the mistake catalogues), each with the verdict it deserves. The strict xfails are the grader's
known misjudgements (issue 14) that are not fixed yet: they must start passing when fixed."""

# ruff: noqa: E501
import numpy as np
import pytest

from adamlib.grading import MUTATION, check


# ---------------- adam_step ----------------
def adam_plain(x, grad, m, v, t, lr, beta1, beta2, eps):  # correct
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_kingma_efficient(x, grad, m, v, t, lr, beta1, beta2, eps):  # correct (exact rewrite)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad * grad
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    step = lr * np.sqrt(bc2) / bc1
    return x - step * m_new / (np.sqrt(v_new) + eps * np.sqrt(bc2)), m_new, v_new


def adam_torch_style(x, grad, m, v, t, lr, beta1, beta2, eps):  # correct
    m_new = m + (1 - beta1) * (grad - m)  # lerp form
    v_new = v * beta2 + (1 - beta2) * np.square(grad)
    denom = np.sqrt(v_new) / np.sqrt(1 - beta2**t) + eps
    return x - (lr / (1 - beta1**t)) * (m_new / denom), m_new, v_new


def adam_eps_inside(x, grad, m, v, t, lr, beta1, beta2, eps):  # wrong: eps inside sqrt
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return x - lr * (m_new / (1 - beta1**t)) / np.sqrt(v_new / (1 - beta2**t) + eps), m_new, v_new


def adam_no_bias_correction(x, grad, m, v, t, lr, beta1, beta2, eps):  # wrong
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return x - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def adam_returns_corrected(x, grad, m, v, t, lr, beta1, beta2, eps):  # wrong: returns m_hat, v_hat
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def adam_t_plus_one(x, grad, m, v, t, lr, beta1, beta2, eps):  # wrong: t counted from 0
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1 ** (t + 1))
    v_hat = v_new / (1 - beta2 ** (t + 1))
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_inplace(x, grad, m, v, t, lr, beta1, beta2, eps):  # wrong: modifies m, v, x
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    x -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return x, m, v


def adam_float64_scalars(x, grad, m, v, t, lr, beta1, beta2, eps):  # wrong dtype for float32
    b1, b2 = np.float64(beta1), np.float64(beta2)
    m_new = b1 * m + (1 - b1) * grad
    v_new = b2 * v + (1 - b2) * grad**2
    m_hat = m_new / (1 - b1**t)
    v_hat = v_new / (1 - b2**t)
    return x - np.float64(lr) * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


# ---------------- minibatch_indices ----------------
def mb_slices(n, batch_size, rng):  # correct
    perm = rng.permutation(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def mb_choice(n, batch_size, rng):  # correct (other draw from rng)
    perm = rng.choice(n, size=n, replace=False)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def mb_shuffle_split(n, batch_size, rng):  # correct
    idx = np.arange(n)
    rng.shuffle(idx)
    return np.split(idx, np.arange(batch_size, n, batch_size))


def mb_global_random(n, batch_size, rng):  # wrong: ignores rng
    perm = np.random.permutation(n)  # noqa: NPY002 - the mistake under test
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def mb_fixed_seed(n, batch_size, rng):  # wrong: ignores rng (own fixed generator)
    perm = np.random.default_rng(0).permutation(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def mb_no_shuffle(n, batch_size, rng):  # wrong: not shuffled
    perm = np.arange(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def mb_with_replacement(n, batch_size, rng):  # wrong: indices with replacement
    perm = rng.integers(0, n, size=n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]


def mb_drop_last(n, batch_size, rng):  # wrong: drops the smaller last batch
    perm = rng.permutation(n)
    return [perm[i * batch_size : (i + 1) * batch_size] for i in range(n // batch_size)]


def mb_array_split(n, batch_size, rng):  # wrong: nearly equal batches, not batch_size each
    perm = rng.permutation(n)
    return np.array_split(perm, -(-n // batch_size))


# ---------------- softmax_cross_entropy ----------------
def sce_lse(logits, y):  # correct
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def sce_logaddexp(logits, y):  # correct (NumPy's stable reduction)
    lse = np.logaddexp.reduce(logits, axis=1)
    return float(np.mean(lse - logits[np.arange(logits.shape[0]), y]))


def sce_log_softmax(logits, y):  # correct (log-softmax form, keeps dtype, returns a NumPy scalar)
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


def sce_global_max(logits, y):  # wrong: global max
    m = logits.max()
    lse = m + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def sce_naive(logits, y):  # wrong: no max subtraction
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


def sce_log_of_prob(logits, y):  # wrong: stable softmax, then log of an underflowing probability
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


def sce_sum(logits, y):  # wrong: sum instead of mean
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.sum(lse - logits[np.arange(len(y)), y]))


def sce_inplace(logits, y):  # wrong: modifies logits (values right)
    logits -= logits.max(axis=1, keepdims=True)
    lse = np.log(np.exp(logits).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def sce_column_max(logits, y):  # wrong: max over the batch axis
    m = logits.max(axis=0, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(axis=1)) + 0  # forgets to add m back per row too
    return float(np.mean(lse - (logits - m)[np.arange(len(y)), y]))


# ---------------- wilson_dataset ----------------
def wilson_literal(y):  # correct per the task; literal: five entries one by one
    n = len(y)
    X = np.zeros((n, 6 * n))
    for i in range(n):
        X[i, 0] = y[i]
        X[i, 1] = 1
        X[i, 2] = 1
        start = 3 + 5 * i
        if y[i] == 1:
            X[i, start] = 1
        else:
            for k in range(5):
                X[i, start + k] = 1
    return X


def wilson_slices(y):  # correct
    y = np.asarray(y)
    n = y.size
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1:3] = 1.0
    for i, label in enumerate(y):
        width = 1 if label == 1 else 5
        X[i, 3 + 5 * i : 3 + 5 * i + width] = 1.0
    return X


def wilson_paper_formula(y):  # correct: the paper's 2(1 - y_i)
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1] = X[:, 2] = 1
    for i in range(n):
        last = 3 + 5 * i + int(2 * (1 - y[i]))
        X[i, 3 + 5 * i : last + 1] = 1
    return X


def wilson_swapped(y):  # wrong: five for +1, one for -1
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1:3] = 1
    for i in range(n):
        width = 5 if y[i] == 1 else 1
        X[i, 3 + 5 * i : 3 + 5 * i + width] = 1
    return X


def wilson_one_based(y):  # wrong: paper's 1-based offset kept (block starts at 4 + 5i)
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1:3] = 1
    for i in range(n):
        width = 1 if y[i] == 1 else 5
        X[i, 4 + 5 * i : 4 + 5 * i + width] = 1
    return X


def wilson_stride6(y):  # wrong: blocks every 6 columns
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 0] = y
    X[:, 1:3] = 1
    for i in range(n):
        width = 1 if y[i] == 1 else 5
        X[i, 3 + 6 * i : 3 + 6 * i + width] = 1
    return X


def wilson_int(y):  # wrong dtype: integers, not floats
    n = len(y)
    X = np.zeros((n, 6 * n), dtype=int)
    X[:, 0] = y
    X[:, 1:3] = 1
    for i in range(n):
        width = 1 if y[i] == 1 else 5
        X[i, 3 + 5 * i : 3 + 5 * i + width] = 1
    return X


def wilson_no_label(y):  # wrong: forgets column 0
    n = len(y)
    X = np.zeros((n, 6 * n))
    X[:, 1:3] = 1
    for i in range(n):
        width = 1 if y[i] == 1 else 5
        X[i, 3 + 5 * i : 3 + 5 * i + width] = 1
    return X


# ---------------- momentum_step ----------------
def mom_plain(x, grad, velocity, lr, momentum):  # correct
    v = momentum * velocity + grad
    return x - lr * v, v


def mom_ufuncs(x, grad, velocity, lr, momentum):  # correct
    v = velocity * momentum
    v += grad  # in place on a NEW array: fine
    return np.subtract(x, np.multiply(lr, v)), v


def mom_ema(x, grad, velocity, lr, momentum):  # wrong: dampening (EMA)
    v = momentum * velocity + (1 - momentum) * grad
    return x - lr * v, v


def mom_sutskever(x, grad, velocity, lr, momentum):  # wrong: v = beta v - lr g convention
    v = momentum * velocity - lr * grad
    return x + v, v


def mom_old_velocity(x, grad, velocity, lr, momentum):  # wrong: steps with the old velocity
    v = momentum * velocity + grad
    return x - lr * velocity, v


def mom_inplace(x, grad, velocity, lr, momentum):  # wrong: modifies velocity
    velocity *= momentum
    velocity += grad
    return x - lr * velocity, velocity


def mom_float64(x, grad, velocity, lr, momentum):  # wrong dtype on float32
    v = np.float64(momentum) * velocity + grad
    return x - np.float64(lr) * v, v


# ---------------- rmsprop_step ----------------
def rms_plain(x, grad, sq_avg, lr, alpha, eps):  # correct
    s = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / (np.sqrt(s) + eps), s


def rms_lerp(x, grad, sq_avg, lr, alpha, eps):  # correct: s + (1-a)(g^2 - s)
    s = sq_avg + (1 - alpha) * (grad * grad - sq_avg)
    return x - lr * np.divide(grad, np.sqrt(s) + eps), s


def rms_where(x, grad, sq_avg, lr, alpha, eps):  # correct: np.where form (no-op branch)
    s = alpha * sq_avg + (1 - alpha) * np.square(grad)
    denom = np.sqrt(s) + eps
    return np.where(grad == 0, x, x - lr * grad / denom), s


def rms_eps_inside(x, grad, sq_avg, lr, alpha, eps):  # wrong: eps inside the sqrt
    s = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / np.sqrt(s + eps), s


def rms_old_avg(x, grad, sq_avg, lr, alpha, eps):  # wrong: divides by the old average
    s = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / (np.sqrt(sq_avg) + eps), s


def rms_swapped_alpha(x, grad, sq_avg, lr, alpha, eps):  # wrong: alpha on the new gradient
    s = (1 - alpha) * sq_avg + alpha * grad**2
    return x - lr * grad / (np.sqrt(s) + eps), s


def rms_no_sqrt(x, grad, sq_avg, lr, alpha, eps):  # wrong: forgets the square root
    s = alpha * sq_avg + (1 - alpha) * grad**2
    return x - lr * grad / (s + eps), s


def rms_inplace(x, grad, sq_avg, lr, alpha, eps):  # wrong: modifies sq_avg
    sq_avg *= alpha
    sq_avg += (1 - alpha) * grad**2
    return x - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg


def rms_float64(x, grad, sq_avg, lr, alpha, eps):  # wrong dtype on float32
    s = np.float64(alpha) * sq_avg + (1 - np.float64(alpha)) * grad**2
    return x - lr * grad / (np.sqrt(s) + eps), s


# ---------------- slightly wrong somewhere, very wrong elsewhere (issue 14, class 1) ----------------
def adam_eps_hardcoded(
    x, grad, m, v, t, lr, beta1, beta2, eps
):  # wrong: eps=1e-8 typed in (8th digit off when eps=1e-6)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + 1e-8), m_new, v_new


def warmup_pi_from_memory(
    step, peak_lr, warmup_steps, total_steps, final_lr=0.0
):  # wrong in the 9th digit only
    pi = 3.14159265
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return final_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(pi * progress))


def warmup_pi_from_memory_no_clamp(
    step, peak_lr, warmup_steps, total_steps, final_lr=0.0
):  # wrong: also no clamp
    pi = 3.14159265
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + np.cos(pi * progress))


# ---------------- good_lr_window: None for "no learning rate" (issue 14, class 2) ----------------
def glw_none_when_empty(lrs, final_losses, tol):  # wrong: (None, None) instead of (nan, nan)
    good = [lr for lr, loss in zip(lrs, final_losses, strict=True) if loss <= tol]
    if not good:
        return None, None
    return min(good), max(good)


# ---------------- newton_schulz (lecture 11) ----------------
def ns_plain(G, coefficients, steps, eps):  # correct
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + b * A @ X + c * A @ A @ X
    return X.T if G.shape[0] > G.shape[1] else X


def ns_no_transpose(G, coefficients, steps, eps):  # correct: (X X^T) X = X (X^T X), slower
    a, b, c = coefficients
    X = G / max(np.linalg.norm(G), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * (A @ A)) @ X
    return X


def ns_gram_on_the_right(G, coefficients, steps, eps):  # correct: X (X^T X) for every shape
    a, b, c = coefficients
    X = G / max(float(np.sqrt(np.sum(G * G))), eps)
    for _ in range(steps):
        S = X.T @ X
        X = a * X + X @ (b * S + c * S @ S)
    return X


def ns_svd(G, coefficients, steps, eps):  # wrong: the exact U V^T, not the iteration asked for
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    return (U @ Vt).astype(G.dtype)


def ns_forgot_norm(G, coefficients, steps, eps):  # wrong: no normalisation
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if G.shape[0] > G.shape[1] else X


def ns_inplace(G, coefficients, steps, eps):  # wrong: divides G in place
    a, b, c = coefficients
    G /= max(np.linalg.norm(G), eps)
    X = G.T if G.shape[0] > G.shape[1] else G
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if G.shape[0] > G.shape[1] else X


def ns_coefficients_mixed(G, coefficients, steps, eps):  # wrong: c on the cubic term
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + c * A @ X + b * A @ A @ X
    return X.T if G.shape[0] > G.shape[1] else X


def ns_cubic_only(G, coefficients, steps, eps):  # wrong: quintic term forgotten
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        X = a * X + b * (X @ X.T) @ X
    return X.T if G.shape[0] > G.shape[1] else X


def ns_transpose_kept(G, coefficients, steps, eps):  # wrong: tall results come back transposed
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X


def ns_float64_norm(G, coefficients, steps, eps):  # wrong dtype: a float64 norm promotes float32
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / np.maximum(np.sqrt(np.sum(X.astype(np.float64) ** 2)), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if G.shape[0] > G.shape[1] else X


# ---------------- muon_step (lecture 11) ----------------
QUINTIC = (3.4445, -4.775, 2.0315)


def muon_plain(W, grad, M, lr, momentum, nesterov, weight_decay):  # correct
    M_new = momentum * M + (1 - momentum) * grad
    U = grad + momentum * (M_new - grad) if nesterov else M_new
    scale = max(1, W.shape[0] / W.shape[1]) ** 0.5
    return W * (1 - lr * weight_decay) - lr * scale * ns_plain(U, QUINTIC, 5, 1e-7), M_new


def muon_lerp(W, grad, M, lr, momentum, nesterov, weight_decay):  # correct: lerp forms
    M_new = M + (1 - momentum) * (grad - M)
    U = (1 - momentum) * grad + momentum * M_new if nesterov else M_new
    m, n = W.shape
    O = ns_gram_on_the_right(U, QUINTIC, 5, 1e-7)
    return W - lr * weight_decay * W - lr * max(1.0, m / n) ** 0.5 * O, M_new


def muon_np_sqrt(W, grad, M, lr, momentum, nesterov, weight_decay):  # wrong dtype on float32
    M_new = M + (1 - momentum) * (grad - M)
    U = (1 - momentum) * grad + momentum * M_new if nesterov else M_new
    m, n = W.shape
    O = ns_gram_on_the_right(U, QUINTIC, 5, 1e-7)
    return W - lr * weight_decay * W - lr * np.sqrt(max(1.0, m / n)) * O, M_new


def muon_sum_buffer(W, grad, M, lr, momentum, nesterov, weight_decay):  # wrong: plain sum
    M_new = momentum * M + grad
    U = grad + momentum * M_new if nesterov else M_new
    scale = max(1, W.shape[0] / W.shape[1]) ** 0.5
    return W * (1 - lr * weight_decay) - lr * scale * ns_plain(U, QUINTIC, 5, 1e-7), M_new


def muon_no_shape_factor(W, grad, M, lr, momentum, nesterov, weight_decay):  # wrong
    M_new = momentum * M + (1 - momentum) * grad
    U = grad + momentum * (M_new - grad) if nesterov else M_new
    return W * (1 - lr * weight_decay) - lr * ns_plain(U, QUINTIC, 5, 1e-7), M_new


def muon_decay_last(W, grad, M, lr, momentum, nesterov, weight_decay):  # wrong: decays W_new
    M_new = momentum * M + (1 - momentum) * grad
    U = grad + momentum * (M_new - grad) if nesterov else M_new
    scale = max(1, W.shape[0] / W.shape[1]) ** 0.5
    W_new = W - lr * scale * ns_plain(U, QUINTIC, 5, 1e-7)
    return W_new * (1 - lr * weight_decay), M_new


def muon_inplace(W, grad, M, lr, momentum, nesterov, weight_decay):  # wrong: updates M in place
    M *= momentum
    M += (1 - momentum) * grad
    U = grad + momentum * (M - grad) if nesterov else M.copy()
    scale = max(1, W.shape[0] / W.shape[1]) ** 0.5
    return W * (1 - lr * weight_decay) - lr * scale * ns_plain(U, QUINTIC, 5, 1e-7), M


EX = {
    "adam_": "adam_step",
    "mb_": "minibatch_indices",
    "sce_": "softmax_cross_entropy",
    "wilson_": "wilson_dataset",
    "mom_": "momentum_step",
    "rms_": "rmsprop_step",
    "warmup_": "warmup_cosine",
    "glw_": "good_lr_window",
    "ns_": "newton_schulz",
    "muon_": "muon_step",
}
CORRECT = [
    "adam_plain",
    "mb_slices",
    "mb_choice",
    "mb_shuffle_split",
    "sce_lse",
    "sce_logaddexp",
    "sce_log_softmax",
    "wilson_slices",
    "wilson_paper_formula",
    "mom_plain",
    "mom_ufuncs",
    "rms_plain",
    "rms_lerp",
    "rms_where",
    "ns_plain",
    "ns_no_transpose",
    "ns_gram_on_the_right",
    "muon_plain",
    "muon_lerp",
]
KNOWN_FALSE_FAIL = ["wilson_literal"]  # was a false fail (n <= 2, last label -1): cases fixed
NAMED = {  # wrong: must fail and name this
    "adam_eps_inside": "eps inside the square root",
    "adam_no_bias_correction": "bias correction missing",
    "adam_returns_corrected": "returned m_hat and v_hat",
    "adam_t_plus_one": "t starting at 0",
    "adam_inplace": MUTATION,
    "mb_no_shuffle": "not shuffled",
    "mb_with_replacement": "sampled with replacement",
    "mb_drop_last": "last, smaller batch dropped",
    "sce_log_of_prob": "log of the softmax probabilities",
    "sce_sum": "summed over the batch",
    "wilson_swapped": "unique features swapped",
    "wilson_one_based": "one column off",
    "wilson_stride6": "blocks 6 columns apart",
    "mom_ema": "dampening/EMA-form",
    "mom_sutskever": "lr inside the velocity",
    "mom_old_velocity": "step taken with the old velocity",
    "mom_inplace": MUTATION,
    "rms_eps_inside": "eps inside the square root",
    "rms_old_avg": "old sq_avg used in the step",
    "rms_swapped_alpha": "alpha and 1-alpha swapped",
    "rms_no_sqrt": "square root missing",
    "rms_inplace": MUTATION,
    # np.sqrt / np.float64 of a Python float is a float64 scalar: float32 inputs are promoted
    "adam_kingma_efficient": "dtype float64 but the inputs are float32",
    "adam_torch_style": "dtype float64 but the inputs are float32",
    "adam_float64_scalars": "dtype float64 but the inputs are float32",
    "mom_float64": "dtype float64 but the inputs are float32",
    "rms_float64": "dtype float64 but the inputs are float32",
    "wilson_int": "dtype int",
    "warmup_pi_from_memory_no_clamp": "no clamp after total_steps",
    "ns_forgot_norm": "no normalisation",
    "ns_inplace": MUTATION,
    "ns_coefficients_mixed": "b and c swapped",
    "ns_cubic_only": "a cubic iteration",
    "ns_transpose_kept": "not transposed back",
    "ns_float64_norm": "dtype float64 but the inputs are float32",
    "muon_sum_buffer": "plain sum",
    "muon_no_shape_factor": "shape adjustment of the learning rate missing",
    "muon_decay_last": "weight decay applied after the update",
    "muon_inplace": MUTATION,
    "muon_np_sqrt": "dtype float64 but the inputs are float32",
}
FAIL_ONLY = [
    "mb_global_random",
    "mb_fixed_seed",
    "mb_array_split",
    "sce_naive",
    "sce_column_max",
    "sce_global_max",
    "wilson_no_label",
]
FAIL_ONLY += ["ns_svd"]  # lecture 11: the exact U V^T is not the quintic iteration
FAIL_ONLY += ["adam_eps_hardcoded", "warmup_pi_from_memory", "glw_none_when_empty"]  # issue 14


def _id(name):
    return next(ex for p, ex in EX.items() if name.startswith(p))


@pytest.mark.parametrize("name", CORRECT)
def test_correct_submission_gets_full_marks(name):
    result = check(_id(name), globals()[name])
    assert result.passed and result.points == result.max_points, result.message


@pytest.mark.parametrize("name", KNOWN_FALSE_FAIL)
def test_literal_correct_submission_gets_full_marks(name):
    assert check(_id(name), globals()[name]).passed


@pytest.mark.parametrize(("name", "words"), list(NAMED.items()))
def test_wrong_submission_fails_with_the_right_diagnosis(name, words):
    result = check(_id(name), globals()[name])
    assert not result.passed
    assert words in result.message, result.message


@pytest.mark.parametrize("name", FAIL_ONLY)
def test_wrong_submission_fails(name):
    assert not check(_id(name), globals()[name]).passed


def test_mutation_with_right_values_names_no_value_mistake():
    result = check("softmax_cross_entropy", sce_inplace)
    assert MUTATION in result.mistakes and "Probably" not in result.message


def _shown_expected_and_got(message):
    """The expected/got pairs a learner reads: ``expected X, got Y`` and the aligned
    ``name: expected X`` / ``got Y`` lines of array outputs."""
    import re

    pairs = re.findall(r"expected (.+?), got (.+?)(?:;|$| \()", message, flags=re.M)
    pairs += re.findall(r": expected (.+)\n\s+got +(.+?)(?:   \(|$)", message, flags=re.M)
    return pairs


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        # eps inside the root: 1e-9 off on the first failing case, 100 % off with tiny gradients
        ("adam_eps_inside", "Most wrong case: vector of 4 float64 with tiny gradients"),
        # eps typed in: off in the 8th digit where eps=1e-6, by 0.3 % where eps=0.1
        ("adam_eps_hardcoded", "Most wrong case: 0-d float64 array, non-zero m and v, t=2"),
        # pi to 9 digits: off in the 9th digit on every decay case, and nowhere a lot
        ("warmup_pi_from_memory", "First failing case: half way through the decay"),
        # pi to 9 digits and no clamp: the clamp is what the learner must see
        ("warmup_pi_from_memory_no_clamp", "Most wrong case: after total_steps: stays at final_lr"),
    ],
)
def test_failing_check_shows_a_case_whose_expected_and_got_differ_in_print(name, shown):
    result = check(_id(name), globals()[name])
    assert not result.passed
    assert shown in result.message, result.message
    pairs = _shown_expected_and_got(result.message)
    assert pairs, result.message
    for expected, got in pairs:
        assert expected != got, result.message


def test_a_value_off_in_the_ninth_digit_is_printed_with_enough_digits():
    result = check("warmup_cosine", warmup_pi_from_memory)
    assert "lr: expected 0.05, got 0.0500000001" in result.message


def test_the_most_wrong_case_shows_what_the_diagnosis_is_about():
    result = check("warmup_cosine", warmup_pi_from_memory_no_clamp)
    assert "warmup_cosine(150, peak_lr=0.1, " in result.message
    assert "lr: expected 0.001, got 0.0590956" in result.message


def test_none_instead_of_nan_is_reported_as_expected_nan_got_none():
    result = check("good_lr_window", glw_none_when_empty)
    assert result.cases_passed == result.cases_total - 1  # only "nothing reaches tol" fails
    assert "First failing case: nothing reaches tol" in result.message
    assert "expected (nan, nan), got (None, None)" in result.message, result.message
    assert "TypeError" not in result.message and "could not be checked" not in result.message


@pytest.mark.parametrize("name", ["adam_eps_hardcoded", "warmup_pi_from_memory"])
def test_a_mistake_is_not_guessed_from_cases_where_it_gives_the_right_answer(name):
    """Neither submission makes a catalogued mistake: no 'Probably: ...' may name one (the
    warmup mistake gives the reference's answer in the decay cases; one near case of two is
    no evidence)."""
    result = check(_id(name), globals()[name])
    assert not result.passed
    assert "Probably" not in result.message, result.message
