"""The shared array helpers: read-only copies that results hold."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bayesreg.core.types import EPS, FloatArray, freeze_fields, frozen_array


def test_eps_is_float64_machine_epsilon() -> None:
    assert EPS == 2.0**-52
    assert 1.0 + EPS != 1.0
    assert 1.0 + EPS / 2.0 == 1.0


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5))))
def test_frozen_array_is_a_read_only_c_ordered_copy(values: FloatArray) -> None:
    source = np.asfortranarray(values)
    frozen = frozen_array(source)
    np.testing.assert_array_equal(frozen, source)
    assert not np.shares_memory(frozen, source)
    assert frozen.flags.c_contiguous
    assert not frozen.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        frozen[0, 0] = 1.0
    before = frozen.copy()
    source += 1.0  # the caller's array stays writable, and the copy does not follow it
    np.testing.assert_array_equal(frozen, before)


def test_frozen_array_converts_dtype() -> None:
    assert frozen_array([1, 0, 2], np.bool_).dtype == np.bool_
    assert frozen_array([1, 2]).dtype == np.float64


def test_freeze_fields_replaces_fields_of_a_frozen_dataclass() -> None:
    @dataclass(frozen=True)
    class Result:
        values: FloatArray
        counts: FloatArray

        def __post_init__(self) -> None:
            freeze_fields(self, "values")
            freeze_fields(self, "counts", dtype=np.int64)

    given_values = [1.0, 2.0]
    result = Result(given_values, [3, 4])  # type: ignore[arg-type]
    assert isinstance(result.values, np.ndarray)
    assert not result.values.flags.writeable
    assert result.counts.dtype == np.int64
    assert not result.counts.flags.writeable
