"""Validation of user input, shared by every public function.

Each checker returns a clean value (a fresh float64 array, a float, an int) and
never modifies what it was given. Each error message names the argument, the
value or shape received, and what is allowed.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import NDArray

from bayesreg.errors import BayesregError, DataError, InputTypeError, InputValueError

__all__ = [
    "as_coef",
    "as_design",
    "as_design_or_sparse",
    "as_generator",
    "as_target",
    "check_alphas",
    "check_binary_target",
    "check_bool",
    "check_choice",
    "check_counts",
    "check_finite",
    "check_finite_nonneg",
    "check_gamma_hyperprior",
    "check_grid_eps",
    "check_l1_ratio",
    "check_nonneg_int",
    "check_offset_likelihood",
    "check_outcomes",
    "check_path_alphas",
    "check_positive",
    "check_positive_int",
    "check_probability",
    "check_seed",
    "check_tol",
    "feature_names_of",
    "is_sparse",
    "nonnegative_entries",
]

#: The scipy.sparse formats the least-squares solvers read without conversion.
SPARSE_FORMATS = ("csr", "csc")

FloatArray = NDArray[np.float64]


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_pandas(value: Any) -> bool:
    """Whether ``value`` is a pandas object (checked without importing pandas)."""
    return type(value).__module__.split(".")[0] == "pandas" and hasattr(value, "to_numpy")


def is_sparse(value: Any) -> bool:
    """Whether ``value`` is a scipy.sparse matrix or array (any format).

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse
    >>> from bayesreg.validation import is_sparse
    >>> is_sparse(scipy.sparse.eye(3, format="csr")), is_sparse(np.eye(3))
    (True, False)
    """
    return bool(scipy.sparse.issparse(value))


def _to_float_array(value: Any, name: str, *, copy: bool = True) -> FloatArray:
    """Convert array-like input to a float64 array with clear errors.

    ``copy``: a fresh C-ordered array (True), or ``value`` itself when it already is a
    float64 ndarray, in whatever memory layout (False; then only read from it).
    """
    if is_sparse(value):
        raise InputTypeError(
            f"{name} is a scipy.sparse {value.format.upper()} matrix, which this function "
            f"does not take (the solvers ridge, lasso, elastic_net, lasso_path, alpha_max, "
            f"logistic, logistic_path, cross_validate and penalized_solve do, as do "
            f"build_model and the exact and Gibbs posteriors). Pass a dense array, e.g. "
            f"{name}.toarray(), if it fits in memory."
        )
    if value is None:
        raise InputTypeError(f"{name} is None; pass an array-like of numbers.")
    if _is_pandas(value):
        # pandas objects: go through to_numpy so nullable dtypes become NaN.
        try:
            value = value.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise InputTypeError(
                f"{name} must hold only numbers; its columns could not be read as "
                f"float64 ({exc}). Drop or encode non-numeric columns first."
            ) from None
    try:
        raw = np.asarray(value)
    except ValueError:
        raise DataError(
            f"{name} is ragged (rows of different lengths); pass a rectangular "
            "array-like of numbers."
        ) from None
    if raw.dtype == object:
        try:
            raw = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputTypeError(
                f"{name} must hold only numbers; got an array of Python objects "
                f"({_describe(value)}). Convert it to a numeric array first."
            ) from None
    if np.iscomplexobj(raw):
        raise InputTypeError(
            f"{name} must be real-valued; got dtype {raw.dtype}. Pass real numbers."
        )
    if raw.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} must hold numbers; got dtype {raw.dtype!s}. Convert it to a "
            "numeric array first."
        )
    # np.array(copy=True) gives a fresh, writeable, C-ordered float64 array:
    # nothing the user passed in can be modified through it. Without a copy a float64
    # array is returned in its own layout (C, Fortran or strided), for a caller that
    # makes its own transformed C-ordered copy in one pass.
    if not copy:
        return np.asarray(raw, dtype=np.float64)
    return np.array(raw, dtype=np.float64, order="C", copy=True)


def _check_finite(array: FloatArray, name: str) -> None:
    if not np.all(np.isfinite(array)):
        n_nan = int(np.isnan(array).sum())
        n_inf = int(np.isinf(array).sum())
        raise DataError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite value(s); only finite "
            "numbers are allowed. Drop or impute those entries first."
        )


def as_design(X: Any, name: str = "X", *, copy: bool = True) -> FloatArray:
    """Return ``X`` as a fresh finite 2-D float64 array of shape (n, p), n, p ≥ 1.

    With ``copy=False`` an ``X`` that already is a float64 ndarray, C-ordered, Fortran-
    ordered or strided, is checked and returned as it is (no copy; the caller must then
    only read from it), for a caller that makes its own transformed copy
    (:func:`bayesreg.core.data.least_squares_data` centers X into a fresh C-ordered array
    in one pass).

    Examples
    --------
    >>> from bayesreg.validation import as_design
    >>> X = as_design([[1, 2], [3, 4], [5, 6]])
    >>> X.dtype, X.shape
    (dtype('float64'), (3, 2))
    >>> as_design([1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: X must be 2-D (n_samples, n_features); got 1-D with shape (3,). ...
    """
    array = _to_float_array(X, name, copy=copy)
    if array.ndim != 2:
        raise DataError(
            f"{name} must be 2-D (n_samples, n_features); got {array.ndim}-D with shape "
            f"{array.shape}. Use X.reshape(-1, 1) for a single feature."
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise DataError(
            f"{name} is empty (shape {array.shape}); at least one sample and one feature "
            "are needed."
        )
    _check_finite(array, name)
    return array


def as_design_or_sparse(X: Any, name: str = "X", *, copy: bool = True) -> FloatArray | Any:
    """Return ``X`` as :func:`.as_design` does (with its ``copy``), or a checked
    scipy.sparse CSR/CSC matrix.

    A sparse ``X`` is never densified: it is returned as it is when its values are
    already float64 (no copy), else converted to float64 (one copy of the stored
    values). It must be CSR or CSC, 2-D with n, p ≥ 1, real and finite.

    Examples
    --------
    >>> import scipy.sparse
    >>> from bayesreg.validation import as_design_or_sparse
    >>> X = as_design_or_sparse(scipy.sparse.eye(3, format="csc", dtype=int))
    >>> X.format, X.dtype
    ('csc', dtype('float64'))
    >>> as_design_or_sparse(scipy.sparse.eye(3, format="coo"))
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputTypeError: X is a scipy.sparse matrix in COO format; the solvers read ...
    """
    if not is_sparse(X):
        return as_design(X, name, copy=copy)
    if X.format not in SPARSE_FORMATS:
        raise InputTypeError(
            f"{name} is a scipy.sparse matrix in {X.format.upper()} format; the solvers "
            f"read CSR or CSC. Convert it first with {name}.tocsr() or {name}.tocsc()."
        )
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(
            f"{name} must be a non-empty 2-D sparse matrix (n_samples, n_features); got "
            f"shape {X.shape}."
        )
    if np.iscomplexobj(X.data) or X.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} must hold real numbers; got a sparse matrix of dtype {X.dtype}. "
            "Convert its values to float64 first."
        )
    matrix = X if X.dtype == np.float64 else X.astype(np.float64)
    _check_finite(matrix.data, name)
    return matrix


def as_target(y: Any, n_samples: int, name: str = "y") -> FloatArray:
    """Return ``y`` as a fresh finite 1-D float64 array of length ``n_samples``.

    Examples
    --------
    >>> from bayesreg.validation import as_target
    >>> as_target([[1], [2], [3]], 3)
    array([1., 2., 3.])
    >>> as_target([1, 2], 3)
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: y has 2 entries but X has 3 rows; they must have the same ...
    """
    array = _to_float_array(y, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0].copy()
    if array.ndim != 1:
        raise DataError(
            f"{name} must be 1-D (n_samples,); got shape {array.shape}. Pass a single "
            "target column."
        )
    if array.shape[0] != n_samples:
        raise DataError(
            f"{name} has {array.shape[0]} entries but X has {n_samples} rows; they must "
            "have the same number of samples."
        )
    _check_finite(array, name)
    return array


def as_coef(value: Any, n_features: int, name: str = "coef") -> FloatArray:
    """Return a coefficient vector as a fresh finite float64 array of length ``n_features``.

    Examples
    --------
    >>> from bayesreg.validation import as_coef
    >>> as_coef([1, 0, -2], 3)
    array([ 1.,  0., -2.])
    >>> as_coef([1, 0], 3)
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: coef must have one entry per column of X (3); got shape (2,).
    """
    array = _to_float_array(value, name)
    if array.shape != (n_features,):
        raise DataError(
            f"{name} must have one entry per column of X ({n_features}); got shape {array.shape}."
        )
    _check_finite(array, name)
    return array


def check_outcomes(y: FloatArray, likelihood: str, name: str = "y") -> FloatArray:
    """Check that ``y`` holds outcomes of ``likelihood`` and return it.

    0 and 1 for the Bernoulli likelihood, counts (integers ≥ 0) for the Poisson one; the
    Gaussian likelihood takes any finite number (:func:`as_target` checked that already).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.validation import check_outcomes
    >>> check_outcomes(np.array([0.0, 3.0, 1.0]), "poisson")
    array([0., 3., 1.])
    >>> check_outcomes(np.array([0.0, 3.0, 1.0]), "bernoulli")
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: y must hold only 0 and 1 for the Bernoulli likelihood; got the ...
    """
    if likelihood == "bernoulli":
        values = np.unique(y)
        if not np.all(np.isin(values, (0.0, 1.0))):
            shown = ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if values.size > 6 else "")
            raise DataError(
                f"{name} must hold only 0 and 1 for the Bernoulli likelihood; got the "
                f"values {{{shown}}}. Encode the two classes as 0 and 1."
            )
    elif likelihood == "poisson":
        bad = np.flatnonzero((y < 0.0) | (y != np.floor(y)))
        if bad.size:
            index = int(bad[0])
            value = float(y[index])
            problem = "negative" if value < 0.0 else "not an integer"
            raise DataError(
                f"{name} must hold counts (integers ≥ 0) for the Poisson likelihood; "
                f"{name}[{index}] = {value!r} is {problem} ({bad.size} such value(s) in all). "
                "Pass the observed counts (rates belong in the offset, as log exposure)."
            )
    return y


def check_binary_target(y: FloatArray, name: str = "y") -> FloatArray:
    """Check that ``y`` holds only 0 and 1 (the Bernoulli likelihood's outcomes).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.validation import check_binary_target
    >>> check_binary_target(np.array([0.0, 1.0, 1.0]))
    array([0., 1., 1.])
    >>> check_binary_target(np.array([1.0, 2.0]))
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: y must hold only 0 and 1 for the Bernoulli likelihood; got the ...
    """
    return check_outcomes(y, "bernoulli", name)


def check_counts(y: FloatArray, name: str = "y") -> FloatArray:
    """Check that ``y`` holds counts, integers ≥ 0 (the Poisson likelihood's outcomes).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.validation import check_counts
    >>> check_counts(np.array([0.0, 3.0, 1.0]))
    array([0., 3., 1.])
    >>> check_counts(np.array([0.0, 2.5]))
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: y must hold counts (integers ≥ 0) for the Poisson likelihood; ...
    """
    return check_outcomes(y, "poisson", name)


def check_offset_likelihood(offset: Any, likelihood: str) -> None:
    """Refuse an offset with any likelihood but the Poisson one, whose linear predictor
    has the known term it is (checked further by the caller).

    Examples
    --------
    >>> from bayesreg.validation import check_offset_likelihood
    >>> check_offset_likelihood([0.0, 0.5], "poisson")
    >>> check_offset_likelihood([0.0, 0.5], "gaussian")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: offset is a term of the Poisson likelihood's linear ...
    """
    if offset is not None and likelihood != "poisson":
        raise InputValueError(
            "offset is a term of the Poisson likelihood's linear predictor (the known term "
            "of the log-rate, e.g. log exposure) and belongs to likelihood='poisson' only; "
            f"got an offset with likelihood={likelihood!r}. Omit offset, or use "
            "likelihood='poisson'."
        )


def _as_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            return float(value)
        raise InputTypeError(
            f"{name} must be a real number; got {_describe(value)} of type {type(value).__name__}."
        )
    return float(value)


def _check_real(value: Any, name: str, within: Callable[[float], bool], requirement: str) -> float:
    """Return ``value`` as a float, requiring ``within(value)``.

    Raises ``InputTypeError`` if it is not a real number, ``InputValueError`` ("``name``
    must ``requirement``; got …") if it is one outside the allowed set.
    """
    number = _as_real(value, name)
    if not within(number):
        raise InputValueError(f"{name} must {requirement}; got {number!r}.")
    return number


def check_finite(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring a finite real number (of either sign).

    Examples
    --------
    >>> from bayesreg.validation import check_finite
    >>> check_finite(-2, "offset")
    -2.0
    >>> check_finite(float("inf"), "offset")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: offset must be a finite number; got inf.
    """
    return _check_real(value, name, math.isfinite, "be a finite number")


def check_finite_nonneg(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring a finite number ≥ 0.

    Examples
    --------
    >>> from bayesreg.validation import check_finite_nonneg
    >>> check_finite_nonneg(0, "alpha")
    0.0
    >>> check_finite_nonneg(-0.5, "alpha")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: alpha must be a finite number ≥ 0; got -0.5.
    """
    return _check_real(
        value, name, lambda x: math.isfinite(x) and x >= 0.0, "be a finite number ≥ 0"
    )


def check_positive(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring a finite number > 0.

    Examples
    --------
    >>> from bayesreg.validation import check_positive
    >>> check_positive(2, "noise")
    2.0
    >>> check_positive(0.0, "noise")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: noise must be a finite number > 0; got 0.0.
    """
    return _check_real(
        value, name, lambda x: math.isfinite(x) and x > 0.0, "be a finite number > 0"
    )


def check_l1_ratio(value: Any, name: str = "l1_ratio") -> float:
    """Return ``value`` as a float in [0, 1] (0 = ridge, 1 = lasso).

    Examples
    --------
    >>> from bayesreg.validation import check_l1_ratio
    >>> check_l1_ratio(1)
    1.0
    >>> check_l1_ratio(1.5)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: l1_ratio must lie in [0, 1] (0 = ridge, 1 = lasso); got 1.5.
    """
    return _check_real(
        value, name, lambda x: 0.0 <= x <= 1.0, "lie in [0, 1] (0 = ridge, 1 = lasso)"
    )


def check_tol(value: Any, name: str = "tol") -> float:
    """Return a solver tolerance: a finite number > 0.

    Examples
    --------
    >>> from bayesreg.validation import check_tol
    >>> check_tol(1e-8)
    1e-08
    >>> check_tol(0)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: tol must be a finite number > 0; got 0.0.
    """
    return check_positive(value, name)


def _check_int(value: Any, name: str, minimum: int) -> int:
    """Return ``value`` as an int, requiring an integer ≥ ``minimum`` (bool refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(
            f"{name} must be an integer ≥ {minimum}; got {_describe(value)} of type "
            f"{type(value).__name__}."
        )
    if int(value) < minimum:
        raise InputValueError(f"{name} must be an integer ≥ {minimum}; got {int(value)}.")
    return int(value)


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int, requiring an integer ≥ 1.

    Examples
    --------
    >>> from bayesreg.validation import check_positive_int
    >>> check_positive_int(5, "n_folds")
    5
    >>> check_positive_int(2.0, "n_folds")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputTypeError: n_folds must be an integer ≥ 1; got 2.0 of type float.
    """
    return _check_int(value, name, 1)


def check_nonneg_int(value: Any, name: str) -> int:
    """Return ``value`` as an int, requiring an integer ≥ 0.

    Examples
    --------
    >>> from bayesreg.validation import check_nonneg_int
    >>> check_nonneg_int(0, "tune")
    0
    >>> check_nonneg_int(-1, "tune")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: tune must be an integer ≥ 0; got -1.
    """
    return _check_int(value, name, 0)


def check_probability(value: Any, name: str) -> float:
    """Return ``value`` as a float strictly between 0 and 1.

    Examples
    --------
    >>> from bayesreg.validation import check_probability
    >>> check_probability(0.95, "level")
    0.95
    >>> check_probability(1, "level")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: level must lie strictly between 0 and 1; got 1.0.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(
            f"{name} must be a number in (0, 1); got {value!r} of type {type(value).__name__}."
        )
    number = float(value)
    if not 0.0 < number < 1.0:
        raise InputValueError(f"{name} must lie strictly between 0 and 1; got {number!r}.")
    return number


def check_seed(value: Any) -> int | np.random.Generator | None:
    """Accept ``None``, a non-negative int or a ``numpy.random.Generator`` as a seed.

    Raises
    ------
    InputTypeError
        If ``value`` is of another type (a bool or a float included).
    InputValueError
        If ``value`` is a negative integer.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.validation import check_seed
    >>> check_seed(None), check_seed(42)
    (None, 42)
    >>> isinstance(check_seed(np.random.default_rng(0)), np.random.Generator)
    True
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: random_seed must be an integer ≥ 0; got -1.
    """
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(
            "random_seed must be None, an integer ≥ 0 or a numpy.random.Generator; got "
            f"{value!r} of type {type(value).__name__}."
        )
    if int(value) < 0:
        raise InputValueError(f"random_seed must be an integer ≥ 0; got {int(value)}.")
    return int(value)


def as_generator(value: Any) -> np.random.Generator:
    """``numpy.random.default_rng(value)`` for a seed that
    :func:`~bayesreg.validation.check_seed` accepts.

    A Generator is returned as is (draws continue its stream).

    Examples
    --------
    >>> from bayesreg.validation import as_generator
    >>> bool(as_generator(0).integers(10) == as_generator(0).integers(10))
    True
    >>> as_generator(-1)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: random_seed must be an integer ≥ 0; got -1.
    """
    return np.random.default_rng(check_seed(value))


def check_choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of the ``allowed`` strings.

    Examples
    --------
    >>> from bayesreg.validation import check_choice
    >>> check_choice("bernoulli", "likelihood", ("gaussian", "bernoulli"))
    'bernoulli'
    >>> check_choice("poisson", "likelihood", ("gaussian", "bernoulli"))
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: likelihood must be one of 'gaussian', 'bernoulli'; got ...
    """
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise InputValueError(f"{name} must be one of {options}; got {_describe(value)}.")
    return value


def feature_names_of(X: Any, n_features: int) -> tuple[str, ...]:
    """Column names of a DataFrame, else ``x0, x1, ...``.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.validation import feature_names_of
    >>> feature_names_of(np.zeros((2, 3)), 3)
    ('x0', 'x1', 'x2')
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes(as_frame=True)
    >>> feature_names_of(X, X.shape[1])[:3]
    ('age', 'sex', 'bmi')
    """
    columns = getattr(X, "columns", None)
    if columns is not None and len(columns) == n_features:
        return tuple(str(c) for c in columns)
    return _default_names(n_features)


@functools.lru_cache(maxsize=8)
def _default_names(n_features: int) -> tuple[str, ...]:
    """``("x0", …, "x{p−1}")``, kept for the last few p (a wide X asks for it at every call)."""
    return tuple(f"x{j}" for j in range(n_features))


def check_alphas(values: Any, name: str = "alphas") -> FloatArray:
    """Return a grid of penalty strengths as a fresh 1-D float64 array of finite numbers ≥ 0.

    Examples
    --------
    >>> from bayesreg.validation import check_alphas
    >>> check_alphas([1.0, 0.1, 0.0])
    array([1. , 0.1, 0. ])
    >>> check_alphas(0.1)
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: alphas must be a non-empty 1-D sequence of penalty strengths; ...
    """
    array = _to_float_array(values, name)
    if array.ndim != 1 or array.shape[0] == 0:
        raise DataError(
            f"{name} must be a non-empty 1-D sequence of penalty strengths; got shape "
            f"{array.shape}. For a single value pass [alpha]."
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        bad = array[~(np.isfinite(array) & (array >= 0.0))]
        raise InputValueError(
            f"{name} must hold finite numbers ≥ 0; got {_describe(bad.tolist())} among them."
        )
    return array


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (``True``/``False``, NumPy bools included).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.validation import check_bool
    >>> check_bool(np.True_, "fit_intercept")
    True
    >>> check_bool(1, "fit_intercept")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputTypeError: fit_intercept must be True or False; got 1 of type int.
    """
    if not isinstance(value, bool | np.bool_):
        raise InputTypeError(
            f"{name} must be True or False; got {_describe(value)} of type {type(value).__name__}."
        )
    return bool(value)


def check_path_alphas(alphas: Any, *, zero_hint: str) -> FloatArray:
    """Alphas of a path: finite and > 0, returned sorted in decreasing order.

    ``zero_hint`` tells the user what to call for alpha = 0 instead.

    Examples
    --------
    >>> from bayesreg.validation import check_path_alphas
    >>> check_path_alphas([0.1, 1.0, 0.5], zero_hint="Use ridge(X, y, 0) for alpha = 0.")
    array([1. , 0.5, 0.1])
    >>> check_path_alphas([1.0, 0.0], zero_hint="Use ridge(X, y, 0) for alpha = 0.")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: alphas must all be > 0; got 1 value(s) equal to 0. Use ...
    """
    grid = check_alphas(alphas, "alphas")
    if np.any(grid <= 0.0):
        raise InputValueError(
            f"alphas must all be > 0; got {int(np.sum(grid <= 0.0))} value(s) equal to 0. "
            f"{zero_hint}"
        )
    sorted_grid: FloatArray = np.sort(grid)[::-1].copy()
    return sorted_grid


def check_grid_eps(eps: Any) -> float:
    """Ratio of the smallest to the largest alpha of a default path grid, in (0, 1).

    Examples
    --------
    >>> from bayesreg.validation import check_grid_eps
    >>> check_grid_eps(1e-3)
    0.001
    >>> check_grid_eps(1.0)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: eps must lie in (0, 1) (the ratio of the smallest to the ...
    """
    value = check_positive(eps, "eps")
    if value >= 1.0:
        raise InputValueError(
            f"eps must lie in (0, 1) (the ratio of the smallest to the largest alpha); "
            f"got {value!r}."
        )
    return value


def check_gamma_hyperprior(value: Any, name: str = "hyperprior") -> tuple[float, float]:
    """A Gamma(shape, rate) hyperprior: a pair of finite numbers > 0.

    Examples
    --------
    >>> from bayesreg.validation import check_gamma_hyperprior
    >>> check_gamma_hyperprior((1, 0.5))
    (1.0, 0.5)
    >>> check_gamma_hyperprior(1.0)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: hyperprior must be a pair (shape, rate) of a Gamma(shape, ...
    """
    try:
        shape, rate = value
    except (TypeError, ValueError):
        raise InputValueError(
            f"{name} must be a pair (shape, rate) of a Gamma(shape, rate) distribution; "
            f"got {_describe(value)}."
        ) from None
    return check_positive(shape, f"{name} shape"), check_positive(rate, f"{name} rate")


def nonnegative_entries(
    value: Any,
    size: int,
    name: str,
    per: str,
    *,
    hint: str = "",
    type_error: type[BayesregError] = DataError,
    value_error: type[InputValueError] = DataError,
) -> FloatArray:
    """``value`` as a fresh float64 vector ``v`` of ``size`` entries with ``v_j ≥ 0`` and
    every ``v_j`` finite: the check of observation weights and of penalty factors.

    ``per`` says what one entry belongs to (``"one weight per row of X"``), ``hint`` is
    appended to the message on a bad entry.

    Raises
    ------
    type_error
        If ``value`` is not numeric.
    value_error
        If its shape is not ``(size,)``, or an entry is negative, NaN or infinite (naming
        the first and counting them).

    Examples
    --------
    >>> from bayesreg.validation import nonnegative_entries
    >>> nonnegative_entries([1, 0, 2.5], 3, "sample_weight", "one weight per row of X")
    array([1. , 0. , 2.5])
    >>> nonnegative_entries([1.0, -1.0], 2, "sample_weight", "one weight per row of X")
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: sample_weight must be finite and ≥ 0 (2 finite numbers ≥ 0, ...
    """
    try:
        entries = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as error:
        raise type_error(
            f"{name} must be an array of {size} finite numbers ≥ 0 ({per}) or None; got a "
            f"value of type {type(value).__name__} that is not numeric ({error})."
        ) from None
    if entries.shape != (size,):
        raise value_error(
            f"{name} must have shape ({size},): {size} finite numbers ≥ 0, {per}; got shape "
            f"{entries.shape}."
        )
    bad = np.flatnonzero(~np.isfinite(entries) | (entries < 0.0))
    if bad.size:
        first = int(bad[0])
        raise value_error(
            f"{name} must be finite and ≥ 0 ({size} finite numbers ≥ 0, {per}); got "
            f"{name}[{first}] = {float(entries[first])!r} ({bad.size} such entries).{hint}"
        )
    return entries
