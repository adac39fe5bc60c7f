"""Small real datasets, split and standardized, and a minibatch sampler.

Introduced in ``lectures/02_stochastic_gradient_descent.ipynb``; used again in
``lectures/07_training_a_network.ipynb``.

The datasets ship inside scikit-learn (nothing is downloaded, ever):

=================  =====  ========  ===================================================
name               rows   features  task
=================  =====  ========  ===================================================
``diabetes``       442    10        regression: disease progression one year later
``breast_cancer``  569    30        binary classification: malignant (0) / benign (1)
``digits``         1797   64        10 classes: 8×8 images of handwritten digits 0–9
=================  =====  ========  ===================================================

>>> from adamlib.data import load, minibatches
>>> ds = load("diabetes", seed=0)
>>> ds.X_train.shape, ds.X_val.shape, ds.X_test.shape
((266, 10), (88, 10), (88, 10))
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> [len(idx) for idx in minibatches(10, 4, rng)]
[4, 4, 2]

Splitting: the rows are shuffled with ``np.random.default_rng(seed)``; classification datasets
are split per class (stratified), so every split has the class proportions of the whole set.

Standardizing (``standardize=True``, the default), always with statistics of the *training*
split only, so that nothing about the validation and test rows leaks into training:

- ``diabetes`` and ``breast_cancer``: every feature is shifted and scaled to mean 0 and
  standard deviation 1 on the training rows. For ``diabetes`` the target is standardized the
  same way (its training mean and standard deviation are kept in ``target_mean`` and
  ``target_std``, so ``y * target_std + target_mean`` gives back the original units).
- ``digits``: pixels are divided by 16, their maximum, so they lie in [0, 1]. Per-pixel
  standardization would divide by a zero standard deviation for the border pixels that are
  always blank and would blow up pixels that are almost always blank.

With ``standardize=False`` the features (and the target) are returned in their original units,
as float64.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from adamlib.validation import check_bool, check_fraction, check_int

__all__ = ["DATASETS", "Dataset", "load", "minibatches"]

#: The names :func:`load` accepts, with what each one is.
DATASETS: dict[str, str] = {
    "diabetes": "regression: disease progression of 442 diabetes patients from 10 baseline "
    "measurements (age, sex, body mass index, blood pressure, 6 blood serum values)",
    "breast_cancer": "binary classification: 569 breast tumours as malignant (0) or benign (1) "
    "from 30 measurements of cell nuclei in a digitized image",
    "digits": "10-class classification: 1797 handwritten digits 0-9 as 8x8 images "
    "(64 pixels with intensities 0..16)",
}


@dataclass(frozen=True)
class Dataset:
    """A dataset split into training, validation and test sets.

    Attributes
    ----------
    X_train, y_train, X_val, y_val, X_test, y_test
        Features (float64, shape ``(rows, features)``) and targets: float64 for regression,
        int64 class labels ``0 .. n_classes - 1`` for classification.
    name
        The name given to :func:`load`.
    description
        One line: what the rows, features and target are, and how they were scaled.
    n_classes
        Number of classes, or None for regression.
    feature_names
        One name per feature column.
    target_mean, target_std
        Regression only: the original target is ``y * target_std + target_mean``
        (0 and 1 when the target was not standardized); None for classification.
    """

    X_train: NDArray[np.float64]
    y_train: NDArray
    X_val: NDArray[np.float64]
    y_val: NDArray
    X_test: NDArray[np.float64]
    y_test: NDArray
    name: str
    description: str
    n_classes: int | None
    feature_names: tuple[str, ...] = ()
    target_mean: float | None = None
    target_std: float | None = None

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return self.X_train.shape[1]

    @property
    def is_classification(self) -> bool:
        """Whether the targets are class labels."""
        return self.n_classes is not None

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}: train {self.X_train.shape}, val {self.X_val.shape}, "
            f"test {self.X_test.shape}, n_classes={self.n_classes})"
        )


def _raw(name: str) -> tuple[NDArray, NDArray, tuple[str, ...], int | None]:
    from sklearn import datasets  # imported here: only this module needs scikit-learn

    if name == "diabetes":
        # scaled=False: the original units (age in years, ...) so that standardizing is ours
        bunch = datasets.load_diabetes(scaled=False)
        return bunch.data, bunch.target.astype(np.float64), tuple(bunch.feature_names), None
    if name == "breast_cancer":
        bunch = datasets.load_breast_cancer()
        return bunch.data, bunch.target.astype(np.int64), tuple(bunch.feature_names), 2
    bunch = datasets.load_digits()
    names = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    return bunch.data, bunch.target.astype(np.int64), names, 10


def _split_counts(n: int, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    return int(round(n * val_fraction)), int(round(n * test_fraction))


def _split(
    y: NDArray,
    classification: bool,
    val_fraction: float,
    test_fraction: float,
    rng: np.random.Generator,
) -> tuple[NDArray, NDArray, NDArray]:
    """Row indices of the train, validation and test splits (each shuffled)."""
    groups = (
        [np.flatnonzero(y == c) for c in np.unique(y)] if classification else [np.arange(len(y))]
    )
    train, val, test = [], [], []
    for idx in groups:
        idx = rng.permutation(idx)
        n_val, n_test = _split_counts(len(idx), val_fraction, test_fraction)
        test.append(idx[:n_test])
        val.append(idx[n_test : n_test + n_val])
        train.append(idx[n_test + n_val :])
    train_rows, val_rows, test_rows = (
        rng.permutation(np.concatenate(parts)) for parts in (train, val, test)
    )
    return train_rows, val_rows, test_rows


def load(
    name: str,
    seed: int = 0,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    standardize: bool = True,
) -> Dataset:
    """Load a dataset that ships with scikit-learn, split it and (by default) standardize it.

    Parameters
    ----------
    name : str
        ``"diabetes"``, ``"breast_cancer"`` or ``"digits"`` (see :data:`DATASETS`).
    seed : int, default 0
        seed of the shuffle that decides which rows go to which split.
    val_fraction : float, default 0.2
        fraction of the rows for validation (may be 0: an empty split).
    test_fraction : float, default 0.2
        fraction of the rows for testing (may be 0: an empty split).
    standardize : bool, default True
        scale with training statistics (see the module docstring); False keeps
        the original units.

    Returns
    -------
    Dataset
        A :class:`Dataset`. The same arguments always give the same arrays.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)}")
    seed = check_int("seed", seed, 0)
    val_fraction = check_fraction("val_fraction", val_fraction)
    test_fraction = check_fraction("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1 to leave rows for training, got "
            f"{val_fraction} + {test_fraction}"
        )
    check_bool("standardize", standardize)

    X, y, feature_names, n_classes = _raw(name)
    X = np.asarray(X, dtype=np.float64)
    classification = n_classes is not None
    rng = np.random.default_rng(seed)
    tr, va, te = _split(y, classification, val_fraction, test_fraction, rng)
    X_tr, X_va, X_te = X[tr], X[va], X[te]
    y_tr, y_va, y_te = y[tr], y[va], y[te]

    target_mean = target_std = None
    if standardize:
        if name == "digits":
            X_tr, X_va, X_te = X_tr / 16.0, X_va / 16.0, X_te / 16.0
            how = "pixels divided by 16 (in [0, 1])"
        else:
            mean = X_tr.mean(axis=0)
            std = X_tr.std(axis=0)
            std[std == 0] = 1.0  # a constant column stays constant (0) instead of NaN
            X_tr, X_va, X_te = ((A - mean) / std for A in (X_tr, X_va, X_te))
            how = "features standardized with training mean and std"
        if not classification:
            target_mean, target_std = float(y_tr.mean()), float(y_tr.std())
            y_tr, y_va, y_te = ((t - target_mean) / target_std for t in (y_tr, y_va, y_te))
            how += "; target standardized likewise"
    else:
        how = "original units"
        if not classification:
            target_mean, target_std = 0.0, 1.0

    description = (
        f"{name}: {DATASETS[name]}. Split {len(tr)}/{len(va)}/{len(te)} "
        f"(train/val/test, seed {seed}); {how}."
    )
    X_tr, y_tr, X_va, y_va, X_te, y_te = arrays = [
        np.ascontiguousarray(a) for a in (X_tr, y_tr, X_va, y_va, X_te, y_te)
    ]
    for a in arrays:
        a.setflags(write=False)  # shared by every caller: nobody may modify them in place
    return Dataset(
        X_tr,
        y_tr,
        X_va,
        y_va,
        X_te,
        y_te,
        name=name,
        description=description,
        n_classes=n_classes,
        feature_names=feature_names,
        target_mean=target_mean,
        target_std=target_std,
    )


