"""Adagrad: per-coordinate learning rates from summed squared gradients (torch.optim.Adagrad)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_bool, check_lr, check_nonnegative
from .parts import gradient

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad: divide each coordinate's step by the root of its summed squared gradients.

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \theta_0,\ \lambda \text{ (weight decay)},\
        \gamma \text{ (lr decay)},\ s_0 \text{ (initial accumulator value)},\ \epsilon,\
        \textit{maximize} \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \quad (- \text{ if maximize}) \\
        &\quad \textbf{if } \lambda \ne 0:\ g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad \tilde\eta \leftarrow \eta / (1 + (t - 1)\gamma) \\
        &\quad s_t \leftarrow s_{t-1} + g_t^2 \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \tilde\eta\, g_t / (\sqrt{s_t} + \epsilon)

    Derived in lectures/04_adagrad.ipynb (per-coordinate rates as diagonal preconditioning).

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-2
        Learning rate :math:`\eta`.
    lr_decay : float, default 0
        :math:`\gamma`: the rate at step :math:`t` is :math:`\eta / (1 + (t-1)\gamma)`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    initial_accumulator_value : float, default 0
        :math:`s_0`, the starting value of the sum of squares.
    eps : float, default 1e-10
        :math:`\epsilon`, added to :math:`\sqrt{s_t}`.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - Duchi et al. write :math:`\eta\, g / \sqrt{\delta + s_t}` or
      :math:`\eta\, g / (\delta + \sqrt{s_t})`; PyTorch adds :math:`\epsilon` outside the
      square root, with a tiny default 1e-10. Keras adds it outside too but defaults to
      ``epsilon=1e-7`` and ``initial_accumulator_value=0.1`` (PyTorch: 0), so the first steps of
      the two libraries differ markedly.
    - ``lr_decay`` is PyTorch's own addition (not in the paper).
    - ``state[i]`` holds ``"step"`` and ``"sum"`` (:math:`s_t`).
    """

    _state_keys = ("sum",)

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_nonnegative("lr_decay", group["lr_decay"])
        check_nonnegative("weight_decay", group["weight_decay"])
        check_nonnegative("initial_accumulator_value", group["initial_accumulator_value"])
        check_nonnegative("eps", group["eps"], "epsilon")
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"sum": hyper["initial_accumulator_value"]}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, lr_decay, weight_decay = h["lr"], h["lr_decay"], h["weight_decay"]
        eps, maximize = h["eps"], h["maximize"]
        clr = lr / (1 + (step - 1) * lr_decay)  # torch's lr decay
        for param, grad, state, work in arrays:
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            s = state["sum"]
            s += np.multiply(g, g, out=work[1])  # s <- s + g^2
            # theta <- theta - clr * g / (sqrt(s) + eps)
            std = np.sqrt(s, out=work[1])
            std += eps
            np.multiply(g, -clr, out=work[2])  # torch: param.addcdiv_(g, std, value=-clr)
            work[2] /= std
            param += work[2]
