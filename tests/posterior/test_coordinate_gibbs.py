"""The coordinate (single-site, over-relaxed) update of the scale-mixture Gibbs sampler.

Closed forms where the posterior has one (Gaussian prior, σ fixed or σ-scaled with
p(σ²) ∝ 1/σ²), the block update's posterior elsewhere, each within a tolerance sized by
the Monte Carlo standard errors (ArviZ, from the effective sample size).
"""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest
from _gibbs_problems import correlated_problem, mcse

from bayesreg.datasets import make_synthetic
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.gibbs import GibbsDraws, GibbsPrior, NoisePrior, gibbs_sample
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.priors import BayesianLassoPrior

# a mean is compared with its reference within Z Monte Carlo standard errors: with a few
# dozen comparisons per test, a correct sampler fails one with probability < 1e-4
Z = 5.0


def _centered_products(coef: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """(w_i − μ_i)(w_j − μ_j) per draw, (chains, draws, p, p): their means are Cov(w)."""
    centered = coef - mean
    return centered[..., :, None] * centered[..., None, :]


def _assert_moments(coef: np.ndarray, mean: np.ndarray, covariance: np.ndarray) -> None:
    """The sample mean and covariance of the draws match (mean, covariance) within Z MCSE."""
    assert np.all(np.abs(coef.mean(axis=(0, 1)) - mean) <= Z * mcse(coef))
    products = _centered_products(coef, mean)
    p = mean.shape[0]
    error = np.abs(products.mean(axis=(0, 1)) - covariance).reshape(-1)
    assert np.all(error <= Z * mcse(products.reshape(*products.shape[:2], p * p)))


@pytest.mark.parametrize(("n", "p", "seed"), [(30, 3, 0), (6, 10, 1)])
def test_gaussian_prior_with_fixed_noise_matches_the_exact_posterior(
    n: int, p: int, seed: int
) -> None:
    """w ~ N(0, s² I), σ fixed: w | y ~ N(m, C) in closed form, also when p > n."""
    X, y = correlated_problem(n, p, seed=seed)
    scale, noise = 0.8, 0.9
    exact = gaussian_posterior(X, y, scale=scale, noise=noise)
    run = gibbs_sample(
        X,
        y,
        GibbsPrior.gaussian(scale),
        noise=noise,
        draws=5000,
        chains=4,
        random_seed=seed,
        progressbar=False,
        update="coordinate",
    )
    assert run.noise is None
    _assert_moments(run.coef, exact.mean, exact.covariance)


@pytest.mark.parametrize("update", ["coordinate", "block"])
@pytest.mark.parametrize("flat", [0, 2])
def test_noise_scaled_gaussian_prior_matches_the_normal_inverse_gamma_posterior(
    update: str, flat: int
) -> None:
    """w_j | σ ~ N(0, σ²/c) (flat for the first ``flat`` coefficients), p(σ²) ∝ 1/σ².

    With A = XcᵀXc + c·diag(v), v_j ∈ {0, 1}, m = A⁻¹Xcᵀyc, Q = ycᵀyc − Xcᵀyc·m and
    d = n − 1 − (number of flat coefficients): σ² | y ~ InvGamma(d/2, Q/2) and
    w | y ~ t_d(m, (Q/d) A⁻¹), so E[σ²] = Q/(d − 2) and Cov(w) = Q/(d − 2) · A⁻¹
    (a flat w_j carries no factor of σ, and integrating it out leaves (σ²)^(+1/2)).
    The coordinate update's σ² | w has shape (n − 1 + p₊)/2 with p₊ the coefficients
    with a prior scale: counting the flat ones too, or none, would move E[σ²] far
    beyond the tolerance.
    """
    n, p, c = 25, 6, 2.0
    X, y = correlated_problem(n, p, seed=4)
    factor = np.r_[np.zeros(flat), np.ones(p - flat)]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    precision = Xc.T @ Xc + c * np.diag(factor)
    mean = np.linalg.solve(precision, Xc.T @ yc)
    quadratic = yc @ yc - (Xc.T @ yc) @ mean
    noise_var_mean = quadratic / (n - 1 - flat - 2)
    run = gibbs_sample(
        X,
        y,
        GibbsPrior(l1=0.0, l2=c, scaled_by_noise=True, factor=tuple(factor) if flat else None),
        draws=5000,
        chains=4,
        random_seed=5,
        progressbar=False,
        update=update,
    )
    assert run.noise is not None
    _assert_moments(run.coef, mean, noise_var_mean * np.linalg.inv(precision))
    noise_var = run.noise**2
    assert abs(noise_var.mean() - noise_var_mean) <= Z * float(az.mcse(noise_var))


def _both_updates(X: np.ndarray, y: np.ndarray, **options: object) -> list[GibbsDraws]:
    return [
        gibbs_sample(X, y, **options, update=update, progressbar=False)  # type: ignore[arg-type]
        for update in ("block", "coordinate")
    ]


def _assert_same_posterior(block: np.ndarray, coordinate: np.ndarray) -> None:
    """Means and second moments (so sds) of two samplers' draws agree within the MC
    error of their difference."""
    assert np.all(np.isfinite(block))
    assert np.all(np.isfinite(coordinate))
    for power in (1, 2):
        first, second = block**power, coordinate**power
        gap = np.abs(first.mean(axis=(0, 1)) - second.mean(axis=(0, 1)))
        spread = np.hypot(mcse(first), mcse(second))
        assert np.all(gap <= Z * spread)


@pytest.mark.parametrize(
    ("prior", "noise_prior"),
    [
        (GibbsPrior.bayesian_lasso(1.5), None),
        (GibbsPrior.bayesian_lasso(hyperprior=(1.0, 1.0)), None),
        (GibbsPrior(l1=1.0, l2=0.5, scaled_by_noise=True, factor=(0.0, 1.0, 1.0, 2.0)), None),
        (GibbsPrior.laplace(0.5), NoisePrior.half_normal(2.0)),
    ],
    ids=["bayesian-lasso", "lambda-hyperprior", "scaled-elastic-net-flat-entry", "laplace"],
)
def test_coordinate_and_block_updates_share_the_posterior(
    prior: GibbsPrior, noise_prior: NoisePrior | None
) -> None:
    """Bayesian lasso and its relatives: coefficients, σ and λ agree with the block
    update's posterior (means and second moments) within Monte Carlo error."""
    X, y = correlated_problem(40, 4, seed=6)
    block, coordinate = _both_updates(
        X, y, prior=prior, noise_prior=noise_prior, draws=5000, chains=4, random_seed=7
    )
    _assert_same_posterior(block.coef, coordinate.coef)
    assert block.noise is not None
    assert coordinate.noise is not None
    _assert_same_posterior(block.noise[..., None], coordinate.noise[..., None])
    assert block.intercept is not None
    assert coordinate.intercept is not None
    _assert_same_posterior(block.intercept[..., None], coordinate.intercept[..., None])
    if prior.l1_hyperprior is not None:
        assert block.lam is not None
        assert coordinate.lam is not None
        _assert_same_posterior(block.lam[..., None], coordinate.lam[..., None])


def test_coordinate_update_through_sample_posterior_matches_the_block_update() -> None:
    """The benchmark's model on a smaller problem (p(σ²) ∝ 1/σ²): ``gibbs_update``
    reaches the sampler, and both updates give one posterior."""
    data = make_synthetic(120, 12, n_informative=3, correlation=0.5, random_seed=3)
    trees = [
        sample_posterior(
            data.X,
            data.y,
            BayesianLassoPrior(1.0),
            method="gibbs",
            draws=3000,
            tune=300,
            chains=4,
            random_seed=11,
            progressbar=False,
            gibbs_update=update,
        )
        for update in ("block", "coordinate")
    ]
    for name in ("coef", "noise"):
        block, coordinate = (np.asarray(tree.posterior[name].values) for tree in trees)
        if block.ndim == 2:
            block, coordinate = block[..., None], coordinate[..., None]
        _assert_same_posterior(block, coordinate)


def test_update_is_validated() -> None:
    X, y = correlated_problem(20, 3, seed=8)
    with pytest.raises(InputValueError, match=r"update must be one of 'block', 'coordinate'"):
        gibbs_sample(X, y, GibbsPrior.bayesian_lasso(1.0), update="diagonal", progressbar=False)
    with pytest.raises(InputValueError, match=r"gibbs_update must be one of .*got 'Block'"):
        sample_posterior(
            X, y, BayesianLassoPrior(1.0), method="gibbs", gibbs_update="Block", progressbar=False
        )
    with pytest.raises(InputValueError, match=r"update must be one of .*got 3"):
        gibbs_sample(X, y, GibbsPrior.bayesian_lasso(1.0), update=3, progressbar=False)  # type: ignore[arg-type]


def test_constant_column_with_a_flat_prior_is_refused() -> None:
    """A column without variation has G_jj = 0; with v_j = 0 its conditional is improper."""
    X, y = correlated_problem(20, 3, seed=9)
    X[:, 0] = 1.0
    prior = GibbsPrior(l1=0.0, l2=1.0, factor=(0.0, 1.0, 1.0))
    with pytest.raises(DataError, match="flat prior"):
        gibbs_sample(X, y, prior, noise=1.0, draws=10, progressbar=False, update="coordinate")
