"""Observation weights: ``sample_weight`` on the least-squares and GLM solvers.

Objective (scikit-learn's): ``F(w, w0) = 1/(2Σs) Σ_i s_i (y_i − w0 − x_iᵀw)² + alpha·P(w)``.
Oracles:

* scikit-learn's ``Lasso`` / ``ElasticNet`` with the same ``alpha`` (they rescale the
  weights to sum to n and divide by 2n: the same objective) and ``Ridge`` with
  ``alpha·Σs`` (its objective ``Σ s_i r_i² + alpha_sk ||w||²`` has no 1/n);
* scikit-learn's ``LogisticRegression(C=1/(alpha·Σs))`` and ``PoissonRegressor(alpha)``
  for the GLMs (loss ``1/Σs Σ s_i ℓ_i``);
* identities needing no oracle: integer weights are replicated rows (exactly the same
  objective), a zero weight is a removed row, constant weights are no weights (bit for
  bit), a sparse X is the dense one;
* the objective written here from its definition, at the package's solution and the
  oracle's: the package's is never larger (beyond rounding).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, PoissonRegressor, Ridge

from bayesreg.core.cv import cross_validate
from bayesreg.core.data import least_squares_data
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.core.poisson import poisson, poisson_alpha_max, poisson_path
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.core.stats import SufficientStats
from bayesreg.errors import DataError

#: Agreement with scikit-learn (relative to the coefficients' size).
ORACLE_RTOL = 1e-7
#: Agreement of two exact solvers of the same problem (rounding only).
IDENTITY_RTOL = 1e-8


def _problem(seed: int, n: int = 40, p: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.standard_normal(p)
    coef = np.zeros(p)
    coef[: min(3, p)] = [1.5, -2.0, 0.7][: min(3, p)]
    y = X @ coef + 0.5 + rng.standard_normal(n)
    weights = rng.exponential(size=n)
    weights[rng.choice(n, size=3, replace=False)] = 0.0
    return X, y, weights


def _objective(X, y, s, coef, intercept, alpha, l1_ratio):  # type: ignore[no-untyped-def]
    residual = y - intercept - X @ coef
    data = float(s @ residual**2) / (2.0 * s.sum())
    penalty = l1_ratio * np.abs(coef).sum() + 0.5 * (1.0 - l1_ratio) * coef @ coef
    return data + alpha * penalty


def _close(a: np.ndarray, b: np.ndarray, rtol: float) -> bool:
    scale = max(1.0, float(np.max(np.abs(b))))
    return float(np.max(np.abs(a - b))) <= rtol * scale


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_elastic_net_matches_sklearn(fit_intercept: bool, l1_ratio: float, seed: int) -> None:
    X, y, s = _problem(seed)
    top = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept, sample_weight=s)
    alpha = 0.1 * top
    fit = elastic_net(X, y, alpha, l1_ratio, fit_intercept=fit_intercept, sample_weight=s)
    model = Lasso(alpha=alpha) if l1_ratio == 1.0 else ElasticNet(alpha=alpha, l1_ratio=l1_ratio)
    model.set_params(tol=1e-14, max_iter=1_000_000, fit_intercept=fit_intercept)
    model.fit(X, y, sample_weight=s)
    assert fit.converged
    assert _close(fit.coef, model.coef_, ORACLE_RTOL)
    assert abs(fit.intercept - model.intercept_) <= ORACLE_RTOL * max(1.0, abs(model.intercept_))
    np.testing.assert_array_equal(fit.coef == 0.0, np.abs(model.coef_) == 0.0)
    ours = _objective(X, y, s, fit.coef, fit.intercept, alpha, l1_ratio)
    theirs = _objective(X, y, s, model.coef_, model.intercept_, alpha, l1_ratio)
    assert ours <= theirs + 1e-14 * max(1.0, abs(theirs))


def test_alpha_max_is_the_weighted_threshold() -> None:
    """At alpha_max (weighted) w = 0; just below, one coefficient leaves 0."""
    X, y, s = _problem(3)
    top = alpha_max(X, y, sample_weight=s)
    xbar = s @ X / s.sum()
    ybar = s @ y / s.sum()
    expected = np.max(np.abs((X - xbar).T @ (s * (y - ybar)))) / s.sum()
    assert abs(top - expected) <= 1e-12 * expected
    assert np.all(lasso(X, y, top * (1 + 1e-9), sample_weight=s).coef == 0.0)
    assert np.any(lasso(X, y, top * (1 - 1e-6), sample_weight=s).coef != 0.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_sklearn(fit_intercept: bool) -> None:
    X, y, s = _problem(4)
    alpha = 0.3
    fit = ridge(X, y, alpha, fit_intercept=fit_intercept, sample_weight=s)
    model = Ridge(alpha=alpha * s.sum(), fit_intercept=fit_intercept, solver="cholesky")
    model.fit(X, y, sample_weight=s)
    assert _close(fit.coef, model.coef_, ORACLE_RTOL)
    assert abs(fit.intercept - model.intercept_) <= ORACLE_RTOL * max(1.0, abs(model.intercept_))
    path = ridge_path(X, y, [alpha, 0.01], fit_intercept=fit_intercept, sample_weight=s)
    assert _close(path.coefs[0], model.coef_, ORACLE_RTOL)


def test_ridge_path_loo_is_the_weighted_refit_error() -> None:
    """Weighted LOO from leverages = refitting without each row (same total penalty)."""
    X, y, s = _problem(5, n=15, p=4)
    alpha = 0.2
    path = ridge_path(X, y, [alpha], sample_weight=s)
    total = s.sum()
    errors = np.empty(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        # the same total penalty total·alpha on the remaining weight total − s_i
        refit = ridge(X[keep], y[keep], alpha * total / (total - s[i]), sample_weight=s[keep])
        errors[i] = y[i] - refit.intercept - X[i] @ refit.coef
    expected = float(s @ errors**2) / total
    assert abs(path.loo[0] - expected) <= 1e-9 * expected


def _replicate(X, y, counts):  # type: ignore[no-untyped-def]
    rows = np.repeat(np.arange(len(y)), counts)
    return X[rows], y[rows]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 12),
    p=st.integers(1, 15),
    fit_intercept=st.booleans(),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.0]),
    fraction=st.sampled_from([0.05, 0.3]),
)
def test_integer_weights_are_replicated_rows(
    seed: int, n: int, p: int, fit_intercept: bool, l1_ratio: float, fraction: float
) -> None:
    """``1/(2Σs) Σ s_i r_i²`` is the averaged loss of row i repeated s_i times (n < p too)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, 0] + rng.standard_normal(n)
    counts = rng.integers(0, 4, size=n)
    counts[0] = max(counts[0], 1)
    X_rep, y_rep = _replicate(X, y, counts)
    if l1_ratio == 0.0:
        alpha = fraction
        weighted = ridge(X, y, alpha, fit_intercept=fit_intercept, sample_weight=counts)
        replicated = ridge(X_rep, y_rep, alpha, fit_intercept=fit_intercept)
    else:
        top = alpha_max(X_rep, y_rep, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
        if not top > 0.0:
            return
        top_w = alpha_max(
            X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept, sample_weight=counts
        )
        assert abs(top_w - top) <= 1e-12 * top
        alpha = fraction * top
        weighted = elastic_net(
            X, y, alpha, l1_ratio, fit_intercept=fit_intercept, sample_weight=counts
        )
        replicated = elastic_net(X_rep, y_rep, alpha, l1_ratio, fit_intercept=fit_intercept)
        assert weighted.converged
        assert replicated.converged
        np.testing.assert_array_equal(weighted.coef == 0.0, replicated.coef == 0.0)
    assert _close(weighted.coef, replicated.coef, IDENTITY_RTOL)
    assert abs(weighted.intercept - replicated.intercept) <= IDENTITY_RTOL * max(
        1.0, abs(replicated.intercept)
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_zero_weight_removes_the_row(fit_intercept: bool) -> None:
    X, y, s = _problem(6)
    keep = s > 0
    alphas = alpha_max(X[keep], y[keep], fit_intercept=fit_intercept) * np.array([0.5, 0.05])
    weighted = lasso_path(X, y, alphas, fit_intercept=fit_intercept, sample_weight=s)
    removed = lasso_path(
        X[keep], y[keep], alphas, fit_intercept=fit_intercept, sample_weight=s[keep]
    )
    assert _close(weighted.coefs, removed.coefs, IDENTITY_RTOL)
    np.testing.assert_array_equal(weighted.coefs == 0.0, removed.coefs == 0.0)
    assert _close(weighted.intercepts, removed.intercepts, IDENTITY_RTOL)


@pytest.mark.parametrize("constant", [1.0, 2.5])
def test_constant_weights_are_bit_for_bit_no_weights(constant: float) -> None:
    X, y, _ = _problem(7)
    s = np.full(len(y), constant)
    plain = lasso_path(X, y)
    weighted = lasso_path(X, y, sample_weight=s)
    np.testing.assert_array_equal(plain.coefs, weighted.coefs)
    np.testing.assert_array_equal(plain.intercepts, weighted.intercepts)
    np.testing.assert_array_equal(plain.gaps, weighted.gaps)
    a, b = ridge(X, y, 0.1), ridge(X, y, 0.1, sample_weight=s)
    np.testing.assert_array_equal(a.coef, b.coef)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(40, 8), (15, 30)])
