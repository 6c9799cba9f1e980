"""The exact Gaussian posterior against independent closed forms and Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from bayesreg.errors import InputValueError
from bayesreg.posterior.conjugate import gaussian_posterior


def _problem(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(0.5 * np.eye(p) + 0.5)
    y = X @ rng.standard_normal(p) + 2.0 + rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize(("n", "p"), [(40, 4), (6, 9)])
def test_draws_match_analytic_mean_and_covariance(n: int, p: int) -> None:
    X, y = _problem(n, p, seed=1)
    posterior = gaussian_posterior(X, y, scale=0.8, noise=1.3)
    coef, intercept = posterior.sample(20_000, chains=2, random_seed=5)
    draws = coef.reshape(-1, p)
    size = draws.shape[0]
    covariance = posterior.covariance
    sd = np.sqrt(np.diag(covariance))
    # i.i.d. draws: Monte Carlo standard error of a mean is sd/√N; allow 4 of them
    assert np.all(np.abs(draws.mean(axis=0) - posterior.mean) <= 4.0 * sd / np.sqrt(size))
    # sample covariance entry (i, j) has variance (Σ_ii Σ_jj + Σ_ij²)/N; allow 4.5 SE
    se = np.sqrt((np.outer(sd**2, sd**2) + covariance**2) / size)
    assert np.all(np.abs(np.cov(draws.T) - covariance) <= 4.5 * se)
    assert intercept is not None
    intercept_sd = np.sqrt(posterior.intercept_variance)
    assert abs(intercept.mean() - posterior.intercept_mean) <= 4.0 * intercept_sd / np.sqrt(size)
    assert abs(intercept.var() / posterior.intercept_variance - 1.0) <= 0.05


@pytest.mark.parametrize(("n", "p"), [(30, 5), (5, 12)])
def test_mean_is_the_ridge_solution_and_sklearn_agrees(n: int, p: int) -> None:
    from bayesreg.core.ridge import ridge

    X, y = _problem(n, p, seed=2)
    scale, noise = 0.6, 1.7
    posterior = gaussian_posterior(X, y, scale=scale, noise=noise)
    alpha = noise**2 / (n * scale**2)
    assert posterior.alpha == pytest.approx(alpha, rel=1e-15)
    fit = ridge(X, y, alpha)
    np.testing.assert_allclose(posterior.mean, fit.coef, rtol=1e-9, atol=1e-12)
    assert posterior.intercept_mean == pytest.approx(fit.intercept, rel=1e-9, abs=1e-12)
    sk = Ridge(alpha=n * alpha, solver="svd").fit(X, y)  # sklearn's Ridge(A): A = n·alpha
    np.testing.assert_allclose(posterior.mean, sk.coef_, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize(("n", "p"), [(25, 4), (4, 7)])
def test_covariance_matches_joint_gaussian_conditioning_with_a_vague_intercept(
    n: int, p: int
) -> None:
    """Independent oracle: condition the joint Gaussian of (w0, w, y) in the n×n form.

    Prior (w0, w) ~ N(0, diag(v0, τ², …, τ²)) with v0 huge (the flat-prior limit);
    posterior covariance S − S Zᵀ(Z S Zᵀ + σ² I)⁻¹ Z S, Z = [1, X] (no p×p system).
    """
    X, y = _problem(n, p, seed=3)
    scale, noise, vague = 0.9, 0.7, 1e8
    design = np.column_stack([np.ones(n), X])
    prior_cov = np.diag([vague] + [scale**2] * p)
    marginal = design @ prior_cov @ design.T + noise**2 * np.eye(n)
    gain = np.linalg.solve(marginal, design @ prior_cov).T
    joint_cov = prior_cov - gain @ design @ prior_cov
    joint_mean = gain @ y
    posterior = gaussian_posterior(X, y, scale=scale, noise=noise)
    # the oracle is off by O(1/v0) (flat limit) plus rounding O(eps·v0): ~1e-8 absolute
    size = np.abs(posterior.covariance).max()
    np.testing.assert_allclose(posterior.covariance, joint_cov[1:, 1:], rtol=1e-6, atol=1e-6 * size)
    np.testing.assert_allclose(posterior.mean, joint_mean[1:], rtol=1e-6, atol=1e-7)
    assert posterior.intercept_mean == pytest.approx(joint_mean[0], rel=1e-6, abs=1e-8)
    assert posterior.intercept_variance == pytest.approx(joint_cov[0, 0], rel=1e-5)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 15),
    p=st.integers(1, 15),
    fit_intercept=st.booleans(),
    log_ratio=st.floats(-4.0, 4.0),
    seed=st.integers(0, 2**16),
)
def test_mean_solves_the_ridge_normal_equations(
    n: int, p: int, fit_intercept: bool, log_ratio: float, seed: int
) -> None:
    """KKT of the MAP: Xcᵀ(yc − Xc m) = (σ²/τ²) m, on any shape."""
    X, y = _problem(n, p, seed)
    noise = 1.0
    scale = float(np.exp(-log_ratio / 2.0))
    posterior = gaussian_posterior(X, y, scale=scale, noise=noise, fit_intercept=fit_intercept)
    Xc = X - X.mean(axis=0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    residual = Xc.T @ (yc - Xc @ posterior.mean) - (noise / scale) ** 2 * posterior.mean
    assert np.max(np.abs(residual)) <= 1e-9 * (1.0 + np.abs(Xc).max() * np.abs(yc).max() * n)


def test_seeds_reproduce_and_chains_do_not_depend_on_their_number() -> None:
    X, y = _problem(20, 3, seed=4)
    posterior = gaussian_posterior(X, y, scale=1.0, noise=1.0)
    first, _ = posterior.sample(50, chains=2, random_seed=11)
    again, _ = posterior.sample(50, chains=3, random_seed=11)
    np.testing.assert_array_equal(first, again[:2])
    other, _ = posterior.sample(50, chains=2, random_seed=12)
    assert not np.array_equal(first, other)


def test_inputs_are_not_modified_and_bad_arguments_are_named() -> None:
    X, y = _problem(10, 3, seed=6)
    X_before, y_before = X.copy(), y.copy()
    gaussian_posterior(X, y, scale=1.0, noise=1.0).sample(10, random_seed=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    with pytest.raises(InputValueError, match="scale"):
        gaussian_posterior(X, y, scale=0.0, noise=1.0)
    with pytest.raises(InputValueError, match="noise"):
        gaussian_posterior(X, y, scale=1.0, noise=-1.0)


def test_without_intercept_there_are_no_intercept_draws() -> None:
    X, y = _problem(10, 2, seed=7)
    posterior = gaussian_posterior(X, y, scale=1.0, noise=1.0, fit_intercept=False)
    _, intercept = posterior.sample(5, random_seed=0)
    assert intercept is None
    assert posterior.intercept_variance == 0.0
