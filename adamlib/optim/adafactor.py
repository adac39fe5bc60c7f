"""Adafactor: a factored second moment, row and column EMAs (torch.optim.Adafactor)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import base
from .base import Arrays, Optimizer, check_bool, check_lr, check_nonnegative, check_real
from .parts import ema_, gradient

__all__ = ["LARGE_VECTOR_BYTES", "Adafactor", "rms"]

#: A vector param larger than this is updated by :meth:`Adafactor._update_large` (two passes
#: over memory instead of 14); smaller ones stay in the CPU cache through ``_update``.
LARGE_VECTOR_BYTES = 1 << 19


def rms(x: np.ndarray, tmp: np.ndarray) -> float:
    r"""Return :math:`\mathrm{RMS}(x) = \sqrt{\tfrac1n \sum_i x_i^2}` (``tmp``: scratch).

    torch: ``x.norm(2).item() / x.numel() ** 0.5``.
    """
    np.multiply(x, x, out=tmp)
    return math.sqrt(float(np.add.reduce(tmp, axis=None, dtype=np.float64))) / math.sqrt(x.size)


class Adafactor(Optimizer):
    r"""Adafactor: Adam's second moment stored as a row and a column factor (no momentum).

    .. math::

        &\textbf{input: } \gamma \text{ (lr)},\ \tau \text{ (beta2\_decay)},\ \theta_0,\
        \epsilon_1, \epsilon_2 \text{ (eps)},\ d \text{ (clipping threshold)},\
        \lambda \text{ (weight decay)},\ \textit{maximize} \\
        &\textbf{initialize: } R_0 \leftarrow 0 \text{ (rows)},\ C_0 \leftarrow 0 \text{
            (columns)},\ V_0 \leftarrow 0 \text{ (vectors)} \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad G_t \leftarrow \pm\nabla f_t(\theta_{t-1}) \\
        &\quad \hat\beta_{2,t} \leftarrow 1 - t^{\tau},\quad
            \rho_t \leftarrow \min(\gamma, 1/\sqrt t),\quad
            \alpha_t \leftarrow \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,\rho_t \\
        &\quad \theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1} \\
        &\quad \textbf{if } \theta \text{ is a matrix } (n \times m): \\
        &\qquad R_t \leftarrow \hat\beta_{2,t} R_{t-1}
            + (1 - \hat\beta_{2,t})\,\mathrm{mean}_j\, G_{t,ij}^2
            \quad \text{(a column vector, } n\text{ numbers)} \\
        &\qquad C_t \leftarrow \hat\beta_{2,t} C_{t-1}
            + (1 - \hat\beta_{2,t})\,\mathrm{mean}_i\, G_{t,ij}^2
            \quad \text{(a row vector, } m\text{ numbers)} \\
        &\qquad \hat V_t \leftarrow R_t C_t / \max(\mathrm{mean}_i R_{t,i}, \epsilon_1)
            \quad \text{(rank one: } \hat V_{ij} = R_i C_j / \bar R\text{)} \\
        &\quad \textbf{else: } \hat V_t \leftarrow \hat\beta_{2,t} \hat V_{t-1}
            + (1 - \hat\beta_{2,t})\,G_t^2 \\
        &\quad U_t \leftarrow G_t / \sqrt{\max(\hat V_t, \epsilon_1^2)},\quad
            \hat U_t \leftarrow U_t / \max(1, \mathrm{RMS}(U_t)/d) \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \alpha_t \hat U_t

    Shazeer & Stern (2018), "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost";
    derived in lectures/12_lean_and_schedule_free.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 1e-2
        :math:`\gamma`: the cap of the relative step size :math:`\rho_t = \min(\gamma,
        1/\sqrt t)` (the paper's constant 0.01), and the factor of the weight decay.
    beta2_decay : float, default -0.8
        :math:`\tau \le 0`: :math:`\hat\beta_{2,t} = 1 - t^{\tau}` grows towards 1, so the
        second moment averages over more and more steps (:math:`\hat\beta_{2,1} = 0`, so no
        bias correction is needed).
    eps : tuple, default (None, 1e-3)
        :math:`(\epsilon_1, \epsilon_2)`: :math:`\epsilon_1` (None: the machine epsilon of the
        params' dtype) floors the second moment, :math:`\epsilon_2` the RMS of the params in
        :math:`\alpha_t`.
    d : float, default 1.0
        Clipping threshold :math:`d \ge 1` of the update's RMS.
    weight_decay : float, default 0.0
        :math:`\lambda`, decoupled: :math:`\theta \leftarrow (1 - \gamma\lambda)\theta`.
    maximize : bool, default False
        Maximize the objective.

    Notes
    -----
    - State per matrix of :math:`n \times m` entries: :math:`n + m` numbers instead of Adam's
      :math:`2nm`. A param of more than two dimensions is factored over its last two (one
      :math:`R` and :math:`C` per leading index); a vector or a scalar keeps a full
      :math:`\hat V` (``"variance"``), as torch does.
    - torch differs from the paper (its docstring says so): :math:`\epsilon_1` floors
      :math:`\hat V` and :math:`\bar R` instead of being added to :math:`G^2`; means instead of
      sums; ``lr`` caps :math:`\rho_t` (the paper's 0.01 is the default); decoupled weight decay
      with factor :math:`\gamma\lambda`; :math:`\alpha_t` is computed before the decay. There
      is no momentum (the paper's optional :math:`\beta_1` is not in torch).
    - torch takes :math:`\epsilon_1 = ` None as the machine epsilon of the *first* param of a
      group for all its params; here each param's own dtype (the same unless a group mixes
      float32 and float64). torch's ``foreach`` (a speed option) is not here.
    - The update is not elementwise (row and column means, RMS), so a large param is never
      updated in slices by ``_update`` (the definition). A vector larger than
      :data:`LARGE_VECTOR_BYTES` is updated by ``_update_large`` instead: the same arithmetic
      in 256 KiB slices, in two passes over memory, the RMS sums accumulated slice by slice
      (so they may differ from ``_update``'s in the last bits; tests/test_optim_lean.py compares).
    - ``state[i]`` holds ``"step"`` and, for a matrix, ``"row_var"`` (:math:`R`, shape
      ``(..., n, 1)``) and ``"col_var"`` (:math:`C`, shape ``(..., 1, m)``), else
      ``"variance"`` (:math:`\hat V`, the param's shape): torch's names and shapes.
    """

    _state_keys = ("row_var", "col_var", "variance")
    _elementwise = False

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        beta2_decay = check_real("beta2_decay", group["beta2_decay"])
        if not -math.inf < beta2_decay <= 0.0:
            raise ValueError(f"beta2_decay should be <= 0 but is: {group['beta2_decay']}")
        eps = group["eps"]
        if isinstance(eps, (str, bytes)) or not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise TypeError(f"eps must be a pair (eps1, eps2), eps1 a float or None, got {eps!r}")
        if eps[0] is not None:
            check_nonnegative("eps[0]", eps[0], "epsilon1")
        check_nonnegative("eps[1]", eps[1], "epsilon2")
        d = check_real("d", group["d"])
        if not 1.0 <= d < math.inf:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {group['d']}")
        check_nonnegative("weight_decay", group["weight_decay"])
        check_bool("maximize", group["maximize"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"row_var": 0.0, "col_var": 0.0, "variance": 0.0}

    def _state_shape(self, name: str, param: np.ndarray) -> tuple[int, ...] | None:
        factored = param.ndim >= 2  # matrices (and stacks of them): R and C; else V
        if name == "row_var":
            return (*param.shape[:-1], 1) if factored else None
        if name == "col_var":
            return (*param.shape[:-2], 1, param.shape[-1]) if factored else None
        return None if factored else param.shape

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, beta2_decay, (eps1_given, eps2), d = h["lr"], h["beta2_decay"], h["eps"], h["d"]
        weight_decay, maximize = h["weight_decay"], h["maximize"]
        one_minus_beta2 = step**beta2_decay  # 1 - beta2_t = t^tau: 1 at t = 1
        rho = min(lr, 1 / step**0.5)  # relative step size
        for param, grad, state, work in arrays:
            if param.size == 0:
                continue
            eps1 = float(np.finfo(param.dtype).eps) if eps1_given is None else eps1_given
            G = gradient(grad, param, 0.0, maximize, out=work[0])  # +-grad f
            alpha = max(eps2, rms(param, tmp=work[1])) * rho  # step relative to the params' size
            if weight_decay != 0:  # theta <- (1 - lr lambda) theta
                param *= 1 - lr * weight_decay
            G2 = np.multiply(G, G, out=work[1])
            if param.ndim >= 2:  # factored: a mean of G^2 per row (R) and per column (C)
                R, C = state["row_var"], state["col_var"]
                row_mean = G2.mean(axis=-1, keepdims=True)
                ema_(R, row_mean, one_minus_beta2, tmp=row_mean.copy())  # R <- lerp(R, row mean)
                col_mean = G2.mean(axis=-2, keepdims=True)
                ema_(C, col_mean, one_minus_beta2, tmp=col_mean.copy())  # C <- lerp(C, col mean)
                V = np.multiply(R, C, out=work[1])  # V_ij = R_i C_j / mean(R)  (rank one)
                V /= np.maximum(R.mean(axis=-2, keepdims=True), eps1)
            else:  # a vector or a scalar: Adam's v with the growing beta2_t
                V = state["variance"]  # (read, not written, below: U goes to work[1])
                ema_(V, G2, one_minus_beta2, tmp=work[2])
            U = np.maximum(V, eps1 * eps1, out=work[1])  # U = G / sqrt(max(V, eps1^2))
            np.sqrt(U, out=U)
            np.divide(1.0, U, out=U)
            U *= G
            clip = max(1.0, rms(U, tmp=work[2]) / d)  # U / max(1, RMS(U) / d)
            U *= -alpha / clip
            param += U  # theta <- theta - alpha U_hat

    # -- a speed-up, not the definition: _update above is what one step does ------------------
    def _updates_large(self, param: np.ndarray) -> bool:
        return param.ndim < 2 and param.nbytes > LARGE_VECTOR_BYTES

    def _update_large(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        work: list[np.ndarray],
        step: int,
    ) -> None:
        """``_update`` of one large vector, in two passes over memory instead of 14.

        ``_update``'s lines stream the whole vector from memory once each, because RMS(θ) and
        RMS(U) need all of it. Here each 256 KiB slice stays in the cache through its lines:
        pass 1 computes U (kept in ``work[0]``, as long as the param) and the sums of θ² and U²;
        pass 2 applies the decay and the step α Û. The elementwise arithmetic is
        ``_update``'s; only the float64 sums are added in another order.
        """
        h = self.hyper
        lr, beta2_decay, (eps1_given, eps2), d = h["lr"], h["beta2_decay"], h["eps"], h["d"]
        weight_decay, maximize = h["weight_decay"], h["maximize"]
        one_minus_beta2 = step**beta2_decay
        rho = min(lr, 1 / step**0.5)
        eps1 = float(np.finfo(param.dtype).eps) if eps1_given is None else eps1_given
        V, U_all = state["variance"], work[0][: param.size]  # (param, grad, V: vectors)
        n = max(1, base.CHUNK_BYTES // param.itemsize)  # elements per slice
        sum_theta2 = sum_U2 = 0.0  # in double precision, as rms() sums
        for a in range(0, param.size, n):  # pass 1: U and the two sums, slice by slice
            b = min(a + n, param.size)
            theta, U, tmp = param[a:b], U_all[a:b], work[1][: b - a]
            np.multiply(theta, theta, out=tmp)
            sum_theta2 = np.add.reduce(tmp, axis=None, dtype=np.float64, initial=sum_theta2)
            G = gradient(grad[a:b], theta, 0.0, maximize, out=work[2][: b - a])
            G2 = np.multiply(G, G, out=U)  # (U's place holds G^2 until V is updated)
            ema_(V[a:b], G2, one_minus_beta2, tmp=tmp)
            np.maximum(V[a:b], eps1 * eps1, out=U)  # U = G / sqrt(max(V, eps1^2))
            np.sqrt(U, out=U)
            np.divide(1.0, U, out=U)
            U *= G
            np.multiply(U, U, out=tmp)
            sum_U2 = np.add.reduce(tmp, axis=None, dtype=np.float64, initial=sum_U2)
        alpha = max(eps2, math.sqrt(float(sum_theta2)) / math.sqrt(param.size)) * rho
        clip = max(1.0, math.sqrt(float(sum_U2)) / math.sqrt(param.size) / d)
        for a in range(0, param.size, n):  # pass 2: theta <- (1 - lr lambda) theta - alpha U_hat
            theta, U = param[a : a + n], U_all[a : a + n]
            if weight_decay != 0:
                theta *= 1 - lr * weight_decay
            U *= -alpha / clip
            theta += U
