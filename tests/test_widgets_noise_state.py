"""The playground's noise, schedule, variant switches and state view (issue 19), no browser."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from adamlib import optim
from adamlib.functions import OBJECTIVES
from adamlib.run import GradientNoise, run_optimizer
from adamlib.schedules import CosineAnnealingLR, LinearLR
from adamlib.widgets import OPTIMIZERS, Playground
from adamlib.widgets.canvas import png
from adamlib.widgets.noise_controls import SCHEDULES, make_schedule
from adamlib.widgets.state_view import eigen_errors

FIVE = ["SGD", "SGD+momentum", "Adagrad", "RMSprop", "Adam"]
NOISE = GradientNoise("additive", 0.5, seed=4)


def reference(pg: Playground, label: str, record_state: bool = False):
    """run_optimizer with every setting of the playground (noise, schedule, switches)."""
    return run_optimizer(
        pg.objective,
        pg.optimizer_class(label),
        pg.start,
        pg.steps,
        noise=pg.noise,
        schedule=make_schedule(pg.schedule, pg.steps),
        record_state=record_state,
        **pg.kwargs(label),
    )


def assert_runs_are_references(pg: Playground) -> None:
    """Every ticked optimizer's drawn path is run_optimizer's, bit for bit."""
    for label in pg.selected:
        ref = reference(pg, label)
        n = pg.frame + 1
        np.testing.assert_array_equal(pg.path_lines[label].get_xdata(), ref.path[:n, 0], label)
        np.testing.assert_array_equal(pg.path_lines[label].get_ydata(), ref.path[:n, 1], label)


@pytest.fixture(params=["inline", "ipympl"])
def backend(request):
    return request.param


def test_every_switch_is_a_keyword_of_its_class_or_names_another_class():
    switches = {(label, sw.name) for label, spec in OPTIMIZERS.items() for sw in spec.switches}
    assert {
        ("SGD+momentum", "nesterov"),
        ("Adam", "amsgrad"),
        ("Adam", "decoupled"),
        ("AdamW", "amsgrad"),
        ("RMSprop", "centered"),
    } <= switches
    for spec in OPTIMIZERS.values():
        for sw in spec.switches:
            if sw.class_name is None:
                assert sw.name in inspect.signature(spec.optimizer).parameters, sw
            else:
                assert hasattr(optim, sw.class_name), sw


@pytest.mark.parametrize("kind", ["additive", "relative"])
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_noisy_scheduled_runs_are_run_optimizers(kind, schedule):
    pg = Playground(
        "rosenbrock",
        FIVE,
        steps=120,
        backend="inline",
        noise=GradientNoise(kind, 0.3, seed=2),
        schedule=schedule,
    )
    assert pg.noise == GradientNoise(kind, 0.3, seed=2)
    assert_runs_are_references(pg)
    pg.set(frame=50)
    assert_runs_are_references(pg)


def test_every_optimizer_sees_the_same_noise_draws():
    pg = Playground("quadratic", FIVE, steps=40, backend="inline", noise=NOISE)
    obj = pg.objective
    noise = []
    for label in FIVE:
        traj = pg._run_for(label, record=True).trajectory(40)
        noise.append(traj.grads[1:] - obj.grad(traj.path[:-1]))
    expected = NOISE.sigma * np.random.default_rng(NOISE.seed).standard_normal((40, 2))
    for label, drawn in zip(FIVE, noise, strict=True):
        np.testing.assert_allclose(drawn, expected, atol=1e-12, err_msg=label)


def test_noise_controls_rerun_and_noise_none_ignores_sigma_and_seed():
    pg = Playground("rosenbrock", ["Adam"], steps=60, backend="inline")
    plain = pg._runs["Adam"][1]
    pg.set(steps=60)
    pg.controls["sigma"].value = 3.0  # kind "none": no noise, whatever σ and seed say
    pg.controls["seed"].value = 9
    assert pg._runs["Adam"][1] is plain and pg.noise == GradientNoise()
    before = pg.path_lines["Adam"].get_xdata().copy()
    pg.controls["noise"].value = "additive  g + σξ"  # as the page would
    assert pg.noise == GradientNoise("additive", 3.0, 9)
    assert not np.array_equal(before, pg.path_lines["Adam"].get_xdata())
    assert_runs_are_references(pg)
    pg.controls["seed"].value = 10
    assert pg.noise.seed == 10
    assert_runs_are_references(pg)


def test_a_constant_schedule_continues_runs_a_cosine_one_starts_them_again():
    pg = Playground("rosenbrock", ["Adam"], steps=100, backend="inline", noise=NOISE)
    run = pg._runs["Adam"][1]
    pg.set(steps=150)
    assert pg._runs["Adam"][1] is run  # continued
    assert_runs_are_references(pg)
    pg.set_run(schedule="cosine")
    run = pg._runs["Adam"][1]
    pg.set(steps=200)
    assert pg._runs["Adam"][1] is not run  # a cosine over 200 steps is another run
    assert_runs_are_references(pg)
    lr = pg.kwargs("Adam")["lr"]
    opt = optim.Adam([np.zeros(2)], lr=lr)
    assert make_schedule("cosine", 200)(opt).T_max == 200  # type: ignore[misc]
    warm = make_schedule("warmup + cosine", 200)(optim.Adam([np.zeros(2)], lr=lr))  # type: ignore[misc]
    assert isinstance(warm._schedulers[0], LinearLR)
    assert isinstance(warm._schedulers[1], CosineAnnealingLR)


def test_variant_switches_change_the_run_and_decoupled_runs_adamw():
    pg = Playground("quadratic", ["SGD+momentum", "RMSprop", "Adam"], steps=80, backend="inline")
    plain = {label: pg.path_lines[label].get_xdata().copy() for label in pg.selected}
    pg.set_hyper("Adam", weight_decay=0.1)
    pg.set_variant("SGD+momentum", nesterov=True)
    pg.set_variant("RMSprop", centered=True)
    pg.set_variant("Adam", amsgrad=True)
    assert pg.kwargs("SGD+momentum")["nesterov"] is True
    assert pg.kwargs("RMSprop")["centered"] is True
    assert pg.optimizer_class("Adam") is optim.Adam
    for label in pg.selected:
        assert not np.array_equal(plain[label], pg.path_lines[label].get_xdata()), label
    assert_runs_are_references(pg)
    coupled = pg.path_lines["Adam"].get_xdata().copy()
    pg.controls["Adam:decoupled"].value = True  # as the page would
    assert pg.optimizer_class("Adam") is optim.AdamW
    assert "decoupled" not in pg.kwargs("Adam")
    assert not np.array_equal(coupled, pg.path_lines["Adam"].get_xdata())
    ref = run_optimizer(
        pg.objective, optim.AdamW, pg.start, 80, lr=0.1, weight_decay=0.1, amsgrad=True
    )
    np.testing.assert_array_equal(pg.path_lines["Adam"].get_xdata(), ref.path[:, 0])


def test_the_state_view_opens_shows_the_recorded_state_and_closes(backend):
    pg = Playground("quadratic", ["SGD", "Adam"], steps=90, backend=backend, noise=NOISE)
    assert pg.state_view is not None and pg.state_view.label is None  # made, nothing shown
    assert pg._state_slot.layout.display == "none" and pg.state_view.redraws == 0
    pg.set_run(state="Adam")
    view = pg.state_view
    assert view is not None and pg._state_slot.layout.display == ""
    ref = reference(pg, "Adam", record_state=True)
    keys = list(view._keys or ())
    assert sorted(keys) == ["exp_avg", "exp_avg_sq"] and len(view.state_lines) == 4
    for i, key in enumerate(keys):
        for j in range(2):
            y = view.state_lines[2 * i + j].get_ydata()
            np.testing.assert_allclose(y[1:], np.abs(ref.state[key][1:, j]), rtol=1e-15)
    for j in range(2):
        y = view.step_lines[j].get_ydata()
        np.testing.assert_allclose(y[1:], ref.state["effective_step"][1:, j], rtol=1e-15)
    lam, split = eigen_errors(pg.objective, ref.path)
    np.testing.assert_allclose(lam, [1.0, 10.0])
    h = pg.objective.hessian
    u = np.linalg.eigh(h)[1]
    np.testing.assert_allclose(split, np.abs((ref.path - pg.objective.minima[0]) @ u))
    for j in range(2):
        np.testing.assert_allclose(view.eigen_lines[j].get_ydata(), np.maximum(split[:, j], 0))
    legend = [t.get_text() for t in view.ax_eigen.get_legend().get_texts()]
    assert legend == [r"$\lambda = 1$", r"$\lambda = 10$"]
    pg.set_run(state="none")
    assert pg._state_slot.layout.display == "none"


def test_the_iteration_slider_moves_the_state_views_marker_by_blitting():
    """Moving the markers restores the kept picture of the lines and draws the markers over
    it: after each move, and after a change of the lines (η), the pixels are a full draw's."""
    pg = Playground("quadratic", ["Adam"], steps=90, backend="inline", state="Adam")
    view = pg.state_view
    full = view.full_redraws
    for frame, lr in ((30, None), (60, None), (10, 0.3), (45, None), (89, None)):
        if lr is not None:
            pg.set_hyper("Adam", lr=lr)
        full = view.full_redraws
        pg.controls["frame"].value = frame  # as the page would
        assert all(list(m.get_xdata()) == [frame, frame] for m in view.markers)
        assert view.full_redraws == full  # blitted over the kept background
        shown = np.asarray(view.canvas.buffer_rgba()).copy()
        FigureCanvasAgg.draw(view.canvas)
        np.testing.assert_array_equal(shown, np.asarray(view.canvas.buffer_rgba()))