def test_sparse_equals_dense(fit_intercept: bool, shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(8)
    n, p = shape
    X = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.3)
    y = X[:, :3] @ [1.0, -1.0, 2.0] + 1.0 + rng.standard_normal(n)
    s = rng.exponential(size=n)
    s[:2] = 0.0
    sparse = sp.csr_matrix(X)
    for l1_ratio in (1.0, 0.3):
        alphas = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept, sample_weight=s)
        alphas = alphas * np.array([0.3, 0.03])
        dense = lasso_path(X, y, alphas, l1_ratio, fit_intercept=fit_intercept, sample_weight=s)
        from_sparse = lasso_path(
            sparse, y, alphas, l1_ratio, fit_intercept=fit_intercept, sample_weight=s
        )
        assert np.all(from_sparse.converged)
        assert _close(from_sparse.coefs, dense.coefs, IDENTITY_RTOL)
        np.testing.assert_array_equal(from_sparse.coefs == 0.0, dense.coefs == 0.0)
        assert _close(from_sparse.intercepts, dense.intercepts, IDENTITY_RTOL)
    a = ridge(X, y, 0.2, fit_intercept=fit_intercept, sample_weight=s)
    b = ridge(sparse, y, 0.2, fit_intercept=fit_intercept, sample_weight=s)
    assert _close(b.coef, a.coef, IDENTITY_RTOL)
    problem = least_squares_data(sparse, y, fit_intercept=fit_intercept, sample_weight=s)
    rows = problem.densified("test")  # type: ignore[union-attr]
    dense_problem = least_squares_data(X, y, fit_intercept=fit_intercept, sample_weight=s)
    np.testing.assert_allclose(rows.X, dense_problem.dense_rows()[0], atol=1e-13)


