"""The figure rules checker used while notebooks are built and tested (tools/figure_lint.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from tools import figure_lint

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def good_figure():
    fig, (a, b) = plt.subplots(1, 2)
    t = np.arange(10)
    a.plot(t, t, label="one")
    a.plot(t, t**2, label="two")
    a.legend()
    a.set(title="Two lines", xlabel="step", ylabel="loss", yscale="log")
    b.plot(t, -t)  # one line, colours shared with the legend of panel a
    b.set(title="One line", xlabel="step", ylabel="value")
    return fig


def test_a_well_made_figure_passes():
    assert figure_lint.problems(good_figure()) == []


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (lambda fig: fig.axes[0].set_title(""), "axes 0: no title"),
        (lambda fig: fig.axes[1].set_xlabel(""), "axes 1 ('One line'): no x-label"),
        (lambda fig: fig.axes[0].set_ylabel(""), "axes 0 ('Two lines'): no y-label"),
        (
            lambda fig: fig.axes[0].get_legend().remove(),
            "axes 0 ('Two lines'): 2 lines and no legend",
        ),
    ],
)
def test_each_broken_rule_is_named(spoil, expected):
    fig = good_figure()
    spoil(fig)
    assert expected in figure_lint.problems(fig)


def test_losses_and_learning_rates_over_decades_need_a_log_scale():
    fig, (a, b) = plt.subplots(1, 2)
    steps = np.arange(0, 101)
    a.plot(steps, 10.0 ** -(steps / 10))  # 10 decades of loss
    a.set(title="Loss", xlabel="step", ylabel="training loss")
    lrs = np.logspace(-4, 0, 9)
    b.plot(lrs, 1 / (1 + lrs))
    b.set(title="Sensitivity", xlabel="learning rate η", ylabel="final value")
    assert figure_lint.problems(fig) == [
        "axes 0 ('Loss'): y-axis 'training loss' spans a factor 1e+10 on a linear scale: "
        "use a log scale",
        "axes 1 ('Sensitivity'): x-axis 'learning rate η' spans a factor 1e+04 on a linear "
        "scale: use a log scale",
    ]
    a.set_yscale("log")
    b.set_xscale("log")
    assert figure_lint.problems(fig) == []


def test_a_loss_within_a_small_range_may_stay_linear():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2, 3], [0.9, 0.5, 0.31, 0.3])  # a factor 3, and zero or negative data ignored
    ax.plot([0, 1, 2, 3], [0.0, -1.0, 0.2, 0.25])
    ax.legend(["a", "b"])
    ax.set(title="Small range", xlabel="epoch", ylabel="validation loss")
    assert figure_lint.problems(fig) == []


def test_the_same_run_has_one_colour_across_panels():
    fig, (a, b) = plt.subplots(1, 2)
    t = np.arange(10)
    a.plot(t, t, color="C0", label="Adam")
    a.plot(t, 2 * t, color="C1", label="SGD")
    b.plot(t, t + 1, color="C1", label="Adam")  # the same run, another colour
    b.plot(t, t + 2, color="C2", label="_helper")  # unlabelled lines are not compared
    for ax in (a, b):
        ax.set(title="panel", xlabel="step", ylabel="value")
    a.legend()
    assert figure_lint.problems(fig) == ["the line labelled 'Adam' has 2 colours across panels"]
    b.get_lines()[0].set_color("C0")
    assert figure_lint.problems(fig) == []


def test_suptitle_shared_labels_and_image_panels_count():
    fig, axes = plt.subplots(2, 1, sharex=True)
    fig.suptitle("Panels under one title")
    axes[0].plot([0, 1, 2], [1, 2, 3])
    axes[0].set_ylabel("top")
    axes[1].plot([0, 1, 2], [3, 2, 1])
    axes[1].set(xlabel="shared x", ylabel="bottom")
    assert figure_lint.problems(fig) == []
    fig2, ax = plt.subplots()
    image = ax.imshow(np.eye(3))
    ax.set(title="An image", xticks=[], yticks=[])
    assert figure_lint.problems(fig2) == []
    bar = fig2.colorbar(image)
    assert figure_lint.problems(fig2) == ["axes 1: colour bar without a label"]
    bar.set_label("value")
    assert figure_lint.problems(fig2) == []


def test_the_kernel_startup_file_checks_rendered_figures():
    """The IPython directory made for notebook kernels installs the check: rendering a bad
    figure prints the problem on stderr and logs it; a good one is logged as checked."""
    code = (
        "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt, io\n"
        "fig, ax = plt.subplots(); ax.plot([1, 2, 3]); ax.set_title('bad')\n"
        "fig.savefig(io.BytesIO(), format='png')\n"
        "ax.set(xlabel='x', ylabel='y'); fig.savefig(io.BytesIO(), format='png')\n"
    )
    with figure_lint.session() as lint:
        proc = subprocess.run(
            [sys.executable, "-m", "IPython", "--quick", "--no-banner", "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env={**__import__("os").environ, **lint.env},
        )
    assert proc.returncode == 0, proc.stderr
    checks = lint.checks
    assert figure_lint.failures(checks) == [
        "  'bad': axes 0 ('bad'): no x-label",
        "  'bad': axes 0 ('bad'): no y-label",
    ]
    assert [c["problems"] for c in checks] == [
        ["axes 0 ('bad'): no x-label", "axes 0 ('bad'): no y-label"],
        [],
    ]
    assert "figure lint: 'bad': axes 0 ('bad'): no x-label" in proc.stderr