def test_the_state_view_leaves_the_main_figure_alone():
    settings = {"steps": 120, "backend": "inline", "noise": NOISE}
    closed = Playground("quadratic", FIVE, **settings)
    opened = Playground("quadratic", FIVE, state="RMSprop", **settings)
    for pg in (closed, opened):
        pg.set(frame=70)
        FigureCanvasAgg.draw(pg.canvas)
    np.testing.assert_array_equal(
        np.asarray(closed.canvas.buffer_rgba()), np.asarray(opened.canvas.buffer_rgba())
    )
    assert closed.fig is not opened.state_view.fig
    assert len(opened.fig.axes) == 2


def test_the_state_view_says_what_it_cannot_show():
    pg = Playground("rosenbrock", ["Adadelta"], steps=50, backend="inline", state="Adadelta")
    view = pg.state_view
    notes = [t.get_text() for t in view._notes.values()]
    assert notes == ["", "Adadelta: no such step", "quadratics only"]
    assert all(len(line.get_xdata()) == 0 for line in view.step_lines + view.eigen_lines)
    assert sorted(line.get_label() for line in view.state_lines) == [
        "v (average of g²), x",
        "v (average of g²), y",
        "Δ (average of Δx²), x",
        "Δ (average of Δx²), y",
    ]
    pg.set(objective="quadratic")
    assert [t.get_text() for t in view._notes.values()] == ["", "Adadelta: no such step", ""]
    pg.set_run(state="SGD")  # plain SGD keeps no state, and its step is η
    assert view.state_lines == [] and view._notes[view.ax_state].get_text() == "SGD keeps no state"
    np.testing.assert_array_equal(view.step_lines[0].get_ydata()[1:], pg.kwargs("SGD")["lr"])