def test_weighted_cv_error_is_the_weighted_mse() -> None:
    """Fold errors recomputed here: fit on the training rows, weighted MSE on the held out."""
    X, y, s = _problem(9, n=60)
    alphas = alpha_max(X, y, sample_weight=s) * np.array([0.5, 0.1, 0.01])
    result = cross_validate(X, y, alphas=alphas, n_folds=3, random_seed=0, sample_weight=s)
    plain = cross_validate(X, y, alphas=alphas, n_folds=3, random_seed=0)
    assert not np.allclose(result.fold_errors, plain.fold_errors)
    # the fold assignment does not depend on the weights: recover it by refitting each fold
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    fold_of = np.empty(len(y), dtype=int)
    fold_of[order] = np.arange(len(y)) % 3
    for fold in range(3):
        held = fold_of == fold
        path = lasso_path(X[~held], y[~held], alphas, sample_weight=s[~held], tol=1e-10)
        residual = y[held, None] - path.intercepts[None, :] - X[held] @ path.coefs.T
        expected = s[held] @ residual**2 / s[held].sum()
        np.testing.assert_allclose(result.fold_errors[fold], expected, rtol=1e-9)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (np.ones(5), "shape"),
        (np.r_[-1.0, np.ones(39)], "≥ 0"),
        (np.r_[np.nan, np.ones(39)], "finite"),
        (np.r_[np.inf, np.ones(39)], "finite"),
        (np.zeros(40), "positive sum"),
        (["a"] * 40, "numeric"),
    ],
)
def test_bad_weights_raise_data_error(weights: object, match: str) -> None:
    X, y, _ = _problem(10)
    with pytest.raises(DataError, match="sample_weight") as info:
        lasso(X, y, 0.1, sample_weight=weights)
    assert match in str(info.value)


