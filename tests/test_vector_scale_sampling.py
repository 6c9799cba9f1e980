"""Per-coefficient prior scales in the posterior samplers.

With ``GaussianPrior(scale=τ)``, τ a vector, and σ fixed the posterior is Gaussian with
precision ``(XcᵀXc + diag(σ²/τ_j²))/σ²`` (``τ_j = inf``: a flat prior, precision 0), and
its mean is the ridge fit with ``penalty_factor = τ_ref²/τ_j²``. The Gibbs sampler takes
the factors ``v_j`` into its conditional updates (prior precision ``v_j l2 + 1/τ_j²``
mixing, ``1/τ_j² | w_j ~ IG(mean v_j l1 s/|w_j|, shape (v_j l1)²)``), and must draw that
same posterior; for a Laplace prior it must agree with NUTS on the PyMC model.
"""

from __future__ import annotations

import math
from typing import Any

import arviz as az
import numpy as np
import pytest

from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.gibbs import GibbsPrior, gibbs_sample
from bayesreg.posterior.sampling import gibbs_prior_of, sample_posterior
from bayesreg.priors import GaussianPrior, LaplacePrior

NOISE = 0.6
GAUSSIAN_SCALES = (0.3, 1.0, math.inf, 0.1)


def _data(n: int = 40, p: int = 4, seed: int = 0) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    y = 1.0 + X @ np.r_[1.0, -0.5, 0.4, np.zeros(p - 3)] + NOISE * rng.standard_normal(n)
    return X, y, rng.uniform(0.2, 3.0, n)


def _closed_form(X: Any, y: Any, scales: Any, weights: Any) -> tuple[Any, Any]:
    """Mean and covariance from scratch, with weighted centering (weights all 1: none)."""
    x_mean = weights @ X / weights.sum()
    y_mean = weights @ y / weights.sum()
    root = np.sqrt(weights)
    Xc, yc = root[:, None] * (X - x_mean), root * (y - y_mean)
    precision = Xc.T @ Xc + np.diag((NOISE / np.asarray(scales)) ** 2)
    covariance = NOISE**2 * np.linalg.inv(precision)
    return covariance @ Xc.T @ yc / NOISE**2, covariance


@pytest.mark.parametrize("weighted", [False, True])
def test_exact_vector_scale_posterior_is_the_closed_form(weighted: bool) -> None:
    """Mean and covariance to 1e-10 relative; the mean is the penalized fit with factors
    (its MAP) to 1e-10 relative."""
    X, y, weights = _data()
    prior = GaussianPrior(scale=GAUSSIAN_SCALES)
    given = weights if weighted else None
    exact = gaussian_posterior(X, y, scale=prior.scale, noise=NOISE, sample_weight=given)
    mean, covariance = _closed_form(X, y, GAUSSIAN_SCALES, weights if weighted else np.ones(40))
    np.testing.assert_allclose(exact.mean, mean, rtol=1e-10)
    np.testing.assert_allclose(exact.covariance, covariance, rtol=1e-10)
    fit = prior.penalized_fit(X, y, noise=NOISE, sample_weight=given)
    np.testing.assert_allclose(exact.mean, fit.coef, rtol=1e-10)
    np.testing.assert_array_equal(exact.penalty_factor, prior.penalty_factor())


def _mcse(tree: Any, name: str) -> Any:
    return np.asarray(az.mcse(tree, var_names=[name])[name].to_numpy())


def _draws(tree: Any, name: str) -> Any:
    return tree["posterior"][name].to_numpy()


@pytest.mark.parametrize("weighted", [False, True])
def test_gibbs_vector_scale_matches_the_exact_posterior(weighted: bool) -> None:
    """Gaussian prior with per-coefficient scales (a flat one among them), σ fixed:
    Gibbs draws' means within 5 Monte Carlo standard errors of the exact mean, sds within
    10 % (4000 draws: the sd's relative error is ~1.1 %); any seed."""
    X, y, weights = _data(seed=1)
    prior = GaussianPrior(scale=GAUSSIAN_SCALES)
    given = weights if weighted else None
    exact = gaussian_posterior(X, y, scale=prior.scale, noise=NOISE, sample_weight=given)
    tree = sample_posterior(
        X, y, prior, noise=NOISE, method="gibbs", draws=2000, chains=2, tune=100,
        random_seed=3, progressbar=False, sample_weight=given,
    )  # fmt: skip
    coef = _draws(tree, "coef")
    assert np.all(np.abs(coef.mean(axis=(0, 1)) - exact.mean) <= 5.0 * _mcse(tree, "coef"))
    np.testing.assert_allclose(
        coef.reshape(-1, 4).std(axis=0), np.sqrt(np.diag(exact.covariance)), rtol=0.10
    )
    intercept = _draws(tree, "intercept")
    assert abs(intercept.mean() - exact.intercept_mean) <= 5.0 * _mcse(tree, "intercept")
    exact_draws = sample_posterior(
        X, y, prior, noise=NOISE, method="exact", draws=50, chains=1, sample_weight=given
    )
    assert _draws(exact_draws, "coef").shape == (1, 50, 4)