def test_state_view_of_an_optimizer_not_ticked_shows_its_run():
    pg = Playground("quadratic", ["SGD"], steps=40, backend="inline", state="SGD+momentum")
    ref = reference(pg, "SGD+momentum", record_state=True)
    y = pg.state_view.state_lines[0].get_ydata()
    np.testing.assert_allclose(y[1:], np.abs(ref.state["momentum_buffer"][1:, 0]))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda pg: pg.set_run(schedule="linear"), ValueError, "schedule must be one of"),
        (lambda pg: pg.set_run(state="Lamb"), ValueError, "state must be 'none' or one of"),
        (lambda pg: pg.set_run(noise=0.1), TypeError, "noise must be a GradientNoise"),
        (
            lambda pg: pg.set_run(noise=GradientNoise("additive", 1e3)),
            ValueError,
            r"sigma must be in \[0.001, 100\]",
        ),
        (
            lambda pg: pg.set_run(noise=GradientNoise("additive", 1.0, 100)),
            ValueError,
            r"seed must be in \[0, 99\]",
        ),
        (lambda pg: pg.set_variant("Adam", nesterov=True), ValueError, "has no switch"),
        (lambda pg: pg.set_variant("Adam", amsgrad="yes"), TypeError, "amsgrad"),
        (lambda pg: pg.set_variant("Lamb", amsgrad=True), ValueError, "unknown optimizer"),
        (lambda pg: Playground(schedule="cos", backend="inline"), ValueError, "schedule"),
    ],
)
def test_bad_run_settings_are_rejected_and_change_nothing(call, error, message):
    pg = Playground("rosenbrock", ["Adam"], steps=30, backend="inline")
    before = (pg.noise, pg.schedule, pg.controls["state"].value, pg.kwargs("Adam"))
    with pytest.raises(error, match=message):
        call(pg)
    assert before == (pg.noise, pg.schedule, pg.controls["state"].value, pg.kwargs("Adam"))


