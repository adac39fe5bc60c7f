"""Stochastic gradient descent, optionally with (Nesterov) momentum: torch.optim.SGD in NumPy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_bool, check_finite, check_lr, check_nonnegative
from .parts import gradient

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (PyTorch's convention).

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \theta_0 \text{ (params)},\ \lambda \text{ (weight
        decay)},\ \mu \text{ (momentum)},\ \tau \text{ (dampening)},\ \textit{nesterov},\
        \textit{maximize} \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1})
            \quad (- \text{ if maximize}) \\
        &\quad \textbf{if } \lambda \ne 0:\ g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad \textbf{if } \mu \ne 0: \\
        &\qquad b_t \leftarrow g_t \text{ if } t = 1
            \text{ else } \mu b_{t-1} + (1 - \tau) g_t \\
        &\qquad g_t \leftarrow g_t + \mu b_t \text{ if nesterov else } b_t \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta g_t

    Plain gradient descent is derived in lectures/01_gradient_descent.ipynb, momentum and
    Nesterov's variant in lectures/03_momentum.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-3
        Learning rate :math:`\eta` (torch 2.x's default).
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    dampening : float, default 0
        Dampening :math:`\tau` of the gradient's contribution to the buffer.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    nesterov : bool, default False
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool, default False
        Maximize the objective (ascend the gradient).

    Notes
    -----
    PyTorch (and so this class) differs from Sutskever et al. and from Keras:

    - The velocity is an unscaled sum, :math:`b \leftarrow \mu b + g`,
      :math:`\theta \leftarrow \theta - \eta b`; Sutskever et al. and Keras use
      :math:`v \leftarrow \mu v - \eta g`, :math:`\theta \leftarrow \theta + v`. The two agree
      for a constant :math:`\eta` but differ when :math:`\eta` changes during training.
    - With ``dampening`` :math:`\tau`, :math:`b` is the EMA :math:`\mu b + (1 - \tau) g` of
      lecture 03 when :math:`\tau = \mu`; the default :math:`\tau = 0` is a plain sum.
    - The buffer starts at the first gradient, :math:`b_1 = g_1` (not zero), so the first step
      is never dampened; other frameworks start from :math:`b_0 = 0`.
    - Nesterov's step uses :math:`g + \mu b` (the "look-ahead" gradient rewritten in terms of
      the current params), as in Keras.

    ``state[i]`` holds ``"step"`` and, once the first momentum step has run,
    ``"momentum_buffer"`` (torch stores no step for SGD).
    """

    _state_keys = ("momentum_buffer",)

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_nonnegative("momentum", group["momentum"])
        check_finite("dampening", group["dampening"])
        check_nonnegative("weight_decay", group["weight_decay"])
        check_bool("nesterov", group["nesterov"])
        check_bool("maximize", group["maximize"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        # None: the buffer is created by the first momentum step (b_1 = g_1), as in torch
        return {"momentum_buffer": None} if hyper["momentum"] != 0 else {}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, momentum, dampening = h["lr"], h["momentum"], h["dampening"]
        weight_decay, nesterov, maximize = h["weight_decay"], h["nesterov"], h["maximize"]
        first = "momentum_buffer" in self._fresh  # the buffers were created for this step
        for param, grad, state, work in arrays:
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            if momentum != 0:
                b = state["momentum_buffer"]
                if first:
                    np.copyto(b, g)  # b_1 = g_1: torch clones the first gradient
                else:  # b <- mu b + (1 - tau) g
                    b *= momentum
                    if dampening == 0:
                        b += g
                    else:
                        b += np.multiply(g, 1 - dampening, out=work[1])
                if nesterov:  # g <- g + mu b
                    g = np.add(g, np.multiply(b, momentum, out=work[1]), out=work[1])
                else:  # g <- b
                    g = b
            np.multiply(g, -lr, out=work[2])  # theta <- theta - lr g
            param += work[2]
