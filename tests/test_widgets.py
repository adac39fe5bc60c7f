"""The widgets without a browser: build them, move controls from code, check what is drawn.

The browser test (tests/test_browser.py) checks that the same widgets render and respond in
JupyterLab; these tests check that they draw the right data.
"""

from __future__ import annotations

import base64
import math
import re
import subprocess
import sys
from pathlib import Path

import ipympl
import ipywidgets as W
import numpy as np
import pytest
from ipympl.backend_nbagg import Canvas
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg

import adamlib.optim as optim
from adamlib.functions import OBJECTIVES
from adamlib.run import measured_rate, run_optimizer
from adamlib.widgets import (
    OPTIMIZERS,
    Playground,
    adagrad_vs_rmsprop,
    adam_path,
    available_optimizers,
    bias_correction_explorer,
    canvas,
    epsilon_explorer,
    momentum_explorer,
    momentum_rate,
    playground,
    resolve_backend,
)
from adamlib.widgets.noise_controls import make_schedule

FIVE = ["SGD", "SGD+momentum", "Adagrad", "RMSprop", "Adam"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def reference(pg: Playground, label: str, steps: int | None = None):
    """What adamlib.run.run_optimizer computes for the playground's current settings."""
    steps = pg.steps if steps is None else steps
    return run_optimizer(
        pg.objective,
        pg.optimizer_class(label),
        pg.start,
        steps,
        noise=pg.noise,
        schedule=make_schedule(pg.schedule, steps),
        **pg.kwargs(label),
    )


def assert_draws_reference(pg: Playground, labels=None) -> None:
    """Every selected optimizer's map line and loss line show run_optimizer's run."""
    for label in labels or pg.selected:
        ref = reference(pg, label)
        line = pg.path_lines[label]
        n = pg.frame + 1
        np.testing.assert_array_equal(line.get_xdata(), ref.path[:n, 0], err_msg=label)
        np.testing.assert_array_equal(line.get_ydata(), ref.path[:n, 1], err_msg=label)
        loss = pg.loss_lines[label].get_ydata()
        expected = ref.losses[:n] - pg.objective.min_value
        ok = np.isfinite(expected) & (expected > 0)
        np.testing.assert_allclose(loss[ok], expected[ok], rtol=1e-12, err_msg=label)
        assert np.isnan(loss[~np.isfinite(expected)]).all()
        assert pg.loss_lines[label].get_visible() and line.get_visible()


@pytest.fixture(params=["inline", "ipympl"])
def backend(request):
    return request.param


# ---------------------------------------------------------------------------------------------
# the playground
# ---------------------------------------------------------------------------------------------
def test_every_optimizer_of_adamlib_optim_is_offered():
    labels = available_optimizers()
    assert {"SGD", "SGD+momentum", "Adagrad", "RMSprop", "Adam", "AdamW"} <= set(labels)
    for label in labels:
        assert hasattr(optim, OPTIMIZERS[label].class_name)


@pytest.mark.parametrize("objective", ["quadratic", "beale"])
def test_every_available_optimizer_runs_as_run_optimizer_does(objective):
    labels = available_optimizers()
    pg = Playground(objective, labels, steps=40, backend="inline")
    assert pg.selected == labels
    assert_draws_reference(pg)


def test_playground_draws_what_run_optimizer_computes(backend):
    pg = Playground("rosenbrock", FIVE, steps=300, backend=backend)
    assert pg.selected == FIVE
    assert_draws_reference(pg)
    hidden = set(pg.labels) - set(FIVE)
    assert all(not pg.path_lines[label].get_visible() for label in hidden)
    traj = pg.trajectories
    assert list(traj) == FIVE
    for label in FIVE:
        np.testing.assert_array_equal(traj[label].path, reference(pg, label).path)


@pytest.mark.parametrize("name", list(OBJECTIVES))
def test_every_objective_is_selectable_and_drawn_right(name):
    pg = Playground("quadratic", ["SGD+momentum", "Adam", "AdamW"], steps=60, backend="inline")
    contours_before = pg._contours
    pg.set(objective=name)
    assert pg.objective is OBJECTIVES[name]
    np.testing.assert_array_equal(pg.start, OBJECTIVES[name].start)
    (x0, x1), (y0, y1) = OBJECTIVES[name].domain
    assert pg.ax_map.get_xlim() == (x0, x1) and pg.ax_map.get_ylim() == (y0, y1)
    assert pg.controls["x0"].min == x0 and pg.controls["x0"].max == x1
    assert (name == "quadratic") == (pg._contours is contours_before)
    assert_draws_reference(pg)


def test_objective_dropdown_moves_the_start_and_redraws():
    pg = Playground("rosenbrock", ["Adam"], steps=40, backend="inline")
    pg.controls["objective"].value = "himmelblau"  # as the page would
    np.testing.assert_array_equal(pg.start, OBJECTIVES["himmelblau"].start)
    assert_draws_reference(pg)


def test_a_slider_updates_the_same_lines_in_place_and_reruns_only_its_optimizer(backend):
    pg = Playground("rosenbrock", FIVE, steps=300, backend=backend)
    fig, lines = pg.fig, dict(pg.path_lines)
    runs = {label: pg._runs[label][1] for label in FIVE}
    before = pg.path_lines["Adam"].get_xdata().copy()
    pg.controls["Adam:lr"].value = 0.02  # as the page would
    assert pg.fig is fig and pg.path_lines == lines
    assert not np.array_equal(before, pg.path_lines["Adam"].get_xdata())
    assert pg.kwargs("Adam")["lr"] == 0.02
    assert_draws_reference(pg)
    for label in FIVE:
        assert (pg._runs[label][1] is runs[label]) == (label != "Adam"), label


def test_set_hyper_changes_betas_and_eps():
    pg = Playground("beale", ["Adam", "RMSprop"], steps=80, backend="inline")
    pg.set_hyper("Adam", lr=0.2, beta1=0.5, beta2=0.99, eps=1e-6)
    pg.set_hyper("RMSprop", alpha=0.9)
    assert pg.kwargs("Adam") == {"lr": 0.2, "betas": (0.5, 0.99), "eps": 1e-6, "weight_decay": 0.0}
    assert pg.kwargs("RMSprop")["alpha"] == 0.9
    assert_draws_reference(pg)


def test_more_steps_continue_the_cached_runs():
    pg = Playground("rosenbrock", ["SGD+momentum", "Adam"], steps=100, backend="inline")
    run = pg._runs["Adam"][1]
    pg.set(steps=250)
    assert pg._runs["Adam"][1] is run and run.steps == 250
    assert pg.frame == 250 and pg.controls["play"].max == 250
    assert_draws_reference(pg)
    pg.set(steps=30)
    assert pg.frame == 30
    assert_draws_reference(pg)


def test_start_from_code_and_from_the_sliders():
    pg = Playground("himmelblau", ["SGD", "Adam"], steps=80, backend="inline")
    pg.set(start=(2.5, -4.0))
    np.testing.assert_array_equal(pg.start, [2.5, -4.0])
    np.testing.assert_array_equal(pg.start_marker.get_xydata(), [[2.5, -4.0]])
    assert_draws_reference(pg)
    pg.controls["y0"].value = 1.0
    np.testing.assert_array_equal(pg.start, [2.5, 1.0])
    assert_draws_reference(pg)


def test_choosing_optimizers_shows_and_hides_lines_and_legend():
    pg = Playground("quadratic", ["SGD"], steps=50, backend="inline")
    pg.set(optimizers=["Adagrad", "AdamW"])
    assert pg.selected == ["Adagrad", "AdamW"]
    assert not pg.path_lines["SGD"].get_visible()
    legend = [t.get_text() for t in pg.ax_loss.get_legend().get_texts()]
    assert legend == ["Adagrad", "AdamW"]
    pg.controls["use:SGD"].value = True
    assert pg.selected == ["SGD", "Adagrad", "AdamW"]
    assert_draws_reference(pg)
    pg.set(optimizers=[])
    assert pg.trajectories == {} and "tick an optimizer" in pg.status.value


def test_the_iteration_slider_shows_a_prefix_and_play_is_linked_to_it():
    pg = Playground("rosenbrock", ["SGD+momentum", "Adam"], steps=120, backend="inline")
    run = pg._runs["Adam"][1]
    pg.controls["frame"].value = 17
    assert pg._runs["Adam"][1] is run  # playing never recomputes
    assert len(pg.path_lines["Adam"].get_xdata()) == 18
    np.testing.assert_array_equal(pg.heads["Adam"].get_xydata(), run.path[17:18])
    assert_draws_reference(pg)
    play, frame = pg.controls["play"], pg.controls["frame"]
    assert isinstance(play, W.Play)
    (link,) = pg._links
    assert link.source == (play, "value") and link.target == (frame, "value")
    assert play.max == frame.max == 120
    pg.set(steps=1000)
    assert play.max == 1000 and play.step == 40  # about 25 frames of a PNG each


def test_divergence_shows_as_a_gap_and_in_the_status():
    pg = Playground("rosenbrock", ["SGD"], steps=50, backend="inline")
    pg.set_hyper("SGD", lr=0.1)
    traj = pg.trajectories["SGD"]
    ref = reference(pg, "SGD")
    assert traj.diverged and ref.diverged
    first = int(np.argmax(np.isnan(ref.path[:, 0])))
    np.testing.assert_array_equal(traj.path, ref.path)
    assert np.isinf(traj.losses[first:]).all()
    assert f"diverged at step {first}" in pg.status.value
    assert_draws_reference(pg)


def test_a_click_on_the_map_moves_the_start_under_ipympl():
    pg = Playground("rosenbrock", ["SGD", "Adam"], steps=60, backend="ipympl")
    x, y = pg.ax_map.transData.transform((0.5, 2.0))
    MouseEvent("button_press_event", pg.canvas, x, y, button=1)._process()
    np.testing.assert_allclose(pg.start, [0.5, 2.0], atol=1e-9)
    assert_draws_reference(pg)
    x, y = pg.ax_loss.transData.transform((10, 1.0))  # a click on the loss plot: ignored
    MouseEvent("button_press_event", pg.canvas, x, y, button=1)._process()
    np.testing.assert_allclose(pg.start, [0.5, 2.0], atol=1e-9)


def test_backends_ipympl_canvas_or_inline_png_with_update_on_release():
    live = Playground("quadratic", ["Adam"], steps=20, backend="ipympl")
    assert isinstance(live.canvas, Canvas) and live.view is live.canvas
    assert live.controls["steps"].continuous_update and live.controls["frame"].continuous_update
    still = Playground("quadratic", ["Adam"], steps=20, backend="inline")
    assert isinstance(still.view, W.Output)
    assert not still.controls["steps"].continuous_update
    for pg in (live, still):  # float sliders: on release (see Hyper.slider)
        for name in ("Adam:lr", "Adam:beta1", "Adam:eps", "x0", "y0"):
            assert not pg.controls[name].continuous_update, name
    (out,) = still.view.outputs
    png = base64.b64decode(out["data"]["image/png"])
    assert png.startswith(PNG_MAGIC) and png == still.last_png
    still.set_hyper("Adam", lr=0.5)
    assert still.last_png != png


def test_the_inline_png_holds_the_canvas_pixels():
    from io import BytesIO

    from PIL import Image

    pg = Playground("rosenbrock", FIVE, steps=300, backend="inline")
    pg.set_hyper("Adam", lr=0.05)
    rgb = np.asarray(pg.canvas.buffer_rgba())[..., :3]
    shown = np.asarray(Image.open(BytesIO(pg.last_png)))
    assert pg.last_png.startswith(PNG_MAGIC) and shown.dtype == np.uint8
    np.testing.assert_array_equal(shown, rgb)


def test_a_change_within_the_limits_blits_instead_of_redrawing_everything():
    pg = Playground("quadratic", ["SGD+momentum", "Adam"], steps=100, backend="inline")
    pg.canvas.draw()
    full = pg.full_redraws
    png = pg.last_png
    for i in range(5):
        pg.set(frame=50 + i)
    assert pg.full_redraws == full  # only the lines were redrawn
    assert pg.last_png != png
    pg.set(steps=150)  # new x-limits: a full redraw
    assert pg.full_redraws == full + 1


def test_the_blitted_picture_equals_a_full_draw():
    pg = Playground("rosenbrock", ["SGD+momentum", "Adam"], steps=100, backend="inline")
    pg.canvas.draw()
    pg.set(frame=40)
    blitted = np.asarray(pg.canvas.buffer_rgba()).copy()
    pg.invalidate()
    pg.redraw()
    np.testing.assert_array_equal(np.asarray(pg.canvas.buffer_rgba()), blitted)


def test_displaying_gives_the_widget_and_a_static_png():
    pg = playground("saddle", ["Adam"], steps=30, backend="inline")
    bundle = pg._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == pg.widget.model_id
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_MAGIC)
    assert "playground" in bundle["text/plain"]
    assert "adamlib-playground" in pg.widget._dom_classes


