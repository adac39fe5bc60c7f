"""NAdam: Adam with Nesterov momentum (torch.optim.NAdam)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_betas, check_bool, check_lr, check_nonnegative
from .parts import bias_correction, ema_, ema_of_square_, gradient

__all__ = ["NAdam"]


def momentum_schedule(beta1: float, momentum_decay: float, step: int) -> float:
    r"""Return Dozat's warming momentum :math:`\mu_t = \beta_1 (1 - \tfrac12 0.96^{t\psi})`.

    Parameters
    ----------
    beta1 : float
        :math:`\beta_1`, the limit of :math:`\mu_t` for large :math:`t`.
    momentum_decay : float
        :math:`\psi`.
    step : int
        :math:`t`.

    Returns
    -------
    float
        :math:`\mu_t`, computed in double precision as torch does.
    """
    return beta1 * (1.0 - 0.5 * (0.96 ** (float(step) * momentum_decay)))


class NAdam(Optimizer):
    r"""NAdam: Adam whose momentum step looks ahead, as Nesterov's does (Dozat, 2016).

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0,\
        \epsilon,\ \lambda \text{ (weight decay)},\ \psi \text{ (momentum decay)},\
        \textit{decoupled\_weight\_decay},\ \textit{maximize} \\
        &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\ \Pi_0 \leftarrow 1
            \text{ (mu\_product)} \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \\
        &\quad \textbf{if } \lambda \ne 0: \textbf{ if decoupled: }
            \theta_{t-1} \leftarrow (1 - \eta\lambda)\theta_{t-1}
            \textbf{ else } g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad \mu_t \leftarrow \beta_1(1 - \tfrac12 0.96^{t\psi}),\
            \ \mu_{t+1} \leftarrow \beta_1(1 - \tfrac12 0.96^{(t+1)\psi}),\
            \ \Pi_t \leftarrow \Pi_{t-1}\mu_t \\
        &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t,\quad
            v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        &\quad d_t \leftarrow \sqrt{v_t / (1 - \beta_2^t)} + \epsilon \\
        &\quad \theta_t \leftarrow \theta_{t-1}
            - \eta\,\frac{1 - \mu_t}{1 - \Pi_t}\,\frac{g_t}{d_t}
            - \eta\,\frac{\mu_{t+1}}{1 - \Pi_t\mu_{t+1}}\,\frac{m_t}{d_t}

    Derived in lectures/08_beyond_adam.ipynb.

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
        :math:`\epsilon`.
    weight_decay : float, default 0
        :math:`\lambda`.
    momentum_decay : float, default 4e-3
        :math:`\psi`, how fast :math:`\mu_t` warms up to :math:`\beta_1`.
    decoupled_weight_decay : bool, default False
        Decay the params directly, as AdamW does ("NAdamW"), instead of adding
        :math:`\lambda\theta` to the gradient.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - The gradient and the first moment are bias-corrected with the products of the momentum
      schedule, :math:`1 - \Pi_t` and :math:`1 - \Pi_t\mu_{t+1}`, not with :math:`1 -
      \beta_1^t`; the schedule :math:`\mu_t` with :math:`\psi` = 0.004 is Dozat's (Keras'
      Nadam uses the same schedule, with ``epsilon=1e-7``).
    - :math:`\epsilon` is added after bias-correcting :math:`v`, as in Adam.
    - torch keeps :math:`\Pi_t` (``"mu_product"``) as a float32 scalar even for float64
      params; so does this class, so that the trajectories agree.
    - ``state[i]`` holds ``"step"``, ``"mu_product"``, ``"exp_avg"`` (:math:`m`) and
      ``"exp_avg_sq"`` (:math:`v`).
    """

    _state_keys = ("exp_avg", "exp_avg_sq")
    _scalar_state = {"mu_product": 1.0}

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
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
        check_nonnegative("momentum_decay", group["momentum_decay"])
        check_bool("decoupled_weight_decay", group["decoupled_weight_decay"])
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"exp_avg": 0.0, "exp_avg_sq": 0.0}

    def _next_scalar_state(self, step: int, state: Mapping[str, Any]) -> dict[str, float]:
        # torch: mu_product *= mu_t, on a float32 scalar (kept so for float64 params too)
        mu = momentum_schedule(self.hyper["betas"][0], self.hyper["momentum_decay"], step)
        return {"mu_product": float(np.float32(state["mu_product"]) * np.float32(mu))}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, (beta1, beta2), eps, psi = h["lr"], h["betas"], h["eps"], h["momentum_decay"]
        weight_decay, maximize = h["weight_decay"], h["maximize"]
        decay = 0.0  # decoupled: theta <- theta (1 - lr lambda), as AdamW
        if h["decoupled_weight_decay"]:
            decay, weight_decay = weight_decay, 0.0
        mu = momentum_schedule(beta1, psi, step)  # mu_t, warming up to beta1
        mu_next = momentum_schedule(beta1, psi, step + 1)
        for param, grad, state, work in arrays:
            if decay != 0:
                param *= 1 - lr * decay
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            m, v = state["exp_avg"], state["exp_avg_sq"]
            ema_(m, g, 1 - beta1, tmp=work[1])  # m <- beta1 m + (1 - beta1) g
            ema_of_square_(v, g, beta2, tmp=work[1])  # v <- beta2 v + (1 - beta2) g^2
            mu_product = float(np.float32(state["mu_product"]) * np.float32(mu))  # Pi_t (float32)
            # d <- sqrt(v / (1 - beta2^t)) + eps
            denom = np.divide(v, bias_correction(beta2, step), out=work[1])
            np.sqrt(denom, out=denom)
            denom += eps
            # theta <- theta - lr (1 - mu_t) / (1 - Pi_t) g / d              (the gradient's share)
            np.multiply(g, -lr * (1.0 - mu) / (1.0 - mu_product), out=work[2])
            work[2] /= denom
            param += work[2]
            # theta <- theta - lr mu_{t+1} / (1 - Pi_t mu_{t+1}) m / d      (look-ahead momentum)
            np.multiply(m, (-lr * mu_next) / (1.0 - mu_product * mu_next), out=work[2])
            work[2] /= denom
            param += work[2]
