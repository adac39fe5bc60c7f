"""Which optimizers the playground offers, with which sliders (the hyperparameters' ranges).

:class:`Hyper` is one slider (symbol, default, range, linear or log); :class:`Switch` is one
variant checkbox (Nesterov, AMSGrad, centered, decoupled weight decay); :class:`OptimizerSpec`
is one entry of the playground: an :mod:`adamlib.optim` class, its sliders, its switches and
the names of its state arrays in the state view. :data:`OPTIMIZERS` lists them all; a new
optimizer of the playground (and of its state view) is one entry there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W

from adamlib import optim
from adamlib.validation import is_real

__all__ = [
    "OPTIMIZERS",
    "STATE_SYMBOLS",
    "Hyper",
    "OptimizerSpec",
    "Switch",
    "available_optimizers",
]


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter slider.

    Parameters
    ----------
    name
        Keyword of the optimizer (``lr``, ``momentum``, ``eps``...); ``beta1`` and ``beta2``
        are combined into ``betas``.
    symbol
        The slider's label, the symbol of the lectures (``η``, ``β₁``...).
    default
        Initial value.
    low, high
        The slider's range (values outside are rejected).
    log
        A log-scale slider (``FloatLogSlider``).
    step
        Step of a linear slider, or of the exponent of a log slider.
    """

    name: str
    symbol: str
    default: float
    low: float
    high: float
    log: bool = False
    step: float = 0.01

    def slider(self, value: float | None = None) -> W.Widget:
        """A new slider for this hyperparameter.

        It updates on release (``continuous_update=False``; keys and clicks apply at once).
        A continuously updating float slider sends the page's rounding of every value set from
        code back to the kernel, and in JupyterLab that echo overrides values set later by
        queued cells (measured with *Run All*), so float sliders never update while dragged.
        """
        common: dict[str, Any] = {
            "description": self.symbol,
            "continuous_update": False,
            "style": {"description_width": "2.5em"},
            "layout": W.Layout(width="290px"),
        }
        v = self.default if value is None else value
        if self.log:
            return W.FloatLogSlider(
                value=v,
                base=10,
                min=math.log10(self.low),
                max=math.log10(self.high),
                step=self.step,
                readout_format=".2g",
                **common,
            )
        digits = max(0, -math.floor(math.log10(self.step)))
        return W.FloatSlider(
            value=v,
            min=self.low,
            max=self.high,
            step=self.step,
            readout_format=f".{digits}f",
            **common,
        )

    def check(self, owner: str, value: Any) -> float:
        """``value`` as a float, or a ValueError/TypeError saying what is allowed."""
        if not is_real(value):
            raise TypeError(f"{owner}: {self.name} must be a number, got {value!r}")
        v = float(value)
        if not (math.isfinite(v) and self.low <= v <= self.high):
            raise ValueError(
                f"{owner}: {self.name} = {value!r} is outside the slider's range "
                f"[{self.low:g}, {self.high:g}]"
            )
        return v


@dataclass(frozen=True)
class Switch:
    """One variant of an optimizer, a checkbox: a boolean keyword, or another class.

    Parameters
    ----------
    name
        Keyword of the optimizer set to True when ticked (``nesterov``, ``amsgrad``...), or,
        with ``class_name``, only the checkbox's name.
    description
        The checkbox's label.
    class_name
        When ticked, run this :mod:`adamlib.optim` class instead (Adam → AdamW: decoupled
        weight decay) with the same keywords.
    """

    name: str
    description: str
    class_name: str | None = None

    def checkbox(self) -> W.Checkbox:
        """A new (unticked) checkbox for this switch."""
        return W.Checkbox(
            value=False, description=self.description, indent=False, layout=W.Layout(width="auto")
        )


#: The state view's names of the optimizers' state arrays (the lectures' symbols); an array
#: not listed here is shown under its key.
STATE_SYMBOLS: dict[str, str] = {
    "momentum_buffer": "b (momentum buffer)",
    "sum": "G (sum of g²)",
    "square_avg": "v (average of g²)",
    "grad_avg": "ḡ (average of g)",
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "max_exp_avg_sq": "max v",
    "exp_inf": "u (max |g|)",
    "acc_delta": "Δ (average of Δx²)",
    "variance": "v (average of g², Adafactor)",
    "z": "z (Schedule-Free's SGD sequence)",
}


def _lr(default: float) -> Hyper:
    """The learning-rate slider η (log scale) with its default."""
    return Hyper("lr", "η", default, 1e-5, 10.0, log=True, step=0.02)


_MOMENTUM = Hyper("momentum", "β", 0.9, 0.0, 0.99)
_BETA1 = Hyper("beta1", "β₁", 0.9, 0.0, 0.99)
_BETA2 = Hyper("beta2", "β₂", 0.999, 0.5, 0.9999, step=0.0001)


def _eps(default: float) -> Hyper:
    """The ε slider (log scale) with its default."""
    return Hyper("eps", "ε", default, 1e-12, 1.0, log=True, step=0.1)