def _playground_state(pg):
    """What a rejected call must leave unchanged (the drawn path copied, not referenced)."""
    return (
        pg.objective,
        pg.selected,
        pg.steps,
        pg.start.tolist(),
        pg.frame,
        pg.hyper("Adam"),
        pg.path_lines["Adam"].get_xdata().copy(),
        pg.redraws,
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda pg: pg.set(objective="himalaya"), ValueError, "unknown objective 'himalaya'"),
        (lambda pg: pg.set(optimizers=["Adamm"]), ValueError, "unknown optimizer(s) ['Adamm']"),
        (lambda pg: pg.set(steps=0), ValueError, "steps must be in [1, 2000]"),
        (lambda pg: pg.set(steps=5000), ValueError, "steps must be in [1, 2000]"),
        (lambda pg: pg.set(steps=2.5), TypeError, "steps must be an integer"),
        (lambda pg: pg.set(start=(9.0, 0.0)), ValueError, "outside rosenbrock's domain"),
        (lambda pg: pg.set(start=(0.0, 0.0, 0.0)), ValueError, "shape"),
        (lambda pg: pg.set(start=(np.nan, 0.0)), ValueError, "outside"),
        (lambda pg: pg.set(frame=500), ValueError, "frame must be in [0, 100]"),
        (lambda pg: pg.set_hyper("Adam", lr=-1), ValueError, "Adam: lr = -1 is outside"),
        (lambda pg: pg.set_hyper("Adam", lr=100.0), ValueError, "[1e-05, 10]"),
        (lambda pg: pg.set_hyper("Adam", lr=math.inf), ValueError, "outside"),
        (lambda pg: pg.set_hyper("Adam", lr="0.1"), TypeError, "lr must be a number"),
        (lambda pg: pg.set_hyper("Adam", beta2=1.0), ValueError, "beta2 = 1.0 is outside"),
        (lambda pg: pg.set_hyper("Adam", momentum=0.9), ValueError, "Adam has no slider"),
        (lambda pg: pg.set_hyper("Adamm", lr=0.1), ValueError, "unknown optimizer 'Adamm'"),
        (lambda pg: Playground(steps=True), TypeError, "steps must be an integer"),
        (lambda pg: Playground(backend="qt"), ValueError, "backend must be one of"),
        (lambda pg: Playground(hyper={"SGD": {"lr": 0.0}}), ValueError, "SGD: lr = 0.0"),
    ],
)
def test_bad_values_are_rejected_clearly_and_change_nothing(call, error, message):
    pg = Playground("rosenbrock", ["SGD", "Adam"], steps=100, backend="inline")
    before = _playground_state(pg)
    with pytest.raises(error) as info:
        call(pg)
    assert message in str(info.value)
    after = _playground_state(pg)
    assert all(
        np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
        for a, b in zip(before, after, strict=True)
    )


