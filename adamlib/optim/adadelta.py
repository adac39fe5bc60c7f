"""Adadelta: RMSprop whose step has the units of the params (torch.optim.Adadelta)."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from .base import Optimizer, check_bool, check_lr, check_nonnegative, check_unit_interval
from .parts import add_scaled_, as_dtype, effective_gradient, ema_of_square_

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
    params : numpy.ndarray or list of numpy.ndarray
        Floating-point arrays, updated in place by :meth:`step`.
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

    def _buffers(self, group: Mapping[str, Any]) -> dict[str, float | None]:
        return {"square_avg": 0.0, "acc_delta": 0.0}

    def _scalars(self, group: Mapping[str, Any], step: int, dtype: np.dtype) -> SimpleNamespace:
        rho = float(group["rho"])
        return SimpleNamespace(
            rho=as_dtype(rho, dtype),
            one_minus_rho=as_dtype(1 - rho, dtype),
            eps=as_dtype(float(group["eps"]), dtype),
            neg_lr=as_dtype(-float(group["lr"]), dtype),
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
        v, u = state["square_avg"], state["acc_delta"]
        ema_of_square_(v, g, s.rho, s.one_minus_rho, tmp=work[1])
        std = np.add(v, s.eps, out=work[1])  # torch: square_avg.add(eps).sqrt_()
        np.sqrt(std, out=std)
        delta = np.add(u, s.eps, out=work[2])  # torch: acc_delta.add(eps).sqrt_()
        np.sqrt(delta, out=delta)
        delta /= std  # torch: delta.div_(std).mul_(grad)
        delta *= g
        ema_of_square_(u, delta, s.rho, s.one_minus_rho, tmp=work[1])
        add_scaled_(p, delta, s.neg_lr, tmp=work[1])
