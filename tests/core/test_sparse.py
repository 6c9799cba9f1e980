"""Sparse X through the least-squares solvers: scikit-learn oracles and dense equality.

Every solver minimizes ``1/(2n)||y − w0 − Xw||² + alpha·P(w)`` with the centering implicit
for a sparse X (``Xc v = Xv − 1 x̄ᵀv``); its solution must equal scikit-learn's on the same
sparse matrix (``fit_intercept=True``) to 1e-8 with identical zeros, and the dense
solution to rounding.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from numpy.typing import NDArray
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from bayesreg.core.cv import cross_validate
from bayesreg.core.data import SparseRows, least_squares_data
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import ridge, ridge_alphas, ridge_path
from bayesreg.core.solve import penalized_solve
from bayesreg.errors import DataError, InputTypeError

FloatArray = NDArray[np.float64]
# The module, not the function bayesreg.core re-exports under the same name.
ridge_module = importlib.import_module("bayesreg.core.ridge")
ORACLE_TOL = 1e-8


def sparse_problem(
    n: int, p: int, density: float, seed: int, fmt: str = "csr"
) -> tuple[Any, FloatArray]:
    """A random sparse design, a sparse true w (min(20, p) non-zeros), noise and an offset of 1."""
    rng = np.random.default_rng(seed)
    X = scipy.sparse.random(n, p, density=density, format=fmt, random_state=rng)
    coef = np.zeros(p)
    support = min(20, p)
    coef[rng.choice(p, support, replace=False)] = 3.0 * rng.standard_normal(support)
    y = X @ coef + 0.1 * rng.standard_normal(n) + 1.0
    return X, y


@pytest.fixture(scope="module")
def moderate() -> tuple[Any, FloatArray]:
    return sparse_problem(2000, 5000, 2e-3, seed=3)


@pytest.mark.parametrize("ratio", [10.0, 100.0])
def test_lasso_matches_sklearn_on_sparse_x(moderate: tuple[Any, FloatArray], ratio: float) -> None:
    X, y = moderate
    alpha = alpha_max(X, y) / ratio
    fit = lasso(X, y, alpha)
    oracle = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    assert fit.converged
    assert np.max(np.abs(fit.coef - oracle.coef_)) <= ORACLE_TOL
    assert abs(fit.intercept - oracle.intercept_) <= ORACLE_TOL
    assert np.array_equal(fit.coef == 0.0, oracle.coef_ == 0.0)


def test_elastic_net_matches_sklearn_on_sparse_csc(moderate: tuple[Any, FloatArray]) -> None:
    X, y = moderate
    X_csc = X.tocsc()
    alpha = alpha_max(X_csc, y, l1_ratio=0.5) / 20.0
    fit = elastic_net(X_csc, y, alpha, 0.5)
    oracle = ElasticNet(alpha=alpha, l1_ratio=0.5, tol=1e-12, max_iter=100_000).fit(X_csc, y)
    assert np.max(np.abs(fit.coef - oracle.coef_)) <= ORACLE_TOL
    assert abs(fit.intercept - oracle.intercept_) <= ORACLE_TOL
    assert np.array_equal(fit.coef == 0.0, oracle.coef_ == 0.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_and_dense_lasso_agree(fit_intercept: bool) -> None:
    X, y = sparse_problem(200, 400, 0.02, seed=5)
    alpha = alpha_max(X, y, fit_intercept=fit_intercept) / 20.0
    sparse_fit = lasso(X, y, alpha, fit_intercept=fit_intercept)
    dense_fit = lasso(X.toarray(), y, alpha, fit_intercept=fit_intercept)
    assert np.max(np.abs(sparse_fit.coef - dense_fit.coef)) <= 1e-10
    assert abs(sparse_fit.intercept - dense_fit.intercept) <= 1e-10
    assert np.array_equal(sparse_fit.coef == 0.0, dense_fit.coef == 0.0)


@pytest.mark.parametrize("shape", [(300, 40), (60, 200)])
def test_sparse_and_dense_lasso_path_agree(shape: tuple[int, int]) -> None:
    X, y = sparse_problem(*shape, density=0.05, seed=7)
    sparse_path = lasso_path(X, y, n_alphas=15)
    dense_path = lasso_path(X.toarray(), y, n_alphas=15)
    assert sparse_path.converged.all()
    assert sparse_path.alpha_max == pytest.approx(dense_path.alpha_max, rel=1e-14)
    assert np.max(np.abs(sparse_path.coefs - dense_path.coefs)) <= 1e-9
    assert np.array_equal(sparse_path.coefs == 0.0, dense_path.coefs == 0.0)


def test_ridge_matches_sklearn_on_sparse_x() -> None:
    X, y = sparse_problem(300, 50, 0.1, seed=11)
    alpha = 0.01
    fit = ridge(X, y, alpha)
    # scikit-learn's Ridge(A) minimizes ||y − Xw||² + A||w||², so A = n·alpha.
    oracle = Ridge(alpha=300 * alpha, solver="sparse_cg", tol=1e-14, max_iter=100_000).fit(X, y)
    assert fit.converged
    assert np.max(np.abs(fit.coef - oracle.coef_)) <= ORACLE_TOL
    assert abs(fit.intercept - oracle.intercept_) <= ORACLE_TOL
    dense = ridge(X.toarray(), y, alpha)
    assert np.max(np.abs(fit.coef - dense.coef)) <= 1e-10


def test_sparse_ridge_path_equals_the_dense_one_without_loo() -> None:
    X, y = sparse_problem(200, 30, 0.1, seed=13)
    alphas = [1.0, 0.1, 0.01, 0.0]
    sparse_path = ridge_path(X, y, alphas)
    dense_path = ridge_path(X.toarray(), y, alphas)
    assert sparse_path.converged.all()
    assert np.max(np.abs(sparse_path.coefs - dense_path.coefs)) <= 1e-9
    assert np.allclose(sparse_path.gcv, dense_path.gcv, rtol=1e-9)
    assert np.all(np.isnan(sparse_path.loo))
    assert np.allclose(
        ridge_alphas(X, n_alphas=5), ridge_alphas(X.toarray(), n_alphas=5), rtol=1e-8
    )


def test_ridge_refuses_a_sparse_gram_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = sparse_problem(100, 40, 0.1, seed=17)
    monkeypatch.setattr(ridge_module, "MAX_GRAM_FEATURES", 30)
    with pytest.raises(DataError, match=r"40 × 40 Gram matrix.*lasso or elastic_net"):
        ridge_path(X, y, [1.0])


def test_cross_validate_and_penalized_solve_on_sparse_x() -> None:
    X, y = sparse_problem(200, 60, 0.05, seed=19)
    for l1_ratio in (1.0, 0.0):
        sparse_cv = cross_validate(X, y, l1_ratio=l1_ratio, n_alphas=8, n_folds=4, random_seed=1)
        dense_cv = cross_validate(
            X.toarray(), y, l1_ratio=l1_ratio, n_alphas=8, n_folds=4, random_seed=1
        )
        assert np.allclose(sparse_cv.alphas, dense_cv.alphas, rtol=1e-10)
        assert np.allclose(sparse_cv.mean_error, dense_cv.mean_error, rtol=1e-9)
    for l1_ratio in (0.0, 0.5):
        fit = penalized_solve(X, y, 0.01, l1_ratio)
        dense = penalized_solve(X.toarray(), y, 0.01, l1_ratio)
        assert np.max(np.abs(fit.coef - dense.coef)) <= 1e-10


def test_sparse_x_is_neither_copied_nor_modified() -> None:
    X, y = sparse_problem(50, 30, 0.1, seed=23)
    before = X.copy()
    problem = least_squares_data(X, y, fit_intercept=True)
    assert problem.kind == "sparse"
    assert isinstance(problem, SparseRows)
    assert problem.X is X
    lasso(X, y, 0.01)
    assert (before != X).nnz == 0


def test_sparse_integer_x_is_converted_to_float64() -> None:
    X, y = sparse_problem(80, 20, 0.2, seed=29)
    X_int = scipy.sparse.csr_matrix(np.rint(10.0 * X.toarray()).astype(np.int64))
    fit = lasso(X_int, y, 0.01)
    dense = lasso(X_int.toarray(), y, 0.01)
    assert np.max(np.abs(fit.coef - dense.coef)) <= 1e-10


def test_sparse_input_errors_name_the_parameter() -> None:
    X, y = sparse_problem(40, 10, 0.3, seed=31)
    with pytest.raises(InputTypeError, match=r"X is a scipy\.sparse matrix in COO format.*tocsr"):
        lasso(X.tocoo(), y, 0.1)
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(DataError, match="X contains 1 NaN"):
        ridge(bad, y, 0.1)
