"""Weighted sufficient statistics give the posterior of the weighted rows.

``SufficientStats.from_arrays(X, y, sample_weight=s)`` holds ``XcᵀSXc``, ``XcᵀSyc``,
``ycᵀSyc`` (weighted means), Σs and the count m of rows with ``s_i > 0``: the Gaussian
likelihood with row i of noise ``σ/√s_i`` is a function of them alone. So the exact
posterior, the MAP of the PyMC model (σ fixed or free) and the Gibbs draws from the
statistics must be those of the rows with ``sample_weight=s``: the closed forms to
``RTOL`` (rounding), the Gibbs means within 5 combined Monte Carlo standard errors.
"""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest

import bayesreg as br
from bayesreg.core.stats import SufficientStats
from bayesreg.posterior.conjugate import gaussian_posterior

RTOL = 1e-10
Z_MAX = 5.0


def make_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4)) + 2.0
    y = 3.0 + X @ np.array([1.0, 0.0, -1.0, 0.5]) + rng.standard_normal(60)
    s = rng.integers(0, 4, 60).astype(float)  # zeros included: those rows do not count
    return X, y, s


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_exact_posterior_from_weighted_statistics(fit_intercept: bool) -> None:
    X, y, s = make_data()
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    rows = gaussian_posterior(
        X, y, scale=0.5, noise=1.3, fit_intercept=fit_intercept, sample_weight=s
    )
    summary = gaussian_posterior(stats, None, scale=0.5, noise=1.3, fit_intercept=fit_intercept)
    np.testing.assert_allclose(summary.mean, rows.mean, rtol=RTOL)
    np.testing.assert_allclose(summary.covariance, rows.covariance, rtol=RTOL, atol=1e-15)
    if fit_intercept:
        assert summary.intercept_mean == pytest.approx(rows.intercept_mean, rel=RTOL)
        assert summary.intercept_variance == pytest.approx(rows.intercept_variance, rel=RTOL)


@pytest.mark.parametrize("noise", [1.0, None])
def test_map_of_the_statistics_model_is_the_weighted_rows_map(noise: float | None) -> None:
    X, y, s = make_data()
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    prior = br.LaplacePrior(0.3)
    from_stats = br.find_map(br.build_model(stats, None, prior, noise=noise))
    from_rows = br.find_map(br.build_model(X, y, prior, noise=noise, weights=s))
    np.testing.assert_allclose(from_stats.coef, from_rows.coef, rtol=0.0, atol=1e-9)
    assert from_stats.intercept == pytest.approx(from_rows.intercept, abs=1e-9)
    if noise is None:
        assert from_stats.noise == pytest.approx(from_rows.noise, rel=1e-9)


def test_gibbs_from_weighted_statistics_samples_the_weighted_posterior() -> None:
    X, y, s = make_data()
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    prior = br.LaplacePrior(1.0)
    options = {"method": "gibbs", "draws": 3000, "chains": 2, "progressbar": False}
    trees = (
        br.sample_posterior(stats, None, prior, **options),
        br.sample_posterior(X, y, prior, sample_weight=s, **options),
    )
    for name in ("coef", "noise"):
        draws = [tree["posterior"][name].to_numpy().reshape(2, 3000, -1) for tree in trees]
        means = [d.mean(axis=(0, 1)) for d in draws]
        errors = [
            d.std(axis=(0, 1)) / np.sqrt([float(az.ess(d[:, :, k])) for k in range(d.shape[2])])
            for d in draws
        ]
        z = np.abs(means[0] - means[1]) / np.hypot(errors[0], errors[1])
        assert np.all(z <= Z_MAX), (name, means, z)