def test_resolve_backend(monkeypatch):
    monkeypatch.delenv("ADAMLIB_WIDGETS", raising=False)
    assert resolve_backend("auto") == "inline"  # no Jupyter kernel here
    assert resolve_backend("ipympl") == "ipympl"
    monkeypatch.setenv("ADAMLIB_WIDGETS", "ipympl")
    assert resolve_backend() == "ipympl"
    monkeypatch.setattr(canvas, "_in_kernel", lambda: True)
    monkeypatch.setenv("ADAMLIB_WIDGETS", "inline")
    assert resolve_backend() == "inline"
    monkeypatch.delenv("ADAMLIB_WIDGETS")
    assert resolve_backend() == "ipympl"  # in a kernel with ipympl installed
    with pytest.raises(ValueError, match="backend must be one of"):
        resolve_backend("widget")


# ---------------------------------------------------------------------------------------------
# the focused explorers
# ---------------------------------------------------------------------------------------------
def test_momentum_explorer_draws_heavy_ball_and_its_predicted_rate(backend):
    ex = momentum_explorer(backend=backend)
    line = ex.path_line
    ex.set(lr=0.05, momentum=0.6, steps=200)
    assert ex.path_line is line
    ref = run_optimizer(ex.objective, optim.SGD, ex.objective.start, 200, lr=0.05, momentum=0.6)
    np.testing.assert_array_equal(line.get_xydata(), ref.path)
    gd = run_optimizer(ex.objective, optim.SGD, ex.objective.start, 200, lr=0.05)
    np.testing.assert_array_equal(ex.gd_line.get_xydata(), gd.path)
    np.testing.assert_array_equal(ex.point.get_xydata(), [[0.05, 0.6]])
    expected = momentum_rate(0.05, 0.6, [1.0, 10.0])
    assert ex.rate == pytest.approx(float(expected))
    measured = measured_rate(np.linalg.norm(ref.path, axis=1))
    assert measured == pytest.approx(ex.rate, rel=0.02)
    assert f"ρ = {ex.rate:.3f}" in ex.error_title.get_text()
    ex.set(lr=0.5, momentum=0.0)  # ηλ_max = 5 > 2: diverges
    assert ex.rate > 1 and "diverges" in ex.error_title.get_text()