@dataclass(frozen=True)
class OptimizerSpec:
    """An entry of the playground: an :mod:`adamlib.optim` class and its sliders.

    Parameters
    ----------
    label
        Name shown in the playground (``"SGD+momentum"``).
    class_name
        Name of the class in :mod:`adamlib.optim`.
    hypers
        The sliders.
    fixed
        Keyword arguments that are not sliders.
    switches
        The variant checkboxes.
    state_symbols
        Names of state arrays for the state view, over :data:`STATE_SYMBOLS`.
    """

    label: str
    class_name: str
    hypers: tuple[Hyper, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    switches: tuple[Switch, ...] = ()
    state_symbols: Mapping[str, str] = field(default_factory=dict)

    @property
    def optimizer(self) -> type:
        """The class, ``adamlib.optim.<class_name>``."""
        cls: type = getattr(optim, self.class_name)
        return cls

    def optimizer_with(self, on: Mapping[str, bool]) -> type:
        """The class to run with the switches ``on`` (by name): a switch may replace it."""
        for sw in self.switches:
            if sw.class_name is not None and on.get(sw.name):
                cls: type = getattr(optim, sw.class_name)
                return cls
        return self.optimizer

    def state_symbol(self, key: str) -> str:
        """The state view's name of state array ``key``."""
        return self.state_symbols.get(key, STATE_SYMBOLS.get(key, key))

    def defaults(self) -> dict[str, float]:
        """The slider defaults by name."""
        return {h.name: h.default for h in self.hypers}

    def check(self, values: Mapping[str, Any]) -> dict[str, float]:
        """``values`` by slider name, each checked against its slider's range.

        Parameters
        ----------
        values
            Slider values by name, e.g. ``{"lr": 0.1}``.

        Returns
        -------
        dict
            The values as floats.

        Raises
        ------
        ValueError, TypeError
            For a name that is not one of the sliders, or a value it cannot take.
        """
        hypers = {h.name: h for h in self.hypers}
        out = {}
        for name, value in values.items():
            if name not in hypers:
                raise ValueError(f"{self.label} has no slider {name!r}; it has {list(hypers)}")
            out[name] = hypers[name].check(self.label, value)
        return out

    def kwargs(
        self, values: Mapping[str, float], on: Mapping[str, bool] | None = None
    ) -> dict[str, Any]:
        """Return the optimizer's keyword arguments for the slider ``values`` and switches ``on``.

        A ticked keyword switch adds ``name=True``; unticked ones add nothing.
        """
        kw: dict[str, Any] = dict(self.fixed)
        for h in self.hypers:
            kw[h.name] = float(values[h.name])
        for sw in self.switches:
            if sw.class_name is None and (on or {}).get(sw.name):
                kw[sw.name] = True
        if "beta1" in kw:
            kw["betas"] = (kw.pop("beta1"), kw.pop("beta2"))
        return kw


#: Every optimizer the playground can show, in the order of its tabs and colours.
OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.label: spec
    for spec in [
        OptimizerSpec("SGD", "SGD", (_lr(2e-3),)),
        OptimizerSpec(
            "SGD+momentum",
            "SGD",
            (_lr(1e-3), _MOMENTUM),
            switches=(Switch("nesterov", "Nesterov"),),
        ),
        OptimizerSpec("Adagrad", "Adagrad", (_lr(0.5), _eps(1e-10))),
        OptimizerSpec(
            "RMSprop",
            "RMSprop",
            (_lr(0.03), Hyper("alpha", "α", 0.99, 0.5, 0.9999, step=0.0001), _eps(1e-8)),
            switches=(Switch("centered", "centered"),),
        ),
        OptimizerSpec(
            "Adam",
            "Adam",
            (_lr(0.1), _BETA1, _BETA2, _eps(1e-8), Hyper("weight_decay", "λ", 0.0, 0.0, 1.0)),
            switches=(
                Switch("amsgrad", "AMSGrad"),
                Switch("decoupled", "decoupled λ (AdamW)", class_name="AdamW"),
            ),
        ),
        OptimizerSpec(
            "AdamW",
            "AdamW",
            (_lr(0.1), _BETA1, _BETA2, _eps(1e-8), Hyper("weight_decay", "λ", 1e-2, 0.0, 1.0)),
            switches=(Switch("amsgrad", "AMSGrad"),),
        ),
        OptimizerSpec("NAdam", "NAdam", (_lr(0.05), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec("Adamax", "Adamax", (_lr(0.05), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec("RAdam", "RAdam", (_lr(0.05), _BETA1, _BETA2, _eps(1e-8))),
        OptimizerSpec(
            "Adadelta",
            "Adadelta",
            (_lr(1.0), Hyper("rho", "ρ", 0.9, 0.5, 0.9999, step=0.0001), _eps(1e-6)),
        ),
        # lecture 12: every coordinate moves by exactly η per step (a sign), so η is small
        OptimizerSpec(
            "Lion",
            "Lion",
            (
                _lr(0.01),
                _BETA1,
                Hyper("beta2", "β₂", 0.99, 0.5, 0.9999, step=0.0001),
                Hyper("weight_decay", "λ", 0.0, 0.0, 1.0),
            ),
        ),
        # on a vector (the playground's point) Adafactor keeps the full second moment; its step
        # is relative to the size of the point (RMS(x), at least 1e-3)
        OptimizerSpec("Adafactor", "Adafactor", (_lr(0.05),)),
        # the point shown is y, where gradients are taken (train mode)
        OptimizerSpec("ScheduleFreeAdamW", "ScheduleFreeAdamW", (_lr(0.05), _BETA1, _BETA2)),
    ]
}


def available_optimizers() -> list[str]:
    """The labels of :data:`OPTIMIZERS`, in order (each names a class of :mod:`adamlib.optim`).

    Returns
    -------
    list of str
    """
    return list(OPTIMIZERS)
