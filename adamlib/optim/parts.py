r"""The lines several optimizers share, each one line of a lecture, in place with NumPy.

- :func:`gradient` — :math:`g \leftarrow \pm\nabla f + \lambda\theta` (maximize, L2 decay);
- :func:`ema_` — :math:`m \leftarrow \beta m + (1-\beta) g` (lecture 03: momentum as an EMA);
- :func:`ema_of_square_` — :math:`v \leftarrow \beta v + (1-\beta) g^2` (lecture 05);
- :func:`bias_correction` — :math:`1 - \beta^t` (lecture 06).

Scalars are Python floats: NumPy combines them with float32 arrays in float32 (torch likewise
casts them to the params' dtype). The arithmetic order is that of torch's CPU kernels, so that
float64 results agree with torch.optim to rounding; each docstring names the torch call.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bias_correction", "ema_", "ema_of_square_", "gradient"]


def bias_correction(beta: float, step: int) -> float:
    r"""Return :math:`1 - \beta^t`, the factor by which an EMA started at zero is too small.

    Derived in lectures/06_adam.ipynb: :math:`E[m_t] = (1 - \beta^t) E[g]` for a stationary
    gradient, so :math:`m_t / (1 - \beta^t)` is an unbiased estimate. Computed in double
    precision, as torch does.
    """
    return 1 - beta ** float(step)


def gradient(
    grad: np.ndarray, param: np.ndarray, weight_decay: float, maximize: bool, out: np.ndarray
) -> np.ndarray:
    r"""Return :math:`\pm\nabla f + \lambda\theta` (``-`` to maximize; :math:`\lambda`: L2 decay).

    ``grad`` itself when neither option is on (no copy, never written to), else ``out``.
    torch: ``grad = -grad`` then ``grad = grad.add(param, alpha=weight_decay)``.
    """
    if weight_decay != 0:
        np.multiply(param, weight_decay, out=out)
        return np.subtract(out, grad, out=out) if maximize else np.add(grad, out, out=out)
    if maximize:
        return np.negative(grad, out=out)
    return grad


def ema_(avg: np.ndarray, x: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    r"""Update in place :math:`a \leftarrow a + w (x - a)`: an EMA.

    That is :math:`\beta a + (1 - \beta) x` for :math:`w = 1 - \beta`: the EMA of lectures 03
    (momentum) and 06 (Adam's :math:`m`).

    torch: ``avg.lerp_(x, weight)``, which computes :math:`a + w(x - a)` when :math:`|w| < 0.5`
    and :math:`x - (x - a)(1 - w)` otherwise (accurate near both ends).
    """
    np.subtract(x, avg, out=tmp)
    if abs(weight) < 0.5:
        tmp *= weight
        avg += tmp
    else:
        tmp *= weight - 1
        np.add(x, tmp, out=avg)


def ema_of_square_(avg: np.ndarray, x: np.ndarray, beta: float, tmp: np.ndarray) -> None:
    r"""Update in place :math:`v \leftarrow \beta v + (1 - \beta) x^2`: a second moment.

    The second moment of RMSprop (lecture 05) and Adam (lecture 06).

    torch: ``avg.mul_(beta).addcmul_(x, x, value=1 - beta)``, computed as
    :math:`\beta v + ((1 - \beta) x) x`.
    """
    avg *= beta
    np.multiply(x, 1 - beta, out=tmp)
    tmp *= x
    avg += tmp
