r"""Learning-rate schedules with torch.optim.lr_scheduler's names and semantics.

A schedule changes ``optimizer.param_groups[k]["lr"]`` of every param group of an
:mod:`adamlib.optim` optimizer, each from its own starting rate (``base_lrs``, one per group).
As in PyTorch, creating it sets the learning rate for the first step, and ``scheduler.step()``
is called *after* each ``optimizer.step(grads)``::

    opt = Adam([x], lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=100)
    for t in range(100):
        opt.step([grad(x)])
        sched.step()
    sched.get_last_lr()       # [lr used by the next optimizer step]

==================  ==========================================================================
class               learning rate after ``t`` calls of ``step()``
==================  ==========================================================================
``StepLR``          :math:`\eta_0\,\gamma^{\lfloor t / s \rfloor}`
``ExponentialLR``   :math:`\eta_0\,\gamma^t`
``CosineAnnealingLR``  :math:`\eta_{\min} + (\eta_0 - \eta_{\min})(1 + \cos(\pi t/T))/2`
``LinearLR``        :math:`\eta_0\,(f_0 + (f_1 - f_0)\min(t, T)/T)` (linear warmup)
``OneCycleLR``      warm up to ``max_lr``, then anneal far below the start (Smith, 2018)
``SequentialLR``    one schedule after another (e.g. linear warmup, then cosine)
==================  ==========================================================================

Like PyTorch, every class except ``OneCycleLR`` updates the rate *recursively* from the current
``group["lr"]`` (that is what makes schedules chainable), so the values agree with torch's to
the last bit rather than with the closed forms above, which they match to rounding. Derived in
lectures/08_beyond_adam.ipynb (warmup and schedules); decaying step sizes first appear in
lectures/02_stochastic_gradient_descent.ipynb.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from adamlib.validation import expect_int, expect_number, is_integer

__all__ = [
    "LRScheduler",
    "StepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "OneCycleLR",
    "SequentialLR",
]


def _check_optimizer(optimizer: Any) -> None:
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer (no param_groups)")


class LRScheduler:
    """Base class: sets each param group's ``lr`` from :meth:`get_lr` at every :meth:`step`.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer whose ``param_groups[...]["lr"]`` the schedule sets.
    last_epoch : int, default -1
        Index of the last step taken; -1 starts a new schedule (only change it when
        resuming, after loading the optimizer's state).

    Attributes
    ----------
    base_lrs : list of float
        The learning rates at the start (``group["initial_lr"]``).
    last_epoch : int
        How many times :meth:`step` has been called (0 right after construction).
    """

    def __init__(self, optimizer: Any, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming scheduler with last_epoch >= 0"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._is_initial = False
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """Return the learning rates for the step ``last_epoch`` (called by :meth:`step`)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """Return the learning rates last set by the schedule, one per param group.

        Returns
        -------
        list of float
            What the optimizer's next step will use (unless the user changes it).
        """
        return list(self._last_lr)

    def step(self) -> None:
        """Advance the schedule by one step and set the optimizer's learning rates.

        Call it after ``optimizer.step(grads)``.
        """
        self._step_count += 1
        self._update_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._get_closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_lr()

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Return the schedule's state (all but the optimizer), for :meth:`load_state_dict`."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state returned by :meth:`state_dict`.

        Parameters
        ----------
        state_dict : dict
            From :meth:`state_dict` of a schedule of the same class.
        """
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._current()})"


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    :math:`\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}`.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer to schedule.
    step_size : int
        :math:`s`, steps between decays (>= 1).
    gamma : float, default 0.1
        :math:`\gamma`, the decay factor.
    last_epoch : int, default -1
        See :class:`LRScheduler`.
    """

    def __init__(
        self, optimizer: Any, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        expect_int("step_size", step_size, 1)
        self.step_size = step_size
        self.gamma = expect_number("gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the learning rates of step ``last_epoch`` by this schedule's formula."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        return [b * self.gamma ** (self.last_epoch // self.step_size) for b in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` at every step: :math:`\eta_t = \eta_0\gamma^t`.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer to schedule.
    gamma : float
        :math:`\gamma`, the factor per step.
    last_epoch : int, default -1
        See :class:`LRScheduler`.
    """

    def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = expect_number("gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the learning rates of step ``last_epoch`` by this schedule's formula."""
        if self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        return [b * self.gamma**self.last_epoch for b in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal from the initial rate to ``eta_min`` along half a cosine over ``T_max`` steps.

    :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi t / T))`,
    computed recursively as PyTorch does. Past ``T_max`` it rises again (a full cosine of
    period :math:`2T`), as in PyTorch; SGDR's restarts are not part of this class.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer to schedule.
    T_max : int
        :math:`T`, the number of steps of the descent (>= 1).
    eta_min : float, default 0.0
        :math:`\eta_{\min}`, the final learning rate.
    last_epoch : int, default -1
        See :class:`LRScheduler`.
    """

    def __init__(
        self, optimizer: Any, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        expect_int("T_max", T_max, 1)
        self.T_max = T_max
        self.eta_min = expect_number("eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the learning rates of step ``last_epoch`` by this schedule's formula."""
        t, big_t, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if self._step_count == 1 and t > 0:
            return [
                low + (b - low) * (1 + math.cos(t * math.pi / big_t)) / 2 for b in self.base_lrs
            ]
        if (t - 1 - big_t) % (2 * big_t) == 0:
            return [
                lr + (b - low) * (1 - math.cos(math.pi / big_t)) / 2
                for b, lr in zip(self.base_lrs, self._current(), strict=True)
            ]
        return [
            (1 + math.cos(math.pi * t / big_t))
            / (1 + math.cos(math.pi * (t - 1) / big_t))
            * (lr - low)
            + low
            for lr in self._current()
        ]

    def _get_closed_form_lr(self) -> list[float]:
        t, low = self.last_epoch, self.eta_min
        return [
            low + (b - low) * (1 + math.cos(math.pi * t / self.T_max)) / 2 for b in self.base_lrs
        ]


class LinearLR(LRScheduler):
    r"""Scale the learning rate linearly from ``start_factor`` to ``end_factor`` (warmup).

    :math:`\eta_t = \eta_0\,(f_0 + (f_1 - f_0)\min(t, T)/T)`; with the defaults the rate
    warms up from a third of :math:`\eta_0` to :math:`\eta_0` over 5 steps.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer to schedule.
    start_factor : float, default 1/3
        :math:`f_0 \in (0, 1]`.
    end_factor : float, default 1.0
        :math:`f_1 \in [0, 1]`.
    total_iters : int, default 5
        :math:`T`, steps until the factor reaches :math:`f_1`.
    last_epoch : int, default -1
        See :class:`LRScheduler`.
    """

    def __init__(
        self,
        optimizer: Any,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        start_factor = expect_number("start_factor", start_factor)
        end_factor = expect_number("end_factor", end_factor)
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or "
                "equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        expect_int("total_iters", total_iters, 1)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the learning rates of step ``last_epoch`` by this schedule's formula."""
        f0, f1, big_t = self.start_factor, self.end_factor, self.total_iters
        if self.last_epoch == 0:
            return [lr * f0 for lr in self._current()]
        if self._is_initial or self.last_epoch > big_t:
            return self._current()
        factor = 1.0 + (f1 - f0) / (big_t * f0 + (self.last_epoch - 1) * (f1 - f0))
        return [lr * factor for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        f0, f1, big_t = self.start_factor, self.end_factor, self.total_iters
        return [b * (f0 + (f1 - f0) * min(big_t, self.last_epoch) / big_t) for b in self.base_lrs]


class OneCycleLR(LRScheduler):
    r"""The one-cycle policy: warm up to ``max_lr``, then anneal far below the start.

    The rate starts at ``max_lr / div_factor``, rises to ``max_lr`` over the first
    ``pct_start`` of ``total_steps`` and falls to ``max_lr / (div_factor *
    final_div_factor)`` by the end (cosine or linear). With ``cycle_momentum`` the momentum
    (SGD's ``momentum`` or Adam's :math:`\beta_1`) moves the other way, between
    ``max_momentum`` and ``base_momentum``. Call :meth:`step` after every batch.

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer to schedule.
    max_lr : float
        The peak learning rate.
    total_steps : int, optional
        Number of steps of the cycle; or give ``epochs`` and ``steps_per_epoch``.
    epochs : int, optional
        Number of epochs (with ``steps_per_epoch``).
    steps_per_epoch : int, optional
        Steps per epoch (with ``epochs``).
    pct_start : float, default 0.3
        Fraction of the cycle spent increasing the rate.
    anneal_strategy : {"cos", "linear"}, default "cos"
        Shape of the annealing.
    cycle_momentum : bool, default True
        Also cycle the momentum, inversely to the rate.
    base_momentum : float, default 0.85
        Momentum at the peak learning rate.
    max_momentum : float, default 0.95
        Momentum at the start and the end.
    div_factor : float, default 25.0
        ``initial_lr = max_lr / div_factor``.
    final_div_factor : float, default 1e4
        ``min_lr = initial_lr / final_div_factor``.
    three_phase : bool, default False
        Use a third phase that anneals from the initial to the minimal rate (fast.ai style).
    last_epoch : int, default -1
        See :class:`LRScheduler`.

    Notes
    -----
    Stepping more than ``total_steps`` times raises ValueError, as in PyTorch.
    """

    def __init__(
        self,
        optimizer: Any,
        max_lr: float,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is not None:
            if not is_integer(total_steps) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            expect_int("epochs", epochs, 1)
            expect_int("steps_per_epoch", steps_per_epoch, 1)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if (
            isinstance(pct_start, bool)
            or not isinstance(pct_start, float)
            or not 0 <= pct_start <= 1
        ):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self.anneal_strategy = anneal_strategy
        n = self.total_steps
        if three_phase:
            self._phases = [
                (float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * n) - 2, "max_lr", "initial_lr", "base_momentum",
                 "max_momentum"),
                (n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]  # fmt: skip
        else:
            self._phases = [
                (float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        max_lrs = self._per_group("max_lr", max_lr)
        if last_epoch == -1:
            for peak, group in zip(max_lrs, optimizer.param_groups, strict=True):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            groups = optimizer.param_groups
            if not all("momentum" in g or "betas" in g for g in groups):
                raise ValueError(
                    "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
                )
            self.use_beta1 = "betas" in groups[0]
            highs = self._per_group("max_momentum", max_momentum)
            lows = self._per_group("base_momentum", base_momentum)
            if last_epoch == -1:
                for high, low, group in zip(highs, lows, groups, strict=True):
                    if self.use_beta1:
                        group["betas"] = (high, *group["betas"][1:])
                    else:
                        group["momentum"] = high
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, last_epoch)

    def _per_group(self, name: str, value: Any) -> list[float]:
        groups = self.optimizer.param_groups
        if isinstance(value, (list, tuple)):
            if len(value) != len(groups):
                raise ValueError(
                    f"{name} must have the same length as optimizer.param_groups. "
                    f"{name} has {len(value)} values, param_groups has {len(groups)}."
                )
            return [expect_number(name, v) for v in value]
        return [expect_number(name, value)] * len(groups)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        """Return the learning rates of step ``last_epoch`` by this schedule's formula."""
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(
                f"Tried to step {step_num} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, lr0, lr1, mom0, mom1) in enumerate(self._phases):
                if step_num <= end_step or i == len(self._phases) - 1:
                    pct = (step_num - start_step) / (end_step - start_step)
                    lr = self._anneal(group[lr0], group[lr1], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal(group[mom0], group[mom1], pct)
                    break
                start_step = end_step
            lrs.append(lr)
            if self.cycle_momentum:
                if self.use_beta1:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum
        return lrs


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at the steps in ``milestones``.

    Typical use: linear warmup, then cosine annealing::

        warmup = LinearLR(opt, start_factor=0.01, total_iters=10)
        cosine = CosineAnnealingLR(opt, T_max=90)
        sched = SequentialLR(opt, [warmup, cosine], milestones=[10])

    Parameters
    ----------
    optimizer : adamlib.optim.Optimizer
        The optimizer all ``schedulers`` belong to.
    schedulers : sequence of LRScheduler
        The schedules, in order.
    milestones : sequence of int
        The steps at which the next schedule takes over (one fewer than ``schedulers``).
    last_epoch : int, default -1
        See :class:`LRScheduler`.
    """

    def __init__(
        self,
        optimizer: Any,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        if len(schedulers) < 1:
            raise ValueError("SequentialLR expects at least one scheduler, but got no scheduler.")
        for index, scheduler in enumerate(schedulers):
            if getattr(scheduler, "optimizer", None) is not optimizer:
                raise ValueError(
                    "SequentialLR expects all schedulers to belong to the same optimizer, but "
                    f"scheduler {index} ({type(scheduler).__name__}) has another one"
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more "
                f"than the number of milestone points, but got number of schedulers "
                f"{len(schedulers)} and the number of milestones to be equal to {len(milestones)}"
            )
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:  # undo the steps their construction took
            scheduler.last_epoch -= 1
        index = bisect_right(self._milestones, 0)
        self._schedulers[index]._initial_step()
        self._last_lr = self._schedulers[index].get_last_lr()

    def step(self) -> None:
        """Advance the active schedule (or switch to the next one at a milestone)."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Return the state, including each sub-schedule's."""
        state = super().state_dict()
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state returned by :meth:`state_dict`.

        Parameters
        ----------
        state_dict : dict
            From :meth:`state_dict` of a SequentialLR with the same sub-schedules.
        """
        state = dict(state_dict)
        for scheduler, sub in zip(self._schedulers, state.pop("_schedulers"), strict=True):
            scheduler.load_state_dict(sub)
        self.__dict__.update(state)
