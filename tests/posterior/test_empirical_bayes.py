"""Empirical Bayes: the ridge evidence against scikit-learn and a dense oracle; MCEM λ."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import BayesianRidge

from bayesreg.datasets import load_diabetes
from bayesreg.errors import ConvergenceWarning, InputTypeError, InputValueError
from bayesreg.posterior.empirical_bayes import (
    LassoMCEM,
    RidgeEvidence,
    empirical_bayes,
    lasso_mcem,
    ridge_evidence,
)
from bayesreg.priors import BayesianLassoPrior, ElasticNetPrior, GaussianPrior, LaplacePrior

TINY = 1e-300  # BayesianRidge's Gamma hyperparameters: flat hyperpriors in the limit


def _problem(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ rng.normal(0.0, 0.7, p) + 1.0 + rng.standard_normal(n)


def _bayesian_ridge(X: np.ndarray, y: np.ndarray) -> BayesianRidge:
    return BayesianRidge(
        alpha_1=TINY,
        alpha_2=TINY,
        lambda_1=TINY,
        lambda_2=TINY,
        tol=1e-15,
        max_iter=100_000,
        fit_intercept=False,
        compute_score=True,
    ).fit(X, y)


@pytest.mark.parametrize(("n", "p", "seed"), [(60, 5, 0), (200, 30, 1), (25, 20, 2)])
def test_ridge_evidence_optimum_equals_bayesian_ridge(n: int, p: int, seed: int) -> None:
    """BayesianRidge maximizes the same evidence (alpha_ = 1/σ², lambda_ = 1/τ²).

    Without an intercept both count m = n degrees of freedom, so the optima coincide.
    """
    X, y = _problem(n, p, seed)
    ours = ridge_evidence(X, y, fit_intercept=False)
    theirs = _bayesian_ridge(X, y)
    assert ours.converged
    assert ours.noise**-2 == pytest.approx(theirs.alpha_, rel=1e-6)
    assert ours.scale**-2 == pytest.approx(theirs.lambda_, rel=1e-6)
    assert ours.log_evidence == pytest.approx(theirs.scores_[-1], rel=1e-9)
    assert ours.alpha == pytest.approx(ours.noise**2 / (n * ours.scale**2), rel=1e-12)


def test_ridge_evidence_on_diabetes_equals_bayesian_ridge() -> None:
    X, y = load_diabetes()
    y = y - y.mean()
    ours = ridge_evidence(X, y, fit_intercept=False)
    theirs = _bayesian_ridge(X, y)
    assert ours.noise**-2 == pytest.approx(theirs.alpha_, rel=1e-6)
    assert ours.scale**-2 == pytest.approx(theirs.lambda_, rel=1e-6)


def _dense_log_evidence(X: np.ndarray, y: np.ndarray, scale: float, noise: float) -> float:
    """Oracle with a flat intercept: the law of the n − 1 contrasts Qᵀy, Qᵀ1 = 0.

    y = w0 1 + X w + ε, so Qᵀy ~ N(0, σ² I + τ² QᵀXXᵀQ) whatever w0; this is the
    likelihood with w0 integrated out, up to a constant free of (τ, σ).
    """
    n = X.shape[0]
    basis, _ = np.linalg.qr(np.column_stack([np.ones(n), np.eye(n)[:, : n - 1]]))
    contrasts = basis[:, 1:]
    projected = contrasts.T @ X
    covariance = noise**2 * np.eye(n - 1) + scale**2 * projected @ projected.T
    return float(stats.multivariate_normal(cov=covariance).logpdf(contrasts.T @ y))


@pytest.mark.parametrize(("n", "p"), [(30, 4), (12, 20)])
def test_ridge_evidence_with_intercept_is_the_maximum_of_a_dense_oracle(n: int, p: int) -> None:
    X, y = _problem(n, p, seed=3)
    result = ridge_evidence(X, y)
    assert result.dof == n - 1
    best = _dense_log_evidence(X, y, result.scale, result.noise)
    assert result.log_evidence == pytest.approx(best, rel=1e-10)
    # a maximum: the oracle is lower at every nearby (τ, σ), and flat to first order there
    step = 1e-3
    for d_scale, d_noise in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1)]:
        nearby = _dense_log_evidence(
            X, y, result.scale * np.exp(step * d_scale), result.noise * np.exp(step * d_noise)
        )
        assert nearby < best
        assert best - nearby < 1e-4 * n  # second order in the step
    assert result.converged


def test_evidence_without_interior_maximum_warns() -> None:
    """y orthogonal to the columns of X: the evidence grows as τ → 0 (w = 0 is best)."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 3))
    noise = rng.standard_normal(20)
    y = noise - X @ np.linalg.lstsq(X, noise, rcond=None)[0]
    with pytest.warns(ConvergenceWarning, match="τ → 0"):
        result = ridge_evidence(X, y, fit_intercept=False)
    assert not result.converged


