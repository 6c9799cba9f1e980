"""Observation weights in the prior and estimator layers: n = Σs in the conversion.

With ``y_i ~ N(w0 + x_iᵀw, σ²/s_i)`` and a prior, ``−log p = (Σs/σ²)·[1/(2Σs) Σ s_i r_i² +
(σ²/Σs)(−log prior)]``, so the MAP is the penalized fit at ``prior.penalty(n=Σs, σ)``:
``alpha = σ²(l1 + l2)/Σs`` (Laplace(b): ``σ²/(Σs·b)``). Oracles: scikit-learn's ``Lasso``
and ``LogisticRegression`` with that alpha (C = 1/(alpha·Σs)), and the replicated-rows
identity (integer weights), which needs no oracle.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Lasso, LogisticRegression

from bayesreg.errors import DataError, InputValueError
from bayesreg.estimators import PriorClassifier, PriorRegressor
from bayesreg.posterior import gaussian_posterior
from bayesreg.priors import GaussianPrior, LaplacePrior
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model

#: Agreement with scikit-learn run to tol = 1e-14 (relative to the coefficients' size).
ORACLE_RTOL = 1e-7


def _data(seed: int = 0, n: int = 50, p: int = 4):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, 0] - 0.5 * X[:, 1] + rng.standard_normal(n)
    s = rng.exponential(size=n)
    s[:3] = 0.0
    return X, y, s


def test_regressor_alpha_is_the_weight_total_conversion() -> None:
    X, y, s = _data()
    scale, sigma = 0.1, 1.3
    model = PriorRegressor(LaplacePrior(scale), noise=sigma).fit(X, y, sample_weight=s)
    assert model.alpha_ == pytest.approx(sigma**2 / (s.sum() * scale), rel=1e-15)
    oracle = Lasso(alpha=model.alpha_, tol=1e-14, max_iter=1_000_000).fit(X, y, sample_weight=s)
    assert np.max(np.abs(model.coef_ - oracle.coef_)) <= ORACLE_RTOL * max(
        1.0, float(np.max(np.abs(oracle.coef_)))
    )
    np.testing.assert_array_equal(model.coef_ == 0.0, oracle.coef_ == 0.0)


def test_regressor_integer_weights_are_replicated_rows() -> None:
    """Σs = number of replicated rows, so alpha and the MAP are those of the replicas."""
    X, y, _ = _data(1)
    counts = np.random.default_rng(1).integers(0, 4, size=len(y))
    rows = np.repeat(np.arange(len(y)), counts)
    prior = LaplacePrior(0.05)
    weighted = PriorRegressor(prior, noise=1.0).fit(X, y, sample_weight=counts)
    replicated = PriorRegressor(prior, noise=1.0).fit(X[rows], y[rows])
    assert weighted.alpha_ == pytest.approx(replicated.alpha_, rel=1e-15)
    np.testing.assert_allclose(weighted.coef_, replicated.coef_, rtol=1e-9, atol=1e-12)
    assert weighted.intercept_ == pytest.approx(replicated.intercept_, rel=1e-9, abs=1e-12)


def test_classifier_matches_sklearn_logistic() -> None:
    X, y, s = _data(2)
    labels = (y > 0).astype(int)
    model = PriorClassifier(GaussianPrior(0.7)).fit(X, labels, sample_weight=s)
    assert model.alpha_ == pytest.approx(1.0 / (0.7**2 * s.sum()), rel=1e-14)
    oracle = LogisticRegression(
        C=1.0 / (model.alpha_ * s.sum()), solver="newton-cholesky", tol=1e-14, max_iter=1000
    ).fit(X, labels, sample_weight=s)
    assert np.max(np.abs(model.coef_ - oracle.coef_[0])) <= ORACLE_RTOL


def test_prior_penalized_fit_takes_sample_weight() -> None:
    X, y, s = _data(3)
    prior = LaplacePrior(0.2)
    fit = prior.penalized_fit(X, y, noise=0.8, sample_weight=s)
    alpha = 0.8**2 / (s.sum() * 0.2)
    oracle = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y, sample_weight=s)
    np.testing.assert_allclose(fit.coef, oracle.coef_, rtol=0, atol=ORACLE_RTOL)


def test_free_noise_with_weights_is_the_weighted_joint_map() -> None:
    """noise=None: the joint MAP of the weighted model, whose coefficients are the weighted
    penalized fit at the estimated σ (alpha = σ̂²/(Σs·b))."""
    X, y, s = _data(4)
    prior = LaplacePrior(0.1)
    model = PriorRegressor(prior, noise=None).fit(X, y, sample_weight=s)
    estimate = find_map(build_model(X, y, prior, noise=None, weights=s))
    np.testing.assert_allclose(model.coef_, estimate.coef, rtol=0, atol=1e-12)
    assert model.noise_ == pytest.approx(float(estimate.values["noise"]), rel=1e-12)
    assert model.alpha_ == pytest.approx(model.noise_**2 / (s.sum() * 0.1), rel=1e-12)
    refit = prior.penalized_fit(X, y, noise=model.noise_, sample_weight=s)
    np.testing.assert_allclose(model.coef_, refit.coef, rtol=0, atol=1e-7)


def test_posterior_with_weights_is_the_weighted_posterior() -> None:
    """posterior='exact' with weights: the closed-form posterior of the weighted model."""
    X, y, s = _data(5)
    model = PriorRegressor(GaussianPrior(0.5), noise=0.8, posterior="exact", draws=200).fit(
        X, y, sample_weight=s
    )
    exact = gaussian_posterior(X, y, scale=0.5, noise=0.8, sample_weight=s)
    draws = model.posterior_["posterior"]["coef"].values.reshape(-1, X.shape[1])
    # 400 draws: the sample mean is within 5 standard errors of the exact mean
    se = np.sqrt(np.diag(exact.covariance) / draws.shape[0])
    assert np.all(np.abs(draws.mean(axis=0) - exact.mean) <= 5.0 * se)
    np.testing.assert_allclose(model.coef_, exact.mean, rtol=0, atol=1e-10)


def test_weights_refused_where_unsupported() -> None:
    X, y, s = _data(4)
    labels = (y > 0).astype(float)
    with pytest.raises(InputValueError, match="sample_weight"):
        PriorClassifier(LaplacePrior(0.1), posterior="nuts").fit(X, labels, sample_weight=s)
    with pytest.raises(DataError, match="sample_weight"):
        PriorRegressor(LaplacePrior(0.1), noise=1.0).fit(X, y, sample_weight=-s)
