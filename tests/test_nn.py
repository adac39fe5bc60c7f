"""adamlib.nn: every backward pass against central finite differences (float64), shapes, seeds,
replicas, and bad input named in the error."""

from __future__ import annotations

import numpy as np
import pytest

from adamlib import nn

H = 1e-6  # central differences: error O(H²) ≈ 1e-12 relative, rounding ≈ 1e-16 / H ≈ 1e-10


def assert_close_to_fd(analytic, numeric, tol=1e-7):
    scale = max(1.0, float(np.abs(numeric).max()))
    err = float(np.abs(np.asarray(analytic) - numeric).max())
    assert err / scale < tol, f"max |analytic - finite difference| = {err:.3g}"


def rng(seed=0):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------------
# the formulas, one at a time: a scalar test loss L = Σ G ⊙ output has ∂L/∂output = G
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5, 4, 3), (1, 1, 1), (7, 3, 6)], ids=str)
def test_linear_backward_matches_finite_differences_for_X_W_and_b(shape):
    B, d_in, d_out = shape
    r = rng(1)
    X, W, b = r.normal(size=(B, d_in)), r.normal(size=(d_in, d_out)), r.normal(size=d_out)
    G = r.normal(size=(B, d_out))

    def L():
        return np.sum(G * nn.linear_forward(X, W, b))

    dX, dW, db = nn.linear_backward(G, X, W)
    assert (dX.shape, dW.shape, db.shape) == (X.shape, W.shape, b.shape)
    for analytic, x in ((dX, X), (dW, W), (db, b)):
        assert_close_to_fd(analytic, nn.finite_difference_grad(L, x, H))


def test_linear_backward_works_on_a_leading_replica_axis():
    r = rng(2)
    X, W, b = r.normal(size=(3, 5, 4)), r.normal(size=(3, 4, 2)), r.normal(size=(3, 2))
    G = r.normal(size=(3, 5, 2))
    dX, dW, db = nn.linear_backward(G, X, W)
    for k in range(3):
        want = nn.linear_backward(G[k], X[k], W[k])
        for got, w in zip((dX[k], dW[k], db[k]), want, strict=True):
            np.testing.assert_allclose(got, w, rtol=1e-13)
    assert np.allclose(nn.linear_forward(X, W, b)[1], X[1] @ W[1] + b[1])


def test_relu_backward_matches_finite_differences_away_from_the_kink():
    r = rng(3)
    Z = r.normal(size=(6, 5))
    Z[np.abs(Z) < 1e-3] = 0.5  # the derivative does not exist at 0
    G = r.normal(size=Z.shape)
    fd = nn.finite_difference_grad(lambda: np.sum(G * nn.relu(Z)), Z, H)
    assert_close_to_fd(nn.relu_backward(G, Z), fd)


def test_relu_backward_uses_subgradient_zero_at_zero():
    assert nn.relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0])).tolist() == [0, 0, 1]


def test_tanh_backward_matches_finite_differences():
    r = rng(4)
    Z = r.normal(size=(6, 5)) * 2
    G = r.normal(size=Z.shape)
    fd = nn.finite_difference_grad(lambda: np.sum(G * np.tanh(Z)), Z, H)
    assert_close_to_fd(nn.tanh_backward(G, np.tanh(Z)), fd)


@pytest.mark.parametrize("scale", [1.0, 30.0], ids=["moderate", "large-logits"])
def test_softmax_cross_entropy_grad_matches_finite_differences(scale):
    r = rng(5)
    Z = r.normal(size=(8, 5)) * scale
    y = r.integers(0, 5, size=8)
    fd = nn.finite_difference_grad(lambda: nn.softmax_cross_entropy(Z, y), Z, H)
    assert_close_to_fd(nn.softmax_cross_entropy_grad(Z, y), fd)


def test_softmax_cross_entropy_equals_the_textbook_formula_on_moderate_logits():
    r = rng(6)
    Z = r.normal(size=(10, 4))
    y = r.integers(0, 4, size=10)
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    want = -np.mean(np.log(p[np.arange(10), y]))
    assert nn.softmax_cross_entropy(Z, y) == pytest.approx(want, rel=1e-13)
    assert isinstance(nn.softmax_cross_entropy(Z, y), float)


