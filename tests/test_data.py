"""adamlib.data: offline datasets, split and standardized; the minibatch sampler."""

from __future__ import annotations

import numpy as np
import pytest

from adamlib.data import DATASETS, Dataset, load, minibatches

SIZES = {"diabetes": (442, 10), "breast_cancer": (569, 30), "digits": (1797, 64)}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_load_splits_every_row_exactly_once_with_the_right_shapes(name):
    ds = load(name)
    rows, features = SIZES[name]
    assert isinstance(ds, Dataset) and ds.name == name and name in ds.description
    parts = [(ds.X_train, ds.y_train), (ds.X_val, ds.y_val), (ds.X_test, ds.y_test)]
    assert sum(len(X) for X, _ in parts) == rows
    for X, y in parts:
        assert X.shape == (len(y), features) and X.dtype == np.float64
        assert np.isfinite(X).all()
    assert abs(len(ds.X_val) - 0.2 * rows) <= 10 and abs(len(ds.X_test) - 0.2 * rows) <= 10
    assert ds.n_features == features and len(ds.feature_names) == features
    # no row appears in two splits (rows of these datasets are distinct, except digits duplicates)
    raw = load(name, standardize=False)
    train_rows = {r.tobytes() for r in raw.X_train}
    if name != "digits":
        assert not any(r.tobytes() in train_rows for r in raw.X_test)


def test_classification_targets_are_int_labels_and_regression_targets_are_floats():
    bc, dg, db = load("breast_cancer"), load("digits"), load("diabetes")
    assert bc.n_classes == 2 and dg.n_classes == 10 and db.n_classes is None
    assert bc.is_classification and not db.is_classification
    assert bc.y_train.dtype == np.int64 and set(np.unique(bc.y_train)) == {0, 1}
    assert set(np.unique(dg.y_train)) == set(range(10))
    assert db.y_train.dtype == np.float64
    assert bc.target_mean is None and db.target_mean is not None


@pytest.mark.parametrize("name", ["breast_cancer", "digits"])
def test_classification_split_is_stratified(name):
    ds = load(name, seed=3)
    whole = np.bincount(np.concatenate([ds.y_train, ds.y_val, ds.y_test])) / (
        len(ds.y_train) + len(ds.y_val) + len(ds.y_test)
    )
    for y in (ds.y_train, ds.y_val, ds.y_test):
        share = np.bincount(y, minlength=len(whole)) / len(y)
        assert np.abs(share - whole).max() < 0.02


@pytest.mark.parametrize("name", ["diabetes", "breast_cancer"])
def test_standardization_uses_training_statistics_only(name):
    ds = load(name)
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-12)
    # the same affine map applied to the raw data, with the training rows' statistics
    raw = load(name, standardize=False)
    mean, std = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    np.testing.assert_allclose(ds.X_test, (raw.X_test - mean) / std, atol=1e-12)
    np.testing.assert_allclose(ds.X_val, (raw.X_val - mean) / std, atol=1e-12)
    assert not np.allclose(ds.X_test.mean(axis=0), 0, atol=1e-3)  # test rows were not used


def test_diabetes_target_is_standardized_and_can_be_recovered():
    ds, raw = load("diabetes"), load("diabetes", standardize=False)
    assert abs(ds.y_train.mean()) < 1e-12 and abs(ds.y_train.std() - 1) < 1e-12
    np.testing.assert_allclose(ds.y_test * ds.target_std + ds.target_mean, raw.y_test)
    assert raw.target_mean == 0.0 and raw.target_std == 1.0
    assert raw.y_train.min() >= 25 and raw.y_train.max() <= 346  # original units


def test_digits_pixels_are_divided_by_16():
    ds, raw = load("digits"), load("digits", standardize=False)
    assert ds.X_train.min() == 0.0 and ds.X_train.max() == 1.0
    np.testing.assert_array_equal(ds.X_train * 16, raw.X_train)
    assert raw.X_train.max() == 16.0


def test_load_is_deterministic_and_seed_changes_the_split():
    a, b, c = load("diabetes", seed=1), load("diabetes", seed=1), load("diabetes", seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


def test_fractions_control_split_sizes_and_may_be_zero():
    ds = load("breast_cancer", val_fraction=0.0, test_fraction=0.5)
    assert ds.X_val.shape == (0, 30) and ds.y_val.shape == (0,)
    assert abs(len(ds.X_test) - 569 / 2) <= 2


def test_returned_arrays_are_read_only_and_dataset_is_frozen():
    ds = load("diabetes")
    with pytest.raises(ValueError):
        ds.X_train[0, 0] = 1.0
    with pytest.raises(AttributeError):
        ds.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"name": "mnist"}, ValueError, "unknown dataset"),
        ({"name": 3}, TypeError, "name must be a string"),
        ({"name": "digits", "seed": 1.5}, TypeError, "seed"),
        ({"name": "digits", "seed": -1}, ValueError, "seed"),
        ({"name": "digits", "val_fraction": 1.2}, ValueError, "val_fraction"),
        ({"name": "digits", "test_fraction": "0.2"}, TypeError, "test_fraction"),
        ({"name": "digits", "val_fraction": 0.5, "test_fraction": 0.5}, ValueError, "< 1"),
        ({"name": "digits", "standardize": "yes"}, TypeError, "standardize"),
    ],
)
def test_load_rejects_bad_input_with_clear_messages(kwargs, error, words):
    with pytest.raises(error, match=words):
        load(**kwargs)


def test_minibatches_cover_a_permutation_once_per_epoch():
    rng = np.random.default_rng(0)
    batches = list(minibatches(10, 4, rng))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    assert np.concatenate(batches).tolist() != list(range(10))  # shuffled
    second = np.concatenate(list(minibatches(10, 4, rng)))
    assert sorted(second.tolist()) == list(range(10))
    assert second.tolist() != np.concatenate(batches).tolist()  # a new order each epoch


def test_minibatches_drop_last_gives_only_full_batches():
    batches = list(minibatches(10, 4, np.random.default_rng(1), drop_last=True))
    assert [len(b) for b in batches] == [4, 4]
    assert len(set(np.concatenate(batches).tolist())) == 8


def test_minibatches_is_reproducible_and_handles_edge_sizes():
    a = [b.tolist() for b in minibatches(7, 3, np.random.default_rng(5))]
    b = [b.tolist() for b in minibatches(7, 3, np.random.default_rng(5))]
    assert a == b
    assert [len(b) for b in minibatches(5, 100, np.random.default_rng(0))] == [5]
    assert [len(b) for b in minibatches(5, 1, np.random.default_rng(0))] == [1] * 5
    assert [len(b) for b in minibatches(6, 3, np.random.default_rng(0), drop_last=True)] == [3, 3]


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((0, 2), {}, ValueError, "n must be >= 1"),
        ((10, 0), {}, ValueError, "batch_size must be >= 1"),
        ((10.0, 2), {}, TypeError, "n must be an integer"),
        ((10, 2.5), {}, TypeError, "batch_size must be an integer"),
        ((5, 6), {"drop_last": True}, ValueError, "no batch"),
    ],
)
def test_minibatches_rejects_bad_input_eagerly(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        minibatches(*args, np.random.default_rng(0), **kwargs)  # raises before iterating


def test_minibatches_requires_a_generator():
    with pytest.raises(TypeError, match="default_rng"):
        minibatches(10, 2, 0)
    with pytest.raises(TypeError, match="default_rng"):
        minibatches(10, 2, np.random.RandomState(0))