def test_momentum_rate_matches_the_iteration_matrix():
    lam = np.array([1.0, 10.0])
    for lr, beta in [(0.01, 0.0), (0.1, 0.5), (0.3, 0.9), (0.5, 0.2)]:
        radius = max(
            np.abs(np.linalg.eigvals([[1 - lr * lm, -lr * beta], [lm, beta]])).max() for lm in lam
        )
        assert momentum_rate(lr, beta, lam) == pytest.approx(radius, rel=1e-9)


def test_adam_path_from_scratch_equals_adamlib_adam_and_differs_without_correction():
    obj = OBJECTIVES["rosenbrock"]
    ref = run_optimizer(obj, optim.Adam, obj.start, 100, lr=0.05, betas=(0.8, 0.99), eps=1e-8)
    ours = adam_path(obj, obj.start, 100, lr=0.05, betas=(0.8, 0.99), eps=1e-8)
    np.testing.assert_allclose(ours, ref.path, rtol=1e-10, atol=1e-12)
    raw = adam_path(obj, obj.start, 1, lr=0.05, betas=(0.8, 0.99), bias_correction=False)
    expected = 0.05 * (1 - 0.8) / math.sqrt(1 - 0.99)  # |m_1 / √v_1| = (1-β₁)/√(1-β₂)
    np.testing.assert_allclose(np.abs(raw[1] - raw[0]), expected, rtol=1e-6)


def test_bias_correction_explorer_toggles_the_correction(backend):
    ex = bias_correction_explorer(backend=backend)
    assert ex.controls["bias_correction"].value is True
    on_path = ex.path_line.get_xydata().copy()
    assert ex.step_line.get_ydata()[0] == pytest.approx(1.0, rel=1e-6)  # |m̂₁/√v̂₁| = 1
    ex.set(bias_correction=False)
    assert ex.step_line.get_ydata()[0] == pytest.approx(0.1 / math.sqrt(0.001), rel=1e-6)
    np.testing.assert_array_equal(ex.other_path_line.get_xydata(), on_path)
    assert not np.allclose(ex.path_line.get_xydata(), on_path, equal_nan=True)
    ex.set(beta1=0.5, beta2=0.9, steps=20)
    m = ex.m_line.get_ydata()
    assert len(m) == 20 and m[0] == pytest.approx(0.5 * (1 + 0.5 * ex._z[0]))  # m₁ = (1-β₁)g₁


def test_epsilon_explorer_shows_scale_invariance_and_its_end(backend):
    ex = epsilon_explorer(backend=backend)
    ex.set(eps=1e-12, scale=1.0)
    big = ex.path_line.get_xydata().copy()
    ref = run_optimizer(ex.scaled(1.0), optim.Adam, ex.base.start, 100, lr=0.1, eps=1e-12)
    np.testing.assert_array_equal(big, ref.path)
    ex.set(scale=1e-6)  # without ε Adam does not see the scale
    np.testing.assert_allclose(ex.path_line.get_xydata(), big, atol=1e-6)
    ex.set(eps=1.0)  # ε ≫ |g|: steps of size η g/ε, i.e. almost none
    steps = ex.step_line.get_ydata()
    assert steps.max() < 1e-4
    ex.set(optimizer="RMSprop")
    ref = run_optimizer(ex.scaled(1e-6), optim.RMSprop, ex.base.start, 100, lr=0.1, eps=1.0)
    np.testing.assert_array_equal(ex.path_line.get_xydata(), ref.path)


def test_adagrad_vs_rmsprop_draws_both_runs_and_their_effective_rates(backend):
    ex = adagrad_vs_rmsprop(backend=backend, steps=200)
    obj = OBJECTIVES["rosenbrock"]
    ada = run_optimizer(obj, optim.Adagrad, obj.start, 200, lr=0.05)
    rms = run_optimizer(obj, optim.RMSprop, obj.start, 200, lr=0.05, alpha=0.99)
    np.testing.assert_array_equal(ex.path_lines["Adagrad"].get_xydata(), ada.path)
    np.testing.assert_array_equal(ex.path_lines["RMSprop"].get_xydata(), rms.path)
    for name, traj in (("Adagrad", ada), ("RMSprop", rms)):
        rates = ex.effective_rates(name)
        g = obj.grad(traj.path[:-1])
        ok = np.abs(g) > 1e-3
        # the rates explain the steps: x_t - x_{t-1} = -rate · g
        np.testing.assert_allclose(rates[ok], (-np.diff(traj.path, axis=0) / g)[ok], rtol=1e-6)
        np.testing.assert_allclose(ex.rate_lines[name, 0].get_ydata(), rates[:, 0])
    assert (np.diff(ex.effective_rates("Adagrad"), axis=0) <= 0).all()  # only ever shrinks
    ex.set(objective="beale", alpha=0.9)
    obj = OBJECTIVES["beale"]
    rms = run_optimizer(obj, optim.RMSprop, obj.start, 200, lr=0.05, alpha=0.9)
    np.testing.assert_array_equal(ex.path_lines["RMSprop"].get_xydata(), rms.path)


@pytest.mark.parametrize(
    "make", [momentum_explorer, bias_correction_explorer, epsilon_explorer, adagrad_vs_rmsprop]
)
def test_explorers_update_in_place_and_reject_bad_values(make):
    ex = make(backend="inline")
    fig, redraws = ex.fig, ex.redraws
    lines = list(ex._animated)
    name = "steps"
    ex.set(**{name: ex.controls[name].value + 3})
    assert ex.fig is fig and ex._animated == lines and ex.redraws == redraws + 1
    with pytest.raises(ValueError, match="has no control 'speed'"):
        ex.set(speed=3)
    with pytest.raises(ValueError, match="steps must be in"):
        ex.set(steps=10**6)
    with pytest.raises(TypeError, match="must be an integer"):
        ex.set(steps="many")
    assert ex.redraws == redraws + 1
    bundle = ex._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_MAGIC)
    assert ex.css in ex.widget._dom_classes


