"""Penalized logistic regression on a scipy.sparse X, never densified.

Oracles: scikit-learn ``LogisticRegression`` fitted on the same sparse matrix (saga for L1
and elastic net, newton-cholesky for L2; the penalty converted by
``bayesreg.core.conventions.from_sklearn_logistic``), to 1e-8 with identical zeros; and
bayesreg's own fit of the dense copy of X. A CSC subclass whose ``toarray`` and
``todense`` raise (scipy.sparse has no ``__array__``, so NumPy cannot densify it
implicitly) shows that the solver never densifies X.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from numpy.typing import NDArray
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from bayesreg.core.conventions import from_sklearn_logistic
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.errors import DataError, InputTypeError

FloatArray = NDArray[np.float64]

# Agreement with scikit-learn (both certified far below this) and with the dense fit.
SKLEARN_ATOL = 1e-8
DENSE_ATOL = 1e-12


def sparse_problem(
    n: int, p: int, *, seed: int, density: float = 0.1, fmt: str = "csr"
) -> tuple[Any, FloatArray]:
    """A sparse design with nonnegative counts-like entries, y ~ Bernoulli."""
    rng = np.random.default_rng(seed)
    X = scipy.sparse.random(n, p, density=density, random_state=seed, format=fmt) * 3.0
    truth = np.zeros(p)
    truth[:5] = [2.0, -2.0, 1.5, -1.0, 1.0]
    y = (rng.random(n) < expit(np.asarray(X @ truth) - 0.3)).astype(float)
    y[:2] = [0.0, 1.0]
    return X, y


class DensifyGuard(scipy.sparse.csc_matrix):  # type: ignore[misc]
    """A CSC matrix that refuses to become dense, and so do its column slices.

    Products keep the class too; an n × n one (the kernel X Xᵀ, never X itself) may.
    """

    def _refuse(self) -> None:
        if self.shape[0] != self.shape[1]:
            raise AssertionError(f"a {self.shape} block of X was densified")

    def toarray(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse()
        return super().toarray(*args, **kwargs)

    def todense(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse()
        return super().todense(*args, **kwargs)


def sklearn_fit(
    X: Any, y: FloatArray, C: float, l1_ratio: float, fit_intercept: bool
) -> tuple[FloatArray, float]:
    solver = "newton-cholesky" if l1_ratio == 0.0 else "saga"
    model = LogisticRegression(
        C=C, l1_ratio=l1_ratio, solver=solver, fit_intercept=fit_intercept, tol=1e-15,
        max_iter=200_000,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # agreement is what is checked
        model.fit(X, y)
    return model.coef_[0].copy(), float(model.intercept_[0]) if fit_intercept else 0.0


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("l1_ratio", "C"), [(1.0, 0.5), (0.5, 0.5), (0.0, 0.1)])
def test_matches_sklearn_on_the_same_sparse_matrix(
    fmt: str, fit_intercept: bool, l1_ratio: float, C: float
) -> None:
    X, y = sparse_problem(300, 60, seed=1, fmt=fmt)
    alpha, ratio = from_sklearn_logistic(C, X.shape[0], l1_ratio)
    fit = logistic(X, y, alpha, ratio, fit_intercept=fit_intercept)
    assert fit.converged
    coef, intercept = sklearn_fit(X, y, C, l1_ratio, fit_intercept)
    np.testing.assert_allclose(fit.coef, coef, rtol=0, atol=SKLEARN_ATOL)
    assert abs(fit.intercept - intercept) <= SKLEARN_ATOL
    np.testing.assert_array_equal(fit.coef == 0.0, coef == 0.0)
    if l1_ratio > 0.0:
        assert 0 < fit.n_nonzero < 60
    dense = logistic(X.toarray(), y, alpha, ratio, fit_intercept=fit_intercept)
    np.testing.assert_allclose(fit.coef, dense.coef, rtol=0, atol=DENSE_ATOL)
    np.testing.assert_array_equal(fit.coef == 0.0, dense.coef == 0.0)


@pytest.mark.parametrize(
    ("n", "p", "l1_ratio", "alpha"),
    [
        (200, 50, 1.0, 0.01),  # working sets, dense Hessian blocks of sparse columns
        (200, 50, 0.0, 0.01),  # Newton on all columns
        (40, 120, 0.0, 0.01),  # p > n: the n×n Woodbury form
        (200, 20, 0.0, 0.0),  # the maximum-likelihood estimate (its rank check)
    ],
)
def test_x_is_never_densified(n: int, p: int, l1_ratio: float, alpha: float) -> None:
    X, y = sparse_problem(n, p, seed=2, density=0.3, fmt="csc")
    guarded = DensifyGuard(X)
    fit = logistic(guarded, y, alpha, l1_ratio)
    assert fit.converged
    dense = logistic(X.toarray(), y, alpha, l1_ratio)
    np.testing.assert_allclose(fit.coef, dense.coef, rtol=0, atol=1e-10)


def test_path_and_alpha_max_match_the_dense_ones() -> None:
    X, y = sparse_problem(250, 40, seed=3)
    assert logistic_alpha_max(X, y) == pytest.approx(logistic_alpha_max(X.toarray(), y))
    sparse_path = logistic_path(X, y, n_alphas=8, l1_ratio=0.8)
    dense_path = logistic_path(X.toarray(), y, n_alphas=8, l1_ratio=0.8)
    assert sparse_path.converged.all()
    np.testing.assert_allclose(sparse_path.alphas, dense_path.alphas, rtol=1e-14)
    np.testing.assert_allclose(sparse_path.coefs, dense_path.coefs, rtol=0, atol=DENSE_ATOL)
    np.testing.assert_array_equal(sparse_path.coefs == 0.0, dense_path.coefs == 0.0)


def test_maximum_likelihood_checks_work_on_sparse_x() -> None:
    X, y = sparse_problem(200, 6, seed=4, density=0.5)
    dependent = scipy.sparse.hstack((X, X[:, [0]] + X[:, [1]]), format="csr")
    with pytest.raises(DataError, match="not unique"):
        logistic(dependent, y, 0.0)
    separable = (np.asarray(X[:, 0].todense()).ravel() > 0.5).astype(float)
    with pytest.raises(DataError, match="does not exist"):
        logistic(X, separable, 0.0)


def test_input_is_not_modified_and_other_formats_are_refused() -> None:
    X, y = sparse_problem(100, 10, seed=5)
    before = X.copy()
    logistic(X, y, 0.01, 0.5)
    assert X.format == "csr"
    np.testing.assert_array_equal(X.data, before.data)
    np.testing.assert_array_equal(X.indices, before.indices)
    with pytest.raises(InputTypeError, match="CSR or CSC"):
        logistic(X.tocoo(), y, 0.01)
