"""A tiny multilayer perceptron in NumPy, with every backward pass written by hand.

Derived in ``lectures/07_training_a_network.ipynb``.

The network maps a batch of inputs ``X`` of shape ``(B, d_0)`` to class scores (logits)::

    A_0 = X
    Z_l = A_{l-1} W_l + b_l                     (Linear)
    A_l = σ(Z_l)          for l < L            (ReLU or tanh)
    loss = mean_i [ logsumexp(Z_L[i]) − Z_L[i, y_i] ]   (softmax cross-entropy)

and backpropagation walks the same chain backwards (:func:`linear_backward`,
:func:`relu_backward`, :func:`tanh_backward`, :func:`softmax_cross_entropy_grad`).

Two levels, one idea each:

- **functions** (``linear_forward``, ``linear_backward``, ``softmax_cross_entropy``, ...):
  the formulas as pure functions that return new arrays, as the lecture derives them;
- **classes** (:class:`Linear`, :class:`ReLU`, :class:`Tanh`, :class:`MLP`): the same formulas
  with the forward pass cached for the backward pass.

:class:`MLP` exposes ``params`` and ``grads`` -- two lists of arrays in the same order and shapes
-- so that it plugs straight into :mod:`adamlib.optim`::

    model = MLP([64, 32, 10], seed=0)
    opt = Adam(model.params, lr=1e-3)
    loss = model.loss_and_grad(X, y)      # fills model.grads in place
    opt.step(model.grads)                 # updates model.params in place

**Replicas.** ``MLP(sizes, seed=[0, 1, 2])`` is a stack of independent networks (here three), one
per seed: every parameter gets a leading replica axis, replica ``r`` is initialized exactly as
``MLP(sizes, seed=seeds[r])`` and all replicas train in the same NumPy calls (batched ``matmul``).
The learning-rate study of lecture 07 trains dozens of networks at once this way. Inputs may be
shared by all replicas (``X`` of shape ``(B, d_0)``, ``y`` of shape ``(B,)``) or given per replica
(``(R, B, d_0)`` and ``(R, B)``); losses and accuracies then have shape ``(R,)``.

Every formula also works with leading replica axes: a weight matrix ``W`` has shape
``(..., d_in, d_out)`` and a bias ``b`` has shape ``(..., d_out)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from adamlib.validation import check_int

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Linear",
    "ReLU",
    "Tanh",
    "finite_difference_grad",
    "init_weight",
    "linear_backward",
    "linear_forward",
    "log_softmax",
    "one_hot",
    "relu",
    "relu_backward",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "tanh_backward",
]

Array = NDArray[np.floating]

#: The hidden-layer activations an :class:`MLP` accepts, with their default initialization.
ACTIVATIONS = {"relu": "he", "tanh": "xavier"}
INITS = ("he", "xavier")


# ----------------------------------------------------------------------------------------------
# The formulas
# ----------------------------------------------------------------------------------------------
def linear_forward(X: Array, W: Array, b: Array) -> Array:
    """Compute ``Z = X W + b``.

    ``X`` is ``(..., B, d_in)``, ``W`` is ``(..., d_in, d_out)``, ``b`` is ``(..., d_out)``;
    returns ``(..., B, d_out)``.
    """
    return X @ W + b[..., None, :]


def linear_backward(dZ: Array, X: Array, W: Array) -> tuple[Array, Array, Array]:
    """Backward pass of ``Z = X W + b``.

    Given ``dZ = ∂loss/∂Z`` of shape ``(B, d_out)``, the input ``X`` of shape ``(B, d_in)`` and
    ``W`` of shape ``(d_in, d_out)``, return::

        dX = dZ Wᵀ        (B, d_in)       -- passed on to the previous layer
        dW = Xᵀ dZ        (d_in, d_out)   -- a sum over the batch, like the loss's mean
        db = Σ_i dZ[i]    (d_out,)        -- summed over the batch axis

    The batch averaging of the loss already lives in ``dZ``: nothing is divided by ``B`` here.
    Leading batch axes (replicas) are allowed.
    """
    dX = dZ @ np.swapaxes(W, -1, -2)
    dW = np.swapaxes(X, -1, -2) @ dZ
    db = dZ.sum(axis=-2)
    return dX, dW, db


def relu(Z: Array) -> Array:
    """``max(Z, 0)`` elementwise."""
    return np.maximum(Z, 0.0)


def relu_backward(dA: Array, Z: Array) -> Array:
    """``∂loss/∂Z = ∂loss/∂A · 1[Z > 0]`` for ``A = relu(Z)`` (the subgradient 0 at ``Z = 0``)."""
    return dA * (Z > 0)


def tanh_backward(dA: Array, A: Array) -> Array:
    """``∂loss/∂Z = ∂loss/∂A · (1 − A²)`` for ``A = tanh(Z)`` (uses the *output* ``A``)."""
    return dA * (1.0 - A * A)


def log_softmax(Z: Array) -> Array:
    """``log softmax(Z)`` along the last axis, computed stably with log-sum-exp.

    ``log softmax(z)_k = z_k − m − log Σ_j exp(z_j − m)`` with ``m = max_j z_j``: every exponent
    is ≤ 0, so nothing overflows, and the log is never taken of an underflowed 0.
    """
    Z = np.asarray(Z)
    shifted = Z - Z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(Z: Array) -> Array:
    """``softmax(Z)`` along the last axis (max-shifted, so it never overflows)."""
    Z = np.asarray(Z)
    e = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(y: ArrayLike, n_classes: int) -> NDArray[np.bool_]:
    """``one_hot(y)[..., k] = (y == k)``: the true distribution of each row, as booleans."""
    return np.asarray(y)[..., None] == np.arange(n_classes)


def softmax_cross_entropy(Z: Array, y: ArrayLike) -> float | Array:
    """Mean cross-entropy ``mean_i [logsumexp(Z[i]) − Z[i, y_i]]`` of logits ``Z`` ``(B, C)``.

    ``y`` holds integer class labels ``(B,)``. Returns a float (or, with leading replica axes,
    an array of one mean per replica).
    """
    return _cross_entropy(log_softmax(Z), one_hot(y, np.shape(Z)[-1]))


def softmax_cross_entropy_grad(Z: Array, y: ArrayLike) -> Array:
    """Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    ``∂loss/∂Z[i, k] = (softmax(Z[i])_k − 1[k = y_i]) / B``: predicted minus true distribution,
    divided by the batch size because the loss is a mean.
    """
    Z = np.asarray(Z)
    return _cross_entropy_grad(softmax(Z), one_hot(y, Z.shape[-1]))


def _cross_entropy(logp: Array, Y: NDArray[np.bool_]) -> float | Array:
    # log_softmax of finite logits is finite, so the product never meets 0 · (−inf).
    loss = -(logp * Y).sum(axis=-1).mean(axis=-1)
    return float(loss) if np.ndim(loss) == 0 else loss


def _cross_entropy_grad(P: Array, Y: NDArray[np.bool_]) -> Array:
    dZ = P - Y
    dZ /= P.shape[-2]
    return dZ


def finite_difference_grad(f: Callable[[], float], x: Array, h: float = 1e-6) -> Array:
    """Central differences ``(f(x + h e_k) − f(x − h e_k)) / 2h`` for every entry ``k`` of ``x``.

    ``f`` takes no argument and reads ``x`` (which is perturbed in place and restored), so the
    same helper checks a layer's input, a weight inside a model, or anything else. Error O(h²).
    """
    g = np.empty(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so that it can be perturbed in place")
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        up = f()
        flat[k] = old - h
        down = f()
        flat[k] = old
        gflat[k] = (np.sum(up) - np.sum(down)) / (2 * h)
    return g


# ----------------------------------------------------------------------------------------------
# Initialization
# ----------------------------------------------------------------------------------------------
def init_weight(
    fan_in: int, fan_out: int, init: str, rng: np.random.Generator, dtype: Any = np.float64
) -> Array:
    """Draw a ``(fan_in, fan_out)`` weight matrix from ``rng``.

    - ``"he"`` (He et al., 2015, for ReLU): normal with standard deviation ``√(2 / fan_in)``,
      so that the variance of the activations neither grows nor shrinks from layer to layer;
    - ``"xavier"`` (Glorot & Bengio, 2010, for tanh): uniform on ``±√(6 / (fan_in + fan_out))``
      (variance ``2 / (fan_in + fan_out)``).
    """
    if init == "he":
        W = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
    elif init == "xavier":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        W = rng.uniform(-limit, limit, size=(fan_in, fan_out))
    else:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    return W.astype(dtype, copy=False)


# ----------------------------------------------------------------------------------------------
# Layers: the formulas with a cache
# ----------------------------------------------------------------------------------------------
class Linear:
    """``Z = X W + b`` with parameters ``W`` ``(..., d_in, d_out)``, ``b`` ``(..., d_out)``.

    ``backward(dZ)`` stores ``dW`` and ``db`` (same shapes as ``W`` and ``b``, overwritten in place
    so that lists holding them stay valid) and returns ``dX``.
    """

    def __init__(self, W: Array, b: Array):
        if W.ndim < 2 or b.shape != W.shape[:-2] + W.shape[-1:]:
            raise ValueError(f"W {W.shape} and b {b.shape} do not make a linear layer")
        self.W, self.b = W, b
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)
        self._X: Array | None = None

    @property
    def in_features(self) -> int:
        """Number of inputs ``d_in``."""
        return self.W.shape[-2]

    @property
    def out_features(self) -> int:
        """Number of outputs ``d_out``."""
        return self.W.shape[-1]

    def forward(self, X: Array) -> Array:
        """Return ``X W + b``, keeping ``X`` for :meth:`backward`."""
        self._X = X
        return linear_forward(X, self.W, self.b)

    def backward(self, dZ: Array, input_grad: bool = True) -> Array | None:
        """Store ``dW``, ``db``; return ``dX`` (or None when ``input_grad`` is False)."""
        if self._X is None:
            raise RuntimeError("backward() called before forward()")
        # (X shared by all replicas broadcasts against dZ's replica axis.)
        np.matmul(np.swapaxes(self._X, -1, -2), dZ, out=self.dW)
        np.sum(dZ, axis=-2, out=self.db)
        return dZ @ np.swapaxes(self.W, -1, -2) if input_grad else None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


class ReLU:
    """``A = max(Z, 0)``; backward multiplies by the mask ``Z > 0``."""

    def __init__(self) -> None:
        self._Z: Array | None = None

    def forward(self, Z: Array) -> Array:
        """Return ``max(Z, 0)``, keeping ``Z`` for :meth:`backward`."""
        self._Z = Z
        return relu(Z)

    def backward(self, dA: Array) -> Array:
        """Return ``dZ = dA * (Z > 0)``."""
        if self._Z is None:
            raise RuntimeError("backward() called before forward()")
        return relu_backward(dA, self._Z)

    def __repr__(self) -> str:
        return "ReLU()"


class Tanh:
    """``A = tanh(Z)``; backward multiplies by ``1 − A²``."""

    def __init__(self) -> None:
        self._A: Array | None = None

    def forward(self, Z: Array) -> Array:
        """Return ``tanh(Z)``, keeping it for :meth:`backward`."""
        self._A = np.tanh(Z)
        return self._A

    def backward(self, dA: Array) -> Array:
        """Return ``dZ = dA * (1 − A²)``."""
        if self._A is None:
            raise RuntimeError("backward() called before forward()")
        return tanh_backward(dA, self._A)

    def __repr__(self) -> str:
        return "Tanh()"


# ----------------------------------------------------------------------------------------------
# The network
# ----------------------------------------------------------------------------------------------
class MLP:
    """A multilayer perceptron: Linear → activation → … → Linear, with softmax cross-entropy.

    Parameters
    ----------
    sizes
        Layer widths ``[d_0, d_1, …, d_L]``: ``d_0`` input features, ``d_L`` classes, e.g.
        ``[64, 32, 10]`` for one hidden layer of 32 units on 8×8 digits.
    activation
        ``"relu"`` or ``"tanh"`` (hidden layers only; the last layer outputs logits).
    seed
        Seed of the ``np.random.default_rng`` that draws the weights (biases start at 0). A
        sequence of seeds builds a stack of independent replicas, one per seed (module docstring).
    init
        ``"he"`` or ``"xavier"``; default He for ReLU, Xavier for tanh.
    dtype
        Floating dtype of parameters and gradients (default float64).

    Attributes
    ----------
    params, grads
        Lists ``[W_1, b_1, W_2, b_2, …]`` and ``[dW_1, db_1, …]``, same order and shapes. The
        gradient arrays are overwritten in place by :meth:`loss_and_grad`.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        seed: int | Sequence[int] = 0,
        *,
        init: str | None = None,
        dtype: Any = np.float64,
    ):
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a list of layer widths, got {type(sizes).__name__}")
        sizes = [check_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width, got {sizes}")
        if min(sizes) < 1:
            raise ValueError(f"every layer width must be >= 1, got {sizes}")
        if sizes[-1] < 2:
            raise ValueError(f"a classifier needs at least 2 classes, got sizes[-1] = {sizes[-1]}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}, got {activation!r}")
        init = ACTIVATIONS[activation] if init is None else init
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"dtype must be a floating-point type, got {dtype}")
        if isinstance(seed, Sequence) and not isinstance(seed, (str, bytes)):
            seeds = [check_int(f"seed[{i}]", s) for i, s in enumerate(seed)]
            if not seeds:
                raise ValueError("seed is an empty sequence: give at least one seed")
            self.replicas: int | None = len(seeds)
        else:
            seeds = [check_int("seed", seed)]
            self.replicas = None

        self.sizes = sizes
        self.activation = activation
        self.init = init
        self.seed = seed
        self.dtype = dtype
        n_layers = len(sizes) - 1
        # Replica r draws its layers in order from its own generator: identical to MLP(seed=s_r).
        weights: list[list[Array]] = [[] for _ in range(n_layers)]
        for s in seeds:
            rng = np.random.default_rng(s)
            for layer, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
                weights[layer].append(init_weight(d_in, d_out, init, rng, dtype))
        self.linears: list[Linear] = []
        self.layers: list[Linear | ReLU | Tanh] = []
        for layer, ws in enumerate(weights):
            W = np.stack(ws) if self.replicas is not None else ws[0]
            b = np.zeros(W.shape[:-2] + W.shape[-1:], dtype=dtype)
            lin = Linear(np.ascontiguousarray(W), b)
            self.linears.append(lin)
            self.layers.append(lin)
            if layer < n_layers - 1:
                self.layers.append(ReLU() if activation == "relu" else Tanh())
        self.params: list[Array] = [p for lin in self.linears for p in (lin.W, lin.b)]
        self.grads: list[Array] = [g for lin in self.linears for g in (lin.dW, lin.db)]

    # -- inputs --------------------------------------------------------------------------------
    @property
    def n_classes(self) -> int:
        """Number of outputs (classes)."""
        return self.sizes[-1]

    @property
    def n_params(self) -> int:
        """Number of trainable numbers in one network (one replica)."""
        pairs = zip(self.sizes[:-1], self.sizes[1:], strict=True)
        return sum(d_in * d_out + d_out for d_in, d_out in pairs)

    def _check_X(self, X: Any) -> Array:
        if not isinstance(X, np.ndarray):
            raise TypeError(f"X must be a NumPy array, got {type(X).__name__}")
        if not (np.issubdtype(X.dtype, np.floating) or np.issubdtype(X.dtype, np.integer)):
            raise TypeError(f"X must hold numbers, got dtype {X.dtype}")
        allowed = (2,) if self.replicas is None else (2, 3)
        if X.ndim not in allowed:
            want = "(batch, features)" + (
                "" if self.replicas is None else " or (replicas, batch, features)"
            )
            raise ValueError(f"X must have shape {want}, got shape {X.shape}")
        if X.ndim == 3 and X.shape[0] != self.replicas:
            raise ValueError(f"X has {X.shape[0]} replicas but the model has {self.replicas}")
        if X.shape[-1] != self.sizes[0]:
            raise ValueError(
                f"X has {X.shape[-1]} features but the network expects {self.sizes[0]}"
            )
        if X.shape[-2] == 0:
            raise ValueError("X is an empty batch")
        return X if X.dtype == self.dtype else X.astype(self.dtype)

    def _check_y(self, y: Any, Z: Array) -> NDArray[np.integer]:
        """Labels for logits ``Z``: shape ``Z.shape[:-1]``, or ``(B,)`` shared by replicas."""
        y = np.asarray(y)
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
        if y.shape != Z.shape[:-1] and y.shape != Z.shape[-2:-1]:
            raise ValueError(
                f"y has shape {y.shape} but X has {Z.shape[-2]} rows: "
                f"expected y of shape {Z.shape[-2:-1]}"
            )
        lo, hi = int(y.min()), int(y.max())
        if lo < 0 or hi >= self.n_classes:
            bad = lo if lo < 0 else hi
            raise ValueError(f"labels must be in 0..{self.n_classes - 1}, got {bad}")
        return y

    # -- passes --------------------------------------------------------------------------------
    def forward(self, X: Array) -> Array:
        """Logits ``(B, C)`` (or ``(R, B, C)`` for replicas)."""
        A = self._check_X(X)
        for layer in self.layers:
            A = layer.forward(A)
        return A

    def backward(self, dZ: Array) -> None:
        """Backpropagate ``∂loss/∂logits``; fills :attr:`grads` in place."""
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if isinstance(layer, Linear):
                dX = layer.backward(dZ, input_grad=i > 0)
                if dX is None:  # the first layer: nothing below it needs a gradient
                    break
                dZ = dX
            else:
                dZ = layer.backward(dZ)

    def loss_and_grad(self, X: Array, y: ArrayLike) -> float | Array:
        """Mean softmax cross-entropy on the batch; fills :attr:`grads` with its gradient.

        Returns a float (or one loss per replica, shape ``(R,)``).
        """
        Z = self.forward(X)
        Y = one_hot(self._check_y(y, Z), self.n_classes)
        logp = log_softmax(Z)  # shared by the loss and its gradient (softmax = exp(log softmax))
        self.backward(_cross_entropy_grad(np.exp(logp), Y))
        return _cross_entropy(logp, Y)

    def loss(self, X: Array, y: ArrayLike) -> float | Array:
        """Mean softmax cross-entropy, without touching the gradients."""
        Z = self.forward(X)
        return softmax_cross_entropy(Z, self._check_y(y, Z))

    def predict_proba(self, X: Array) -> Array:
        """Class probabilities ``softmax(logits)``."""
        return softmax(self.forward(X))

    def predict(self, X: Array) -> NDArray[np.intp]:
        """Most probable class of each row."""
        return self.forward(X).argmax(axis=-1)

    def accuracy(self, X: Array, y: ArrayLike) -> float | Array:
        """Fraction of rows classified correctly (one per replica for a stack)."""
        Z = self.forward(X)
        y = self._check_y(y, Z)
        acc = (Z.argmax(axis=-1) == y).mean(axis=-1)
        return float(acc) if np.ndim(acc) == 0 else acc

    def replica(self, r: int) -> MLP:
        """Replica ``r`` of a stack as a standalone :class:`MLP` (copies of its parameters)."""
        if self.replicas is None or not isinstance(self.seed, Sequence):
            raise ValueError("this MLP has no replicas (it was built from a single seed)")
        r = check_int("r", r)
        if not -self.replicas <= r < self.replicas:
            raise ValueError(f"replica index {r} out of range for {self.replicas} replicas")
        one = MLP(self.sizes, self.activation, int(self.seed[r]), init=self.init, dtype=self.dtype)
        for mine, theirs in zip(one.params, self.params, strict=True):
            mine[...] = theirs[r]
        return one

    def __repr__(self) -> str:
        reps = "" if self.replicas is None else f", replicas={self.replicas}"
        return f"MLP({self.sizes}, activation={self.activation!r}, init={self.init!r}{reps})"
