"""Adamax: Adam with the infinity norm in place of the root mean square (torch.optim.Adamax)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_betas, check_bool, check_lr, check_nonnegative
from .parts import bias_correction, ema_, gradient

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax: divide the first moment by an exponentially weighted infinity norm.

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0,\
        \epsilon,\ \lambda \text{ (weight decay)},\ \textit{maximize} \\
        &\textbf{initialize: } m_0 \leftarrow 0,\ u_0 \leftarrow 0 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \\
        &\quad \textbf{if } \lambda \ne 0:\ g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        &\quad u_t \leftarrow \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\,\frac{m_t}{u_t}

    Derived in lectures/08_beyond_adam.ipynb (the :math:`p \to \infty` limit of Adam's
    :math:`v_t^{1/p}`; Kingma & Ba, section 7.1).

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 2e-3
        Learning rate :math:`\eta`.
    betas : tuple of float, default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon`, added to :math:`|g_t|` inside the maximum.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - The paper has no :math:`\epsilon`: :math:`u_t = \max(\beta_2 u_{t-1}, |g_t|)`, which
      divides by zero while a coordinate's gradients have all been zero. PyTorch adds
      :math:`\epsilon` to :math:`|g_t|` *inside* the maximum; Keras adds it to :math:`u_t`
      in the denominator (``epsilon=1e-7``).
    - :math:`u_t` needs no bias correction (the maximum is not biased towards zero).
    - ``state[i]`` holds ``"step"``, ``"exp_avg"`` (:math:`m`) and ``"exp_inf"``
      (:math:`u`).
    """

    _state_keys = ("exp_avg", "exp_inf")

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_nonnegative("eps", group["eps"], "epsilon")
        check_betas(group["betas"])
        check_nonnegative("weight_decay", group["weight_decay"])
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"exp_avg": 0.0, "exp_inf": 0.0}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, (beta1, beta2) = h["lr"], h["betas"]
        eps, weight_decay, maximize = h["eps"], h["weight_decay"], h["maximize"]
        step_size = lr / bias_correction(beta1, step)
        for param, grad, state, work in arrays:
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            m, u = state["exp_avg"], state["exp_inf"]
            ema_(m, g, 1 - beta1, tmp=work[1])  # m <- beta1 m + (1 - beta1) g
            u *= beta2  # u <- max(beta2 u, |g| + eps)
            abs_g = np.abs(g, out=work[1])
            abs_g += eps
            np.maximum(u, abs_g, out=u)
            # theta <- theta - lr / (1 - beta1^t) * m / u
            np.multiply(m, -step_size, out=work[2])
            work[2] /= u
            param += work[2]
