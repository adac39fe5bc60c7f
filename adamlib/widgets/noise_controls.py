r"""The playground's run settings shared by every optimizer: gradient noise and a schedule.

:func:`add_run_controls` registers the controls on a widget (``noise``, ``sigma``, ``seed``,
``schedule``) and returns their row; :func:`noise_of` and :func:`make_schedule` turn their
values into what :class:`adamlib.run.OptimizerRun` takes, and :func:`check_noise_setting`
checks a ``noise=`` argument against the controls' ranges. The focused explorers that teach
with noise (lecture 03's momentum explorer, lecture 05's Adagrad against RMSprop) use the
same noise controls, without the schedule. The noise is the same for every
optimizer shown (:class:`adamlib.run.GradientNoise`: one seed, the same draws :math:`\xi_t`),
so that two runs differ only by their rule. The schedules are those of
:mod:`adamlib.schedules`, stretched over the run: a change of the number of steps with any
schedule but ``"constant"`` starts the runs again (see :func:`schedule_depends_on_steps`).
"""

# The mixin's methods are typed with ``self: Playground`` (the class they belong to), which
# mypy reports as "misc" since Playground is a subclass, not a supertype, of the mixin.
# mypy: disable-error-code="misc"

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from adamlib.run import NOISE_KINDS, GradientNoise
from adamlib.schedules import CosineAnnealingLR, LinearLR, SequentialLR, StepLR
from adamlib.validation import check_bool
from adamlib.widgets.sliders import OPTIMIZERS

if TYPE_CHECKING:
    from adamlib.widgets.playground import Playground

__all__ = [
    "NOISE_LABELS",
    "NOISE_LABEL_OF",
    "SCHEDULES",
    "RunSettings",
    "add_run_controls",
    "check_noise_setting",
    "make_schedule",
    "noise_of",
    "schedule_depends_on_steps",
]

#: the noise dropdown's entries: label -> :class:`~adamlib.run.GradientNoise` kind
NOISE_LABELS: dict[str, str] = {
    "none": "none",
    "additive  g + σξ": "additive",
    "minibatch-like  g(1 + σξ)": "relative",
}
assert set(NOISE_LABELS.values()) == set(NOISE_KINDS)
#: the other way round: kind -> the dropdown's label
NOISE_LABEL_OF: dict[str, str] = {kind: label for label, kind in NOISE_LABELS.items()}

#: the schedules of the dropdown
SCHEDULES = ("constant", "step", "cosine", "warmup + cosine")


def schedule_depends_on_steps(name: str) -> bool:
    """Whether schedule ``name`` is stretched over the run (a new ``steps`` is a new run)."""
    return name != "constant"