def test_gibbs_vector_laplace_agrees_with_nuts() -> None:
    """Laplace prior with per-coefficient scales (one flat), σ fixed: Gibbs and NUTS on
    build_model target the same posterior: means within 4 combined Monte Carlo standard
    errors, sds within 15 %."""
    X, y, _ = _data(n=30, p=3, seed=4)
    prior = LaplacePrior(scale=(0.05, math.inf, 0.5))
    options = {"noise": NOISE, "draws": 1500, "chains": 2, "random_seed": 5,
               "progressbar": False}  # fmt: skip
    gibbs = sample_posterior(X, y, prior, method="gibbs", tune=200, **options)
    nuts = sample_posterior(X, y, prior, method="nuts", tune=1000, nuts_sampler="pymc", **options)
    for name in ("coef", "intercept"):
        ours, theirs = _draws(gibbs, name), _draws(nuts, name)
        tolerance = 4.0 * np.hypot(_mcse(gibbs, name), _mcse(nuts, name))
        assert np.all(np.abs(ours.mean(axis=(0, 1)) - theirs.mean(axis=(0, 1))) <= tolerance)
        np.testing.assert_allclose(
            ours.reshape(3000, -1).std(axis=0), theirs.reshape(3000, -1).std(axis=0), rtol=0.15
        )


def test_gibbs_prior_of_a_vector_scale_prior() -> None:
    """Weights of the reference scale times the factors: v_j·l1 = 1/b_j (Laplace),
    v_j·l2 = 1/τ_j² (Gaussian), exactly up to rounding (1e-15)."""
    laplace = gibbs_prior_of(LaplacePrior(scale=(0.5, 2.0, math.inf)), None)
    np.testing.assert_allclose(np.array(laplace.factor) * laplace.l1, [2.0, 0.5, 0.0], rtol=1e-15)
    assert laplace.l2 == 0.0
    gaussian = gibbs_prior_of(GaussianPrior(scale=(0.5, 2.0)), 1.0)
    np.testing.assert_allclose(np.array(gaussian.factor) * gaussian.l2, [4.0, 0.25], rtol=1e-15)
    assert gaussian.l1 == 0.0


def test_vector_scales_refused_where_unsound() -> None:
    X, y, _ = _data(n=5, p=8, seed=6)
    with pytest.raises(DataError, match="flat prior on 1 coefficient"):
        gibbs_sample(
            X, y, GibbsPrior(l1=1.0, factor=(1.0,) * 7 + (0.0,)), noise=1.0, progressbar=False
        )
    with pytest.raises(InputValueError, match="factor holds 3"):
        gibbs_sample(X, y, GibbsPrior(l1=1.0, factor=(1.0, 1.0, 0.5)), noise=1.0)
    with pytest.raises(InputValueError, match=r"factor\[1\] = -1\.0"):
        GibbsPrior(l1=1.0, factor=(1.0, -1.0))
    with pytest.raises(InputValueError, match="hyperprior on l1 was given with"):
        GibbsPrior(l1=1.0, factor=(1.0, 0.5), l1_hyperprior=(1.0, 1.0))
    with pytest.raises(InputValueError, match="scale holds 2"):
        gaussian_posterior(X, y, scale=(1.0, 2.0), noise=1.0)
    X_tall, y_tall, _ = _data(n=20, p=4, seed=7)
    collinear = np.column_stack([X_tall[:, :3], X_tall[:, 0]])
    with pytest.raises(DataError, match="improper"):
        gaussian_posterior(collinear, y_tall, scale=(math.inf, 1.0, 1.0, math.inf), noise=1.0)
