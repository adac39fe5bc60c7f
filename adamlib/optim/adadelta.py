"""Adadelta: RMSprop whose step has the units of the params (torch.optim.Adadelta)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_bool, check_lr, check_nonnegative, check_unit_interval
from .parts import ema_of_square_, gradient

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta: scale the RMSprop step by the RMS of past updates (Zeiler, 2012).

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \rho,\ \theta_0,\ \epsilon,\
        \lambda \text{ (weight decay)},\ \textit{maximize} \\
        &\textbf{initialize: } v_0 \leftarrow 0 \text{ (square avg.)},\
            u_0 \leftarrow 0 \text{ (accumulated updates)} \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \\
        &\quad \textbf{if } \lambda \ne 0:\ g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad v_t \leftarrow \rho v_{t-1} + (1 - \rho) g_t^2 \\
        &\quad \Delta x_t \leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\,g_t \\
        &\quad u_t \leftarrow \rho u_{t-1} + (1 - \rho)\Delta x_t^2 \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta\,\Delta x_t

    Derived in lectures/08_beyond_adam.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1.0
        Learning rate :math:`\eta`, a multiplier on :math:`\Delta x_t` (the paper has none).
    rho : float, default 0.9
        Decay rate :math:`\rho` of both averages, in [0, 1].
    eps : float, default 1e-6
        :math:`\epsilon`, added *inside* both square roots.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - Zeiler's method has no learning rate; PyTorch multiplies the update by ``lr`` (default
      1.0, which recovers the paper). Keras' Adadelta defaults to ``learning_rate=0.001``,
      i.e. a thousand times smaller steps, with ``rho=0.95`` and ``epsilon=1e-7``.
    - Unlike Adam and RMSprop, :math:`\epsilon` sits inside the roots, as in the paper; it
      also starts the numerator: the first step is :math:`\sqrt{\epsilon}\,g/\sqrt{v_1 +
      \epsilon}`, tiny, and Adadelta needs many steps to get going.
    - ``state[i]`` holds ``"step"``, ``"square_avg"`` (:math:`v`) and ``"acc_delta"``
      (:math:`u`).
    """

    _state_keys = ("square_avg", "acc_delta")

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_unit_interval("rho", group["rho"])
        check_nonnegative("eps", group["eps"], "epsilon")
        check_nonnegative("weight_decay", group["weight_decay"])
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"square_avg": 0.0, "acc_delta": 0.0}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, rho = h["lr"], h["rho"]
        eps, weight_decay, maximize = h["eps"], h["weight_decay"], h["maximize"]
        for param, grad, state, work in arrays:
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            v, u = state["square_avg"], state["acc_delta"]
            ema_of_square_(v, g, rho, tmp=work[1])  # v <- rho v + (1 - rho) g^2
            # delta <- sqrt(u + eps) / sqrt(v + eps) * g
            std = np.add(v, eps, out=work[1])
            np.sqrt(std, out=std)
            delta = np.add(u, eps, out=work[2])
            np.sqrt(delta, out=delta)
            delta /= std
            delta *= g
            ema_of_square_(u, delta, rho, tmp=work[1])  # u <- rho u + (1 - rho) delta^2
            param += np.multiply(delta, -lr, out=work[1])  # theta <- theta - lr delta