def test_preparation_uses_the_noise_and_schedule():
    pg = Playground("rosenbrock", ["Adam"], steps=60, backend="inline", noise=NOISE)
    pg.set_run(schedule="step")
    pg.prepare()
    run = pg._runs_by_objective["beale"]["Adam"][1]
    pg.set(objective="beale")
    assert pg._runs["Adam"][1] is run
    assert_runs_are_references(pg)
    assert OBJECTIVES["beale"] is pg.objective


def test_coming_back_to_an_optimizers_state_restores_its_picture_exactly():
    pg = Playground("quadratic", ["Adam", "RMSprop"], steps=80, backend="inline", state="Adam")
    view = pg.state_view
    pg.set_run(state="RMSprop")
    full = view.full_redraws
    pg.set_run(state="Adam")
    assert view.full_redraws == full + 1  # (the kept picture, restored: no figure draw)
    shown = np.asarray(view.canvas.buffer_rgba()).copy()
    assert view.ax_state.get_title() == "state of Adam"
    FigureCanvasAgg.draw(view.canvas)
    np.testing.assert_array_equal(shown, np.asarray(view.canvas.buffer_rgba()))


# ---------------------------------------------------------------------------------------------
# lecture 03's momentum explorer under noise
# ---------------------------------------------------------------------------------------------
def test_momentum_explorer_under_noise_runs_both_methods_on_the_same_draws(backend):
    from adamlib.widgets import momentum_explorer

    ex = momentum_explorer(backend=backend, noise=NOISE)
    lr, beta = ex.controls["lr"].value, ex.controls["momentum"].value
    obj, steps = ex.objective, ex.controls["steps"].value
    hb = run_optimizer(obj, optim.SGD, steps=steps, noise=NOISE, lr=lr, momentum=beta)
    np.testing.assert_array_equal(ex.path_line.get_xdata(), hb.path[:, 0])
    np.testing.assert_array_equal(ex.trajectory.path, hb.path)
    gd = run_optimizer(obj, optim.SGD, steps=steps, noise=NOISE, lr=lr)
    n = len(ex.gd_line.get_xdata())
    np.testing.assert_array_equal(ex.gd_line.get_xdata(), gd.path[:n, 0])
    quiet = ex.path_line.get_xdata().copy()
    ex.set(noise="none")
    assert ex.noise == GradientNoise()
    plain = run_optimizer(obj, optim.SGD, steps=steps, lr=lr, momentum=beta)
    np.testing.assert_array_equal(ex.path_line.get_xdata(), plain.path[:, 0])
    assert not np.array_equal(quiet, plain.path[:, 0])


