"""The named pieces every optimizer in :mod:`adamlib.optim` is assembled from.

Each piece is one line of an algorithm from the lectures, written as in-place NumPy ufunc calls
(``out=``) into preallocated work buffers, so that an optimizer step allocates nothing. Reading
:class:`~adamlib.optim.Adam` you see its definition line by line::

    g = effective_gradient(grad, param, weight_decay, maximize, out=work[0])   # L2, maximize
    ema_(m, g, 1 - beta1, tmp=work[1])                                          # momentum (03)
    ema_of_square_(v, g, beta2, 1 - beta2, tmp=work[1])                         # RMSprop (05)
    denom = rms_denominator(v, bias_correction2 ** 0.5, eps, out=work[1])       # bias correction
    add_scaled_ratio_(param, m, denom, -lr / bias_correction1, tmp=work[2])    # the step

(Adam actually folds the step size into the denominator, as torch's ``capturable`` code path
does, which saves one pass over the arrays; see :meth:`Adam._update`.)

Arithmetic order follows PyTorch's CPU kernels (``lerp_``, ``addcmul_``, ``addcdiv_``) so that
float64 results agree with torch.optim to rounding; the docstring of each piece names the torch
call it mirrors. Where torch's vectorized kernel fuses a multiply-add (``add_(x, alpha=s)``,
``lerp_``), large arrays use BLAS ``axpy`` from SciPy when it is installed (it comes with
scikit-learn): one pass over memory instead of two, and the same single rounding.

All arrays passed in must be 1-D of equal length and of one floating dtype, and scalars must
already have that dtype (see :func:`as_dtype`): NumPy 2 would otherwise promote
float32 arrays combined with ``np.float64`` scalars to float64.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

try:  # BLAS axpy (y += a x in one pass); SciPy comes with scikit-learn but stays optional
    from scipy.linalg.blas import daxpy, saxpy

    _AXPY = {np.dtype(np.float32): saxpy, np.dtype(np.float64): daxpy}
except ImportError:  # pragma: no cover - without SciPy: two NumPy passes
    _AXPY = {}
#: below this many elements two NumPy calls are cheaper than one call into BLAS
AXPY_MIN_SIZE = 2048

__all__ = [
    "as_dtype",
    "bias_correction",
    "effective_gradient",
    "ema_",
    "ema_of_square_",
    "rms_denominator",
    "add_scaled_",
    "add_scaled_ratio_",
    "add_ratio_",
]


def as_dtype(value: float, dtype: np.dtype) -> np.floating:
    """Return the Python float ``value`` as a NumPy scalar of ``dtype`` (torch casts it likewise).

    Parameters
    ----------
    value : float
        A hyperparameter or a per-step scalar such as ``-lr / bias_correction1``.
    dtype : numpy.dtype
        The floating dtype of the params the scalar is combined with.

    Returns
    -------
    numpy.floating
        ``dtype.type(value)``; combining it with arrays of ``dtype`` keeps that dtype.
    """
    return dtype.type(value)


def bias_correction(beta: float, step: int) -> float:
    r"""Return :math:`1 - \beta^t`, the factor by which an EMA started at zero is too small.

    Parameters
    ----------
    beta : float
        The EMA's decay rate (:math:`\beta_1` or :math:`\beta_2`).
    step : int
        The step number :math:`t \ge 1` after the EMA update.

    Returns
    -------
    float
        :math:`1 - \beta^t` in Python (double precision), as torch computes it.

    Notes
    -----
    Derived in lectures/06_adam.ipynb: :math:`E[m_t] = (1 - \beta^t) E[g]` for a stationary
    gradient, so :math:`m_t / (1 - \beta^t)` is an unbiased estimate.
    """
    return 1 - beta ** float(step)


def effective_gradient(
    grad: np.ndarray,
    param: np.ndarray,
    weight_decay: np.floating | float,
    maximize: bool,
    out: np.ndarray,
) -> np.ndarray:
    r"""Return :math:`g \leftarrow \pm\nabla f + \lambda\theta` (maximize flips the sign; L2 decay).

    Parameters
    ----------
    grad : numpy.ndarray
        The gradient; never written to.
    param : numpy.ndarray
        The parameters :math:`\theta`.
    weight_decay : numpy.floating or float
        :math:`\lambda` (L2 penalty coefficient), 0 for none.
    maximize : bool
        Ascend instead of descend: use :math:`-\nabla f`.
    out : numpy.ndarray
        Work buffer for the result when it differs from ``grad``.

    Returns
    -------
    numpy.ndarray
        ``grad`` itself when nothing changes it (no copy), otherwise ``out``.

    Notes
    -----
    torch: ``grad = -grad`` then ``grad = grad.add(param, alpha=weight_decay)``.
    """
    if weight_decay != 0:
        np.multiply(param, weight_decay, out=out)
        if maximize:
            np.subtract(out, grad, out=out)
        else:
            np.add(grad, out, out=out)
        return out
    if maximize:
        return np.negative(grad, out=out)
    return grad


def _axpy_for(y: np.ndarray) -> Callable[..., np.ndarray] | None:
    """SciPy's BLAS axpy for ``y``'s dtype when ``y`` is large enough to profit, else None."""
    return _AXPY.get(y.dtype) if y.size >= AXPY_MIN_SIZE else None


def _axpy_(axpy: Callable[..., np.ndarray], x: np.ndarray, y: np.ndarray, a: np.floating) -> None:
    """``y += a * x`` in place with BLAS (one pass, one rounding)."""
    out = axpy(x, y, a=a)
    if out is not y:  # pragma: no cover - axpy works in place on contiguous arrays
        np.copyto(y, out)


def ema_(avg: np.ndarray, x: np.ndarray, weight: np.floating, tmp: np.ndarray) -> None:
    r"""Update an exponential moving average in place: :math:`a \leftarrow a + w (x - a)`.

    With :math:`w = 1 - \beta` this is :math:`a \leftarrow \beta a + (1 - \beta) x`, the EMA of
    lectures 03 (momentum as an average of gradients) and 06 (Adam's first moment :math:`m`).

    Parameters
    ----------
    avg : numpy.ndarray
        The average, updated in place.
    x : numpy.ndarray
        The new observation.
    weight : numpy.floating
        :math:`w = 1 - \beta`, already of ``avg``'s dtype.
    tmp : numpy.ndarray
        Work buffer.

    Notes
    -----
    torch: ``avg.lerp_(x, weight)``, which computes :math:`a + w(x - a)` when :math:`|w| < 0.5`
    and :math:`x - (x - a)(1 - w)` otherwise, for accuracy near both ends (its vectorized
    kernel fuses the multiply-add, as BLAS ``axpy`` does here when SciPy is available).
    """
    np.subtract(x, avg, out=tmp)
    small = abs(weight) < 0.5
    axpy = _axpy_for(avg)
    if small and axpy is not None:
        _axpy_(axpy, tmp, avg, weight)
    elif small:
        tmp *= weight
        avg += tmp
    else:
        tmp *= weight - 1
        np.add(x, tmp, out=avg)


def ema_of_square_(
    avg: np.ndarray,
    x: np.ndarray,
    beta: np.floating,
    one_minus_beta: np.floating,
    tmp: np.ndarray,
) -> None:
    r"""Update an EMA of squares in place: :math:`v \leftarrow \beta v + (1 - \beta) x^2`.

    The second-moment estimate of RMSprop (lecture 05) and Adam (lecture 06).

    Parameters
    ----------
    avg : numpy.ndarray
        :math:`v`, updated in place.
    x : numpy.ndarray
        The gradient :math:`g`.
    beta : numpy.floating
        :math:`\beta` (RMSprop's :math:`\alpha`, Adam's :math:`\beta_2`).
    one_minus_beta : numpy.floating
        :math:`1 - \beta`, computed in double precision before the cast, as in torch.
    tmp : numpy.ndarray
        Work buffer.

    Notes
    -----
    torch: ``avg.mul_(beta).addcmul_(x, x, value=1 - beta)``; addcmul multiplies the scalar
    into the first factor first, :math:`((1 - \beta) x) x`.
    """
    avg *= beta
    np.multiply(x, one_minus_beta, out=tmp)
    tmp *= x
    avg += tmp


def rms_denominator(
    second_moment: np.ndarray,
    correction_sqrt: np.floating | None,
    eps: np.floating,
    out: np.ndarray,
) -> np.ndarray:
    r"""Return :math:`\sqrt{v} / \sqrt{1 - \beta_2^t} + \epsilon` (ε outside the square root).

    Parameters
    ----------
    second_moment : numpy.ndarray
        :math:`v` (or :math:`\max_{s \le t} v_s` for AMSGrad).
    correction_sqrt : numpy.floating or None
        :math:`\sqrt{1 - \beta_2^t}`; None for no bias correction (RMSprop, Adagrad).
    eps : numpy.floating
        :math:`\epsilon`, added after the square root as in PyTorch.
    out : numpy.ndarray
        Work buffer receiving the result.

    Returns
    -------
    numpy.ndarray
        ``out``.

    Notes
    -----
    torch: ``(v.sqrt() / bias_correction2_sqrt).add_(eps)``.
    """
    np.sqrt(second_moment, out=out)
    if correction_sqrt is not None:
        out /= correction_sqrt
    out += eps
    return out


def add_scaled_(param: np.ndarray, x: np.ndarray, scale: np.floating, tmp: np.ndarray) -> None:
    r"""Update in place :math:`\theta \leftarrow \theta + s\,x` (torch: ``param.add_(x, alpha=s)``).

    Parameters
    ----------
    param : numpy.ndarray
        :math:`\theta`, updated in place.
    x : numpy.ndarray
        The direction.
    scale : numpy.floating
        :math:`s`, typically :math:`-\eta`.
    tmp : numpy.ndarray
        Work buffer.

    Notes
    -----
    With SciPy, large float32/float64 arrays use BLAS ``axpy``: one pass over memory and one
    rounding (a fused multiply-add, as torch's vectorized ``add_``); otherwise
    :math:`s x` is rounded first, which differs in the last bit at most.
    """
    axpy = _axpy_for(param)
    if axpy is not None:
        _axpy_(axpy, x, param, scale)
        return
    np.multiply(x, scale, out=tmp)
    param += tmp


def add_scaled_ratio_(
    param: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    scale: np.floating,
    tmp: np.ndarray,
) -> None:
    r"""Update in place :math:`\theta \leftarrow \theta + s\,n / d` elementwise.

    Parameters
    ----------
    param : numpy.ndarray
        :math:`\theta`, updated in place.
    numerator : numpy.ndarray
        :math:`n`, e.g. the first moment :math:`m`.
    denominator : numpy.ndarray
        :math:`d`, e.g. :math:`\sqrt{\hat v} + \epsilon`.
    scale : numpy.floating
        :math:`s`, e.g. :math:`-\eta / (1 - \beta_1^t)`.
    tmp : numpy.ndarray
        Work buffer, distinct from ``denominator``.

    Notes
    -----
    torch: ``param.addcdiv_(numerator, denominator, value=s)``, computed as :math:`(s n) / d`.
    """
    np.multiply(numerator, scale, out=tmp)
    tmp /= denominator
    param += tmp


def add_ratio_(
    param: np.ndarray, numerator: np.ndarray, denominator: np.ndarray, tmp: np.ndarray
) -> None:
    r"""Update in place :math:`\theta \leftarrow \theta + n / d` elementwise.

    Used when the step size is already folded into :math:`d` (one pass fewer than
    :func:`add_scaled_ratio_`).

    Parameters
    ----------
    param : numpy.ndarray
        :math:`\theta`, updated in place.
    numerator : numpy.ndarray
        :math:`n`.
    denominator : numpy.ndarray
        :math:`d`.
    tmp : numpy.ndarray
        Work buffer (may be ``denominator``).

    Notes
    -----
    torch: ``param.addcdiv_(numerator, denominator)``.
    """
    np.divide(numerator, denominator, out=tmp)
    param += tmp
