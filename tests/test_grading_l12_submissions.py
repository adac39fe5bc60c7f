"""Learner submissions for lecture 12's exercises, written blind (from the exercise notebook's
task text only, before the mistake catalogue of adamlib/grading/exercises/l12_*.py was written),
each with the verdict it deserves; as tests/test_grading_learner_submissions.py does for the
earlier lectures (kept in its own file: lecture 12 was written alongside another change there).
"""

# ruff: noqa: E501
import numpy as np
import pytest

from adamlib.grading import MUTATION, check


# ---------------- lion_step(x, grad, m, lr, beta1, beta2, weight_decay) -> (x_new, m_new) ----------------
def lion_plain(x, grad, m, lr, beta1, beta2, weight_decay):  # correct
    c = beta1 * m + (1 - beta1) * grad
    x_new = x * (1 - lr * weight_decay) - lr * np.sign(c)
    m_new = beta2 * m + (1 - beta2) * grad
    return x_new, m_new


def lion_lerp(x, grad, m, lr, beta1, beta2, weight_decay):  # correct (the paper's Program 1)
    update = np.sign(m + (1 - beta1) * (grad - m)) + weight_decay * x
    return x - lr * update, m + (1 - beta2) * (grad - m)


def lion_copysign(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong: sign(0) = +-1
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) - lr * np.copysign(np.ones_like(c), c), beta2 * m + (
        1 - beta2
    ) * grad


def lion_momentum_first(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong: m updated first
    m_new = beta2 * m + (1 - beta2) * grad
    c = beta1 * m_new + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) - lr * np.sign(c), m_new


def lion_beta2_everywhere(
    x, grad, m, lr, beta1, beta2, weight_decay
):  # wrong: interpolates with beta2
    m_new = beta2 * m + (1 - beta2) * grad
    return x * (1 - lr * weight_decay) - lr * np.sign(m_new), m_new


def lion_decay_without_lr(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong: x * (1 - wd)
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - weight_decay) - lr * np.sign(c), beta2 * m + (1 - beta2) * grad


