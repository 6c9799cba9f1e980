"""A scipy.sparse X with ``sample_weight`` and ``penalty_factor`` together.

Objective: ``1/(2Σs) Σ_i s_i (y_i − w0 − x_iᵀw)² + alpha·Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]``.
The sparse X is never densified when every factor is > 0 (the reduced problem is the
weighted sparse rows with scaled columns) and goes through ``XcᵀSXc`` (n ≥ p) or a
bounded dense copy (n < p) with zero factors, as without weights.

Oracles: the same call on the dense X (a different road: the weights folded into dense
rows, residualized by QR); scikit-learn's ``Lasso(alpha).fit(X_v, y, sample_weight=s)``
on the columns ``X_j/v_j`` (pure L1: ``w_j = coef_j/v_j``); for ridge on a sparse X wide
enough for conjugate gradients, the closed form in the dual,
``u = Aᵀ(AAᵀ + nα I)⁻¹ỹ``, ``w = u/√v``, with ``A`` the weighted centered rows scaled by
``1/√v``.

Tolerances: ``IDENTITY_RTOL = 1e-8`` relative to the largest coefficient between two
exact solvers of the same problem (observed ≤ 1e-13); ``ORACLE_RTOL = 1e-7`` against
scikit-learn at ``tol=1e-12``; ``CG_RTOL = 1e-6`` for conjugate gradients, whose forward
error the solver bounds by ``CG_COEF_RTOL·||w||``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.linear_model import Lasso

from bayesreg.core._penalty_factor import factor_problem
from bayesreg.core.data import SparseRows, least_squares_data
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import MAX_GRAM_FEATURES, ridge

FloatArray = NDArray[np.float64]

IDENTITY_RTOL = 1e-8
ORACLE_RTOL = 1e-7
CG_RTOL = 1e-6


def sparse_problem(
    n: int, p: int, seed: int, density: float = 0.4
) -> tuple[Any, FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=rng) * 3.0
    y = np.asarray(X[:, :3] @ [1.0, -1.0, 2.0]).ravel() + 1.0 + rng.standard_normal(n)
    weights = rng.exponential(size=n)
    weights[:2] = 0.0
    return X, y, weights


def assert_close(a: FloatArray, b: FloatArray, rtol: float) -> None:
    scale = max(1.0, float(np.max(np.abs(b))))
    assert float(np.max(np.abs(a - b))) <= rtol * scale


def factors(p: int, with_zeros: bool) -> FloatArray:
    values = np.linspace(0.3, 2.0, p)
    if with_zeros:
        values[[0, 3]] = 0.0
    return values


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("with_zeros", [False, True])
@pytest.mark.parametrize("shape", [(40, 8), (15, 30)])
def test_sparse_equals_dense(fit_intercept: bool, with_zeros: bool, shape: tuple[int, int]) -> None:
    X, y, s = sparse_problem(*shape, seed=shape[1], density=0.5)
    dense = X.toarray()
    v = factors(shape[1], with_zeros)
    options: dict[str, Any] = {
        "fit_intercept": fit_intercept, "penalty_factor": v, "sample_weight": s,
    }  # fmt: skip
    for l1_ratio in (1.0, 0.4):
        top = alpha_max(X, y, l1_ratio=l1_ratio, **options)
        assert top == pytest.approx(alpha_max(dense, y, l1_ratio=l1_ratio, **options), rel=1e-12)
        alphas = top * np.array([0.5, 0.05])
        from_sparse = lasso_path(X, y, alphas, l1_ratio, **options)
        from_dense = lasso_path(dense, y, alphas, l1_ratio, **options)
        assert np.all(from_sparse.converged)
        assert_close(from_sparse.coefs, from_dense.coefs, IDENTITY_RTOL)
        np.testing.assert_array_equal(from_sparse.coefs == 0.0, from_dense.coefs == 0.0)
        assert_close(from_sparse.intercepts, from_dense.intercepts, IDENTITY_RTOL)
        a = elastic_net(X, y, alphas[1], l1_ratio, **options)
        b = elastic_net(dense, y, alphas[1], l1_ratio, **options)
        assert a.converged
        assert_close(a.coef, b.coef, IDENTITY_RTOL)
        assert a.objective == pytest.approx(b.objective, rel=1e-10)
    a, b = ridge(X, y, 0.3, **options), ridge(dense, y, 0.3, **options)
    assert_close(a.coef, b.coef, IDENTITY_RTOL)
    assert a.intercept == pytest.approx(b.intercept, rel=IDENTITY_RTOL, abs=IDENTITY_RTOL)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_weighted_factored_lasso_matches_sklearn(fit_intercept: bool) -> None:
    X, y, s = sparse_problem(60, 10, seed=3)
    v = factors(10, with_zeros=False)
    alpha = 0.05 * alpha_max(X, y, penalty_factor=v, sample_weight=s, fit_intercept=fit_intercept)
    fit = lasso(X, y, alpha, penalty_factor=v, sample_weight=s, fit_intercept=fit_intercept)
    model = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=1_000_000)
    model.fit(X.toarray() / v, y, sample_weight=s)
    assert_close(fit.coef, model.coef_ / v, ORACLE_RTOL)
    assert fit.intercept == pytest.approx(model.intercept_, rel=ORACLE_RTOL, abs=ORACLE_RTOL)


def test_positive_factors_keep_the_weighted_sparse_rows() -> None:
    """The reduced problem is sparse, carries √s̃, and its products are the dense ones."""
    X, y, s = sparse_problem(30, 12, seed=4)
    v = factors(12, with_zeros=False)
    problem = least_squares_data(X, y, fit_intercept=True, sample_weight=s)
    reduced = factor_problem(problem, v).problem
    assert isinstance(reduced, SparseRows)
    assert sp.issparse(reduced.X)
    assert reduced.row_scale is not None
    dense = least_squares_data(X.toarray(), y, fit_intercept=True, sample_weight=s)
    Xc = dense.dense_rows()[0] / np.sqrt(v)
    probe = np.random.default_rng(4).standard_normal(12)
    np.testing.assert_allclose(reduced.matvec(probe), Xc @ probe, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(reduced.gram(), Xc.T @ Xc, rtol=1e-12, atol=1e-11)


def test_wide_sparse_ridge_by_conjugate_gradients() -> None:
    """p > MAX_GRAM_FEATURES: the weighted, factored problem solved by CG, checked in the dual."""
    n, p = 60, MAX_GRAM_FEATURES + 10
    X, y, s = sparse_problem(n, p, seed=5, density=0.003)
    v = np.random.default_rng(5).uniform(0.5, 2.0, p)
    alpha = 0.05
    fit = ridge(X, y, alpha, penalty_factor=v, sample_weight=s)
    assert fit.converged
    assert fit.n_iter > 1
    folded = n * s / s.sum()
    x_mean, y_mean = folded @ X.toarray() / n, float(folded @ y) / n
    rows = np.sqrt(folded)[:, None] * (X.toarray() - x_mean) / np.sqrt(v)
    target = np.sqrt(folded) * (y - y_mean)
    dual = np.linalg.solve(rows @ rows.T + n * alpha * np.eye(n), target)
    expected = (rows.T @ dual) / np.sqrt(v)
    assert_close(fit.coef, expected, CG_RTOL)
    assert fit.intercept == pytest.approx(y_mean - x_mean @ expected, rel=CG_RTOL, abs=CG_RTOL)