def test_refusals_name_sample_weight() -> None:
    X, y, s = _problem(11)
    stats = SufficientStats.from_arrays(X, y)
    with pytest.raises(DataError, match="sample_weight"):
        lasso(stats, None, 0.1, sample_weight=s)
    with pytest.raises(DataError, match="sample_weight"):
        cross_validate(X, (y > 0).astype(float), likelihood="bernoulli", sample_weight=-s)


# --- GLMs: L = 1/Σs Σ_i s_i ℓ_i ------------------------------------------------------


def _binary(seed: int, n: int = 60, p: int = 5):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] - X[:, 1] + rng.standard_normal(n) > 0).astype(float)
    s = rng.exponential(size=n)
    s[:4] = 0.0
    return X, y, s


def _counts(seed: int, n: int = 60, p: int = 4):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    X = 0.5 * rng.standard_normal((n, p))
    y = rng.poisson(np.exp(0.3 + X[:, 0])).astype(float)
    s = rng.exponential(size=n)
    s[:4] = 0.0
    return X, y, s


@pytest.mark.parametrize("seed", [0, 1])
def test_logistic_matches_sklearn(seed: int) -> None:
    """L2: ``LogisticRegression(C=1/(alpha·Σs))``; L1: ``l1_ratio=1`` with the same C."""
    X, y, s = _binary(seed)
    alpha = 0.03
    C = 1.0 / (alpha * s.sum())
    fit = logistic(X, y, alpha, 0.0, sample_weight=s, tol=1e-12)
    model = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    model.fit(X, y, sample_weight=s)
    assert fit.converged
    assert _close(fit.coef, model.coef_[0], ORACLE_RTOL)
    assert abs(fit.intercept - model.intercept_[0]) <= ORACLE_RTOL * max(1.0, abs(fit.intercept))
    fit = logistic(X, y, alpha, 1.0, sample_weight=s, tol=1e-12)
    model = LogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=1e-14, max_iter=100_000)
    model.fit(X, y, sample_weight=s)
    assert _close(fit.coef, model.coef_[0], ORACLE_RTOL)
    np.testing.assert_array_equal(fit.coef == 0.0, model.coef_[0] == 0.0)