def test_mcem_reproduces_park_and_casella_lambda_on_diabetes() -> None:
    """Park & Casella (2008) report λ = 0.237 by marginal maximum likelihood."""
    X, y = load_diabetes()
    result = lasso_mcem(X, y - y.mean(), random_seed=2008)
    # The published value is rounded to 3 decimals (±0.0005); ours carries Monte Carlo
    # error, so allow four of its standard errors on top.
    assert abs(result.lam - 0.237) <= 0.0005 + 4.0 * result.lam_se
    assert result.converged
    assert result.trace.shape == (51, 4)  # λ⁽⁰⁾…λ⁽⁵⁰⁾ of 4 independent EM sequences
    # the EM climbs from the least-squares start towards the fixed point
    assert np.all(result.trace[0] < result.trace[10])
    assert np.all(result.trace[10] < result.lam)
    # the Monte Carlo standard error from the independent chains is small and positive
    assert 0.0 < result.lam_se < 0.003
    assert result.alpha == pytest.approx(result.noise * result.lam / X.shape[0], rel=1e-12)


def test_empirical_bayes_dispatches_on_the_prior_name() -> None:
    X, y = _problem(40, 3, seed=5)
    gaussian = empirical_bayes(X, y)
    assert isinstance(gaussian, RidgeEvidence)
    laplace = empirical_bayes(X, y, "laplace", n_iter=20, random_seed=0)
    assert isinstance(laplace, LassoMCEM)
    assert laplace.lam > 0.0
    with pytest.raises(InputValueError, match="prior"):
        empirical_bayes(X, y, "horseshoe")  # type: ignore[call-overload]


def test_empirical_bayes_takes_a_prior_object_or_class_for_its_family() -> None:
    """An instance stands for its family (its own scale is what is estimated, so unused)."""
    X, y = _problem(40, 3, seed=6)
    by_name = empirical_bayes(X, y, "gaussian")
    for prior in (GaussianPrior(5.0), GaussianPrior):
        assert empirical_bayes(X, y, prior) == by_name
    # a short EM (same seed, so the same draws): whether it has settled does not matter here
    quick = {"n_iter": 4, "draws_per_iter": 20, "burn_in": 20, "chains": 2, "random_seed": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        laplace = empirical_bayes(X, y, "laplace", **quick)
        families = (LaplacePrior(0.1), LaplacePrior, BayesianLassoPrior(2.0), BayesianLassoPrior)
        results = [empirical_bayes(X, y, family, **quick) for family in families]
    for result in results:
        assert result.lam == laplace.lam
        np.testing.assert_array_equal(result.trace, laplace.trace)
    # the Laplace scale b = σ̂/λ̂ with σ fixed at σ̂ has the reported lasso penalty
    assert laplace.scale == laplace.noise / laplace.lam
    alpha, l1_ratio = LaplacePrior(laplace.scale).penalty(40, laplace.noise)
    assert alpha == pytest.approx(laplace.alpha, rel=1e-12)
    assert l1_ratio == 1.0


@pytest.mark.parametrize(
    ("prior", "error"),
    [
        (ElasticNetPrior(1.0, 1.0), InputValueError),
        (ElasticNetPrior, InputValueError),
        (3.0, InputTypeError),
        (dict, InputTypeError),
    ],
    ids=repr,
)
def test_empirical_bayes_refuses_other_families(prior: object, error: type[Exception]) -> None:
    X, y = _problem(20, 2, seed=7)
    with pytest.raises(error, match="prior must be 'gaussian' or 'laplace', or a GaussianPrior"):
        empirical_bayes(X, y, prior)  # type: ignore[call-overload]
