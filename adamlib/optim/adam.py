"""Adam and AdamW: momentum + RMSprop + bias correction (torch.optim.Adam, torch.optim.AdamW)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_betas, check_bool, check_lr, check_nonnegative
from .parts import bias_correction, ema_, ema_of_square_, gradient

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam: an EMA of gradients (momentum) over the root of an EMA of squares (RMSprop).

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0,\
        \epsilon,\ \lambda \text{ (weight decay)},\ \textit{amsgrad},\ \textit{maximize} \\
        &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\ v_0^{\max} \leftarrow 0 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \quad (- \text{ if maximize}) \\
        &\quad \textbf{if } \lambda \ne 0:\ g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t
            \quad \text{(momentum, lecture 03)} \\
        &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2
            \quad \text{(RMSprop, lecture 05)} \\
        &\quad \textbf{if amsgrad: } v_t^{\max} \leftarrow \max(v_{t-1}^{\max}, v_t),\
            \ \hat v \leftarrow v_t^{\max} \quad \textbf{else } \hat v \leftarrow v_t \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\,
            \frac{m_t}{\sqrt{\hat v} / \sqrt{1 - \beta_2^t} + \epsilon}
            \quad \text{(bias correction)}

    Derived in lectures/06_adam.ipynb; AMSGrad (Reddi et al., 2018) in
    lectures/08_beyond_adam.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-3
        Learning rate :math:`\eta`.
    betas : tuple of float, default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, decay rates of the two EMAs, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon`, added to the bias-corrected root.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient (see :class:`AdamW` for decoupled
        decay).
    amsgrad : bool, default False
        Divide by the running maximum of :math:`v_t` (AMSGrad).
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - Kingma & Ba's Algorithm 1 writes :math:`\hat m_t / (\sqrt{\hat v_t} + \epsilon)`, which is
      what PyTorch computes, arranged as :math:`\eta / (1-\beta_1^t)` times
      :math:`m_t / (\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon)`. Keras instead uses the paper's
      "more efficient" form :math:`\eta\sqrt{1-\beta_2^t}/(1-\beta_1^t) \cdot m_t /
      (\sqrt{v_t} + \hat\epsilon)`, i.e. :math:`\epsilon` added *before* bias correction,
      with default ``epsilon=1e-7``; the two differ in the first steps and whenever
      :math:`\sqrt{v}` is comparable to :math:`\epsilon`.
    - PyTorch's AMSGrad takes the maximum of the *uncorrected* :math:`v_t` and then applies
      the bias correction :math:`\sqrt{1-\beta_2^t}`; Reddi et al.'s algorithm has no bias
      correction at all.
    - ``weight_decay`` here is L2 regularisation (added to :math:`g`, so it is rescaled by
      :math:`\sqrt{\hat v}`); Keras' ``weight_decay`` is decoupled, like :class:`AdamW`.
    - ``state[i]`` holds ``"step"``, ``"exp_avg"`` (:math:`m`), ``"exp_avg_sq"`` (:math:`v`)
      and, with amsgrad, ``"max_exp_avg_sq"``.
    """

    _state_keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _decoupled_weight_decay = False

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_nonnegative("eps", group["eps"], "epsilon")
        check_betas(group["betas"])
        check_nonnegative("weight_decay", group["weight_decay"])
        check_bool("amsgrad", group["amsgrad"])
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        arrays: dict[str, float | None] = {"exp_avg": 0.0, "exp_avg_sq": 0.0}
        if hyper["amsgrad"]:
            arrays["max_exp_avg_sq"] = 0.0
        return arrays

    def _update(self, arrays: Arrays, step: int) -> None:
        """One step on each array of a group, in place: the definition.

        torch's ``_single_tensor_adam``: the group's hyperparameters, then a loop over its arrays.
        """
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, (beta1, beta2), eps = h["lr"], h["betas"], h["eps"]
        weight_decay, amsgrad, maximize = h["weight_decay"], h["amsgrad"], h["maximize"]
        decay = 0.0  # AdamW: theta <- theta (1 - lr lambda), not via m, v
        if self._decoupled_weight_decay:
            decay, weight_decay = weight_decay, 0.0
        step_size = lr / bias_correction(beta1, step)
        bias_correction2_sqrt = bias_correction(beta2, step) ** 0.5
        for param, grad, state, work in arrays:
            if decay != 0:
                param *= 1 - lr * decay
            # g <- +-grad f + lambda theta
            g = gradient(grad, param, weight_decay, maximize, out=work[0])
            m, v = state["exp_avg"], state["exp_avg_sq"]
            ema_(m, g, 1 - beta1, tmp=work[1])  # m <- beta1 m + (1 - beta1) g   (momentum, 03)
            ema_of_square_(v, g, beta2, tmp=work[1])  # v <- beta2 v + (1 - beta2) g^2  (05)
            if amsgrad:  # divide by the largest v so far
                v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            # theta <- theta - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)  (06)
            denom = np.sqrt(v, out=work[1])
            denom /= bias_correction2_sqrt
            denom += eps
            np.multiply(m, -step_size, out=work[2])  # torch: param.addcdiv_(m, denom, -step_size)
            work[2] /= denom
            param += work[2]


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    .. math::

        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \\
        &\quad \theta_{t-1} \leftarrow \theta_{t-1} - \eta\lambda\theta_{t-1}
            \quad \text{(decay, not through } m, v\text{)} \\
        &\quad m_t, v_t, \hat v \text{ and the step exactly as in } \texttt{Adam}
            \text{ with } \lambda = 0

    Derived in lectures/06_adam.ipynb; compared with L2 regularisation in
    lectures/08_beyond_adam.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-3
        Learning rate :math:`\eta`.
    betas : tuple of float, default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`.
    eps : float, default 1e-8
        :math:`\epsilon`.
    weight_decay : float, default 1e-2
        Decoupled decay :math:`\lambda`: each step multiplies the params by
        :math:`1 - \eta\lambda`.
    amsgrad : bool, default False
        Use AMSGrad's running maximum of :math:`v_t`.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - The paper scales the decay by a schedule multiplier :math:`\eta_t` only,
      :math:`\theta \leftarrow \theta - \eta_t(\alpha \hat m/(\sqrt{\hat v}+\epsilon) +
      \lambda\theta)`; PyTorch multiplies by the learning rate, :math:`1 - \eta\lambda`, so
      :math:`\lambda` = 1e-2 with :math:`\eta` = 1e-3 decays by 1e-5 per step. Keras' AdamW
      (``weight_decay=0.004``) also decays by :math:`\eta\lambda`.
    - ``state[i]`` is as in :class:`Adam`.
    """

    _decoupled_weight_decay = True

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
