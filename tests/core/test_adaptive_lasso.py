"""The adaptive lasso: the lasso with factors 1/|ŵ_j|^γ, checked by the classical identity.

With ``s_j = |ŵ_j|^γ`` the adaptive lasso on X equals the plain lasso on ``X diag(s)``
with ``w = s ⊙ c`` (substitute ``w_j = s_j c_j``). The plain lasso there is solved by
scikit-learn's ``Lasso`` (an independent oracle) and by the package's own ``lasso``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso

from bayesreg.core.adaptive import adaptive_lasso
from bayesreg.core.enet_path import alpha_max
from bayesreg.core.enet_solver import lasso
from bayesreg.core.ridge import ridge
from bayesreg.errors import DataError, InputValueError
from bayesreg.priors import LaplacePrior

#: Agreement with the rescaled lasso (same solver), relative to the largest coefficient.
IDENTITY_RTOL = 1e-9
#: Agreement with scikit-learn's coordinate descent, relative to the largest coefficient.
SKLEARN_RTOL = 1e-7


def _data(seed: int = 0, n: int = 80, p: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:3] = [2.0, -1.0, 0.5]
    return X, X @ w + 1.0 + 0.5 * rng.standard_normal(n)


@pytest.mark.parametrize("initial", ["ridge", "ols", "given"])
@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_equals_the_lasso_on_the_rescaled_design(initial, gamma, fit_intercept):
    X, y = _data()
    given = np.linspace(-1.0, 1.5, X.shape[1])
    choice = given if initial == "given" else initial
    alpha = 0.02
    result = adaptive_lasso(X, y, alpha, gamma=gamma, initial=choice, fit_intercept=fit_intercept)
    if initial == "ridge":
        expected_initial = ridge(X, y, alpha, fit_intercept=fit_intercept).coef
    elif initial == "ols":
        Xc = X - X.mean(axis=0) if fit_intercept else X
        yc = y - y.mean() if fit_intercept else y
        expected_initial = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    else:
        expected_initial = given
    assert np.allclose(result.initial_coef, expected_initial, rtol=1e-10, atol=1e-12)
    scales = np.abs(result.initial_coef) ** gamma
    assert np.allclose(result.weights, 1.0 / scales, rtol=1e-15)
    plain = lasso(X * scales, y, alpha, fit_intercept=fit_intercept)
    expected = scales * plain.coef
    size = np.max(np.abs(expected))
    assert np.max(np.abs(result.fit.coef - expected)) <= IDENTITY_RTOL * size
    assert abs(result.fit.intercept - plain.intercept) <= IDENTITY_RTOL * max(size, 1.0)
    assert np.array_equal(result.fit.coef == 0.0, expected == 0.0)
    assert result.fit.objective == pytest.approx(plain.objective, rel=1e-10)
    oracle = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-15, max_iter=1_000_000)
    reference = scales * oracle.fit(X * scales, y).coef_
    assert np.max(np.abs(result.fit.coef - reference)) <= SKLEARN_RTOL * size
    assert result.fit.converged


def test_zero_initial_coefficients_are_dropped():
    X, y = _data(1)
    given = np.linspace(0.5, 1.5, X.shape[1])
    given[[2, 5]] = 0.0
    result = adaptive_lasso(X, y, 0.01, initial=given)
    assert np.all(np.isinf(result.weights[[2, 5]]))
    assert np.all(result.fit.coef[[2, 5]] == 0.0)
    keep = np.delete(np.arange(X.shape[1]), [2, 5])
    plain = lasso(X[:, keep] * given[keep], y, 0.01)
    expected = given[keep] * plain.coef
    assert np.max(np.abs(result.fit.coef[keep] - expected)) <= IDENTITY_RTOL * np.max(
        np.abs(expected)
    )


def test_sparse_design_gives_the_dense_answer():
    X, y = _data(2)
    X[np.abs(X) < 0.6] = 0.0
    dense = adaptive_lasso(X, y, 0.02, initial="ols")
    for form in (sp.csr_matrix(X), sp.csc_matrix(X)):
        sparse = adaptive_lasso(form, y, 0.02, initial="ols")
        assert np.max(np.abs(sparse.fit.coef - dense.fit.coef)) <= 1e-9 * np.max(
            np.abs(dense.fit.coef)
        )
        assert np.array_equal(sparse.fit.coef == 0.0, dense.fit.coef == 0.0)


def test_it_is_the_map_under_laplace_priors_with_data_chosen_scales():
    # b_j = σ²|ŵ_j|^γ/(n alpha): LaplacePrior(scale=b).penalized_fit is the same problem.
    X, y = _data(3)
    noise = 0.5
    result = adaptive_lasso(X, y, 0.03, gamma=1.0, initial="ols")
    scales = result.prior_scales(len(y), noise)
    assert np.allclose(scales, noise**2 * np.abs(result.initial_coef) / (len(y) * 0.03))
    fit = LaplacePrior(scale=scales).penalized_fit(X, y, noise=noise)
    size = np.max(np.abs(fit.coef))
    assert np.max(np.abs(fit.coef - result.fit.coef)) <= 1e-9 * size
    assert np.array_equal(fit.coef == 0.0, result.fit.coef == 0.0)


def test_bad_arguments_are_refused():
    X, y = _data(4, n=10, p=12)
    with pytest.raises(InputValueError, match=r"initial='ols'.*n = 10, p = 12"):
        adaptive_lasso(X, y, 0.1, initial="ols")
    with pytest.raises(InputValueError, match=r"initial must be one of.*'lars'"):
        adaptive_lasso(X, y, 0.1, initial="lars")
    with pytest.raises(InputValueError, match="initial must have one entry per column"):
        adaptive_lasso(X, y, 0.1, initial=np.ones(3))
    with pytest.raises(InputValueError, match="gamma"):
        adaptive_lasso(X, y, 0.1, gamma=0.0)
    with pytest.raises(DataError, match="0 for every coefficient"):
        adaptive_lasso(X, y, 0.1, initial=np.zeros(12))
    # n < p works with the ridge start
    top = alpha_max(X, y)
    assert adaptive_lasso(X, y, 0.1 * top).fit.converged