def test_poisson_matches_sklearn() -> None:
    """``PoissonRegressor(alpha)`` minimizes ``1/Σs Σ s_i ½dev_i + alpha/2 ||w||²``."""
    X, y, s = _counts(2)
    alpha = 0.05
    fit = poisson(X, y, alpha, 0.0, sample_weight=s, tol=1e-12)
    model = PoissonRegressor(alpha=alpha, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    model.fit(X, y, sample_weight=s)
    assert fit.converged
    assert _close(fit.coef, model.coef_, ORACLE_RTOL)
    assert abs(fit.intercept - model.intercept_) <= ORACLE_RTOL * max(1.0, abs(fit.intercept))


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(6, 14),
    p=st.integers(1, 16),
    fit_intercept=st.booleans(),
    family=st.sampled_from(["bernoulli", "poisson"]),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.0]),
)
def test_glm_integer_weights_are_replicated_rows(
    seed: int, n: int, p: int, fit_intercept: bool, family: str, l1_ratio: float
) -> None:
    """``1/Σs Σ s_i ℓ_i`` is the averaged loss of row i repeated s_i times (n < p too)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    counts = rng.integers(0, 4, size=n)
    if family == "bernoulli":
        y = np.arange(n) % 2.0
        counts[:2] = np.maximum(counts[:2], 1)  # both classes kept
    else:
        y = rng.poisson(1.0, size=n).astype(float)
        y[0] = 1.0 + y[0]
        counts[0] = max(counts[0], 1)  # a positive count kept
    rows = np.repeat(np.arange(n), counts)
    solver = logistic if family == "bernoulli" else poisson
    alpha = 0.05
    weighted = solver(
        X, y, alpha, l1_ratio, fit_intercept=fit_intercept, sample_weight=counts, tol=1e-12
    )
    replicated = solver(X[rows], y[rows], alpha, l1_ratio, fit_intercept=fit_intercept, tol=1e-12)
    assert weighted.converged
    assert replicated.converged
    # both certified to KKT ≤ 1e-12 relative: coefficients agree far below 1e-6
    assert _close(weighted.coef, replicated.coef, 1e-6)
    assert abs(weighted.intercept - replicated.intercept) <= 1e-6 * max(
        1.0, abs(replicated.intercept)
    )
    assert abs(weighted.objective - replicated.objective) <= 1e-10 * max(
        1.0, abs(replicated.objective)
    )


def test_glm_zero_weight_and_constant_weights() -> None:
    X, y, s = _binary(3)
    keep = s > 0
    a = logistic(X, y, 0.02, sample_weight=s)
    b = logistic(X[keep], y[keep], 0.02, sample_weight=s[keep])
    np.testing.assert_array_equal(a.coef, b.coef)
    plain = logistic(X, y, 0.02)
    ones = logistic(X, y, 0.02, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(plain.coef, ones.coef)
    Xc, yc, sc = _counts(4)
    np.testing.assert_array_equal(
        poisson_path(Xc, yc, n_alphas=5).coefs,
        poisson_path(Xc, yc, n_alphas=5, sample_weight=np.full(len(yc), 3.0)).coefs,
    )
    top = logistic_alpha_max(X, y, sample_weight=s)
    xbar_free = X.T @ (s * (s @ y / s.sum() - y)) / s.sum()
    assert abs(top - np.max(np.abs(xbar_free))) <= 1e-12 * top
    path = logistic_path(X, y, n_alphas=4, sample_weight=s)
    assert path.alpha_max == top
    assert np.all(path.coefs[0] == 0.0)
    assert poisson_alpha_max(Xc, yc, sample_weight=sc) > 0.0


def test_glm_sparse_weights_equal_dense() -> None:
    X, y, s = _binary(5)
    X[np.abs(X) < 0.7] = 0.0
    a = logistic(X, y, 0.02, 0.5, sample_weight=s, tol=1e-12)
    b = logistic(sp.csr_matrix(X), y, 0.02, 0.5, sample_weight=s, tol=1e-12)
    assert _close(b.coef, a.coef, 1e-8)
    np.testing.assert_array_equal(a.coef == 0.0, b.coef == 0.0)


def test_glm_weight_errors() -> None:
    X, y, s = _binary(6)
    with pytest.raises(DataError, match="sample_weight"):
        logistic(X, y, 0.1, sample_weight=-s)
    only_ones = np.where(y == 1.0, 1.0, 0.0)
    with pytest.raises(DataError, match="only the class"):
        logistic(X, y, 0.1, sample_weight=only_ones)  # the zero-weight rows are dropped
    Xc, yc, _ = _counts(7)
    with pytest.raises(DataError, match="sample_weight"):
        poisson(Xc, yc, 0.1, sample_weight=np.ones(3))
