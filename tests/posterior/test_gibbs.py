"""The Gibbs samplers against closed forms, quadrature and exact distributions."""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest
from _gibbs_problems import correlated_problem, mcse
from scipy import stats

from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.posterior._conditionals import inverse_gaussian
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.gibbs import GibbsPrior, NoisePrior, gibbs_sample


@pytest.mark.parametrize(("mean", "shape"), [(0.3, 1.0), (2.0, 0.5), (50.0, 4.0), (1e-3, 10.0)])
def test_inverse_gaussian_draws_follow_scipy_invgauss(mean: float, shape: float) -> None:
    rng = np.random.default_rng(0)
    size = 20_000
    draws = inverse_gaussian(
        np.full(size, 1.0 / mean), shape, rng.standard_normal(size), rng.random(size)
    )
    # IG(mean μ, shape λ) is scipy's invgauss(μ/λ, scale=λ)
    reference = stats.invgauss(mean / shape, scale=shape)
    assert stats.kstest(draws, reference.cdf).pvalue > 1e-3


def test_inverse_gaussian_with_infinite_mean_is_the_levy_limit() -> None:
    rng = np.random.default_rng(1)
    size = 20_000
    shape = 2.5
    draws = inverse_gaussian(np.zeros(size), shape, rng.standard_normal(size), rng.random(size))
    # IG(∞, λ) = λ/χ²₁, the Lévy distribution with scale λ
    assert np.all(np.isfinite(draws))
    assert stats.kstest(draws, stats.levy(scale=shape).cdf).pvalue > 1e-3


@pytest.mark.parametrize(("n", "p"), [(30, 3), (6, 10)])
def test_gaussian_prior_with_fixed_noise_matches_the_exact_posterior(n: int, p: int) -> None:
    X, y = correlated_problem(n, p, seed=2)
    scale, noise = 0.8, 0.9
    exact = gaussian_posterior(X, y, scale=scale, noise=noise)
    run = gibbs_sample(
        X,
        y,
        GibbsPrior.gaussian(scale),
        noise=noise,
        draws=4000,
        chains=2,
        random_seed=3,
        progressbar=False,
    )
    draws = run.coef
    assert run.noise is None
    assert np.all(np.abs(draws.mean(axis=(0, 1)) - exact.mean) <= 4.0 * mcse(draws))
    sd = draws.reshape(-1, p).std(axis=0)
    np.testing.assert_allclose(sd, np.sqrt(np.diag(exact.covariance)), rtol=0.05)


@pytest.mark.parametrize(("n", "p"), [(25, 3), (7, 12)])
def test_noise_scaled_gaussian_prior_matches_the_normal_inverse_gamma_posterior(
    n: int, p: int
) -> None:
    """w | σ ~ N(0, σ²/c), p(σ²) ∝ 1/σ², flat intercept: closed-form posterior.

    With A = XcᵀXc + cI, m = A⁻¹Xcᵀyc, Q = ycᵀyc − Xcᵀyc·m, m_dof = n − 1:
    σ² | y ~ InvGamma(m_dof/2, Q/2) and w | y ~ t_{m_dof}(m, (Q/m_dof) A⁻¹), so
    E[σ²] = Q/(m_dof − 2), E[w] = m, Cov(w) = Q/(m_dof − 2) · A⁻¹.
    """
    X, y = correlated_problem(n, p, seed=4)
    c = 2.0
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    precision = Xc.T @ Xc + c * np.eye(p)
    mean = np.linalg.solve(precision, Xc.T @ yc)
    quadratic = yc @ yc - (Xc.T @ yc) @ mean
    dof = n - 1
    noise_var_mean = quadratic / (dof - 2)
    covariance = noise_var_mean * np.linalg.inv(precision)
    run = gibbs_sample(
        X,
        y,
        GibbsPrior(l1=0.0, l2=c, scaled_by_noise=True),
        draws=4000,
        chains=2,
        random_seed=5,
        progressbar=False,
    )
    assert run.noise is not None
    assert np.all(np.abs(run.coef.mean(axis=(0, 1)) - mean) <= 4.0 * mcse(run.coef))
    np.testing.assert_allclose(
        run.coef.reshape(-1, p).std(axis=0), np.sqrt(np.diag(covariance)), rtol=0.06
    )
    noise_var = run.noise**2
    assert abs(noise_var.mean() - noise_var_mean) <= 4.0 * az.mcse(noise_var)