def test_cross_entropy_is_stable_where_the_naive_formula_overflows_or_underflows():
    Z = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is harmless
        loss = nn.softmax_cross_entropy(Z, y)
        grad = nn.softmax_cross_entropy_grad(Z, y)
        P = nn.softmax(Z)
    # row 0: logsumexp = 1000 exactly in float64, so its loss is 2000; row 1: log 3
    assert loss == pytest.approx((2000.0 + np.log(3.0)) / 2, rel=1e-14)
    assert np.isfinite(grad).all() and np.allclose(P.sum(axis=1), 1.0)
    assert np.allclose(grad.sum(axis=1), 0.0)  # softmax − one-hot sums to zero per row


def test_log_softmax_equals_log_of_softmax_and_softmax_rows_sum_to_one():
    Z = rng(7).normal(size=(4, 6)) * 5
    np.testing.assert_allclose(nn.log_softmax(Z), np.log(nn.softmax(Z)), rtol=1e-12)
    np.testing.assert_allclose(nn.softmax(Z).sum(-1), 1.0, rtol=1e-14)


def test_finite_difference_grad_restores_its_input_and_rejects_noncontiguous():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    g = nn.finite_difference_grad(lambda: np.sum(x**2), x)
    assert np.array_equal(x, before)
    np.testing.assert_allclose(g, 2 * before, atol=1e-6)
    with pytest.raises(ValueError, match="contiguous"):
        nn.finite_difference_grad(lambda: 0.0, x.T[::2])


# ---------------------------------------------------------------------------------------------
# layers and the whole network
# ---------------------------------------------------------------------------------------------
def test_linear_layer_backward_equals_the_function_and_writes_grads_in_place():
    r = rng(8)
    lin = nn.Linear(r.normal(size=(4, 3)), r.normal(size=3))
    X, G = r.normal(size=(5, 4)), r.normal(size=(5, 3))
    dW_obj, db_obj = lin.dW, lin.db
    lin.forward(X)
    dX = lin.backward(G)
    want = nn.linear_backward(G, X, lin.W)
    for got, w in zip((dX, lin.dW, lin.db), want, strict=True):
        np.testing.assert_allclose(got, w, rtol=1e-14)
    assert lin.dW is dW_obj and lin.db is db_obj
    assert lin.backward(G, input_grad=False) is None


def test_layers_refuse_backward_before_forward():
    for layer in (nn.Linear(np.zeros((2, 2)), np.zeros(2)), nn.ReLU(), nn.Tanh()):
        with pytest.raises(RuntimeError, match="before forward"):
            layer.backward(np.zeros((1, 2)))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("sizes", [[5, 3], [5, 7, 4], [6, 8, 5, 3]], ids=str)
def test_whole_network_gradient_matches_finite_differences(sizes, activation):
    r = rng(9)
    model = nn.MLP(sizes, activation=activation, seed=3)
    for b in model.params[1::2]:  # non-zero biases so that their gradient is exercised fully
        b[...] = r.normal(size=b.shape) * 0.1
    X = r.normal(size=(7, sizes[0]))
    y = r.integers(0, sizes[-1], size=7)
    loss = model.loss_and_grad(X, y)
    assert loss == pytest.approx(model.loss(X, y), rel=1e-14)
    assert len(model.grads) == len(model.params) == 2 * (len(sizes) - 1)
    for p, g in zip(model.params, model.grads, strict=True):
        assert g.shape == p.shape and g.dtype == p.dtype
        assert_close_to_fd(g, nn.finite_difference_grad(lambda: model.loss(X, y), p, H))


def test_params_and_grads_are_listed_in_order_with_the_right_shapes():
    model = nn.MLP([64, 32, 10])
    assert [p.shape for p in model.params] == [(64, 32), (32,), (32, 10), (10,)]
    assert [g.shape for g in model.grads] == [p.shape for p in model.params]
    assert model.n_params == 64 * 32 + 32 + 32 * 10 + 10 == sum(p.size for p in model.params)
    assert all(p.flags.c_contiguous and p.flags.writeable for p in model.params)
    assert not any(
        np.shares_memory(a, b) for i, a in enumerate(model.params) for b in model.params[i + 1 :]
    )
    assert repr(model) == "MLP([64, 32, 10], activation='relu', init='he')"


def test_loss_and_grad_overwrites_the_same_gradient_arrays():
    model = nn.MLP([4, 5, 3], seed=1)
    ids = [id(g) for g in model.grads]
    X, y = rng().normal(size=(6, 4)), np.array([0, 1, 2, 0, 1, 2])
    model.loss_and_grad(X, y)
    first = [g.copy() for g in model.grads]
    model.loss_and_grad(X[:3], y[:3])
    assert [id(g) for g in model.grads] == ids
    assert not np.array_equal(first[0], model.grads[0])


