"""A scipy.sparse X through the posterior layer, against the same X dense.

With n ≥ p (and p ≤ MAX_GRAM_FEATURES) the posterior tools read a sparse X through
``XcᵀXc`` formed from sparse products, as they read sufficient statistics; the exact
posterior, the Gibbs draws (same seed, same random variates) and the ridge evidence then
equal those of the dense X up to the rounding of the Gram matrix. With p > n the Gibbs
algorithm of Bhattacharya et al. works on the rows: a sparse X is copied densely when
n·p ≤ DENSE_COPY_LIMIT, and refused with a DataError naming X and its shape otherwise.
"""

from __future__ import annotations

from typing import Any

import arviz as az
import numpy as np
import pytest
import scipy.sparse
from numpy.typing import NDArray

from bayesreg.core.data import DENSE_COPY_LIMIT
from bayesreg.core.ridge import MAX_GRAM_FEATURES
from bayesreg.errors import DataError
from bayesreg.posterior import (
    GibbsPrior,
    bayesian_path,
    empirical_bayes,
    gaussian_posterior,
    gibbs_sample,
    lasso_mcem,
    ridge_effective_dof,
    ridge_evidence,
    sample_posterior,
    shrinkage_summary,
)
from bayesreg.priors import GaussianPrior, LaplacePrior

FloatArray = NDArray[np.float64]
GIBBS: dict[str, Any] = {
    "draws": 400,
    "tune": 100,
    "chains": 2,
    "random_seed": 7,
    "progressbar": False,
}


def sparse_problem(
    n: int, p: int, density: float, seed: int, fmt: str = "csr"
) -> tuple[Any, FloatArray]:
    """A random sparse X (values in [0, 1), so columns have non-zero means), y with offset 2."""
    rng = np.random.default_rng(seed)
    matrix = scipy.sparse.random(n, p, density=density, format="csr", random_state=rng)
    X = matrix if fmt == "csr" else matrix.tocsc()
    coef = np.zeros(p)
    coef[: min(p, 4)] = [2.0, -1.5, 1.0, 0.5][: min(p, 4)]
    y = X @ coef + 0.5 * rng.standard_normal(n) + 2.0
    return X, y


def relative(a: FloatArray, b: FloatArray) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def mcse(draws: FloatArray) -> FloatArray:
    """Monte Carlo standard error of the mean of each coefficient, from its ESS (ArviZ)."""
    return np.array([az.mcse(draws[..., j]) for j in range(draws.shape[-1])])


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(200, 30), (25, 40)])
def test_exact_posterior_from_sparse_equals_dense(
    fmt: str, fit_intercept: bool, shape: tuple[int, int]
) -> None:
    X, y = sparse_problem(*shape, density=0.2, seed=1, fmt=fmt)
    options: dict[str, Any] = {"scale": 0.7, "noise": 0.5, "fit_intercept": fit_intercept}
    sparse = gaussian_posterior(X, y, **options)
    dense = gaussian_posterior(X.toarray(), y, **options)
    assert relative(sparse.mean, dense.mean) <= 1e-10
    assert relative(sparse.covariance, dense.covariance) <= 1e-10
    assert sparse.intercept_mean == pytest.approx(dense.intercept_mean, rel=1e-10, abs=1e-12)
    assert sparse.intercept_variance == pytest.approx(dense.intercept_variance, rel=1e-10)
    assert sparse.alpha == dense.alpha


def test_sample_posterior_exact_from_sparse_equals_dense() -> None:
    X, y = sparse_problem(150, 20, density=0.25, seed=2)
    options: dict[str, Any] = {"noise": 0.5, "method": "exact", "draws": 200, "random_seed": 3}
    sparse = sample_posterior(X, y, GaussianPrior(0.7), **options)
    dense = sample_posterior(X.toarray(), y, GaussianPrior(0.7), **options)
    for name in ("coef", "intercept"):
        a, b = sparse.posterior[name].to_numpy(), dense.posterior[name].to_numpy()
        assert relative(a, b) <= 1e-10
    np.testing.assert_array_equal(sparse.observed_data["y_obs"], dense.observed_data["y_obs"])


