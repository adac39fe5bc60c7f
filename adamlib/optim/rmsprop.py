"""RMSprop: divide by the root of an EMA of squared gradients (torch.optim.RMSprop)."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from .base import (
    Optimizer,
    check_bool,
    check_lr,
    check_nonnegative,
    check_unit_interval,
)
from .parts import (
    add_scaled_,
    add_scaled_ratio_,
    as_dtype,
    effective_gradient,
    ema_,
    ema_of_square_,
    rms_denominator,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop: Adagrad with the sum of squares replaced by an exponential moving average.

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \theta_0,\ \alpha \text{ (smoothing)},\ \epsilon,\
        \lambda \text{ (weight decay)},\ \mu \text{ (momentum)},\ \textit{centered},\
        \textit{maximize} \\
        &\textbf{initialize: } v_0 \leftarrow 0,\ \bar g_0 \leftarrow 0,\ b_0 \leftarrow 0 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \quad (- \text{ if maximize}) \\
        &\quad \textbf{if } \lambda \ne 0:\ g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad v_t \leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        &\quad \textbf{if centered: } \bar g_t \leftarrow \alpha \bar g_{t-1} + (1-\alpha) g_t,\
            \ d_t \leftarrow \sqrt{v_t - \bar g_t^2} + \epsilon
            \quad \textbf{else } d_t \leftarrow \sqrt{v_t} + \epsilon \\
        &\quad \textbf{if } \mu > 0:\ b_t \leftarrow \mu b_{t-1} + g_t / d_t,\
            \ \theta_t \leftarrow \theta_{t-1} - \eta b_t \\
        &\quad \textbf{else } \theta_t \leftarrow \theta_{t-1} - \eta\, g_t / d_t

    Derived in lectures/05_rmsprop.ipynb.

    Parameters
    ----------
    params : numpy.ndarray or list of numpy.ndarray
        Floating-point arrays, updated in place by :meth:`step`.
    lr : float, default 1e-2
        Learning rate :math:`\eta`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha` of the EMA of squares, in [0, 1].
    eps : float, default 1e-8
        :math:`\epsilon`, added to the root.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    centered : bool, default False
        Divide by an estimate of the gradient's standard deviation instead of its RMS
        (Graves, 2013).
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - Hinton's lecture (6e) uses :math:`\alpha = 0.9`; PyTorch defaults to 0.99, Keras to
      ``rho=0.9``.
    - PyTorch adds :math:`\epsilon` after the square root, :math:`\sqrt{v} + \epsilon`; Keras
      adds it inside, :math:`\sqrt{v + \epsilon}`, with ``epsilon=1e-7``.
    - PyTorch's momentum buffer starts at zero (unlike SGD's, which starts at the first
      gradient) and accumulates :math:`g / d` *without* the learning rate; TensorFlow's
      accumulates :math:`\eta\, g / d`. They agree while :math:`\eta` is constant.
    - ``state[i]`` holds ``"step"``, ``"square_avg"`` (:math:`v`), and ``"momentum_buffer"``
      and ``"grad_avg"`` (:math:`\bar g`) when used.
    """

    _state_keys = ("square_avg", "momentum_buffer", "grad_avg")

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_unit_interval("alpha", group["alpha"])
        check_nonnegative("eps", group["eps"], "epsilon")
        check_nonnegative("weight_decay", group["weight_decay"])
        check_nonnegative("momentum", group["momentum"])
        check_bool("centered", group["centered"])
        check_bool("maximize", group["maximize"])

    def _buffers(self, group: Mapping[str, Any]) -> dict[str, float | None]:
        wanted: dict[str, float | None] = {"square_avg": 0.0}
        if group["momentum"] > 0:
            wanted["momentum_buffer"] = 0.0
        if group["centered"]:
            wanted["grad_avg"] = 0.0
        return wanted

    def _scalars(self, group: Mapping[str, Any], step: int, dtype: np.dtype) -> SimpleNamespace:
        alpha, momentum = float(group["alpha"]), float(group["momentum"])
        return SimpleNamespace(
            neg_lr=as_dtype(-float(group["lr"]), dtype),
            alpha=as_dtype(alpha, dtype),
            one_minus_alpha=as_dtype(1 - alpha, dtype),
            eps=as_dtype(float(group["eps"]), dtype),
            weight_decay=as_dtype(float(group["weight_decay"]), dtype),
            momentum=as_dtype(momentum, dtype) if momentum > 0 else 0,
            centered=bool(group["centered"]),
            maximize=bool(group["maximize"]),
        )

    def _update(
        self,
        p: np.ndarray,
        g: np.ndarray,
        state: dict[str, np.ndarray],
        work: list[np.ndarray],
        s: SimpleNamespace,
        fresh: frozenset[str],
    ) -> None:
        g = effective_gradient(g, p, s.weight_decay, s.maximize, out=work[0])
        v = state["square_avg"]
        ema_of_square_(v, g, s.alpha, s.one_minus_alpha, tmp=work[1])
        if s.centered:
            mean = state["grad_avg"]
            ema_(mean, g, s.one_minus_alpha, tmp=work[1])
            # torch: square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_().add_(eps)
            np.multiply(mean, mean, out=work[1])
            np.subtract(v, work[1], out=work[1])
            denom = rms_denominator(work[1], None, s.eps, out=work[1])
        else:
            denom = rms_denominator(v, None, s.eps, out=work[1])
        if s.momentum != 0:
            buf = state["momentum_buffer"]
            buf *= s.momentum  # torch: buf.mul_(momentum).addcdiv_(grad, avg)
            np.divide(g, denom, out=work[2])
            buf += work[2]
            add_scaled_(p, buf, s.neg_lr, tmp=work[2])
        else:
            add_scaled_ratio_(p, g, denom, s.neg_lr, tmp=work[2])