def test_explorers_reject_out_of_range_hyperparameters():
    with pytest.raises(ValueError, match=r"lr = 5 is outside the slider's range \[0.001, 1\]"):
        momentum_explorer(lr=5, backend="inline")
    with pytest.raises(ValueError, match="beta2 = 1 is outside"):
        bias_correction_explorer(beta2=1, backend="inline")
    with pytest.raises(ValueError, match="optimizer must be one of"):
        epsilon_explorer(optimizer="SGD", backend="inline")
    with pytest.raises(ValueError, match="objective must be one of"):
        adagrad_vs_rmsprop(objective="everest", backend="inline")
    with pytest.raises(TypeError, match="bias_correction must be True or False"):
        bias_correction_explorer(backend="inline").set(bias_correction="yes")


def test_ipympl_answers_the_pages_draw_request_with_the_blitted_pixels():
    pg = Playground("rosenbrock", ["SGD+momentum", "Adam"], steps=100, backend="ipympl")
    pg.canvas.syncing_data_url = False  # as once the page has said "initialized"
    pg.canvas.draw()  # the page's first draw request: a full draw
    full = pg.full_redraws
    sent = []
    pg.canvas.send_binary = sent.append  # what would go to the page
    pg.set(frame=30)
    assert pg.full_redraws == full and pg.canvas.blitted
    assert sent == []  # nothing is sent before the page asks
    pg.canvas.draw()  # the page asks
    assert not pg.canvas.blitted and len(sent) == 1
    blitted = np.asarray(pg.canvas.buffer_rgba()).copy()
    pg.invalidate()
    pg.redraw()
    pg.canvas.draw()
    np.testing.assert_array_equal(np.asarray(pg.canvas.buffer_rgba()), blitted)


def test_close_frees_every_widget():
    pg = Playground("quadratic", ["Adam"], steps=10, backend="ipympl")
    models = [pg.widget, pg.canvas, *pg.controls.values()]
    pg.close()
    assert all(w.comm is None for w in models)