@pytest.mark.parametrize(
    ("prior", "noise"),
    [
        (GibbsPrior.bayesian_lasso(2.0), None),  # (w, σ²) jointly given τ
        (GibbsPrior.laplace(0.5), 0.5),  # w | σ, then τ
        (GibbsPrior(l1=1.0, l2=0.5), None),  # elastic net, σ² | w
    ],
)
def test_gibbs_from_sparse_agrees_with_dense(prior: GibbsPrior, noise: float | None) -> None:
    """n ≥ p: the same seed gives the same random variates, so the chains agree draw by
    draw up to the rounding of XcᵀXc (sparse products against dense BLAS); the posterior
    means then agree far within their Monte Carlo error."""
    X, y = sparse_problem(200, 15, density=0.3, seed=4)
    sparse = gibbs_sample(X, y, prior, noise=noise, **GIBBS)
    dense = gibbs_sample(X.toarray(), y, prior, noise=noise, **GIBBS)
    np.testing.assert_allclose(sparse.coef, dense.coef, rtol=1e-7, atol=1e-9)
    assert sparse.intercept is not None
    assert dense.intercept is not None
    np.testing.assert_allclose(sparse.intercept, dense.intercept, rtol=1e-7, atol=1e-9)
    if noise is None:
        assert sparse.noise is not None
        assert dense.noise is not None
        np.testing.assert_allclose(sparse.noise, dense.noise, rtol=1e-7)
    difference = np.abs(sparse.coef.mean(axis=(0, 1)) - dense.coef.mean(axis=(0, 1)))
    assert np.all(difference <= 1e-3 * mcse(dense.coef))


def test_sample_posterior_gibbs_from_sparse_equals_dense() -> None:
    X, y = sparse_problem(120, 10, density=0.3, seed=5)
    options: dict[str, Any] = {"method": "gibbs", **GIBBS}
    sparse = sample_posterior(X, y, LaplacePrior(0.5), **options)
    dense = sample_posterior(X.toarray(), y, LaplacePrior(0.5), **options)
    for name in ("coef", "intercept", "noise"):
        np.testing.assert_allclose(
            sparse.posterior[name].to_numpy(),
            dense.posterior[name].to_numpy(),
            rtol=1e-7,
            atol=1e-9,
        )
    assert sparse.attrs["noise_prior"] == dense.attrs["noise_prior"]


def test_gibbs_with_p_above_n_copies_a_small_sparse_x() -> None:
    """p > n: the rows are needed; a sparse X of n·p ≤ DENSE_COPY_LIMIT is copied densely."""
    X, y = sparse_problem(30, 60, density=0.15, seed=6)
    assert X.shape[0] * X.shape[1] <= DENSE_COPY_LIMIT
    prior = GibbsPrior.bayesian_lasso(1.0)
    sparse = gibbs_sample(X, y, prior, **GIBBS)
    dense = gibbs_sample(X.toarray(), y, prior, **GIBBS)
    np.testing.assert_allclose(sparse.coef, dense.coef, rtol=1e-7, atol=1e-9)
    assert sparse.noise is not None
    assert dense.noise is not None
    np.testing.assert_allclose(sparse.noise, dense.noise, rtol=1e-7)


def test_p_above_n_with_too_many_entries_is_refused_naming_x() -> None:
    """n·p = 1.2e7 > DENSE_COPY_LIMIT (p ≤ 10000): refused before any dense array is formed."""
    rng = np.random.default_rng(8)
    n, p = 1500, 8000
    assert n * p > DENSE_COPY_LIMIT
    assert p <= MAX_GRAM_FEATURES
    X = scipy.sparse.random(n, p, density=1e-3, format="csr", random_state=rng)
    y = rng.standard_normal(n)
    message = r"X is a scipy\.sparse matrix of shape \(1500, 8000\).*Select columns"
    with pytest.raises(DataError, match=message):
        gibbs_sample(X, y, GibbsPrior.bayesian_lasso(1.0), progressbar=False)
    with pytest.raises(DataError, match=message):
        sample_posterior(X, y, LaplacePrior(1.0), method="gibbs", progressbar=False)
    with pytest.raises(DataError, match=message):
        lasso_mcem(X, y)


def test_sparse_x_wider_than_the_gram_limit_is_refused_naming_x() -> None:
    rng = np.random.default_rng(9)
    X = scipy.sparse.random(50, MAX_GRAM_FEATURES + 1, density=1e-3, format="csr", random_state=rng)
    y = rng.standard_normal(50)
    message = r"X is a scipy\.sparse matrix of shape \(50, 10001\).*Select columns"
    with pytest.raises(DataError, match=message):
        gaussian_posterior(X, y, scale=1.0, noise=1.0)
    with pytest.raises(DataError, match=message):
        ridge_evidence(X, y)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(200, 30), (40, 60)])
