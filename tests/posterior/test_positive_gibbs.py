"""Truncated-normal Gibbs for sign-constrained priors against quadrature.

With two coefficients and σ fixed the posterior of w (the flat intercept integrated out)
is ``∝ exp(−||yc − Xc w||²/(2σ²) − Σ_j [l1 w_j + l2 w_j²/2])`` on ``w ≥ 0``; its means
are computed on a fine grid (error far below the Monte Carlo error). Gibbs means must
agree within ``Z_MAX`` standard errors (ESS-based), and every draw is ≥ 0, also with σ
free, an intercept and observation weights.
"""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest

import bayesreg as br

Z_MAX = 5.0


def make_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((30, 2))
    y = 1.0 + X @ np.array([0.6, -0.2]) + rng.standard_normal(30)
    return X, y


def grid_means(X: np.ndarray, y: np.ndarray, l1: float, l2: float, sigma: float) -> np.ndarray:
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    axis = np.linspace(0.0, 2.5, 801)
    w1, w2 = np.meshgrid(axis, axis, indexing="ij")
    points = np.stack([w1.ravel(), w2.ravel()], axis=1)
    residual = yc[None, :] - points @ Xc.T
    log_post = -np.sum(residual**2, axis=1) / (2 * sigma**2) - points.sum(axis=1) * l1
    log_post -= 0.5 * l2 * np.sum(points**2, axis=1)
    weights = np.exp(log_post - log_post.max())
    return weights @ points / weights.sum()


@pytest.mark.parametrize("prior", [br.ExponentialPrior(0.5), br.HalfNormalPrior(0.4)], ids=repr)
def test_gibbs_means_agree_with_quadrature(prior: br.Prior) -> None:
    X, y = make_data(1)
    sigma = 1.0
    tree = br.sample_posterior(
        X, y, prior, noise=sigma, method="gibbs", draws=4000, chains=4, progressbar=False
    )
    coef = tree["posterior"]["coef"].to_numpy()
    assert np.all(coef >= 0.0)
    mean = coef.mean(axis=(0, 1))
    se = coef.std(axis=(0, 1)) / np.sqrt([float(az.ess(coef[:, :, k])) for k in range(2)])
    expected = grid_means(X, y, prior.l1_weight(1.0), prior.l2_weight(1.0), sigma)
    assert np.all(np.abs(mean - expected) <= Z_MAX * se), (mean, expected, se)
    assert float(np.max(az.rhat(coef[:, :, 0]))) < 1.01


def test_free_noise_intercept_and_weights_run_and_respect_the_sign() -> None:
    X, y = make_data(2)
    weights = np.random.default_rng(0).integers(1, 3, 30).astype(float)
    tree = br.sample_posterior(
        X, y, br.ExponentialPrior(0.5), method="gibbs", draws=500, chains=2,
        sample_weight=weights, progressbar=False,
    )  # fmt: skip
    posterior = tree["posterior"]
    assert {"coef", "intercept", "noise"} <= set(posterior.data_vars)
    assert np.all(posterior["coef"].to_numpy() >= 0.0)
    assert np.all(posterior["noise"].to_numpy() > 0.0)


def test_exact_method_still_refuses_sign_constrained_priors() -> None:
    X, y = make_data(3)
    with pytest.raises(br.errors.ModelStructureError, match="w ≥ 0"):
        br.sample_posterior(X, y, br.HalfNormalPrior(1.0), noise=1.0, method="exact")
