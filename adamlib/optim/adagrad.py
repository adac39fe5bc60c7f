"""Adagrad: per-coordinate learning rates from summed squared gradients (torch.optim.Adagrad)."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from .base import Optimizer, check_bool, check_lr, check_nonnegative
from .parts import add_scaled_ratio_, as_dtype, effective_gradient, rms_denominator

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
    params : numpy.ndarray or list of numpy.ndarray
        Floating-point arrays, updated in place by :meth:`step`.
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

    def _buffers(self, group: Mapping[str, Any]) -> dict[str, float | None]:
        return {"sum": float(group["initial_accumulator_value"])}

    def _scalars(self, group: Mapping[str, Any], step: int, dtype: np.dtype) -> SimpleNamespace:
        clr = float(group["lr"]) / (1 + (float(step) - 1) * float(group["lr_decay"]))
        return SimpleNamespace(
            neg_clr=as_dtype(-clr, dtype),
            eps=as_dtype(float(group["eps"]), dtype),
            weight_decay=as_dtype(float(group["weight_decay"]), dtype),
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
        total = state["sum"]
        np.multiply(g, g, out=work[1])  # torch: sum.addcmul_(grad, grad, value=1)
        total += work[1]
        std = rms_denominator(total, None, s.eps, out=work[1])
        add_scaled_ratio_(p, g, std, s.neg_clr, tmp=work[2])