def test_ridge_evidence_from_sparse_equals_dense(
    fit_intercept: bool, shape: tuple[int, int]
) -> None:
    """The eigendecomposition of XcᵀXc (sparse) against the SVD of Xc (dense)."""
    X, y = sparse_problem(*shape, density=0.2, seed=10)
    sparse = ridge_evidence(X, y, fit_intercept=fit_intercept)
    dense = ridge_evidence(X.toarray(), y, fit_intercept=fit_intercept)
    assert sparse.converged
    assert dense.converged
    for name in ("scale", "noise", "alpha", "log_evidence"):
        assert getattr(sparse, name) == pytest.approx(getattr(dense, name), rel=1e-8)
    assert sparse.dof == dense.dof
    chosen = empirical_bayes(X, y, "gaussian", fit_intercept=fit_intercept)
    assert chosen == sparse


def test_lasso_mcem_from_sparse_equals_dense() -> None:
    X, y = sparse_problem(150, 8, density=0.4, seed=11)
    options: dict[str, Any] = {"n_iter": 6, "draws_per_iter": 40, "burn_in": 40, "random_seed": 2}
    options["n_average"] = 4
    options["tol"] = 1.0
    sparse = lasso_mcem(X, y, **options)
    dense = lasso_mcem(X.toarray(), y, **options)
    np.testing.assert_allclose(sparse.trace, dense.trace, rtol=1e-7)
    assert sparse.noise == pytest.approx(dense.noise, rel=1e-7)


def test_shrinkage_summary_from_sparse_equals_dense() -> None:
    """The least-squares column from XcᵀXc (sparse) against lstsq on the rows (dense)."""
    X, y = sparse_problem(150, 12, density=0.3, seed=12)
    tree = sample_posterior(
        X, y, GaussianPrior(0.7), noise=0.5, method="exact", draws=500, chains=2, random_seed=1
    )
    map_coef = gaussian_posterior(X, y, scale=0.7, noise=0.5).mean
    sparse = shrinkage_summary(tree, X, y, map_coef=map_coef)
    dense = shrinkage_summary(tree, X.toarray(), y, map_coef=map_coef)
    for column in ("mean", "least_squares", "shrinkage", "prob_negligible"):
        np.testing.assert_allclose(sparse[column], dense[column], rtol=1e-8, atol=1e-12)
    # Without map_coef the MAP column is the penalized fit, on the sparse X as it is.
    sparse_map = shrinkage_summary(tree, X, y)["map"]
    dense_map = shrinkage_summary(tree, X.toarray(), y)["map"]
    np.testing.assert_allclose(sparse_map, dense_map, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse_map, map_coef, rtol=1e-9, atol=1e-12)


def test_bayesian_path_from_sparse_equals_dense() -> None:
    """Exact (Gaussian) and Gibbs (Laplace) columns of the path from CSR and dense X.

    The same seed gives the same Gibbs stream; the draws differ only by the rounding of
    XcᵀXc formed from sparse products (≈1e-15 relative), so the summaries agree far
    inside their Monte Carlo error.
    """
    X, y = sparse_problem(120, 8, density=0.4, seed=21)
    priors = [GaussianPrior(1.0), LaplacePrior(0.5)]
    sparse = bayesian_path(X, y, priors, noise=0.5, draws=2000, chains=2, random_seed=3)
    dense = bayesian_path(X.toarray(), y, priors, noise=0.5, draws=2000, chains=2, random_seed=3)
    for column in ("penalized", "mean", "median"):
        np.testing.assert_allclose(sparse[column], dense[column], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("alpha", [0.0, 1e-3, 1.0])
def test_ridge_effective_dof_from_sparse_equals_dense(alpha: float) -> None:
    """Σ d_j/(d_j + nα) from XcᵀXc (sparse) against the SVD of Xc, also rank deficient."""
    X, _ = sparse_problem(200, 30, density=0.2, seed=5)
    deficient = scipy.sparse.hstack([X, X[:, :4]]).tocsr()  # rank 30 of 34 columns
    for design in (X, deficient):
        sparse = ridge_effective_dof(design, alpha)
        dense = ridge_effective_dof(design.toarray(), alpha)
        assert sparse == pytest.approx(dense, rel=1e-10)
    assert ridge_effective_dof(deficient, 0.0) == pytest.approx(30.0, rel=1e-12)