def test_momentum_explorer_notes_a_noise_floor_and_rejects_bad_noise():
    from adamlib.widgets import momentum_explorer

    ex = momentum_explorer(backend="inline", steps=300, noise=GradientNoise("additive", 1.0, 0))
    assert "noise" in ex.error_note.get_text() and ex.error_note.get_visible()
    with pytest.raises(TypeError, match="noise must be a GradientNoise"):
        momentum_explorer(backend="inline", noise=0.1)
    with pytest.raises(ValueError, match="sigma must be in"):
        momentum_explorer(backend="inline", noise=GradientNoise("additive", 500.0))


def test_a_prepared_state_view_opens_on_its_kept_picture(backend):
    pg = Playground("quadratic", ["RMSprop", "Adam"], steps=80, backend=backend, noise=NOISE)
    pg.prepare()  # what the playground does while the kernel is idle
    view = pg.state_view
    assert view is not None and pg._state_slot.layout.display == "none"
    assert pg._runs["Adam"][1].record_state  # the last ticked optimizer's state
    assert_runs_are_references(pg)
    full = view.full_redraws
    pg.set_run(state="Adam")
    assert view.full_redraws == full and view.label == "Adam"  # blitted: nothing drawn
    view.canvas.draw()  # (ipympl: the page's draw request)
    shown = np.asarray(view.canvas.buffer_rgba()).copy()
    FigureCanvasAgg.draw(view.canvas)
    np.testing.assert_array_equal(shown, np.asarray(view.canvas.buffer_rgba()))


def test_preparing_an_open_state_view_keeps_every_ticked_optimizers_picture(backend):
    """While idle, the pictures of the other ticked optimizers are drawn off screen and kept:
    the view shown is left as it was, and choosing another optimizer draws no figure."""
    pg = Playground("quadratic", FIVE, steps=80, backend=backend, noise=NOISE, state="Adam")
    view = pg.state_view
    for lr in (1.0, 0.3):  # limits kept from η = 1 while the data fit: not Adam's own limits
        pg.set_hyper("Adam", lr=lr)
    if backend == "ipympl":
        view.canvas.draw()  # the page's draw request
    before = np.asarray(view.canvas.buffer_rgba()).copy()
    state = view._static_state()
    pg.prepare()  # what the playground does while the kernel is idle
    assert view.label == "Adam" and view.ax_state.get_title() == "state of Adam"
    assert view._static_state() == state  # the limits shown stay (show() would choose afresh)
    np.testing.assert_array_equal(np.asarray(view.canvas.buffer_rgba()), before)
    pg.set(frame=40)  # the kept lines layer still fits the view shown
    if backend == "ipympl":
        view.canvas.draw()
    moved = np.asarray(view.canvas.buffer_rgba()).copy()
    FigureCanvasAgg.draw(view.canvas)
    np.testing.assert_array_equal(moved, np.asarray(view.canvas.buffer_rgba()))
    for label in ("RMSprop", "SGD", "Adagrad", "SGD+momentum"):
        drawn: list[object] = []
        cid = view.canvas.mpl_connect("draw_event", drawn.append)
        pg.set_run(state=label)
        if backend == "ipympl":
            view.canvas.draw()  # the page's draw request: the blitted pixels
        view.canvas.mpl_disconnect(cid)
        assert view.label == label
        assert drawn == [], label  # its kept picture, restored: no figure draw
        shown = np.asarray(view.canvas.buffer_rgba()).copy()
        FigureCanvasAgg.draw(view.canvas)
        np.testing.assert_array_equal(shown, np.asarray(view.canvas.buffer_rgba()))


# ---------------------------------------------------------------------------------------------
# lectures 04-05's Adagrad-versus-RMSprop explorer under noise
# ---------------------------------------------------------------------------------------------
ADDITIVE = "additive  g + σξ"  # the noise menu's labels (noise_controls.NOISE_LABELS)
RELATIVE = "minibatch-like  g(1 + σξ)"


