"""RAdam: Adam with the variance of its adaptive rate rectified (torch.optim.RAdam)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_betas, check_bool, check_lr, check_nonnegative
from .parts import bias_correction, ema_, ema_of_square_, gradient

__all__ = ["RAdam"]


def rectification(beta2: float, step: int) -> float | None:
    r"""Return RAdam's :math:`r_t`, or None while :math:`\rho_t \le 5` (no adaptive step yet).

    .. math::

        \rho_\infty = \frac{2}{1 - \beta_2} - 1,\quad
        \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1 - \beta_2^t},\quad
        r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
                         {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}

    Parameters
    ----------
    beta2 : float
        :math:`\beta_2`.
    step : int
        :math:`t \ge 1`.

    Returns
    -------
    float or None
        :math:`r_t` when :math:`\rho_t > 5`, else None. Computed in double precision with
        torch's arithmetic, so the switch happens at the same step.
    """
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * float(step) * (beta2 ** float(step)) / bias_correction(beta2, step)
    if not rho_t > 5.0:
        return None
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


class RAdam(Optimizer):
    r"""RAdam: Adam that takes momentum-only steps until :math:`v_t` is trustworthy.

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0,\
        \epsilon,\ \lambda \text{ (weight decay)},\ \textit{decoupled\_weight\_decay},\
        \textit{maximize} \\
        &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\
            \rho_\infty \leftarrow 2/(1 - \beta_2) - 1 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \\
        &\quad \textbf{if } \lambda \ne 0: \textbf{ if decoupled: }
            \theta_{t-1} \leftarrow (1 - \eta\lambda)\theta_{t-1}
            \textbf{ else } g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t,\quad
            v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,\quad
            \hat m_t \leftarrow m_t / (1 - \beta_1^t) \\
        &\quad \rho_t \leftarrow \rho_\infty - 2t\beta_2^t / (1 - \beta_2^t) \\
        &\quad \textbf{if } \rho_t > 5: \
            r_t \leftarrow \sqrt{\tfrac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
            {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}},\
            \ \theta_t \leftarrow \theta_{t-1} - \eta\,\hat m_t\, r_t\,
            \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} \\
        &\quad \textbf{else}\ \theta_t \leftarrow \theta_{t-1} - \eta\,\hat m_t

    Derived in lectures/08_beyond_adam.ipynb (with learning-rate warmup, which it replaces).

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-3
        Learning rate :math:`\eta`.
    betas : tuple of float, default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon`.
    weight_decay : float, default 0
        :math:`\lambda`.
    decoupled_weight_decay : bool, default False
        Decay the params directly, as AdamW does.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - Liu et al. (2020) add :math:`\epsilon` nowhere (:math:`\sqrt{1-\beta_2^t}/\sqrt{v_t}`);
      PyTorch adds it to :math:`\sqrt{v_t}` before the bias correction, i.e. Adam's
      :math:`\epsilon` scaled by :math:`\sqrt{1-\beta_2^t}`.
    - The threshold :math:`\rho_t > 5` is PyTorch's (the paper's Algorithm 2 uses 4; its code
      uses 5). With :math:`\beta_2` = 0.999 the first 5 steps are plain momentum steps
      :math:`\eta\hat m_t`, which do not shrink when gradients are large: mind the scale.
    - ``state[i]`` holds ``"step"``, ``"exp_avg"`` (:math:`m`) and ``"exp_avg_sq"``
      (:math:`v`).
    """

    _state_keys = ("exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_nonnegative("eps", group["eps"], "epsilon")
        check_betas(group["betas"])
        check_nonnegative("weight_decay", group["weight_decay"])
        check_bool("decoupled_weight_decay", group["decoupled_weight_decay"])
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"exp_avg": 0.0, "exp_avg_sq": 0.0}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, (beta1, beta2), eps = h["lr"], h["betas"], h["eps"]
        weight_decay, maximize = h["weight_decay"], h["maximize"]
        decay = 0.0  # decoupled: theta <- theta (1 - lr lambda), as AdamW
        if h["decoupled_weight_decay"]:
            decay, weight_decay = weight_decay, 0.0
        r = rectification(beta2, step)  # None while rho_t <= 5
        for param, grad, state, work in arrays:
            if decay != 0:
                param *= 1 - lr * decay
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            m, v = state["exp_avg"], state["exp_avg_sq"]
            ema_(m, g, 1 - beta1, tmp=work[1])  # m <- beta1 m + (1 - beta1) g
            ema_of_square_(v, g, beta2, tmp=work[1])  # v <- beta2 v + (1 - beta2) g^2
            if r is None:  # rho_t <= 5: v is too noisy yet; theta <- theta - lr m_hat (momentum)
                np.multiply(m, -lr / bias_correction(beta1, step), out=work[2])
            else:  # theta <- theta - lr m_hat r_t sqrt(1 - beta2^t) / (sqrt(v) + eps)
                denom = np.sqrt(v, out=work[1])
                denom += eps
                scale = -lr * r * bias_correction(beta2, step) ** 0.5 / bias_correction(beta1, step)
                np.multiply(m, scale, out=work[2])
                work[2] /= denom
            param += work[2]