def test_same_seed_same_network_different_seed_different_network():
    a, b, c = nn.MLP([8, 6, 3], seed=5), nn.MLP([8, 6, 3], seed=5), nn.MLP([8, 6, 3], seed=6)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params, strict=True))
    assert not np.array_equal(a.params[0], c.params[0])
    assert all(not b.any() for b in a.params[1::2])  # biases start at zero


def test_he_and_xavier_initializations_have_their_variances():
    W = nn.init_weight(400, 300, "he", rng(0))
    assert W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    V = nn.init_weight(400, 300, "xavier", rng(0))
    limit = np.sqrt(6 / 700)
    assert np.abs(V).max() <= limit and V.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert nn.MLP([3, 2], activation="tanh").init == "xavier"
    assert nn.MLP([3, 2]).init == "he"


def test_predict_accuracy_and_probabilities_agree():
    model = nn.MLP([4, 6, 3], seed=2)
    X = rng(1).normal(size=(20, 4))
    P = model.predict_proba(X)
    assert P.shape == (20, 3) and np.allclose(P.sum(1), 1)
    pred = model.predict(X)
    assert np.array_equal(pred, P.argmax(1))
    assert model.accuracy(X, pred) == 1.0
    assert model.accuracy(X, (pred + 1) % 3) == 0.0


def test_float32_network_keeps_float32():
    model = nn.MLP([4, 3], dtype=np.float32)
    loss = model.loss_and_grad(np.ones((2, 4)), np.array([0, 1]))
    assert all(p.dtype == np.float32 for p in model.params + model.grads)
    assert np.isfinite(loss)


# ---------------------------------------------------------------------------------------------
# replicas: a stack of independent networks trained in the same NumPy calls
# ---------------------------------------------------------------------------------------------
def test_each_replica_is_the_single_network_of_its_seed():
    seeds = [4, 0, 4, 9]
    stack = nn.MLP([5, 6, 3], activation="tanh", seed=seeds)
    assert stack.replicas == 4 and stack.params[0].shape == (4, 5, 6)
    for r, s in enumerate(seeds):
        single = nn.MLP([5, 6, 3], activation="tanh", seed=s)
        assert all(
            np.array_equal(p[r], q) for p, q in zip(stack.params, single.params, strict=True)
        )


@pytest.mark.parametrize("per_replica_data", [False, True], ids=["shared-X", "per-replica-X"])
def test_replica_losses_and_grads_equal_those_of_standalone_networks(per_replica_data):
    r = rng(10)
    stack = nn.MLP([5, 6, 3], seed=[1, 2, 3])
    for p in stack.params:
        p += r.normal(size=p.shape) * 0.1  # replicas no longer equal to their fresh copies
    X = r.normal(size=(3, 8, 5)) if per_replica_data else r.normal(size=(8, 5))
    y = r.integers(0, 3, size=(3, 8)) if per_replica_data else r.integers(0, 3, size=8)
    losses = stack.loss_and_grad(X, y)
    accs = stack.accuracy(X, y)
    assert losses.shape == accs.shape == (3,)
    for k in range(3):
        one = stack.replica(k)
        Xk, yk = (X[k], y[k]) if per_replica_data else (X, y)
        assert one.loss_and_grad(Xk, yk) == pytest.approx(losses[k], rel=1e-13)
        assert one.accuracy(Xk, yk) == accs[k]
        for g_stack, g_one in zip(stack.grads, one.grads, strict=True):
            np.testing.assert_allclose(g_stack[k], g_one, rtol=1e-12, atol=1e-15)


def test_replica_gradient_matches_finite_differences():
    r = rng(11)
    stack = nn.MLP([3, 4, 2], seed=[0, 1])
    X, y = r.normal(size=(2, 5, 3)), r.integers(0, 2, size=(2, 5))
    stack.loss_and_grad(X, y)
    for p, g in zip(stack.params, stack.grads, strict=True):
        # Σ over replicas: each replica's loss depends only on its own parameters
        assert_close_to_fd(g, nn.finite_difference_grad(lambda: stack.loss(X, y), p, H))


