"""torch.optim classes adapted to serve as references for adamlib.optim (imports torch).

Named by dotted path in tests/optim_settings.py
(``reference="torch_references.FullPrecisionMuon"``),
so that the reference data (tools/make_optim_reference.py) and the live comparisons
(tests/test_optim_reference.py, tests/test_optim_groups.py) use them like any torch.optim class.

- :class:`FullPrecisionMuon`: ``torch.optim.Muon`` runs its Newton–Schulz iteration in
  bfloat16 (``grad.bfloat16()``: about 3 significant digits), which NumPy lacks; adamlib's Muon
  runs it in the param's dtype. This subclass swaps torch's iteration, during its own
  ``step`` only, for :func:`zeropower_via_newtonschulz_full_precision`: torch's function with
  that one line changed (tests/test_optim.py checks that the two agree bit for bit on bfloat16
  input). Everything else is torch's Muon.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor
from torch.optim import _muon

__all__ = ["FullPrecisionMuon", "zeropower_via_newtonschulz_full_precision"]


def zeropower_via_newtonschulz_full_precision(
    grad: Tensor, ns_coefficients: tuple[float, float, float], ns_steps: int, eps: float
) -> Tensor:
    """torch 2.13's ``torch.optim._muon._zeropower_via_newtonschulz``, line for line, except
    that it works on a copy of ``grad`` in ``grad``'s dtype instead of ``grad.bfloat16()``."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if len(grad.shape) != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    ortho_grad = grad.clone()  # torch: grad.bfloat16()
    if grad.size(0) > grad.size(1):
        ortho_grad = ortho_grad.T
    ortho_grad.div_(ortho_grad.norm().clamp(min=eps))
    for _ in range(ns_steps):
        gram_matrix = ortho_grad @ ortho_grad.T
        gram_update = torch.addmm(gram_matrix, gram_matrix, gram_matrix, beta=b, alpha=c)
        ortho_grad = torch.addmm(ortho_grad, gram_update, ortho_grad, beta=a)
    if grad.size(0) > grad.size(1):
        ortho_grad = ortho_grad.T
    return ortho_grad


class FullPrecisionMuon(torch.optim.Muon):
    """``torch.optim.Muon`` with its Newton–Schulz iteration in the params' dtype."""

    def step(self, closure: Any = None) -> Any:
        bfloat16_iteration = _muon._zeropower_via_newtonschulz
        _muon._zeropower_via_newtonschulz = zeropower_via_newtonschulz_full_precision
        try:
            return super().step(closure)
        finally:
            _muon._zeropower_via_newtonschulz = bfloat16_iteration
