"""The Pólya-Gamma Gibbs sampler of logistic regression against an independent oracle.

Oracle: self-normalized importance sampling from a multivariate t (5 degrees of freedom)
centred at the MAP (the certified :func:`bayesreg.logistic` fit) with twice the inverse
Hessian of the log posterior as its scale, 200 000 draws. Its posterior means carry their
own Monte Carlo error (delta method). Each claim compares a Gibbs posterior mean with the
oracle's at ``|difference| ≤ Z_MAX · √(se_gibbs² + se_oracle²)``, se_gibbs from ArviZ's
ESS: a statement that holds for any seed with probability ≈ 1 − 6e-7 per comparison.
"""

from __future__ import annotations

from typing import Any

import arviz as az
import numpy as np
import pytest
import scipy.special
import scipy.stats
from numpy.typing import NDArray

import bayesreg as br
from bayesreg.core.logistic import logistic
from bayesreg.errors import DataError, InputTypeError, InputValueError, ModelStructureError
from bayesreg.posterior._gibbs_priors import GibbsPrior
from bayesreg.posterior.bernoulli_gibbs import bernoulli_gibbs

FloatArray = NDArray[np.float64]

Z_MAX = 5.0
ORACLE_DRAWS = 200_000


def make_problem(n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    truth = np.zeros(p)
    truth[:2] = [1.0, -0.8]
    y = (rng.random(n) < scipy.special.expit(0.3 + X @ truth)).astype(float)
    return X, y


def log_posterior(
    theta: FloatArray,
    X: FloatArray,
    y: FloatArray,
    l1: Any,
    l2: Any,
    s: FloatArray | None = None,
) -> FloatArray:
    """log p(θ | y) + const for θ = (w0, w) rows: Σ s_i log Bernoulli(y_i | η_i) + log
    prior (l1, l2 scalars or one per coefficient)."""
    eta = theta[:, :1] + theta[:, 1:] @ X.T
    terms = y * eta - np.logaddexp(0.0, eta)
    loglik = terms.sum(axis=1) if s is None else terms @ s
    w = theta[:, 1:]
    return loglik - (np.abs(w) * l1).sum(axis=1) - 0.5 * (w * w * l2).sum(axis=1)


def oracle_moments(
    X: FloatArray,
    y: FloatArray,
    l1: float,
    l2: float,
    seed: int | None,
    s: FloatArray | None = None,
    v: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Importance-sampling posterior means of (w0, w) and their standard errors (weights
    s, per-coefficient factors v of both l1 and l2)."""
    n, p = X.shape
    s = np.ones(n) if s is None else s
    v = np.ones(p) if v is None else v
    alpha = (l1 + l2) / s.sum()
    fit = logistic(X, y, alpha, l1 / (l1 + l2), sample_weight=s, penalty_factor=v)
    center = np.concatenate(([fit.intercept], fit.coef))
    Z = np.column_stack((np.ones(n), X))
    mu = scipy.special.expit(Z @ center)
    hessian = Z.T @ (Z * (s * mu * (1 - mu))[:, None])
    hessian[1:, 1:] += np.diag(l2 * v) + 0.1 * np.eye(p)
    scale = 2.0 * np.linalg.inv(hessian)
    proposal = scipy.stats.multivariate_t(loc=center, shape=scale, df=5)
    theta = proposal.rvs(ORACLE_DRAWS, random_state=np.random.default_rng(seed))
    log_w = log_posterior(theta, X, y, l1 * v, l2 * v, s) - proposal.logpdf(theta)
    weights = np.exp(log_w - log_w.max())
    weights /= weights.sum()
    mean = weights @ theta
    se = np.sqrt(weights**2 @ (theta - mean) ** 2)
    return mean, se


def gibbs_moments(result: object) -> tuple[FloatArray, FloatArray]:
    """Posterior means of (w0, w) and their standard errors sd/√ESS."""
    coef = result.coef  # type: ignore[attr-defined]
    intercept = result.intercept  # type: ignore[attr-defined]
    draws = np.concatenate((intercept[:, :, None], coef), axis=2)
    mean = draws.mean(axis=(0, 1))
    sd = draws.std(axis=(0, 1))
    ess = np.array([float(az.ess(draws[:, :, k])) for k in range(draws.shape[2])])
    return mean, sd / np.sqrt(ess)


@pytest.mark.parametrize(
    ("l1", "l2"),
    [(0.0, 1.0), (3.0, 0.0), (2.0, 2.0)],
    ids=["gaussian", "laplace", "elastic-net"],
)
def test_posterior_means_agree_with_importance_sampling(l1: float, l2: float) -> None:
    X, y = make_problem(120, 3, seed=2)
    result = bernoulli_gibbs(
        X, y, GibbsPrior(l1=l1, l2=l2), draws=3000, tune=300, chains=4, random_seed=None,
        progressbar=False,
    )  # fmt: skip
    mean, se = gibbs_moments(result)
    oracle_mean, oracle_se = oracle_moments(X, y, l1, l2, seed=None)
    z = np.abs(mean - oracle_mean) / np.sqrt(se**2 + oracle_se**2)
    assert np.all(z <= Z_MAX), (mean, oracle_mean, z)
    assert float(np.max(az.rhat(result.coef[:, :, 0]))) < 1.01


def test_weights_and_factors_agree_with_importance_sampling() -> None:
    """PG(s_i, η_i) for weighted rows; per-coefficient weights v_j l1, v_j l2."""
    X, y = make_problem(90, 3, seed=4)
    s = np.random.default_rng(0).integers(0, 4, size=90).astype(float)
    v = np.array([0.5, 2.0, 1.0])
    result = bernoulli_gibbs(
        X, y, GibbsPrior(l1=2.0, l2=0.5, factor=tuple(v)), draws=3000, tune=300, chains=4,
        progressbar=False, sample_weight=s,
    )  # fmt: skip
    mean, se = gibbs_moments(result)
    oracle_mean, oracle_se = oracle_moments(X, y, 2.0, 0.5, None, s=s, v=v)
    z = np.abs(mean - oracle_mean) / np.sqrt(se**2 + oracle_se**2)
    assert np.all(z <= Z_MAX), (mean, oracle_mean, z)


def test_wide_design_block_agrees_with_the_joint_block() -> None:
    """p + 1 > n takes the Bhattacharya block for w and a separate w0 draw; on the same
    posterior (n = 12, p = 14, Gaussian prior) its means agree with importance sampling."""
    X, y = make_problem(12, 14, seed=5)
    result = bernoulli_gibbs(
        X, y, GibbsPrior(l1=0.0, l2=1.0), draws=3000, tune=300, chains=4, progressbar=False
    )
    mean, se = gibbs_moments(result)
    oracle_mean, oracle_se = oracle_moments(X, y, 0.0, 1.0, seed=None)
    z = np.abs(mean - oracle_mean) / np.sqrt(se**2 + oracle_se**2)
    assert np.all(z <= Z_MAX), (mean, oracle_mean, z)


def test_random_l1_under_its_hyperprior_is_drawn() -> None:
    """With l1² ~ Gamma(r, δ) and no data signal (y independent of X), the draws of l1²
    have a finite mean above 0, and the coefficients' posterior is centred near 0."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 4))
    y = (rng.random(80) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]
    result = bernoulli_gibbs(
        X, y, GibbsPrior(l1=0.0, l1_hyperprior=(2.0, 1.0)), draws=1500, tune=300, chains=2,
        progressbar=False,
    )  # fmt: skip
    assert result.lam is not None
    assert result.lam.shape == (2, 1500)
    assert np.all(result.lam > 0.0)
    assert np.all(np.isfinite(result.coef))


def test_without_intercept_the_intercept_is_none() -> None:
    X, y = make_problem(60, 2, seed=1)
    result = bernoulli_gibbs(
        X, y, GibbsPrior(l1=1.0), fit_intercept=False, draws=50, tune=10, chains=2,
        random_seed=3, progressbar=False,
    )  # fmt: skip
    assert result.intercept is None
    assert result.noise is None


def test_same_seed_same_draws() -> None:
    X, y = make_problem(60, 2, seed=1)
    first = bernoulli_gibbs(
        X, y, GibbsPrior(l1=1.0), draws=30, tune=5, chains=2, random_seed=7, progressbar=False
    )
    again = bernoulli_gibbs(
        X, y, GibbsPrior(l1=1.0), draws=30, tune=5, chains=2, random_seed=7, progressbar=False
    )
    np.testing.assert_array_equal(first.coef, again.coef)


def test_bad_inputs_are_refused_with_clear_messages() -> None:
    X, y = make_problem(40, 2, seed=1)
    with pytest.raises(InputTypeError, match="GibbsPrior"):
        bernoulli_gibbs(X, y, "laplace")  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="flat"):
        bernoulli_gibbs(X, y, GibbsPrior(l1=0.0, l2=0.0))
    with pytest.raises(InputValueError, match="scaled_by_noise"):
        bernoulli_gibbs(X, y, GibbsPrior(l1=1.0, scaled_by_noise=True))
    with pytest.raises(DataError, match="only the class"):
        bernoulli_gibbs(X, np.ones(40), GibbsPrior(l1=1.0))
    with pytest.raises(DataError):
        bernoulli_gibbs(X, np.full(40, 2.0), GibbsPrior(l1=1.0))


def test_sample_posterior_runs_it_for_the_bernoulli_likelihood() -> None:
    """``sample_posterior(..., likelihood="bernoulli", method="gibbs")`` samples the model
    ``build_model`` states: the prior's weights at σ = 1 (Laplace(0, b): l1 = 1/b)."""
    X, y = make_problem(120, 3, seed=2)
    prior = br.LaplacePrior(scale=1.0 / 3.0)
    tree = br.sample_posterior(
        X, y, prior, likelihood="bernoulli", method="gibbs", draws=3000, tune=300, chains=4,
        progressbar=False,
    )  # fmt: skip
    coef = tree["posterior"]["coef"].to_numpy()
    intercept = tree["posterior"]["intercept"].to_numpy()
    assert coef.shape == (4, 3000, 3)
    draws = np.concatenate((intercept[:, :, None], coef), axis=2)
    mean = draws.mean(axis=(0, 1))
    ess = np.array([float(az.ess(draws[:, :, k])) for k in range(4)])
    se = draws.std(axis=(0, 1)) / np.sqrt(ess)
    oracle_mean, oracle_se = oracle_moments(X, y, 3.0, 0.0, seed=None)
    assert np.all(np.abs(mean - oracle_mean) <= Z_MAX * np.sqrt(se**2 + oracle_se**2))


@pytest.mark.parametrize("method", ["exact"])
def test_sign_constrained_priors_are_refused_by_the_mixture_samplers(method: str) -> None:
    """The exact sampler draws untruncated Gaussians: an Exponential or half-normal prior
    would be sampled as its two-sided version, so it refuses it (method='gibbs' runs the
    truncated-normal sampler of bayesreg.posterior.positive_gibbs)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = X[:, 0] + rng.standard_normal(40)
    for prior in (br.ExponentialPrior(scale=1.0), br.HalfNormalPrior(scale=1.0)):
        with pytest.raises(ModelStructureError, match="w ≥ 0"):
            br.sample_posterior(X, y, prior, noise=1.0, method=method, progressbar=False)
