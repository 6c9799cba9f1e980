"""Priors supported on w ≥ 0: ExponentialPrior (truncated Laplace) and HalfNormalPrior.

Identities checked: the MAP under Exponential(rate 1/b) priors with σ fixed is the
non-negative lasso at ``alpha = σ²/(n b)``, under HalfNormal(τ) the non-negative ridge at
``alpha = σ²/(n τ²)``; the densities against scipy.stats; posterior draws by NUTS are ≥ 0.
``find_map`` refuses these priors clearly (their MAP sits on the boundary w_j = 0, which
PyMC's log transform cannot reach).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from bayesreg.core.enet_solver import lasso
from bayesreg.core.ridge import ridge
from bayesreg.errors import InputValueError, ModelStructureError
from bayesreg.priors import ExponentialPrior, HalfNormalPrior, LaplacePrior


def _data(seed: int = 0, n: int = 30, p: int = 5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.array([1.0, -1.0, 0.5, 0.0, 2.0])[:p] + rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("scale", [0.1, 0.5, 3.0])
def test_exponential_map_is_nonnegative_lasso(scale):
    X, y = _data()
    n, sigma = X.shape[0], 0.8
    fit = ExponentialPrior(scale).penalized_fit(X, y, noise=sigma)
    direct = lasso(X, y, sigma**2 / (n * scale), positive=True)
    np.testing.assert_array_equal(fit.coef, direct.coef)  # the same computation
    assert np.all(fit.coef >= 0.0)
    # the same L1 weight as the Laplace prior it truncates
    assert ExponentialPrior(scale).penalty(n, sigma) == LaplacePrior(scale).penalty(n, sigma)


@pytest.mark.parametrize("scale", [0.3, 2.0])
def test_halfnormal_map_is_nonnegative_ridge(scale):
    X, y = _data(1)
    n, sigma = X.shape[0], 1.3
    fit = HalfNormalPrior(scale).penalized_fit(X, y, noise=sigma)
    direct = ridge(X, y, sigma**2 / (n * scale**2), positive=True)
    np.testing.assert_array_equal(fit.coef, direct.coef)
    assert np.all(fit.coef >= 0.0)


def test_densities_match_scipy_and_integrate_to_one():
    w = np.array([-1.0, 0.0, 0.3, 2.0])
    b, tau = 0.7, 1.9
    expected = stats.expon(scale=b).logpdf(w)
    np.testing.assert_allclose(ExponentialPrior(b).logpdf(w), expected, rtol=1e-14)
    np.testing.assert_allclose(
        HalfNormalPrior(tau).logpdf(w), stats.halfnorm(scale=tau).logpdf(w), rtol=1e-14
    )
    for prior in (ExponentialPrior(b), HalfNormalPrior(tau)):
        mass, _ = integrate.quad(lambda x, p=prior: float(np.exp(p.logpdf(x))), 0, np.inf)
        assert mass == pytest.approx(1.0, abs=1e-9)
        draws = prior.rvs(size=20000, random_seed=3)
        assert np.all(draws >= 0.0)
    assert ExponentialPrior(b).variance() == pytest.approx(stats.expon(scale=b).var())
    assert HalfNormalPrior(tau).variance() == pytest.approx(stats.halfnorm(scale=tau).var())


def test_penalty_value_and_prox_enforce_the_constraint():
    prior = ExponentialPrior(0.5)
    assert prior.penalty_value(np.array([1.0, -1e-3]), 10) == np.inf
    alpha, _ = prior.penalty(10)
    assert prior.penalty_value(np.array([1.0, 2.0]), 10) == pytest.approx(3.0 * alpha)
    z = np.array([-2.0, 0.01, 3.0])
    np.testing.assert_allclose(prior.prox(z, 1.0, 10), np.maximum(z - alpha, 0.0))


def test_errors_are_clear():
    X, y = _data()
    with pytest.raises(InputValueError, match="scale"):
        ExponentialPrior(-1.0)
    with pytest.raises(InputValueError, match="Gaussian likelihood only"):
        ExponentialPrior(1.0).penalized_fit(X, (y > 0).astype(float), likelihood="bernoulli")


def test_find_map_refuses_clearly():
    pytest.importorskip("pymc")
    from bayesreg.pymc import build_model, find_map

    X, y = _data()
    for prior in (ExponentialPrior(0.5), HalfNormalPrior(1.0)):
        model = build_model(X, y, prior, noise=1.0)
        with pytest.raises(ModelStructureError, match=type(prior).__name__ + ".*penalized_fit"):
            find_map(model)


def test_nuts_draws_are_nonnegative():
    pytest.importorskip("pymc")
    from bayesreg.posterior import sample_posterior

    X, y = _data(2, 20, 3)
    tree = sample_posterior(
        X, y, ExponentialPrior(1.0), noise=1.0, method="nuts", draws=50, tune=50,
        chains=1, random_seed=4, progressbar=False,
    )  # fmt: skip
    coef = np.asarray(tree["posterior"]["coef"])
    assert coef.size == 50 * 3
    assert np.all(coef >= 0.0)