def _grid_moments(
    X: np.ndarray, y: np.ndarray, noise: float, l1: float, l2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and sd of (w1, w2) by quadrature on a fine grid (flat intercept out).

    log p(w | y) = −||yc − Xc w||²/(2σ²) − l1 ||w||₁ − (l2/2) ||w||² + const.
    """
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    center = np.linalg.solve(Xc.T @ Xc, Xc.T @ yc)
    spread = noise * np.sqrt(np.diag(np.linalg.inv(Xc.T @ Xc)))
    axes = [np.linspace(c - 9 * s, c + 9 * s, 801) for c, s in zip(center, spread, strict=True)]
    w1, w2 = np.meshgrid(*axes, indexing="ij")
    points = np.stack([w1.ravel(), w2.ravel()], axis=1)
    # ||yc − Xc w||² up to a constant: wᵀXcᵀXc w − 2 wᵀXcᵀyc
    quadratic = np.einsum("ki,ij,kj->k", points, Xc.T @ Xc, points) - 2.0 * points @ (Xc.T @ yc)
    log_density = (
        -0.5 * quadratic / noise**2
        - l1 * np.abs(points).sum(axis=1)
        - 0.5 * l2 * np.sum(points**2, axis=1)
    )
    weights = np.exp(log_density - log_density.max())
    weights /= weights.sum()
    mean = weights @ points
    sd = np.sqrt(weights @ (points - mean) ** 2)
    return mean, sd


@pytest.mark.parametrize(("l1", "l2"), [(4.0, 0.0), (3.0, 2.0)], ids=["laplace", "elastic-net"])
def test_laplace_and_elastic_net_priors_match_quadrature(l1: float, l2: float) -> None:
    rng = np.random.default_rng(6)
    n = 12
    X = rng.standard_normal((n, 2))
    y = X @ np.array([0.4, -0.1]) + 0.6 * rng.standard_normal(n)
    noise = 0.6
    mean, sd = _grid_moments(X, y, noise, l1, l2)
    run = gibbs_sample(
        X,
        y,
        GibbsPrior(l1=l1, l2=l2),
        noise=noise,
        draws=10_000,
        chains=2,
        random_seed=7,
        progressbar=False,
    )
    assert np.all(np.abs(run.coef.mean(axis=(0, 1)) - mean) <= 4.0 * mcse(run.coef))
    np.testing.assert_allclose(run.coef.reshape(-1, 2).std(axis=0), sd, rtol=0.04)


def test_seeds_reproduce_and_chains_do_not_depend_on_their_number() -> None:
    X, y = correlated_problem(20, 3, seed=8)
    prior = GibbsPrior.bayesian_lasso(hyperprior=(1.0, 1.0))
    options = {"draws": 30, "tune": 10, "random_seed": 9, "progressbar": False}
    two = gibbs_sample(X, y, prior, chains=2, **options)  # type: ignore[arg-type]
    three = gibbs_sample(X, y, prior, chains=3, **options)  # type: ignore[arg-type]
    np.testing.assert_array_equal(two.coef, three.coef[:2])
    assert two.lam is not None
    assert three.lam is not None
    np.testing.assert_array_equal(two.lam, three.lam[:2])
    assert not np.array_equal(two.coef[0], two.coef[1])


def test_shapes_names_and_optional_draws() -> None:
    import pandas as pd

    X, y = correlated_problem(15, 3, seed=10)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    run = gibbs_sample(
        frame,
        y,
        GibbsPrior.laplace(0.5),
        draws=7,
        tune=0,
        chains=2,
        random_seed=0,
        progressbar=False,
    )
    assert run.coef.shape == (2, 7, 3)
    assert run.intercept is not None
    assert run.intercept.shape == (2, 7)
    assert run.noise is not None
    assert np.all(run.noise > 0)
    assert run.lam is None
    assert run.feature_names == ("a", "b", "c")
    no_intercept = gibbs_sample(
        X,
        y,
        GibbsPrior.gaussian(1.0),
        noise=1.0,
        fit_intercept=False,
        draws=3,
        chains=1,
        progressbar=False,
    )
    assert no_intercept.intercept is None


def test_bad_priors_and_arguments_are_rejected_with_their_names() -> None:
    X, y = correlated_problem(10, 2, seed=11)
    with pytest.raises(InputValueError, match="flat prior"):
        GibbsPrior(l1=0.0, l2=0.0)
    with pytest.raises(InputValueError, match="l2 = 0"):
        GibbsPrior(l1=1.0, l2=1.0, l1_hyperprior=(1.0, 1.0))
    with pytest.raises(InputValueError, match="exactly one"):
        GibbsPrior.bayesian_lasso()
    with pytest.raises(InputValueError, match="l1"):
        GibbsPrior(l1=-1.0)
    with pytest.raises(InputValueError, match="noise"):
        gibbs_sample(X, y, GibbsPrior.laplace(1.0), noise=0.0, progressbar=False)
    with pytest.raises(InputValueError, match="draws"):
        gibbs_sample(X, y, GibbsPrior.laplace(1.0), draws=0, progressbar=False)
    with pytest.raises(InputTypeError, match="random_seed"):
        gibbs_sample(X, y, GibbsPrior.laplace(1.0), random_seed=1.5, progressbar=False)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="noise"):
        gibbs_sample(X[:1], y[:1], GibbsPrior.laplace(1.0), progressbar=False)


def test_inputs_are_not_modified() -> None:
    X, y = correlated_problem(12, 3, seed=12)
    X_before, y_before = X.copy(), y.copy()
    gibbs_sample(X, y, GibbsPrior.laplace(1.0), draws=5, chains=1, progressbar=False)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_noise_priors_describe_themselves_and_check_their_parameters() -> None:
    assert NoisePrior.reference().description == "p(σ²) ∝ 1/σ²"
    assert NoisePrior.inverse_gamma(3.0, 2.0).description == "σ² ~ InvGamma(3, 2)"
    half_normal = NoisePrior.half_normal(2.0)
    assert half_normal.description == "σ ~ HalfNormal(2)"
    assert half_normal.curvature == pytest.approx(1.0 / 8.0)
    with pytest.raises(InputValueError, match="shape"):
        NoisePrior(shape=-1.0)
    with pytest.raises(InputValueError, match="scale"):
        NoisePrior.half_normal(0.0)
    X, y = correlated_problem(10, 2, seed=13)
    with pytest.raises(InputTypeError, match="noise_prior"):
        gibbs_sample(X, y, GibbsPrior.laplace(1.0), noise_prior=(1.0, 1.0), progressbar=False)  # type: ignore[arg-type]


def test_progress_is_shown_on_standard_error(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = correlated_problem(10, 2, seed=14)
    gibbs_sample(X, y, GibbsPrior.laplace(1.0), draws=300, tune=0, chains=1, progressbar=True)
    captured = capsys.readouterr()
    assert "Gibbs" in captured.err
    assert captured.out == ""
