"""The shared input validators: what they accept, what they refuse, and what they say.

Every refusal must name the argument and the value or shape received; every accepted
input must come back as a fresh float64 array equal to it, and the input must be left
exactly as it was (values, dtype, memory order, write flag).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from bayesreg.errors import BayesregError, DataError, InputTypeError, InputValueError
from bayesreg.validation import (
    as_coef,
    as_design,
    as_target,
    check_alphas,
    check_binary_target,
    check_bool,
    check_choice,
    check_finite,
    check_finite_nonneg,
    check_l1_ratio,
    check_positive,
    check_positive_int,
    check_tol,
    feature_names_of,
)

FloatArray = NDArray[np.float64]


def test_error_classes_are_the_builtin_ones_users_catch() -> None:
    assert issubclass(InputValueError, ValueError)
    assert issubclass(DataError, ValueError)
    assert issubclass(InputTypeError, TypeError)
    assert issubclass(DataError, BayesregError)


@pytest.mark.parametrize(
    ("X", "error", "pattern"),
    [
        ([[1.0, np.nan], [2.0, 3.0]], DataError, "X contains 1 NaN and 0 infinite value"),
        ([[1.0, np.inf], [-np.inf, 3.0]], DataError, "X contains 0 NaN and 2 infinite value"),
        ([[1.0, 2.0], [3.0]], DataError, "X is ragged"),
        ([1.0, 2.0, 3.0], DataError, r"X must be 2-D .* got 1-D with shape \(3,\)"),
        (np.zeros((2, 2, 2)), DataError, r"got 3-D with shape \(2, 2, 2\)"),
        (np.zeros((0, 3)), DataError, r"X is empty \(shape \(0, 3\)\)"),
        (np.zeros((3, 0)), DataError, r"X is empty \(shape \(3, 0\)\)"),
        ([["a", "b"], ["c", "d"]], InputTypeError, "X must hold numbers; got dtype <U1"),
        ([[{"a": 1}, 2.0]], InputTypeError, "X must hold only numbers; got an array of Python"),
        (np.ones((2, 2)) * 1j, InputTypeError, "X must be real-valued; got dtype complex128"),
        (None, InputTypeError, "X is None"),
    ],
)
def test_as_design_refuses(X: object, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        as_design(X)


def test_as_design_reads_frames_and_refuses_text_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    np.testing.assert_array_equal(as_design(frame), frame.to_numpy(dtype=float))
    with pytest.raises(InputTypeError, match="X must hold only numbers; its columns"):
        as_design(frame.assign(c=["x", "y", "z"]))
    nullable = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")})
    with pytest.raises(DataError, match="X contains 1 NaN"):
        as_design(nullable)
    assert feature_names_of(frame, 2) == ("a", "b")
    assert feature_names_of(np.ones((3, 2)), 2) == ("x0", "x1")


def strided(array: FloatArray) -> FloatArray:
    wide = np.zeros((array.shape[0] * 2, array.shape[1] * 3))
    wide[::2, ::3] = array
    view: FloatArray = wide[::2, ::3]
    return view


def read_only(array: FloatArray) -> FloatArray:
    copy = array.copy()
    copy.setflags(write=False)
    return copy


@pytest.mark.parametrize(
    "layout",
    [
        read_only,
        np.asfortranarray,
        lambda a: a.astype(np.float32),
        strided,
        lambda a: a.astype(np.int64),
        lambda a: pd.DataFrame(a),
    ],
    ids=["read-only", "fortran", "float32", "strided", "int64", "frame"],
)
def test_accepted_layouts_are_copied_and_left_untouched(layout: object) -> None:
    values = np.arange(12, dtype=np.float64).reshape(4, 3)
    X = layout(values)  # type: ignore[operator]
    snapshot = np.array(X, copy=True)
    flags = (X.flags.writeable, X.flags.f_contiguous) if isinstance(X, np.ndarray) else None
    design = as_design(X)
    assert design.dtype == np.float64
    assert design.flags.c_contiguous
    assert design.flags.writeable
    np.testing.assert_array_equal(design, values)
    design[:] = -1.0  # the result is a fresh array: writing to it leaves X alone
    np.testing.assert_array_equal(np.asarray(X), snapshot)
    if isinstance(X, np.ndarray):
        assert (X.flags.writeable, X.flags.f_contiguous) == flags


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
        elements=st.floats(-1e300, 1e300),
    )
)
def test_finite_designs_round_trip_exactly(X: FloatArray) -> None:
    snapshot = X.copy()
    design = as_design(X)
    np.testing.assert_array_equal(design, X)
    assert design is not X
    np.testing.assert_array_equal(X, snapshot)


def test_as_target() -> None:
    np.testing.assert_array_equal(as_target([[1.0], [2.0]], 2), [1.0, 2.0])
    np.testing.assert_array_equal(as_target(pd.Series([1, 2, 3]), 3), [1.0, 2.0, 3.0])
    with pytest.raises(DataError, match=r"y must be 1-D \(n_samples,\); got shape \(2, 2\)"):
        as_target(np.ones((2, 2)), 2)
    with pytest.raises(DataError, match="y has 3 entries but X has 4 rows"):
        as_target([1.0, 2.0, 3.0], 4)
    with pytest.raises(DataError, match="y contains 1 NaN"):
        as_target([1.0, np.nan], 2)
    with pytest.raises(InputTypeError, match="y must hold numbers"):
        as_target(["a", "b"], 2)
    y = np.array([3.0, 4.0])
    y.setflags(write=False)
    as_target(y, 2)[0] = 0.0
    assert y[0] == 3.0


def test_as_coef_and_binary_target() -> None:
    np.testing.assert_array_equal(as_coef([1, 2], 2), [1.0, 2.0])
    with pytest.raises(DataError, match=r"coef must have one entry per column of X \(3\)"):
        as_coef([1.0, 2.0], 3)
    with pytest.raises(DataError, match="w contains 0 NaN and 1 infinite"):
        as_coef([1.0, np.inf], 2, "w")
    assert check_binary_target(np.array([0.0, 1.0, 1.0])).tolist() == [0.0, 1.0, 1.0]
    with pytest.raises(DataError, match=r"y must hold only 0 and 1 .* got the values \{0, 1, 2\}"):
        check_binary_target(np.array([0.0, 1.0, 2.0]))


@pytest.mark.parametrize(
    ("check", "value", "error", "pattern"),
    [
        (check_positive, 0.0, InputValueError, r"alpha must be a finite number > 0; got 0\.0"),
        (check_positive, np.inf, InputValueError, "alpha must be a finite number > 0; got inf"),
        (check_finite_nonneg, -2, InputValueError, r"alpha must be a finite number ≥ 0; got -2"),
        (check_finite_nonneg, np.nan, InputValueError, "got nan"),
        (check_finite_nonneg, True, InputTypeError, "alpha must be a real number; got True"),
        (check_finite_nonneg, "1", InputTypeError, "alpha must be a real number; got '1'"),
        (check_finite_nonneg, 1j, InputTypeError, r"got 1j of type complex"),
        (check_finite_nonneg, [1.0], InputTypeError, r"got \[1\.0\] of type list"),
        (check_finite, np.inf, InputValueError, "alpha must be a finite number; got inf"),
        (check_finite, False, InputTypeError, "alpha must be a real number; got False"),
    ],
)
def test_scalar_checks_refuse(check: object, value: object, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        check(value, "alpha")  # type: ignore[operator]


def test_scalar_checks_accept_numpy_scalars() -> None:
    assert check_positive(np.float32(0.5), "alpha") == 0.5
    assert check_finite_nonneg(np.int64(3), "alpha") == 3.0
    assert check_finite_nonneg(np.array(2.0), "alpha") == 2.0
    assert check_finite(-1.5, "shift") == -1.5
    assert check_tol(1e-12) == 1e-12
    assert check_positive_int(np.int32(4), "n_folds") == 4
    assert check_bool(np.bool_(True), "fit_intercept") is True
    assert check_choice("l2", "weight_decay", ("l2", "decoupled")) == "l2"


def test_other_checks_refuse() -> None:
    with pytest.raises(InputValueError, match=r"l1_ratio must lie in \[0, 1\] .* got 1\.5"):
        check_l1_ratio(1.5)
    with pytest.raises(InputValueError, match=r"tol must be a finite number > 0; got -1\.0"):
        check_tol(-1.0)
    with pytest.raises(InputTypeError, match=r"n_folds must be an integer ≥ 1; got 2\.0"):
        check_positive_int(2.0, "n_folds")
    with pytest.raises(InputTypeError, match="n_folds must be an integer ≥ 1; got True"):
        check_positive_int(True, "n_folds")
    with pytest.raises(InputValueError, match="n_folds must be an integer ≥ 1; got 0"):
        check_positive_int(0, "n_folds")
    with pytest.raises(InputValueError, match="likelihood must be one of 'gaussian'; got 3"):
        check_choice(3, "likelihood", ("gaussian",))
    with pytest.raises(InputTypeError, match="fit_intercept must be True or False; got 1"):
        check_bool(1, "fit_intercept")


def test_check_alphas() -> None:
    values = np.array([1.0, 0.0, 0.5])
    values.setflags(write=False)
    checked = check_alphas(values)
    np.testing.assert_array_equal(checked, values)
    checked[0] = 9.0
    assert values[0] == 1.0
    with pytest.raises(DataError, match=r"alphas must be a non-empty 1-D .* got shape \(2, 1\)"):
        check_alphas([[1.0], [2.0]])
    with pytest.raises(InputValueError, match=r"got \[nan\] among them"):
        check_alphas([1.0, np.nan])
    with pytest.raises(InputTypeError, match="alphas must hold numbers"):
        check_alphas(["big", "small"])


def test_xarray_and_pandas_nullable_inputs() -> None:
    import pandas as pd
    import xarray as xr

    from bayesreg.validation import as_target

    # An xarray DataArray is read through NumPy, not through the pandas path.
    np.testing.assert_array_equal(as_target(xr.DataArray(np.arange(3.0)), 3), [0.0, 1.0, 2.0])
    # A pandas nullable integer Series with a missing value is reported as NaN.
    with pytest.raises(DataError, match="1 NaN"):
        as_target(pd.Series([1, None, 3], dtype="Int64"), 3)


@pytest.mark.parametrize("layout", [np.ascontiguousarray, np.asfortranarray, strided])
def test_uncopied_design_keeps_its_layout_and_the_centered_copy_is_c_ordered(
    layout: object,
) -> None:
    # as_design(copy=False) hands a float64 X over as it is, whatever its layout; the data
    # layer then makes its one centered copy, C-ordered when n ≥ p (column-major when
    # n < p, below), and leaves X untouched
    from bayesreg.core.data import least_squares_data

    values = np.arange(24, dtype=np.float64).reshape(6, 4) ** 1.5
    X = layout(values)  # type: ignore[operator]
    snapshot = np.array(X, copy=True)
    assert as_design(X, copy=False) is X
    data = least_squares_data(X, np.arange(6.0), fit_intercept=True)
    assert data.X.flags.c_contiguous
    assert not np.shares_memory(data.X, X)
    np.testing.assert_array_equal(data.X, values - values.mean(axis=0))
    np.testing.assert_array_equal(X, snapshot)
    uncentered = least_squares_data(X, np.arange(6.0), fit_intercept=False)
    assert uncentered.X.flags.c_contiguous
    np.testing.assert_array_equal(uncentered.X, values)
    # nothing to center: an X already in the solvers' layout is read, not copied, through
    # a view that cannot be written (the caller's array keeps its own flags)
    assert np.shares_memory(uncentered.X, X) == (layout is np.ascontiguousarray)
    assert not uncentered.X.flags.writeable or not np.shares_memory(uncentered.X, X)
    assert X.flags.writeable
    # wide: the one copy is column-major, the same numbers to the bit
    wide_values = values.T.copy()
    wide = layout(wide_values)  # type: ignore[operator]
    wide_data = least_squares_data(wide, np.arange(4.0), fit_intercept=True)
    assert wide_data.X.flags.f_contiguous
    assert not np.shares_memory(wide_data.X, wide)
    np.testing.assert_array_equal(wide_data.X, wide_values - wide_values.mean(axis=0))
    wide_uncentered = least_squares_data(wide, np.arange(4.0), fit_intercept=False)
    assert wide_uncentered.X.flags.f_contiguous
    assert np.shares_memory(wide_uncentered.X, wide) == (layout is np.asfortranarray)
    np.testing.assert_array_equal(wide_uncentered.X, wide_values)
    np.testing.assert_array_equal(wide, wide_values)


def test_uncentered_fit_reads_the_callers_array_and_agrees_with_a_copy() -> None:
    # fit_intercept=False on a float64 X in the solvers' layout: the fit reads X itself;
    # the solution is that of a private copy (the same numbers, the same operations) and
    # X is unchanged, whichever path the solver takes (Gram form, design form, working
    # sets)
    import bayesreg

    rng = np.random.default_rng(3)
    for n, p in ((300, 40), (40, 300)):
        X = rng.standard_normal((n, p))
        X = np.asfortranarray(X) if n < p else X
        y = X[:, :5] @ np.ones(5) + rng.standard_normal(n)
        snapshot = X.copy(order="K")
        fit = bayesreg.lasso(X, y, 0.05, fit_intercept=False)
        copied = bayesreg.lasso(X.copy(order="K"), y, 0.05, fit_intercept=False)
        np.testing.assert_array_equal(fit.coef, copied.coef)
        assert fit.converged
        np.testing.assert_array_equal(X, snapshot)
        assert X.flags.writeable


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (-1, InputValueError, r"random_seed must be an integer ≥ 0; got -1\."),
        (1.5, InputTypeError, r"got 1\.5 of type float\."),
        (True, InputTypeError, r"got True of type bool\."),
    ],
)
def test_a_seed_is_refused_the_same_way_everywhere(seed: object, error: type, match: str) -> None:
    # check_seed (samplers, cross-validation) and as_generator (data generators) raise the
    # same class with the same message for the same bad seed
    from bayesreg.validation import as_generator, check_seed

    for check in (check_seed, as_generator):
        with pytest.raises(error, match=match):
            check(seed)