# ---------------------------------------------------------------------------------------------
# a widget leaves the notebook's matplotlib backend as it found it
# ---------------------------------------------------------------------------------------------
def test_importing_ipympl_switches_the_backend_which_is_why_widgets_restore_it():
    """The upstream behaviour `canvas.import_ipympl_keeping_backend` works around
    (ipympl/__init__.py calls matplotlib.use when Matplotlib is imported; ipympl#623). If a new
    ipympl stops doing it, this test says the workaround can go."""
    code = (
        "import matplotlib; matplotlib.use('agg'); import ipympl.backend_nbagg; "
        "print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "module://ipympl.backend_nbagg"
    code = (
        "import matplotlib; matplotlib.use('agg'); from adamlib.widgets import canvas; "
        "canvas.import_ipympl_keeping_backend(); print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "agg"


def test_the_ipympl_workarounds_were_written_for_the_pinned_ipympl():
    """canvas.py's two workarounds (ipympl#623, matplotlib#19116) were checked against the
    ipympl of constraints.txt. A new pin fails here: re-examine them (the tests around this one
    say whether the upstream behaviour is still there), then update canvas.IPYMPL_TESTED."""
    text = (Path(__file__).resolve().parents[1] / "constraints.txt").read_text()
    (pinned,) = re.findall(r"^ipympl==([^\s;]+)", text, flags=re.MULTILINE)
    assert pinned == canvas.IPYMPL_TESTED
    assert ipympl.__version__ == pinned  # the environment the tests run in is the pinned one


def test_ipympls_page_still_loses_images_and_draw_requests_while_busy():
    """The page behaviour `canvas.stale_diff_safe_canvas_class` works around (matplotlib#19116),
    read from the installed front end: a "draw" request is dropped while the page waits for an
    image, and a new image replaces the one still loading. When a new ipympl changes either,
    this test fails and the workaround can be re-examined."""
    static = Path(sys.prefix, "share", "jupyter", "labextensions", "jupyter-matplotlib", "static")
    js = "".join(path.read_text(encoding="utf-8") for path in sorted(static.glob("*.js")))
    assert re.search(r"send_draw_message\(\)\{this\.waiting_for_image\|\|", js)
    assert re.search(r"handle_binary\(\w+,\w+\)\{.{0,400}?this\.image\.src=\w+,", js)


@pytest.mark.parametrize(
    "make",
    [
        "momentum_explorer(condition_number=100.0)",
        "epsilon_explorer()",
        "bias_correction_explorer()",
        "adagrad_vs_rmsprop()",
        "playground('rosenbrock', ['SGD', 'Adam'], steps=20)",
    ],
)
def test_figures_after_a_widget_stay_static_pngs_in_a_kernel(make):
    """In a real kernel (ipympl backend for the widget): the figure drawn after the widget cell
    is a plain PNG, as before it, and the backend is the inline one it was."""
    import nbformat
    from nbclient import NotebookClient

    plot = "fig, ax = plt.subplots(); ax.plot([1, 2]); plt.show()"
    cells = [
        "import matplotlib, matplotlib.pyplot as plt\nfrom adamlib.plotting import setup\n"
        "setup()\nfrom adamlib.widgets import *\nprint(matplotlib.get_backend())",
        plot,
        f"w = {make}\nprint(w.backend)\nw",
        plot,
        "print(matplotlib.get_backend())",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    before, after = nb.cells[0].outputs[0].text.strip(), nb.cells[4].outputs[0].text.strip()
    assert before == after == "module://matplotlib_inline.backend_inline"
    assert nb.cells[2].outputs[0].text.strip() == "ipympl"
    for i in (1, 3):
        (out,) = nb.cells[i].outputs
        assert set(out.data) == {"image/png", "text/plain"}, (i, list(out.data))
        assert out.data["text/plain"].startswith("<Figure")


def test_epsilon_explorer_opens_on_rmsprop_where_eps_matters(backend):
    # lecture 05's call: RMSprop (ε outside the root, as torch) with gradients ~ 1e-8 = ε
    ex = epsilon_explorer(optimizer="RMSprop", scale=1e-8, eps=1e-8, backend=backend)
    assert ex.controls["optimizer"].value == "RMSprop"
    ref = run_optimizer(ex.scaled(1e-8), optim.RMSprop, ex.base.start, 100, lr=0.1, eps=1e-8)
    np.testing.assert_array_equal(ex.path_line.get_xydata(), ref.path)
    slowed = ex.loss_line.get_ydata()[-1]
    ex.set(eps=1e-12)  # ε ≪ |g|: the scale no longer matters, the run converges
    assert ex.loss_line.get_ydata()[-1] < 1e-30 < 1e-9 < slowed


# ---------------------------------------------------------------------------------------------
# honest pictures: growing runs, overshooting paths, hidden paths
# ---------------------------------------------------------------------------------------------
def test_a_growing_run_is_flagged_and_does_not_stretch_the_loss_axis():
    pg = Playground("quadratic", ["SGD", "Adam"], steps=2000, backend="inline")
    pg.set_hyper("SGD", lr=10**-0.68)  # the η notch just above 2/λ_max = 0.2
    gap = pg.trajectories["SGD"].suboptimality(pg.objective)
    assert not pg.trajectories["SGD"].diverged and gap[-1] > 1e140  # grows, not yet 1e100
    assert "above its start" in pg.status.value
    assert pg.ax_loss.get_ylim()[1] <= 1e3 * gap[0] * 10  # capped near 1000 × the start
    assert_draws_reference(pg)
    pg.set_hyper("SGD", lr=0.1)
    assert "above its start" not in pg.status.value


def test_momentum_explorer_widens_its_frame_and_notes_a_diverging_gd(backend):
    ex = momentum_explorer(
        condition_number=100.0, lr=4 / 121, momentum=(9 / 11) ** 2, backend=backend
    )  # Polyak's optimum: the heavy ball swings to |y| 4.4
    (x0, x1), (y0, y1) = ex.frame_limits
    path = ex.path_line.get_xydata()
    assert (x0, x1) == (-2, 2) and y1 > np.abs(path[:, 1]).max() and y1 <= 3 * 2
    assert ex.gd_rate > 1 and "GD, same η: diverges" in ex.path_note.get_text()
    gd = ex.gd_line.get_xydata()
    assert len(gd) < len(path) and np.abs(gd[:-1, 1]).max() <= y1  # drawn until it leaves
    assert "double root" in ex.error_note.get_text()  # t ρᵗ: far above ‖x₀‖ρᵗ
    assert ex.rate_mesh.norm.vmin == 10  # as lecture 03's map for κ = 100
    ex.set(lr=0.01, momentum=0.0)
    assert ex.frame_limits == [(-2, 2), (-2, 2)] and "heavy ball is GD" in ex.path_note.get_text()
    ex.set(lr=0.05, momentum=0.95)
    assert ex.rate > 1 and not ex.error_note.get_visible()
    assert ex.ax_err.get_ylim()[1] <= 1e3 * np.linalg.norm(ex.objective.start) * 10


def test_adagrad_vs_rmsprop_marks_the_start_and_leaves_room_for_the_legend():
    ex = adagrad_vs_rmsprop(backend="inline")
    np.testing.assert_array_equal(ex.start_marker.get_xydata(), [ex.objective.start])
    assert ex.path_lines["Adagrad"].get_zorder() > ex.path_lines["RMSprop"].get_zorder()
    top = max(np.nanmax(line.get_ydata()) for line in ex.rate_lines.values())
    lo, hi = ex.ax_r.get_ylim()
    assert math.log10(hi / top) >= 0.25 * math.log10(hi / lo)  # the top quarter is free
    ex.set(objective="beale")
    np.testing.assert_array_equal(ex.start_marker.get_xydata(), [OBJECTIVES["beale"].start])
    assert ex.ax_p.get_legend() is not None


# ---------------------------------------------------------------------------------------------
# static content in layers (issue 21): the same pixels as a full draw, for less work
# ---------------------------------------------------------------------------------------------
def full_draw(pg: Playground) -> np.ndarray:
    """The canvas after a real full draw (Figure.draw; the draw event blits the moving artists)."""
    FigureCanvasAgg.draw(pg.canvas)
    return np.asarray(pg.canvas.buffer_rgba()).copy()


def test_the_playground_draws_only_figure_map_and_loss_panels():
    # _draw_static relies on it: a full draw is the figure's patch, the map, then the loss panel
    pg = Playground("rosenbrock", ["Adam"], steps=20, backend="inline")
    fig = pg.fig
    assert [c for c in fig.get_children() if c is not fig.patch] == [pg.ax_map, pg.ax_loss]
    assert fig.get_layout_engine() is None


def assert_labels_clear_tick_labels(ax, renderer, px: float, where) -> None:
    """``ax``'s axis labels cover none of its tick labels and sit close to them (pinned labels:
    within 16 pt; a log axis of three-digit exponents, wider than WIDEST_DECADE, may touch)."""
    ticks = [t for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
    gap = min(t.get_window_extent(renderer).x0 for t in ticks)
    gap -= ax.yaxis.label.get_window_extent(renderer).x1
    wide = any(t.get_text().startswith("10") and len(t.get_text()) > 5 for t in ticks)
    assert gap > -0.5 * px if wide else 0 < gap <= 16 * px, (where, gap)
    ticks = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    gap = min(t.get_window_extent(renderer).y0 for t in ticks)
    gap -= ax.xaxis.label.get_window_extent(renderer).y1
    assert 0 < gap <= 6 * px, (where, gap)


@pytest.mark.parametrize("dpi", [72, 144])
def test_pinned_axis_labels_clear_every_tick_label_of_every_objective(dpi):
    """The playground and its state view place their axis labels once (pin_axis_labels), for
    the widest tick labels they can show: on every objective, from its start or from a minimum
    (losses all zero: a loss axis of 10⁻³⁰⁸, where the y-label touches them), and for every
    kind of state, no label covers a tick label, and none sits far from them."""
    pg = Playground("rosenbrock", FIVE, steps=100, backend="inline", state="Adam")
    px = dpi / 72  # pixels per point
    view = pg.state_view
    for fig in (pg.fig, view.fig):
        fig.set_dpi(dpi)
    settings = [(name, None) for name in OBJECTIVES]
    settings += [(name, OBJECTIVES[name].minima[0]) for name in OBJECTIVES]
    exponents = set()
    for i, (name, start) in enumerate(settings):
        pg.set(objective=name)
        pg.set_run(state=FIVE[i % len(FIVE)])
        if start is not None:
            pg.set(start=start)
        for figure, axes in ((pg.fig, (pg.ax_map, pg.ax_loss)), (view.fig, view.fig.axes)):
            FigureCanvasAgg.draw(figure.canvas)
            renderer = figure.canvas.get_renderer()
            for ax in axes:
                assert_labels_clear_tick_labels(ax, renderer, px, (name, start, ax))
        exponents.update(t.get_text() for t in pg.ax_loss.get_yticklabels())
    assert "10⁻³⁰⁸" in exponents  # the rare case tried: a start at a minimum


@pytest.mark.parametrize(
    "change",
    [
        {"steps": 301},
        {"optimizers": FIVE[:-1]},
        {"objective": "beale"},
        {"objective": "himmelblau"},
        {"frame": 120},
        {"start": (-1.0, 0.5)},
    ],
)
def test_every_change_shows_the_pixels_of_a_full_draw(backend, change):
    pg = Playground("rosenbrock", FIVE, steps=300, backend=backend)
    pg.set(objective="beale")
    pg.set(objective="rosenbrock")  # both map layers are kept now
    pg.canvas.draw()
    pg.set(**change)
    pg.canvas.draw()  # (ipympl: the page's draw request, answered with the prepared pixels)
    shown = np.asarray(pg.canvas.buffer_rgba()).copy()
    np.testing.assert_array_equal(shown, full_draw(pg))


def test_a_loss_panel_change_keeps_the_map_and_a_visited_objective_reruns_nothing():
    pg = Playground("rosenbrock", FIVE, steps=300, backend="inline")
    pg.set(steps=301)  # the map layer of Rosenbrock is drawn here (the first full draw did not)
    layers = dict(pg._map_layers)
    runs = {label: pg._runs[label][1] for label in FIVE}
    contours = pg._contours
    full = pg.full_redraws
    pg.set(steps=300)
    assert pg.full_redraws == full + 1 and pg._map_layers == layers  # the loss panel only
    pg.set(objective="beale")
    assert len(pg._map_layers) == 2 and not contours.get_visible()
    pg.set(objective="rosenbrock")
    assert pg._contours is contours and contours.get_visible()
    assert all(pg._runs[label][1] is runs[label] for label in FIVE)
    assert_draws_reference(pg)
    pg.set_hyper("Adam", lr=0.05)  # a new setting on a visited objective: a new run
    assert pg._runs["Adam"][1] is not runs["Adam"]
    assert_draws_reference(pg)


@pytest.mark.parametrize("objective", [name for name in OBJECTIVES if name != "rosenbrock"])
def test_a_prepared_first_visit_shows_the_pixels_of_a_full_draw_and_reruns_nothing(
    backend, objective
):
    pg = Playground("rosenbrock", FIVE, steps=300, backend=backend)
    pg.canvas.draw()
    before = np.asarray(pg.canvas.buffer_rgba()).copy()
    pg.prepare()  # what the playground does while the kernel is idle
    assert pg._shown_objective == "rosenbrock" and pg.ax_map.get_title() == "rosenbrock"
    np.testing.assert_array_equal(np.asarray(pg.canvas.buffer_rgba()), before)
    runs = {label: pg._runs_by_objective[objective][label][1] for label in FIVE}
    full = pg.full_redraws
    pg.set(objective=objective)
    pg.canvas.draw()
    assert pg.full_redraws == full + 1  # (the kept picture, restored)
    assert all(pg._runs[label][1] is runs[label] for label in FIVE)
    shown = np.asarray(pg.canvas.buffer_rgba()).copy()
    np.testing.assert_array_equal(shown, full_draw(pg))
    assert_draws_reference(pg)


def test_preparation_follows_the_settings():
    pg = Playground("rosenbrock", ["Adam"], steps=100, backend="inline")
    pg.prepare()
    pg.set_hyper("Adam", lr=0.05)  # the prepared runs of the other objectives are stale now
    pg.prepare()
    pg.set(objective="beale")
    run = pg._runs["Adam"][1]
    expected = run_optimizer(OBJECTIVES["beale"], optim.Adam, steps=100, **pg.kwargs("Adam"))
    np.testing.assert_array_equal(run.path[:101], expected.path)
    shown = np.asarray(pg.canvas.buffer_rgba()).copy()
    np.testing.assert_array_equal(shown, full_draw(pg))


def test_the_playground_offers_every_optimizer_of_adamlib_but_muon() -> None:
    """Muon updates matrices only; the playground's point is a vector (lecture 11 says why)."""
    from adamlib import optim
    from adamlib.widgets.sliders import OPTIMIZERS

    classes = {spec.class_name for spec in OPTIMIZERS.values()}
    assert classes == set(optim.__all__) - {"Optimizer", "Muon"}


def test_ipympl_images_are_matplotlibs_pixels_written_faster():
    """`canvas.diff_image` sends what Matplotlib's own get_diff_image sends (full, then
    differences), only encoded by `canvas.png`: the decoded pixels and the modes are equal."""
    import io

    from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore
    from PIL import Image

    def decoded(data):
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))

    ours = Playground("rosenbrock", ["SGD", "Adam"], steps=50, backend="ipympl")
    theirs = Playground("rosenbrock", ["SGD", "Adam"], steps=50, backend="ipympl")
    seen = set()
    for change in [{}, {"frame": 20}, {"start": (-1.0, 0.5)}, {"objective": "beale"}]:
        modes = []
        images = []
        for pg, encode in ((ours, type(ours.canvas).get_diff_image), (theirs, None)):
            if change:
                pg.set(**change)
            pg.canvas.draw()  # the page's request: blitted pixels or a full draw
            pg.canvas._png_is_old = True
            if encode is None:
                data = FigureCanvasWebAggCore.get_diff_image(pg.canvas)
            else:
                data = encode(pg.canvas)
            modes.append(pg.canvas._current_image_mode)
            images.append(decoded(data))
        assert modes[0] == modes[1]
        seen.add(modes[0])
        np.testing.assert_array_equal(images[0], images[1])
    assert seen == {"diff"}
    ours.canvas._force_full = theirs.canvas._force_full = True  # as after a resize
    ours.canvas._png_is_old = theirs.canvas._png_is_old = True
    full = [ours.canvas.get_diff_image(), FigureCanvasWebAggCore.get_diff_image(theirs.canvas)]
    assert ours.canvas._current_image_mode == theirs.canvas._current_image_mode == "full"
    np.testing.assert_array_equal(decoded(full[0]), decoded(full[1]))
    assert ours.canvas.get_diff_image() is None  # nothing new to send
    assert canvas.png(np.zeros((2, 3, 4), np.uint8))[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="RGB or RGBA"):
        canvas.png(np.zeros((2, 3, 2), np.uint8))
    ours.close()
    theirs.close()


def test_a_difference_image_is_followed_by_the_whole_pixels_once_changes_stop():
    """The page may lose a difference image (one arriving while the previous loads replaces
    it); REPAIR_AFTER seconds after the last difference, the canvas asks the page to request
    the pixels again and answers with the whole image of what it holds, without a redraw."""
    import asyncio
    import io

    from PIL import Image

    async def scenario() -> list[object]:
        pg = Playground("rosenbrock", ["SGD", "Adam"], steps=50, backend="ipympl")
        c = pg.canvas
        c.REPAIR_AFTER = 0.05
        sent: list[tuple[str, bytes]] = []  # the images sent to the page, with their mode
        make = c.get_diff_image

        def record() -> bytes | None:
            data = make()
            if data is not None:
                sent.append((c._current_image_mode, data))
            return data

        c.get_diff_image = record
        c.draw()  # the page's first request: a full image
        pg.set(frame=20)
        c.draw()  # the page asks for the change: a difference
        version, full = c.version, pg.full_redraws
        pg.set(frame=30)  # a change before the repair: it waits for the next difference
        c.draw()
        seen: list[object] = [mode for mode, _ in sent]
        await asyncio.sleep(0.2)
        seen.append(c.version == version + 2)  # the change, then the repair's "figure changed"
        c.draw()  # the page's request
        seen += [sent[-1][0], len(sent) == 4, pg.full_redraws == full]
        page = np.asarray(Image.open(io.BytesIO(sent[-1][1])).convert("RGBA"))
        seen.append(np.array_equal(page, np.asarray(c.buffer_rgba())))
        await asyncio.sleep(0.2)
        seen.append(c.version == version + 2)  # a whole image asks for no repair
        pg.close()
        return seen

    expected = ["full", "diff", "diff", True, "full", True, True, True, True]
    assert asyncio.run(scenario()) == expected


def test_diff_image_reads_the_state_of_the_pinned_matplotlib():
    """`canvas.diff_image` repeats Matplotlib's get_diff_image with another PNG writer; if a new
    Matplotlib changes that method, the canvas falls back to it, and this test says so."""
    import hashlib
    import inspect

    from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore

    source = inspect.getsource(FigureCanvasWebAggCore.get_diff_image)
    assert all(name in source for name in canvas._WEBAGG_STATE)
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    assert digest == "f3e5c874e24f9d03", digest  # Matplotlib 3.10.9


def test_a_built_playground_prepares_in_its_event_loop_right_away_and_again_after_a_change():
    """In a kernel (an asyncio loop runs), the loop's first turn after the build computes every
    other objective's contours and runs at once; the rest follows PREPARE_FIRST seconds later,
    piece by piece, and again PREPARE_AFTER seconds after a change."""
    import asyncio

    def computed(pg: Playground) -> bool:
        runs = all(
            pg._has_run(lb, o, o.start) for o in OBJECTIVES.values() for lb in ["SGD", "Adam"]
        )
        return runs and all(o in pg._contour_sets for o in OBJECTIVES)

    async def scenario() -> tuple[Playground, list[bool]]:
        pg = Playground("rosenbrock", ["SGD", "Adam"], steps=100, backend="inline")
        seen = [pg._first is not None, not computed(pg)]
        await asyncio.sleep(0)  # the loop's first turn
        seen += [pg._first is None, computed(pg), pg._preparing is not None]
        seen.append(not any(k[0] == "beale" for k in pg._map_layers))  # drawings: later
        seen.append(pg.state_view.redraws == 0)
        for _ in range(600):  # at most 6 s
            await asyncio.sleep(0.01)
            if pg._preparing is None:
                break
        seen.append(pg._preparing is None)
        seen.append(all((o, pg._size()) in pg._map_layers for o in OBJECTIVES))
        pg.set_hyper("Adam", lr=0.02)  # the other objectives' Adam runs are stale now
        handle = pg._preparing
        seen.append(handle is not None and handle.when() - asyncio.get_running_loop().time() > 0.4)
        pg.close()
        seen.append(pg._preparing is None or pg._preparing.cancelled())
        closed = Playground("rosenbrock", ["SGD"], steps=10, backend="inline")
        first = closed._first
        closed.close()  # before its first turn
        seen.append(first is not None and first.cancelled() and closed._first is None)
        return pg, seen

    _, seen = asyncio.run(scenario())
    assert seen == [True] * 12, seen