def make_schedule(name: str, steps: int) -> Callable[[Any], Any] | None:
    """``schedule(optimizer) -> scheduler`` for a run of ``steps`` steps, or None (constant).

    Parameters
    ----------
    name
        One of :data:`SCHEDULES`: ``"step"`` multiplies η by 0.1 after each third of the run
        (:class:`~adamlib.schedules.StepLR`); ``"cosine"`` anneals it to 0 over the run
        (:class:`~adamlib.schedules.CosineAnnealingLR`); ``"warmup + cosine"`` rises linearly
        from η/100 over the first tenth (:class:`~adamlib.schedules.LinearLR`), then anneals
        (:class:`~adamlib.schedules.SequentialLR` of the two).
    steps
        The number of steps of the run.

    Returns
    -------
    callable or None
    """
    if name not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {name!r}")
    if name == "constant":
        return None
    if name == "step":
        return lambda opt: StepLR(opt, step_size=max(1, steps // 3), gamma=0.1)
    if name == "cosine":
        return lambda opt: CosineAnnealingLR(opt, T_max=max(1, steps))
    warmup = max(1, steps // 10)

    def warmup_cosine(opt: Any) -> SequentialLR:
        """Linear warmup over ``warmup`` steps, then cosine annealing to the end."""
        return SequentialLR(
            opt,
            [
                LinearLR(opt, start_factor=0.01, total_iters=warmup),
                CosineAnnealingLR(opt, T_max=max(1, steps - warmup)),
            ],
            milestones=[warmup],
        )

    return warmup_cosine


def check_noise_setting(noise: Any) -> GradientNoise | None:
    """``noise`` checked against the controls' ranges: a GradientNoise (or None, no noise).

    A TypeError for anything but a :class:`~adamlib.run.GradientNoise`; a ValueError for a σ
    outside [0.001, 100] (unless the kind is ``"none"``) or a seed above 99: the σ and seed
    sliders could not show them.
    """
    if noise is None:
        return None
    if not isinstance(noise, GradientNoise):
        raise TypeError(f"noise must be a GradientNoise, got {type(noise).__name__}")
    if noise.active and not 1e-3 <= noise.sigma <= 1e2:
        raise ValueError(f"noise sigma must be in [0.001, 100], got {noise.sigma}")
    if noise.seed > 99:
        raise ValueError(f"noise seed must be in [0, 99], got {noise.seed}")
    return noise


def noise_of(controls: Mapping[str, W.Widget]) -> GradientNoise:
    """The :class:`~adamlib.run.GradientNoise` the controls ``noise``, ``sigma``, ``seed`` set."""
    return GradientNoise(
        NOISE_LABELS[controls["noise"].value],
        float(controls["sigma"].value),
        int(controls["seed"].value),
    )


def add_run_controls(
    add: Callable[[str, W.Widget], W.Widget],
    noise: GradientNoise | None = None,
    schedule: str | None = "constant",
) -> W.HBox:
    """Register the noise and schedule controls with ``add``; return the noise's row.

    Parameters
    ----------
    add
        A widget's ``_add(name, control)`` (see :class:`~adamlib.widgets.interactive.Interactive`).
    noise
        The initial noise (default: none, σ = 1, seed 0).
    schedule
        The initial schedule, one of :data:`SCHEDULES`; None: no schedule control.

    Returns
    -------
    ipywidgets.HBox
        The noise, σ and seed (the schedule's dropdown goes where the caller wants it).
    """
    noise = GradientNoise("none", 1.0, 0) if noise is None else noise
    label = NOISE_LABEL_OF[noise.kind]
    noise_menu = add(
        "noise",
        W.Dropdown(
            options=list(NOISE_LABELS),
            value=label,
            description="noise",
            layout=W.Layout(width="260px"),
        ),
    )
    sigma = add(
        "sigma",
        W.FloatLogSlider(
            value=noise.sigma if noise.sigma > 0 else 1.0,
            base=10,
            min=-3,
            max=2,
            step=0.1,
            description="σ",
            readout_format=".2g",
            continuous_update=False,
            style={"description_width": "2.5em"},
            layout=W.Layout(width="290px"),
        ),
    )
    seed = add(
        "seed",
        W.IntSlider(
            value=noise.seed,
            min=0,
            max=99,
            description="seed",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=W.Layout(width="290px"),
        ),
    )
    if schedule is None:
        return W.HBox([noise_menu, sigma, seed])
    menu = add(
        "schedule",
        W.Dropdown(
            options=list(SCHEDULES),
            value=schedule,
            description="η schedule",
            style={"description_width": "initial"},
            layout=W.Layout(width="230px"),
        ),
    )
    menu.layout.width = "260px"
    return W.HBox([noise_menu, sigma, seed])


class RunSettings:
    """The playground's noise, schedule and variant switches.

    Read from its controls and set from code (a mixin of
    :class:`~adamlib.widgets.playground.Playground`).
    """

    def _check_run_settings(
        self: Playground, noise: Any, schedule: Any, state: Any
    ) -> tuple[GradientNoise | None, str, str]:
        """The noise, schedule and state view's optimizer, checked."""
        noise = check_noise_setting(noise)
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
        if state != "none" and state not in self.labels:
            raise ValueError(f"state must be 'none' or one of {self.labels}, got {state!r}")
        return noise, schedule, state

    def switches(self: Playground, label: str) -> dict[str, bool]:
        """The variant switches of optimizer ``label`` (ticked or not) by name."""
        return {
            sw.name: bool(self.controls[f"{label}:{sw.name}"].value)
            for sw in OPTIMIZERS[label].switches
        }

    def optimizer_class(self: Playground, label: str) -> type:
        """The :mod:`adamlib.optim` class ``label`` runs (a switch may replace it)."""
        return OPTIMIZERS[label].optimizer_with(self.switches(label))

    @property
    def noise(self: Playground) -> GradientNoise:
        """The gradient noise of every run (kind ``"none"`` when off)."""
        noise = noise_of(self.controls)
        return noise if noise.active else GradientNoise()

    @property
    def schedule(self: Playground) -> str:
        """The learning-rate schedule's name."""
        return str(self.controls["schedule"].value)

    def set_run(
        self: Playground,
        noise: GradientNoise | None = None,
        schedule: str | None = None,
        state: str | None = None,
    ) -> None:
        """Change the noise, the schedule or the state view's optimizer.

        Validated first (on an error nothing changes), then one update.

        Parameters
        ----------
        noise
            The :class:`~adamlib.run.GradientNoise` of every run (σ in [0.001, 100] unless
            the kind is ``"none"``, seed in [0, 99]: the controls' ranges).
        schedule
            One of :data:`SCHEDULES`.
        state
            An optimizer's label to show its state, or ``"none"`` to close the state view.
        """
        self._check_run_settings(noise, schedule or self.schedule, state or "none")
        if noise is None and schedule is None and state is not None:
            self.controls["state"].value = state  # as the page's dropdown: the state view only
            return
        with self.hold():
            if noise is not None:
                label = NOISE_LABEL_OF[noise.kind]
                self.controls["noise"].value = label
                if noise.sigma > 0:
                    self.controls["sigma"].value = noise.sigma
                self.controls["seed"].value = noise.seed
            if schedule is not None:
                self.controls["schedule"].value = schedule
            if state is not None:
                self.controls["state"].value = state

    def set_variant(self: Playground, label: str, **on: bool) -> None:
        """Tick or untick variant switches, e.g. ``set_variant("Adam", amsgrad=True)``.

        Parameters
        ----------
        label
            An optimizer's label (:data:`~adamlib.widgets.sliders.OPTIMIZERS`).
        **on
            Switch names of that optimizer (its ``switches``) and whether they are ticked.
        """
        if label not in self.labels:
            raise ValueError(f"unknown optimizer {label!r}; choose from {self.labels}")
        names = [sw.name for sw in OPTIMIZERS[label].switches]
        for name, value in on.items():
            if name not in names:
                raise ValueError(f"{label} has no switch {name!r}; it has {names}")
            check_bool(name, value)
        with self.hold():
            for name, value in on.items():
                self.controls[f"{label}:{name}"].value = bool(value)