def adagrad_rmsprop_references(ex, noise):
    """run_optimizer with the explorer's settings: Adagrad's and RMSprop's noisy runs."""
    c = ex.controls
    lr, alpha, steps = c["lr"].value, c["alpha"].value, c["steps"].value
    common = {"steps": steps, "noise": noise, "record_state": True, "lr": lr}
    return {
        "Adagrad": run_optimizer(ex.objective, optim.Adagrad, **common),
        "RMSprop": run_optimizer(ex.objective, optim.RMSprop, alpha=alpha, **common),
    }


def test_adagrad_vs_rmsprop_has_the_noise_controls_of_the_momentum_explorer():
    from adamlib.widgets import adagrad_vs_rmsprop, momentum_explorer

    ex = adagrad_vs_rmsprop(backend="inline")
    reference = momentum_explorer(backend="inline")
    for name in ("noise", "sigma", "seed"):
        ours, theirs = ex.controls[name], reference.controls[name]
        assert type(ours) is type(theirs) and ours.description == theirs.description
        if name == "noise":
            assert ours.options == theirs.options
        else:
            assert (ours.min, ours.max, ours.value) == (theirs.min, theirs.max, theirs.value)
    assert ex.noise == GradientNoise() and ex.controls["noise"].value == "none"
    # the noise row is the second row of controls, above the figure
    rows = ex.widget.children
    assert [w.description for w in rows[1].children] == ["noise", "σ", "seed"]
    assert not any(line.get_visible() for line in ex.noise_lines.values())


def test_adagrad_vs_rmsprop_under_noise_runs_both_on_the_same_draws(backend):
    from adamlib.widgets import adagrad_vs_rmsprop

    ex = adagrad_vs_rmsprop(backend=backend, objective="quadratic", steps=150, noise=NOISE)
    assert ex.noise == NOISE
    refs = adagrad_rmsprop_references(ex, NOISE)
    for name, ref in refs.items():
        np.testing.assert_array_equal(ex.path_lines[name].get_xydata(), ref.path, name)
        np.testing.assert_array_equal(ex.trajectories[name].path, ref.path, name)
        # the rates drawn are the optimizer's own, from the noisy gradients it used
        np.testing.assert_allclose(
            ex.effective_rates(name), ref.state["effective_step"][1:], rtol=1e-12, err_msg=name
        )
        np.testing.assert_array_equal(
            ex.rate_lines[name, 1].get_ydata(), ex.effective_rates(name)[:, 1]
        )
    # the same draws: the noise each step added, σξ_t, is the same for both optimizers
    added = {name: ref.grads[1:] - ex.objective.grad(ref.path[:-1]) for name, ref in refs.items()}
    np.testing.assert_allclose(added["Adagrad"], added["RMSprop"], atol=1e-12)
    assert np.std(added["Adagrad"]) == pytest.approx(NOISE.sigma, rel=0.2)
    # another seed changes both runs; "none" gives the plain runs back
    before = {name: ex.path_lines[name].get_xydata().copy() for name in ex.NAMES}
    ex.set(seed=NOISE.seed + 1)
    for name in ex.NAMES:
        assert not np.array_equal(ex.path_lines[name].get_xydata(), before[name]), name
    ex.set(noise="none")
    assert ex.noise == GradientNoise()
    plain = adagrad_rmsprop_references(ex, None)
    for name, ref in plain.items():
        np.testing.assert_array_equal(ex.path_lines[name].get_xydata(), ref.path, name)
        assert ex.trajectories[name].grads is None  # the plain fast path, nothing recorded


