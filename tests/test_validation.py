"""adamlib.validation: one definition of "an integer" and "a real number" for the package."""

from __future__ import annotations

import math

import numpy as np
import pytest

from adamlib.validation import (
    check_bool,
    check_fraction,
    check_int,
    check_real,
    expect_int,
    expect_number,
    is_integer,
    is_real,
)


@pytest.mark.parametrize("value", [0, -3, np.int64(7), np.uint8(1)])
def test_python_and_numpy_integers_are_integers(value):
    assert is_integer(value) and check_int("n", value) == int(value)
    assert type(check_int("n", value)) is int


@pytest.mark.parametrize("value", [True, np.bool_(False), 1.0, "1", None, np.float64(2.0)])
def test_bools_floats_and_strings_are_not_integers(value):
    assert not is_integer(value)
    with pytest.raises(TypeError, match=r"n must be an integer, got \w+: "):
        check_int("n", value)


@pytest.mark.parametrize("value", [0, 2.5, np.float32(0.5), np.int64(3), math.inf, math.nan])
def test_reals_include_numpy_scalars_infinity_and_nan(value):
    assert is_real(value) and type(check_real("lr", value)) is float


@pytest.mark.parametrize("value", [True, np.bool_(True), "0.1", None, 1j, [0.1]])
def test_bools_strings_and_complex_numbers_are_not_real(value):
    assert not is_real(value)
    with pytest.raises(TypeError, match="lr must be a real number"):
        check_real("lr", value)


def test_integer_bounds_say_the_allowed_range():
    assert check_int("steps", 2000, 1, 2000) == 2000
    with pytest.raises(ValueError, match=r"steps must be in \[1, 2000\], got 0"):
        check_int("steps", 0, 1, 2000)
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        check_int("n", 0, 1)
    with pytest.raises(ValueError, match="r must be <= 3, got 4"):
        check_int("r", 4, high=3)


def test_fraction_is_a_number_in_the_half_open_unit_interval():
    assert check_fraction("val_fraction", 0) == 0.0
    for bad in (1.0, -0.1, math.nan):
        with pytest.raises(ValueError, match=r"val_fraction must be in \[0, 1\)"):
            check_fraction("val_fraction", bad)


def test_bool_check_accepts_numpy_bools_only_besides_python_bools():
    assert check_bool("standardize", np.bool_(True)) is True
    with pytest.raises(TypeError, match="standardize must be True or False, got int: 1"):
        check_bool("standardize", 1)


def test_schedule_checks_raise_value_errors_in_torchs_words():
    assert expect_int("step_size", np.int64(2), 1) == 2
    with pytest.raises(ValueError, match="Expected step_size to be an integer >= 1, but got 1.5"):
        expect_int("step_size", 1.5, 1)
    with pytest.raises(ValueError, match="Expected gamma to be a number, but got nan"):
        expect_number("gamma", math.nan)
    assert expect_number("gamma", math.inf) == math.inf
