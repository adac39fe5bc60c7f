"""Muon: momentum, orthogonalised by a Newton–Schulz iteration (torch.optim.Muon in NumPy)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Arrays, Optimizer, check_bool, check_finite, check_lr, check_nonnegative
from .parts import ema_

__all__ = ["Muon", "adjusted_lr", "newton_schulz"]


def newton_schulz(
    G: np.ndarray, coefficients: tuple[float, float, float], steps: int, eps: float
) -> np.ndarray:
    r"""Orthogonalise the matrix ``G`` approximately (lecture 11).

    :math:`G = U\Sigma V^\top \mapsto U S V^\top` with every singular value in :math:`S` near 1
    (torch's ``_zeropower_via_newtonschulz``).

    Divide by the Frobenius norm (then every singular value is at most 1), then ``steps`` times
    :math:`X \leftarrow aX + b(XX^\top)X + c(XX^\top)^2X`, which maps each singular value
    :math:`\sigma` to :math:`p(\sigma) = a\sigma + b\sigma^3 + c\sigma^5` and leaves
    :math:`U` and :math:`V` alone. A tall matrix is transposed first, so that the Gram matrix
    :math:`XX^\top` is the smaller of the two. Returns a new array of ``G``'s dtype.
    """
    a, b, c = coefficients
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(np.linalg.norm(X), eps)  # ||X||_2 <= ||X||_F = 1
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * A @ A
        X = a * X + B @ X  # X <- aX + b (XX^T) X + c (XX^T)^2 X
    return X.T if tall else X


def adjusted_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    r"""The learning rate Muon applies to a matrix of ``shape`` (torch's ``_adjust_lr``).

    ``"original"`` (or None; Jordan et al., 2024): :math:`\eta\sqrt{\max(1, A/B)}` for an
    :math:`A \times B` matrix, so that a tall matrix's update has the same size per row as a
    wide one's. ``"match_rms_adamw"`` (Liu et al., 2025): :math:`0.2\,\eta\sqrt{\max(A, B)}`,
    which gives the update the root-mean-square size of a typical AdamW update, so that
    AdamW's learning rate and weight decay can be reused.
    """
    rows, cols = shape
    if adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = math.sqrt(max(1, rows / cols))
    return lr * ratio


class Muon(Optimizer):
    r"""Muon: momentum whose update matrix is orthogonalised by a Newton–Schulz iteration.

    .. math::

        &\textbf{input: } \eta \text{ (lr)},\ \lambda \text{ (weight decay)},\ \mu
        \text{ (momentum)},\ \textit{nesterov},\ (a, b, c) \text{ (ns\_coefficients)},\
        \epsilon,\ k \text{ (ns\_steps)},\ \Theta_0 \in \mathbb{R}^{A \times B} \\
        &\textbf{initialize: } M_0 \leftarrow 0 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad G_t \leftarrow \nabla f_t(\Theta_{t-1}) \\
        &\quad M_t \leftarrow \mu M_{t-1} + (1 - \mu) G_t
            \quad \text{(momentum as an EMA, lecture 03)} \\
        &\quad U_t \leftarrow G_t + \mu (M_t - G_t) \text{ if nesterov else } M_t \\
        &\quad O_t \leftarrow \mathrm{NS}_k^{(a,b,c)}(U_t)
            \quad (\approx \text{the orthogonal factor of } U_t = P\Sigma Q^\top
            \text{, i.e. } PQ^\top) \\
        &\quad \Theta_t \leftarrow (1 - \eta\lambda)\,\Theta_{t-1} - \eta'\, O_t,
            \quad \eta' = \eta\sqrt{\max(1, A/B)} \text{ or } 0.2\,\eta\sqrt{\max(A, B)}

    where :math:`\mathrm{NS}_k` divides by the Frobenius norm (at least :math:`\epsilon`) and
    iterates :math:`X \leftarrow aX + b(XX^\top)X + c(XX^\top)^2X` :math:`k` times
    (:func:`newton_schulz`). Derived in lectures/11_beyond_the_diagonal.ipynb: the step is
    steepest descent under the spectral norm (Bernstein & Newhouse, 2024).

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        **Matrices** (2-D floating-point arrays), updated in place by :meth:`step`; or parameter
        groups, dicts ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the
        keyword arguments below are the defaults of every group). Biases and other vectors go
        to another optimizer, e.g. :class:`~adamlib.optim.AdamW`.
    lr : float, default 1e-3
        Learning rate :math:`\eta`, before the shape adjustment ``adjust_lr_fn``.
    weight_decay : float, default 0.1
        Decoupled decay :math:`\lambda`, as in AdamW: each step multiplies the params by
        :math:`1 - \eta\lambda` (with the unadjusted :math:`\eta`).
    momentum : float, default 0.95
        :math:`\mu`, the decay of the momentum EMA :math:`M`.
    nesterov : bool, default True
        Orthogonalise the look-ahead :math:`G + \mu(M - G)` instead of :math:`M`.
    ns_coefficients : tuple of float, default (3.4445, -4.775, 2.0315)
        :math:`(a, b, c)` of the quintic :math:`p(\sigma) = a\sigma + b\sigma^3 + c\sigma^5`.
    eps : float, default 1e-07
        :math:`\epsilon`: the norm the update is divided by is at least this.
    ns_steps : int, default 5
        Number :math:`k` of Newton–Schulz iterations (less than 100, as in torch).
    adjust_lr_fn : str or None, default None
        ``"original"`` (or None): :math:`\eta' = \eta\sqrt{\max(1, A/B)}` (Jordan et al.);
        ``"match_rms_adamw"``: :math:`\eta' = 0.2\,\eta\sqrt{\max(A, B)}` (Liu et al., 2025),
        see :func:`adjusted_lr`.

    Notes
    -----
    - **Precision.** torch runs the Newton–Schulz iteration in bfloat16 (fast on GPUs, and the
      iteration tolerates it); NumPy has no bfloat16, so adamlib runs it in the param's dtype.
      The reference trajectories (tests/test_optim_reference.py) come from torch's Muon with
      its iteration patched to run in the param's dtype too (tests/torch_references.py).
    - torch's docstring writes the buffer as :math:`B \leftarrow \mu B + G`; its code, like
      Jordan's, computes the EMA :math:`\mu B + (1 - \mu) G` (``buf.lerp_(grad, 1 - momentum)``),
      and so does this class.
    - Jordan et al.'s reference implementation divides by :math:`\|X\|_F + 10^{-7}`, torch by
      :math:`\max(\|X\|_F, \epsilon)`; its defaults are ``lr=0.02``, ``weight_decay=0``, torch's
      (and these) ``lr=1e-3``, ``weight_decay=0.1``.
    - Only for matrices: the orthogonalisation needs a matrix (torch raises likewise). The
      update is not elementwise, so a large param is never updated in slices.
    - ``state[i]`` holds ``"step"`` and ``"momentum_buffer"`` (:math:`M`).
    """

    _state_keys = ("momentum_buffer",)
    _n_work = 2
    _elementwise = False  # matrix products: every param is updated whole

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
        eps: float = 1e-07,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "nesterov": nesterov,
            "ns_coefficients": ns_coefficients,
            "eps": eps,
            "ns_steps": ns_steps,
            "adjust_lr_fn": adjust_lr_fn,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_nonnegative("weight_decay", group["weight_decay"])
        check_nonnegative("momentum", group["momentum"])
        check_bool("nesterov", group["nesterov"])
        coefficients = group["ns_coefficients"]
        if (
            isinstance(coefficients, (str, bytes))
            or not isinstance(coefficients, (tuple, list))
            or len(coefficients) != 3
        ):
            raise TypeError(
                "ns_coefficients must be a tuple of exactly 3 values (a, b, c), "
                f"got {coefficients!r}"
            )
        for index, value in enumerate(coefficients):
            check_finite(f"ns_coefficients[{index}]", value)
        check_nonnegative("eps", group["eps"], "epsilon")
        steps = group["ns_steps"]
        if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral):
            raise TypeError(f"ns_steps must be an integer, got {type(steps).__name__}: {steps!r}")
        if not 0 <= int(steps) < 100:
            raise ValueError(
                f"Invalid ns_steps value: {steps} (at least 0, and less than 100 for "
                "computational efficiency, as in torch)"
            )
        if group["adjust_lr_fn"] not in (None, "original", "match_rms_adamw"):
            raise ValueError(
                f"Adjust learning rate function {group['adjust_lr_fn']!r} is not supported "
                "(use 'original', 'match_rms_adamw' or None)"
            )

    def _check_param(self, param: np.ndarray, name: str) -> None:
        if param.ndim != 2:
            raise ValueError(
                f"{name} has shape {param.shape}: Muon only supports 2-D parameters "
                "(matrices); give biases and other vectors to another optimizer, e.g. AdamW"
            )

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"momentum_buffer": 0.0}

    def _update(self, arrays: Arrays, step: int) -> None:
        """One step on each matrix of a group, in place: the definition.

        torch's ``_single_tensor_muon``: the group's hyperparameters, then a loop over its
        matrices.
        """
        h = self.hyper  # the group's hyperparameters, checked when set
        lr, weight_decay, momentum = h["lr"], h["weight_decay"], h["momentum"]
        nesterov, adjust_lr_fn = h["nesterov"], h["adjust_lr_fn"]
        coefficients, ns_steps, eps = h["ns_coefficients"], h["ns_steps"], h["eps"]
        for param, grad, state, work in arrays:
            M = state["momentum_buffer"]
            ema_(M, grad, 1 - momentum, tmp=work[0])  # M <- mu M + (1 - mu) G     (momentum, 03)
            if nesterov:  # look ahead: U <- G + mu (M - G)      (torch: grad.lerp(buf, mu))
                U = work[1]
                np.copyto(U, grad)
                ema_(U, M, momentum, tmp=work[0])
            else:
                U = M
            O = newton_schulz(U, coefficients, ns_steps, eps)  # ~ P Q^T                    (11)
            param *= 1 - lr * weight_decay  # decoupled weight decay, as AdamW            (06, 08)
            param -= adjusted_lr(lr, adjust_lr_fn, param.shape) * O
