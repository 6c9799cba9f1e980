"""Priors with one scale per coefficient: the MAP is the fit with penalty factors.

Laplace(0, b_j) on w_j: ``−log p = Σ_j |w_j|/b_j``, so with σ fixed the MAP minimizes
``1/(2n)||y − w0 − Xw||² + (σ²/n) Σ_j |w_j|/b_j``: alpha = σ²/(n b_ref) and factors
``v_j = b_ref/b_j`` (Gaussian: ``τ_ref²/τ_j²``); ``b_j = inf`` (flat) is ``v_j = 0``.
The MAP comes from find_map on the PyMC model, the penalized fit from the core solver; the
objective is also recomputed here from the densities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from bayesreg.errors import InputValueError
from bayesreg.priors import GaussianPrior, LaplacePrior
from bayesreg.pymc.equivalence import check_equivalence
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model

#: MAP against the penalized fit, relative to the largest coefficient.
MAP_RTOL = 1e-8
NOISE = 0.5


def _data(seed: int = 0, n: int = 50, p: int = 6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.array([1.5, -1.0, 0.5, 0.0, 0.0, 0.3])[:p]
    return X, X @ w + 2.0 + NOISE * rng.standard_normal(n)


LAPLACE_SCALES = [0.05, 0.1, 0.02, 0.01, 0.2, 0.03]
GAUSSIAN_SCALES = [0.5, 1.0, 0.2, 0.1, 2.0, 0.3]


def _priors() -> list:
    with_flat_laplace = list(LAPLACE_SCALES)
    with_flat_laplace[1] = math.inf
    with_flat_gaussian = list(GAUSSIAN_SCALES)
    with_flat_gaussian[4] = math.inf
    return [
        LaplacePrior(scale=LAPLACE_SCALES),
        LaplacePrior(scale=with_flat_laplace),
        GaussianPrior(scale=GAUSSIAN_SCALES),
        GaussianPrior(scale=with_flat_gaussian),
    ]


def _negative_log_posterior(prior, X, y, coef, intercept):
    """``||y − w0 − Xw||²/(2σ²) − Σ_j log p_j(w_j)`` (flat entries: 0), from SciPy."""
    residual = y - intercept - X @ coef
    scales = np.asarray(prior.scale)
    family = stats.laplace if isinstance(prior, LaplacePrior) else stats.norm
    finite = np.isfinite(scales)
    log_prior = family.logpdf(coef[finite], scale=scales[finite]).sum()
    return residual @ residual / (2 * NOISE**2) - log_prior


@pytest.mark.parametrize("prior", _priors(), ids=repr)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_map_is_the_penalized_fit_with_factors(prior, fit_intercept):
    X, y = _data()
    estimate = find_map(build_model(X, y, prior, noise=NOISE, fit_intercept=fit_intercept))
    fit = prior.penalized_fit(X, y, noise=NOISE, fit_intercept=fit_intercept)
    assert estimate.converged
    assert estimate.optimality == "global"
    scale = np.max(np.abs(fit.coef))
    assert np.max(np.abs(estimate.coef - fit.coef)) <= MAP_RTOL * scale
    assert np.array_equal(estimate.coef == 0.0, fit.coef == 0.0)
    if isinstance(prior, LaplacePrior):
        assert np.any(fit.coef == 0.0)
    map_intercept = 0.0 if estimate.intercept is None else estimate.intercept
    assert abs(map_intercept - fit.intercept) <= MAP_RTOL * max(abs(fit.intercept), scale)
    # the penalized fit is the posterior mode: no better point by the densities themselves
    at_fit = _negative_log_posterior(prior, X, y, fit.coef, fit.intercept)
    at_map = _negative_log_posterior(prior, X, y, estimate.coef, map_intercept)
    assert at_fit <= at_map + 1e-9 * abs(at_map)
    report = check_equivalence(X, y, prior, noise=NOISE, fit_intercept=fit_intercept)
    assert report.ok


@pytest.mark.parametrize("prior", _priors(), ids=repr)
def test_penalty_times_factor_is_the_weight_of_each_coefficient(prior):
    n = 40
    alpha, l1_ratio = prior.penalty(n, NOISE)
    factor = prior.penalty_factor()
    scales = np.asarray(prior.scale)
    power = 1 if isinstance(prior, LaplacePrior) else 2
    expected = np.where(np.isinf(scales), 0.0, NOISE**2 / (n * scales**power))
    assert np.allclose(alpha * factor, expected, rtol=1e-14, atol=0.0)
    assert l1_ratio == (1.0 if power == 1 else 0.0)
    assert np.max(factor) == 1.0


@pytest.mark.parametrize("family", [LaplacePrior, GaussianPrior])
def test_single_scale_behaviour_is_unchanged(family):
    vector = family(scale=[2.0, 2.0, 2.0])
    single = family(scale=2.0)
    assert single.penalty_factor() is None
    assert single.penalty(30, 1.5) == vector.penalty(30, 1.5)
    assert np.array_equal(vector.penalty_factor(), np.ones(3))
    assert single.variance() == vector.variances()[0]
    assert np.array_equal(single.logpdf([0.3, -1.0, 2.0]), vector.logpdf([0.3, -1.0, 2.0]))


def test_frozen_dataclass_semantics():
    prior = LaplacePrior(scale=np.array([1.0, math.inf, 0.5]))
    assert prior.scale == (1.0, math.inf, 0.5)
    assert prior == LaplacePrior(scale=[1.0, math.inf, 0.5])
    assert hash(prior) == hash(LaplacePrior(scale=(1.0, math.inf, 0.5)))
    assert repr(prior) == "LaplacePrior(scale=(1.0, inf, 0.5))"
    assert prior != LaplacePrior(scale=[1.0, math.inf, 0.25])
    with pytest.raises(AttributeError):
        prior.scale = (1.0,)  # type: ignore[misc]


def test_distribution_face_broadcasts():
    prior = LaplacePrior(scale=[1.0, math.inf, 0.5])
    w = np.array([[0.3, 5.0, -0.2], [1.0, -2.0, 0.0]])
    expected = stats.laplace.logpdf(w, scale=[1.0, 1.0, 0.5])
    expected[:, 1] = 0.0  # the flat entry: improper density 1
    assert np.allclose(prior.logpdf(w), expected, rtol=1e-15)
    assert np.array_equal(prior.variances(), [2.0, math.inf, 0.5])
    finite = GaussianPrior(scale=[1.0, 3.0])
    draws = finite.rvs((20000, 2), random_seed=1)
    assert draws.shape == (20000, 2)
    # sample standard deviations: 5 standard errors (sd/√(2N)) from τ_j, any seed
    assert np.all(np.abs(draws.std(axis=0) - [1.0, 3.0]) <= 5 * np.array([1.0, 3.0]) / 200)
    with pytest.raises(InputValueError, match="flat"):
        prior.rvs(3)
    with pytest.raises(InputValueError, match="variances"):
        prior.variance()
    with pytest.raises(InputValueError, match="penalty_factor"):
        prior.l1_weight()


@pytest.mark.parametrize(
    ("scale", "match"),
    [
        ([1.0, -1.0], r"scale\[1\] = -1\.0"),
        ([1.0, math.nan], r"scale\[1\] = nan"),
        ([0.0, 1.0], r"scale\[0\] = 0\.0"),
        ([math.inf, math.inf], "every coefficient"),
        ([[1.0, 2.0]], r"shape \(1, 2\)"),
        ([], r"shape \(0,\)"),
    ],
)
def test_bad_scales_are_refused(scale, match):
    for family in (LaplacePrior, GaussianPrior):
        with pytest.raises(InputValueError, match=match):
            family(scale=scale)


@pytest.mark.parametrize("likelihood", ["bernoulli", "poisson"])
def test_glm_map_with_vector_scales_is_the_factored_fit(likelihood):
    """Bernoulli and Poisson: find_map's MAP (check_equivalence) equals the core's
    logistic / poisson with ``penalty_factor = prior.penalty_factor()`` at rtol 1e-8,
    zeros included, and penalized_fit reaches the same solver."""
    X, y = _data()
    target = (y > np.median(y)).astype(float) if likelihood == "bernoulli" else np.floor(np.abs(y))
    scales = [0.5, 1.0, math.inf, 0.02, 0.2, 0.01]
    prior = LaplacePrior(scale=scales)
    report = check_equivalence(X, target, prior, likelihood=likelihood)
    assert report.ok, str(report)
    assert report.likelihood == likelihood
    assert np.any(report.coef_map == 0.0)
    assert report.coef_map[2] != 0.0  # flat: unpenalized
    fit = prior.penalized_fit(X, target, likelihood=likelihood)
    assert np.max(np.abs(fit.coef - report.coef_map)) <= 1e-8 * np.max(np.abs(fit.coef))


def test_penalty_value_and_prox_use_the_factors():
    prior = LaplacePrior(scale=[0.5, math.inf, 0.25])
    n = 10
    w = np.array([1.0, -3.0, 2.0])
    weights = np.array([1 / 0.5, 0.0, 1 / 0.25]) / n
    assert prior.penalty_value(w, n) == pytest.approx(weights @ np.abs(w), rel=1e-14)
    z = np.array([0.1, -3.0, 1.0])
    expected = np.sign(z) * np.maximum(np.abs(z) - 0.5 * weights, 0.0)
    assert np.allclose(prior.prox(z, 0.5, n), expected, rtol=1e-15)
