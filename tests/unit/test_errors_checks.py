"""Every check names the field, the value and what is allowed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.checks import array_finite, choice, in_range, non_negative, positive
from brainrit.errors import BrainritError, InputError


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf, "x", None, True])
def test_positive_rejects(bad):
    with pytest.raises(InputError) as info:
        positive("radius_um", bad)
    msg = str(info.value)
    assert msg.startswith("radius_um: must be a finite number > 0, got ")
    assert isinstance(info.value, BrainritError)


@given(st.floats(min_value=1e-300, max_value=1e300))
def test_positive_accepts_every_positive_float(x):
    assert positive("x", x) == x


def test_non_negative_and_range():
    assert non_negative("t_h", 0) == 0.0
    with pytest.raises(InputError, match=r"t_h: must be a finite number >= 0, got -1"):
        non_negative("t_h", -1)
    with pytest.raises(InputError, match=r"f: must be a finite number in \[0, 1\], got 2"):
        in_range("f", 2, 0, 1)


def test_array_names_first_bad_element():
    with pytest.raises(InputError, match=r"activity\[1, 0\]: must be finite numbers >= 0, got nan"):
        array_finite("activity", np.array([[1.0, 2.0], [math.nan, 1.0]]), low=0)
    arr = array_finite("x", [1, 2, 3], low=0, strict_low=True)
    assert arr.dtype == float


def test_choice_suggests():
    assert choice("material", "WATER", ["water", "brain"]) == "water"
    with pytest.raises(InputError, match=r"did you mean 'brain'\?"):
        choice("material", "brian", ["water", "brain"])