def minibatches(
    n: int, batch_size: int, rng: np.random.Generator, drop_last: bool = False
) -> Iterator[NDArray[np.intp]]:
    """Index arrays of the minibatches of one epoch over ``n`` examples.

    The indices ``0 .. n-1`` are shuffled once with ``rng`` and cut into consecutive batches of
    ``batch_size``, so every example is used exactly once per epoch. The last batch is smaller
    when ``batch_size`` does not divide ``n``; ``drop_last=True`` skips it (then every batch
    has exactly ``batch_size`` indices). Call again for the next epoch: the same ``rng`` gives a
    new permutation.

    Parameters
    ----------
    n : int
        number of examples (>= 1).
    batch_size : int
        examples per batch (>= 1; with ``drop_last``, at most ``n``).
    rng : np.random.Generator
        a ``np.random.Generator`` such as ``np.random.default_rng(0)``.
    drop_last : bool, default False
        skip the last, incomplete batch.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> for idx in minibatches(len(X), 32, rng):   # doctest: +SKIP
    ...     g = gradient(w, X[idx], y[idx])
    """
    n = check_int("n", n, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    if drop_last and batch_size > n:
        raise ValueError(
            f"batch_size {batch_size} > n {n} with drop_last=True would give no batch at all"
        )
    order = rng.permutation(n)  # drawn now, so the epoch is fixed when the iterator is made
    stop = n - n % batch_size if drop_last else n
    return (order[i : i + batch_size] for i in range(0, stop, batch_size))