def lion_no_sign(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong: forgot the sign
    c = beta1 * m + (1 - beta1) * grad
    return x * (1 - lr * weight_decay) - lr * c, beta2 * m + (1 - beta2) * grad


def lion_l2_like_adam(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong (the lead's, blind)
    g = grad + weight_decay * x
    u = np.sign(beta1 * m + (1 - beta1) * g)
    return x - lr * u, beta2 * m + (1 - beta2) * g


def lion_decay_after_step(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong (O(lr^2 wd))
    c = beta1 * m + (1 - beta1) * grad
    return (x - lr * np.sign(c)) * (1 - lr * weight_decay), beta2 * m + (1 - beta2) * grad


def lion_inplace(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong: modifies x and m
    c = beta1 * m + (1 - beta1) * grad
    x *= 1 - lr * weight_decay
    x -= lr * np.sign(c)
    m *= beta2
    m += (1 - beta2) * grad
    return x, m


def lion_float64_lr(x, grad, m, lr, beta1, beta2, weight_decay):  # wrong: promotes float32
    c = beta1 * m + (1 - beta1) * grad
    step = np.float64(lr) * np.sign(c)
    return x * (1 - lr * weight_decay) - step, beta2 * m + (1 - beta2) * grad


# ---------------- adafactor_factored_moment(row_var, col_var, grad, t, beta2_decay, eps1) -> (row_new, col_new, v_hat) ----------------
def af_plain(row_var, col_var, grad, t, beta2_decay, eps1):  # correct
    beta2_t = 1 - t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    v_hat = row_new * col_new / max(row_new.mean(), eps1)
    return row_new, col_new, v_hat


def af_lerp_sums(row_var, col_var, grad, t, beta2_decay, eps1):  # correct (lerp, sums / size)
    w = t**beta2_decay  # 1 - beta2_t
    n, m = grad.shape
    row_new = row_var + w * ((grad * grad).sum(axis=1, keepdims=True) / m - row_var)
    col_new = col_var + w * ((grad * grad).sum(axis=0, keepdims=True) / n - col_var)
    v_hat = row_new @ col_new / np.maximum(row_new.sum() / n, eps1)
    return row_new, col_new, v_hat


def af_outer(row_var, col_var, grad, t, beta2_decay, eps1):  # correct (np.outer, reshaped)
    b = 1.0 - float(t) ** beta2_decay
    sq = np.square(grad)
    r = b * row_var + (1 - b) * np.mean(sq, axis=-1, keepdims=True)
    c = b * col_var + (1 - b) * np.mean(sq, axis=-2, keepdims=True)
    return r, c, np.outer(r, c).astype(grad.dtype) / np.maximum(np.mean(r), eps1)


def af_no_normalisation(
    row_var, col_var, grad, t, beta2_decay, eps1
):  # wrong: R C without / mean(R)
    beta2_t = 1 - t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return row_new, col_new, row_new * col_new


def af_divide_by_sum(row_var, col_var, grad, t, beta2_decay, eps1):  # wrong: / sum(R) with means
    beta2_t = 1 - t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return row_new, col_new, row_new * col_new / max(row_new.sum(), eps1)


def af_swapped_axes(
    row_var, col_var, grad, t, beta2_decay, eps1
):  # wrong: means over the wrong axes
    beta2_t = 1 - t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True).T
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True).T
    return row_new, col_new, row_new * col_new / max(row_new.mean(), eps1)


def af_beta_is_power(row_var, col_var, grad, t, beta2_decay, eps1):  # wrong: beta2_t = t^decay
    beta2_t = t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return row_new, col_new, row_new * col_new / max(row_new.mean(), eps1)


def af_old_factors(row_var, col_var, grad, t, beta2_decay, eps1):  # wrong: v_hat from the old R, C
    beta2_t = 1 - t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return row_new, col_new, row_var * col_var / max(row_var.mean(), eps1)


def af_eps_added(row_var, col_var, grad, t, beta2_decay, eps1):  # wrong: + eps1 instead of max
    beta2_t = 1 - t**beta2_decay
    g2 = grad**2
    row_new = beta2_t * row_var + (1 - beta2_t) * g2.mean(axis=1, keepdims=True)
    col_new = beta2_t * col_var + (1 - beta2_t) * g2.mean(axis=0, keepdims=True)
    return row_new, col_new, row_new * col_new / (row_new.mean() + eps1)


def af_inplace(row_var, col_var, grad, t, beta2_decay, eps1):  # wrong: modifies row_var, col_var
    beta2_t = 1 - t**beta2_decay
    row_var *= beta2_t
    row_var += (1 - beta2_t) * (grad**2).mean(axis=1, keepdims=True)
    col_var *= beta2_t
    col_var += (1 - beta2_t) * (grad**2).mean(axis=0, keepdims=True)
    return row_var, col_var, row_var * col_var / max(row_var.mean(), eps1)


EX = {"lion_": "lion_step", "af_": "adafactor_factored_moment"}
CORRECT = ["lion_plain", "lion_lerp", "af_plain", "af_lerp_sums", "af_outer"]
NAMED = {  # wrong: must fail and name this (the catalogue's names)
    "lion_momentum_first": "momentum updated before the sign",
    "lion_beta2_everywhere": "interpolated with beta2",
    "lion_decay_without_lr": "weight decay not multiplied by lr",
    "lion_no_sign": "sign missing",
    "lion_l2_like_adam": "weight decay added to the gradient",
    "lion_inplace": MUTATION,
    "lion_float64_lr": "dtype float64 but the inputs are float32",
    "af_no_normalisation": "normalisation by the mean of R missing",
    "af_divide_by_sum": "divided by the sum of R",
    "af_swapped_axes": "rows and columns swapped",
    "af_beta_is_power": "beta2_t taken as t**beta2_decay",
    "af_old_factors": "old R and C",
    "af_inplace": MUTATION,
}
FAIL_ONLY = ["lion_copysign", "lion_decay_after_step", "af_eps_added"]


def _id(name: str) -> str:
    return next(ex for p, ex in EX.items() if name.startswith(p))


@pytest.mark.parametrize("name", CORRECT)
def test_correct_submission_gets_full_marks(name: str) -> None:
    result = check(_id(name), globals()[name])
    assert result.passed and result.points == result.max_points, result.message


@pytest.mark.parametrize(("name", "words"), list(NAMED.items()))
def test_wrong_submission_fails_with_the_right_diagnosis(name: str, words: str) -> None:
    result = check(_id(name), globals()[name])
    assert not result.passed
    assert words in result.message, result.message


@pytest.mark.parametrize("name", FAIL_ONLY)
def test_wrong_submission_fails(name: str) -> None:
    assert not check(_id(name), globals()[name]).passed