# ---------------------------------------------------------------------------------------------
# bad input: the error names the problem
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": "64-32-10"}, TypeError, "sizes must be a list"),
        ({"sizes": 64}, TypeError, "sizes must be a list"),
        ({"sizes": [64, 32.0, 10]}, TypeError, r"sizes\[1\] must be an integer"),
        ({"sizes": [64]}, ValueError, "at least an input and an output"),
        ({"sizes": [64, 0, 10]}, ValueError, "width must be >= 1"),
        ({"sizes": [64, 1]}, ValueError, "at least 2 classes"),
        ({"sizes": [4, 3], "activation": "sigmoid"}, ValueError, "activation must be one of"),
        ({"sizes": [4, 3], "init": "lecun"}, ValueError, "init must be one of"),
        ({"sizes": [4, 3], "dtype": np.int64}, TypeError, "dtype must be a floating"),
        ({"sizes": [4, 3], "seed": 1.5}, TypeError, "seed must be an integer"),
        ({"sizes": [4, 3], "seed": []}, ValueError, "empty sequence"),
        ({"sizes": [4, 3], "seed": [0, "a"]}, TypeError, r"seed\[1\] must be an integer"),
    ],
)
def test_bad_construction_is_refused_with_a_message_naming_the_problem(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.MLP(**kwargs)


@pytest.mark.parametrize(
    ("X", "y", "error", "match"),
    [
        ([[0.0] * 4], [0], TypeError, "X must be a NumPy array"),
        (np.zeros(4), [0], ValueError, r"X must have shape \(batch, features\)"),
        (np.zeros((2, 5)), [0, 1], ValueError, "X has 5 features but the network expects 4"),
        (np.zeros((0, 4)), [], ValueError, "empty batch"),
        (np.array([["a"] * 4]), [0], TypeError, "X must hold numbers"),
        (np.zeros((2, 4)), np.array([0.0, 1.0]), TypeError, "integer class labels"),
        (np.zeros((2, 4)), np.array([0, 1, 2]), ValueError, "y has shape"),
        (np.zeros((2, 4)), np.array([0, 3]), ValueError, r"labels must be in 0\.\.2, got 3"),
        (np.zeros((2, 4)), np.array([-1, 0]), ValueError, "got -1"),
    ],
)
def test_bad_data_is_refused_with_a_message_naming_the_problem(X, y, error, match):
    model = nn.MLP([4, 3])
    with pytest.raises(error, match=match):
        model.loss_and_grad(X, y)


def test_replica_misuse_is_refused():
    stack = nn.MLP([4, 3], seed=[0, 1])
    with pytest.raises(ValueError, match="X has 3 replicas but the model has 2"):
        stack.forward(np.zeros((3, 2, 4)))
    with pytest.raises(ValueError, match="out of range"):
        stack.replica(2)
    with pytest.raises(ValueError, match="no replicas"):
        nn.MLP([4, 3]).replica(0)


def test_init_weight_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="init must be one of"):
        nn.init_weight(2, 2, "orthogonal", rng())


def test_linear_rejects_mismatched_bias():
    with pytest.raises(ValueError, match="do not make a linear layer"):
        nn.Linear(np.zeros((3, 2)), np.zeros(3))


# ---------------------------------------------------------------------------------------------
# it learns, with the course's optimizers, and agrees with torch
# ---------------------------------------------------------------------------------------------
def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = (X - X.mean(0)) / (X.std(0) + 1e-8)
    return X[:600], y[:600]


def test_plain_gradient_descent_fits_digits():
    X, y = _digits()
    model = nn.MLP([64, 32, 10], seed=0)
    first = model.loss(X, y)
    for _ in range(100):
        model.loss_and_grad(X, y)
        for p, g in zip(model.params, model.grads, strict=True):
            p -= 0.3 * g
    assert model.loss(X, y) < 0.2 * first
    assert model.accuracy(X, y) > 0.95


def test_plugs_into_adamlib_optim():
    from adamlib import optim

    X, y = _digits()
    model = nn.MLP([64, 32, 10], seed=0)
    opt = optim.Adam(model.params, lr=1e-2)
    first = model.loss(X, y)
    for _ in range(50):
        model.loss_and_grad(X, y)
        opt.step(model.grads)
    assert model.loss(X, y) < 0.2 * first


@pytest.mark.torch
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_loss_and_gradients_equal_torch_autograd(activation):
    torch = pytest.importorskip("torch")
    r = rng(12)
    model = nn.MLP([6, 5, 4, 3], activation=activation, seed=0)
    X, y = r.normal(size=(9, 6)), r.integers(0, 3, size=9)
    loss = model.loss_and_grad(X, y)
    tp = [torch.tensor(p, requires_grad=True) for p in model.params]
    A = torch.tensor(X)
    act = torch.relu if activation == "relu" else torch.tanh
    for i in range(0, len(tp), 2):
        A = A @ tp[i] + tp[i + 1]
        if i < len(tp) - 2:
            A = act(A)
    t_loss = torch.nn.functional.cross_entropy(A, torch.tensor(y))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    for g, t in zip(model.grads, tp, strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-10, atol=1e-14)
