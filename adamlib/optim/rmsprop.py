"""RMSprop: divide by the root of an EMA of squared gradients (torch.optim.RMSprop)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import (
    Arrays,
    Optimizer,
    check_bool,
    check_lr,
    check_nonnegative,
    check_unit_interval,
)
from .parts import ema_, ema_of_square_, gradient

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
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
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

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        arrays: dict[str, float | None] = {"square_avg": 0.0}
        if hyper["momentum"] > 0:
            arrays["momentum_buffer"] = 0.0
        if hyper["centered"]:
            arrays["grad_avg"] = 0.0
        return arrays

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, alpha, eps = h["lr"], h["alpha"], h["eps"]
        weight_decay, momentum = h["weight_decay"], h["momentum"]
        centered, maximize = h["centered"], h["maximize"]
        for param, grad, state, work in arrays:
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            v = state["square_avg"]
            ema_of_square_(v, g, alpha, tmp=work[1])  # v <- alpha v + (1 - alpha) g^2
            if centered:  # d <- sqrt(v - gbar^2) + eps, gbar <- alpha gbar + (1 - alpha) g
                g_avg = state["grad_avg"]
                ema_(g_avg, g, 1 - alpha, tmp=work[1])
                denom = np.multiply(g_avg, g_avg, out=work[1])
                np.subtract(v, denom, out=denom)
                np.sqrt(denom, out=denom)
            else:  # d <- sqrt(v) + eps
                denom = np.sqrt(v, out=work[1])
            denom += eps
            if momentum > 0:  # b <- mu b + g / d;  theta <- theta - lr b
                b = state["momentum_buffer"]
                b *= momentum
                b += np.divide(g, denom, out=work[2])
                param += np.multiply(b, -lr, out=work[2])
            else:  # theta <- theta - lr g / d   (torch: param.addcdiv_(g, d, value=-lr))
                np.multiply(g, -lr, out=work[2])
                work[2] /= denom
                param += work[2]