def test_adagrad_vs_rmsprop_shows_eta_over_sigma_under_additive_noise_only():
    from adamlib.widgets import adagrad_vs_rmsprop

    ex = adagrad_vs_rmsprop(backend="inline", objective="quadratic", steps=300)
    assert ex.rate_title.get_text() == "Per-coordinate learning rates"
    ex.set(noise=ADDITIVE, sigma=1.0, seed=0)
    lr, t = ex.controls["lr"].value, np.arange(1, 301)
    flat, falling = ex.noise_lines["η/σ"], ex.noise_lines["η/(σ√t)"]
    assert flat.get_visible() and falling.get_visible()
    np.testing.assert_allclose(flat.get_ydata(), lr / 1.0)
    np.testing.assert_allclose(falling.get_ydata(), lr / np.sqrt(t))
    assert ex.rate_title.get_text() == "Per-coordinate rates, noise σ = 1"
    # what the lines are there for (lecture 05 measures it over seeds and 10x the steps)
    rms, ada = ex.effective_rates("RMSprop")[-1], ex.effective_rates("Adagrad")[-1]
    assert (0.75 * lr < rms).all() and (rms < 1.25 * lr).all()
    assert (ada < 1.05 * lr / np.sqrt(300)).all()
    ex.set(sigma=10.0)
    np.testing.assert_allclose(flat.get_ydata(), lr / 10.0)
    ex.set(noise=RELATIVE)  # noise that vanishes with the gradient: no such level
    assert not any(a.get_visible() for a in (*ex.noise_lines.values(), *ex.noise_labels.values()))
    assert ex.noise == GradientNoise("relative", 10.0, 0)


def test_adagrad_vs_rmsprop_static_picture_is_the_figure_under_noise():
    from adamlib.widgets import adagrad_vs_rmsprop

    ex = adagrad_vs_rmsprop(backend="inline", objective="quadratic", steps=400, noise=NOISE)
    for change in ({}, {"noise": RELATIVE}, {"noise": ADDITIVE, "sigma": 3.0}, {"noise": "none"}):
        ex.set(**change)
        shown = np.asarray(ex.canvas.buffer_rgba()).copy()
        # the PNG shown inline is the canvas's pixels, and those are what a full draw makes
        # (no reference line or label left behind by the blitting)
        assert ex.last_png == png(shown[..., :3])
        FigureCanvasAgg.draw(ex.canvas)
        np.testing.assert_array_equal(shown, np.asarray(ex.canvas.buffer_rgba()), str(change))


@pytest.mark.parametrize("make", ["momentum_explorer", "adagrad_vs_rmsprop"])
@pytest.mark.parametrize(
    ("noise", "error", "message"),
    [
        (0.1, TypeError, "noise must be a GradientNoise, got float"),
        ("additive", TypeError, "noise must be a GradientNoise, got str"),
        (GradientNoise("additive", 500.0), ValueError, r"noise sigma must be in \[0.001, 100\]"),
        (GradientNoise("relative", 1e-4), ValueError, r"noise sigma must be in \[0.001, 100\]"),
        (GradientNoise("additive", 1.0, 100), ValueError, r"noise seed must be in \[0, 99\]"),
    ],
)
def test_explorers_reject_bad_noise_with_a_clear_message(make, noise, error, message):
    import adamlib.widgets as widgets

    with pytest.raises(error, match=message):
        getattr(widgets, make)(backend="inline", noise=noise)
    # "none" with any σ is no noise (the σ slider keeps its value)
    ex = getattr(widgets, make)(backend="inline", noise=GradientNoise("none", 0.0, 3))
    assert ex.noise == GradientNoise() and ex.controls["seed"].value == 3


def test_adagrad_vs_rmsprop_bad_noise_settings_change_nothing():
    from adamlib.widgets import adagrad_vs_rmsprop

    ex = adagrad_vs_rmsprop(backend="inline", steps=50, noise=NOISE)
    before = (ex.noise, ex.redraws, {n: ex.path_lines[n].get_xydata().copy() for n in ex.NAMES})
    for bad, error in (
        ({"noise": "additive"}, ValueError),  # a kind, not one of the menu's labels
        ({"sigma": 1e3}, ValueError),
        ({"seed": 100}, ValueError),
        ({"seed": 1.5}, TypeError),
        ({"sigma": 2.0, "seed": -1}, ValueError),  # one bad value: neither changes
    ):
        with pytest.raises(error):
            ex.set(**bad)
    assert (ex.noise, ex.redraws) == before[:2]
    for name in ex.NAMES:
        np.testing.assert_array_equal(ex.path_lines[name].get_xydata(), before[2][name])
