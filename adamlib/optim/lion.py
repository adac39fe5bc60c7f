"""Lion: the sign of an interpolated momentum, one state buffer (lion_pytorch.Lion)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_betas, check_lr, check_nonnegative

__all__ = ["Lion"]


class Lion(Optimizer):
    r"""Lion ("evoLved sIgn mOmeNtum"): step by the sign of an interpolated momentum.

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0,\
        \lambda \text{ (weight decay)} \\
        &\textbf{initialize: } m_0 \leftarrow 0 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \nabla f_t(\theta_{t-1}) \\
        &\quad c_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t
            \quad \text{(interpolate with } \beta_1\text{)} \\
        &\quad \theta_t \leftarrow (1 - \eta\lambda)\,\theta_{t-1} - \eta\,\mathrm{sign}(c_t)
            \quad \text{(every coordinate moves by } \eta\text{)} \\
        &\quad m_t \leftarrow \beta_2 m_{t-1} + (1 - \beta_2) g_t
            \quad \text{(then track with } \beta_2\text{)}

    Found by program search (Chen et al., 2023, "Symbolic Discovery of Optimization
    Algorithms"); derived in lectures/12_lean_and_schedule_free.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-4
        Learning rate :math:`\eta`: each coordinate moves by exactly :math:`\eta` (plus the
        decay), so Lion's :math:`\eta` is typically 3-10 times smaller than AdamW's.
    betas : tuple of float, default (0.9, 0.99)
        :math:`(\beta_1, \beta_2)`: :math:`\beta_1` mixes the gradient into the direction
        whose sign is taken, :math:`\beta_2` is the decay of the momentum :math:`m` kept.
    weight_decay : float, default 0.0
        Decoupled decay :math:`\lambda` (as AdamW's): :math:`\theta \leftarrow (1 -
        \eta\lambda)\theta`. Lion's smaller :math:`\eta` asks for a 3-10 times larger
        :math:`\lambda` for the same decay per step.

    Notes
    -----
    - The reference is lucidrains' ``lion_pytorch.Lion`` (lion-pytorch 0.2.5), whose update is
      the paper's Program 1 (and google/automl's ``lion_pytorch.py``); the trajectories agree
      to rounding (tests/test_optim_reference.py).
    - Not here: lion-pytorch's ``use_triton`` (a GPU kernel) and ``decoupled_weight_decay=True``
      (which divides :math:`\lambda` by the *initial* lr, so that the decay per step does not
      follow a schedule); no ``maximize`` (lion-pytorch has none).
    - lion-pytorch asserts ``lr > 0`` and accepts :math:`\beta = 1`; this class accepts
      ``lr = 0`` (a schedule may end there) and asks for betas in [0, 1), as Adam does.
    - ``sign(0) = 0``: a coordinate whose interpolation is exactly zero does not move.
    - ``state[i]`` holds ``"step"`` and ``"exp_avg"`` (:math:`m`): one buffer per param,
      half of Adam's two.
    """

    _state_keys = ("exp_avg",)

    def __init__(
        self,
        params: Any,
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_betas(group["betas"])
        check_nonnegative("weight_decay", group["weight_decay"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"exp_avg": 0.0}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, (beta1, beta2), weight_decay = h["lr"], h["betas"], h["weight_decay"]
        for param, grad, state, work in arrays:
            g, m = grad, state["exp_avg"]
            if weight_decay != 0:  # theta <- (1 - lr lambda) theta, decoupled as in AdamW
                param *= 1 - lr * weight_decay
            c = np.multiply(m, beta1, out=work[0])  # c <- beta1 m + (1 - beta1) g
            c += np.multiply(g, 1 - beta1, out=work[1])
            # each coordinate -1, 0 or +1 (into another array: NumPy's fast sign loop is skipped
            # when the output is the input, 7 times slower for float32)
            update = np.sign(c, out=work[1])
            update *= -lr
            param += update  # theta <- theta - lr sign(c)
            m *= beta2  # m <- beta2 m + (1 - beta2) g  (after the step, with beta2)
            m += np.multiply(g, 1 - beta2, out=work[0])
