"""Schedule-Free AdamW: an average of the iterates instead of a decay schedule (schedulefree)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import (
    Arrays,
    Optimizer,
    check_betas,
    check_bool,
    check_finite,
    check_lr,
    check_nonnegative,
)
from .parts import bias_correction, ema_, ema_of_square_

__all__ = ["ScheduleFreeAdamW"]


class ScheduleFreeAdamW(Optimizer):
    r"""Schedule-Free AdamW: gradients at an interpolation, steps on z, the average x to use.

    .. math::

        &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \epsilon,\
        \lambda \text{ (weight decay)},\ T_w \text{ (warmup\_steps)},\ r,\
        p \text{ (weight\_lr\_power)} \\
        &\textbf{initialize: } z_1 = x_1 = y_1 \leftarrow \theta_0,\ v_0 \leftarrow 0,\
            \ \gamma_{\max} \leftarrow -1,\ W_0 \leftarrow 0 \\
        &\textbf{for } t = 1, 2, \ldots: \\
        &\quad g_t \leftarrow \nabla f_t(y_t) \quad
            \text{(the params hold } y_t \text{ in train mode)} \\
        &\quad \gamma_t \leftarrow \gamma \min(1, t / T_w),\quad
            \gamma_{\max} \leftarrow \max(\gamma_{\max}, \gamma_t),\quad
            w_t \leftarrow t^r \gamma_{\max}^p,\quad W_t \leftarrow W_{t-1} + w_t,\quad
            c_{t+1} \leftarrow w_t / W_t \\
        &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,\quad
            u_t \leftarrow \frac{g_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon} + \lambda y_t
            \quad \text{(Adam's scaling, no momentum)} \\
        &\quad z_{t+1} \leftarrow z_t - \gamma_t u_t \quad \text{(the base sequence)} \\
        &\quad x_{t+1} \leftarrow (1 - c_{t+1})\,x_t + c_{t+1}\,z_{t+1}
            \quad \text{(a weighted average of the } z\text{'s)} \\
        &\quad y_{t+1} \leftarrow (1 - \beta_1)\,z_{t+1} + \beta_1\,x_{t+1}
            \quad \text{(where the next gradient is taken)}

    Only :math:`y` (the params) and :math:`z` are stored; :math:`y_{t+1}` is computed from
    :math:`y_t` and :math:`z_t` in place, as the reference does, and :math:`x = (y - (1 -
    \beta_1) z) / \beta_1` when :meth:`eval` asks for it.

    Defazio et al. (2024), "The Road Less Scheduled"; derived in
    lectures/12_lean_and_schedule_free.ipynb.

    Parameters
    ----------
    params : numpy.ndarray, list of numpy.ndarray, or list of dict
        Floating-point arrays, updated in place by :meth:`step`; or parameter groups, dicts
        ``{"params": [...], <hyperparameter>: value}`` as in torch.optim (the keyword arguments
        below are the defaults of every group).
    lr : float, default 0.0025
        Learning rate :math:`\gamma` (constant: no schedule is needed).
    betas : tuple of float, default (0.9, 0.999)
        :math:`\beta_1 \in (0, 1)`, the interpolation between :math:`z` and :math:`x` (it plays
        momentum's part), and :math:`\beta_2 \in [0, 1)`, the decay of :math:`v`.
    eps : float, default 1e-8
        :math:`\epsilon`, added to the bias-corrected root.
    weight_decay : float, default 0
        :math:`\lambda`, added to the normalised gradient at :math:`y`.
    warmup_steps : int, default 0
        :math:`T_w`: a linear warmup of :math:`\gamma_t` over the first :math:`T_w` steps.
    r : float, default 0.0
        Polynomial weighting :math:`t^r` of the average.
    weight_lr_power : float, default 2.0
        :math:`p`: the average weights each :math:`z` by :math:`\gamma_{\max}^p`, so that the
        warmup's small steps count little.

    Notes
    -----
    - The reference is ``schedulefree.AdamWScheduleFree`` (schedulefree 1.4.1, Meta); the
      trajectories agree to rounding (tests/test_optim_reference.py).
    - **train/eval**: in train mode the params hold :math:`y` (where gradients are taken); call
      :meth:`eval` before evaluating or saving, which turns them into :math:`x` (the average,
      the point the theory is about), and :meth:`train` to resume. :meth:`step` in eval mode
      raises, as the reference does.
    - The reference starts in eval mode and raises at the first ``step()`` until ``train()``
      is called (which moves nothing before the first step); this class starts in train mode.
      A param group added later takes the mode of the others.
    - :math:`\beta_1 = 0` is rejected: :meth:`eval` divides by :math:`\beta_1`.
    - Not here: the reference's ``foreach`` (a speed option). The reference keeps ``k``,
      ``weight_sum``, ``lr_max`` and ``scheduled_lr`` in each param group; here the step count
      is ``state[i]["step"]`` and :math:`W` and :math:`\gamma_{\max}` are scalar state.
    - ``state[i]`` holds ``"step"``, ``"weight_sum"`` (:math:`W`), ``"lr_max"``
      (:math:`\gamma_{\max}`), ``"z"`` and ``"exp_avg_sq"`` (:math:`v`); each param group holds
      ``"train_mode"``.
    """

    _state_keys = ("z", "exp_avg_sq")
    _scalar_state = {"weight_sum": 0.0, "lr_max": -1.0}

    def __init__(
        self,
        params: Any,
        lr: float = 0.0025,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "warmup_steps": warmup_steps,
            "r": r,
            "weight_lr_power": weight_lr_power,
        }
        super().__init__(params, defaults)

    @classmethod
    def _check_hyperparameters(cls, group: Mapping[str, Any]) -> None:
        check_lr(group["lr"])
        check_betas(group["betas"])
        if float(group["betas"][0]) == 0.0:
            raise ValueError(
                "Invalid beta parameter at index 0: 0.0 (Schedule-Free needs beta1 > 0: eval() "
                "recovers x = (y - (1 - beta1) z) / beta1)"
            )
        check_nonnegative("eps", group["eps"], "epsilon")
        check_nonnegative("weight_decay", group["weight_decay"])
        check_nonnegative("warmup_steps", group["warmup_steps"])
        check_finite("r", group["r"])
        check_finite("weight_lr_power", group["weight_lr_power"])
        if "train_mode" in group:
            check_bool("train_mode", group["train_mode"])

    def _state_arrays(self, hyper: Mapping[str, Any]) -> dict[str, float | None]:
        return {"z": 0.0, "exp_avg_sq": 0.0}

    def _averaging(self, step: int, state: Mapping[str, Any]) -> tuple[float, float, float, float]:
        r"""Return :math:`(\gamma_t, \gamma_{\max}, W_t, c_{t+1})` of step ``step``.

        From the param's scalar state before the step and the group's hyperparameters:
        the warmed-up lr, its running maximum, the sum of the weights :math:`w_s = s^r
        \gamma_{\max}^p` and the weight :math:`c_{t+1} = w_t / W_t` of the new :math:`z` in
        the average :math:`x` (0 while all weights are 0).
        """
        h = self.hyper
        warmup = h["warmup_steps"]
        lr = h["lr"] * (step / warmup if step - 1 < warmup else 1.0)
        lr_max = max(lr, state["lr_max"])
        weight = step ** h["r"] * lr_max ** h["weight_lr_power"]
        weight_sum = state["weight_sum"] + weight
        ckp1 = weight / weight_sum if weight_sum != 0 else 0.0
        return lr, lr_max, weight_sum, ckp1

    def _next_scalar_state(self, step: int, state: Mapping[str, Any]) -> dict[str, float]:
        # computed by _update for this step, from the same scalar state
        _, lr_max, weight_sum, _ = self._group_averaging
        return {"weight_sum": weight_sum, "lr_max": lr_max}

    def _update(self, arrays: Arrays, step: int) -> None:
        h = self.hyper  # the group's hyperparameters, checked when set
        (beta1, beta2), eps, weight_decay = h["betas"], h["eps"], h["weight_decay"]
        bias_correction2 = bias_correction(beta2, step)
        averaging = None  # the same for every param: their scalar state is the group's
        for param, grad, state, work in arrays:
            if averaging is None:
                averaging = self._group_averaging = self._averaging(step, state)
            lr, _, _, c = averaging  # gamma_t and c_{t+1}
            y, z, v, g = param, state["z"], state["exp_avg_sq"], grad
            if step == 1:
                np.copyto(z, y)  # z_1 = y_1 = x_1
            ema_of_square_(v, g, beta2, tmp=work[0])  # v <- beta2 v + (1 - beta2) g^2
            denom = np.divide(v, bias_correction2, out=work[0])
            np.sqrt(denom, out=denom)
            denom += eps
            u = np.divide(g, denom, out=work[1])  # u <- g / (sqrt(v_hat) + eps) + lambda y
            if weight_decay != 0:
                u += np.multiply(y, weight_decay, out=work[0])
            # y_{t+1} = (1 - beta1) z_{t+1} + beta1 x_{t+1}, from y_t and z_t in place:
            ema_(y, z, c, tmp=work[0])  # y <- (1 - c) y + c z
            # y <- y - gamma (1 - beta1 + beta1 c) u
            y += np.multiply(u, lr * (beta1 * (1 - c) - 1), out=work[0])
            z -= np.multiply(u, lr, out=work[0])  # z_{t+1} <- z_t - gamma u

    # -- train / eval ----------------------------------------------------------------------------
    def eval(self) -> None:
        r"""Switch the params to the average :math:`x`, what to evaluate and save.

        :math:`x = (y - (1 - \beta_1) z) / \beta_1`; nothing happens in eval mode already.
        """
        self._switch(train=False)

    def train(self) -> None:
        r"""Switch the params back to :math:`y`, where gradients are taken.

        :math:`y = \beta_1 x + (1 - \beta_1) z`; nothing happens in train mode already.
        """
        self._switch(train=True)

    def _switch(self, train: bool) -> None:
        if self._group_changed[0] or len(self._runs) != len(self.param_groups):
            self._accept_changed_groups()  # checks every group before anything is written
        for run in self._runs:
            if run.group["train_mode"] == train:
                continue
            beta1 = run.hyper["betas"][0]
            weight = 1 - beta1 if train else 1 - 1 / beta1  # y = lerp(x, z, 1 - beta1)
            for p, state, work in run.slots:
                if state["step"] > 0:  # before the first step, x = y = z
                    ema_(p, state["z"], weight, tmp=np.empty_like(p) if work is None else work[0])
            run.group["train_mode"] = train

    def step(self, grads: Any) -> None:  # noqa: D102  (the docstring is Optimizer.step's)
        for group in self.param_groups:  # (a loop: all() of a generator costs more)
            if not group.get("train_mode", True):
                raise RuntimeError(
                    "ScheduleFreeAdamW.step() in eval mode: the params hold the average x, not "
                    "y; call opt.train() before training (and opt.eval() before evaluating)"
                )
        super().step(grads)

    step.__doc__ = Optimizer.step.__doc__

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:  # noqa: D102  (as step)
        mode = self.param_groups[0]["train_mode"] if self.param_groups else True
        super().add_param_group(param_group)
        if "train_mode" not in self.param_groups[-1]:
            dict.__setitem__(self.param_groups[-1], "train_mode", mode)

    add_param_group.__doc__ = Optimizer.add_param_group.__doc__

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state of :meth:`state_dict`, with each group's train/eval mode."""
        groups = state_dict.get("param_groups") if isinstance(state_dict, Mapping) else None
        if isinstance(groups, (list, tuple)):
            for k, group in enumerate(groups):
                if isinstance(group, Mapping) and not isinstance(
                    group.get("train_mode"), (bool, np.bool_)
                ):
                    raise ValueError(
                        f"state_dict's param group {k} lacks a 'train_mode' True or False"
                    )
        super().load_state_dict(state_dict)

    load_state_dict.__doc__ = Optimizer.load_state_dict.__doc__
